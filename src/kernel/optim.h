/* optim.h: SGD (with momentum) and Adam over a list of parameter tensors.
 *
 * Same update rules as torch.optim.SGD (dampening 0, nesterov off) and
 * torch.optim.Adam (bias-corrected, L2 weight decay added to the gradient,
 * amsgrad off), in float, in the order PyTorch applies them.
 *
 *   ts_tensor *params[] = {w1, b1, w2, b2};         // each with ->grad set
 *   ts_optim *opt = ts_optim_new(&arena, params, 4,
 *                                &(ts_optim_desc){.kind = TS_OPTIM_ADAM, .lr = 1e-2f});
 *   for (...) { ts_optim_zero_grad(opt); forward; backward; ts_optim_step(opt); }
 *
 * Ownership: the optimiser and its state (momentum buffers, Adam moments)
 * live in the arena given to ts_optim_new and end with it; the parameter
 * tensors stay the caller's. ts_optim_new gives a tensor without a grad one
 * (zeroed) in that arena. Desc fields left zero take the defaults below.
 */
#ifndef TS_OPTIM_H
#define TS_OPTIM_H

#include "tensor.h"

typedef enum ts_optim_kind {
    TS_OPTIM_SGD = 0,
    TS_OPTIM_ADAM = 1,
} ts_optim_kind;

typedef struct ts_optim_desc {
    ts_optim_kind kind;   /* default SGD */
    float lr;             /* 0: 0.01 for SGD, 0.001 for Adam */
    float momentum;       /* SGD only; 0 = plain SGD */
    float weight_decay;   /* L2 penalty added to the gradient; 0 = none */
    float beta1, beta2;   /* Adam; 0: 0.9 and 0.999 */
    float eps;            /* Adam; 0: 1e-8 */
} ts_optim_desc;

typedef struct ts_optim ts_optim;

/* params: nparams tensors (the array is copied). */
ts_optim *ts_optim_new(ts_arena *a, ts_tensor *const *params, int nparams,
                       const ts_optim_desc *desc);
/* Zeroes the grad of every parameter. */
void ts_optim_zero_grad(ts_optim *o);
/* One update of every parameter from its grad. */
void ts_optim_step(ts_optim *o);
/* The effective settings (defaults filled in) and the number of steps taken. */
ts_optim_desc ts_optim_settings(const ts_optim *o);
int ts_optim_steps(const ts_optim *o);
/* Changes the learning rate (for schedules). */
void ts_optim_set_lr(ts_optim *o, float lr);

/* Checkpoints: the whole training state (every parameter's values, the
 * optimiser's moments and its step count) as a flat float buffer of
 * ts_optim_snapshot_size floats, so a scene can rewind training to a saved
 * step and replay it bit for bit. Grads are not saved. */
size_t ts_optim_snapshot_size(const ts_optim *o);
void   ts_optim_snapshot_save(const ts_optim *o, float *buf);
void   ts_optim_snapshot_load(ts_optim *o, const float *buf);

#endif
