/* test_diagram.c: the diagram library, headless.
 *
 * - dg_fmt: zero, small, negative and large values, width limits, "+";
 * - layout helpers: splits, grids, cuts, aspect fits; the layout checker;
 * - the canvas grows on 4:3 (1920x1440) and keeps 1920x1080 on 16:9; the
 *   pointer maps onto it;
 * - a matrix's hover: the pointer over cell (2, 3) of slice [1] hovers that
 *   cell, the tooltip names the tensor and the full index, and the next
 *   frame links the element; padding cells hover as padding; a matrix and
 *   its legend stay inside their rect; a strip's bar hovers with its index;
 * - probability bars: extremes read "99.97%" and "<0.1%", crowded labels
 *   thin out around the winner;
 * - a gallery of elements (matrices with labels, numbers, windows and
 *   padding, strips, bars) at 1920x1080 and 1024x768 keeps every text box
 *   legible: nothing below DG_TEXT_MIN, off the canvas or overlapping.
 * With TS_DIAGRAM_PNG=DIR the gallery frames are also written there as PNG,
 * to look at.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "diagram/diagram.h"
#include "gfx/gfx.h"
#include "kernel/tensor.h"
#include "layout_check.h"

#include "app_check.h"

static bool near(float a, float b) { return fabsf(a - b) < 0.01f; }

/* ---- numbers -------------------------------------------------------------------- */

static void check_fmt(float v, int sig, int max_chars, bool plus, const char *want) {
    char buf[32];
    dg_fmt(buf, sizeof buf, v, sig, max_chars, plus);
    CHECK(strcmp(buf, want) == 0, "dg_fmt(%g, %d, %d, %d) = \"%s\", want \"%s\"", (double)v, sig,
          max_chars, plus, buf, want);
}

static void test_fmt(void) {
    check_fmt(0, 3, 6, false, "0");
    check_fmt(-0.0f, 3, 6, true, "0");
    check_fmt(0.42f, 3, 6, false, "0.42");
    check_fmt(-3.66f, 3, 6, false, "-3.66");
    check_fmt(0.0042f, 3, 6, false, "0.0042");
    check_fmt(0.00042f, 3, 6, false, "4.2e-4");
    check_fmt(0.42f, 3, 6, true, "+0.42");
    check_fmt(123456.0f, 3, 8, false, "1.23e5");
    check_fmt(0.123456f, 3, 4, false, "0.12");
    check_fmt(-0.123456f, 3, 4, false, "-0.1");
    check_fmt(1234.7f, 3, 4, false, "1235");
    /* every value fits its width, whatever its magnitude */
    static const float vals[] = { 1e-7f, -2.5e-5f, 0.013f, 0.99974f, 7.0f, -42.42f, 9.9e4f, 3e7f };
    for (int w = 4; w <= 7; w++)
        for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++) {
            char buf[32];
            dg_fmt(buf, sizeof buf, vals[i], 3, w, false);
            CHECK((int)strlen(buf) <= w + (vals[i] < 0 && w == 4 ? 1 : 0),
                  "dg_fmt(%g) in %d chars gave \"%s\"", (double)vals[i], w, buf);
            CHECK(strtof(buf, NULL) != 0, "dg_fmt(%g) reads as zero: \"%s\"", (double)vals[i], buf);
        }
}

/* ---- layout ------------------------------------------------------------------- */

