/* cnn_draw.c: the pictures of the cnn scene, one function per beat.
 *
 * Pure: reads the state (cnn_scene.h) and the clock, never computes a layer.
 * Layout helpers at the top are shared with update's hit tests.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "gfx/gfx.h"
#include "scenes/cnn/cnn_scene.h"

/* ---- layout ------------------------------------------------------------------- */

void cnn_out_rect(float *x, float *y, float *cell) { *x = 1480; *y = 170; *cell = 14; }

void cnn_tile_rect(int ch, float *x, float *y, float *cell) {
    *x = STAGE_X + (float)(ch % 4) * 290;
    *y = 190 + (float)(ch / 4) * 320;
    *cell = 8;
}

void cnn_deep_rect(int layer, int k, float *x, float *y, float *cell) {
    if (layer == L_POOL1) { *x = STAGE_X + (float)(k % 2) * 82; *y = 170 + (float)(k / 2) * 82; *cell = 5; }
    else if (layer == L_CONV2) { *x = 920 + (float)(k % 4) * 82; *y = 170 + (float)(k / 4) * 82; *cell = 5; }
    else { *x = 1300 + (float)(k % 4) * 66; *y = 177 + (float)(k / 4) * 82; *cell = 8; }
}

void cnn_bar_rect(int k, float *x, float *y, float *w, float *h) {
    *x = 1630; *y = 170 + (float)k * 33; *w = 260; *h = 30;
}

void cnn_pool_big(float *x, float *y, float *cell, float *px, float *py, float *pcell) {
    *x = STAGE_X; *y = 170; *cell = 16;
    *px = STAGE_X + 448 + 150; *py = 170 + 112; *pcell = 16;
}

void cnn_recap_rect(int layer, int k, float *x, float *y, float *cell) {
    if (layer == L_RELU1) { *x = STAGE_X + (float)k * 148; *y = 250; *cell = 4; }
    else { *x = STAGE_X + (float)(k % 8) * 148 + 14; *y = 510 + (float)(k / 8) * 100; *cell = 6; }
}

/* ---- small helpers --------------------------------------------------------- */

static gfx_color ink_on(gfx_color bg) {
    float l = 0.2126f * bg.r + 0.7152f * bg.g + 0.0722f * bg.b;
    return l > 0.5f ? gfx_hex(0x111111ff) : gfx_hex(0xffffffff);
}


static void label(float x, float y, const ui_theme *th, const char *s) {
    gfx_text(x, y, UI_LABEL, GFX_BOLD, GFX_LEFT | GFX_BOTTOM, th->text_dim, s);
}

/* 1,234,567 */
static void thousands(char *out, size_t n, long v) {
    char tmp[32];
    snprintf(tmp, sizeof tmp, "%ld", v);
    size_t len = strlen(tmp), j = 0;
    for (size_t i = 0; i < len && j + 2 < n; i++) {
        out[j++] = tmp[i];
        if ((len - i - 1) % 3 == 0 && i + 1 < len) out[j++] = ',';
    }
    out[j] = 0;
}

/* A k x k grid of numbers coloured by cmap (values v, scale m): filters, patches. */
static void number_grid(float x, float y, float cell, const float *v, int k, int cmap, float lo,
                        float hi, const char *fmt, const ui_theme *th, float alpha) {
    for (int i = 0; i < k * k; i++) {
        float cx = x + (float)(i % k) * cell, cy = y + (float)(i / k) * cell;
        float t = hi > lo ? (v[i] - lo) / (hi - lo) : 0.5f;
        gfx_color bg = gfx_cmap_color(cmap, t < 0 ? 0 : t > 1 ? 1 : t);
        gfx_rect(cx, cy, cell - 2, cell - 2, gfx_fade(bg, alpha));
        if (cell >= 56)
            gfx_textf(cx + cell / 2 - 1, cy + cell / 2, UI_SMALL, GFX_MONO, GFX_CENTER | GFX_MIDDLE,
                      gfx_fade(ink_on(bg), alpha), fmt, v[i]);
    }
    gfx_rrect_line(x - 3, y - 3, cell * (float)k + 4, cell * (float)k + 4, 4, 2, gfx_fade(th->panel_edge, alpha));
}

static void map_frame(float x, float y, float w, float h, const ui_theme *th) {
    gfx_rrect_line(x - 2, y - 2, w + 4, h + 4, 3, 2, th->panel_edge);
}

static const float *plane(const ts_tensor *t, int k) {
    return t->data + (size_t)k * (size_t)t->shape[2] * (size_t)t->shape[3];
}

/* ---- the input panel (every beat) ------------------------------------------- */

