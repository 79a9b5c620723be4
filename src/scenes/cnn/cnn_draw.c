/* cnn_draw.c: the pictures of the cnn scene, one function per beat, composed
 * from the diagram library (matrices, strips, bars, legends, text, edges).
 *
 * Pure: reads the state (cnn_scene.h) and the clock, never computes a layer.
 * Places come from cnn_layout (shared with update's hit tests). Hover comes
 * with every element (cnn_src gives each tensor its provenance); what is
 * hovered in one element lights up its receptive field on the input.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "scenes/cnn/cnn_scene.h"

static const float *plane(const ts_tensor *t, int k) {
    return t->data + (size_t)k * (size_t)t->shape[2] * (size_t)t->shape[3];
}

static float plane_absmax(const ts_tensor *t, int k) {
    const float *p = plane(t, k);
    float m = 0;
    for (int i = 0; i < t->shape[2] * t->shape[3]; i++) m = fmaxf(m, fabsf(p[i]));
    return m > 0 ? m : 1;
}

static float tensor_absmax(const ts_tensor *t) {
    float m = 0;
    for (size_t i = 0; i < ts_numel(t); i++) m = fmaxf(m, fabsf(t->data[i]));
    return m > 0 ? m : 1;
}

/* 4923520 -> "4,923,520" */
static const char *thousands(char *out, size_t n, long v) {
    char tmp[32];
    int len = snprintf(tmp, sizeof tmp, "%ld", v), j = 0;
    for (int i = 0; i < len && j + 2 < (int)n; i++) {
        out[j++] = tmp[i];
        if ((len - i - 1) % 3 == 0 && i + 1 < len && tmp[i] != '-') out[j++] = ',';
    }
    out[j] = 0;
    return out;
}

static dg_cells map(dg_rect r, const cnn_state *st, const ts_tensor *t, int ch, const dg_matrix_style *s) {
    dg_src src = cnn_src(st, t, 0, ch);
    return dg_matrix(r, &src, s);
}

/* A title over r (returns what is left under it). */
static dg_rect titled(dg_rect r, const char *title, float size) {
    dg_rect t = dg_cut_top(&r, size * 1.25f, 8);
    dg_text(t, size, GFX_BOLD, GFX_LEFT | GFX_BOTTOM, dg_theme()->text, title);
    return r;
}

/* ---- the input, every beat ------------------------------------------------- */

/* The input window the hovered element sees (its receptive field), if any. */
static bool hovered_field(const cnn_state *st, dg_window *w) {
    dg_ref h;
    if (!dg_hovered(&h) || !h.t) return false;
    int layer = h.t == st->x.conv1 || h.t == st->x.relu1 ? CNN_L_CONV1
              : h.t == st->x.pool1 ? CNN_L_POOL1 : h.t == st->x.relu2 ? CNN_L_CONV2
              : h.t == st->x.pool2 ? CNN_L_POOL2 : -1;
    if (layer < 0) return false;
    int r0, c0, size;
    cnn_receptive_field(layer, h.idx[2], h.idx[3], &r0, &c0, &size);
    *w = (dg_window){r0, c0, size, size, dg_theme()->accent2};
    return true;
}

void cnn_draw_input(const cnn_state *st, const cnn_lay *L, int pad, const dg_window *win, int nw) {
    const ui_theme *th = dg_theme();
    dg_window w[4];
    int n = 0;
    for (int i = 0; i < nw && n < 3; i++) w[n++] = win[i];
    if (hovered_field(st, &w[n])) n++;
    dg_text(L->input_title, DG_TEXT_H2, GFX_BOLD, GFX_LEFT | GFX_BOTTOM, th->text, "input [1,1,28,28]");
    /* with padding, the grid shows the zero ring around the image */
    dg_src src = cnn_src(st, st->x.input, 0, 0);
    dg_matrix(L->input, &src, &(dg_matrix_style){.cmap = DG_CMAP_GRAY, .lo = 0, .hi = 1, .no_title = true,
                                                 .no_legend = true, .r0 = -pad, .c0 = -pad,
                                                 .rows = CNN_IN + 2 * pad, .cols = CNN_IN + 2 * pad,
                                                 .windows = w, .window_count = n, .max_cell = 1000});
    dg_legend(L->input_legend, 0, 1, DG_CMAP_GRAY, "pixel value");
}

/* ---- beat 1: the input, magnified ------------------------------------------ */

