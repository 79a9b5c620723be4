/* deepmlp.h: deep narrow MLPs for the depth scenes: a plain stack of Linear
 * layers (optionally with BatchNorm1d after each hidden one) and a residual
 * stack of blocks h + W2 act(W1 h + b1) + b2, forward and backward over a
 * batch, with the per-layer numbers those scenes show (gradient norms,
 * residual ratios, activations).
 *
 *   ts_deep *p = ts_deep_new(&arena, &(ts_deep_desc){ .name = "plain",
 *                             .kind = TS_DEEP_PLAIN, .in = 2, .width = 16, .out = 2,
 *                             .depth = 8, .act = TS_ACT_TANH, .max_batch = 256 }, &rng);
 *   float loss = ts_deep_loss_backward(p, x, y, B, true);   // forward, CE, backward (+=)
 *   ts_deep_grad_norms(p, norms);                            // [depth]
 *
 * Shapes and names (PyTorch's, so a dump reads like a state_dict):
 * - TS_DEEP_PLAIN, depth L = the number of Linear layers (L >= 2):
 *   nn.Sequential(Linear(in,W), [BN(W)], act, ..., Linear(W,W), [BN(W)], act,
 *   Linear(W,out)). Modules are numbered as the Sequential numbers them:
 *   without batch norm Linear k is "NAME.{2k}", its activation "{2k+1}";
 *   with it (layer k's bit clear in bn_off) "NAME.{i}" Linear, "{i+1}"
 *   BatchNorm1d (weight, bias, running_mean, running_var), "{i+2}" act.
 * - TS_DEEP_RESID, depth L = the number of blocks (L >= 1): "NAME.in"
 *   Linear(in,W) with no activation after it; block k "NAME.blocks.k.fc1"
 *   Linear(W,W), act, "NAME.blocks.k.fc2" Linear(W,W), added to the block's
 *   input (unless bit k of skip_off is set: then h_{k+1} = F(h_k));
 *   "NAME.out" Linear(W,out) with no activation before it.
 * Init draws from rng in module order (weight, then bias for the default
 * init; Kaiming draws weights only, one normal each); batch norm starts at weight 1, bias 0, running mean 0, var 1.
 *
 * Ownership: everything (parameters with grads, running stats, the saved
 * forward values of max_batch rows) lives in the arena given to
 * ts_deep_new. Backward needs the latest forward of the same batch.
 * Sizes beyond the limits below, or batches beyond max_batch, are caller
 * bugs (TS_CHECK).
 */
#ifndef TS_DEEPMLP_H
#define TS_DEEPMLP_H

#include <stdbool.h>
#include <stdint.h>
#include "mlp.h"
#include "tensor.h"

#define TS_DEEP_MAX_DEPTH 48                      /* Linear layers (plain) or blocks (resid) */
#define TS_DEEP_MAX_LINEAR (2 * TS_DEEP_MAX_DEPTH + 2)

typedef enum ts_deep_kind { TS_DEEP_PLAIN = 0, TS_DEEP_RESID = 1 } ts_deep_kind;

typedef enum ts_deep_init {
    TS_DEEP_INIT_TORCH = 0,   /* nn.Linear's default: uniform +-1/sqrt(fan_in), weight and bias */
    TS_DEEP_INIT_KAIMING = 1  /* nn.init.kaiming_normal_ (std sqrt(2/fan_in)), bias 0 */
} ts_deep_init;

typedef struct ts_deep_desc {
    const char *name;        /* "plain", "resid", "bn" */
    ts_deep_kind kind;
    int in, width, out;      /* input features, hidden width, classes */
    int depth;               /* see above */
    ts_act act;
    float slope;             /* LeakyReLU's slope (0: 0.01) */
    bool bn;                 /* plain: BatchNorm1d after every hidden Linear */
    uint64_t bn_off;         /* plain with bn: bit k set = no batch norm after Linear k */
    uint64_t skip_off;       /* resid: bit k set = block k has no identity path */
    ts_deep_init init;
    int max_batch;
} ts_deep_desc;