static void test_layout_helpers(void) {
    dg_rect r = { 100, 50, 1000, 400 }, out[4];
    dg_split_cols(r, 3, 50, NULL, out);
    CHECK(near(out[0].x, 100) && near(out[0].w, 300) && near(out[1].x, 450) &&
          near(out[2].x + out[2].w, 1100) && near(out[2].h, 400),
          "split_cols: %g+%g %g+%g %g+%g", out[0].x, out[0].w, out[1].x, out[1].w, out[2].x, out[2].w);
    float wts[2] = { 1, 3 };
    dg_split_rows(r, 2, 0, wts, out);
    CHECK(near(out[0].h, 100) && near(out[1].y, 150) && near(out[1].h, 300),
          "split_rows weighted: %g %g %g", out[0].h, out[1].y, out[1].h);
    dg_grid(r, 2, 2, 20, out);
    CHECK(near(out[3].x, 610) && near(out[3].y, 260) && near(out[3].w, 490) && near(out[3].h, 190),
          "grid: cell 3 at %g,%g %gx%g", out[3].x, out[3].y, out[3].w, out[3].h);
    dg_rect rest = r, top = dg_cut_top(&rest, 60, 10), left = dg_cut_left(&rest, 200, 20);
    CHECK(near(top.h, 60) && near(rest.y, 120) && near(left.w, 200) && near(rest.x, 320) &&
          near(rest.w, 780) && near(rest.h, 330), "cuts: rest %g,%g %gx%g", rest.x, rest.y, rest.w, rest.h);
    dg_rect f = dg_fit_aspect(r, 1.0f, GFX_CENTER | GFX_MIDDLE);
    CHECK(near(f.w, 400) && near(f.h, 400) && near(f.x, 400), "fit_aspect: %g,%g %gx%g", f.x, f.y, f.w, f.h);
}

/* The checker itself finds each kind of violation. */
static void test_layout_check(void) {
    gfx_text_rec ok[2] = { { 10, 10, 100, 30, 26, "a" }, { 10, 41, 100, 30, 26, "b" } };
    CHECK(layout_check(ok, 2, 1920, 1080, "ok", NULL) == 0, "stacked lines pass");
    gfx_text_rec lap[2] = { { 10, 10, 100, 30, 26, "a" }, { 100, 30, 100, 30, 26, "b" } };
    CHECK(layout_check(lap, 2, 1920, 1080, "overlap", NULL) == 1, "overlap found");
    gfx_text_rec small[1] = { { 10, 10, 100, 30, 16, "tiny" } };
    CHECK(layout_check(small, 1, 1920, 1080, "small", NULL) == 1, "small text found");
    gfx_text_rec off[1] = { { 1850, 1060, 100, 30, 26, "off" } };
    CHECK(layout_check(off, 1, 1920, 1080, "off", NULL) == 1, "text off the canvas found");
}

/* ---- frames ------------------------------------------------------------------- */

static gfx_target *target;
static int tw, th_;

static void frame(int w, int h) {
    if (w != tw || h != th_) {
        char err[256];
        gfx_target_free(target);
        target = gfx_target_new(w, h, err, sizeof err);
        tw = w;
        th_ = h;
    }
    gfx_target_bind(target);
    gfx_frame_begin(w, h, ui_theme_dark.bg, ui_theme_dark.letterbox);
}

static void test_canvas_aspect(void) {
    frame(256, 192);
    CHECK(near(gfx_canvas_w(), 1920) && near(gfx_canvas_h(), 1440), "4:3 canvas %gx%g",
          gfx_canvas_w(), gfx_canvas_h());
    gfx_frame_end();
    frame(320, 200);
    CHECK(near(gfx_canvas_h(), 1200), "16:10 canvas height %g", gfx_canvas_h());
    gfx_frame_end();
    frame(320, 180);
    CHECK(near(gfx_canvas_h(), 1080), "16:9 canvas height %g", gfx_canvas_h());
    float cx, cy;
    gfx_window_to_canvas(160, 90, 320, 180, &cx, &cy);
    CHECK(near(cx, 960) && near(cy, 540), "window centre maps to %g,%g", cx, cy);
    gfx_frame_end();
    /* the pointer on a 4:3 window (a HiDPI drawable of twice its size) */
    frame(512, 384);
    gfx_window_to_canvas(256, 192, 256, 192, &cx, &cy);
    CHECK(near(cx, 1920) && near(cy, 1440), "4:3 window corner maps to %g,%g", cx, cy);
    gfx_window_to_canvas(64, 48, 256, 192, &cx, &cy);
    CHECK(near(cx, 480) && near(cy, 360), "4:3 window point maps to %g,%g", cx, cy);
    gfx_frame_end();
}

static ts_arena arena;

