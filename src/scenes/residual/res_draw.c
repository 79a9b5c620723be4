/* res_draw.c: the residual scene's pictures, drawn with the diagram library
 * only. A pure function of the state and the clock: it reads what update
 * computed (res_model_show) and never trains. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "scenes/residual/res_scene.h"

#define SIDE_W 600.0f
#define NOTE 28.0f              /* notes: above the floor, below referenced text */

/* The main area on the left, a side column on the right with the controls
 * at its bottom on the beats that train or rebuild. */
res_layout res_layout_for(int beat, bool controls) {
    res_layout L = { 0 };
    dg_rect st = dg_stage();
    if (beat == RB_BLOCK || beat == RB_NOW) {
        L.main = st;
        return L;
    }
    L.side = dg_cut_right(&st, SIDE_W, DG_GAP * 1.5f);
    L.main = st;
    if (controls && (beat == RB_WHY || beat == RB_FLAT || beat == RB_TRAIN || beat == RB_SMALL))
    {   /* over the side column's bottom; the column keeps its room */
        dg_rect s = L.side;
        L.controls = dg_cut_bottom(&s, 3 * ui_row_height() + 2 * 14, DG_GAP);
    }
    return L;
}

/* A heading and a paragraph at the top of r; returns what is left. */
static dg_rect side_text(dg_rect r, const char *title, const char *body) {
    const ui_theme *th = dg_theme();
    dg_cut_top(&r, dg_heading(r, title, NULL), 14);
    if (body) {
        float used = dg_text((dg_rect){ r.x, r.y, r.w, 7 * NOTE * 1.3f }, NOTE, GFX_SANS,
                             GFX_LEFT | GFX_TOP, th->text_dim, body);
        dg_cut_top(&r, used, DG_GAP);
    }
    return r;
}

/* ---- explanations for hover ------------------------------------------------------ */

static void explain_plain_gn(const void *user, const int *idx, char *buf, size_t n) {
    const res_model *m = user;
    snprintf(buf, n, "|\xe2\x88\x82L/\xe2\x88\x82W| of Linear %d (plain.%d.weight), by backprop of the mean "
             "cross-entropy over all %d points at step %ld", idx[0] + 1, 2 * idx[0], m->cfg.points, m->shown);
}

static void explain_resid_gn(const void *user, const int *idx, char *buf, size_t n) {
    const res_model *m = user;
    bool off = (m->cfg.skip_off >> idx[0]) & 1u;
    snprintf(buf, n, "block %d: |\xe2\x88\x82L/\xe2\x88\x82W| of fc1 and fc2 together%s; step %ld", idx[0] + 1,
             off ? " (identity path removed)" : "", m->shown);
}

static void explain_ratio(const void *user, const int *idx, char *buf, size_t n) {
    const res_model *m = user;
    snprintf(buf, n, "mean over %d points of |F(h)|/|h| in block %d", m->cfg.points, idx[0] + 1);
}

/* ---- bars on a log axis -------------------------------------------------------------- */

typedef struct log_bars {
    const char *title, *xlabel;
    float lo, hi;
    gfx_color color;
    uint64_t dim;               /* bars drawn faded (a removed skip) */
    void (*explain)(const void *, const int *, char *, size_t);
    const void *user;
    bool linear;
} log_bars;

