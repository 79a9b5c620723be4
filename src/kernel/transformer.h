/* transformer.h: the pre-norm transformer encoder block, forward and
 * backward, and the patch embedding of a vision transformer.
 *
 *   ts_block *b = ts_block_new(&arena, &(ts_block_desc){ .B = 64, .T = 17,
 *                              .d = 32, .heads = 4, .hidden = 64 });
 *   ts_block_forward(b, x, &w);           // x [B*T, d]; b->out->data [B*T, d]
 *   ts_block_backward(b, dx, &g, dout, x, &w);
 *
 * The block is the one of ViT (and of GPT-2 when desc.causal is set):
 *   h   = x + MHA(LN1(x))
 *   out = h + fc2(GELU(fc1(LN2(h))))
 * over B independent sequences of T tokens each (attention never crosses
 * sequences; layer norm and the MLP act on each token). LayerNorm eps is
 * 1e-5, GELU the exact erf form (nn.GELU()). The attention is
 * nn.MultiheadAttention's: one packed in_proj_weight [3d, d] whose rows are
 * W_q, W_k, W_v in that order (nanoGPT's c_attn.weight is the same matrix),
 * in_proj_bias [3d], out_proj [d, d] and [d]; scores scaled by 1/sqrt(d_k).
 * Weights follow nn.Linear's [out, in] layout: fc1 [hidden, d] (ViT's
 * mlp.0, nanoGPT's mlp.c_fc), fc2 [d, hidden] (mlp.2, mlp.c_proj).
 *
 * Ownership: the block and its activations live in the arena given to
 * ts_block_new. Forward keeps every intermediate a scene shows (names in
 * ts_block below) and what backward needs; backward ACCUMULATES (+=) into dx
 * and the gradients of g (any may be NULL) and uses the last forward's
 * activations. Masks: desc.causal (query t sees keys 0..t), or an additive
 * score bias per sequence set on b->attn[s]->score_bias (attention.h).
 * A batch may run fewer sequences than it was made for: lower b->desc.B
 * (never above the B given to ts_block_new) before a forward, and keep it
 * until that forward's backward.
 *
 * Patch embedding: ts_patchify cuts an image into non-overlapping P x P
 * patches, each flattened channel-first (c, ky, kx) as F.unfold does, rows
 * in row-major order over the patch grid; a linear layer with weight
 * [D, C*P*P] (a conv weight [D, C, P, P] read flat) then equals
 * F.conv2d(img, weight, bias, stride=P) read as [N, D].
 */
#ifndef TS_TRANSFORMER_H
#define TS_TRANSFORMER_H

#include <stdbool.h>
#include "attention.h"
#include "tensor.h"

typedef struct ts_block_desc {
    int B, T, d, heads, hidden;   /* sequences, tokens each, width, heads, MLP width */
    bool causal;
} ts_block_desc;

typedef struct ts_block_weights {
    const float *ln1_w, *ln1_b;           /* [d] */
    const float *in_proj_w, *in_proj_b;   /* [3d, d], [3d] (bias may be NULL) */
    const float *out_proj_w, *out_proj_b; /* [d, d], [d] */
    const float *ln2_w, *ln2_b;           /* [d] */
    const float *fc1_w, *fc1_b;           /* [hidden, d], [hidden] */
    const float *fc2_w, *fc2_b;           /* [d, hidden], [d] */
} ts_block_weights;

typedef struct ts_block_grads {
    float *ln1_w, *ln1_b, *in_proj_w, *in_proj_b, *out_proj_w, *out_proj_b;
    float *ln2_w, *ln2_b, *fc1_w, *fc1_b, *fc2_w, *fc2_b;   /* shapes as the weights */
} ts_block_grads;

typedef struct ts_block {
    ts_block_desc desc;
    ts_tensor *ln1;          /* "norm1.out"  [B, T, d] */
    ts_tensor *attn_out;     /* "attn.out"   [B, T, d]: out_proj of the heads */
    ts_tensor *res1;         /* "res1"       [B, T, d]: x + attn_out */
    ts_tensor *ln2;          /* "norm2.out"  [B, T, d] */
    ts_tensor *fc1;          /* "mlp.0.out"  [B, T, hidden] */
    ts_tensor *act;          /* "mlp.1.out"  [B, T, hidden]: GELU */
    ts_tensor *fc2;          /* "mlp.2.out"  [B, T, d] */
    ts_tensor *out;          /* "out"        [B, T, d]: res1 + fc2 */
    ts_mha **attn;           /* B of them: q, k, v, scores, weights per sequence */
    float *mean1, *rstd1, *mean2, *rstd2;   /* [B*T] saved by the layer norms */
    float *work;             /* private scratch for backward */
} ts_block;

/* Allocates the block's activations in arena a (TS_CHECKs the sizes). */
ts_block *ts_block_new(ts_arena *a, const ts_block_desc *desc);
/* The attention weights of w for ts_mha (views into the packed in_proj). */
void ts_block_mha_weights(ts_mha_weights *mw, const ts_block_weights *w, int d);
/* x [B*T, d]. Fills every activation of b. */
void ts_block_forward(ts_block *b, const float *x, const ts_block_weights *w);
/* dx [B*T, d] or NULL; dout [B*T, d] the gradient of b->out; x as given to
 * the last forward. */
void ts_block_backward(ts_block *b, float *dx, const ts_block_grads *g, const float *dout,
                       const float *x, const ts_block_weights *w);

/* patches [nh*nw, C*P*P] from img [C, H, W]; nh = H/P, nw = W/P (H and W
 * multiples of P). */
void ts_patchify(float *patches, const float *img, int C, int H, int W, int P);

#endif
