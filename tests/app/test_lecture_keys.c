/* test_lecture_keys.c: the window's keys as a lecture needs them, driven with
 * synthetic SDL events through the session (src/app/session.h) under the
 * offscreen driver, drawing into an offscreen target.
 *
 * - back: one Left/PageUp shows the previous beat at its settled end, from
 *   any moment of a beat (animating or held), every time;
 * - Esc: never closes the scene or quits (leaves full screen, closes help);
 *   Q quits at once with nothing done, and asks first after a drawing;
 * - text fields: a focused field takes every printable key (q, t, f, h, c do
 *   nothing else), PageUp/PageDown still reach the story, Enter or Esc gives
 *   the keyboard back (also when the sentence is refused), in attention and
 *   in the cnn playground;
 * - window: the size fits the display; a remembered position off every
 *   display is ignored, a good one is used;
 * - help: every scene with widgets declares its keys, and they are drawn;
 * - picker: the card under a resting mouse is not selected; decks first,
 *   then each scene with its presets under it; typing filters, Home, Esc,
 *   pages;
 * - timeline: scrubbing then playing gives the same pixels as playing
 *   straight through; comma/period step frames while paused; [ ] speed.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "app/session.h"

#include "app_check.h"

enum { TW = 960, TH = 540 };   /* the target: half the canvas, so window = canvas / 2 */
static gfx_target *target;
static gfx_window *win;
static const double DT = 1.0 / 64;   /* exact in binary: clocks add up without rounding */

static app_session *open_session(const char *arg) {
    char err[512];
    app_options o = {.scene = arg, .theme = &ui_theme_dark};
    app_session *a = app_session_open(&o, win, err, sizeof err);
    if (!a) { fprintf(stderr, "cannot open %s: %s\n", arg ? arg : "picker", err); exit(1); }
    a->target = target;
    a->target_w = TW;
    a->target_h = TH;
    return a;
}

static void steps(app_session *a, int n) { for (int i = 0; i < n; i++) app_session_step(a, DT); }

static void push_key(SDL_Keycode k, bool text) {
    SDL_Event e = {0};
    e.type = SDL_KEYDOWN;
    e.key.keysym.sym = k;
    e.key.state = SDL_PRESSED;
    SDL_PushEvent(&e);
    if (text && k >= 32 && k < 127) {
        SDL_Event t = {0};
        t.type = SDL_TEXTINPUT;
        t.text.text[0] = (char)k;
        SDL_PushEvent(&t);
    }
    e.type = SDL_KEYUP;
    e.key.state = SDL_RELEASED;
    SDL_PushEvent(&e);
}

static void key(app_session *a, SDL_Keycode k) { push_key(k, true); app_session_step(a, DT); }

static void type(app_session *a, const char *s) { for (; *s; s++) key(a, (SDL_Keycode)*s); }

/* Mouse events at canvas coordinates (the target is half the canvas). */
static void mouse_move(float cx, float cy) {
    SDL_Event e = {0};
    e.type = SDL_MOUSEMOTION;
    e.motion.x = (int)(cx / 2); e.motion.y = (int)(cy / 2);
    SDL_PushEvent(&e);
}
static void mouse_button(float cx, float cy, bool down) {
    SDL_Event e = {0};
    e.type = down ? SDL_MOUSEBUTTONDOWN : SDL_MOUSEBUTTONUP;
    e.button.button = SDL_BUTTON_LEFT;
    e.button.x = (int)(cx / 2); e.button.y = (int)(cy / 2);
    SDL_PushEvent(&e);
}
static void click(app_session *a, float cx, float cy) {
    mouse_move(cx, cy);
    mouse_button(cx, cy, true);
    app_session_step(a, DT);
    mouse_button(cx, cy, false);
    app_session_step(a, DT);
}

static scene *S(app_session *a) { return app_session_scene(a); }
static bool settled(app_session *a) { return scene_clock_at_end(S(a)->kind, &S(a)->clock); }

