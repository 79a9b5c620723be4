/* trainer.h: one rewindable trainer: "the state after step n" for any n,
 * bit for bit, whether it was reached by playing, scrubbing back or jumping.
 *
 * The caller owns the state and says what it is: any number of plain float
 * buffers (parameters, its own scratch that outlives a step), optimisers
 * (their parameters, moments and step count, through ts_optim_snapshot_*),
 * RNGs, and plain bytes (counters, small histories). It also gives a step
 * callback that takes the state after step n-1 to the state after step n.
 * The trainer keeps checkpoints of the registered state every `every`
 * steps within a memory budget, so seeking anywhere restores the nearest
 * checkpoint at or before the target and replays the rest:
 *
 *   ts_trainer *tr = ts_trainer_create(&(ts_trainer_desc){
 *       .step = my_step, .ctx = &model, .every = 100});
 *   ts_trainer_add_optim(tr, model.opt);      // params + Adam moments + t
 *   ts_trainer_add_rng(tr, &model.rng);
 *   ts_trainer_add_bytes(tr, &model.counters, sizeof model.counters);
 *   ts_trainer_seek(tr, 1500);                // trains 1500 steps
 *   ts_trainer_seek(tr, 250);                 // restores step 200, replays 50
 *   ts_trainer_advance(tr, 4);                // now at 254
 *   ts_trainer_destroy(tr);
 *
 * Contract:
 * - Step 0 is the registered state as it is at the first seek, advance,
 *   reset or ts_trainer_begin (whichever comes first); registering after
 *   that is a fatal error (TS_CHECK). The step-0 checkpoint is always kept.
 * - step(ctx, n) must be deterministic: the state after it depends only on
 *   the registered state before it and n. It returns false to refuse step n
 *   (the end of training), and must then leave the state unchanged; the
 *   trainer stays at n-1. Anything a step reads that is not registered must
 *   not change between steps (or call ts_trainer_reset / _begin after).
 * - Checkpoints are taken at multiples of the spacing when a step reaches
 *   them. When one more would pass the budget, the spacing doubles and the
 *   checkpoints off the new spacing are dropped (old and new alike), so the
 *   memory stays within the budget and replay costs less than one spacing.
 *   Only step 0 may exceed the budget on its own. A checkpoint that cannot
 *   be allocated is skipped (slower seeks, same results).
 * - ts_trainer_touch says the caller changed the registered state outside a
 *   step (a hand-taken update): the next seek or advance restores a
 *   checkpoint first, so the schedule is exact again.
 * - The trainer is single-threaded: one thread at a time calls into it and
 *   owns the state it registers.
 *
 * Errors: ts_trainer_create returns NULL when out of memory; misuse is a
 * TS_CHECK failure. Nothing is kept in the registered buffers' memory; the
 * trainer frees only what it allocated.
 */
#ifndef TS_TRAINER_H
#define TS_TRAINER_H

#include <stdbool.h>
#include <stddef.h>
#include "optim.h"
#include "tensor.h"

/* Takes the registered state from after step n-1 to after step n (n >= 1). */
typedef bool (*ts_trainer_step_fn)(void *ctx, long n);

typedef struct ts_trainer_desc {
    ts_trainer_step_fn step;   /* required */
    void *ctx;                 /* passed to step */
    long every;                /* checkpoint spacing in steps; 0: 100 */
    size_t budget;             /* bytes of checkpoints; 0: 64 MiB */
} ts_trainer_desc;

typedef struct ts_trainer ts_trainer;

ts_trainer *ts_trainer_create(const ts_trainer_desc *desc);
void ts_trainer_destroy(ts_trainer *t);   /* NULL is fine */

/* ---- what "the state" is (before the first step) ------------------------------ */
void ts_trainer_add_floats(ts_trainer *t, float *buf, size_t n);
void ts_trainer_add_bytes(ts_trainer *t, void *p, size_t n);
void ts_trainer_add_rng(ts_trainer *t, ts_rng *r);
/* The optimiser's parameters, moments and step count (not the grads). */
void ts_trainer_add_optim(ts_trainer *t, ts_optim *o);

/* ---- moving ----------------------------------------------------------------------- */
/* Takes the current state as step 0, dropping every checkpoint: for a new
 * start (new seed, new data) that the caller set up in the registered buffers. */
void ts_trainer_begin(ts_trainer *t);
/* Back to step 0 (restored), dropping every later checkpoint: after a change
 * that alters the steps but not the start (a learning rate, a loss). */
void ts_trainer_reset(ts_trainer *t);
/* The state after step n: forward by stepping, backward (or after a touch)
 * by restoring the nearest checkpoint at or before n and replaying. Returns
 * the step reached: n, or less where the step callback refused. */
long ts_trainer_seek(ts_trainer *t, long n);
/* k more steps (seek(step_count + k)); returns the steps taken. */
long ts_trainer_advance(ts_trainer *t, long k);
/* The caller changed the state outside a step; see the contract. */
void ts_trainer_touch(ts_trainer *t);

/* ---- reading ----------------------------------------------------------------------- */
long   ts_trainer_step_count(const ts_trainer *t);
/* The steps a seek to n would replay (0: none): to tell a frame's worth of
 * work from a long recompute before doing it. */
long   ts_trainer_seek_cost(const ts_trainer *t, long n);
long   ts_trainer_spacing(const ts_trainer *t);        /* the current checkpoint spacing */
size_t ts_trainer_memory(const ts_trainer *t);         /* bytes held by checkpoints */
size_t ts_trainer_state_size(const ts_trainer *t);     /* bytes of one snapshot */
/* The steps that have checkpoints, ascending: writes up to max, returns the count. */
int    ts_trainer_checkpoints(const ts_trainer *t, long *steps, int max);

/* ---- snapshots (for saving a trainer's state elsewhere) ------------------------ */
/* Writes the registered state (ts_trainer_state_size bytes) to out. */
void ts_trainer_state_save(const ts_trainer *t, void *out);
/* Puts a snapshot from state_save back and says it is the state after step n
 * (the caller vouches for that: checkpoints it makes are trusted). */
void ts_trainer_state_load(ts_trainer *t, const void *in, long n);

#endif
