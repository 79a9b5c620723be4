/* attention_story.c: the attention scene's story model: its shape and
 * names, loading and writing its weights, how often "it" lands on its
 * referent, and the probe that names its learned feature columns. The
 * forward pass is attn_run_forward (attention_model.c); the training loop
 * is tools/train_attention.c. See attention_model.h and attention_story.h.
 */
#include "scenes/attention/attention_story.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "kernel/dump.h"
#include "kernel/nn.h"
#include "kernel/safetensors.h"

static const char *const head_names[4] = {"which noun?", "previous word", "next word", "noun to verb"};

/* The corpus properties the probe compares each feature column with. */
enum { P_NOUN, P_IT, P_VERB, P_ADJ, P_MOVER, P_HOLDER, P_SUBJECT, P_REFERENT, P_WANTS_MOVER, P_WANTS_SUBJECT,
       P_COUNT };
static const char *const property_names[P_COUNT] = {
    "noun", "it", "verb", "adjective", "mover", "holder", "subject", "referent", "wants mover", "wants subject"};

static void names(attn_model *m) {
    m->kind = ATTN_READABLE;
    m->d = ATTN_D; m->heads = 4; m->d_k = ATTN_D / 4; m->heads0 = 2;
    const char *w[ATTN_MAX_VOCAB];
    m->vocab = attn_corpus_vocab(w, ATTN_MAX_VOCAB);
    for (int i = 0; i < m->vocab; i++) snprintf(m->words[i], ATTN_WORD_MAX, "%s", w[i]);
    for (int c = 0; c < ATTN_FEATURES; c++) snprintf(m->dim_names[c], 16, "f%d", c + 1);
    for (int i = 0; i < 2; i++) {
        snprintf(m->dim_names[ATTN_FEATURES + 2 * i], 16, "pos sin%d", i);
        snprintf(m->dim_names[ATTN_FEATURES + 2 * i + 1], 16, "pos cos%d", i);
    }
    for (int c = 0; c < m->d; c++) {
        snprintf(m->q_names[c], 16, "q%d", c % m->d_k + 1);
        snprintf(m->k_names[c], 16, "k%d", c % m->d_k + 1);
        snprintf(m->v_names[c], 16, "v%d", c % m->d_k + 1);
    }
    for (int h = 0; h < m->heads; h++) snprintf(m->head_names[h], 32, "%s", head_names[h]);
}

void attn_model_story_init(attn_model *m, ts_rng *rng) {
    memset(m, 0, sizeof *m);
    names(m);
    int D = m->d;
    /* features only: the position columns belong to the encoding */
    for (int v = 0; v < m->vocab; v++)
        for (int c = 0; c < ATTN_FEATURES; c++) m->embed[v * D + c] = ATTN_STORY_EMBED_STD * ts_rng_normal(rng);
    float *w[8] = {m->cq, m->ck, m->cv, m->co, m->wq, m->wk, m->wv, m->wo};
    for (int i = 0; i < 8; i++) ts_linear_init(w[i], NULL, rng, D, D);
    attn_story_mask(m);
}

void attn_story_mask(attn_model *m) {
    int D = m->d;
    for (int v = 0; v < m->vocab; v++)
        for (int c = ATTN_FEATURES; c < D; c++) m->embed[v * D + c] = 0;
    for (int o = ATTN_FEATURES; o < D; o++)   /* layer 0 writes features, never position */
        for (int c = 0; c < D; c++) m->co[o * D + c] = 0;
}

void attn_model_story_path(char *buf, size_t n, const char *dir) {
    snprintf(buf, n, "%s/assets/attention-story.safetensors", dir);
}

/* ---- files ------------------------------------------------------------------- */

static void vocab_string(const attn_model *m, char *buf, size_t n) {
    buf[0] = 0;
    for (int i = 0; i < m->vocab; i++) {
        size_t used = strlen(buf);
        snprintf(buf + used, n - used, "%s%s", i ? "," : "", m->words[i]);
    }
}

