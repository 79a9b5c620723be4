/* shapes.c: rectangles, rounded rectangles, lines, arrows, circles and
 * polylines, all in canvas units (thickness and radius too), all batched.
 *
 * Every shape is one quad whose vertices carry the position in the shape's own
 * frame; batch.frag turns that into a signed distance and a one-pixel
 * antialiasing ramp. The quad reaches one device pixel past the shape so the
 * ramp is never cut off.
 *
 * Strokes (gfx_rrect_line, gfx_circle_line) lie inside the outline, so a
 * filled shape and its outline with the same geometry line up. Lines have
 * round caps (capsules). Strokes and lines thinner than one device pixel are
 * drawn one pixel wide with proportionally less alpha (at least half), so thin
 * lines never vanish at 720p and keep their weight at 4K.
 * Polylines are capsules per segment: with translucent colours the joints
 * overlap and look darker.
 */
#include "gfx_internal.h"

#include <math.h>

/* Emits one quad: origin o, unit axis a, local extent [lx0,lx1] x [ly0,ly1]
 * (device px, already including the AA margin). */
static void emit(float ox, float oy, float ax, float ay, float lx0, float lx1,
                 float ly0, float ly1, const float p[4], const uint8_t rgba[4], int kind)
{
    gfx_vertex *v = gfx_batch_quads(1);
    if (!v) return;
    float nx = -ay, ny = ax;     /* perpendicular (y down: rotates a by +90 degrees) */
    const float lx[4] = { lx0, lx1, lx1, lx0 };
    const float ly[4] = { ly0, ly0, ly1, ly1 };
    for (int i = 0; i < 4; i++)
        gfx_vertex_set(&v[i], ox + ax * lx[i] + nx * ly[i], oy + ay * lx[i] + ny * ly[i],
                       lx[i], ly[i], p, rgba, kind);
}

/* Box centred at (cx, cy) device px, axis (ax, ay), half sizes, radius, stroke.
 * A large outline (a focus circle, a panel border) would shade every pixel
 * of its empty middle; instead it is drawn as four strips around a hole.
 * The hole is the rectangle inscribed in the stroke's inner rounded rect (its
 * corners on the 45-degree points of the inner arcs), so nothing is lost. */
static void box(float cx, float cy, float ax, float ay, float hw, float hh, float r,
                float stroke, const uint8_t rgba[4])
{
    if (rgba[3] == 0) return;
    float m = 1.0f;
    float p[4] = { hw, hh, r, stroke };
    float iw = hw - stroke - m, ih = hh - stroke - m, ir = r - stroke - m;
    if (ir < 0) ir = 0;
    float hx = iw - ir * 0.29289f, hy = ih - ir * 0.29289f;   /* 1 - 1/sqrt(2) */
    if (stroke <= 0 || hx < 16 || hy < 16) {
        emit(cx, cy, ax, ay, -hw - m, hw + m, -hh - m, hh + m, p, rgba, GFX_K_BOX);
        return;
    }
    emit(cx, cy, ax, ay, -hw - m, hw + m, -hh - m, -hy, p, rgba, GFX_K_BOX);   /* top */
    emit(cx, cy, ax, ay, -hw - m, hw + m, hy, hh + m, p, rgba, GFX_K_BOX);     /* bottom */
    emit(cx, cy, ax, ay, -hw - m, -hx, -hy, hy, p, rgba, GFX_K_BOX);           /* left */
    emit(cx, cy, ax, ay, hx, hw + m, -hy, hy, p, rgba, GFX_K_BOX);             /* right */
}

/* Thickness in device px, widened to one pixel with alpha scaled down. */
static float thin(float t, uint8_t rgba[4])
{
    if (t >= 1.0f) return t;
    float f = t < 0.5f ? 0.5f : t;
    rgba[3] = (uint8_t)(rgba[3] * f + 0.5f);
    return 1.0f;
}

static bool finite4(float a, float b, float c, float d)
{
    return isfinite(a) && isfinite(b) && isfinite(c) && isfinite(d);
}

void gfx_rect(float x, float y, float w, float h, gfx_color c)
{
    gfx_rrect(x, y, w, h, 0, c);
}

