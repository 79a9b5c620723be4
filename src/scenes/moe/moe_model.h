/* moe_model.h: the moe scene's mixture-of-experts classifier, its task, and
 * its training step (forward, backward and Adam with the kernel's ops).
 *
 *   x [n,2] -> router: logits = x W_r^T + b_r [n,E], probs = softmax [n,E]
 *   -> top-k experts per point, gates renormalised over the k
 *   -> dispatch in GShard priority order with an optional capacity
 *   -> each expert e: nn.Sequential(Linear(2,H), ReLU, Linear(H,2)) on its rows
 *   -> out [n,2] = sum_j gate_j * expert_out_j (zeros for dropped choices)
 *   -> class probabilities softmax(out); loss = cross-entropy + balance * aux,
 *      aux = E * sum_i f_i * P_i (Switch Transformer).
 *
 * The task (moe_task_label): points on [-3,3]^2 cut into eight 45-degree
 * sectors around the origin; in each sector the class follows its own
 * straight boundary (a different angle per sector), so a router that gives
 * each sector to its own small expert does best, and a linear router can
 * draw exactly those sectors.
 *
 *   moe_model m; moe_model_new(&m, &arena, &cfg); moe_model_init(&m, seed);
 *   moe_acts x;  moe_acts_new(&x, &arena, &m, 64, true);
 *   memcpy(x.x->data, points, ...); moe_forward(&m, &x, capacity);
 *   float loss = moe_backward(&m, &x, targets, balance);   // grads +=
 *   ts_optim_step(opt);
 *   moe_run: a model with its optimiser, data and step counter (for live
 *   training: moe_run_step), see below.
 *
 * Names follow PyTorch's state_dict of
 *   router = nn.Linear(2, E); experts = nn.ModuleList([nn.Sequential(
 *       nn.Linear(2, H), nn.ReLU(), nn.Linear(H, 2)) for _ in range(E)])
 * i.e. router.weight [E,2], router.bias [E], experts.e.0.weight [H,2],
 * experts.e.0.bias [H], experts.e.2.weight [2,H], experts.e.2.bias [2].
 * Activations carry the scene's dump names (x, router.logits, router.probs,
 * topk.indices, topk.gates, load, importance, aux_loss, dropped, expert_out,
 * out, logits, probs, target).
 *
 * Capacity: rows per expert for a batch of n points with factor cf > 0 is
 * max(1, floor(cf * n * k / E)) (Switch); cf = 0 means no limit.
 *
 * Errors: sizes are the caller's (TS_CHECK); loading checks every name and
 * shape and reports one line.
 */
#ifndef TS_MOE_MODEL_H
#define TS_MOE_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "kernel/optim.h"
#include "kernel/tensor.h"

enum { MOE_D = 2, MOE_O = 2, MOE_MAX_E = 8, MOE_MAX_K = 2, MOE_MAX_H = 32 };
#define MOE_EXTENT 3.0f            /* the task lives on [-3,3]^2 */

typedef struct moe_config {
    int experts;                   /* E, 2..8 */
    int k;                         /* 1..2 */
    int hidden;                    /* H, each expert's hidden width */
    float capacity_factor;         /* 0: no capacity */
    float balance;                 /* weight of the load-balancing loss */
    float lr;                      /* Adam */
    int batch;                     /* training batch */
    uint64_t seed;                 /* init and data order */
} moe_config;

/* The default story's configuration (the one assets/moe-weights.safetensors holds). */
moe_config moe_config_default(void);

typedef struct moe_model {
    int E, H;
    ts_tensor *router_w, *router_b;
    ts_tensor *w1[MOE_MAX_E], *b1[MOE_MAX_E], *w2[MOE_MAX_E], *b2[MOE_MAX_E];
} moe_model;

typedef struct moe_acts {
    int n, E, k, H;
    int capacity, rows;            /* capacity used (0 none); rows per expert buffer */
    ts_tensor *x, *r_logits, *r_probs, *indices, *gates, *load, *importance, *aux,
              *dropped, *expert_out, *out, *probs, *target;
    int *idx, *pos, *count, *tgt;  /* [n,k], [n,k], [E], [n] */
    float *xe, *hpre, *h, *ye;     /* [E,rows,2], [E,rows,H] x2, [E,rows,2] */
    int n_dropped;
    float loss;                    /* cross-entropy of the last backward/loss */
    /* gradients (NULL unless made with grads) */
    float *d_out, *d_ye, *d_h, *d_hpre, *d_gate, *d_probs, *d_rlogits;
} moe_acts;

