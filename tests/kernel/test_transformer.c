/* test_transformer: the pre-norm encoder block (forward, attention weights,
 * backward into the input and every weight) and patchify + patch embedding
 * vs PyTorch (tests/fixtures/transformer.json, from
 * tools/fixtures_transformer.py). Cases: plain, causal, an additive Swin-style
 * mask per sequence, in_proj without bias. */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "kernel/nn.h"
#include "kernel/transformer.h"

static const ts_dump *fx;

static const ts_tensor *ft(const char *pre, const char *key) {
    char name[TS_NAME_MAX * 2];
    snprintf(name, sizeof name, "%s.%s", pre, key);
    return fixture(fx, name);
}

static int fp(const char *pre, const char *key) {
    char name[TS_NAME_MAX * 2];
    double v = 0;
    snprintf(name, sizeof name, "%s.%s", pre, key);
    if (!ts_dump_get_param(fx, name, &v)) { fprintf(stderr, "no param %s\n", name); exit(1); }
    return (int)v;
}

static void cmp(const char *pre, const char *key, const float *got, float rtol, float atol) {
    char what[96];
    const ts_tensor *want = ft(pre, key);
    snprintf(what, sizeof what, "%s.%s", pre, key);
    check_close(what, got, want->data, ts_numel(want), rtol, atol);
}

static void block_case(ts_arena *a, const char *pre) {
    ts_block_desc desc = {.B = fp(pre, "B"), .T = fp(pre, "T"), .d = fp(pre, "d"), .heads = fp(pre, "heads"),
                          .hidden = fp(pre, "hidden"), .causal = fp(pre, "causal") != 0};
    bool bias = fp(pre, "bias") != 0;
    int B = desc.B, T = desc.T, D = desc.d, Hd = desc.hidden;
    ts_block_weights w = {
        ft(pre, "norm1.weight")->data, ft(pre, "norm1.bias")->data,
        ft(pre, "attn.in_proj_weight")->data, bias ? ft(pre, "attn.in_proj_bias")->data : NULL,
        ft(pre, "attn.out_proj.weight")->data, bias ? ft(pre, "attn.out_proj.bias")->data : NULL,
        ft(pre, "norm2.weight")->data, ft(pre, "norm2.bias")->data,
        ft(pre, "mlp.0.weight")->data, ft(pre, "mlp.0.bias")->data,
        ft(pre, "mlp.2.weight")->data, ft(pre, "mlp.2.bias")->data};
    ts_block *b = ts_block_new(a, &desc);
    if (fp(pre, "score_bias"))
        for (int s = 0; s < B; s++) b->attn[s]->score_bias = ft(pre, "score_bias")->data + (size_t)s * T * T;
    const float *x = ft(pre, "x")->data;
    ts_block_forward(b, x, &w);
    cmp(pre, "out", b->out->data, 1e-4f, 2e-5f);
    float *aw = ts_arena_alloc(a, sizeof(float) * (size_t)B * desc.heads * T * T);
    for (int s = 0; s < B; s++)
        memcpy(aw + (size_t)s * desc.heads * T * T, b->attn[s]->weights->data,
               sizeof(float) * (size_t)desc.heads * T * T);
    cmp(pre, "attn_weights", aw, 1e-4f, 1e-6f);

    /* gradients: every buffer starts at zero and is accumulated into */
    size_t DD = (size_t)D * D, HD = (size_t)Hd * D, R = (size_t)B * T;
    float *dx = ts_arena_alloc(a, sizeof(float) * R * D);
    ts_block_grads g = {
        ts_arena_alloc(a, 4 * D), ts_arena_alloc(a, 4 * D),
        ts_arena_alloc(a, 4 * 3 * DD), bias ? ts_arena_alloc(a, 4 * 3 * D) : NULL,
        ts_arena_alloc(a, 4 * DD), bias ? ts_arena_alloc(a, 4 * D) : NULL,
        ts_arena_alloc(a, 4 * D), ts_arena_alloc(a, 4 * D),
        ts_arena_alloc(a, 4 * HD), ts_arena_alloc(a, 4 * Hd),
        ts_arena_alloc(a, 4 * HD), ts_arena_alloc(a, 4 * D)};
    ts_block_backward(b, dx, &g, ft(pre, "dout")->data, x, &w);
    const float rt = 1e-3f, at = 5e-5f;
    cmp(pre, "dx", dx, rt, at);
    cmp(pre, "norm1.weight.grad", g.ln1_w, rt, at);
    cmp(pre, "norm1.bias.grad", g.ln1_b, rt, at);
    cmp(pre, "attn.in_proj_weight.grad", g.in_proj_w, rt, at);
    if (bias) {
        cmp(pre, "attn.in_proj_bias.grad", g.in_proj_b, rt, at);
        cmp(pre, "attn.out_proj.bias.grad", g.out_proj_b, rt, at);
    }
    cmp(pre, "attn.out_proj.weight.grad", g.out_proj_w, rt, at);
    cmp(pre, "norm2.weight.grad", g.ln2_w, rt, at);
    cmp(pre, "norm2.bias.grad", g.ln2_b, rt, at);
    cmp(pre, "mlp.0.weight.grad", g.fc1_w, rt, at);
    cmp(pre, "mlp.0.bias.grad", g.fc1_b, rt, at);
    cmp(pre, "mlp.2.weight.grad", g.fc2_w, rt, at);
    cmp(pre, "mlp.2.bias.grad", g.fc2_b, rt, at);

    /* a second backward accumulates: twice the gradient */
    ts_block_backward(b, dx, &(ts_block_grads){0}, ft(pre, "dout")->data, x, &w);
    const ts_tensor *want = ft(pre, "dx");
    float *twice = ts_arena_alloc(a, sizeof(float) * R * D);
    for (size_t i = 0; i < R * D; i++) twice[i] = 2 * want->data[i];
    check_close("dx accumulates", dx, twice, R * D, rt, 2 * at);
}

static void patch_case(ts_arena *a) {
    int C = fp("pe", "C"), H = fp("pe", "H"), W = fp("pe", "W"), P = fp("pe", "P"), D = fp("pe", "D");
    int N = (H / P) * (W / P), F = C * P * P;
    float *patches = ts_arena_alloc(a, sizeof(float) * (size_t)N * F);
    ts_patchify(patches, ft("pe", "image")->data, C, H, W, P);
    cmp("pe", "patches", patches, 0.0f, 0.0f);
    float *emb = ts_arena_alloc(a, sizeof(float) * (size_t)N * D);
    ts_linear_forward(emb, patches, ft("pe", "weight")->data, ft("pe", "bias")->data, N, F, D);
    cmp("pe", "conv", emb, 1e-5f, 1e-5f);
}

int main(void) {
    ts_arena a = {0};
    fx = fixture_load("transformer.json", &a);
    const char *cases[] = {"t0", "t1", "t2", "t3"};
    for (int i = 0; i < 4; i++) block_case(&a, cases[i]);
    patch_case(&a);
    ts_arena_free(&a);
    return check_report();
}
