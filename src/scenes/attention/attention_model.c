/* attention_model.c: the readable (hand-set) and the trained model of the
 * attention scene, tokenising and the forward pass. See attention_model.h. */
#include "scenes/attention/attention_model.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "kernel/safetensors.h"
#include "kernel/nn.h"

/* ---- the readable model ---------------------------------------------------- */

enum { F_NOUN, F_PRON, F_VERB, F_ADJ, F_ITEM, F_CONT, F_ANIM, F_HUMAN, F_BIG, F_SMALL,
       F_CBIG, F_CSMALL, F_POS, F_NAMED = F_POS };

static const char *const feature_names[F_NAMED] = {
    "noun", "pronoun", "verb", "adjective", "item", "container",
    "animate", "human", "big", "small", "ctx big", "ctx small"};

#define B(f) (1u << (f))
static const struct { const char *word; unsigned features; } lexicon[] = {
    {"the", 0}, {"a", 0}, {"didn't", 0}, {"did", 0}, {"not", 0}, {"in", 0}, {"into", 0},
    {"because", 0}, {"too", 0}, {"and", 0}, {"but", 0}, {"on", 0}, {"so", 0},
    {"trophy", B(F_NOUN) | B(F_ITEM)}, {"ball", B(F_NOUN) | B(F_ITEM)},
    {"book", B(F_NOUN) | B(F_ITEM)}, {"cup", B(F_NOUN) | B(F_ITEM)},
    {"key", B(F_NOUN) | B(F_ITEM)}, {"car", B(F_NOUN) | B(F_ITEM)},
    {"suitcase", B(F_NOUN) | B(F_CONT)}, {"box", B(F_NOUN) | B(F_CONT)},
    {"bag", B(F_NOUN) | B(F_CONT)}, {"drawer", B(F_NOUN) | B(F_CONT)},
    {"garage", B(F_NOUN) | B(F_CONT)},
    {"dog", B(F_NOUN) | B(F_ANIM)}, {"cat", B(F_NOUN) | B(F_ANIM)},
    {"man", B(F_NOUN) | B(F_ANIM) | B(F_HUMAN)}, {"woman", B(F_NOUN) | B(F_ANIM) | B(F_HUMAN)},
    {"girl", B(F_NOUN) | B(F_ANIM) | B(F_HUMAN)}, {"boy", B(F_NOUN) | B(F_ANIM) | B(F_HUMAN)},
    {"it", B(F_PRON)}, {"they", B(F_PRON)},
    {"he", B(F_PRON) | B(F_ANIM) | B(F_HUMAN)}, {"she", B(F_PRON) | B(F_ANIM) | B(F_HUMAN)},
    {"fit", B(F_VERB)}, {"fits", B(F_VERB)}, {"was", B(F_VERB)}, {"is", B(F_VERB)},
    {"bites", B(F_VERB)}, {"chased", B(F_VERB)}, {"saw", B(F_VERB)}, {"loves", B(F_VERB)},
    {"put", B(F_VERB)},
    {"big", B(F_ADJ) | B(F_BIG)}, {"large", B(F_ADJ) | B(F_BIG)}, {"huge", B(F_ADJ) | B(F_BIG)},
    {"small", B(F_ADJ) | B(F_SMALL)}, {"tiny", B(F_ADJ) | B(F_SMALL)},
    {"little", B(F_ADJ) | B(F_SMALL)},
};
#define LEXICON_N (int)(sizeof lexicon / sizeof lexicon[0])

/* Strengths of the hand-set weights. They are the model's parameters (shown
 * in the W heatmaps and dumped), chosen so the right key wins the softmax
 * clearly at the default 1/sqrt(d_k) scale. */
#define W_SEEK 3.0f         /* a query that seeks a feature */
#define W_PROPERTY 6.0f     /* "it was too big" -> seek the item */
#define W_POSITION 16.0f    /* previous / next word heads */
#define W_LAYER0 24.0f      /* a pronoun reads the adjective */

static void set_w(float *w, int out, int in, float v) { w[out * ATTN_D + in] = v; }

/* Frequency of sine/cosine pair i in the standard encoding of width d
 * (as ts_posenc_sinusoidal): 1 / 10000^(2i/d). */
static double pe_freq(int i, int d) { return 1.0 / pow(10000.0, (2.0 * i) / d); }

/* A position head: its query is the encoding of position t + shift, written
 * as a rotation of the (sin, cos) pairs of position t, so q . k peaks where
 * the key sits at t + shift. */
