/* mlp.h: a multilayer perceptron as PyTorch's nn.Sequential of Linear layers
 * with one activation between them, forward and backward over a batch.
 *
 *   ts_rng rng; ts_rng_seed(&rng, 1);
 *   ts_mlp *g = ts_mlp_new(&arena, &(ts_mlp_desc){ .name = "G",
 *                           .sizes = {2, 64, 64, 2}, .layers = 3,
 *                           .act = TS_ACT_LEAKY_RELU, .slope = 0.2f,
 *                           .max_batch = 256 }, &rng);
 *   ts_mlp_forward(g, fake, z, 256);              // saves what backward needs
 *   ts_mlp_backward(g, dz, dfake, 256, true);     // += into every param's grad
 *
 * Names follow the Sequential's indices, so a dump reads like a PyTorch
 * state_dict: layer k (0-based) is "NAME.{2k}.weight" [out, in] and
 * "NAME.{2k}.bias" [out]; the activations sit at the odd indices. No
 * activation follows the last layer.
 *
 * Activations: ReLU, LeakyReLU(slope), SiLU, Tanh (the kernel's ops in nn.h).
 * Init is nn.Linear's default (uniform +-1/sqrt(in)).
 *
 * Ownership: everything (parameters, their grads, the saved activations for
 * max_batch rows) lives in the arena given to ts_mlp_new. Backward needs the
 * activations of the latest forward of the same batch; another forward
 * overwrites them. Batches larger than max_batch are a caller bug (TS_CHECK).
 */
#ifndef TS_MLP_H
#define TS_MLP_H

#include <stdbool.h>
#include "tensor.h"

#define TS_MLP_MAX_LAYERS 6

typedef enum ts_act { TS_ACT_RELU = 0, TS_ACT_LEAKY_RELU, TS_ACT_SILU, TS_ACT_TANH } ts_act;

typedef struct ts_mlp_desc {
    const char *name;                     /* "G", "experts.3", "denoiser" */
    int sizes[TS_MLP_MAX_LAYERS + 1];     /* in, hidden..., out */
    int layers;                           /* number of Linear layers, 1..MAX */
    ts_act act;
    float slope;                          /* LeakyReLU's negative slope (0: 0.01) */
    int max_batch;                        /* rows a forward may take */
} ts_mlp_desc;

typedef struct ts_mlp {
    ts_mlp_desc d;
    ts_tensor *w[TS_MLP_MAX_LAYERS], *b[TS_MLP_MAX_LAYERS];  /* with grads */
    float *pre[TS_MLP_MAX_LAYERS];        /* [max_batch, sizes[k+1]] before the activation */
    float *act[TS_MLP_MAX_LAYERS + 1];    /* act[0] = input, act[k+1] = layer k's output */
    float *scratch[2];                    /* backward's upstream buffers */
} ts_mlp;

/* Builds the network with PyTorch's default init drawn from rng (layer by
 * layer: weight then bias). */
ts_mlp *ts_mlp_new(ts_arena *a, const ts_mlp_desc *d, ts_rng *rng);
/* out [B, sizes[layers]], x [B, sizes[0]]. out may be NULL (read
 * ts_mlp_output). */
void ts_mlp_forward(ts_mlp *m, float *out, const float *x, int B);
const float *ts_mlp_output(const ts_mlp *m);
/* dx [B, sizes[0]] (+=, may be NULL), dout [B, out]. With param_grads the
 * weight and bias grads accumulate (+=); without, only dx is computed (the
 * generator's step through a frozen discriminator). */
void ts_mlp_backward(ts_mlp *m, float *dx, const float *dout, int B, bool param_grads);
/* The 2*layers parameter tensors in Sequential order (w0, b0, w1, b1, ...);
 * returns the count. */
int  ts_mlp_params(ts_mlp *m, ts_tensor **out);
/* Total number of parameters. */
long ts_mlp_numel(const ts_mlp *m);
void ts_mlp_zero_grad(ts_mlp *m);

/* The activation alone, elementwise over n values (also used by scenes that
 * show one layer at a time). */
void ts_act_forward(float *out, const float *inp, size_t n, ts_act act, float slope);
/* dinp += dout * act'(inp) (inp is the pre-activation). */
void ts_act_backward(float *dinp, const float *dout, const float *inp, size_t n,
                     ts_act act, float slope);

/* BCE with logits, mean over n (F.binary_cross_entropy_with_logits):
 * loss = mean(softplus(l) - y*l). dlogits += scale * (sigmoid(l) - y) / n. */
float ts_bce_logits_forward(const float *logits, const float *targets, int n);
void  ts_bce_logits_backward(float *dlogits, const float *logits, const float *targets,
                             int n, float scale);

#endif