static void bars(dg_rect r, const ts_tensor *t, const log_bars *s) {
    static float xs[RES_MAX_DEPTH];
    int n = (int)ts_numel(t);
    for (int k = 0; k < n; k++) xs[k] = (float)(k + 1);
    dg_plot *p = dg_plot_begin(r, &(dg_plot_style){ .title = s->title, .xlabel = s->xlabel,
                                                    .ylabel = s->linear ? "ratio" : "gradient norm",
                                                    .ylog = !s->linear, .x_lo = 0.4f, .x_hi = n + 0.6f,
                                                    .y_lo = s->lo, .y_hi = s->hi, .no_legend = true });
    /* the bar tops as a series in the text colour: hover, and marks that
     * stand out against the bars and the background in every theme */
    dg_plot_line(p, &(dg_series){ .label = t->name, .x = xs, .y = t->data, .n = n,
                                  .color = dg_theme()->text, .width = 2, .points = true, .t = t });
    for (int k = 0; k < n; k++) {
        float v = fmaxf(t->data[k], s->lo);
        dg_pt a = dg_plot_to_canvas(p, k + 1 - 0.36f, s->lo), b = dg_plot_to_canvas(p, k + 1 + 0.36f, v);
        dg_rect br = { a.x, b.y, b.x - a.x, a.y - b.y };
        bool dim = (s->dim >> k) & 1u;
        gfx_rect(br.x, br.y, br.w, br.h, gfx_fade(s->color, dim ? 0.3f : 0.85f));
        dg_hover_item(br, t, (int[]){ k }, t->data[k], s->explain, s->user);
    }
    dg_plot_end(p);
}

/* Powers of ten around the gradient norms of both nets. */
static void gn_range(const res_model *m, float *lo, float *hi) {
    float a = INFINITY, b = 0;
    for (int k = 0; k < m->cfg.depth; k++) {
        float v[2] = { m->plain_gn->data[k], m->resid_gn->data[k] };
        for (int i = 0; i < 2; i++)
            if (v[i] > 0) a = fminf(a, v[i]), b = fmaxf(b, v[i]);
    }
    if (!(b > 0)) a = 1e-3f, b = 1;
    *lo = powf(10, floorf(log10f(a)));
    *hi = powf(10, ceilf(log10f(b) + 0.01f));
}

/* ---- beats ---------------------------------------------------------------------------- */

static void beat_deeper(const res_state *st, const scene_clock *c, res_layout L) {
    const ui_theme *th = dg_theme();
    float show_resid = scene_between(c, 0.45f, 0.8f);
    char sub[96];
    snprintf(sub, sizeof sub, "%d seeds, %d Adam steps each, two spirals", st->sw_seeds, st->sw_steps);
    dg_plot *p = dg_plot_begin(L.main, &(dg_plot_style){ .title = "final training loss against depth",
                                                         .xlabel = "depth (layers of the plain net, blocks of the residual one)",
                                                         .ylabel = "cross-entropy", .ylog = true,
                                                         .x_lo = 2, .x_hi = 34, .y_lo = 0.005f, .y_hi = 1.0f });
    dg_plot_band(p, st->sw_depth, st->sw_plain_lo, st->sw_plain_hi, st->sw_n, gfx_fade(dg_category(1), 0.25f));
    dg_plot_line(p, &(dg_series){ .label = "plain", .x = st->sw_depth, .y = st->sw_plain, .n = st->sw_n,
                                  .color = dg_category(1), .width = 5, .points = true, .t = st->sweep_plain });
    if (show_resid > 0) {
        dg_plot_band(p, st->sw_depth, st->sw_resid_lo, st->sw_resid_hi, st->sw_n,
                     gfx_fade(dg_category(2), 0.25f * show_resid));
        dg_plot_line(p, &(dg_series){ .label = "residual", .x = st->sw_depth, .y = st->sw_resid, .n = st->sw_n,
                                      .color = gfx_fade(dg_category(2), show_resid), .width = 5,
                                      .points = true, .t = st->sweep_resid });
    }
    dg_plot_end(p);
    dg_rect s = side_text(L.side, "Deeper is worse", sub);
    char line[160];
    int i4 = 0, i32 = st->sw_n - 1;
    snprintf(line, sizeof line, "plain, depth %.0f: %.3f\nplain, depth %.0f: %.3f", st->sw_depth[i4],
             st->sw_plain[i4], st->sw_depth[i32], st->sw_plain[i32]);
    int old = dg_role(GFX_ROLE_LABEL);
    float h = dg_text((dg_rect){ s.x, s.y, s.w, 3 * DG_TEXT_REF * 1.3f }, DG_TEXT_REF, GFX_BOLD,
                      GFX_LEFT | GFX_TOP, dg_theme()->text, line);
    dg_cut_top(&s, h, DG_GAP);
    if (show_resid > 0) {
        snprintf(line, sizeof line, "residual, depth %.0f: %.3f", st->sw_depth[i32], st->sw_resid[i32]);
        h = dg_text((dg_rect){ s.x, s.y, s.w, 2 * DG_TEXT_REF * 1.3f }, DG_TEXT_REF, GFX_BOLD,
                    GFX_LEFT | GFX_TOP, gfx_fade(dg_theme()->text, show_resid), line);
        dg_cut_top(&s, h, DG_GAP);
    }
    dg_role(old);
    dg_text(s, NOTE, GFX_SANS, GFX_LEFT | GFX_TOP, th->text_dim,
            "Chance is ln 2 \xe2\x89\x88 0.69: a net at that loss has learned nothing. The band spans the "
            "best and worst seed.");
}

