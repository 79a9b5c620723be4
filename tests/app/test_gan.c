/* test_gan: the gan scene's dumps recompute from their own inputs, with
 * arithmetic written here (plain double loops, not the kernel's MLP):
 *   fake = G(z); D.real_logits = D(real); D.fake_logits = D(fake);
 *   loss.D and loss.G (the variant in params) from the logits;
 *   grad.fake against central finite differences of loss.G (the arrows);
 *   field = sigmoid(D) at the grid's cell centres.
 * Also: the story is a function of the clock (a beat dumped after visiting a
 * later one is identical), the collapse preset's settings train, and bad
 * presets are refused with one line.
 * A small preset (few steps, batch 64) keeps it fast under the sanitizer. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kernel/dump.h"
#include "scene/scene.h"
#include "scenes/gan/gan_scene.h"
#include "ui/ui.h"
#include "scene_check.h"


/* One MLP in double: 3 Linear layers, LeakyReLU(slope) between (slope 0: ReLU). */
static double mlp(const ts_dump *d, const char *net, double slope, const double *x, int out_dim,
                  double *out) {
    double a[256], b[256];
    int n = 2;
    for (int i = 0; i < 2; i++) a[i] = x[i];
    for (int k = 0; k < 3; k++) {
        char wn[32], bn[32];
        snprintf(wn, sizeof wn, "%s.%d.weight", net, 2 * k);
        snprintf(bn, sizeof bn, "%s.%d.bias", net, 2 * k);
        const ts_tensor *w = scene_check_need(d, wn), *bias = scene_check_need(d, bn);
        int o = w->shape[0];
        for (int j = 0; j < o; j++) {
            double s = bias->data[j];
            for (int i = 0; i < n; i++) s += (double)w->data[j * n + i] * a[i];
            b[j] = k < 2 ? (s > 0 ? s : slope * s) : s;
        }
        n = o;
        memcpy(a, b, sizeof(double) * (size_t)n);
    }
    for (int i = 0; i < out_dim; i++) out[i] = a[i];
    return a[0];
}

static double softplus(double l) { return fmax(l, 0) + log1p(exp(-fabs(l))); }

/* loss.G of one fake's logit (before the mean). */
static double g_term(double l, bool minimax) { return minimax ? -softplus(l) : softplus(-l); }

static void check_dump(const ts_dump *d, const char *where) {
    double slope = 0, extent = 0, rows = 0;
    CHECK(ts_dump_get_param(d, "slope", &slope) && ts_dump_get_param(d, "field_extent", &extent) &&
          ts_dump_get_param(d, "field_rows", &rows), "%s: params", where);
    const char *variant = ts_dump_get_param_str(d, "loss");
    bool minimax = variant && strcmp(variant, "minimax") == 0;
    const ts_tensor *z = scene_check_need(d, "z"), *real = scene_check_need(d, "real"), *fake = scene_check_need(d, "fake");
    const ts_tensor *rl = scene_check_need(d, "D.real_logits"), *fl = scene_check_need(d, "D.fake_logits");
    const ts_tensor *grad = scene_check_need(d, "grad.fake"), *field = scene_check_need(d, "field");
    int N = z->shape[0];
    CHECK(fake->shape[0] == N && fake->shape[1] == 2 && rl->shape[1] == 1, "%s: shapes", where);
    double maxd = 0, ld = 0, lg = 0;
    for (int i = 0; i < N; i++) {
        double zi[2] = { z->data[2 * i], z->data[2 * i + 1] }, f[2], l;
        mlp(d, "G", slope, zi, 2, f);
        maxd = fmax(maxd, fmax(fabs(f[0] - fake->data[2 * i]), fabs(f[1] - fake->data[2 * i + 1])));
        double fi[2] = { fake->data[2 * i], fake->data[2 * i + 1] };
        l = mlp(d, "D", slope, fi, 1, f);
        maxd = fmax(maxd, fabs(l - fl->data[i]));
        ld += softplus(l) / N;
        lg += g_term(l, minimax) / N;
        double ri[2] = { real->data[2 * i], real->data[2 * i + 1] };
        double lr = mlp(d, "D", slope, ri, 1, f);
        maxd = fmax(maxd, fabs(lr - rl->data[i]));
        ld += softplus(-lr) / N;
    }
    CHECK(maxd < 1e-4, "%s: fake/logits differ by %g", where, maxd);
    CHECK(fabs(ld - scene_check_need(d, "loss.D")->data[0]) < 1e-4, "%s: loss.D %g vs %g", where, ld,
          scene_check_need(d, "loss.D")->data[0]);
    CHECK(fabs(lg - scene_check_need(d, "loss.G")->data[0]) < 1e-4, "%s: loss.G %g vs %g", where, lg,
          scene_check_need(d, "loss.G")->data[0]);
    /* The arrows: d loss.G / d fake by central differences, for 16 fakes. */
    double worst = 0;
    for (int i = 0; i < 16; i++)
        for (int c = 0; c < 2; c++) {
            double x[2] = { fake->data[2 * i], fake->data[2 * i + 1] }, f[1], h = 1e-7;
            x[c] += h;
            double up = g_term(mlp(d, "D", slope, x, 1, f), minimax);
            x[c] -= 2 * h;
            double dn = g_term(mlp(d, "D", slope, x, 1, f), minimax);
            double fd = (up - dn) / (2 * h) / N, got = grad->data[2 * i + c];
            worst = fmax(worst, fabs(fd - got) / (fabs(fd) + 1e-5));
        }
    CHECK(worst < 2e-2, "%s: grad.fake vs finite differences: worst relative %g", where, worst);
    int R = (int)rows;
    double fmaxd = 0;
    for (int i = 0; i < R; i += 7)
        for (int j = 0; j < R; j += 5) {
            double x[2] = { -extent + (j + 0.5) * 2 * extent / R, extent - (i + 0.5) * 2 * extent / R }, f[1];
            double p = 1 / (1 + exp(-mlp(d, "D", slope, x, 1, f)));
            fmaxd = fmax(fmaxd, fabs(p - field->data[i * R + j]));
        }
    CHECK(fmaxd < 1e-5, "%s: field differs by %g", where, fmaxd);
}

