/* attention_draw.c: the attention scene's draw, one function per beat. Pure:
 * reads the state (attention_scene.h) and the clock; every number printed
 * comes from a kernel tensor of the state. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "gfx/gfx.h"
#include "scenes/attention/attention_scene.h"

/* ---- helpers ------------------------------------------------------------------ */

static float clamp01(float v) { return v < 0 ? 0 : v > 1 ? 1 : v; }

static void heat(const attn_scene *st, const attn_panel *p, float lo, float hi, int cmap,
                 const ui_theme *th, float reveal) {
    if (reveal <= 0) return;
    int rows = p->rows;
    float h = p->h;
    if (reveal < 1) { rows = (int)ceilf(reveal * (float)p->rows); h = p->h * (float)rows / (float)p->rows; }
    gfx_heatmap(p->x, p->y, p->w, h, attn_panel_data(st, p), rows, p->cols, lo, hi, cmap);
    gfx_rrect_line(p->x - 2, p->y - 2, p->w + 4, p->h + 4, 4, 2, th->panel_edge);
}

static void legend(const attn_panel *p, float lo, float hi, int cmap, const char *label, const ui_theme *th) {
    float h = p->h < 180 ? 180 : p->h;
    gfx_legend(p->x + p->w + 18, p->y, 22, h, lo, hi, cmap, label, th->text_dim);
}

static void title(float x, float y, const char *text, const ui_theme *th) {
    gfx_text(x, y, UI_BODY, GFX_BOLD, GFX_LEFT | GFX_BOTTOM, th->text, text);
}

/* Token names left of the rows of p. */
static void row_labels(const attn_panel *p, char (*tok)[ATTN_WORD_MAX], int hi_row, const ui_theme *th) {
    float rh = p->h / (float)p->rows, size = rh >= 34 ? UI_LABEL : UI_SMALL;
    for (int r = 0; r < p->rows; r++)
        gfx_text(p->x - 12, p->y + (r + 0.5f) * rh, size, r == hi_row ? GFX_BOLD : GFX_SANS,
                 GFX_RIGHT | GFX_MIDDLE, r == hi_row ? th->accent : th->text_dim, tok[r]);
}

/* Column names above p; staggered in two lines when they do not fit. */
static void col_labels(const attn_panel *p, char (*names)[16], int first, const ui_theme *th) {
    float cw = p->w / (float)p->cols, widest = 0;
    for (int c = 0; c < p->cols; c++) {
        float w = gfx_text_width(UI_SMALL, GFX_SANS, names[first + c]);
        if (w > widest) widest = w;
    }
    bool stagger = widest > cw - 4;
    for (int c = 0; c < p->cols; c++) {
        float y = p->y - 12 - (stagger && (c & 1) ? 28 : 0);
        gfx_text(p->x + (c + 0.5f) * cw, y, UI_SMALL, GFX_SANS, GFX_CENTER | GFX_BOTTOM, th->text_dim,
                 names[first + c]);
    }
}

static void tok_col_labels(const attn_panel *p, char (*tok)[ATTN_WORD_MAX], int hi, const ui_theme *th) {
    float cw = p->w / (float)p->cols, widest = 0;
    for (int c = 0; c < p->cols; c++) {
        float w = gfx_text_width(UI_SMALL, GFX_SANS, tok[c]);
        if (w > widest) widest = w;
    }
    bool stagger = widest > cw - 4;
    for (int c = 0; c < p->cols; c++)
        gfx_text(p->x + (c + 0.5f) * cw, p->y - 10 - (stagger && (c & 1) ? 28 : 0), UI_SMALL,
                 c == hi ? GFX_BOLD : GFX_SANS, GFX_CENTER | GFX_BOTTOM, c == hi ? th->accent : th->text_dim, tok[c]);
}

