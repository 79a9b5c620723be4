/* attention.h: sinusoidal positional encoding and multi-head scaled
 * dot-product self-attention, forward and backward, keeping every
 * intermediate a scene shows (Q, K, V per head, scores, weights, head
 * outputs) in named tensors.
 *
 *   ts_mha *m = ts_mha_new(&arena, &(ts_mha_desc){ .T = 16, .d = 32, .heads = 4,
 *                                                  .causal = true });
 *   ts_mha_weights w = { .wq = wq, .wk = wk, .wv = wv, .wo = wo };  // biases NULL
 *   ts_mha_forward(m, x, &w, NULL);           // m->out->data is [T, d]
 *   ts_mha_backward(m, dx, &(ts_mha_grads){ .wq = dwq, ... }, dout, x, &w);
 *
 * Shapes: x [T, d]; wq, wk, wv, wo [d, d] in nn.Linear layout [out, in];
 * bq, bk, bv, bo [d] or NULL. d must be a multiple of heads; d_k = d / heads
 * and head h owns columns [h*d_k, (h+1)*d_k) of the projections (as
 * nn.MultiheadAttention splits them). Per head
 *   scores = Q K^T * scale / temperature, then masked (-inf),
 *   weights = softmax(scores) over keys,   head_out = weights V,
 *   out = concat(head_out) W_o^T + b_o,
 * with scale = 1/sqrt(d_k) (or 1 when desc.unscaled). Query t may not look at
 * key s when the causal mask is on and s > t, or when key_pad[s] is true
 * (nn.MultiheadAttention's key_padding_mask: true = padding). A query row
 * whose keys are all masked gets zero weights (not NaN) and so the output
 * b_o alone; its gradient is zero.
 *
 * Ownership: the ts_mha and all its tensors live in the arena passed to
 * ts_mha_new. Masked score entries are -INFINITY (a scene draws them as
 * masked; JSON cannot hold them, so a dump should skip or replace them).
 * Backward accumulates (+=) into dx and the weight gradients; any of them may
 * be NULL. It uses the activations of the last forward.
 */
#ifndef TS_ATTENTION_H
#define TS_ATTENTION_H

#include <stdbool.h>
#include "tensor.h"

/* pe [T, d]: pe[t, 2i] = sin(t / 10000^(2i/d)), pe[t, 2i+1] = cos(same). */
void ts_posenc_sinusoidal(float *pe, int T, int d);

typedef struct ts_mha_desc {
    int T, d, heads;          /* sequence length, model width, heads */
    bool causal;              /* query t sees keys 0..t only */
    bool unscaled;            /* false: scores * 1/sqrt(d_k); true: * 1 */
    float temperature;        /* scores / temperature; 0 means 1 */
} ts_mha_desc;

typedef struct ts_mha_weights {
    const float *wq, *wk, *wv, *wo;    /* [d, d] each */
    const float *bq, *bk, *bv, *bo;    /* [d] each, or NULL */
} ts_mha_weights;

typedef struct ts_mha_grads {
    float *wq, *wk, *wv, *wo;          /* [d, d] each, or NULL */
    float *bq, *bk, *bv, *bo;          /* [d] each, or NULL */
} ts_mha_grads;

typedef struct ts_mha {
    ts_mha_desc desc;
    int d_k;
    float score_mult;         /* scale / temperature, applied to Q K^T */
    ts_tensor *q, *k, *v;     /* "attn.q" ... [heads, T, d_k] */
    ts_tensor *scores;        /* "attn.scores"  [heads, T, T], -inf masked */
    ts_tensor *weights;       /* "attn.weights" [heads, T, T] */
    ts_tensor *allowed;       /* "attn.mask"    [T, T]: 1 attend, 0 masked */
    ts_tensor *concat;        /* "attn.concat"  [T, d]: head outputs */
    ts_tensor *out;           /* "attn.out"     [T, d] */
    float *work;              /* private scratch */
    /* Optional additive score bias [T, T] (or NULL, the default from
     * ts_mha_new): added to every head's scaled scores before the softmax,
     * as nn.MultiheadAttention's float attn_mask (Swin's -100 window mask, a
     * relative position bias). The caller sets it and owns it; it does not
     * change the gradients of Q and K. */
    const float *score_bias;
} ts_mha;

/* Allocates the activations for desc in arena a (TS_CHECKs the sizes). */
ts_mha *ts_mha_new(ts_arena *a, const ts_mha_desc *desc);
/* x [T, d]; key_pad [T] or NULL. Fills every tensor of m. */
void ts_mha_forward(ts_mha *m, const float *x, const ts_mha_weights *w,
                    const bool *key_pad);
/* dx [T, d] or NULL; dout [T, d] the gradient of m->out. */
void ts_mha_backward(ts_mha *m, float *dx, const ts_mha_grads *g,
                     const float *dout, const float *x, const ts_mha_weights *w);
/* The same with a gradient on the attention weights themselves: dweights
 * [heads, T, T] (or NULL) is added to what flows back from the output, so a
 * loss on where a query looks (cross-entropy on a row of weights) trains
 * Q and K. dout may be NULL (no loss on the output). */
void ts_mha_backward_weights(ts_mha *m, float *dx, const ts_mha_grads *g, const float *dout,
                             const float *dweights, const float *x, const ts_mha_weights *w);

#endif
