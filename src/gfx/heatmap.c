/* heatmap.c: float grids through colormaps, and their legends.
 *
 * gfx_heatmap uploads the grid into a GL_R32F texture (nearest sampling, one
 * texel per cell) and queues one quad for shaders/heatmap.frag, which maps the
 * value to a colour. Textures come from a pool indexed by call order within
 * the frame: a scene that draws the same heatmaps every frame reuses the same
 * textures, re-specifies nothing, and uploads with glTexSubImage2D only when
 * the values changed (a CPU copy is kept to compare).
 *
 * gfx_legend draws the bar in the given rectangle, ticks and values at lo,
 * the middle (0 for a diverging map that spans it) and hi outside it (below a
 * horizontal bar, right of a vertical one, text 24 units high, ~60 units of
 * room needed), and the label above it. Leave that room around the rectangle.
 *
 * Colormaps are tables of 17 sRGB stops, interpolated linearly, the same table
 * and the same arithmetic on the GPU (uniform u_stops) and in gfx_cmap_color:
 *   sequential  viridis-like: dark blue-violet through teal and green to
 *               yellow, lightness rising steadily (stops written for this
 *               project from viridis' published anchor colours);
 *   diverging   blue - near-white - red, centred on t = 0.5; the ends are
 *               mid-dark (not navy, not maroon) and the centre a light grey so
 *               both read on dark and on light backgrounds;
 *   gray        black to white.
 */
#include "gfx_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const float cmap_table[GFX_CMAP_COUNT * GFX_CMAP_STOPS * 3] = {
    /* sequential (viridis-like), t = 0, 1/16, ..., 1: resampled from
     * viridis' colours at t = 0, 0.1, ..., 1 */
    0.267f, 0.005f, 0.329f,
    0.277f, 0.090f, 0.409f,
    0.275f, 0.172f, 0.476f,
    0.258f, 0.250f, 0.521f,
    0.230f, 0.319f, 0.542f,
    0.201f, 0.384f, 0.554f,
    0.174f, 0.446f, 0.557f,
    0.150f, 0.507f, 0.555f,
    0.128f, 0.567f, 0.551f,
    0.132f, 0.624f, 0.530f,
    0.168f, 0.681f, 0.498f,
    0.250f, 0.737f, 0.450f,
    0.372f, 0.785f, 0.379f,
    0.510f, 0.828f, 0.297f,
    0.675f, 0.860f, 0.192f,
    0.836f, 0.886f, 0.147f,
    0.993f, 0.906f, 0.144f,
    /* diverging: blue -> light grey -> red */
    0.145f, 0.345f, 0.690f,
    0.200f, 0.420f, 0.750f,
    0.275f, 0.500f, 0.805f,
    0.370f, 0.585f, 0.855f,
    0.480f, 0.670f, 0.895f,
    0.600f, 0.752f, 0.925f,
    0.720f, 0.826f, 0.945f,
    0.840f, 0.888f, 0.950f,
    0.930f, 0.930f, 0.930f,
    0.960f, 0.870f, 0.830f,
    0.965f, 0.780f, 0.710f,
    0.950f, 0.680f, 0.585f,
    0.925f, 0.575f, 0.470f,
    0.890f, 0.465f, 0.370f,
    0.845f, 0.355f, 0.285f,
    0.790f, 0.250f, 0.215f,
    0.720f, 0.150f, 0.165f,
    /* gray */
    0.0000f, 0.0000f, 0.0000f,  0.0625f, 0.0625f, 0.0625f,  0.1250f, 0.1250f, 0.1250f,
    0.1875f, 0.1875f, 0.1875f,  0.2500f, 0.2500f, 0.2500f,  0.3125f, 0.3125f, 0.3125f,
    0.3750f, 0.3750f, 0.3750f,  0.4375f, 0.4375f, 0.4375f,  0.5000f, 0.5000f, 0.5000f,
    0.5625f, 0.5625f, 0.5625f,  0.6250f, 0.6250f, 0.6250f,  0.6875f, 0.6875f, 0.6875f,
    0.7500f, 0.7500f, 0.7500f,  0.8125f, 0.8125f, 0.8125f,  0.8750f, 0.8750f, 0.8750f,
    0.9375f, 0.9375f, 0.9375f,  1.0000f, 1.0000f, 1.0000f,
};

const float *gfx_cmap_table(void)
{
    return cmap_table;
}

gfx_color gfx_cmap_color(int cmap, float t)
{
    if (cmap < 0 || cmap >= GFX_CMAP_COUNT) cmap = GFX_CMAP_SEQUENTIAL;
    if (isnan(t)) return (gfx_color){ 0.5f, 0.5f, 0.5f, 1.0f };
    t = t < 0 ? 0 : t > 1 ? 1 : t;
    float f = t * 16.0f;
    int i = (int)f;
    if (i > 15) i = 15;
    float w = f - (float)i;
    const float *a = &cmap_table[(cmap * GFX_CMAP_STOPS + i) * 3], *b = a + 3;
    return (gfx_color){ a[0] + (b[0] - a[0]) * w, a[1] + (b[1] - a[1]) * w,
                        a[2] + (b[2] - a[2]) * w, 1.0f };
}