static void hover_cell(const attn_scene *st, const attn_panel *ps, const ui_theme *th) {
    if (st->hover_panel < 0) return;
    const attn_panel *p = &ps[st->hover_panel];
    float cw = p->w / (float)p->cols, rh = p->h / (float)p->rows;
    gfx_rrect_line(p->x + st->hover_c * cw - 2, p->y + st->hover_r * rh - 2, cw + 4, rh + 4, 3, 3, th->accent);
}

/* Masked cells of a T x T map: covered with the panel colour and a cross. */
static void masked_cells(const attn_run *r, const attn_panel *p, const ui_theme *th) {
    int T = r->T;
    float cw = p->w / (float)T, rh = p->h / (float)T;
    for (int q = 0; q < T; q++)
        for (int k = 0; k < T; k++)
            if (r->mha->allowed->data[q * T + k] == 0) {
                float x = p->x + k * cw, y = p->y + q * rh;
                gfx_rect(x, y, cw, rh, th->panel);
                gfx_line(x + cw * 0.3f, y + rh * 0.3f, x + cw * 0.7f, y + rh * 0.7f, 2, th->panel_edge);
            }
}

static void row_mark(const attn_panel *p, int row, const ui_theme *th) {
    float rh = p->h / (float)p->rows;
    gfx_rrect_line(p->x - 6, p->y + row * rh - 3, p->w + 12, rh + 6, 4, 3, th->accent);
}

/* ---- header and token strip ------------------------------------------------------ */

static void header(const attn_scene *st, const ui_theme *th) {
    const attn_model *m = &st->m;
    float tw = gfx_text(40, 48, UI_H2, GFX_BOLD, GFX_LEFT | GFX_MIDDLE, th->text, "Attention");
    char info[256];
    if (m->kind == ATTN_TRAINED)
        snprintf(info, sizeof info, "trained model: reverse %d digits (held-out accuracy %.1f%%)",
                 ATTN_TRAIN_T, 100.0 * m->accuracy);
    else
        snprintf(info, sizeof info, "readable model: named features, hand-set weights");
    gfx_text(40 + tw + 24, 52, UI_LABEL, GFX_SANS, GFX_LEFT | GFX_MIDDLE, th->text_dim, info);
    const attn_run *r = attn_main(st);
    gfx_textf(1880, 52, UI_LABEL, GFX_MONO, GFX_RIGHT | GFX_MIDDLE, th->text_dim,
              "scale %.3f  \xcf\x84 %.2f  %s  %s  head %d: %s", st->scaled ? 1.0 / sqrt((double)m->d_k) : 1.0,
              r->mha->desc.temperature == 0 ? 1.0 : (double)r->mha->desc.temperature,
              st->causal ? "causal" : "no mask", st->pe ? "PE on" : "PE off", st->head + 1, m->head_names[st->head]);
}

/* The sentence; with weights (T floats) painted behind the tokens. */
static void token_strip(const attn_scene *st, const float *weights, float paint, bool mark_query,
                        const ui_theme *th) {
    for (int k = 0; k < st->T; k++) {
        float x, y, w, h;
        attn_token_box(st, k, &x, &y, &w, &h);
        bool q = mark_query && k == st->query;
        gfx_rrect(x, y, w, h, 10, th->panel);
        if (weights && paint > 0)
            gfx_rrect(x, y, w, h, 10, gfx_fade(th->accent2, clamp01(weights[k]) * paint));
        gfx_rrect_line(x, y, w, h, 10, q ? 4 : 2, q ? th->accent : th->panel_edge);
        gfx_text(x + w / 2, y + h / 2, w < 60 ? UI_LABEL : UI_BODY, q ? GFX_BOLD : GFX_SANS,
                 GFX_CENTER | GFX_MIDDLE, th->text, st->tok[k]);
        if (weights && paint > 0.5f)
            gfx_textf(x + w / 2, y + h + 18, UI_SMALL, GFX_MONO, GFX_CENTER | GFX_MIDDLE, th->text_dim, "%.2f",
                      weights[k]);
    }
    if (st->msg[0])
        gfx_text(960, ATTN_TOP + 92, UI_LABEL, GFX_BOLD, GFX_CENTER | GFX_MIDDLE, th->negative, st->msg);
}

