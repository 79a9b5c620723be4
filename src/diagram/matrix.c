/* matrix.c: a 2-D slice of a tensor as a heatmap, a grid of numbers, or both.
 *
 *   dg_cells g = dg_matrix(rect, &(dg_src){ .t = conv1_out, .lead = {0, ch} },
 *                          &(dg_matrix_style){ .mode = DG_HEAT_NUMBERS,
 *                                              .windows = &win, .window_count = 1 });
 *   dg_rect cell = dg_cell_rect(&g, 2, 3);      // for a connector or a callout
 *
 * Layout, inside the rect: the title on top (the tensor name and slice by
 * default), column labels over the grid, row labels left of it, the colour
 * legend right of the grid (or under it when that leaves bigger cells). Cells
 * are square (or `aspect` times as wide as tall), as large as fit but at most
 * max_cell tall, and the whole block is centred in the rect. Labels shrink toward DG_TEXT_MIN to fit their cell;
 * column labels wider than a cell alternate between two lines, or turn up
 * (gfx_text_up) when two cells are not enough; labels that still collide
 * are thinned (every k-th shown). Numbers are
 * formatted by dg_fmt to the width of a cell at one size for the whole grid;
 * when a cell cannot hold a 4-character number at DG_TEXT_MIN, cells show
 * only colour (DG_NUMBERS then falls back to the heatmap).
 *
 * The shown window (r0, c0, rows, cols) may pass the slice's edges: those
 * cells are zero padding, drawn as empty panels (a dim "0" with numbers) and
 * hovered as padding. Windows (outlines) are given in slice coordinates, so a
 * 3x3 filter window at (-1, -1) outlines the top-left padding corner.
 *
 * Every cell is a hover item with its full index in the tensor's shape; a
 * cell whose element is hovered anywhere (dg_linked) is outlined.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "diagram/dg_internal.h"

#define LABEL_GAP 10.0f
#define LEGEND_GAP 28.0f
#define LEGEND_V_W 118.0f     /* a vertical dg_legend: bar, ticks and their text */
#define LEGEND_V_MIN_H 170.0f
#define LEGEND_H_H 100.0f     /* a horizontal one: label, bar, ticks */
#define LEGEND_H_MIN_W 260.0f
/* Cell numbers: DejaVu Sans has equal-width digits and a narrow point and
 * minus, so a cell holds one more character than in the mono face. */
#define NUM_FONT GFX_SANS
#define PAD_MAX 4             /* shown cells per side beyond which a window is refused */

static bool slice_open(dg__grid *m, const dg_src *src, const dg_matrix_style *s) {
    const ts_tensor *t = src->t;
    if (!t || !t->data || t->ndim < 0 || t->ndim > TS_MAX_DIMS) return false;
    memset(m, 0, sizeof *m);
    m->t = t;
    m->nd = t->ndim;
    m->nlead = t->ndim > 2 ? t->ndim - 2 : 0;
    m->rdim = t->ndim >= 2 ? t->ndim - 2 : -1;
    m->cdim = t->ndim >= 1 ? t->ndim - 1 : -1;
    m->R = m->rdim >= 0 ? t->shape[m->rdim] : 1;
    m->C = m->cdim >= 0 ? t->shape[m->cdim] : 1;
    m->rs = m->rdim >= 0 ? t->stride[m->rdim] : 0;
    m->cs = m->cdim >= 0 ? t->stride[m->cdim] : 0;
    for (int d = 0; d < m->nlead; d++) {
        if (src->lead[d] < 0 || src->lead[d] >= t->shape[d]) return false;
        m->idx[d] = src->lead[d];
        m->base += (size_t)src->lead[d] * (size_t)t->stride[d];
    }
    return dg__grid_window(m, s->r0, s->c0, s->rows, s->cols);
}

