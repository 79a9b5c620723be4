/* test_residual: the residual scene's dumps recompute from their own inputs,
 * with arithmetic written here in double (not the kernel's deepmlp):
 *   plain.logits, resid.logits from x and the dumped weights;
 *   plain.loss, resid.loss (mean cross-entropy);
 *   plain.grad_norm and resid.grad_norm against central finite differences
 *   of that loss in every weight; resid.ratio; block.h/F/y of the worked point.
 * Also: the story is a function of the clock (a beat dumped after visiting
 * a later one is identical), a removed skip changes that block, and bad
 * presets are refused with one line. Small presets keep it fast. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/dump.h"
#include "scene/scene.h"
#include "scenes/residual/res_scene.h"
#include "ui/ui.h"
#include "scene_check.h"

#define WMAX 16

typedef struct net {
    const ts_dump *d;
    int depth, width;
    bool relu;
    long skip_off;
    double *w[2 * RES_MAX_DEPTH + 2], *b[2 * RES_MAX_DEPTH + 2];   /* double copies */
    int in[2 * RES_MAX_DEPTH + 2], out[2 * RES_MAX_DEPTH + 2];
    int nlin;
} net;

static void add(net *n, const char *wname, const char *bname) {
    const ts_tensor *w = scene_check_need(n->d, wname), *b = scene_check_need(n->d, bname);
    int j = n->nlin++;
    n->out[j] = w->shape[0], n->in[j] = w->shape[1];
    n->w[j] = malloc(sizeof(double) * ts_numel(w));
    n->b[j] = malloc(sizeof(double) * ts_numel(b));
    for (size_t i = 0; i < ts_numel(w); i++) n->w[j][i] = w->data[i];
    for (size_t i = 0; i < ts_numel(b); i++) n->b[j][i] = b->data[i];
}

static void load(net *n, const ts_dump *d, bool resid) {
    memset(n, 0, sizeof *n);
    n->d = d;
    double v;
    ts_dump_get_param(d, "depth", &v); n->depth = (int)v;
    ts_dump_get_param(d, "width", &v); n->width = (int)v;
    ts_dump_get_param(d, "skip_off", &v); n->skip_off = (long)v;
    n->relu = strcmp(ts_dump_get_param_str(d, "act"), "relu") == 0;
    char a[64], b[64];
    if (!resid) {
        for (int k = 0; k < n->depth; k++) {
            snprintf(a, sizeof a, "plain.%d.weight", 2 * k);
            snprintf(b, sizeof b, "plain.%d.bias", 2 * k);
            add(n, a, b);
        }
        return;
    }
    add(n, "resid.in.weight", "resid.in.bias");
    for (int k = 0; k < n->depth; k++)
        for (int f = 1; f <= 2; f++) {
            snprintf(a, sizeof a, "resid.blocks.%d.fc%d.weight", k, f);
            snprintf(b, sizeof b, "resid.blocks.%d.fc%d.bias", k, f);
            add(n, a, b);
        }
    add(n, "resid.out.weight", "resid.out.bias");
}

static void unload(net *n) {
    for (int j = 0; j < n->nlin; j++) free(n->w[j]), free(n->b[j]);
}

static void lin(const net *n, int j, const double *x, double *y) {
    for (int o = 0; o < n->out[j]; o++) {
        double s = n->b[j][o];
        for (int i = 0; i < n->in[j]; i++) s += n->w[j][o * n->in[j] + i] * x[i];
        y[o] = s;
    }
}

static double act(const net *n, double v) { return n->relu ? (v > 0 ? v : 0) : tanh(v); }

/* Logits of one point; for the residual net also h, F(h) of block 0 and the
 * ratios |F(h_k)|/|h_k| (each may be NULL). */
static void forward(const net *n, bool resid, const float *x, double *logits, double *h0, double *f0,
                    double *ratio) {
    double h[WMAX], t[WMAX], u[WMAX], xin[2] = { x[0], x[1] };
    if (!resid) {
        lin(n, 0, xin, h);
        for (int k = 1; k < n->depth; k++) {
            for (int i = 0; i < n->width; i++) t[i] = act(n, h[i]);
            lin(n, k, t, h);
        }
        logits[0] = h[0], logits[1] = h[1];
        return;
    }
    lin(n, 0, xin, h);
    for (int k = 0; k < n->depth; k++) {
        lin(n, 1 + 2 * k, h, t);
        for (int i = 0; i < n->width; i++) t[i] = act(n, t[i]);
        lin(n, 2 + 2 * k, t, u);
        double hn = 0, fn = 0;
        for (int i = 0; i < n->width; i++) hn += h[i] * h[i], fn += u[i] * u[i];
        if (ratio) ratio[k] += hn > 0 ? sqrt(fn / hn) : 0;
        if (k == 0 && h0) memcpy(h0, h, sizeof(double) * (size_t)n->width);
        if (k == 0 && f0) memcpy(f0, u, sizeof(double) * (size_t)n->width);
        bool skip = !((n->skip_off >> k) & 1);
        for (int i = 0; i < n->width; i++) h[i] = (skip ? h[i] : 0) + u[i];
    }
    lin(n, n->nlin - 1, h, logits);
}