static void rrect_common(float x, float y, float w, float h, float radius, float stroke,
                         gfx_color c)
{
    if (!(w > 0) || !(h > 0) || !finite4(x, y, w, h)) return;
    uint8_t rgba[4];
    gfx_color_bytes(c, rgba);
    float k = gfx_st.xf.k;
    float x0 = gfx_dx(x), y0 = gfx_dy(y), x1 = gfx_dx(x + w), y1 = gfx_dy(y + h);
    float hw = (x1 - x0) * 0.5f, hh = (y1 - y0) * 0.5f;
    float r = radius > 0 ? radius * k : 0.0f;
    float lim = hw < hh ? hw : hh;
    if (r > lim) r = lim;
    float s = 0;
    if (stroke > 0) {
        s = thin(stroke * k, rgba);
        if (s >= lim) s = 0;          /* the stroke fills the whole shape */
    }
    box((x0 + x1) * 0.5f, (y0 + y1) * 0.5f, 1, 0, hw, hh, r, s, rgba);
}

void gfx_rrect(float x, float y, float w, float h, float radius, gfx_color c)
{
    rrect_common(x, y, w, h, radius, 0, c);
}

void gfx_rrect_line(float x, float y, float w, float h, float radius, float thickness,
                    gfx_color c)
{
    if (!(thickness > 0)) return;
    rrect_common(x, y, w, h, radius, thickness, c);
}

void gfx_circle(float cx, float cy, float r, gfx_color c)
{
    rrect_common(cx - r, cy - r, 2 * r, 2 * r, r, 0, c);
}

void gfx_circle_line(float cx, float cy, float r, float thickness, gfx_color c)
{
    if (!(thickness > 0)) return;
    rrect_common(cx - r, cy - r, 2 * r, 2 * r, r, thickness, c);
}

/* Capsule between device points; t in device px (already thinned). */
static void capsule(float x0, float y0, float x1, float y1, float t, const uint8_t rgba[4])
{
    float dx = x1 - x0, dy = y1 - y0;
    float len = sqrtf(dx * dx + dy * dy);
    if (!(len > 1e-6f)) return;
    float h = t * 0.5f;
    box((x0 + x1) * 0.5f, (y0 + y1) * 0.5f, dx / len, dy / len, len * 0.5f + h, h, h, 0, rgba);
}

void gfx_line(float x0, float y0, float x1, float y1, float thickness, gfx_color c)
{
    if (!(thickness > 0) || !finite4(x0, y0, x1, y1)) return;
    uint8_t rgba[4];
    gfx_color_bytes(c, rgba);
    float t = thin(thickness * gfx_st.xf.k, rgba);
    capsule(gfx_dx(x0), gfx_dy(y0), gfx_dx(x1), gfx_dy(y1), t, rgba);
}

void gfx_arrow(float x0, float y0, float x1, float y1, float thickness, gfx_color c)
{
    if (!(thickness > 0) || !finite4(x0, y0, x1, y1)) return;
    uint8_t rgba[4];
    gfx_color_bytes(c, rgba);
    float k = gfx_st.xf.k;
    float X0 = gfx_dx(x0), Y0 = gfx_dy(y0), X1 = gfx_dx(x1), Y1 = gfx_dy(y1);
    float dx = X1 - X0, dy = Y1 - Y0;
    float len = sqrtf(dx * dx + dy * dy);
    if (!(len > 1e-6f)) return;
    float ax = dx / len, ay = dy / len;
    /* Head: length 4t + 8 units, half base 0.45 of that; never more than 60%
     * of the arrow, never narrower than the line. */
    float t = thickness * k;
    float L = (4.0f * thickness + 8.0f) * k;
    if (L > 0.6f * len) L = 0.6f * len;
    float hb = 0.45f * L;
    if (hb < t) hb = t;
    uint8_t lrgba[4] = { rgba[0], rgba[1], rgba[2], rgba[3] };
    float tl = thin(t, lrgba);
    /* The shaft ends 40% into the head, where the head is still wider than it. */
    float ex = X1 - ax * L * 0.6f, ey = Y1 - ay * L * 0.6f;
    capsule(X0, Y0, ex, ey, tl, lrgba);
    if (rgba[3] == 0) return;
    float p[4] = { L, hb, 0, 0 };
    float m = 1.0f;
    emit(X1 - ax * L, Y1 - ay * L, ax, ay, -m, L + m, -hb - m, hb + m, p, rgba, GFX_K_TRI);
}

void gfx_polyline(const float *xy, int n, float thickness, gfx_color c)
{
    if (!xy || n < 2 || !(thickness > 0)) return;
    uint8_t rgba[4];
    gfx_color_bytes(c, rgba);
    float t = thin(thickness * gfx_st.xf.k, rgba);
    for (int i = 0; i + 1 < n; i++) {
        const float *a = xy + 2 * i, *b = a + 2;
        if (!finite4(a[0], a[1], b[0], b[1])) continue;
        capsule(gfx_dx(a[0]), gfx_dy(a[1]), gfx_dx(b[0]), gfx_dy(b[1]), t, rgba);
    }
}
