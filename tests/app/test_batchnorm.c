/* test_batchnorm: the batchnorm scene's dumps recompute from their own
 * inputs, with arithmetic written here in double (not the kernel's ops):
 *   plain.act.K and bn.act.K: both nets in training mode on x (batch norm
 *   with the batch's mean and biased variance);
 *   bn.x, bn.mean, bn.var, bn.xhat, bn.y of the BatchNorm1d shown, and its
 *   running stats after the forward (momentum 0.1, unbiased variance);
 *   ln.y = layer norm of bn.x; the example's probabilities in eval mode
 *   (running stats) and alone in a training batch (every batch norm gives
 *   its beta).
 * Also: the story is a function of the clock, the shipped trained state
 * equals a replay, batch norm turned off per layer, and bad presets. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/dump.h"
#include "scene/scene.h"
#include "scenes/batchnorm/bn_scene.h"
#include "ui/ui.h"
#include "scene_check.h"

#define WM 64

static const ts_tensor *T(const ts_dump *d, const char *fmt, int k) {
    char name[64];
    snprintf(name, sizeof name, fmt, k);
    return ts_dump_find(d, name);
}

static double maxrel(const double *a, const float *b, size_t n) {
    double mx = 1e-12, d = 0;
    for (size_t i = 0; i < n; i++) mx = fmax(mx, fabs(b[i])), d = fmax(d, fabs(a[i] - b[i]));
    return d / mx;
}

/* One net (prefix "plain" or "bn") on all of x in training mode; checks its
 * activations; for the bn net also the worked batch norm at Sequential index
 * bn_layer. Returns false if the dump lacks something. */
