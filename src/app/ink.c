/* ink.c: the lecturer's pen and laser pointer.
 *
 * Pen strokes belong to the beat they were drawn on: each (entry, beat) has
 * a page of points in overlay canvas units, strokes separated by a NaN
 * point. Changing beat shows that beat's page (empty if never drawn on), so
 * strokes disappear when the story moves on and return when it comes back.
 * Strokes are drawn thick, in the theme's accent colour, to be read from the
 * back of a hall. The laser pointer is a large bright dot with a short trail
 * of the last few tenths of a second.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "app/session.h"

#define PEN_WIDTH 9.0f
#define TRAIL_SECONDS 0.5

void ink_free(ink *k) {
    for (int i = 0; i < k->n; i++) free(k->pages[i].pts);
    free(k->pages);
    k->pages = NULL;
    k->n = k->cap = 0;
    k->drawing = false;
}

ink_page *ink_page_get(ink *k, int entry, int beat, bool create) {
    for (int i = 0; i < k->n; i++)
        if (k->pages[i].entry == entry && k->pages[i].beat == beat) return &k->pages[i];
    if (!create) return NULL;
    if (k->n == k->cap) {
        int cap = k->cap ? 2 * k->cap : 8;
        ink_page *p = realloc(k->pages, sizeof *p * (size_t)cap);
        if (!p) return NULL;
        k->pages = p;
        k->cap = cap;
    }
    ink_page *p = &k->pages[k->n++];
    memset(p, 0, sizeof *p);
    p->entry = entry;
    p->beat = beat;
    return p;
}

static bool push(ink_page *p, float x, float y) {
    if (p->n == p->cap) {
        int cap = p->cap ? 2 * p->cap : 256;
        ink_point *q = realloc(p->pts, sizeof *q * (size_t)cap);
        if (!q) return false;
        p->pts = q;
        p->cap = cap;
    }
    p->pts[p->n++] = (ink_point){x, y};
    return true;
}

void ink_add_point(ink *k, int entry, int beat, float x, float y, bool new_stroke) {
    ink_page *p = ink_page_get(k, entry, beat, true);
    if (!p) return;
    if (new_stroke && p->n > 0) push(p, NAN, NAN);
    if (!new_stroke && p->n > 0 && !isnan(p->pts[p->n - 1].x) &&
        fabsf(p->pts[p->n - 1].x - x) < 1 && fabsf(p->pts[p->n - 1].y - y) < 1)
        return;   /* the mouse did not move far enough to matter */
    push(p, x, y);
}

void ink_clear(ink *k, int entry, int beat) {
    for (int i = 0; i < k->n; i++)
        if (k->pages[i].entry == entry && k->pages[i].beat == beat) {
            free(k->pages[i].pts);
            k->pages[i] = k->pages[--k->n];
            return;
        }
}

void ink_trail_add(ink *k, float x, float y, double now) {
    if (k->trail_n == INK_TRAIL) {
        memmove(k->trail, k->trail + 1, sizeof k->trail[0] * (INK_TRAIL - 1));
        memmove(k->trail_t, k->trail_t + 1, sizeof k->trail_t[0] * (INK_TRAIL - 1));
        k->trail_n--;
    }
    k->trail[k->trail_n] = (ink_point){x, y};
    k->trail_t[k->trail_n++] = now;
}

void ink_draw(const ink *k, int entry, int beat, const ui_theme *th, double now, float mx, float my) {
    const ink_page *p = ink_page_get((ink *)k, entry, beat, false);
    for (int i = 0; p && i < p->n; i++) {
        const ink_point *a = &p->pts[i];
        if (isnan(a->x)) continue;
        bool first = i == 0 || isnan(p->pts[i - 1].x);
        bool last = i + 1 == p->n || isnan(p->pts[i + 1].x);
        if (first && last) gfx_circle(a->x, a->y, PEN_WIDTH / 2, th->accent);   /* a dot */
        if (!last) gfx_line(a->x, a->y, p->pts[i + 1].x, p->pts[i + 1].y, PEN_WIDTH, th->accent);
    }
    if (!k->laser) return;
    gfx_color red = gfx_hex(0xff2a2aff);
    /* the trail: recent positions, thinner and fainter with age */
    for (int i = 1; i < k->trail_n; i++) {
        double age = now - k->trail_t[i];
        if (age > TRAIL_SECONDS) continue;
        float f = 1 - (float)(age / TRAIL_SECONDS);
        gfx_line(k->trail[i - 1].x, k->trail[i - 1].y, k->trail[i].x, k->trail[i].y, 4 + 14 * f,
                 gfx_fade(red, 0.55f * f));
    }
    gfx_circle(mx, my, 30, gfx_fade(red, 0.25f));
    gfx_circle(mx, my, 17, red);
    gfx_circle(mx, my, 7, gfx_hex(0xffe0e0ff));
}