bool dg__grid_window(dg__grid *m, int r0, int c0, int rows, int cols) {
    m->r0 = r0;
    m->c0 = c0;
    m->rows = rows > 0 ? rows : m->R - r0;
    m->cols = cols > 0 ? cols : m->C - c0;
    /* padding is a few cells around the slice, never a window far away */
    return m->R > 0 && m->C > 0 && m->rows > 0 && m->cols > 0 && m->r0 >= -PAD_MAX &&
           m->c0 >= -PAD_MAX && m->r0 + m->rows <= m->R + PAD_MAX &&
           m->c0 + m->cols <= m->C + PAD_MAX;
}

/* Window cell (i, j): in the slice? its value and full index. */
static bool slice_at(dg__grid *m, int i, int j, float *v) {
    int sr = m->r0 + i, sc = m->c0 + j;
    if (sr < 0 || sr >= m->R || sc < 0 || sc >= m->C) { *v = 0; return false; }
    if (m->rdim >= 0) m->idx[m->rdim] = sr;
    if (m->cdim >= 0) m->idx[m->cdim] = sc;
    *v = m->t->data[m->base + (size_t)sr * (size_t)m->rs + (size_t)sc * (size_t)m->cs];
    return true;
}

/* ---- labels ------------------------------------------------------------------- */

static float widest(const char *const *labels, int from, int n, float size, int font) {
    float w = 0;
    for (int i = 0; i < n; i++) {
        const char *l = labels[from + i];
        float lw = l ? dg_type_width(size, font, l) : 0;
        if (lw > w) w = lw;
    }
    return w;
}

/* Labels along one side of the grid: the size that fits `pitch` (floored at
 * DG_TEXT_MIN) and the thinning step k (every k-th label). What must fit one
 * pitch is a column label's width, or a row label's height. */
float dg__label_fit(const char *const *labels, int from, int n, float pitch, bool cols,
                       int *step) {
    float size = DG_TEXT_LABEL;
    float need = cols ? widest(labels, from, n, size, GFX_SANS) + 8 : size * 1.2f;
    if (need > pitch) {
        size = fmaxf(DG_TEXT_MIN, size * pitch / need);
        need = cols ? widest(labels, from, n, size, GFX_SANS) + 8 : size * 1.2f;
    }
    *step = need > pitch ? (int)ceilf(need / pitch) : 1;
    return size;
}

/* How column labels are set over cells `cs` apart: flat (one line), staggered
 * (alternating between two lines, when a label is wider than one cell but
 * not two) or turned up (reading upwards, as tall as the longest label up to
 * max_h); thinned to every step-th label when even that collides. */
enum { COL_FLAT, COL_STAGGER, COL_UP };
typedef struct colplan { int mode, step; float size, h; } colplan;

static colplan col_plan(const char *const *cl, int from, int n, float cs, float max_h, int mode) {
    colplan p = { COL_FLAT, 1, DG_TEXT_LABEL, 0 };
    if (mode < 0 || mode == COL_FLAT) {
        p.size = dg__label_fit(cl, from, n, cs, true, &p.step);
        if (p.step == 1 || mode == COL_FLAT) {
            p.h = p.size * 1.2f + LABEL_GAP;
            return p;
        }
    }
    if (mode < 0 || mode == COL_STAGGER) {
        p.size = dg__label_fit(cl, from, n, 2 * cs, true, &p.step);
        if (p.step == 1 || mode == COL_STAGGER) {
            p.mode = COL_STAGGER;
            if (p.step > 1) p.size = dg__label_fit(cl, from, n, cs, true, &p.step);
            p.h = 2 * p.size * 1.2f + LABEL_GAP;
            return p;
        }
    }
    p.mode = COL_UP;
    p.size = fminf(DG_TEXT_LABEL, (cs - 2) / 1.17f);
    p.step = 1;
    if (p.size < DG_TEXT_MIN) {
        p.size = DG_TEXT_MIN;
        p.step = (int)ceilf((DG_TEXT_MIN * 1.17f + 2) / cs);
    }
    p.h = fminf(widest(cl, from, n, p.size, GFX_SANS), max_h) + LABEL_GAP;
    return p;
}

