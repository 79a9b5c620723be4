/* test_window.c: the three things a lecturer hit in front of a hall, driven
 * through the real window loop (app_interactive, the event loop a user's
 * presses go through) under SDL's offscreen driver, so CI needs no X server.
 *
 * Through the loop's test seam (app.h: app_loop_hook) each frame first runs
 * a small script: it pushes SDL events into the queue as a keyboard and a
 * mouse would, reads the session the loop runs (session.h: app_loop_session)
 * and the window's pixels (the last frame drawn), and checks:
 *
 * - overlay: in gan beat 3 the slide does not move when the mouse moves.
 *   Holding L (laser) or drawing with the pen leaves everything away from
 *   the pointer pixel for pixel as it was, controls and timeline hidden; a
 *   plain mouse move shows them over the stage, and the picture above the
 *   controls (the two D(x) heatmaps' tops, the plane) and the caption's
 *   text stay exactly as they were;
 * - focus: in cnn's filter playground a click on a weight cell gives its
 *   field the keyboard: "4" goes into the field (no "go to beat 4"), Enter
 *   sets the weight and stays on the beat;
 * - presses: every gan beat whose motion is not the lesson settles within
 *   2 s of being entered (session time); a press while a beat animates
 *   settles it at once and says so, and the next press goes on.
 *
 * Each scenario is one run of the loop; a scenario that gets stuck ends the
 * loop after its frame budget and fails.
 */
#include <epoxy/gl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "app/session.h"
#include "scenes/cnn/cnn_scene.h"

#include "app_check.h"

enum { WW = 960, WH = 540 };   /* the window: half the canvas, so window = canvas / 2 */

typedef struct script {
    int frame, phase, wait, budget;
    double mark;                /* a session time the phase measures from */
    uint8_t *rest, *now;        /* window pixels, RGBA, bottom-up */
} script;

static app_session *A(void) { return app_loop_session; }
static scene *S(void) { return app_session_scene(A()); }
static bool settled(void) { return S() && scene_clock_at_end(S()->kind, &S()->clock); }

static void push_key(SDL_Keycode k, bool down, bool text) {
    SDL_Event e = {0};
    e.type = down ? SDL_KEYDOWN : SDL_KEYUP;
    e.key.state = down ? SDL_PRESSED : SDL_RELEASED;
    e.key.keysym.sym = k;
    SDL_PushEvent(&e);
    if (down && text && k >= 32 && k < 127) {
        SDL_Event t = {0};
        t.type = SDL_TEXTINPUT;
        t.text.text[0] = (char)k;
        SDL_PushEvent(&t);
    }
}
static void press(SDL_Keycode k) { push_key(k, true, true); push_key(k, false, false); }

/* Mouse events at canvas coordinates. */
static void motion(float cx, float cy, bool held) {
    SDL_Event e = {0};
    e.type = SDL_MOUSEMOTION;
    e.motion.x = (int)(cx / 2); e.motion.y = (int)(cy / 2);
    e.motion.xrel = 2; e.motion.yrel = 1;
    e.motion.state = held ? SDL_BUTTON_LMASK : 0;
    SDL_PushEvent(&e);
}
static void button(float cx, float cy, bool down) {
    SDL_Event e = {0};
    e.type = down ? SDL_MOUSEBUTTONDOWN : SDL_MOUSEBUTTONUP;
    e.button.button = SDL_BUTTON_LEFT;
    e.button.state = down ? SDL_PRESSED : SDL_RELEASED;
    e.button.x = (int)(cx / 2); e.button.y = (int)(cy / 2);
    SDL_PushEvent(&e);
}

static void read_window(uint8_t *px) {
    glBindFramebuffer(GL_FRAMEBUFFER, 0);
    glReadPixels(0, 0, WW, WH, GL_RGBA, GL_UNSIGNED_BYTE, px);
}

