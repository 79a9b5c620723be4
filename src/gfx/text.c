/* text.c: UTF-8 text layout and drawing.
 *
 * Layout happens in canvas units from the faces' reference metrics (font.c),
 * so widths and wrapping are the same at every output resolution. Drawing
 * asks the atlas for each glyph at the device pixel size (size x pixels per
 * unit x view scale, rounded) and puts its bitmap on whole device pixels:
 * the pen position is rounded per glyph and the baseline once per line, so a
 * glyph's texels land exactly on pixels (crisp, and the same bytes every time).
 *
 * Vertical alignment is of the line box, from the face's ascent to its
 * descent (DejaVu: 0.93 em above and 0.24 em below the baseline):
 *   GFX_TOP       y is the top of the box
 *   GFX_MIDDLE    y is its centre (for DejaVu also within 0.02 em of the
 *                 middle of the capitals, so labels look centred)
 *   GFX_BOTTOM    y is its bottom
 *   GFX_BASELINE  y is the baseline
 * Text with '\n' is a block of lines GFX_LINE_HEIGHT em apart, aligned as a
 * whole; each line is aligned horizontally on its own.
 */
#include "gfx_internal.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GFX_LINE_HEIGHT 1.25f     /* em, between baselines of a block */

/* The text log (gfx_text_log): a caller's buffer, its size and the count. */
static struct { gfx_text_rec *buf; int cap, n; int role; bool hide; } text_log;

void gfx_text_hide(bool hide) { text_log.hide = hide; }

void gfx_text_log(gfx_text_rec *buf, int cap)
{
    text_log.buf = cap > 0 ? buf : NULL;
    text_log.cap = cap > 0 ? cap : 0;
    text_log.n = 0;
}

int gfx_text_log_count(void) { return text_log.n; }

int gfx_text_role(int role)
{
    int old = text_log.role;
    text_log.role = role >= 0 && role < GFX_ROLE_COUNT ? role : GFX_ROLE_TEXT;
    return old;
}

int gfx_text_role_now(void) { return text_log.role; }

const char *gfx_text_role_name(int role)
{
    static const char *names[GFX_ROLE_COUNT] = { "text", "tick", "cell", "label", "title",
                                                 "heading", "equation", "legend", "axis",
                                                 "caption" };
    return role >= 0 && role < GFX_ROLE_COUNT ? names[role] : "?";
}

/* Records a block whose line boxes span canvas (x, top) .. (x + w, top + h)
 * before the view transform; stores it after the view, as the viewer sees
 * it: cut to the clip rectangle, and not at all when clipped away. */
static void log_text(float x, float top, float w, float h, float size, int font, gfx_color c,
                     const char *utf8)
{
    if (!text_log.buf || !(w > 0)) return;
    /* device px */
    float x0 = gfx_dx(x), y0 = gfx_dy(top), x1 = gfx_dx(x + w), y1 = gfx_dy(top + h);
    if (gfx_st.clip_n > 1) {   /* a pushed clip (clip[0], the canvas, cuts nothing here) */
        gfx_irect c = gfx_st.clip[gfx_st.clip_n - 1];
        x0 = fmaxf(x0, (float)c.x);
        y0 = fmaxf(y0, (float)c.y);
        x1 = fminf(x1, (float)(c.x + c.w));
        y1 = fminf(y1, (float)(c.y + c.h));
        if (x1 <= x0 || y1 <= y0) return;
    }
    if (text_log.n < text_log.cap) {
        float k = gfx_st.ppu > 0 ? gfx_st.ppu : 1.0f;
        gfx_text_rec *r = &text_log.buf[text_log.n];
        r->x = (x0 - gfx_st.off_x) / k;
        r->y = (y0 - gfx_st.off_y) / k;
        r->w = (x1 - x0) / k;
        r->h = (y1 - y0) / k;
        r->size = size * gfx_st.xf.k / k;
        snprintf(r->text, sizeof r->text, "%s", utf8);
        r->font = font;
        r->role = text_log.role;
        r->color = c;
    }
    text_log.n++;
}

/* Decodes one code point; invalid or truncated sequences give U+FFFD and
 * consume one byte. */
