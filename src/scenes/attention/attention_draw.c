/* attention_draw.c: the attention scene's draw, one function per beat, on the
 * diagram library. Pure: reads the state (attention_scene.h) and the clock.
 * Every number shown is an element of a kernel tensor of the state, drawn by
 * a diagram element that also makes it hoverable (tensor, index, value and
 * the provenance line of attention_explain.c).
 *
 * Each beat lays out the stage of the frame (attn_frame_layout): the header
 * and the sentence are the same in every beat; the stage holds the one thing
 * the beat explains, as large as it fits.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "scenes/attention/attention_scene.h"
#include "scenes/attention/attention_story.h"

static dg_src src(const attn_why *w, const ts_tensor *t, int lead0) {
    return (dg_src){.t = t, .lead = {lead0}, .explain = attn_explain, .user = w};
}

static float appear(const scene_clock *c, int beat, float a, float b) {
    return c->beat == beat ? scene_between(c, a, b) : 1;
}

/* ---- header and sentence ------------------------------------------------------ */

static void header(const attn_scene *st, dg_rect r, const ui_theme *th) {
    const attn_model *m = &st->m;
    dg_rect title = dg_cut_left(&r, 230, 16);
    dg_text(title, DG_TEXT_H2, GFX_BOLD, GFX_LEFT | GFX_MIDDLE, th->text, "Attention");
    dg_rect set = dg_cut_right(&r, r.w * 0.5f, 16);
    char info[160];
    if (m->kind == ATTN_TRAINED)
        snprintf(info, sizeof info, "trained: reverses %d digits (held-out accuracy %.1f%%)", ATTN_TRAIN_T,
                 100.0 * m->accuracy);
    else
        snprintf(info, sizeof info, "story model, trained: \xe2\x80\x9cit\xe2\x80\x9d right in %.0f%% of unseen sentences",
                 100.0 * fmin(m->acc_nouns, m->acc_orders));
    dg_text(r, DG_TEXT_LABEL, GFX_SANS, GFX_LEFT | GFX_MIDDLE, th->text_dim, info);
    const attn_run *run = attn_main(st);
    dg_textf(set, DG_TEXT_LABEL, GFX_MONO, GFX_RIGHT | GFX_MIDDLE, th->text_dim,
             "scale %.3g  \xcf\x84 %.3g  %s  %s  head %d: %s", st->scaled ? 1.0 / sqrt((double)m->d_k) : 1.0,
             run->mha->desc.temperature == 0 ? 1.0 : (double)run->mha->desc.temperature,
             st->causal ? "causal" : "no mask", st->pe ? "PE on" : "PE off", st->head + 1, m->head_names[st->head]);
}

/* The sentence; with weights (T floats) painted behind the tokens and
 * printed under them. */
static void sentence(const attn_scene *st, const attn_frame *f, const float *weights, float paint,
                     bool mark_query, const ui_theme *th) {
    char num[16];
    for (int k = 0; k < st->T; k++) {
        dg_rect b = f->tok[k];
        bool q = mark_query && k == st->query;
        gfx_rrect(b.x, b.y, b.w, b.h, 10, th->panel);
        if (weights && paint > 0)
            gfx_rrect(b.x, b.y, b.w, b.h, 10, gfx_fade(th->accent2, fminf(1, weights[k]) * paint));
        gfx_rrect_line(b.x, b.y, b.w, b.h, 10, q ? 5 : 2, q ? th->accent : th->panel_edge);
        dg_text(dg_inset(b, 4), DG_TEXT_BODY, q ? GFX_BOLD : GFX_SANS, GFX_CENTER | GFX_MIDDLE, th->text, st->tok[k]);
        if (weights && paint > 0.5f)
            dg_text((dg_rect){b.x - 4, b.y + b.h + 4, b.w + 8, f->tokens.h - b.h - 4}, DG_TEXT_SMALL, GFX_MONO,
                    GFX_CENTER | GFX_TOP, th->text_dim, dg_fmt(num, sizeof num, weights[k], 2, 4, false));
    }
    if (st->msg[0]) dg_text(f->msg, DG_TEXT_LABEL, GFX_BOLD, GFX_CENTER | GFX_MIDDLE, th->negative, st->msg);
}

/* Masked cells of a T x T map drawn at g: the panel colour and a stroke, so
 * "not allowed" reads differently from "weight 0". */
static void masked(const attn_run *r, const dg_cells *g, const ui_theme *th) {
    int T = r->T;
    for (int q = 0; q < T; q++)
        for (int k = q + 1; k < T; k++)
            if (r->mha->allowed->data[q * T + k] == 0) {
                dg_rect c = dg_cell_rect(g, q, k);
                gfx_rect(c.x, c.y, c.w, c.h, th->panel);
                gfx_line(c.x + c.w * 0.3f, c.y + c.h * 0.3f, c.x + c.w * 0.7f, c.y + c.h * 0.7f, 2, th->panel_edge);
            }
}