/* ---- texture pool -------------------------------------------------------- */

typedef struct heat_tex {
    GLuint tex;
    int rows, cols;
    float *copy;           /* the values last uploaded */
} heat_tex;

static struct {
    heat_tex *pool;
    int n, cap;
    int used;              /* this frame */
    GLuint ramp;           /* 256 x 1, linear: legends */
} H;

#define RAMP_N 256

bool gfx_heatmap_init(char *err, size_t errlen)
{
    memset(&H, 0, sizeof H);
    float ramp[RAMP_N];
    for (int i = 0; i < RAMP_N; i++) ramp[i] = i / (float)(RAMP_N - 1);
    glGenTextures(1, &H.ramp);
    glBindTexture(GL_TEXTURE_2D, H.ramp);
    glPixelStorei(GL_UNPACK_ALIGNMENT, 4);
    glTexImage2D(GL_TEXTURE_2D, 0, GL_R32F, RAMP_N, 1, 0, GL_RED, GL_FLOAT, ramp);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
    glBindTexture(GL_TEXTURE_2D, 0);
    if (glGetError() != GL_NO_ERROR) {
        snprintf(err, errlen, "cannot create a GL_R32F texture for heatmaps");
        return false;
    }
    return true;
}

void gfx_heatmap_shutdown(void)
{
    for (int i = 0; i < H.n; i++) {
        glDeleteTextures(1, &H.pool[i].tex);
        free(H.pool[i].copy);
    }
    free(H.pool);
    if (H.ramp) glDeleteTextures(1, &H.ramp);
    memset(&H, 0, sizeof H);
}

void gfx_heatmap_frame_begin(void)
{
    H.used = 0;
}

/* The pool texture for this call, holding data. 0 on failure. */
static GLuint heat_upload(const float *data, int rows, int cols)
{
    if (H.used == H.n) {
        if (H.n == H.cap) {
            int cap = H.cap ? H.cap * 2 : 16;
            heat_tex *p = realloc(H.pool, (size_t)cap * sizeof *p);
            if (!p) return 0;
            H.pool = p;
            H.cap = cap;
        }
        heat_tex *t = &H.pool[H.n++];
        memset(t, 0, sizeof *t);
        glGenTextures(1, &t->tex);
        glBindTexture(GL_TEXTURE_2D, t->tex);
        glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
        glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
        glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
        glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
    }
    heat_tex *t = &H.pool[H.used++];
    size_t n = (size_t)rows * cols;
    glBindTexture(GL_TEXTURE_2D, t->tex);
    glPixelStorei(GL_UNPACK_ALIGNMENT, 4);
    glPixelStorei(GL_UNPACK_ROW_LENGTH, 0);
    if (t->rows != rows || t->cols != cols || !t->copy) {
        float *copy = realloc(t->copy, n * sizeof *copy);
        if (!copy) return 0;
        t->copy = copy;
        t->rows = rows;
        t->cols = cols;
        memcpy(t->copy, data, n * sizeof *data);
        glTexImage2D(GL_TEXTURE_2D, 0, GL_R32F, cols, rows, 0, GL_RED, GL_FLOAT, data);
    } else if (memcmp(t->copy, data, n * sizeof *data) != 0) {
        memcpy(t->copy, data, n * sizeof *data);
        glTexSubImage2D(GL_TEXTURE_2D, 0, 0, 0, cols, rows, GL_RED, GL_FLOAT, data);
    }
    return t->tex;
}

/* Queues a colormapped quad: device corners listed clockwise from top-left
 * with their uv. */
static void heat_quad(GLuint tex, float lo, float hi, int cmap, const float xy[8],
                      const float uv[8])
{
    float scale, bias;
    if (hi != lo && isfinite(hi - lo)) {
        scale = 1.0f / (hi - lo);
        bias = -lo * scale;
    } else {
        scale = 0.0f;
        bias = 0.5f;
    }
    if (cmap < 0 || cmap >= GFX_CMAP_COUNT) cmap = GFX_CMAP_SEQUENTIAL;
    gfx_vertex *v = gfx_batch_heat(tex, scale, bias, cmap);
    if (!v) return;
    static const uint8_t white[4] = { 255, 255, 255, 255 };
    for (int i = 0; i < 4; i++)
        gfx_vertex_set(&v[i], xy[2 * i], xy[2 * i + 1], uv[2 * i], uv[2 * i + 1], NULL, white,
                       GFX_K_HEAT);
}

