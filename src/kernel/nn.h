/* nn.h: dense neural-network ops, forward and backward, PyTorch semantics.
 *
 * Every op is a plain function over float pointers: outputs first, then
 * inputs, then sizes, and the first comment says every buffer's shape.
 * Buffers are dense and row-major. Forward writes (=) its outputs and any
 * state backward needs (layer norm's mean and rstd, dropout's mask, ...);
 * backward ACCUMULATES (+=) into the gradients it is given, so the caller
 * zeroes them once per step and several uses of one tensor add up, as in
 * autograd. Any gradient pointer of a backward may be NULL to skip it.
 *
 *   float h[B*H], p[B*K];
 *   ts_linear_forward(h, x, w1, b1, B, 2, H);    // x [B,2], w1 [H,2], b1 [H]
 *   ts_relu_forward(h, h, (size_t)B*H);           // in place is fine here
 *   ...
 *   float loss = ts_crossentropy_forward(NULL, p, logits, y, B, K);
 *   ts_crossentropy_backward(dlogits, p, y, 1.0f, B, K);
 *
 * In-place use (out == inp) is allowed for elementwise forwards; backwards
 * need the saved forward values to still be there.
 *
 * Conventions that follow PyTorch:
 * - ts_linear: weight is [OC, C] (nn.Linear), y = x W^T + b. With bias NULL
 *   it is also the "A B^T" product (attention scores Q K^T).
 * - GELU is the exact erf form (nn.GELU() default).
 * - ts_softmax takes an optional mask: mask[i] == 0 means "masked out"
 *   (as masked_fill(mask == 0, -inf)). A row whose entries are ALL masked
 *   gives all zeros (PyTorch would give NaN), and zero gradient.
 * - Norm eps is 1e-5; batch norm momentum is 0.1 with the unbiased variance
 *   in the running estimate, as nn.BatchNorm*d.
 *
 * Errors: sizes and indices are checked with TS_CHECK (caller bugs abort
 * with a located message); ops never allocate.
 */
#ifndef TS_NN_H
#define TS_NN_H

#include <stdbool.h>
#include <stddef.h>
#include "tensor.h"

#define TS_NORM_EPS 1e-5f
#define TS_BN_MOMENTUM 0.1f
#define TS_COSINE_EPS 1e-8f

/* ---- linear / matmul ------------------------------------------------------ */

/* sum_i a[i] * b[i], in a fixed order of eight partial sums. */
float ts_dot(const float *a, const float *b, int n);

/* PyTorch's nn.Linear init: weight and bias uniform in +-1/sqrt(C).
 * weight [OC,C], bias [OC] or NULL. */
void ts_linear_init(float *weight, float *bias, ts_rng *rng, int C, int OC);
/* out [B,OC], inp [B,C], weight [OC,C], bias [OC] or NULL. */
void ts_linear_forward(float *out, const float *inp, const float *weight,
                       const float *bias, int B, int C, int OC);
/* dinp [B,C], dweight [OC,C], dbias [OC], dout [B,OC], inp [B,C], weight [OC,C]. */
void ts_linear_backward(float *dinp, float *dweight, float *dbias, const float *dout,
                        const float *inp, const float *weight, int B, int C, int OC);
/* out [M,N] = a [M,K] @ b [K,N]. */
void ts_matmul_forward(float *out, const float *a, const float *b, int M, int K, int N);
/* da [M,K], db [K,N], dout [M,N], a [M,K], b [K,N]. */
void ts_matmul_backward(float *da, float *db, const float *dout, const float *a,
                        const float *b, int M, int K, int N);

/* ---- elementwise (all buffers [n]) ------------------------------------------ */

void ts_add_forward(float *out, const float *a, const float *b, size_t n);
void ts_add_backward(float *da, float *db, const float *dout, size_t n);
void ts_mul_forward(float *out, const float *a, const float *b, size_t n);
void ts_mul_backward(float *da, float *db, const float *dout, const float *a,
                     const float *b, size_t n);

void ts_relu_forward(float *out, const float *inp, size_t n);
void ts_relu_backward(float *dinp, const float *dout, const float *inp, size_t n);
void ts_gelu_forward(float *out, const float *inp, size_t n);
void ts_gelu_backward(float *dinp, const float *dout, const float *inp, size_t n);
/* Sigmoid and tanh backwards use the forward OUTPUT. */
void ts_sigmoid_forward(float *out, const float *inp, size_t n);
void ts_sigmoid_backward(float *dinp, const float *dout, const float *out, size_t n);
void ts_tanh_forward(float *out, const float *inp, size_t n);
void ts_tanh_backward(float *dinp, const float *dout, const float *out, size_t n);