/* A row of n equal matrices sharing the rows: row labels on the first only,
 * the cells the same size in all, so the rows line up. out[i] is the rect
 * of matrix i; ops (n-1 gutters of width gutter) lie between them. */
static void aligned_row(dg_rect r, int n, int cols, int rows, const char *const *labels, int nl, float gutter,
                        float extra_h, dg_rect *out) {
    float lw = 0;
    for (int i = 0; i < nl; i++) lw = fmaxf(lw, gfx_text_width(DG_TEXT_LABEL, GFX_SANS, labels[i]));
    lw = fminf(lw + 10, r.w * 0.3f);   /* as dg_matrix measures its row labels */
    float cs = fminf((r.w - lw - gutter * (float)(n - 1)) / (float)(n * cols), (r.h - extra_h) / (float)rows);
    cs = fminf(floorf(cs), 120);
    float w = cs * (float)cols, total = lw + w * (float)n + gutter * (float)(n - 1);
    float x = r.x + (r.w - total) / 2, h = cs * (float)rows + extra_h;
    for (int i = 0; i < n; i++) {
        float wi = w + (i == 0 ? lw : 0);
        out[i] = (dg_rect){x, r.y + (r.h - h) / 2, wi, h};
        x += wi + gutter;
    }
}

#define TITLE_H (DG_TEXT_H2 * 1.2f + 12)
#define COLS_H (DG_TEXT_LABEL * 1.2f + 10)

/* ---- beats ------------------------------------------------------------------------ */

/* A note beside a diagram: a colour bar (matching an outline in it) and text. */
static void note(dg_rect r, gfx_color c, const char *text, const ui_theme *th) {
    gfx_rrect(r.x, r.y, 10, r.h, 4, c);
    dg_text((dg_rect){r.x + 28, r.y, r.w - 28, r.h}, DG_TEXT_BODY, GFX_SANS, GFX_LEFT | GFX_MIDDLE, th->text, text);
}

static void beat_tokens(const attn_scene *st, const scene_clock *c, dg_rect s, const ui_theme *th) {
    const attn_model *m = &st->m;
    const attn_run *r = attn_main(st);
    attn_why w = {st, r, W_X};
    bool readable = m->kind == ATTN_READABLE;
    float shown = appear(c, B_TOKENS, 0.7f, 0.9f);
    dg_rect notes = dg_cut_right(&s, s.w * 0.3f, DG_GAP);
    /* story: outline the two columns the loss names and the position columns */
    dg_window win[2] = {{0, ATTN_COL_MOVER, st->T, 2, th->accent3}, {0, m->d - 4, st->T, 4, th->accent2}};
    dg_src sx = src(&w, r->x, 0);
    dg_matrix(s, &sx, &(dg_matrix_style){.title = readable ? "x = embed (looked up) + ctx (written by layer 0)"
                                                           : "x: a row per token, its learned embedding",
                                         .unit = "x", .cmap = DG_CMAP_DIV, .lo = -st->x_abs, .hi = st->x_abs,
                                         .row_labels = st->tok_l, .col_labels = readable ? st->dim_l : NULL,
                                         .windows = win, .window_count = readable && shown > 0 ? 2 : 0,
                                         .reveal = appear(c, B_TOKENS, 0.1f, 0.7f)});
    if (shown <= 0) return;
    dg_rect n[2];
    dg_split_rows(dg_inset(notes, 8), 2, DG_GAP, NULL, n);
    if (!readable) {
        dg_text(notes, DG_TEXT_BODY, GFX_SANS, GFX_LEFT | GFX_MIDDLE, th->text,
                "Each digit is looked up in a learned table: 16 numbers per digit. Its position is added next.");
        return;
    }
    char t[2][160];
    snprintf(t[0], sizeof t[0], "%s, %s: learned; training asked for \xc2\xb1" "1 on the noun that moves and on "
             "\xe2\x80\x9cit\xe2\x80\x9d. Other names: a probe\xe2\x80\x99s best match",
             m->dim_names[ATTN_COL_MOVER], m->dim_names[ATTN_COL_WANTS_MOVER]);
    snprintf(t[1], sizeof t[1], "%s \xe2\x80\xa6 %s: the position columns, filled in the next beat",
             m->dim_names[m->d - 4], m->dim_names[m->d - 1]);
    note(n[0], th->accent3, t[0], th);
    note(n[1], th->accent2, t[1], th);
}