/* ---- back goes back ----------------------------------------------------------- */

static void test_back(void) {
    app_session *a = open_session("cnn");
    for (int b = 0; b < 4; b++) { key(a, SDLK_RIGHT); key(a, SDLK_RIGHT); }
    steps(a, 20);   /* beat 4, 0.3 s in: animating */
    CHECK(S(a)->clock.beat == 4 && !settled(a), "setup: beat 4 animating, got beat %d", S(a)->clock.beat);
    key(a, SDLK_LEFT);
    CHECK(S(a)->clock.beat == 3 && settled(a), "Left while animating: beat 3 settled, got %d t=%.2f",
          S(a)->clock.beat, S(a)->clock.t);
    key(a, SDLK_PAGEUP);
    CHECK(S(a)->clock.beat == 2 && settled(a), "PageUp from a settled beat: beat 2 settled, got %d", S(a)->clock.beat);
    steps(a, 200);   /* held at the end for a while */
    key(a, SDLK_PAGEUP);
    CHECK(S(a)->clock.beat == 1 && settled(a), "PageUp after holding: beat 1, got %d", S(a)->clock.beat);
    key(a, SDLK_LEFT);
    key(a, SDLK_LEFT);
    CHECK(S(a)->clock.beat == 0 && S(a)->clock.beat_time <= DT * session_beat_rate(S(a)->kind, 0),
          "Left at beat 0 restarts it, got %d %.2f",
          S(a)->clock.beat, S(a)->clock.beat_time);
    CHECK(a->running && S(a), "still running");
    app_session_close(a);
}

/* ---- Esc, Q --------------------------------------------------------------------- */

static void test_esc_and_quit(void) {
    app_session *a = open_session("attention");
    key(a, SDLK_ESCAPE); key(a, SDLK_ESCAPE); key(a, SDLK_ESCAPE);
    CHECK(a->running && S(a) && !a->in_picker, "Esc three times keeps the scene open");
    key(a, SDLK_h);
    CHECK(a->help, "H shows help");
    key(a, SDLK_ESCAPE);
    CHECK(!a->help && S(a), "Esc closes help, not the scene");
    key(a, SDLK_f);
    if (gfx_window_fullscreen(win)) {   /* where the driver has full screen */
        key(a, SDLK_ESCAPE);
        CHECK(!gfx_window_fullscreen(win) && S(a), "Esc leaves full screen and keeps the scene");
    }
    gfx_window_set_fullscreen(win, false);
    key(a, SDLK_TAB);
    CHECK(a->in_picker && a->d, "Tab shows the picker and keeps the deck open");
    key(a, SDLK_ESCAPE);
    CHECK(!a->in_picker && S(a) && a->running, "Esc in the picker goes back to the open scene");
    key(a, SDLK_q);
    CHECK(!a->running, "Q with nothing done quits at once");
    app_session_close(a);

    a = open_session("cnn");
    click(a, 200, 400);   /* draw on the input digit */
    CHECK(a->dirty, "a click in the scene is work");
    key(a, SDLK_q);
    CHECK(a->running && a->confirm_quit, "Q with work asks first");
    key(a, SDLK_x);
    CHECK(a->running && !a->confirm_quit && S(a), "another key stays");
    key(a, SDLK_q);
    key(a, SDLK_q);
    CHECK(!a->running, "Q twice quits");
    app_session_close(a);
}

/* ---- safe margin, blank screen, opening over work -------------------------------- */