void cnn_draw_input(const cnn_state *st, const ui_theme *th, int pad, bool hint) {
    float x = INPUT_X, y = INPUT_Y, s = INPUT_SIZE, cs = INPUT_CELL;
    char buf[64];
    snprintf(buf, sizeof buf, "input [1,1,%d,%d]", CNN_IN, CNN_IN);
    label(x - (float)pad * cs, y - 14 - (float)pad * cs, th, buf);
    if (pad > 0) {   /* the zero padding as a ring of empty cells */
        float p = (float)pad * cs;
        gfx_rect(x - p, y - p, s + 2 * p, s + 2 * p, gfx_cmap_color(GFX_CMAP_GRAY, 0));
        for (int i = 0; i <= CNN_IN + 2 * pad; i++) {
            float o = (float)i * cs - p;
            gfx_line(x - p, y + o, x + s + p, y + o, 1, gfx_fade(th->grid, 0.8f));
            gfx_line(x + o, y - p, x + o, y + s + p, 1, gfx_fade(th->grid, 0.8f));
        }
        gfx_rrect_line(x - p - 2, y - p - 2, s + 2 * p + 4, s + 2 * p + 4, 3, 2, th->panel_edge);
    }
    gfx_heatmap(x, y, s, s, st->x.input->data, CNN_IN, CNN_IN, 0, 1, GFX_CMAP_GRAY);
    map_frame(x, y, s, s, th);
    float ly = y + s + 50 + (float)pad * cs;
    gfx_legend(x, ly, s, 22, 0, 1, GFX_CMAP_GRAY, "pixel value", th->text_dim);
    (void)hint;
    if (st->hover_layer == L_INPUT)
        gfx_rrect_line(x + (float)st->hover_c * cs - 2, y + (float)st->hover_r * cs - 2, cs + 4, cs + 4, 3, 3, th->accent);
}

/* Outline of input rows r0..r0+k-1, cols c0..c0+k-1 (may reach into the padding). */
static void input_window(int r0, int c0, int k, const ui_theme *th, gfx_color col) {
    (void)th;
    float cs = INPUT_CELL;
    gfx_rrect_line(INPUT_X + (float)c0 * cs - 3, INPUT_Y + (float)r0 * cs - 3, (float)k * cs + 6,
                   (float)k * cs + 6, 4, 4, col);
}

/* ---- beat 1: the input, magnified -------------------------------------------- */

static void draw_input_beat(const cnn_state *st, const scene_clock *c, const ui_theme *th) {
    float a = c->beat == B_INPUT ? scene_between(c, 0.15f, 0.6f) : 1;
    int r0 = st->zoom_r, c0 = st->zoom_c;
    float zx = STAGE_X + 130, zy = 190, cell = 76;
    input_window(r0, c0, 7, th, gfx_fade(th->accent, a));
    gfx_line(INPUT_X + (float)(c0 + 7) * INPUT_CELL + 3, INPUT_Y + (float)r0 * INPUT_CELL - 3, zx - 4, zy - 4, 2, gfx_fade(th->accent, a * 0.7f));
    gfx_line(INPUT_X + (float)(c0 + 7) * INPUT_CELL + 3, INPUT_Y + (float)(r0 + 7) * INPUT_CELL + 3, zx - 4, zy + 7 * cell, 2, gfx_fade(th->accent, a * 0.7f));
    char buf[96];
    snprintf(buf, sizeof buf, "input rows %d\xe2\x80\x93%d, columns %d\xe2\x80\x93%d, magnified", r0, r0 + 6, c0, c0 + 6);
    gfx_text(zx, zy - 14, UI_LABEL, GFX_BOLD, GFX_LEFT | GFX_BOTTOM, gfx_fade(th->text_dim, a), buf);
    for (int r = 0; r < 7; r++)
        for (int q = 0; q < 7; q++) {
            float v = st->x.input->data[(r0 + r) * CNN_IN + c0 + q];
            gfx_color bg = gfx_cmap_color(GFX_CMAP_GRAY, v);
            float x = zx + (float)q * cell, y = zy + (float)r * cell;
            gfx_rect(x, y, cell - 3, cell - 3, gfx_fade(bg, a));
            gfx_textf(x + cell / 2, y + cell / 2, UI_LABEL, GFX_MONO, GFX_CENTER | GFX_MIDDLE,
                      gfx_fade(ink_on(bg), a), "%.2f", v);
        }
    float tx = zx + 7 * cell + 60, ty = 230;
    gfx_color fg = gfx_fade(th->text, scene_between(c, 0.5f, 0.9f));
    char n1[32];
    thousands(n1, sizeof n1, (long)ts_numel(st->x.input));
    gfx_textf(tx, ty, UI_H2, GFX_BOLD, GFX_LEFT | GFX_MIDDLE, fg, "%s numbers", n1);
    gfx_textf(tx, ty + 60, UI_BODY, GFX_SANS, GFX_LEFT | GFX_MIDDLE, fg, "%d rows \xc3\x97 %d columns", CNN_IN, CNN_IN);
    gfx_textf(tx, ty + 110, UI_BODY, GFX_SANS, GFX_LEFT | GFX_MIDDLE, fg, "%d pixels above 0.5", st->in_ink);
    gfx_textf(tx, ty + 160, UI_BODY, GFX_SANS, GFX_LEFT | GFX_MIDDLE, fg, "mean value %.3f", st->in_mean);
    gfx_text_box(tx, ty + 220, 1880 - tx, UI_LABEL, GFX_SANS, GFX_LEFT, gfx_fade(th->text_dim, a),
                 "Hover any pixel for its exact value.");
}