static void beat_posenc(const attn_scene *st, const scene_clock *c, dg_rect s, const ui_theme *th) {
    const attn_run *r = attn_main(st);
    const attn_model *m = &st->m;
    float a = appear(c, B_POSENC, 0.05f, 0.45f), b = appear(c, B_POSENC, 0.45f, 0.85f);
    dg_rect formula = dg_cut_bottom(&s, 2 * DG_TEXT_BODY * 1.3f, DG_GAP);
    dg_rect legend = dg_cut_left(&formula, 340, DG_GAP);
    /* x + pe = x_in in one row; on a tall canvas x + pe over "= x_in" */
    dg_rect p[3];
    bool tall = s.h > s.w * 0.5f;
    if (tall) {
        dg_rect rows[2];
        dg_split_rows(s, 2, DG_GAP, NULL, rows);
        aligned_row(rows[0], 2, m->d, st->T, st->tok_l, st->T, 80, TITLE_H, p);
        p[2] = p[0];
        p[2].x = p[1].x + p[1].w - p[0].w;
        p[2].y = rows[1].y + (rows[1].h - p[0].h) / 2;
    } else {
        aligned_row(s, 3, m->d, st->T, st->tok_l, st->T, 80, TITLE_H, p);
    }
    attn_why w[3] = {{st, r, W_X}, {st, r, W_PE}, {st, r, W_XIN}};
    const ts_tensor *t[3] = {r->x, r->pe, r->x_in};
    const char *titles[3] = {"x: the tokens", "pe: position", st->pe ? "x + pe" : "x (no position)"};
    float rv[3] = {1, a, b};
    for (int i = 0; i < 3; i++) {
        if (rv[i] <= 0) continue;
        dg_src sr = src(&w[i], t[i], 0);
        dg_matrix(p[i], &sr, &(dg_matrix_style){.title = titles[i], .cmap = DG_CMAP_DIV, .lo = -st->x_abs,
                                                       .hi = st->x_abs, .no_legend = true,
                                                       .row_labels = i == 0 || (tall && i == 2) ? st->tok_l : NULL,
                                                       .reveal = rv[i]});
    }
    /* the operators in the gutters, clear of every label */
    dg_pt plus = {p[0].x + p[0].w + 40, p[0].y + TITLE_H + (p[0].h - TITLE_H) / 2};
    dg_pt eq = tall ? (dg_pt){p[2].x - 40, p[2].y + TITLE_H + (p[2].h - TITLE_H) / 2}
                    : (dg_pt){p[1].x + p[1].w + 40, plus.y};
    if (a > 0) dg_op(plus, 28, "+", NULL);
    if (b > 0) dg_op(eq, 28, "=", NULL);
    dg_legend(legend, -st->x_abs, st->x_abs, DG_CMAP_DIV, "value");
    char line[200];
    if (m->kind == ATTN_READABLE)
        snprintf(line, sizeof line, "pe[t, 2i] = sin(t / 10000^(2i/d)), pe[t, 2i+1] = cos(\xe2\x80\xa6), d = %d. "
                 "The story model keeps the two fastest pairs, in its %s \xe2\x80\xa6 %s columns.", m->d,
                 m->dim_names[12], m->dim_names[15]);
    else
        snprintf(line, sizeof line, "pe[t, 2i] = sin(t / 10000^(2i/d)), pe[t, 2i+1] = cos(\xe2\x80\xa6), d = %d: "
                 "fast waves on the left, slow ones on the right.", m->d);
    dg_text(formula, DG_TEXT_BODY, GFX_SANS, GFX_LEFT | GFX_MIDDLE, th->text_dim, line);
}

/* The names of a matrix's columns, in order, when they cannot fit over it. */
static void column_key(dg_rect r, const char *const *names, int n, const ui_theme *th) {
    char line[256] = "columns:";
    for (int i = 0; i < n; i++) {
        size_t used = strlen(line);
        snprintf(line + used, sizeof line - used, "%s %s", i ? " \xc2\xb7" : "", names[i]);
    }
    dg_text(r, DG_TEXT_LABEL, GFX_SANS, GFX_CENTER | GFX_TOP, th->text_dim, line);
}

static void beat_qkv(const attn_scene *st, const scene_clock *c, dg_rect s, const ui_theme *th) {
    const attn_run *r = attn_main(st);
    const attn_model *m = &st->m;
    int h = st->head, K = m->d_k;
    dg_rect foot = dg_cut_bottom(&s, DG_TEXT_BODY * 1.3f, 16), p[3];
    dg_split_cols(s, 3, DG_GAP, NULL, p);
    static const char *const what[3] = {"Q: what it looks for", "K: what it offers", "V: what it carries"};
    static const char *const wn[3] = {"Q = x_in \xc2\xb7 W_q\xe1\xb5\x80", "K = x_in \xc2\xb7 W_k\xe1\xb5\x80",
                                      "V = x_in \xc2\xb7 W_v\xe1\xb5\x80"};
    const ts_tensor *t[3] = {r->mha->q, r->mha->k, r->mha->v};
    const char *const *names[3] = {st->q_l, st->k_l, st->v_l};
    attn_why w[3] = {{st, r, W_Q}, {st, r, W_K}, {st, r, W_V}};
    for (int i = 0; i < 3; i++) {
        float a = appear(c, B_QKV, 0.1f + 0.25f * (float)i, 0.35f + 0.25f * (float)i);
        if (a <= 0) continue;
        float lim = attn_qkv_limit(st, i, h);
        dg_rect e = p[i];
        dg_rect f = dg_cut_bottom(&e, DG_TEXT_LABEL * 1.3f * 3, 8), fl[2];
        dg_split_rows(f, 2, 0, (const float[]){1, 2}, fl);
        dg_src sr = src(&w[i], t[i], h);
        dg_matrix(e, &sr, &(dg_matrix_style){.title = what[i], .unit = (const char *[]){"Q", "K", "V"}[i],
                                             .cmap = DG_CMAP_DIV, .lo = -lim, .hi = lim, .row_labels = st->tok_l,
                                             .reveal = a});
        dg_text(fl[0], DG_TEXT_LABEL, GFX_MONO, GFX_CENTER | GFX_MIDDLE, th->text_dim, wn[i]);
        column_key(fl[1], names[i] + h * K, K, th);
    }
    dg_textf(foot, DG_TEXT_BODY, GFX_SANS, GFX_CENTER | GFX_MIDDLE, th->text_dim,
             "head %d of %d (%s): d_k = %d columns each, from the %d of x_in", h + 1, m->heads,
             m->head_names[h], K, m->d);
}