/* Pixels that differ inside a canvas rectangle (the readback is bottom-up). */
static long differ(const uint8_t *p, const uint8_t *q, float x0, float y0, float x1, float y1) {
    long n = 0;
    for (int y = (int)(y0 / 2); y < (int)(y1 / 2); y++)
        for (int x = (int)(x0 / 2); x < (int)(x1 / 2); x++) {
            size_t i = 4 * ((size_t)(WH - 1 - y) * WW + (size_t)x);
            n += memcmp(p + i, q + i, 3) != 0;
        }
    return n;
}

static int run(const char *scene_arg, bool (*hook)(void *), script *sc) {
    app_options o = {.scene = scene_arg, .theme = &ui_theme_dark};
    app_loop_hook = hook;
    app_loop_hook_user = sc;
    int rc = app_interactive(&o);
    app_loop_hook = NULL;
    return rc;
}

/* Common start: the window is WW x WH (its remembered size, see main), then
 * the beat typed as a number. */
static bool start(script *sc, const char *beat) {
    if (sc->frame == 2) {
        CHECK(A()->fb_w == WW && A()->fb_h == WH, "the window opened at %dx%d, got %dx%d", WW, WH, A()->fb_w, A()->fb_h);
        if (A()->fb_w != WW || A()->fb_h != WH) sc->budget = 0;
    }
    if (sc->frame == 2 && beat) {
        for (const char *c = beat; *c; c++) press((SDL_Keycode)*c);
        press(SDLK_RETURN);
    }
    return sc->frame > 4;
}

/* ---- overlay ------------------------------------------------------------------- */

static bool overlay_hook(void *user) {
    script *sc = user;
    bool go = ++sc->frame < sc->budget;
    if (!start(sc, "3") || !go) return go;
    app_session *a = A();
    switch (sc->phase) {
    case 0:   /* beat 3 settled, a few frames on: the picture at rest */
        if (S()->clock.beat != 2 || !settled()) { press(SDLK_RIGHT); sc->mark = a->now; return true; }
        if (a->now - sc->mark < 1.5) return true;   /* the press's mark has faded */
        read_window(sc->rest);
        CHECK(!a->ui.show_widgets, "at rest the controls are hidden");
        push_key(SDLK_l, true, false);   /* hold L */
        sc->phase = 1; sc->wait = 0;
        return true;
    case 1:   /* the laser sweeps the left margin for a while */
        motion(16 + 2 * (float)sc->wait, 520 + 12 * (float)sc->wait, false);
        if (++sc->wait < 12) return true;
        read_window(sc->now);
        if (getenv("TS_KEEP")) { char err[256]; gfx_png_write("/tmp/window-laser.png", sc->now, WW, WH, err, sizeof err); }
        CHECK(!a->ui.show_widgets, "the laser does not summon the controls");
        CHECK(!scrub_visible(a), "the laser does not summon the timeline");
        CHECK(differ(sc->rest, sc->now, 120, 0, 1920, 930) == 0,
              "with the laser the slide stays put (%ld pixels moved away from the pointer)",
              differ(sc->rest, sc->now, 120, 0, 1920, 930));
        push_key(SDLK_l, false, false);
        press(SDLK_d);                    /* the pen */
        sc->phase = 2; sc->wait = 0;
        return true;
    case 2:   /* a stroke in the left margin */
        if (sc->wait == 1) button(20, 500, true);
        if (sc->wait > 1) motion(20 + (float)sc->wait, 500 + 10 * (float)sc->wait, true);
        if (sc->wait == 14) button(34, 640, false);
        if (++sc->wait < 18) return true;
        read_window(sc->now);
        if (getenv("TS_KEEP")) { char err[256]; gfx_png_write("/tmp/window-pen.png", sc->now, WW, WH, err, sizeof err); }
        CHECK(!a->ui.show_widgets && !scrub_visible(a), "the pen summons neither controls nor timeline");
        CHECK(differ(sc->rest, sc->now, 120, 0, 1920, 930) == 0,
              "with the pen the slide stays put (%ld pixels)", differ(sc->rest, sc->now, 120, 0, 1920, 930));
        press(SDLK_d);                    /* pen off */
        press(SDLK_e);                    /* and its stroke erased */
        sc->phase = 3; sc->wait = 0;
        return true;
    case 3:   /* a plain mouse move, still in the margin: the chrome comes */
        motion(20, 300 + 8 * (float)sc->wait, false);
        if (++sc->wait < 6) return true;
        read_window(sc->now);
        CHECK(a->ui.show_widgets && scrub_visible(a), "a mouse move shows the controls and the timeline");
        /* the stage above the floating controls, whole width */
        long moved = differ(sc->rest, sc->now, 120, 0, 1920, 500);
        CHECK(moved == 0, "the controls overlay: the picture above them does not move (%ld pixels)", moved);
        /* the caption's text (the timeline takes only the bar's top row) */
        long covered = differ(sc->rest, sc->now, 0, 1080 - 150 + 66, 1920, 1080);
        CHECK(covered == 0, "the timeline never covers the caption's text (%ld pixels)", covered);
        long shown = differ(sc->rest, sc->now, 960, 500, 1920, 930);
        CHECK(shown > 1000, "and the controls do show over the stage (%ld pixels)", shown);
        if (getenv("TS_KEEP")) {
            char err[256];
            gfx_png_write("/tmp/window-rest.png", sc->rest, WW, WH, err, sizeof err);
            gfx_png_write("/tmp/window-moved.png", sc->now, WW, WH, err, sizeof err);
        }
        sc->phase = 4;
        return false;
    }
    return false;
}

