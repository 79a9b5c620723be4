/* test_lstm.c: the lstm scene's numbers against an independent recomputation,
 * its preset keys, its clamps and its trained models.
 *
 * - Dumps: for every beat, and for a default, a long and a clamped setting,
 *   the dumped states, gates, pre-activations, logits, probabilities and
 *   loss equal a double-precision recomputation from the dumped input and
 *   weights by the textbook equations (written out here, not the kernel's),
 *   and every gradient dL/dh_t (and the LSTM's dL/dc_t) and its norm equals
 *   central finite differences of that recomputation restarted from a
 *   nudged state. Every tensor has its
 *   PyTorch shape.
 * - Presets: good keys are taken, bad values and unknown keys are refused
 *   with a message that names the key and the range; text and length
 *   together, and a story step past the end, are refused at init. The
 *   shipped presets load through the real loader (the default and the long
 *   one: the RNN misses, the LSTM and GRU recall; the clamped one: the clamp
 *   changes the LSTM's right answer) and a bad value in a file is reported
 *   as FILE:LINE.
 * - Clamps: a forget gate held at 0.2, or a shut input gate, makes the LSTM
 *   forget the symbol: over 40 sequences the free LSTM is always right, the
 *   clamped one at most half the time, and at least half its answers change.
 * - Models: re-measured from the shipped weights, the LSTM and the GRU
 *   trained at length 60 recall the symbol, the RNN does not; the stored
 *   table says the same; over 60 steps the RNN's ||dL/dh_t|| falls over a
 *   thousand times further than the LSTM's ||dL/dc_t||.
 * - Scripted input through the scene's update: comma and period step the
 *   followed step; a sequence typed into the field (and Enter) reruns the
 *   cells, a bad one changes nothing and says why; the switches clamp and
 *   release the forget and input gates; the slider makes a sequence of 60.
 * - The recompute after an edit is timed (printed) and under 16 ms.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "kernel/dump.h"
#include "scene/scene.h"
#include "scenes/lstm/lstm_draw.h"
#include "scenes/lstm/lstm_scene.h"
#include "ui/ui.h"

#include "app_check.h"

#define H LSTM_H
#define I LSTM_I
#define C LSTM_SYMBOLS

/* ---- the reference: one step of each cell in double, from the dump ---------- */

typedef struct ref_cell {
    int kind, G;
    const float *wih, *whh, *bih, *bhh, *hw, *hb;
    bool on[4];
    double val[4];
} ref_cell;

static double sig(double x) { return 1.0 / (1.0 + exp(-x)); }

/* h, c: state in and out; x: one-hot row; gates out [G*H]; pre out [G*H]; hn out [H]. */
static void ref_step(const ref_cell *m, const float *x, double *h, double *c, double *gates,
                     double *pre, double *hn) {
    double gx[4 * H], gh[4 * H], hnew[H];
    for (int r = 0; r < m->G * H; r++) {
        gx[r] = m->bih[r];
        gh[r] = m->bhh[r];
        for (int k = 0; k < I; k++) gx[r] += (double)m->wih[r * I + k] * x[k];
        for (int k = 0; k < H; k++) gh[r] += (double)m->whh[r * H + k] * h[k];
    }
    for (int j = 0; j < H; j++) {
        if (m->kind == LSTM_CELL_RNN) {
            pre[j] = gx[j] + gh[j];
            hnew[j] = tanh(pre[j]);
        } else if (m->kind == LSTM_CELL_LSTM) {
            double a[4];
            for (int k = 0; k < 4; k++) {
                pre[k * H + j] = gx[k * H + j] + gh[k * H + j];
                a[k] = k == 2 ? tanh(pre[k * H + j]) : sig(pre[k * H + j]);
                if (m->on[k]) a[k] = m->val[k];
                gates[k * H + j] = a[k];
            }
            c[j] = a[1] * c[j] + a[0] * a[2];
            hnew[j] = a[3] * tanh(c[j]);
        } else {
            double r = sig(gx[j] + gh[j]), z = sig(gx[H + j] + gh[H + j]);
            pre[j] = gx[j] + gh[j];
            pre[H + j] = gx[H + j] + gh[H + j];
            pre[2 * H + j] = gx[2 * H + j] + r * gh[2 * H + j];
            double n = tanh(pre[2 * H + j]);
            gates[j] = r; gates[H + j] = z; gates[2 * H + j] = n;
            hn[j] = gh[2 * H + j];
            hnew[j] = (1 - z) * n + z * h[j];
        }
    }
    memcpy(h, hnew, sizeof hnew);
}