static void check_net(const ts_dump *d, const char *pre, const char *where) {
    const ts_tensor *x = scene_check_need(d, "x");
    int N = x->shape[0];
    double depth, bn_layer;
    ts_dump_get_param(d, "depth", &depth);
    ts_dump_get_param(d, "bn_layer", &bn_layer);
    double *h = malloc(sizeof(double) * (size_t)N * WM), *z = malloc(sizeof(double) * (size_t)N * WM);
    for (int i = 0; i < N * 2; i++) h[i] = x->data[i];
    int in = 2, idx = 0;
    char fmt[64];
    for (int k = 0; k < (int)depth - 1; k++) {
        snprintf(fmt, sizeof fmt, "%s.%%d.weight", pre);
        const ts_tensor *w = T(d, fmt, idx);
        snprintf(fmt, sizeof fmt, "%s.%%d.bias", pre);
        const ts_tensor *b = T(d, fmt, idx);
        CHECK(w && b, "%s: %s Linear %d missing", where, pre, idx);
        if (!w || !b) break;
        int W = w->shape[0];
        for (int i = 0; i < N; i++)
            for (int o = 0; o < W; o++) {
                double s = b->data[o];
                for (int j = 0; j < in; j++) s += (double)w->data[o * in + j] * h[i * in + j];
                z[i * W + o] = s;
            }
        idx++;
        snprintf(fmt, sizeof fmt, "%s.%%d.running_mean", pre);
        if (T(d, fmt, idx)) {   /* a BatchNorm1d at this index */
            const ts_tensor *g = T(d, "bn.%d.weight", idx), *be = T(d, "bn.%d.bias", idx);
            bool shown = idx == (int)bn_layer;
            double mean[WM], var[WM], xh_err = 0, x_err = 0;
            for (int c = 0; c < W; c++) {
                double m = 0, v = 0;
                for (int i = 0; i < N; i++) m += z[i * W + c];
                m /= N;
                for (int i = 0; i < N; i++) v += (z[i * W + c] - m) * (z[i * W + c] - m);
                mean[c] = m, var[c] = v / N;
            }
            if (shown) {
                const ts_tensor *bx = scene_check_need(d, "bn.x");
                for (int i = 0; i < N * W; i++) x_err = fmax(x_err, fabs(z[i] - bx->data[i]));
                CHECK(x_err < 1e-4 * (1 + fabs(bx->data[0])), "%s: bn.x differs by %g", where, x_err);
                CHECK(maxrel(mean, scene_check_need(d, "bn.mean")->data, (size_t)W) < 1e-4 &&
                      maxrel(var, scene_check_need(d, "bn.var")->data, (size_t)W) < 1e-4, "%s: bn.mean/var", where);
                double rm[WM], rv[WM];
                const ts_tensor *rm0 = scene_check_need(d, "bn.running_mean.before"),
                                *rv0 = scene_check_need(d, "bn.running_var.before");
                for (int c = 0; c < W; c++) {
                    rm[c] = 0.9 * rm0->data[c] + 0.1 * mean[c];
                    rv[c] = 0.9 * rv0->data[c] + 0.1 * var[c] * N / (N - 1);
                }
                CHECK(maxrel(rm, scene_check_need(d, "bn.running_mean.after")->data, (size_t)W) < 1e-4 &&
                      maxrel(rv, scene_check_need(d, "bn.running_var.after")->data, (size_t)W) < 1e-4,
                      "%s: running stats after", where);
                /* layer norm of the same tensor, with ln.weight/bias */
                const ts_tensor *lw = scene_check_need(d, "ln.weight"), *lb = scene_check_need(d, "ln.bias"),
                                *ly = scene_check_need(d, "ln.y");
                double lerr = 0;
                for (int i = 0; i < N; i++) {
                    double m = 0, v = 0;
                    for (int c = 0; c < W; c++) m += z[i * W + c];
                    m /= W;
                    for (int c = 0; c < W; c++) v += (z[i * W + c] - m) * (z[i * W + c] - m);
                    v /= W;
                    for (int c = 0; c < W; c++) {
                        double y = (z[i * W + c] - m) / sqrt(v + 1e-5) * lw->data[c] + lb->data[c];
                        lerr = fmax(lerr, fabs(y - ly->data[i * W + c]));
                    }
                }
                CHECK(lerr < 1e-3, "%s: ln.y differs by %g", where, lerr);
            }
            for (int i = 0; i < N; i++)
                for (int c = 0; c < W; c++) {
                    double xhv = (z[i * W + c] - mean[c]) / sqrt(var[c] + 1e-5);
                    if (shown) xh_err = fmax(xh_err, fabs(xhv - scene_check_need(d, "bn.xhat")->data[i * W + c]));
                    z[i * W + c] = xhv * g->data[c] + be->data[c];
                }
            if (shown) {
                CHECK(xh_err < 1e-3, "%s: bn.xhat differs by %g", where, xh_err);
                double yerr = 0;
                const ts_tensor *by = scene_check_need(d, "bn.y");
                for (int i = 0; i < N * W; i++) yerr = fmax(yerr, fabs(z[i] - by->data[i]));
                CHECK(yerr < 1e-3, "%s: bn.y differs by %g", where, yerr);
            }
            idx++;
        }
        for (int i = 0; i < N * W; i++) h[i] = z[i] > 0 ? z[i] : 0;
        snprintf(fmt, sizeof fmt, "%s.act.%%d", pre);
        const ts_tensor *a = T(d, fmt, idx);
        CHECK(a && ts_numel(a) == (size_t)N * W, "%s: %s.act.%d missing", where, pre, idx);
        if (a) {
            double err = 0, mx = 1e-6;
            for (int i = 0; i < N * W; i++) err = fmax(err, fabs(h[i] - a->data[i])), mx = fmax(mx, fabs(h[i]));
            CHECK(err / mx < 1e-4, "%s: %s.act.%d differs by %g (of %g)", where, pre, idx, err, mx);
        }
        idx++;
        in = W;
    }
    free(h);
    free(z);
}

/* The example in eval mode, and alone in a training batch. */
static void check_example(const ts_dump *d, const char *where) {
    double depth, ex;
    ts_dump_get_param(d, "depth", &depth);
    ts_dump_get_param(d, "example", &ex);
    const ts_tensor *x = scene_check_need(d, "x");
    for (int mode = 0; mode < 2; mode++) {
        double h[WM] = { x->data[2 * (int)ex], x->data[2 * (int)ex + 1] }, z[WM];
        int in = 2, idx = 0;
        for (int k = 0; k < (int)depth; k++) {
            const ts_tensor *w = T(d, "bn.%d.weight", idx), *b = T(d, "bn.%d.bias", idx);
            int W = w->shape[0];
            for (int o = 0; o < W; o++) {
                double s = b->data[o];
                for (int j = 0; j < in; j++) s += (double)w->data[o * in + j] * h[j];
                z[o] = s;
            }
            if (k == (int)depth - 1) break;
            idx++;
            const ts_tensor *rm = T(d, "bn.%d.running_mean", idx);
            if (rm) {
                const ts_tensor *rv = T(d, "bn.%d.running_var", idx), *g = T(d, "bn.%d.weight", idx),
                                *be = T(d, "bn.%d.bias", idx);
                for (int c = 0; c < W; c++)
                    z[c] = mode == 0 ? (z[c] - rm->data[c]) / sqrt(rv->data[c] + 1e-5) * g->data[c] + be->data[c]
                                     : be->data[c];
                idx++;
            }
            for (int c = 0; c < W; c++) h[c] = z[c] > 0 ? z[c] : 0;
            idx++;
            in = W;
        }
        double p1 = 1 / (1 + exp(z[0] - z[1]));
        const ts_tensor *got = scene_check_need(d, mode == 0 ? "example.eval_probs" : "example.batch1_probs");
        CHECK(fabs(p1 - got->data[1]) < 1e-4, "%s: example %s p1 %g vs %g", where, mode ? "batch of one" : "eval",
              p1, got->data[1]);
    }
}