/* ---- beats ------------------------------------------------------------------------- */

static void beat_tokens(const attn_scene *st, const scene_clock *c, const attn_panel *p, const ui_theme *th) {
    const attn_model *m = &st->m;
    float reveal = c->beat == B_TOKENS ? scene_between(c, 0.1f, 0.7f) : 1;
    col_labels(p, (char (*)[16])m->dim_names, 0, th);
    row_labels(p, (char (*)[ATTN_WORD_MAX])st->tok, -1, th);
    heat(st, p, -st->x_abs, st->x_abs, GFX_CMAP_DIVERGING, th, reveal);
    legend(p, -st->x_abs, st->x_abs, GFX_CMAP_DIVERGING, "x", th);
    title(p->x, p->y - 70, m->kind == ATTN_READABLE
          ? "x: one row per token, one column per named feature"
          : "x: one row per token: its learned 16-number embedding", th);
    if (m->kind == ATTN_READABLE) {
        float cw = p->w / (float)p->cols, yb = p->y + p->h + 14;
        gfx_line(p->x + 10 * cw + 4, yb, p->x + 12 * cw - 4, yb, 4, th->accent3);
        gfx_line(p->x + 12 * cw + 4, yb, p->x + 16 * cw - 4, yb, 4, th->accent2);
        gfx_text(p->x + 12 * cw - 8, yb + 28, UI_SMALL, GFX_SANS, GFX_RIGHT | GFX_MIDDLE, th->text_dim,
                 "ctx: written by a first attention step (layer 0): a pronoun reads the adjective");
        gfx_text(p->x + 12 * cw - 8, yb + 58, UI_SMALL, GFX_SANS, GFX_RIGHT | GFX_MIDDLE, th->text_dim,
                 "pos: the position columns, filled in the next beat");
    }
}

static void beat_posenc(const attn_scene *st, const scene_clock *c, const attn_panel *p, const ui_theme *th) {
    float a = c->beat == B_POSENC ? scene_between(c, 0.05f, 0.45f) : 1;
    float b = c->beat == B_POSENC ? scene_between(c, 0.45f, 0.85f) : 1;
    const char *names[3] = {"x: the tokens", "pe: sine/cosine of position", st->pe ? "x + pe: what attention sees" : "x (positional encoding off)"};
    for (int i = 0; i < 3; i++) {
        float rv = i == 0 ? 1 : i == 1 ? a : b;
        heat(st, &p[i], -st->x_abs, st->x_abs, GFX_CMAP_DIVERGING, th, rv);
        title(p[i].x, p[i].y - 16, names[i], th);
        row_labels(&p[i], (char (*)[ATTN_WORD_MAX])st->tok, -1, th);
    }
    gfx_text(p[1].x - 65, p[1].y + p[1].h / 2, UI_TITLE, GFX_BOLD, GFX_CENTER | GFX_MIDDLE, gfx_fade(th->text, a), "+");
    gfx_text(p[2].x - 65, p[2].y + p[2].h / 2, UI_TITLE, GFX_BOLD, GFX_CENTER | GFX_MIDDLE, gfx_fade(th->text, b), "=");
    legend(&p[2], -st->x_abs, st->x_abs, GFX_CMAP_DIVERGING, NULL, th);
    char line[200];
    if (st->m.kind == ATTN_READABLE)
        snprintf(line, sizeof line, "pe[t, 2i] = sin(t / 10000^(2i/d)),  pe[t, 2i+1] = cos(...), d = %d. The readable model "
                 "keeps the two fastest pairs, in its %s .. %s columns.", st->m.d, st->m.dim_names[12], st->m.dim_names[15]);
    else
        snprintf(line, sizeof line, "pe[t, 2i] = sin(t / 10000^(2i/d)),  pe[t, 2i+1] = cos(...), d = %d: fast waves on "
                 "the left, slow ones on the right.", st->m.d);
    gfx_text_box(150, p[0].y + p[0].h + 30, 1620, UI_LABEL, GFX_SANS, GFX_LEFT, th->text_dim, line);
}