void gfx_heatmap(float x, float y, float w, float h, const float *data, int rows, int cols,
                 float lo, float hi, int cmap)
{
    if (!gfx_st.inited || !data || rows <= 0 || cols <= 0 || !(w > 0) || !(h > 0)) return;
    if ((size_t)rows * cols > (size_t)1 << 24) return;
    GLuint tex = heat_upload(data, rows, cols);
    if (!tex) return;
    float x0 = gfx_dx(x), y0 = gfx_dy(y), x1 = gfx_dx(x + w), y1 = gfx_dy(y + h);
    const float xy[8] = { x0, y0, x1, y0, x1, y1, x0, y1 };
    const float uv[8] = { 0, 0, 1, 0, 1, 1, 0, 1 };
    heat_quad(tex, lo, hi, cmap, xy, uv);
}

/* ---- legend ---------------------------------------------------------------- */

/* Short label for a tick value, with a real minus sign. */
static void tick_label(float v, char *out, size_t n)
{
    char buf[32];
    float a = fabsf(v);
    if (a == 0) snprintf(buf, sizeof buf, "0");
    else if (a >= 1e5f || a < 1e-3f) snprintf(buf, sizeof buf, "%.1e", a);
    else if (a >= 100) snprintf(buf, sizeof buf, "%.0f", a);
    else snprintf(buf, sizeof buf, "%.3g", a);
    if (v < 0 && strcmp(buf, "0") != 0) snprintf(out, n, "\xe2\x88\x92%s", buf);
    else snprintf(out, n, "%s", buf);
}

#define LEGEND_TEXT 24.0f     /* canvas units: tick labels, readable from the back of a hall */
#define LEGEND_LABEL 32.0f    /* what the scale measures: a caption may name it */

void gfx_legend(float x, float y, float w, float h, float lo, float hi, int cmap,
                const char *label, gfx_color fg)
{
    if (!gfx_st.inited || !(w > 0) || !(h > 0)) return;
    bool vertical = h > w;
    float x0 = gfx_dx(x), y0 = gfx_dy(y), x1 = gfx_dx(x + w), y1 = gfx_dy(y + h);
    /* The ramp runs 0..1 across its texels' centres; lo at left / bottom. */
    float a = 0.5f / RAMP_N, b = 1.0f - 0.5f / RAMP_N;
    const float xy[8] = { x0, y0, x1, y0, x1, y1, x0, y1 };
    float uv[8];
    if (vertical) {
        const float v[8] = { b, 0.5f, b, 0.5f, a, 0.5f, a, 0.5f };
        memcpy(uv, v, sizeof uv);
    } else {
        const float v[8] = { a, 0.5f, b, 0.5f, b, 0.5f, a, 0.5f };
        memcpy(uv, v, sizeof uv);
    }
    heat_quad(H.ramp, 0.0f, 1.0f, cmap, xy, uv);
    gfx_rrect_line(x, y, w, h, 0, 1.5f, gfx_fade(fg, 0.6f));

    float ts = LEGEND_TEXT, tick = 8.0f, gap = 4.0f;
    float vals[3] = { lo, (lo + hi) * 0.5f, hi };
    if (cmap == GFX_CMAP_DIVERGING && lo < 0 && hi > 0) vals[1] = 0.0f;
    char txt[40];
    int old_role = gfx_text_role(GFX_ROLE_TICK);
    for (int i = 0; i < 3; i++) {
        float t = hi != lo ? (vals[i] - lo) / (hi - lo) : 0.5f * i;
        tick_label(vals[i], txt, sizeof txt);
        if (vertical) {
            float ty = y + h - t * h;
            gfx_line(x + w, ty, x + w + tick, ty, 2.0f, fg);
            gfx_text(x + w + tick + gap, ty, ts, GFX_SANS, GFX_LEFT | GFX_MIDDLE, fg, txt);
        } else {
            float tx = x + t * w;
            gfx_line(tx, y + h, tx, y + h + tick, 2.0f, fg);
            int al = i == 0 ? GFX_LEFT : i == 2 ? GFX_RIGHT : GFX_CENTER;
            gfx_text(i == 0 ? x : i == 2 ? x + w : tx, y + h + tick + gap, ts, GFX_SANS,
                     al | GFX_TOP, fg, txt);
        }
    }
    /* The title sits above the bar; above a vertical bar it also clears the
     * top tick label, which is centred on the bar's top edge. */
    gfx_text_role(GFX_ROLE_LEGEND);
    if (label && *label)
        gfx_text(x, y - gap - (vertical ? 0.6f * ts : 0.0f), LEGEND_LABEL, GFX_SANS,
                 GFX_LEFT | GFX_BOTTOM, fg, label);
    gfx_text_role(old_role);
}
