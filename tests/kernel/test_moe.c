/* test_moe: a whole mixture-of-experts layer, forward and backward, vs
 * PyTorch (tests/fixtures/moe.json, from tools/fixtures_spatial.py). Each
 * expert is a linear layer [D, D] + [D]; the loss the fixture differentiates
 * is sum(y * dy) + alpha * aux. Cases: top-2 of 4; top-3 of 3 (k = E);
 * top-1 of 4 with capacity 2, so some choices are dropped. */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "kernel/moe.h"
#include "kernel/nn.h"

static const ts_dump *fx;

static const ts_tensor *ft(int i, const char *key) {
    char name[TS_NAME_MAX];
    snprintf(name, sizeof name, "m%d.%s", i, key);
    return fixture(fx, name);
}

static double fp(int i, const char *key) {
    char name[TS_NAME_MAX];
    double v = 0;
    snprintf(name, sizeof name, "m%d.%s", i, key);
    if (!ts_dump_get_param(fx, name, &v)) { fprintf(stderr, "no param %s\n", name); exit(1); }
    return v;
}

static void cmp(int i, const char *key, const float *got, float rtol, float atol) {
    char what[64];
    const ts_tensor *want = ft(i, key);
    snprintf(what, sizeof what, "m%d.%s", i, key);
    check_close(what, got, want->data, ts_numel(want), rtol, atol);
}

static void cmp_int(int i, const char *key, const int *got, size_t n) {
    float *f = malloc(sizeof(float) * n);
    for (size_t j = 0; j < n; j++) f[j] = (float)got[j];
    cmp(i, key, f, 0.0f, 0.0f);
    free(f);
}

#define ALLOC(a, type, n) ((type *)ts_arena_alloc((a), sizeof(type) * (size_t)(n)))

