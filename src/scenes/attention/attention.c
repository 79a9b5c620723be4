/* attention.c: Query, Key, Value, the heatmap, many heads, positional
 * encoding and the causal mask, computed live by the kernel (ts_mha_*,
 * ts_posenc_sinusoidal) on the story model (trained on generated
 * Winograd-style sentences to find what "it" refers to, its feature columns
 * named) or on the digit-reversal model (attention_model.h). Drawing is in
 * attention_draw.c.
 *
 * Dumps (every beat; PyTorch shapes): "x" [T,d] (token vectors before
 * position), "pe" [T,d], "x_in" [T,d] (= x + pe when positional is on),
 * "W_q", "W_k", "W_v", "W_o" [d,d] (nn.Linear [out,in], no biases),
 * "Q", "K", "V" [h,T,d_k], "scores" [h,T,T] (after scale, temperature and
 * mask; masked entries are written as -1e9 since JSON has no -inf), "mask"
 * [T,T] (1 attend, 0 masked), "weights" [h,T,T], "concat" [T,d], "out"
 * [T,d]; "head_out" [T,d] (head `head` alone: its columns of concat times
 * its columns of W_o; the heads' head_out sum to out), "residual" [T,d] =
 * x_in + head_out (the residual add), "cos.x_in" [T] and "cos.residual" [T]
 * (cosine of x_in[query], then of residual[query], with every x_in row);
 * readable: "embed", "ctx" [T,d] and "layer0.W_*"; trained:
 * "embed.weight", "readout.weight", "readout.bias", "logits" [T,10].
 * Beat 8 adds "weights.no_mask" and "weights.causal"; beat 9 adds
 * "order.x_a", "order.out_a", "order.x_b", "order.out_b" (no positional
 * encoding, no mask) and "order.perm" [T] (row i of b is row perm[i] of a);
 * beat 10 adds the cross-attention names of attention_cross.c ("cross.*").
 * Params: scale (the factor applied to QK^T before temperature), causal,
 * temperature, positional, heads, d, d_k, query, head (0-based), model,
 * sentence, compare.
 *
 * Preset keys ([attention], in any order; checked against each other in
 * init): model = readable | trained,
 * sentence = TEXT, compare = TEXT (a reordering of sentence, beat 9),
 * query = 1..T (T: the sentence's words), head = 1..heads, scale, causal,
 * positional = true | false,
 * temperature = 0.25..4.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <SDL2/SDL_keycode.h>
#include "scene/scene.h"
#include "ui/ui.h"
#include "scenes/attention/attention_scene.h"

static const scene_beat beats[] = {
    {"Tokens become vectors",
     "Each token is looked up in a learned table; in the story model a first attention layer then adds "
     "what the word read from the sentence around it. One row per token: attention sees only these numbers.", 3.0f,
     "Type your own sentence at the top and press Enter"},
    {"Positional encoding",
     "Attention itself ignores order, so each position adds its own sine/cosine pattern. Now the "
     "same word at two places is two different vectors.", 3.0f,
     "Toggle position to take the encoding away"},
    {"Query, Key, Value",
     "Three projections of the same vectors: the query says what a token is looking for, the key "
     "what it offers, the value what it carries.", 3.0f,
     "Pick a head at the top; hover a cell to see its origin"},
    {"One query at a time",
     "The query meets every key: a dot product, scaled by 1/\xe2\x88\x9a" "d\xe2\x82\x96, then softmax. "
     "The weights paint the sentence like a highlighter.", 4.0f,
     "Click a word, or press Up/Down, to choose the query"},
    {"The output",
     "One head's output is the weighted sum of the values, mapped back by its share of the output projection. The "
     "residual add writes it into the query's own vector, which now carries what it attended to.", 3.5f,
     "Click a word, or press Up/Down, to choose the query"},
    {"Every query at once",
     "All positions do this in parallel: one row per query, one column per key. This T\xc3\x97T "
     "matrix is the attention pattern.", 3.0f,
     "Try the temperature slider and the 1/\xe2\x88\x9a" "d\xe2\x82\x96 toggle"},
    {"Many heads",
     "Each head has its own projections, so each looks for something different, side by side, in "
     "the same layer.", 3.0f,
     "Hover a cell to see which words a head links"},
    {"The causal mask",
     "A decoder (GPT) may not look ahead: keys after the query are masked, so a word knows only what came "
     "before it, and a later word must settle what it meant. An encoder (BERT) reads the whole sentence.", 3.5f,
     "Toggle causal: the other beats then show the decoder"},
    {"Why position matters",
     "Without positional encoding, reordered words give the same vectors, only reordered: the "
     "numbers below are the real outputs.", 3.5f,
     "Toggle position and watch the difference"},
    {"Encoder and decoder",
     "In a translation model the decoder's queries meet the encoder's keys and values: each output word "
     "looks into the input sentence. Here the sentence is cut in two: the first part encoded, the rest decoded.",
     3.5f, "Click a word of the second part to make it the query"},
};

/* ---- defaults, preset keys ---------------------------------------------------- */