static void test_matrix_hover(void) {
    ts_tensor *t = ts_new3(&arena, "probe.w", 2, 5, 6);
    for (size_t i = 0; i < ts_numel(t); i++) t->data[i] = 0.1f * (float)i - 3.0f;
    dg_src src = { .t = t, .lead = { 1 } };
    dg_rect r = { 200, 150, 900, 700 };
    frame(320, 180);
    dg_frame_begin(&ui_theme_dark, -1, -1, 0);
    dg_cells g = dg_matrix(r, &src, NULL);
    dg_frame_end();
    gfx_frame_end();
    CHECK(g.rows == 5 && g.cols == 6 && g.cw > 0 && near(g.cw, g.ch), "cells %dx%d of %gx%g",
          g.rows, g.cols, g.cw, g.ch);
    CHECK(g.hover_r == -1 && g.hover_c == -1, "nothing hovered without a pointer");
    CHECK(g.x >= r.x && g.y >= r.y && g.x + 6 * g.cw <= r.x + r.w + 0.01f &&
          g.y + 5 * g.ch <= r.y + r.h + 0.01f, "grid inside its rect");

    dg_rect c = dg_cell_rect(&g, 2, 3);
    static gfx_text_rec rec[2048];
    frame(320, 180);
    gfx_text_log(rec, 2048);
    dg_frame_begin(&ui_theme_dark, c.x + c.w / 2, c.y + c.h / 2, 0);
    g = dg_matrix(r, &src, NULL);
    dg_frame_end();
    int n = gfx_text_log_count();
    gfx_text_log(NULL, 0);
    gfx_frame_end();
    CHECK(g.hover_r == 2 && g.hover_c == 3, "hovered cell %d,%d", g.hover_r, g.hover_c);
    bool named = false;
    for (int i = 0; i < n && i < 2048; i++)
        if (strncmp(rec[i].text, "probe.w[1,2,3] = 1.5", 20) == 0) named = true;
    CHECK(named, "the tooltip reads probe.w[1,2,3] = 1.5 (%d texts drawn)", n);

    frame(320, 180);
    dg_frame_begin(&ui_theme_dark, -1, -1, 0);
    CHECK(dg_linked(t, (int[]){ 1, 2, 3 }), "the hovered element is linked in the next frame");
    CHECK(!dg_linked(t, (int[]){ 0, 2, 3 }), "another slice's element is not linked");
    dg_frame_end();
    gfx_frame_end();

    /* a window one cell past each edge: its corner is padding */
    dg_matrix_style ps = { .r0 = -1, .c0 = -1, .rows = 7, .cols = 8, .mode = DG_NUMBERS };
    frame(320, 180);
    dg_frame_begin(&ui_theme_dark, -1, -1, 0);
    g = dg_matrix(r, &src, &ps);
    dg_frame_end();
    gfx_frame_end();
    c = dg_cell_rect(&g, 0, 0);
    frame(320, 180);
    gfx_text_log(rec, 2048);
    dg_frame_begin(&ui_theme_dark, c.x + c.w / 2, c.y + c.h / 2, 0);
    g = dg_matrix(r, &src, &ps);
    dg_frame_end();
    n = gfx_text_log_count();
    gfx_text_log(NULL, 0);
    gfx_frame_end();
    bool padding = false;
    for (int i = 0; i < n && i < 2048; i++)
        if (strncmp(rec[i].text, "zero padding", 12) == 0) padding = true;
    CHECK(g.rows == 7 && g.cols == 8 && g.hover_r == 0 && g.hover_c == 0 && padding,
          "padding cell hovered as padding (%dx%d, hover %d,%d)", g.rows, g.cols, g.hover_r, g.hover_c);
}