int attn_model_story_write(const attn_model *m, const attn_story_record *rec, const char *path, char *err,
                           size_t errlen) {
    int D = m->d;
    ts_dump *d = ts_dump_new("attention", 0);
    ts_dump_param_str(d, "model", "story");
    ts_dump_param_str(d, "task", "the noun 'it' refers to, in Winograd-style sentences");
    ts_dump_param(d, "accuracy_train", m->acc_train);
    ts_dump_param(d, "accuracy_heldout_nouns", m->acc_nouns);
    ts_dump_param(d, "accuracy_heldout_orders", m->acc_orders);
    ts_dump_param(d, "sentences", m->train_sentences);
    ts_dump_param(d, "epochs", m->train_epochs);
    ts_dump_param(d, "seconds", m->train_seconds);
    ts_dump_param(d, "heads", m->heads);
    ts_dump_param(d, "heads0", m->heads0);
    ts_dump_param(d, "d", m->d);
    if (rec) {
        ts_dump_param(d, "seed", (double)rec->seed);
        ts_dump_param(d, "lr", rec->lr);
        ts_dump_param(d, "batch", rec->batch);
        ts_dump_param(d, "unseen_noun_rate", rec->unseen_rate);
        ts_dump_param_str(d, "losses", rec->losses);
    }
    char buf[ATTN_MAX_VOCAB * (ATTN_WORD_MAX + 1) + 1];
    vocab_string(m, buf, sizeof buf);
    ts_dump_param_str(d, "vocab", buf);
    buf[0] = 0;
    for (int c = 0; c < ATTN_FEATURES; c++) {
        size_t used = strlen(buf);
        snprintf(buf + used, sizeof buf - used, "%s%s:%.3f", c ? "," : "", m->dim_names[c], (double)m->dim_r[c]);
    }
    ts_dump_param_str(d, "features", buf);
    attn_dump_matrix(d, "embed.weight", m->embed, m->vocab, D);
    attn_dump_matrix(d, "layer0.W_q", m->cq, D, D);
    attn_dump_matrix(d, "layer0.W_k", m->ck, D, D);
    attn_dump_matrix(d, "layer0.W_v", m->cv, D, D);
    attn_dump_matrix(d, "layer0.W_o", m->co, D, D);
    attn_dump_matrix(d, "W_q", m->wq, D, D);
    attn_dump_matrix(d, "W_k", m->wk, D, D);
    attn_dump_matrix(d, "W_v", m->wv, D, D);
    attn_dump_matrix(d, "W_o", m->wo, D, D);
    int rc = ts_st_write(d, path, err, errlen);
    ts_dump_free(d);
    return rc;
}

