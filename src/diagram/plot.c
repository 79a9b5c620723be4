/* plot.c: the line plot of diagram.h, immediate mode (implot style).
 *
 *   dg_plot *p = dg_plot_begin(r, &(dg_plot_style){ .title = "loss",
 *                              .xlabel = "epoch", .ylog = true });
 *   dg_plot_band(p, ep, lo, hi, n, 0);
 *   dg_plot_line(p, &(dg_series){ .label = "SGD", .x = ep, .y = sgd, .n = n });
 *   dg_plot_marker(p, ep[k], sgd[k], "epoch 12");
 *   dg_plot_end(p);
 *
 * Between begin and end the plot only collects what it is given: the series
 * structs are copied, their arrays are pointers that must stay valid until
 * dg_plot_end. Plots come from a small fixed pool (nothing is allocated per
 * frame); a few may be open at once. dg_plot_end fits the ranges (unless the
 * style fixes them; a little headroom on y; log axes skip values <= 0), lays
 * out ticks, labels, title and legend (inside the data area in the corner
 * that covers the fewest samples, or beside it when every corner covers
 * some), draws, and registers hover: the sample nearest the pointer (within
 * 28 units) shows its series, x and y, and the tensor element when the
 * series names a tensor (dg_series.t, index = sample).
 *
 * dg_plot_to_canvas uses the layout of what has been added so far; call it
 * after the series to draw overlays that line up with the final plot.
 * Limits: 8 series, 4 bands, 8 markers and guides per plot; more are ignored.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "diagram/axis.h"
#include "diagram/dg_internal.h"

#define PLOT_POOL 4
#define PLOT_SERIES 8
#define PLOT_BANDS 4
#define PLOT_MARKS 8
#define HOVER_RADIUS 28.0f

typedef struct plot_band { const float *x, *lo, *hi; int n; gfx_color c; } plot_band;
typedef struct plot_mark { float x, y; const char *label; bool vline; } plot_mark;

struct dg_plot {
    bool used, laid_out;
    unsigned age;
    dg_rect r;
    dg_plot_style s;
    dg_series ser[PLOT_SERIES];
    int nser;
    plot_band band[PLOT_BANDS];
    int nband;
    plot_mark mark[PLOT_MARKS];
    int nmark;
    /* layout, from plot_layout */
    dg_axis ax, ay;
    dg_rect area, legend, title_r, ylabel_r, xlabel_r;
};

static dg_plot pool[PLOT_POOL];
static unsigned pool_clock;

/* What the tooltip of a hovered sample says; lives until the frame's
 * tooltip is drawn (only one sample is hovered at a time). */
static struct { char label[64], xname[48], yname[48]; float x, y; } hover_info;

dg_plot *dg_plot_begin(dg_rect r, const dg_plot_style *s)
{
    if (!(r.w > 0) || !(r.h > 0)) return NULL;
    /* A free slot, or the oldest one (a plot that was never ended). */
    dg_plot *p = NULL;
    for (int i = 0; i < PLOT_POOL && !p; i++)
        if (!pool[i].used) p = &pool[i];
    if (!p) {
        p = &pool[0];
        for (int i = 1; i < PLOT_POOL; i++)
            if (pool[i].age < p->age) p = &pool[i];
    }
    memset(p, 0, sizeof *p);
    p->used = true;
    p->age = ++pool_clock;
    p->r = r;
    if (s) p->s = *s;
    return p;
}

void dg_plot_line(dg_plot *p, const dg_series *s)
{
    if (!p || !s || !s->y || s->n <= 0 || p->nser >= PLOT_SERIES) return;
    dg_series *d = &p->ser[p->nser];
    *d = *s;
    if (d->color.a == 0) d->color = dg_category(p->nser);
    if (d->stride <= 0) d->stride = 1;
    if (!(d->width > 0)) d->width = 4.0f;
    p->nser++;
    p->laid_out = false;
}

