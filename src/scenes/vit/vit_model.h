/* vit_model.h: the vit scene's vision transformer, forward and backward, shared
 * by the scene and its trainer (tools/train_vit.c).
 *
 *   image [n,1,16,16] -> patches [n,16,16] (4x4 patches, F.unfold order)
 *   -> patch_embed (Linear 16 -> D, weight seen as a conv [D,1,4,4]) tokens [n,16,D]
 *   -> prepend cls_token, add pos_embed: x0 [n,17,D]
 *   -> VIT_LAYERS pre-norm encoder blocks (kernel/transformer.h) -> [n,17,D]
 *   -> norm (LayerNorm of the class token) -> head (Linear D -> 10): logits, probs
 *
 * Parameters are named as a PyTorch ViT's state_dict would name them (the
 * names the scene's dump and tools/check_vit_dump.py use): patch_embed.weight
 * [D,1,P,P], patch_embed.bias [D], cls_token [1,1,D], pos_embed [1,N+1,D],
 * blocks.L.norm1.weight/bias, blocks.L.attn.in_proj_weight [3D,D],
 * blocks.L.attn.in_proj_bias [3D], blocks.L.attn.out_proj.weight [D,D] and
 * .bias, blocks.L.norm2.*, blocks.L.mlp.0.weight [H,D] and .bias,
 * blocks.L.mlp.2.weight [D,H] and .bias, norm.weight/bias, head.weight
 * [10,D], head.bias [10].
 *
 * Images are 16x16 in 0..1 (ink 1): the cnn scene's 28x28 digits averaged
 * down (vit_from28). The model and activations live in the arena given to
 * them. Backward (for the trainer) accumulates into the grads that
 * ts_optim_new gives the parameters.
 */
#ifndef TS_VIT_MODEL_H
#define TS_VIT_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "kernel/dump.h"
#include "kernel/tensor.h"
#include "kernel/transformer.h"

enum { VIT_IMG = 16, VIT_P = 4, VIT_GRID = VIT_IMG / VIT_P, VIT_N = VIT_GRID * VIT_GRID,
       VIT_T = VIT_N + 1, VIT_PP = VIT_P * VIT_P, VIT_D = 32, VIT_HEADS = 4, VIT_DK = VIT_D / VIT_HEADS,
       VIT_HIDDEN = 64, VIT_LAYERS = 3, VIT_CLASSES = 10, VIT_PIX = VIT_IMG * VIT_IMG };

/* per block, in the order the dump and the optimiser list them */
enum { VB_NORM1_W, VB_NORM1_B, VB_INPROJ_W, VB_INPROJ_B, VB_OUTPROJ_W, VB_OUTPROJ_B,
       VB_NORM2_W, VB_NORM2_B, VB_FC1_W, VB_FC1_B, VB_FC2_W, VB_FC2_B, VB_COUNT };
#define VIT_NPARAMS (8 + VIT_LAYERS * VB_COUNT)

typedef struct vit_model {
    ts_tensor *patch_w, *patch_b, *cls, *pos;
    ts_tensor *blk[VIT_LAYERS][VB_COUNT];
    ts_tensor *norm_w, *norm_b, *head_w, *head_b;
} vit_model;

typedef struct vit_acts {
    int n;
    ts_tensor *image;       /* "image"   [n,1,16,16] */
    ts_tensor *patches;     /* "patches" [n,N,P*P] */
    ts_tensor *tokens;      /* "tokens"  [n,N,D] */
    ts_tensor *x0;          /* "x0"      [n,N+1,D] */
    ts_block *blocks[VIT_LAYERS];
    ts_tensor *cls_out;     /* "cls"     [n,D]: the last block's class tokens */
    ts_tensor *normed;      /* "norm.out" [n,D] */
    ts_tensor *logits, *probs;   /* [n,10] */
    float *norm_mean, *norm_rstd;
    /* backward scratch (NULL unless vit_acts_new with grads) */
    float *d_logits, *d_normed, *d_x[VIT_LAYERS + 1];
} vit_acts;

/* Zero parameters, named, in arena a. */
void vit_model_new(vit_model *m, ts_arena *a);
/* PyTorch's defaults (Linear uniform +-1/sqrt(fan_in), in_proj Xavier
 * uniform, its biases 0, LayerNorm 1 and 0) and ViT's N(0, 0.02) for
 * cls_token and pos_embed, from seed. */
void vit_model_init(vit_model *m, uint64_t seed);
/* Every parameter, VIT_NPARAMS of them, in dump order. */
void vit_model_params(const vit_model *m, ts_tensor *out[VIT_NPARAMS]);
/* Copies every parameter from a dump (a weights file); checks names and
 * shapes. False and one line in err on a problem. */
bool vit_model_from_dump(vit_model *m, const ts_dump *d, char *err, size_t errlen);
/* The block weights of layer l, as kernel pointers. */
void vit_block_weights(const vit_model *m, int l, ts_block_weights *w);

void vit_acts_new(vit_acts *x, ts_arena *a, int n, bool grads);
/* Runs the network on x->image (all n images). */
void vit_forward(const vit_model *m, vit_acts *x);
/* Mean cross-entropy against targets [n]; with grads, backward into the
 * parameters' grads (+=). */
float vit_backward(vit_model *m, vit_acts *x, const int *targets);

/* 28x28 digits in 0..1 to 16x16 in 0..1: each output pixel the mean over
 * the 1.75 x 1.75 input area it covers. */
void vit_from28(float *out16, const float *in28);

#endif
