/* test_gradcheck_dense: every backward of nn.h against central finite
 * differences of its forward.
 *
 * For an op with output y, the test loss is L = sum_i y_i r_i with a fixed
 * random r, accumulated in double, so dL/dy = r is the upstream gradient
 * given to backward. Each input element x_k is nudged by +-H and
 * (L(x_k + H) - L(x_k - H)) / 2H is compared with the analytic gradient.
 * The forwards run in float, so the tolerance allows float rounding over
 * 2H (about 1e-7 |L| / H) plus the O(H^2) truncation error.
 */
#include <string.h>

#include "check.h"
#include "kernel/nn.h"

#define H 1e-2f
#define ATOL 2e-3
#define RTOL 1e-2

enum op { LINEAR, MATMUL, ADD, MUL, RELU, GELU, SIGMOID, TANH, SOFTMAX, LOGSOFTMAX,
          CROSSENTROPY, LAYERNORM, BN_TRAIN, BN_EVAL, DROPOUT, EMBEDDING };

/* Buffers of the op under test: inputs a, b, c; output y; weights r. */
typedef struct ctx {
    enum op op;
    int d0, d1, d2;      /* sizes, meaning per op */
    float *a, *b, *c, *y, *r, *mask, *save1, *save2, *rm, *rv;
    int *ids;
    size_t ny;
} ctx;

static ts_arena arena;
static ts_rng rng;

static float *buf(size_t n) { return ts_arena_alloc(&arena, n * sizeof(float)); }
static float *randbuf(size_t n, float scale) {
    float *p = buf(n);
    ts_rng_normal_fill(&rng, p, n, 0.0f, scale);
    return p;
}

/* Runs the forward into y and returns sum y*r in double. */
static double loss(ctx *t) {
    int B = t->d0, C = t->d1, K = t->d2;
    size_t n = t->ny;
    switch (t->op) {
    case LINEAR: ts_linear_forward(t->y, t->a, t->b, t->c, B, C, K); break;
    case MATMUL: ts_matmul_forward(t->y, t->a, t->b, B, C, K); break;
    case ADD: ts_add_forward(t->y, t->a, t->b, n); break;
    case MUL: ts_mul_forward(t->y, t->a, t->b, n); break;
    case RELU: ts_relu_forward(t->y, t->a, n); break;
    case GELU: ts_gelu_forward(t->y, t->a, n); break;
    case SIGMOID: ts_sigmoid_forward(t->y, t->a, n); break;
    case TANH: ts_tanh_forward(t->y, t->a, n); break;
    case SOFTMAX: ts_softmax_forward(t->y, t->a, t->mask, B, C); break;
    case LOGSOFTMAX: ts_logsoftmax_forward(t->y, t->a, B, C); break;
    case CROSSENTROPY:
        t->y[0] = ts_crossentropy_forward(NULL, t->save1, t->a, t->ids, B, C);
        break;
    case LAYERNORM: ts_layernorm_forward(t->y, t->save1, t->save2, t->a, t->b, t->c, B, C); break;
    case BN_TRAIN:
    case BN_EVAL: {
        /* Work on copies of the running stats so repeated forwards agree. */
        float rm[16], rv[16];
        memcpy(rm, t->rm, (size_t)C * sizeof(float));
        memcpy(rv, t->rv, (size_t)C * sizeof(float));
        ts_batchnorm_forward(t->y, t->save1, t->save2, rm, rv, t->a, t->b, t->c, B, C, K,
                             t->op == BN_TRAIN);
        break;
    }
    case DROPOUT: {
        ts_rng r;                 /* the same mask on every call */
        ts_rng_seed(&r, 3);
        ts_dropout_forward(t->y, t->mask, t->a, 0.4f, &r, n);
        break;
    }
    case EMBEDDING: ts_embedding_forward(t->y, t->ids, t->a, B, C, K); break;
    }
    double s = 0.0;
    for (size_t i = 0; i < n; i++) s += (double)t->y[i] * t->r[i];
    return s;
}

/* Compares the analytic gradient g of input x (n elements) with finite
 * differences of loss(). */
static void gradcheck(const char *what, ctx *t, float *x, const float *g, size_t n) {
    double worst = 0.0;
    size_t at = 0;
    int ok = 1;
    for (size_t k = 0; k < n; k++) {
        float keep = x[k];
        x[k] = keep + H;
        double lp = loss(t);
        x[k] = keep - H;
        double lm = loss(t);
        x[k] = keep;
        double num = (lp - lm) / (2.0 * (double)H);
        double diff = fabs(num - g[k]);
        if (!(diff <= ATOL + RTOL * fabs(num))) ok = 0;
        if (diff > worst || diff != diff) { worst = diff; at = k; }
    }
    loss(t);   /* restore the saved forward state */
    if (ok) { check_passed++; return; }
    check_failed++;
    fprintf(stderr, "FAIL gradcheck %s: max |diff| %.3g at [%zu] (analytic %.6g)\n",
            what, worst, at, g[at]);
}

