/* typeset.c: the diagram library's one way to put text on the screen.
 *
 * Every text the diagram elements draw or measure goes through dg_type /
 * dg_type_up / dg_type_width (dg_text and dg_heading wrap and fit with
 * them), so any label may carry the small mathematical markup the scenes
 * use, and none of the markup ever reaches the screen:
 *
 *   x_t  W_hh  x_25        subscript: `_` then a run of ASCII letters and
 *                          digits ("W_ih" is W with "ih" below)
 *   x_{t-1}  h_{t−1}       subscript of a group in braces (any markup inside)
 *   σ^2  e^{-x}  x^2_t     superscript, alone or with a subscript (either
 *                          order); a script of a script is smaller again
 *   β_t  ᾱ_t  x_−          after `_`/`^` that is neither a brace nor ASCII
 *                          alphanumeric, one character is the script
 *   \hat{x}  \bar{α}       a circumflex / bar over the group (\tilde too)
 *   \frac{a}{b}            a stacked fraction (numerator, bar, denominator)
 *   \sqrt{1 - β}           a radical sign with a bar over the group
 *   \odot \sigma \alpha …  symbols by name (Greek letters, ⊙ ⊗ ⊕ × · ± ≤ ≥
 *                          ≠ ≈ → ← ∈ ∑ ∏ ∞ ∂ ∇ √); an unknown name is
 *                          shown as its letters
 *   \_ \^ \{ \} \\         the character itself
 *   {…}                    a group: shows its contents (ends a letter run)
 *
 * Unicode symbols (⊙, √, σ, ²) are ordinary characters. Scripts are set at
 * 0.72 of the size around them, with the baseline shifted (never with
 * Unicode subscript characters, which fonts lack). Monospace text (GFX_MONO:
 * tensor names, code) is literal: no markup is read in it.
 *
 * The text log (gfx_text_log) gets one record per call: the box of all
 * lines with their scripts, fractions and accents, the size asked for, the
 * current role (gfx_text_role) and the text as shown (markup removed:
 * "x_{t-1}" is logged "xt-1", a fraction "a/b"). Scripts are smaller than
 * the text they belong to by design; the type floor is the base size.
 *
 * Drawing never fails: unbalanced braces close at the end of the line, a
 * trailing `_` or `\` shows as itself.
 */
#include <math.h>
#include <string.h>
#include "diagram/dg_internal.h"

#define SCRIPT_SCALE 0.72f
#define SCRIPT_MIN_SCALE 0.6f     /* of the base size, for scripts of scripts */
#define SUB_SHIFT 0.20f           /* em of the base, down */
#define SUP_SHIFT 0.38f           /* em of the base, up */
#define LINE_PITCH 1.25f          /* em between baselines, as gfx_text */
#define LOG_MAX 40

typedef struct tbox { float w, asc, desc; } tbox;   /* canvas units; asc/desc >= 0 */

typedef struct tctx {
    bool draw, up;
    float ox, oy;             /* the line's origin: pen start and baseline */
    int font;
    gfx_color c;
    float base;               /* the size asked for, for the script floor */
    float asc_em, desc_em;
    char log[LOG_MAX];        /* the text as shown */
    size_t log_n;
} tctx;

static void log_put(tctx *c, const char *s, size_t n) {
    if (!c->draw) return;
    size_t room = LOG_MAX - 1 - c->log_n;
    if (n > room) {
        n = room;
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80) n--;   /* whole code points */
    }
    memcpy(c->log + c->log_n, s, n);
    c->log_n += n;
    c->log[c->log_n] = 0;
}

/* Canvas point of (x along the pen, y below the baseline), both relative to
 * the line's origin. */
static void to_canvas(const tctx *c, float x, float y, float *cx, float *cy) {
    if (c->up) { *cx = c->ox + y; *cy = c->oy - x; }
    else { *cx = c->ox + x; *cy = c->oy + y; }
}

static void run(tctx *c, float x, float dy, float size, const char *s, size_t n, tbox *b) {
    float w = gfx_text_span_width(size, c->font, s, n);
    if (c->draw && n > 0) {
        float cx, cy;
        to_canvas(c, x, dy, &cx, &cy);
        gfx_text_span(cx, cy, size, c->font, c->c, s, n, c->up);
        log_put(c, s, n);
    }
    b->w = w;
    b->asc = c->asc_em * size - dy;
    b->desc = c->desc_em * size + dy;
}