static void attn_defaults(void *p) {
    attn_scene *st = p;
    st->model = ATTN_READABLE;
    snprintf(st->sentence, sizeof st->sentence,
             "The trophy didn't fit in the suitcase because it was too big");
    st->query = -1;
    st->scaled = st->pe = true;
    st->temperature = 1.0f;
}

static bool attn_set(void *p, const char *sec, const char *key, const char *val,
                     char *err, size_t n) {
    attn_scene *st = p;
    if (strcmp(sec, "attention") != 0) return preset_unknown(sec, key, err, n);
    if (strcmp(key, "model") == 0) {
        if (strcmp(val, "readable") == 0) st->model = ATTN_READABLE;
        else if (strcmp(val, "trained") == 0) st->model = ATTN_TRAINED;
        else { snprintf(err, n, "model must be readable or trained, got '%s'", val); return false; }
        return true;
    }
    if (strcmp(key, "sentence") == 0 || strcmp(key, "compare") == 0)   /* checked in init */
        return preset_string(key, val, key[0] == 's' ? st->sentence : st->compare, sizeof st->sentence, err, n);
    if (strcmp(key, "query") == 0) {
        if (!preset_int(key, val, 1, ATTN_MAX_T, &st->query, err, n)) return false;
        st->query--;
        return true;
    }
    if (strcmp(key, "head") == 0) {
        if (!preset_int(key, val, 1, ATTN_MAX_HEADS, &st->head, err, n)) return false;
        st->head--;
        return true;
    }
    if (strcmp(key, "scale") == 0) return preset_bool(key, val, &st->scaled, err, n);
    if (strcmp(key, "causal") == 0) return preset_bool(key, val, &st->causal, err, n);
    if (strcmp(key, "positional") == 0) return preset_bool(key, val, &st->pe, err, n);
    if (strcmp(key, "temperature") == 0)
        return preset_float(key, val, 0.25f, 4.0f, &st->temperature, err, n);
    return preset_unknown(sec, key, err, n);
}

/* ---- computing ---------------------------------------------------------------- */

const attn_run *attn_main(const attn_scene *st) { return st->causal ? &st->dec : &st->enc; }

int attn_argmax_key(const attn_run *r, int h, int t) {
    const float *w = r->mha->weights->data + ((size_t)h * r->T + t) * r->T;
    int best = 0;
    for (int s = 1; s < r->T; s++) if (w[s] > w[best]) best = s;
    return best;
}

float attn_qkv_limit(const attn_scene *st, int which, int head) {
    const float *lim = which == 0 ? st->q_abs : which == 1 ? st->k_abs : st->v_abs;
    return lim[head];
}

void attn_scores_title(const attn_scene *st, char *buf, size_t n) {
    const attn_run *r = attn_main(st);
    float temp = r->mha->desc.temperature == 0 ? 1.0f : r->mha->desc.temperature;
    int len = snprintf(buf, n, "scores = q\xc2\xb7k");
    if (len < 0 || (size_t)len >= n) return;
    if (st->scaled)
        len += snprintf(buf + len, n - (size_t)len, " \xc3\x97 1/\xe2\x88\x9a" "d\xe2\x82\x96");
    if (temp != 1.0f && (size_t)len < n)
        snprintf(buf + len, n - (size_t)len, " \xc3\xb7 \xcf\x84 (\xcf\x84 = %g)", (double)temp);
}

