/* scrub.c: the timeline bar over the caption bar's top row (its beat dots
 * and title), never over the caption's text or the stage. It shows when the
 * mouse moves and hides a few seconds after (never in --kiosk, never for the
 * laser or the pen): one tick per
 * beat of the current entry, the beat's title when hovered, a press to jump
 * and a drag to scrub. Scrubbing only sets the scene clock, and a scene's
 * picture depends only on its clock and inputs, so a scrubbed moment looks
 * exactly as it did when played (tests/app/test_lecture_keys.c checks it).
 */
#include <stdio.h>
#include "app/session.h"

#define SCRUB_SHOW 3.0   /* seconds after the last mouse move */
#define SCRUB_FADE 0.5

static void bar_rect(const app_session *a, float *x, float *y, float *w, float *h) {
    float W = gfx_canvas_w(), H = gfx_canvas_h();
    (void)a;
    /* over the caption bar's first row (the beat dots and title, which the
     * bar's own ticks and hover label stand in for while it shows): the
     * caption's text below and the stage above stay as they are */
    *x = 40; *w = W - 80;
    *y = H - UI_CAPTION_H + 6;
    *h = 58;
}

void scrub_range(const app_session *a, double *t0, double *t1) {
    const deck_entry *e = &a->d->e[a->entry];
    *t0 = scene_beat_start(e->s->kind, e->first);
    *t1 = scene_beat_start(e->s->kind, e->last + 1);
}

static float alpha(const app_session *a) {
    if (a->kiosk) return 0;
    if (a->scrubbing) return 1;
    double left = SCRUB_SHOW - (a->now - a->last_motion);
    return left <= 0 ? 0 : left < SCRUB_FADE ? (float)(left / SCRUB_FADE) : 1;
}

bool scrub_visible(const app_session *a) { return alpha(a) > 0; }

/* The story time under canvas x, clamped to the entry. */
static double time_at(const app_session *a, float cx) {
    float x, y, w, h;
    bar_rect(a, &x, &y, &w, &h);
    double t0, t1;
    scrub_range(a, &t0, &t1);
    double u = (cx - (x + 40)) / (w - 80);
    u = u < 0 ? 0 : u > 1 ? 1 : u;
    return t0 + u * (t1 - t0);
}

static void seek(app_session *a, double t) {
    scene *s = app_session_scene(a);
    double t0, t1;
    scrub_range(a, &t0, &t1);
    const deck_entry *e = &a->d->e[a->entry];
    s->clock = t >= t1 ? scene_clock_beat(s->kind, e->last, 1e9) : scene_clock_at(s->kind, t < t0 ? t0 : t);
}

bool scrub_input(app_session *a, float cx, float cy, bool pressed, bool down) {
    if (!app_session_scene(a)) return false;
    if (a->scrubbing) {
        seek(a, time_at(a, cx));
        if (!down) a->scrubbing = false;
        return true;
    }
    if (!scrub_visible(a)) return false;
    float x, y, w, h;
    bar_rect(a, &x, &y, &w, &h);
    bool over = cx >= x && cx < x + w && cy >= y && cy < y + h;
    if (over && pressed) {
        a->scrubbing = down;
        seek(a, time_at(a, cx));
    }
    return over;
}

void scrub_draw(const app_session *a, float cx, float cy) {
    float al = alpha(a);
    scene *s = app_session_scene(a);
    if (al <= 0 || !s) return;
    const deck_entry *e = &a->d->e[a->entry];
    const scene_kind *k = s->kind;
    float x, y, w, h;
    bar_rect(a, &x, &y, &w, &h);
    double t0, t1;
    scrub_range(a, &t0, &t1);
    float starts[DECK_MAX_BEATS];
    int numbers[DECK_MAX_BEATS], n = 0, hover = -1;
    bool over = cx >= x && cx < x + w && cy >= y && cy < y + h;
    double th = time_at(a, cx);
    for (int b = e->first; b <= e->last && n < DECK_MAX_BEATS; b++, n++) {
        double bs = scene_beat_start(k, b);
        starts[n] = t1 > t0 ? (float)((bs - t0) / (t1 - t0)) : 0;
        numbers[n] = b + 1;
        if (over && th >= bs && (th < bs + k->beats[b].duration || b == e->last)) hover = n;
    }
    float pos = t1 > t0 ? (float)((s->clock.time - t0) / (t1 - t0)) : 1;
    pos = pos < 0 ? 0 : pos > 1 ? 1 : pos;
    char label[200] = "";
    if (hover >= 0) {
        int b = e->first + hover;
        snprintf(label, sizeof label, "%d  %s", b + 1, k->beats[b].title ? k->beats[b].title : "");
    }
    ui_timeline(a->th, x, y, w, h, starts, numbers, n, pos, hover, hover >= 0 ? label : NULL, al);
}