static void check_story(const char *preset, const char *where, bool modes) {
    char err[512];
    scene *s = scene_open(preset, err, sizeof err);
    CHECK(s != NULL, "%s: %s", where, err);
    if (!s) return;
    ts_arena a = { 0 };
    ts_dump *d[GB_COUNT];
    for (int b = 0; b < GB_COUNT; b++) {
        d[b] = scene_check_dump(s, b, &a);
        char w[64];
        snprintf(w, sizeof w, "%s beat %d", where, b + 1);
        check_dump(d[b], w);
    }
    /* back to beat 3 and 5 after the last beat: exactly what playing gave */
    ts_dump *again = scene_check_dump(s, GB_D_STEP, &a);
    CHECK(scene_check_same(again, d[GB_D_STEP], "field") && scene_check_same(again, d[GB_D_STEP], "D.0.weight"),
          "%s: beat 3 after a rewind differs", where);
    again = scene_check_dump(s, GB_TRAIN, &a);
    CHECK(scene_check_same(again, d[GB_TRAIN], "fake") && scene_check_same(again, d[GB_TRAIN], "G.4.bias"),
          "%s: beat 5 after a rewind differs", where);
    CHECK((ts_dump_find(d[GB_TRAIN], "coverage") != NULL) == modes, "%s: coverage dumped", where);
    CHECK(!scene_check_same(d[GB_FIELD], d[GB_D_STEP], "field"), "%s: the D step changed the field", where);
    ts_arena_free(&a);
    scene_close(s);
}

int main(void) {
    scene_check_init();
    check_story(scene_check_preset("gan", "small", "[gan]\nbatch = 64\nhidden = 16\nfirst_steps = 60\nsteps = 200\n"),
                "small", true);
    check_story(scene_check_preset("gan", "minimax", "[gan]\nbatch = 32\nhidden = 8\nloss = minimax\nslope = 0\n"
                                        "target = moons\nfirst_steps = 20\nsteps = 100\n"), "minimax", false);
    check_story(scene_check_preset("gan", "drawn", "[gan]\nbatch = 32\nhidden = 8\ntarget = drawn\nfirst_steps = 20\n"
                                      "steps = 100\n[drawn]\npoints = 0 0 1 1 -1 1 2 0 0 2 -2 -2 1 -1 0.5 0.5\n"),
                "drawn", false);
    scene_check_bad("gan", "[gan]\ntarget = spiral\n", "target must be one of ring, grid, moons, line, drawn");
    scene_check_bad("gan", "[gan]\nhidden = 4\n", "hidden must be 8..128");
    scene_check_bad("gan", "[gan]\nfirst_steps = 900\nsteps = 500\n", "first_steps");
    scene_check_bad("gan", "[gan]\ntarget = drawn\n[drawn]\npoints = 0 0 1 1\n", "at least 8");
    scene_check_bad("gan", "[gan]\nloss = wasserstein\n", "loss must be one of");
    scene_check_bad("gan", "[gan]\ncolour = red\n", "colour");
    return scene_check_done();
}
