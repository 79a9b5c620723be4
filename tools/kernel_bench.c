/* kernel_bench: microseconds per kernel op at the sizes the scenes use.
 *
 *   build-k2/kernel_bench            # table: op name, median us per call
 *   /usr/bin/python3 tools/kernel_bench_torch.py --kernel build-k2/kernel_bench
 *                                    # the same ops in PyTorch, side by side
 *
 * Each op is warmed up, then timed as the median of 101 samples; a sample
 * runs the op `reps` times back to back, with reps chosen so that one sample
 * takes about 50 us (the clock's own cost stays out of the numbers). Backward
 * rows time the backward alone (the forward has been run once before), and
 * include zeroing the gradients, as a training step would. Inputs are random
 * from a fixed seed. The op names are the keys kernel_bench_torch.py matches.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kernel/attention.h"
#include "kernel/conv.h"
#include "kernel/nn.h"
#include "kernel/rnn.h"

#define SAMPLES 101

static double now_us(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e6 + ts.tv_nsec * 1e-3;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Median microseconds per call of fn(ctx). */
static double bench(void (*fn)(void *), void *ctx) {
    for (int i = 0; i < 20; i++) fn(ctx);
    long calls = 0;
    double t0 = now_us(), t;
    do { fn(ctx); calls++; } while ((t = now_us()) - t0 < 2000.0);
    double per = (t - t0) / calls;
    long reps = per >= 50.0 ? 1 : (long)(50.0 / per) + 1;
    double s[SAMPLES];
    for (int k = 0; k < SAMPLES; k++) {
        double a = now_us();
        for (long r = 0; r < reps; r++) fn(ctx);
        s[k] = (now_us() - a) / reps;
    }
    qsort(s, SAMPLES, sizeof s[0], cmp_double);
    return s[SAMPLES / 2];
}

static ts_arena arena;
static ts_rng rng;

static float *rnd(size_t n, float scale) {
    float *x = ts_arena_alloc(&arena, sizeof(float) * n);
    ts_rng_normal_fill(&rng, x, n, 0.0f, scale);
    return x;
}
static float *zeros(size_t n) { return ts_arena_alloc(&arena, sizeof(float) * n); }

/* ---- conv 1x1x28x28, 8 filters 3x3, padding 1 ----------------------------- */

static struct { ts_conv2d_desc d; float *x, *w, *b, *y, *dy, *dx, *dw, *db; } cv;

static void conv_fwd(void *c) { (void)c; ts_conv2d_forward(cv.y, cv.x, cv.w, cv.b, &cv.d); }
static void conv_bwd(void *c) {
    (void)c;
    memset(cv.dx, 0, sizeof(float) * 28 * 28);
    memset(cv.dw, 0, sizeof(float) * 8 * 9);
    memset(cv.db, 0, sizeof(float) * 8);
    ts_conv2d_backward(cv.dx, cv.dw, cv.db, cv.dy, cv.x, cv.w, &cv.d);
}

/* ---- max pool 2x2 on 8x28x28 -------------------------------------------------- */

static struct { ts_pool2d_desc d; float *x, *y, *dy, *dx; int *arg; } mp;

static void pool_fwd(void *c) { (void)c; ts_maxpool2d_forward(mp.y, mp.arg, mp.x, &mp.d); }
static void pool_bwd(void *c) {
    (void)c;
    memset(mp.dx, 0, sizeof(float) * 8 * 28 * 28);
    ts_maxpool2d_backward(mp.dx, mp.dy, mp.arg, &mp.d);
}

/* ---- attention T=16 d=32 4 heads, with biases ---------------------------------- */

static struct { ts_mha *m; ts_mha_weights w; ts_mha_grads g; float *x, *dy, *dx, *gbuf; } at;

static void attn_fwd(void *c) { (void)c; ts_mha_forward(at.m, at.x, &at.w, NULL); }
static void attn_bwd(void *c) {
    (void)c;
    memset(at.gbuf, 0, sizeof(float) * (4 * 32 * 32 + 4 * 32));
    memset(at.dx, 0, sizeof(float) * 16 * 32);
    ts_mha_backward(at.m, at.dx, &at.g, at.dy, at.x, &at.w);
}

/* ---- LSTM step I=H=32, batch 1 -------------------------------------------------- */

static struct { float *x, *h, *c, *wih, *whh, *bih, *bhh, *h1, *c1, *gates; } ls;

