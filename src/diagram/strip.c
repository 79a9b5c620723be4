/* strip.c: one row or column of values (dg_strip) and probability bars
 * (dg_bars).
 *
 *   dg_strip(r, &(dg_src){ .t = h, .lead = {0, t} },          // a hidden state
 *            &(dg_strip_style){ .values = true, .labels = unit_names });
 *   dg_strip(r, &(dg_src){ .t = gate }, &(dg_strip_style){ .bars = true, .vertical = true });
 *   dg_bars(r, &(dg_src){ .t = probs }, &(dg_bars_style){ .labels = classes, .sorted = true,
 *                                                         .top = 5 });
 *
 * A strip of colour cells is a matrix of one row (or column) and is drawn by
 * the matrix code: square cells up to max_cell, labels, numbers sized to the
 * cell, a legend. A strip of bars draws bars from a zero line (signed values
 * go both ways), the value range named at the axis, values at the bar ends
 * when they fit.
 *
 * Probability bars show one bar per class with its label and its value as a
 * percentage formatted so extremes read right: "99.97%", "0.3%", "<0.1%"
 * (values outside 0..1 are shown by dg_fmt and scaled to the largest). The
 * winner is the argmax, in full colour with a bold label; when several
 * classes tie for the top, all of them are marked and none is called the
 * winner. A target (mark = k + 1) is outlined.
 *
 * Every cell or bar is a hover item with its full index in the tensor.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "diagram/dg_internal.h"

#define AXIS_W 84.0f          /* axis labels left of (or under) a bar strip */

/* The vector a strip or bar chart shows: the last dim with lead fixed. */
typedef struct vec {
    const ts_tensor *t;
    int n, stride, dim;       /* length, element stride, which dim (-1: scalar) */
    size_t base;
    int idx[TS_MAX_DIMS];
} vec;

static bool vec_open(vec *v, const dg_src *src) {
    const ts_tensor *t = src ? src->t : NULL;
    if (!t || !t->data || t->ndim < 0 || t->ndim > TS_MAX_DIMS) return false;
    memset(v, 0, sizeof *v);
    v->t = t;
    v->dim = t->ndim - 1;
    v->n = t->ndim > 0 ? t->shape[v->dim] : 1;
    v->stride = t->ndim > 0 ? t->stride[v->dim] : 0;
    for (int d = 0; d < t->ndim - 1; d++) {
        if (src->lead[d] < 0 || src->lead[d] >= t->shape[d]) return false;
        v->idx[d] = src->lead[d];
        v->base += (size_t)src->lead[d] * (size_t)t->stride[d];
    }
    return v->n > 0;
}

/* Element i: its value, and its full index left in v->idx. */
static float vec_at(vec *v, int i) {
    if (v->dim >= 0) v->idx[v->dim] = i;
    return v->t->data[v->base + (size_t)i * (size_t)v->stride];
}

static void vec_title(char *out, size_t n, const vec *v, const char *title) {
    if (title) snprintf(out, n, "%s", title);
    else dg__slice_name(out, n, v->t, v->t->ndim - 1, v->idx);
}

/* ---- strip of bars ---------------------------------------------------------- */

