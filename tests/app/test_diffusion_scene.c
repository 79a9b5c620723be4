/* test_diffusion_scene: every beat's dump of the diffusion scene recomputes
 * from its own inputs with arithmetic written here in double:
 *   alpha_bar = cumulative product of (1 - betas); forward beats:
 *   xt = sqrt(ab_t) x0 + sqrt(1 - ab_t) eps; temb from its formula;
 *   denoiser.in = [xt, temb] (digits: [xt flattened, temb, class one-hot]);
 *   eps_pred = the dumped MLP (Linear + SiLU), for digits guided:
 *   eps_uncond + guidance (eps_cond - eps_uncond), eps_uncond the MLP on the
 *   rows with the one-hot zeroed; reverse beats: x0_pred (clipped to [-1, 1]
 *   for digits), posterior_mean and x_prev from xt, eps_pred, z and the
 *   step's alpha_bar, alpha_bar_prev and beta.
 * Both halves of the story: the digits (show = digits, the image model from
 * assets/) and the 2-D points. Also: scrubbing back gives what playing gave,
 * for the 2-D training and for the digit chain (going back recomputes one
 * step only, and must give the same numbers); bad presets are refused in
 * one line. Small presets keep it quick under the sanitizer. */
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

/* The denoiser on one input row, in double: out [n_out]. zero_from: inputs
 * from this index on read as 0 (the unconditional row); n_in for none. */
static void mlp(const ts_dump *d, const float *in, int n_in, int zero_from, double *out, int n_out) {
    static double a[4096], b[4096];
    int n = n_in;
    for (int i = 0; i < n; i++) a[i] = i < zero_from ? in[i] : 0;
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
        if (o > 4096 || w->shape[1] != n) { CHECK(false, "%s is [%d, %d] after %d values", wn, o, w->shape[1], n); return; }
        for (int j = 0; j < o; j++) {
            double s = bias->data[j];
            for (int i = 0; i < n; i++) s += (double)w->data[j * n + i] * a[i];
            b[j] = last ? s : s / (1 + exp(-s));
        }
        n = o;
        memcpy(a, b, sizeof(double) * (size_t)n);
    }
    CHECK(n == n_out, "the denoiser's output has %d values, expected %d", n, n_out);
    for (int i = 0; i < n_out && i < n; i++) out[i] = a[i];
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
    const char *data = ts_dump_get_param_str(d, "data");
    bool digits = data && strcmp(data, "digits") == 0;
    CHECK(data && (digits || strcmp(data, "points") == 0), "%s: data is digits or points", where);
    const ts_tensor *xt = scene_check_need(d, "xt"), *din = scene_check_need(d, "denoiser.in"), *temb = scene_check_need(d, "temb");
    const ts_tensor *ep = scene_check_need(d, "eps_pred");
    int N = xt->shape[0], X = (int)(ts_numel(xt) / N);   /* values per sample: 2, or 256 pixels */
    int C = digits ? (int)param(d, "num_classes") : 0, cls = digits ? (int)param(d, "class") : -1, D = X + E + C;
    CHECK(din->shape[1] == D && (!digits || (xt->ndim == 4 && X == 256)), "%s: denoiser.in is [N, %d]", where, D);
    const ts_tensor *ec = digits ? scene_check_need(d, "eps_cond") : NULL, *eu = digits ? scene_check_need(d, "eps_uncond") : NULL;
    double g = digits ? param(d, "guidance") : 1;
    double tw = 0, dw = 0, ew = 0, cw = 0, uw = 0;
    static double oc[256], ou[256], og[256];
    for (int i = 0; i < N; i++) {
        const float *row = din->data + (size_t)i * D;
        for (int k = 0; k < E / 2; k++) {
            double f = exp(-log(10000.0) * k / (E / 2));
            tw = fmax(tw, fabs(sin(t * f) - temb->data[i * E + k]));
            tw = fmax(tw, fabs(cos(t * f) - temb->data[i * E + k + E / 2]));
        }
        for (int k = 0; k < X; k++) dw = fmax(dw, fabs(row[k] - xt->data[(size_t)i * X + k]));
        for (int k = 0; k < E; k++) dw = fmax(dw, fabs(row[X + k] - temb->data[i * E + k]));
        for (int k = 0; k < C; k++) dw = fmax(dw, fabs(row[X + E + k] - (k == cls)));
        mlp(d, row, D, D, oc, X);
        if (digits) {   /* guided: the same rows without the class */
            mlp(d, row, D, X + E, ou, X);
            for (int k = 0; k < X; k++) og[k] = ou[k] + g * (oc[k] - ou[k]);
            cw = fmax(cw, maxdiff(ec->data + (size_t)i * X, oc, X));
            uw = fmax(uw, maxdiff(eu->data + (size_t)i * X, ou, X));
        } else {
            memcpy(og, oc, sizeof(double) * X);
        }
        ew = fmax(ew, maxdiff(ep->data + (size_t)i * X, og, X));
    }
    CHECK(tw < 1e-5 && dw == 0 && ew < 1e-4 && cw < 1e-4 && uw < 1e-4,
          "%s: temb %g, denoiser.in %g, eps_pred %g, eps_cond %g, eps_uncond %g", where, tw, dw, ew, cw, uw);
    const char *stage = ts_dump_get_param_str(d, "stage");
    if (stage && strcmp(stage, "forward") == 0) {
        const ts_tensor *x0 = scene_check_need(d, "x0"), *eps = scene_check_need(d, "eps");
        double w = 0, a = sqrt((double)ab->data[t]), s = sqrt(1 - (double)ab->data[t]);
        for (int i = 0; i < X * N; i++) w = fmax(w, fabs(a * x0->data[i] + s * eps->data[i] - xt->data[i]));
        CHECK(w < 1e-5, "%s: xt from x0 and eps (%g)", where, w);
        return;
    }
    bool clip = param(d, "clip_x0") != 0;
    CHECK(clip == digits, "%s: x0 is clipped for digits only", where);
    double sab = param(d, "step_alpha_bar"), sprev = param(d, "step_alpha_bar_prev"), sb = param(d, "step_beta");
    const ts_tensor *x0p = scene_check_need(d, "x0_pred"), *mean = scene_check_need(d, "posterior_mean"), *z = scene_check_need(d, "z");
    const ts_tensor *xp = scene_check_need(d, "x_prev");
    double w0 = 0, wm = 0, wp = 0;
    double c1 = sb * sqrt(sprev) / (1 - sab), c2 = sqrt(1 - sb) * (1 - sprev) / (1 - sab);
    double sd = sqrt(sb * (1 - sprev) / (1 - sab));
    for (int i = 0; i < X * N; i++) {
        double x0 = (xt->data[i] - sqrt(1 - sab) * ep->data[i]) / sqrt(sab);
        if (clip) x0 = fmin(1, fmax(-1, x0));
        w0 = fmax(w0, fabs(x0 - x0p->data[i]) / (1 + fabs(x0)));
        double m = c1 * x0p->data[i] + c2 * xt->data[i];
        wm = fmax(wm, fabs(m - mean->data[i]));
        wp = fmax(wp, fabs(mean->data[i] + sd * z->data[i] - xp->data[i]));
    }
    CHECK(w0 < 1e-4 && wm < 1e-4 && wp < 1e-5, "%s: x0_pred %g, posterior_mean %g, x_prev %g", where, w0, wm, wp);
}