static void draw_input_beat(const cnn_state *st, const scene_clock *c, const cnn_lay *L) {
    const ui_theme *th = dg_theme();
    float a = c->beat == B_INPUT ? scene_between(c, 0.1f, 0.6f) : 1;
    int r0 = st->zoom_r, c0 = st->zoom_c;
    dg_window w = {r0, c0, 7, 7, th->accent};
    cnn_draw_input(st, L, 0, &w, 1);
    dg_rect cols[2];
    dg_split_cols(L->main, 2, DG_GAP * 2, (const float[]){1.3f, 0.7f}, cols);
    char title[96];
    snprintf(title, sizeof title, "input rows %d\xe2\x80\x93%d, columns %d\xe2\x80\x93%d", r0, r0 + 6, c0, c0 + 6);
    dg_src src = cnn_src(st, st->x.input, 0, 0);
    dg_cells g = dg_matrix(cols[0], &src, &(dg_matrix_style){.mode = DG_HEAT_NUMBERS, .cmap = DG_CMAP_GRAY, .lo = 0,
                                                             .hi = 1, .title = title, .no_legend = true, .r0 = r0,
                                                             .c0 = c0, .rows = 7, .cols = 7, .reveal = a});
    /* leader lines from the outlined patch to its magnification */
    dg_rect im = cnn_input_image(L, 0);
    float cell = im.w / CNN_IN;
    dg_edge_style es = {.no_head = true, .width = 3, .color = th->accent, .alpha = 0.7f};
    dg_edge((dg_pt){im.x + (float)(c0 + 7) * cell, im.y + (float)r0 * cell}, (dg_pt){g.x, g.y}, &es);
    dg_edge((dg_pt){im.x + (float)(c0 + 7) * cell, im.y + (float)(r0 + 7) * cell},
            (dg_pt){g.x, g.y + 7 * g.ch}, &es);

    dg_rect t = cols[1];
    float fa = scene_between(c, 0.5f, 0.9f);
    gfx_color fg = gfx_fade(th->text, fa), dim = gfx_fade(th->text_dim, fa);
    t.y += t.h * 0.18f;
    dg_textf(dg_cut_top(&t, DG_TEXT_TITLE * 1.3f, 4), DG_TEXT_TITLE, GFX_BOLD, GFX_LEFT, fg, "%zu numbers",
             ts_numel(st->x.input));
    dg_textf(dg_cut_top(&t, DG_TEXT_BODY * 1.4f, 24), DG_TEXT_BODY, GFX_SANS, GFX_LEFT, dim,
             "%d rows \xc3\x97 %d columns", CNN_IN, CNN_IN);
    dg_textf(dg_cut_top(&t, DG_TEXT_H2 * 1.3f, 4), DG_TEXT_H2, GFX_BOLD, GFX_LEFT, fg, "%d", st->in_ink);
    dg_text(dg_cut_top(&t, DG_TEXT_BODY * 1.4f, 24), DG_TEXT_BODY, GFX_SANS, GFX_LEFT, dim, "pixels above 0.5");
    dg_textf(dg_cut_top(&t, DG_TEXT_H2 * 1.3f, 4), DG_TEXT_H2, GFX_BOLD, GFX_LEFT, fg, "%.3f", st->in_mean);
    dg_text(dg_cut_top(&t, DG_TEXT_BODY * 1.4f, 24), DG_TEXT_BODY, GFX_SANS, GFX_LEFT, dim, "mean pixel value");
}

/* ---- beats 2-3: one filter on one patch, then sliding ----------------------- */

/* Position of the filter: beat 2 the worked patch, beat 3 a sweep that
 * settles on the strongest response; a hovered map cell takes over. */
static int slide_pos(const cnn_state *st, const scene_clock *c, bool *settled) {
    dg_ref h;
    *settled = true;
    if (dg_hovered(&h) && (h.t == st->x.conv1 || h.t == st->products) && h.idx[0] == (h.t == st->products ? st->channel : 0))
        return h.t == st->products ? h.idx[1] : h.idx[2] * CNN_IN + h.idx[3];
    if (c->beat == B_FILTER) { *settled = false; return st->work_r * CNN_IN + st->work_c; }
    if (c->t >= 0.9f) return st->focus_r * CNN_IN + st->focus_c;
    *settled = false;
    /* slowly along the first row, then over the rows that hold ink (and the
     * ones around them: the filter reaches one row further) */
    if (c->t < 0.3f) return (int)(scene_between_linear(c, 0, 0.3f) * (CNN_IN - 1));
    int r0 = st->ink_r0 - 1 > 1 ? st->ink_r0 - 1 : 1, r1 = st->ink_r1 + 1 < CNN_IN - 1 ? st->ink_r1 + 1 : CNN_IN - 1;
    if (r1 < r0) r1 = r0;
    int n = (r1 - r0 + 1) * CNN_IN;
    return r0 * CNN_IN + (int)(scene_between_linear(c, 0.3f, 0.85f) * (float)(n - 1));
}

