/* test_attention: positional encoding and multi-head self-attention vs
 * PyTorch (tests/fixtures/attention.json, from tools/fixtures_spatial.py).
 * Cases cover biases on and off, causal masks, key padding, a fully masked
 * row, every row masked, T = 1, temperature and the unscaled toggle. The
 * fixture stores masked scores as 0 with a 0/1 "mask"; the kernel's are -inf. */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "kernel/attention.h"

static const ts_dump *fx;

static const ts_tensor *ft(int i, const char *key) {
    char name[TS_NAME_MAX];
    snprintf(name, sizeof name, "a%d.%s", i, key);
    return fixture(fx, name);
}

static double fp(const char *fmt, int i) {
    char name[TS_NAME_MAX];
    double v = 0;
    snprintf(name, sizeof name, fmt, i);
    if (!ts_dump_get_param(fx, name, &v)) { fprintf(stderr, "no param %s\n", name); exit(1); }
    return v;
}

static void cmp(int i, const char *key, const float *got, float rtol, float atol) {
    char what[64];
    const ts_tensor *want = ft(i, key);
    snprintf(what, sizeof what, "a%d.%s", i, key);
    check_close(what, got, want->data, ts_numel(want), rtol, atol);
}

static void test_case(ts_arena *a, int i) {
    ts_mha_desc desc = { .T = (int)fp("a%d.T", i), .d = (int)fp("a%d.d", i),
                         .heads = (int)fp("a%d.heads", i), .causal = fp("a%d.causal", i) != 0,
                         .unscaled = fp("a%d.unscaled", i) != 0,
                         .temperature = (float)fp("a%d.temperature", i) };
    int bias = fp("a%d.bias", i) != 0;
    int T = desc.T, D = desc.d;
    ts_mha *m = ts_mha_new(a, &desc);
    ts_mha_weights w = { ft(i, "wq")->data, ft(i, "wk")->data, ft(i, "wv")->data,
                         ft(i, "wo")->data, NULL, NULL, NULL, NULL };
    if (bias) {
        w.bq = ft(i, "bq")->data; w.bk = ft(i, "bk")->data;
        w.bv = ft(i, "bv")->data; w.bo = ft(i, "bo")->data;
    }
    bool *pad = ts_arena_alloc(a, (size_t)T);
    for (int t = 0; t < T; t++) pad[t] = ft(i, "key_pad")->data[t] != 0.0f;
    const float *x = ft(i, "x")->data;
    ts_mha_forward(m, x, &w, pad);

    cmp(i, "q", m->q->data, 1e-5f, 1e-6f);
    cmp(i, "k", m->k->data, 1e-5f, 1e-6f);
    cmp(i, "v", m->v->data, 1e-5f, 1e-6f);
    cmp(i, "mask", m->allowed->data, 0.0f, 0.0f);
    /* scores: -inf exactly where masked, PyTorch's values elsewhere */
    size_t ns = ts_numel(m->scores);
    float *sc = ts_arena_alloc(a, sizeof(float) * ns);
    int masked_ok = 1;
    for (size_t j = 0; j < ns; j++) {
        int allowed = m->allowed->data[j % ((size_t)T * T)] != 0.0f;
        float s = m->scores->data[j];
        if (!allowed) masked_ok &= isinf(s) && s < 0;
        sc[j] = allowed ? s : 0.0f;
    }
    CHECK(masked_ok);
    cmp(i, "scores", sc, 1e-5f, 1e-6f);
    cmp(i, "weights", m->weights->data, 1e-5f, 1e-6f);
    cmp(i, "concat", m->concat->data, 1e-5f, 1e-6f);
    cmp(i, "out", m->out->data, 1e-5f, 1e-6f);

    size_t TD = (size_t)T * D, DD = (size_t)D * D;
    float *dx = ts_arena_alloc(a, sizeof(float) * TD);
    float *buf = ts_arena_alloc(a, sizeof(float) * (4 * DD + 4 * (size_t)D));
    ts_mha_grads g = { buf, buf + DD, buf + 2 * DD, buf + 3 * DD, NULL, NULL, NULL, NULL };
    if (bias) {
        float *b = buf + 4 * DD;
        g.bq = b; g.bk = b + D; g.bv = b + 2 * D; g.bo = b + 3 * D;
    }
    ts_mha_backward(m, dx, &g, ft(i, "dy")->data, x, &w);
    cmp(i, "dx", dx, 1e-4f, 1e-6f);
    cmp(i, "dwq", g.wq, 1e-4f, 1e-6f);
    cmp(i, "dwk", g.wk, 1e-4f, 1e-6f);
    cmp(i, "dwv", g.wv, 1e-4f, 1e-6f);
    cmp(i, "dwo", g.wo, 1e-4f, 1e-6f);
    if (bias) {
        cmp(i, "dbq", g.bq, 1e-4f, 1e-6f);
        cmp(i, "dbk", g.bk, 1e-4f, 1e-6f);
        cmp(i, "dbv", g.bv, 1e-4f, 1e-6f);
        cmp(i, "dbo", g.bo, 1e-4f, 1e-6f);
    }
    /* no NaN anywhere, even in fully masked rows */
    int finite = 1;
    for (size_t j = 0; j < ts_numel(m->weights); j++) finite &= isfinite(m->weights->data[j]);
    for (size_t j = 0; j < TD; j++) finite &= isfinite(dx[j]) && isfinite(m->out->data[j]);
    CHECK(finite);
}

static void test_posenc(ts_arena *a) {
    double n = 0;
    CHECK(ts_dump_get_param(fx, "pe_cases", &n) && n > 0);
    for (int j = 0; j < (int)n; j++) {
        int T = (int)fp("pe%d.T", j), d = (int)fp("pe%d.d", j);
        float *pe = ts_arena_alloc(a, sizeof(float) * (size_t)T * d);
        ts_posenc_sinusoidal(pe, T, d);
        char name[TS_NAME_MAX];
        snprintf(name, sizeof name, "pe%d.pe", j);
        check_close(name, pe, fixture(fx, name)->data, (size_t)T * d, 1e-5f, 1e-6f);
    }
}

int main(void) {
    ts_arena a = {0};
    fx = fixture_load("attention.json", &a);
    double n = 0;
    CHECK(ts_dump_get_param(fx, "cases", &n) && n > 0);
    for (int i = 0; i < (int)n; i++) test_case(&a, i);
    test_posenc(&a);
    ts_arena_free(&a);
    return check_report();
}