void attn_verdict(const attn_scene *st, const attn_run *r, int correct, char *buf, size_t n) {
    if (st->m.kind == ATTN_TRAINED) {
        int len = snprintf(buf, n, "reversed:");
        for (int t = 0; t < r->T && len > 0 && (size_t)len < n; t++)
            len += snprintf(buf + len, n - (size_t)len, " %d", r->pred[t]);
        if (len > 0 && (size_t)len < n)
            snprintf(buf + len, n - (size_t)len, "  (%d of %d right)", correct, r->T);
        return;
    }
    int h = st->head, q = st->query, T = r->T;
    const float *w = r->mha->weights->data + ((size_t)h * T + q) * T;
    int a = attn_argmax_key(r, h, q), b = -1;
    for (int s = 0; s < T; s++)
        if (s != a && (b < 0 || w[s] > w[b])) b = s;
    if (b >= 0 && w[a] - w[b] < 0.02f)   /* a tie: name both, never pick one */
        snprintf(buf, n, "'%s' is split: '%s' %.2f, '%s' %.2f", st->tok[q], st->tok[a], (double)w[a],
                 st->tok[b], (double)w[b]);
    else
        snprintf(buf, n, "'%s' attends most to '%s' (%.2f)", st->tok[q], st->tok[a], (double)w[a]);
}

/* perm[i] = the row of a that row i of b holds; false if b is no reordering of a. */
static bool find_perm(const int *a, const int *b, int T, int *perm) {
    bool used[ATTN_MAX_T] = {0};
    for (int i = 0; i < T; i++) {
        perm[i] = -1;
        for (int j = 0; j < T; j++)
            if (!used[j] && a[j] == b[i]) { perm[i] = j; used[j] = true; break; }
        if (perm[i] < 0) return false;
    }
    return true;
}

static float max_abs(const float *x, size_t n, float floor) {
    float m = floor;
    for (size_t i = 0; i < n; i++) if (isfinite(x[i]) && fabsf(x[i]) > m) m = fabsf(x[i]);
    return m;
}

static float order_diff(const attn_run *a, const attn_run *b, const int *perm, int d) {
    float m = 0;
    for (int i = 0; i < b->T; i++)
        for (int c = 0; c < d; c++) {
            float e = fabsf(a->mha->out->data[perm[i] * d + c] - b->mha->out->data[i * d + c]);
            if (e > m) m = e;
        }
    return m;
}

static int count_correct(const attn_scene *st, const attn_run *r) {
    int k = 0;
    for (int t = 0; t < r->T; t++) k += r->pred[t] == r->ids[r->T - 1 - t];
    (void)st;
    return k;
}

/* Everything shown, from the settings. False (message in err) if the
 * sentence does not tokenise; nothing changes then. */
static float cosine(const float *a, const float *b, int n) {
    double ab = 0, aa = 0, bb = 0;
    for (int i = 0; i < n; i++) { ab += a[i] * b[i]; aa += a[i] * a[i]; bb += b[i] * b[i]; }
    return aa > 0 && bb > 0 ? (float)(ab / sqrt(aa * bb)) : 0.0f;
}

/* Beat 5: what the selected head alone writes back, head_out = its columns
 * of concat times its columns of W_o (the heads' shares sum to out), the
 * residual add x_in + head_out that a transformer block makes, and how
 * alike the query's vector is to every token's before and after. */
static void head_residual(attn_scene *st, const attn_run *r) {
    int T = st->T, D = st->m.d, K = st->m.d_k, h = st->head, q = st->query;
    st->head_out = ts_new2(&st->arena, "head_out", T, D);
    st->resid = ts_new2(&st->arena, "residual", T, D);
    st->cos_before = ts_new1(&st->arena, "cos.x_in", T);
    st->cos_after = ts_new1(&st->arena, "cos.residual", T);
    const float *wo = st->m.wo;   /* [d, d], nn.Linear [out, in] */
    for (int t = 0; t < T; t++)
        for (int o = 0; o < D; o++) {
            double acc = 0;
            for (int j = 0; j < K; j++)
                acc += (double)r->mha->concat->data[t * D + h * K + j] * wo[o * D + h * K + j];
            st->head_out->data[t * D + o] = (float)acc;
            st->resid->data[t * D + o] = r->x_in->data[t * D + o] + (float)acc;
        }
    for (int s = 0; s < T; s++) {
        st->cos_before->data[s] = cosine(r->x_in->data + q * D, r->x_in->data + s * D, D);
        st->cos_after->data[s] = cosine(st->resid->data + q * D, r->x_in->data + s * D, D);
    }
    st->resid_abs = fmaxf(max_abs(st->resid->data, (size_t)T * D, 1e-6f),
                          fmaxf(max_abs(st->head_out->data, (size_t)T * D, 1e-6f),
                                max_abs(r->x_in->data, (size_t)T * D, 1e-6f)));
}

