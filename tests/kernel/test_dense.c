/* test_dense: every op of nn.h and optim.h against PyTorch (dense.json,
 * written by tools/fixtures_dense.py). Forward values must agree within
 * 1e-5 relative, gradients within 1e-4 relative (plus a small absolute
 * floor for values near zero). Dropout cannot share PyTorch's RNG, so its
 * contract is checked directly. */
#include <string.h>

#include "check.h"
#include "kernel/nn.h"
#include "kernel/optim.h"

#define FWD_RTOL 1e-5f
#define FWD_ATOL 1e-6f
#define GRAD_RTOL 1e-4f
#define GRAD_ATOL 1e-5f

static ts_arena arena;
static const ts_dump *fx;

/* Tensor CASE.FIELD of the fixture (exits if absent). */
static const ts_tensor *get(const char *c, const char *field) {
    char name[TS_NAME_MAX];
    snprintf(name, sizeof name, "%s.%s", c, field);
    return fixture(fx, name);
}
static const float *D(const char *c, const char *field) { return get(c, field)->data; }
static bool has(const char *c, const char *field) {
    char name[TS_NAME_MAX];
    snprintf(name, sizeof name, "%s.%s", c, field);
    return ts_dump_find(fx, name) != NULL;
}
static float *zeros(size_t n) { return ts_arena_alloc(&arena, n * sizeof(float)); }
static int *ints(const char *c, const char *field, size_t *n) {
    const ts_tensor *t = get(c, field);
    *n = ts_numel(t);
    int *v = ts_arena_alloc(&arena, *n * sizeof(int));
    for (size_t i = 0; i < *n; i++) v[i] = (int)t->data[i];
    return v;
}

static void fwd(const char *c, const char *field, const float *got) {
    char what[96];
    snprintf(what, sizeof what, "%s.%s", c, field);
    const ts_tensor *t = get(c, field);
    check_close(what, got, t->data, ts_numel(t), FWD_RTOL, FWD_ATOL);
}
static void grad(const char *c, const char *field, const float *got) {
    char what[96];
    snprintf(what, sizeof what, "%s.%s", c, field);
    const ts_tensor *t = get(c, field);
    check_close(what, got, t->data, ts_numel(t), GRAD_RTOL, GRAD_ATOL);
}

static void test_linear(const char *c) {
    const ts_tensor *x = get(c, "x"), *w = get(c, "w");
    int B = x->shape[0], C = x->shape[1], OC = w->shape[0];
    const float *bias = has(c, "b") ? D(c, "b") : NULL;
    float *out = zeros((size_t)B * OC), *dx = zeros((size_t)B * C);
    float *dw = zeros((size_t)OC * C), *db = zeros((size_t)OC);
    ts_linear_forward(out, x->data, w->data, bias, B, C, OC);
    fwd(c, "out", out);
    ts_linear_backward(dx, dw, bias ? db : NULL, D(c, "dout"), x->data, w->data, B, C, OC);
    grad(c, "dx", dx);
    grad(c, "dw", dw);
    if (bias) grad(c, "db", db);
    /* Backward accumulates: a second call doubles every gradient. */
    ts_linear_backward(dx, NULL, NULL, D(c, "dout"), x->data, w->data, B, C, OC);
    for (int i = 0; i < B * C; i++) dx[i] *= 0.5f;
    grad(c, "dx", dx);
}

static void test_matmul(const char *c) {
    const ts_tensor *a = get(c, "a"), *b = get(c, "b");
    int M = a->shape[0], K = a->shape[1], N = b->shape[1];
    float *out = zeros((size_t)M * N), *da = zeros((size_t)M * K), *db = zeros((size_t)K * N);
    ts_matmul_forward(out, a->data, b->data, M, K, N);
    fwd(c, "out", out);
    ts_matmul_backward(da, db, D(c, "dout"), a->data, b->data, M, K, N);
    grad(c, "da", da);
    grad(c, "db", db);
}

static void test_binary(const char *c, bool mul) {
    size_t n = ts_numel(get(c, "a"));
    const float *a = D(c, "a"), *b = D(c, "b");
    float *out = zeros(n), *da = zeros(n), *db = zeros(n);
    if (mul) {
        ts_mul_forward(out, a, b, n);
        ts_mul_backward(da, db, D(c, "dout"), a, b, n);
    } else {
        ts_add_forward(out, a, b, n);
        ts_add_backward(da, db, D(c, "dout"), n);
    }
    fwd(c, "out", out);
    grad(c, "da", da);
    grad(c, "db", db);
}

typedef void (*unary_fwd)(float *, const float *, size_t);
typedef void (*unary_bwd)(float *, const float *, const float *, size_t);

