/* test_diffusion_scene: every beat's dump of the diffusion scene recomputes
 * from its own inputs with arithmetic written here in double:
 *   alpha_bar = cumulative product of (1 - betas); forward beats:
 *   xt = sqrt(ab_t) x0 + sqrt(1 - ab_t) eps; temb from its formula;
 *   denoiser.in = [xt, temb]; eps_pred = the dumped MLP (Linear + SiLU);
 *   reverse beats: x0_pred, posterior_mean and x_prev from xt, eps_pred, z
 *   and the step's alpha_bar, alpha_bar_prev and beta.
 * Also: scrubbing back gives what playing gave; bad presets are refused in
 * one line. A small preset keeps it quick under the sanitizer. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kernel/dump.h"
#include "scene/scene.h"
#include "scenes/diffusion/diff_scene.h"
#include "ui/ui.h"
#include "scene_check.h"


static double param(const ts_dump *d, const char *name) {
    double v = NAN;
    CHECK(ts_dump_get_param(d, name, &v), "param %s", name);
    return v;
}

/* The denoiser on one input row, in double. */
static void mlp(const ts_dump *d, const float *in, int n_in, double *out) {
    double a[512], b[512];
    int n = n_in;
    for (int i = 0; i < n; i++) a[i] = in[i];
    for (int k = 0;; k++) {
        char wn[48], bn[48];
        snprintf(wn, sizeof wn, "denoiser.%d.weight", 2 * k);
        snprintf(bn, sizeof bn, "denoiser.%d.bias", 2 * k);
        const ts_tensor *w = ts_dump_find(d, wn), *bias = ts_dump_find(d, bn);
        if (!w) break;
        char next[48];
        snprintf(next, sizeof next, "denoiser.%d.weight", 2 * k + 2);
        bool last = !ts_dump_find(d, next);
        int o = w->shape[0];
        for (int j = 0; j < o; j++) {
            double s = bias->data[j];
            for (int i = 0; i < n; i++) s += (double)w->data[j * n + i] * a[i];
            b[j] = last ? s : s / (1 + exp(-s));
        }
        n = o;
        memcpy(a, b, sizeof(double) * (size_t)n);
    }
    out[0] = a[0];
    out[1] = a[1];
}

static double maxdiff(const float *a, const double *b, int n) {
    double m = 0;
    for (int i = 0; i < n; i++) m = fmax(m, fabs(a[i] - b[i]));
    return m;
}