void dg_plot_band(dg_plot *p, const float *x, const float *lo, const float *hi, int n,
                  gfx_color c)
{
    if (!p || !lo || !hi || n <= 0 || p->nband >= PLOT_BANDS) return;
    if (c.a == 0) c = dg_category(p->nband);
    p->band[p->nband++] = (plot_band){x, lo, hi, n, c};
    p->laid_out = false;
}

static void add_mark(dg_plot *p, float x, float y, const char *label, bool vline)
{
    if (!p || p->nmark >= PLOT_MARKS) return;
    p->mark[p->nmark++] = (plot_mark){x, y, label, vline};
    p->laid_out = false;
}

void dg_plot_marker(dg_plot *p, float x, float y, const char *label) { add_mark(p, x, y, label, false); }
void dg_plot_vline(dg_plot *p, float x, const char *label) { add_mark(p, x, 0, label, true); }

/* ---- ranges --------------------------------------------------------------------- */

static float xat(const float *x, int i) { return x ? x[i] : (float)i; }
#define YAT(s, i) ((s)->y[(size_t)(i) * (size_t)(s)->stride])

static void grow(float *lo, float *hi, float v, bool log)
{
    if (!isfinite(v) || (log && !(v > 0))) return;
    if (v < *lo) *lo = v;
    if (v > *hi) *hi = v;
}

static void fit_ranges(dg_plot *p)
{
    float xlo = INFINITY, xhi = -INFINITY, ylo = INFINITY, yhi = -INFINITY;
    bool xl = p->s.xlog, yl = p->s.ylog;
    for (int k = 0; k < p->nser; k++) {
        const dg_series *s = &p->ser[k];
        for (int i = 0; i < s->n; i++) {
            float x = xat(s->x, i), y = YAT(s, i);
            if (!isfinite(x) || !isfinite(y) || (xl && !(x > 0)) || (yl && !(y > 0))) continue;
            grow(&xlo, &xhi, x, xl);
            grow(&ylo, &yhi, y, yl);
        }
    }
    for (int k = 0; k < p->nband; k++) {
        const plot_band *b = &p->band[k];
        for (int i = 0; i < b->n; i++) {
            grow(&xlo, &xhi, xat(b->x, i), xl);
            grow(&ylo, &yhi, b->lo[i], yl);
            grow(&ylo, &yhi, b->hi[i], yl);
        }
    }
    for (int k = 0; k < p->nmark; k++) {
        grow(&xlo, &xhi, p->mark[k].x, xl);
        if (!p->mark[k].vline) grow(&ylo, &yhi, p->mark[k].y, yl);
    }
    p->ax = (dg_axis){.lo = xlo, .hi = xhi, .log = xl};
    p->ay = (dg_axis){.lo = ylo, .hi = yhi, .log = yl};
    bool fixed_x = p->s.x_lo != p->s.x_hi, fixed_y = p->s.y_lo != p->s.y_hi;
    if (fixed_x) { p->ax.lo = p->s.x_lo; p->ax.hi = p->s.x_hi; }
    if (fixed_y) { p->ay.lo = p->s.y_lo; p->ay.hi = p->s.y_hi; }
    dg_axis_fix(&p->ax);
    dg_axis_fix(&p->ay);
    if (!fixed_y) dg_axis_pad(&p->ay, 0.06f, 0.08f, true);
}

/* ---- layout --------------------------------------------------------------------- */

static int legend_entries(const dg_plot *p)
{
    int n = 0;
    for (int k = 0; k < p->nser; k++) n += p->ser[k].label != NULL;
    return p->s.no_legend ? 0 : n;
}

static float legend_row(void) { return (float)DG_TEXT_REF * 1.4f; }

static dg_pt to_canvas(const dg_plot *p, float x, float y)
{
    dg_rect a = p->area;
    return (dg_pt){dg_axis_map(&p->ax, x, a.x, a.x + a.w), dg_axis_map(&p->ay, y, a.y + a.h, a.y)};
}