static void test_hall(void) {
    uint8_t *p = malloc(TW * TH * 4);
    app_session *a = open_session("calibration");   /* its corner marks reach for the edges */
    a->kiosk = true;
    key(a, SDLK_RIGHT);
    steps(a, 2);
    gfx_target_read(target, p);
    const uint8_t *bg = p;   /* the top-left pixel */
    long off = 0;
    int mx = TW * 3 / 100 - 1, my = TH * 3 / 100 - 1;
    for (int y = 0; y < TH; y++)
        for (int x = 0; x < TW; x++)
            if ((x < mx || x >= TW - mx || y < my || y >= TH - my) && memcmp(p + 4 * (y * TW + x), bg, 3) != 0) off++;
    CHECK(off == 0, "nothing is drawn within 3%% of the edges in kiosk/full screen (%ld pixels)", off);
    long inside = 0;
    for (int y = my; y < TH - my; y++) inside += memcmp(p + 4 * (y * TW + mx + 2), bg, 3) != 0;
    CHECK(inside > 0, "but the stage reaches the margin");
    key(a, SDLK_w);
    gfx_target_read(target, p);
    long white = 0;
    for (long i = 0; i < (long)TW * TH; i++) white += p[4 * i] == 255 && p[4 * i + 1] == 255 && p[4 * i + 2] == 255;
    CHECK(white == (long)TW * TH, "W whites out the whole frame (%ld of %d pixels)", white, TW * TH);
    key(a, SDLK_SPACE);
    CHECK(!a->blank && a->playing, "a key returns from the white screen and does nothing else");
    app_session_close(a);
    free(p);

    a = open_session("cnn");
    click(a, 200, 400);
    key(a, SDLK_TAB);
    key(a, SDLK_HOME);                 /* the first card: the lecture deck */
    key(a, SDLK_RETURN);
    CHECK(a->confirm_open[0] && a->in_picker && strcmp(a->d->e[0].s->kind->name, "cnn") == 0,
          "picking another scene over work asks first");
    key(a, SDLK_x);
    CHECK(!a->confirm_open[0] && a->d && strcmp(a->d->e[0].s->kind->name, "cnn") == 0, "another key keeps the work");
    key(a, SDLK_RETURN);
    key(a, SDLK_RETURN);
    CHECK(!a->in_picker && strcmp(a->d->e[0].s->kind->name, "cnn") != 0, "Enter opens the other one");
    app_session_close(a);
}

/* ---- text fields ---------------------------------------------------------------- */

static void test_fields(void) {
    app_session *a = open_session("attention");
    key(a, SDLK_RIGHT); key(a, SDLK_RIGHT);    /* beat 2 */
    int beat = S(a)->clock.beat;
    float fx, fy, fw, fh;
    mouse_move(300, 300);                      /* widgets show while the mouse moves */
    steps(a, 2);
    CHECK(ui_field_rect(&a->ui, 0, &fx, &fy, &fw, &fh), "attention shows its sentence field");
    fx += fw / 2; fy += fh / 2;
    click(a, fx, fy);                          /* the sentence field */
    CHECK(a->ui.focus != 0, "a click gives the field the keyboard");
    const ui_theme *th = a->th;
    type(a, "qtfhcbwdlg");
    CHECK(a->running && a->th == th && a->captions && !a->help && !a->blank && !a->ink.pen && !a->go_open,
          "printable keys go to the field only");
    CHECK(a->ui.focus != 0, "the field keeps the keyboard while typing");
    key(a, SDLK_PAGEDOWN);
    CHECK(S(a)->clock.beat == beat || settled(a), "PageDown reaches the story");
    key(a, SDLK_PAGEDOWN);
    CHECK(S(a)->clock.beat == beat + 1, "PageDown goes on with a field focused, got beat %d", S(a)->clock.beat);
    key(a, SDLK_PAGEUP);
    CHECK(S(a)->clock.beat == beat, "PageUp comes back with a field focused");
    CHECK(a->ui.focus != 0, "the field still has the keyboard");
    key(a, SDLK_RETURN);                       /* "qtfhcbwdlg" is refused: unknown words */
    CHECK(a->ui.focus == 0, "Enter gives the keyboard back even when the sentence is refused");
    key(a, SDLK_c);
    CHECK(!a->captions, "after Enter, keys reach the app again");
    click(a, fx, fy);
    type(a, "abc");
    key(a, SDLK_ESCAPE);
    CHECK(a->ui.focus == 0 && S(a) && a->running, "Esc leaves the field and keeps the scene");
    app_session_close(a);

    /* the cnn playground: click a filter cell, then its value field */
    a = open_session("cnn");
    char n[8];
    snprintf(n, sizeof n, "%d", S(a)->kind->beat_count);
    type(a, n);
    key(a, SDLK_RETURN);
    steps(a, 4);
    mouse_move(700, 200);
    click(a, 700, 200);                        /* filter cell (0, 0) */
    CHECK(ui_field_rect(&a->ui, 0, &fx, &fy, &fw, &fh), "the playground shows the value field");
    CHECK(a->ui.focus != 0, "the click on a cell gives its value field the keyboard");
    int at = S(a)->clock.beat;
    type(a, "4");                              /* not "go to beat 4" */
    CHECK(!a->digits[0] && S(a)->clock.beat == at, "a digit goes to the field, not to the beat number");
    key(a, SDLK_BACKSPACE);
    type(a, "2");
    key(a, SDLK_RETURN);
    CHECK(a->ui.focus == 0, "Enter in the playground gives the keyboard back");
    int b = S(a)->clock.beat;
    key(a, SDLK_PAGEUP);
    CHECK(S(a)->clock.beat == b - 1, "PageUp works right after Enter");
    app_session_close(a);
}

