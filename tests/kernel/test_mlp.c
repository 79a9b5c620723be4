/* test_mlp: ts_mlp (nn.Sequential of Linear and an activation) and BCE with
 * logits against PyTorch (mlp.json, written by tools/fixtures_mlp.py): the
 * output, the input gradient and every parameter gradient, for ReLU,
 * LeakyReLU(0.2), SiLU and Tanh; and the names follow the Sequential. */
#include <string.h>

#include "check.h"
#include "kernel/mlp.h"
#include "kernel/optim.h"

static const ts_dump *fx;

static const ts_tensor *get(const char *act, const char *field) {
    char name[TS_NAME_MAX];
    snprintf(name, sizeof name, "%s.%s", act, field);
    return fixture(fx, name);
}

static void test_act(ts_arena *a, const char *name, ts_act act) {
    ts_rng rng;
    ts_rng_seed(&rng, 1);
    ts_mlp *m = ts_mlp_new(a, &(ts_mlp_desc){ .name = name, .sizes = { 3, 5, 4, 2 },
                                              .layers = 3, .act = act, .slope = 0.2f,
                                              .max_batch = 8 }, &rng);
    ts_tensor *p[6];
    int np = ts_mlp_params(m, p);
    CHECK(np == 6);
    CHECK(ts_mlp_numel(m) == 3 * 5 + 5 + 5 * 4 + 4 + 4 * 2 + 2);
    for (int i = 0; i < np; i++) {
        /* p[i]->name is "ACT.K.weight": exactly the fixture's name */
        const ts_tensor *want = fixture(fx, p[i]->name);
        CHECK(ts_numel(want) == ts_numel(p[i]));
        memcpy(p[i]->data, want->data, sizeof(float) * ts_numel(want));
    }
    const ts_tensor *x = get(name, "x");
    float out[12], dx[18] = { 0 };
    ts_mlp_forward(m, out, x->data, 6);
    check_close(name, out, get(name, "out")->data, 12, 1e-5f, 1e-6f);
    ts_mlp_zero_grad(m);
    ts_mlp_backward(m, dx, get(name, "dout")->data, 6, true);
    check_close(name, dx, get(name, "dx")->data, 18, 1e-4f, 1e-5f);
    for (int i = 0; i < np; i++) {
        char g[TS_NAME_MAX + 8];
        snprintf(g, sizeof g, "%s.grad", p[i]->name);
        check_close(g, p[i]->grad, fixture(fx, g)->data, ts_numel(p[i]), 1e-4f, 1e-5f);
    }
    /* Without param_grads only dx moves. */
    ts_mlp_zero_grad(m);
    float dx2[18] = { 0 };
    ts_mlp_backward(m, dx2, get(name, "dout")->data, 6, false);
    check_close(name, dx2, dx, 18, 0, 0);
    float s = 0;
    for (size_t i = 0; i < ts_numel(p[0]); i++) s += p[0]->grad[i] * p[0]->grad[i];
    CHECK(s == 0);
}

/* A few Adam steps of a BCE-trained MLP on fixed data. */
static void adam_steps(ts_mlp *m, ts_optim *o, const float *x, const float *y, int n) {
    float dl[16];
    for (int s = 0; s < n; s++) {
        ts_optim_zero_grad(o);
        ts_mlp_forward(m, NULL, x, 16);
        memset(dl, 0, sizeof dl);
        ts_bce_logits_backward(dl, ts_mlp_output(m), y, 16, 1.0f);
        ts_mlp_backward(m, NULL, dl, 16, true);
        ts_optim_step(o);
    }
}

/* Rewinding to a snapshot and replaying gives the same parameters bit for bit. */
static void test_snapshot(ts_arena *a) {
    ts_rng rng;
    ts_rng_seed(&rng, 7);
    ts_mlp *m = ts_mlp_new(a, &(ts_mlp_desc){ .name = "D", .sizes = { 2, 8, 1 }, .layers = 2,
                                              .act = TS_ACT_LEAKY_RELU, .slope = 0.2f,
                                              .max_batch = 16 }, &rng);
    ts_tensor *p[4];
    int np = ts_mlp_params(m, p);
    ts_optim *o = ts_optim_new(a, p, np, &(ts_optim_desc){ .kind = TS_OPTIM_ADAM, .lr = 0.01f });
    float x[32], y[16];
    ts_rng_normal_fill(&rng, x, 32, 0, 1);
    for (int i = 0; i < 16; i++) y[i] = x[2 * i] > 0;
    adam_steps(m, o, x, y, 5);
    size_t n = ts_optim_snapshot_size(o);
    CHECK(n == 1 + 3 * (size_t)ts_mlp_numel(m));
    float *snap = ts_arena_alloc(a, n * sizeof(float));
    ts_optim_snapshot_save(o, snap);
    adam_steps(m, o, x, y, 7);
    float want[8];
    memcpy(want, p[0]->data, sizeof want);
    adam_steps(m, o, x, y, 3);            /* wander off, then rewind */
    ts_optim_snapshot_load(o, snap);
    CHECK(ts_optim_steps(o) == 5);
    adam_steps(m, o, x, y, 7);
    check_close("snapshot replay", p[0]->data, want, 8, 0, 0);
}

int main(void) {
    ts_arena a = { 0 };
    fx = fixture_load("mlp.json", &a);
    test_act(&a, "relu", TS_ACT_RELU);
    test_act(&a, "leaky", TS_ACT_LEAKY_RELU);
    test_act(&a, "silu", TS_ACT_SILU);
    test_act(&a, "tanh", TS_ACT_TANH);

    const ts_tensor *l = fixture(fx, "bce.logits");
    int n = (int)ts_numel(l);
    float loss = ts_bce_logits_forward(l->data, fixture(fx, "bce.targets")->data, n);
    check_close("bce.loss", &loss, fixture(fx, "bce.loss")->data, 1, 1e-5f, 1e-6f);
    float dl[16] = { 0 };
    ts_bce_logits_backward(dl, l->data, fixture(fx, "bce.targets")->data, n, 1.0f);
    check_close("bce.dlogits", dl, fixture(fx, "bce.dlogits")->data, (size_t)n, 1e-5f, 1e-7f);
    test_snapshot(&a);
    ts_arena_free(&a);
    return check_report();
}
