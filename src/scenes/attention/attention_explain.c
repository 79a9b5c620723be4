/* attention_explain.c: where each number of the attention scene comes from,
 * for the diagram library's tooltips, and the names its tensors carry.
 *
 * A tooltip reads "Q[0,8,1] = 5.84" (the library writes the tensor, the index
 * in PyTorch's shape and the value) and then the provenance line written
 * here from the same tensors: "'it', seek item = x_in['it'] · row 1 of W_q".
 * Names follow the dump (attention.c), so a tooltip and a dump agree.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "scenes/attention/attention_scene.h"
#include "scenes/attention/attention_story.h"

/* ---- names ------------------------------------------------------------------ */

static void name(ts_tensor *t, const char *prefix, const char *base, const char *suffix) {
    snprintf(t->name, sizeof t->name, "%s%s%s", prefix, base, suffix);
}

static void name_run(attn_run *r, const char *prefix, const char *suffix) {
    name(r->x, prefix, "x", suffix);
    name(r->pe, prefix, "pe", suffix);
    name(r->x_in, prefix, "x_in", suffix);
    name(r->mha->q, prefix, "Q", suffix);
    name(r->mha->k, prefix, "K", suffix);
    name(r->mha->v, prefix, "V", suffix);
    name(r->mha->scores, prefix, "scores", suffix);
    name(r->mha->weights, prefix, "weights", suffix);
    name(r->mha->allowed, prefix, "mask", suffix);
    name(r->mha->concat, prefix, "concat", suffix);
    name(r->mha->out, prefix, "out", suffix);
}

void attn_name_runs(attn_scene *st) {
    name_run(&st->enc, "", st->causal ? ".no_mask" : "");
    name_run(&st->dec, "", st->causal ? "" : ".causal");
    name_run(&st->ord_a, "order.", "_a");
    name_run(&st->ord_b, "order.", "_b");
    name_run(&st->ord_a_pe, "order.", "_a_pe");
    name_run(&st->ord_b_pe, "order.", "_b_pe");
}

/* ---- provenance --------------------------------------------------------------- */

static const char *pe_formula(const attn_model *m, int c, char *buf, size_t n) {
    int j = m->kind == ATTN_READABLE ? c - (m->d - 4) : c;   /* the readable model keeps 4 */
    if (j < 0) { snprintf(buf, n, "no position in this column"); return buf; }
    snprintf(buf, n, "%s(t / 10000^(%d/%d))", j % 2 ? "cos" : "sin", 2 * (j / 2), m->d);
    return buf;
}