static void beat_grads(const res_state *st, res_layout L, bool resid) {
    const res_model *m = &st->m;
    const ui_theme *th = dg_theme();
    float lo, hi;
    gn_range(m, &lo, &hi);
    dg_rect main = L.main, two[2];
    char tp[96], tr[96];
    snprintf(tp, sizeof tp, "plain: %d Linear layers", m->cfg.depth);
    snprintf(tr, sizeof tr, "residual: %d blocks", m->cfg.depth);
    if (resid) {
        dg_split_cols(main, 2, DG_GAP, (float[]){ 1, 1.25f }, two);
        bars(two[0], m->plain_gn, &(log_bars){ .title = tp, .xlabel = "layer (input \xe2\x86\x92 output)",
                                               .lo = lo, .hi = hi, .color = gfx_fade(dg_category(1), 0.6f),
                                               .explain = explain_plain_gn, .user = m });
        bars(two[1], m->resid_gn, &(log_bars){ .title = tr, .xlabel = "block (input \xe2\x86\x92 output)",
                                               .lo = lo, .hi = hi, .color = dg_category(2),
                                               .dim = m->cfg.skip_off, .explain = explain_resid_gn, .user = m });
    } else {
        bars(main, m->plain_gn, &(log_bars){ .title = tp, .xlabel = "layer (input \xe2\x86\x92 output)",
                                             .lo = lo, .hi = hi, .color = dg_category(1),
                                             .explain = explain_plain_gn, .user = m });
    }
    const ts_tensor *g = resid ? m->resid_gn : m->plain_gn;
    int L0 = 0, L1 = m->cfg.depth - 1;
    float first = g->data[L0], last = g->data[L1];
    dg_rect s = side_text(L.side, resid ? "Flat" : "Product of Jacobians",
                          resid ? "Each block's Jacobian is I + \xe2\x88\x82" "F/\xe2\x88\x82h: the identity "
                                  "term hands the gradient from the output back to every block."
                                : "Backprop multiplies the gradient by W_k^T and the activation's slope at "
                                  "every layer. Those factors are below one here, so the product fades.");
    char a[24], b[24], r[24];
    dg_fmt(a, sizeof a, first, 3, 8, false);
    dg_fmt(b, sizeof b, last, 3, 8, false);
    dg_fmt(r, sizeof r, last > 0 ? first / last : 0, 2, 8, false);
    dg_term eq[] = {
        { resid ? "block 1: " : "layer 1: " }, { a, { g, { L0 } }, dg_theme()->text, true },
    };
    dg_term eq2[] = {
        { resid ? "last block: " : "last layer: " }, { b, { g, { L1 } }, dg_theme()->text, true },
    };
    dg_term eq3[] = { { "first / last = " }, { r, { 0 }, dg_theme()->text, true } };
    dg_equation(dg_cut_top(&s, 50, 10), eq, 2, DG_TEXT_REF);
    dg_equation(dg_cut_top(&s, 50, 10), eq2, 2, DG_TEXT_REF);
    dg_equation(dg_cut_top(&s, 50, DG_GAP), eq3, 2, DG_TEXT_REF);
    if (resid && m->cfg.skip_off)
        dg_text(s, NOTE, GFX_SANS, GFX_LEFT | GFX_TOP, th->text_dim,
                "Faded bars: blocks whose identity path you removed. Below them the gradient fades again.");
}