/* How many samples (and band edges) fall inside r. */
static int covered(const dg_plot *p, dg_rect r)
{
    int n = 0;
    for (int k = 0; k < p->nser; k++) {
        const dg_series *s = &p->ser[k];
        int step = s->n > 400 ? s->n / 400 : 1;
        for (int i = 0; i < s->n; i += step) {
            dg_pt c = to_canvas(p, xat(s->x, i), YAT(s, i));
            n += dg_contains(r, c.x, c.y);
        }
    }
    for (int k = 0; k < p->nband; k++) {
        const plot_band *b = &p->band[k];
        int step = b->n > 200 ? b->n / 200 : 1;
        for (int i = 0; i < b->n; i += step) {
            dg_pt lo = to_canvas(p, xat(b->x, i), b->lo[i]), hi = to_canvas(p, xat(b->x, i), b->hi[i]);
            n += dg_contains(r, lo.x, lo.y) + dg_contains(r, hi.x, hi.y);
            n += lo.x >= r.x && lo.x <= r.x + r.w && fminf(lo.y, hi.y) < r.y && fmaxf(lo.y, hi.y) > r.y + r.h;
        }
    }
    return n;
}

/* Inside the data area in the corner that covers the fewest samples; beside
 * it (on the right) when every corner covers some or none has room, as
 * long as the area keeps half its width; else the best corner anyway. */
static void place_legend(dg_plot *p)
{
    int n = legend_entries(p);
    p->legend = (dg_rect){0};
    if (n == 0) return;
    float w = 0;
    for (int k = 0; k < p->nser; k++)
        if (p->ser[k].label)
            w = fmaxf(w, dg_type_width((float)DG_TEXT_REF, GFX_SANS, p->ser[k].label));
    dg_rect L = {0, 0, w + 48 + 2 * 14, (float)n * legend_row() + 2 * 10};
    dg_rect a = dg_inset(p->area, 12);
    bool fits = L.w <= a.w * 0.7f && L.h <= a.h * 0.8f;
    dg_rect best = {0};
    int best_n = -1;
    for (int c = 0; c < 4 && fits; c++) {   /* top right, top left, bottom right, bottom left */
        dg_rect cand = {c % 2 == 0 ? a.x + a.w - L.w : a.x, c < 2 ? a.y : a.y + a.h - L.h, L.w, L.h};
        int k = covered(p, dg_inset(cand, -8));
        if (best_n < 0 || k < best_n) { best_n = k; best = cand; }
    }
    if ((best_n != 0) && p->area.w - L.w - DG_GAP * 0.75f >= 0.5f * p->area.w && L.h <= p->area.h) {
        dg_rect side = dg_cut_right(&p->area, L.w, DG_GAP * 0.75f);
        best = (dg_rect){side.x, p->area.y, L.w, L.h};
    } else if (!fits && (L.w > p->area.w || L.h > p->area.h)) {
        best = (dg_rect){0};
    } else if (!fits) {
        best = (dg_rect){p->area.x + p->area.w - L.w, p->area.y, L.w, L.h};
    }
    p->legend = best;
}

