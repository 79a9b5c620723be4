/* core.c: the diagram frame: theme and pointer, hover items, the shared
 * tooltip, linked highlights, colours and legends.
 *
 * Hover works in two halves. While a scene draws, every element registers
 * the rectangles of its items (dg_hover_item); the last one under the
 * pointer wins, as it is drawn on top. dg_frame_end outlines it and draws
 * one tooltip beside it, on the side where it covers the fewest elements
 * (dg__element). The hovered tensor element is kept for the next frame, so
 * every element showing the same element lights up (dg_linked).
 *
 * All state is per frame and lives here; nothing allocates.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "diagram/dg_internal.h"

#define MAX_ELEMENTS 96
#define TIP_MAX 640

typedef struct hover_ref {
    bool set;
    const ts_tensor *t;
    char name[TS_NAME_MAX];
    int ndim, idx[TS_MAX_DIMS];
} hover_ref;

static struct {
    const ui_theme *th;
    float mx, my;
    double time;
    bool hot;                 /* an item is under the pointer this frame */
    dg_rect hot_rect;
    char tip[TIP_MAX];
    hover_ref cur, prev;      /* hovered tensor element: this frame, last frame */
    dg_rect elements[MAX_ELEMENTS];
    int element_count;
} F;

void dg_frame_begin(const ui_theme *th, float mouse_x, float mouse_y, double time) {
    F.th = th ? th : &ui_theme_dark;
    F.mx = mouse_x;
    F.my = mouse_y;
    F.time = time;
    F.prev = F.cur;
    memset(&F.cur, 0, sizeof F.cur);
    F.hot = false;
    F.tip[0] = 0;
    F.element_count = 0;
}

void dg_hover_forget(void) {
    memset(&F.prev, 0, sizeof F.prev);
    memset(&F.cur, 0, sizeof F.cur);
}

const ui_theme *dg_theme(void) { return F.th ? F.th : &ui_theme_dark; }
double dg_time(void) { return F.time; }

void dg__element(dg_rect b) {
    if (F.element_count < MAX_ELEMENTS) F.elements[F.element_count++] = b;
}

/* ---- hover ------------------------------------------------------------------- */

static bool pointer_in(dg_rect r) {
    return F.mx >= 0 && F.my >= 0 && dg_contains(r, F.mx, F.my);
}

bool dg__pointer(float *x, float *y) {
    *x = F.mx;
    *y = F.my;
    return F.mx >= 0 && F.my >= 0;
}

bool dg_hover_item(dg_rect r, const ts_tensor *t, const int *idx, float value,
                   void (*explain)(const void *, const int *, char *, size_t),
                   const void *user) {
    if (!t || !pointer_in(r)) return false;
    F.hot = true;
    F.hot_rect = r;
    F.cur.set = true;
    F.cur.t = t;
    snprintf(F.cur.name, sizeof F.cur.name, "%s", t->name);
    F.cur.ndim = t->ndim;
    for (int i = 0; i < TS_MAX_DIMS; i++) F.cur.idx[i] = i < t->ndim ? idx[i] : 0;

    int n = snprintf(F.tip, sizeof F.tip, "%s[", t->name[0] ? t->name : "tensor");
    for (int i = 0; i < t->ndim && n < (int)sizeof F.tip; i++)
        n += snprintf(F.tip + n, sizeof F.tip - (size_t)n, "%s%d", i ? "," : "", idx[i]);
    if (n < (int)sizeof F.tip)
        n += snprintf(F.tip + n, sizeof F.tip - (size_t)n, "] = %.6g", (double)value);
    if (explain && n < (int)sizeof F.tip - 2) {
        char line[400] = "";
        explain(user, idx, line, sizeof line);
        if (line[0]) snprintf(F.tip + n, sizeof F.tip - (size_t)n, "\n%s", line);
    }
    return true;
}

bool dg_hover_text(dg_rect r, const char *fmt, ...) {
    if (!pointer_in(r)) return false;
    F.hot = true;
    F.hot_rect = r;
    memset(&F.cur, 0, sizeof F.cur);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(F.tip, sizeof F.tip, fmt, ap);
    va_end(ap);
    return true;
}