/* ---- window size ----------------------------------------------------------------- */

static void test_winconf(void) {
    char dir[] = "/tmp/ts-winconf-XXXXXX", path[4200];
    if (!mkdtemp(dir)) { failed++; return; }
    setenv("XDG_CONFIG_HOME", dir, 1);
    CHECK(winconf_path(path, sizeof path) && strstr(path, "/tensorstage/window.ini"), "config path %s", path);
    SDL_Rect r;
    SDL_GetDisplayUsableBounds(0, &r);
    winconf c = winconf_load();
    CHECK(!c.have_pos && c.w <= r.w && c.h <= r.h && abs(c.w * 9 - c.h * 16) < 16 && c.w <= 1600,
          "default %dx%d fits the display %dx%d at 16:9", c.w, c.h, r.w, r.h);
    char d2[4300];
    snprintf(d2, sizeof d2, "%s/tensorstage", dir);
    mkdir(d2, 0755);
    FILE *f = fopen(path, "w");
    fprintf(f, "[window]\nx = 90000\ny = 90000\nwidth = 800\nheight = 450\n");
    fclose(f);
    c = winconf_load();
    CHECK(!c.have_pos, "a position off every display is ignored");
    f = fopen(path, "w");
    fprintf(f, "[window]\nx = %d\ny = %d\nwidth = 400\nheight = 300\n", r.x + 10, r.y + 10);
    fclose(f);
    c = winconf_load();
    CHECK(c.have_pos && c.x == r.x + 10 && c.w == 400 && c.h == 300, "a remembered rectangle is used");
    unlink(path);
    rmdir(d2);
    rmdir(dir);
}

/* ---- stray keys say what they did; screenshots go to the pictures folder ---------- */

