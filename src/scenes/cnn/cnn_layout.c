/* cnn_layout.c: where the cnn scene's parts go, from dg_stage() alone.
 *
 * update (the brush, the buttons, the playground's widgets and cell clicks)
 * and draw both ask cnn_layout for the same beat, so what the mouse hits is
 * what is drawn, at 16:9 and on the taller 16:10 and 4:3 canvases. Before the
 * renderer has a canvas (tests that drive update alone) the 1920x1080 canvas
 * is assumed.
 */
#include <math.h>
#include "gfx/gfx.h"
#include "scenes/cnn/cnn_scene.h"

#define STRIP_ROW 52.0f          /* the clear / sample buttons */
#define LEGEND_ROW 96.0f         /* a horizontal dg_legend */

static dg_rect stage(void) {
    if (gfx_canvas_w() > 0) return dg_stage();
    float W = 1920, H = 1080;    /* dg_stage's rule on the design canvas */
    return (dg_rect){0.03f * W, 0.03f * H, 0.94f * W, H - UI_CAPTION_H - 16 - 0.06f * H};
}

/* The input column's share of the stage width: the input is the point of
 * beat 1, and large enough to draw on in the others. */
static float input_share(int beat) {
    return beat == B_INPUT ? 0.34f : beat == B_FILTER || beat == B_SLIDE || beat == B_PLAY ? 0.25f : 0.2f;
}

void cnn_layout(int beat, cnn_lay *L) {
    dg_rect s = stage();
    L->stage = s;
    dg_rect col = dg_cut_left(&s, s.w * input_share(beat), DG_GAP * 1.5f);
    L->main = s;
    L->input_title = dg_cut_top(&col, DG_TEXT_H2 * 1.25f, 8);
    float side = fminf(col.w, col.h - STRIP_ROW - LEGEND_ROW - 2 * 20);
    L->input = (dg_rect){col.x, col.y, side, side};
    col.y += side + 20;
    L->strip = (dg_rect){col.x, col.y, side, STRIP_ROW};
    L->input_legend = (dg_rect){col.x, col.y + STRIP_ROW + 20, side, LEGEND_ROW};
    /* clear, then the ten samples */
    float gap = 6, cw = fmaxf(84, side * 0.2f), bw = (side - cw - gap * 10) / 10;
    L->clear = (dg_rect){col.x, col.y, cw, STRIP_ROW};
    for (int k = 0; k < CNN_CLASSES; k++)
        L->sample[k] = (dg_rect){col.x + cw + gap + (float)k * (bw + gap), col.y, bw, STRIP_ROW};
}

int cnn_input_pad(const cnn_state *st, int beat) {
    return beat == B_FILTER || beat == B_SLIDE ? 1 : beat == B_PLAY ? st->padding : 0;
}

dg_rect cnn_input_image(const cnn_lay *L, int pad) {
    float cell = L->input.w / (float)(CNN_IN + 2 * pad);
    return (dg_rect){L->input.x + (float)pad * cell, L->input.y + (float)pad * cell, CNN_IN * cell, CNN_IN * cell};
}

/* ---- the playground (beat 9) ------------------------------------------------ */

void cnn_play_layout(const cnn_lay *L, int k, cnn_play_lay *P) {
    dg_rect m = L->main;
    P->widgets = dg_cut_bottom(&m, ui_row_height(), DG_GAP);
    dg_rect cols[2];
    dg_split_cols(m, 2, DG_GAP * 2, (const float[]){0.9f, 1.1f}, cols);
    dg_rect left = cols[0];
    P->filter_title = dg_cut_top(&left, DG_TEXT_H2 * 1.35f + DG_TEXT_LABEL * 1.35f, 8);
    P->formula = dg_cut_bottom(&left, 3 * DG_TEXT_BODY * 1.5f + 50, DG_GAP);
    dg_rect legend = dg_cut_right(&left, 118, DG_GAP);
    float side = fminf(left.w, left.h);
    side = fminf(side, (float)k * 110);
    P->filter = (dg_rect){left.x, left.y, side, side};
    P->filter_legend = (dg_rect){legend.x, left.y, legend.w, fmaxf(side, 200)};
    P->edit = (dg_rect){left.x, left.y + side + 16, fminf(left.w, 420), 56};
    P->out = cols[1];
}
