/* test_diagram_plots.c: the plot, plane, block, equation and callout
 * elements of the diagram library, headless.
 *
 * - axis ticks: 1-2-5 steps on linear axes, decades (1e-3, 0.01, 0.1, 1) on
 *   log axes, 1-2-5 multiples when a log range spans less than a decade;
 * - plot: the pointer on a sample hovers it, the tooltip names the series'
 *   tensor, index and value and the series label; the sample is linked in
 *   the next frame; log axes skip non-positive values; a column of a
 *   matrix plotted in place (stride) hovers its own element;
 * - plane: equal scale on both axes; the pointer on one of 2,000 points
 *   hovers that point with "name[i,:] = (x, y)"; a point hovered elsewhere
 *   is linked;
 * - equation: hovering a linked term links its element; a line too wide for
 *   its box shrinks to DG_TEXT_MIN, wraps and stays inside the box;
 * - operator nodes grow so their symbol is at least DG_TEXT_LABEL;
 * - a gallery of all these elements at 1920x1080 and 1024x768 keeps every
 *   text box legible: nothing below DG_TEXT_MIN, off the canvas or
 *   overlapping (layout_check.h).
 * Prints the time to draw a plane of 2,000 points. With TS_DIAGRAM_PNG=DIR
 * the gallery frames are written there as PNG, to look at.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "diagram/axis.h"
#include "diagram/diagram.h"
#include "gfx/gfx.h"
#include "kernel/tensor.h"
#include "kernel/train.h"
#include "layout_check.h"

#include "app_check.h"

/* ---- axes ------------------------------------------------------------------------ */

static void check_ticks(float lo, float hi, bool log, int max_n, const char *want) {
    dg_axis a = { .lo = lo, .hi = hi, .log = log };
    dg_axis_fix(&a);
    dg_axis_ticks(&a, max_n);
    char got[256] = "";
    for (int i = 0; i < a.n; i++) {
        strcat(got, i ? " " : "");
        strcat(got, a.label[i]);
    }
    CHECK(strcmp(got, want) == 0, "ticks %g..%g%s max %d: \"%s\", want \"%s\"", (double)lo,
          (double)hi, log ? " log" : "", max_n, got, want);
}

static void test_axis(void) {
    check_ticks(0, 40, false, 6, "0 10 20 30 40");
    check_ticks(-1.5f, 2.5f, false, 9, "-1.5 -1.0 -0.5 0 0.5 1.0 1.5 2.0 2.5");
    check_ticks(0.0f, 0.0042f, false, 5, "0 0.001 0.002 0.003 0.004");
    check_ticks(1e-3f, 1.0f, true, 8, "1e-3 0.01 0.1 1");
    check_ticks(1e-6f, 1e2f, true, 5, "1e-6 1e-4 0.01 1 100");
    check_ticks(0.03f, 0.8f, true, 8, "0.05 0.1 0.2 0.5");
    check_ticks(1e-18f, 0.3f, true, 5, "1e-16 1e-12 1e-8 1e-4");
    dg_axis a = { .lo = 0.01f, .hi = 100, .log = true };
    CHECK(fabsf(dg_axis_map(&a, 1.0f, 0, 400) - 200) < 0.01f, "log map of 1 is the middle");
    CHECK(isnan(dg_axis_map(&a, 0.0f, 0, 400)) && isnan(dg_axis_map(&a, -1.0f, 0, 400)),
          "a log axis cannot show 0 or -1");
    dg_axis flat = { .lo = 3, .hi = 3 };
    dg_axis_fix(&flat);
    CHECK(flat.lo < 3 && flat.hi > 3, "a flat range is widened: %g..%g", flat.lo, flat.hi);
}

/* ---- frames ------------------------------------------------------------------------ */

static gfx_target *target;
static int tw, th_;
static gfx_text_rec rec[8192];

static void frame(int w, int h, float mx, float my) {
    if (w != tw || h != th_) {
        char err[256];
        gfx_target_free(target);
        target = gfx_target_new(w, h, err, sizeof err);
        tw = w;
        th_ = h;
    }
    gfx_target_bind(target);
    gfx_frame_begin(w, h, ui_theme_dark.bg, ui_theme_dark.letterbox);
    gfx_text_log(rec, 8192);
    dg_frame_begin(&ui_theme_dark, mx, my, 1.25);
}

/* Ends the frame; returns the number of text records. */
static int frame_end(void) {
    dg_frame_end();
    int n = gfx_text_log_count();
    gfx_text_log(NULL, 0);
    gfx_frame_end();
    return n < 8192 ? n : 8192;
}

