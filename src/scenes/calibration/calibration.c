/* calibration.c: the projector test card a lecturer opens before class.
 *
 * It shows the title, text at every size the app uses (in all three fonts),
 * both colormaps with their legends, every shape primitive, and a grid with
 * corner marks and a centre circle for focus and keystone. Three beats
 * animate it, so it exercises every renderer feature and serves the tests;
 * three more (calib_diagram.c) show every element of the diagram library
 * that plots and block diagrams are drawn with.
 *
 * Dumps: "field" [16,16] (sequential, 0..1) and "signed" [16,16] (diverging,
 * -1..1), the two tensors behind the heatmaps, and the diagram beats'
 * tensors (calib_diagram.h); params: grid.
 *
 * Preset keys ([card]): label = TEXT (e.g. the room), grid = 60..240 (units
 * between grid lines), seed = 0..2^31 (the ripple of the signed field).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "calib_diagram.h"
#include "diagram/diagram.h"
#include "gfx/gfx.h"
#include "kernel/tensor.h"
#include "scene/scene.h"
#include "ui/ui.h"

#define N 16
#define HM_SIZE 300.0f

typedef struct calib {
    char label[96];
    int grid, seed;
    bool show_grid;
    ts_arena arena;
    ts_tensor *field, *sgn;
    int hover_map, hover_r, hover_c;   /* hovered heatmap cell; map -1 if none */
    calib_dg dg;                       /* the diagram beats' data */
} calib;

static const scene_beat beats[] = {
    {"Text and shapes",
     "Every text size the app uses, in all three fonts, and every shape. If the smallest line is "
     "readable from the back row, every scene will be.", 3.0f},
    {"Colormaps",
     "Sequential values use a perceptually uniform map, signed values a diverging map centred on "
     "zero. Every heatmap carries its scale.", 3.0f},
    {"Motion",
     "A window slides over the field cell by cell, the way a filter will. Motion is quick, then "
     "it holds so the room can read.", 4.0f, .motion = true},
    {"Plot and plane",
     "A loss curve on a log axis with a band and a moving marker; beside it a net's decision "
     "field with the data and the gradient at a few points.", 5.0f},
    {"Regions and trails",
     "Each optimiser's decision regions, and points walking down the loss of their own class.", 4.0f},
    {"Block diagram",
     "One LSTM step: boxes, gates, operators and edges with flowing values. Hover a number: "
     "the same number lights up everywhere it appears.", 4.0f},
};

static void calib_defaults(void *p) {
    calib *st = p;
    snprintf(st->label, sizeof st->label, "Projector test card");
    st->grid = 120;
    st->seed = 7;
    st->show_grid = true;
}

static bool calib_set(void *p, const char *sec, const char *key, const char *val,
                      char *err, size_t n) {
    calib *st = p;
    if (strcmp(sec, "card") != 0) return preset_unknown(sec, key, err, n);
    if (strcmp(key, "label") == 0) return preset_string(key, val, st->label, sizeof st->label, err, n);
    if (strcmp(key, "grid") == 0) return preset_int(key, val, 60, 240, &st->grid, err, n);
    if (strcmp(key, "seed") == 0) return preset_int(key, val, 0, 2147483647, &st->seed, err, n);
    if (strcmp(key, "show_grid") == 0) return preset_bool(key, val, &st->show_grid, err, n);
    return preset_unknown(sec, key, err, n);
}

/* Two fields with structure a projector can show: a radial bump (0..1) and a
 * signed ripple whose phase comes from the seed. */
static bool calib_init(void *p, char *err, size_t n) {
    (void)err; (void)n;
    calib *st = p;
    st->field = ts_new2(&st->arena, "field", N, N);
    st->sgn = ts_new2(&st->arena, "signed", N, N);
    ts_rng rng;
    ts_rng_seed(&rng, (uint64_t)st->seed);
    float phase = 6.2831853f * ts_rng_uniform(&rng);
    for (int r = 0; r < N; r++)
        for (int c = 0; c < N; c++) {
            float x = (c + 0.5f) / N - 0.5f, y = (r + 0.5f) / N - 0.5f;
            st->field->data[r * N + c] = expf(-(x * x + y * y) * 9.0f) * (0.75f + 0.25f * (float)c / (N - 1));
            st->sgn->data[r * N + c] = sinf(7.0f * x + phase) * cosf(5.0f * y);
        }
    st->hover_map = -1;
    calib_dg_init(&st->dg, &st->arena, st->seed);
    return true;
}