static void seg(tctx *c, float x0, float y0, float x1, float y1, float th) {
    if (!c->draw) return;
    float ax, ay, bx, by;
    to_canvas(c, x0, y0, &ax, &ay);
    to_canvas(c, x1, y1, &bx, &by);
    gfx_line(ax, ay, bx, by, th, c->c);
}

static void grow(tbox *acc, tbox b, float dx) {
    acc->w = fmaxf(acc->w, dx + b.w);
    acc->asc = fmaxf(acc->asc, b.asc);
    acc->desc = fmaxf(acc->desc, b.desc);
}

static bool is_alnum(char ch) {
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9');
}

static size_t cp_len(const char *p, const char *end) {
    unsigned char u = (unsigned char)*p;
    size_t n = u < 0x80 ? 1 : (u & 0xE0) == 0xC0 ? 2 : (u & 0xF0) == 0xE0 ? 3 : (u & 0xF8) == 0xF0 ? 4 : 1;
    return (size_t)(end - p) < n ? (size_t)(end - p) : n;
}

static const struct { const char *name, *utf8; } symbols[] = {
    {"alpha", "α"}, {"beta", "β"}, {"gamma", "γ"}, {"delta", "δ"}, {"epsilon", "ε"},
    {"varepsilon", "ε"}, {"zeta", "ζ"}, {"eta", "η"}, {"theta", "θ"}, {"kappa", "κ"},
    {"lambda", "λ"}, {"mu", "μ"}, {"nu", "ν"}, {"xi", "ξ"}, {"pi", "π"}, {"rho", "ρ"},
    {"sigma", "σ"}, {"tau", "τ"}, {"phi", "φ"}, {"chi", "χ"}, {"psi", "ψ"}, {"omega", "ω"},
    {"Gamma", "Γ"}, {"Delta", "Δ"}, {"Theta", "Θ"}, {"Lambda", "Λ"}, {"Pi", "Π"},
    {"Sigma", "Σ"}, {"Phi", "Φ"}, {"Psi", "Ψ"}, {"Omega", "Ω"},
    {"odot", "⊙"}, {"otimes", "⊗"}, {"oplus", "⊕"}, {"times", "×"}, {"cdot", "·"},
    {"pm", "±"}, {"le", "≤"}, {"leq", "≤"}, {"ge", "≥"}, {"geq", "≥"}, {"ne", "≠"},
    {"approx", "≈"}, {"to", "→"}, {"rightarrow", "→"}, {"leftarrow", "←"}, {"in", "∈"},
    {"sum", "∑"}, {"prod", "∏"}, {"infty", "∞"}, {"partial", "∂"}, {"nabla", "∇"},
    {"surd", "√"}, {"ell", "ℓ"}, {"minus", "−"},
};

static tbox list(tctx *c, const char **p, const char *end, float x, float dy, float size,
                 bool group);
static tbox command(tctx *c, const char **p, const char *end, float x, float dy, float size);

/* A braced group at *p (or, without a brace, one character), laid at x. */
static tbox arg(tctx *c, const char **p, const char *end, float x, float dy, float size) {
    if (*p < end && **p == '{') {
        (*p)++;
        return list(c, p, end, x, dy, size, true);
    }
    tbox b = {0, c->asc_em * size - dy, c->desc_em * size + dy};
    if (*p >= end) return b;
    if (**p == '\\') {
        (*p)++;
        return command(c, p, end, x, dy, size);
    }
    size_t n = cp_len(*p, end);
    run(c, x, dy, size, *p, n, &b);
    *p += n;
    return b;
}

/* A script after `_` or `^`: a group, an ASCII alphanumeric run, or one
 * character. */
static tbox script(tctx *c, const char **p, const char *end, float x, float dy, float size) {
    if (*p < end && is_alnum(**p)) {
        const char *s = *p;
        while (*p < end && is_alnum(**p)) (*p)++;
        tbox b;
        run(c, x, dy, size, s, (size_t)(*p - s), &b);
        return b;
    }
    return arg(c, p, end, x, dy, size);
}

static float script_size(const tctx *c, float size) {
    return fmaxf(size * SCRIPT_SCALE, c->base * SCRIPT_MIN_SCALE);
}

/* Sub- and superscripts at *p (if any) attached to a base ending at x;
 * their extent goes into acc. Returns the width they take. */