static bool drew(int n, const char *prefix) {
    for (int i = 0; i < n; i++)
        if (strncmp(rec[i].text, prefix, strlen(prefix)) == 0) return true;
    return false;
}

static ts_arena arena;
static ts_tensor *loss_a, *loss_b, *pts, *field;
static int cls[2000];
static float ep[30];

static void make_data(void) {
    loss_a = ts_new1(&arena, "loss.sgd", 30);
    loss_b = ts_new1(&arena, "loss.adam", 30);
    for (int i = 0; i < 30; i++) {
        ep[i] = (float)(i + 1);
        loss_a->data[i] = 0.7f * expf(-0.05f * (float)i);
        loss_b->data[i] = 0.7f * expf(-0.18f * (float)i);
    }
    loss_a->data[4] = 0;         /* not drawable on a log axis */
    loss_a->data[5] = -1;
    pts = ts_new2(&arena, "moons.x", 2000, 2);
    ts_two_moons(pts->data, cls, 2000, 0.1f, 7);
    field = ts_new2(&arena, "p1", 32, 32);
    for (int r = 0; r < 32; r++)
        for (int c = 0; c < 32; c++) field->data[r * 32 + c] = (float)(r + c) / 62.0f;
}

static dg_rect plot_rect = { 100, 100, 900, 600 };

static dg_pt draw_plot(void) {
    dg_plot *p = dg_plot_begin(plot_rect, &(dg_plot_style){ .title = "loss", .xlabel = "epoch",
                                                             .ylabel = "loss", .ylog = true });
    dg_plot_line(p, &(dg_series){ .label = "SGD", .x = ep, .y = loss_a->data, .n = 30, .t = loss_a });
    dg_plot_line(p, &(dg_series){ .label = "Adam", .x = ep, .y = loss_b->data, .n = 30, .t = loss_b,
                                  .points = true });
    dg_pt s7 = dg_plot_to_canvas(p, ep[7], loss_b->data[7]);
    dg_plot_marker(p, ep[10], loss_b->data[10], "epoch 11");
    dg_plot_vline(p, ep[20], "lr drop");
    dg_pt bad = dg_plot_to_canvas(p, ep[4], 0.0f);
    CHECK(isnan(bad.y), "a zero on a log axis has no position");
    dg_plot_end(p);
    return s7;
}

static void test_plot_hover(void) {
    frame(320, 180, -1, -1);
    dg_pt s7 = draw_plot();
    frame_end();
    CHECK(dg_contains(plot_rect, s7.x, s7.y), "sample 7 at %g,%g is inside the plot", s7.x, s7.y);
    frame(320, 180, s7.x + 5, s7.y - 4);
    dg_pt again = draw_plot();
    int n = frame_end();
    CHECK(fabsf(again.x - s7.x) < 0.01f && fabsf(again.y - s7.y) < 0.01f, "the layout is stable");
    char want[64];
    snprintf(want, sizeof want, "loss.adam[7] = %.6g", (double)loss_b->data[7]);
    CHECK(drew(n, want), "the tooltip reads %s", want);
    CHECK(drew(n, "Adam: epoch 8, loss"), "the tooltip names the series and x");
    frame(320, 180, -1, -1);
    CHECK(dg_linked(loss_b, (int[]){ 7 }), "the hovered sample is linked next frame");
    CHECK(!dg_linked(loss_a, (int[]){ 7 }), "the other series is not");
    frame_end();

    /* a column of a [steps, 3] tensor, plotted in place */
    ts_tensor *load = ts_new2(&arena, "router.load", 30, 3);
    for (int i = 0; i < 90; i++) load->data[i] = 0.2f + 0.01f * (float)i;
    dg_series col = { .label = "expert 1", .y = load->data + 1, .stride = 3, .n = 30, .t = load };
    frame(320, 180, -1, -1);
    dg_plot *p = dg_plot_begin(plot_rect, NULL);
    dg_plot_line(p, &col);
    dg_pt q = dg_plot_to_canvas(p, 12, load->data[12 * 3 + 1]);
    dg_plot_end(p);
    frame_end();
    frame(320, 180, q.x, q.y);
    p = dg_plot_begin(plot_rect, NULL);
    dg_plot_line(p, &col);
    dg_plot_end(p);
    int m = frame_end();
    snprintf(want, sizeof want, "router.load[12,1] = %.6g", (double)load->data[12 * 3 + 1]);
    CHECK(drew(m, want), "a strided series hovers its element: %s", want);
}

static dg_rect plane_rect = { 1000, 100, 800, 800 };