static void test_overlay(void) {
    script sc = {.budget = 900};
    sc.rest = malloc(WW * WH * 4);
    sc.now = malloc(WW * WH * 4);
    int rc = run("gan", overlay_hook, &sc);
    CHECK(rc == 0 && sc.phase == 4, "overlay: the script ran to its end (phase %d of 4, frame %d)", sc.phase, sc.frame);
    free(sc.rest);
    free(sc.now);
}

/* ---- a clicked field owns the keyboard --------------------------------------------- */

static bool focus_hook(void *user) {
    script *sc = user;
    bool go = ++sc->frame < sc->budget;
    if (!start(sc, "9") || !go) return go;
    app_session *a = A();
    const cnn_state *st = S()->state;
    switch (sc->phase) {
    case 0:
        if (S()->clock.beat != 8 || !settled()) { if (S()->clock.beat == 8) press(SDLK_RIGHT); return true; }
        motion(700, 200, false);
        button(700, 200, true);          /* filter cell (0, 0) */
        sc->phase = 1;
        return true;
    case 1:
        button(700, 200, false);
        sc->phase = 2;
        return true;
    case 2:
        CHECK(st->edit_cell >= 0, "the click selected a cell (edit_cell %d)", st->edit_cell);
        CHECK(a->ui.focus != 0, "the click on a cell gives its value field the keyboard");
        press(SDLK_4);                   /* a weight, not "go to beat 4" */
        sc->phase = 3;
        return true;
    case 3:
        CHECK(!a->digits[0] && !a->jump_pending, "the digit went to the field, not to the slide number ('%s')",
              a->digits);
        press(SDLK_RETURN);
        sc->phase = 4;
        return true;
    case 4:
        if (++sc->wait < 3) return true;
        CHECK(S()->clock.beat == 8, "Enter stays in the playground (beat %d)", S()->clock.beat + 1);
        CHECK(st->edit_cell >= 0 && st->filter->data[st->edit_cell] == 4.0f, "and sets the weight: %g",
              st->edit_cell >= 0 ? st->filter->data[st->edit_cell] : NAN);
        CHECK(a->ui.focus == 0, "Enter gives the keyboard back");
        sc->phase = 5;
        return false;
    }
    return false;
}