static float scripts(tctx *c, const char **p, const char *end, float x, float dy, float size,
                     tbox *acc) {
    bool sub = false, sup = false;
    float w = 0;
    while (*p < end && (**p == '_' || **p == '^') && *p + 1 < end && (*p)[1] != ' ' &&
           (*p)[1] != '\n') {
        bool down = **p == '_';
        if ((down && sub) || (!down && sup)) break;
        (*p)++;
        float sdy = dy + (down ? SUB_SHIFT : -SUP_SHIFT) * size;
        tbox b = script(c, p, end, x, sdy, script_size(c, size));
        acc->asc = fmaxf(acc->asc, b.asc);
        acc->desc = fmaxf(acc->desc, b.desc);
        w = fmaxf(w, b.w);
        if (down) sub = true; else sup = true;
    }
    return w > 0 ? w + 0.04f * size : 0;
}

/* An accent over box b laid at x: circumflex, bar or tilde. */
static void accent(tctx *c, char kind, float x, float dy, float size, tbox *b, bool low) {
    float top = -(low ? 0.56f : 0.76f) * size + dy;     /* x-height or cap height */
    float y = top - 0.14f * size, th = fmaxf(1.5f, 0.06f * size);
    float w = fmaxf(b->w, 0.4f * size), l = x + (b->w - w) / 2 + 0.06f * size;
    float r = l + w - 0.12f * size, m = (l + r) / 2;
    if (kind == 'h') {
        float hw = fminf(w * 0.45f, 0.28f * size);
        seg(c, m - hw, y + 0.02f * size, m, y - 0.14f * size, th);
        seg(c, m, y - 0.14f * size, m + hw, y + 0.02f * size, th);
        y -= 0.14f * size;
    } else if (kind == 't') {
        float q = (r - l) / 3;
        seg(c, l, y, l + q, y - 0.08f * size, th);
        seg(c, l + q, y - 0.08f * size, l + 2 * q, y, th);
        seg(c, l + 2 * q, y, r, y - 0.08f * size, th);
        y -= 0.08f * size;
    } else {
        seg(c, l, y, r, y, th);
    }
    b->asc = fmaxf(b->asc, -y + th);
}

/* True when the group at p (up to its closing brace) is lowercase letters
 * without ascenders, so an accent sits at the x-height. */
static bool low_group(const char *p, const char *end) {
    if (p >= end || *p != '{') return false;
    for (p++; p < end && *p != '}'; p++)
        if (!strchr("acemnorsuvwxz", *p)) return (unsigned char)*p >= 0x80;   /* Greek: low */
    return true;
}

static tbox command(tctx *c, const char **p, const char *end, float x, float dy, float size) {
    const char *s = *p;             /* after the backslash */
    const char *e = s;
    while (e < end && ((*e >= 'a' && *e <= 'z') || (*e >= 'A' && *e <= 'Z'))) e++;
    size_t n = (size_t)(e - s);
    tbox b = {0, c->asc_em * size - dy, c->desc_em * size + dy};
    if (n == 0) {                   /* an escaped character, or a lone backslash */
        if (s >= end) { run(c, x, dy, size, "\\", 1, &b); return b; }
        size_t k = cp_len(s, end);
        run(c, x, dy, size, s, k, &b);
        *p = s + k;
        return b;
    }
    *p = e;
    if ((n == 3 && !strncmp(s, "hat", 3)) || (n == 3 && !strncmp(s, "bar", 3)) ||
        (n == 5 && !strncmp(s, "tilde", 5)) || (n == 8 && !strncmp(s, "overline", 8))) {
        bool low = low_group(*p, end);
        b = arg(c, p, end, x, dy, size);
        accent(c, s[0] == 'o' ? 'b' : s[0], x, dy, size, &b, low);
        return b;
    }
    if (n == 4 && !strncmp(s, "frac", 4)) {
        float fs = script_size(c, size) * 1.05f, gap = 0.08f * size;
        float axis = dy - 0.30f * size, th = fmaxf(1.5f, 0.05f * size);
        /* measure both, then draw centred */
        bool draw = c->draw;
        const char *q = *p;
        c->draw = false;
        tbox nb = arg(c, &q, end, 0, 0, fs);
        tbox db = arg(c, &q, end, 0, 0, fs);
        c->draw = draw;
        float w = fmaxf(nb.w, db.w) + 0.2f * size;
        float ny = axis - gap - th / 2 - nb.desc, dny = axis + gap + th / 2 + db.asc;
        tbox n2 = arg(c, p, end, x + (w - nb.w) / 2, ny, fs);
        log_put(c, "/", 1);
        tbox d2 = arg(c, p, end, x + (w - db.w) / 2, dny, fs);
        seg(c, x + 0.05f * size, axis, x + w - 0.05f * size, axis, th);
        b.w = w;
        b.asc = fmaxf(b.asc, n2.asc);
        b.desc = fmaxf(b.desc, d2.desc);
        return b;
    }
    if (n == 4 && !strncmp(s, "sqrt", 4)) {
        tbox rb;
        run(c, x, dy, size, "√", strlen("√"), &rb);
        float gx = x + rb.w;
        tbox a = arg(c, p, end, gx, dy, size);
        float y = -0.80f * size + dy, th = fmaxf(1.5f, 0.055f * size);
        seg(c, gx - 0.02f * size, y, gx + a.w + 0.04f * size, y, th);
        b = rb;
        grow(&b, a, rb.w);
        b.w += 0.06f * size;
        b.asc = fmaxf(b.asc, -y + th);
        return b;
    }
    for (size_t i = 0; i < sizeof symbols / sizeof symbols[0]; i++)
        if (strlen(symbols[i].name) == n && !strncmp(symbols[i].name, s, n)) {
            run(c, x, dy, size, symbols[i].utf8, strlen(symbols[i].utf8), &b);
            return b;
        }
    run(c, x, dy, size, s, n, &b);   /* unknown: its letters, no backslash */
    return b;
}

