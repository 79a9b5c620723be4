/* layout_check.h: the legibility rules for drawn text, checked on the text
 * log of a frame (gfx_text_log), shared by the layout and diagram tests.
 *
 *   gfx_text_rec rec[4096];
 *   gfx_text_log(rec, 4096);   ...draw a frame...   gfx_text_log(NULL, 0);
 *   int bad = layout_check(rec, n, gfx_canvas_w(), gfx_canvas_h(), "cnn beat 3", stderr);
 *
 * A violation is
 * - text below the floor of its role: DG_TEXT_FLOOR (24) for everything,
 *   DG_TEXT_REF (32) for labels a caption refers to, titles, headings,
 *   equations, legends, axis titles and the caption (GFX_ROLE_LABEL up);
 * - markup on the screen: a brace, a backslash, or `_`/`^` before a letter
 *   or digit in proportional text (monospace names like "W_ih" are code,
 *   shown as written; there only "_{", "^{" and a backslash command count);
 * - a text box that leaves the canvas, or two boxes that overlap by more
 *   than 2 canvas units in both axes.
 * Each is printed on one line after `where`; the count is returned.
 *
 * layout_contrast measures colours on pixels: given the frame drawn with
 * its text and marks hidden (gfx_text_hide, dg_marks_hide), every text
 * must read 4.5:1 (WCAG) against the background behind its box (90% of the
 * box's pixels) and every meaningful mark (dg_mark_log) 3:1 against the
 * background of its area (the median pixel).
 */
#ifndef TS_TEST_LAYOUT_CHECK_H
#define TS_TEST_LAYOUT_CHECK_H

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "diagram/diagram.h"
#include "gfx/gfx.h"

#define LAYOUT_SLACK 2.0f
#define LAYOUT_TEXT_CONTRAST 4.5f
#define LAYOUT_MARK_CONTRAST 3.0f

static inline void layout_box(FILE *out, const gfx_text_rec *r) {
    fprintf(out, "\"%s\" (%.0f,%.0f %.0fx%.0f size %.1f, %s, #%02X%02X%02X)", r->text, r->x, r->y, r->w,
            r->h, r->size, gfx_text_role_name(r->role), (int)lroundf(r->color.r * 255),
            (int)lroundf(r->color.g * 255), (int)lroundf(r->color.b * 255));
}

static inline float layout_floor(const gfx_text_rec *r) {
    return r->role >= GFX_ROLE_LABEL ? (float)DG_TEXT_REF : (float)DG_TEXT_FLOOR;
}