bool attn_model_story_load(attn_model *m, const char *path, char *err, size_t errlen) {
    ts_arena a = {0};
    ts_dump *d = ts_st_read(path, &a, err, errlen);
    if (!d) { ts_arena_free(&a); return false; }
    memset(m, 0, sizeof *m);
    names(m);
    int D = m->d;
    static const char *const tn[9] = {"embed.weight", "layer0.W_q", "layer0.W_k", "layer0.W_v", "layer0.W_o",
                                      "W_q", "W_k", "W_v", "W_o"};
    float *dst[9] = {m->embed, m->cq, m->ck, m->cv, m->co, m->wq, m->wk, m->wv, m->wo};
    bool ok = true;
    char want[ATTN_MAX_VOCAB * (ATTN_WORD_MAX + 1) + 1];
    vocab_string(m, want, sizeof want);
    const char *vocab = ts_dump_get_param_str(d, "vocab");
    double h0 = 0;
    if (!vocab || strcmp(vocab, want) != 0) {
        snprintf(err, errlen, "%s: trained on another vocabulary than the corpus's (run tools/train_attention)", path);
        ok = false;
    } else if (!ts_dump_get_param(d, "heads0", &h0) || h0 != m->heads0) {
        snprintf(err, errlen, "%s: layer 0 must have %d heads", path, m->heads0);
        ok = false;
    }
    for (int i = 0; i < 9 && ok; i++) {
        const ts_tensor *t = ts_dump_find(d, tn[i]);
        int rows = i == 0 ? m->vocab : D;
        if (!t || t->ndim != 2 || t->shape[0] != rows || t->shape[1] != D) {
            snprintf(err, errlen, "%s: tensor '%s' is missing or has the wrong shape", path, tn[i]);
            ok = false;
            break;
        }
        memcpy(dst[i], t->data, sizeof(float) * ts_numel(t));
    }
    double v = 0;
    if (ok) {
        if (ts_dump_get_param(d, "accuracy_train", &v)) m->acc_train = (float)v;
        if (ts_dump_get_param(d, "accuracy_heldout_nouns", &v)) m->acc_nouns = (float)v;
        if (ts_dump_get_param(d, "accuracy_heldout_orders", &v)) m->acc_orders = (float)v;
        if (ts_dump_get_param(d, "sentences", &v)) m->train_sentences = (int)v;
        if (ts_dump_get_param(d, "epochs", &v)) m->train_epochs = (int)v;
        if (ts_dump_get_param(d, "seconds", &v)) m->train_seconds = (float)v;
        const char *f = ts_dump_get_param_str(d, "features");
        for (int c = 0; f && *f && c < ATTN_FEATURES; c++) {   /* "name:r,name:r,..." */
            const char *colon = strchr(f, ':');
            if (!colon) break;
            snprintf(m->dim_names[c], 16, "%.*s", (int)(colon - f), f);
            m->dim_r[c] = strtof(colon + 1, NULL);
            f = strchr(colon, ',');
            f = f ? f + 1 : NULL;
        }
    }
    ts_dump_free(d);
    ts_arena_free(&a);
    return ok;
}

/* ---- measuring ------------------------------------------------------------------ */

int attn_story_ids(const attn_model *m, const attn_sentence *s, int *ids) {
    for (int t = 0; t < s->T; t++) {
        ids[t] = -1;
        for (int i = 0; i < m->vocab; i++)
            if (strcmp(m->words[i], s->word[t]) == 0) { ids[t] = i; break; }
        if (ids[t] < 0) return t;
    }
    return -1;
}

float attn_story_accuracy(const attn_model *m, int split, int n, uint64_t seed) {
    ts_rng rng;
    ts_rng_seed(&rng, seed);
    ts_arena a = {0};
    int right = 0;
    for (int i = 0; i < n; i++) {
        attn_sentence s;
        int ids[ATTN_MAX_T];
        attn_corpus_sample(&s, split, &rng);
        TS_CHECK(attn_story_ids(m, &s, ids) < 0);
        attn_run r;
        attn_run_forward(&r, &a, m, ids, s.T, &(attn_opts){.pe = true, .scaled = true});
        right += attn_argmax_row(&r, 0, s.it) == s.referent;
        ts_arena_reset(&a);
    }
    ts_arena_free(&a);
    return (float)right / (float)n;
}

int attn_argmax_row(const attn_run *r, int h, int t) {
    const float *w = r->mha->weights->data + ((size_t)h * r->T + t) * r->T;
    int best = 0;
    for (int s = 1; s < r->T; s++) if (w[s] > w[best]) best = s;
    return best;
}

/* Property p of token t of sentence s: 1 or 0. */
static float property(const attn_sentence *s, int p, int t) {
    bool noun = t == s->x || t == s->y, it = t == s->it, adj = t == s->it + 3;
    int subject = s->frame >= 3 ? s->y : s->x;
    bool wants_mover = (it || adj) && s->adj_x, wants_subject = (it || adj) && s->referent == subject;
    switch (p) {
    case P_NOUN: return noun;
    case P_IT: return it;
    case P_VERB: return t == s->verb;
    case P_ADJ: return adj;
    case P_MOVER: return t == s->x;
    case P_HOLDER: return t == s->y;
    case P_SUBJECT: return t == subject;
    case P_REFERENT: return t == s->referent;
    case P_WANTS_MOVER: return wants_mover;
    case P_WANTS_SUBJECT: return wants_subject;
    }
    return 0;
}

