/* vit_scene.h: the vit scene's state and layout, shared by its files.
 *
 *   vit.c         beats, preset keys, init, recompute, update (brush, buttons), dump
 *   vit_swin.c    Swin's windows: the cyclic shift, the -100 mask, windowed attention
 *   vit_layout.c  where things go, shared by update's hit tests and draw
 *   vit_explain.c hover provenance: where each shown element came from
 *   vit_draw.c    beats 1-4 (patches, embedding, class token and positions, the block)
 *   vit_draw2.c   beats 5-8 (attention per head, rollout, data hunger, Swin)
 *   vit_model.c   the network (shared with tools/train_vit.c)
 */
#ifndef TS_VIT_SCENE_H
#define TS_VIT_SCENE_H

#include <stdbool.h>
#include "diagram/diagram.h"
#include "kernel/attention.h"
#include "kernel/tensor.h"
#include "scene/scene.h"
#include "scenes/vit/vit_model.h"
#include "ui/ui.h"

/* beats, 0-based */
enum { B_PATCHES, B_EMBED, B_POS, B_BLOCK, B_HEADS, B_ROLLOUT, B_HUNGER, B_SWIN, B_COUNT };

/* Swin on the 4x4 patch grid: 2x2 windows, shifted by 1 */
enum { SW_M = 2, SW_M2 = SW_M * SW_M, SW_NW = (VIT_GRID / SW_M) * (VIT_GRID / SW_M), SW_SHIFT = SW_M / 2 };
#define VIT_HUNGER_MAX 8

typedef struct vit_swin {
    int shift;                 /* 0: plain windows; SW_SHIFT: shifted */
    ts_tensor *x;              /* "swin.x"    [1,N,D]: the block's input patch tokens */
    ts_tensor *ln;             /* "swin.norm1.out" [1,N,D] */
    ts_tensor *mask;           /* "swin.mask" [nW,M2,M2]: 0 or -100 */
    ts_tensor *attn;           /* "swin.attn" [nW,heads,M2,M2] */
    ts_tensor *region;         /* "swin.region" [G,G]: Swin's img_mask label of each patch */
    int win_of[VIT_N];         /* the window each patch lands in after the shift */
    int slot_of[VIT_N];        /* its place in that window, row-major */
    ts_mha *mha[SW_NW];
} vit_swin;

typedef struct vit_state {
    /* preset */
    int sample;                /* 0..9 */
    int layer, head;           /* the layer and head beats 4-5 follow (0-based) */
    bool shifted;              /* beat 8 dumps (and leads with) the shifted windows */

    /* model, activations, derived tensors */
    ts_arena arena;
    vit_model m;
    vit_acts x;                /* n = 1 */
    ts_tensor *samples;        /* [10,1,16,16] */
    ts_tensor *hunger;         /* [K,3]: n, ViT accuracy, CNN accuracy (the trainer's) */
    float held_out;            /* the shipped ViT's held-out accuracy */
    int train_n;               /* its training-set size */
    float canvas[28 * 28];     /* what the brush draws on; the image is it averaged to 16x16 */
    ts_tensor *conv;           /* "patch_embed.conv" [1,D,G,G]: F.conv2d(image, w, b, stride P) */
    ts_tensor *conv_tok;       /* [N,D]: conv read as tokens */
    ts_tensor *diff;           /* "patch_embed.diff" [N,D]: tokens - conv */
    float diff_max;
    ts_tensor *pos_sim;        /* "pos_embed.cosine" [N,G,G]: patch i's position embedding vs all */
    float sim_near, sim_far;   /* its mean over neighbouring patch pairs, and over the others */
    ts_tensor *attn_w[VIT_LAYERS];   /* "blocks.L.attn_weights" [heads,T,T] (views) */
    ts_tensor *cls_attn;       /* "cls_attention" [L,heads,G,G]: class token's attention to patches */
    ts_tensor *distance;       /* "attn_distance" [L,heads]: mean attention distance, pixels */
    float cnn_reach[3];        /* the cnn's receptive-field radius (conv1, conv2, pool2), in 16-px pixels */
    ts_tensor *rollout;        /* "rollout" [T,T] */
    ts_tensor *roll_cls;       /* "rollout.cls" [G,G]: row 0 over the patches */
    ts_tensor *cost;           /* "swin.cost" [K,3]: side in pixels, global and windowed products */
    vit_swin swin[2];          /* plain, shifted */
    int pred;
    double recompute_ms;
    int recomputes;

    /* interaction */
    bool drawing;
    float last_x, last_y;
} vit_state;