/* ---- beats 2-3: one filter, then sliding ------------------------------------- */

static void draw_equation(const cnn_state *st, int k, int r, int c, float a, float sum_a, const ui_theme *th) {
    float patch[9], w[9], prod[9], sum = 0;
    const float *in = st->x.input->data;
    for (int i = 0; i < 9; i++) {
        int y = r + i / 3 - 1, x = c + i % 3 - 1;
        patch[i] = y < 0 || x < 0 || y >= CNN_IN || x >= CNN_IN ? 0 : in[y * CNN_IN + x];
        w[i] = st->m.conv1_w->data[k * 9 + i];
        prod[i] = patch[i] * w[i] + 0.0f;   /* shows 0 * -w as +0.00, not -0.00 */
        sum += prod[i];
    }
    float wm = 0;
    for (int i = 0; i < CNN_C1 * 9; i++) wm = fmaxf(wm, fabsf(st->m.conv1_w->data[i]));
    float pm = 0;
    for (int i = 0; i < 9; i++) pm = fmaxf(pm, fabsf(prod[i]));
    if (pm == 0) pm = 1;
    float y0 = 200, cell = 70, x0 = STAGE_X, x1 = STAGE_X + 270, x2 = STAGE_X + 540;
    char buf[96];
    snprintf(buf, sizeof buf, "input patch");
    gfx_text(x0, y0 - 14, UI_LABEL, GFX_BOLD, GFX_LEFT | GFX_BOTTOM, th->text_dim, buf);
    snprintf(buf, sizeof buf, "filter %d", k + 1);
    gfx_text(x1, y0 - 14, UI_LABEL, GFX_BOLD, GFX_LEFT | GFX_BOTTOM, th->text_dim, buf);
    gfx_text(x2, y0 - 14, UI_LABEL, GFX_BOLD, GFX_LEFT | GFX_BOTTOM, gfx_fade(th->text_dim, a), "products");
    number_grid(x0, y0, cell, patch, 3, GFX_CMAP_GRAY, 0, 1, "%.2f", th, 1);
    number_grid(x1, y0, cell, w, 3, GFX_CMAP_DIVERGING, -wm, wm, "%+.2f", th, 1);
    gfx_text(x0 + 3 * cell + 30, y0 + 1.5f * cell, UI_H2, GFX_BOLD, GFX_CENTER | GFX_MIDDLE, th->text, "\xc3\x97");
    gfx_text(x1 + 3 * cell + 30, y0 + 1.5f * cell, UI_H2, GFX_BOLD, GFX_CENTER | GFX_MIDDLE, gfx_fade(th->text, a), "=");
    number_grid(x2, y0, cell, prod, 3, GFX_CMAP_DIVERGING, -pm, pm, "%+.2f", th, a);
    float b = st->m.conv1_b->data[k], out = st->x.conv1->data[(k * CNN_IN + r) * CNN_IN + c];
    float ly = y0 + 3 * cell + 50;
    gfx_color fg = gfx_fade(th->text, sum_a);
    gfx_textf(x0, ly, UI_BODY, GFX_MONO, GFX_LEFT | GFX_MIDDLE, fg, "sum of the 9 products  %+.4f", sum);
    gfx_textf(x0, ly + 46, UI_BODY, GFX_MONO, GFX_LEFT | GFX_MIDDLE, fg, "+ bias conv1.bias[%d]  %+.4f", k, b);
    gfx_line(x0, ly + 74, x0 + 560, ly + 74, 2, gfx_fade(th->panel_edge, sum_a));
    gfx_textf(x0, ly + 106, UI_BODY, GFX_BOLD, GFX_LEFT | GFX_MIDDLE, gfx_fade(th->accent, sum_a),
              "= conv1.out[0,%d,%d,%d] = %+.4f", k, r, c, out);
    if (r == 0 || c == 0 || r == CNN_IN - 1 || c == CNN_IN - 1)
        gfx_text_box(x0, ly + 150, 640, UI_LABEL, GFX_SANS, GFX_LEFT, th->text_dim,
                     "Cells outside the image are zero padding, so the map keeps the input's size.");
}

/* Position k (row-major) of the sliding filter in beat 3, or the focus at the end. */
static int slide_pos(const cnn_state *st, const scene_clock *c, bool *settled) {
    *settled = false;
    if (c->beat == B_FILTER) return st->work_r * CNN_IN + st->work_c;
    if (c->t >= 0.9f) { *settled = true; return st->focus_r * CNN_IN + st->focus_c; }
    int n = CNN_IN * CNN_IN;
    if (c->t < 0.35f) return (int)(scene_between_linear(c, 0, 0.35f) * (CNN_IN - 1));
    return CNN_IN + (int)(scene_between_linear(c, 0.35f, 0.85f) * (float)(n - 1 - CNN_IN));
}