/* A turned column label no taller than h: cut with an ellipsis if needed. */
static void label_up(float cx, float bottom, float size, float h, gfx_color c, const char *text) {
    char buf[128];
    snprintf(buf, sizeof buf, "%s", text);
    size_t n = strlen(buf);
    while (n > 0 && dg_type_width(size, GFX_SANS, buf) > h) {
        do n--; while (n > 0 && ((unsigned char)buf[n] & 0xC0) == 0x80);
        memcpy(buf + n, "\xe2\x80\xa6", 4);
    }
    { int r_ = dg_role(GFX_ROLE_TICK); dg_type_up(cx, bottom, size, GFX_SANS, GFX_CENTER | GFX_BOTTOM, c, buf); dg_role(r_); }
}

/* ---- numbers ------------------------------------------------------------------ */

/* The size and width at which every shown number fits a cell cw wide and ch
 * tall, or 0 when none fits (then cells show only colour). */
static float numbers_fit(dg__grid *m, float cw, float ch, int *max_chars) {
    float s0 = fminf(DG_TEXT_BODY, (ch - 3) / 1.17f);   /* a line box is 1.17 em */
    if (s0 < DG_TEXT_MIN) return 0;
    for (int mc = 6; mc >= 4; mc--) {
        float wmax = 0;
        char buf[32];
        for (int i = 0; i < m->rows; i++)
            for (int j = 0; j < m->cols; j++) {
                float v;
                slice_at(m, i, j, &v);
                float w = dg_type_width(1, NUM_FONT, dg_fmt(buf, sizeof buf, v, 3, mc, false));
                if (w > wmax) wmax = w;
            }
        float s = wmax > 0 ? fminf(s0, (cw - fmaxf(5, 0.08f * cw)) / wmax) : s0;
        if (s >= DG_TEXT_MIN) {
            *max_chars = mc;
            return floorf(s);
        }
    }
    return 0;
}

/* ---- layout ------------------------------------------------------------------- */

typedef struct mlayout {
    float cs, cw;             /* cell height, and width (cs * aspect) */
    float aspect;
    float gx, gy;             /* grid's top-left */
    float title_h, col_h, row_w;
    bool legend, legend_right;
    dg_rect legend_r;
} mlayout;

/* Cell side when the legend goes right (right=true) or below. */
static float cell_side(dg_rect r, const dg__grid *m, const mlayout *L, bool legend, bool right,
                       float max_cell, float leg_w) {
    float w = r.w - L->row_w, h = r.h - L->title_h - L->col_h;
    if (legend && right) w -= leg_w + LEGEND_GAP;
    if (legend && !right) h -= LEGEND_H_H + LEGEND_GAP;
    float cs = fminf(fminf(w / ((float)m->cols * L->aspect), h / (float)m->rows), max_cell);
    if (legend && right && cs * (float)m->rows < LEGEND_V_MIN_H) {
        /* a vertical legend as tall as the grid must still hold its ticks */
        if (h < LEGEND_V_MIN_H) return 0;
    }
    if (legend && !right && cs * L->aspect * (float)m->cols < LEGEND_H_MIN_W && w < LEGEND_H_MIN_W) return 0;
    return cs > 0 ? cs : 0;
}

/* The cell side and where the legend goes (right or below: whichever gives
 * larger cells; none if it fits nowhere). */
static void fit_cells(dg_rect r, const dg__grid *m, mlayout *L, bool legend, float max_cell,
                      float leg_w) {
    L->legend = legend;
    if (legend) {
        float a = cell_side(r, m, L, true, true, max_cell, leg_w);
        float b = cell_side(r, m, L, true, false, max_cell, leg_w);
        L->legend_right = a >= b;
        L->cs = fmaxf(a, b);
        L->cw = L->cs * L->aspect;
        if (L->cs > 0) return;
        L->legend = false;
    }
    L->cs = cell_side(r, m, L, false, false, max_cell, leg_w);
    L->cw = L->cs * L->aspect;
}

/* ---- drawing ------------------------------------------------------------------ */