static dg_plane *begin_plane(void) {
    return dg_plane_begin(plane_rect, &(dg_plane_style){ .title = "moons", .xlabel = "x1",
                                                         .ylabel = "x2", .x_lo = -1.5f, .x_hi = 2.5f,
                                                         .y_lo = -1, .y_hi = 1.5f });
}

static void test_plane_hover(void) {
    frame(320, 180, -1, -1);
    dg_plane *p = begin_plane();
    dg_pt a = dg_plane_to_canvas(p, 0, 0), b = dg_plane_to_canvas(p, 1, 1);
    dg_pt q = dg_plane_to_canvas(p, pts->data[2 * 123], pts->data[2 * 123 + 1]);
    dg_plane_end(p);
    frame_end();
    CHECK(fabsf((b.x - a.x) + (b.y - a.y)) < 0.01f && b.x > a.x, "equal scale: one unit is %g x %g",
          b.x - a.x, a.y - b.y);
    /* the nearest of 2000 points to the pointer; put the pointer on it */
    frame(320, 180, q.x, q.y);
    p = begin_plane();
    dg_plane_points(p, &(dg_src){ .t = pts }, 2000, cls, (gfx_color){ 0 }, 5);
    dg_plane_end(p);
    int n = frame_end();
    int hovered = -1;
    float best = INFINITY;
    for (int i = 0; i < 2000; i++) {
        float d = hypotf(pts->data[2 * i] - pts->data[2 * 123], pts->data[2 * i + 1] - pts->data[2 * 123 + 1]);
        if (d < best) { best = d; hovered = i; }
    }
    char want[64];
    snprintf(want, sizeof want, "moons.x[%d,:] = (", hovered);
    CHECK(drew(n, want), "the tooltip reads %s...", want);
    frame(320, 180, -1, -1);
    CHECK(dg_linked(pts, (int[]){ hovered, 0 }), "the point is linked next frame");
    frame_end();
}

static void test_equation(void) {
    ts_tensor *g = ts_new2(&arena, "gates", 1, 4);
    for (int i = 0; i < 4; i++) g->data[i] = 0.25f * (float)i - 0.4f;
    dg_term t[] = {
        { .text = "c =" }, { .text = "-0.4", .ref = { g, { 0, 0 } } }, { .text = "\xc3\x97" },
        { .text = "0.1", .ref = { g, { 0, 2 } } }, { .text = "+" },
        { .text = "0.35", .ref = { g, { 0, 3 } }, .bold = true },
        { .text = "bad", .ref = { g, { 0, 9 } } },     /* out of range: plain text */
    };
    dg_rect r = { 300, 300, 900, 80 };
    float cx = 0, cy = 0;
    frame(320, 180, -1, -1);
    dg_equation(r, t, 7, DG_TEXT_H2);
    int n = frame_end();
    for (int i = 0; i < n; i++)
        if (strcmp(rec[i].text, "0.1") == 0) { cx = rec[i].x + rec[i].w / 2; cy = rec[i].y + rec[i].h / 2; }
    CHECK(cx > r.x && cx < r.x + r.w, "the term 0.1 is drawn in its box");
    frame(320, 180, cx, cy);
    dg_equation(r, t, 7, DG_TEXT_H2);
    n = frame_end();
    CHECK(drew(n, "gates[0,2] = 0.1"), "hovering the term names its element");
    frame(320, 180, -1, -1);
    CHECK(dg_linked(g, (int[]){ 0, 2 }), "the term's element is linked next frame");
    frame_end();

    /* too wide: shrinks to the floor, wraps, stays inside */
    dg_rect narrow = { 300, 300, 200, 400 };
    frame(320, 180, -1, -1);
    float s = dg_equation(narrow, t, 7, DG_TEXT_H2);
    n = frame_end();
    CHECK(s >= DG_TEXT_MIN, "size %g", s);
    float top = INFINITY, bottom = -INFINITY;
    int outside = 0;
    for (int i = 0; i < n; i++) {
        outside += rec[i].x < narrow.x - 1 || rec[i].x + rec[i].w > narrow.x + narrow.w + 1;
        top = fminf(top, rec[i].y);
        bottom = fmaxf(bottom, rec[i].y + rec[i].h);
    }
    CHECK(outside == 0 && bottom - top > 2 * DG_TEXT_MIN, "wrapped inside (%d outside, %g high)",
          outside, bottom - top);
}