static void draw_conv_beat(const cnn_state *st, const scene_clock *c, const ui_theme *th) {
    int k = st->channel;
    bool settled;
    int pos = slide_pos(st, c, &settled);
    int r = pos / CNN_IN, col = pos % CNN_IN;
    if (st->hover_layer == L_CONV1) { r = st->hover_r; col = st->hover_c; settled = true; }
    float appear = c->beat == B_FILTER ? scene_between(c, 0, 0.25f) : 1;
    input_window(r - 1, col - 1, 3, th, gfx_fade(th->accent, appear));
    float prod_a = c->beat == B_FILTER ? scene_between(c, 0.25f, 0.5f) : 1;
    float sum_a = c->beat == B_FILTER ? scene_between(c, 0.5f, 0.75f) : 1;
    draw_equation(st, k, r, col, prod_a, sum_a, th);

    float ox, oy, oc;
    cnn_out_rect(&ox, &oy, &oc);
    float side = oc * CNN_IN;
    char buf[64];
    snprintf(buf, sizeof buf, "conv1.out[0,%d]  28 \xc3\x97 28", k);
    label(ox, oy - 14, th, buf);
    gfx_rect(ox, oy, side, side, th->panel);
    const float *map = plane(st->x.conv1, k);
    int shown = settled ? CNN_IN * CNN_IN : c->beat == B_FILTER ? 0 : pos + 1;
    if (c->beat == B_FILTER && c->t > 0.75f && !settled)   /* the one worked cell */
        gfx_heatmap(ox + (float)col * oc, oy + (float)r * oc, oc, oc, map + r * CNN_IN + col, 1, 1,
                    -st->c1_max, st->c1_max, GFX_CMAP_DIVERGING);
    int full = shown / CNN_IN, part = shown % CNN_IN;
    if (full) gfx_heatmap(ox, oy, side, oc * (float)full, map, full, CNN_IN, -st->c1_max, st->c1_max, GFX_CMAP_DIVERGING);
    if (part) gfx_heatmap(ox, oy + oc * (float)full, oc * (float)part, oc, map + full * CNN_IN, 1, part,
                          -st->c1_max, st->c1_max, GFX_CMAP_DIVERGING);
    map_frame(ox, oy, side, side, th);
    gfx_rrect_line(ox + (float)col * oc - 2, oy + (float)r * oc - 2, oc + 4, oc + 4, 3, 3, th->accent);
    /* beat 2: the sum flies from the equation into its cell */
    float fly = c->beat == B_FILTER ? scene_between(c, 0.75f, 0.95f) : 1;
    if (fly > 0 && fly < 1) {
        float sx = STAGE_X + 560, sy = 200 + 3 * 70 + 156;
        float tx = ox + (float)col * oc, ty = oy + (float)r * oc;
        gfx_rect(sx + (tx - sx) * fly, sy + (ty - sy) * fly, oc + 16 * (1 - fly), oc + 16 * (1 - fly), th->accent);
    }
    gfx_legend(ox, oy + side + 50, side, 22, -st->c1_max, st->c1_max, GFX_CMAP_DIVERGING, "response", th->text_dim);
    if (c->beat == B_SLIDE && settled && st->hover_layer != L_CONV1)
        gfx_text(ox, oy + side + 130, UI_LABEL, GFX_SANS, GFX_LEFT | GFX_MIDDLE, th->text_dim,
                 "Shown: the strongest response.");
}

/* ---- beats 4-5: eight maps, ReLU -------------------------------------------- */