static void draw_heat(const dg__grid *m0, const float *buf, const mlayout *L, int visible, float lo,
                      float hi, int gc) {
    int full = visible / m0->cols, part = visible % m0->cols;
    if (full > 0)
        gfx_heatmap(L->gx, L->gy, L->cw * (float)m0->cols, L->cs * (float)full, buf, full,
                    m0->cols, lo, hi, gc);
    if (part > 0)
        gfx_heatmap(L->gx, L->gy + L->cs * (float)full, L->cw * (float)part, L->cs,
                    buf + (size_t)full * (size_t)m0->cols, 1, part, lo, hi, gc);
}

static void draw_windows(const dg__grid *m, const dg_matrix_style *s, const mlayout *L) {
    const ui_theme *th = dg_theme();
    float thick = fminf(6, fmaxf(3, fminf(L->cs, L->cw) * 0.08f));
    for (int k = 0; k < s->window_count; k++) {
        const dg_window *w = &s->windows[k];
        /* slice coordinates -> shown cells, clipped to the window */
        int r0 = w->r - m->r0, c0 = w->c - m->c0;
        int r1 = r0 + (w->rows > 0 ? w->rows : 1), c1 = c0 + (w->cols > 0 ? w->cols : 1);
        if (r0 < 0) r0 = 0;
        if (c0 < 0) c0 = 0;
        if (r1 > m->rows) r1 = m->rows;
        if (c1 > m->cols) c1 = m->cols;
        if (r1 <= r0 || c1 <= c0) continue;
        gfx_color c = w->color.a > 0 ? w->color : th->accent;
        gfx_rrect_line(L->gx + (float)c0 * L->cw - thick / 2, L->gy + (float)r0 * L->cs - thick / 2,
                       (float)(c1 - c0) * L->cw + thick, (float)(r1 - r0) * L->cs + thick,
                       thick, thick, c);
    }
}

dg_cells dg_matrix(dg_rect r, const dg_src *src, const dg_matrix_style *s_in) {
    dg_matrix_style s = s_in ? *s_in : (dg_matrix_style){ 0 };
    dg__grid m;
    if (!src || !slice_open(&m, src, &s)) return (dg_cells){ .hover_r = -1, .hover_c = -1 };
    return dg__grid_draw(r, &m, src, &s);
}

