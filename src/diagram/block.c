/* block.c: block diagrams: boxes with a title strip, operator nodes and
 * edges (straight, elbow, curved) with labels, arrow heads and flow dots.
 *
 *   dg_rect in = dg_box(r, "forget gate", &(dg_box_style){ .hover = "f = σ(W_f [h, x] + b_f)" });
 *   dg_op(dg_anchor(r2, DG_MID), 34, "×", NULL);
 *   dg_edge(dg_anchor(r, DG_E), dg_anchor(r2, DG_W),
 *           &(dg_edge_style){ .route = DG_ELBOW_H, .bend = 0.5f, .label = "c", .flow = 0.5f });
 *
 * Boxes register their rectangle with the frame (tooltips avoid them) and,
 * with style.hover, a hover item. Operator nodes grow their radius so the
 * symbol is never smaller than DG_TEXT_REF. Edges are polylines: elbows
 * turn with rounded corners, curves are cubic Béziers leaving and arriving
 * along the axis of their larger extent. Flow dots move from a to b at
 * style.flow edges per second of dg_time(), one dot per 140 units of path.
 */
#include <math.h>
#include <string.h>
#include "diagram/dg_internal.h"

#define PATH_MAX_PTS 96

/* ---- boxes ------------------------------------------------------------------- */

dg_rect dg_box(dg_rect r, const char *title, const dg_box_style *s)
{
    if (!(r.w > 0) || !(r.h > 0)) return (dg_rect){r.x, r.y, 0, 0};
    static const dg_box_style none;
    if (!s) s = &none;
    const ui_theme *th = dg_theme();
    float a = s->dim ? 0.35f : 1.0f;
    gfx_color fill = s->fill.a > 0 ? s->fill : th->panel;
    gfx_color edge = s->highlight ? th->accent : s->edge.a > 0 ? s->edge : th->panel_edge;
    float rad = fminf(14.0f, fminf(r.w, r.h) * 0.25f);
    gfx_rrect(r.x + 3, r.y + 5, r.w, r.h, rad, gfx_fade(th->shadow, a * 0.6f));
    gfx_rrect(r.x, r.y, r.w, r.h, rad, gfx_fade(fill, a));
    dg_rect content = dg_inset(r, 12);
    /* A dim box's title stays opaque (text_dim), and every title takes an
     * ink that reads on the box as drawn (its fill over the background). */
    gfx_color shown = gfx_mix(th->bg, fill, a);
    if (title && title[0]) {
        float ts = (float)DG_TEXT_REF, strip = ts * 1.55f;
        if (r.h < strip * 1.8f) {
            /* Too low for a strip and content: the title fills the box. */
            { int r_ = dg_role(GFX_ROLE_TITLE); dg_text(dg_inset(r, 8), (float)DG_TEXT_BODY, GFX_BOLD, GFX_CENTER | GFX_MIDDLE,
                    dg__readable(s->dim ? th->text_dim : th->text, shown), title); dg_role(r_); }
            content = (dg_rect){r.x + r.w * 0.5f, r.y + r.h, 0, 0};
        } else {
            gfx_color sc = gfx_fade(gfx_mix(fill, edge, 0.35f), a);
            gfx_rrect(r.x, r.y, r.w, strip + rad, rad, sc);
            gfx_rect(r.x, r.y + strip, r.w, rad, gfx_fade(fill, a));
            gfx_line(r.x, r.y + strip, r.x + r.w, r.y + strip, 1.5f, gfx_fade(edge, a));
            { int r_ = dg_role(GFX_ROLE_TITLE); dg_text((dg_rect){r.x + 12, r.y, r.w - 24, strip}, ts, GFX_BOLD, GFX_CENTER | GFX_MIDDLE,
                    dg__readable(s->dim ? th->text_dim : th->text, gfx_mix(th->bg, gfx_mix(fill, edge, 0.35f), a)), title); dg_role(r_); }
            content = (dg_rect){r.x + 12, r.y + strip + 10, r.w - 24, r.h - strip - 22};
        }
    }
    gfx_rrect_line(r.x, r.y, r.w, r.h, rad, s->highlight ? 4.0f : 2.0f, gfx_fade(edge, a));
    dg__element(r);
    if (s->hover) dg_hover_text(r, "%s", s->hover);
    if (content.w < 0) content.w = 0;
    if (content.h < 0) content.h = 0;
    return content;
}

/* ---- operator nodes ---------------------------------------------------------- */