static void draw_maps_beat(const cnn_state *st, const scene_clock *c, const ui_theme *th) {
    bool relu = c->beat == B_RELU;
    float wipe = relu ? scene_between(c, 0.1f, 0.7f) : 0;
    float wm = 0;
    for (size_t i = 0; i < ts_numel(st->m.conv1_w); i++) wm = fmaxf(wm, fabsf(st->m.conv1_w->data[i]));
    for (int k = 0; k < CNN_C1; k++) {
        float x, y, cell;
        cnn_tile_rect(k, &x, &y, &cell);
        float a = relu ? 1 : scene_between(c, 0.08f * (float)k, 0.08f * (float)k + 0.2f);
        if (a <= 0) continue;
        float side = cell * CNN_IN;
        number_grid(x, y - 78, 20, st->m.conv1_w->data + k * 9, 3, GFX_CMAP_DIVERGING, -wm, wm, "", th, a);
        gfx_textf(x + 76, y - 48, UI_LABEL, GFX_BOLD, GFX_LEFT | GFX_MIDDLE, gfx_fade(th->text_dim, a), "filter %d", k + 1);
        gfx_heatmap(x, y, side, side * a, plane(st->x.conv1, k), (int)ceilf(CNN_IN * a), CNN_IN,
                    -st->c1_max, st->c1_max, GFX_CMAP_DIVERGING);
        int rows = (int)(wipe * CNN_IN);
        if (rows > 0)
            gfx_heatmap(x, y, side, cell * (float)rows, plane(st->x.relu1, k), rows, CNN_IN, 0, st->a1_max,
                        GFX_CMAP_SEQUENTIAL);
        map_frame(x, y, side, side, th);
        if (st->hover_layer >= L_CONV1 && st->hover_layer <= L_RELU1 && st->hover_ch == k) {
            gfx_rrect_line(x + (float)st->hover_c * cell - 2, y + (float)st->hover_r * cell - 2, cell + 4, cell + 4, 2, 2, th->accent);
            input_window(st->hover_r - 1, st->hover_c - 1, 3, th, th->accent);
        }
    }
    float lx = STAGE_X + 3 * 290 + 224 + 20;
    if (wipe >= 1) gfx_legend(lx, 190, 22, 544, 0, st->a1_max, GFX_CMAP_SEQUENTIAL, "ReLU", th->text_dim);
    else gfx_legend(lx, 190, 22, 544, -st->c1_max, st->c1_max, GFX_CMAP_DIVERGING, "conv", th->text_dim);

    float ty = 800;
    char a1[32], b1[32], c1[32], d1[32];
    long n_w = (long)ts_numel(st->m.conv1_w), n_b = (long)ts_numel(st->m.conv1_b);
    long n_in = (long)ts_numel(st->x.input), n_out = (long)ts_numel(st->x.conv1);
    if (!relu) {
        float ta = scene_between(c, 0.65f, 0.95f);
        gfx_color fg = gfx_fade(th->text, ta);
        thousands(a1, sizeof a1, n_w + n_b);
        gfx_textf(STAGE_X, ty, UI_LABEL, GFX_SANS, GFX_LEFT | GFX_MIDDLE, fg,
                  "conv1: %d \xc3\x97 %d weights + %ld biases = %s parameters, reused at all %d positions",
                  CNN_C1, st->m.conv1_w->shape[2] * st->m.conv1_w->shape[3], n_b, a1, CNN_IN * CNN_IN);
        thousands(b1, sizeof b1, n_out);
        thousands(c1, sizeof c1, n_in * n_out + n_out);
        thousands(d1, sizeof d1, (n_in * n_out + n_out) / (n_w + n_b));
        gfx_textf(STAGE_X, ty + 44, UI_LABEL, GFX_SANS, GFX_LEFT | GFX_MIDDLE, fg,
                  "fully connected %ld \xe2\x86\x92 %s: %s parameters (%s\xc3\x97 more)",
                  n_in, b1, c1, d1);
    } else {
        float ta = scene_between(c, 0.6f, 0.9f);
        thousands(a1, sizeof a1, st->clipped1);
        thousands(b1, sizeof b1, n_out);
        char line[200];
        snprintf(line, sizeof line, "ReLU(x) = max(0, x): %s of %s responses were negative and are now 0 (%.0f%%).",
                 a1, b1, 100.0 * st->clipped1 / (double)n_out);
        gfx_text_box(STAGE_X, ty - 20, 1180, UI_BODY, GFX_SANS, GFX_LEFT, gfx_fade(th->text, ta), line);
    }
}

/* ---- beat 6: max pooling ---------------------------------------------------- */

