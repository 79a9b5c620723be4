/* lstm_model.c: weights, the memory task and one cell's run over a sequence
 * (forward, readout, loss and backpropagation through time), all by the
 * kernel. See lstm_model.h for the manual. */
#include "scenes/lstm/lstm_model.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "kernel/nn.h"
#include "kernel/safetensors.h"



static const char *const prefixes[LSTM_CELLS] = {"rnn", "lstm", "gru"};
static const char *const titles[LSTM_CELLS] = {"RNN", "LSTM", "GRU"};
static const char *const gate_names[LSTM_CELLS][4] = {
    {"", "", "", ""}, {"i", "f", "g", "o"}, {"r", "z", "n", ""}};
static const int gate_counts[LSTM_CELLS] = {1, 4, 3};
static const char *const tokens[LSTM_I] = {"A", "B", "C", "D", "0", "1", "2", "3", "4", "?"};

const char *lstm_cell_prefix(int kind) { return prefixes[kind]; }
const char *lstm_cell_title(int kind) { return titles[kind]; }
int lstm_gate_count(int kind) { return kind == LSTM_CELL_RNN ? 0 : gate_counts[kind]; }
const char *lstm_gate_name(int kind, int k) { return gate_names[kind][k]; }
const char *lstm_token_name(int id) { return id >= 0 && id < LSTM_I ? tokens[id] : "?"; }

int lstm_cell_param_count(const lstm_cell_weights *w) {
    return (int)(ts_numel(w->w_ih) + ts_numel(w->w_hh) + ts_numel(w->b_ih) + ts_numel(w->b_hh));
}

/* ---- weights ------------------------------------------------------------------ */

static void cell_alloc(lstm_models *m, int li, int kind) {
    lstm_cell_weights *w = &m->cell[li][kind];
    const char *p = prefixes[kind];
    int GH = gate_counts[kind] * LSTM_H;
    char name[TS_NAME_MAX];
    w->kind = kind;
    w->gates = gate_counts[kind];
    snprintf(name, sizeof name, "%s.weight_ih_l0", p); w->w_ih = ts_new2(&m->arena, name, GH, LSTM_I);
    snprintf(name, sizeof name, "%s.weight_hh_l0", p); w->w_hh = ts_new2(&m->arena, name, GH, LSTM_H);
    snprintf(name, sizeof name, "%s.bias_ih_l0", p);   w->b_ih = ts_new1(&m->arena, name, GH);
    snprintf(name, sizeof name, "%s.bias_hh_l0", p);   w->b_hh = ts_new1(&m->arena, name, GH);
    snprintf(name, sizeof name, "%s.head.weight", p);  w->head_w = ts_new2(&m->arena, name, LSTM_SYMBOLS, LSTM_H);
    snprintf(name, sizeof name, "%s.head.bias", p);    w->head_b = ts_new1(&m->arena, name, LSTM_SYMBOLS);
}

static void models_alloc(lstm_models *m, int n_lengths) {
    memset(m, 0, sizeof *m);
    TS_CHECK(n_lengths >= 1 && n_lengths <= LSTM_MAX_LENGTHS);
    for (int li = 0; li < n_lengths; li++)
        for (int k = 0; k < LSTM_CELLS; k++) cell_alloc(m, li, k);
    for (int k = 0; k < LSTM_CELLS; k++) {
        m->accuracy[k] = ts_new1(&m->arena, NULL, n_lengths);
        ts_tensor_set_name(m->accuracy[k], "%s.accuracy", prefixes[k]);
    }
    m->lengths = ts_new1(&m->arena, "accuracy.length", n_lengths);
    m->n_lengths = n_lengths;
}

static void set_lengths(lstm_models *m) {
    for (int li = 0; li < m->n_lengths; li++)
        for (int k = 0; k < LSTM_CELLS; k++) m->cell[li][k].length = (int)m->lengths->data[li];
}

