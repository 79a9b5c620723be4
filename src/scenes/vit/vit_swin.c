/* vit_swin.c: Swin's windowed attention on the vit scene's 4x4 patch grid.
 *
 * Following the Swin Transformer's code (SwinTransformerBlock): the patch
 * tokens are layer-normed, cyclically shifted by -shift in both directions
 * (torch.roll), cut into M x M windows (window_partition: windows row-major
 * over the grid, tokens row-major inside each), and each window attends
 * within itself. With a shift, a window can hold patches from opposite edges
 * of the image that the roll brought together; Swin's mask keeps them apart:
 * every position of the shifted grid gets a region label from the slices
 * [0, G-M), [G-M, G-shift), [G-shift, G) of rows and of columns, and the
 * mask is 0 between tokens of one label and -100 between different labels,
 * added to the scores before the softmax. Without a shift the mask is all 0.
 * The weights are block 0's of the trained ViT (norm1 and the attention), so
 * the windows restrict the same attention; there is no relative position
 * bias (Swin adds one; this model was not trained with it).
 */
#include <string.h>
#include "kernel/nn.h"
#include "scenes/vit/vit_scene.h"

/* the slice index of coordinate v on the shifted grid (Swin's img_mask) */
static int slice_of(int v, int shift) {
    if (!shift) return 0;
    return v < VIT_GRID - SW_M ? 0 : v < VIT_GRID - shift ? 1 : 2;
}

void vit_swin_new(vit_swin *s, ts_arena *a, int shift) {
    memset(s, 0, sizeof *s);
    s->shift = shift;
    s->x = ts_new3(a, "swin.x", 1, VIT_N, VIT_D);
    s->ln = ts_new3(a, "swin.norm1.out", 1, VIT_N, VIT_D);
    s->mask = ts_new3(a, "swin.mask", SW_NW, SW_M2, SW_M2);
    s->attn = ts_new4(a, "swin.attn", SW_NW, VIT_HEADS, SW_M2, SW_M2);
    s->region = ts_new2(a, "swin.region", VIT_GRID, VIT_GRID);
    int label[SW_NW][SW_M2];
    for (int p = 0; p < VIT_N; p++) {
        int r0 = p / VIT_GRID, c0 = p % VIT_GRID;
        /* torch.roll(x, -shift): the token at (r0, c0) moves to (r, c) */
        int r = (r0 - shift + VIT_GRID) % VIT_GRID, c = (c0 - shift + VIT_GRID) % VIT_GRID;
        s->win_of[p] = (r / SW_M) * (VIT_GRID / SW_M) + c / SW_M;
        s->slot_of[p] = (r % SW_M) * SW_M + c % SW_M;
        int lab = slice_of(r, shift) * 3 + slice_of(c, shift);
        s->region->data[p] = (float)lab;
        label[s->win_of[p]][s->slot_of[p]] = lab;
    }
    for (int w = 0; w < SW_NW; w++)
        for (int i = 0; i < SW_M2; i++)
            for (int j = 0; j < SW_M2; j++)
                s->mask->data[(w * SW_M2 + i) * SW_M2 + j] = label[w][i] == label[w][j] ? 0.0f : -100.0f;
    for (int w = 0; w < SW_NW; w++) {
        s->mha[w] = ts_mha_new(a, &(ts_mha_desc){.T = SW_M2, .d = VIT_D, .heads = VIT_HEADS});
        s->mha[w]->score_bias = s->mask->data + (size_t)w * SW_M2 * SW_M2;
    }
}

void vit_swin_forward(vit_swin *s, const vit_model *m, const vit_acts *x) {
    const int D = VIT_D;
    memcpy(s->x->data, x->x0->data + D, sizeof(float) * VIT_N * D);   /* rows 1..N of x0 */
    float mean[VIT_N], rstd[VIT_N];
    ts_block_weights bw;
    vit_block_weights(m, 0, &bw);
    ts_layernorm_forward(s->ln->data, mean, rstd, s->x->data, bw.ln1_w, bw.ln1_b, VIT_N, D);
    ts_mha_weights mw;
    ts_block_mha_weights(&mw, &bw, D);
    float win[SW_M2 * VIT_D];
    for (int w = 0; w < SW_NW; w++) {
        for (int p = 0; p < VIT_N; p++)
            if (s->win_of[p] == w)
                memcpy(win + s->slot_of[p] * D, s->ln->data + p * D, sizeof(float) * D);
        ts_mha_forward(s->mha[w], win, &mw, NULL);
        memcpy(s->attn->data + (size_t)w * VIT_HEADS * SW_M2 * SW_M2, s->mha[w]->weights->data,
               sizeof(float) * VIT_HEADS * SW_M2 * SW_M2);
    }
}