static void calib_shutdown(void *p) { ts_arena_free(&((calib *)p)->arena); }

/* Layout, shared by update (hit tests) and draw. */
static void map_rect(int m, float *x, float *y) { *x = 790; *y = m == 0 ? 170 : 540; }

static void calib_update(void *p, const scene_clock *c, ui_ctx *ui) {
    calib *st = p;
    if (c->beat >= CALIB_DG_FIRST_BEAT) return;     /* the diagram beats hover by themselves */
    ui_toggle(ui, "grid", 1340, 790, 200, &st->show_grid);
    ui_slider_int(ui, "grid step", 1560, 780, 300, &st->grid, 60, 240);
    st->hover_map = -1;
    for (int m = 0; m < 2; m++) {
        float x, y;
        map_rect(m, &x, &y);
        if (!ui_hover(ui, x, y, HM_SIZE, HM_SIZE)) continue;
        int col = (int)((ui->in.mouse_x - x) / (HM_SIZE / N)), row = (int)((ui->in.mouse_y - y) / (HM_SIZE / N));
        if (col < 0 || col >= N || row < 0 || row >= N) continue;
        st->hover_map = m; st->hover_r = row; st->hover_c = col;
        const ts_tensor *t = m ? st->sgn : st->field;
        ui_tooltipf(ui, "%s[%d, %d]\n= %+.5f", t->name, row, col, t->data[row * N + col]);
    }
}

static void draw_grid(const calib *st, const ui_theme *th) {
    float W = gfx_canvas_w(), H = gfx_canvas_h();
    gfx_color g = th->grid;
    for (float x = (float)st->grid; x < W; x += (float)st->grid) gfx_line(x, 0, x, H, 1.5f, g);
    for (float y = (float)st->grid; y < H; y += (float)st->grid) gfx_line(0, y, W, y, 1.5f, g);
    /* corner marks and a centre circle: keystone shows as unequal corners, an oval circle */
    float m = 14, L = 70;
    gfx_color a = th->accent2;
    gfx_line(m, m, m + L, m, 5, a);         gfx_line(m, m, m, m + L, 5, a);
    gfx_line(W - m, m, W - m - L, m, 5, a); gfx_line(W - m, m, W - m, m + L, 5, a);
    gfx_line(m, H - m, m + L, H - m, 5, a); gfx_line(m, H - m, m, H - m - L, 5, a);
    gfx_line(W - m, H - m, W - m - L, H - m, 5, a); gfx_line(W - m, H - m, W - m, H - m - L, 5, a);
    gfx_circle_line(W / 2, H / 2, 420, 2, gfx_fade(a, 0.6f));
    gfx_line(W / 2 - 30, H / 2, W / 2 + 30, H / 2, 2, a);
    gfx_line(W / 2, H / 2 - 30, W / 2, H / 2 + 30, 2, a);
}

