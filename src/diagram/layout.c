/* layout.c: rectangles for elements, text that fits its box, and number
 * formatting by magnitude.
 *
 * Layout is a handful of pure functions over dg_rect: start from dg_stage(),
 * cut strips off its sides, split the rest into rows, columns or a grid.
 * Text never overflows: dg_text shrinks to its role's floor, wraps, then ends in
 * an ellipsis. dg_fmt keeps numbers short and honest ("0", "4.2e-4").
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "diagram/dg_internal.h"

/* ---- rectangles ------------------------------------------------------------- */

dg_rect dg_stage(void) {
    float W = gfx_canvas_w(), H = gfx_canvas_h();
    float mx = 0.03f * W, my = 0.03f * H;
    float bottom = H - UI_CAPTION_H - 16;
    return (dg_rect){ mx, my, W - 2 * mx, bottom - my };
}

dg_rect dg_inset(dg_rect r, float m) {
    r.x += m; r.y += m; r.w -= 2 * m; r.h -= 2 * m;
    if (r.w < 0) r.w = 0;
    if (r.h < 0) r.h = 0;
    return r;
}

static float clampf(float v, float lo, float hi) { return v < lo ? lo : v > hi ? hi : v; }

dg_rect dg_cut_top(dg_rect *r, float size, float gap) {
    size = clampf(size, 0, r->h);
    dg_rect out = { r->x, r->y, r->w, size };
    float used = clampf(size + gap, 0, r->h);
    r->y += used; r->h -= used;
    return out;
}

dg_rect dg_cut_bottom(dg_rect *r, float size, float gap) {
    size = clampf(size, 0, r->h);
    dg_rect out = { r->x, r->y + r->h - size, r->w, size };
    r->h -= clampf(size + gap, 0, r->h);
    return out;
}

dg_rect dg_cut_left(dg_rect *r, float size, float gap) {
    size = clampf(size, 0, r->w);
    dg_rect out = { r->x, r->y, size, r->h };
    float used = clampf(size + gap, 0, r->w);
    r->x += used; r->w -= used;
    return out;
}

dg_rect dg_cut_right(dg_rect *r, float size, float gap) {
    size = clampf(size, 0, r->w);
    dg_rect out = { r->x + r->w - size, r->y, size, r->h };
    r->w -= clampf(size + gap, 0, r->w);
    return out;
}

/* Splits `len` into n shares after n-1 gaps; writes offsets and sizes. */
static void split(float len, int n, float gap, const float *weights, float *off, float *size) {
    float total = 0;
    for (int i = 0; i < n; i++) total += weights ? fmaxf(weights[i], 0) : 1;
    if (total <= 0) total = 1;
    float avail = fmaxf(len - gap * (n - 1), 0), at = 0;
    for (int i = 0; i < n; i++) {
        size[i] = avail * (weights ? fmaxf(weights[i], 0) : 1) / total;
        off[i] = at;
        at += size[i] + gap;
    }
}

void dg_split_cols(dg_rect r, int n, float gap, const float *weights, dg_rect *out) {
    float off[64], size[64];
    if (n <= 0 || n > 64) return;
    split(r.w, n, gap, weights, off, size);
    for (int i = 0; i < n; i++) out[i] = (dg_rect){ r.x + off[i], r.y, size[i], r.h };
}

void dg_split_rows(dg_rect r, int n, float gap, const float *weights, dg_rect *out) {
    float off[64], size[64];
    if (n <= 0 || n > 64) return;
    split(r.h, n, gap, weights, off, size);
    for (int i = 0; i < n; i++) out[i] = (dg_rect){ r.x, r.y + off[i], r.w, size[i] };
}

void dg_grid(dg_rect r, int rows, int cols, float gap, dg_rect *out) {
    if (rows <= 0 || cols <= 0 || rows > 64 || cols > 64) return;
    dg_rect rr[64], cc[64];
    dg_split_rows(r, rows, gap, NULL, rr);
    dg_split_cols(r, cols, gap, NULL, cc);
    for (int i = 0; i < rows; i++)
        for (int j = 0; j < cols; j++)
            out[i * cols + j] = (dg_rect){ cc[j].x, rr[i].y, cc[j].w, rr[i].h };
}

dg_rect dg_fit_aspect(dg_rect r, float aspect, int align) {
    if (!(aspect > 0) || r.w <= 0 || r.h <= 0) return r;
    float w = r.w, h = r.w / aspect;
    if (h > r.h) { h = r.h; w = h * aspect; }
    int ha = align & 3, va = align & 12;
    float x = ha == GFX_CENTER ? r.x + (r.w - w) / 2 : ha == GFX_RIGHT ? r.x + r.w - w : r.x;
    float y = va == GFX_MIDDLE ? r.y + (r.h - h) / 2 : va == GFX_BOTTOM ? r.y + r.h - h : r.y;
    return (dg_rect){ x, y, w, h };
}