/* A sequence up to the end, a newline or (in a group) its closing brace. */
static tbox list(tctx *c, const char **p, const char *end, float x0, float dy, float size,
                 bool group) {
    tbox acc = {0, c->asc_em * size - dy, c->desc_em * size + dy};
    float x = x0;
    while (*p < end && **p != '\n') {
        char ch = **p;
        if (ch == '}') {
            (*p)++;
            if (group) break;
            continue;                       /* a stray brace shows nothing */
        }
        tbox b;
        float bx = x;
        if (ch == '{') {
            (*p)++;
            b = list(c, p, end, x, dy, size, true);
        } else if (ch == '\\') {
            (*p)++;
            b = command(c, p, end, x, dy, size);
        } else if ((ch == '_' || ch == '^') && *p + 1 < end && (*p)[1] != ' ' && (*p)[1] != '\n') {
            b = (tbox){0, 0, 0};            /* scripts on nothing */
        } else {
            /* A run of ordinary characters; its last one is the base of any
             * script that follows, so it ends there. */
            const char *s = *p, *last = s;
            while (*p < end && !strchr("{}\\_^\n", **p)) {
                last = *p;
                *p += cp_len(*p, end);
            }
            if (*p == s) {                  /* a lone `_`/`^`: itself */
                *p += 1;
                run(c, x, dy, size, s, 1, &b);
            } else if (*p < end && (**p == '_' || **p == '^') && last > s) {
                tbox head;
                run(c, x, dy, size, s, (size_t)(last - s), &head);
                grow(&acc, head, x - x0);
                x += head.w;
                bx = x;
                run(c, x, dy, size, last, (size_t)(*p - last), &b);
            } else {
                run(c, x, dy, size, s, (size_t)(*p - s), &b);
            }
        }
        grow(&acc, b, bx - x0);
        x = bx + b.w;
        tbox sc = {0, 0, 0};
        float sw = scripts(c, p, end, x, dy, size, &sc);
        acc.asc = fmaxf(acc.asc, sc.asc);
        acc.desc = fmaxf(acc.desc, sc.desc);
        x += sw;
        acc.w = fmaxf(acc.w, x - x0);
    }
    return acc;
}

/* ---- lines and blocks -------------------------------------------------------- */

static tctx ctx_for(float size, int font, gfx_color col, bool draw, bool up) {
    tctx c = {0};
    c.draw = draw;
    c.up = up;
    c.font = font;
    c.c = col;
    c.base = size;
    gfx_text_metrics(font, &c.asc_em, &c.desc_em);
    return c;
}

/* One line of s (up to a newline); *p moves past it. */
static tbox line(tctx *c, const char **p, const char *end, float size) {
    tbox b;
    if (c->font == GFX_MONO) {            /* literal */
        const char *s = *p;
        while (*p < end && **p != '\n') (*p)++;
        run(c, 0, 0, size, s, (size_t)(*p - s), &b);
    } else {
        b = list(c, p, end, 0, 0, size, false);
    }
    if (*p < end && **p == '\n') (*p)++;
    return b;
}