static void draw_conv_beat(const cnn_state *st, const scene_clock *c, const cnn_lay *L) {
    const ui_theme *th = dg_theme();
    int k = st->channel;
    bool settled;
    int pos = slide_pos(st, c, &settled), r = pos / CNN_IN, col = pos % CNN_IN;
    bool b2 = c->beat == B_FILTER;
    float appear = b2 ? scene_between(c, 0, 0.25f) : 1, prod_a = b2 ? scene_between(c, 0.25f, 0.5f) : 1;
    float sum_a = b2 ? scene_between(c, 0.5f, 0.75f) : 1;
    dg_window w = {r - 1, col - 1, 3, 3, gfx_fade(th->accent, appear)};
    cnn_draw_input(st, L, 1, &w, 1);

    dg_rect cols[2];
    dg_split_cols(L->main, 2, DG_GAP * 2, (const float[]){1.1f, 1}, cols);
    dg_rect left = cols[0];
    dg_rect eq = dg_cut_bottom(&left, DG_TEXT_H2 * 2.6f, DG_GAP);
    dg_rect rows[2], top[3], bot[3];
    dg_split_rows(left, 2, DG_GAP, NULL, rows);
    dg_split_cols(rows[0], 3, 8, (const float[]){1, 0.22f, 1}, top);
    dg_split_cols(rows[1], 3, 8, (const float[]){0.22f, 1, 1}, bot);
    char title[64];
    dg_src in = cnn_src(st, st->x.input, 0, 0);
    dg_matrix(top[0], &in, &(dg_matrix_style){.mode = DG_HEAT_NUMBERS, .cmap = DG_CMAP_GRAY, .lo = 0, .hi = 1,
                                               .title = "input patch", .no_legend = true, .r0 = r - 1,
                                               .c0 = col - 1, .rows = 3, .cols = 3});
    dg_text(top[1], DG_TEXT_TITLE, GFX_BOLD, GFX_CENTER | GFX_MIDDLE, th->text, "\xc3\x97");
    snprintf(title, sizeof title, "filter %d", k + 1);
    dg_src wsrc = cnn_src(st, st->m.conv1_w, k, 0);
    float wm = tensor_absmax(st->m.conv1_w);
    dg_matrix(top[2], &wsrc, &(dg_matrix_style){.mode = DG_HEAT_NUMBERS, .cmap = DG_CMAP_DIV, .lo = -wm, .hi = wm,
                                                 .title = title, .no_legend = true});
    if (prod_a > 0) {
        dg_text(bot[0], DG_TEXT_TITLE, GFX_BOLD, GFX_CENTER | GFX_MIDDLE, gfx_fade(th->text, prod_a), "=");
        dg_src psrc = cnn_src(st, st->products, k, pos);
        dg_matrix(bot[1], &psrc, &(dg_matrix_style){.mode = DG_HEAT_NUMBERS, .cmap = DG_CMAP_DIV, .lo = -wm,
                                                     .hi = wm, .title = "products", .no_legend = true,
                                                     .reveal = prod_a});
        dg_legend(dg_fit_aspect(dg_inset(bot[2], 8), 1.6f, GFX_CENTER | GFX_MIDDLE), -wm, wm, DG_CMAP_DIV,
                  "weight, product");
    }
    const float *p = st->products->data + ((size_t)k * CNN_IN * CNN_IN + (size_t)pos) * 9;
    float sum = 0;
    for (int i = 0; i < 9; i++) sum += p[i];
    float out = plane(st->x.conv1, k)[pos];
    if (sum_a > 0) {
        char a[24], b[24], o[24];
        gfx_color ac = gfx_fade(th->text, sum_a);
        dg_term t[] = {{"\xce\xa3 products", .color = ac}, {dg_fmt(a, sizeof a, sum, 4, 7, false), .color = ac},
                       {"+ bias", .color = ac},
                       {dg_fmt(b, sizeof b, st->m.conv1_b->data[k], 3, 7, false), .ref = {st->m.conv1_b, {k}}, .color = ac,
                        .explain = cnn_src(st, st->m.conv1_b, 0, 0).explain, .user = st},
                       {"=", .color = ac},
                       {dg_fmt(o, sizeof o, out, 4, 7, false), .ref = {st->x.conv1, {0, k, r, col}}, .bold = true,
                        .color = gfx_fade(th->accent, sum_a), .explain = cnn_src(st, st->x.conv1, 0, k).explain,
                        .user = st}};
        dg_equation(eq, t, (int)(sizeof t / sizeof t[0]), DG_TEXT_H2);
    }
    /* the feature map: cells fill in as the filter passes */
    dg_rect right = cols[1];
    snprintf(title, sizeof title, "conv1.out[0,%d]: filter %d's map", k, k + 1);
    right = titled(right, title, DG_TEXT_H2);
    dg_rect leg = dg_cut_bottom(&right, 96, DG_GAP / 2);
    dg_rect sq = dg_fit_aspect(right, 1, GFX_LEFT | GFX_TOP);
    float m = plane_absmax(st->x.conv1, k), cell = sq.w / CNN_IN;
    gfx_rect(sq.x, sq.y, sq.w, sq.h, th->panel);
    gfx_rrect_line(sq.x - 2, sq.y - 2, sq.w + 4, sq.h + 4, 3, 2, th->panel_edge);
    dg_window here = {r, col, 1, 1, th->accent};
    if (b2) {   /* one cell, once the sum is done */
        if (c->t > 0.75f)
            map((dg_rect){sq.x + (float)col * cell, sq.y + (float)r * cell, cell, cell}, st, st->x.conv1, k,
                &(dg_matrix_style){.cmap = DG_CMAP_DIV, .lo = -m, .hi = m, .no_title = true, .no_legend = true,
                                   .r0 = r, .c0 = col, .rows = 1, .cols = 1, .max_cell = 1000});
        float fly = scene_between(c, 0.75f, 0.95f);
        if (fly > 0 && fly < 1) {
            float sx = eq.x + eq.w * 0.6f, sy = eq.y, tx = sq.x + (float)col * cell, ty = sq.y + (float)r * cell;
            float s = cell + 24 * (1 - fly);
            gfx_rect(sx + (tx - sx) * fly, sy + (ty - sy) * fly, s, s, th->accent);
        }
    } else {
        map(sq, st, st->x.conv1, k, &(dg_matrix_style){.cmap = DG_CMAP_DIV, .lo = -m, .hi = m, .no_title = true,
                                                       .no_legend = true, .windows = &here, .window_count = 1,
                                                       .max_cell = 1000,
                                                       .reveal = settled ? 1 : (float)(pos + 1) / (CNN_IN * CNN_IN)});
    }
    dg_legend((dg_rect){sq.x, leg.y, sq.w, leg.h}, -m, m, DG_CMAP_DIV, "response");
}