static inline bool layout_alnum(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* True when raw markup reached the screen in this text. */
static inline bool layout_markup(const gfx_text_rec *r) {
    const char *s = r->text;
    if (strstr(s, "_{") || strstr(s, "^{")) return true;
    for (const char *p = s; *p; p++) {
        if (*p == '\\' && layout_alnum(p[1])) return true;
        if (r->font == GFX_MONO) continue;
        if (*p == '{' || *p == '}' || *p == '\\') return true;
        if ((*p == '_' || *p == '^') && p > s && layout_alnum(p[1])) return true;
    }
    return false;
}

static inline int layout_check(const gfx_text_rec *rec, int n, float W, float H, const char *where,
                        FILE *out) {
    int bad = 0;
    for (int i = 0; i < n; i++) {
        const gfx_text_rec *a = &rec[i];
        if (a->size < layout_floor(a) - 0.01f) {
            bad++;
            if (out) {
                fprintf(out, "%s: below %.0f: ", where, layout_floor(a));
                layout_box(out, a);
                fputc('\n', out);
            }
        }
        if (layout_markup(a)) {
            bad++;
            if (out) { fprintf(out, "%s: raw markup: ", where); layout_box(out, a); fputc('\n', out); }
        }
        if (a->x < -LAYOUT_SLACK || a->y < -LAYOUT_SLACK || a->x + a->w > W + LAYOUT_SLACK ||
            a->y + a->h > H + LAYOUT_SLACK) {
            bad++;
            if (out) {
                fprintf(out, "%s: leaves the %.0fx%.0f canvas: ", where, W, H);
                layout_box(out, a);
                fputc('\n', out);
            }
        }
        for (int j = i + 1; j < n; j++) {
            const gfx_text_rec *b = &rec[j];
            float ox = (a->x + a->w < b->x + b->w ? a->x + a->w : b->x + b->w) - (a->x > b->x ? a->x : b->x);
            float oy = (a->y + a->h < b->y + b->h ? a->y + a->h : b->y + b->h) - (a->y > b->y ? a->y : b->y);
            if (ox > LAYOUT_SLACK && oy > LAYOUT_SLACK) {
                bad++;
                if (out) {
                    fprintf(out, "%s: overlap: ", where);
                    layout_box(out, a);
                    fprintf(out, " and ");
                    layout_box(out, b);
                    fputc('\n', out);
                }
            }
        }
    }
    return bad;
}

/* ---- contrast ------------------------------------------------------------------- */

static inline float layout_lin(float c) {
    return c <= 0.04045f ? c / 12.92f : powf((c + 0.055f) / 1.055f, 2.4f);
}

/* WCAG relative luminance of an sRGB colour (0..1 channels). */
static inline float layout_lum(float r, float g, float b) {
    return 0.2126f * layout_lin(r) + 0.7152f * layout_lin(g) + 0.0722f * layout_lin(b);
}

static inline float layout_ratio(float l1, float l2) {
    return l1 > l2 ? (l1 + 0.05f) / (l2 + 0.05f) : (l2 + 0.05f) / (l1 + 0.05f);
}

static inline int layout_cmp_float(const void *a, const void *b) {
    float x = *(const float *)a, y = *(const float *)b;
    return x < y ? -1 : x > y;
}

/* Contrast of colour c (alpha blended over each pixel) against the pixels
 * of px (pw x ph, RGBA, top row first) under canvas rect (x, y, w, h) at
 * ppu pixels per unit: the value that `share` of the pixels reach (0.9:
 * the 10th percentile; 0.5: the median). 0 when the rect has no pixels. */
static inline float layout_contrast_at(gfx_color c, float x, float y, float w, float h,
                                const uint8_t *px, int pw, int ph, float ppu, float share) {
    int x0 = (int)floorf(x * ppu), y0 = (int)floorf(y * ppu);
    int x1 = (int)ceilf((x + w) * ppu), y1 = (int)ceilf((y + h) * ppu);
    if (x0 < 0) x0 = 0;
    if (y0 < 0) y0 = 0;
    if (x1 > pw) x1 = pw;
    if (y1 > ph) y1 = ph;
    if (x1 <= x0 || y1 <= y0) return 0;
    int n = (x1 - x0) * (y1 - y0), k = 0;
    float *v = malloc((size_t)n * sizeof *v);
    if (!v) return 0;
    for (int j = y0; j < y1; j++)
        for (int i = x0; i < x1; i++) {
            const uint8_t *p = px + ((size_t)j * (size_t)pw + (size_t)i) * 4;
            float br = p[0] / 255.0f, bg = p[1] / 255.0f, bb = p[2] / 255.0f;
            float a = c.a > 1 ? 1 : c.a;
            float fr = a * c.r + (1 - a) * br, fg = a * c.g + (1 - a) * bg, fb = a * c.b + (1 - a) * bb;
            v[k++] = layout_ratio(layout_lum(fr, fg, fb), layout_lum(br, bg, bb));
        }
    qsort(v, (size_t)k, sizeof *v, layout_cmp_float);
    int at = (int)floorf((1 - share) * (float)(k - 1) + 0.5f);
    float r = v[at];
    free(v);
    return r;
}

/* Texts under 4.5:1 and marks under 3:1 against the background frame px
 * (drawn with text and marks hidden). Returns the violations. */
static inline int layout_contrast(const gfx_text_rec *rec, int n, const dg_mark_rec *marks, int m,
                           const uint8_t *px, int pw, int ph, float ppu, const char *where,
                           FILE *out) {
    int bad = 0;
    for (int i = 0; i < n; i++) {
        const gfx_text_rec *a = &rec[i];
        /* behind the glyphs: a line's box runs from the ascent (0.93 em
         * over the baseline) to the descent (0.24 under); digits and
         * capitals stand 0.73 em on the baseline, so one line is measured
         * from 0.2 em under its top to its baseline (an underline or a
         * pill's edge below the glyphs is not behind them) */
        float y = a->y, h = a->h;
        if (h < 1.5f * a->size) {
            y += 0.2f * a->size;
            h = 0.73f * a->size;
        }
        float r = layout_contrast_at(a->color, a->x, y, a->w, h, px, pw, ph, ppu, 0.9f);
        if (r > 0 && r < LAYOUT_TEXT_CONTRAST) {
            bad++;
            if (out) {
                fprintf(out, "%s: text contrast %.2f:1: ", where, (double)r);
                layout_box(out, a);
                fputc('\n', out);
            }
        }
    }
    for (int i = 0; i < m; i++) {
        const dg_mark_rec *k = &marks[i];
        float r = layout_contrast_at(k->c, k->r.x, k->r.y, k->r.w, k->r.h, px, pw, ph, ppu, 0.5f);
        if (r > 0 && r < LAYOUT_MARK_CONTRAST) {
            bad++;
            if (out)
                fprintf(out, "%s: mark contrast %.2f:1: #%02X%02X%02X (alpha %.2f) over (%.0f,%.0f %.0fx%.0f)\n",
                        where, (double)r, (int)lroundf(k->c.r * 255), (int)lroundf(k->c.g * 255),
                        (int)lroundf(k->c.b * 255), (double)k->c.a, k->r.x, k->r.y, k->r.w, k->r.h);
        }
    }
    return bad;
}

#endif