static void test_op(void) {
    frame(320, 180, -1, -1);
    dg_op((dg_pt){ 500, 500 }, 6, "tanh", NULL);
    int n = frame_end();
    CHECK(n == 1 && rec[0].size >= DG_TEXT_LABEL - 0.01f, "tanh in a tiny node is drawn at %g",
          n ? rec[0].size : 0);
    frame(320, 180, -1, -1);
    dg_rect c = dg_box((dg_rect){ 100, 100, 400, 300 }, "expert 3", NULL);
    frame_end();
    CHECK(c.x > 100 && c.y > 130 && c.x + c.w < 500 && c.y + c.h < 400 && c.w > 300,
          "box content %g,%g %gx%g", c.x, c.y, c.w, c.h);
}

/* ---- the gallery ------------------------------------------------------------------ */

static void gallery(void) {
    static float band_lo[30], band_hi[30], dxy[40], traj[12 * 10 * 2];
    static int regions[16 * 16];
    for (int i = 0; i < 30; i++) {
        band_lo[i] = loss_b->data[i] * 0.7f;
        band_hi[i] = loss_b->data[i] * 1.4f;
    }
    for (int i = 0; i < 20; i++) {
        dxy[2 * i] = -pts->data[2 * i] * 0.3f;
        dxy[2 * i + 1] = -pts->data[2 * i + 1] * 0.3f;
    }
    for (int s = 0; s < 12; s++)
        for (int j = 0; j < 10; j++) {
            traj[(s * 10 + j) * 2] = pts->data[2 * j] * (1 - 0.05f * (float)s);
            traj[(s * 10 + j) * 2 + 1] = pts->data[2 * j + 1] * (1 - 0.05f * (float)s);
        }
    for (int r = 0; r < 16; r++)
        for (int c = 0; c < 16; c++) regions[r * 16 + c] = (r + c / 2) % 3;

    dg_rect stage = dg_stage(), rows[2], top[3], bot[3];
    dg_split_rows(stage, 2, DG_GAP, (const float[]){ 1.4f, 1 }, rows);
    dg_split_cols(rows[0], 3, DG_GAP, (const float[]){ 1.3f, 1, 1 }, top);
    dg_split_cols(rows[1], 3, DG_GAP, (const float[]){ 1.2f, 1, 1 }, bot);
    dg_plot *p = dg_plot_begin(top[0], &(dg_plot_style){ .title = "loss", .xlabel = "epoch",
                                                         .ylabel = "cross-entropy", .ylog = true });
    dg_plot_band(p, ep, band_lo, band_hi, 30, dg_category(1));
    dg_plot_line(p, &(dg_series){ .label = "SGD", .x = ep, .y = loss_a->data, .n = 30 });
    dg_plot_line(p, &(dg_series){ .label = "Adam", .x = ep, .y = loss_b->data, .n = 30, .points = true });
    dg_plot_vline(p, 12, "warm-up ends");
    dg_plot_marker(p, ep[20], loss_b->data[20], "epoch 21");
    dg_plot_end(p);
    dg_plane *q = dg_plane_begin(top[1], &(dg_plane_style){ .title = "field", .x_lo = -1.5f,
                                                            .x_hi = 2.5f, .y_lo = -1.5f, .y_hi = 2.5f });
    dg_plane_field(q, &(dg_src){ .t = field }, 0, 0, DG_CMAP_AUTO, "P(1)");
    dg_plane_points(q, &(dg_src){ .t = pts }, 400, cls, (gfx_color){ 0 }, 5);
    dg_plane_arrows(q, pts->data, dxy, 20, 1, (gfx_color){ 0 });
    dg_plane_end(q);
    q = dg_plane_begin(top[2], &(dg_plane_style){ .title = "regions", .no_legend = true });
    dg_plane_regions(q, regions, 16, 16, "class");
    dg_plane_trails(q, traj, 12, 10, (gfx_color){ 0 });
    dg_plane_end(q);

    dg_rect a = { bot[0].x, bot[0].y + 20, 220, 110 }, b = { bot[0].x + bot[0].w - 220, bot[0].y + 20, 220, 110 };
    dg_box(a, "router", &(dg_box_style){ .highlight = true });
    dg_box(b, "expert 1", &(dg_box_style){ .dim = true });
    dg_pt o = { bot[0].x + bot[0].w * 0.5f, bot[0].y + bot[0].h - 60 };
    dg_edge(dg_anchor(a, DG_E), dg_anchor(b, DG_W), &(dg_edge_style){ .label = "0.62", .flow = 0.5f });
    dg_edge(dg_anchor(a, DG_S), (dg_pt){ o.x - 40, o.y }, &(dg_edge_style){ .route = DG_ELBOW_V, .label = "skip" });
    dg_edge(dg_anchor(b, DG_S), (dg_pt){ o.x + 40, o.y }, &(dg_edge_style){ .route = DG_CURVE });
    dg_op(o, 34, "+", NULL);
    dg_rect eq = bot[1], small = bot[1];
    eq.h = 80;
    small.y += 100;
    small.h -= 100;
    p = dg_plot_begin(small, &(dg_plot_style){ .title = "a small plot", .xlabel = "step" });
    dg_plot_line(p, &(dg_series){ .label = "train", .y = loss_b->data, .n = 30 });
    dg_plot_line(p, &(dg_series){ .label = "held out", .y = loss_a->data, .n = 30 });
    dg_plot_end(p);
    dg_equation(eq, (dg_term[]){ { .text = "y =" }, { .text = "0.62", .ref = { loss_a, { 2 } } },
                                 { .text = "\xc3\x97" }, { .text = "1.5" } }, 4, DG_TEXT_BODY);
    dg_callout((dg_rect){ bot[2].x + 40, bot[2].y + 20, bot[2].w - 40, 120 },
               (dg_pt){ bot[1].x + bot[1].w * 0.5f, bot[1].y + 200 },
               "A callout explains what it points at, in a box that fits its text.");
}