static bool ref_matches(const hover_ref *h, const ts_tensor *t, const int *idx) {
    if (!h->set || !t || strcmp(h->name, t->name) != 0 || h->ndim != t->ndim) return false;
    for (int i = 0; i < t->ndim; i++)
        if (h->idx[i] != idx[i]) return false;
    return true;
}

bool dg_linked(const ts_tensor *t, const int *idx) { return ref_matches(&F.prev, t, idx); }

bool dg_hovered_in(const ts_tensor *t, int *idx) {
    if (!F.prev.set || !t || strcmp(F.prev.name, t->name) != 0) return false;
    if (idx) memcpy(idx, F.prev.idx, sizeof F.prev.idx);
    return true;
}

bool dg_hovered(dg_ref *out) {
    if (!F.prev.set) return false;
    if (out) {
        out->t = F.prev.t;
        memcpy(out->idx, F.prev.idx, sizeof out->idx);
    }
    return true;
}

/* ---- the tooltip ------------------------------------------------------------ */

static float overlap(dg_rect a, dg_rect b) {
    float w = fminf(a.x + a.w, b.x + b.w) - fmaxf(a.x, b.x);
    float h = fminf(a.y + a.h, b.y + b.h) - fmaxf(a.y, b.y);
    return w > 0 && h > 0 ? w * h : 0;
}

static dg_rect clamp_to_canvas(dg_rect r) {
    float W = gfx_canvas_w(), H = gfx_canvas_h();
    if (r.x + r.w > W - 8) r.x = W - 8 - r.w;
    if (r.y + r.h > H - 8) r.y = H - 8 - r.h;
    if (r.x < 8) r.x = 8;
    if (r.y < 8) r.y = 8;
    return r;
}

void dg_frame_end(void) {
    if (!F.hot || !F.tip[0]) return;
    const ui_theme *th = dg_theme();
    dg_rect h = F.hot_rect;
    gfx_rrect_line(h.x - 3, h.y - 3, h.w + 6, h.h + 6, 4, 4, th->accent);

    /* Measure the lines. */
    const float size = DG_TEXT_LABEL, pad = 18, line_h = size * 1.3f;
    float tw = 0;
    int lines = 0;
    for (const char *p = F.tip; *p;) {
        const char *e = strchr(p, '\n');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        char buf[TIP_MAX];
        memcpy(buf, p, len);
        buf[len] = 0;
        float w = dg_type_width(size, lines ? GFX_SANS : GFX_MONO, buf);
        if (w > tw) tw = w;
        lines++;
        p += len + (e ? 1 : 0);
    }
    float maxw = gfx_canvas_w() * 0.45f;
    if (tw > maxw) tw = maxw;
    dg_rect box = { 0, 0, tw + 2 * pad, lines * line_h + 2 * pad - (line_h - size) };

    /* Beside the item on the side that covers the fewest other elements. */
    const float g = 16;
    dg_rect cand[4] = {
        { h.x + h.w + g, h.y + h.h / 2 - box.h / 2, box.w, box.h },
        { h.x - g - box.w, h.y + h.h / 2 - box.h / 2, box.w, box.h },
        { h.x + h.w / 2 - box.w / 2, h.y + h.h + g, box.w, box.h },
        { h.x + h.w / 2 - box.w / 2, h.y - g - box.h, box.w, box.h },
    };
    float best = INFINITY;
    /* The caption bar is drawn after the scene, over anything below the stage. */
    dg_rect st = dg_stage(), bar = { 0, st.y + st.h, gfx_canvas_w(), gfx_canvas_h() };
    for (int i = 0; i < 4; i++) {
        dg_rect c = clamp_to_canvas(cand[i]);
        float cost = overlap(c, h) * 100;   /* never cover the item itself */
        cost += overlap(c, bar) * 100;
        for (int k = 0; k < F.element_count; k++) cost += overlap(c, F.elements[k]);
        if (cost < best) { best = cost; box = c; }
    }
    gfx_rrect(box.x + 4, box.y + 6, box.w, box.h, 12, th->shadow);
    gfx_rrect(box.x, box.y, box.w, box.h, 12, th->panel);
    gfx_rrect_line(box.x, box.y, box.w, box.h, 12, 2, th->accent);
    float y = box.y + pad;
    lines = 0;
    for (const char *p = F.tip; *p;) {
        const char *e = strchr(p, '\n');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        char buf[TIP_MAX];
        memcpy(buf, p, len);
        buf[len] = 0;
        dg_text((dg_rect){ box.x + pad, y, box.w - 2 * pad, size * 1.2f }, size,
                lines ? GFX_SANS : GFX_MONO, GFX_LEFT | GFX_TOP,
                lines ? th->text : th->accent, buf);
        y += line_h;
        lines++;
        p += len + (e ? 1 : 0);
    }
}