/* digits: which beats show images (params data) */
static void check_story(const char *path, const char *where, bool digits) {
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
        const char *data = ts_dump_get_param_str(d[b], "data");
        bool img = digits && b != DB_TRAIN && b != DB_FEWER;
        CHECK(data && strcmp(data, img ? "digits" : "points") == 0, "%s: shows %s", w, img ? "digits" : "points");
    }
    ts_dump *again = scene_check_dump(s, DB_TRAIN, &a);
    CHECK(scene_check_same(again, d[DB_TRAIN], "denoiser.0.weight") && scene_check_same(again, d[DB_TRAIN], "eps_pred"),
          "%s: beat 5 after a rewind differs", where);
    again = scene_check_dump(s, DB_REVERSE, &a);
    CHECK(scene_check_same(again, d[DB_REVERSE], "x_prev") && scene_check_same(again, d[DB_REVERSE], "eps_pred"),
          "%s: beat 6 replayed differs", where);
    CHECK(ts_dump_find(d[DB_FEWER], "samples.10_steps") != NULL, "%s: samplers dumped", where);
    if (digits) {
        /* scrubbing the chain: midway through beat 7 after its end, and in a
         * scene that never went further, are the same numbers */
        double mid = 0.4 * diff_beats[DB_CHAIN].duration;
        ts_dump *back = scene_check_dump_at(s, DB_CHAIN, mid, &a);
        scene *fresh = scene_open(path, err, sizeof err);
        ts_dump *first = scene_check_dump_at(fresh, DB_CHAIN, mid, &a);
        const char *names[] = { "x_chain", "xt", "eps_pred", "x0_pred", "z", "x_prev" };
        for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
            CHECK(scene_check_same(back, first, names[i]), "%s: %s midway through beat 7 depends on the past", where,
                  names[i]);
        double t0 = 0, t1 = 0;
        CHECK(ts_dump_get_param(back, "t", &t0) && ts_dump_get_param(first, "t", &t1) && t0 == t1 && t0 > 0,
              "%s: the same step midway through beat 7 (t %g and %g)", where, t0, t1);
        check_dump(back, "midway through beat 7");
        scene_close(fresh);
    }
    ts_arena_free(&a);
    scene_close(s);
}

int main(void) {
    scene_check_init();
    check_story(scene_check_preset("diffusion", "small", "[diffusion]\nhidden = 16\nbatch = 32\nsteps = 120\nt = 40\n"
                                   "digit_steps = 100\nclass = 7\nguidance = 2\n"), "small", true);
    check_story(scene_check_preset("diffusion", "cosine", "[diffusion]\nhidden = 16\nbatch = 32\nsteps = 100\nschedule = cosine\n"
                                 "data = moons\n"), "cosine", true);
    check_story(scene_check_preset("diffusion", "points", "[diffusion]\nshow = points\nhidden = 16\nbatch = 32\nsteps = 100\n"),
                "points", false);
    scene_check_bad("diffusion", "[diffusion]\ndata = swirl\n", "data must be one of spiral, moons, ring, drawn");
    scene_check_bad("diffusion", "[diffusion]\nt = 1000\n", "t must be 1..999");
    scene_check_bad("diffusion", "[diffusion]\ndata = drawn\n", "at least 8");
    scene_check_bad("diffusion", "[diffusion]\nschedule = sigmoid\n", "schedule must be one of");
    scene_check_bad("diffusion", "[diffusion]\nshow = pictures\n", "show must be one of digits, points");
    scene_check_bad("diffusion", "[diffusion]\nclass = 10\n", "class must be 0..9");
    scene_check_bad("diffusion", "[diffusion]\nguidance = 11\n", "guidance must be");
    scene_check_bad("diffusion", "[diffusion]\ndigit_steps = 5\n", "digit_steps must be 10..1000");
    return scene_check_done();
}