/* ---- beats 4-5: eight maps, ReLU ------------------------------------------- */

static void draw_maps_beat(const cnn_state *st, const scene_clock *c, const cnn_lay *L) {
    const ui_theme *th = dg_theme();
    bool relu = c->beat == B_RELU;
    float wipe = relu ? scene_between(c, 0.1f, 0.7f) : 0;
    cnn_draw_input(st, L, 0, NULL, 0);
    dg_rect m = L->main;
    dg_rect text = dg_cut_bottom(&m, DG_TEXT_BODY * 3.9f, DG_GAP);
    dg_rect leg = dg_cut_right(&m, 118, DG_GAP);
    dg_rect tiles[CNN_C1];
    dg_grid(m, 2, 4, DG_GAP, tiles);
    float wm = tensor_absmax(st->m.conv1_w);
    for (int k = 0; k < CNN_C1; k++) {
        float a = relu ? 1 : scene_between(c, 0.08f * (float)k, 0.08f * (float)k + 0.2f);
        if (a <= 0) continue;
        dg_rect t = tiles[k];
        dg_rect head = dg_cut_top(&t, fminf(96, t.h * 0.3f), 10);
        dg_rect fr = dg_cut_left(&head, head.h, 14);
        dg_src ws = cnn_src(st, st->m.conv1_w, k, 0);
        dg_matrix(fr, &ws, &(dg_matrix_style){.cmap = DG_CMAP_DIV, .lo = -wm, .hi = wm, .no_title = true,
                                               .no_legend = true});
        dg_textf(head, DG_TEXT_H2, GFX_BOLD, GFX_LEFT | GFX_MIDDLE, th->text, "filter %d", k + 1);
        dg_rect sq = dg_fit_aspect(t, 1, GFX_LEFT | GFX_TOP);
        map(sq, st, st->x.conv1, k, &(dg_matrix_style){.cmap = DG_CMAP_DIV, .lo = -st->c1_max, .hi = st->c1_max,
                                                       .no_title = true, .no_legend = true, .max_cell = 1000,
                                                       .reveal = a});
        if (wipe > 0)
            map(sq, st, st->x.relu1, k, &(dg_matrix_style){.cmap = DG_CMAP_SEQ, .lo = 0, .hi = st->a1_max,
                                                           .no_title = true, .no_legend = true, .max_cell = 1000,
                                                           .reveal = wipe});
    }
    if (wipe >= 1) dg_legend(leg, 0, st->a1_max, DG_CMAP_SEQ, "ReLU");
    else dg_legend(leg, -st->c1_max, st->c1_max, DG_CMAP_DIV, "response");

    long n_w = (long)ts_numel(st->m.conv1_w), n_b = (long)ts_numel(st->m.conv1_b);
    long n_in = (long)ts_numel(st->x.input), n_out = (long)ts_numel(st->x.conv1);
    float ta = scene_between(c, relu ? 0.6f : 0.65f, relu ? 0.9f : 0.95f);
    char a[32], b[32], e[32];
    if (!relu)
        dg_textf(text, DG_TEXT_BODY, GFX_SANS, GFX_LEFT | GFX_MIDDLE, gfx_fade(th->text, ta),
                 "conv1: %ld weights + %ld biases = %ld parameters, reused at all %d positions. Local but not "
                 "shared (each of the %s outputs its own 3 \xc3\x97 3 and bias) would need %s; fully connected "
                 "from %ld pixels, %s.",
                 n_w, n_b, n_w + n_b, CNN_IN * CNN_IN, thousands(a, sizeof a, n_out),
                 thousands(e, sizeof e, n_out * (n_w / CNN_C1 + 1)), n_in,
                 thousands(b, sizeof b, n_in * n_out + n_out));
    else
        dg_textf(text, DG_TEXT_BODY, GFX_SANS, GFX_LEFT | GFX_MIDDLE, gfx_fade(th->text, ta),
                 "ReLU(x) = max(0, x): %s of %s responses were negative and are now 0 (%.0f%%).",
                 thousands(a, sizeof a, st->clipped1), thousands(b, sizeof b, n_out), 100.0 * st->clipped1 / (double)n_out);
}