static void test_stray_keys(void) {
    char dir[] = "/tmp/ts-pictures-XXXXXX", conf[4200], want[4200], got[4200];
    if (!mkdtemp(dir)) { failed++; return; }
    const char *old_pic = getenv("XDG_PICTURES_DIR"), *old_conf = getenv("XDG_CONFIG_HOME");
    char keep_pic[4200] = "", keep_conf[4200] = "", keep_home[4200] = "";
    if (getenv("HOME")) snprintf(keep_home, sizeof keep_home, "%s", getenv("HOME"));
    if (old_pic) snprintf(keep_pic, sizeof keep_pic, "%s", old_pic);
    if (old_conf) snprintf(keep_conf, sizeof keep_conf, "%s", old_conf);
    /* xdg-user-dir's rule: user-dirs.dirs names it, $HOME expanded */
    unsetenv("XDG_PICTURES_DIR");
    setenv("XDG_CONFIG_HOME", dir, 1);
    setenv("HOME", dir, 1);
    snprintf(conf, sizeof conf, "%s/user-dirs.dirs", dir);
    FILE *f = fopen(conf, "w");
    fprintf(f, "# written by a test\nXDG_DESKTOP_DIR=\"$HOME/Desk\"\nXDG_PICTURES_DIR=\"$HOME/Bilder\"\n");
    fclose(f);
    snprintf(want, sizeof want, "%s/Bilder", dir);
    CHECK(session_pictures_dir(got, sizeof got) && strcmp(got, want) == 0, "pictures folder from user-dirs.dirs: %s", got);
    app_session *a = open_session("cnn");
    key(a, SDLK_s);
    char shot[4300];
    snprintf(shot, sizeof shot, "%s/tensorstage-0001.png", want);
    struct stat st;
    CHECK(stat(shot, &st) == 0 && st.st_size > 1000, "S writes %s", shot);
    CHECK(stat("tensorstage-0001.png", &st) != 0, "and nothing in the current folder");
    CHECK(strstr(a->toast, "saved") && strstr(a->toast, "Bilder"), "a toast says where: '%s'", a->toast);
    key(a, SDLK_c);
    CHECK(!a->captions && strstr(a->toast, "captions hidden"), "C says it hid the captions: '%s'", a->toast);
    key(a, SDLK_c);
    key(a, SDLK_t);
    CHECK(strstr(a->toast, "theme"), "T says which theme: '%s'", a->toast);
    app_session_close(a);
    unlink(shot);
    rmdir(want);
    unlink(conf);
    rmdir(dir);
    if (keep_pic[0]) setenv("XDG_PICTURES_DIR", keep_pic, 1);
    if (keep_conf[0]) setenv("XDG_CONFIG_HOME", keep_conf, 1); else unsetenv("XDG_CONFIG_HOME");
    if (keep_home[0]) setenv("HOME", keep_home, 1);
}

/* ---- help ------------------------------------------------------------------------- */

static long differing(const uint8_t *p, const uint8_t *q, int x0, int x1) {
    long n = 0;
    for (int y = 60; y < TH - 60; y++)   /* inside the help panel */
        for (int x = x0; x < x1; x++) n += memcmp(p + 4 * (y * TW + x), q + 4 * (y * TW + x), 4) != 0;
    return n;
}

static void test_help(void) {
    for (int i = 0; i < scene_kind_count(); i++) {   /* every scene is interactive */
        const scene_kind *k = scene_kind_at(i);
        CHECK(k->help && k->help_count > 0, "scene %s lists its keys for the help overlay", k->name);
        for (int j = 0; k->help && j < k->help_count; j++)
            CHECK(k->help[j].keys[0] && k->help[j].what[0], "%s help entry %d is empty", k->name, j);
    }
    /* the scene's keys are drawn: the right column differs between two scenes */
    uint8_t *p = malloc(TW * TH * 4), *q = malloc(TW * TH * 4);
    char err[256];
    const char *names[2] = {"cnn", "attention"};
    for (int i = 0; i < 2; i++) {
        app_session *a = open_session(names[i]);
        key(a, SDLK_h);
        gfx_target_read(target, i ? q : p);
        app_session_close(a);
    }
    CHECK(differing(p, q, TW * 2 / 3 + 20, TW - 40) > 500, "the help's scene column shows that scene's keys");
    CHECK(differing(p, q, 40, TW / 3) < 50, "the app's keys are the same in every scene");
    if (getenv("TS_KEEP")) { gfx_png_write("/tmp/help-a.png", p, TW, TH, err, sizeof err); gfx_png_write("/tmp/help-b.png", q, TW, TH, err, sizeof err); }
    free(p); free(q);
}

