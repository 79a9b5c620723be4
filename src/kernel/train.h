/* train.h: a small reusable minibatch training loop and toy data sets.
 *
 * The loop owns the bookkeeping (shuffling, batching, zeroing grads, the
 * optimiser step, timing); the model stays the caller's: a step callback
 * runs forward and backward on the samples whose indices it is given and
 * returns the mean loss over them. Scenes that animate training drive the
 * loop one step at a time; tools just call ts_train. (The rewindable
 * trainer that scenes scrub through is trainer.h.)
 *
 *   ts_train_loop *tr = ts_train_loop_new(&arena, &(ts_train_desc){
 *       .params = params, .nparams = 4, .n_samples = 400,
 *       .optim = {.kind = TS_OPTIM_ADAM, .lr = 0.01f},
 *       .epochs = 100, .batch_size = 32, .seed = 1,
 *       .step = mlp_step, .eval = mlp_accuracy, .user = &model});
 *   while (!ts_train_loop_done(tr)) ts_train_loop_step(tr);    // or ts_train_loop_run(tr)
 *
 * Everything lives in the arena given to ts_train_loop_new. The same seed gives
 * the same sample order, so training is reproducible bit for bit.
 * Desc fields left zero take the defaults noted on each.
 */
#ifndef TS_TRAIN_H
#define TS_TRAIN_H

#include <stdint.h>
#include "optim.h"
#include "tensor.h"

/* Forward + backward on the n samples idx[0..n) (the grads are already zero
 * when it is called); returns the mean loss over them. */
typedef float (*ts_train_step_fn)(void *user, const int *idx, int n);
/* A metric of the current model, e.g. accuracy on a held-out set. */
typedef float (*ts_train_eval_fn)(void *user);
/* Called after each epoch with its mean loss and the metric (NAN without eval). */
typedef void (*ts_train_epoch_fn)(void *user, int epoch, float loss, float metric);

typedef struct ts_train_desc {
    ts_tensor *const *params;   /* the parameters to train (required) */
    int nparams;
    ts_optim_desc optim;        /* see optim.h; zero = SGD, lr 0.01 */
    int n_samples;              /* indices 0..n_samples-1 (required) */
    int epochs;                 /* 0: 10 */
    int batch_size;             /* 0: 32; the last batch of an epoch may be smaller */
    uint64_t seed;              /* shuffling order */
    bool no_shuffle;            /* keep samples in index order */
    ts_train_step_fn step;      /* required */
    ts_train_eval_fn eval;      /* optional */
    ts_train_epoch_fn on_epoch; /* optional */
    void *user;                 /* passed to the callbacks */
} ts_train_desc;

typedef struct ts_train_stats {
    int epoch;          /* epochs finished */
    int steps;          /* optimiser steps taken */
    float last_loss;    /* loss of the latest step */
    float epoch_loss;   /* mean loss of the latest finished epoch (NAN before) */
    float metric;       /* eval after the latest finished epoch (NAN if none) */
    double seconds;     /* wall time spent inside the trainer */
} ts_train_stats;

typedef struct ts_train_loop ts_train_loop;

ts_train_loop *ts_train_loop_new(ts_arena *a, const ts_train_desc *desc);
/* One minibatch: zero grads, step callback, optimiser step. Returns the
 * loss. At an epoch end it also runs eval and on_epoch. */
float ts_train_loop_step(ts_train_loop *t);
/* Steps until the current epoch ends; returns its mean loss. */
float ts_train_loop_epoch(ts_train_loop *t);
/* Steps until all epochs are done; returns the final stats. */
ts_train_stats ts_train_loop_run(ts_train_loop *t);
bool ts_train_loop_done(const ts_train_loop *t);
ts_train_stats ts_train_loop_stats(const ts_train_loop *t);
ts_optim *ts_train_loop_optim(ts_train_loop *t);

/* The whole loop in one call; the trainer lives in arena a. */
ts_train_stats ts_train(ts_arena *a, const ts_train_desc *desc);

/* ---- data helpers ----------------------------------------------------------- */

/* sklearn's make_moons: x [n,2], y [n] in {0,1}. Half the points (n/2,
 * rounded down) on the upper moon (label 0), the rest on the lower one,
 * Gaussian noise of std `noise` added, order shuffled; seeded. */
void ts_two_moons(float *x, int *y, int n, float noise, uint64_t seed);
/* One point of the two moons drawn from rng (which moon, then where on it),
 * centred on the origin and scaled by 1.6 to span about -2..2, with
 * Gaussian noise of std `noise` on each coordinate: for 2-D generative
 * scenes that sample their data a batch at a time. */
void ts_moons_point(ts_rng *rng, float noise, float *x, float *y);
/* Fraction of rows whose argmax (first on ties) equals the target:
 * logits [B,C], targets [B]. */
float ts_accuracy(const float *logits, const int *targets, int B, int C);
/* Wall-clock seconds from a monotonic clock, for timing. */
double ts_seconds(void);

#endif