static uint32_t utf8_next(const char **ps, const char *end)
{
    const unsigned char *s = (const unsigned char *)*ps;
    const unsigned char *e = (const unsigned char *)end;
    uint32_t c = s[0];
    int n = 0;
    uint32_t min = 0;
    if (c < 0x80) {
        *ps += 1;
        return c;
    } else if ((c & 0xe0) == 0xc0) {
        n = 1; c &= 0x1f; min = 0x80;
    } else if ((c & 0xf0) == 0xe0) {
        n = 2; c &= 0x0f; min = 0x800;
    } else if ((c & 0xf8) == 0xf0) {
        n = 3; c &= 0x07; min = 0x10000;
    } else {
        *ps += 1;
        return 0xfffd;
    }
    if (e - s <= n) {
        *ps += 1;
        return 0xfffd;
    }
    for (int i = 1; i <= n; i++) {
        if ((s[i] & 0xc0) != 0x80) {
            *ps += 1;
            return 0xfffd;
        }
        c = (c << 6) | (s[i] & 0x3f);
    }
    if (c < min || c > 0x10ffff || (c >= 0xd800 && c < 0xe000)) c = 0xfffd;
    *ps += n + 1;
    return c;
}

static int clamp_font(int font)
{
    return font >= 0 && font < GFX_FONT_COUNT ? font : GFX_SANS;
}

/* Width of [s, end) in em. */
static float span_em(int font, const char *s, const char *end)
{
    float w = 0;
    uint32_t prev = 0;
    while (s < end) {
        float adv;
        uint32_t cp = gfx_font_resolve(font, utf8_next(&s, end), &adv);
        if (prev) w += gfx_font_kern(font, prev, cp);
        w += adv;
        prev = cp;
    }
    return w;
}

/* Draws [s, end) with its pen starting at canvas x and the baseline at canvas
 * y. Turned up (a quarter turn counter-clockwise), the baseline is the
 * vertical line at canvas x and the pen starts at canvas y, moving up. */
static void draw_span_dir(float x, float y, float size, int font, const uint8_t rgba[4],
                          const char *s, const char *end, bool up)
{
    if (rgba[3] == 0 || text_log.hide) return;
    float k = gfx_st.xf.k;
    float want = size * k;                    /* device px per em */
    int px = (int)lroundf(want);
    if (px < 1) return;
    float sc = 1.0f;
    if (px > GFX_GLYPH_MAX_PX) {
        sc = want / GFX_GLYPH_MAX_PX;
        px = GFX_GLYPH_MAX_PX;
    }
    float base = up ? roundf(gfx_dx(x)) : roundf(gfx_dy(y));
    float pen = up ? 0 : x;
    uint32_t prev = 0;
    while (s < end) {
        float adv;
        uint32_t cp = gfx_font_resolve(font, utf8_next(&s, end), &adv);
        if (prev) pen += gfx_font_kern(font, prev, cp) * size;
        prev = cp;
        const gfx_glyph *g = gfx_font_glyph(font, px, cp);
        gfx_vertex *v = g->w > 0 ? gfx_batch_glyphs(1) : NULL;
        if (v && !up) {
            float gx, gy, gw = g->w * sc, gh = g->h * sc;
            if (sc == 1.0f) {
                gx = roundf(gfx_dx(pen)) + g->ox;
                gy = base + g->oy;
            } else {
                gx = gfx_dx(pen) + g->ox * sc;
                gy = base + g->oy * sc;
            }
            gfx_vertex_set(&v[0], gx, gy, g->u0, g->v0, NULL, rgba, GFX_K_GLYPH);
            gfx_vertex_set(&v[1], gx + gw, gy, g->u1, g->v0, NULL, rgba, GFX_K_GLYPH);
            gfx_vertex_set(&v[2], gx + gw, gy + gh, g->u1, g->v1, NULL, rgba, GFX_K_GLYPH);
            gfx_vertex_set(&v[3], gx, gy + gh, g->u0, g->v1, NULL, rgba, GFX_K_GLYPH);
        } else if (v) {
            /* text (tx, ty) from the pen lands at device (base + ty, pen_y - tx) */
            float py = sc == 1.0f ? roundf(gfx_dy(y - pen)) : gfx_dy(y - pen);
            float ox = g->ox * sc, oy = g->oy * sc, gw = g->w * sc, gh = g->h * sc;
            gfx_vertex_set(&v[0], base + oy, py - ox, g->u0, g->v0, NULL, rgba, GFX_K_GLYPH);
            gfx_vertex_set(&v[1], base + oy, py - ox - gw, g->u1, g->v0, NULL, rgba, GFX_K_GLYPH);
            gfx_vertex_set(&v[2], base + oy + gh, py - ox - gw, g->u1, g->v1, NULL, rgba, GFX_K_GLYPH);
            gfx_vertex_set(&v[3], base + oy + gh, py - ox, g->u0, g->v1, NULL, rgba, GFX_K_GLYPH);
        }
        pen += adv * size;
    }
}