static void plot_layout(dg_plot *p)
{
    if (p->laid_out) return;
    fit_ranges(p);
    dg_rect a = p->r;
    float ls = (float)DG_TEXT_REF, ts = (float)DG_TEXT_SMALL;   /* axis titles, ticks */
    p->title_r = p->s.title ? dg_cut_top(&a, (float)DG_TEXT_H2 * 1.35f, 6) : (dg_rect){0};
    /* the gap leaves room for the top tick label, centred on the top edge */
    p->ylabel_r = p->s.ylabel ? dg_cut_top(&a, ls * 1.45f, ts * 0.6f) : (dg_rect){0};
    if (!p->s.ylabel) dg_cut_top(&a, ts * 0.6f, 0);     /* room for the top tick label */
    p->xlabel_r = p->s.xlabel ? dg_cut_bottom(&a, ls * 1.3f, 2) : (dg_rect){0};
    dg_cut_bottom(&a, ts * 1.3f + 12, 0);               /* x tick labels */
    /* y ticks: about one per 80 units of height. */
    dg_axis_ticks(&p->ay, (int)(a.h / 80.0f) + 1);
    dg_cut_left(&a, dg_axis_label_width(&p->ay, ts) + 14, 0);
    /* x ticks: as many as fit their labels with room between them. */
    int max_n = (int)(a.w / 90.0f) + 1;
    for (;;) {
        dg_axis_ticks(&p->ax, max_n);
        float lw = dg_axis_label_width(&p->ax, ts);
        if (max_n <= 2 || (float)(p->ax.n - 1) * (lw + 28) <= a.w) {
            dg_cut_right(&a, lw * 0.5f + 4, 0);          /* the last label's overhang */
            break;
        }
        max_n--;
    }
    p->area = a;
    place_legend(p);
    p->laid_out = true;
}

dg_pt dg_plot_to_canvas(const dg_plot *p, float x, float y)
{
    if (!p) return (dg_pt){NAN, NAN};
    plot_layout((dg_plot *)p);     /* a cache: the plot's content is unchanged */
    return to_canvas(p, x, y);
}

/* ---- drawing -------------------------------------------------------------------- */

static void draw_band(const dg_plot *p, const plot_band *b)
{
    /* Vertical slabs 3 units wide, interpolated between samples: one colour
     * with no overlaps, so the shade is even (gfx has no filled polygons). */
    gfx_color c = gfx_fade(b->c, 0.22f);
    dg_rect a = p->area;
    for (int i = 0; i + 1 < b->n; i++) {
        dg_pt l0 = to_canvas(p, xat(b->x, i), b->lo[i]), h0 = to_canvas(p, xat(b->x, i), b->hi[i]);
        dg_pt l1 = to_canvas(p, xat(b->x, i + 1), b->lo[i + 1]), h1 = to_canvas(p, xat(b->x, i + 1), b->hi[i + 1]);
        if (!isfinite(l0.y + h0.y + l1.y + h1.y + l0.x + l1.x)) continue;
        float xa = fmaxf(l0.x, a.x), xb = fminf(l1.x, a.x + a.w);
        for (float x = xa; x < xb; x += 3.0f) {
            float w = fminf(3.0f, xb - x), t = (x + w * 0.5f - l0.x) / fmaxf(l1.x - l0.x, 1e-6f);
            float ylo = l0.y + t * (l1.y - l0.y), yhi = h0.y + t * (h1.y - h0.y);
            float top = fmaxf(fminf(ylo, yhi), a.y), bot = fminf(fmaxf(ylo, yhi), a.y + a.h);
            if (bot > top) gfx_rect(x, top, w, bot - top, c);
        }
    }
}

/* A polyline through the drawable samples; gaps (values a log axis cannot
 * show, NaN) split it. Points are buffered in chunks. */
/* A line denser than the canvas units it spans (a training curve of
 * thousands of steps): per unit column, one bar from the lowest to the
 * highest point in it, joined to the column before; that is what the
 * strokes would cover, in a few hundred quads instead of thousands of
 * overlapping ones (fill rate on software GL). False, drawing nothing,
 * when x goes backwards or the line is not dense. */
static bool draw_dense(const dg_plot *p, const dg_series *s, gfx_color c)
{
    if (s->points || (float)s->n < 3 * p->area.w) return false;
    float last = -INFINITY;
    for (int i = 0; i < s->n; i++) {
        float x = xat(s->x, i);
        if (!isfinite(x)) continue;
        if (x < last) return false;
        last = x;
    }
    float half = s->width / 2, col = NAN, lo = 0, hi = 0, prev = NAN;
    for (int i = 0; i <= s->n; i++) {
        dg_pt q = i < s->n ? to_canvas(p, xat(s->x, i), YAT(s, i)) : (dg_pt){NAN, NAN};
        bool ok = isfinite(q.x) && isfinite(q.y);
        float k = ok ? floorf(q.x) : NAN;
        if (isfinite(col) && !(k == col)) {   /* the column is complete */
            gfx_rect(col, lo - half, 1, hi - lo + 2 * half, c);
            prev = ok ? prev : NAN;           /* a gap breaks the line */
        }
        if (!ok) { col = NAN; continue; }
        if (!(k == col)) {
            col = k;
            lo = hi = q.y;
            if (isfinite(prev)) { lo = fminf(lo, prev); hi = fmaxf(hi, prev); }
        }
        lo = fminf(lo, q.y);
        hi = fmaxf(hi, q.y);
        prev = q.y;
    }
    return true;
}

