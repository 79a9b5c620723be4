/* plane.c: the 2-D plane of diagram.h: points over an optional background
 * field, with arrows and trajectories (GAN samples, diffusion on 2-D data,
 * embeddings, a router's choice over its input space).
 *
 *   dg_plane *p = dg_plane_begin(r, &(dg_plane_style){ .title = "data",
 *                                .x_lo = -2, .x_hi = 3, .y_lo = -1.5, .y_hi = 2 });
 *   dg_plane_field(p, &(dg_src){ .t = st->prob }, 0, 1, DG_CMAP_SEQ, "P(class 1)");
 *   dg_plane_points(p, &(dg_src){ .t = st->x }, n, st->y, (gfx_color){0}, 7);
 *   dg_plane_end(p);
 *
 * Both axes have the same scale, so the data area has the aspect of the
 * extent (square for the default -3..3) and is the largest that fits the
 * rectangle after the title, tick labels, axis labels and a column on the
 * right for the field's legend. The layout is fixed at begin, so
 * dg_plane_to_canvas is exact between begin and end. Everything drawn inside
 * is clipped to the data area. Planes come from a small fixed pool.
 *
 * Hover: the point nearest the pointer (within its radius + 10 units) shows
 * "x[i,:] = (x, y)" and the scene's explain line, and is linked (a point
 * whose element is hovered elsewhere is ringed); otherwise the field cell
 * or region under the pointer. Points are cheap: one quad each (two with
 * the halo drawn for up to 600 points) and one nearest-point search per
 * plane.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "diagram/axis.h"
#include "diagram/dg_internal.h"

#define PLANE_POOL 4
#define LEGEND_W 120.0f

struct dg_plane {
    bool used;
    unsigned age;
    dg_rect r, area, legend;
    dg_plane_style s;
    dg_axis ax, ay;
};

static dg_plane pool[PLANE_POOL];
static unsigned pool_clock;

/* The hovered point, for its explain line (one at a time). */
static struct {
    float x, y;
    int i;
    char name[TS_NAME_MAX + 16];
    void (*explain)(const void *, const int *, char *, size_t);
    const void *user;
} hover_pt;

static dg_plane *take_slot(void)
{
    for (int i = 0; i < PLANE_POOL; i++)
        if (!pool[i].used) return &pool[i];
    dg_plane *p = &pool[0];
    for (int i = 1; i < PLANE_POOL; i++)
        if (pool[i].age < p->age) p = &pool[i];
    return p;
}

/* Lays out a plane in r: axes, ticks, the data area, the legend column and
 * the rectangles of the title and axis labels (nothing is drawn). */
typedef struct plane_geom { dg_rect title_r, ylabel_r, xlabel_r; float left, group; } plane_geom;