/* ---- softmax and losses (rows of length C) ---------------------------------- */

/* out [R,C], inp [R,C], mask [R,C] or NULL (0 = masked out). Over the last
 * dim, max-subtracted; fully masked rows give zeros. */
void ts_softmax_forward(float *out, const float *inp, const float *mask, int R, int C);
/* dinp [R,C], dout [R,C], out [R,C] (the forward output). */
void ts_softmax_backward(float *dinp, const float *dout, const float *out, int R, int C);
/* out [R,C] = log_softmax(inp [R,C]) over the last dim. */
void ts_logsoftmax_forward(float *out, const float *inp, int R, int C);
/* dinp [R,C], dout [R,C], out [R,C] (the forward output). */
void ts_logsoftmax_backward(float *dinp, const float *dout, const float *out, int R, int C);
/* F.cross_entropy(logits, targets), mean over the batch. Returns the loss.
 * losses [B] per-sample or NULL, probs [B,C] saved for backward,
 * logits [B,C], targets [B] in [0,C). */
float ts_crossentropy_forward(float *losses, float *probs, const float *logits,
                              const int *targets, int B, int C);
/* dlogits [B,C], probs [B,C], targets [B]; dloss is the upstream gradient
 * of the mean loss (1 for a plain loss). */
void ts_crossentropy_backward(float *dlogits, const float *probs, const int *targets,
                              float dloss, int B, int C);

/* ---- normalisation ------------------------------------------------------------ */

/* nn.LayerNorm(C): out [N,C], mean [N], rstd [N] (saved), inp [N,C],
 * weight [C] or NULL (= 1), bias [C] or NULL (= 0). */
void ts_layernorm_forward(float *out, float *mean, float *rstd, const float *inp,
                          const float *weight, const float *bias, int N, int C);
/* dinp [N,C], dweight [C], dbias [C], dout [N,C], inp [N,C], weight [C] or NULL,
 * mean [N], rstd [N]. */
void ts_layernorm_backward(float *dinp, float *dweight, float *dbias, const float *dout,
                           const float *inp, const float *weight, const float *mean,
                           const float *rstd, int N, int C);
/* nn.BatchNorm1d/2d over channels: inp and out [N,C,S] (S = H*W, or 1 for
 * [N,C] input), mean [C] and rstd [C] saved, running_mean/running_var [C]
 * read in eval, updated in training (momentum 0.1, unbiased variance;
 * training needs N*S > 1, as PyTorch), weight [C] or NULL, bias [C] or NULL. */
void ts_batchnorm_forward(float *out, float *mean, float *rstd, float *running_mean,
                          float *running_var, const float *inp, const float *weight,
                          const float *bias, int N, int C, int S, bool training);
/* dinp [N,C,S], dweight [C], dbias [C], dout [N,C,S], inp [N,C,S],
 * weight [C] or NULL, mean [C], rstd [C]; training as in the forward (eval
 * treats mean and rstd as constants). */
void ts_batchnorm_backward(float *dinp, float *dweight, float *dbias, const float *dout,
                           const float *inp, const float *weight, const float *mean,
                           const float *rstd, int N, int C, int S, bool training);

/* ---- dropout, embedding, similarity -------------------------------------------- */

/* Training-mode dropout: out [n], mask [n] (saved: 0 or 1/(1-p)), inp [n].
 * Draws one ts_rng_uniform per element; p in [0,1], p == 1 zeroes all.
 * For eval mode simply do not call it (identity). */
void ts_dropout_forward(float *out, float *mask, const float *inp, float p,
                        ts_rng *rng, size_t n);
/* dinp [n], dout [n], mask [n]. */
void ts_dropout_backward(float *dinp, const float *dout, const float *mask, size_t n);
/* nn.Embedding: out [B,C], ids [B] in [0,V), weight [V,C]. */
void ts_embedding_forward(float *out, const int *ids, const float *weight, int B, int V, int C);
/* dweight [V,C] (rows of repeated ids add up), dout [B,C], ids [B]. */
void ts_embedding_backward(float *dweight, const float *dout, const int *ids, int B, int V, int C);
/* F.cosine_similarity(a, b, dim=-1, eps=1e-8): out [B], a [B,C], b [B,C].
 * out = a.b / (max(|a|, eps) * max(|b|, eps)). */
void ts_cosine_similarity(float *out, const float *a, const float *b, int B, int C);

#endif