/* Loss of the sequence from step t0 on, starting from state (h, c). */
static double ref_loss_from(const ref_cell *m, const float *input, int T, int t0,
                            const double *h0, const double *c0, int target) {
    double h[H], c[H], g[4 * H], p[4 * H], hn[H];
    memcpy(h, h0, sizeof h);
    memcpy(c, c0, sizeof c);
    for (int t = t0; t < T; t++) ref_step(m, input + t * I, h, c, g, p, hn);
    double logit[C], mx = -1e300, s = 0;
    for (int k = 0; k < C; k++) {
        logit[k] = m->hb[k];
        for (int j = 0; j < H; j++) logit[k] += (double)m->hw[k * H + j] * h[j];
        if (logit[k] > mx) mx = logit[k];
    }
    for (int k = 0; k < C; k++) s += exp(logit[k] - mx);
    return -(logit[target] - mx - log(s));
}

static const ts_tensor *need(const ts_dump *d, const char *name, int ndim, const int *shape,
                             const char *where) {
    const ts_tensor *t = ts_dump_find(d, name);
    bool ok = t && t->ndim == ndim;
    for (int i = 0; ok && i < ndim; i++) ok = t->shape[i] == shape[i];
    CHECK(ok, "%s: %s missing or not of shape [%d%s...]", where, name, shape[0], ndim > 1 ? "," : "");
    return ok ? t : NULL;
}

static double worst_diff(const ts_tensor *t, const double *ref, size_t n, double rel) {
    double w = 0;
    for (size_t i = 0; i < n; i++) {
        double e = fabs(t->data[i] - ref[i]) / (1.0 + rel * fabs(ref[i]));
        if (!(e <= w)) w = e;
    }
    return w;
}

/* |dump - ref| <= tol * (1 + |ref|) everywhere (a cell state can grow). */
static void cmp(const char *where, const ts_dump *d, const char *p, const char *what,
                const double *ref, int T, double tol) {
    char name[64];
    snprintf(name, sizeof name, "%s.%s", p, what);
    const ts_tensor *t = need(d, name, 2, (int[]){T, H}, where);
    if (!t) return;
    double w = worst_diff(t, ref, (size_t)T * H, 1);
    CHECK(w <= tol, "%s: %s differs from the recomputation by %g", where, name, w);
}