static void draw_pool_beat(const cnn_state *st, const scene_clock *c, const ui_theme *th) {
    int k = st->channel;
    float x, y, cell, px, py, pc;
    cnn_pool_big(&x, &y, &cell, &px, &py, &pc);
    float side = cell * CNN_IN, pside = pc * CNN_P1;
    char buf[96];
    snprintf(buf, sizeof buf, "relu1.out[0,%d]  28 \xc3\x97 28", k);
    label(x, y - 14, th, buf);
    gfx_heatmap(x, y, side, side, plane(st->x.relu1, k), CNN_IN, CNN_IN, 0, st->a1_max, GFX_CMAP_SEQUENTIAL);
    for (int i = 0; i <= CNN_P1; i++) {
        float o = (float)i * 2 * cell;
        gfx_line(x, y + o, x + side, y + o, 1.5f, gfx_fade(th->bg, 0.9f));
        gfx_line(x + o, y, x + o, y + side, 1.5f, gfx_fade(th->bg, 0.9f));
    }
    map_frame(x, y, side, side, th);
    float wa = scene_between(c, 0.1f, 0.45f);
    const int *arg = st->x.arg1 + k * CNN_P1 * CNN_P1;
    const uint8_t *ties = st->x.ties1 + k * CNN_P1 * CNN_P1;
    for (int i = 0; i < CNN_P1 * CNN_P1 && wa > 0; i++) {
        if (ties[i] > 1) continue;   /* a tie has no winner */
        int wy = arg[i] / CNN_IN, wx = arg[i] % CNN_IN;
        gfx_circle_line(x + ((float)wx + 0.5f) * cell, y + ((float)wy + 0.5f) * cell, cell * 0.3f, 2, gfx_fade(th->accent, wa));
    }
    int rows = (int)ceilf(scene_between(c, 0.35f, 0.8f) * CNN_P1);
    snprintf(buf, sizeof buf, "pool1.out[0,%d]  14 \xc3\x97 14", k);
    label(px, py - 14, th, buf);
    gfx_rect(px, py, pside, pside, th->panel);
    if (rows) gfx_heatmap(px, py, pside, pc * (float)rows, plane(st->x.pool1, k), rows, CNN_P1, 0, st->a1_max, GFX_CMAP_SEQUENTIAL);
    map_frame(px, py, pside, pside, th);
    gfx_arrow(x + side + 20, y + side / 2, px - 20, py + pside / 2, 4, th->accent);
    gfx_legend(px + pside + 40, py, 22, pside, 0, st->a1_max, GFX_CMAP_SEQUENTIAL, NULL, th->text_dim);

    /* the worked window: hovered, or the pooled map's largest value */
    int wr, wc;
    if (st->hover_layer == L_POOL1) { wr = st->hover_r; wc = st->hover_c; }
    else {
        const float *p = plane(st->x.pool1, k);
        int best = 0;
        for (int i = 1; i < CNN_P1 * CNN_P1; i++) if (p[i] > p[best]) best = i;
        wr = best / CNN_P1; wc = best % CNN_P1;
    }
    gfx_rrect_line(x + (float)(2 * wc) * cell - 3, y + (float)(2 * wr) * cell - 3, 2 * cell + 6, 2 * cell + 6, 3, 4, th->accent2);
    gfx_rrect_line(px + (float)wc * pc - 3, py + (float)wr * pc - 3, pc + 6, pc + 6, 3, 4, th->accent2);
    const float *m = plane(st->x.relu1, k);
    float ea = scene_between(c, 0.6f, 0.9f);
    gfx_textf(px, py + pside + 50, UI_BODY, GFX_MONO, GFX_LEFT | GFX_MIDDLE, gfx_fade(th->text, ea),
              "max(%.2f, %.2f,", m[2 * wr * CNN_IN + 2 * wc], m[2 * wr * CNN_IN + 2 * wc + 1]);
    gfx_textf(px, py + pside + 94, UI_BODY, GFX_MONO, GFX_LEFT | GFX_MIDDLE, gfx_fade(th->text, ea),
              "    %.2f, %.2f) = %.2f", m[(2 * wr + 1) * CNN_IN + 2 * wc], m[(2 * wr + 1) * CNN_IN + 2 * wc + 1],
              plane(st->x.pool1, k)[wr * CNN_P1 + wc]);
    gfx_textf(px, py + pside + 140, UI_LABEL, GFX_SANS, GFX_LEFT | GFX_MIDDLE, gfx_fade(th->text_dim, ea),
              "= pool1.out[0,%d,%d,%d]", k, wr, wc);
    int tied = 0;
    for (int i = 0; i < CNN_P1 * CNN_P1; i++) tied += ties[i] > 1;
    gfx_textf(px, py + pside + 180, UI_LABEL, GFX_SANS, GFX_LEFT | GFX_MIDDLE, gfx_fade(th->text_dim, ea),
              "\xe2\x97\x8b winner; %d tied windows have none", tied);

    float sy = 690;
    float sa = scene_between(c, 0.7f, 1.0f);
    gfx_text(x, sy, UI_LABEL, GFX_BOLD, GFX_LEFT | GFX_BOTTOM, gfx_fade(th->text_dim, sa), "pool1.out: all 8 maps, 14 \xc3\x97 14");
    for (int i = 0; i < CNN_C1 && sa > 0; i++) {
        float mx = x + (float)i * 140, my = sy + 14;
        gfx_heatmap(mx, my, 112, 112, plane(st->x.pool1, i), CNN_P1, CNN_P1, 0, st->a1_max, GFX_CMAP_SEQUENTIAL);
        map_frame(mx, my, 112, 112, th);
        if (i == k) gfx_rrect_line(mx - 5, my - 5, 122, 122, 4, 3, th->accent);
    }
}

/* ---- beat 7: conv2, pool2, flatten, fc ---------------------------------------- */