static void draw_span(float x, float y, float size, int font, const uint8_t rgba[4],
                      const char *s, const char *end)
{
    draw_span_dir(x, y, size, font, rgba, s, end, false);
}

/* Baseline of the first line of a block of n lines placed at y. */
static float first_baseline(float y, float size, int font, int align, int nlines)
{
    float asc, desc;
    gfx_font_vmetrics(font, &asc, &desc, NULL);
    float block = (asc + desc + (nlines - 1) * GFX_LINE_HEIGHT) * size;
    if (align & GFX_BASELINE) return y;
    if (align & GFX_BOTTOM) return y - block + asc * size;
    if (align & GFX_MIDDLE) return y - block * 0.5f + asc * size;
    return y + asc * size;
}

static float line_x(float x, float w, int align)
{
    if ((align & 3) == GFX_CENTER) return x - w * 0.5f;
    if ((align & 3) == GFX_RIGHT) return x - w;
    return x;
}

float gfx_text(float x, float y, float size, int font, int align, gfx_color c,
               const char *utf8)
{
    if (!gfx_st.inited || !utf8 || !(size > 0) || !isfinite(x) || !isfinite(y)) return 0;
    font = clamp_font(font);
    int nlines = 1;
    for (const char *p = utf8; *p; p++) nlines += *p == '\n';
    uint8_t rgba[4];
    gfx_color_bytes(c, rgba);
    float base = first_baseline(y, size, font, align, nlines);
    float maxw = 0, left = INFINITY, right = -INFINITY;
    const char *s = utf8;
    for (;;) {
        const char *e = strchr(s, '\n');
        if (!e) e = s + strlen(s);
        float w = span_em(font, s, e) * size, lx = line_x(x, w, align);
        if (w > maxw) maxw = w;
        if (w > 0 && lx < left) left = lx;
        if (w > 0 && lx + w > right) right = lx + w;
        draw_span(lx, base, size, font, rgba, s, e);
        if (!*e) break;
        s = e + 1;
        base += GFX_LINE_HEIGHT * size;
    }
    if (rgba[3] > 0 && right > left) {
        float asc, desc;
        gfx_font_vmetrics(font, &asc, &desc, NULL);
        float top = first_baseline(y, size, font, align, nlines) - asc * size;
        log_text(left, top, right - left, (asc + desc + (nlines - 1) * GFX_LINE_HEIGHT) * size,
                 size, font, c, utf8);
    }
    return maxw;
}

float gfx_textf(float x, float y, float size, int font, int align, gfx_color c,
                const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n < 0) return 0;
    if ((size_t)n < sizeof buf) return gfx_text(x, y, size, font, align, c, buf);
    char *big = malloc((size_t)n + 1);
    if (!big) return 0;
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    float w = gfx_text(x, y, size, font, align, c, big);
    free(big);
    return w;
}

float gfx_text_up(float x, float y, float size, int font, int align, gfx_color c,
                  const char *utf8)
{
    if (!gfx_st.inited || !utf8 || !(size > 0) || !isfinite(x) || !isfinite(y)) return 0;
    font = clamp_font(font);
    const char *e = strchr(utf8, '\n');
    if (!e) e = utf8 + strlen(utf8);
    float asc, desc;
    gfx_font_vmetrics(font, &asc, &desc, NULL);
    /* the turned box: as wide as a line is tall, as tall as the text is wide */
    float bw = (asc + desc) * size, bh = span_em(font, utf8, e) * size;
    float bx = (align & 3) == GFX_CENTER ? x - bw * 0.5f : (align & 3) == GFX_RIGHT ? x - bw : x;
    float by = (align & 12) == GFX_MIDDLE ? y - bh * 0.5f : (align & 12) == GFX_BOTTOM ? y - bh : y;
    uint8_t rgba[4];
    gfx_color_bytes(c, rgba);
    draw_span_dir(bx + asc * size, by + bh, size, font, rgba, utf8, e, true);
    if (rgba[3] > 0) log_text(bx, by, bw, bh, size, font, c, utf8);
    return bh;
}