static void beat_query(const attn_scene *st, const scene_clock *c, dg_rect s, const ui_theme *th) {
    const attn_run *r = attn_main(st);
    const attn_model *m = &st->m;
    int T = st->T, K = m->d_k, q = st->query, h = st->head;
    float rows_t = c->beat == B_QUERY ? scene_between_linear(c, 0.05f, 0.45f) : 1;
    float soft = appear(c, B_QUERY, 0.45f, 0.7f);
    dg_rect eq = dg_cut_bottom(&s, DG_TEXT_H2 * 1.4f, 16);
    dg_rect col[3];
    dg_split_cols(s, 3, DG_GAP * 1.5f, (const float[]){1.0f, 0.6f, 1.5f}, col);
    /* the query, over the keys */
    attn_why wq = {st, r, W_Q}, wk = {st, r, W_K}, ws = {st, r, W_SCORES}, ww = {st, r, W_WEIGHTS};
    dg_rect qr = dg_cut_top(&col[0], TITLE_H + 72, 12), kf = dg_cut_bottom(&col[0], DG_TEXT_LABEL * 2.6f, 4);
    char qt[64];
    snprintf(qt, sizeof qt, "query q('%s')", st->tok[q]);
    dg_src sq = src(&wq, r->mha->q, h);
    sq.lead[1] = q;
    dg_strip(qr, &sq, &(dg_strip_style){.values = true, .title = qt, .no_legend = true, .cmap = DG_CMAP_DIV,
                                        .lo = -st->q_abs[h], .hi = st->q_abs[h], .max_cell = 120});
    dg_src sk = src(&wk, r->mha->k, h);
    dg_matrix(col[0], &sk, &(dg_matrix_style){.title = "keys K", .unit = "K", .cmap = DG_CMAP_DIV,
                                              .lo = -st->k_abs[h], .hi = st->k_abs[h], .row_labels = st->tok_l,
                                              .reveal = rows_t,
                                              .windows = &(dg_window){attn_argmax_key(r, h, q), 0, 1, K, th->accent},
                                              .window_count = rows_t >= 1 ? 1 : 0});
    column_key(kf, st->k_l + h * K, K, th);
    /* its scores, then the softmax */
    dg_src ss = src(&ws, r->mha->scores, h);
    ss.lead[1] = q;
    /* masked keys (after the query) have no score: a causal run shows keys 0..q */
    int scored = r->opts.causal ? q + 1 : T;
    const float *srow = r->mha->scores->data + ((size_t)h * T + q) * T;
    float lo = 0, hi = 0;
    for (int k = 0; k < scored; k++) { lo = fminf(lo, srow[k]); hi = fmaxf(hi, srow[k]); }
    if (rows_t >= 1)
        dg_strip(col[1], &ss, &(dg_strip_style){.vertical = true, .bars = true, .values = true,
                                                .title = r->opts.causal ? "score (unmasked)" : "score",
                                                .labels = st->tok_l, .count = scored, .lo = lo, .hi = hi});
    dg_src sw = src(&ww, r->mha->weights, h);
    sw.lead[1] = q;
    if (soft > 0) {
        char wt[64];
        snprintf(wt, sizeof wt, "softmax: where '%s' looks", st->tok[q]);
        dg_bars(col[2], &sw, &(dg_bars_style){.title = wt, .labels = st->tok_l, .mark = 0});
    }
    /* the strongest key, worked out */
    int k = attn_argmax_key(r, h, q);
    size_t at = ((size_t)h * T + q) * T + k;
    float dot = 0;
    for (int j = 0; j < K; j++) dot += r->mha->q->data[((size_t)h * T + q) * K + j] * r->mha->k->data[((size_t)h * T + k) * K + j];
    char t0[64], t1[32], t2[32], t3[32], t4[32];
    snprintf(t0, sizeof t0, "q('%s') \xc2\xb7 k('%s') =", st->tok[q], st->tok[k]);
    dg_fmt(t1, sizeof t1, dot, 3, 6, false);
    snprintf(t2, sizeof t2, "\xc3\x97 %.3g =", (double)r->mha->score_mult);
    dg_fmt(t3, sizeof t3, r->mha->scores->data[at], 3, 6, false);
    dg_fmt(t4, sizeof t4, r->mha->weights->data[at], 3, 6, false);
    dg_term terms[] = {
        {.text = t0}, {.text = t1}, {.text = t2},
        {.text = t3, .ref = {r->mha->scores, {h, q, k}}, .bold = true},
        {.text = "\xe2\x86\x92 softmax \xe2\x86\x92"},
        {.text = t4, .ref = {r->mha->weights, {h, q, k}}, .bold = true, .color = th->accent},
    };
    if (soft > 0) dg_equation(eq, terms, 6, DG_TEXT_H2);
}