/* ---- colour ------------------------------------------------------------------- */

gfx_color dg_category(int i) {
    /* the theme's palette: Okabe-Ito on dark, deepened on light backgrounds */
    if (i < 0) i = -i;
    gfx_color c = dg_theme()->category[i % 8];
    if (c.a > 0) return c;
    static const uint32_t pal[8] = {   /* a theme without one: Okabe-Ito */
        0xE69F00FF, 0x56B4E9FF, 0x009E73FF, 0xCC79A7FF,
        0xF0E442FF, 0x0072B2FF, 0xD55E00FF, 0x999999FF,
    };
    return gfx_hex(pal[i % 8]);
}

/* ---- marks, for the contrast test ------------------------------------------------ */

static struct { dg_mark_rec *buf; int cap, n; bool hide; } M;

static gfx_color opaque(gfx_color c) { c.a = 1; return c; }

void dg_mark_log(dg_mark_rec *buf, int cap) {
    M.buf = cap > 0 ? buf : NULL;
    M.cap = cap > 0 ? cap : 0;
    M.n = 0;
}

int dg_mark_log_count(void) { return M.n; }

void dg_marks_hide(bool hide) { M.hide = hide; }

gfx_color dg__mark(dg_rect r, gfx_color c) {
    if (c.a < DG_MARK_CONTEXT_ALPHA) return M.hide ? (gfx_color){0} : c;   /* context */
    /* A dimmed mark dims only as far as 3:1 on the background and panel. */
    const ui_theme *th = dg_theme();
    while (c.a < 1 && fminf(dg__contrast(gfx_mix(th->bg, opaque(c), c.a), th->bg),
                            dg__contrast(gfx_mix(th->panel, opaque(c), c.a), th->panel)) < 3.0f)
        c.a = fminf(1, c.a + 0.05f);
    if (M.buf && c.a > 0 && r.w > 0 && r.h > 0) {
        if (M.n < M.cap) M.buf[M.n] = (dg_mark_rec){ r, c };
        M.n++;
    }
    if (M.hide) c.a = 0;
    return c;
}

int dg__gfx_cmap(int c) {
    return c == DG_CMAP_DIV ? GFX_CMAP_DIVERGING : c == DG_CMAP_GRAY ? GFX_CMAP_GRAY
                                                                     : GFX_CMAP_SEQUENTIAL;
}

void dg__range(const float *v, size_t n, int *cmap, float *lo, float *hi) {
    float mn = INFINITY, mx = -INFINITY;
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(v[i])) continue;
        if (v[i] < mn) mn = v[i];
        if (v[i] > mx) mx = v[i];
    }
    if (!(mn <= mx)) mn = mx = 0;
    if (*cmap == DG_CMAP_AUTO) *cmap = mn < 0 ? DG_CMAP_DIV : DG_CMAP_SEQ;
    if (*lo == 0 && *hi == 0) {
        if (*cmap == DG_CMAP_DIV) {
            float m = fmaxf(fabsf(mn), fabsf(mx));
            *lo = -m;
            *hi = m;
        } else {
            *lo = mn;
            *hi = mx;
        }
    }
    if (!(*hi > *lo)) {
        float m = fmaxf(fabsf(*lo), 1e-6f);
        *lo -= m;
        *hi += m;
        if (*cmap == DG_CMAP_SEQ && mn >= 0 && *lo < 0) *lo = 0;
    }
}