/* Recomputes cell k's tensors in dump d. */
static void check_cell(const ts_dump *d, int k, bool grads, const char *where) {
    const char *p = lstm_cell_prefix(k);
    int G = k == LSTM_CELL_RNN ? 1 : k == LSTM_CELL_LSTM ? 4 : 3;
    const ts_tensor *in = ts_dump_find(d, "input"), *tg = ts_dump_find(d, "target");
    int T = in->shape[0], target = (int)tg->data[0];
    char n[6][64];
    const char *names[6] = {"weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0",
                            "head.weight", "head.bias"};
    int shapes[6][2] = {{G * H, I}, {G * H, H}, {G * H, 0}, {G * H, 0}, {C, H}, {C, 0}};
    const ts_tensor *w[6];
    for (int i = 0; i < 6; i++) {
        snprintf(n[i], sizeof n[i], "%s.%s", p, names[i]);
        w[i] = need(d, n[i], shapes[i][1] ? 2 : 1, shapes[i], where);
        if (!w[i]) return;
    }
    ref_cell m = {k, G, w[0]->data, w[1]->data, w[2]->data, w[3]->data, w[4]->data, w[5]->data, {0}, {0}};
    static const char *const gk[4] = {"i", "f", "g", "o"};
    for (int g = 0; g < 4 && k == LSTM_CELL_LSTM; g++) {
        char pn[64];
        double v;
        snprintf(pn, sizeof pn, "lstm.clamp.%s", gk[g]);
        if (ts_dump_get_param(d, pn, &v)) { m.on[g] = true; m.val[g] = v; }
    }
    char name[64];
    snprintf(name, sizeof name, "%s.h0", p);
    need(d, name, 3, (int[]){1, 1, H}, where);
    if (k == LSTM_CELL_LSTM) { snprintf(name, sizeof name, "%s.c0", p); need(d, name, 3, (int[]){1, 1, H}, where); }

    /* forward */
    double *hs = calloc((size_t)T * H, sizeof *hs), *cs = calloc((size_t)T * H, sizeof *cs);
    double *gs = calloc((size_t)T * 4 * H, sizeof *gs), *ps = calloc((size_t)T * 4 * H, sizeof *ps);
    double *hns = calloc((size_t)T * H, sizeof *hns);
    double h[H] = {0}, c[H] = {0};
    for (int t = 0; t < T; t++) {
        double g[4 * H], pr[4 * H], hn[H];
        ref_step(&m, in->data + t * I, h, c, g, pr, hn);
        for (int j = 0; j < H; j++) {
            hs[t * H + j] = h[j];
            cs[t * H + j] = c[j];
            hns[t * H + j] = hn[j];
            for (int q = 0; q < G; q++) {
                gs[(q * T + t) * H + j] = g[q * H + j];
                ps[(q * T + t) * H + j] = pr[q * H + j];
            }
        }
    }
    cmp(where, d, p, "h", hs, T, 1e-5);
    if (k == LSTM_CELL_LSTM) cmp(where, d, p, "c", cs, T, 1e-5);
    if (k == LSTM_CELL_GRU) cmp(where, d, p, "hn", hns, T, 1e-5);
    for (int q = 0; q < G; q++) {
        char what[32];
        if (k == LSTM_CELL_RNN) snprintf(what, sizeof what, "preact");
        else snprintf(what, sizeof what, "preact.%s", lstm_gate_name(k, q));
        cmp(where, d, p, what, ps + (size_t)q * T * H, T, 1e-4);
        if (k == LSTM_CELL_RNN) continue;
        snprintf(what, sizeof what, "gates.%s", lstm_gate_name(k, q));
        cmp(where, d, p, what, gs + (size_t)q * T * H, T, 1e-5);
    }
    double logit[C], mx = -1e300, s = 0, prob[C];
    for (int q = 0; q < C; q++) {
        logit[q] = m.hb[q];
        for (int j = 0; j < H; j++) logit[q] += (double)m.hw[q * H + j] * h[j];
        mx = fmax(mx, logit[q]);
    }
    for (int q = 0; q < C; q++) s += exp(logit[q] - mx);
    for (int q = 0; q < C; q++) prob[q] = exp(logit[q] - mx) / s;
    snprintf(name, sizeof name, "%s.logits", p);
    const ts_tensor *lt = need(d, name, 2, (int[]){1, C}, where);
    if (lt) CHECK(worst_diff(lt, logit, C, 0) <= 1e-4, "%s: %s differs", where, name);
    snprintf(name, sizeof name, "%s.probs", p);
    const ts_tensor *pt = need(d, name, 2, (int[]){1, C}, where);
    if (pt) CHECK(worst_diff(pt, prob, C, 0) <= 1e-5, "%s: %s differs", where, name);

    if (grads) {
        double loss = -log(prob[target]);
        snprintf(name, sizeof name, "%s.loss", p);
        const ts_tensor *l = need(d, name, 1, (int[]){1}, where);
        if (l) CHECK(fabs(l->data[0] - loss) <= 1e-4 * (1 + loss), "%s: %s %g, recomputed %g", where, name, l->data[0], loss);
        snprintf(name, sizeof name, "%s.grad_h_norm", p);
        const ts_tensor *gn = need(d, name, 1, (int[]){T}, where);
        snprintf(name, sizeof name, "%s.grad_h", p);
        const ts_tensor *gh = need(d, name, 2, (int[]){T, H}, where);
        /* dL/dh_t[j] (and dL/dc_t[j]) by central differences, restarting the
         * recurrence at t+1 from a nudged state */
        const ts_tensor *cn = NULL, *cg = NULL;
        if (k == LSTM_CELL_LSTM) {
            cn = need(d, "lstm.grad_c_norm", 1, (int[]){T}, where);
            cg = need(d, "lstm.grad_c", 2, (int[]){T, H}, where);
        }
        double worst = 0;
        for (int which = 0; which < (k == LSTM_CELL_LSTM ? 2 : 1); which++) {
            const ts_tensor *vn = which ? cn : gn, *vg = which ? cg : gh;
            for (int t = 0; vn && vg && t < T; t++) {
                double norm = 0;
                for (int j = 0; j < H; j++) {
                    double hp[H], hm[H], cp[H], cm[H], eps = 1e-5;
                    memcpy(hp, hs + t * H, sizeof hp); memcpy(hm, hs + t * H, sizeof hm);
                    memcpy(cp, cs + t * H, sizeof cp); memcpy(cm, cs + t * H, sizeof cm);
                    if (which) { cp[j] += eps; cm[j] -= eps; } else { hp[j] += eps; hm[j] -= eps; }
                    /* nudging c_t also changes h_t = o_t tanh(c_t) */
                    if (which) {
                        double o = gs[(3 * T + t) * H + j];
                        hp[j] = o * tanh(cp[j]);
                        hm[j] = o * tanh(cm[j]);
                    }
                    double dl = (ref_loss_from(&m, in->data, T, t + 1, hp, cp, target) -
                                 ref_loss_from(&m, in->data, T, t + 1, hm, cm, target)) / (2 * eps);
                    norm += dl * dl;
                    worst = fmax(worst, fabs(vg->data[t * H + j] - dl) / (1e-7 + 1e-3 * fabs(dl)));
                }
                norm = sqrt(norm);
                worst = fmax(worst, fabs(vn->data[t] - norm) / (1e-7 + 1e-3 * norm));
            }
        }
        CHECK(worst <= 1.0, "%s: %s gradients differ from finite differences (%g of the tolerance)", where, p, worst);
    }
    free(hs); free(cs); free(gs); free(ps); free(hns);
}