static bool recompute(attn_scene *st, char *err, size_t n) {
    double t0 = scene_seconds();
    int ids[ATTN_MAX_T], T;
    if (!attn_tokenize(&st->m, st->sentence, ids, &T, err, n)) return false;
    st->T = T;
    memcpy(st->ids, ids, sizeof ids);
    for (int t = 0; t < T; t++) snprintf(st->tok[t], ATTN_WORD_MAX, "%s", st->m.words[ids[t]]);
    char e[ATTN_MSG_MAX];
    int Tb = 0;
    bool cmp_ok = st->compare[0] && attn_tokenize(&st->m, st->compare, st->ids_b, &Tb, e, sizeof e) &&
                  Tb == T && find_perm(ids, st->ids_b, T, st->perm);
    if (!cmp_ok) {   /* the sentence read backwards */
        for (int i = 0; i < T; i++) { st->ids_b[i] = ids[T - 1 - i]; st->perm[i] = T - 1 - i; }
    }
    st->Tb = T;
    for (int t = 0; t < T; t++) snprintf(st->tok_b[t], ATTN_WORD_MAX, "%s", st->m.words[st->ids_b[t]]);
    if (st->query < 0 || st->query >= T) st->query = attn_default_query(&st->m, ids, T);
    if (st->head >= st->m.heads) st->head = st->m.heads - 1;

    ts_arena_reset(&st->arena);
    attn_opts o = {.pe = st->pe, .scaled = st->scaled, .temperature = st->temperature};
    attn_run_forward(&st->enc, &st->arena, &st->m, ids, T, &o);
    o.causal = true;
    attn_run_forward(&st->dec, &st->arena, &st->m, ids, T, &o);
    attn_opts plain = {.scaled = st->scaled, .temperature = st->temperature};
    attn_run_forward(&st->ord_a, &st->arena, &st->m, ids, T, &plain);
    attn_run_forward(&st->ord_b, &st->arena, &st->m, st->ids_b, T, &plain);
    plain.pe = true;
    attn_run_forward(&st->ord_a_pe, &st->arena, &st->m, ids, T, &plain);
    attn_run_forward(&st->ord_b_pe, &st->arena, &st->m, st->ids_b, T, &plain);
    int D = st->m.d;
    st->order_diff = order_diff(&st->ord_a, &st->ord_b, st->perm, D);
    st->order_diff_pe = order_diff(&st->ord_a_pe, &st->ord_b_pe, st->perm, D);
    if (st->m.kind == ATTN_TRAINED) {
        st->correct_enc = count_correct(st, &st->enc);
        st->correct_dec = count_correct(st, &st->dec);
    }
    const attn_run *r = attn_main(st);
    size_t TD = (size_t)T * D;
    st->x_abs = fmaxf(max_abs(r->x_in->data, TD, 1e-6f), max_abs(r->pe->data, TD, 1e-6f));
    st->x_abs = fmaxf(st->x_abs, max_abs(st->ord_a_pe.x_in->data, TD, 1e-6f));
    for (int h = 0; h < st->m.heads; h++) {   /* per head: position heads are far stronger */
        size_t o = (size_t)h * T * st->m.d_k, n = (size_t)T * st->m.d_k;
        st->q_abs[h] = max_abs(r->mha->q->data + o, n, 1e-6f);
        st->k_abs[h] = max_abs(r->mha->k->data + o, n, 1e-6f);
        st->v_abs[h] = max_abs(r->mha->v->data + o, n, 1e-6f);
        st->s_abs[h] = max_abs(st->enc.mha->scores->data + (size_t)h * T * T, (size_t)T * T, 1e-6f);
    }
    st->out_abs = fmaxf(max_abs(r->mha->out->data, TD, 1e-6f),
                        fmaxf(max_abs(st->ord_a.mha->out->data, TD, 1e-6f),
                              max_abs(r->mha->concat->data, TD, 1e-6f)));
    head_residual(st, r);
    attn_cross_compute(st);
    for (int t = 0; t < T; t++) { st->tok_l[t] = st->tok[t]; st->tok_b_l[t] = st->tok_b[t]; }
    for (int c = 0; c < D; c++) {
        st->dim_l[c] = st->m.dim_names[c];
        st->q_l[c] = st->m.q_names[c];
        st->k_l[c] = st->m.k_names[c];
        st->v_l[c] = st->m.v_names[c];
    }
    attn_name_runs(st);
    st->recompute_ms = 1000.0 * (scene_seconds() - t0);
    return true;
}

