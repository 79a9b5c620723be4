/* test_rnn_seq: whole sequences through the RNN, LSTM and GRU (rnn.h
 * "sequences": forward and backpropagation through time) against PyTorch's
 * nn.RNN / nn.LSTM / nn.GRU (tests/fixtures/rnn_seq.json, made by
 * tools/fixtures_rnn_seq.py). Every case checks the states, the gates, the
 * total gradient dL/dh_t at every step and the input, state and weight
 * gradients; two cases clamp LSTM gates. */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "kernel/rnn.h"

static const ts_dump *fx;
static int q;   /* current case */

static const ts_tensor *ft(const char *key) {
    char name[TS_NAME_MAX];
    snprintf(name, sizeof name, "q%d.%s", q, key);
    return fixture(fx, name);
}
static const float *fd(const char *key) { return ft(key)->data; }

static double fp(const char *key) {
    char name[TS_NAME_MAX];
    double v = 0;
    snprintf(name, sizeof name, "q%d.%s", q, key);
    if (!ts_dump_get_param(fx, name, &v)) { fprintf(stderr, "no param %s\n", name); exit(1); }
    return v;
}

static float *zeros(ts_arena *a, size_t n) { return ts_arena_alloc(a, sizeof(float) * n); }

static void cmp(const char *key, const float *got, float rtol) {
    char what[64];
    const ts_tensor *want = ft(key);
    snprintf(what, sizeof what, "q%d.%s", q, key);
    check_close(what, got, want->data, ts_numel(want), rtol, 1e-6f);
}

static void test_case(ts_arena *a) {
    int kind = (int)fp("kind"), T = (int)fp("T"), B = (int)fp("B"), I = (int)fp("I"),
        H = (int)fp("H");
    int G = kind == 0 ? 1 : kind == 1 ? 4 : 3;
    size_t TBH = (size_t)T * B * H;
    ts_lstm_clamp clamp = {0};
    bool any_clamp = false;
    for (int k = 0; k < 4; k++) {
        char key[32];
        snprintf(key, sizeof key, "clamp_on%d", k);
        clamp.on[k] = fp(key) != 0;
        snprintf(key, sizeof key, "clamp_value%d", k);
        clamp.value[k] = (float)fp(key);
        any_clamp |= clamp.on[k];
    }
    const float *x = fd("x"), *h0 = fd("h0"), *wih = fd("w_ih"), *whh = fd("w_hh"),
                *bih = fd("b_ih"), *bhh = fd("b_hh"), *dh_up = fd("dh_up");
    float *h = zeros(a, TBH), *c = zeros(a, TBH), *hn = zeros(a, TBH);
    float *gates = zeros(a, TBH * G);
    float *dh_total = zeros(a, TBH), *dc_total = zeros(a, TBH);
    float *dx = zeros(a, (size_t)T * B * I), *dh0 = zeros(a, (size_t)B * H),
          *dc0 = zeros(a, (size_t)B * H);
    float *dwih = zeros(a, (size_t)G * H * I), *dwhh = zeros(a, (size_t)G * H * H),
          *dbih = zeros(a, (size_t)G * H), *dbhh = zeros(a, (size_t)G * H);

    if (kind == 0) {
        ts_rnn_seq_forward(h, x, h0, wih, whh, bih, bhh, T, B, I, H);
        ts_rnn_seq_backward(dh_total, dx, dh0, dwih, dwhh, dbih, dbhh, dh_up, h, x, h0,
                            wih, whh, T, B, I, H);
    } else if (kind == 1) {
        const float *c0 = fd("c0");
        const float *dc_up = fp("dc_up") != 0 ? fd("dc_up") : NULL;
        const ts_lstm_clamp *cl = any_clamp ? &clamp : NULL;
        ts_lstm_seq_forward(h, c, gates, x, h0, c0, wih, whh, bih, bhh, cl, T, B, I, H);
        ts_lstm_seq_backward(dh_total, dc_total, dx, dh0, dc0, dwih, dwhh, dbih, dbhh,
                             dh_up, dc_up, h, c, gates, x, h0, c0, wih, whh, cl, T, B, I, H);
        cmp("c", c, 1e-5f);
        cmp("dc_total", dc_total, 1e-4f);
        cmp("dc0", dc0, 1e-4f);
    } else {
        ts_gru_seq_forward(h, gates, hn, x, h0, wih, whh, bih, bhh, T, B, I, H);
        ts_gru_seq_backward(dh_total, dx, dh0, dwih, dwhh, dbih, dbhh, dh_up, h, gates, hn,
                            x, h0, wih, whh, T, B, I, H);
        cmp("hn", hn, 1e-5f);
    }
    cmp("h", h, 1e-5f);
    if (kind != 0) cmp("gates", gates, 1e-5f);
    cmp("dh_total", dh_total, 1e-4f);
    cmp("dx", dx, 1e-4f);
    cmp("dh0", dh0, 1e-4f);
    cmp("dw_ih", dwih, 1e-4f);
    cmp("dw_hh", dwhh, 1e-4f);
    cmp("db_ih", dbih, 1e-4f);
    cmp("db_hh", dbhh, 1e-4f);
}

/* Outputs the caller does not want may be NULL, and accumulating outputs
 * really accumulate: a second backward doubles the weight gradient. */
static void test_null_and_accumulate(ts_arena *a) {
    q = 1;   /* an LSTM case */
    int T = (int)fp("T"), B = (int)fp("B"), I = (int)fp("I"), H = (int)fp("H");
    size_t TBH = (size_t)T * B * H;
    float *h = zeros(a, TBH), *c = zeros(a, TBH), *gates = zeros(a, TBH * 4);
    float *dh_total = zeros(a, TBH), *dc_total = zeros(a, TBH);
    float *dwih = zeros(a, (size_t)4 * H * I);
    ts_lstm_seq_forward(h, c, gates, fd("x"), fd("h0"), fd("c0"), fd("w_ih"), fd("w_hh"),
                        fd("b_ih"), fd("b_hh"), NULL, T, B, I, H);
    for (int pass = 0; pass < 2; pass++)
        ts_lstm_seq_backward(dh_total, dc_total, NULL, NULL, NULL, dwih, NULL, NULL, NULL,
                             fd("dh_up"), fd("dc_up"), h, c, gates, fd("x"), fd("h0"),
                             fd("c0"), fd("w_ih"), fd("w_hh"), NULL, T, B, I, H);
    const ts_tensor *want = ft("dw_ih");
    float *twice = zeros(a, ts_numel(want));
    for (size_t i = 0; i < ts_numel(want); i++) twice[i] = 2.0f * want->data[i];
    check_close("accumulated dw_ih", dwih, twice, ts_numel(want), 1e-4f, 1e-6f);
    cmp("dh_total", dh_total, 1e-4f);   /* written, not accumulated */
}

int main(void) {
    ts_arena a = {0};
    fx = fixture_load("rnn_seq.json", &a);
    double n = 0;
    CHECK(ts_dump_get_param(fx, "cases", &n) && n >= 11);
    for (q = 0; q < (int)n; q++) test_case(&a);
    test_null_and_accumulate(&a);
    ts_arena_free(&a);
    return check_report();
}