void attn_explain(const void *p, const int *idx, char *buf, size_t n) {
    const attn_why *w = p;
    const attn_scene *st = w->st;
    const attn_run *r = w->r;
    const attn_model *m = &st->m;
    int D = m->d, K = m->d_k, T = r->T;
    const char (*tok)[ATTN_WORD_MAX] = r == &st->ord_b ? st->tok_b : st->tok;
    buf[0] = 0;
    switch (w->what) {
    case W_X: {
        int t = idx[0], c = idx[1];
        if (m->kind == ATTN_READABLE) {
            char why[64] = "x has no position here: pe adds it (next beat)";
            if (c == ATTN_COL_MOVER || c == ATTN_COL_WANTS_MOVER)
                snprintf(why, sizeof why, "named by the loss; r = %.2f", (double)m->dim_r[c]);
            else if (c < ATTN_FEATURES)
                snprintf(why, sizeof why, "probe: best r = %.2f", (double)m->dim_r[c]);
            snprintf(buf, n, "'%s', %s = embed %.3g + ctx %.3g (layer 0)\n%s", tok[t], m->dim_names[c],
                     (double)r->embed->data[t * D + c], (double)r->ctx->data[t * D + c], why);
        }
        else
            snprintf(buf, n, "'%s', dim %d: its learned embedding", tok[t], c);
        return;
    }
    case W_PE: {
        char f[64];
        snprintf(buf, n, "position %d, %s: %s", idx[0], m->dim_names[idx[1]], pe_formula(m, idx[1], f, sizeof f));
        return;
    }
    case W_XIN: {
        int t = idx[0], c = idx[1];
        if (r->opts.pe)
            snprintf(buf, n, "'%s', %s = x %.3g + pe %.3g", tok[t], m->dim_names[c],
                     (double)r->x->data[t * D + c], (double)r->pe->data[t * D + c]);
        else
            snprintf(buf, n, "'%s', %s = x (positional encoding off)", tok[t], m->dim_names[c]);
        return;
    }
    case W_Q: case W_K: case W_V: {
        int h = idx[0], t = idx[1], col = h * K + idx[2];
        const char *dn = w->what == W_Q ? m->q_names[col] : w->what == W_K ? m->k_names[col] : m->v_names[col];
        snprintf(buf, n, "head %d, '%s', %s = x_in['%s'] \xc2\xb7 row %d of W_%c", h + 1, tok[t], dn, tok[t], col,
                 "qkv"[w->what - W_Q]);
        return;
    }
    case W_SCORES: case W_WEIGHTS: {
        int h = idx[0], q = idx[1], k = idx[2];
        if (r->mha->allowed->data[q * T + k] == 0) {
            snprintf(buf, n, "masked: '%s' comes after the query '%s', so its weight is 0", tok[k], tok[q]);
            return;
        }
        const float *qv = r->mha->q->data + ((size_t)h * T + q) * K;
        const float *kv = r->mha->k->data + ((size_t)h * T + k) * K;
        float dot = 0;
        for (int j = 0; j < K; j++) dot += qv[j] * kv[j];
        size_t at = ((size_t)h * T + q) * T + k;
        if (w->what == W_SCORES)
            snprintf(buf, n, "query '%s' \xc2\xb7 key '%s' = %.4g, \xc3\x97 %.4g = %.4g", tok[q], tok[k], (double)dot,
                     (double)r->mha->score_mult, (double)r->mha->scores->data[at]);
        else
            snprintf(buf, n, "softmax of row '%s': e^%.3g / \xce\xa3 e^score over %d keys", tok[q],
                     (double)r->mha->scores->data[at], T);
        return;
    }
    case W_CONCAT: {
        int t = idx[0], c = idx[1], h = c / K;
        snprintf(buf, n, "head %d output for '%s', %s = \xce\xa3 weight \xc3\x97 V", h + 1, tok[t], m->v_names[c]);
        return;
    }
    case W_CROSS: {
        int h = idx[0], q = idx[1], k = idx[2];
        snprintf(buf, n, "head %d: decoder '%s' (query) \xc2\xb7 encoder '%s' (key), softmax over the %d encoder "
                 "words", h + 1, st->dec_l[q], st->enc_l[k], st->Te);
        return;
    }
    case W_EMBED:
        snprintf(buf, n, "'%s', %s: row '%s' of the learned embedding table, looked up", tok[idx[0]],
                 m->dim_names[idx[1]], tok[idx[0]]);
        return;
    case W_CTX:
        snprintf(buf, n, "'%s', %s: written by layer 0 (attention over embed + pe), then added to embed",
                 tok[idx[0]], m->dim_names[idx[1]]);
        return;
    case W_HEAD_OUT: {
        int t = idx[0], c = idx[1];
        snprintf(buf, n, "head %d alone: its %d outputs for '%s' \xc2\xb7 its %d columns of row %d of W_o (%s)",
                 st->head + 1, K, tok[t], K, c, m->dim_names[c]);
        return;
    }
    case W_RESID: {
        int t = idx[0], c = idx[1];
        snprintf(buf, n, "'%s', %s = x_in %.3g + head %d's output %.3g (the residual add)", tok[t], m->dim_names[c],
                 (double)r->x_in->data[t * D + c], st->head + 1, (double)st->head_out->data[t * D + c]);
        return;
    }
    case W_OUT: case W_ORDER_A: case W_ORDER_B: {
        int t = idx[0], c = idx[1];
        if (w->what == W_OUT)
            snprintf(buf, n, "out['%s', %s] = concat['%s'] \xc2\xb7 row %d of W_o", tok[t], m->dim_names[c], tok[t], c);
        else
            snprintf(buf, n, "sentence %c without position: '%s' at %d, %s", w->what == W_ORDER_A ? 'A' : 'B',
                     tok[t], t + 1, m->dim_names[c]);
        return;
    }
    }
}