static double loss(const net *n, bool resid, const ts_tensor *x, const ts_tensor *y) {
    int N = x->shape[0];
    double s = 0;
    for (int i = 0; i < N; i++) {
        double l[2];
        forward(n, resid, x->data + 2 * i, l, NULL, NULL, NULL);
        double m = fmax(l[0], l[1]), lse = m + log(exp(l[0] - m) + exp(l[1] - m));
        s += lse - l[(int)y->data[i]];
    }
    return s / N;
}

static double maxrel(const double *a, const float *b, int n) {
    double mx = 1e-12, d = 0;
    for (int i = 0; i < n; i++) mx = fmax(mx, fabs(b[i])), d = fmax(d, fabs(a[i] - b[i]));
    return d / mx;
}

static void check_net(const ts_dump *d, bool resid, const char *where, bool grads) {
    net n;
    load(&n, d, resid);
    const char *pre = resid ? "resid" : "plain";
    char name[64];
    const ts_tensor *x = scene_check_need(d, "x"), *y = scene_check_need(d, "y");
    int N = x->shape[0], L = n.depth, W = n.width;
    CHECK(W <= WMAX, "%s: width %d too wide for this test", where, W);
    snprintf(name, sizeof name, "%s.logits", pre);
    const ts_tensor *lg = scene_check_need(d, name);
    double *logits = malloc(sizeof(double) * 2 * (size_t)N), ratio[RES_MAX_DEPTH] = { 0 };
    for (int i = 0; i < N; i++) forward(&n, resid, x->data + 2 * i, logits + 2 * i, NULL, NULL, ratio);
    CHECK(maxrel(logits, lg->data, 2 * N) < 1e-4, "%s: %s differ by %g", where, name, maxrel(logits, lg->data, 2 * N));
    free(logits);
    double l = loss(&n, resid, x, y);
    snprintf(name, sizeof name, "%s.loss", pre);
    CHECK(fabs(l - scene_check_need(d, name)->data[0]) < 1e-5, "%s: %s %g vs %g", where, name, l,
          scene_check_need(d, name)->data[0]);
    if (!grads) {
        unload(&n);
        return;
    }
    /* gradient norms: central differences in every weight */
    double gn[RES_MAX_DEPTH] = { 0 };
    for (int j = 0; j < n.nlin; j++) {
        int unit = resid ? (j - 1) / 2 : j;
        if (resid && (j == 0 || j == n.nlin - 1)) continue;
        for (int e = 0; e < n.in[j] * n.out[j]; e++) {
            double keep = n.w[j][e], h = 1e-5;
            n.w[j][e] = keep + h;
            double up = loss(&n, resid, x, y);
            n.w[j][e] = keep - h;
            double dn = loss(&n, resid, x, y);
            n.w[j][e] = keep;
            double g = (up - dn) / (2 * h);
            gn[unit] += g * g;
        }
    }
    for (int k = 0; k < L; k++) gn[k] = sqrt(gn[k]);
    snprintf(name, sizeof name, "%s.grad_norm", pre);
    const ts_tensor *tg = scene_check_need(d, name);
    /* float backprop against double differences: once a net fits, p - y of
     * confident points carries float's 1e-7 absolute error into gradients of
     * 1e-4, so agreement is to a percent, not to float precision */
    CHECK(tg->shape[0] == L && maxrel(gn, tg->data, L) < 1e-2, "%s: %s vs finite differences: %g", where,
          name, maxrel(gn, tg->data, L));
    if (resid) {
        for (int k = 0; k < L; k++) ratio[k] /= N;
        const ts_tensor *tr = scene_check_need(d, "resid.ratio");
        CHECK(maxrel(ratio, tr->data, L) < 1e-5, "%s: resid.ratio differs by %g", where, maxrel(ratio, tr->data, L));
        double pt, h0[WMAX], f0[WMAX], lo[2], yv[WMAX];
        ts_dump_get_param(d, "point", &pt);
        forward(&n, true, x->data + 2 * (int)pt, lo, h0, f0, NULL);
        bool skip = !(n.skip_off & 1);
        for (int i = 0; i < W; i++) yv[i] = (skip ? h0[i] : 0) + f0[i];
        CHECK(maxrel(h0, scene_check_need(d, "block.h")->data, W) < 1e-5 &&
              maxrel(f0, scene_check_need(d, "block.F")->data, W) < 1e-5 &&
              maxrel(yv, scene_check_need(d, "block.y")->data, W) < 1e-5, "%s: block values", where);
    }
    unload(&n);
}