void lstm_models_init(lstm_models *m, uint64_t seed, const int *lengths, int n_lengths) {
    models_alloc(m, n_lengths);
    for (int i = 0; i < n_lengths; i++) m->lengths->data[i] = (float)lengths[i];
    set_lengths(m);
    ts_rng rng;
    ts_rng_seed(&rng, seed);
    float s = 1.0f / sqrtf((float)LSTM_H);   /* nn.RNN/LSTM/GRU: U(-1/sqrt(H), 1/sqrt(H)) */
    for (int li = 0; li < n_lengths; li++)
        for (int k = 0; k < LSTM_CELLS; k++) {
            lstm_cell_weights *w = &m->cell[li][k];
            ts_tensor *t[4] = {w->w_ih, w->w_hh, w->b_ih, w->b_hh};
            for (int i = 0; i < 4; i++) ts_rng_uniform_fill(&rng, t[i]->data, ts_numel(t[i]), -s, s);
            if (k != LSTM_CELL_RNN)   /* block 1 is the LSTM's f and the GRU's z */
                for (int j = 0; j < LSTM_H; j++) w->b_ih->data[LSTM_H + j] = LSTM_KEEP_BIAS;
            if (k == LSTM_CELL_LSTM)  /* chrono: the input gate starts nearly shut */
                for (int j = 0; j < LSTM_H; j++) w->b_ih->data[j] = -LSTM_KEEP_BIAS;
            ts_linear_init(w->head_w->data, w->head_b->data, &rng, LSTM_H, LSTM_SYMBOLS);
        }
}

/* Copies the file's tensor `name` into dst (same shape). */
static bool copy_tensor(const ts_dump *d, const char *name, ts_tensor *dst, const char *path,
                        char *err, size_t n) {
    const ts_tensor *t = ts_dump_find(d, name);
    if (!t) { snprintf(err, n, "%s: no tensor '%s'", path, name); return false; }
    bool same = t->ndim == dst->ndim;
    for (int i = 0; same && i < t->ndim; i++) same = t->shape[i] == dst->shape[i];
    if (!same) { snprintf(err, n, "%s: '%s' has the wrong shape", path, name); return false; }
    memcpy(dst->data, t->data, sizeof(float) * ts_numel(t));
    return true;
}

static const ts_tensor *const *cell_tensors(const lstm_cell_weights *w, const ts_tensor **t) {
    t[0] = w->w_ih; t[1] = w->w_hh; t[2] = w->b_ih; t[3] = w->b_hh; t[4] = w->head_w; t[5] = w->head_b;
    return t;
}

bool lstm_models_load(lstm_models *m, const char *path, char *err, size_t errlen) {
    ts_arena a = {0};
    memset(m, 0, sizeof *m);
    ts_dump *d = ts_st_read(path, &a, err, errlen);
    if (!d) { ts_arena_free(&a); return false; }
    const ts_tensor *len = ts_dump_find(d, "accuracy.length");
    if (!len || len->ndim != 1 || len->shape[0] < 1 || len->shape[0] > LSTM_MAX_LENGTHS) {
        snprintf(err, errlen, "%s: no tensor 'accuracy.length' of 1..%d lengths", path,
                 LSTM_MAX_LENGTHS);
        ts_arena_free(&a);
        return false;
    }
    models_alloc(m, len->shape[0]);
    bool ok = copy_tensor(d, "accuracy.length", m->lengths, path, err, errlen);
    for (int li = 0; ok && li < m->n_lengths; li++) {
        int L = (int)m->lengths->data[li];
        if (L < LSTM_MIN_T || L > LSTM_MAX_T) {
            snprintf(err, errlen, "%s: accuracy.length[%d] = %d is not in %d..%d", path, li, L,
                     LSTM_MIN_T, LSTM_MAX_T);
            ok = false;
        }
    }
    for (int k = 0; ok && k < LSTM_CELLS; k++)
        ok = copy_tensor(d, m->accuracy[k]->name, m->accuracy[k], path, err, errlen);
    for (int li = 0; ok && li < m->n_lengths; li++)
        for (int k = 0; ok && k < LSTM_CELLS; k++) {
            const ts_tensor *t[6];
            cell_tensors(&m->cell[li][k], t);
            for (int i = 0; i < 6 && ok; i++) {
                char name[TS_NAME_MAX + 8];
                snprintf(name, sizeof name, "L%d.%s", (int)m->lengths->data[li], t[i]->name);
                ok = copy_tensor(d, name, (ts_tensor *)t[i], path, err, errlen);
            }
        }
    double secs = 0;
    if (ok && ts_dump_get_param(d, "train_seconds", &secs)) m->train_seconds = secs;
    ts_arena_free(&a);
    if (ok) set_lengths(m);
    else lstm_models_free(m);
    return ok;
}