static void test_gallery(const char *png_dir, int w, int h) {
    frame(w, h, -1, -1);
    gallery();
    int n = frame_end();
    char where[64];
    snprintf(where, sizeof where, "plot gallery at %dx%d", w, h);
    int bad = layout_check(rec, n, gfx_canvas_w(), gfx_canvas_h(), where, stderr);
    CHECK(bad == 0 && n > 40, "%s: %d layout violations in %d texts", where, bad, n);
    if (png_dir) {
        char path[1024], err[256];
        uint8_t *px = malloc((size_t)w * (size_t)h * 4);
        gfx_target_read(target, px);
        snprintf(path, sizeof path, "%s/plots-%dx%d.png", png_dir, w, h);
        if (!gfx_png_write(path, px, w, h, err, sizeof err)) fprintf(stderr, "%s\n", err);
        else fprintf(stderr, "wrote %s\n", path);
        free(px);
    }
}

/* Time per frame of a 1920x1080 plane, empty and with 2000 points: wall
 * time, and the process's CPU time (all of llvmpipe's threads), which a
 * busy machine inflates less. Printed only: the machine decides it. */
static double cpu_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void time_plane(int npts, double *wall_ms, double *cpu_ms) {
    double t0 = ts_seconds(), c0 = cpu_seconds();
    int frames = 30;
    for (int f = 0; f < frames; f++) {
        frame(1920, 1080, 1200, 500);
        dg_plane *p = dg_plane_begin(dg_stage(), NULL);
        dg_plane_points(p, &(dg_src){ .t = pts }, npts, cls, (gfx_color){ 0 }, 5);
        dg_plane_end(p);
        frame_end();
        uint8_t px[4];
        gfx_read_pixels(1, 1, px);     /* wait for the renderer */
    }
    *wall_ms = (ts_seconds() - t0) * 1000 / frames;
    *cpu_ms = (cpu_seconds() - c0) * 1000 / frames;
}

static void time_points(void) {
    double w0, c0, w1, c1;
    time_plane(0, &w0, &c0);
    time_plane(2000, &w1, &c1);
    printf("plane at 1920x1080 per frame: empty %.1f ms wall, %.1f ms cpu; "
           "2000 points %.1f ms wall, %.1f ms cpu\n", w0, c0, w1, c1);
}

int main(void) {
    char err[512];
    gfx_window *win = gfx_window_open(&(gfx_window_desc){ .title = "test_diagram_plots", .width = 64,
                                                          .height = 64, .hidden = true },
                                      err, sizeof err);
    if (!win || !gfx_init(&(gfx_desc){ 0 }, err, sizeof err)) {
        fprintf(stderr, "test_diagram_plots: %s\n", err);
        if (win) gfx_window_close(win);
        printf("0 passed, 1 failed\n");
        return 1;
    }
    const char *png = getenv("TS_DIAGRAM_PNG");
    make_data();
    test_axis();
    test_plot_hover();
    test_plane_hover();
    test_equation();
    test_op();
    test_gallery(png, png ? 1920 : 480, png ? 1080 : 270);
    test_gallery(png, png ? 1024 : 256, png ? 768 : 192);
    time_points();
    gfx_target_bind(NULL);
    gfx_target_free(target);
    ts_arena_free(&arena);
    gfx_shutdown();
    gfx_window_close(win);
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