typedef struct ts_deep {
    ts_deep_desc d;
    int nlin;                                   /* Linear layers in module order */
    ts_tensor *w[TS_DEEP_MAX_LINEAR], *b[TS_DEEP_MAX_LINEAR];     /* with grads */
    /* plain with batch norm, per hidden Linear k (NULL where off) */
    ts_tensor *bn_w[TS_DEEP_MAX_DEPTH], *bn_b[TS_DEEP_MAX_DEPTH];  /* with grads */
    ts_tensor *bn_rm[TS_DEEP_MAX_DEPTH], *bn_rv[TS_DEEP_MAX_DEPTH];
    float *bn_mean[TS_DEEP_MAX_DEPTH], *bn_rstd[TS_DEEP_MAX_DEPTH]; /* [W] saved */
    int act_index[TS_DEEP_MAX_DEPTH];          /* Sequential index of each activation */
    /* saved forward values, each [max_batch, width] (first and last sized to
     * in and out): lin_in[j] the input of Linear j, lin_out[j] its output;
     * plain: norm[k] the batch-norm output (or lin_out[k]), hid[k] = act(...);
     * resid: hid[k] = act(fc1 out) of block k, h[k] the input of block k
     * (h[L] the input of out), fx[k] = F(h[k]) = fc2's output */
    float *lin_out[TS_DEEP_MAX_LINEAR];
    const float *lin_in[TS_DEEP_MAX_LINEAR];
    float *norm[TS_DEEP_MAX_DEPTH], *hid[TS_DEEP_MAX_DEPTH];
    float *h[TS_DEEP_MAX_DEPTH + 1];
    float *x;                                   /* [max_batch, in]: the latest input */
    float *probs, *dlogits;                     /* [max_batch, out] */
    float *scratch[3];                          /* backward's buffers */
    int last_B;
    bool training;                              /* batch norm's mode (default true) */
} ts_deep;

ts_deep *ts_deep_new(ts_arena *a, const ts_deep_desc *d, ts_rng *rng);
/* logits [B, out] (or NULL: read ts_deep_logits), x [B, in]. Batch norm
 * uses batch statistics and updates its running stats when m->training,
 * the running stats otherwise. */
void ts_deep_forward(ts_deep *m, float *logits, const float *x, int B);
const float *ts_deep_logits(const ts_deep *m);
/* dlogits [B, out]: += into every parameter's grad (dx is not needed here). */
void ts_deep_backward(ts_deep *m, const float *dlogits, int B);
/* Forward, F.cross_entropy (mean), and with backward the grads (+=).
 * Returns the loss. y [B] class indices. */
float ts_deep_loss_backward(ts_deep *m, const float *x, const int *y, int B, bool backward);
/* Parameters in state_dict order; returns the count. */
int  ts_deep_params(ts_deep *m, ts_tensor **out);
/* Batch norm's running stats (mean, var per layer, in order); returns the count. */
int  ts_deep_buffers(ts_deep *m, ts_tensor **out);
void ts_deep_zero_grad(ts_deep *m);
long ts_deep_numel(const ts_deep *m);
/* The numbers of the last backward, one per depth unit ([depth] floats):
 * plain: the Frobenius norm of each Linear's weight gradient; resid: of
 * each block's fc1 and fc2 weight gradients together. */
void ts_deep_grad_norms(const ts_deep *m, float *out);
/* resid: mean over the last forward's rows of |F(h_k)| / |h_k| per block
 * ([depth] floats; a row with |h_k| = 0 counts 0). */
void ts_deep_resid_ratios(const ts_deep *m, float *out);
/* plain: the output of hidden layer k's activation, [B, width] of the last
 * forward (k in 0..depth-2). */
const float *ts_deep_activation(const ts_deep *m, int k);

#endif