static void plane_layout(dg_plane *p, dg_rect r, const dg_plane_style *s, plane_geom *g)
{
    p->r = r;
    if (s) p->s = *s;
    p->ax = (dg_axis){.lo = p->s.x_lo, .hi = p->s.x_hi};
    p->ay = (dg_axis){.lo = p->s.y_lo, .hi = p->s.y_hi};
    if (p->ax.lo == p->ax.hi) { p->ax.lo = -3; p->ax.hi = 3; }
    if (p->ay.lo == p->ay.hi) { p->ay.lo = -3; p->ay.hi = 3; }
    dg_axis_fix(&p->ax);
    dg_axis_fix(&p->ay);

    float ls = (float)DG_TEXT_REF, ts = (float)DG_TEXT_SMALL;   /* axis titles, ticks */
    dg_rect a = r;
    g->title_r = p->s.title ? dg_cut_top(&a, (float)DG_TEXT_H2 * 1.35f, 6) : (dg_rect){0};
    bool axes = !p->s.no_axes;
    /* the gap leaves room for the top tick label, centred on the top edge */
    g->ylabel_r = axes && p->s.ylabel ? dg_cut_top(&a, ls * 1.45f, ts * 0.6f) : (dg_rect){0};
    if (axes && !p->s.ylabel) dg_cut_top(&a, ts * 0.6f, 0);
    g->xlabel_r = axes && p->s.xlabel ? dg_cut_bottom(&a, ls * 1.3f, 2) : (dg_rect){0};
    float left = 0;
    if (axes) {
        dg_cut_bottom(&a, ts * 1.3f + 12, 0);
        dg_axis_ticks(&p->ay, (int)(a.h / 80.0f) + 1);
        left = dg_axis_label_width(&p->ay, ts) + 14;
    }
    /* The data area keeps the extent's aspect; the legend column is kept
     * free on its right (about LEGEND_W + a gutter). */
    float aspect = (p->ax.hi - p->ax.lo) / (p->ay.hi - p->ay.lo);
    float legw = p->s.no_legend ? 0 : LEGEND_W + 28;
    dg_rect room = {a.x + left, a.y, a.w - left - legw, a.h};
    if (room.w < 40) room.w = 40;
    dg_rect area = dg_fit_aspect(room, aspect, GFX_CENTER | GFX_TOP);
    /* Centre the group (tick labels, area, legend) in the rectangle. */
    float group = left + area.w + legw, shift = a.x + (a.w - group) * 0.5f - (area.x - left);
    area.x += shift;
    p->area = area;
    p->legend = (dg_rect){area.x + area.w + 28, area.y, LEGEND_W, fminf(area.h, 420.0f)};
    if (axes) {
        int max_n = (int)(area.w / 90.0f) + 1;
        for (;;) {
            dg_axis_ticks(&p->ax, max_n);
            float lw = dg_axis_label_width(&p->ax, ts);
            if (max_n <= 2 || (float)(p->ax.n - 1) * (lw + 28) <= area.w) break;
            max_n--;
        }
    }
    g->left = left;
    g->group = group;
}

bool dg_plane_point_at(dg_rect r, const dg_plane_style *s, float cx, float cy, float *x, float *y)
{
    if (!(r.w > 0) || !(r.h > 0)) return false;
    dg_plane p;
    plane_geom g;
    memset(&p, 0, sizeof p);
    plane_layout(&p, r, s, &g);
    dg_rect a = p.area;
    if (!dg_contains(a, cx, cy)) return false;
    *x = p.ax.lo + (cx - a.x) / a.w * (p.ax.hi - p.ax.lo);
    *y = p.ay.hi - (cy - a.y) / a.h * (p.ay.hi - p.ay.lo);
    return true;
}

dg_plane *dg_plane_begin(dg_rect r, const dg_plane_style *s)
{
    if (!(r.w > 0) || !(r.h > 0)) return NULL;
    dg_plane *p = take_slot();
    memset(p, 0, sizeof *p);
    p->used = true;
    p->age = ++pool_clock;
    plane_geom g;
    plane_layout(p, r, s, &g);
    const ui_theme *th = dg_theme();
    float ls = (float)DG_TEXT_REF, ts = (float)DG_TEXT_SMALL;   /* axis titles, ticks */
    bool axes = !p->s.no_axes;
    dg_rect area = p->area, title_r = g.title_r, ylabel_r = g.ylabel_r, xlabel_r = g.xlabel_r;
    float left = g.left, group = g.group;

    if (p->s.title) {
        dg_rect t = {area.x - left, title_r.y, r.x + r.w - (area.x - left), title_r.h};
        { int r_ = dg_role(GFX_ROLE_TITLE); dg_text(t, (float)DG_TEXT_H2, GFX_BOLD, GFX_LEFT | GFX_MIDDLE, th->text, p->s.title); dg_role(r_); }
    }
    if (axes && p->s.ylabel)
        { int r_ = dg_role(GFX_ROLE_AXIS); dg_text((dg_rect){area.x - left, ylabel_r.y, area.w + left, ylabel_r.h}, ls, GFX_SANS,
                GFX_LEFT | GFX_MIDDLE, th->text_dim, p->s.ylabel); dg_role(r_); }
    if (axes && p->s.xlabel)
        { int r_ = dg_role(GFX_ROLE_AXIS); dg_text((dg_rect){area.x, area.y + area.h + ts * 1.3f + 14, area.w, xlabel_r.h}, ls, GFX_SANS,
                GFX_CENTER | GFX_MIDDLE, th->text_dim, p->s.xlabel); dg_role(r_); }
    gfx_rect(area.x, area.y, area.w, area.h, th->panel);
    if (axes) dg_axis_draw(area, &p->ax, &p->ay, true);
    dg__element((dg_rect){area.x - left, r.y, group, r.h});
    return p;
}