static ctx make(enum op op, int d0, int d1, int d2, size_t na, size_t ny, float scale) {
    ctx t = {0};
    t.op = op;
    t.d0 = d0; t.d1 = d1; t.d2 = d2;
    t.a = randbuf(na, scale);
    t.y = buf(ny);
    t.r = randbuf(ny, 1.0f);
    t.ny = ny;
    return t;
}

static void check_linear(int B, int C, int OC, bool bias) {
    ctx t = make(LINEAR, B, C, OC, (size_t)B * C, (size_t)B * OC, 1.0f);
    t.b = randbuf((size_t)OC * C, 0.5f);
    t.c = bias ? randbuf((size_t)OC, 0.5f) : NULL;
    float *da = buf((size_t)B * C), *db = buf((size_t)OC * C), *dc = buf((size_t)OC);
    loss(&t);
    ts_linear_backward(da, db, bias ? dc : NULL, t.r, t.a, t.b, B, C, OC);
    gradcheck("linear.x", &t, t.a, da, (size_t)B * C);
    gradcheck("linear.w", &t, t.b, db, (size_t)OC * C);
    if (bias) gradcheck("linear.b", &t, t.c, dc, (size_t)OC);
}

static void check_matmul(int M, int K, int N) {
    ctx t = make(MATMUL, M, K, N, (size_t)M * K, (size_t)M * N, 1.0f);
    t.b = randbuf((size_t)K * N, 1.0f);
    float *da = buf((size_t)M * K), *db = buf((size_t)K * N);
    loss(&t);
    ts_matmul_backward(da, db, t.r, t.a, t.b, M, K, N);
    gradcheck("matmul.a", &t, t.a, da, (size_t)M * K);
    gradcheck("matmul.b", &t, t.b, db, (size_t)K * N);
}

static void check_binary(enum op op, const char *name) {
    size_t n = 12;
    ctx t = make(op, 0, 0, 0, n, n, 1.0f);
    t.b = randbuf(n, 1.0f);
    float *da = buf(n), *db = buf(n);
    loss(&t);
    if (op == ADD) ts_add_backward(da, db, t.r, n);
    else ts_mul_backward(da, db, t.r, t.a, t.b, n);
    char w[32];
    snprintf(w, sizeof w, "%s.a", name);
    gradcheck(w, &t, t.a, da, n);
    snprintf(w, sizeof w, "%s.b", name);
    gradcheck(w, &t, t.b, db, n);
}

static void check_unary(enum op op, const char *name, float scale) {
    size_t n = 24;
    ctx t = make(op, 0, 0, 0, n, n, scale);
    if (op == RELU)   /* keep away from the kink at 0 */
        for (size_t i = 0; i < n; i++) if (fabsf(t.a[i]) < 0.1f) t.a[i] += t.a[i] < 0 ? -0.1f : 0.1f;
    float *da = buf(n);
    loss(&t);
    switch (op) {
    case RELU: ts_relu_backward(da, t.r, t.a, n); break;
    case GELU: ts_gelu_backward(da, t.r, t.a, n); break;
    case SIGMOID: ts_sigmoid_backward(da, t.r, t.y, n); break;
    case TANH: ts_tanh_backward(da, t.r, t.y, n); break;
    default: break;
    }
    gradcheck(name, &t, t.a, da, n);
}

static void check_softmax(bool masked) {
    int R = 4, C = 6;
    ctx t = make(SOFTMAX, R, C, 0, (size_t)R * C, (size_t)R * C, 1.5f);
    if (masked) {
        t.mask = buf((size_t)R * C);
        for (int i = 0; i < R * C; i++) t.mask[i] = (i % 3) != 1;
        for (int c = 0; c < C; c++) t.mask[2 * C + c] = 0.0f;   /* row 2 fully masked */
    }
    float *da = buf((size_t)R * C);
    loss(&t);
    ts_softmax_backward(da, t.r, t.y, R, C);
    gradcheck(masked ? "softmax.masked" : "softmax", &t, t.a, da, (size_t)R * C);
}

static void check_logsoftmax(void) {
    int R = 3, C = 5;
    ctx t = make(LOGSOFTMAX, R, C, 0, (size_t)R * C, (size_t)R * C, 2.0f);
    float *da = buf((size_t)R * C);
    loss(&t);
    ts_logsoftmax_backward(da, t.r, t.y, R, C);
    gradcheck("logsoftmax", &t, t.a, da, (size_t)R * C);
}