/* uses_out: the backward takes the forward output instead of the input. */
static void test_unary(const char *c, unary_fwd f, unary_bwd b, bool uses_out) {
    size_t n = ts_numel(get(c, "x"));
    const float *x = D(c, "x");
    float *out = zeros(n), *dx = zeros(n);
    f(out, x, n);
    fwd(c, "out", out);
    b(dx, D(c, "dout"), uses_out ? out : x, n);
    grad(c, "dx", dx);
}

static void test_softmax(const char *c) {
    const ts_tensor *x = get(c, "x");
    int R = x->shape[0], C = x->shape[1];
    const float *mask = has(c, "mask") ? D(c, "mask") : NULL;
    float *out = zeros((size_t)R * C), *dx = zeros((size_t)R * C);
    ts_softmax_forward(out, x->data, mask, R, C);
    fwd(c, "out", out);
    ts_softmax_backward(dx, D(c, "dout"), out, R, C);
    grad(c, "dx", dx);
}

static void test_logsoftmax(const char *c) {
    const ts_tensor *x = get(c, "x");
    int R = x->shape[0], C = x->shape[1];
    float *out = zeros((size_t)R * C), *dx = zeros((size_t)R * C);
    ts_logsoftmax_forward(out, x->data, R, C);
    fwd(c, "out", out);
    ts_logsoftmax_backward(dx, D(c, "dout"), out, R, C);
    grad(c, "dx", dx);
}

static void test_ce(const char *c) {
    const ts_tensor *x = get(c, "x");
    int B = x->shape[0], C = x->shape[1];
    size_t nt;
    int *t = ints(c, "targets", &nt);
    float *probs = zeros((size_t)B * C), *dx = zeros((size_t)B * C), *losses = zeros((size_t)B);
    float loss = ts_crossentropy_forward(losses, probs, x->data, t, B, C);
    fwd(c, "loss", &loss);
    float mean = 0;
    for (int b = 0; b < B; b++) mean += losses[b] / (float)B;
    fwd(c, "loss", &mean);
    ts_crossentropy_backward(dx, probs, t, D(c, "dloss")[0], B, C);
    grad(c, "dx", dx);
}

static void test_layernorm(const char *c) {
    const ts_tensor *x = get(c, "x");
    int N = x->shape[0], C = x->shape[1];
    float *out = zeros((size_t)N * C), *mean = zeros((size_t)N), *rstd = zeros((size_t)N);
    float *dx = zeros((size_t)N * C), *dw = zeros((size_t)C), *db = zeros((size_t)C);
    ts_layernorm_forward(out, mean, rstd, x->data, D(c, "w"), D(c, "b"), N, C);
    fwd(c, "out", out);
    ts_layernorm_backward(dx, dw, db, D(c, "dout"), x->data, D(c, "w"), mean, rstd, N, C);
    grad(c, "dx", dx);
    grad(c, "dw", dw);
    grad(c, "db", db);
}

static void test_batchnorm(const char *c, bool training) {
    const ts_tensor *x = get(c, "x");
    int N = x->shape[0], C = x->shape[1], S = x->ndim == 3 ? x->shape[2] : 1;
    size_t n = ts_numel(x);
    float *out = zeros(n), *mean = zeros((size_t)C), *rstd = zeros((size_t)C);
    float *rm = zeros((size_t)C), *rv = zeros((size_t)C);
    float *dx = zeros(n), *dw = zeros((size_t)C), *db = zeros((size_t)C);
    memcpy(rm, D(c, "rm0"), (size_t)C * sizeof(float));
    memcpy(rv, D(c, "rv0"), (size_t)C * sizeof(float));
    ts_batchnorm_forward(out, mean, rstd, rm, rv, x->data, D(c, "w"), D(c, "b"), N, C, S, training);
    fwd(c, "out", out);
    fwd(c, "rm", rm);
    fwd(c, "rv", rv);
    ts_batchnorm_backward(dx, dw, db, D(c, "dout"), x->data, D(c, "w"), mean, rstd, N, C, S, training);
    grad(c, "dx", dx);
    grad(c, "dw", dw);
    grad(c, "db", db);
}

static void test_embedding(const char *c) {
    const ts_tensor *w = get(c, "w");
    int V = w->shape[0], C = w->shape[1];
    size_t B;
    int *ids = ints(c, "ids", &B);
    float *out = zeros(B * (size_t)C), *dw = zeros((size_t)V * C);
    ts_embedding_forward(out, ids, w->data, (int)B, V, C);
    fwd(c, "out", out);
    ts_embedding_backward(dw, D(c, "dout"), ids, (int)B, V, C);
    grad(c, "dw", dw);
}

static void test_cosine(void) {
    const ts_tensor *a = get("cosine", "a");
    int B = a->shape[0], C = a->shape[1];
    float *out = zeros((size_t)B);
    ts_cosine_similarity(out, a->data, D("cosine", "b"), B, C);
    fwd("cosine", "out", out);
}

