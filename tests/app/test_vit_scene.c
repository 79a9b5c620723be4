/* test_vit_scene.c: the vit scene against a recomputation, its presets, its
 * input and its buttons. (The kernel's block has its own PyTorch test,
 * tests/kernel/test_transformer.c; tools/check_vit_dump.py checks a dump
 * with PyTorch itself.)
 *
 * - Dumps: for every beat of the default story and of each preset, every name
 *   the scene promises is there with its PyTorch shape, and patches (plain
 *   loops), tokens (the kernel's conv2d with stride 4), x0, every block's
 *   attention weights and output (a fresh kernel block from the dumped
 *   weights), logits and probs (plain loops), rollout (plain loops in
 *   double), swin.mask (Swin's img_mask rule, written out again) and
 *   swin.attn (kernel attention with that mask on the rolled windows) equal
 *   a recomputation from the dumped image and weights.
 * - Drawing on the input through update recomputes everything at once, in
 *   under 16 ms (the median of the strokes' recomputes is printed).
 * - The layer buttons (beat 4) and the windows toggle (beat 8) switch what is
 *   followed and dumped.
 * - A bad preset value is refused with FILE:LINE and exit code 2.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include "kernel/conv.h"
#include "kernel/nn.h"
#include "kernel/transformer.h"
#include "scene_check.h"
#include "scenes/vit/vit_scene.h"

static const ts_tensor *need(const ts_dump *d, const char *name, int ndim, const int *shape, const char *where) {
    const ts_tensor *t = ts_dump_find(d, name);
    bool ok = t && t->ndim == ndim;
    for (int i = 0; ok && i < ndim; i++) ok = t->shape[i] == shape[i];
    CHECK(ok, "%s: %s missing or of the wrong shape", where, name);
    return ok ? t : NULL;
}

static void same(const char *where, const char *name, const ts_tensor *t, const float *ref, float tol) {
    if (!t) return;
    float worst = 0, scale = 1e-6f;
    for (size_t i = 0; i < ts_numel(t); i++) {
        worst = fmaxf(worst, fabsf(t->data[i] - ref[i]));
        scale = fmaxf(scale, fabsf(ref[i]));
    }
    CHECK(worst <= tol * scale, "%s: %s differs from the recomputation by %g (scale %g)", where, name, worst, scale);
}

enum { D = VIT_D, T = VIT_T, N = VIT_N, G = VIT_GRID, H = VIT_HEADS };

static void check_dump(const ts_dump *d, const char *where) {
    const ts_tensor *img = need(d, "image", 4, (int[]){1, 1, 16, 16}, where);
    const ts_tensor *pw = need(d, "patch_embed.weight", 4, (int[]){D, 1, 4, 4}, where);
    const ts_tensor *pb = need(d, "patch_embed.bias", 1, (int[]){D}, where);
    const ts_tensor *cls = need(d, "cls_token", 3, (int[]){1, 1, D}, where);
    const ts_tensor *pos = need(d, "pos_embed", 3, (int[]){1, T, D}, where);
    const ts_tensor *patches = need(d, "patches", 2, (int[]){N, 16}, where);
    const ts_tensor *tokens = need(d, "tokens", 3, (int[]){1, N, D}, where);
    const ts_tensor *x0 = need(d, "x0", 3, (int[]){1, T, D}, where);
    if (!img || !pw || !pb || !cls || !pos) return;
    double v;
    CHECK(ts_dump_get_param(d, "patch", &v) && v == 4, "%s: patch param", where);
    CHECK(ts_dump_get_param(d, "heads", &v) && v == H, "%s: heads param", where);
    const char *gelu = ts_dump_get_param_str(d, "gelu");
    CHECK(gelu && strcmp(gelu, "exact") == 0, "%s: gelu param", where);

    /* patches by hand: row p = patch (p / 4, p % 4), pixels row-major */
    float P[N * 16];
    for (int p = 0; p < N; p++)
        for (int k = 0; k < 16; k++) P[p * 16 + k] = img->data[((p / G) * 4 + k / 4) * 16 + (p % G) * 4 + k % 4];
    same(where, "patches", patches, P, 0);
    /* tokens by convolution, x0 by hand */
    float conv[D * N], tok[N * D], X[T * D];
    ts_conv2d_forward(conv, img->data, pw->data, pb->data,
                      &(ts_conv2d_desc){.n = 1, .c_in = 1, .h = 16, .w = 16, .c_out = D, .kh = 4, .kw = 4,
                                        .stride_h = 4, .stride_w = 4});
    for (int p = 0; p < N; p++)
        for (int k = 0; k < D; k++) tok[p * D + k] = conv[k * N + p];
    same(where, "tokens", tokens, tok, 1e-5f);
    for (int t = 0; t < T; t++)
        for (int k = 0; k < D; k++) X[t * D + k] = (t ? tok[(t - 1) * D + k] : cls->data[k]) + pos->data[t * D + k];
    same(where, "x0", x0, X, 1e-5f);

    /* the blocks, fresh from the dumped weights */
    ts_arena a = {0};
    ts_block *b = ts_block_new(&a, &(ts_block_desc){.B = 1, .T = T, .d = D, .heads = H, .hidden = VIT_HIDDEN});
    float cur[T * D];
    memcpy(cur, X, sizeof cur);
    static float att[VIT_LAYERS][H * T * T];
    for (int l = 0; l < VIT_LAYERS; l++) {
        static const char *const k[12] = {"norm1.weight", "norm1.bias", "attn.in_proj_weight", "attn.in_proj_bias",
                                          "attn.out_proj.weight", "attn.out_proj.bias", "norm2.weight", "norm2.bias",
                                          "mlp.0.weight", "mlp.0.bias", "mlp.2.weight", "mlp.2.bias"};
        const float *w[12];
        bool all = true;
        for (int i = 0; i < 12; i++) {
            char name[64];
            snprintf(name, sizeof name, "blocks.%d.%s", l, k[i]);
            const ts_tensor *t = ts_dump_find(d, name);
            CHECK(t != NULL, "%s: no %s", where, name);
            all &= t != NULL;
            w[i] = t ? t->data : NULL;
        }
        if (!all) { ts_arena_free(&a); return; }
        ts_block_weights bw = {w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7], w[8], w[9], w[10], w[11]};
        ts_block_forward(b, cur, &bw);
        char name[64];
        snprintf(name, sizeof name, "blocks.%d.attn_weights", l);
        memcpy(att[l], b->attn[0]->weights->data, sizeof att[l]);
        same(where, name, need(d, name, 3, (int[]){H, T, T}, where), att[l], 1e-4f);
        snprintf(name, sizeof name, "blocks.%d.out", l);
        memcpy(cur, b->out->data, sizeof cur);
        same(where, name, need(d, name, 3, (int[]){1, T, D}, where), cur, 1e-4f);
    }
    /* final norm on the class token, head, softmax: plain loops */
    const ts_tensor *nw = need(d, "norm.weight", 1, (int[]){D}, where), *nb = need(d, "norm.bias", 1, (int[]){D}, where);
    const ts_tensor *hw = need(d, "head.weight", 2, (int[]){10, D}, where), *hb = need(d, "head.bias", 1, (int[]){10}, where);
    if (nw && nb && hw && hb) {
        double mean = 0, var = 0;
        for (int k = 0; k < D; k++) mean += cur[k];
        mean /= D;
        for (int k = 0; k < D; k++) var += (cur[k] - mean) * (cur[k] - mean);
        var /= D;
        float y[D], lg[10], pr[10];
        for (int k = 0; k < D; k++) y[k] = (float)((cur[k] - mean) / sqrt(var + 1e-5)) * nw->data[k] + nb->data[k];
        double z = 0, mx = -1e30;
        for (int c = 0; c < 10; c++) {
            double s = hb->data[c];
            for (int k = 0; k < D; k++) s += (double)hw->data[c * D + k] * y[k];
            lg[c] = (float)s;
            mx = fmax(mx, s);
        }
        for (int c = 0; c < 10; c++) z += exp(lg[c] - mx);
        for (int c = 0; c < 10; c++) pr[c] = (float)(exp(lg[c] - mx) / z);
        same(where, "logits", need(d, "logits", 2, (int[]){1, 10}, where), lg, 1e-4f);
        same(where, "probs", need(d, "probs", 2, (int[]){1, 10}, where), pr, 1e-4f);
    }
    /* rollout in double */
    static double R[T * T], A[T * T], tmp[T * T];
    for (int l = 0; l < VIT_LAYERS; l++) {
        for (int i = 0; i < T; i++) {
            double z = 0;
            for (int j = 0; j < T; j++) {
                double s = i == j;
                for (int h = 0; h < H; h++) s += att[l][(h * T + i) * T + j] / (double)H;
                A[i * T + j] = s;
                z += s;
            }
            for (int j = 0; j < T; j++) A[i * T + j] /= z;
        }
        if (l == 0) memcpy(R, A, sizeof R);
        else {
            for (int i = 0; i < T; i++)
                for (int j = 0; j < T; j++) {
                    double s = 0;
                    for (int k = 0; k < T; k++) s += A[i * T + k] * R[k * T + j];
                    tmp[i * T + j] = s;
                }
            memcpy(R, tmp, sizeof R);
        }
    }
    float Rf[T * T];
    for (int i = 0; i < T * T; i++) Rf[i] = (float)R[i];
    same(where, "rollout", need(d, "rollout", 2, (int[]){T, T}, where), Rf, 1e-4f);

    /* Swin: the mask from the img_mask slices, attention per rolled window */
    double win = 0, shift = -1;
    CHECK(ts_dump_get_param(d, "swin.window", &win) && win == SW_M, "%s: swin.window", where);
    CHECK(ts_dump_get_param(d, "swin.shift", &shift) && (shift == 0 || shift == SW_SHIFT), "%s: swin.shift", where);
    int s = (int)shift, M = SW_M;
    const ts_tensor *sx = need(d, "swin.x", 3, (int[]){1, N, D}, where);
    const ts_tensor *smask = need(d, "swin.mask", 3, (int[]){SW_NW, SW_M2, SW_M2}, where);
    const ts_tensor *sattn = need(d, "swin.attn", 4, (int[]){SW_NW, H, SW_M2, SW_M2}, where);
    if (x0) same(where, "swin.x", sx, x0->data + D, 0);   /* exactly the patch rows of x0 */
    int lab[G * G];   /* on the rolled grid */
    for (int r = 0; r < G; r++)
        for (int c = 0; c < G; c++) {
            int sr = !s ? 0 : r < G - M ? 0 : r < G - s ? 1 : 2, sc = !s ? 0 : c < G - M ? 0 : c < G - s ? 1 : 2;
            lab[r * G + c] = sr * 3 + sc;
        }
    float mask[SW_NW * SW_M2 * SW_M2], attn[SW_NW * H * SW_M2 * SW_M2];
    const ts_tensor *n1w = ts_dump_find(d, "swin.norm1.weight"), *n1b = ts_dump_find(d, "swin.norm1.bias");
    const ts_tensor *ipw = ts_dump_find(d, "swin.attn.in_proj_weight"), *ipb = ts_dump_find(d, "swin.attn.in_proj_bias");
    CHECK(n1w && n1b && ipw && ipb, "%s: swin weights", where);
    if (sx && n1w && n1b && ipw && ipb) {
        float ln[N * D], mean[N], rstd[N];
        ts_layernorm_forward(ln, mean, rstd, sx->data, n1w->data, n1b->data, N, D);
        ts_block_weights bw = {.in_proj_w = ipw->data, .in_proj_b = ipb->data, .out_proj_w = ipw->data};
        ts_mha_weights mw;
        ts_block_mha_weights(&mw, &bw, D);
        ts_mha *m = ts_mha_new(&a, &(ts_mha_desc){.T = SW_M2, .d = D, .heads = H});
        for (int w = 0; w < SW_NW; w++) {
            int wr = w / (G / M), wc = w % (G / M), lw[SW_M2];
            float xin[SW_M2 * D];
            for (int i = 0; i < SW_M2; i++) {
                int r = wr * M + i / M, c = wc * M + i % M;          /* rolled grid position */
                int r0 = (r + s) % G, c0 = (c + s) % G;              /* where it came from */
                lw[i] = lab[r * G + c];
                memcpy(xin + i * D, ln + (r0 * G + c0) * D, sizeof(float) * D);
            }
            for (int i = 0; i < SW_M2; i++)
                for (int j = 0; j < SW_M2; j++) mask[(w * SW_M2 + i) * SW_M2 + j] = lw[i] == lw[j] ? 0.0f : -100.0f;
            m->score_bias = mask + w * SW_M2 * SW_M2;
            ts_mha_forward(m, xin, &mw, NULL);
            memcpy(attn + w * H * SW_M2 * SW_M2, m->weights->data, sizeof(float) * H * SW_M2 * SW_M2);
        }
        same(where, "swin.mask", smask, mask, 0);
        same(where, "swin.attn", sattn, attn, 1e-4f);
        if (s) {
            int minus = 0;
            for (int i = 0; i < SW_NW * SW_M2 * SW_M2; i++) minus += mask[i] == -100.0f;
            CHECK(minus > 0, "%s: the shifted windows mask some pairs", where);
        }
    }
    ts_arena_free(&a);
}