static void beat_qkv(const attn_scene *st, const scene_clock *c, const attn_panel *p, const ui_theme *th) {
    const attn_model *m = &st->m;
    heat(st, &p[0], -st->x_abs, st->x_abs, GFX_CMAP_DIVERGING, th, 1);
    row_labels(&p[0], (char (*)[ATTN_WORD_MAX])st->tok, -1, th);
    title(p[0].x, p[0].y - 46, st->pe ? "x + pe" : "x", th);
    static const char *const what[3] = {"Q: what it looks for", "K: what it offers", "V: what it carries"};
    static const char *const wn[3] = {"\xc2\xb7 W_q\xe1\xb5\x80", "\xc2\xb7 W_k\xe1\xb5\x80", "\xc2\xb7 W_v\xe1\xb5\x80"};
    char (*names[3])[16] = {(char (*)[16])m->q_names, (char (*)[16])m->k_names, (char (*)[16])m->v_names};
    for (int i = 0; i < 3; i++) {
        float lim = attn_qkv_limit(st, i, st->head);
        float a = c->beat == B_QKV ? scene_between(c, 0.1f + 0.25f * (float)i, 0.35f + 0.25f * (float)i) : 1;
        const attn_panel *q = &p[1 + i];
        if (a <= 0) continue;
        heat(st, q, -lim, lim, GFX_CMAP_DIVERGING, th, 1);
        if (a < 1) gfx_rect(q->x - 2, q->y - 2, q->w + 4, q->h + 4, gfx_fade(th->bg, 1 - a));
        col_labels(q, names[i], st->head * m->d_k, th);
        title(q->x, q->y - 70, what[i], th);
        gfx_textf(q->x, q->y + q->h + 30, UI_LABEL, GFX_MONO, GFX_LEFT | GFX_MIDDLE, th->text_dim, "= x_in %s", wn[i]);
        gfx_legend(q->x + q->w + 10, q->y, 18, q->h < 180 ? 180 : q->h, -lim, lim, GFX_CMAP_DIVERGING, NULL, th->text_dim);
    }
    gfx_textf(p[1].x, p[1].y + p[1].h + 80, UI_LABEL, GFX_SANS, GFX_LEFT | GFX_MIDDLE, th->text_dim,
              "head %d of %d (%s): d\xe2\x82\x96 = %d columns each", st->head + 1, m->heads, m->head_names[st->head], m->d_k);
}

