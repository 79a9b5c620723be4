/* test_mlp: ts_mlp (nn.Sequential of Linear and an activation) and BCE with
 * logits against PyTorch (mlp.json, written by tools/fixtures_mlp.py): the
 * output, the input gradient and every parameter gradient, for ReLU,
 * LeakyReLU(0.2), SiLU and Tanh; and the names follow the Sequential. */
#include <string.h>

#include "check.h"
#include "kernel/mlp.h"

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
    ts_arena_free(&a);
    return check_report();
}
