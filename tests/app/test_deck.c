/* test_deck.c: lecture decks (src/app/deck.c) and a lecture driven through
 * one with synthetic key events (src/app/session.h).
 *
 * - a table of bad decks, each refused with "FILE:LINE: what" at the right
 *   line (missing scene, bad beat ranges, empty deck, notes out of range,
 *   unknown keys and sections, binary data, long lines), and by
 *   `tensorstage check` with exit code 2;
 * - scenes/lecture.deck is valid and visits every registered scene;
 * - Right/PageDown walks every beat of every entry in order and crosses into
 *   the next entry; Left/PageUp walks back, each beat settled; G jumps;
 *   entries of the same preset share one live scene, so a drawing survives;
 * - pen strokes belong to their beat: gone on the next beat, back on return;
 * - deck time (exports): entries follow each other, the end is settled, and
 *   `tensorstage render DECK` writes the whole lecture.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "app/session.h"

#include "app_check.h"

static char dir[] = "/tmp/ts-deck-XXXXXX";

/* ---- bad decks ------------------------------------------------------------------- */

typedef struct bad_case { const char *name, *text; int line; const char *what; } bad_case;

static const bad_case bad[] = {
    {"empty", "", 1, "missing [deck]"},
    {"no-entry", "[deck]\ntitle = x\n", 2, "has no [entry]"},
    {"entry-first", "[entry]\nscene = cnn\n", 1, "first section must be [deck]"},
    {"deck-twice", "[deck]\n[entry]\nscene = cnn\n[deck]\n", 4, "appears twice"},
    {"no-scene", "[deck]\n[entry]\nbeats = 1\n[entry]\nscene = cnn\n", 2, "needs scene"},
    {"empty-entry", "[deck]\n[entry]\nscene = cnn\n[entry]\n", 4, "needs scene"},
    {"unknown-scene", "[deck]\n[entry]\n\nscene = nosuch\n", 4, "unknown scene 'nosuch'"},
    {"missing-preset", "[deck]\n[entry]\nscene = nosuch.scene\n", 3, "cannot open"},
    {"range-reversed", "[deck]\n[entry]\nscene = cnn\nbeats = 3-1\n", 4, "beats must be"},
    {"range-zero", "[deck]\n[entry]\nscene = cnn\nbeats = 0\n", 4, "beats must be"},
    {"range-past-end", "[deck]\n[entry]\nscene = calibration\nbeats = 2-99\n", 4, "within 1.."},
    {"range-words", "[deck]\n[entry]\nscene = cnn\nbeats = two\n", 4, "beats must be"},
    {"range-empty", "[deck]\n[entry]\nbeats =\nscene = cnn\n", 3, "beats must be"},
    {"note-outside", "[deck]\n[entry]\nscene = cnn\nbeats = 1-2\nnote.7 = hi\n", 5, "note.7 is outside"},
    {"note-name", "[deck]\n[entry]\nscene = cnn\nnote.x = hi\n", 4, "note.K"},
    {"unknown-key", "[deck]\n[entry]\nscene = cnn\nspeed = 2\n", 4, "unknown key 'speed' in [entry]"},
    {"deck-key", "[deck]\nauthor = me\n", 2, "unknown key 'author' in [deck]"},
    {"section", "[deck]\n[slides]\n", 2, "unknown section [slides]"},
    {"outside", "scene = cnn\n[deck]\n", 1, "outside any section"},
    {"scene-twice", "[deck]\n[entry]\nscene = cnn\nscene = attention\n", 4, "set twice"},
    {"syntax", "[deck]\n[entry]\nscene = cnn\nthis is not ini\n", 4, "syntax error"},
    {"binary", "[deck]\n[entry]\nscene = c\001nn\n", 3, "binary data"},
};