static void beat_query(const attn_scene *st, const scene_clock *c, const attn_panel *p, const ui_theme *th) {
    const attn_run *r = attn_main(st);
    const attn_model *m = &st->m;
    int T = st->T, K = m->d_k, q = st->query, h = st->head;
    const float *qv = r->mha->q->data + ((size_t)h * T + q) * K;
    const float *wt = r->mha->weights->data + ((size_t)h * T + q) * T;
    const float *sc = r->mha->scores->data + ((size_t)h * T + q) * T;
    bool now = c->beat == B_QUERY;
    float rows_t = now ? scene_between_linear(c, 0.05f, 0.45f) : 1;
    float soft = now ? scene_between(c, 0.45f, 0.7f) : 1, paint = now ? scene_between(c, 0.7f, 0.95f) : 1;
    heat(st, &p[0], -st->q_abs[h], st->q_abs[h], GFX_CMAP_DIVERGING, th, 1);
    legend(&p[0], -st->q_abs[h], st->q_abs[h], GFX_CMAP_DIVERGING, NULL, th);
    gfx_textf(p[0].x - 12, p[0].y + p[0].h / 2, UI_LABEL, GFX_BOLD, GFX_RIGHT | GFX_MIDDLE, th->accent, "q('%s')", st->tok[q]);
    col_labels(&p[0], (char (*)[16])m->q_names, h * K, th);
    const attn_panel *kp = &p[1];
    int shown = (int)ceilf(rows_t * (float)T);
    attn_panel part = *kp;
    heat(st, &part, -st->k_abs[h], st->k_abs[h], GFX_CMAP_DIVERGING, th, rows_t);
    col_labels(kp, (char (*)[16])m->k_names, h * K, th);
    row_labels(kp, (char (*)[ATTN_WORD_MAX])st->tok, attn_argmax_key(r, h, q), th);
    float rh = kp->h / (float)T, xd = kp->x + kp->w + 110, xs = xd + 210, xb = xs + 260, bw = 1760 - xb;
    float size = rh >= 34 ? UI_LABEL : UI_SMALL;
    gfx_text(xd, kp->y - 14, UI_LABEL, GFX_BOLD, GFX_LEFT | GFX_BOTTOM, th->text_dim, "q\xc2\xb7k");
    gfx_textf(xs, kp->y - 14, UI_LABEL, GFX_BOLD, GFX_LEFT | GFX_BOTTOM, th->text_dim, "\xc3\x97 %.3f = score", r->mha->score_mult);
    gfx_text(xb, kp->y - 14, UI_LABEL, GFX_BOLD, GFX_LEFT | GFX_BOTTOM, th->text_dim, "softmax weight");
    for (int k = 0; k < shown; k++) {
        float y = kp->y + (k + 0.5f) * rh;
        const float *kv = r->mha->k->data + ((size_t)h * T + k) * K;
        float dot = 0;
        for (int j = 0; j < K; j++) dot += qv[j] * kv[j];
        bool masked = r->mha->allowed->data[q * T + k] == 0;
        gfx_textf(xd, y, size, GFX_MONO, GFX_LEFT | GFX_MIDDLE, th->text, "%+7.2f", dot);
        if (masked) {
            gfx_text(xs, y, size, GFX_MONO, GFX_LEFT | GFX_MIDDLE, th->text_dim, "masked");
            continue;
        }
        gfx_textf(xs, y, size, GFX_MONO, GFX_LEFT | GFX_MIDDLE, th->text, "%+7.2f", sc[k]);
        if (soft > 0) {
            gfx_rect(xb, y - rh * 0.3f, bw, rh * 0.6f, th->panel);
            gfx_rect(xb, y - rh * 0.3f, bw * wt[k] * soft, rh * 0.6f, th->accent2);
            gfx_textf(xb + bw + 14, y, size, GFX_MONO, GFX_LEFT | GFX_MIDDLE, gfx_fade(th->text, soft), "%.3f", wt[k]);
        }
    }
    row_mark(kp, attn_argmax_key(r, h, q), th);
    (void)paint;
}