static void test_focus(void) {
    script sc = {.budget = 600};
    int rc = run("cnn", focus_hook, &sc);
    CHECK(rc == 0 && sc.phase == 5, "focus: the script ran to its end (phase %d of 5)", sc.phase);
}

/* ---- presses during animations -------------------------------------------------------- */

static double worst_settle;
static int worst_beat = -1;

static bool presses_hook(void *user) {
    script *sc = user;
    bool go = ++sc->frame < sc->budget;
    if (!start(sc, NULL) || !go) return go;
    app_session *a = A();
    scene *s = S();
    const scene_kind *k = s->kind;
    int b = s->clock.beat;
    switch (sc->phase) {
    case 0:   /* restart beat 1 and time every beat to its settled end */
        press(SDLK_HOME);
        sc->phase = 1; sc->mark = -1;
        return true;
    case 1:
        if (sc->mark < 0) { sc->mark = a->now; sc->wait = b; }
        if (k->beats[b].motion) {        /* the motion is the lesson: press during it */
            if (a->now - sc->mark < 0.3) return true;
            CHECK(!settled(), "setup: %s beat %d still animates 0.3 s in", k->name, b + 1);
            press(SDLK_PAGEDOWN);
            sc->phase = 2;
            return true;
        }
        if (!settled()) {
            if (a->now - sc->mark > 6) { CHECK(false, "beat %d never settles", b + 1); return false; }
            return true;
        }
        if (a->now - sc->mark > worst_settle) { worst_settle = a->now - sc->mark; worst_beat = b; }
        if (b == k->beat_count - 1) { sc->phase = 4; return false; }
        press(SDLK_PAGEDOWN);
        sc->mark = -1;
        return true;
    case 2:   /* one frame after the press: settled, and it says so */
        CHECK(settled() && s->clock.beat == sc->wait, "a press during beat %d's animation settles it at once", b + 1);
        CHECK(a->ack_at >= sc->mark, "and shows that the press was taken");
        press(SDLK_PAGEDOWN);
        sc->phase = 3;
        return true;
    case 3:
        CHECK(s->clock.beat == sc->wait + 1, "the next press goes on to beat %d (at %d)", sc->wait + 2, b + 1);
        sc->phase = 1; sc->mark = -1;
        return true;
    }
    return false;
}

static void test_presses(void) {
    script sc = {.budget = 3000};
    int rc = run("gan", presses_hook, &sc);
    CHECK(rc == 0 && sc.phase == 4, "presses: the script walked the story (phase %d, frame %d)", sc.phase, sc.frame);
    CHECK(worst_settle <= 2.0, "every beat whose motion is not the lesson settles within 2 s: beat %d took %.2f s",
          worst_beat + 1, worst_settle);
    printf("gan: slowest settle %.2f s (beat %d)\n", worst_settle, worst_beat + 1);
}

int main(void) {
    if (!getenv("SDL_VIDEODRIVER")) setenv("SDL_VIDEODRIVER", "offscreen", 1);
    /* the window opens where a user's last closed: here, WW x WH */
    char dir[] = "/tmp/ts-window-XXXXXX", sub[64], path[128];
    if (!mkdtemp(dir)) { perror("test_window"); return 1; }
    snprintf(sub, sizeof sub, "%s/tensorstage", dir);
    snprintf(path, sizeof path, "%s/window.ini", sub);
    mkdir(sub, 0755);
    FILE *f = fopen(path, "w");
    if (!f) { perror(path); return 1; }
    fprintf(f, "[window]\nx = 0\ny = 0\nwidth = %d\nheight = %d\n", WW, WH);
    fclose(f);
    setenv("XDG_CONFIG_HOME", dir, 1);
    test_overlay();
    test_focus();
    test_presses();
    unlink(path);
    rmdir(sub);
    rmdir(dir);
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