dg_pt dg_plane_to_canvas(const dg_plane *p, float x, float y)
{
    if (!p) return (dg_pt){NAN, NAN};
    dg_rect a = p->area;
    return (dg_pt){a.x + (x - p->ax.lo) / (p->ax.hi - p->ax.lo) * a.w,
                   a.y + (p->ay.hi - y) / (p->ay.hi - p->ay.lo) * a.h};
}

/* The cell of a rows x cols grid over the area under the pointer; false if
 * none. */
static bool pointer_cell(const dg_plane *p, int rows, int cols, int *row, int *col)
{
    float mx, my;
    if (!dg__pointer(&mx, &my) || !dg_contains(p->area, mx, my)) return false;
    *col = (int)((mx - p->area.x) / p->area.w * (float)cols);
    *row = (int)((my - p->area.y) / p->area.h * (float)rows);
    if (*col >= cols) *col = cols - 1;
    if (*row >= rows) *row = rows - 1;
    return *row >= 0 && *col >= 0;
}

void dg_plane_field(dg_plane *p, const dg_src *src, float lo, float hi, int cmap,
                    const char *unit)
{
    if (!p || !src || !src->t || src->t->ndim < 2) return;
    const ts_tensor *t = src->t;
    int nd = t->ndim, rows = t->shape[nd - 2], cols = t->shape[nd - 1];
    int idx[TS_MAX_DIMS] = {0};
    for (int d = 0; d < nd - 2; d++) idx[d] = src->lead[d];
    const float *data = t->data + dg__offset(t, idx);
    if (lo == hi) lo = hi = 0;
    dg__range(data, (size_t)rows * (size_t)cols, &cmap, &lo, &hi);
    dg_rect a = p->area;
    gfx_heatmap(a.x, a.y, a.w, a.h, data, rows, cols, lo, hi, dg__gfx_cmap(cmap));
    if (!p->s.no_legend) dg_legend(p->legend, lo, hi, cmap, unit ? unit : "value");
    int row, col;
    if (pointer_cell(p, rows, cols, &row, &col)) {
        idx[nd - 2] = row;
        idx[nd - 1] = col;
        float cw = a.w / (float)cols, ch = a.h / (float)rows;
        dg_hover_item((dg_rect){a.x + (float)col * cw, a.y + (float)row * ch, cw, ch}, t, idx,
                      data[row * cols + col], src->explain, src->user);
    }
}

void dg_plane_regions(dg_plane *p, const int *cls, int rows, int cols, const char *what)
{
    if (!p || !cls || rows <= 0 || cols <= 0) return;
    dg_rect a = p->area;
    float cw = a.w / (float)cols, ch = a.h / (float)rows;
    gfx_color panel = dg_theme()->panel;
    /* One rectangle per run of equal classes in a row, in the category
     * colour at 35% over the panel but opaque, each reaching one unit into
     * the next row and run: antialiased edges of translucent neighbours
     * would show as seams. */
    gfx_push_clip(a.x, a.y, a.w, a.h);
    for (int r = 0; r < rows; r++) {
        int c0 = 0;
        for (int c = 1; c <= cols; c++) {
            if (c < cols && cls[r * cols + c] == cls[r * cols + c0]) continue;
            float x0 = a.x + (float)c0 * cw, x1 = a.x + (float)c * cw;
            gfx_color col = gfx_mix(panel, dg_category(cls[r * cols + c0]), 0.35f);
            col.a = 1;
            gfx_rect(x0, a.y + (float)r * ch, x1 - x0 + 1, ch + 1, col);
            c0 = c;
        }
    }
    gfx_pop_clip();
    dg_axis_grid(a, &p->ax, &p->ay, 0.5f);     /* the grid the regions covered */
    int row, col;
    if (pointer_cell(p, rows, cols, &row, &col))
        dg_hover_text((dg_rect){a.x + (float)col * cw, a.y + (float)row * ch, cw, ch},
                      "region of %s %d", what ? what : "class", cls[row * cols + col]);
}