static void beat_output(const attn_scene *st, const scene_clock *c, const attn_panel *p, const ui_theme *th) {
    const attn_run *r = attn_main(st);
    const attn_model *m = &st->m;
    int T = st->T, K = m->d_k, q = st->query, h = st->head;
    const float *wt = r->mha->weights->data + ((size_t)h * T + q) * T;
    bool now = c->beat == B_OUTPUT;
    float a = now ? scene_between(c, 0.1f, 0.5f) : 1, b = now ? scene_between(c, 0.5f, 0.85f) : 1;
    const attn_panel *vp = &p[0];
    float rh = vp->h / (float)T;
    heat(st, vp, -st->v_abs[h], st->v_abs[h], GFX_CMAP_DIVERGING, th, 1);
    col_labels(vp, (char (*)[16])m->v_names, h * K, th);
    title(vp->x, vp->y - 64, "values v", th);
    gfx_text(vp->x - 200, vp->y - 14, UI_LABEL, GFX_BOLD, GFX_LEFT | GFX_BOTTOM, th->text_dim, "weight");
    float size = rh >= 34 ? UI_LABEL : UI_SMALL;
    for (int k = 0; k < T; k++) {
        float y = vp->y + (k + 0.5f) * rh;
        gfx_text(vp->x - 210, y, size, GFX_SANS, GFX_RIGHT | GFX_MIDDLE, th->text_dim, st->tok[k]);
        gfx_rect(vp->x - 200, y - rh * 0.3f, 110 * wt[k], rh * 0.6f, th->accent2);
        gfx_textf(vp->x - 84, y, size, GFX_MONO, GFX_LEFT | GFX_MIDDLE, th->text, "%.2f", wt[k]);
        /* weighted value: each value row pulled toward the output by its weight */
        if (a > 0 && wt[k] > 0.01f)
            gfx_line(vp->x + vp->w + 8, y, p[1].x + p[1].w + 30, p[1].y - 40,
                     1 + 8 * wt[k], gfx_fade(th->accent2, a * (0.25f + 0.75f * wt[k])));
    }
    const attn_panel *hp = &p[1];
    heat(st, hp, -st->v_abs[h], st->v_abs[h], GFX_CMAP_DIVERGING, th, a > 0 ? 1 : 0);
    if (a > 0) {
        gfx_text(hp->x, hp->y - 12, UI_LABEL, GFX_BOLD, GFX_LEFT | GFX_BOTTOM, th->text,
                 "\xce\xa3 weight \xc3\x97 v  =  this head's output");
        const float *ho = attn_panel_data(st, hp);
        for (int j = 0; j < K && K <= 8; j++)
            gfx_textf(hp->x + (j + 0.5f) * hp->w / (float)K, hp->y + hp->h + 22, UI_SMALL, GFX_MONO,
                      GFX_CENTER | GFX_MIDDLE, th->text_dim, "%.2f", ho[j]);
    }
    const attn_panel *op = &p[2];
    if (b > 0) {
        gfx_arrow(hp->x + hp->w + 30, hp->y + hp->h / 2, op->x - 20, op->y + op->h / 2, 4, gfx_fade(th->accent, b));
        gfx_text_box(hp->x + hp->w + 80, op->y + op->h / 2 + 10, op->x - hp->x - hp->w - 110, UI_SMALL, GFX_SANS,
                     GFX_LEFT, gfx_fade(th->text_dim, b), "all heads side by side, times W_o\xe1\xb5\x80");
        heat(st, op, -st->out_abs, st->out_abs, GFX_CMAP_DIVERGING, th, 1);
        title(op->x, op->y - 12, "", th);
        gfx_textf(op->x, op->y - 14, UI_LABEL, GFX_BOLD, GFX_LEFT | GFX_BOTTOM, th->text, "out['%s']", st->tok[q]);
        const float *o = attn_panel_data(st, op);
        float orh = op->h / (float)op->rows;
        for (int d = 0; d < op->rows; d++) {
            gfx_text(op->x + op->w + 14, op->y + (d + 0.5f) * orh, UI_SMALL, GFX_SANS, GFX_LEFT | GFX_MIDDLE,
                     th->text_dim, m->dim_names[d]);
            gfx_textf(op->x + op->w + 170, op->y + (d + 0.5f) * orh, UI_SMALL, GFX_MONO, GFX_LEFT | GFX_MIDDLE,
                      th->text, "%+.2f", o[d]);
        }
    }
}

static void beat_matrix(const attn_scene *st, const scene_clock *c, const attn_panel *p, const ui_theme *th) {
    const attn_run *r = attn_main(st);
    float a = c->beat == B_MATRIX ? scene_between(c, 0.1f, 0.6f) : 1;
    for (int i = 0; i < 2; i++) {
        bool w = i == 1;
        float sa = st->s_abs[st->head];
        heat(st, &p[i], w ? 0 : -sa, w ? 1 : sa, w ? GFX_CMAP_SEQUENTIAL : GFX_CMAP_DIVERGING,
             th, w ? (a > 0 ? 1 : 0) : 1);
        if (w && a < 1) gfx_rect(p[i].x, p[i].y, p[i].w, p[i].h, gfx_fade(th->bg, 1 - a));
        masked_cells(r, &p[i], th);
        row_labels(&p[i], (char (*)[ATTN_WORD_MAX])st->tok, st->query, th);
        tok_col_labels(&p[i], (char (*)[ATTN_WORD_MAX])st->tok, attn_argmax_key(r, st->head, st->query), th);
        legend(&p[i], w ? 0 : -sa, w ? 1 : sa, w ? GFX_CMAP_SEQUENTIAL : GFX_CMAP_DIVERGING, NULL, th);
        char st_title[96];
        attn_scores_title(st, st_title, sizeof st_title);
        title(p[i].x, p[i].y - 62, w ? "weights = softmax(scores), per row" : st_title, th);
        row_mark(&p[i], st->query, th);
    }
    gfx_text(p[0].x + p[0].w + 160, p[0].y + p[0].h / 2, UI_H2, GFX_BOLD, GFX_CENTER | GFX_MIDDLE, th->text, "\xe2\x86\x92");
    gfx_text(p[0].x - 12, p[0].y + p[0].h + 36, UI_SMALL, GFX_SANS, GFX_LEFT | GFX_MIDDLE, th->text_dim,
             "rows: queries   columns: keys");
}