static void test_bad_decks(void) {
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char path[256], err[1024], want[300];
        snprintf(path, sizeof path, "%s/%s.deck", dir, bad[i].name);
        FILE *f = fopen(path, "w");
        fputs(bad[i].text, f);
        fclose(f);
        snprintf(want, sizeof want, "%s:%d: ", path, bad[i].line);
        for (int peek = 0; peek < 2; peek++) {   /* list and the picker refuse it alike */
            deck *d = peek ? deck_peek(path, err, sizeof err) : deck_open(path, err, sizeof err);
            CHECK(!d && strncmp(err, want, strlen(want)) == 0 && strstr(err, bad[i].what),
                  "%s%s: want '%s...%s', got '%s'", bad[i].name, peek ? " (peek)" : "", want, bad[i].what,
                  d ? "(accepted)" : err);
            deck_close(d);
        }
    }
    /* a long line */
    char path[256], err[1024], cmd[1024];
    snprintf(path, sizeof path, "%s/long.deck", dir);
    FILE *f = fopen(path, "w");
    fprintf(f, "[deck]\ntitle = ");
    for (int i = 0; i < 300; i++) fputc('x', f);
    fclose(f);
    deck *d = deck_open(path, err, sizeof err);
    CHECK(!d && strstr(err, ":2: line is longer"), "long line: %s", err);
    /* check refuses with exit 2 and one located line */
    snprintf(cmd, sizeof cmd, "\"%s\" check %s/range-zero.deck 2>%s/err.txt", getenv("TS_BIN"), dir, dir);
    int rc = system(cmd);
    CHECK(WIFEXITED(rc) && WEXITSTATUS(rc) == 2, "check of a bad deck exits 2, got %d", rc);
    snprintf(cmd, sizeof cmd, "grep -q 'range-zero.deck:4: beats must be' %s/err.txt", dir);
    CHECK(system(cmd) == 0, "check prints FILE:LINE");
    snprintf(cmd, sizeof cmd, "\"%s\" check scenes/lecture.deck >/dev/null", getenv("TS_BIN"));
    CHECK(system(cmd) == 0, "check accepts scenes/lecture.deck");
}

/* ---- peeking: the same checks, no scene opened --------------------------------- */

static void write_file(const char *name, const char *text) {
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    fputs(text, f);
    fclose(f);
}

static void test_peek(void) {
    char err[1024], path[256];
    deck *o = deck_open("scenes/lecture.deck", err, sizeof err), *p = deck_peek("scenes/lecture.deck", err, sizeof err);
    CHECK(o && p, "scenes/lecture.deck: %s", err);
    if (o && p) {
        CHECK(o->n == p->n && strcmp(o->title, p->title) == 0, "peek: %d entries '%s', open: %d '%s'", p->n, p->title,
              o->n, o->title);
        for (int i = 0; i < o->n && i < p->n; i++)
            CHECK(!p->e[i].s && p->e[i].kind == o->e[i].s->kind && p->e[i].first == o->e[i].first &&
                      p->e[i].last == o->e[i].last && strcmp(p->e[i].title, o->e[i].title) == 0,
                  "entry %d peeks as '%s' (%s), opens as '%s'", i + 1, p->e[i].title, p->e[i].kind->name,
                  o->e[i].title);
        CHECK(deck_duration(o) == deck_duration(p), "the same duration");
    }
    deck_close(o);
    deck_close(p);
    /* a preset whose scene fails only when started (its image is missing):
     * peeking accepts it, opening refuses it */
    write_file("late.scene", "[scene]\nkind = cnn\ntitle = Late\n[input]\nimage = missing.png\n");
    write_file("late.deck", "[deck]\n[entry]\nscene = late.scene\n");
    snprintf(path, sizeof path, "%s/late.deck", dir);
    p = deck_peek(path, err, sizeof err);
    CHECK(p && p->n == 1 && strcmp(p->e[0].title, "Late") == 0, "peek opens no scene: %s", p ? p->e[0].title : err);
    deck_close(p);
    o = deck_open(path, err, sizeof err);
    CHECK(!o && strstr(err, "late.deck:3: ") && strstr(err, "missing.png"), "open starts the scene: %s",
          o ? "(accepted)" : err);
    deck_close(o);
    /* a preset's keys are checked by both */
    write_file("badkey.scene", "[scene]\nkind = cnn\ntitle = t\n[input]\ncolour = red\n");
    write_file("badkey.deck", "[deck]\n[entry]\nscene = badkey.scene\n");
    snprintf(path, sizeof path, "%s/badkey.deck", dir);
    for (int peek = 0; peek < 2; peek++) {
        deck *d = peek ? deck_peek(path, err, sizeof err) : deck_open(path, err, sizeof err);
        CHECK(!d && strstr(err, "badkey.deck:3: ") && strstr(err, "badkey.scene:5: unknown key 'colour'"),
              "bad preset key%s: %s", peek ? " (peek)" : "", d ? "(accepted)" : err);
        deck_close(d);
    }
}