static dg_cells strip_bars(dg_rect r, vec *v, int start, int count, const dg_strip_style *s,
                           const dg_src *src) {
    const ui_theme *th = dg_theme();
    dg_cells g = { .hover_r = -1, .hover_c = -1 };
    float lo = s->lo, hi = s->hi;
    if (lo == 0 && hi == 0) {
        for (int i = 0; i < v->n; i++) {
            float x = vec_at(v, i);
            if (x < lo) lo = x;
            if (x > hi) hi = x;
        }
    }
    if (lo > 0) lo = 0;
    if (hi < 0) hi = 0;
    if (!(hi > lo)) hi = lo + 1;
    char title[96], tlo[24], thi[24], buf[24];
    vec_title(title, sizeof title, v, s->title);
    dg_fmt(tlo, sizeof tlo, lo, 3, 6, false);
    dg_fmt(thi, sizeof thi, hi, 3, 6, false);

    dg_rect body = r;
    float title_h = s->no_title ? 0 : DG_TEXT_H2 * 1.2f;
    dg_rect trect = dg_cut_top(&body, title_h, s->no_title ? 0 : 12);
    float max_cell = s->max_cell > 0 ? s->max_cell : 90;
    const float ls = DG_TEXT_LABEL, vs = DG_TEXT_SMALL;
    float hover_pad = 0;
    int lstep = 1;
    float lsize = ls;
    if (!s->vertical) {
        /* columns of bars rising from a horizontal zero line */
        dg_rect axis = dg_cut_left(&body, AXIS_W, 8);
        float lab_h = s->labels ? ls * 1.2f + 8 : 0, val_h = s->values ? vs * 1.2f + 4 : 0;
        float cw = fminf(body.w / (float)count, max_cell);
        float bh = fminf(body.h - lab_h - 2 * val_h, max_cell * 5);
        if (!(cw > 2) || !(bh > 20)) return g;
        float gw = cw * (float)count, x0 = body.x + (body.w - gw) / 2;
        float y0 = body.y + (body.h - (bh + lab_h + 2 * val_h)) / 2 + val_h;
        float zy = y0 + bh * hi / (hi - lo);
        if (s->labels) lsize = dg__label_fit(s->labels, start, count, cw, true, &lstep);
        float vsize = 0;
        int vchars = 6;
        for (; s->values && vchars >= 4 && vsize == 0; vchars--) {
            float wmax = 0;
            for (int i = 0; i < count; i++)
                wmax = fmaxf(wmax, dg_type_width(1, GFX_MONO,
                                                  dg_fmt(buf, sizeof buf, vec_at(v, start + i), 3, vchars, false)));
            vsize = wmax > 0 && (cw - 4) / wmax >= DG_TEXT_MIN ? fminf(vs, (cw - 4) / wmax) : 0;
        }
        vchars++;
        g = (dg_cells){ x0, y0, cw, bh, 1, count, -1, -1,
                        { axis.x, s->no_title ? y0 - val_h : trect.y, x0 + gw - axis.x,
                          y0 + bh + val_h + lab_h - (s->no_title ? y0 - val_h : trect.y) } };
        gfx_line(x0 - 6, zy, x0 + gw + 6, zy, 2, th->text_dim);
        { int r_ = dg_role(GFX_ROLE_TICK); dg_type(x0 - 12, zy, vs, GFX_SANS, GFX_RIGHT | GFX_MIDDLE, th->text_dim, "0"); dg_role(r_); }
        if (hi > 0 && zy - y0 > vs * 1.3f)
            { int r_ = dg_role(GFX_ROLE_TICK); dg_type(x0 - 12, y0 + vs * 0.6f, vs, GFX_SANS, GFX_RIGHT | GFX_MIDDLE, th->text_dim, thi); dg_role(r_); }
        if (lo < 0 && y0 + bh - zy > vs * 1.3f)
            { int r_ = dg_role(GFX_ROLE_TICK); dg_type(x0 - 12, y0 + bh - vs * 0.6f, vs, GFX_SANS, GFX_RIGHT | GFX_MIDDLE, th->text_dim, tlo); dg_role(r_); }
        for (int i = 0; i < count; i++) {
            float x = vec_at(v, start + i);
            float y = y0 + bh * (hi - x) / (hi - lo);
            float bx = x0 + (float)i * cw + cw * 0.15f;
            gfx_rect(bx, fminf(y, zy), cw * 0.7f, fabsf(zy - y),
                     dg__mark((dg_rect){ bx, y0, cw * 0.7f, bh }, x < 0 ? th->negative : th->positive));
            if (vsize > 0)
                { int r_ = dg_role(GFX_ROLE_CELL); dg_type(bx + cw * 0.35f, x < 0 ? y + 2 : y - 2, vsize, GFX_MONO,
                         GFX_CENTER | (x < 0 ? GFX_TOP : GFX_BOTTOM), th->text,
                         dg_fmt(buf, sizeof buf, x, 3, vchars, false)); dg_role(r_); }
            if (s->labels && s->labels[start + i] && i % lstep == 0)
                { int r_ = dg_role(GFX_ROLE_TICK); dg_text((dg_rect){ x0 + (float)i * cw - cw * (float)(lstep - 1) / 2 + 2,
                                   y0 + bh + val_h + 8, cw * (float)lstep - 4, lsize * 1.2f },
                        lsize, GFX_SANS, GFX_CENTER | GFX_TOP, th->text_dim, s->labels[start + i]); dg_role(r_); }
        }
    } else {
        /* rows of bars growing right (or left) from a vertical zero line */
        float lab_w = 0;
        for (int i = 0; s->labels && i < count; i++)
            if (s->labels[start + i])
                lab_w = fmaxf(lab_w, dg_type_width(ls, GFX_SANS, s->labels[start + i]));
        float lab_em = lab_w / ls;              /* the widest label at size 1 */
        lab_w = fminf(lab_w, body.w * 0.3f);
        dg_rect labs = dg_cut_left(&body, lab_w, lab_w > 0 ? 10 : 0);
        dg_rect axis = dg_cut_bottom(&body, vs * 1.2f + 6, 0);
        float rh = fminf(body.h / (float)count, max_cell);
        if (s->labels) lsize = dg__label_fit(s->labels, start, count, rh, false, &lstep);
        /* one size for all labels: the widest fits (down to the floor) */
        if (lab_em > 0) lsize = fmaxf(DG_TEXT_MIN, fminf(lsize, lab_w / lab_em));
        float vsize = s->values && rh >= DG_TEXT_MIN * 1.2f ? fminf(vs, rh / 1.2f) : 0;
        float val_w = vsize > 0 ? dg_type_width(vsize, GFX_MONO, "-0.000") + 8 : 0;
        float bw = body.w - 2 * val_w;
        if (!(rh > 2) || !(bw > 20)) return g;
        hover_pad = val_w;
        float gh = rh * (float)count, y0 = body.y + (body.h - gh) / 2, x0 = body.x + val_w;
        float zx = x0 + bw * -lo / (hi - lo);
        g = (dg_cells){ x0, y0, bw, rh, count, 1, -1, -1,
                        { labs.x, s->no_title ? y0 : trect.y, body.x + body.w - labs.x,
                          y0 + gh + axis.h - (s->no_title ? y0 : trect.y) } };
        gfx_line(zx, y0 - 6, zx, y0 + gh + 6, 2, th->text_dim);
        { int r_ = dg_role(GFX_ROLE_TICK); dg_type(zx, y0 + gh + 8, vs, GFX_SANS, GFX_CENTER | GFX_TOP, th->text_dim, "0"); dg_role(r_); }
        if (lo < 0 && zx - x0 > dg_type_width(vs, GFX_SANS, tlo) + 30)
            { int r_ = dg_role(GFX_ROLE_TICK); dg_type(x0, y0 + gh + 8, vs, GFX_SANS, GFX_LEFT | GFX_TOP, th->text_dim, tlo); dg_role(r_); }
        if (hi > 0 && x0 + bw - zx > dg_type_width(vs, GFX_SANS, thi) + 30)
            { int r_ = dg_role(GFX_ROLE_TICK); dg_type(x0 + bw, y0 + gh + 8, vs, GFX_SANS, GFX_RIGHT | GFX_TOP, th->text_dim, thi); dg_role(r_); }
        for (int i = 0; i < count; i++) {
            float x = vec_at(v, start + i);
            float ex = x0 + bw * (x - lo) / (hi - lo), y = y0 + (float)i * rh;
            gfx_rect(fminf(ex, zx), y + rh * 0.15f, fabsf(ex - zx), rh * 0.7f,
                     x < 0 ? th->negative : th->positive);
            if (vsize > 0)
                { int r_ = dg_role(GFX_ROLE_CELL); dg_type(x < 0 ? ex - 4 : ex + 4, y + rh / 2, vsize, GFX_MONO,
                         (x < 0 ? GFX_RIGHT : GFX_LEFT) | GFX_MIDDLE, th->text,
                         dg_fmt(buf, sizeof buf, x, 3, 6, false)); dg_role(r_); }
            if (s->labels && s->labels[start + i] && i % lstep == 0)
                { int r_ = dg_role(GFX_ROLE_TICK); dg_text((dg_rect){ labs.x, y + rh / 2 - lsize * 0.6f, labs.w, lsize * 1.2f }, lsize,
                        GFX_SANS, GFX_RIGHT | GFX_MIDDLE, th->text_dim, s->labels[start + i]); dg_role(r_); }
        }
    }
    if (!s->no_title)
        { int r_ = dg_role(GFX_ROLE_TITLE); dg_text(trect, DG_TEXT_H2, GFX_BOLD, GFX_CENTER | GFX_TOP, th->text, title); dg_role(r_); }
    /* hover and links over each bar's whole slot */
    for (int i = 0; i < count; i++) {
        dg_rect cr = s->vertical ? dg_cell_rect(&g, i, 0) : dg_cell_rect(&g, 0, i);
        cr.x -= hover_pad;           /* a bar's row: its value beside it too */
        cr.w += 2 * hover_pad;
        float x = vec_at(v, start + i);
        if (dg_hover_item(cr, v->t, v->idx, x, src->explain, src->user)) {
            g.hover_r = s->vertical ? i : 0;
            g.hover_c = s->vertical ? 0 : i;
        }
        if (dg_linked(v->t, v->idx)) gfx_rrect_line(cr.x, cr.y, cr.w, cr.h, 4, 3, th->accent2);
    }
    dg__element(g.bounds);
    return g;
}

