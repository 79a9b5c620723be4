/* deeppair.h: two deep MLPs (deepmlp.h) trained side by side on the two
 * spirals, on the same minibatches, through the rewindable trainer: the
 * comparison the depth scenes (residual, batchnorm) are built on.
 *
 *   ts_pair p;
 *   if (!ts_pair_init(&p, &arena, &(ts_pair_desc){ .net = { plain_desc, resid_desc },
 *                     .seed = 1, .optim = { .kind = TS_OPTIM_ADAM, .lr = 3e-3f },
 *                     .points = 400, .noise = 0.05f, .batch = 64, .batch_seed = 1000004,
 *                     .max_steps = 6000 })) ...out of memory...
 *   ts_trainer_seek(p.tr, 300);      // both nets after 300 steps; p.hist[k][n]: step n's loss
 *   ts_pair_free(&p);
 *
 * Step n draws `batch` points with replacement from the batch RNG, then
 * takes one optimiser step of net 0 and one of net 1 on them (zero grads,
 * forward, mean cross-entropy, backward, step), and keeps each batch loss
 * in hist[k][n]. The trainer's state is, in this order: net 0's optimiser
 * (parameters and moments), net 1's, every batch-norm running statistic of
 * net 0 then net 1, the batch RNG: snapshots saved from it stay loadable as
 * long as that order does.
 * Init draws net 0 from an RNG seeded with `seed`, then net 1 from the same
 * RNG continuing, or (same_init) from a fresh one seeded again with `seed`,
 * which gives two nets of one shape the same initial Linear weights. The
 * data are ts_two_spirals(points, noise, 1.25 turns, data seed 7).
 * Everything but the trainer lives in the arena given; ts_pair_free frees
 * the trainer. Step counts past max_steps are refused (the trainer stops).
 */
#ifndef TS_DEEPPAIR_H
#define TS_DEEPPAIR_H

#include <stdbool.h>
#include <stdint.h>
#include "deepmlp.h"
#include "optim.h"
#include "trainer.h"

typedef struct ts_pair_desc {
    ts_deep_desc net[2];     /* max_batch is set here: max(points, max_rows) */
    bool same_init;
    uint64_t seed;           /* the nets' init */
    ts_optim_desc optim;     /* both nets */
    int points;              /* spiral points, >= 2 */
    float noise;
    int batch;               /* 1..points */
    uint64_t batch_seed;     /* the batch RNG */
    int max_steps;
    int max_rows;            /* the largest other forward (a grid of points) */
} ts_pair_desc;

typedef struct ts_pair {
    ts_pair_desc d;
    ts_deep *net[2];
    ts_optim *opt[2];
    ts_rng rng;              /* the batch RNG (registered) */
    ts_tensor *x, *y;        /* "x" [N,2], "y" [N] (class index as float) */
    int *yi;                 /* [N] */
    float *xb;
    int *yb;
    float *hist[2];          /* [max_steps + 1] */
    ts_trainer *tr;
} ts_pair;

/* False (nothing kept) when the trainer cannot be allocated. */
bool ts_pair_init(ts_pair *p, ts_arena *a, const ts_pair_desc *d);
void ts_pair_free(ts_pair *p);

#endif