void lstm_models_dump(const lstm_models *m, ts_dump *d) {
    ts_dump_param(d, "hidden", LSTM_H);
    ts_dump_param(d, "input_size", LSTM_I);
    ts_dump_param(d, "classes", LSTM_SYMBOLS);
    ts_dump_tensor(d, m->lengths);
    for (int k = 0; k < LSTM_CELLS; k++) ts_dump_tensor(d, m->accuracy[k]);
    for (int li = 0; li < m->n_lengths; li++)
        for (int k = 0; k < LSTM_CELLS; k++) {
            const ts_tensor *t[6];
            cell_tensors(&m->cell[li][k], t);
            for (int i = 0; i < 6; i++) {
                ts_tensor v = *t[i];
                ts_tensor_set_name(&v, "L%d.%s", (int)m->lengths->data[li], t[i]->name);
                ts_dump_tensor(d, &v);
            }
        }
}

void lstm_models_free(lstm_models *m) {
    ts_arena_free(&m->arena);
    memset(m, 0, sizeof *m);
}

int lstm_models_nearest(const lstm_models *m, int T) {
    int best = 0;
    for (int li = 1; li < m->n_lengths; li++)
        if (abs((int)m->lengths->data[li] - T) < abs((int)m->lengths->data[best] - T)) best = li;
    return best;
}

/* ---- the task -------------------------------------------------------------------- */

int lstm_sample(ts_rng *rng, int T, int *ids) {
    int target = ts_rng_int(rng, LSTM_SYMBOLS);
    ids[0] = target;
    for (int t = 1; t < T - 1; t++) {
        bool letter = ts_rng_uniform(rng) < LSTM_LETTER_P;
        ids[t] = letter ? ts_rng_int(rng, LSTM_SYMBOLS) : LSTM_SYMBOLS + ts_rng_int(rng, LSTM_DIGITS);
    }
    ids[T - 1] = LSTM_QUERY;
    return target;
}

static int token_of(char ch) {
    ch = (char)toupper((unsigned char)ch);
    for (int i = 0; i < LSTM_I; i++)
        if (tokens[i][0] == ch) return i;
    return -1;
}

bool lstm_parse_sequence(const char *text, int *ids, int *T, char *err, size_t errlen) {
    int n = 0;
    for (const char *p = text; *p; p++) {
        if (*p == ' ' || *p == ',' || *p == '\t' || *p == '\n' || *p == '\r') continue;
        int id = token_of(*p);
        if (id < 0) {
            snprintf(err, errlen, "sequence: '%c' is not a token (use A B C D, 0-4 and ?)", *p);
            return false;
        }
        if (n == LSTM_MAX_T) {
            snprintf(err, errlen, "sequence: at most %d tokens", LSTM_MAX_T);
            return false;
        }
        ids[n++] = id;
    }
    if (n < LSTM_MIN_T) {
        snprintf(err, errlen, "sequence needs %d..%d tokens, got %d", LSTM_MIN_T, LSTM_MAX_T, n);
        return false;
    }
    if (ids[0] >= LSTM_SYMBOLS) {
        snprintf(err, errlen, "sequence must start with the symbol to recall (A, B, C or D), got '%s'",
                 tokens[ids[0]]);
        return false;
    }
    *T = n;
    return true;
}