/* ---- beat 6: max pooling ---------------------------------------------------- */

static void draw_pool_beat(const cnn_state *st, const scene_clock *c, const cnn_lay *L) {
    const ui_theme *th = dg_theme();
    int k = st->channel;
    cnn_draw_input(st, L, 0, NULL, 0);
    dg_rect m = L->main;
    /* the big map is as wide as its column; the pooled maps get the rest */
    float big = (m.w - 2 * DG_GAP) / 2.15f + DG_TEXT_H2 * 1.25f + 8;
    dg_rect strip = dg_cut_bottom(&m, fmaxf(m.h * 0.2f, fminf(m.h - big - DG_GAP, m.h * 0.3f)), DG_GAP);
    dg_rect cols[3];
    dg_split_cols(m, 3, DG_GAP, (const float[]){1, 0.2f, 0.95f}, cols);
    char title[64];
    snprintf(title, sizeof title, "relu1.out[0,%d]: filter %d", k, k + 1);
    dg_rect left = titled(cols[0], title, DG_TEXT_H2);
    dg_rect sq = dg_fit_aspect(left, 1, GFX_LEFT | GFX_TOP);
    float cell = sq.w / CNN_IN;
    /* the worked window: hovered, or the pooled map's largest value */
    int wr, wc;
    dg_ref h;
    if (dg_hovered(&h) && h.t == st->x.pool1 && h.idx[1] == k) { wr = h.idx[2]; wc = h.idx[3]; }
    else {
        const float *p = plane(st->x.pool1, k);
        int best = 0;
        for (int i = 1; i < CNN_P1 * CNN_P1; i++) if (p[i] > p[best]) best = i;
        wr = best / CNN_P1; wc = best % CNN_P1;
    }
    dg_window ww = {2 * wr, 2 * wc, 2, 2, th->accent2};
    map(sq, st, st->x.relu1, k, &(dg_matrix_style){.cmap = DG_CMAP_SEQ, .lo = 0, .hi = st->a1_max, .no_title = true,
                                                   .no_legend = true, .no_grid = true, .max_cell = 1000,
                                                   .windows = &ww, .window_count = 1});
    for (int i = 1; i < CNN_P1; i++) {   /* the 2 x 2 windows */
        float o = (float)i * 2 * cell;
        gfx_line(sq.x, sq.y + o, sq.x + sq.w, sq.y + o, 2, gfx_fade(th->bg, 0.9f));
        gfx_line(sq.x + o, sq.y, sq.x + o, sq.y + sq.h, 2, gfx_fade(th->bg, 0.9f));
    }
    /* winners ringed; a tie (several values share the max, mostly all-zero
     * windows) has no winner and is named only for the worked window */
    float wa = scene_between(c, 0.1f, 0.45f);
    const int *arg = st->x.arg1 + k * CNN_P1 * CNN_P1;
    const uint8_t *ties = st->x.ties1 + k * CNN_P1 * CNN_P1;
    for (int i = 0; i < CNN_P1 * CNN_P1; i++) {
        if (wa <= 0 || ties[i] > 1) continue;
        {
            int y = arg[i] / CNN_IN, x = arg[i] % CNN_IN;
            gfx_circle_line(sq.x + ((float)x + 0.5f) * cell, sq.y + ((float)y + 0.5f) * cell, cell * 0.32f, 2.5f,
                            gfx_fade(th->accent, wa));
        }
    }
    dg_pt ea0 = {cols[1].x + 8, sq.y + sq.h * 0.3f}, ea1 = {cols[1].x + cols[1].w - 8, sq.y + sq.h * 0.3f};
    dg_edge(ea0, ea1, &(dg_edge_style){.width = 5, .color = th->accent});

    snprintf(title, sizeof title, "pool1.out[0,%d]", k);
    dg_rect right = titled(cols[2], title, DG_TEXT_H2);
    dg_rect psq = {right.x, right.y, CNN_P1 * cell, CNN_P1 * cell};
    dg_window pw = {wr, wc, 1, 1, th->accent2};
    map(psq, st, st->x.pool1, k, &(dg_matrix_style){.cmap = DG_CMAP_SEQ, .lo = 0, .hi = st->a1_max, .no_title = true,
                                                    .no_legend = true, .max_cell = 1000, .windows = &pw,
                                                    .window_count = 1,
                                                    .reveal = fmaxf(1e-3f, scene_between(c, 0.35f, 0.8f))});
    dg_legend((dg_rect){psq.x + psq.w + DG_GAP, psq.y, 118, fmaxf(psq.h, 200)}, 0, st->a1_max, DG_CMAP_SEQ,
              "ReLU");
    dg_rect t = {right.x, psq.y + psq.h + DG_GAP, right.w, right.y + right.h - psq.y - psq.h - DG_GAP};
    float ea = scene_between(c, 0.6f, 0.9f);
    const float *p = plane(st->x.relu1, k);
    int o = wr * CNN_P1 + wc;
    char v[4][16], out[16];
    for (int i = 0; i < 4; i++) dg_fmt(v[i], sizeof v[i], p[(2 * wr + i / 2) * CNN_IN + 2 * wc + i % 2], 4, 6, false);
    dg_textf(dg_cut_top(&t, DG_TEXT_BODY * 1.4f, 0), DG_TEXT_BODY, GFX_MONO, GFX_LEFT, gfx_fade(th->text, ea),
             "max(%s, %s, %s, %s)", v[0], v[1], v[2], v[3]);
    dg_textf(dg_cut_top(&t, DG_TEXT_BODY * 1.4f, 8), DG_TEXT_BODY, GFX_MONO, GFX_LEFT, gfx_fade(th->accent, ea),
             "= %s = pool1.out[0,%d,%d,%d]", dg_fmt(out, sizeof out, plane(st->x.pool1, k)[o], 4, 6, false), k,
             wr, wc);
    if (ties[o] > 1)
        dg_textf(dg_cut_top(&t, DG_TEXT_BODY * 1.4f, 8), DG_TEXT_BODY, GFX_SANS, GFX_LEFT, gfx_fade(th->text, ea),
                 "a tie: %d values share the max", ties[o]);
    /* the measurement behind "a small shift matters less" */
    char lc[16];
    dg_cut_top(&t, DG_TEXT_BODY * 0.5f, 0);
    char p0[16], p1[16];
    dg_textf(t, DG_TEXT_BODY, GFX_SANS, GFX_LEFT | GFX_TOP, gfx_fade(th->text, ea),
             "\xe2\x97\x8b: each window's winner.\nShift the digit one pixel right and run it again: "
             "%.0f%% of active relu1 cells change, %.0f%% of pool1's, %.0f%% of pool2's. The logits move "
             "by at most %s; it reads %d (p %s), then %d (p %s).",
             100.0 * st->shift_relu1_changed, 100.0 * st->shift_pool1_changed, 100.0 * st->shift_pool2_changed,
             dg_fmt(lc, sizeof lc, st->shift_logit_change, 3, 6, false), st->pred,
             dg_fmt(p0, sizeof p0, st->x.probs->data[st->pred], 3, 6, false), st->shift_pred,
             dg_fmt(p1, sizeof p1, st->xs.probs->data[st->shift_pred], 3, 6, false));

    dg_rect row[CNN_C1 + 1];
    dg_split_cols(strip, CNN_C1 + 1, DG_GAP / 2, (const float[]){2.2f, 1, 1, 1, 1, 1, 1, 1, 1}, row);
    float sa = scene_between(c, 0.7f, 1.0f);
    dg_text(row[0], DG_TEXT_LABEL, GFX_BOLD, GFX_LEFT | GFX_MIDDLE, gfx_fade(th->text_dim, sa),
            "all 8 pooled maps, 14 \xc3\x97 14");
    for (int i = 0; i < CNN_C1 && sa > 0; i++) {
        dg_window sel = {0, 0, CNN_P1, CNN_P1, th->accent};
        map(dg_fit_aspect(row[i + 1], 1, GFX_CENTER | GFX_MIDDLE), st, st->x.pool1, i,
            &(dg_matrix_style){.cmap = DG_CMAP_SEQ, .lo = 0, .hi = st->a1_max, .no_title = true, .no_legend = true,
                               .windows = &sel, .window_count = i == k});
    }
}