/* Beat 5: one head's weighted sum of the values, that head's share of the
 * output (its columns of W_o), and the residual add that writes it into the
 * query's vector: x_in + head_out. Heads 2-4 come in beat 7. */
static void beat_output(const attn_scene *st, const scene_clock *c, dg_rect s, const ui_theme *th) {
    const attn_run *r = attn_main(st);
    const attn_model *m = &st->m;
    int T = st->T, K = m->d_k, q = st->query, h = st->head;
    float a = appear(c, B_OUTPUT, 0.05f, 0.35f), b = appear(c, B_OUTPUT, 0.35f, 0.6f);
    float e = appear(c, B_OUTPUT, 0.6f, 0.85f);
    dg_rect verdict = dg_cut_bottom(&s, DG_TEXT_BODY * 1.5f, 8);
    dg_rect col[6];
    dg_split_cols(s, 6, DG_GAP * 1.4f, (const float[]){0.72f, 0.55f, 0.6f, 0.62f, 0.3f, 0.3f}, col);
    attn_why ww = {st, r, W_WEIGHTS}, wv = {st, r, W_V}, wc = {st, r, W_CONCAT};
    attn_why wh = {st, r, W_HEAD_OUT}, wx = {st, r, W_XIN}, wr = {st, r, W_RESID};
    dg_src sw = src(&ww, r->mha->weights, h);
    sw.lead[1] = q;
    char wt[64];
    snprintf(wt, sizeof wt, "weights of '%s'", st->tok[q]);
    dg_bars(col[0], &sw, &(dg_bars_style){.title = wt, .labels = st->tok_l, .mark = 0});
    dg_src sv = src(&wv, r->mha->v, h);
    dg_cells gv = dg_matrix(col[1], &sv, &(dg_matrix_style){.title = "values V", .unit = "V", .cmap = DG_CMAP_DIV,
                                                            .lo = -st->v_abs[h], .hi = st->v_abs[h],
                                                            .row_labels = st->tok_l, .col_labels = st->v_l + h * K,
                                                            .no_legend = true});   /* the sum's legend: same scale */
    /* Σ weight × v: one edge per value row, as wide and opaque as its weight */
    dg_rect ho = col[2];
    ho.h = fminf(ho.h, 300);
    ho.y = col[2].y + (col[2].h - ho.h) / 2;
    dg_src sc = src(&wc, r->mha->concat, 0);
    sc.lead[0] = q;
    dg_cells gh = dg_strip(ho, &sc, &(dg_strip_style){.values = true, .title = "\xce\xa3 weight \xc3\x97 v",
                                                       .start = h * K, .count = K, .cmap = DG_CMAP_DIV,
                                                       .lo = -st->v_abs[h], .hi = st->v_abs[h]});
    const float *wrow = r->mha->weights->data + ((size_t)h * T + q) * T;
    dg_pt to = {gh.x - 12, gh.y + gh.ch / 2};
    for (int k = 0; k < T && a > 0; k++) {
        if (wrow[k] < 0.01f) continue;
        dg_rect rk = dg_cell_rect(&gv, k, gv.cols - 1);
        dg_edge((dg_pt){rk.x + rk.w + 8, rk.y + rk.h / 2}, to,
                &(dg_edge_style){.route = DG_CURVE, .width = 1 + 10 * wrow[k], .color = th->accent2,
                                 .alpha = a * (0.2f + 0.8f * wrow[k]), .no_head = true});
    }
    if (b <= 0) return;
    /* head h's share of the output, then the residual add, rows aligned */
    char t1[64], t3[64];
    snprintf(t1, sizeof t1, "\xc2\xb7 W_o: head %d", h + 1);
    snprintf(t3, sizeof t3, "'%s' after", st->tok[q]);
    dg_strip_style vs = {.vertical = true, .values = true, .cmap = DG_CMAP_DIV, .lo = -st->resid_abs,
                         .hi = st->resid_abs, .no_legend = true, .aspect = 3};
    dg_src so = src(&wh, st->head_out, q);
    dg_strip_style s1 = vs;
    s1.title = t1;
    s1.labels = st->dim_l;
    dg_cells go = dg_strip(col[3], &so, &s1);
    dg_edge((dg_pt){gh.bounds.x + gh.bounds.w + 12, gh.y + gh.ch / 2},
            (dg_pt){go.bounds.x - 12, go.y + go.ch * (float)go.rows / 2}, &(dg_edge_style){.color = th->accent, .alpha = b});
    if (e <= 0) return;
    /* the same cell rows as go: x_in and the sum beside it */
    dg_rect rx = {col[4].x, go.bounds.y, col[4].w, go.bounds.h}, rs = {col[5].x, go.bounds.y, col[5].w, go.bounds.h};
    dg_src sx = src(&wx, r->x_in, q), sr = src(&wr, st->resid, q);
    dg_strip_style s2 = vs, s3 = vs;
    s2.title = "+ x_in";
    s3.title = t3;
    dg_cells gx = dg_strip(rx, &sx, &s2);
    dg_cells gs = dg_strip(rs, &sr, &s3);
    float mid = go.y + go.ch * (float)go.rows / 2;
    dg_op((dg_pt){(go.x + go.cw + gx.x) / 2, mid}, 28, "+", NULL);
    dg_op((dg_pt){(gx.x + gx.cw + gs.x) / 2, mid}, 28, "=", NULL);
    /* how alike the query's vector is to the other tokens', before and after */
    int bb = -1, ba = -1;
    for (int k = 0; k < T; k++) {
        if (k == q) continue;
        if (bb < 0 || st->cos_before->data[k] > st->cos_before->data[bb]) bb = k;
        if (ba < 0 || st->cos_after->data[k] > st->cos_after->data[ba]) ba = k;
    }
    if (bb < 0) return;
    char line[256], c0[16], c1[16], c2[16];
    snprintf(line, sizeof line, "the residual add: '%s' now carries what head %d read. Most like it before: "
             "'%s' (cos %s); after: '%s' (cos %s, was %s)", st->tok[q], h + 1, st->tok[bb],
             dg_fmt(c0, sizeof c0, st->cos_before->data[bb], 2, 5, false), st->tok[ba],
             dg_fmt(c1, sizeof c1, st->cos_after->data[ba], 2, 5, false),
             dg_fmt(c2, sizeof c2, st->cos_before->data[ba], 2, 5, false));
    dg_text(verdict, DG_TEXT_BODY, GFX_SANS, GFX_LEFT | GFX_MIDDLE, gfx_fade(th->text, e), line);
}