void lstm_sequence_text(const int *ids, int T, char *out, size_t n) {
    size_t len = 0;
    if (n) out[0] = 0;
    for (int t = 0; t < T && len + 3 < n; t++)
        len += (size_t)snprintf(out + len, n - len, t ? " %s" : "%s", lstm_token_name(ids[t]));
}

/* ---- one run ------------------------------------------------------------------- */

void lstm_input_make(lstm_input *in, ts_arena *a, const int *ids, int T) {
    TS_CHECK(T >= LSTM_MIN_T && T <= LSTM_MAX_T);
    in->T = T;
    memcpy(in->ids, ids, sizeof(int) * (size_t)T);
    in->target = ids[0] < LSTM_SYMBOLS ? ids[0] : 0;
    in->input = ts_new3(a, "input", T, 1, LSTM_I);
    for (int t = 0; t < T; t++) in->input->data[t * LSTM_I + ids[t]] = 1.0f;
    in->target_t = ts_new1(a, "target", 1);
    in->target_t->data[0] = (float)in->target;
}

static ts_tensor *named(ts_arena *a, const char *p, const char *what, int d0, int d1) {
    ts_tensor *t = d1 ? ts_new2(a, NULL, d0, d1) : ts_new1(a, NULL, d0);
    ts_tensor_set_name(t, "%s.%s", p, what);
    return t;
}

void lstm_run_forward(lstm_run *r, ts_arena *a, const lstm_cell_weights *w,
                      const lstm_input *in, const ts_lstm_clamp *clamp) {
    const char *p = prefixes[w->kind];
    int T = in->T, H = LSTM_H, I = LSTM_I, G = w->gates, GH = G * H;
    memset(r, 0, sizeof *r);
    r->kind = w->kind;
    r->T = T;
    if (clamp && w->kind == LSTM_CELL_LSTM) r->clamp = *clamp;
    r->h0 = ts_new3(a, NULL, 1, 1, H);
    ts_tensor_set_name(r->h0, "%s.h0", p);
    r->h = named(a, p, "h", T, H);
    r->gates_raw = ts_arena_alloc(a, sizeof(float) * (size_t)T * GH);
    const float *x = in->input->data;
    const float *wih = w->w_ih->data, *whh = w->w_hh->data, *bih = w->b_ih->data,
                *bhh = w->b_hh->data;
    if (w->kind == LSTM_CELL_RNN) {
        ts_rnn_seq_forward(r->h->data, x, r->h0->data, wih, whh, bih, bhh, T, 1, I, H);
    } else if (w->kind == LSTM_CELL_LSTM) {
        r->c0 = ts_new3(a, NULL, 1, 1, H);
        ts_tensor_set_name(r->c0, "%s.c0", p);
        r->c = named(a, p, "c", T, H);
        ts_lstm_seq_forward(r->h->data, r->c->data, r->gates_raw, x, r->h0->data, r->c0->data,
                            wih, whh, bih, bhh, &r->clamp, T, 1, I, H);
    } else {
        r->hn = named(a, p, "hn", T, H);
        ts_gru_seq_forward(r->h->data, r->gates_raw, r->hn->data, x, r->h0->data, wih, whh,
                           bih, bhh, T, 1, I, H);
    }

    /* What each unit saw before its activation, from the same weights:
     * gx = W_ih x_t + b_ih, gh = W_hh h_{t-1} + b_hh (h_{-1} = h0 = 0). */
    r->ih = named(a, p, "ih", T, GH);
    r->hh = named(a, p, "hh", T, GH);
    float *gx = r->ih->data, *gh = r->hh->data;
    float *hprev = ts_arena_alloc(a, sizeof(float) * (size_t)T * H);
    memcpy(hprev, r->h0->data, sizeof(float) * H);
    memcpy(hprev + H, r->h->data, sizeof(float) * (size_t)(T - 1) * H);
    ts_linear_forward(gx, x, wih, bih, T, I, GH);
    ts_linear_forward(gh, hprev, whh, bhh, T, H, GH);
    int nk = G;
    for (int k = 0; k < nk; k++) {
        r->preact[k] = named(a, p, "preact", T, H);
        if (w->kind != LSTM_CELL_RNN) {
            ts_tensor_set_name(r->preact[k], "%s.preact.%s", p, gate_names[w->kind][k]);
            r->gate[k] = named(a, p, "gates", T, H);
            ts_tensor_set_name(r->gate[k], "%s.gates.%s", p, gate_names[w->kind][k]);
        }
        for (int t = 0; t < T; t++)
            for (int j = 0; j < H; j++) {
                size_t src = (size_t)t * GH + (size_t)k * H + j, dst = (size_t)t * H + j;
                float pre = gx[src] + gh[src];
                if (w->kind == LSTM_CELL_GRU && k == 2)   /* n = tanh(W_in x + b_in + r * hn) */
                    pre = gx[src] + r->gates_raw[(size_t)t * GH + j] * gh[src];
                r->preact[k]->data[dst] = pre;
                if (r->gate[k]) r->gate[k]->data[dst] = r->gates_raw[src];
            }
    }

    r->logits = ts_new2(a, NULL, 1, LSTM_SYMBOLS);
    ts_tensor_set_name(r->logits, "%s.logits", p);
    r->probs = ts_new2(a, NULL, 1, LSTM_SYMBOLS);
    ts_tensor_set_name(r->probs, "%s.probs", p);
    ts_linear_forward(r->logits->data, r->h->data + (size_t)(T - 1) * H, w->head_w->data,
                      w->head_b->data, 1, H, LSTM_SYMBOLS);
    ts_softmax_forward(r->probs->data, r->logits->data, NULL, 1, LSTM_SYMBOLS);
    r->pred = 0;
    for (int k = 1; k < LSTM_SYMBOLS; k++)
        if (r->logits->data[k] > r->logits->data[r->pred]) r->pred = k;
}