/* ---- picker ------------------------------------------------------------------------ */

static void test_picker(void) {
    /* the window opens under a resting mouse: SDL reports where it is */
    app_session *a = open_session(NULL);
    steps(a, 1);
    float x, y, w, h;
    CHECK(picker_card_rect(&a->pick, 2, &x, &y, &w, &h), "card 2 is on the first page");
    mouse_move(x + w / 2, y + h / 2);   /* over card 2 */
    steps(a, 3);
    CHECK(a->pick.sel == 0, "a resting mouse selects nothing, sel %d", a->pick.sel);
    /* grouped: decks first, then each scene kind followed by its own presets */
    const char *owner = NULL;
    bool under = true, decks_first = true, seen_scene = false;
    for (int i = 0; i < a->pick.n; i++) {
        const pick_entry *e = &a->pick.e[i];
        char kind[64], title[128];
        if (deck_is_path(e->arg)) { decks_first &= !seen_scene; continue; }
        seen_scene = true;
        if (!e->preset) { owner = e->arg; continue; }
        under &= owner && preset_peek(e->arg, kind, sizeof kind, title, sizeof title) && strcmp(kind, owner) == 0;
        if (i > 0 && a->pick.e[i - 1].preset)
            CHECK(strcmp(a->pick.e[i - 1].arg, e->arg) < 0, "presets by name: %s before %s", a->pick.e[i - 1].arg, e->arg);
        CHECK(strstr(e->summary, "A preset of") == NULL, "%s describes itself: '%s'", e->arg, e->summary);
    }
    CHECK(under, "every preset is under its scene's card");
    CHECK(decks_first, "the lectures come first");
    CHECK(picker_card_rect(&a->pick, 1, &x, &y, &w, &h), "card 1 is on the first page");
    mouse_move(x + w / 2 + 30, y + h / 2);   /* card 1 */
    steps(a, 1);
    CHECK(a->pick.sel == 1, "a moving mouse selects the card under it, sel %d", a->pick.sel);
    /* type to filter; Home; Esc clears */
    type(a, "collapse");
    int shown = 0;
    for (int i = 0; i < a->pick.n; i++) shown += a->pick.slot[i].page >= 0;
    CHECK(a->running && a->in_picker && shown >= 2 && shown < a->pick.n / 2, "typing filters the cards (%d of %d)", shown,
          a->pick.n);
    key(a, SDLK_END);
    key(a, SDLK_HOME);
    CHECK(a->pick.slot[a->pick.sel].page >= 0 && strstr(a->pick.e[a->pick.sel].summary, "collapse"),
          "Home goes to the first card shown: %s", a->pick.e[a->pick.sel].title);
    key(a, SDLK_ESCAPE);
    CHECK(!a->pick.filter[0] && a->running && a->in_picker, "Esc clears the filter");
    for (int i = 0; i < 12; i++) key(a, SDLK_PAGEDOWN);
    CHECK(a->pick.slot[a->pick.sel].page == a->pick.pages - 1 && a->pick.pages > 1, "PageDown turns to the last page");
    key(a, SDLK_HOME);
    CHECK(a->pick.sel == 0, "Home goes back to the first card");
    app_session_close(a);
}

/* ---- timeline, frame steps, speed ---------------------------------------------------- */