/* Short grids and thin rects keep everything (legend included) inside. */
static void test_matrix_bounds(void) {
    ts_tensor *t = ts_new2(&arena, "short", 1, 4);
    for (int i = 0; i < 4; i++) t->data[i] = (float)i - 1.5f;
    static const dg_rect rects[] = { { 100, 100, 900, 300 }, { 100, 100, 400, 700 },
                                     { 100, 100, 300, 250 } };
    for (int k = 0; k < 3; k++) {
        dg_rect r = rects[k];
        frame(320, 180);
        dg_frame_begin(&ui_theme_dark, -1, -1, 0);
        dg_cells g = dg_matrix(r, &(dg_src){ .t = t }, NULL);
        dg_frame_end();
        gfx_frame_end();
        dg_rect b = g.bounds;
        CHECK(g.cw > 0 && b.x >= r.x - 0.5f && b.y >= r.y - 0.5f && b.x + b.w <= r.x + r.w + 0.5f &&
              b.y + b.h <= r.y + r.h + 0.5f,
              "rect %d: bounds %g,%g %gx%g outside %g,%g %gx%g", k, b.x, b.y, b.w, b.h, r.x, r.y, r.w, r.h);
    }
}

/* Sixty classes in a small rect: labels thin out, the winner keeps its
 * label and value, nothing collides; the honest percentages read right. */
static void test_bars_crowded(void) {
    ts_tensor *p = ts_new1(&arena, "probs", 60);
    for (int i = 0; i < 60; i++) p->data[i] = 0.0001f;
    p->data[31] = 1.0f - 59 * 0.0001f;
    static gfx_text_rec rec[1024];
    for (int vertical = 0; vertical < 2; vertical++) {
        frame(320, 180);
        gfx_text_log(rec, 1024);
        dg_frame_begin(&ui_theme_dark, -1, -1, 0);
        dg_bars((dg_rect){ 100, 100, 700, 500 }, &(dg_src){ .t = p }, &(dg_bars_style){ .vertical = vertical });
        dg_frame_end();
        int n = gfx_text_log_count();
        gfx_text_log(NULL, 0);
        gfx_frame_end();
        int bad = layout_check(rec, n, 1920, 1080, vertical ? "60 bars, vertical" : "60 bars", stderr);
        bool winner = false, value = false;
        for (int i = 0; i < n && i < 1024; i++) {
            winner |= strcmp(rec[i].text, "31") == 0;
            value |= strcmp(rec[i].text, "99.41%") == 0 || strcmp(rec[i].text, "<0.1%") == 0;
        }
        CHECK(bad == 0 && winner && (vertical || value), "%s: %d violations, winner %d, value %d",
              vertical ? "vertical" : "horizontal", bad, winner, value);
    }
    dg_cells none = dg_bars((dg_rect){ 0, 0, 0, 0 }, NULL, NULL);
    CHECK(none.rows == 0 && none.hover_r == -1, "degenerate input draws nothing");
}

/* A 0.9997 / 0.0003 split reads "99.97%" and "<0.1%", not "100%" and "0%";
 * a strip's bar hovers with its full index. */
static void test_bars_values_and_strip_hover(void) {
    ts_tensor *p = ts_new1(&arena, "split", 2);
    p->data[0] = 0.0003f;
    p->data[1] = 0.9997f;
    static gfx_text_rec rec[256];
    frame(320, 180);
    gfx_text_log(rec, 256);
    dg_frame_begin(&ui_theme_dark, -1, -1, 0);
    dg_bars((dg_rect){ 100, 100, 800, 300 }, &(dg_src){ .t = p }, NULL);
    dg_frame_end();
    int n = gfx_text_log_count();
    gfx_text_log(NULL, 0);
    gfx_frame_end();
    bool hi = false, lo = false;
    for (int i = 0; i < n && i < 256; i++) {
        hi |= strcmp(rec[i].text, "99.97%") == 0;
        lo |= strcmp(rec[i].text, "<0.1%") == 0;
    }
    CHECK(hi && lo, "0.9997 and 0.0003 read 99.97%% (%d) and <0.1%% (%d)", hi, lo);

    ts_tensor *h = ts_new2(&arena, "lstm.h", 3, 5);
    for (int i = 0; i < 15; i++) h->data[i] = (float)i - 7.0f;
    dg_src src = { .t = h, .lead = { 2 } };
    dg_strip_style st = { .bars = true, .vertical = true };
    dg_rect r = { 100, 100, 700, 600 };
    frame(320, 180);
    dg_frame_begin(&ui_theme_dark, -1, -1, 0);
    dg_cells g = dg_strip(r, &src, &st);
    dg_frame_end();
    gfx_frame_end();
    dg_rect c = dg_cell_rect(&g, 3, 0);
    frame(320, 180);
    gfx_text_log(rec, 256);
    dg_frame_begin(&ui_theme_dark, c.x + c.w / 2, c.y + c.h / 2, 0);
    g = dg_strip(r, &src, &st);
    dg_frame_end();
    n = gfx_text_log_count();
    gfx_text_log(NULL, 0);
    gfx_frame_end();
    bool named = false;
    for (int i = 0; i < n && i < 256; i++) named |= strncmp(rec[i].text, "lstm.h[2,3] = 6", 15) == 0;
    CHECK(g.rows == 5 && g.hover_r == 3 && g.hover_c == 0 && named,
          "strip bar 3 of lstm.h[2] hovered as lstm.h[2,3] (rows %d, hover %d,%d, named %d)",
          g.rows, g.hover_r, g.hover_c, named);
}

