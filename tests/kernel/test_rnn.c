/* test_rnn: RNN, LSTM and GRU cells vs PyTorch (tests/fixtures/rnn.json, made
 * by tools/fixtures_spatial.py from textbook formulas checked there against
 * torch.nn's cells). Cases: (B, I, H) = (2,3,4), (1,1,1), (3,5,2) without bias. */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "kernel/rnn.h"

static const ts_dump *fx;

static const ts_tensor *ft(const char *kind, int i, const char *key) {
    char name[TS_NAME_MAX];
    snprintf(name, sizeof name, "%s%d.%s", kind, i, key);
    return fixture(fx, name);
}
static const float *fd(const char *kind, int i, const char *key) { return ft(kind, i, key)->data; }
static const float *fd_opt(const char *kind, int i, const char *key, int present) {
    return present ? fd(kind, i, key) : NULL;
}

static int fp(int i, const char *key) {
    char name[TS_NAME_MAX];
    double v = 0;
    snprintf(name, sizeof name, "s%d.%s", i, key);
    if (!ts_dump_get_param(fx, name, &v)) { fprintf(stderr, "no param %s\n", name); exit(1); }
    return (int)v;
}

/* Gradient buffers of one cell, zeroed, in arena a. */
typedef struct grads { float *dx, *dh, *dc, *dwih, *dwhh, *dbih, *dbhh; } grads;

static grads grads_new(ts_arena *a, int B, int I, int H, int G) {
    grads g;
    g.dx = ts_arena_alloc(a, sizeof(float) * (size_t)B * I);
    g.dh = ts_arena_alloc(a, sizeof(float) * (size_t)B * H);
    g.dc = ts_arena_alloc(a, sizeof(float) * (size_t)B * H);
    g.dwih = ts_arena_alloc(a, sizeof(float) * (size_t)G * H * I);
    g.dwhh = ts_arena_alloc(a, sizeof(float) * (size_t)G * H * H);
    g.dbih = ts_arena_alloc(a, sizeof(float) * (size_t)G * H);
    g.dbhh = ts_arena_alloc(a, sizeof(float) * (size_t)G * H);
    return g;
}

static void cmp(const char *kind, int i, const char *key, const float *got, float rtol) {
    char what[64];
    const ts_tensor *want = ft(kind, i, key);
    snprintf(what, sizeof what, "%s%d.%s", kind, i, key);
    check_close(what, got, want->data, ts_numel(want), rtol, 1e-6f);
}

static void check_grads(const char *kind, int i, const grads *g, int bias, int lstm) {
    cmp(kind, i, "dx", g->dx, 1e-4f);
    cmp(kind, i, "dh", g->dh, 1e-4f);
    if (lstm) cmp(kind, i, "dc", g->dc, 1e-4f);
    cmp(kind, i, "dw_ih", g->dwih, 1e-4f);
    cmp(kind, i, "dw_hh", g->dwhh, 1e-4f);
    if (bias) {
        cmp(kind, i, "db_ih", g->dbih, 1e-4f);
        cmp(kind, i, "db_hh", g->dbhh, 1e-4f);
    }
}

static void test_case(ts_arena *a, int i) {
    int B = fp(i, "B"), I = fp(i, "I"), H = fp(i, "H"), bias = fp(i, "bias");
    size_t BH = (size_t)B * H;
    float *h1 = ts_arena_alloc(a, sizeof(float) * BH);
    float *c1 = ts_arena_alloc(a, sizeof(float) * BH);
    float *hn = ts_arena_alloc(a, sizeof(float) * BH);
    float *gates = ts_arena_alloc(a, sizeof(float) * BH * 4);

    /* vanilla RNN */
    ts_rnn_cell_forward(h1, fd("rnn", i, "x"), fd("rnn", i, "h"), fd("rnn", i, "w_ih"),
                        fd("rnn", i, "w_hh"), fd_opt("rnn", i, "b_ih", bias),
                        fd_opt("rnn", i, "b_hh", bias), B, I, H);
    cmp("rnn", i, "h1", h1, 1e-5f);
    grads g = grads_new(a, B, I, H, 1);
    ts_rnn_cell_backward(g.dx, g.dh, g.dwih, g.dwhh, bias ? g.dbih : NULL,
                         bias ? g.dbhh : NULL, fd("rnn", i, "dh1"), h1, fd("rnn", i, "x"),
                         fd("rnn", i, "h"), fd("rnn", i, "w_ih"), fd("rnn", i, "w_hh"), B, I, H);
    check_grads("rnn", i, &g, bias, 0);

    /* LSTM */
    ts_lstm_cell_forward(h1, c1, gates, fd("lstm", i, "x"), fd("lstm", i, "h"),
                         fd("lstm", i, "c"), fd("lstm", i, "w_ih"), fd("lstm", i, "w_hh"),
                         fd_opt("lstm", i, "b_ih", bias), fd_opt("lstm", i, "b_hh", bias),
                         B, I, H);
    cmp("lstm", i, "h1", h1, 1e-5f);
    cmp("lstm", i, "c1", c1, 1e-5f);
    cmp("lstm", i, "gates", gates, 1e-5f);
    g = grads_new(a, B, I, H, 4);
    ts_lstm_cell_backward(g.dx, g.dh, g.dc, g.dwih, g.dwhh, bias ? g.dbih : NULL,
                          bias ? g.dbhh : NULL, fd("lstm", i, "dh1"), fd("lstm", i, "dc1"),
                          gates, c1, fd("lstm", i, "x"), fd("lstm", i, "h"),
                          fd("lstm", i, "c"), fd("lstm", i, "w_ih"), fd("lstm", i, "w_hh"),
                          B, I, H);
    check_grads("lstm", i, &g, bias, 1);

    /* GRU */
    ts_gru_cell_forward(h1, gates, hn, fd("gru", i, "x"), fd("gru", i, "h"),
                        fd("gru", i, "w_ih"), fd("gru", i, "w_hh"),
                        fd_opt("gru", i, "b_ih", bias), fd_opt("gru", i, "b_hh", bias), B, I, H);
    cmp("gru", i, "h1", h1, 1e-5f);
    cmp("gru", i, "gates", gates, 1e-5f);
    cmp("gru", i, "hn", hn, 1e-5f);
    g = grads_new(a, B, I, H, 3);
    ts_gru_cell_backward(g.dx, g.dh, g.dwih, g.dwhh, bias ? g.dbih : NULL,
                         bias ? g.dbhh : NULL, fd("gru", i, "dh1"), gates, hn,
                         fd("gru", i, "x"), fd("gru", i, "h"), fd("gru", i, "w_ih"),
                         fd("gru", i, "w_hh"), B, I, H);
    check_grads("gru", i, &g, bias, 0);
}

int main(void) {
    ts_arena a = {0};
    fx = fixture_load("rnn.json", &a);
    double n = 0;
    CHECK(ts_dump_get_param(fx, "cases", &n) && n > 0);
    for (int i = 0; i < (int)n; i++) test_case(&a, i);
    ts_arena_free(&a);
    return check_report();
}