float gfx_text_width(float size, int font, const char *utf8)
{
    if (!gfx_st.inited || !utf8 || !(size > 0)) return 0;
    font = clamp_font(font);
    float maxw = 0;
    const char *s = utf8;
    for (;;) {
        const char *e = strchr(s, '\n');
        if (!e) e = s + strlen(s);
        float w = span_em(font, s, e);
        if (w > maxw) maxw = w;
        if (!*e) break;
        s = e + 1;
    }
    return maxw * size;
}

/* Greedy word wrap of the whole text. Calls emit (when drawing) per line and
 * returns the number of lines (and the widest line's width in em, if asked).
 * A word wider than the box gets a line of its own. */
static int wrap(const char *text, float w_em, int font, bool draw, float x, float w,
                float base, float size, int align, const uint8_t rgba[4], float *widest_em)
{
    int n = 0;
    if (widest_em) *widest_em = 0;
    const char *para = text;
    for (;;) {
        const char *pend = strchr(para, '\n');
        if (!pend) pend = para + strlen(para);
        const char *ls = para;
        bool any = false;
        for (;;) {
            while (ls < pend && *ls == ' ') ls++;
            if (ls >= pend) break;
            const char *fit = NULL, *cur = ls;
            while (cur < pend) {
                const char *we = cur;
                while (we < pend && *we != ' ') we++;
                if (fit && span_em(font, ls, we) > w_em) break;
                fit = we;
                cur = we;
                while (cur < pend && *cur == ' ') cur++;
            }
            if (widest_em) {
                float lw = span_em(font, ls, fit);
                if (lw > *widest_em) *widest_em = lw;
            }
            if (draw) {
                float lw = span_em(font, ls, fit) * size;
                float ax = (align & 3) == GFX_CENTER ? x + w * 0.5f
                         : (align & 3) == GFX_RIGHT ? x + w : x;
                draw_span(line_x(ax, lw, align), base + n * GFX_LINE_HEIGHT * size, size,
                          font, rgba, ls, fit);
            }
            n++;
            any = true;
            ls = fit;
        }
        if (!any) n++;          /* an empty paragraph is an empty line */
        if (!*pend) break;
        para = pend + 1;
    }
    return n;
}

float gfx_text_box(float x, float y, float w, float size, int font, int align,
                   gfx_color c, const char *utf8)
{
    if (!gfx_st.inited || !utf8 || !(size > 0) || !(w > 0)) return 0;
    font = clamp_font(font);
    uint8_t rgba[4];
    gfx_color_bytes(c, rgba);
    float w_em = w / size;
    float widest;
    int n = wrap(utf8, w_em, font, false, 0, 0, 0, 0, 0, rgba, &widest);
    float base = first_baseline(y, size, font, align, n);
    wrap(utf8, w_em, font, true, x, w, base, size, align, rgba, NULL);
    float asc, desc;
    gfx_font_vmetrics(font, &asc, &desc, NULL);
    float h = (asc + desc + (n - 1) * GFX_LINE_HEIGHT) * size;
    if (rgba[3] > 0 && text_log.buf) {
        widest *= size;       /* the paragraph's box: its widest line */
        float lx = (align & 3) == GFX_CENTER ? x + (w - widest) * 0.5f
                 : (align & 3) == GFX_RIGHT ? x + w - widest : x;
        log_text(lx, base - asc * size, widest, h, size, font, c, utf8);
    }
    return h;
}

void gfx_text_span(float x, float y, float size, int font, gfx_color c, const char *s,
                   size_t len, bool up)
{
    if (!gfx_st.inited || !s || !(size > 0) || !isfinite(x) || !isfinite(y)) return;
    uint8_t rgba[4];
    gfx_color_bytes(c, rgba);
    draw_span_dir(x, y, size, clamp_font(font), rgba, s, s + len, up);
}

float gfx_text_span_width(float size, int font, const char *s, size_t len)
{
    if (!gfx_st.inited || !s || !(size > 0)) return 0;
    return span_em(clamp_font(font), s, s + len) * size;
}

void gfx_text_metrics(int font, float *ascent, float *descent)
{
    float a = 0.93f, d = 0.24f;
    if (gfx_st.inited) gfx_font_vmetrics(clamp_font(font), &a, &d, NULL);
    if (ascent) *ascent = a;
    if (descent) *descent = d;
}

void gfx_text_log_add(float x, float y, float w, float h, float size, int font, gfx_color c,
                      const char *text)
{
    if (c.a > 0 && text) log_text(x, y, w, h, size, clamp_font(font), c, text);
}