/* ---- the scene, driven through its callbacks ------------------------------------ */

typedef struct kv { const char *sec, *key, *val; } kv;

static lstm_state *open_state(const kv *keys, int n, char *err, size_t errlen) {
    lstm_state *st = calloc(1, sizeof *st);
    lstm_scene_defaults(st);
    for (int i = 0; i < n; i++)
        if (!lstm_scene_set(st, keys[i].sec, keys[i].key, keys[i].val, err, errlen)) { free(st); return NULL; }
    if (!lstm_scene_init(st, err, errlen)) { free(st); return NULL; }
    return st;
}

static void close_state(lstm_state *st) {
    if (!st) return;
    lstm_scene_shutdown(st);
    free(st);
}

static void check_dumps(lstm_state *st, const char *label) {
    for (int b = 0; b < LB_COUNT; b++) {
        char where[96], err[256];
        snprintf(where, sizeof where, "%s beat %d", label, b + 1);
        scene_clock c = {.beat = b};
        ts_dump *w = ts_dump_new("lstm", b + 1);
        lstm_scene_dump(st, &c, w);
        char *json = ts_dump_to_string(w);
        ts_dump_free(w);
        ts_arena a = {0};
        ts_dump *d = json ? ts_dump_parse(json, &a, err, sizeof err) : NULL;
        free(json);
        CHECK(d != NULL, "%s: dump does not parse", where);
        if (!d) { ts_arena_free(&a); continue; }
        int T = st->T;
        const ts_tensor *in = need(d, "input", 3, (int[]){T, 1, I}, where);
        const ts_tensor *tg = need(d, "target", 1, (int[]){1}, where);
        if (in && tg) {
            bool grads;
            unsigned cells = lstm_beat_cells(b, &grads);
            CHECK(cells != 0, "%s: shows no cell", where);
            for (int k = 0; k < LSTM_CELLS; k++)
                if (cells & (1u << k)) check_cell(d, k, grads, where);
            if (b == LB_ACCURACY) {
                const ts_tensor *len = ts_dump_find(d, "accuracy.length");
                CHECK(len && len->ndim == 1, "%s: no accuracy.length", where);
                for (int k = 0; len && k < LSTM_CELLS; k++) {
                    char name[64];
                    snprintf(name, sizeof name, "%s.accuracy", lstm_cell_prefix(k));
                    need(d, name, 1, (int[]){len->shape[0]}, where);
                }
            }
        }
        ts_arena_free(&a);
    }
}