/* ---- the gallery --------------------------------------------------------------- */

static ts_tensor *filled(const char *name, int rows, int cols, float lo, float hi, uint64_t seed) {
    ts_tensor *t = ts_new2(&arena, name, rows, cols);
    ts_rng rng;
    ts_rng_seed(&rng, seed);
    ts_rng_uniform_fill(&rng, t->data, ts_numel(t), lo, hi);
    return t;
}

static dg_cells gallery(void) {
    static const char *const words[] = { "the", "trophy", "did", "not", "fit", "in", "the", "suitcase" };
    static const char *const rows6[] = { "q0", "q1", "q2", "q3", "q4", "q5" };
    static const char *const digits[] = { "0", "1", "2", "3", "4", "5", "6", "7", "8", "9" };
    static const char *const gates[] = { "input", "forget", "cell", "output", "h0", "h1" };
    static ts_tensor *scores, *image, *patch, *hidden, *gate, *probs, *flat;
    if (!scores) {
        scores = filled("attn.scores", 6, 8, -2.5f, 3.0f, 1);
        image = filled("conv1.in", 28, 28, 0, 1, 2);
        patch = filled("pool1.out", 6, 6, 0, 4.0f, 3);
        patch->data[7] = 0.0042f;
        patch->data[8] = 0;
        patch->data[9] = 0.00031f;
        hidden = filled("lstm.h", 3, 12, -1, 1, 4);
        gate = filled("lstm.gates", 1, 6, -1.5f, 2.0f, 5);
        probs = ts_new1(&arena, "fc.softmax", 10);
        for (int i = 0; i < 10; i++) probs->data[i] = 0.00002f * (float)i;
        probs->data[8] = 0.0001f;
        probs->data[6] = 0.003f;
        probs->data[3] = 0.9997f - 0.003f - 0.0001f - 0.0009f;
        flat = ts_new1(&arena, "pool.ties", 4);
    }
    dg_rect stage = dg_stage(), rows[2], top[3], bot[5];
    dg_split_rows(stage, 2, DG_GAP, (const float[]){ 1.6f, 1 }, rows);
    dg_split_cols(rows[0], 3, DG_GAP, NULL, top);
    dg_split_cols(rows[1], 5, DG_GAP, (const float[]){ 1.5f, 1, 1, 1, 1 }, bot);
    dg_cells first = dg_matrix(top[0], &(dg_src){ .t = scores },
              &(dg_matrix_style){ .mode = DG_HEAT_NUMBERS, .row_labels = rows6, .col_labels = words,
                                  .unit = "score" });
    dg_window w = { 10, 12, 5, 5, { 0, 0, 0, 0 } };
    dg_matrix(top[1], &(dg_src){ .t = image },
              &(dg_matrix_style){ .windows = &w, .window_count = 1, .unit = "pixel",
                                  .reveal = 0.6f });   /* mid-animation */
    dg_window pw = { -1, -1, 3, 3, { 0, 0, 0, 0 } };
    dg_matrix(top[2], &(dg_src){ .t = patch },
              &(dg_matrix_style){ .mode = DG_NUMBERS, .r0 = -1, .c0 = -1, .rows = 8, .cols = 8,
                                  .windows = &pw, .window_count = 1 });
    static const char *const sentence[] = { "the", "trophy", "would", "not", "fit", "in", "the",
                                            "brown", "suitcase", "because", "it", "was" };
    dg_strip(bot[0], &(dg_src){ .t = hidden, .lead = { 1 } },
             &(dg_strip_style){ .values = true, .labels = sentence });
    dg_strip(bot[1], &(dg_src){ .t = gate }, &(dg_strip_style){ .bars = true, .vertical = true,
                                                                .values = true, .labels = gates });
    dg_bars(bot[2], &(dg_src){ .t = probs },
            &(dg_bars_style){ .title = "softmax", .labels = digits, .sorted = true, .top = 5 });
    dg_rect b3[2];
    dg_split_rows(bot[3], 2, 8, NULL, b3);
    dg_bars(b3[0], &(dg_src){ .t = probs }, &(dg_bars_style){ .vertical = true, .mark = 4 });
    dg_bars(b3[1], &(dg_src){ .t = flat }, &(dg_bars_style){ .title = "ties" });
    dg_strip(bot[4], &(dg_src){ .t = gate }, &(dg_strip_style){ .bars = true, .values = true,
                                                                .title = "gates" });
    return first;
}