static void beat_matrix(const attn_scene *st, const scene_clock *c, dg_rect s, const ui_theme *th) {
    const attn_run *r = attn_main(st);
    int T = st->T, h = st->head, q = st->query;
    float a = appear(c, B_MATRIX, 0.1f, 0.6f);
    dg_rect foot = dg_cut_bottom(&s, DG_TEXT_BODY * 1.3f, 12), p[2];
    dg_split_cols(s, 2, 160, NULL, p);
    char stitle[96];
    attn_scores_title(st, stitle, sizeof stitle);
    attn_why w[2] = {{st, r, W_SCORES}, {st, r, W_WEIGHTS}};
    const ts_tensor *t[2] = {r->mha->scores, r->mha->weights};
    dg_window row = {q, 0, 1, T, th->accent};
    dg_cells g[2];
    for (int i = 0; i < 2; i++) {
        if (i == 1 && a <= 0) continue;
        dg_src sr = src(&w[i], t[i], h);
        g[i] = dg_matrix(p[i], &sr, &(dg_matrix_style){
            .title = i ? "weights = softmax(scores), per row" : stitle, .unit = i ? "weight" : "score",
            .cmap = i ? DG_CMAP_SEQ : DG_CMAP_DIV, .lo = i ? 0 : -st->s_abs[h], .hi = i ? 1 : st->s_abs[h],
            .row_labels = st->tok_l, .col_labels = st->tok_l, .windows = &row, .window_count = 1,
            .reveal = i ? a : 1});
        masked(r, &g[i], th);
    }
    if (a > 0)
        dg_edge((dg_pt){g[0].bounds.x + g[0].bounds.w + 10, g[0].y + g[0].ch * (float)T / 2},
                (dg_pt){g[1].bounds.x - 10, g[0].y + g[0].ch * (float)T / 2},
                &(dg_edge_style){.label = "softmax", .color = th->accent, .width = 5});
    dg_text(foot, DG_TEXT_BODY, GFX_SANS, GFX_CENTER | GFX_MIDDLE, th->text_dim,
            "rows: queries, columns: keys; each row of weights sums to 1");
}

