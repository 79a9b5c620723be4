/* deeppair.c: two deep MLPs trained side by side (see deeppair.h). */
#include "deeppair.h"

#include <string.h>
#include "spirals.h"

static bool pair_step(void *ctx, long n) {
    ts_pair *p = ctx;
    if (n > p->d.max_steps) return false;
    const int B = p->d.batch, N = p->d.points;
    for (int i = 0; i < B; i++) {
        int j = ts_rng_int(&p->rng, N);
        p->xb[2 * i] = p->x->data[2 * j];
        p->xb[2 * i + 1] = p->x->data[2 * j + 1];
        p->yb[i] = p->yi[j];
    }
    for (int k = 0; k < 2; k++) {
        ts_optim_zero_grad(p->opt[k]);
        p->hist[k][n] = ts_deep_loss_backward(p->net[k], p->xb, p->yb, B, true);
        ts_optim_step(p->opt[k]);
    }
    return true;
}

bool ts_pair_init(ts_pair *p, ts_arena *a, const ts_pair_desc *d) {
    TS_CHECK(d->points >= 2 && d->batch >= 1 && d->batch <= d->points && d->max_steps >= 0);
    memset(p, 0, sizeof *p);
    p->d = *d;
    const int N = d->points, maxb = N > d->max_rows ? N : d->max_rows;
    ts_rng rng;
    ts_rng_seed(&rng, d->seed);
    for (int k = 0; k < 2; k++) {
        if (k == 1 && d->same_init) ts_rng_seed(&rng, d->seed);
        ts_deep_desc nd = d->net[k];
        nd.max_batch = maxb;
        p->net[k] = ts_deep_new(a, &nd, &rng);
    }
    for (int k = 0; k < 2; k++) {
        ts_tensor *ps[2 * TS_DEEP_MAX_LINEAR + 2 * TS_DEEP_MAX_DEPTH];
        int np = ts_deep_params(p->net[k], ps);
        p->opt[k] = ts_optim_new(a, ps, np, &d->optim);
        p->hist[k] = ts_arena_alloc(a, sizeof(float) * ((size_t)d->max_steps + 1));
    }
    ts_rng_seed(&p->rng, d->batch_seed);
    p->x = ts_new2(a, "x", N, 2);
    p->y = ts_new1(a, "y", N);
    p->yi = ts_arena_alloc(a, sizeof(int) * (size_t)N);
    ts_two_spirals(p->x->data, p->yi, N, d->noise, 1.25f, 7);
    for (int i = 0; i < N; i++) p->y->data[i] = (float)p->yi[i];
    p->xb = ts_arena_alloc(a, sizeof(float) * 2 * (size_t)d->batch);
    p->yb = ts_arena_alloc(a, sizeof(int) * (size_t)d->batch);
    p->tr = ts_trainer_create(&(ts_trainer_desc){ .step = pair_step, .ctx = p, .every = 100 });
    if (!p->tr) return false;
    for (int k = 0; k < 2; k++) ts_trainer_add_optim(p->tr, p->opt[k]);
    for (int k = 0; k < 2; k++) {
        ts_tensor *bufs[2 * TS_DEEP_MAX_DEPTH];
        int nb = ts_deep_buffers(p->net[k], bufs);
        for (int i = 0; i < nb; i++) ts_trainer_add_floats(p->tr, bufs[i]->data, ts_numel(bufs[i]));
    }
    ts_trainer_add_rng(p->tr, &p->rng);
    ts_trainer_begin(p->tr);
    return true;
}

void ts_pair_free(ts_pair *p) {
    ts_trainer_destroy(p->tr);
    p->tr = NULL;
}
