/* axis.c: ranges, ticks, mapping and the drawn frame of the plot and plane
 * axes (see axis.h). Tick labels are written here rather than with dg_fmt so
 * every label of one axis has the same number of decimals ("0.5, 1.0, 1.5").
 */
#include "diagram/axis.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

void dg_axis_fix(dg_axis *a)
{
    if (!isfinite(a->lo)) a->lo = a->log ? 1.0f : 0.0f;
    if (!isfinite(a->hi)) a->hi = a->lo + 1.0f;
    if (a->lo > a->hi) { float t = a->lo; a->lo = a->hi; a->hi = t; }
    if (a->log) {
        if (!(a->hi > 0)) a->hi = 1.0f;
        if (!(a->lo > 0)) a->lo = a->hi * 1e-3f;
        if (a->hi <= a->lo * 1.0001f) { a->lo /= 10.0f; a->hi *= 10.0f; }
    } else if (a->hi - a->lo <= 1e-12f * fmaxf(1.0f, fabsf(a->hi))) {
        float d = a->lo == 0 ? 1.0f : fabsf(a->lo) * 0.1f;
        a->lo -= d;
        a->hi += d;
    }
}

void dg_axis_pad(dg_axis *a, float pad_lo, float pad_hi, bool keep_zero)
{
    if (a->log) {
        float l0 = log10f(a->lo), l1 = log10f(a->hi), d = fmaxf(l1 - l0, 0.5f);
        a->lo = powf(10.0f, l0 - pad_lo * d);
        a->hi = powf(10.0f, l1 + pad_hi * d);
        return;
    }
    float d = a->hi - a->lo;
    bool zero = keep_zero && a->lo == 0.0f;
    a->lo -= pad_lo * d;
    a->hi += pad_hi * d;
    if (zero) a->lo = 0.0f;
}

/* "1e-3" style for a value with a 1-digit or 2-digit mantissa. */
static void fmt_sci(char *out, size_t n, float v)
{
    int e = (int)floorf(log10f(fabsf(v)) + 1e-4f);
    float m = v / powf(10.0f, (float)e);
    if (fabsf(m - roundf(m)) < 1e-3f) snprintf(out, n, "%de%d", (int)roundf(m), e);
    else snprintf(out, n, "%.1fe%d", (double)m, e);
}

static void fmt_tick(char *out, size_t n, float v, int decimals, bool sci)
{
    if (v == 0.0f) { snprintf(out, n, "0"); return; }
    if (sci) { fmt_sci(out, n, v); return; }
    snprintf(out, n, "%.*f", decimals, (double)v);
}

static void log_ticks(dg_axis *a, int max_n)
{
    float l0 = log10f(a->lo), l1 = log10f(a->hi);
    int e0 = (int)ceilf(l0 - 1e-4f), e1 = (int)floorf(l1 + 1e-4f);
    int decades = e1 - e0 + 1;
    a->n = 0;
    if (decades >= 2) {
        /* every step-th decade, on multiples of the step (1e-12, 1e-8, 1e-4, 1) */
        int step = 1, first = e0;
        for (;; step++) {
            first = (int)ceilf((float)e0 / (float)step) * step;
            if ((e1 - first) / step + 1 <= max_n) break;
        }
        for (int e = first; e <= e1 && a->n < DG_AXIS_MAX_TICKS; e += step) {
            float v = powf(10.0f, (float)e);
            a->tick[a->n] = v;
            if (e >= -2 && e <= 3) fmt_tick(a->label[a->n], sizeof a->label[0], v, e < 0 ? -e : 0, false);
            else snprintf(a->label[a->n], sizeof a->label[0], "1e%d", e);
            a->n++;
        }
        return;
    }
    /* Less than two decades inside: 1, 2 and 5 times each power of ten. */
    static const float mult[3] = {1, 2, 5};
    for (int e = (int)floorf(l0) ; e <= e1 + 1; e++)
        for (int k = 0; k < 3 && a->n < DG_AXIS_MAX_TICKS; k++) {
            float v = mult[k] * powf(10.0f, (float)e);
            if (v < a->lo * 0.9999f || v > a->hi * 1.0001f) continue;
            a->tick[a->n] = v;
            bool sci = e < -2 || e > 3;
            fmt_tick(a->label[a->n], sizeof a->label[0], v, e < 0 ? -e : 0, sci);
            a->n++;
        }
}