/* ---- beat 7: conv2, pool2, fc, softmax ------------------------------------ */

/* n maps of a layer in a grid of `cols` columns, one colour scale; win (if
 * given) outlined on map win_ch, or on every map when win_ch < 0. */
static void map_grid_marked(dg_rect r, const cnn_state *st, const ts_tensor *t, int n, int cols, float hi,
                            float reveal, const dg_window *win, int win_ch) {
    dg_rect cells[CNN_C2];
    dg_grid(r, (n + cols - 1) / cols, cols, 8, cells);
    for (int k = 0; k < n; k++)
        map(dg_fit_aspect(cells[k], 1, GFX_CENTER | GFX_MIDDLE), st, t, k,
            &(dg_matrix_style){.cmap = DG_CMAP_SEQ, .lo = 0, .hi = hi, .no_title = true, .no_legend = true,
                               .no_grid = true, .reveal = fmaxf(1e-3f, reveal), .windows = win,
                               .window_count = win && (win_ch < 0 || win_ch == k) ? 1 : 0});
}

static void map_grid(dg_rect r, const cnn_state *st, const ts_tensor *t, int n, int cols, float hi, float reveal) {
    map_grid_marked(r, st, t, n, cols, hi, reveal, NULL, 0);
}

/* One conv2 cell worked: for each of the eight pool1 maps its 3 x 3 patch
 * over its own 3 x 3 slice of the filter and their nine products summed;
 * then the eight partial sums plus the bias. */