static void draw_text_ladder(const ui_theme *th, float a) {
    static const int sizes[] = {UI_TITLE, UI_H2, UI_BODY, UI_LABEL, UI_SMALL};
    static const char *const names[] = {"title", "heading", "body", "label", "small"};
    float y = 190;
    gfx_color dim = gfx_fade(th->text_dim, a), fg = gfx_fade(th->text, a);
    for (int i = 0; i < 5; i++) {
        float s = (float)sizes[i];
        gfx_textf(60, y, UI_SMALL, GFX_MONO, GFX_LEFT | GFX_MIDDLE, dim, "%-7s %2d", names[i], sizes[i]);
        gfx_text(250, y, s, i == 0 ? GFX_BOLD : GFX_SANS, GFX_LEFT | GFX_MIDDLE, fg,
                 i == 0 ? "Softmax \xce\xb1\xce\xb2" : "Attention \xc2\xb7 ReLU \xce\xb1\xce\xb2\xce\xb3");
        y += s * 1.25f + 22;
    }
    y += 10;
    gfx_text(60, y, UI_BODY, GFX_MONO, GFX_LEFT | GFX_MIDDLE, fg, "mono  0.1234  -5.678e-3  3\xc3\x97" "3");
    y += 56;
    gfx_text(60, y, UI_BODY, GFX_BOLD, GFX_LEFT | GFX_MIDDLE, gfx_fade(th->accent, a), "bold accent  \xe2\x88\x9a" "d\xe2\x82\x96  \xe2\x89\xa4  \xe2\x86\x92");
    y += 56;
    gfx_text_box(60, y - 20, 640, UI_LABEL, GFX_SANS, GFX_LEFT, dim,
                 "A paragraph wraps inside its box, so captions and tooltips never run off the screen.");
}

static void draw_shapes(const ui_theme *th, float a) {
    float x0 = 1340, y0 = 170;
    gfx_color acc = gfx_fade(th->accent, a), acc2 = gfx_fade(th->accent2, a), acc3 = gfx_fade(th->accent3, a);
    gfx_color fg = gfx_fade(th->text, a), dim = gfx_fade(th->text_dim, a);
    gfx_text(x0, y0 - 30, UI_LABEL, GFX_BOLD, GFX_LEFT | GFX_MIDDLE, dim, "shapes");
    gfx_rect(x0, y0, 110, 80, acc);
    gfx_rrect(x0 + 140, y0, 110, 80, 18, acc2);
    gfx_rrect_line(x0 + 280, y0, 110, 80, 18, 4, acc3);
    gfx_circle(x0 + 460, y0 + 40, 40, acc);
    /* line thicknesses: thin ones must survive at 720p */
    static const float thick[] = {1, 2, 4, 8};
    for (int i = 0; i < 4; i++) {
        float y = y0 + 130 + i * 36;
        gfx_line(x0, y, x0 + 300, y, thick[i], fg);
        gfx_textf(x0 + 320, y, UI_SMALL, GFX_MONO, GFX_LEFT | GFX_MIDDLE, dim, "%g", thick[i]);
    }
    gfx_arrow(x0 + 380, y0 + 130, x0 + 520, y0 + 230, 4, acc2);
    gfx_circle_line(x0 + 460, y0 + 330, 50, 3, acc3);
    float xy[2 * 41];
    for (int i = 0; i <= 40; i++) {
        xy[2 * i] = x0 + (float)i * 10;
        xy[2 * i + 1] = y0 + 420 + 40 * sinf((float)i * 0.35f);
    }
    gfx_polyline(xy, 41, 4, acc);
    gfx_text(x0, y0 + 490, UI_SMALL, GFX_SANS, GFX_LEFT | GFX_MIDDLE, dim, "polyline, arrow, circles, rounded boxes");
}

static void draw_maps(const calib *st, const scene_clock *c, const ui_theme *th) {
    float reveal = c->beat >= 1 ? (c->beat == 1 ? scene_between(c, 0, 0.7f) : 1) : 0;
    if (reveal <= 0) return;
    int rows = (int)ceilf(reveal * N);
    for (int m = 0; m < 2; m++) {
        float x, y;
        map_rect(m, &x, &y);
        const ts_tensor *t = m ? st->sgn : st->field;
        int cmap = m ? GFX_CMAP_DIVERGING : GFX_CMAP_SEQUENTIAL;
        float lo = m ? -1 : 0, hi = 1;
        gfx_text(x, y - 30, UI_LABEL, GFX_BOLD, GFX_LEFT | GFX_MIDDLE, th->text_dim,
                 m ? "diverging: signed field" : "sequential: field");
        gfx_heatmap(x, y, HM_SIZE, HM_SIZE * (float)rows / N, t->data, rows, N, lo, hi, cmap);
        gfx_rrect_line(x - 2, y - 2, HM_SIZE + 4, HM_SIZE + 4, 4, 2, th->panel_edge);
        gfx_legend(x + HM_SIZE + 24, y, 26, HM_SIZE, lo, hi, cmap, NULL, th->text_dim);
        if (st->hover_map == m) {
            float cs = HM_SIZE / N;
            gfx_rrect_line(x + st->hover_c * cs - 2, y + st->hover_r * cs - 2, cs + 4, cs + 4, 3, 3, th->accent);
        }
    }
}