static void beat_heads(const attn_scene *st, const scene_clock *c, dg_rect s, const ui_theme *th) {
    const attn_run *r = attn_main(st);
    int H = st->m.heads, T = st->T;
    dg_rect legend = dg_cut_right(&s, 130, DG_GAP);
    dg_rect foot = dg_cut_bottom(&s, DG_TEXT_BODY * 1.3f, 12);
    /* one row of maps sharing the row labels; two rows on a tall canvas */
    int gr = s.h > s.w * 0.55f && H > 2 ? 2 : 1, per = (H + gr - 1) / gr;
    dg_rect rows[2], cells[ATTN_MAX_HEADS];
    dg_split_rows(s, gr, DG_GAP, NULL, rows);
    for (int i = 0; i < gr; i++) aligned_row(rows[i], per, T, T, st->tok_l, T, 48, TITLE_H, cells + i * per);
    attn_why w = {st, r, W_WEIGHTS};
    for (int i = 0; i < H; i++) {
        float a = appear(c, B_HEADS, 0.1f + 0.15f * (float)i, 0.4f + 0.15f * (float)i);
        if (a <= 0) continue;
        char t[64];
        snprintf(t, sizeof t, "%d: %s", i + 1, st->m.head_names[i]);
        dg_src sr = src(&w, r->mha->weights, i);
        dg_cells g = dg_matrix(cells[i], &sr, &(dg_matrix_style){.title = t, .cmap = DG_CMAP_SEQ, .lo = 0, .hi = 1,
                                                                 .no_legend = true,
                                                                 .row_labels = i % per == 0 ? st->tok_l : NULL,
                                                                 .reveal = a});
        masked(r, &g, th);
        if (i == st->head)
            gfx_rrect_line(g.x - 8, g.y - 8, g.cw * (float)T + 16, g.ch * (float)T + 16, 8, 4, th->accent);
    }
    dg_legend((dg_rect){legend.x, s.y + s.h / 2 - 200, legend.w, 400}, 0, 1, DG_CMAP_SEQ, "weight");
    dg_text(foot, DG_TEXT_BODY, GFX_SANS, GFX_CENTER | GFX_MIDDLE, th->text_dim,
            "each map: rows are queries, columns are keys, in sentence order");
}

static void beat_causal(const attn_scene *st, const scene_clock *c, dg_rect s, const ui_theme *th) {
    float a = appear(c, B_CAUSAL, 0.2f, 0.7f);
    int T = st->T, h = st->head, q = st->query;
    dg_rect legend = dg_cut_right(&s, 130, DG_GAP);
    dg_rect verdicts = dg_cut_bottom(&s, DG_TEXT_H2 * 1.4f, 12), p[2], v[2];
    dg_split_cols(s, 2, 120, NULL, p);
    dg_split_cols(verdicts, 2, 120, NULL, v);
    const attn_run *rr[2] = {&st->enc, &st->dec};
    static const char *const names[2] = {"no mask: an encoder (BERT)", "causal: a decoder (GPT)"};
    for (int i = 0; i < 2; i++) {
        if (i == 1 && a <= 0) continue;
        attn_why w = {st, rr[i], W_WEIGHTS};
        dg_src sr = src(&w, rr[i]->mha->weights, h);
        dg_cells g = dg_matrix(p[i], &sr, &(dg_matrix_style){.title = names[i], .cmap = DG_CMAP_SEQ, .lo = 0, .hi = 1,
                                                             .no_legend = true, .row_labels = st->tok_l,
                                                             .col_labels = st->tok_l, .reveal = i ? a : 1});
        masked(rr[i], &g, th);
        dg_rect qr = dg_cell_rect(&g, q, 0);
        gfx_rrect_line(qr.x - 4, qr.y - 4, g.cw * (float)T + 8, qr.h + 8, 4, 4, th->accent);
        char line[160];
        attn_verdict(st, rr[i], i ? st->correct_dec : st->correct_enc, line, sizeof line);
        dg_text(v[i], DG_TEXT_H2, GFX_BOLD, GFX_CENTER | GFX_MIDDLE, i ? th->accent : th->text, line);
    }
    dg_legend((dg_rect){legend.x, s.y + s.h / 2 - 200, legend.w, 400}, 0, 1, DG_CMAP_SEQ, "weight");
}

/* The sentence (A, the frame's strip) and under it B, its reordering, each
 * word joined to where it went, the join as wide and opaque as the query's
 * weight on that word without position: the weight follows the word. Then
 * both outputs, and the result. */