extern const scene_beat vit_beats[B_COUNT];

/* Where things go (vit_layout.c). */
typedef struct vit_lay {
    dg_rect stage, main;
    dg_rect input_title, input;          /* input: the 16x16 grid, square */
    dg_rect clear, sample[10];
    dg_rect layer_btn[VIT_LAYERS], head_btn[VIT_HEADS], shift_toggle;
    dg_rect info;                        /* under the buttons: the hovered patch */
} vit_lay;
void vit_layout(int beat, vit_lay *L);

/* vit.c */
void vit_recompute(vit_state *st);
/* The patch under the pointer in the previous frame (hovering the input,
 * the patch matrix or the tokens), or -1. */
int vit_hover_patch(const vit_state *st);

/* vit_swin.c */
void vit_swin_new(vit_swin *s, ts_arena *a, int shift);
/* LN1 of block 0 on the patch tokens of x0 (no class token), the shift, the
 * windows and attention with the mask, with block 0's weights. */
void vit_swin_forward(vit_swin *s, const vit_model *m, const vit_acts *x);

/* vit_explain.c: hover provenance (dg_src explain callbacks; user is the state) */
void vit_explain_patches(const void *user, const int *idx, char *buf, size_t n);
void vit_explain_tokens(const void *user, const int *idx, char *buf, size_t n);
void vit_explain_x0(const void *user, const int *idx, char *buf, size_t n);
void vit_explain_pos_sim(const void *user, const int *idx, char *buf, size_t n);
void vit_explain_cls_attn(const void *user, const int *idx, char *buf, size_t n);
void vit_explain_rollout(const void *user, const int *idx, char *buf, size_t n);
void vit_explain_roll_cls(const void *user, const int *idx, char *buf, size_t n);
void vit_explain_swin_attn(const void *user, const int *idx, char *buf, size_t n);

/* vit_draw.c, vit_draw2.c */
void vit_draw_input(const vit_state *st, const vit_lay *L, const ui_theme *th);
void vit_draw_patches(const vit_state *st, const scene_clock *c, dg_rect r, const ui_theme *th);
void vit_draw_embed(const vit_state *st, const scene_clock *c, dg_rect r, const ui_theme *th);
void vit_draw_pos(const vit_state *st, const scene_clock *c, dg_rect r, const ui_theme *th);
void vit_draw_block(const vit_state *st, const scene_clock *c, dg_rect r, const ui_theme *th);
void vit_draw_heads(const vit_state *st, const scene_clock *c, dg_rect r, const ui_theme *th);
void vit_draw_rollout(const vit_state *st, const scene_clock *c, dg_rect r, const ui_theme *th);
void vit_draw_hunger(const vit_state *st, const scene_clock *c, dg_rect r, const ui_theme *th);
void vit_draw_swin(const vit_state *st, const scene_clock *c, dg_rect r, const ui_theme *th);
/* An image-sized heat overlay: a [G,G] map drawn over a 16x16 image in r. */
dg_cells vit_draw_overlay(dg_rect r, const ts_tensor *img, const ts_tensor *map, int lead0, int lead1, float lo,
                      float hi, const char *title, const vit_state *st, const ui_theme *th);

#endif