static void draw_deep_beat(const cnn_state *st, const scene_clock *c, const ui_theme *th) {
    float a0 = scene_between(c, 0, 0.15f), a1 = scene_between(c, 0.15f, 0.35f), a2 = scene_between(c, 0.35f, 0.55f);
    float a3 = scene_between(c, 0.55f, 0.65f), a4 = scene_between(c, 0.65f, 0.9f);
    float x, y, cell;
    label(STAGE_X, 150, th, "pool1");
    label(920, 150, th, "relu2 16\xc3\x97" "14\xc3\x97" "14");
    label(1300, 150, th, "pool2 16\xc3\x97" "7\xc3\x97" "7");
    for (int k = 0; k < CNN_C1 && a0 > 0; k++) {
        cnn_deep_rect(L_POOL1, k, &x, &y, &cell);
        gfx_heatmap(x, y, cell * CNN_P1, cell * CNN_P1, plane(st->x.pool1, k), CNN_P1, CNN_P1, 0, st->a1_max, GFX_CMAP_SEQUENTIAL);
        map_frame(x, y, cell * CNN_P1, cell * CNN_P1, th);
    }
    for (int k = 0; k < CNN_C2 && a1 > 0; k++) {
        cnn_deep_rect(L_CONV2, k, &x, &y, &cell);
        float s = cell * CNN_P1;
        int rows = (int)ceilf(a1 * CNN_P1);
        gfx_heatmap(x, y, s, cell * (float)rows, plane(st->x.relu2, k), rows, CNN_P1, 0, st->a2_max, GFX_CMAP_SEQUENTIAL);
        map_frame(x, y, s, s, th);
    }
    for (int k = 0; k < CNN_C2 && a2 > 0; k++) {
        cnn_deep_rect(L_POOL2, k, &x, &y, &cell);
        float s = cell * CNN_P2;
        int rows = (int)ceilf(a2 * CNN_P2);
        gfx_heatmap(x, y, s, cell * (float)rows, plane(st->x.pool2, k), rows, CNN_P2, 0, st->a2_max, GFX_CMAP_SEQUENTIAL);
        map_frame(x, y, s, s, th);
    }
    gfx_arrow(STAGE_X + 164, 330, 905, 330, 3, gfx_fade(th->accent, a1));
    gfx_arrow(1238, 330, 1288, 330, 3, gfx_fade(th->accent, a2));
    /* flatten: the 784 numbers of pool2 as one column */
    float fx = 1580, fy = 170, fh = 320;
    if (a3 > 0) {
        label(fx - 20, 150 + 0 * fy, th, "");
        gfx_heatmap(fx, fy, 20, fh, st->x.pool2->data, CNN_FLAT, 1, 0, st->a2_max, GFX_CMAP_SEQUENTIAL);
        map_frame(fx, fy, 20, fh, th);
        gfx_arrow(1562, 330, 1576, 330, 3, gfx_fade(th->accent, a3));
        gfx_textf(fx + 10, fy + fh + 30, UI_SMALL, GFX_MONO, GFX_CENTER | GFX_MIDDLE, gfx_fade(th->text_dim, a3), "%d", CNN_FLAT);
    }
    label(1630, 150, th, "fc \xe2\x86\x92 softmax");
    for (int k = 0; k < CNN_CLASSES && a4 > 0; k++) {
        float bx, by, bw, bh;
        cnn_bar_rect(k, &bx, &by, &bw, &bh);
        float p = st->x.probs->data[k];
        gfx_color col = k == st->pred ? th->accent : th->text_dim;
        gfx_textf(bx + 10, by + bh / 2, UI_LABEL, GFX_BOLD, GFX_CENTER | GFX_MIDDLE, col, "%d", k);
        gfx_rect(bx + 30, by + 4, 150, bh - 8, th->panel);
        gfx_rect(bx + 30, by + 4, 150 * p * a4, bh - 8, col);
        gfx_textf(bx + bw, by + bh / 2, UI_SMALL, GFX_MONO, GFX_RIGHT | GFX_MIDDLE, col, "%.3f", p);
        if (st->hover_layer == L_PROB && st->hover_ch == k) gfx_rrect_line(bx - 4, by, bw + 8, bh, 4, 2, th->accent);
    }
    /* the fc weights, and the counts */
    float wy = 610;
    float wa = scene_between(c, 0.7f, 1.0f);
    if (wa > 0) {
        float fm = 0;
        for (size_t i = 0; i < ts_numel(st->m.fc_w); i++) fm = fmaxf(fm, fabsf(st->m.fc_w->data[i]));
        gfx_text(STAGE_X, wy, UI_LABEL, GFX_BOLD, GFX_LEFT | GFX_BOTTOM, gfx_fade(th->text_dim, wa),
                 "fc.weight [10, 784]: one row of weights per class");
        gfx_heatmap(STAGE_X, wy + 12, 1080, 150, st->m.fc_w->data, CNN_CLASSES, CNN_FLAT, -fm, fm, GFX_CMAP_DIVERGING);
        map_frame(STAGE_X, wy + 12, 1080, 150, th);
        gfx_legend(STAGE_X + 1100, wy + 12, 22, 150, -fm, fm, GFX_CMAP_DIVERGING, NULL, th->text_dim);
        char p2[32], p3[32];
        thousands(p2, sizeof p2, (long)(ts_numel(st->m.conv2_w) + ts_numel(st->m.conv2_b)));
        thousands(p3, sizeof p3, (long)(ts_numel(st->m.fc_w) + ts_numel(st->m.fc_b)));
        gfx_textf(STAGE_X, wy + 220, UI_BODY, GFX_SANS, GFX_LEFT | GFX_MIDDLE, gfx_fade(th->text, wa),
                  "conv2: %s parameters  \xc2\xb7  fc: %s parameters", p2, p3);
        gfx_textf(1630, 545, UI_H2, GFX_BOLD, GFX_LEFT | GFX_MIDDLE, gfx_fade(th->accent, wa), "it is a %d", st->pred);
    }
    /* receptive fields of the hovered cell on the layer below */
    if (st->hover_layer == L_CONV2) {
        for (int k = 0; k < CNN_C1; k++) {
            cnn_deep_rect(L_POOL1, k, &x, &y, &cell);
            gfx_rrect_line(x + (float)(st->hover_c - 1) * cell - 1, y + (float)(st->hover_r - 1) * cell - 1, 3 * cell + 2, 3 * cell + 2, 2, 2, th->accent);
        }
    } else if (st->hover_layer == L_POOL2) {
        cnn_deep_rect(L_CONV2, st->hover_ch, &x, &y, &cell);
        gfx_rrect_line(x + (float)(2 * st->hover_c) * cell - 1, y + (float)(2 * st->hover_r) * cell - 1, 2 * cell + 2, 2 * cell + 2, 2, 2, th->accent);
    } else if (st->hover_layer == L_POOL1) {
        cnn_deep_rect(L_POOL1, st->hover_ch, &x, &y, &cell);
        gfx_rrect_line(x + (float)st->hover_c * cell - 1, y + (float)st->hover_r * cell - 1, cell + 2, cell + 2, 2, 2, th->accent);
        int r0, c0, size;
        cnn_receptive_field(CNN_L_POOL1, st->hover_r, st->hover_c, &r0, &c0, &size);
        input_window(r0, c0, size, th, th->accent);
    }
}