static void test_scrub(void) {
    uint8_t *p = malloc(TW * TH * 4), *q = malloc(TW * TH * 4);
    /* scrub: drag to the far end of the story, back to its start, release,
     * then play 40 frames */
    app_session *a = open_session("attention");
    mouse_move(900, 965);
    steps(a, 2);
    CHECK(scrub_visible(a), "the timeline shows when the mouse moves");
    mouse_move(1850, 965);
    mouse_button(1850, 965, true);
    steps(a, 1);
    mouse_move(1900, 965);
    steps(a, 1);
    CHECK(a->scrubbing && S(a)->clock.beat == S(a)->kind->beat_count - 1 && settled(a),
          "dragging right scrubs to the settled end, beat %d", S(a)->clock.beat);
    mouse_move(400, 965);
    steps(a, 1);
    CHECK(S(a)->clock.beat > 0 && S(a)->clock.beat < S(a)->kind->beat_count - 1, "dragging left scrubs back");
    mouse_move(0, 965);
    mouse_button(0, 965, false);
    app_session_step(a, DT);             /* released at t = 0, then one frame */
    CHECK(!a->scrubbing && S(a)->clock.time == DT * session_beat_rate(S(a)->kind, 0), "released at the start, %.6f",
          S(a)->clock.time);
    steps(a, 39);
    a->last_motion = -1e9;               /* the timeline has hidden itself again */
    app_session_step(a, 0);
    gfx_target_read(target, q);
    double t_scrub = S(a)->clock.time;
    app_session_close(a);
    /* straight through from the start, 40 frames */
    a = open_session("attention");
    steps(a, 40);
    app_session_step(a, 0);
    gfx_target_read(target, p);
    CHECK(S(a)->clock.time == t_scrub, "same clock: %.6f vs %.6f", S(a)->clock.time, t_scrub);
    CHECK(memcmp(p, q, TW * TH * 4) == 0, "scrub then play gives the same pixels as playing straight through");

    /* a click on a tick jumps to that beat */
    mouse_move(900, 965);
    steps(a, 1);
    double t0, t1;
    scrub_range(a, &t0, &t1);
    double x = 60 + 40 + (1800 - 80) * (scene_beat_start(S(a)->kind, 3) - t0) / (t1 - t0);
    click(a, (float)x + 4, 965);
    CHECK(S(a)->clock.beat == 3, "a click on the timeline jumps to beat 4, got %d", S(a)->clock.beat + 1);

    /* frame steps while paused, speed */
    key(a, SDLK_SPACE);
    double t = S(a)->clock.time;
    key(a, SDLK_PERIOD);
    CHECK(fabs(S(a)->clock.time - (t + 1.0 / 60)) < 1e-9 && !a->blank, "period steps one frame forward when paused");
    key(a, SDLK_COMMA); key(a, SDLK_COMMA);
    CHECK(fabs(S(a)->clock.time - (t - 1.0 / 60)) < 1e-9, "comma steps back");
    key(a, SDLK_SPACE);
    key(a, SDLK_PERIOD);
    CHECK(a->blank == 'b', "period blanks the screen while playing");
    key(a, SDLK_x);
    CHECK(!a->blank, "any key returns");
    for (int i = 0; i < 5; i++) key(a, SDLK_RIGHTBRACKET);
    CHECK(a->speed == 4, "] doubles up to 4x, got %g", a->speed);
    for (int i = 0; i < 6; i++) key(a, SDLK_LEFTBRACKET);
    CHECK(a->speed == 0.25, "[ halves down to 0.25x, got %g", a->speed);
    app_session_close(a);
    free(p); free(q);
}

int main(void) {
    char err[512];
    win = gfx_window_open(&(gfx_window_desc){.title = "test", .width = TW, .height = TH, .hidden = true}, err, sizeof err);
    if (!win || !gfx_init(&(gfx_desc){0}, err, sizeof err)) { fprintf(stderr, "%s\n", err); return 1; }
    target = gfx_target_new(TW, TH, err, sizeof err);
    if (!target) { fprintf(stderr, "%s\n", err); return 1; }
    test_back();
    test_esc_and_quit();
    test_hall();
    test_fields();
    test_winconf();
    test_stray_keys();
    test_help();
    test_picker();
    test_scrub();
    gfx_target_free(target);
    gfx_shutdown();
    gfx_window_close(win);
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