static void test_case(ts_arena *a, int i) {
    int T = (int)fp(i, "T"), D = (int)fp(i, "D"), E = (int)fp(i, "E"), k = (int)fp(i, "k");
    int cap = (int)fp(i, "cap"), C = cap > 0 ? cap : T;
    float alpha = (float)fp(i, "alpha");
    const float *x = ft(i, "x")->data, *wr = ft(i, "wr")->data, *br = ft(i, "br")->data;
    const float *we = ft(i, "we")->data, *be = ft(i, "be")->data;

    float *logits = ALLOC(a, float, T * E), *probs = ALLOC(a, float, T * E);
    int *idx = ALLOC(a, int, T * k), *pos = ALLOC(a, int, T * k), *count = ALLOC(a, int, E);
    float *gate = ALLOC(a, float, T * k), *frac = ALLOC(a, float, E), *mp = ALLOC(a, float, E);
    float *xe = ALLOC(a, float, E * C * D), *ye = ALLOC(a, float, E * C * D);
    float *y = ALLOC(a, float, T * D);

    ts_moe_router_forward(logits, probs, x, wr, br, T, D, E);
    cmp(i, "logits", logits, 1e-5f, 1e-6f);
    cmp(i, "probs", probs, 1e-5f, 1e-6f);
    ts_moe_topk(idx, gate, probs, T, E, k);
    cmp_int(i, "idx", idx, (size_t)T * k);
    cmp(i, "gate", gate, 1e-5f, 1e-6f);
    float aux = ts_moe_aux_loss(frac, mp, probs, idx, T, E, k);
    cmp(i, "frac", frac, 1e-6f, 0.0f);
    cmp(i, "mean_prob", mp, 1e-5f, 1e-6f);
    cmp(i, "aux", &aux, 1e-5f, 1e-6f);
    int dropped = ts_moe_dispatch(pos, count, idx, T, E, k, cap);
    cmp_int(i, "pos", pos, (size_t)T * k);
    cmp_int(i, "count", count, (size_t)E);
    int kept = 0;
    for (int e = 0; e < E; e++) kept += count[e];
    CHECK(kept + dropped == T * k);
    if (cap > 0) CHECK(dropped > 0);        /* the capacity case must drop */

    ts_moe_gather(xe, x, idx, pos, T, k, D, C);
    for (int e = 0; e < E; e++) {
        size_t off = (size_t)e * C * D;
        ts_linear_forward(ye + off, xe + off, we + (size_t)e * D * D, be + (size_t)e * D,
                          count[e], D, D);
    }
    ts_moe_combine(y, ye, gate, idx, pos, T, k, D, C);
    cmp(i, "y", y, 1e-5f, 1e-6f);

    /* backward: experts and combine, then the router through gates and aux */
    float *dye = ALLOC(a, float, E * C * D), *dxe = ALLOC(a, float, E * C * D);
    float *dgate = ALLOC(a, float, T * k), *dprobs = ALLOC(a, float, T * E);
    float *dlogits = ALLOC(a, float, T * E), *dx = ALLOC(a, float, T * D);
    float *dwr = ALLOC(a, float, E * D), *dbr = ALLOC(a, float, E);
    float *dwe = ALLOC(a, float, E * D * D), *dbe = ALLOC(a, float, E * D);
    const float *dy = ft(i, "dy")->data;
    ts_moe_combine_backward(dye, dgate, dy, ye, gate, idx, pos, T, k, D, C);
    for (int e = 0; e < E; e++) {
        size_t off = (size_t)e * C * D;
        ts_linear_backward(dxe + off, dwe + (size_t)e * D * D, dbe + (size_t)e * D, dye + off,
                           xe + off, we + (size_t)e * D * D, count[e], D, D);
    }
    ts_moe_gather_backward(dx, dxe, idx, pos, T, k, D, C);
    ts_moe_topk_backward(dprobs, dgate, gate, idx, probs, T, E, k);
    ts_moe_aux_loss_backward(dprobs, alpha, frac, T, E);
    ts_moe_router_backward(dx, dwr, dbr, dlogits, dprobs, probs, x, wr, T, D, E);
    cmp(i, "dx", dx, 1e-4f, 1e-6f);
    cmp(i, "dwr", dwr, 1e-4f, 1e-6f);
    cmp(i, "dbr", dbr, 1e-4f, 1e-6f);
    cmp(i, "dwe", dwe, 1e-4f, 1e-6f);
    cmp(i, "dbe", dbe, 1e-4f, 1e-6f);
}

/* Ties go to the lower expert index; k = E keeps everything. */
static void test_ties(void) {
    float p[8] = { 0.25f, 0.25f, 0.25f, 0.25f,   0.1f, 0.4f, 0.1f, 0.4f };
    int idx[4];
    float g[4];
    ts_moe_topk(idx, g, p, 2, 4, 2);
    CHECK(idx[0] == 0 && idx[1] == 1 && idx[2] == 1 && idx[3] == 3);
    CHECK(g[0] == 0.5f && g[1] == 0.5f && g[2] == 0.5f);
    int idx4[4];
    float g4[4];
    ts_moe_topk(idx4, g4, p + 4, 1, 4, 4);
    CHECK(idx4[0] == 1 && idx4[1] == 3 && idx4[2] == 0 && idx4[3] == 2);
    /* perfectly balanced top-1 routing gives aux = 1 */
    float pb[4] = { 0.6f, 0.4f, 0.4f, 0.6f };
    int ib[2] = { 0, 1 };
    float aux = ts_moe_aux_loss(NULL, NULL, pb, ib, 2, 2, 1);
    CHECK(fabsf(aux - 1.0f) < 1e-6f);
}

int main(void) {
    ts_arena a = {0};
    fx = fixture_load("moe.json", &a);
    double n = 0;
    CHECK(ts_dump_get_param(fx, "cases", &n) && n > 0);
    for (int i = 0; i < (int)n; i++) test_case(&a, i);
    test_ties();
    ts_arena_free(&a);
    return check_report();
}