static void check_dump(const ts_dump *d, const char *where) {
    const ts_tensor *betas = scene_check_need(d, "schedule.betas"), *ab = scene_check_need(d, "schedule.alpha_bar");
    int T = betas->shape[0];
    double p = 1, worst = 0;
    for (int t = 0; t < T; t++) {
        p *= 1 - (double)betas->data[t];
        worst = fmax(worst, fabs(p - ab->data[t]));
    }
    CHECK(worst < 1e-5, "%s: alpha_bar is the product of 1 - betas (%g)", where, worst);
    int t = (int)param(d, "t");
    int E = (int)param(d, "temb_size");
    const ts_tensor *xt = scene_check_need(d, "xt"), *din = scene_check_need(d, "denoiser.in"), *temb = scene_check_need(d, "temb");
    const ts_tensor *ep = scene_check_need(d, "eps_pred");
    int N = xt->shape[0];
    double tw = 0, dw = 0, ew = 0;
    for (int i = 0; i < N; i++) {
        for (int k = 0; k < E / 2; k++) {
            double f = exp(-log(10000.0) * k / (E / 2));
            tw = fmax(tw, fabs(sin(t * f) - temb->data[i * E + k]));
            tw = fmax(tw, fabs(cos(t * f) - temb->data[i * E + k + E / 2]));
        }
        dw = fmax(dw, fabs(din->data[i * (2 + E)] - xt->data[2 * i]));
        dw = fmax(dw, fabs(din->data[i * (2 + E) + 1] - xt->data[2 * i + 1]));
        for (int k = 0; k < E; k++) dw = fmax(dw, fabs(din->data[i * (2 + E) + 2 + k] - temb->data[i * E + k]));
        double o[2];
        mlp(d, din->data + (size_t)i * (2 + E), 2 + E, o);
        ew = fmax(ew, maxdiff(ep->data + 2 * i, o, 2));
    }
    CHECK(tw < 1e-5 && dw == 0 && ew < 1e-4, "%s: temb %g, denoiser.in %g, eps_pred %g", where, tw, dw, ew);
    const char *stage = ts_dump_get_param_str(d, "stage");
    if (stage && strcmp(stage, "forward") == 0) {
        const ts_tensor *x0 = scene_check_need(d, "x0"), *eps = scene_check_need(d, "eps");
        double w = 0, a = sqrt((double)ab->data[t]), s = sqrt(1 - (double)ab->data[t]);
        for (int i = 0; i < 2 * N; i++) w = fmax(w, fabs(a * x0->data[i] + s * eps->data[i] - xt->data[i]));
        CHECK(w < 1e-5, "%s: xt from x0 and eps (%g)", where, w);
        return;
    }
    double sab = param(d, "step_alpha_bar"), sprev = param(d, "step_alpha_bar_prev"), sb = param(d, "step_beta");
    const ts_tensor *x0p = scene_check_need(d, "x0_pred"), *mean = scene_check_need(d, "posterior_mean"), *z = scene_check_need(d, "z");
    const ts_tensor *xp = scene_check_need(d, "x_prev");
    double w0 = 0, wm = 0, wp = 0;
    double c1 = sb * sqrt(sprev) / (1 - sab), c2 = sqrt(1 - sb) * (1 - sprev) / (1 - sab);
    double sd = sqrt(sb * (1 - sprev) / (1 - sab));
    for (int i = 0; i < 2 * N; i++) {
        double x0 = (xt->data[i] - sqrt(1 - sab) * ep->data[i]) / sqrt(sab);
        w0 = fmax(w0, fabs(x0 - x0p->data[i]) / (1 + fabs(x0)));
        double m = c1 * x0p->data[i] + c2 * xt->data[i];
        wm = fmax(wm, fabs(m - mean->data[i]));
        wp = fmax(wp, fabs(mean->data[i] + sd * z->data[i] - xp->data[i]));
    }
    CHECK(w0 < 1e-4 && wm < 1e-4 && wp < 1e-5, "%s: x0_pred %g, posterior_mean %g, x_prev %g", where, w0, wm, wp);
}

static void check_story(const char *path, const char *where) {
    char err[512];
    scene *s = scene_open(path, err, sizeof err);
    CHECK(s != NULL, "%s: %s", where, err);
    if (!s) return;
    ts_arena a = { 0 };
    ts_dump *d[DB_COUNT];
    for (int b = 0; b < DB_COUNT; b++) {
        d[b] = scene_check_dump(s, b, &a);
        char w[64];
        snprintf(w, sizeof w, "%s beat %d", where, b + 1);
        check_dump(d[b], w);
    }
    ts_dump *again = scene_check_dump(s, DB_TRAIN, &a);
    CHECK(scene_check_same(again, d[DB_TRAIN], "denoiser.0.weight") && scene_check_same(again, d[DB_TRAIN], "eps_pred"),
          "%s: beat 5 after a rewind differs", where);
    again = scene_check_dump(s, DB_REVERSE, &a);
    CHECK(scene_check_same(again, d[DB_REVERSE], "x_prev"), "%s: beat 6 replayed differs", where);
    CHECK(ts_dump_find(d[DB_FEWER], "samples.10_steps") != NULL, "%s: samplers dumped", where);
    ts_arena_free(&a);
    scene_close(s);
}

int main(void) {
    scene_check_init();
    check_story(scene_check_preset("diffusion", "small", "[diffusion]\nhidden = 16\nbatch = 32\nsteps = 120\nt = 40\n"), "small");
    check_story(scene_check_preset("diffusion", "cosine", "[diffusion]\nhidden = 16\nbatch = 32\nsteps = 100\nschedule = cosine\n"
                                 "data = moons\n"), "cosine");
    scene_check_bad("diffusion", "[diffusion]\ndata = swirl\n", "data must be one of spiral, moons, ring, drawn");
    scene_check_bad("diffusion", "[diffusion]\nt = 1000\n", "t must be 1..999");
    scene_check_bad("diffusion", "[diffusion]\ndata = drawn\n", "at least 8");
    scene_check_bad("diffusion", "[diffusion]\nschedule = sigmoid\n", "schedule must be one of");
    return scene_check_done();
}
