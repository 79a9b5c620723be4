/* attention_cross.c: the attention scene's encoder-decoder beat (beat 10):
 * cross-attention, computed by the kernel and drawn.
 *
 * The sentence is split in two: the encoder reads the words before
 * "because" (or the first half when there is none), the decoder the rest.
 * Each part goes through the model on its own (embedding, layer 0, position
 * from 0; the decoder's layer 0 is causal, as a decoder's self-attention
 * is). Cross-attention then takes its queries from the decoder's vectors and
 * its keys and values from the encoder's, with the same W_q, W_k, W_v, W_o
 * as the other beats: ts_mha_forward runs over the rows [decoder; encoder]
 * with every decoder row marked as key padding, so a decoder query sees only
 * encoder keys; the decoder rows of that run are cross-attention exactly
 * (nn.MultiheadAttention(query = dec, key = enc, value = enc)).
 *
 * Dump names (beat 10): cross.x_enc [Te,d], cross.x_dec [Td,d] (each part's
 * x_in), cross.Q [h,Td,d_k], cross.K, cross.V [h,Te,d_k], cross.weights
 * [h,Td,Te], cross.out [Td,d]; params cross.encoder, cross.decoder (the
 * words), cross.query (0-based, in the decoder).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "scenes/attention/attention_scene.h"

/* rows [r0, r0 + n) of every head of a [h, T, k] tensor into a new [h, n, k] */
static ts_tensor *head_rows(ts_arena *a, const char *name, const ts_tensor *t, int r0, int n) {
    int H = t->shape[0], T = t->shape[1], K = t->shape[2];
    ts_tensor *o = ts_new3(a, name, H, n, K);
    for (int h = 0; h < H; h++)
        memcpy(o->data + (size_t)h * n * K, t->data + ((size_t)h * T + r0) * K, sizeof(float) * (size_t)n * K);
    return o;
}

void attn_cross_compute(attn_scene *st) {
    int T = st->T, D = st->m.d, H = st->m.heads;
    int split = -1;
    for (int t = 1; t < T; t++)
        if (strcmp(st->tok[t], "because") == 0) { split = t; break; }
    if (split < 0) split = (T + 1) / 2;
    if (T < 2) split = T;   /* one word: no decoder */
    st->Te = split;
    st->Td = T - split;
    if (st->Td < 1) { st->cross = NULL; return; }
    int Te = st->Te, Td = st->Td;
    attn_opts o = {.pe = st->pe, .scaled = st->scaled, .temperature = st->temperature};
    attn_run_forward(&st->cross_enc, &st->arena, &st->m, st->ids, Te, &o);
    o.causal = true;
    attn_run_forward(&st->cross_dec, &st->arena, &st->m, st->ids + Te, Td, &o);
    int N = Td + Te;
    ts_tensor *xcat = ts_new2(&st->arena, "cross.x", N, D);
    memcpy(xcat->data, st->cross_dec.x_in->data, sizeof(float) * (size_t)Td * D);
    memcpy(xcat->data + (size_t)Td * D, st->cross_enc.x_in->data, sizeof(float) * (size_t)Te * D);
    bool pad[2 * ATTN_MAX_T];
    for (int s = 0; s < N; s++) pad[s] = s < Td;
    st->cross = ts_mha_new(&st->arena, &(ts_mha_desc){.T = N, .d = D, .heads = H, .unscaled = !st->scaled,
                                                       .temperature = st->temperature});
    const attn_model *m = &st->m;
    ts_mha_forward(st->cross, xcat->data, &(ts_mha_weights){.wq = m->wq, .wk = m->wk, .wv = m->wv, .wo = m->wo},
                   pad);
    st->cross_q = head_rows(&st->arena, "cross.Q", st->cross->q, 0, Td);
    st->cross_k = head_rows(&st->arena, "cross.K", st->cross->k, Td, Te);
    st->cross_v = head_rows(&st->arena, "cross.V", st->cross->v, Td, Te);
    st->cross_w = ts_new3(&st->arena, "cross.weights", H, Td, Te);
    for (int h = 0; h < H; h++)
        for (int q = 0; q < Td; q++)
            memcpy(st->cross_w->data + ((size_t)h * Td + q) * Te,
                   st->cross->weights->data + ((size_t)h * N + q) * N + Td, sizeof(float) * (size_t)Te);
    st->cross_out = ts_new2(&st->arena, "cross.out", Td, D);
    memcpy(st->cross_out->data, st->cross->out->data, sizeof(float) * (size_t)Td * D);
    snprintf(st->cross_enc.x_in->name, sizeof st->cross_enc.x_in->name, "cross.x_enc");
    snprintf(st->cross_dec.x_in->name, sizeof st->cross_dec.x_in->name, "cross.x_dec");
    st->cross_query = st->query >= Te ? st->query - Te : attn_default_query(m, st->ids + Te, Td);
    if (st->cross_query < 0 || st->cross_query >= Td) st->cross_query = 0;
    for (int t = 0; t < Te; t++) st->enc_l[t] = st->tok[t];
    for (int t = 0; t < Td; t++) st->dec_l[t] = st->tok[Te + t];
}