/* Beat 3: a 3x3 window walks the field; the readout shows the kernel's value. */
static void draw_window(const calib *st, const scene_clock *c, const ui_theme *th) {
    if (c->beat < 2) return;
    float x, y, cs = HM_SIZE / N;
    map_rect(0, &x, &y);
    int steps = (N - 2) * (N - 2);
    int k = (int)(scene_between_linear(c, 0, 0.85f) * (float)(steps - 1));
    int r = k / (N - 2), col = k % (N - 2);
    gfx_rrect_line(x + col * cs - 3, y + r * cs - 3, 3 * cs + 6, 3 * cs + 6, 5, 5, th->accent);
    float centre = st->field->data[(r + 1) * N + col + 1];
    float rx = x + (col + 1.5f) * cs, ry = y + (r + 1.5f) * cs;
    gfx_arrow(rx, ry, 1240, 505, 3, th->accent);
    gfx_rrect(1240, 480, 330, 56, 12, th->panel);
    gfx_textf(1256, 508, UI_BODY, GFX_MONO, GFX_LEFT | GFX_MIDDLE, th->text, "field[%d,%d] %.3f", r + 1, col + 1, centre);
}

static void calib_draw(const void *p, const scene_clock *c, const ui_theme *th) {
    const calib *st = p;
    if (c->beat >= CALIB_DG_FIRST_BEAT) {
        calib_dg_draw(&st->dg, c->beat - CALIB_DG_FIRST_BEAT, c);
        return;
    }
    if (st->show_grid) draw_grid(st, th);
    gfx_text(60, 80, UI_TITLE, GFX_BOLD, GFX_LEFT | GFX_MIDDLE, th->text, "Calibration");
    gfx_text(60 + gfx_text_width(UI_TITLE, GFX_BOLD, "Calibration") + 30, 86, UI_BODY, GFX_SANS,
             GFX_LEFT | GFX_MIDDLE, th->text_dim, st->label);
    float a = c->beat == 0 ? scene_between(c, 0, 0.5f) : 1;
    draw_text_ladder(th, a);
    draw_shapes(th, c->beat == 0 ? scene_between(c, 0.3f, 0.8f) : 1);
    draw_maps(st, c, th);
    draw_window(st, c, th);
}

static void calib_dump(const void *p, const scene_clock *c, ts_dump *d) {
    (void)c;
    const calib *st = p;
    ts_dump_param(d, "grid", st->grid);
    ts_dump_param(d, "seed", st->seed);
    ts_dump_tensor(d, st->field);
    ts_dump_tensor(d, st->sgn);
    calib_dg_dump(&st->dg, d);
}

static const ui_help_key calib_help[] = {
    {"grid", "toggle the focus grid over the card"},
    {"grid step", "drag to change the grid's spacing"},
    {"hover", "a colormap cell: its value and colour"},
};

const scene_kind scene_calibration = {
    .name = "calibration",
    .title = "Calibration",
    .group = "Setup",
    .summary = "A projector test card: text sizes, colormaps, shapes, a focus grid.",
    .beats = beats,
    .beat_count = (int)(sizeof beats / sizeof beats[0]),
    .state_size = sizeof(calib),
    .defaults = calib_defaults,
    .set = calib_set,
    .init = calib_init,
    .update = calib_update,
    .draw = calib_draw,
    .dump = calib_dump,
    .help = calib_help,
    .help_count = (int)(sizeof calib_help / sizeof calib_help[0]),
    .shutdown = calib_shutdown,
};