static void beat_order(const attn_scene *st, const scene_clock *c, const attn_frame *f, const ui_theme *th) {
    float a = appear(c, B_ORDER, 0.15f, 0.5f), b = appear(c, B_ORDER, 0.55f, 0.9f);
    int T = st->T, h = st->head, q = st->query;
    dg_rect s = f->stage;
    dg_rect result = dg_cut_bottom(&s, DG_TEXT_TITLE * 1.4f, 12);
    dg_rect words = dg_cut_top(&s, 140, DG_GAP);
    dg_rect rb[ATTN_MAX_T];
    attn_word_boxes(st->tok_b, T, (dg_rect){f->tokens.x, words.y + words.h - f->tok[0].h, f->tokens.w, f->tok[0].h}, rb);
    const float *wa = st->ord_a.mha->weights->data + ((size_t)h * T + q) * T;
    for (int i = 0; i < T; i++) {
        int from = st->perm[i];   /* word i of B is word `from` of A */
        dg_rect bx = rb[i], ax = f->tok[from];
        gfx_rrect(bx.x, bx.y, bx.w, bx.h, 10, th->panel);
        gfx_rrect(bx.x, bx.y, bx.w, bx.h, 10, gfx_fade(th->accent2, fminf(1, wa[from]) * a));
        gfx_rrect_line(bx.x, bx.y, bx.w, bx.h, 10, from == q ? 5 : 2, from == q ? th->accent : th->panel_edge);
        dg_text(dg_inset(bx, 4), DG_TEXT_BODY, from == q ? GFX_BOLD : GFX_SANS, GFX_CENTER | GFX_MIDDLE, th->text,
                st->tok_b[i]);
        if (a > 0)
            dg_edge((dg_pt){ax.x + ax.w / 2, f->tokens.y + f->tokens.h + 6}, (dg_pt){bx.x + bx.w / 2, bx.y - 6},
                    &(dg_edge_style){.width = 2 + 12 * wa[from], .color = th->accent2,
                                     .alpha = a * (0.25f + 0.75f * fminf(1, wa[from] * 2)), .no_head = true});
    }
    /* the outputs, side by side, and the result */
    dg_rect p[2];
    dg_split_cols(s, 2, 120, NULL, p);
    attn_why w[2] = {{st, &st->ord_a, W_ORDER_A}, {st, &st->ord_b, W_ORDER_B}};
    const ts_tensor *t[2] = {st->ord_a.mha->out, st->ord_b.mha->out};
    static const char *const titles[2] = {"out of A, no position", "out of B, no position"};
    for (int i = 0; i < 2; i++) {
        if (i == 1 && a <= 0) continue;
        dg_src sr = src(&w[i], t[i], 0);
        dg_matrix(p[i], &sr, &(dg_matrix_style){.title = titles[i], .unit = "out", .cmap = DG_CMAP_DIV,
                                                .lo = -st->out_abs, .hi = st->out_abs,
                                                .row_labels = i ? st->tok_b_l : st->tok_l});
    }
    if (b <= 0) return;
    char n0[24], n1[24];
    dg_term terms[] = {
        {.text = "rows reordered, max difference:"},
        {.text = "no position"}, {.text = dg_fmt(n0, sizeof n0, st->order_diff, 3, 8, false), .bold = true},
        {.text = "\xc2\xb7 with position"},
        {.text = dg_fmt(n1, sizeof n1, st->order_diff_pe, 3, 8, false), .bold = true, .color = th->accent},
    };
    dg_equation(result, terms, 5, DG_TEXT_TITLE);
}

void attn_scene_draw(const void *p, const scene_clock *c, const ui_theme *th) {
    const attn_scene *st = p;
    const attn_run *r = attn_main(st);
    attn_frame f;
    attn_frame_layout(st, &f);
    header(st, f.header, th);
    /* the query's weights paint the sentence in beats 4, 5 and (without
     * position) 9 */
    bool weights_on = c->beat == B_QUERY || c->beat == B_OUTPUT || c->beat == B_ORDER;
    float paint = c->beat == B_QUERY ? scene_between(c, 0.7f, 0.95f)
                : c->beat == B_ORDER ? appear(c, B_ORDER, 0.15f, 0.5f) : 1;
    const attn_run *pr = c->beat == B_ORDER ? &st->ord_a : r;
    const float *w = pr->mha->weights->data + ((size_t)st->head * st->T + st->query) * st->T;
    sentence(st, &f, weights_on ? w : NULL, paint, c->beat >= B_QUERY, th);
    switch (c->beat) {
    case B_TOKENS: beat_tokens(st, c, f.stage, th); break;
    case B_POSENC: beat_posenc(st, c, f.stage, th); break;
    case B_QKV: beat_qkv(st, c, f.stage, th); break;
    case B_QUERY: beat_query(st, c, f.stage, th); break;
    case B_OUTPUT: beat_output(st, c, f.stage, th); break;
    case B_MATRIX: beat_matrix(st, c, f.stage, th); break;
    case B_HEADS: beat_heads(st, c, f.stage, th); break;
    case B_CAUSAL: beat_causal(st, c, f.stage, th); break;
    case B_ORDER: beat_order(st, c, &f, th); break;
    case B_CROSS: attn_cross_draw(st, appear(c, B_CROSS, 0.05f, 0.5f), f.stage, th); break;
    }
}