static void conv2_worked(dg_rect b, const cnn_state *st, float a) {
    const ui_theme *th = dg_theme();
    int j = st->w2_ch;
    char title[128];
    snprintf(title, sizeof title, "conv2.out[0,%d,%d,%d]: filter %d is 3 \xc3\x97 3 \xc3\x97 8, one 3 \xc3\x97 3 slice "
             "for each pool1 map", j, st->w2_r, st->w2_c, j + 1);
    b = titled(b, title, DG_TEXT_REF);
    dg_rect eq = dg_cut_right(&b, b.w * 0.25f, DG_GAP);
    dg_rect g[CNN_C1];
    dg_split_cols(b, CNN_C1, 14, NULL, g);
    float wm = tensor_absmax(st->m.conv2_w);
    double total = 0;
    for (int i = 0; i < CNN_C1; i++) {
        dg_rect r = g[i];
        dg_rect num = dg_cut_bottom(&r, DG_TEXT_LABEL * 1.3f, 4);
        dg_rect halves[2];
        dg_split_rows(r, 2, 8, NULL, halves);
        dg_src ps = cnn_src(st, st->w2_patch, i, 0), ws = cnn_src(st, st->m.conv2_w, j, i);
        dg_matrix(dg_fit_aspect(halves[0], 1, GFX_CENTER | GFX_BOTTOM), &ps,
                  &(dg_matrix_style){.cmap = DG_CMAP_SEQ, .lo = 0, .hi = st->a1_max, .no_title = true,
                                     .no_legend = true, .reveal = fmaxf(1e-3f, a)});
        dg_matrix(dg_fit_aspect(halves[1], 1, GFX_CENTER | GFX_TOP), &ws,
                  &(dg_matrix_style){.cmap = DG_CMAP_DIV, .lo = -wm, .hi = wm, .no_title = true, .no_legend = true,
                                     .reveal = fmaxf(1e-3f, a)});
        char v[16];
        float p = st->w2_partial->data[i];
        total += p;
        dg_textf(num, DG_TEXT_LABEL, GFX_MONO, GFX_CENTER | GFX_MIDDLE, gfx_fade(th->text, a), "%s%s",
                 i ? "+" : "", dg_fmt(v, sizeof v, p, 3, 6, false));
    }
    char sum[16], bias[16], out[16];
    float bj = st->m.conv2_b->data[j], o = st->x.conv2->data[((size_t)j * CNN_P1 + st->w2_r) * CNN_P1 + st->w2_c];
    dg_textf(eq, DG_TEXT_BODY, GFX_SANS, GFX_LEFT | GFX_MIDDLE, gfx_fade(th->text, a),
             "top: the pool1 patch, below: its weights. Each pair gives 9 products, summed.\n"
             "\xce\xa3 of the 8 = %s\n+ bias %s = %s", dg_fmt(sum, sizeof sum, (float)total, 5, 7, false),
             dg_fmt(bias, sizeof bias, bj, 3, 7, false), dg_fmt(out, sizeof out, o, 4, 7, false));
}

static void draw_deep_beat(const cnn_state *st, const scene_clock *c, const cnn_lay *L) {
    const ui_theme *th = dg_theme();
    cnn_draw_input(st, L, 0, NULL, 0);
    float a1 = scene_between(c, 0, 0.25f), a2 = scene_between(c, 0.2f, 0.4f);
    float a3 = scene_between(c, 0.35f, 0.5f), a4 = scene_between(c, 0.45f, 0.65f);
    dg_rect m = L->main;
    dg_rect bottom = dg_cut_bottom(&m, m.h * 0.36f, DG_GAP);
    dg_rect col[7];
    dg_split_cols(m, 7, 10, (const float[]){0.6f, 0.14f, 0.95f, 0.14f, 0.85f, 0.14f, 1.45f}, col);
    const char *heads[4] = {"pool1", "relu2", "pool2", "fc \xe2\x86\x92 softmax"};
    const char *shapes[3] = {"[1,8,14,14]", "[1,16,14,14]", "[1,16,7,7]"};
    dg_rect body[4];
    for (int i = 0; i < 4; i++) {
        body[i] = titled(col[2 * i], heads[i], DG_TEXT_H2);
        if (i < 3) {
            dg_rect leg = dg_cut_bottom(&body[i], 96, 12);
            dg_legend(leg, 0, i ? st->a2_max : st->a1_max, DG_CMAP_SEQ, shapes[i]);
        }
        if (i) dg_edge(dg_anchor(col[2 * i - 1], DG_W), dg_anchor(col[2 * i - 1], DG_E),
                       &(dg_edge_style){.width = 4, .color = th->accent});
    }
    dg_window w1 = {st->w2_r - 1, st->w2_c - 1, 3, 3, th->accent2}, w2 = {st->w2_r, st->w2_c, 1, 1, th->accent2};
    map_grid_marked(body[0], st, st->x.pool1, CNN_C1, 2, st->a1_max, 1, a4 > 0 ? &w1 : NULL, -1);
    map_grid_marked(body[1], st, st->x.relu2, CNN_C2, 4, st->a2_max, a1, a4 > 0 ? &w2 : NULL, st->w2_ch);
    map_grid(body[2], st, st->x.pool2, CNN_C2, 4, st->a2_max, a2);
    /* logits (signed, with values) beside the probabilities they make */
    dg_rect lp[2];
    dg_split_cols(body[3], 2, 16, (const float[]){1, 1}, lp);
    if (a3 > 0) {
        dg_src ls = cnn_src(st, st->x.logits, 0, 0), ps = cnn_src(st, st->x.probs, 0, 0);
        dg_strip(lp[0], &ls, &(dg_strip_style){.vertical = true, .bars = true, .values = true, .title = "logits",
                                               .no_legend = true});
        dg_bars(lp[1], &ps, &(dg_bars_style){.title = "probs", .mark = 0});
    }
    /* one cell of conv2 worked over all eight pool1 maps */
    if (a4 > 0) conv2_worked(bottom, st, a4);
}

