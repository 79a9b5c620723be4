/* test_deep: the deep MLPs of deepmlp.h against PyTorch (deep.json, written
 * by tools/fixtures_deep.py): logits, the cross-entropy loss, every
 * parameter gradient, the per-layer gradient norms, the residual ratios and
 * batch norm's running stats, for plain nets (Tanh; ReLU with BatchNorm1d
 * on some layers, in training and in eval mode) and residual nets (one with
 * a block whose identity path is removed). Also: names follow PyTorch's
 * state_dict, the two spirals match their formula, training is
 * deterministic (two identical runs give identical bytes), statepack.h
 * carries bytes through floats exactly, and a deeppair.h pair shares its
 * initial weights and replays bit for bit. */
#include <string.h>

#include "check.h"
#include "kernel/deepmlp.h"
#include "kernel/deeppair.h"
#include "kernel/optim.h"
#include "kernel/spirals.h"
#include "kernel/statepack.h"

static const ts_dump *fx;

static const ts_tensor *get(const char *c, const char *field) {
    char name[TS_NAME_MAX + 16];
    snprintf(name, sizeof name, "%s.%s", c, field);
    return fixture(fx, name);
}

static int param(const char *c, const char *key) {
    char name[64];
    double v = 0;
    snprintf(name, sizeof name, "%s.%s", c, key);
    if (!ts_dump_get_param(fx, name, &v)) return 0;
    return (int)v;
}

static void test_case(ts_arena *a, const char *c, ts_deep_kind kind, bool training) {
    char actp[64];
    snprintf(actp, sizeof actp, "%s.act", c);
    const char *act = ts_dump_get_param_str(fx, actp);
    ts_rng rng;
    ts_rng_seed(&rng, 1);
    ts_deep *m = ts_deep_new(a, &(ts_deep_desc){ .name = c, .kind = kind, .in = 2,
                                                 .width = param(c, "width"), .out = 2,
                                                 .depth = param(c, "depth"),
                                                 .act = strcmp(act, "tanh") == 0 ? TS_ACT_TANH : TS_ACT_RELU,
                                                 .bn = param(c, "bn"), .bn_off = (uint64_t)param(c, "bn_off"),
                                                 .skip_off = (uint64_t)param(c, "skip_off"),
                                                 .max_batch = 8 }, &rng);
    m->training = training;
    ts_tensor *p[64], *bufs[32];
    int np = ts_deep_params(m, p), nb = ts_deep_buffers(m, bufs);
    for (int i = 0; i < np; i++) {
        const ts_tensor *want = fixture(fx, p[i]->name);   /* the name IS the fixture's */
        CHECK(ts_numel(want) == ts_numel(p[i]));
        memcpy(p[i]->data, want->data, sizeof(float) * ts_numel(want));
    }
    for (int i = 0; i < nb; i++) {
        const ts_tensor *want = fixture(fx, bufs[i]->name);
        memcpy(bufs[i]->data, want->data, sizeof(float) * ts_numel(want));
    }
    const ts_tensor *x = get(c, "x"), *yf = get(c, "y");
    int B = x->shape[0], y[8];
    for (int i = 0; i < B; i++) y[i] = (int)yf->data[i];
    ts_deep_zero_grad(m);
    float loss = ts_deep_loss_backward(m, x->data, y, B, true);
    check_close(c, ts_deep_logits(m), get(c, "logits")->data, (size_t)B * 2, 1e-5f, 1e-6f);
    check_close(c, &loss, get(c, "loss")->data, 1, 1e-5f, 1e-6f);
    for (int i = 0; i < np; i++) {
        char g[TS_NAME_MAX + 8];
        snprintf(g, sizeof g, "%s.grad", p[i]->name);
        check_close(g, p[i]->grad, fixture(fx, g)->data, ts_numel(p[i]), 1e-4f, 1e-6f);
    }
    float norms[TS_DEEP_MAX_DEPTH];
    ts_deep_grad_norms(m, norms);
    check_close("grad_norm", norms, get(c, "grad_norm")->data, (size_t)m->d.depth, 1e-4f, 1e-7f);
    if (kind == TS_DEEP_RESID) {
        float r[TS_DEEP_MAX_DEPTH];
        ts_deep_resid_ratios(m, r);
        check_close("ratio", r, get(c, "ratio")->data, (size_t)m->d.depth, 1e-5f, 1e-7f);
    }
    for (int i = 0; i < nb; i++) {
        char g[TS_NAME_MAX + 8];
        snprintf(g, sizeof g, "after.%s", bufs[i]->name + strlen(c) + 1);
        check_close(g, bufs[i]->data, get(c, g)->data, ts_numel(bufs[i]), 1e-5f, 1e-7f);
    }
}