dg_cells dg_strip(dg_rect r, const dg_src *src, const dg_strip_style *s_in) {
    dg_cells none = { .hover_r = -1, .hover_c = -1 };
    dg_strip_style s = s_in ? *s_in : (dg_strip_style){ 0 };
    vec v;
    if (!vec_open(&v, src) || !(r.w > 0) || !(r.h > 0)) return none;
    int start = s.start, count = s.count > 0 ? s.count : v.n - s.start;
    if (start < 0 || count <= 0 || start + count > v.n) return none;
    if (s.bars) return strip_bars(r, &v, start, count, &s, src);

    /* colour cells: a grid of one row (or column) over the vector's dim */
    dg__grid m = { .t = v.t, .nd = v.t->ndim, .nlead = v.t->ndim > 0 ? v.t->ndim - 1 : 0,
                   .rdim = s.vertical ? v.dim : -1, .cdim = s.vertical ? -1 : v.dim,
                   .R = s.vertical ? v.n : 1, .C = s.vertical ? 1 : v.n, .base = v.base,
                   .rs = s.vertical ? v.stride : 0, .cs = s.vertical ? 0 : v.stride };
    memcpy(m.idx, v.idx, sizeof m.idx);
    if (s.vertical ? !dg__grid_window(&m, start, 0, count, 1) : !dg__grid_window(&m, 0, start, 1, count))
        return none;
    dg_matrix_style ms = { .mode = s.values ? DG_HEAT_NUMBERS : DG_HEAT, .cmap = s.cmap, .lo = s.lo,
                           .hi = s.hi, .title = s.title, .no_title = s.no_title,
                           .no_legend = s.no_legend, .max_cell = s.max_cell > 0 ? s.max_cell : 90,
                           .aspect = s.aspect };
    if (s.vertical) ms.row_labels = s.labels;
    else ms.col_labels = s.labels;
    return dg__grid_draw(r, &m, src, &ms);
}