static void explain_point(const void *user, const int *idx, char *buf, size_t n)
{
    (void)user;
    char xs[24], ys[24], more[300] = "";
    dg_fmt(xs, sizeof xs, hover_pt.x, 4, 10, false);
    dg_fmt(ys, sizeof ys, hover_pt.y, 4, 10, false);
    if (hover_pt.explain) hover_pt.explain(hover_pt.user, idx, more, sizeof more);
    snprintf(buf, n, "%s[%d,:] = (%s, %s)%s%s", hover_pt.name, hover_pt.i, xs, ys,
             more[0] ? "\n" : "", more);
}

void dg_plane_points(dg_plane *p, const dg_src *src, int n, const int *classes,
                     gfx_color color, float radius)
{
    if (!p || !src || !src->t || src->t->ndim < 2 || src->t->shape[src->t->ndim - 1] != 2) return;
    const ts_tensor *t = src->t;
    int nd = t->ndim;
    if (n > t->shape[nd - 2]) n = t->shape[nd - 2];
    if (n <= 0) return;
    if (!(radius > 0)) radius = 7.0f;
    const ui_theme *th = dg_theme();
    if (color.a == 0) color = th->accent;
    int idx[TS_MAX_DIMS] = {0};
    for (int d = 0; d < nd - 2; d++) idx[d] = src->lead[d];
    const float *xy = t->data + dg__offset(t, idx);
    dg_rect a = p->area;
    float sx = a.w / (p->ax.hi - p->ax.lo), sy = a.h / (p->ay.hi - p->ay.lo);
    float mx = -1, my = -1;
    bool ptr = dg__pointer(&mx, &my) && dg_contains(dg_inset(a, -radius), mx, my);
    float reach = radius + 10.0f, best_d = reach * reach;
    int best = -1;
    /* A point whose element (either column of its row) was hovered last
     * frame; dg_hovered_in compares by name (the last frame's tensor may
     * have been freed since). */
    int linked = -1;
    int hidx[TS_MAX_DIMS];
    if (dg_hovered_in(t, hidx)) {
        bool same = true;
        for (int d = 0; d < nd - 2; d++) same &= hidx[d] == idx[d];
        if (same) linked = hidx[nd - 2];
    }
    gfx_push_clip(a.x, a.y, a.w, a.h);
    /* A thin halo in the background colour separates sparse points; a dense
     * cloud goes without (it would double the primitives: llvmpipe's cost
     * is per triangle more than per pixel here). */
    gfx_color halo = th->bg;
    bool halos = n <= 600;
    for (int i = 0; i < n; i++) {
        float cx = a.x + (xy[2 * i] - p->ax.lo) * sx, cy = a.y + (p->ay.hi - xy[2 * i + 1]) * sy;
        if (!isfinite(cx) || !isfinite(cy)) continue;
        if (halos) gfx_circle(cx, cy, radius + 2.0f, halo);
        gfx_color pc = classes && classes[i] >= 0 ? dg_category(classes[i]) : color;
        if (dg_contains(a, cx, cy))   /* a point clipped away is no mark */
            pc = dg__mark((dg_rect){ cx - radius * 0.7f, cy - radius * 0.7f, radius * 1.4f, radius * 1.4f }, pc);
        gfx_circle(cx, cy, radius, pc);
        if (ptr) {
            float d = (cx - mx) * (cx - mx) + (cy - my) * (cy - my);
            if (d < best_d) { best_d = d; best = i; }
        }
    }
    if (linked >= 0 && linked < n) {
        float cx = a.x + (xy[2 * linked] - p->ax.lo) * sx, cy = a.y + (p->ay.hi - xy[2 * linked + 1]) * sy;
        gfx_circle_line(cx, cy, radius + 9, 4, th->accent);
    }
    gfx_pop_clip();
    if (best < 0) return;
    float cx = a.x + (xy[2 * best] - p->ax.lo) * sx, cy = a.y + (p->ay.hi - xy[2 * best + 1]) * sy;
    float h = fmaxf(fmaxf(fabsf(mx - cx), fabsf(my - cy)) + 1.0f, radius + 2);
    hover_pt.x = xy[2 * best];
    hover_pt.y = xy[2 * best + 1];
    hover_pt.i = best;
    dg__slice_name(hover_pt.name, sizeof hover_pt.name, t, nd - 2, idx);
    hover_pt.explain = src->explain;
    hover_pt.user = src->user;
    idx[nd - 2] = best;
    idx[nd - 1] = 0;
    dg_hover_item((dg_rect){cx - h, cy - h, 2 * h, 2 * h}, t, idx, xy[2 * best], explain_point, NULL);
}