/* A few Adam steps twice from the same seed: identical bytes. */
static void test_deterministic(void) {
    float out[2][2 * 16];
    float x[2 * 16];
    int y[16];
    ts_two_spirals(x, y, 16, 0.1f, 1.25f, 3);
    for (int run = 0; run < 2; run++) {
        ts_arena a = { 0 };
        ts_rng rng;
        ts_rng_seed(&rng, 9);
        ts_deep *m = ts_deep_new(&a, &(ts_deep_desc){ .kind = TS_DEEP_RESID, .in = 2, .width = 8,
                                                      .out = 2, .depth = 5, .act = TS_ACT_TANH,
                                                      .max_batch = 16 }, &rng);
        ts_tensor *p[64];
        int np = ts_deep_params(m, p);
        CHECK(np == 2 * (2 + 2 * 5));
        CHECK(ts_deep_numel(m) == 2 * 8 + 8 + 5 * 2 * (8 * 8 + 8) + 8 * 2 + 2);
        CHECK(strcmp(p[2]->name, "resid.blocks.0.fc1.weight") == 0);
        CHECK(strcmp(p[np - 1]->name, "resid.out.bias") == 0);
        ts_optim *o = ts_optim_new(&a, p, np, &(ts_optim_desc){ .kind = TS_OPTIM_ADAM, .lr = 0.01f });
        for (int s = 0; s < 20; s++) {
            ts_optim_zero_grad(o);
            ts_deep_loss_backward(m, x, y, 16, true);
            ts_optim_step(o);
        }
        ts_deep_forward(m, out[run], x, 16);
        ts_arena_free(&a);
    }
    CHECK(memcmp(out[0], out[1], sizeof out[0]) == 0);
}

/* Bytes through floats and back, odd length included; a float that is not
 * a 16-bit whole number is refused. */
static void test_statepack(void) {
    unsigned char in[37], out[37];
    ts_rng r;
    ts_rng_seed(&r, 5);
    for (int i = 0; i < 37; i++) in[i] = (unsigned char)ts_rng_int(&r, 256);
    in[3] = 0xff, in[4] = 0xff;
    float f[19];
    CHECK(ts_pack_floats(37) == 19);
    ts_pack_bytes_to_floats(f, in, 37);
    CHECK(ts_pack_floats_to_bytes(out, f, 37));
    CHECK(memcmp(in, out, 37) == 0);
    f[2] = 0.5f;
    CHECK(!ts_pack_floats_to_bytes(out, f, 37));
    f[2] = 65536.0f;
    CHECK(!ts_pack_floats_to_bytes(out, f, 37));
}

/* A pair: same_init gives both nets the same first Linear; both train on
 * the same batches; seeking back and forward again replays bit for bit. */
static void test_pair(void) {
    ts_arena a = { 0 };
    ts_pair p;
    CHECK(ts_pair_init(&p, &a, &(ts_pair_desc){
        .net = { { .name = "plain", .kind = TS_DEEP_PLAIN, .in = 2, .width = 6, .out = 2, .depth = 3,
                   .act = TS_ACT_RELU, .init = TS_DEEP_INIT_KAIMING },
                 { .name = "bn", .kind = TS_DEEP_PLAIN, .in = 2, .width = 6, .out = 2, .depth = 3,
                   .act = TS_ACT_RELU, .bn = true, .init = TS_DEEP_INIT_KAIMING } },
        .same_init = true, .seed = 4, .optim = { .kind = TS_OPTIM_SGD, .lr = 0.05f, .momentum = 0.9f },
        .points = 32, .noise = 0.1f, .batch = 8, .batch_seed = 11, .max_steps = 40 }));
    CHECK(memcmp(p.net[0]->w[0]->data, p.net[1]->w[0]->data, sizeof(float) * 12) == 0);
    CHECK(ts_trainer_seek(p.tr, 30) == 30);
    float w30[36], l30 = p.hist[1][30];
    memcpy(w30, p.net[1]->w[1]->data, sizeof w30);
    ts_trainer_seek(p.tr, 3);
    ts_trainer_seek(p.tr, 30);
    CHECK(memcmp(w30, p.net[1]->w[1]->data, sizeof w30) == 0 && l30 == p.hist[1][30]);
    CHECK(ts_trainer_seek(p.tr, 50) == 40);    /* past max_steps: refused */
    ts_pair_free(&p);
    ts_arena_free(&a);
}

int main(void) {
    ts_arena a = { 0 };
    fx = fixture_load("deep.json", &a);
    test_case(&a, "plain_tanh", TS_DEEP_PLAIN, true);
    test_case(&a, "bn_relu", TS_DEEP_PLAIN, true);
    test_case(&a, "bn_eval", TS_DEEP_PLAIN, false);
    test_case(&a, "resid_tanh", TS_DEEP_RESID, true);
    test_case(&a, "resid_relu", TS_DEEP_RESID, true);
    const ts_tensor *sx = fixture(fx, "spirals.x"), *sy = fixture(fx, "spirals.y");
    float x[16];
    int y[8];
    float yf[8];
    ts_two_spirals(x, y, 8, 0.0f, 1.25f, 1);
    for (int i = 0; i < 8; i++) yf[i] = (float)y[i];
    check_close("spirals.x", x, sx->data, 16, 1e-6f, 1e-6f);
    check_close("spirals.y", yf, sy->data, 8, 0, 0);
    test_deterministic();
    test_statepack();
    test_pair();
    ts_arena_free(&a);
    return check_report();
}