void attn_cross_dump(const attn_scene *st, ts_dump *d) {
    if (!st->cross) return;
    const ts_tensor *t[] = {st->cross_enc.x_in, st->cross_dec.x_in, st->cross_q, st->cross_k, st->cross_v,
                            st->cross_w, st->cross_out};
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) ts_dump_tensor(d, t[i]);
    char words[2][256] = {"", ""};
    for (int t = 0; t < st->T; t++) {
        char *w = words[t >= st->Te];
        size_t len = strlen(w);
        snprintf(w + len, 256 - len, "%s%s", len ? " " : "", st->tok[t]);
    }
    ts_dump_param_str(d, "cross.encoder", words[0]);
    ts_dump_param_str(d, "cross.decoder", words[1]);
    ts_dump_param(d, "cross.query", st->cross_query);
}

void attn_cross_draw(const attn_scene *st, float a, dg_rect s, const ui_theme *th) {
    if (!st->cross) {
        dg_text(s, DG_TEXT_BODY, GFX_SANS, GFX_CENTER | GFX_MIDDLE, th->text,
                "A one-word sentence has no second part to decode.");
        return;
    }
    int Te = st->Te, Td = st->Td, h = st->head, q = st->cross_query;
    dg_rect note = dg_cut_right(&s, s.w * 0.3f, DG_GAP);
    dg_rect bars = dg_cut_right(&s, s.w * 0.36f, DG_GAP * 2);
    attn_why ww = {st, &st->cross_dec, W_CROSS};
    dg_src sw = {.t = st->cross_w, .lead = {h, 0}, .user = &ww, .explain = attn_explain};
    char title[96];
    snprintf(title, sizeof title, "head %d: decoder \xc3\x97 encoder", h + 1);
    dg_window row = {q, 0, 1, Te, th->accent};
    dg_matrix(s, &sw, &(dg_matrix_style){.title = title, .unit = "weight", .mode = DG_HEAT_NUMBERS,
                                        .cmap = DG_CMAP_SEQ, .lo = 0, .hi = 1, .row_labels = st->dec_l,
                                        .col_labels = st->enc_l, .windows = &row, .window_count = 1,
                                        .reveal = fmaxf(1e-3f, a)});
    dg_src sb = sw;
    sb.lead[1] = q;
    char bt[64];
    snprintf(bt, sizeof bt, "decoder '%s' looks at", st->dec_l[q]);
    dg_bars(bars, &sb, &(dg_bars_style){.title = bt, .labels = st->enc_l, .mark = 0});
    const float *w = st->cross_w->data + ((size_t)h * Td + q) * Te;
    int best = 0;
    for (int k = 1; k < Te; k++) if (w[k] > w[best]) best = k;
    char text[600], v[16];
    snprintf(text, sizeof text,
             "Q from the decoder (%d words), K and V from the encoder (%d): the same W_q, W_k, W_v as before, "
             "only the inputs differ.\nThe decoder's '%s' lands on the encoder's '%s' (%s): its output is %s "
             "\xc3\x97 V['%s'] + the rest.\nThe decoder reads causally: '%s' has not seen the words after it.",
             Td, Te, st->dec_l[q], st->enc_l[best], dg_fmt(v, sizeof v, w[best], 3, 6, false), v,
             st->enc_l[best], st->dec_l[q]);
    dg_text(note, DG_TEXT_BODY, GFX_SANS, GFX_LEFT | GFX_MIDDLE, gfx_fade(th->text, a), text);
}