static void beat_heads(const attn_scene *st, const scene_clock *c, const attn_panel *p, int n, const ui_theme *th) {
    const attn_run *r = attn_main(st);
    for (int i = 0; i < n; i++) {
        float a = c->beat == B_HEADS ? scene_between(c, 0.1f + 0.15f * (float)i, 0.4f + 0.15f * (float)i) : 1;
        heat(st, &p[i], 0, 1, GFX_CMAP_SEQUENTIAL, th, a > 0 ? 1 : 0);
        if (a < 1) gfx_rect(p[i].x - 2, p[i].y - 2, p[i].w + 4, p[i].h + 4, gfx_fade(th->bg, 1 - a));
        masked_cells(r, &p[i], th);
        row_labels(&p[i], (char (*)[ATTN_WORD_MAX])st->tok, -1, th);
        char t[64];
        snprintf(t, sizeof t, "%d: %s", i + 1, st->m.head_names[i]);
        gfx_text(p[i].x + p[i].w / 2, p[i].y - 20, UI_BODY, GFX_BOLD, GFX_CENTER | GFX_BOTTOM,
                 i == st->head ? th->accent : th->text, t);
    }
    legend(&p[n - 1], 0, 1, GFX_CMAP_SEQUENTIAL, NULL, th);
    gfx_text(p[0].x - 12, p[0].y + p[0].h + 40, UI_LABEL, GFX_SANS, GFX_LEFT | GFX_MIDDLE, th->text_dim,
             "each map: rows are queries, columns are keys, in sentence order");
}

static void verdict(const attn_scene *st, const attn_run *r, const attn_panel *p, int correct, const ui_theme *th) {
    char line[160];
    attn_verdict(st, r, correct, line, sizeof line);
    gfx_text(p->x, p->y + p->h + 40, UI_BODY, GFX_SANS, GFX_LEFT | GFX_MIDDLE, th->text, line);
}

static void beat_causal(const attn_scene *st, const scene_clock *c, const attn_panel *p, const ui_theme *th) {
    float a = c->beat == B_CAUSAL ? scene_between(c, 0.2f, 0.7f) : 1;
    const attn_run *rr[2] = {&st->enc, &st->dec};
    static const char *const names[2] = {"no mask: an encoder (BERT) reads it all", "causal: a decoder (GPT) sees only the past"};
    for (int i = 0; i < 2; i++) {
        heat(st, &p[i], 0, 1, GFX_CMAP_SEQUENTIAL, th, 1);
        if (i == 1 && a < 1) {   /* the mask slides in over the upper triangle */
            int T = st->T;
            float cw = p[i].w / (float)T, rh = p[i].h / (float)T;
            for (int q = 0; q < T; q++)
                for (int k = q + 1; k < T; k++)
                    gfx_rect(p[i].x + k * cw, p[i].y + q * rh, cw, rh, gfx_fade(th->panel, a));
        } else {
            masked_cells(rr[i], &p[i], th);
        }
        row_labels(&p[i], (char (*)[ATTN_WORD_MAX])st->tok, st->query, th);
        tok_col_labels(&p[i], (char (*)[ATTN_WORD_MAX])st->tok, -1, th);
        title(p[i].x, p[i].y - 62, names[i], th);
        row_mark(&p[i], st->query, th);
        verdict(st, rr[i], &p[i], i ? st->correct_dec : st->correct_enc, th);
    }
    legend(&p[1], 0, 1, GFX_CMAP_SEQUENTIAL, NULL, th);
}