static void position_head(attn_model *m, int h, int shift) {
    for (int i = 0; i < 2; i++) {
        double w = pe_freq(i, m->d) * shift;
        float c = (float)cos(w), s = (float)sin(w);
        int qs = h * m->d_k + 2 * i, qc = qs + 1, ps = F_POS + 2 * i, pc = ps + 1;
        /* sin(a+w) = sin a cos w + cos a sin w; cos(a+w) = cos a cos w - sin a sin w */
        set_w(m->wq, qs, ps, W_POSITION * c); set_w(m->wq, qs, pc, W_POSITION * s);
        set_w(m->wq, qc, pc, W_POSITION * c); set_w(m->wq, qc, ps, -W_POSITION * s);
        set_w(m->wk, qs, ps, 1); set_w(m->wk, qc, pc, 1);
        snprintf(m->q_names[qs], 16, "%s sin%d", shift < 0 ? "prev" : "next", i);
        snprintf(m->q_names[qc], 16, "%s cos%d", shift < 0 ? "prev" : "next", i);
        snprintf(m->k_names[qs], 16, "sin%d", i);
        snprintf(m->k_names[qc], 16, "cos%d", i);
    }
}

/* One named Q/K/V dimension of head h: the query weight reads features
 * (qf, with strength), the key reads kf, the value copies vf into the output
 * column vf. */
static void named_dim(attn_model *m, int h, int j, const char *qname, unsigned qf, float strength,
                      int kf, int vf) {
    int col = h * m->d_k + j;
    for (int f = 0; f < F_NAMED; f++)
        if (qf & B(f)) set_w(m->wq, col, f, strength);
    set_w(m->wk, col, kf, 1);
    set_w(m->wv, col, vf, 1);
    set_w(m->wo, vf, col, 1);
    snprintf(m->q_names[col], 16, "%s", qname);
    snprintf(m->k_names[col], 16, "%s", feature_names[kf]);
    snprintf(m->v_names[col], 16, "%s", feature_names[vf]);
}

static void value_dim(attn_model *m, int h, int j, int vf) {
    int col = h * m->d_k + j;
    set_w(m->wv, col, vf, 1);
    set_w(m->wo, vf, col, 1);
    snprintf(m->v_names[col], 16, "%s", feature_names[vf]);
}

void attn_model_readable(attn_model *m) {
    memset(m, 0, sizeof *m);
    m->kind = ATTN_READABLE;
    m->d = ATTN_D; m->heads = 4; m->d_k = ATTN_D / 4;
    m->vocab = LEXICON_N;
    for (int i = 0; i < LEXICON_N; i++) {
        snprintf(m->words[i], ATTN_WORD_MAX, "%s", lexicon[i].word);
        for (int f = 0; f < F_NAMED; f++)
            m->embed[i * ATTN_D + f] = (lexicon[i].features & B(f)) ? 1.0f : 0.0f;
    }
    for (int f = 0; f < F_NAMED; f++) snprintf(m->dim_names[f], 16, "%s", feature_names[f]);
    for (int i = 0; i < 2; i++) {
        snprintf(m->dim_names[F_POS + 2 * i], 16, "pos sin%d", i);
        snprintf(m->dim_names[F_POS + 2 * i + 1], 16, "pos cos%d", i);
    }
    /* head 1: which noun does a pronoun mean? */
    snprintf(m->head_names[0], 32, "which noun?");
    named_dim(m, 0, 0, "seek noun", B(F_PRON), W_SEEK, F_NOUN, F_NOUN);
    named_dim(m, 0, 1, "seek item", B(F_CBIG), W_PROPERTY, F_ITEM, F_ITEM);
    named_dim(m, 0, 2, "seek contnr", B(F_CSMALL), W_PROPERTY, F_CONT, F_CONT);
    named_dim(m, 0, 3, "seek human", B(F_HUMAN), W_SEEK, F_HUMAN, F_HUMAN);
    /* heads 2 and 3: the previous and the next word, by position alone */
    snprintf(m->head_names[1], 32, "previous word");
    position_head(m, 1, -1);
    value_dim(m, 1, 0, F_NOUN); value_dim(m, 1, 1, F_VERB);
    value_dim(m, 1, 2, F_ANIM); value_dim(m, 1, 3, F_HUMAN);
    snprintf(m->head_names[2], 32, "next word");
    position_head(m, 2, +1);
    value_dim(m, 2, 0, F_NOUN); value_dim(m, 2, 1, F_VERB);
    value_dim(m, 2, 2, F_BIG); value_dim(m, 2, 3, F_SMALL);
    /* head 4: who relates to whom */
    snprintf(m->head_names[3], 32, "nouns and verbs");
    named_dim(m, 3, 0, "seek verb", B(F_NOUN) | B(F_PRON), W_SEEK, F_VERB, F_VERB);
    named_dim(m, 3, 1, "seek noun", B(F_ADJ), W_SEEK, F_NOUN, F_NOUN);
    named_dim(m, 3, 2, "seek animate", B(F_VERB), W_SEEK, F_ANIM, F_ANIM);
    named_dim(m, 3, 3, "seek item", B(F_VERB), W_SEEK, F_ITEM, F_ITEM);
    /* layer 0 (one head, d_k = d): pronouns read the adjective into ctx */
    set_w(m->cq, 0, F_PRON, W_LAYER0);
    set_w(m->ck, 0, F_ADJ, 1);
    set_w(m->cv, 0, F_BIG, 1);   set_w(m->co, F_CBIG, 0, 1);
    set_w(m->cv, 1, F_SMALL, 1); set_w(m->co, F_CSMALL, 1, 1);
}