/* ---- probability bars -------------------------------------------------------- */

/* A probability as a percentage that keeps extremes honest: never "100%"
 * for a value below 1, never "0%" for one above 0. */
static void fmt_prob(char *out, size_t n, float p) {
    if (p <= 0) { snprintf(out, n, "0%%"); return; }
    if (p >= 1) { snprintf(out, n, "100%%"); return; }
    double pct = 100.0 * (double)p;
    if (pct < 0.1) { snprintf(out, n, "<0.1%%"); return; }
    if (pct < 10) { snprintf(out, n, "%.1f%%", pct); return; }
    for (int dec = 1; dec <= 3; dec++) {
        char t[32];
        snprintf(t, sizeof t, "%.*f", dec, pct);
        if (strtod(t, NULL) < 100.0) { snprintf(out, n, "%s%%", t); return; }
    }
    snprintf(out, n, ">99.999%%");
}

typedef struct bar { int cls; float v; bool marked, target, show; } bar;

/* Which bars get a label when only every step-th fits: marked ones first
 * (the winner, a target), then the others in order, each only where it
 * keeps step slots from every label already placed. */
static void pick_labels(bar *b, int n, int step) {
    for (int i = 0; i < n; i++) b[i].show = false;
    for (int pass = 0; pass < 2; pass++)
        for (int i = 0; i < n; i++) {
            if (b[i].show || (pass == 0 && !b[i].marked && !b[i].target)) continue;
            bool room = true;
            for (int j = i - step + 1; j < i + step && room; j++)
                if (j >= 0 && j < n && b[j].show) room = false;
            b[i].show = room;
        }
}