static void lstm_fwd(void *c) {
    (void)c;
    ts_lstm_cell_forward(ls.h1, ls.c1, ls.gates, ls.x, ls.h, ls.c, ls.wih, ls.whh, ls.bih,
                         ls.bhh, 1, 32, 32);
}

/* ---- linear 784 -> 10, batch 1; softmax over 16 ---------------------------------- */

static struct { float *x, *w, *b, *y, *s, *p; } ln;

static void linear_fwd(void *c) { (void)c; ts_linear_forward(ln.y, ln.x, ln.w, ln.b, 1, 784, 10); }
static void softmax_fwd(void *c) { (void)c; ts_softmax_forward(ln.p, ln.s, NULL, 1, 16); }

static void setup(void) {
    ts_rng_seed(&rng, 1);
    cv.d = (ts_conv2d_desc){ .n = 1, .c_in = 1, .h = 28, .w = 28, .c_out = 8, .kh = 3, .kw = 3,
                             .pad_h = 1, .pad_w = 1 };
    cv.x = rnd(28 * 28, 1.0f); cv.w = rnd(8 * 9, 0.3f); cv.b = rnd(8, 0.1f);
    cv.y = zeros(8 * 28 * 28); cv.dy = rnd(8 * 28 * 28, 1.0f);
    cv.dx = zeros(28 * 28); cv.dw = zeros(8 * 9); cv.db = zeros(8);

    mp.d = (ts_pool2d_desc){ .n = 1, .c = 8, .h = 28, .w = 28, .kh = 2, .kw = 2 };
    mp.x = rnd(8 * 28 * 28, 1.0f); mp.y = zeros(8 * 14 * 14); mp.dy = rnd(8 * 14 * 14, 1.0f);
    mp.dx = zeros(8 * 28 * 28); mp.arg = ts_arena_alloc(&arena, sizeof(int) * 8 * 14 * 14);

    at.m = ts_mha_new(&arena, &(ts_mha_desc){ .T = 16, .d = 32, .heads = 4 });
    at.x = rnd(16 * 32, 1.0f); at.dy = rnd(16 * 32, 1.0f); at.dx = zeros(16 * 32);
    at.w = (ts_mha_weights){ rnd(1024, 0.2f), rnd(1024, 0.2f), rnd(1024, 0.2f), rnd(1024, 0.2f),
                             rnd(32, 0.1f), rnd(32, 0.1f), rnd(32, 0.1f), rnd(32, 0.1f) };
    at.gbuf = zeros(4 * 1024 + 4 * 32);
    float *g = at.gbuf;
    at.g = (ts_mha_grads){ g, g + 1024, g + 2048, g + 3072,
                           g + 4096, g + 4128, g + 4160, g + 4192 };

    ls.x = rnd(32, 1.0f); ls.h = rnd(32, 0.5f); ls.c = rnd(32, 0.5f);
    ls.wih = rnd(128 * 32, 0.2f); ls.whh = rnd(128 * 32, 0.2f);
    ls.bih = rnd(128, 0.1f); ls.bhh = rnd(128, 0.1f);
    ls.h1 = zeros(32); ls.c1 = zeros(32); ls.gates = zeros(128);

    ln.x = rnd(784, 1.0f); ln.w = rnd(7840, 0.05f); ln.b = rnd(10, 0.1f); ln.y = zeros(10);
    ln.s = rnd(16, 1.0f); ln.p = zeros(16);
}

int main(void) {
    static const struct { const char *name; void (*fn)(void *); } ops[] = {
        { "conv2d_fwd_1x28x28_8x3x3", conv_fwd },
        { "conv2d_bwd_1x28x28_8x3x3", conv_bwd },
        { "maxpool2x2_fwd_8x28x28", pool_fwd },
        { "maxpool2x2_bwd_8x28x28", pool_bwd },
        { "attention_fwd_T16_d32_h4", attn_fwd },
        { "attention_bwd_T16_d32_h4", attn_bwd },
        { "lstm_step_I32_H32", lstm_fwd },
        { "linear_784x10_b1", linear_fwd },
        { "softmax_16", softmax_fwd },
    };
    setup();
    conv_fwd(NULL);          /* backward rows need their forward state */
    pool_fwd(NULL);
    attn_fwd(NULL);
    printf("%-28s %12s\n", "op", "kernel_us");
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
        printf("%-28s %12.3f\n", ops[i].name, bench(ops[i].fn, NULL));
    ts_arena_free(&arena);
    return 0;
}