static void beat_block(const res_state *st, const scene_clock *c) {
    const res_model *m = &st->m;
    const ui_theme *th = dg_theme();
    dg_rect s = dg_stage();
    dg_rect diag = dg_cut_top(&s, s.h * 0.42f, DG_GAP);
    /* the block: h -> fc1 -> act -> fc2 -> (+) -> y, and the identity path over it */
    dg_rect cells[7];
    dg_rect row = { diag.x, diag.y + diag.h * 0.42f, diag.w, diag.h * 0.5f };
    dg_split_cols(row, 7, 40, (float[]){ 0.7f, 1.2f, 0.9f, 1.2f, 0.5f, 0.7f, 0.01f }, cells);
    const char *act = res_act_names[res_act_index(m->cfg.act)];
    const char *names[4] = { "h", "fc1", act, "fc2" };
    char what[4][64];
    int W = m->cfg.width;
    snprintf(what[0], 64, "%d numbers", W);
    snprintf(what[1], 64, "W_1 h + b_1\n%d \xe2\x86\x92 %d", W, W);
    snprintf(what[2], 64, "elementwise");
    snprintf(what[3], 64, "W_2 a + b_2\n%d \xe2\x86\x92 %d", W, W);
    dg_pt prev = { 0 };
    float flow = 0.6f;
    for (int i = 0; i < 4; i++) {
        dg_rect b = cells[i];
        dg_rect in = dg_box(b, names[i], &(dg_box_style){ .highlight = false });
        dg_text(in, NOTE, GFX_SANS, GFX_CENTER | GFX_MIDDLE, th->text_dim, what[i]);
        if (i > 0) dg_edge(prev, dg_anchor(b, DG_W), &(dg_edge_style){ .width = 4, .flow = flow });
        prev = dg_anchor(b, DG_E);
    }
    dg_pt plus = dg_center(cells[4]);
    float rad = fminf(cells[4].w, cells[4].h) * 0.35f;
    dg_op(plus, rad, "+", &(dg_box_style){ .highlight = true });
    dg_edge(prev, (dg_pt){ plus.x - rad, plus.y }, &(dg_edge_style){ .width = 4, .flow = flow, .label = "F(h)" });
    dg_rect yb = cells[5];
    dg_text(dg_box(yb, "y", NULL), NOTE, GFX_SANS, GFX_CENTER | GFX_MIDDLE,
            th->text_dim, "h + F(h)");
    dg_edge((dg_pt){ plus.x + rad, plus.y }, dg_anchor(yb, DG_W), &(dg_edge_style){ .width = 4, .flow = flow });
    /* identity: from the top of h, over the block, down into (+) */
    float top = diag.y + DG_TEXT_REF * 1.6f;
    dg_pt h_top = dg_anchor(cells[0], DG_N);
    float grow = scene_between(c, 0.1f, 0.45f);
    gfx_color id = gfx_fade(th->accent, grow);
    dg_edge(h_top, (dg_pt){ h_top.x, top }, &(dg_edge_style){ .width = 6, .color = id, .no_head = true });
    dg_edge((dg_pt){ h_top.x, top }, (dg_pt){ plus.x, top },
            &(dg_edge_style){ .width = 6, .color = id, .no_head = true, .label = "identity: h passes unchanged" });
    dg_edge((dg_pt){ plus.x, top }, (dg_pt){ plus.x, plus.y - rad }, &(dg_edge_style){ .width = 6, .color = id });
    /* the numbers of one point */
    float nums = scene_between(c, 0.4f, 0.7f);
    if (nums <= 0) return;
    char head[128];
    int show = W > 12 ? 12 : W;
    if (show < W)
        snprintf(head, sizeof head, "point %d entering block 1 at initialisation (first %d of %d values)",
                 m->blk_point, show, W);
    else
        snprintf(head, sizeof head, "point %d entering block 1 at initialisation", m->blk_point);
    dg_text(dg_cut_top(&s, DG_TEXT_REF * 1.4f, 8), DG_TEXT_REF, GFX_BOLD, GFX_LEFT | GFX_TOP, th->text, head);
    dg_rect rows[3];
    dg_rect eqr = dg_cut_bottom(&s, 64, 12);
    dg_split_rows(s, 3, 10, NULL, rows);
    float lo = INFINITY, hi = -INFINITY;
    for (int k = 0; k < W; k++) {
        float v[3] = { m->blk_h->data[k], m->blk_f->data[k], m->blk_y->data[k] };
        for (int i = 0; i < 3; i++) lo = fminf(lo, v[i]), hi = fmaxf(hi, v[i]);
    }
    float mx = fmaxf(fabsf(lo), fabsf(hi));
    const ts_tensor *t[3] = { m->blk_h, m->blk_f, m->blk_y };
    const char *titles[3] = { "h", "F(h)", "y = h + F(h)" };
    for (int i = 0; i < 3; i++)
        dg_strip(rows[i], &(dg_src){ .t = t[i] },
                 &(dg_strip_style){ .values = true, .cmap = DG_CMAP_DIV, .lo = -mx, .hi = mx,
                                    .title = titles[i], .no_legend = i != 0, .count = show,
                                    .aspect = 1.6f, .max_cell = 60 });
    /* y_j = h_j + F_j for the component where F is largest */
    int j = 0;
    for (int k = 0; k < show; k++)
        if (fabsf(m->blk_f->data[k]) > fabsf(m->blk_f->data[j])) j = k;
    char a[24], b[24], y[24], lhs[32];
    dg_fmt(y, sizeof y, m->blk_y->data[j], 3, 8, false);
    dg_fmt(a, sizeof a, m->blk_h->data[j], 3, 8, false);
    dg_fmt(b, sizeof b, m->blk_f->data[j], 3, 8, true);
    snprintf(lhs, sizeof lhs, "y_{%d} = h_{%d} + F(h)_{%d} = ", j + 1, j + 1, j + 1);
    dg_term eq[] = { { lhs }, { a, { m->blk_h, { j } }, dg_theme()->text, true }, { " " },
                     { b, { m->blk_f, { j } }, dg_theme()->text, true }, { " = " },
                     { y, { m->blk_y, { j } }, dg_theme()->text, true } };
    dg_equation(eqr, eq, 6, DG_TEXT_REF);
}