static void write_png(const char *dir, const char *name, int w, int h) {
    char path[1024], err[256];
    uint8_t *px = malloc((size_t)w * (size_t)h * 4);
    if (!px) return;
    gfx_target_read(target, px);
    snprintf(path, sizeof path, "%s/%s-%dx%d.png", dir, name, w, h);
    if (!gfx_png_write(path, px, w, h, err, sizeof err)) fprintf(stderr, "%s\n", err);
    else fprintf(stderr, "wrote %s\n", path);
    free(px);
}

static void test_gallery(const char *png_dir, int w, int h) {
    static gfx_text_rec rec[8192];
    frame(w, h);
    gfx_text_log(rec, 8192);
    dg_frame_begin(&ui_theme_dark, -1, -1, 0);
    dg_cells first = gallery();
    dg_frame_end();
    int n = gfx_text_log_count();
    gfx_text_log(NULL, 0);
    gfx_frame_end();
    char where[64];
    snprintf(where, sizeof where, "gallery at %dx%d", w, h);
    int bad = layout_check(rec, n < 8192 ? n : 8192, gfx_canvas_w(), gfx_canvas_h(), where, stderr);
    CHECK(bad == 0 && n > 50, "%s: %d layout violations in %d texts", where, bad, n);
    if (!png_dir) return;
    write_png(png_dir, "gallery", w, h);
    /* the same with the pointer on a cell: outline, tooltip, links */
    dg_rect c = dg_cell_rect(&first, 2, 3);
    for (int pass = 0; pass < 2; pass++) {   /* the second frame shows the links */
        frame(w, h);
        dg_frame_begin(&ui_theme_dark, c.x + c.w / 2, c.y + c.h / 2, 0);
        gallery();
        dg_frame_end();
        gfx_frame_end();
    }
    write_png(png_dir, "gallery-hover", w, h);
}

int main(void) {
    char err[512];
    gfx_window *win = gfx_window_open(&(gfx_window_desc){ .title = "test_diagram", .width = 64,
                                                          .height = 64, .hidden = true },
                                      err, sizeof err);
    if (!win || !gfx_init(&(gfx_desc){ 0 }, err, sizeof err)) {
        fprintf(stderr, "test_diagram: %s\n", err);
        if (win) gfx_window_close(win);
        printf("0 passed, 1 failed\n");
        return 1;
    }
    const char *png = getenv("TS_DIAGRAM_PNG");
    test_fmt();
    test_layout_helpers();
    test_layout_check();
    test_canvas_aspect();
    test_matrix_hover();
    test_matrix_bounds();
    test_bars_crowded();
    test_bars_values_and_strip_hover();
    test_gallery(png, png ? 1920 : 480, png ? 1080 : 270);
    test_gallery(png, png ? 1024 : 256, png ? 768 : 192);
    gfx_target_bind(NULL);
    gfx_target_free(target);
    ts_arena_free(&arena);
    gfx_shutdown();
    gfx_window_close(win);
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