float lstm_run_backward(lstm_run *r, ts_arena *a, const lstm_cell_weights *w,
                        const lstm_input *in, const lstm_cell_grads *g, float scale) {
    const char *p = prefixes[w->kind];
    int T = r->T, H = LSTM_H, I = LSTM_I;
    lstm_cell_grads none = {0};
    if (!g) g = &none;
    float probs[LSTM_SYMBOLS], dlogits[LSTM_SYMBOLS];
    r->loss = named(a, p, "loss", 1, 0);
    r->loss->data[0] = ts_crossentropy_forward(NULL, probs, r->logits->data, &in->target, 1,
                                               LSTM_SYMBOLS);
    memset(dlogits, 0, sizeof dlogits);
    ts_crossentropy_backward(dlogits, probs, &in->target, scale, 1, LSTM_SYMBOLS);
    /* the loss reads only the last state: dh_up is zero but for t = T-1 */
    float *dh_up = ts_arena_alloc(a, sizeof(float) * (size_t)T * H);
    ts_linear_backward(dh_up + (size_t)(T - 1) * H, g->head_w, g->head_b, dlogits,
                       r->h->data + (size_t)(T - 1) * H, w->head_w->data, 1, H, LSTM_SYMBOLS);
    r->grad_h = named(a, p, "grad_h", T, H);
    const float *x = in->input->data, *wih = w->w_ih->data, *whh = w->w_hh->data;
    if (w->kind == LSTM_CELL_RNN) {
        ts_rnn_seq_backward(r->grad_h->data, NULL, NULL, g->w_ih, g->w_hh, g->b_ih, g->b_hh,
                            dh_up, r->h->data, x, r->h0->data, wih, whh, T, 1, I, H);
    } else if (w->kind == LSTM_CELL_LSTM) {
        float *dc = ts_arena_alloc(a, sizeof(float) * (size_t)T * H);
        ts_lstm_seq_backward(r->grad_h->data, dc, NULL, NULL, NULL, g->w_ih, g->w_hh, g->b_ih,
                             g->b_hh, dh_up, NULL, r->h->data, r->c->data, r->gates_raw, x,
                             r->h0->data, r->c0->data, wih, whh, &r->clamp, T, 1, I, H);
        /* the whole gradient on c_t: from later steps (dc) and through h_t */
        r->grad_c = named(a, p, "grad_c", T, H);
        for (int t = 0; t < T; t++)
            for (int j = 0; j < H; j++) {
                size_t tj = (size_t)t * H + j;
                float tc = tanhf(r->c->data[tj]), o = r->gates_raw[(size_t)t * 4 * H + 3 * H + j];
                r->grad_c->data[tj] = dc[tj] + r->grad_h->data[tj] * o * (1.0f - tc * tc);
            }
    } else {
        ts_gru_seq_backward(r->grad_h->data, NULL, NULL, g->w_ih, g->w_hh, g->b_ih, g->b_hh,
                            dh_up, r->h->data, r->gates_raw, r->hn->data, x, r->h0->data,
                            wih, whh, T, 1, I, H);
    }
    r->grad_h_norm = named(a, p, "grad_h_norm", T, 0);
    /* with scale != 1 the gradients are scaled: the norm is of dL/dh_t itself */
    float inv = scale != 0 ? 1.0f / scale : 0.0f;
    for (int t = 0; t < T; t++) {
        double s = 0;
        for (int j = 0; j < H; j++) {
            double v = r->grad_h->data[(size_t)t * H + j] * inv;
            s += v * v;
        }
        r->grad_h_norm->data[t] = (float)sqrt(s);
    }
    if (r->grad_c) {
        r->grad_c_norm = named(a, p, "grad_c_norm", T, 0);
        for (int t = 0; t < T; t++) {
            double s = 0;
            for (int j = 0; j < H; j++) {
                double v = r->grad_c->data[(size_t)t * H + j] * inv;
                s += v * v;
            }
            r->grad_c_norm->data[t] = (float)sqrt(s);
        }
    }
    /* each norm over its own value at the last step: both cells start at 1 at
     * step T whatever their loss, so the curves compare how the gradient
     * fades going back, not how large the loss happened to be */
    r->grad_h_rel = named(a, p, "grad_h_rel", T, 0);
    for (int t = 0; t < T; t++)
        r->grad_h_rel->data[t] = r->grad_h_norm->data[T - 1] > 0
                                     ? r->grad_h_norm->data[t] / r->grad_h_norm->data[T - 1] : 0.0f;
    if (r->grad_c) {
        r->grad_c_rel = named(a, p, "grad_c_rel", T, 0);
        for (int t = 0; t < T; t++)
            r->grad_c_rel->data[t] = r->grad_c_norm->data[T - 1] > 0
                                         ? r->grad_c_norm->data[t] / r->grad_c_norm->data[T - 1] : 0.0f;
    }
    if (scale != 1.0f) {
        for (size_t i = 0; i < ts_numel(r->grad_h); i++) r->grad_h->data[i] *= inv;
        for (size_t i = 0; r->grad_c && i < ts_numel(r->grad_c); i++) r->grad_c->data[i] *= inv;
    }
    return r->loss->data[0];
}

float lstm_accuracy(const lstm_cell_weights *w, int T, int n, uint64_t seed) {
    ts_rng rng;
    ts_rng_seed(&rng, seed);
    ts_arena a = {0};
    int ids[LSTM_MAX_T], right = 0;
    for (int i = 0; i < n; i++) {
        ts_arena_reset(&a);
        int target = lstm_sample(&rng, T, ids);
        lstm_input in;
        lstm_input_make(&in, &a, ids, T);
        lstm_run r;
        lstm_run_forward(&r, &a, w, &in, NULL);
        right += r.pred == target;
    }
    ts_arena_free(&a);
    return n ? (float)right / (float)n : 0.0f;
}