static void plane(const res_model *m, dg_rect r, bool resid) {
    const ts_tensor *loss = resid ? m->resid_loss : m->plain_loss;
    char title[96], l[24];
    dg_fmt(l, sizeof l, loss->data[0], 3, 8, false);
    snprintf(title, sizeof title, "%s: loss %s", resid ? "residual" : "plain", l);
    dg_plane *p = dg_plane_begin(r, &(dg_plane_style){ .title = title, .x_lo = -RES_EXTENT, .x_hi = RES_EXTENT,
                                                       .y_lo = -RES_EXTENT, .y_hi = RES_EXTENT,
                                                       .no_axes = true, .no_legend = true });
    dg_plane_regions(p, resid ? m->resid_region : m->plain_region, RES_FIELD, RES_FIELD, "class");
    dg_plane_points(p, &(dg_src){ .t = m->x }, m->cfg.points, m->yi, dg_theme()->text, 5);
    dg_plane_end(p);
}

/* Means of hist[1..n] over windows of RES_SMOOTH steps: x the window's last
 * step, y its mean; returns the count. */
#define RES_SMOOTH 25
static int smooth(const float *hist, long n, float *x, float *y) {
    int k = 0;
    for (long e = RES_SMOOTH; e <= n; e += RES_SMOOTH) {
        double s = 0;
        for (long i = e - RES_SMOOTH + 1; i <= e; i++) s += hist[i];
        x[k] = (float)e;
        y[k++] = (float)(s / RES_SMOOTH);
    }
    return k;
}

