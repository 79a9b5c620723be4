/* vit_explain.c: hover provenance for the vit scene: for an element of a
 * tensor the scene draws, one line that says where it came from (the
 * diagram library shows it under the tensor's name, index and value). Each
 * function is a dg_src explain callback; user is the vit_state.
 */
#include <stdio.h>
#include "scenes/vit/vit_scene.h"

void vit_explain_patches(const void *user, const int *idx, char *buf, size_t n) {
    (void)user;
    int p = idx[0], k = idx[1];
    int r = (p / VIT_GRID) * VIT_P + k / VIT_P, c = (p % VIT_GRID) * VIT_P + k % VIT_P;
    snprintf(buf, n, "image[0,0,%d,%d]: pixel %d of patch %d (row %d, column %d of the grid)", r, c, k + 1, p + 1,
             p / VIT_GRID + 1, p % VIT_GRID + 1);
}

void vit_explain_tokens(const void *user, const int *idx, char *buf, size_t n) {
    (void)user;
    snprintf(buf, n, "\xce\xa3 16 pixels of patch %d \xc3\x97 patch_embed.weight[%d] + bias[%d]", idx[1] + 1, idx[2],
             idx[2]);
}

void vit_explain_x0(const void *user, const int *idx, char *buf, size_t n) {
    (void)user;
    int t = idx[1], d = idx[2];
    if (t == 0) snprintf(buf, n, "cls_token[0,0,%d] + pos_embed[0,0,%d]", d, d);
    else snprintf(buf, n, "tokens[0,%d,%d] (patch %d) + pos_embed[0,%d,%d]", t - 1, d, t, t, d);
}

void vit_explain_pos_sim(const void *user, const int *idx, char *buf, size_t n) {
    (void)user;
    int j = idx[1] * VIT_GRID + idx[2];
    snprintf(buf, n, "cosine of pos_embed rows %d and %d (patches %d and %d)", idx[0] + 1, j + 1, idx[0] + 1, j + 1);
}

void vit_explain_cls_attn(const void *user, const int *idx, char *buf, size_t n) {
    (void)user;
    int p = idx[2] * VIT_GRID + idx[3];
    snprintf(buf, n, "blocks.%d.attn_weights[%d,0,%d]: softmax over 17 keys of q(class) \xc2\xb7 k(patch %d) / \xe2\x88\x9a%d",
             idx[0], idx[1], p + 1, p + 1, VIT_DK);
}

void vit_explain_rollout(const void *user, const int *idx, char *buf, size_t n) {
    (void)user;
    if (idx[0] >= 0 && idx[1] >= 0 && idx[0] < VIT_T)
        snprintf(buf, n, "row %d, column %d of \xe2\x88\x8f over 3 layers of (mean of 4 heads + I), rows summing to 1",
                 idx[0], idx[1]);
}

void vit_explain_roll_cls(const void *user, const int *idx, char *buf, size_t n) {
    (void)user;
    int p = idx[0] * VIT_GRID + idx[1];
    snprintf(buf, n, "rollout[0,%d]: how much the class token draws on patch %d through all layers", p + 1, p + 1);
}

void vit_explain_swin_attn(const void *user, const int *idx, char *buf, size_t n) {
    const vit_state *st = user;
    snprintf(buf, n, "window %d, head %d: softmax of q \xc2\xb7 k / \xe2\x88\x9a%d + swin.mask[%d,%d,%d] (%s)", idx[0] + 1,
             idx[1] + 1, VIT_DK, idx[0], idx[2], idx[3], st->shifted ? "shifted" : "plain");
}
