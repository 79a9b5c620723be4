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

static int passed, failed;
#define CHECK(cond, ...)                                                              \
    do {                                                                              \
        if (cond) passed++;                                                           \
        else {                                                                        \
            failed++;                                                                 \
            fprintf(stderr, "%s:%d: check failed: %s: ", __FILE__, __LINE__, #cond);  \
            fprintf(stderr, __VA_ARGS__);                                             \
            fputc('\n', stderr);                                                      \
        }                                                                             \
    } while (0)

static char tmpdir[] = "/tmp/ts-diff-XXXXXX";

static const char *preset(const char *name, const char *body) {
    static char path[256];
    snprintf(path, sizeof path, "%s/%s.scene", tmpdir, name);
    FILE *f = fopen(path, "w");
    fprintf(f, "[scene]\nkind = diffusion\ntitle = test\n\n%s", body);
    fclose(f);
    return path;
}

static ts_dump *dump_at(scene *s, int beat, ts_arena *a) {
    ui_ctx ui;
    ui_init(&ui, &ui_theme_dark);
    s->clock = scene_clock_beat(s->kind, beat, 1e9);
    s->kind->update(s->state, &s->clock, &ui);
    ts_dump *d = ts_dump_new("diffusion", beat + 1);
    s->kind->dump(s->state, &s->clock, d);
    char *json = ts_dump_to_string(d);
    ts_dump_free(d);
    char err[256];
    ts_dump *back = ts_dump_parse(json, a, err, sizeof err);
    free(json);
    ui_shutdown(&ui);
    return back;
}

static const ts_tensor *need(const ts_dump *d, const char *name) {
    const ts_tensor *t = ts_dump_find(d, name);
    if (!t) { fprintf(stderr, "dump has no %s\n", name); exit(1); }
    return t;
}

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
    const ts_tensor *betas = need(d, "schedule.betas"), *ab = need(d, "schedule.alpha_bar");
    int T = betas->shape[0];
    double p = 1, worst = 0;
    for (int t = 0; t < T; t++) {
        p *= 1 - (double)betas->data[t];
        worst = fmax(worst, fabs(p - ab->data[t]));
    }
    CHECK(worst < 1e-5, "%s: alpha_bar is the product of 1 - betas (%g)", where, worst);
    int t = (int)param(d, "t");
    int E = (int)param(d, "temb_size");
    const ts_tensor *xt = need(d, "xt"), *din = need(d, "denoiser.in"), *temb = need(d, "temb");
    const ts_tensor *ep = need(d, "eps_pred");
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
        const ts_tensor *x0 = need(d, "x0"), *eps = need(d, "eps");
        double w = 0, a = sqrt((double)ab->data[t]), s = sqrt(1 - (double)ab->data[t]);
        for (int i = 0; i < 2 * N; i++) w = fmax(w, fabs(a * x0->data[i] + s * eps->data[i] - xt->data[i]));
        CHECK(w < 1e-5, "%s: xt from x0 and eps (%g)", where, w);
        return;
    }
    double sab = param(d, "step_alpha_bar"), sprev = param(d, "step_alpha_bar_prev"), sb = param(d, "step_beta");
    const ts_tensor *x0p = need(d, "x0_pred"), *mean = need(d, "posterior_mean"), *z = need(d, "z");
    const ts_tensor *xp = need(d, "x_prev");
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

static bool same(const ts_dump *a, const ts_dump *b, const char *name) {
    const ts_tensor *x = ts_dump_find(a, name), *y = ts_dump_find(b, name);
    return x && y && ts_numel(x) == ts_numel(y) && memcmp(x->data, y->data, sizeof(float) * ts_numel(x)) == 0;
}

static void check_story(const char *path, const char *where) {
    char err[512];
    scene *s = scene_open(path, err, sizeof err);
    CHECK(s != NULL, "%s: %s", where, err);
    if (!s) return;
    ts_arena a = { 0 };
    ts_dump *d[DB_COUNT];
    for (int b = 0; b < DB_COUNT; b++) {
        d[b] = dump_at(s, b, &a);
        char w[64];
        snprintf(w, sizeof w, "%s beat %d", where, b + 1);
        check_dump(d[b], w);
    }
    ts_dump *again = dump_at(s, DB_TRAIN, &a);
    CHECK(same(again, d[DB_TRAIN], "denoiser.0.weight") && same(again, d[DB_TRAIN], "eps_pred"),
          "%s: beat 5 after a rewind differs", where);
    again = dump_at(s, DB_REVERSE, &a);
    CHECK(same(again, d[DB_REVERSE], "x_prev"), "%s: beat 6 replayed differs", where);
    CHECK(ts_dump_find(d[DB_FEWER], "samples.10_steps") != NULL, "%s: samplers dumped", where);
    ts_arena_free(&a);
    scene_close(s);
}

static void check_bad(const char *body, const char *want) {
    char err[512] = "";
    scene *s = scene_open(preset("bad", body), err, sizeof err);
    CHECK(s == NULL && strstr(err, want) && !strchr(err, '\n'), "bad preset '%s' gave '%s'", body, err);
    if (s) scene_close(s);
}

int main(void) {
    if (!mkdtemp(tmpdir)) { perror("mkdtemp"); return 1; }
    check_story(preset("small", "[diffusion]\nhidden = 16\nbatch = 32\nsteps = 120\nt = 40\n"), "small");
    check_story(preset("cosine", "[diffusion]\nhidden = 16\nbatch = 32\nsteps = 100\nschedule = cosine\n"
                                 "data = moons\n"), "cosine");
    check_bad("[diffusion]\ndata = swirl\n", "data must be one of spiral, moons, ring, drawn");
    check_bad("[diffusion]\nt = 1000\n", "t must be 1..999");
    check_bad("[diffusion]\ndata = drawn\n", "at least 8");
    check_bad("[diffusion]\nschedule = sigmoid\n", "schedule must be one of");
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", tmpdir);
    fprintf(stderr, "%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