static void beat_train(const res_state *st, res_layout L, long step) {
    const res_model *m = &st->m;
    dg_rect two[2];
    dg_split_cols(L.main, 2, DG_GAP, NULL, two);
    plane(m, two[0], false);
    plane(m, two[1], true);
    char head[64];
    snprintf(head, sizeof head, "Step %ld", step);
    dg_rect s = L.side;
    dg_cut_top(&s, dg_heading(s, head, NULL), 14);
    long n = step;
    float xmax = (float)(st->live ? (n > 100 ? n : 100) : st->story_steps);
    dg_plot *p = dg_plot_begin(s, &(dg_plot_style){ .title = "batch loss, mean of 25 steps", .xlabel = "step",
                                                    .ylabel = "cross-entropy", .ylog = true, .x_lo = 0,
                                                    .x_hi = xmax, .y_lo = 0.003f, .y_hi = 2.0f });
    static float xs[RES_MAX_STEPS], sp[RES_MAX_STEPS], sr[RES_MAX_STEPS];
    int k = smooth(m->hist_plain, n, xs, sp);
    smooth(m->hist_resid, n, xs, sr);
    if (k > 0) {
        dg_plot_line(p, &(dg_series){ .label = "plain", .x = xs, .y = sp, .n = k, .color = dg_category(1), .width = 4 });
        dg_plot_line(p, &(dg_series){ .label = "residual", .x = xs, .y = sr, .n = k, .color = dg_category(2), .width = 4 });
    }
    dg_plot_end(p);
}

static void beat_small(const res_state *st, res_layout L) {
    const res_model *m = &st->m;
    const ui_theme *th = dg_theme();
    float hi = 0;
    for (int k = 0; k < m->cfg.depth; k++) hi = fmaxf(hi, m->ratio->data[k]);
    hi = hi > 0 ? ceilf(hi * 11) / 10 : 1;
    char title[96];
    snprintf(title, sizeof title, "|F(h)| / |h| per block after %ld steps", m->shown);
    bars(L.main, m->ratio, &(log_bars){ .title = title, .xlabel = "block (input \xe2\x86\x92 output)",
                                        .lo = 0, .hi = hi, .color = dg_category(2), .linear = true,
                                        .dim = m->cfg.skip_off, .explain = explain_ratio, .user = m });
    double mean = 0;
    for (int k = 0; k < m->cfg.depth; k++) mean += m->ratio->data[k] / m->cfg.depth;
    dg_rect s = side_text(L.side, "Small corrections",
                          "For every point, the size of what a block adds, over the size of what it "
                          "receives. Below one: the block adjusts the signal instead of replacing it.");
    char a[24];
    dg_fmt(a, sizeof a, (float)mean, 3, 8, false);
    dg_term eq[] = { { "mean over blocks: " }, { a, { 0 }, dg_theme()->text, true } };
    dg_equation(dg_cut_top(&s, 50, DG_GAP), eq, 2, DG_TEXT_REF);
    (void)th;
}