static void beat_order(const attn_scene *st, const scene_clock *c, const attn_panel *p, const ui_theme *th) {
    float a = c->beat == B_ORDER ? scene_between(c, 0.2f, 0.6f) : 1, b = c->beat == B_ORDER ? scene_between(c, 0.6f, 0.9f) : 1;
    heat(st, &p[0], -st->out_abs, st->out_abs, GFX_CMAP_DIVERGING, th, 1);
    heat(st, &p[1], -st->out_abs, st->out_abs, GFX_CMAP_DIVERGING, th, a > 0 ? 1 : 0);
    row_labels(&p[0], (char (*)[ATTN_WORD_MAX])st->tok, -1, th);
    row_labels(&p[1], (char (*)[ATTN_WORD_MAX])st->tok_b, -1, th);
    legend(&p[1], -st->out_abs, st->out_abs, GFX_CMAP_DIVERGING, NULL, th);
    title(p[0].x, p[0].y - 16, "out, sentence A, no position", th);
    title(p[1].x, p[1].y - 16, "out, sentence B (reordered), no position", th);
    float rh = p[0].h / (float)st->T;
    for (int i = 0; i < st->T && a > 0; i++)
        gfx_line(p[0].x + p[0].w + 8, p[0].y + (st->perm[i] + 0.5f) * rh, p[1].x - 130, p[1].y + (i + 0.5f) * rh, 2,
                 gfx_fade(th->accent, a * 0.8f));
    if (b > 0) {
        float y = p[0].y + p[0].h + 50;
        gfx_textf(250, y, UI_BODY, GFX_MONO, GFX_LEFT | GFX_MIDDLE, gfx_fade(th->text, b),
                  "no position:   max |out_A[perm[i]] - out_B[i]| = %.2e   the same rows, reordered", st->order_diff);
        gfx_textf(250, y + 50, UI_BODY, GFX_MONO, GFX_LEFT | GFX_MIDDLE, gfx_fade(th->accent, b),
                  "with position: max |out_A[perm[i]] - out_B[i]| = %.2e   now order changes meaning", st->order_diff_pe);
    }
}

void attn_scene_draw(const void *p, const scene_clock *c, const ui_theme *th) {
    const attn_scene *st = p;
    const attn_run *r = attn_main(st);
    header(st, th);
    bool weights_on = c->beat == B_QUERY || c->beat == B_OUTPUT;
    float paint = c->beat == B_QUERY ? scene_between(c, 0.7f, 0.95f) : 1;
    const float *w = r->mha->weights->data + ((size_t)st->head * st->T + st->query) * st->T;
    token_strip(st, weights_on ? w : NULL, paint, c->beat >= B_QUERY && c->beat <= B_CAUSAL, th);
    attn_panel ps[ATTN_MAX_PANELS];
    int n = attn_layout(st, c->beat, ps);
    switch (c->beat) {
    case B_TOKENS: beat_tokens(st, c, ps, th); break;
    case B_POSENC: beat_posenc(st, c, ps, th); break;
    case B_QKV: beat_qkv(st, c, ps, th); break;
    case B_QUERY: beat_query(st, c, ps, th); break;
    case B_OUTPUT: beat_output(st, c, ps, th); break;
    case B_MATRIX: beat_matrix(st, c, ps, th); break;
    case B_HEADS: beat_heads(st, c, ps, n, th); break;
    case B_CAUSAL: beat_causal(st, c, ps, th); break;
    case B_ORDER: beat_order(st, c, ps, th); break;
    }
    hover_cell(st, ps, th);
}