dg_pt dg_center(dg_rect r) { return (dg_pt){ r.x + r.w / 2, r.y + r.h / 2 }; }

bool dg_contains(dg_rect r, float x, float y) {
    return x >= r.x && x < r.x + r.w && y >= r.y && y < r.y + r.h;
}

dg_pt dg_anchor(dg_rect r, int side) {
    switch (side) {
    case DG_N: return (dg_pt){ r.x + r.w / 2, r.y };
    case DG_S: return (dg_pt){ r.x + r.w / 2, r.y + r.h };
    case DG_E: return (dg_pt){ r.x + r.w, r.y + r.h / 2 };
    case DG_W: return (dg_pt){ r.x, r.y + r.h / 2 };
    default:   return dg_center(r);
    }
}

/* ---- text that fits --------------------------------------------------------- */

#define LINE_GAP 1.25f
#define MAX_LINES 24

typedef struct span { const char *s; size_t n; } span;

static float span_width(span sp, float size, int font) {
    char buf[1024];
    size_t n = sp.n < sizeof buf - 1 ? sp.n : sizeof buf - 1;
    memcpy(buf, sp.s, n);
    buf[n] = 0;
    return dg_type_width(size, font, buf);
}

/* Greedy word wrap of text into lines no wider than w; returns the line
 * count (lines past max are counted but not stored). A word wider than w
 * gets a line of its own. */
static int wrap(const char *text, float w, float size, int font, span *lines, int max) {
    int n = 0;
    const char *p = text;
    while (*p) {
        if (*p == '\n') { p++; continue; }
        const char *line = p, *best = NULL;
        const char *q = p;
        for (;;) {
            /* the end of a word; a space inside math braces is not one */
            for (int depth = 0; *q && *q != '\n' && (*q != ' ' || depth > 0); q++)
                depth += *q == '{' ? 1 : *q == '}' && depth > 0 ? -1 : 0;
            if (span_width((span){ line, (size_t)(q - line) }, size, font) <= w || !best)
                best = q;
            else
                break;
            if (!*q || *q == '\n') break;
            if (span_width((span){ line, (size_t)(q - line) }, size, font) > w) break;
            q++;                                             /* the space */
        }
        if (n < max) lines[n] = (span){ line, (size_t)(best - line) };
        n++;
        p = best;
        while (*p == ' ') p++;
    }
    return n;
}

/* Cuts sp so that sp + "…" fits w (at a UTF-8 character boundary). */
static void draw_ellipsized(float x, float y, float w, float size, int font, int align,
                            gfx_color c, span sp) {
    char buf[1024];
    size_t n = sp.n < sizeof buf - 4 ? sp.n : sizeof buf - 4;
    memcpy(buf, sp.s, n);
    buf[n] = 0;
    while (n > 0 && dg_type_width(size, font, buf) > w) {
        do n--; while (n > 0 && ((unsigned char)sp.s[n] & 0xC0) == 0x80);
        memcpy(buf + n, "\xe2\x80\xa6", 4);
    }
    dg_type(x, y, size, font, align, c, buf);
}

float dg_text(dg_rect r, float size, int font, int align, gfx_color c, const char *utf8) {
    if (!utf8 || !*utf8 || r.w <= 0) return 0;
    float lo = dg_role_floor();
    if (size < lo) size = lo;
    int ha = align & 3, va = align & 12;
    span lines[MAX_LINES];
    int n = 0;
    float s = size;
    /* The largest size (down to the floor) at which the wrapped text fits
     * the box's height; single lines shrink to fit the width. */
    for (;;) {
        n = wrap(utf8, r.w, s, font, lines, MAX_LINES);
        float hneed = s * (1 + LINE_GAP * (n - 1));
        bool fits = hneed <= r.h + 0.5f || (n == 1 && r.h < s);
        if (fits) {
            bool widths_ok = true;
            for (int i = 0; i < n && i < MAX_LINES; i++)
                if (span_width(lines[i], s, font) > r.w + 0.5f) widths_ok = false;
            if (widths_ok || s <= lo) break;
        }
        if (s <= lo) break;
        s = fmaxf(lo, s * 0.92f);
    }
    int room = (int)floorf((r.h - s) / (s * LINE_GAP)) + 1;
    if (room < 1) room = 1;
    if (room > MAX_LINES) room = MAX_LINES;
    int shown = n < room ? n : room;
    float block = s * (1 + LINE_GAP * (shown - 1));
    float y = va == GFX_MIDDLE ? r.y + (r.h - block) / 2 : va == GFX_BOTTOM ? r.y + r.h - block : r.y;
    float x = ha == GFX_CENTER ? r.x + r.w / 2 : ha == GFX_RIGHT ? r.x + r.w : r.x;
    for (int i = 0; i < shown; i++) {
        span sp = lines[i];
        bool last_cut = i == shown - 1 && shown < n;
        if (last_cut) sp.n = strlen(sp.s);   /* the rest of the text, cut below */
        if (last_cut || span_width(sp, s, font) > r.w + 0.5f)
            draw_ellipsized(x, y, r.w, s, font, ha | GFX_TOP, c, sp);
        else {
            char buf[1024];
            size_t k = sp.n < sizeof buf - 1 ? sp.n : sizeof buf - 1;
            memcpy(buf, sp.s, k);
            buf[k] = 0;
            dg_type(x, y, s, font, ha | GFX_TOP, c, buf);
        }
        y += s * LINE_GAP;
    }
    return block;
}