/* ---- task ---------------------------------------------------------------- */

/* The class (0 or 1) of a point. */
int  moe_task_label(float x, float y);
/* n points uniform on the square and their labels; seeded. */
void moe_task_sample(float *xy, int *y, int n, uint64_t seed);
/* The sector (0..7) that holds (x, y), and its rule in words. */
int  moe_task_sector(float x, float y);
void moe_task_rule(float x, float y, char *out, size_t n);

/* ---- model ---------------------------------------------------------------- */

int  moe_param_count(const moe_model *m);       /* all parameters */
/* Parameters one point pays for with k experts: router + k experts. */
int  moe_active_params(const moe_model *m, int k);
/* Zero parameters, named, in arena a; E and H from cfg. */
void moe_model_new(moe_model *m, ts_arena *a, const moe_config *cfg);
/* PyTorch's nn.Linear init, from seed. */
void moe_model_init(moe_model *m, uint64_t seed);
/* All parameters in PyTorch order: router.weight, router.bias, then each
 * expert's four. Returns the count (2 + 4E); out holds 2 + 4*MOE_MAX_E. */
int  moe_model_params(const moe_model *m, ts_tensor **out);
void moe_model_copy(moe_model *dst, const moe_model *src);   /* same E, H */
/* Reads the weights of a tensor dump (names and shapes must match m). */
bool moe_model_load(moe_model *m, const char *path, char *err, size_t errlen);

/* Rows per expert for n points: see the header comment. */
int  moe_capacity(float factor, int n, int k, int E);

/* ---- forward and backward -------------------------------------------------- */

/* Activations for n points; k <= MOE_MAX_K. */
void moe_acts_new(moe_acts *x, ts_arena *a, const moe_model *m, int n, int k, bool grads);
/* Runs the whole layer on x->x with capacity rows per expert (0: none):
 * every tensor of moe_acts, including probs. */
void moe_forward(const moe_model *m, moe_acts *x, int capacity);
/* Cross-entropy of out against tgt[0..n) (also copied to target), plus
 * balance * aux; returns the total. With grads, accumulates the parameters'
 * grads (they must exist: ts_optim_new gives them). */
float moe_backward(moe_model *m, moe_acts *x, const int *tgt, float balance);
/* One expert alone on one point: out [2] (the expert's logits). */
void moe_expert_forward(const moe_model *m, int e, const float *xy, float *out);
/* Router probabilities of one point: probs [E]. */
void moe_router_point(const moe_model *m, const float *xy, float *probs);

/* ---- a training run -------------------------------------------------------- */

enum { MOE_TRAIN_N = 2048, MOE_TEST_N = 1024 };
/* Optimiser steps of the pre-trained default (tools/train_moe.c) and of the
 * scene's own pre-training for other configurations. */
enum { MOE_STEPS = 5000 };

typedef struct moe_run {
    moe_config cfg;
    ts_arena arena;
    moe_model m;
    moe_acts batch;                /* training batch, with grads */
    moe_acts eval;                 /* a test chunk of cfg.batch points */
    ts_optim *opt;
    float *train_x, *test_x;       /* [MOE_TRAIN_N,2], [MOE_TEST_N,2] */
    int *train_y, *test_y;
    int *order, cursor;            /* shuffled sample order */
    ts_rng rng;
    int steps;
    float last_loss, last_aux;
    float load[MOE_MAX_E];         /* f of the last training batch */
} moe_run;

/* A fresh run: model from cfg.seed, data (seed 1 train, seed 2 test). */
void  moe_run_new(moe_run *r, const moe_config *cfg);
void  moe_run_free(moe_run *r);
/* One optimiser step on the next batch. Returns the loss. */
float moe_run_step(moe_run *r);
/* The held-out points routed in batches of cfg.batch with capacity factor cf
 * (0: none): accuracy, the fraction of choices dropped, the load f (share of
 * all k choices) and the share of first choices per expert. */
typedef struct moe_eval {
    float accuracy, dropped;
    float load[MOE_MAX_E], first[MOE_MAX_E];
} moe_eval;
moe_eval moe_run_eval(moe_run *r, float cf);
/* Experts whose held-out load is below 2%: never chosen, in effect. */
int moe_eval_idle(const moe_eval *ev, int E);

#endif