static void test_presets(void) {
    char err[256];
    lstm_state st;
    memset(&st, 0, sizeof st);
    lstm_scene_defaults(&st);
    struct { const char *sec, *key, *val, *msg; } bad[] = {
        {"sequence", "length", "61", "length must be"},
        {"sequence", "length", "4", "length must be"},
        {"sequence", "text", "3 A B ?", "must start with"},
        {"sequence", "text", "A x ?", "'x' is not a token"},
        {"sequence", "text", "A", "2..60"},
        {"sequence", "seed", "-1", "seed must be"},
        {"clamp", "forget", "1.5", "forget must be"},
        {"clamp", "cell", "-2", "cell must be"},
        {"clamp", "input", "half", "input"},
        {"story", "step", "0", "step must be"},
        {"sequence", "colour", "red", "colour"},
        {"clamps", "forget", "0.5", "clamps"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err[0] = 0;
        bool ok = lstm_scene_set(&st, bad[i].sec, bad[i].key, bad[i].val, err, sizeof err);
        CHECK(!ok && strstr(err, bad[i].msg), "[%s] %s = %s: accepted or message '%s'", bad[i].sec,
              bad[i].key, bad[i].val, err);
    }
    CHECK(!open_state((kv[]){{"sequence", "text", "B 1 2 ?"}, {"sequence", "length", "9"}}, 2, err, sizeof err)
          && strstr(err, "either"), "text with length accepted: '%s'", err);
    CHECK(!open_state((kv[]){{"sequence", "text", "B 1 2 ?"}, {"story", "step", "5"}}, 2, err, sizeof err)
          && strstr(err, "step must be 1..4"), "step past the end accepted: '%s'", err);
    lstm_state *s = open_state((kv[]){{"sequence", "text", "c, 3 1 4 1 ?"}, {"story", "step", "2"},
                                      {"clamp", "output", "1"}}, 3, err, sizeof err);
    CHECK(s && s->T == 6 && s->in.ids[0] == 2 && s->in.target == 2 && s->focus == 1 &&
          s->clamp.on[3] && !s->clamp.on[1], "good keys not taken: %s", s ? "" : err);
    close_state(s);
}

/* The shipped presets through the real loader: valid, and every beat's dump
 * recomputes; a bad value in a file is reported at its line. */
static void test_preset_files(void) {
    const char *presets[] = {"scenes/lstm.scene", "scenes/lstm-long.scene", "scenes/lstm-forget.scene"};
    char err[512];
    for (int i = 0; i < 3; i++) {
        scene *s = scene_open(presets[i], err, sizeof err);
        CHECK(s && strcmp(s->kind->name, "lstm") == 0, "%s: %s", presets[i], err);
        if (!s) continue;
        check_dumps(s->state, presets[i]);
        lstm_state *st = s->state;
        if (i == 2)
            CHECK(st->clamped && st->lstm_free.pred == st->in.target &&
                  st->run[LSTM_CELL_LSTM].pred != st->in.target,
                  "%s: the clamp does not change the LSTM's right answer", presets[i]);
        else
            CHECK(st->run[LSTM_CELL_RNN].pred != st->in.target &&
                  st->run[LSTM_CELL_LSTM].pred == st->in.target && st->run[LSTM_CELL_GRU].pred == st->in.target,
                  "%s: the story needs the RNN wrong and the gated cells right", presets[i]);
        scene_close(s);
    }
    char path[] = "/tmp/ts-lstm-XXXXXX";   /* a path with a '/' is a preset */
    int fd = mkstemp(path);
    CHECK(fd >= 0, "temp file");
    if (fd < 0) return;
    FILE *f = fdopen(fd, "w");
    fputs("[scene]\nkind = lstm\ntitle = bad\n[sequence]\nlength = 25\n[clamp]\nforget = 2\n", f);
    fclose(f);
    scene *s = scene_open(path, err, sizeof err);
    char want[600];
    snprintf(want, sizeof want, "%s:7: forget must be 0..1", path);
    CHECK(!s && strstr(err, want), "bad preset: '%s'", err);
    scene_close(s);
    remove(path);
}

static void test_clamps_and_models(void) {
    char err[256];
    lstm_state *free_st = open_state(NULL, 0, err, sizeof err);
    CHECK(free_st != NULL, "default scene: %s", err);
    if (!free_st) return;
    int target = free_st->in.target;
    CHECK(free_st->run[LSTM_CELL_LSTM].pred == target && free_st->run[LSTM_CELL_GRU].pred == target,
          "the free LSTM and GRU miss the default sequence's symbol");
    /* clamps make the LSTM forget: over 40 sequences its answers drop to
     * about chance while the free LSTM keeps them all */
    kv clamps[][1] = {{{"clamp", "forget", "0.2"}}, {{"clamp", "input", "0"}}};
    for (int i = 0; i < 2; i++) {
        lstm_state *st = open_state(clamps[i], 1, err, sizeof err);
        CHECK(st != NULL, "clamped scene: %s", err);
        if (!st) continue;
        int right_free = 0, right_clamped = 0, changed = 0;
        ts_rng rng;
        ts_rng_seed(&rng, 11);
        for (int s = 0; s < 40; s++) {
            int ids[LSTM_MAX_T];
            int tg = lstm_sample(&rng, st->T, ids);
            lstm_set_sequence(st, ids, st->T);
            right_free += st->lstm_free.pred == tg;
            right_clamped += st->run[LSTM_CELL_LSTM].pred == tg;
            changed += st->lstm_free.pred != st->run[LSTM_CELL_LSTM].pred;
        }
        printf("LSTM with %s clamped: %d of 40 right (free: %d of 40), %d answers changed\n",
               clamps[i][0].key, right_clamped, right_free, changed);
        CHECK(st->clamped && right_free == 40 && right_clamped <= 20 && changed >= 20,
              "clamping %s: %d right clamped, %d free", clamps[i][0].key, right_clamped, right_free);
        check_dumps(st, clamps[i][0].key);
        close_state(st);
    }

    /* the model table: re-measure the models trained at the longest length */
    const lstm_models *m = &free_st->m;
    int last = m->n_lengths - 1, L = (int)m->lengths->data[last];
    float acc[LSTM_CELLS];
    for (int k = 0; k < LSTM_CELLS; k++) acc[k] = lstm_accuracy(&m->cell[last][k], L, 300, 99);
    printf("models trained at length %d, re-measured on 300 fresh sequences: RNN %.3f, LSTM %.3f, GRU %.3f\n",
           L, acc[0], acc[1], acc[2]);
    CHECK(L == LSTM_MAX_T, "the table ends at %d, not %d", L, LSTM_MAX_T);
    CHECK(acc[LSTM_CELL_RNN] < 0.5f, "the RNN trained at %d recalls the symbol (%.3f)", L, acc[0]);
    CHECK(acc[LSTM_CELL_LSTM] > 0.95f && acc[LSTM_CELL_GRU] > 0.95f, "a gated cell fails at %d", L);
    CHECK(m->accuracy[LSTM_CELL_RNN]->data[last] < 0.5f && m->accuracy[LSTM_CELL_RNN]->data[0] > 0.7f,
          "the stored RNN curve does not fall from short to long");
    close_state(free_st);

    /* vanishing: at length 60, what reaches step 1 from the loss */
    lstm_state *longer = open_state((kv[]){{"sequence", "length", "60"}}, 1, err, sizeof err);
    CHECK(longer != NULL, "length 60: %s", err);
    if (!longer) return;
    const float *rn = longer->run[LSTM_CELL_RNN].grad_h_norm->data;
    const float *lc = longer->run[LSTM_CELL_LSTM].grad_c_norm->data;
    printf("||dL/dh_1|| / ||dL/dh_60|| of the RNN %.3g; ||dL/dc_1|| / ||dL/dc_60|| of the LSTM %.3g\n",
           rn[0] / rn[59], lc[0] / lc[59]);
    CHECK(rn[0] / rn[59] < 1e-3f * (lc[0] / lc[59]), "the RNN's gradient does not vanish faster than the LSTM's");
    check_dumps(longer, "length 60");

    /* an edit: a new sequence recomputes everything; timed */
    int ids[LSTM_MAX_T];
    ts_rng rng;
    ts_rng_seed(&rng, 5);
    double ms[21];
    for (int i = 0; i < 21; i++) {
        lstm_sample(&rng, LSTM_MAX_T, ids);
        lstm_set_sequence(longer, ids, LSTM_MAX_T);
        ms[i] = longer->recompute_ms;
    }
    for (int i = 0; i < 21; i++)   /* sort for the median */
        for (int j = i + 1; j < 21; j++)
            if (ms[j] < ms[i]) { double t = ms[i]; ms[i] = ms[j]; ms[j] = t; }
    printf("recompute after an edit (T = 60, three cells forward and backward): median %.3f ms, worst %.3f ms of 21\n",
           ms[10], ms[20]);
    CHECK(ms[10] < 16.0, "recompute took %.1f ms (median)", ms[10]);
    CHECK(longer->in.ids[0] == ids[0] && longer->run[0].T == LSTM_MAX_T, "the edit did not take");
    close_state(longer);
}

/* ---- scripted input through the scene's update ------------------------------- */

static void ui_frame(scene *s, ui_ctx *ui, const ui_input *in) {
    ui_begin_frame(ui, in);
    s->kind->update(s->state, &s->clock, ui);
}

static void click(scene *s, ui_ctx *ui, dg_rect r) {
    float x = r.x + r.w / 2, y = r.y + r.h / 2;
    ui_frame(s, ui, &(ui_input){ .mouse_x = x, .mouse_y = y, .mouse_down = true, .mouse_pressed = true });
    ui_frame(s, ui, &(ui_input){ .mouse_x = x, .mouse_y = y, .mouse_released = true });
    ui_frame(s, ui, &(ui_input){ .mouse_x = -1, .mouse_y = -1 });   /* the app's next, idle frame */
}

static void key(scene *s, ui_ctx *ui, int k) {
    ui_frame(s, ui, &(ui_input){ .mouse_x = -1, .mouse_y = -1, .keys = {k}, .key_count = 1 });
}

static void test_scripted(void) {
    char err[512];
    scene *s = scene_open("scenes/lstm.scene", err, sizeof err);
    CHECK(s != NULL, "scenes/lstm.scene: %s", err);
    if (!s) return;
    lstm_state *st = s->state;
    ui_ctx ui;
    ui_init(&ui, &ui_theme_dark);
    ui.show_widgets = true;
    dg_rect field, slider, forget, input;
    lstm_widget_rects(&field, &slider, &forget, &input);

    /* stepping through time in the LSTM cell beat */
    s->clock = scene_clock_beat(s->kind, LB_LSTM_CELL, 0);
    CHECK(st->focus == 0, "the preset's step 1 is focus 0, got %d", st->focus);
    key(s, &ui, '.'); key(s, &ui, '.'); key(s, &ui, ',');
    CHECK(st->focus == 1, "period, period, comma: step 2, got step %d", st->focus + 1);
    for (int i = 0; i < 70; i++) key(s, &ui, '.');
    CHECK(st->focus == st->T - 1, "stepping stops at the last step (%d of %d)", st->focus + 1, st->T);

    /* typing a sequence: the field, the text, Enter */
    click(s, &ui, field);
    ui_frame(s, &ui, &(ui_input){ .mouse_x = -1, .mouse_y = -1, .text = "b 3 1 4 1 ?" });
    int before = st->recomputes;
    ui_frame(s, &ui, &(ui_input){ .mouse_x = -1, .mouse_y = -1, .enter = true });
    CHECK(st->recomputes == before + 1 && st->T == 6 && st->in.ids[0] == 1 && st->in.target == 1 &&
          st->focus == 5, "typed 'b 3 1 4 1 ?': T %d, first %d, focus %d", st->T, st->in.ids[0], st->focus);
    printf("typed sequence: LSTM answers %s (p = %.3f), recompute %.3f ms\n",
           lstm_token_name(st->run[LSTM_CELL_LSTM].pred),
           st->run[LSTM_CELL_LSTM].probs->data[st->run[LSTM_CELL_LSTM].pred], st->recompute_ms);
    /* a bad sequence changes nothing */
    click(s, &ui, field);
    ui_frame(s, &ui, &(ui_input){ .mouse_x = -1, .mouse_y = -1, .text = "3 1 ?" });
    ui_frame(s, &ui, &(ui_input){ .mouse_x = -1, .mouse_y = -1, .enter = true });
    CHECK(st->T == 6 && strstr(ui.tooltip, "start with"), "a bad sequence: T %d, tooltip '%s'", st->T, ui.tooltip);

    /* the clamp switches */
    click(s, &ui, forget);
    CHECK(st->clamped && st->clamp.on[1] && fabsf(st->clamp.value[1] - 0.2f) < 1e-6f &&
          fabsf(st->run[LSTM_CELL_LSTM].gate[1]->data[0] - 0.2f) < 1e-6f, "the forget switch clamps f to 0.2");
    click(s, &ui, forget);
    CHECK(!st->clamped, "the forget switch releases the clamp");
    click(s, &ui, input);
    CHECK(st->clamp.on[0] && st->run[LSTM_CELL_LSTM].gate[0]->data[0] == 0.0f, "the input switch shuts i");
    click(s, &ui, input);

    /* the length slider: drag to the right end, a new sequence of 60 */
    float y = slider.y + slider.h / 2;
    ui_frame(s, &ui, &(ui_input){ .mouse_x = slider.x + 4, .mouse_y = y, .mouse_down = true, .mouse_pressed = true });
    ui_frame(s, &ui, &(ui_input){ .mouse_x = slider.x + slider.w + 40, .mouse_y = y, .mouse_down = true });
    ui_frame(s, &ui, &(ui_input){ .mouse_x = slider.x + slider.w + 40, .mouse_y = y, .mouse_released = true });
    ui_frame(s, &ui, &(ui_input){ .mouse_x = -1, .mouse_y = -1 });
    CHECK(st->T == LSTM_MAX_T && st->in.ids[0] == 1 && st->m.cell[st->li][0].length == LSTM_MAX_T,
          "the slider's right end: T %d, first %d, models of length %d", st->T, st->in.ids[0],
          st->m.cell[st->li][0].length);
    check_dumps(st, "scripted");
    ui_shutdown(&ui);
    scene_close(s);
}

int main(void) {
    char err[256];
    lstm_state *st = open_state(NULL, 0, err, sizeof err);
    CHECK(st != NULL, "default scene: %s", err);
    if (st) check_dumps(st, "default");
    close_state(st);
    lstm_state *s5 = open_state((kv[]){{"sequence", "text", "D ?"}}, 1, err, sizeof err);
    CHECK(s5 != NULL, "two tokens: %s", err);
    if (s5) check_dumps(s5, "two tokens");
    close_state(s5);
    test_presets();
    test_preset_files();
    test_scripted();
    test_clamps_and_models();
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