static void draw_series(const dg_plot *p, const dg_series *s, bool dim)
{
    float buf[2 * 256];
    int m = 0;
    gfx_color c = dim ? gfx_fade(s->color, 0.35f) : dg__mark(p->area, s->color);
    if (draw_dense(p, s, c)) return;
    for (int i = 0; i <= s->n; i++) {
        dg_pt q = i < s->n ? to_canvas(p, xat(s->x, i), YAT(s, i)) : (dg_pt){NAN, NAN};
        bool ok = isfinite(q.x) && isfinite(q.y);
        if (ok) { buf[2 * m] = q.x; buf[2 * m + 1] = q.y; m++; }
        if (!ok || m == 256) {
            if (m >= 2) gfx_polyline(buf, m, s->width, c);
            else if (m == 1 && !ok) gfx_circle(buf[0], buf[1], s->width, c);
            /* keep the last point so the next chunk joins this one */
            if (ok) { buf[0] = buf[2 * (m - 1)]; buf[1] = buf[2 * (m - 1) + 1]; m = 1; }
            else m = 0;
        }
    }
    if (!s->points) return;
    float r = s->width * 1.1f + 3.0f;
    for (int i = 0; i < s->n; i++) {
        dg_pt q = to_canvas(p, xat(s->x, i), YAT(s, i));
        if (!isfinite(q.x) || !isfinite(q.y)) continue;
        gfx_circle(q.x, q.y, r + 2, dg_theme()->bg);
        gfx_circle(q.x, q.y, r, c);
    }
}