/* ---- beat 8: recap ---------------------------------------------------------- */

static void draw_recap_beat(const cnn_state *st, const scene_clock *c, const cnn_lay *L) {
    const ui_theme *th = dg_theme();
    cnn_draw_input(st, L, 0, NULL, 0);
    dg_rect m = L->main;
    dg_rect text = dg_cut_bottom(&m, DG_TEXT_BODY * 3.8f, DG_GAP);
    dg_rect rows[2];
    float tile = (m.w - 7 * 14) / CNN_C1;   /* layer 1: a filter over its map */
    dg_split_rows(m, 2, DG_GAP, (const float[]){fminf(tile * 1.5f + DG_TEXT_LABEL * 1.25f + 16, m.h * 0.45f),
                                                m.h - fminf(tile * 1.5f + DG_TEXT_LABEL * 1.25f + 16, m.h * 0.45f)},
                  rows);
    int r0, c0, rf;
    cnn_receptive_field(CNN_L_CONV2, 0, 0, &r0, &c0, &rf);
    dg_rect l1 = titled(rows[0], "Layer 1: eight 3 \xc3\x97 3 filters, each sees 3 \xc3\x97 3 pixels: edges and strokes",
                        DG_TEXT_LABEL);
    dg_rect tiles[CNN_C1];
    dg_split_cols(l1, CNN_C1, 14, NULL, tiles);
    float wm = tensor_absmax(st->m.conv1_w);
    for (int k = 0; k < CNN_C1; k++) {
        dg_rect t = tiles[k];
        dg_rect fr = dg_fit_aspect(dg_cut_top(&t, t.w * 0.42f, 8), 1, GFX_CENTER | GFX_TOP);
        dg_src ws = cnn_src(st, st->m.conv1_w, k, 0);
        dg_matrix(fr, &ws, &(dg_matrix_style){.cmap = DG_CMAP_DIV, .lo = -wm, .hi = wm, .no_title = true,
                                               .no_legend = true});
        map(dg_fit_aspect(t, 1, GFX_CENTER | GFX_TOP), st, st->x.relu1, k,
            &(dg_matrix_style){.cmap = DG_CMAP_SEQ, .lo = 0, .hi = st->a1_max, .no_title = true, .no_legend = true,
                               .no_grid = true});
    }
    float a = scene_between(c, 0.2f, 0.6f);
    char head[120];
    snprintf(head, sizeof head, "Layer 2: 16 filters over all 8 maps, each sees %d \xc3\x97 %d pixels: larger parts",
             rf, rf);
    dg_rect l2 = titled(rows[1], head, DG_TEXT_LABEL);
    /* 2 rows of 8 on a wide stage, 4 of 4 where that gives larger maps */
    int cols = fminf(l2.w / 8, l2.h / 2) >= fminf(l2.w / 4, l2.h / 4) ? 8 : 4;
    if (a > 0) map_grid(l2, st, st->x.relu2, CNN_C2, cols, st->a2_max, a);
    float b = scene_between(c, 0.5f, 0.9f);
    char nf[32], ns[32];
    dg_textf(text, DG_TEXT_BODY, GFX_SANS, GFX_LEFT | GFX_MIDDLE, gfx_fade(th->text, b),
             "Nobody wrote these filters: training (tools/train_cnn.c) found them from %s digits rendered from "
             "fonts and %s drawn with pen strokes. Held-out accuracy %.1f%% on fonts, %.1f%% on strokes. "
             "This input reads as %d (p = %.3g).",
             thousands(nf, sizeof nf, (long)st->train_font), thousands(ns, sizeof ns, (long)st->train_stroke), 100.0 * st->held_out_font, 100.0 * st->held_out_stroke, st->pred,
             st->x.probs->data[st->pred]);
}

void cnn_draw_beat(const cnn_state *st, const scene_clock *c, const ui_theme *th) {
    (void)th;
    cnn_lay L;
    cnn_layout(c->beat, &L);
    switch (c->beat) {
    case B_INPUT: draw_input_beat(st, c, &L); break;
    case B_FILTER: case B_SLIDE: draw_conv_beat(st, c, &L); break;
    case B_MAPS: case B_RELU: draw_maps_beat(st, c, &L); break;
    case B_POOL: draw_pool_beat(st, c, &L); break;
    case B_DEEP: draw_deep_beat(st, c, &L); break;
    case B_RECAP: draw_recap_beat(st, c, &L); break;
    case B_PLAY: play_draw(st, &L); break;
    default: break;
    }
}