void dg_plane_arrows(dg_plane *p, const float *xy, const float *dxy, int n, float scale,
                     gfx_color color)
{
    if (!p || !xy || !dxy || n <= 0) return;
    if (color.a == 0) color = dg_theme()->text_dim;
    gfx_color halo = dg_theme()->bg;
    dg_rect a = p->area;
    gfx_push_clip(a.x, a.y, a.w, a.h);
    for (int i = 0; i < n; i++) {
        dg_pt s = dg_plane_to_canvas(p, xy[2 * i], xy[2 * i + 1]);
        dg_pt e = dg_plane_to_canvas(p, xy[2 * i] + dxy[2 * i] * scale, xy[2 * i + 1] + dxy[2 * i + 1] * scale);
        float len = hypotf(e.x - s.x, e.y - s.y);
        if (!isfinite(len)) continue;
        /* a halo in the background colour keeps arrows readable over a
         * field; the mark is judged where it points, on that halo */
        float ux = len > 0 ? (e.x - s.x) / len : 0, uy = len > 0 ? (e.y - s.y) / len : 0;
        dg_pt h = { e.x - ux * 8, e.y - uy * 8 };
        gfx_color c = dg_contains(a, h.x, h.y) ? dg__mark((dg_rect){ h.x - 2, h.y - 2, 4, 4 }, color) : color;
        if (len < 6.0f) {
            gfx_circle(s.x, s.y, 4.5f, halo);
            gfx_circle(s.x, s.y, 2.5f, c);
        } else {
            gfx_arrow(s.x - ux * 2, s.y - uy * 2, e.x + ux * 3, e.y + uy * 3, 7.0f, halo);
            gfx_arrow(s.x, s.y, e.x, e.y, 3.0f, c);
        }
    }
    gfx_pop_clip();
}

void dg_plane_trails(dg_plane *p, const float *traj, int steps, int n, gfx_color color)
{
    if (!p || !traj || steps < 2 || n <= 0) return;
    if (color.a == 0) color = dg_theme()->accent;
    dg_rect a = p->area;
    gfx_push_clip(a.x, a.y, a.w, a.h);
    /* Older parts fainter: four chunks from 25% to full opacity. */
    float buf[2 * 128];
    for (int j = 0; j < n; j++) {
        for (int q = 0; q < 4; q++) {
            int s0 = (steps - 1) * q / 4, s1 = (steps - 1) * (q + 1) / 4;
            int m = 0;
            for (int s = s0; s <= s1 && m < 128; s++) {
                dg_pt c = dg_plane_to_canvas(p, traj[((size_t)s * (size_t)n + (size_t)j) * 2],
                                             traj[((size_t)s * (size_t)n + (size_t)j) * 2 + 1]);
                if (!isfinite(c.x) || !isfinite(c.y)) continue;
                buf[2 * m] = c.x;
                buf[2 * m + 1] = c.y;
                m++;
            }
            if (m >= 2) gfx_polyline(buf, m, 4.0f, dg__mark(a, gfx_fade(color, 0.25f * (float)(q + 1))));
        }
        size_t last = ((size_t)(steps - 1) * (size_t)n + (size_t)j) * 2;
        dg_pt e = dg_plane_to_canvas(p, traj[last], traj[last + 1]);
        gfx_circle(e.x, e.y, 5.0f, dg__mark((dg_rect){ e.x - 3.5f, e.y - 3.5f, 7, 7 }, color));
    }
    gfx_pop_clip();
}

void dg_plane_end(dg_plane *p)
{
    if (!p) return;
    dg_rect a = p->area;
    gfx_rrect_line(a.x, a.y, a.w, a.h, 0, 2.0f, dg_theme()->text_dim);
    p->used = false;
}
