/* attention_model.c: the reversal model of the attention scene, tokenising
 * and the forward pass of both models. The story model's shape, loading
 * and writing are in attention_story.c. See attention_model.h. */
#include "scenes/attention/attention_model.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "kernel/safetensors.h"
#include "kernel/nn.h"

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

void attn_dump_matrix(ts_dump *d, const char *name, const float *data, int r, int c) {
    ts_tensor t = {.ndim = c ? 2 : 1, .shape = {r, c}, .stride = {c ? c : 1, 1}, .data = (float *)data};
    snprintf(t.name, sizeof t.name, "%s", name);
    ts_dump_tensor(d, &t);
}

void attn_model_dump_weights(const attn_model *m, ts_dump *d) {
    int D = m->d, V = m->vocab;
    attn_dump_matrix(d, "embed.weight", m->embed, V, D);
    attn_dump_matrix(d, "W_q", m->wq, D, D);
    attn_dump_matrix(d, "W_k", m->wk, D, D);
    attn_dump_matrix(d, "W_v", m->wv, D, D);
    attn_dump_matrix(d, "W_o", m->wo, D, D);
    if (m->kind == ATTN_TRAINED) {
        attn_dump_matrix(d, "readout.weight", m->wr, V, D);
        attn_dump_matrix(d, "readout.bias", m->br, V, 0);
    } else {
        attn_dump_matrix(d, "layer0.W_q", m->cq, D, D);
        attn_dump_matrix(d, "layer0.W_k", m->ck, D, D);
        attn_dump_matrix(d, "layer0.W_v", m->cv, D, D);
        attn_dump_matrix(d, "layer0.W_o", m->co, D, D);
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
            if (strcmp(m->words[ids[t]], "it") == 0) return t;
    return 0;
}

/* Letter edits (insert, delete, substitute) from a to b; both < 64 chars. */
static int edits(const char *a, const char *b) {
    int la = (int)strlen(a), lb = (int)strlen(b), row[64];
    if (la >= 64 || lb >= 64) return 1 << 20;
    for (int j = 0; j <= lb; j++) row[j] = j;
    for (int i = 1; i <= la; i++) {
        int diag = row[0];
        row[0] = i;
        for (int j = 1; j <= lb; j++) {
            int up = row[j], best = diag + (a[i - 1] != b[j - 1]);
            if (up + 1 < best) best = up + 1;
            if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
            diag = up;
            row[j] = best;
        }
    }
    return row[lb];
}

const char *attn_nearest_word(const attn_model *m, const char *w) {
    int best = -1, bd = 1 << 20;
    for (int i = 0; i < m->vocab; i++) {
        int e = edits(w, m->words[i]);
        if (e < bd) { bd = e; best = i; }
    }
    /* close means at most a third of the letters changed (at least one) */
    int len = (int)strlen(w), allowed = len / 3 > 1 ? len / 3 : 1;
    return best >= 0 && bd <= allowed ? m->words[best] : NULL;
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
        /* every unknown word (up to four, then a count) with the known word
         * nearest to each, then every word the model knows */
        char list[400] = "";
        for (int i = 0; i < n_unknown && i < 4; i++) {
            size_t used = strlen(list);
            const char *sep = i == 0 ? "" : (i == n_unknown - 1 ? " and " : ", ");
            snprintf(list + used, sizeof list - used, "%s%s", sep, unknown[i]);
        }
        if (n_unknown > 4) {
            size_t used = strlen(list);
            snprintf(list + used, sizeof list - used, " and %d more", n_unknown - 4);
        }
        char near[200] = "";
        for (int i = 0; i < n_unknown && i < 4; i++) {
            char w[ATTN_WORD_MAX + 8];
            snprintf(w, sizeof w, "%.*s", (int)strlen(unknown[i]) - 2, unknown[i] + 1);
            const char *k = attn_nearest_word(m, w);
            size_t used = strlen(near);
            snprintf(near + used, sizeof near - used, "%s%s \xe2\x86\x92 %s", i ? ", " : "", unknown[i],
                     k ? k : "none close");
        }
        char vocab[ATTN_MAX_VOCAB * (ATTN_WORD_MAX + 2)];
        attn_vocab_list(m, vocab, sizeof vocab);
        snprintf(err, errlen, "%s %s not in the vocabulary (nearest known: %s); the words it knows: %s", list,
                 n_unknown == 1 ? "is" : "are", near, vocab);
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
    if (o->rows) memcpy(r->embed->data, o->rows, sizeof(float) * (size_t)T * D);
    else ts_embedding_forward(r->embed->data, ids, m->embed, T, m->vocab, D);
    if (m->kind == ATTN_READABLE) {
        /* the story model keeps position in its own columns: the first two
         * sine/cosine pairs of the standard encoding of width d */
        float full[ATTN_MAX_T * ATTN_D];
        ts_posenc_sinusoidal(full, T, D);
        for (int t = 0; t < T; t++)
            for (int j = 0; j < D - ATTN_FEATURES; j++) r->pe->data[t * D + ATTN_FEATURES + j] = full[t * D + j];
        /* layer 0 reads the words and, when position is on, where they are;
         * a causal run masks it like every layer: "it" cannot see ahead */
        r->l0_in = ts_new2(a, "layer0.in", T, D);
        if (o->pe) ts_add_forward(r->l0_in->data, r->embed->data, r->pe->data, (size_t)T * D);
        else memcpy(r->l0_in->data, r->embed->data, sizeof(float) * (size_t)T * D);
        r->layer0 = ts_mha_new(a, &(ts_mha_desc){.T = T, .d = D, .heads = m->heads0, .causal = o->causal});
        ts_mha_forward(r->layer0, r->l0_in->data,
                       &(ts_mha_weights){.wq = m->cq, .wk = m->ck, .wv = m->cv, .wo = m->co}, NULL);
        memcpy(r->ctx->data, r->layer0->out->data, sizeof(float) * (size_t)T * D);
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