/* The checks that need every key: the sentence in the model's vocabulary,
 * compare a reordering of it, query and head in range. Reported at the
 * offending key's line. */
static bool check_keys(attn_scene *st, char *err, size_t n) {
    char e[ATTN_MSG_MAX];
    int ids[ATTN_MAX_T], T, ids_b[ATTN_MAX_T], Tb, perm[ATTN_MAX_T];
    if (st->head >= st->m.heads) {
        preset_error_key("attention", "head");
        snprintf(err, n, "head must be 1..%d for this model, got %d", st->m.heads, st->head + 1);
        return false;
    }
    if (!attn_tokenize(&st->m, st->sentence, ids, &T, e, sizeof e)) {
        preset_error_key("attention", "sentence");
        snprintf(err, n, "sentence: %s", e);
        return false;
    }
    if (st->compare[0]) {
        if (!attn_tokenize(&st->m, st->compare, ids_b, &Tb, e, sizeof e)) {
            preset_error_key("attention", "compare");
            snprintf(err, n, "compare: %s", e);
            return false;
        }
        if (Tb != T || !find_perm(ids, ids_b, T, perm)) {
            preset_error_key("attention", "compare");
            snprintf(err, n, "compare must be a reordering of the sentence's %d words", T);
            return false;
        }
    }
    if (st->query >= T) {
        preset_error_key("attention", "query");
        snprintf(err, n, "query must be 1..%d (the sentence has %d words), got %d", T, T, st->query + 1);
        return false;
    }
    return true;
}

static bool attn_init(void *p, char *err, size_t n) {
    attn_scene *st = p;
    if (st->model == ATTN_TRAINED) {
        char path[1024];
        snprintf(path, sizeof path, "%s/assets/attention-reverse.safetensors", scene_data_dir());
        if (!attn_model_load(&st->m, path, err, n)) return false;
    } else {
        char path[1024];
        attn_model_story_path(path, sizeof path, scene_data_dir());
        if (!attn_model_story_load(&st->m, path, err, n)) return false;
    }
    if (!check_keys(st, err, n)) return false;
    char e[ATTN_MSG_MAX];
    if (!recompute(st, e, sizeof e)) {   /* cannot fail after check_keys; kept for safety */
        snprintf(err, n, "sentence: %s", e);
        ts_arena_free(&st->arena);
        return false;
    }
    snprintf(st->edit, sizeof st->edit, "%s", st->sentence);
    return true;
}

static void attn_shutdown(void *p) { ts_arena_free(&((attn_scene *)p)->arena); }

/* ---- the frame (shared with attention_draw.c) ----------------------------------- */

#define TOP_Y 44.0f
#define HEADER_H 56.0f
#define TOKEN_H 64.0f
#define WEIGHT_H 34.0f      /* the weights printed under the sentence (beats 4, 5) */
#define MSG_H 64.0f
#define MSG_LINE_H 34.0f
#define MSG_CHARS_PER_LINE 115
#define MSG_MAX_LINES 8
#define CONTROLS_H 64.0f

void attn_frame_layout(const attn_scene *st, attn_frame *f) {
    memset(f, 0, sizeof *f);
    dg_rect r = dg_stage();
    if (!(r.w > 0)) r = (dg_rect){58, 32, 1804, 882};   /* no canvas yet (dump, tests) */
    /* A fixed top (the safe margin of the tallest canvas, 4:3): what update
     * places (the widgets, the sentence) must not depend on the canvas
     * height, which is known only once the frame begins. */
    r.h -= TOP_Y - r.y;
    r.y = TOP_Y;
    f->header = dg_cut_top(&r, HEADER_H, 12);
    /* the control strip floats over the header (ui_panel): nothing moves
     * when it comes and goes */
    f->controls = (dg_rect){f->header.x, f->header.y - (CONTROLS_H - HEADER_H) / 2, f->header.w, CONTROLS_H};
    f->tokens = dg_cut_top(&r, TOKEN_H + WEIGHT_H, 12);
    if (st->msg[0]) {   /* as many lines as the message needs (an unknown word lists the vocabulary) */
        int lines = (int)(strlen(st->msg) / MSG_CHARS_PER_LINE) + 1;
        f->msg = dg_cut_top(&r, MSG_H + MSG_LINE_H * (float)((lines < MSG_MAX_LINES ? lines : MSG_MAX_LINES) - 1), 8);
    }
    f->stage = r;
    attn_word_boxes(st->tok, st->T, (dg_rect){f->tokens.x, f->tokens.y, f->tokens.w, TOKEN_H}, f->tok);
}

