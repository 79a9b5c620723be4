/* vit_layout.c: where the vit scene's parts go, from dg_stage() alone.
 *
 * update (the brush, the buttons) and draw both ask vit_layout for the same
 * beat, so what the mouse hits is what is drawn. The input column (the
 * 16x16 digit, clear and the ten samples, then the layer and head buttons or
 * the windows toggle where a beat uses them) is on the left of every beat;
 * the beat draws in `main`. Before the renderer has a canvas (tests that
 * drive update alone) the 1920x1080 canvas is assumed.
 */
#include <math.h>
#include "gfx/gfx.h"
#include "scenes/vit/vit_scene.h"

#define ROW 52.0f

static dg_rect stage(void) {
    if (gfx_canvas_w() > 0) return dg_stage();
    float W = 1920, H = 1080;    /* dg_stage's rule on the design canvas */
    return (dg_rect){0.03f * W, 0.03f * H, 0.94f * W, H - UI_CAPTION_H - 16 - 0.06f * H};
}

void vit_layout(int beat, vit_lay *L) {
    dg_rect s = stage();
    L->stage = s;
    /* the block diagram, the data-hunger plot and Swin's three panels need the width */
    bool wide = beat == B_BLOCK || beat == B_HUNGER || beat == B_SWIN;
    dg_rect col = dg_cut_left(&s, fminf(wide ? 300 : 400, s.w * 0.22f), DG_GAP * 1.5f);
    L->main = s;
    L->input_title = dg_cut_top(&col, DG_TEXT_H2 * 1.25f, 8);
    float side = fminf(col.w, col.h * 0.52f);
    L->input = (dg_rect){col.x, col.y, side, side};
    col.y += side + 14;
    col.h -= side + 14;
    /* clear on its own row, then the ten samples in two rows of five */
    float gap = 8, bw = (side - 4 * gap) / 5;
    L->clear = (dg_rect){col.x, col.y, side, ROW};
    for (int k = 0; k < 10; k++)
        L->sample[k] = (dg_rect){col.x + (float)(k % 5) * (bw + gap), col.y + ROW + gap + (float)(k / 5) * (ROW + gap),
                                 bw, ROW};
    float y = col.y + 3 * (ROW + gap) + 10;
    float lw = (side - (VIT_LAYERS - 1) * gap) / VIT_LAYERS;
    for (int l = 0; l < VIT_LAYERS; l++) L->layer_btn[l] = (dg_rect){col.x + (float)l * (lw + gap), y, lw, ROW};
    /* four head buttons in a row, or two rows of two in the narrow column */
    int per_row = wide ? 2 : VIT_HEADS;
    float hw = (side - (float)(per_row - 1) * gap) / (float)per_row;
    for (int h = 0; h < VIT_HEADS; h++)
        L->head_btn[h] = (dg_rect){col.x + (float)(h % per_row) * (hw + gap),
                                   y + (float)(1 + h / per_row) * (ROW + gap), hw, ROW};
    L->shift_toggle = (dg_rect){col.x, y, side, ROW};
    float iy = y + (float)(1 + VIT_HEADS / per_row) * (ROW + gap) + 6;
    L->info = (dg_rect){col.x, iy, side, fmaxf(0, col.y + col.h - iy)};
}