static void check_story(const char *name) {
    char err[512];
    scene *s = scene_open(name, err, sizeof err);
    CHECK(s != NULL, "scene_open(%s): %s", name, err);
    if (!s) return;
    for (int beat = 0; beat < s->kind->beat_count; beat++) {
        ts_arena a = {0};
        ts_dump *d = scene_check_dump(s, beat, &a);
        char where[300];
        snprintf(where, sizeof where, "%s beat %d", name, beat + 1);
        check_dump(d, where);
        ts_arena_free(&a);
    }
    scene_close(s);
}

/* ---- input and buttons through update ------------------------------------------ */

static void frame(scene *s, ui_ctx *ui, float x, float y, bool down, bool pressed, bool released) {
    ui_input in = {.mouse_x = x, .mouse_y = y, .mouse_down = down, .mouse_pressed = pressed, .mouse_released = released};
    ui_begin_frame(ui, &in);
    s->kind->update(s->state, &s->clock, ui);
}

static void click(scene *s, ui_ctx *ui, dg_rect r) {
    float x = r.x + r.w / 2, y = r.y + r.h / 2;
    frame(s, ui, x, y, true, true, false);
    frame(s, ui, x, y, false, false, true);
    frame(s, ui, -1000, -1000, false, false, false);
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void check_input(void) {
    char err[512];
    scene *s = scene_open("vit", err, sizeof err);
    CHECK(s != NULL, "scene_open(vit): %s", err);
    if (!s) return;
    ui_ctx ui;
    ui_init(&ui, &ui_theme_dark);
    ui.show_widgets = true;
    vit_state *st = s->state;
    s->clock = scene_clock_beat(s->kind, B_HEADS, 0);
    vit_lay L;
    vit_layout(s->clock.beat, &L);
    click(s, &ui, L.clear);
    float ink = 0;
    for (int i = 0; i < VIT_PIX; i++) ink += st->x.image->data[i];
    CHECK(ink == 0, "clear empties the image (ink %g)", ink);
    /* a vertical stroke down the middle of the 28-cell canvas */
    float cell = L.input.w / 28;
    double ms[40];
    int n = 0, before = st->recomputes;
    for (int i = 0; i <= 20; i++) {
        float x = L.input.x + 14.2f * cell, y = L.input.y + (4.0f + (float)i) * cell;
        frame(s, &ui, x, y, i < 20, i == 0, i == 20);
        if (n < 40) ms[n++] = st->recompute_ms;
    }
    frame(s, &ui, -1000, -1000, false, false, false);
    qsort(ms, (size_t)n, sizeof ms[0], cmp_double);
    ink = 0;
    for (int i = 0; i < VIT_PIX; i++) ink += st->x.image->data[i];
    printf("stroke: %d recomputes, median %.3f ms, worst %.3f ms; reads %d (p %.3f)\n", st->recomputes - before,
           ms[n / 2], ms[n - 1], st->pred, st->x.probs->data[st->pred]);
    CHECK(ink > 5 && st->recomputes - before >= 20, "drawing inks the image (%g) and recomputes each frame", ink);
    CHECK(ms[n / 2] < 16.0, "a recompute after drawing takes %.3f ms (median), over 16 ms", ms[n / 2]);
    click(s, &ui, L.sample[7]);
    CHECK(st->pred == 7, "sample 7 reads as 7, got %d", st->pred);

    s->clock = scene_clock_beat(s->kind, B_BLOCK, 0);
    vit_layout(s->clock.beat, &L);
    click(s, &ui, L.layer_btn[2]);
    CHECK(st->layer == 2, "the layer 3 button follows layer 3 (layer %d)", st->layer + 1);
    s->clock = scene_clock_beat(s->kind, B_SWIN, 0);
    vit_layout(s->clock.beat, &L);
    bool was = st->shifted;
    click(s, &ui, (dg_rect){L.shift_toggle.x, L.shift_toggle.y, 60, L.shift_toggle.h});
    CHECK(st->shifted != was, "the toggle switches the windows (%d -> %d)", was, st->shifted);
    ts_arena a = {0};
    ts_dump *d = scene_check_dump(s, B_SWIN, &a);
    double sh = -1;
    CHECK(ts_dump_get_param(d, "swin.shift", &sh) && sh == (st->shifted ? SW_SHIFT : 0), "the dump follows the toggle");
    check_dump(d, "after the toggle");
    ts_arena_free(&a);
    ui_shutdown(&ui);
    scene_close(s);
}

static void check_bad_preset(void) {
    const char *p = scene_check_preset("vit", "bad", "[story]\nlayer = 4\n");
    char cmd[600];
    snprintf(cmd, sizeof cmd, "\"%s\" check %s 2>/dev/null", getenv("TS_BIN"), p);
    int rc = system(cmd);
    CHECK(WIFEXITED(rc) && WEXITSTATUS(rc) == 2, "layer = 4 is refused with exit code 2 (status %d)", rc);
    char err[512];
    scene *s = scene_open(p, err, sizeof err);
    CHECK(!s && strstr(err, ":6: "), "the message names the line: %s", err);
    if (s) scene_close(s);
}

int main(void) {
    scene_check_init();
    check_story("vit");
    check_story("scenes/vit.scene");
    check_story("scenes/vit-deep.scene");
    check_input();
    check_bad_preset();
    return scene_check_done();
}