static void check_crossentropy(void) {
    int B = 5, C = 4;
    ctx t = make(CROSSENTROPY, B, C, 0, (size_t)B * C, 1, 2.0f);
    t.ids = ts_arena_alloc(&arena, (size_t)B * sizeof(int));
    for (int b = 0; b < B; b++) t.ids[b] = (b * 3) % C;
    t.save1 = buf((size_t)B * C);
    float *da = buf((size_t)B * C);
    loss(&t);
    ts_crossentropy_backward(da, t.save1, t.ids, t.r[0], B, C);
    gradcheck("crossentropy", &t, t.a, da, (size_t)B * C);
}

static void check_layernorm(void) {
    int N = 3, C = 7;
    ctx t = make(LAYERNORM, N, C, 0, (size_t)N * C, (size_t)N * C, 1.0f);
    t.b = randbuf((size_t)C, 0.5f);
    t.c = randbuf((size_t)C, 0.5f);
    for (int c = 0; c < C; c++) t.b[c] += 1.0f;
    t.save1 = buf((size_t)N);
    t.save2 = buf((size_t)N);
    float *da = buf((size_t)N * C), *db = buf((size_t)C), *dc = buf((size_t)C);
    loss(&t);
    ts_layernorm_backward(da, db, dc, t.r, t.a, t.b, t.save1, t.save2, N, C);
    gradcheck("layernorm.x", &t, t.a, da, (size_t)N * C);
    gradcheck("layernorm.w", &t, t.b, db, (size_t)C);
    gradcheck("layernorm.b", &t, t.c, dc, (size_t)C);
}

static void check_batchnorm(bool training, int N, int C, int S) {
    size_t n = (size_t)N * C * S;
    ctx t = make(training ? BN_TRAIN : BN_EVAL, N, C, S, n, n, 1.0f);
    t.b = randbuf((size_t)C, 0.3f);
    t.c = randbuf((size_t)C, 0.3f);
    for (int c = 0; c < C; c++) t.b[c] += 1.0f;
    t.rm = randbuf((size_t)C, 0.3f);
    t.rv = buf((size_t)C);
    for (int c = 0; c < C; c++) t.rv[c] = 0.5f + 0.1f * (float)c;
    t.save1 = buf((size_t)C);
    t.save2 = buf((size_t)C);
    float *da = buf(n), *db = buf((size_t)C), *dc = buf((size_t)C);
    loss(&t);
    ts_batchnorm_backward(da, db, dc, t.r, t.a, t.b, t.save1, t.save2, N, C, S, training);
    const char *p = training ? "batchnorm.train" : "batchnorm.eval";
    char w[48];
    snprintf(w, sizeof w, "%s.x", p);
    gradcheck(w, &t, t.a, da, n);
    snprintf(w, sizeof w, "%s.w", p);
    gradcheck(w, &t, t.b, db, (size_t)C);
    snprintf(w, sizeof w, "%s.b", p);
    gradcheck(w, &t, t.c, dc, (size_t)C);
}

static void check_dropout(void) {
    size_t n = 30;
    ctx t = make(DROPOUT, 0, 0, 0, n, n, 1.0f);
    t.mask = buf(n);
    float *da = buf(n);
    loss(&t);
    ts_dropout_backward(da, t.r, t.mask, n);
    gradcheck("dropout", &t, t.a, da, n);
}

static void check_embedding(void) {
    int B = 6, V = 4, C = 3;
    ctx t = make(EMBEDDING, B, V, C, (size_t)V * C, (size_t)B * C, 1.0f);
    t.ids = ts_arena_alloc(&arena, (size_t)B * sizeof(int));
    const int ids[6] = {2, 0, 2, 3, 2, 0};   /* repeats add up; id 1 unused */
    memcpy(t.ids, ids, sizeof ids);
    float *da = buf((size_t)V * C);
    loss(&t);
    ts_embedding_backward(da, t.r, t.ids, B, V, C);
    gradcheck("embedding.w", &t, t.a, da, (size_t)V * C);
}

int main(void) {
    ts_rng_seed(&rng, 2024);
    check_linear(4, 3, 5, true);
    check_linear(1, 1, 1, true);
    check_linear(2, 6, 3, false);
    check_matmul(3, 4, 2);
    check_matmul(1, 1, 1);
    check_binary(ADD, "add");
    check_binary(MUL, "mul");
    check_unary(RELU, "relu", 1.0f);
    check_unary(GELU, "gelu", 2.0f);
    check_unary(SIGMOID, "sigmoid", 3.0f);
    check_unary(TANH, "tanh", 1.5f);
    check_softmax(false);
    check_softmax(true);
    check_logsoftmax();
    check_crossentropy();
    check_layernorm();
    check_batchnorm(true, 4, 3, 5);
    check_batchnorm(true, 6, 2, 1);
    check_batchnorm(false, 2, 3, 4);
    check_dropout();
    check_embedding();
    ts_arena_free(&arena);
    return check_report();
}