/* ---- the example deck ---------------------------------------------------------- */

static void test_example(void) {
    char err[1024];
    deck *d = deck_open("scenes/lecture.deck", err, sizeof err);
    CHECK(d != NULL, "scenes/lecture.deck: %s", err);
    if (!d) return;
    for (int k = 0; k < scene_kind_count(); k++) {
        bool found = false;
        for (int i = 0; i < d->n; i++) found |= d->e[i].s->kind == scene_kind_at(k);
        CHECK(found, "scenes/lecture.deck has no entry for the scene '%s' (add one)", scene_kind_at(k)->name);
    }
    bool notes = false;
    for (int i = 0; i < d->n; i++)
        for (int b = 0; b < DECK_MAX_BEATS; b++) notes |= d->e[i].note[b] != NULL;
    CHECK(notes, "the example deck has presenter notes");
    /* time over the deck */
    double total = 0;
    for (int i = 0; i < d->n; i++) total += deck_entry_duration(d, i);
    CHECK(total == deck_duration(d) && total > 0, "deck duration");
    CHECK(deck_seek(d, 0) == 0 && d->e[0].s->clock.beat == d->e[0].first && d->e[0].s->clock.beat_time == 0, "seek 0");
    double t1 = deck_entry_duration(d, 0);
    CHECK(deck_seek(d, t1) == 1 && d->e[1].s->clock.beat == d->e[1].first, "an entry starts where the last ended");
    CHECK(deck_seek(d, t1 - 1e-6) == 0, "just before is the first entry");
    int last = deck_seek(d, total + 5);
    CHECK(last == d->n - 1 && d->e[last].s->clock.beat == d->e[last].last &&
          scene_clock_at_end(d->e[last].s->kind, &d->e[last].s->clock), "the end is the last entry, settled");
    deck_close(d);
}

/* ---- driving a lecture ------------------------------------------------------------ */

static gfx_window *win;
static gfx_target *target;
static const double DT = 1.0 / 64;

static void key(app_session *a, SDL_Keycode k) {
    SDL_Event e = {0};
    e.type = SDL_KEYDOWN;
    e.key.keysym.sym = k;
    SDL_PushEvent(&e);
    e.type = SDL_KEYUP;
    SDL_PushEvent(&e);
    app_session_step(a, DT);
}

static void mouse(int type, float cx, float cy) {
    SDL_Event e = {0};
    e.type = (Uint32)type;
    if (type == SDL_MOUSEMOTION) { e.motion.x = (int)(cx / 2); e.motion.y = (int)(cy / 2); }
    else { e.button.button = SDL_BUTTON_LEFT; e.button.x = (int)(cx / 2); e.button.y = (int)(cy / 2); }
    SDL_PushEvent(&e);
}

