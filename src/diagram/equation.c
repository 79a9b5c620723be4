/* equation.c: a worked equation on one line (or a few), whose terms are
 * linked to the tensor elements they show.
 *
 *   dg_term t[] = {
 *       {"c[0]", .ref = {st->c1, {0, 0}}, .bold = true}, {"="},
 *       {"0.71", .ref = {st->f, {0, 0}}}, {"×"}, {"-0.20", .ref = {st->c0, {0, 0}}}, ...
 *   };
 *   dg_equation(r, t, n, DG_TEXT_BODY);
 *
 * Terms are laid left to right with a small gap and centred in r. If they
 * do not fit at `size` the whole line shrinks, never below DG_TEXT_REF; then
 * it wraps between terms onto as many lines as r is high, and a term that
 * still does not fit is replaced by an ellipsis. A term with a tensor
 * element (ref.t set, index in range) is underlined, registers a hover item
 * for that element (hovering it lights up the element's cells elsewhere),
 * and lights up itself when dg_linked says that element is hovered anywhere.
 */
#include <math.h>
#include <string.h>
#include "diagram/dg_internal.h"

#define EQ_MAX_TERMS 64

static bool ref_ok(const dg_ref *r)
{
    if (!r->t || !r->t->data) return false;
    for (int d = 0; d < r->t->ndim; d++)
        if (r->idx[d] < 0 || r->idx[d] >= r->t->shape[d]) return false;
    return true;
}

/* Width of term i at size s, padding of a linked term included. */
static float term_width(const dg_term *t, float s)
{
    float pad = ref_ok(&t->ref) ? 2 * 0.3f * s : 0;
    return dg_type_width(s, t->bold ? GFX_BOLD : GFX_SANS, t->text ? t->text : "") + pad;
}

/* Greedy line breaks: line_start[k] is the first term of line k; returns
 * the number of lines. */
static int break_lines(const dg_term *t, int n, float s, float gap, float w, int *line_start)
{
    int lines = 0;
    float x = 0;
    for (int i = 0; i < n; i++) {
        float tw = term_width(&t[i], s);
        if (i == 0 || (x > 0 && x + gap + tw > w)) {
            line_start[lines++] = i;
            x = tw;
        } else {
            x += gap + tw;
        }
    }
    return lines;
}

float dg_equation(dg_rect r, const dg_term *terms, int n, float size)
{
    if (!terms || n <= 0 || !(r.w > 0) || !(r.h > 0)) return 0;
    if (n > EQ_MAX_TERMS) n = EQ_MAX_TERMS;
    const ui_theme *th = dg_theme();
    int old_role = dg_role(GFX_ROLE_EQUATION);
    if (!(size > 0)) size = (float)DG_TEXT_BODY;
    const float lo = (float)DG_TEXT_REF;   /* an equation is read from the back row */
    if (size < lo) size = lo;
    /* Shrink toward the floor until one line fits. */
    for (int it = 0; it < 4; it++) {
        float total = 0;
        for (int i = 0; i < n; i++) total += term_width(&terms[i], size) + (i ? 0.28f * size : 0);
        if (total <= r.w || size <= lo) break;
        size = fmaxf(lo, size * r.w / total * 0.995f);
    }
    float gap = 0.28f * size, line_h = size * 1.6f;
    int starts[EQ_MAX_TERMS];
    int lines = break_lines(terms, n, size, gap, r.w, starts);
    int max_lines = (int)(r.h / line_h);
    if (max_lines < 1) max_lines = 1;
    bool cut = lines > max_lines;
    if (cut) lines = max_lines;
    float y = r.y + (r.h - (float)lines * line_h) * 0.5f;
    float ell = dg_type_width(size, GFX_SANS, "\xe2\x80\xa6");
    dg_rect bounds = {r.x + r.w, y, 0, (float)lines * line_h};
    for (int k = 0; k < lines; k++, y += line_h) {
        bool last = k == lines - 1;
        int i0 = starts[k], i1 = last ? n : starts[k + 1];
        /* The terms of this line that fit (the last line of a cut equation
         * keeps room for an ellipsis). */
        float lw = 0;
        int end = i0;
        for (int i = i0; i < i1; i++) {
            float tw = term_width(&terms[i], size) + (i > i0 ? gap : 0);
            float room = r.w - (cut && last ? ell + gap : 0);
            if (lw + tw > room && i > i0) break;
            lw += tw;
            end = i + 1;
        }
        bool more = end < n && last;
        if (more) lw += gap + ell;
        float x = r.x + (r.w - lw) * 0.5f;
        if (x < bounds.x) bounds.x = x;
        if (x + lw > bounds.x + bounds.w) bounds.w = x + lw - bounds.x;
        for (int i = i0; i < end; i++) {
            const dg_term *t = &terms[i];
            int font = t->bold ? GFX_BOLD : GFX_SANS;
            float tw = term_width(t, size);
            /* A coloured term keeps its colour as a tint behind it and a
             * bar under it; its text is ink that reads on the tint (colours
             * chosen to tell series apart rarely read 4.5:1 as text). */
            bool tinted = t->color.a > 0;
            gfx_color c = th->text;
            const char *txt = t->text ? t->text : "";
            float cy = y + line_h * 0.5f;
            dg_rect tr = {x, cy - size * 0.72f, tw, size * 1.44f};
            if (ref_ok(&t->ref)) {
                bool lit = dg_linked(t->ref.t, t->ref.idx);
                if (lit) {
                    gfx_rrect(tr.x, tr.y, tr.w, tr.h, 8, th->accent);
                    c = th->text_on_accent;
                } else {
                    gfx_color pill = tinted ? gfx_mix(th->panel, t->color, 0.22f) : th->panel;
                    gfx_rrect(tr.x, tr.y, tr.w, tr.h, 8, pill);
                    gfx_line(tr.x + 6, tr.y + tr.h - 3, tr.x + tr.w - 6, tr.y + tr.h - 3, tinted ? 4.0f : 2.0f,
                             tinted ? t->color : gfx_fade(th->accent, 0.7f));
                    c = dg__readable(th->text, pill);
                }
                dg_type(x + tw * 0.5f, cy, size, font, GFX_CENTER | GFX_MIDDLE, c, txt);
                dg_hover_item(tr, t->ref.t, t->ref.idx, *ts_at(t->ref.t, t->ref.idx), t->explain, t->user);
            } else {
                if (tinted && dg__contrast(t->color, th->bg) >= 4.5f) {
                    c = t->color;   /* reads as it is */
                } else if (tinted) {
                    gfx_color pill = gfx_mix(th->bg, t->color, 0.22f);
                    gfx_rrect(tr.x - 4, tr.y, tw + 8, tr.h, 8, pill);
                    c = dg__readable(th->text, pill);
                }
                dg_type(x, cy, size, font, GFX_LEFT | GFX_MIDDLE, c, txt);
            }
            x += tw + gap;
        }
        if (more) dg_type(x, y + line_h * 0.5f, size, GFX_SANS, GFX_LEFT | GFX_MIDDLE, th->text_dim, "\xe2\x80\xa6");
        if (more) break;
    }
    dg__element(bounds);
    dg_role(old_role);
    return size;
}