typedef struct block { int n; float w, top, bottom; } block;   /* top/bottom from the first baseline */

static block measure(const char *s, float size, int font) {
    block k = {0};
    tctx c = ctx_for(size, font, (gfx_color){0}, false, false);
    const char *p = s, *end = s + strlen(s);
    float base = 0;
    do {
        tbox b = line(&c, &p, end, size);
        if (k.n == 0) k.top = -b.asc;
        k.w = fmaxf(k.w, b.w);
        k.bottom = base + b.desc;
        k.n++;
        base += LINE_PITCH * size;
    } while (p < end);
    return k;
}

float dg_type_width(float size, int font, const char *text) {
    if (!text || !(size > 0)) return 0;
    return measure(text, size, font).w;
}

void dg_type_extent(float size, int font, const char *text, float *w, float *above, float *below) {
    block k = text && size > 0 ? measure(text, size, font) : (block){0};
    if (w) *w = k.w;
    if (above) *above = -k.top;
    if (below) *below = k.bottom;
}

static float draw_block(float x, float y, float size, int font, int align, gfx_color col,
                        const char *text, bool up) {
    if (!text || !*text || !(size > 0) || !isfinite(x) || !isfinite(y)) return 0;
    float asc, desc;
    gfx_text_metrics(font, &asc, &desc);
    block k = measure(text, size, font);
    /* Vertical placement is of the line boxes (ascent to descent), as
     * gfx_text, so typeset and plain labels line up; the first baseline: */
    float lines_h = (asc + desc + (float)(k.n - 1) * LINE_PITCH) * size;
    float b0;
    if (up) {   /* the turned box: lines_h wide (along x), k.w tall */
        float bx = (align & 3) == GFX_CENTER ? x - lines_h / 2 : (align & 3) == GFX_RIGHT ? x - lines_h : x;
        float by = (align & 12) == GFX_MIDDLE ? y - k.w / 2 : (align & 12) == GFX_BOTTOM ? y - k.w : y;
        tctx c = ctx_for(size, font, col, true, true);
        c.ox = bx + asc * size;
        c.oy = by + k.w;
        const char *p = text, *end = text + strlen(text);
        line(&c, &p, end, size);
        if (col.a > 0)
            gfx_text_log_add(bx + asc * size + k.top, by, k.bottom - k.top, k.w, size, font, col, c.log);
        return k.w;
    }
    if (align & GFX_BASELINE) b0 = y;
    else if (align & GFX_BOTTOM) b0 = y - lines_h + asc * size;
    else if (align & GFX_MIDDLE) b0 = y - lines_h / 2 + asc * size;
    else b0 = y + asc * size;
    tctx c = ctx_for(size, font, col, true, false);
    const char *p = text, *end = text + strlen(text);
    float base = b0, left = INFINITY, right = -INFINITY;
    size_t logged = 0;
    do {
        /* measure the line for its alignment, then draw it */
        tctx m = ctx_for(size, font, col, false, false);
        const char *q = p;
        tbox b = line(&m, &q, end, size);
        float lx = (align & 3) == GFX_CENTER ? x - b.w / 2 : (align & 3) == GFX_RIGHT ? x - b.w : x;
        c.ox = lx;
        c.oy = base;
        if (c.log_n > logged && c.log_n < LOG_MAX - 1) log_put(&c, " ", 1);
        logged = c.log_n;
        line(&c, &p, end, size);
        if (b.w > 0) {
            left = fminf(left, lx);
            right = fmaxf(right, lx + b.w);
        }
        base += LINE_PITCH * size;
    } while (p < end);
    if (col.a > 0 && right > left)
        gfx_text_log_add(left, b0 + fminf(k.top, -asc * size), right - left,
                         fmaxf(k.bottom, (float)(k.n - 1) * LINE_PITCH * size + desc * size) -
                             fminf(k.top, -asc * size),
                         size, font, col, c.log);
    return k.w;
}

float dg_type(float x, float y, float size, int font, int align, gfx_color c, const char *text) {
    return draw_block(x, y, size, font, align, c, text, false);
}

float dg_type_up(float x, float y, float size, int font, int align, gfx_color c, const char *text) {
    return draw_block(x, y, size, font, align, c, text, true);
}

int dg_role(int role) { return gfx_text_role(role); }

float dg_role_floor(void) {
    return gfx_text_role_now() >= GFX_ROLE_LABEL ? (float)DG_TEXT_REF : (float)DG_TEXT_FLOOR;
}
