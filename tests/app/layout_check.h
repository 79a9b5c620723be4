/* layout_check.h: the legibility rules for drawn text, checked on the text
 * log of a frame (gfx_text_log), shared by the layout and diagram tests.
 *
 *   gfx_text_rec rec[4096];
 *   gfx_text_log(rec, 4096);   ...draw a frame...   gfx_text_log(NULL, 0);
 *   int bad = layout_check(rec, n, gfx_canvas_w(), gfx_canvas_h(), "cnn beat 3", stderr);
 *
 * A violation is text smaller than DG_TEXT_MIN, a text box that leaves the
 * canvas, or two boxes that overlap by more than 2 canvas units in both
 * axes. Each is printed on one line after `where`; the count is returned.
 */
#ifndef TS_TEST_LAYOUT_CHECK_H
#define TS_TEST_LAYOUT_CHECK_H

#include <stdio.h>
#include "diagram/diagram.h"
#include "gfx/gfx.h"

#define LAYOUT_SLACK 2.0f

static void layout_box(FILE *out, const gfx_text_rec *r) {
    fprintf(out, "\"%s\" (%.0f,%.0f %.0fx%.0f size %.1f)", r->text, r->x, r->y, r->w, r->h,
            r->size);
}

static int layout_check(const gfx_text_rec *rec, int n, float W, float H, const char *where,
                        FILE *out) {
    int bad = 0;
    for (int i = 0; i < n; i++) {
        const gfx_text_rec *a = &rec[i];
        if (a->size < DG_TEXT_MIN - 0.01f) {
            bad++;
            if (out) { fprintf(out, "%s: too small: ", where); layout_box(out, a); fputc('\n', out); }
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

#endif
