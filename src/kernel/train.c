/* train.c: the minibatch loop and data helpers of train.h. */
#include "train.h"

#include <math.h>
#include <time.h>

#define TS_PI 3.14159265358979323846

struct ts_train_loop {
    ts_train_desc d;      /* defaults filled in */
    ts_optim *opt;
    ts_rng rng;
    int *order;           /* sample order of the current epoch */
    int pos;              /* next position in order */
    double loss_sum;      /* sum of n * loss over the current epoch */
    ts_train_stats st;
};

double ts_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void start_epoch(ts_train_loop *t) {
    for (int i = 0; i < t->d.n_samples; i++) t->order[i] = i;
    if (!t->d.no_shuffle) ts_rng_shuffle(&t->rng, t->order, t->d.n_samples);
    t->pos = 0;
    t->loss_sum = 0.0;
}

ts_train_loop *ts_train_loop_new(ts_arena *a, const ts_train_desc *desc) {
    TS_CHECK(desc && desc->step && desc->n_samples > 0);
    ts_train_loop *t = ts_arena_alloc(a, sizeof *t);
    t->d = *desc;
    if (t->d.epochs <= 0) t->d.epochs = 10;
    if (t->d.batch_size <= 0) t->d.batch_size = 32;
    t->opt = ts_optim_new(a, desc->params, desc->nparams, &desc->optim);
    ts_rng_seed(&t->rng, desc->seed);
    t->order = ts_arena_alloc(a, (size_t)desc->n_samples * sizeof *t->order);
    t->st.epoch_loss = NAN;
    t->st.last_loss = NAN;
    t->st.metric = NAN;
    start_epoch(t);
    return t;
}

bool ts_train_loop_done(const ts_train_loop *t) { return t->st.epoch >= t->d.epochs; }
ts_train_stats ts_train_loop_stats(const ts_train_loop *t) { return t->st; }
ts_optim *ts_train_loop_optim(ts_train_loop *t) { return t->opt; }

float ts_train_loop_step(ts_train_loop *t) {
    if (ts_train_loop_done(t)) return t->st.last_loss;
    double t0 = ts_seconds();
    int n = t->d.n_samples - t->pos;
    if (n > t->d.batch_size) n = t->d.batch_size;
    ts_optim_zero_grad(t->opt);
    float loss = t->d.step(t->d.user, t->order + t->pos, n);
    ts_optim_step(t->opt);
    t->pos += n;
    t->loss_sum += (double)loss * n;
    t->st.last_loss = loss;
    t->st.steps++;
    if (t->pos >= t->d.n_samples) {
        t->st.epoch_loss = (float)(t->loss_sum / t->d.n_samples);
        t->st.metric = t->d.eval ? t->d.eval(t->d.user) : NAN;
        if (t->d.on_epoch) t->d.on_epoch(t->d.user, t->st.epoch, t->st.epoch_loss, t->st.metric);
        t->st.epoch++;
        start_epoch(t);
    }
    t->st.seconds += ts_seconds() - t0;
    return loss;
}

float ts_train_loop_epoch(ts_train_loop *t) {
    int e = t->st.epoch;
    while (!ts_train_loop_done(t) && t->st.epoch == e) ts_train_loop_step(t);
    return t->st.epoch_loss;
}

ts_train_stats ts_train_loop_run(ts_train_loop *t) {
    while (!ts_train_loop_done(t)) ts_train_loop_step(t);
    return t->st;
}

ts_train_stats ts_train(ts_arena *a, const ts_train_desc *desc) {
    return ts_train_loop_run(ts_train_loop_new(a, desc));
}

/* ---- data helpers ----------------------------------------------------------- */

void ts_two_moons(float *x, int *y, int n, float noise, uint64_t seed) {
    /* x [n,2], y [n]. Upper moon: (cos t, sin t); lower moon:
     * (1 - cos t, 0.5 - sin t); t evenly spaced in [0, pi] on each. */
    TS_CHECK(n >= 0);
    ts_rng rng;
    ts_rng_seed(&rng, seed);
    int n_out = n / 2, n_in = n - n_out;
    for (int i = 0; i < n; i++) {
        bool outer = i < n_out;
        int k = outer ? i : i - n_out;
        int cnt = outer ? n_out : n_in;
        double th = cnt > 1 ? TS_PI * k / (cnt - 1) : 0.0;
        x[2 * i + 0] = (float)(outer ? cos(th) : 1.0 - cos(th));
        x[2 * i + 1] = (float)(outer ? sin(th) : 0.5 - sin(th));
        y[i] = outer ? 0 : 1;
    }
    for (int i = 0; i < 2 * n; i++) x[i] += noise * ts_rng_normal(&rng);
    /* Shuffle the samples (pairs of x and their y) together. */
    for (int i = n - 1; i > 0; i--) {
        int j = ts_rng_int(&rng, i + 1);
        float x0 = x[2 * i], x1 = x[2 * i + 1];
        int yi = y[i];
        x[2 * i] = x[2 * j]; x[2 * i + 1] = x[2 * j + 1]; y[i] = y[j];
        x[2 * j] = x0; x[2 * j + 1] = x1; y[j] = yi;
    }
}

float ts_accuracy(const float *logits, const int *targets, int B, int C) {
    if (B <= 0) return NAN;
    int right = 0;
    for (int b = 0; b < B; b++) {
        const float *row = logits + (size_t)b * C;
        int best = 0;
        for (int c = 1; c < C; c++) if (row[c] > row[best]) best = c;
        right += best == targets[b];
    }
    return (float)right / (float)B;
}

void ts_moons_point(ts_rng *rng, float noise, float *x, float *y) {
    const double pi = 3.14159265358979323846;
    int upper = ts_rng_int(rng, 2) == 0;
    double a = pi * ts_rng_uniform(rng);
    double mx = upper ? cos(a) : 1 - cos(a), my = upper ? sin(a) : 0.5 - sin(a);
    *x = (float)(1.6 * (mx - 0.5)) + noise * ts_rng_normal(rng);
    *y = (float)(1.6 * (my - 0.25)) + noise * ts_rng_normal(rng);
}