static void check_story(const char *preset, const char *where) {
    char err[512];
    scene *s = scene_open(preset, err, sizeof err);
    CHECK(s != NULL, "%s: %s", where, err);
    if (!s) return;
    ts_arena a = { 0 };
    ts_dump *d[BB_COUNT];
    for (int b = 0; b < BB_COUNT; b++) {
        d[b] = scene_check_dump(s, b, &a);
        char w[64];
        snprintf(w, sizeof w, "%s beat %d", where, b + 1);
        check_net(d[b], "plain", w);
        check_net(d[b], "bn", w);
        check_example(d[b], w);
    }
    ts_dump *again = scene_check_dump(s, BB_TRAIN, &a);
    CHECK(scene_check_same(again, d[BB_TRAIN], "bn.x") && scene_check_same(again, d[BB_TRAIN], "plain.act.1") &&
          scene_check_same(again, d[BB_TRAIN], "bn.0.weight"),
          "%s: beat 4 after a rewind differs", where);
    CHECK(!scene_check_same(d[BB_DRIFT], d[BB_TRAIN], "bn.0.weight"), "%s: training moved nothing", where);
    ts_arena_free(&a);
    scene_close(s);
}

static void check_asset(void) {
    char err[512];
    scene *s = scene_open("scenes/batchnorm.scene", err, sizeof err);
    CHECK(s != NULL, "default: %s", err);
    if (!s) return;
    const bn_state *st = s->state;
    CHECK(st->pretrained, "the default preset did not start from the shipped trained state");
    ts_arena a = { 0 };
    ts_dump *shipped = scene_check_dump(s, BB_SWEEP, &a);
    scene_check_dump_at(s, BB_TRAIN, 5.0, &a);
    ts_dump *replayed = scene_check_dump(s, BB_SWEEP, &a);
    CHECK(scene_check_same(shipped, replayed, "bn.0.weight") && scene_check_same(shipped, replayed, "bn.1.running_var") &&
          scene_check_same(shipped, replayed, "plain.18.weight"), "the shipped trained state differs from a replay");
    check_net(shipped, "bn", "shipped");
    ts_arena_free(&a);
    scene_close(s);
}

int main(void) {
    scene_check_init();
    check_asset();
    check_story(scene_check_preset("batchnorm", "small",
                                   "[batchnorm]\ndepth = 4\nwidth = 6\npoints = 64\nbatch = 16\nfirst_steps = 10\n"
                                   "steps = 60\nlr = 0.05\n"), "small");
    check_story(scene_check_preset("batchnorm", "off",
                                   "[batchnorm]\ndepth = 5\nwidth = 5\npoints = 64\nbatch = 8\nfirst_steps = 5\n"
                                   "steps = 50\nbn_off = 0, 2\nfeature = 4\n"), "off");
    scene_check_bad("batchnorm", "[batchnorm]\ndepth = 20\n", "depth must be 3..16");
    scene_check_bad("batchnorm", "[batchnorm]\nwidth = 8\nfeature = 9\n", "feature must be below width (8)");
    scene_check_bad("batchnorm", "[batchnorm]\ndepth = 4\nbn_off = 3\n", "bn_off names a layer past the 3 hidden layers");
    scene_check_bad("batchnorm", "[batchnorm]\nfirst_steps = 900\nsteps = 500\n", "first_steps");
    scene_check_bad("batchnorm", "[batchnorm]\nlr = 9\n", "lr must be");
    scene_check_bad("batchnorm", "[batchnorm]\ncolour = red\n", "colour");
    return scene_check_done();
}