void dg_op(dg_pt c, float radius, const char *symbol, const dg_box_style *s)
{
    static const dg_box_style none;
    if (!s) s = &none;
    if (!symbol) symbol = "";
    const ui_theme *th = dg_theme();
    float a = s->dim ? 0.35f : 1.0f;
    /* The symbol fills about 60% of the circle's height or 1.7 radii of its
     * width; the circle grows until that is at least DG_TEXT_REF (a caption
     * names the operator: "the tanh squashes"). */
    float w1 = dg_type_width(1.0f, GFX_BOLD, symbol);
    if (w1 <= 0) w1 = 0.6f;
    float min_r = fmaxf((float)DG_TEXT_REF / 1.2f, (float)DG_TEXT_REF * w1 / 1.7f);
    if (!(radius > min_r)) radius = min_r;
    float size = fminf(radius * 1.2f, radius * 1.7f / w1);
    gfx_color fill = s->fill.a > 0 ? s->fill : th->panel;
    gfx_color edge = s->highlight ? th->accent : s->edge.a > 0 ? s->edge : th->text_dim;
    gfx_circle(c.x + 2, c.y + 4, radius, gfx_fade(th->shadow, a * 0.6f));
    gfx_circle(c.x, c.y, radius, gfx_fade(fill, a));
    gfx_circle_line(c.x, c.y, radius, s->highlight ? 4.0f : 3.0f, gfx_fade(edge, a));
    /* The line box of a single symbol sits a little low; nudge it up. */
    { int r_ = dg_role(GFX_ROLE_LABEL); dg_type(c.x, c.y - size * 0.04f, size, GFX_BOLD, GFX_CENTER | GFX_MIDDLE,
                                                  dg__readable(s->dim ? th->text_dim : th->text, gfx_mix(th->bg, fill, a)), symbol); dg_role(r_); }
    dg_rect b = {c.x - radius, c.y - radius, 2 * radius, 2 * radius};
    dg__element(b);
    if (s->hover) dg_hover_text(b, "%s", s->hover);
}

/* ---- edges ------------------------------------------------------------------- */

typedef struct path { float xy[2 * PATH_MAX_PTS]; int n; } path;

static void path_add(path *p, float x, float y)
{
    if (p->n >= PATH_MAX_PTS) return;
    if (p->n > 0 && fabsf(p->xy[2 * p->n - 2] - x) < 1e-3f && fabsf(p->xy[2 * p->n - 1] - y) < 1e-3f) return;
    p->xy[2 * p->n] = x;
    p->xy[2 * p->n + 1] = y;
    p->n++;
}

/* Corners of an orthogonal route, turned with quarter circles of radius up
 * to 18 units (less where a leg is short). */
static void path_corners(path *p, const dg_pt *pts, int n)
{
    path_add(p, pts[0].x, pts[0].y);
    for (int i = 1; i + 1 < n; i++) {
        dg_pt a = pts[i - 1], b = pts[i], c = pts[i + 1];
        float l1 = hypotf(b.x - a.x, b.y - a.y), l2 = hypotf(c.x - b.x, c.y - b.y);
        float rr = fminf(18.0f, fminf(l1, l2) * 0.5f);
        if (rr < 1.0f) { path_add(p, b.x, b.y); continue; }
        float ux = (b.x - a.x) / l1, uy = (b.y - a.y) / l1, vx = (c.x - b.x) / l2, vy = (c.y - b.y) / l2;
        /* Quadratic Bézier from b - u*rr through b to b + v*rr: close to an arc. */
        float sx = b.x - ux * rr, sy = b.y - uy * rr, ex = b.x + vx * rr, ey = b.y + vy * rr;
        for (int k = 0; k <= 6; k++) {
            float t = (float)k / 6.0f, m = 1 - t;
            path_add(p, m * m * sx + 2 * m * t * b.x + t * t * ex, m * m * sy + 2 * m * t * b.y + t * t * ey);
        }
    }
    path_add(p, pts[n - 1].x, pts[n - 1].y);
}

static void edge_path(path *p, dg_pt a, dg_pt b, const dg_edge_style *s)
{
    p->n = 0;
    float bend = s->bend;
    switch (s->route) {
    case DG_ELBOW_H:
    case DG_ELBOW_V: {
        bool h = s->route == DG_ELBOW_H;
        dg_pt pts[4];
        int n = 0;
        pts[n++] = a;
        if (bend > 0 && bend < 1) {          /* Z: two corners */
            if (h) {
                float mx = a.x + (b.x - a.x) * bend;
                pts[n++] = (dg_pt){mx, a.y};
                pts[n++] = (dg_pt){mx, b.y};
            } else {
                float my = a.y + (b.y - a.y) * bend;
                pts[n++] = (dg_pt){a.x, my};
                pts[n++] = (dg_pt){b.x, my};
            }
        } else {                              /* L: one corner */
            pts[n++] = h ? (dg_pt){b.x, a.y} : (dg_pt){a.x, b.y};
        }
        pts[n++] = b;
        path_corners(p, pts, n);
        break;
    }
    case DG_CURVE: {
        float dx = b.x - a.x, dy = b.y - a.y;
        dg_pt c1, c2;
        if (fabsf(dx) >= fabsf(dy)) {
            c1 = (dg_pt){a.x + dx * 0.5f, a.y};
            c2 = (dg_pt){b.x - dx * 0.5f, b.y};
        } else {
            c1 = (dg_pt){a.x, a.y + dy * 0.5f};
            c2 = (dg_pt){b.x, b.y - dy * 0.5f};
        }
        for (int k = 0; k <= 40; k++) {
            float t = (float)k / 40.0f, m = 1 - t;
            float w0 = m * m * m, w1 = 3 * m * m * t, w2 = 3 * m * t * t, w3 = t * t * t;
            path_add(p, w0 * a.x + w1 * c1.x + w2 * c2.x + w3 * b.x, w0 * a.y + w1 * c1.y + w2 * c2.y + w3 * b.y);
        }
        break;
    }
    default:
        path_add(p, a.x, a.y);
        path_add(p, b.x, b.y);
    }
}