static void test_drive(void) {
    char err[1024];
    app_options o = {.scene = "scenes/lecture.deck", .theme = &ui_theme_dark};
    app_session *a = app_session_open(&o, win, err, sizeof err);
    CHECK(a != NULL, "open the deck: %s", err);
    if (!a) return;
    a->target = target; a->target_w = 960; a->target_h = 540;
    deck *d = a->d;
    /* forward: every beat of every entry, in order, crossing entries */
    int steps = 0;
    bool in_order = true;
    for (int i = 0; i < d->n; i++)
        for (int b = d->e[i].first; b <= d->e[i].last; b++) {
            scene *s = d->e[a->entry].s;
            in_order &= a->entry == i && s->clock.beat == b;
            key(a, SDLK_PAGEDOWN);   /* completes the beat */
            if (i < d->n - 1 || b < d->e[i].last) key(a, SDLK_PAGEDOWN);
            steps++;
        }
    CHECK(in_order, "PageDown visits every beat of every entry in order (stopped at entry %d beat %d)",
          a->entry, d->e[a->entry].s->clock.beat);
    key(a, SDLK_PAGEDOWN);
    CHECK(a->entry == d->n - 1 && a->running, "PageDown at the very end stays");
    /* back: one press a beat, each shown settled */
    bool back = true;
    for (int i = d->n - 1; i >= 0; i--)
        for (int b = d->e[i].last; b >= d->e[i].first; b--) {
            scene *s = d->e[a->entry].s;
            back &= a->entry == i && s->clock.beat == b && (i == d->n - 1 && b == d->e[i].last ? true :
                     scene_clock_at_end(s->kind, &s->clock));
            if (!back) { fprintf(stderr, "  at entry %d beat %d, expected %d %d\n", a->entry, s->clock.beat, i, b); i = -1; break; }
            key(a, SDLK_PAGEUP);
        }
    CHECK(back, "PageUp walks back one beat a press, across entries, each settled");
    CHECK(a->entry == 0, "back at the first entry");

    /* entries of the same preset share one scene: a drawing survives */
    int cnn = -1, cnn2 = -1;
    for (int i = 0; i < d->n; i++)
        if (strcmp(d->e[i].s->kind->name, "cnn") == 0) { if (cnn < 0) cnn = i; else if (cnn2 < 0) cnn2 = i; }
    CHECK(cnn >= 0 && cnn2 > cnn && d->e[cnn].s == d->e[cnn2].s, "the two cnn entries share a scene");
    key(a, SDLK_g);
    CHECK(a->go_open, "G opens the go-to list");
    while (a->go_sel < cnn) key(a, SDLK_DOWN);
    key(a, SDLK_RETURN);
    CHECK(a->jump_pending && a->entry != cnn, "the jump shows where it goes for a frame first");
    app_session_step(a, DT);
    CHECK(!a->go_open && a->entry == cnn, "Enter in the go-to list goes to the entry, at %d", a->entry);
    scene *s = d->e[cnn].s;
    uint8_t *clean = malloc(960 * 540 * 4);
    key(a, SDLK_PAGEDOWN);
    a->last_motion = -1e9;
    app_session_step(a, 0);
    gfx_target_read(target, clean);
    mouse(SDL_MOUSEMOTION, 100, 300); mouse(SDL_MOUSEBUTTONDOWN, 100, 300);
    app_session_step(a, DT);
    for (int i = 0; i < 20; i++) { mouse(SDL_MOUSEMOTION, 100 + 20 * (float)i, 300 + 10 * (float)i); app_session_step(a, DT); }
    mouse(SDL_MOUSEBUTTONUP, 500, 500);
    app_session_step(a, DT);
    uint8_t *before = malloc(960 * 540 * 4), *after = malloc(960 * 540 * 4);
    key(a, SDLK_PAGEDOWN); key(a, SDLK_PAGEDOWN);   /* beat 2, settled */
    a->last_motion = -1e9;
    app_session_step(a, 0);
    gfx_target_read(target, before);
    long drawn = 0;
    for (size_t i = 0; i < 960 * 540 * 4; i++) drawn += before[i] != clean[i];
    CHECK(drawn > 1000, "the drawing changed the picture (%ld bytes)", drawn);
    free(clean);
    key(a, SDLK_g);
    while (a->go_sel < d->n - 1) key(a, SDLK_DOWN);
    key(a, SDLK_RETURN);
    app_session_step(a, DT);
    CHECK(a->entry == d->n - 1, "went to the last entry");
    key(a, SDLK_g);
    while (a->go_sel > cnn) key(a, SDLK_UP);
    key(a, SDLK_RETURN);
    app_session_step(a, DT);
    CHECK(d->e[cnn].s == s, "coming back finds the same live scene");
    key(a, SDLK_PAGEDOWN); key(a, SDLK_PAGEDOWN); key(a, SDLK_PAGEDOWN);   /* beat 2, settled */
    a->last_motion = -1e9;
    app_session_step(a, 0);
    gfx_target_read(target, after);
    long differ = 0;
    for (size_t i = 0; i < 960 * 540 * 4; i++) differ += before[i] != after[i];
    if (getenv("TS_KEEP")) { char e2[200]; gfx_png_write("/tmp/deck-before.png", before, 960, 540, e2, sizeof e2); gfx_png_write("/tmp/deck-after.png", after, 960, 540, e2, sizeof e2); }
    CHECK(differ == 0, "the drawing is still there after leaving and coming back (%ld bytes differ)", differ);

    /* pen strokes belong to their beat */
    int beat = s->clock.beat;
    key(a, SDLK_d);
    CHECK(a->ink.pen, "D turns the pen on");
    mouse(SDL_MOUSEMOTION, 900, 300); mouse(SDL_MOUSEBUTTONDOWN, 900, 300);
    app_session_step(a, DT);
    for (int i = 0; i < 10; i++) { mouse(SDL_MOUSEMOTION, 900 + 30 * (float)i, 300); app_session_step(a, DT); }
    mouse(SDL_MOUSEBUTTONUP, 1200, 300);
    app_session_step(a, DT);
    ink_page *pg = ink_page_get(&a->ink, a->entry, beat, false);
    CHECK(pg && pg->n >= 5, "a stroke is kept on this beat (%d points)", pg ? pg->n : 0);
    key(a, SDLK_PAGEDOWN); key(a, SDLK_PAGEDOWN);
    CHECK(s->clock.beat == beat + 1 && !ink_page_get(&a->ink, a->entry, beat + 1, false), "the next beat has no strokes");
    key(a, SDLK_PAGEUP);
    CHECK(s->clock.beat == beat && ink_page_get(&a->ink, a->entry, beat, false), "coming back shows them again");
    key(a, SDLK_e);
    CHECK(!ink_page_get(&a->ink, a->entry, beat, false), "E erases this beat's strokes");
    key(a, SDLK_q);
    CHECK(a->confirm_quit && a->running, "Q after drawing asks");
    free(before); free(after);
    app_session_close(a);
}