void attn_word_boxes(const char (*tok)[ATTN_WORD_MAX], int T, dg_rect strip, dg_rect *out) {
    float total = 0, gap = 14, ws[ATTN_MAX_T];
    for (int i = 0; i < T; i++) {
        ws[i] = 44 + 17 * (float)strlen(tok[i]);
        total += ws[i] + (i ? gap : 0);
    }
    float s = total > strip.w ? strip.w / total : 1;
    float x = strip.x + (strip.w - total * s) / 2;
    for (int i = 0; i < T; i++) {
        out[i] = (dg_rect){x, strip.y, ws[i] * s, strip.h};
        x += (ws[i] + gap) * s;
    }
}

/* ---- update: widgets, keys, clicks -------------------------------------------- */

static void attn_update(void *p, const scene_clock *c, ui_ctx *ui) {
    attn_scene *st = p;
    (void)c;
    char err[ATTN_MSG_MAX];
    bool changed = false;
    attn_frame f;
    attn_frame_layout(st, &f);
    /* the control strip */
    if (ui->show_widgets) {
        ui_panel(ui, f.controls.x - 12, f.controls.y - 8, f.controls.w + 24, f.controls.h + 16);
        float x = f.controls.x, y = f.controls.y + (f.controls.h - ui_row_height()) / 2;
        if (ui_text_field(ui, "sentence", x, f.controls.y + 4, 560, st->edit, sizeof st->edit)) {
            char keep[256];
            snprintf(keep, sizeof keep, "%s", st->sentence);
            snprintf(st->sentence, sizeof st->sentence, "%s", st->edit);
            st->compare[0] = 0;
            st->query = -1;
            if (recompute(st, err, sizeof err)) st->msg[0] = 0;
            else {
                snprintf(st->msg, sizeof st->msg, "%s", err);
                snprintf(st->sentence, sizeof st->sentence, "%s", keep);
                recompute(st, err, sizeof err);
            }
            ui->focus = 0;
        }
        changed |= ui_toggle(ui, "1/\xe2\x88\x9a" "d\xe2\x82\x96", x + 580, y, 160, &st->scaled);
        changed |= ui_toggle(ui, "causal", x + 764, y, 150, &st->causal);
        changed |= ui_toggle(ui, "position", x + 944, y, 170, &st->pe);
        static const char *const heads[] = {"head 1", "head 2", "head 3", "head 4"};
        changed |= ui_choice(ui, "head", x + 1140, f.controls.y + 8, 86.0f * (float)st->m.heads, 48, heads,
                             st->m.heads, &st->head);
        changed |= ui_slider(ui, "temperature", f.controls.x + f.controls.w - 300, y - 8, 300, &st->temperature,
                             0.25f, 4.0f, "%.2f");
    }
    /* the query token: Up/Down or a click on the sentence */
    if (!ui->focus) {
        if (ui_key(ui, SDLK_DOWN) && st->query < st->T - 1) { st->query++; changed = true; }
        if (ui_key(ui, SDLK_UP) && st->query > 0) { st->query--; changed = true; }
    }
    for (int k = 0; k < st->T; k++) {
        dg_rect b = f.tok[k];
        if (ui_clicked(ui, b.x, b.y, b.w, b.h) && k != st->query) { st->query = k; changed = true; }
        if (ui_hover(ui, b.x, b.y, b.w, b.h))
            ui_tooltipf(ui, "token %d: '%s' (id %d)\nclick to make it the query", k, st->tok[k], st->ids[k]);
    }
    if (changed) recompute(st, err, sizeof err);
}

/* ---- dump ------------------------------------------------------------------- */

static void dump_as(ts_dump *d, const ts_tensor *t, const char *name) {
    ts_tensor c = *t;
    snprintf(c.name, sizeof c.name, "%s", name);
    ts_dump_tensor(d, &c);
}