/* ---- the trained model ------------------------------------------------------ */

static const ts_tensor *need(const ts_dump *d, const char *name, int r, int c,
                             char *err, size_t n, const char *path) {
    const ts_tensor *t = ts_dump_find(d, name);
    bool ok = t && ((t->ndim == 2 && t->shape[0] == r && t->shape[1] == c) ||
                    (c == 0 && t->ndim == 1 && t->shape[0] == r));
    if (!ok) snprintf(err, n, "%s: tensor '%s' is missing or has the wrong shape", path, name);
    return ok ? t : NULL;
}

static void trained_names(attn_model *m) {
    m->kind = ATTN_TRAINED;
    m->d = ATTN_D; m->heads = 2; m->d_k = ATTN_D / 2;
    m->vocab = ATTN_TRAIN_VOCAB;
    for (int i = 0; i < m->vocab; i++) snprintf(m->words[i], ATTN_WORD_MAX, "%d", i);
    for (int c = 0; c < m->d; c++) {
        snprintf(m->dim_names[c], 16, "dim %d", c);
        snprintf(m->q_names[c], 16, "q%d", c % m->d_k);
        snprintf(m->k_names[c], 16, "k%d", c % m->d_k);
        snprintf(m->v_names[c], 16, "v%d", c % m->d_k);
    }
    for (int h = 0; h < m->heads; h++) snprintf(m->head_names[h], 32, "head %d", h + 1);
}

void attn_model_trained_init(attn_model *m, ts_rng *rng) {
    memset(m, 0, sizeof *m);
    trained_names(m);
    ts_rng_normal_fill(rng, m->embed, (size_t)m->vocab * m->d, 0.0f, 1.0f);
    float *w[4] = {m->wq, m->wk, m->wv, m->wo};
    for (int i = 0; i < 4; i++) ts_linear_init(w[i], NULL, rng, m->d, m->d);
    ts_linear_init(m->wr, m->br, rng, m->d, m->vocab);
}

bool attn_model_load(attn_model *m, const char *path, char *err, size_t errlen) {
    ts_arena a = {0};
    ts_dump *d = ts_st_read(path, &a, err, errlen);
    if (!d) { ts_arena_free(&a); return false; }
    memset(m, 0, sizeof *m);
    trained_names(m);
    int D = m->d, V = m->vocab;
    const ts_tensor *t[7] = {
        need(d, "embed.weight", V, D, err, errlen, path), need(d, "W_q", D, D, err, errlen, path),
        need(d, "W_k", D, D, err, errlen, path), need(d, "W_v", D, D, err, errlen, path),
        need(d, "W_o", D, D, err, errlen, path), need(d, "readout.weight", V, D, err, errlen, path),
        need(d, "readout.bias", V, 0, err, errlen, path)};
    float *dst[7] = {m->embed, m->wq, m->wk, m->wv, m->wo, m->wr, m->br};
    bool ok = true;
    for (int i = 0; i < 7; i++) {
        if (!t[i]) { ok = false; break; }
        memcpy(dst[i], t[i]->data, sizeof(float) * ts_numel(t[i]));
    }
    double acc = 0;
    if (ok && ts_dump_get_param(d, "accuracy", &acc)) m->accuracy = (float)acc;
    ts_dump_free(d);
    ts_arena_free(&a);
    return ok;
}

static void dump_matrix(ts_dump *d, const char *name, const float *data, int r, int c) {
    ts_tensor t = {.ndim = c ? 2 : 1, .shape = {r, c}, .stride = {c ? c : 1, 1}, .data = (float *)data};
    snprintf(t.name, sizeof t.name, "%s", name);
    ts_dump_tensor(d, &t);
}