static void beat_now(const res_state *st, const scene_clock *c) {
    const res_model *m = &st->m;
    const ui_theme *th = dg_theme();
    dg_rect s = dg_stage();
    dg_rect diag = dg_cut_top(&s, s.h * 0.5f, DG_GAP);
    dg_cut_top(&diag, dg_heading(diag, "A transformer block", "(the attention scene shows the middle box)"), 8);
    dg_rect cells[8];
    dg_rect row = { diag.x, diag.y + diag.h * 0.45f, diag.w, diag.h * 0.5f };
    dg_split_cols(row, 8, 30, (float[]){ 0.5f, 1, 1.1f, 0.45f, 1, 1, 0.45f, 0.5f }, cells);
    const char *names[8] = { "x", "LayerNorm", "attention", "+", "LayerNorm", "MLP", "+", "out" };
    dg_pt prev = { 0 }, plus[2];
    float rad = fminf(cells[3].w, cells[3].h) * 0.4f;
    int np = 0;
    for (int i = 0; i < 8; i++) {
        dg_rect b = cells[i];
        dg_pt in, out;
        if (names[i][0] == '+') {
            dg_pt cpt = dg_center(b);
            dg_op(cpt, rad, "+", &(dg_box_style){ .highlight = true });
            in = (dg_pt){ cpt.x - rad, cpt.y };
            out = (dg_pt){ cpt.x + rad, cpt.y };
            plus[np++] = cpt;
        } else {
            static const char *const what[8] = { "tokens", "each token", "mixes tokens", "", "each token",
                                                 "per token", "", "to the next block" };
            dg_text(dg_box(b, names[i], NULL), NOTE, GFX_SANS,
                    GFX_CENTER | GFX_MIDDLE, th->text_dim, what[i]);
            in = dg_anchor(b, DG_W);
            out = dg_anchor(b, DG_E);
        }
        if (i > 0) dg_edge(prev, in, &(dg_edge_style){ .width = 4, .flow = 0.6f });
        prev = out;
    }
    float top = row.y - DG_TEXT_REF * 0.6f;
    gfx_color id = th->accent;
    for (int k = 0; k < 2; k++) {
        float x0 = k == 0 ? (cells[0].x + cells[1].x + cells[0].w) / 2 : (cells[3].x + cells[3].w + cells[4].x) / 2;
        dg_edge((dg_pt){ x0, row.y + row.h / 2 }, (dg_pt){ x0, top }, &(dg_edge_style){ .width = 5, .color = id, .no_head = true });
        dg_edge((dg_pt){ x0, top }, (dg_pt){ plus[k].x, top },
                &(dg_edge_style){ .width = 5, .color = id, .no_head = true, .label = k ? "residual add 2" : "residual add 1" });
        dg_edge((dg_pt){ plus[k].x, top }, (dg_pt){ plus[k].x, plus[k].y - rad }, &(dg_edge_style){ .width = 5, .color = id });
    }
    float t = scene_between(c, 0.3f, 0.7f);
    if (t <= 0) return;
    dg_rect cols[2];
    dg_split_cols(s, 2, DG_GAP * 2, NULL, cols);
    int old = dg_role(GFX_ROLE_LABEL);
    dg_text(dg_cut_top(&cols[0], DG_TEXT_REF * 1.4f, 10), DG_TEXT_REF, GFX_BOLD, GFX_LEFT | GFX_TOP,
            gfx_fade(th->text, t), "Published depths that rely on it");
    dg_role(old);
    dg_text(cols[0], DG_TEXT_REF, GFX_SANS, GFX_LEFT | GFX_TOP, gfx_fade(th->text_dim, t),
            "ResNet-152 (2015): 50 residual blocks, 152 layers\n"
            "GPT-3 (2020): 96 transformer blocks, 192 residual adds\n"
            "ViT-Huge (2020): 32 blocks, 64 residual adds");
    char here[256], lp[24], lr[24];
    dg_fmt(lp, sizeof lp, m->plain_loss->data[0], 3, 8, false);
    dg_fmt(lr, sizeof lr, m->resid_loss->data[0], 3, 8, false);
    snprintf(here, sizeof here, "Here, depth %d after %ld steps:\nplain loss %s, residual loss %s", m->cfg.depth,
             m->shown, lp, lr);
    old = dg_role(GFX_ROLE_LABEL);
    dg_text(cols[1], DG_TEXT_REF, GFX_BOLD, GFX_LEFT | GFX_TOP, gfx_fade(th->text, t), here);
    dg_role(old);
}

void res_draw(const void *p, const scene_clock *c, const ui_theme *th) {
    const res_state *st = p;
    if (!st->ready) return;
    (void)th;
    int beat = st->live ? RB_TRAIN : c->beat;
    res_layout L = res_layout_for(beat, false);
    long step = ts_trainer_step_count(st->m.tr);
    switch (beat) {
    case RB_DEEPER: beat_deeper(st, c, L); break;
    case RB_WHY: beat_grads(st, L, false); break;
    case RB_BLOCK: beat_block(st, c); break;
    case RB_FLAT: beat_grads(st, L, true); break;
    case RB_TRAIN: beat_train(st, L, step); break;
    case RB_SMALL: beat_small(st, L); break;
    case RB_NOW: beat_now(st, c); break;
    default: break;
    }
    if (st->note[0] && st->controls) ui_toast(dg_theme(), st->note, 1.0f);
}