/* ---- the presenter view ------------------------------------------------------------ */

static void test_presenter(void) {
    char err[1024];
    app_options o = {.scene = "scenes/lecture.deck", .theme = &ui_theme_dark};
    app_session *a = app_session_open(&o, win, err, sizeof err);
    if (!a) { failed++; return; }
    a->target = target; a->target_w = 960; a->target_h = 540;
    app_session_step(a, DT);
    key(a, SDLK_p);
    CHECK(a->pwin != NULL, "P opens the presenter window (%s)", a->toast);
    if (!a->pwin) { app_session_close(a); return; }
    Uint32 id = SDL_GetWindowID(a->pwin);
    SDL_Event e = {0};
    e.type = SDL_KEYDOWN;
    e.key.windowID = id;
    e.key.keysym.sym = SDLK_PAGEDOWN;
    SDL_PushEvent(&e); SDL_PushEvent(&e);
    app_session_step(a, DT);
    CHECK(a->d->e[0].s->clock.beat == 1 || a->entry == 1, "keys in the presenter window drive the story");
    SDL_Event m = {0};
    m.type = SDL_MOUSEBUTTONDOWN;
    m.button.windowID = id;
    m.button.button = SDL_BUTTON_LEFT;
    m.button.x = 100; m.button.y = 100;
    SDL_PushEvent(&m);
    app_session_step(a, DT);
    CHECK(!a->dirty && !a->left_down, "the presenter window's mouse does not reach the stage");
    /* what it shows: notes of the current beat in the lower part */
    gfx_target *pt = gfx_target_new(960, 540, err, sizeof err);
    uint8_t *px = malloc(960 * 540 * 4);
    story_enter(a, 1, a->d->e[1].first, false);   /* an entry with notes */
    gfx_target_bind(pt);
    presenter_draw(a, 960, 540);
    gfx_target_read(pt, px);
    long ink = 0;
    for (int y = 390; y < 530; y++)
        for (int x = 20; x < 940; x++) ink += px[4 * (y * 960 + x)] > 150;
    CHECK(ink > 2000, "the notes are drawn large (%ld bright pixels)", ink);
    if (getenv("TS_KEEP")) gfx_png_write("/tmp/presenter.png", px, 960, 540, err, sizeof err);
    free(px);
    gfx_target_free(pt);
    gfx_target_bind(target);
    SDL_Event c = {0};
    c.type = SDL_WINDOWEVENT;
    c.window.event = SDL_WINDOWEVENT_CLOSE;
    c.window.windowID = id;
    SDL_PushEvent(&c);
    app_session_step(a, DT);
    CHECK(!a->pwin && a->running, "closing the presenter window closes only it");
    app_session_close(a);
}