static bool overlaps(dg_rect a, dg_rect b)
{
    return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

/* A label in a small pill, placed right of (x, y) or left when it would
 * leave the area, and below the legend when it would cover it. */
static void pill(const dg_plot *p, float x, float y, const char *label, gfx_color fg, bool above)
{
    const ui_theme *th = dg_theme();
    dg_rect area = p->area;
    float s = (float)DG_TEXT_SMALL, w = dg_type_width(s, GFX_SANS, label) + 16, h = s * 1.35f;
    float px = x + 16, py = above ? y - h - 10 : y - h * 0.5f;
    if (px + w > area.x + area.w) px = x - 16 - w;
    if (px < area.x) px = area.x;
    if (py < area.y) py = above ? y + 10 : area.y;
    if (p->legend.w > 0 && overlaps((dg_rect){px, py, w, h}, dg_inset(p->legend, -6))) {
        if (above && p->legend.y + p->legend.h + 6 + h > y - 10) py = y + 10;
        else py = p->legend.y + p->legend.h + 8;
    }
    gfx_rrect(px, py, w, h, 8, gfx_fade(th->panel, 0.92f));
    gfx_rrect_line(px, py, w, h, 8, 1.5f, gfx_fade(fg, 0.6f));
    dg_type(px + 8, py + h * 0.5f, s, GFX_SANS, GFX_LEFT | GFX_MIDDLE, fg, label);
}

static void draw_vline(const dg_plot *p, const plot_mark *m)
{
    const ui_theme *th = dg_theme();
    dg_pt q = to_canvas(p, m->x, p->ay.lo);
    if (!isfinite(q.x) || q.x < p->area.x - 0.5f || q.x > p->area.x + p->area.w + 0.5f) return;
    float y0 = p->area.y, y1 = p->area.y + p->area.h;
    for (float y = y0; y < y1; y += 20.0f)            /* dashed: 12 on, 8 off */
        gfx_line(q.x, y, q.x, fminf(y + 12.0f, y1), 2.5f, th->text_dim);
    if (m->label) pill(p, q.x - 8, y0 + 4 + (float)DG_TEXT_SMALL * 0.7f, m->label, th->text, false);
}

static void draw_marker(const dg_plot *p, const plot_mark *m)
{
    const ui_theme *th = dg_theme();
    dg_pt q = to_canvas(p, m->x, m->y);
    if (!isfinite(q.x) || !isfinite(q.y) || !dg_contains(dg_inset(p->area, -1), q.x, q.y)) return;
    gfx_line(q.x, q.y, q.x, p->area.y + p->area.h, 2.0f, gfx_fade(th->accent, 0.5f));
    gfx_circle(q.x, q.y, 13, th->bg);
    gfx_circle(q.x, q.y, 10, th->accent);
    if (m->label) pill(p, q.x, q.y, m->label, th->text, true);
}

static void draw_legend(const dg_plot *p)
{
    if (p->legend.w <= 0) return;
    const ui_theme *th = dg_theme();
    dg_rect L = p->legend;
    gfx_rrect(L.x, L.y, L.w, L.h, 10, gfx_fade(th->panel, 0.9f));
    gfx_rrect_line(L.x, L.y, L.w, L.h, 10, 1.5f, th->panel_edge);
    float y = L.y + 10 + legend_row() * 0.5f;
    for (int k = 0; k < p->nser; k++) {
        const dg_series *s = &p->ser[k];
        if (!s->label) continue;
        gfx_line(L.x + 14, y, L.x + 48, y, fmaxf(s->width, 4.0f), s->color);
        if (s->points) gfx_circle(L.x + 31, y, s->width * 1.1f + 3.0f, s->color);
        { int r_ = dg_role(GFX_ROLE_LEGEND); dg_type(L.x + 60, y, (float)DG_TEXT_REF, GFX_SANS, GFX_LEFT | GFX_MIDDLE, th->text, s->label); dg_role(r_); }
        y += legend_row();
    }
}

/* "SGD: epoch 12, loss 0.342" (axis names when the plot has them). */
static void sample_text(char *buf, size_t n)
{
    char xs[24], ys[24];
    dg_fmt(xs, sizeof xs, hover_info.x, 4, 10, false);
    dg_fmt(ys, sizeof ys, hover_info.y, 4, 10, false);
    snprintf(buf, n, "%s: %s %s, %s %s", hover_info.label, hover_info.xname, xs, hover_info.yname, ys);
}

static void explain_sample(const void *user, const int *idx, char *buf, size_t n)
{
    (void)user; (void)idx;
    sample_text(buf, n);
}

/* The sample nearest the pointer within HOVER_RADIUS, ringed and registered.
 * Its hover rectangle is a square centred on the sample that just reaches
 * the pointer, so the outline stays on the sample. */
static void plot_hover(const dg_plot *p, float mx, float my)
{
    if (!dg_contains(dg_inset(p->area, -HOVER_RADIUS), mx, my)) return;
    int bs = -1, bi = -1;
    float bd = HOVER_RADIUS * HOVER_RADIUS;
    for (int k = 0; k < p->nser; k++) {
        const dg_series *s = &p->ser[k];
        for (int i = 0; i < s->n; i++) {
            dg_pt q = to_canvas(p, xat(s->x, i), YAT(s, i));
            float d = (q.x - mx) * (q.x - mx) + (q.y - my) * (q.y - my);
            if (d < bd) { bd = d; bs = k; bi = i; }
        }
    }
    if (bs < 0) return;
    const dg_series *s = &p->ser[bs];
    dg_pt q = to_canvas(p, xat(s->x, bi), YAT(s, bi));
    float h = fmaxf(fmaxf(fabsf(mx - q.x), fabsf(my - q.y)) + 1.0f, 12.0f);
    dg_rect hr = {q.x - h, q.y - h, 2 * h, 2 * h};
    snprintf(hover_info.label, sizeof hover_info.label, "%s", s->label ? s->label : "series");
    snprintf(hover_info.xname, sizeof hover_info.xname, "%s", p->s.xlabel ? p->s.xlabel : "x =");
    snprintf(hover_info.yname, sizeof hover_info.yname, "%s", p->s.ylabel ? p->s.ylabel : "y =");
    hover_info.x = xat(s->x, bi);
    hover_info.y = YAT(s, bi);
    bool hot;
    /* The sample's flat offset in the tensor, when y points into its data. */
    ptrdiff_t flat = s->t ? (s->y - s->t->data) + (ptrdiff_t)bi * s->stride : -1;
    if (s->t && flat >= 0 && (size_t)flat < ts_numel(s->t)) {
        /* the sample's index in the tensor's shape (row-major over all dims) */
        int idx[TS_MAX_DIMS] = {0}, rem = (int)flat;
        for (int d = s->t->ndim - 1; d >= 0; d--) { idx[d] = rem % s->t->shape[d]; rem /= s->t->shape[d]; }
        hot = dg_hover_item(hr, s->t, idx, YAT(s, bi), explain_sample, NULL);
    } else {
        char line[200];
        sample_text(line, sizeof line);
        hot = dg_hover_text(hr, "%s", line);
    }
    if (hot) {
        gfx_circle(q.x, q.y, s->width + 9, dg_theme()->bg);
        gfx_circle(q.x, q.y, s->width + 6, s->color);
    }
}

void dg_plot_end(dg_plot *p)
{
    if (!p) return;
    plot_layout(p);
    const ui_theme *th = dg_theme();
    dg_rect a = p->area;
    if (p->s.title) { int r_ = dg_role(GFX_ROLE_TITLE); dg_text(p->title_r, (float)DG_TEXT_H2, GFX_BOLD, GFX_LEFT | GFX_MIDDLE, th->text, p->s.title); dg_role(r_); }
    if (p->s.ylabel) {
        dg_rect yl = {a.x - 14 - dg_axis_label_width(&p->ay, (float)DG_TEXT_SMALL), p->ylabel_r.y,
                      p->r.x + p->r.w - a.x, p->ylabel_r.h};
        if (yl.x < p->r.x) yl.x = p->r.x;
        { int r_ = dg_role(GFX_ROLE_AXIS); dg_text(yl, (float)DG_TEXT_REF, GFX_SANS, GFX_LEFT | GFX_MIDDLE, th->text_dim, p->s.ylabel); dg_role(r_); }
    }
    if (p->s.xlabel) {
        dg_rect xl = {a.x, p->xlabel_r.y, a.w, p->xlabel_r.h};
        { int r_ = dg_role(GFX_ROLE_AXIS); dg_text(xl, (float)DG_TEXT_REF, GFX_SANS, GFX_CENTER | GFX_MIDDLE, th->text_dim, p->s.xlabel); dg_role(r_); }
    }
    dg_axis_draw(a, &p->ax, &p->ay, true);
    gfx_push_clip(a.x - 10, a.y - 10, a.w + 20, a.h + 20);   /* whole end points */
    for (int k = 0; k < p->nband; k++) draw_band(p, &p->band[k]);
    for (int k = 0; k < p->nser; k++) draw_series(p, &p->ser[k], false);
    gfx_pop_clip();
    for (int k = 0; k < p->nmark; k++)
        if (p->mark[k].vline) draw_vline(p, &p->mark[k]);
    for (int k = 0; k < p->nmark; k++)
        if (!p->mark[k].vline) draw_marker(p, &p->mark[k]);
    draw_legend(p);
    dg__element(p->r);
    float mx, my;
    if (dg__pointer(&mx, &my)) plot_hover(p, mx, my);
    p->used = false;
}