float dg_textf(dg_rect r, float size, int font, int align, gfx_color c, const char *fmt, ...) {
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    return dg_text(r, size, font, align, c, buf);
}

/* The size (size down to the role's floor) at which text fits width on one line. */
static float one_line_size(const char *text, float width, float size, int font) {
    float w = dg_type_width(size, font, text);
    float s = w > width ? size * width / w : size;
    return s < dg_role_floor() ? dg_role_floor() : s;
}

float dg_heading(dg_rect r, const char *title, const char *subtitle) {
    const ui_theme *th = dg_theme();
    int old_role = dg_role(GFX_ROLE_HEADING);
    float h = 0;
    /* Each line shrinks to fit the width, then ends in an ellipsis: a
     * heading never wraps. */
    if (title && *title) {
        float s = one_line_size(title, r.w, DG_TEXT_TITLE, GFX_BOLD);
        h += dg_text((dg_rect){ r.x, r.y, r.w, s * 1.1f }, s, GFX_BOLD, GFX_LEFT | GFX_TOP,
                     th->text, title) + 0.25f * s;
    }
    if (subtitle && *subtitle) {
        float s = one_line_size(subtitle, r.w, DG_TEXT_BODY, GFX_SANS);
        h += dg_text((dg_rect){ r.x, r.y + h, r.w, s * 1.1f }, s, GFX_SANS, GFX_LEFT | GFX_TOP,
                     th->text_dim, subtitle) + 0.25f * s;
    }
    dg_role(old_role);
    return h;
}

/* ---- numbers ------------------------------------------------------------------ */

/* "1.50e-03" -> "1.5e-3", "2.00e+05" -> "2e5". */
static void compact_exp(char *s) {
    char *e = strchr(s, 'e');
    if (!e) return;
    char mant[32], *m = mant;
    size_t ml = (size_t)(e - s);
    memcpy(mant, s, ml);
    mant[ml] = 0;
    if (strchr(mant, '.')) {
        char *end = mant + ml - 1;
        while (*end == '0') *end-- = 0;
        if (*end == '.') *end = 0;
    }
    int ex = 0;
    sscanf(e + 1, "%d", &ex);
    char out[48];
    snprintf(out, sizeof out, "%se%d", m, ex);
    strcpy(s, out);
}

static void strip_zeros(char *s) {
    if (!strchr(s, '.')) return;
    char *end = s + strlen(s) - 1;
    while (*end == '0') *end-- = 0;
    if (*end == '.') *end = 0;
}

/* v with g significant digits, fixed or exponent form, with the sign rule. */
static void fmt_form(char *out, size_t n, double v, int g, bool exp_form, bool plus) {
    char s[48];
    if (exp_form) {
        snprintf(s, sizeof s, "%.*e", g - 1, v);
        compact_exp(s);
    } else {
        int dec = g - 1 - (int)floor(log10(fabs(v)));
        snprintf(s, sizeof s, "%.*f", dec < 0 ? 0 : dec, v);
        strip_zeros(s);
    }
    snprintf(out, n, "%s%s", plus && v > 0 ? "+" : "", s);
}

char *dg_fmt(char *out, size_t n, float v, int sig, int max_chars, bool plus) {
    if (!out || n == 0) return out;
    if (sig <= 0) sig = 3;
    if (max_chars < 4) max_chars = 4;
    if (isnan(v)) { snprintf(out, n, "nan"); return out; }
    if (isinf(v)) { snprintf(out, n, "%s", v > 0 ? (plus ? "+inf" : "inf") : "-inf"); return out; }
    if (v == 0) { snprintf(out, n, "0"); return out; }
    double a = fabs((double)v);
    bool fixed_ok = a >= 1e-3 && a < 1e5;
    char t[52];
    /* Most digits first; fixed notation where the magnitude allows it. */
    for (int g = sig; g >= 1; g--) {
        if (fixed_ok) {
            fmt_form(t, sizeof t, v, g, false, plus);
            if ((int)strlen(t) <= max_chars) { snprintf(out, n, "%s", t); return out; }
        }
        fmt_form(t, sizeof t, v, g, true, plus);
        if ((int)strlen(t) <= max_chars) { snprintf(out, n, "%s", t); return out; }
    }
    snprintf(out, n, "%s", t);   /* the shortest form there is */
    return out;
}