static void test_optim(const char *c, ts_optim_desc desc) {
    const ts_tensor *p0 = get(c, "p0"), *g = get(c, "g");
    int n = p0->shape[0], steps = g->shape[0];
    ts_tensor *p = ts_new1(&arena, c, n);
    memcpy(p->data, p0->data, (size_t)n * sizeof(float));
    ts_optim *opt = ts_optim_new(&arena, &p, 1, &desc);
    for (int k = 0; k < steps; k++) {
        ts_optim_zero_grad(opt);
        for (int i = 0; i < n; i++) p->grad[i] += g->data[k * n + i];
        ts_optim_step(opt);
        char what[64];
        snprintf(what, sizeof what, "%s step %d", c, k + 1);
        check_close(what, p->data, D(c, "p") + (size_t)k * n, (size_t)n, FWD_RTOL, FWD_ATOL);
    }
    CHECK(ts_optim_steps(opt) == steps);
}

static void test_dropout(void) {
    enum { N = 20000 };
    float *x = zeros(N), *out = zeros(N), *mask = zeros(N), *mask2 = zeros(N), *dx = zeros(N);
    for (int i = 0; i < N; i++) x[i] = 1.0f + (float)(i % 7);
    ts_rng r;
    ts_rng_seed(&r, 7);
    ts_dropout_forward(out, mask, x, 0.25f, &r, N);
    int kept = 0, shape_ok = 1;
    for (int i = 0; i < N; i++) {
        kept += mask[i] != 0.0f;
        if (!(mask[i] == 0.0f || mask[i] == 1.0f / 0.75f)) shape_ok = 0;
        if (out[i] != x[i] * mask[i]) shape_ok = 0;
    }
    CHECK(shape_ok);
    CHECK(fabs(kept / (double)N - 0.75) < 0.015);   /* ~5 sigma */
    ts_dropout_backward(dx, x, mask, N);
    CHECK(memcmp(dx, out, N * sizeof(float)) == 0); /* dout = x gives x * mask */
    ts_rng_seed(&r, 7);                             /* same seed, same mask */
    ts_dropout_forward(out, mask2, x, 0.25f, &r, N);
    CHECK(memcmp(mask, mask2, N * sizeof(float)) == 0);
    ts_dropout_forward(out, mask, x, 0.0f, &r, N);  /* p = 0: identity */
    CHECK(memcmp(out, x, N * sizeof(float)) == 0);
    ts_dropout_forward(out, mask, x, 1.0f, &r, N);  /* p = 1: all dropped */
    int zero = 1;
    for (int i = 0; i < N; i++) zero &= out[i] == 0.0f && mask[i] == 0.0f;
    CHECK(zero);
}

int main(void) {
    fx = fixture_load("dense.json", &arena);
    test_linear("linear");
    test_linear("linear_1x1");
    test_linear("linear_nobias");
    test_matmul("matmul");
    test_matmul("matmul_1x1");
    test_binary("add", false);
    test_binary("mul", true);
    test_unary("relu", ts_relu_forward, ts_relu_backward, false);
    test_unary("relu_1", ts_relu_forward, ts_relu_backward, false);
    test_unary("gelu", ts_gelu_forward, ts_gelu_backward, false);
    test_unary("sigmoid", ts_sigmoid_forward, ts_sigmoid_backward, true);
    test_unary("tanh", ts_tanh_forward, ts_tanh_backward, true);
    test_softmax("softmax");
    test_softmax("softmax_mask");
    test_softmax("softmax_big");
    test_softmax("softmax_1x1");
    test_logsoftmax("logsoftmax");
    test_logsoftmax("logsoftmax_big");
    test_ce("ce");
    test_ce("ce_b1");
    test_ce("ce_big");
    test_ce("ce_1x1");
    test_layernorm("layernorm");
    test_layernorm("layernorm_1");
    test_batchnorm("bn_train_ncs", true);
    test_batchnorm("bn_train_nc", true);
    test_batchnorm("bn_eval_ncs", false);
    test_embedding("embedding");
    test_embedding("embedding_1");
    test_cosine();
    test_optim("sgd", (ts_optim_desc){.kind = TS_OPTIM_SGD, .lr = 0.1f});
    test_optim("sgd_mom", (ts_optim_desc){.kind = TS_OPTIM_SGD, .lr = 0.05f, .momentum = 0.9f,
                                          .weight_decay = 0.01f});
    test_optim("adam", (ts_optim_desc){.kind = TS_OPTIM_ADAM, .lr = 0.01f});
    test_optim("adam_wd", (ts_optim_desc){.kind = TS_OPTIM_ADAM, .lr = 0.02f, .beta1 = 0.8f,
                                          .beta2 = 0.99f, .eps = 1e-6f, .weight_decay = 0.1f});
    test_dropout();
    ts_arena_free(&arena);
    return check_report();
}
