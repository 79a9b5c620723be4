/* test_scrub.c: scrubbing back then playing shows what playing showed, pixel
 * for pixel, on the scenes whose models train as the story plays (their
 * training goes through the kernel's rewindable trainer, kernel/trainer.h).
 *
 * For each training beat: session A jumps to the beat and plays it through,
 * frame by frame at a fixed step, hashing each frame. Session B first plays
 * to the end of the story (training ahead), then jumps back to the beat and
 * plays it the same way: every frame must equal A's. Then B's clock is set
 * half-way back inside the beat (a rewind that lands between checkpoints)
 * and played on beside a fresh session C set to the same moment: every
 * frame of B must equal C's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "app/session.h"
#include "app_check.h"

enum { TW = 480, TH = 270, MAXF = 200 };
static gfx_target *target;
static gfx_window *win;
static const double DT = 1.0 / 8;   /* exact in binary */
static uint8_t *px;

static uint64_t frame_hash(void) {
    gfx_target_read(target, px);
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < (size_t)TW * TH * 4; i++) h = (h ^ px[i]) * 1099511628211ull;
    return h;
}

static app_session *open_session(const char *arg) {
    char err[512];
    app_options o = {.scene = arg, .theme = &ui_theme_dark};
    app_session *a = app_session_open(&o, win, err, sizeof err);
    if (!a) { fprintf(stderr, "cannot open %s: %s\n", arg, err); exit(1); }
    a->target = target;
    a->target_w = TW;
    a->target_h = TH;
    return a;
}

/* Plays `beat` from its start for n frames, hashing each. */
static void play_beat(app_session *a, int beat, uint64_t *h, int n) {
    CHECK(story_jump(a, beat), "jump to beat %d", beat + 1);
    for (int i = 0; i < n; i++) {
        app_session_step(a, DT);
        h[i] = frame_hash();
    }
}

static void check_scene(const char *name, int beat) {
    app_session *a = open_session(name), *b = open_session(name);
    const scene_kind *k = app_session_scene(a)->kind;
    int n = (int)(k->beats[beat].duration / DT) + 2;
    if (n > MAXF) n = MAXF;
    uint64_t play[MAXF], again[MAXF];
    play_beat(a, beat, play, n);

    CHECK(story_jump(b, k->beat_count - 1), "%s: jump to the last beat", name);
    for (int i = 0; i < (int)(k->beats[k->beat_count - 1].duration / DT) + 2; i++) app_session_step(b, DT);
    play_beat(b, beat, again, n);
    int first_bad = -1;
    for (int i = 0; i < n && first_bad < 0; i++)
        if (again[i] != play[i]) first_bad = i;
    CHECK(first_bad < 0, "%s beat %d: after the story's end, frame %d of the beat differs from playing it",
          name, beat + 1, first_bad);

    /* half-way back inside the beat (a rewind between checkpoints), then on:
     * the same as a fresh session put at the same moment and played on */
    app_session *c = open_session(name);
    int half = n / 2;
    app_session_scene(b)->clock = scene_clock_beat(k, beat, half * DT);
    app_session_scene(c)->clock = scene_clock_beat(k, beat, half * DT);
    first_bad = -1;
    for (int i = half; i < n && first_bad < 0; i++) {
        app_session_step(b, DT);
        uint64_t hb = frame_hash();
        app_session_step(c, DT);
        if (frame_hash() != hb) first_bad = i;
    }
    CHECK(first_bad < 0, "%s beat %d: scrubbed back half-way, frame %d differs from coming there fresh", name,
          beat + 1, first_bad);
    app_session_close(c);
    app_session_close(a);
    app_session_close(b);
}

int main(void) {
    char err[512];
    win = gfx_window_open(&(gfx_window_desc){.title = "test", .width = TW, .height = TH, .hidden = true}, err, sizeof err);
    if (!win || !gfx_init(&(gfx_desc){0}, err, sizeof err)) { fprintf(stderr, "%s\n", err); return 1; }
    target = gfx_target_new(TW, TH, err, sizeof err);
    px = malloc((size_t)TW * TH * 4);
    if (!target || !px) { fprintf(stderr, "setup failed: %s\n", err); return 1; }
    check_scene("gan", 4);        /* training plays */
    check_scene("moe", 5);        /* a run trained without the balancing loss */
    check_scene("moe", 6);        /* ... and with it */
    check_scene("diffusion", 4);  /* the 2-D denoiser trains */
    check_scene("diffusion", 6);  /* the reverse chain of the digits */
    free(px);
    gfx_target_free(target);
    gfx_shutdown();
    gfx_window_close(win);
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