dg_cells dg__grid_draw(dg_rect r, dg__grid *mp, const dg_src *src, const dg_matrix_style *sp) {
    dg_cells g = { .hover_r = -1, .hover_c = -1 };
    if (!(r.w > 0) || !(r.h > 0)) return g;
    dg__grid m = *mp;
    dg_matrix_style s = *sp;
    const ui_theme *th = dg_theme();
    int n = m.rows * m.cols;
    float max_cell = s.max_cell > 0 ? s.max_cell : 120;

    /* Values of the shown window (padding 0) and the colour range, from the
     * whole slice so colours hold still while a window moves. */
    float *buf = malloc((size_t)n * sizeof *buf);
    /* the slice as one array: the tensor's own memory when it is laid out
     * row-major (it always is for kernel tensors), else a copy */
    size_t count = (size_t)m.R * (size_t)m.C;
    bool dense = (m.C == 1 || m.cs == 1) && (m.R == 1 || m.rs == (m.C == 1 ? 1 : m.C));
    float *copy = dense ? NULL : malloc(count * sizeof *copy);
    if (!buf || (!dense && !copy)) { free(buf); free(copy); return g; }
    for (int i = 0; i < m.rows; i++)
        for (int j = 0; j < m.cols; j++) slice_at(&m, i, j, &buf[i * m.cols + j]);
    for (int i = 0; !dense && i < m.R; i++)
        for (int j = 0; j < m.C; j++)
            copy[(size_t)i * (size_t)m.C + (size_t)j] =
                m.t->data[m.base + (size_t)i * (size_t)m.rs + (size_t)j * (size_t)m.cs];
    int cmap = s.cmap;
    float lo = s.lo, hi = s.hi;
    dg__range(dense ? m.t->data + m.base : copy, count, &cmap, &lo, &hi);
    free(copy);
    int gc = dg__gfx_cmap(cmap);

    /* Title, labels and legend around a grid of square cells. */
    char title[96];
    if (s.title) snprintf(title, sizeof title, "%s", s.title);
    else dg__slice_name(title, sizeof title, m.t, m.nlead, m.idx);
    const char *unit = s.unit ? s.unit : "value";
    const char *const *rl = s.row_labels, *const *cl = s.col_labels;
    /* label arrays are indexed by slice row/column; padding rows have none */
    int rl_from = m.r0 > 0 ? m.r0 : 0, rl_n = (m.r0 + m.rows < m.R ? m.r0 + m.rows : m.R) - rl_from;
    int cl_from = m.c0 > 0 ? m.c0 : 0, cl_n = (m.c0 + m.cols < m.C ? m.c0 + m.cols : m.C) - cl_from;
    mlayout L = { .aspect = s.aspect > 0 ? s.aspect : 1 };
    L.title_h = s.no_title ? 0 : DG_TEXT_H2 * 1.2f + 12;
    L.col_h = cl && cl_n > 0 ? DG_TEXT_LABEL * 1.2f + LABEL_GAP : 0;
    L.row_w = rl && rl_n > 0 ? fminf(widest(rl, rl_from, rl_n, DG_TEXT_LABEL, GFX_SANS), r.w * 0.3f)
                                   + LABEL_GAP : 0;
    bool want_heat = s.mode != DG_NUMBERS;
    /* a vertical legend: bar and ticks (about 40 units), tick values and its
     * label, whichever is wider (gfx_legend writes ticks at 24 units) */
    char tick[32];
    float tick_w = fmaxf(dg_type_width(24, GFX_SANS, dg_fmt(tick, sizeof tick, lo, 3, 8, false)),
                         dg_type_width(24, GFX_SANS, dg_fmt(tick, sizeof tick, hi, 3, 8, false)));
    float leg_w = fmaxf(fmaxf(LEGEND_V_W, 44 + tick_w), dg_type_width(32, GFX_SANS, unit) + 8);
    /* Numbers-only grids get colour (and a legend) when cells are too small. */
    float cs_plain = cell_side(r, &m, &L, false, false, max_cell, leg_w);
    int max_chars = 4;
    bool numbers = s.mode != DG_HEAT && numbers_fit(&m, cs_plain * L.aspect, cs_plain, &max_chars) > 0;
    bool heat = want_heat || !numbers;
    /* Cells, legend side and column labels (flat, staggered or turned)
     * depend on each other: settle them in a few rounds. */
    colplan cp = { COL_FLAT, 1, DG_TEXT_LABEL, L.col_h };
    float up_max = r.h * 0.35f;
    for (int round = 0; round < 3; round++) {
        fit_cells(r, &m, &L, heat && !s.no_legend, max_cell, leg_w);
        if (L.col_h <= 0) break;
        colplan np = col_plan(cl, cl_from, cl_n, L.cw, up_max, -1);
        if (round > 0 && np.mode == cp.mode) break;
        cp = np;
        L.col_h = cp.h;
    }
    if (!(L.cs > 0.5f)) { free(buf); return g; }
    float num_size = 0;
    if (s.mode != DG_HEAT) num_size = numbers_fit(&m, L.cw, L.cs, &max_chars);
    if (s.mode == DG_NUMBERS && num_size <= 0) heat = true;

    /* Centre the block (title, labels, grid, legend) in the rect; a vertical
     * legend taller than the grid sets the height of the grid's zone. */
    float gw = L.cw * (float)m.cols, gh = L.cs * (float)m.rows;
    float zone_h = L.legend && L.legend_right ? fmaxf(gh, LEGEND_V_MIN_H) : gh;
    float bw = L.row_w + gw + (L.legend && L.legend_right ? LEGEND_GAP + leg_w : 0);
    float bh = L.title_h + L.col_h + zone_h + (L.legend && !L.legend_right ? LEGEND_GAP + LEGEND_H_H : 0);
    float bx = r.x + (r.w - bw) / 2, by = r.y + (r.h - bh) / 2;
    L.gx = bx + L.row_w;
    L.gy = by + L.title_h + L.col_h + (zone_h - gh) / 2;
    dg_rect bounds = { bx, by, bw, bh };
    if (L.legend && L.legend_right) {
        L.legend_r = (dg_rect){ L.gx + gw + LEGEND_GAP, by + L.title_h + L.col_h, leg_w, zone_h };
    } else if (L.legend) {
        float lw = fmaxf(LEGEND_H_MIN_W, fminf(gw, 560)), lx = L.gx + gw / 2 - lw / 2;
        lx = fmaxf(r.x, fminf(lx, r.x + r.w - lw));
        L.legend_r = (dg_rect){ lx, L.gy + gh + LEGEND_GAP, lw, LEGEND_H_H };
        float x1 = fmaxf(bx + bw, lx + lw);
        bounds.x = fminf(bx, lx);
        bounds.w = x1 - bounds.x;
    }

    g = (dg_cells){ L.gx, L.gy, L.cw, L.cs, m.rows, m.cols, -1, -1, bounds };
    int visible = s.reveal > 0 && s.reveal < 1 ? (int)ceilf(s.reveal * (float)n) : n;

    /* Cells. */
    if (heat) draw_heat(&m, buf, &L, visible, lo, hi, gc);
    else gfx_rect(L.gx, L.gy, gw, gh, th->panel);
    for (int k = 0; k < visible; k++) {
        int i = k / m.cols, j = k % m.cols;
        float v;
        if (slice_at(&m, i, j, &v)) continue;
        gfx_rect(L.gx + (float)j * L.cw, L.gy + (float)i * L.cs, L.cw, L.cs,
                 gfx_mix(th->bg, th->panel, 0.5f));
    }
    /* Grid lines where cells are big enough to read one by one (lines over
     * a fine heatmap only add noise, and cost fill rate on software GL). */
    if (!s.no_grid && L.cs >= 24) {
        float lw = fmaxf(1, L.cs * 0.03f);
        gfx_color gcol = heat ? gfx_fade(th->bg, 0.7f) : th->grid;
        int full = visible / m.cols;
        for (int i = 1; i < m.rows && i <= full; i++)
            gfx_line(L.gx, L.gy + (float)i * L.cs, L.gx + gw, L.gy + (float)i * L.cs, lw, gcol);
        for (int j = 1; j < m.cols; j++) {
            float h = L.cs * (float)(full + (j < visible % m.cols ? 1 : 0));
            if (h > 0) gfx_line(L.gx + (float)j * L.cw, L.gy, L.gx + (float)j * L.cw, L.gy + h, lw, gcol);
        }
    }
    if (visible == n) {   /* a frame of four edges: one stroked quad would shade the whole grid */
        gfx_rect(L.gx - 2, L.gy - 2, gw + 4, 2, th->panel_edge);
        gfx_rect(L.gx - 2, L.gy + gh, gw + 4, 2, th->panel_edge);
        gfx_rect(L.gx - 2, L.gy, 2, gh, th->panel_edge);
        gfx_rect(L.gx + gw, L.gy, 2, gh, th->panel_edge);
    }

    if (num_size > 0) {
        char txt[32];
        for (int k = 0; k < visible; k++) {
            int i = k / m.cols, j = k % m.cols;
            float v;
            bool in = slice_at(&m, i, j, &v);
            gfx_color ink = !in ? th->text_dim
                          : heat ? dg__ink_on(gfx_cmap_color(gc, dg__unit(v, lo, hi))) : th->text;
            { int r_ = dg_role(GFX_ROLE_CELL); dg_type(L.gx + ((float)j + 0.5f) * L.cw, L.gy + ((float)i + 0.5f) * L.cs, num_size,
                     NUM_FONT, GFX_CENTER | GFX_MIDDLE, ink,
                     dg_fmt(txt, sizeof txt, v, 3, max_chars, false)); dg_role(r_); }
        }
    }
    draw_windows(&m, &s, &L);

    /* Labels: row labels right-aligned left of the grid, column labels
     * centred over it; thinned when they would collide. */
    if (L.row_w > 0) {
        int step;
        float size = dg__label_fit(rl, rl_from, rl_n, L.cs, false, &step);
        /* one size for all: the widest fits its column (down to the floor) */
        float wem = widest(rl, rl_from, rl_n, 1, GFX_SANS);
        if (wem > 0) size = fmaxf(DG_TEXT_MIN, fminf(size, (L.row_w - LABEL_GAP) / wem));
        for (int i = 0; i < m.rows; i++) {
            int sr = m.r0 + i;
            if (sr < 0 || sr >= m.R || !rl[sr] || (sr - rl_from) % step) continue;
            { int r_ = dg_role(GFX_ROLE_TICK); dg_text((dg_rect){ r.x, L.gy + ((float)i + 0.5f) * L.cs - size * 0.65f,
                               L.gx - LABEL_GAP - r.x, size * 1.3f },
                    size, GFX_SANS, GFX_RIGHT | GFX_MIDDLE, th->text_dim, rl[sr]); dg_role(r_); }
        }
    }
    if (L.col_h > 0) {
        /* the mode chosen above, refitted to the final cells */
        colplan p = col_plan(cl, cl_from, cl_n, L.cw, up_max, cp.mode);
        float pitch = L.cw * (float)(p.mode == COL_STAGGER && p.step == 1 ? 2 : p.step);
        for (int j = 0; j < m.cols; j++) {
            int sc = m.c0 + j;
            if (sc < 0 || sc >= m.C || !cl[sc] || (sc - cl_from) % p.step) continue;
            float cx = L.gx + ((float)j + 0.5f) * L.cw;
            if (p.mode == COL_UP) {
                label_up(cx, L.gy - LABEL_GAP, p.size, fminf(L.col_h, p.h) - LABEL_GAP, th->text_dim, cl[sc]);
                continue;
            }
            /* staggered: odd labels on the upper line */
            bool upper = p.mode == COL_STAGGER && p.step == 1 && (sc - cl_from) % 2;
            float y = L.gy - LABEL_GAP - p.size * 1.2f * (upper ? 2 : 1);
            { int r_ = dg_role(GFX_ROLE_TICK); dg_text((dg_rect){ cx - pitch / 2 + 2, y, pitch - 4, p.size * 1.2f },
                    p.size, GFX_SANS, GFX_CENTER | GFX_BOTTOM, th->text_dim, cl[sc]); dg_role(r_); }
        }
    }
    if (!s.no_title) {
        float cx = L.gx + gw / 2, half = fminf(cx - r.x, r.x + r.w - cx);
        { int r_ = dg_role(GFX_ROLE_TITLE); dg_text((dg_rect){ cx - half, L.gy - L.col_h - L.title_h, 2 * half, DG_TEXT_H2 * 1.2f },
                DG_TEXT_H2, GFX_BOLD,
                GFX_CENTER | GFX_TOP, th->text, title); dg_role(r_); }
    }
    if (L.legend) dg_legend(L.legend_r, lo, hi, cmap, unit);

    /* Hover and linked highlights, after everything they outline. */
    float lt = fminf(5, fmaxf(2, fminf(L.cs, L.cw) * 0.1f));
    for (int k = 0; k < visible; k++) {
        int i = k / m.cols, j = k % m.cols;
        dg_rect cr = dg_cell_rect(&g, i, j);
        float v;
        if (!slice_at(&m, i, j, &v)) {
            if (dg_hover_text(cr, "zero padding\n%s has no row %d, column %d: it reads 0 here",
                              title, m.r0 + i, m.c0 + j)) {
                g.hover_r = i;
                g.hover_c = j;
            }
            continue;
        }
        if (dg_hover_item(cr, m.t, m.idx, v, src->explain, src->user)) {
            g.hover_r = i;
            g.hover_c = j;
        }
        if (dg_linked(m.t, m.idx))
            gfx_rrect_line(cr.x - lt / 2, cr.y - lt / 2, cr.w + lt, cr.h + lt, lt, lt, th->accent2);
    }
    dg__element(g.bounds);
    free(buf);
    return g;
}

dg_rect dg_cell_rect(const dg_cells *g, int r, int c) {
    if (!g) return (dg_rect){ 0, 0, 0, 0 };
    return (dg_rect){ g->x + (float)c * g->cw, g->y + (float)r * g->ch, g->cw, g->ch };
}