static int bar_desc(const void *a, const void *b) {
    const bar *x = a, *y = b;
    if (x->v != y->v) return x->v < y->v ? 1 : -1;
    return x->cls - y->cls;                 /* stable: ties in class order */
}

dg_cells dg_bars(dg_rect r, const dg_src *src, const dg_bars_style *s_in) {
    dg_cells g = { .hover_r = -1, .hover_c = -1 };
    dg_bars_style s = s_in ? *s_in : (dg_bars_style){ 0 };
    vec v;
    if (!vec_open(&v, src) || !(r.w > 0) || !(r.h > 0)) return g;
    const ui_theme *th = dg_theme();
    bar *bars = malloc((size_t)v.n * sizeof *bars);
    if (!bars) return g;
    float vmax = -INFINITY, vmin = INFINITY;
    int top_n = 0;
    for (int i = 0; i < v.n; i++) {
        bars[i] = (bar){ i, vec_at(&v, i) };
        vmax = fmaxf(vmax, bars[i].v);
        vmin = fminf(vmin, bars[i].v);
    }
    for (int i = 0; i < v.n; i++) top_n += bars[i].v == vmax;
    bool probs = vmin >= 0 && vmax <= 1;
    float scale = probs ? 1 : fmaxf(vmax, 1e-12f);
    bool tie = top_n > 1, flat = top_n == v.n;
    for (int i = 0; i < v.n; i++) {
        bars[i].marked = s.mark == 0 && bars[i].v == vmax && !flat;
        bars[i].target = s.mark == i + 1;
    }
    if (s.sorted) qsort(bars, (size_t)v.n, sizeof *bars, bar_desc);
    int n = s.sorted && s.top > 0 && s.top < v.n ? s.top : v.n;

    char title[96], buf[32], cls_name[24];
    vec_title(title, sizeof title, &v, s.title);
    dg_rect body = r;
    dg_rect trect = dg_cut_top(&body, DG_TEXT_H2 * 1.2f, 12);
    gfx_color col = s.color.a > 0 ? s.color : th->accent;
    const float ls = DG_TEXT_LABEL;
    float val_w = dg_type_width(ls, GFX_MONO, probs ? "99.97%" : "-0.000") + 12;

    /* the label of a shown bar, from the class names or its index */
#define BAR_LABEL(k) (s.labels && s.labels[bars[k].cls] ? s.labels[bars[k].cls] \
                      : (snprintf(cls_name, sizeof cls_name, "%d", bars[k].cls), cls_name))
    float lw = 0;
    for (int k = 0; k < n; k++) lw = fmaxf(lw, dg_type_width(ls, GFX_SANS, BAR_LABEL(k)));
    int step = 1;
    float lsize = ls;
    if (!s.vertical) {
        float lw_em = lw / ls;                  /* the widest label at size 1 */
        lw = fminf(lw, body.w * 0.35f);
        dg_rect labs = dg_cut_left(&body, lw, 12);
        dg_rect vals = dg_cut_right(&body, val_w, 8);
        float rh = fminf(body.h / (float)n, 72);
        /* labels and values share a size; rows too thin for it are thinned */
        lsize = fmaxf(DG_TEXT_MIN, fminf(fminf(ls, rh / 1.2f), lw_em > 0 ? lw / lw_em : ls));
        if (rh < lsize * 1.2f) step = (int)ceilf(lsize * 1.2f / rh);
        pick_labels(bars, n, step);
        float y0 = body.y + (body.h - rh * (float)n) / 2;
        g = (dg_cells){ body.x, y0, body.w, rh, n, 1, -1, -1,
                        { labs.x, trect.y, vals.x + vals.w - labs.x, y0 + rh * (float)n - trect.y } };
        for (int k = 0; k < n; k++) {
            float y = y0 + (float)k * rh, p = bars[k].v;
            bool target = bars[k].target, marked = bars[k].marked;
            gfx_rect(body.x, y + rh * 0.12f, body.w, rh * 0.76f, gfx_fade(th->panel, 0.8f));
            float len = body.w * fmaxf(0, p) / scale;
            /* the others in text_dim: a faded accent lost contrast (3:1 and less) */
            gfx_rect(body.x, y + rh * 0.12f, len, rh * 0.76f,
                     dg__mark((dg_rect){ body.x, y + rh * 0.12f, body.w, rh * 0.76f }, marked ? col : th->text_dim));
            if (target)
                gfx_rrect_line(body.x - 3, y + rh * 0.12f - 3, body.w + 6, rh * 0.76f + 6, 4, 3, th->accent2);
            if (!bars[k].show) continue;
            { int r_ = dg_role(GFX_ROLE_TICK); dg_text((dg_rect){ labs.x, y + rh / 2 - lsize * 0.6f, labs.w, lsize * 1.2f }, lsize,
                    marked || target ? GFX_BOLD : GFX_SANS, GFX_RIGHT | GFX_MIDDLE,
                    marked ? th->text : target ? th->accent2 : th->text_dim, BAR_LABEL(k)); dg_role(r_); }
            if (probs) fmt_prob(buf, sizeof buf, p);
            else dg_fmt(buf, sizeof buf, p, 3, 6, false);
            { int r_ = dg_role(GFX_ROLE_CELL); dg_text((dg_rect){ vals.x, y + rh / 2 - lsize * 0.6f, vals.w, lsize * 1.2f }, lsize,
                    GFX_MONO, GFX_LEFT | GFX_MIDDLE, marked ? th->text : th->text_dim, buf); dg_role(r_); }
        }
    } else {
        float lab_h = ls * 1.2f + 8, val_h = ls * 1.2f + 4;
        float cw = fminf(body.w / (float)n, 120);
        float bh = body.h - lab_h - val_h;
        if (!(bh > 20)) { free(bars); return g; }
        if (lw + 8 > cw) {
            lsize = fmaxf(DG_TEXT_MIN, ls * cw / (lw + 8));
            float lw2 = lw * lsize / ls;
            step = lw2 + 8 > cw ? (int)ceilf((lw2 + 8) / cw) : 1;
        }
        pick_labels(bars, n, step);
        float vsize = 0;
        if (probs) {
            float vw = dg_type_width(1, GFX_MONO, "99.97%");
            vsize = (cw - 4) / vw >= DG_TEXT_MIN ? fminf(ls, (cw - 4) / vw) : 0;
        } else {
            float vw = dg_type_width(1, GFX_MONO, "-0.00");
            vsize = (cw - 4) / vw >= DG_TEXT_MIN ? fminf(ls, (cw - 4) / vw) : 0;
        }
        float x0 = body.x + (body.w - cw * (float)n) / 2, y0 = body.y + val_h;
        g = (dg_cells){ x0, y0, cw, bh, 1, n, -1, -1,
                        { x0, trect.y, cw * (float)n, body.y + body.h - trect.y } };
        gfx_line(x0, y0 + bh, x0 + cw * (float)n, y0 + bh, 2, th->text_dim);
        for (int k = 0; k < n; k++) {
            float x = x0 + (float)k * cw, p = bars[k].v;
            bool target = bars[k].target, marked = bars[k].marked;
            float len = bh * fmaxf(0, p) / scale;
            gfx_rect(x + cw * 0.15f, y0, cw * 0.7f, bh, gfx_fade(th->panel, 0.8f));
            gfx_rect(x + cw * 0.15f, y0 + bh - len, cw * 0.7f, len,
                     dg__mark((dg_rect){ x + cw * 0.15f, y0, cw * 0.7f, bh }, marked ? col : th->text_dim));
            if (target)
                gfx_rrect_line(x + cw * 0.15f - 3, y0 - 3, cw * 0.7f + 6, bh + 6, 4, 3, th->accent2);
            if (bars[k].show)
                { int r_ = dg_role(GFX_ROLE_TICK); dg_text((dg_rect){ x - cw * (float)(step - 1) / 2 + 2, y0 + bh + 8,
                                   cw * (float)step - 4, lsize * 1.2f },
                        lsize, marked || target ? GFX_BOLD : GFX_SANS, GFX_CENTER | GFX_TOP,
                        marked ? th->text : target ? th->accent2 : th->text_dim, BAR_LABEL(k)); dg_role(r_); }
            if (vsize > 0) {
                if (probs) fmt_prob(buf, sizeof buf, p);
                else dg_fmt(buf, sizeof buf, p, 3, 5, false);
                { int r_ = dg_role(GFX_ROLE_CELL); dg_type(x + cw / 2, y0 + bh - len - 4, vsize, GFX_MONO, GFX_CENTER | GFX_BOTTOM,
                         marked ? th->text : th->text_dim, buf); dg_role(r_); }
            }
        }
    }
#undef BAR_LABEL
    char sub[64] = "";
    if (s.mark == 0 && tie && !flat) snprintf(sub, sizeof sub, " \xc2\xb7 %d tied for the top", top_n);
    { int r_ = dg_role(GFX_ROLE_TITLE); dg_textf(trect, DG_TEXT_H2, GFX_BOLD, GFX_CENTER | GFX_TOP, th->text, "%s%s", title, sub); dg_role(r_); }
    for (int k = 0; k < n; k++) {
        dg_rect cr = s.vertical ? dg_cell_rect(&g, 0, k) : dg_cell_rect(&g, k, 0);
        float p = vec_at(&v, bars[k].cls);
        if (dg_hover_item(cr, v.t, v.idx, p, src->explain, src->user)) {
            g.hover_r = s.vertical ? 0 : k;
            g.hover_c = s.vertical ? k : 0;
        }
        if (dg_linked(v.t, v.idx)) gfx_rrect_line(cr.x - 2, cr.y - 2, cr.w + 4, cr.h + 4, 4, 3, th->accent2);
    }
    dg__element(g.bounds);
    free(bars);
    return g;
}