/* ---- beat 8: recap ---------------------------------------------------------- */

static void draw_recap_beat(const cnn_state *st, const scene_clock *c, const ui_theme *th) {
    float wm = 0;
    for (size_t i = 0; i < ts_numel(st->m.conv1_w); i++) wm = fmaxf(wm, fabsf(st->m.conv1_w->data[i]));
    float x, y, cell;
    gfx_text(STAGE_X, 130, UI_BODY, GFX_BOLD, GFX_LEFT | GFX_BOTTOM, th->text,
             "Layer 1: eight 3 \xc3\x97 3 filters, each sees 3 \xc3\x97 3 pixels: edges and strokes");
    for (int k = 0; k < CNN_C1; k++) {
        cnn_recap_rect(L_RELU1, k, &x, &y, &cell);
        number_grid(x + 30, y - 100, 18, st->m.conv1_w->data + k * 9, 3, GFX_CMAP_DIVERGING, -wm, wm, "", th, 1);
        gfx_heatmap(x, y, cell * CNN_IN, cell * CNN_IN, plane(st->x.relu1, k), CNN_IN, CNN_IN, 0, st->a1_max, GFX_CMAP_SEQUENTIAL);
        map_frame(x, y, cell * CNN_IN, cell * CNN_IN, th);
        if (st->hover_layer == L_RELU1 && st->hover_ch == k)
            input_window(st->hover_r - 1, st->hover_c - 1, 3, th, th->accent);
    }
    float a = scene_between(c, 0.2f, 0.6f);
    int r0, c0, rf;
    cnn_receptive_field(CNN_L_CONV2, 0, 0, &r0, &c0, &rf);
    gfx_textf(STAGE_X, 470, UI_BODY, GFX_BOLD, GFX_LEFT | GFX_BOTTOM, gfx_fade(th->text, a),
              "Layer 2: 16 filters over all 8 maps, each sees %d \xc3\x97 %d pixels: larger parts", rf, rf);
    for (int k = 0; k < CNN_C2 && a > 0; k++) {
        cnn_recap_rect(L_CONV2, k, &x, &y, &cell);
        gfx_heatmap(x, y, cell * CNN_P1, cell * CNN_P1, plane(st->x.relu2, k), CNN_P1, CNN_P1, 0, st->a2_max, GFX_CMAP_SEQUENTIAL);
        map_frame(x, y, cell * CNN_P1, cell * CNN_P1, th);
        if (st->hover_layer == L_CONV2 && st->hover_ch == k) {
            cnn_receptive_field(CNN_L_CONV2, st->hover_r, st->hover_c, &r0, &c0, &rf);
            input_window(r0, c0, rf, th, th->accent);
        }
    }
    float b = scene_between(c, 0.5f, 0.9f);
    char n1[32], n2[32];
    thousands(n1, sizeof n1, (long)st->train_font);
    thousands(n2, sizeof n2, (long)st->train_stroke);
    char line[400];
    snprintf(line, sizeof line, "Nobody wrote these filters: training (tools/train_cnn.c) found them from %s "
             "digits rendered from fonts and %s drawn with pen strokes. Held-out accuracy %.1f%% (fonts), "
             "%.1f%% (strokes). Your input reads as %d (p = %.3f).",
             n1, n2, 100.0 * st->held_out_font, 100.0 * st->held_out_stroke, st->pred, st->x.probs->data[st->pred]);
    gfx_text_box(STAGE_X, 735, 1180, UI_BODY, GFX_SANS, GFX_LEFT, gfx_fade(th->text, b), line);
}

void cnn_draw_beat(const cnn_state *st, const scene_clock *c, const ui_theme *th) {
    int b = c->beat;
    int pad = b == B_FILTER || b == B_SLIDE ? 1 : b == B_PLAY ? st->padding : 0;
    cnn_draw_input(st, th, pad, b != B_PLAY || pad == 0);
    switch (b) {
    case B_INPUT: draw_input_beat(st, c, th); break;
    case B_FILTER: case B_SLIDE: draw_conv_beat(st, c, th); break;
    case B_MAPS: case B_RELU: draw_maps_beat(st, c, th); break;
    case B_POOL: draw_pool_beat(st, c, th); break;
    case B_DEEP: draw_deep_beat(st, c, th); break;
    case B_RECAP: draw_recap_beat(st, c, th); break;
    case B_PLAY: play_draw(st, c, th); break;
    default: break;
    }
}