void attn_model_dump_weights(const attn_model *m, ts_dump *d) {
    int D = m->d, V = m->vocab;
    dump_matrix(d, "embed.weight", m->embed, V, D);
    dump_matrix(d, "W_q", m->wq, D, D);
    dump_matrix(d, "W_k", m->wk, D, D);
    dump_matrix(d, "W_v", m->wv, D, D);
    dump_matrix(d, "W_o", m->wo, D, D);
    if (m->kind == ATTN_TRAINED) {
        dump_matrix(d, "readout.weight", m->wr, V, D);
        dump_matrix(d, "readout.bias", m->br, V, 0);
    } else {
        dump_matrix(d, "layer0.W_q", m->cq, D, D);
        dump_matrix(d, "layer0.W_k", m->ck, D, D);
        dump_matrix(d, "layer0.W_v", m->cv, D, D);
        dump_matrix(d, "layer0.W_o", m->co, D, D);
    }
}

/* ---- tokens ------------------------------------------------------------------ */

static int find_word(const attn_model *m, const char *w) {
    for (int i = 0; i < m->vocab; i++)
        if (strcmp(m->words[i], w) == 0) return i;
    return -1;
}

int attn_default_query(const attn_model *m, const int *ids, int T) {
    if (m->kind == ATTN_READABLE)
        for (int t = 0; t < T; t++)
            if (m->embed[ids[t] * ATTN_D + F_PRON] > 0) return t;
    return 0;
}

void attn_vocab_list(const attn_model *m, char *out, size_t outlen) {
    out[0] = 0;
    for (int i = 0; i < m->vocab; i++) {
        size_t n = strlen(out);
        snprintf(out + n, outlen - n, "%s%s", i ? ", " : "", m->words[i]);
    }
}

bool attn_tokenize(const attn_model *m, const char *text, int *ids, int *T,
                   char *err, size_t errlen) {
    int n = 0;
    if (m->kind == ATTN_TRAINED) {
        for (const char *p = text; *p; p++) {
            if (isspace((unsigned char)*p) || *p == ',') continue;
            if (!isdigit((unsigned char)*p)) {
                snprintf(err, errlen, "the trained model reads digits 0-9 only, got '%c'", *p);
                return false;
            }
            if (n == ATTN_TRAIN_T) break;
            ids[n++] = *p - '0';
        }
        size_t digits = 0;
        for (const char *p = text; *p; p++) digits += isdigit((unsigned char)*p) != 0;
        if (digits != ATTN_TRAIN_T) {
            snprintf(err, errlen, "the trained model reverses exactly %d digits, got %zu",
                     ATTN_TRAIN_T, digits);
            return false;
        }
        *T = n;
        return true;
    }
    const char *p = text;
    char unknown[4][ATTN_WORD_MAX + 8];
    int n_unknown = 0;
    for (;;) {
        while (*p && (isspace((unsigned char)*p) || strchr(".,!?;:\"", *p))) p++;
        if (!*p) break;
        char w[64];
        size_t k = 0;
        while (*p && !isspace((unsigned char)*p)) {
            if (k < sizeof w - 1) w[k++] = (char)tolower((unsigned char)*p);
            p++;
        }
        while (k > 0 && strchr(".,!?;:\"", w[k - 1])) k--;
        w[k] = 0;
        if (!k) continue;
        int id = find_word(m, w);
        if (id < 0) {
            if (n_unknown < 4) snprintf(unknown[n_unknown], sizeof unknown[0], "'%.*s'", ATTN_WORD_MAX, w);
            n_unknown++;
            continue;
        }
        if (n < ATTN_MAX_T) ids[n] = id;
        n++;
    }
    if (n_unknown) {
        /* every unknown word (up to four, then a count), and the whole vocabulary */
        char list[160] = "";
        for (int i = 0; i < n_unknown && i < 4; i++) {
            size_t used = strlen(list);
            const char *sep = i == 0 ? "" : (i == n_unknown - 1 ? " and " : ", ");
            snprintf(list + used, sizeof list - used, "%s%s", sep, unknown[i]);
        }
        if (n_unknown > 4) {
            size_t used = strlen(list);
            snprintf(list + used, sizeof list - used, " and %d more", n_unknown - 4);
        }
        char vocab[ATTN_MAX_VOCAB * (ATTN_WORD_MAX + 2)];
        attn_vocab_list(m, vocab, sizeof vocab);
        snprintf(err, errlen, "%s %s not in the vocabulary; the words it knows: %s", list,
                 n_unknown == 1 ? "is" : "are", vocab);
        return false;
    }
    if (n > ATTN_MAX_T) {
        snprintf(err, errlen, "at most %d words, please (got %d)", ATTN_MAX_T, n);
        return false;
    }
    if (n < 2) {
        snprintf(err, errlen, "type at least 2 words");
        return false;
    }
    *T = n;
    return true;
}