static float path_length(const path *p)
{
    float L = 0;
    for (int i = 0; i + 1 < p->n; i++)
        L += hypotf(p->xy[2 * i + 2] - p->xy[2 * i], p->xy[2 * i + 3] - p->xy[2 * i + 1]);
    return L;
}

/* The point at arc length d along the path (clamped to its ends). */
static dg_pt path_at(const path *p, float d)
{
    for (int i = 0; i + 1 < p->n; i++) {
        float x0 = p->xy[2 * i], y0 = p->xy[2 * i + 1], x1 = p->xy[2 * i + 2], y1 = p->xy[2 * i + 3];
        float l = hypotf(x1 - x0, y1 - y0);
        if (d <= l && l > 0) return (dg_pt){x0 + (x1 - x0) * d / l, y0 + (y1 - y0) * d / l};
        d -= l;
    }
    return (dg_pt){p->xy[2 * p->n - 2], p->xy[2 * p->n - 1]};
}

void dg_edge(dg_pt a, dg_pt b, const dg_edge_style *s)
{
    static const dg_edge_style none;
    if (!s) s = &none;
    if (!isfinite(a.x + a.y + b.x + b.y)) return;
    const ui_theme *th = dg_theme();
    float w = s->width > 0 ? s->width : 4.0f;
    float alpha = s->alpha > 0 ? fminf(s->alpha, 1.0f) : 1.0f;
    gfx_color col = gfx_fade(s->color.a > 0 ? s->color : th->text_dim, alpha);
    path p;
    edge_path(&p, a, b, s);
    if (p.n < 2) return;
    float L = path_length(&p);
    if (!(L > 0.5f)) return;
    float x0 = fminf(a.x, b.x), y0 = fminf(a.y, b.y);
    col = dg__mark((dg_rect){ x0 - 8, y0 - 8, fmaxf(a.x, b.x) - x0 + 16, fmaxf(a.y, b.y) - y0 + 16 }, col);
    if (s->no_head) {
        gfx_polyline(p.xy, p.n, w, col);
    } else {
        /* The shaft stops where the head begins: the head is an arrow over
         * the last head-length of the path. */
        float head = fminf(4.0f * w + 8.0f, L * 0.6f);
        dg_pt hs = path_at(&p, L - head);
        path q = {.n = 0};
        float acc = 0;
        path_add(&q, p.xy[0], p.xy[1]);
        for (int i = 0; i + 1 < p.n; i++) {
            float l = hypotf(p.xy[2 * i + 2] - p.xy[2 * i], p.xy[2 * i + 3] - p.xy[2 * i + 1]);
            if (acc + l >= L - head) break;
            acc += l;
            path_add(&q, p.xy[2 * i + 2], p.xy[2 * i + 3]);
        }
        path_add(&q, hs.x, hs.y);
        if (q.n >= 2) gfx_polyline(q.xy, q.n, w, col);
        gfx_arrow(hs.x, hs.y, b.x, b.y, w, col);
    }
    if (s->flow > 0) {
        int dots = (int)(L / 140.0f) + 1;
        double ph = dg_time() * (double)s->flow;
        float frac = (float)(ph - floor(ph));
        gfx_color dc = gfx_fade(th->accent, alpha);
        for (int k = 0; k < dots; k++) {
            float t = frac + (float)k / (float)dots;
            if (t >= 1) t -= 1;
            dg_pt d = path_at(&p, t * L);
            gfx_circle(d.x, d.y, w * 0.9f + 4.0f, gfx_fade(th->bg, 0.8f * alpha));
            gfx_circle(d.x, d.y, w * 0.9f + 2.5f, dc);
        }
    }
    if (s->label && s->label[0]) {
        dg_pt m = path_at(&p, L * 0.5f);
        float ts = (float)DG_TEXT_LABEL, tw = dg_type_width(ts, GFX_SANS, s->label);
        dg_rect lr = {m.x - tw * 0.5f - 8, m.y - ts * 0.65f, tw + 16, ts * 1.3f};
        gfx_rrect(lr.x, lr.y, lr.w, lr.h, 8, th->bg);
        gfx_rrect_line(lr.x, lr.y, lr.w, lr.h, 8, 1.5f, gfx_fade(col, 0.7f));
        dg_type(m.x, m.y, ts, GFX_SANS, GFX_CENTER | GFX_MIDDLE, th->text, s->label);
    }
}