void dg_axis_ticks(dg_axis *a, int max_n)
{
    if (max_n < 2) max_n = 2;
    if (max_n > DG_AXIS_MAX_TICKS) max_n = DG_AXIS_MAX_TICKS;
    if (a->log) { log_ticks(a, max_n); return; }
    float span = a->hi - a->lo;
    /* The smallest 1-2-5 step that gives at most max_n ticks. */
    float p = powf(10.0f, floorf(log10f(span / (float)max_n)));
    static const float mult[4] = {1, 2, 5, 10};
    float step = p * 10.0f;
    for (int k = 0; k < 4; k++) {
        float s = mult[k] * p;
        if (floorf(a->hi / s + 1e-4f) - ceilf(a->lo / s - 1e-4f) + 1 <= (float)max_n) { step = s; break; }
    }
    int e = (int)floorf(log10f(step) + 1e-4f);
    int decimals = e < 0 ? -e : 0;
    float big = fmaxf(fabsf(a->lo), fabsf(a->hi));
    bool sci = big >= 1e5f || e < -4;
    a->n = 0;
    for (float k = ceilf(a->lo / step - 1e-4f); k <= floorf(a->hi / step + 1e-4f); k += 1.0f) {
        if (a->n >= DG_AXIS_MAX_TICKS) break;
        float v = k * step;
        if (fabsf(v) < step * 1e-4f) v = 0.0f;
        a->tick[a->n] = v;
        fmt_tick(a->label[a->n], sizeof a->label[0], v, decimals, sci);
        a->n++;
    }
}

float dg_axis_map(const dg_axis *a, float v, float c0, float c1)
{
    if (!isfinite(v)) return NAN;
    float t;
    if (a->log) {
        if (!(v > 0)) return NAN;
        float l0 = log10f(a->lo), l1 = log10f(a->hi);
        t = (log10f(v) - l0) / (l1 - l0);
    } else {
        t = (v - a->lo) / (a->hi - a->lo);
    }
    return c0 + t * (c1 - c0);
}

float dg_axis_unmap(const dg_axis *a, float c, float c0, float c1)
{
    float t = (c - c0) / (c1 - c0);
    if (a->log) {
        float l0 = log10f(a->lo), l1 = log10f(a->hi);
        return powf(10.0f, l0 + t * (l1 - l0));
    }
    return a->lo + t * (a->hi - a->lo);
}

float dg_axis_label_width(const dg_axis *a, float size)
{
    float w = 0;
    for (int i = 0; i < a->n; i++) w = fmaxf(w, dg_type_width(size, GFX_SANS, a->label[i]));
    return w;
}

void dg_axis_grid(dg_rect area, const dg_axis *x, const dg_axis *y, float alpha)
{
    gfx_color c = gfx_fade(dg_theme()->grid, alpha);
    for (int i = 0; x && i < x->n; i++) {
        float cx = dg_axis_map(x, x->tick[i], area.x, area.x + area.w);
        if (isfinite(cx)) gfx_line(cx, area.y, cx, area.y + area.h, 1.5f, c);
    }
    for (int i = 0; y && i < y->n; i++) {
        float cy = dg_axis_map(y, y->tick[i], area.y + area.h, area.y);
        if (isfinite(cy)) gfx_line(area.x, cy, area.x + area.w, cy, 1.5f, c);
    }
}

void dg_axis_draw(dg_rect area, const dg_axis *x, const dg_axis *y, bool grid)
{
    const ui_theme *th = dg_theme();
    gfx_color grid_c = gfx_fade(th->grid, 0.8f), axis_c = th->text_dim;
    float x0 = area.x, x1 = area.x + area.w, y0 = area.y + area.h, y1 = area.y;
    float ts = (float)DG_TEXT_SMALL;
    if (x) {
        for (int i = 0; i < x->n; i++) {
            float cx = dg_axis_map(x, x->tick[i], x0, x1);
            if (!isfinite(cx)) continue;
            if (grid) gfx_line(cx, y1, cx, y0, 1.5f, grid_c);
            gfx_line(cx, y0, cx, y0 + 8, 2.0f, axis_c);
            { int r_ = dg_role(GFX_ROLE_TICK); dg_type(cx, y0 + 10, ts, GFX_SANS, GFX_CENTER | GFX_TOP, axis_c, x->label[i]); dg_role(r_); }
        }
        gfx_line(x0, y0, x1, y0, 2.0f, axis_c);
    }
    if (y) {
        for (int i = 0; i < y->n; i++) {
            float cy = dg_axis_map(y, y->tick[i], y0, y1);
            if (!isfinite(cy)) continue;
            if (grid) gfx_line(x0, cy, x1, cy, 1.5f, grid_c);
            gfx_line(x0 - 8, cy, x0, cy, 2.0f, axis_c);
            { int r_ = dg_role(GFX_ROLE_TICK); dg_type(x0 - 12, cy, ts, GFX_SANS, GFX_RIGHT | GFX_MIDDLE, axis_c, y->label[i]); dg_role(r_); }
        }
        gfx_line(x0, y0, x0, y1, 2.0f, axis_c);
    }
}