static void check_story(const char *preset, const char *where) {
    char err[512];
    scene *s = scene_open(preset, err, sizeof err);
    CHECK(s != NULL, "%s: %s", where, err);
    if (!s) return;
    ts_arena a = { 0 };
    ts_dump *d[RB_COUNT];
    for (int b = 0; b < RB_COUNT; b++) {
        d[b] = scene_check_dump(s, b, &a);
        char w[64];
        snprintf(w, sizeof w, "%s beat %d", where, b + 1);
        check_net(d[b], false, w, true);
        check_net(d[b], true, w, true);
    }
    ts_dump *mid = scene_check_dump_at(s, RB_TRAIN, 3.0, &a);
    check_net(mid, true, "mid-training", true);
    ts_dump *again = scene_check_dump(s, RB_TRAIN, &a);
    CHECK(scene_check_same(again, d[RB_TRAIN], "resid.logits") &&
          scene_check_same(again, d[RB_TRAIN], "plain.0.weight"), "%s: beat 5 after a rewind differs", where);
    CHECK(!scene_check_same(d[RB_FLAT], d[RB_TRAIN], "resid.out.weight"), "%s: training moved nothing", where);
    double s0, s5;
    ts_dump_get_param(d[RB_FLAT], "step", &s0);
    ts_dump_get_param(d[RB_TRAIN], "step", &s5);
    CHECK(s0 == 0 && s5 > 0, "%s: steps %g, %g", where, s0, s5);
    ts_arena_free(&a);
    scene_close(s);
}

/* The shipped default: beat 6 starts from the trained state in
 * assets/residual.safetensors; replaying the same steps from a mid-training
 * step must give the same bytes (the asset is what this code trains). */
static void check_asset(void) {
    char err[512];
    scene *s = scene_open("scenes/residual.scene", err, sizeof err);
    CHECK(s != NULL, "default: %s", err);
    if (!s) return;
    const res_state *st = s->state;
    CHECK(st->pretrained, "the default preset did not start from the shipped trained state");
    ts_arena a = { 0 };
    ts_dump *shipped = scene_check_dump(s, RB_SMALL, &a);
    scene_check_dump_at(s, RB_TRAIN, 6.0, &a);            /* back to mid-training */
    ts_dump *replayed = scene_check_dump(s, RB_SMALL, &a);   /* and forward again by training */
    CHECK(scene_check_same(shipped, replayed, "resid.out.weight") &&
          scene_check_same(shipped, replayed, "plain.0.weight") &&
          scene_check_same(shipped, replayed, "resid.ratio"), "the shipped trained state differs from a replay");
    check_net(shipped, false, "shipped", false);
    check_net(shipped, true, "shipped", false);
    ts_arena_free(&a);
    scene_close(s);
}

int main(void) {
    scene_check_init();
    check_asset();
    check_story(scene_check_preset("residual", "small",
                                   "[residual]\ndepth = 4\nwidth = 6\npoints = 64\nbatch = 16\nsteps = 60\n"),
                "small");
    check_story(scene_check_preset("residual", "noskip",
                                   "[residual]\ndepth = 3\nwidth = 5\nact = relu\npoints = 64\nbatch = 16\n"
                                   "steps = 50\nno_skip = 0, 2\n"),
                "noskip");
    scene_check_bad("residual", "[residual]\ndepth = 40\n", "depth must be 2..32");
    scene_check_bad("residual", "[residual]\nact = gelu\n", "act must be one of tanh, relu");
    scene_check_bad("residual", "[residual]\ndepth = 3\nno_skip = 5\n", "no_skip names a block past depth 3");
    scene_check_bad("residual", "[residual]\nno_skip = 1.5\n", "whole numbers");
    scene_check_bad("residual", "[residual]\npoints = 64\nbatch = 128\n", "batch (128) must not pass points");
    scene_check_bad("residual", "[residual]\ncolour = red\n", "colour");
    return scene_check_done();
}