static void test_render_deck(void) {
    char cmd[1024], path[512];
    char err[1024];
    deck *d = deck_open("scenes/lecture.deck", err, sizeof err);
    if (!d) { failed++; return; }
    long frames = (long)(deck_duration(d) * 2 + 0.5) + 1;
    deck_close(d);
    snprintf(cmd, sizeof cmd, "\"%s\" render scenes/lecture.deck --out %s/frames --size 192x108 --fps 2 2>/dev/null",
             getenv("TS_BIN"), dir);
    CHECK(system(cmd) == 0, "render accepts a deck");
    snprintf(path, sizeof path, "%s/frames/frame-%05ld.png", dir, frames - 1);
    CHECK(access(path, F_OK) == 0, "the whole lecture is rendered: %s", path);
    snprintf(path, sizeof path, "%s/frames/frame-%05ld.png", dir, frames);
    CHECK(access(path, F_OK) != 0, "and no more");
    snprintf(cmd, sizeof cmd, "\"%s\" render scenes/lecture.deck --beat 2 --out %s/f2 2>/dev/null", getenv("TS_BIN"), dir);
    int rc = system(cmd);
    CHECK(WIFEXITED(rc) && WEXITSTATUS(rc) == 2, "--beat with a deck is refused");
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
}

int main(void) {
    if (!getenv("TS_BIN")) { fprintf(stderr, "run through ctest\n"); return 1; }
    if (!mkdtemp(dir)) { perror("mkdtemp"); return 1; }
    test_bad_decks();
    test_peek();
    test_example();
    char err[512];
    win = gfx_window_open(&(gfx_window_desc){.title = "test", .width = 960, .height = 540, .hidden = true}, err, sizeof err);
    if (!win || !gfx_init(&(gfx_desc){0}, err, sizeof err)) { fprintf(stderr, "%s\n", err); return 1; }
    target = gfx_target_new(960, 540, err, sizeof err);
    test_drive();
    test_presenter();
    gfx_target_free(target);
    gfx_shutdown();
    gfx_window_close(win);
    test_render_deck();
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