void attn_story_probe(attn_model *m, int n, uint64_t seed) {
    /* Pearson r of every feature column of x with every property, over the
     * tokens of n training sentences */
    double sx[ATTN_FEATURES] = {0}, sxx[ATTN_FEATURES] = {0}, sp[P_COUNT] = {0}, spp[P_COUNT] = {0};
    double sxp[ATTN_FEATURES][P_COUNT] = {{0}};
    long count = 0;
    double rs[2][6] = {{0}}, role_r[2];   /* sums for the role columns: v, v^2, t, t^2, vt, n */
    ts_rng rng;
    ts_rng_seed(&rng, seed);
    ts_arena a = {0};
    for (int i = 0; i < n; i++) {
        attn_sentence s;
        int ids[ATTN_MAX_T];
        attn_corpus_sample(&s, ATTN_SPLIT_TRAIN, &rng);
        TS_CHECK(attn_story_ids(m, &s, ids) < 0);
        attn_run r;
        attn_run_forward(&r, &a, m, ids, s.T, &(attn_opts){.pe = true, .scaled = true});
        int at[3] = {s.x, s.y, s.it};
        for (int i = 0; i < 3; i++) {   /* the role columns on the tokens their loss reads */
            int c = i < 2 ? ATTN_COL_MOVER : ATTN_COL_WANTS_MOVER;
            double v = r.x->data[at[i] * m->d + c], target = i == 0 ? 1 : i == 1 ? -1 : s.adj_x ? 1 : -1;
            rs[c][0] += v; rs[c][1] += v * v; rs[c][2] += target; rs[c][3] += target * target;
            rs[c][4] += v * target; rs[c][5] += 1;
        }
        for (int t = 0; t < s.T; t++) {
            count++;
            float pv[P_COUNT];
            for (int p = 0; p < P_COUNT; p++) { pv[p] = property(&s, p, t); sp[p] += pv[p]; spp[p] += pv[p] * pv[p]; }
            for (int c = 0; c < ATTN_FEATURES; c++) {
                double x = r.x->data[t * m->d + c];
                sx[c] += x; sxx[c] += x * x;
                for (int p = 0; p < P_COUNT; p++) sxp[c][p] += x * pv[p];
            }
        }
        ts_arena_reset(&a);
    }
    ts_arena_free(&a);
    for (int c = 0; c < 2; c++) {
        double k = rs[c][5], cov = rs[c][4] / k - rs[c][0] / k * rs[c][2] / k;
        double vx = rs[c][1] / k - (rs[c][0] / k) * (rs[c][0] / k), vt = rs[c][3] / k - (rs[c][2] / k) * (rs[c][2] / k);
        role_r[c] = vx > 0 && vt > 0 ? cov / sqrt(vx * vt) : 0;
    }
    for (int c = 0; c < ATTN_FEATURES; c++) {
        int best = -1;
        double br = 0;
        for (int p = 0; p < P_COUNT; p++) {
            if (p == P_MOVER || p == P_WANTS_MOVER) continue;   /* those two have their columns */
            double cov = sxp[c][p] / count - sx[c] / count * sp[p] / count;
            double vx = sxx[c] / count - (sx[c] / count) * (sx[c] / count);
            double vp = spp[p] / count - (sp[p] / count) * (sp[p] / count);
            double r = vx > 0 && vp > 0 ? cov / sqrt(vx * vp) : 0;
            if (fabs(r) > fabs(br)) { br = r; best = p; }
        }
        m->dim_r[c] = (float)br;
        if (c == ATTN_COL_MOVER || c == ATTN_COL_WANTS_MOVER) {
            /* named by the loss; r over the tokens the loss reads (the nouns, "it") */
            int p = c == ATTN_COL_MOVER ? P_MOVER : P_WANTS_MOVER;
            m->dim_r[c] = (float)role_r[c];
            snprintf(m->dim_names[c], 16, "%s", property_names[p]);
        } else if (best >= 0 && fabs(br) >= ATTN_STORY_NAME_R)
            snprintf(m->dim_names[c], 16, "%s%s", br < 0 ? "-" : "", property_names[best]);
        else
            snprintf(m->dim_names[c], 16, "f%d", c + 1);
    }
}