static void attn_dump(const void *p, const scene_clock *c, ts_dump *d) {
    const attn_scene *st = p;
    const attn_run *r = attn_main(st);
    const attn_model *m = &st->m;
    ts_dump_param(d, "scale", r->mha->desc.unscaled ? 1.0 : 1.0 / sqrt((double)m->d_k));
    ts_dump_param(d, "causal", st->causal);
    ts_dump_param(d, "temperature", st->temperature);
    ts_dump_param(d, "positional", st->pe);
    ts_dump_param(d, "heads", m->heads);
    ts_dump_param(d, "d", m->d);
    ts_dump_param(d, "d_k", m->d_k);
    ts_dump_param(d, "query", st->query);
    ts_dump_param(d, "head", st->head);
    ts_dump_param_str(d, "model", m->kind == ATTN_TRAINED ? "trained" : "readable");
    ts_dump_param_str(d, "sentence", st->sentence);
    ts_dump_param_str(d, "compare", st->compare);
    dump_as(d, r->x, "x");
    dump_as(d, r->pe, "pe");
    dump_as(d, r->x_in, "x_in");
    attn_model_dump_weights(m, d);
    dump_as(d, r->mha->q, "Q");
    dump_as(d, r->mha->k, "K");
    dump_as(d, r->mha->v, "V");
    /* JSON has no -inf: masked scores are written as -1e9 */
    ts_tensor s = *r->mha->scores;
    size_t n = ts_numel(&s);
    s.data = malloc(sizeof(float) * n);
    if (s.data) {
        for (size_t i = 0; i < n; i++) s.data[i] = isfinite(r->mha->scores->data[i]) ? r->mha->scores->data[i] : -1e9f;
        dump_as(d, &s, "scores");
        free(s.data);
    }
    dump_as(d, r->mha->allowed, "mask");
    dump_as(d, r->mha->weights, "weights");
    dump_as(d, r->mha->concat, "concat");
    dump_as(d, r->mha->out, "out");
    dump_as(d, st->head_out, "head_out");
    dump_as(d, st->resid, "residual");
    dump_as(d, st->cos_before, "cos.x_in");
    dump_as(d, st->cos_after, "cos.residual");
    if (m->kind == ATTN_READABLE) { dump_as(d, r->embed, "embed"); dump_as(d, r->ctx, "ctx"); }
    else dump_as(d, r->logits, "logits");
    if (c->beat == B_CAUSAL) {
        dump_as(d, st->enc.mha->weights, "weights.no_mask");
        dump_as(d, st->dec.mha->weights, "weights.causal");
    }
    if (c->beat == B_CROSS) attn_cross_dump(st, d);
    if (c->beat == B_ORDER) {
        dump_as(d, st->ord_a.x, "order.x_a");
        dump_as(d, st->ord_a.mha->out, "order.out_a");
        dump_as(d, st->ord_b.x, "order.x_b");
        dump_as(d, st->ord_b.mha->out, "order.out_b");
        float perm[ATTN_MAX_T];
        for (int i = 0; i < st->T; i++) perm[i] = (float)st->perm[i];
        ts_tensor t = {.ndim = 1, .shape = {st->T}, .stride = {1}, .data = perm};
        dump_as(d, &t, "order.perm");
    }
}

static const ui_help_key attn_help[] = {
    {"\xe2\x86\x91  \xe2\x86\x93", "previous / next token as the query"},
    {"click a token", "make it the query"},
    {"click the field", "type a new sentence; Enter runs it, Esc leaves"},
    {"toggles", "1/\xe2\x88\x9a" "d\xe2\x82\x96 scaling, causal mask, position encoding"},
    {"head", "choose which head the heatmap shows"},
    {"temperature", "drag to sharpen or soften the softmax"},
    {"hover", "any cell: its exact value and where it came from"},
};

const scene_kind scene_attention = {
    .name = "attention",
    .title = "Attention",
    .group = "Sequences and attention",
    .summary = "Query, key, value, the attention heatmap, many heads, position and the causal mask.",
    .beats = beats,
    .beat_count = (int)(sizeof beats / sizeof beats[0]),
    .state_size = sizeof(attn_scene),
    .defaults = attn_defaults,
    .set = attn_set,
    .init = attn_init,
    .update = attn_update,
    .draw = attn_scene_draw,
    .dump = attn_dump,
    .shutdown = attn_shutdown,
    .help = attn_help,
    .help_count = (int)(sizeof attn_help / sizeof attn_help[0]),
};