float dg__unit(float v, float lo, float hi) {
    float t = hi > lo ? (v - lo) / (hi - lo) : 0.5f;
    return t < 0 ? 0 : t > 1 ? 1 : t;
}

static float lin(float c) { return c <= 0.04045f ? c / 12.92f : powf((c + 0.055f) / 1.055f, 2.4f); }

static float lum(gfx_color c) { return 0.2126f * lin(c.r) + 0.7152f * lin(c.g) + 0.0722f * lin(c.b); }

float dg__contrast(gfx_color a, gfx_color b) {
    float x = lum(a), y = lum(b);
    return x > y ? (x + 0.05f) / (y + 0.05f) : (y + 0.05f) / (x + 0.05f);
}

gfx_color dg__readable(gfx_color ink, gfx_color bg) {
    return dg__contrast(ink, bg) >= 4.5f ? ink : dg__ink_on(bg);
}

/* Black or white, whichever has more contrast (WCAG) with the fill: one of
 * them always reaches 4.58:1. */
gfx_color dg__ink_on(gfx_color f) {
    float L = 0.2126f * lin(f.r) + 0.7152f * lin(f.g) + 0.0722f * lin(f.b);
    return (L + 0.05f) / 0.05f >= 1.05f / (L + 0.05f) ? gfx_hex(0x000000FF) : gfx_hex(0xFFFFFFFF);
}

void dg__slice_name(char *out, size_t n, const ts_tensor *t, int nlead, const int *lead) {
    int k = snprintf(out, n, "%s", t && t->name[0] ? t->name : "tensor");
    if (nlead <= 0 || k >= (int)n) return;
    k += snprintf(out + k, n - (size_t)k, "[");
    for (int i = 0; i < nlead && k < (int)n; i++)
        k += snprintf(out + k, n - (size_t)k, "%s%d", i ? "," : "", lead[i]);
    if (k < (int)n) snprintf(out + k, n - (size_t)k, "]");
}

size_t dg__offset(const ts_tensor *t, const int *idx) {
    size_t off = 0;
    for (int i = 0; i < t->ndim; i++) off += (size_t)idx[i] * (size_t)t->stride[i];
    return off;
}

void dg_legend(dg_rect r, float lo, float hi, int cmap, const char *label) {
    const ui_theme *th = dg_theme();
    if (cmap == DG_CMAP_AUTO) cmap = lo < 0 ? DG_CMAP_DIV : DG_CMAP_SEQ;
    int gc = dg__gfx_cmap(cmap);
    if (r.w >= r.h) {   /* horizontal: label above, ticks below */
        float bh = r.h - 42 - 40;
        bh = bh < 10 ? 10 : bh > 26 ? 26 : bh;
        gfx_legend(r.x, r.y + 42, r.w, bh, lo, hi, gc, NULL, th->text_dim);
    } else {            /* vertical: label above, ticks right */
        float bw = r.w - 90;
        bw = bw < 12 ? 12 : bw > 28 ? 28 : bw;
        gfx_legend(r.x, r.y + 60, bw, r.h - 60 - 14, lo, hi, gc, NULL, th->text_dim);
    }
    /* the label above the bar (clear of a vertical bar's top tick), typeset */
    int old_role = dg_role(GFX_ROLE_LEGEND);
    if (label && *label)
        dg_type(r.x, r.y + (r.w >= r.h ? 38 : 42), (float)DG_TEXT_REF, GFX_SANS, GFX_LEFT | GFX_BOTTOM,
                th->text_dim, label);
    dg_role(old_role);
    dg__element(r);
    char a[24], b[24];
    dg_hover_text(r, "colour scale %s\n%s (%s) to %s (%s)", label ? label : "",
                  dg_fmt(a, sizeof a, lo, 4, 10, false),
                  cmap == DG_CMAP_DIV ? "blue" : "dark", dg_fmt(b, sizeof b, hi, 4, 10, false),
                  cmap == DG_CMAP_DIV ? "red" : "bright");
}