/* ---- forward ------------------------------------------------------------------ */

void attn_run_forward(attn_run *r, ts_arena *a, const attn_model *m, const int *ids,
                      int T, const attn_opts *o) {
    TS_CHECK(T >= 1 && T <= ATTN_MAX_T);
    int D = m->d;
    memset(r, 0, sizeof *r);
    r->T = T;
    r->opts = *o;
    memcpy(r->ids, ids, sizeof(int) * (size_t)T);
    r->embed = ts_new2(a, "embed", T, D);
    r->ctx = ts_new2(a, "ctx", T, D);
    r->x = ts_new2(a, "x", T, D);
    r->pe = ts_new2(a, "pe", T, D);
    r->x_in = ts_new2(a, "x_in", T, D);
    ts_embedding_forward(r->embed->data, ids, m->embed, T, m->vocab, D);
    if (m->kind == ATTN_READABLE) {
        /* layer 0: position-free; unmasked, "it" reads "big" after it, but a
         * causal run masks it like every layer: "it" cannot see ahead */
        r->layer0 = ts_mha_new(a, &(ts_mha_desc){.T = T, .d = D, .heads = 1, .causal = o->causal});
        ts_mha_forward(r->layer0, r->embed->data,
                       &(ts_mha_weights){.wq = m->cq, .wk = m->ck, .wv = m->cv, .wo = m->co}, NULL);
        memcpy(r->ctx->data, r->layer0->out->data, sizeof(float) * (size_t)T * D);
        /* the readable model keeps position in its own columns: the first two
         * sine/cosine pairs of the standard encoding of width d */
        float full[ATTN_MAX_T * ATTN_D];
        ts_posenc_sinusoidal(full, T, D);
        for (int t = 0; t < T; t++)
            for (int j = 0; j < D - F_POS; j++) r->pe->data[t * D + F_POS + j] = full[t * D + j];
    } else {
        ts_posenc_sinusoidal(r->pe->data, T, D);
    }
    ts_add_forward(r->x->data, r->embed->data, r->ctx->data, (size_t)T * D);
    if (o->pe) ts_add_forward(r->x_in->data, r->x->data, r->pe->data, (size_t)T * D);
    else memcpy(r->x_in->data, r->x->data, sizeof(float) * (size_t)T * D);
    r->mha = ts_mha_new(a, &(ts_mha_desc){.T = T, .d = D, .heads = m->heads, .causal = o->causal,
                                          .unscaled = !o->scaled, .temperature = o->temperature});
    ts_mha_forward(r->mha, r->x_in->data,
                   &(ts_mha_weights){.wq = m->wq, .wk = m->wk, .wv = m->wv, .wo = m->wo}, NULL);
    if (m->kind == ATTN_TRAINED) {
        r->logits = ts_new2(a, "logits", T, m->vocab);
        ts_linear_forward(r->logits->data, r->mha->out->data, m->wr, m->br, T, D, m->vocab);
        for (int t = 0; t < T; t++) {
            int best = 0;
            for (int v = 1; v < m->vocab; v++)
                if (r->logits->data[t * m->vocab + v] > r->logits->data[t * m->vocab + best]) best = v;
            r->pred[t] = best;
        }
    }
}

/* ---- the reversal task -------------------------------------------------------- */

void attn_reverse_sample(ts_rng *rng, int *ids, int *target) {
    for (int t = 0; t < ATTN_TRAIN_T; t++) ids[t] = ts_rng_int(rng, ATTN_TRAIN_VOCAB);
    for (int t = 0; t < ATTN_TRAIN_T; t++) target[t] = ids[ATTN_TRAIN_T - 1 - t];
}

float attn_reverse_accuracy(const attn_model *m, int n, uint64_t seed) {
    ts_rng rng;
    ts_rng_seed(&rng, seed);
    ts_arena a = {0};
    long right = 0;
    attn_opts o = {.pe = true, .scaled = true};
    for (int i = 0; i < n; i++) {
        int ids[ATTN_TRAIN_T], tgt[ATTN_TRAIN_T];
        attn_reverse_sample(&rng, ids, tgt);
        attn_run r;
        attn_run_forward(&r, &a, m, ids, ATTN_TRAIN_T, &o);
        for (int t = 0; t < ATTN_TRAIN_T; t++) right += r.pred[t] == tgt[t];
        ts_arena_reset(&a);
    }
    ts_arena_free(&a);
    return (float)right / (float)(n * ATTN_TRAIN_T);
}
