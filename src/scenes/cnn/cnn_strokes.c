/* cnn_strokes.c: stroke-drawn digits and the scene's brush (see cnn_strokes.h).
 *
 * A template is a short pen program in a unit box (x right, y down, the
 * digit about 0.6 wide and 1 high):
 *   M x y                    put the pen down at (x, y)
 *   L x y                    a line to (x, y)
 *   A cx cy rx ry a0 a1      an elliptic arc from angle a0 to a1 (degrees,
 *                            0 = right, 90 = down: increasing is clockwise
 *                            on screen); joined to the pen by a line
 *   |                        lift the pen (a new stroke starts)
 * Paths are cut into short pieces so that the random wobble bends lines too.
 */
#include "scenes/cnn/cnn_strokes.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define N CNN_STROKE_SIZE
#define MAX_PTS 1024
#define PIECE 0.04f            /* longest piece of a path, unit box */

void cnn_brush_stamp(float *img, float cx, float cy, float sigma, float ink) {
    int reach = (int)ceilf(3 * sigma);
    for (int r = (int)cy - reach; r <= (int)cy + reach; r++)
        for (int c = (int)cx - reach; c <= (int)cx + reach; c++) {
            if (r < 0 || c < 0 || r >= N || c >= N) continue;
            float dx = (float)c + 0.5f - cx, dy = (float)r + 0.5f - cy;
            float a = ink * expf(-(dx * dx + dy * dy) / (2 * sigma * sigma));
            float *v = &img[r * N + c];
            *v = fminf(1.0f, fmaxf(*v, a));
        }
}

void cnn_brush_line(float *img, float x0, float y0, float x1, float y1, float sigma, float ink) {
    float dx = x1 - x0, dy = y1 - y0;
    int steps = 1 + (int)(sqrtf(dx * dx + dy * dy) / CNN_BRUSH_STEP);
    for (int i = 1; i <= steps; i++)
        cnn_brush_stamp(img, x0 + dx * (float)i / (float)steps, y0 + dy * (float)i / (float)steps, sigma, ink);
}

/* Pen programs per digit; one is picked at random per sample. */
static const char *const templates[10][4] = {
    {"A .5 .5 .3 .48 -90 275", "A .5 .5 .32 .48 -120 250", "A .5 .5 .26 .48 -80 290"},
    {"M .5 0 L .5 1", "M .28 .22 L .52 0 L .52 1", "M .3 .2 L .52 0 L .52 1 | M .28 1 L .76 1"},
    {"A .5 .28 .3 .27 -165 20 L .18 1 L .85 1", "A .5 .3 .3 .3 -170 40 L .2 1 L .85 .97",
     "M .2 .15 A .5 .3 .3 .3 -130 30 L .15 1 L .9 1"},
    {"A .5 .25 .28 .24 -160 90 A .5 .73 .32 .26 -90 160", "M .2 0 L .78 0 L .45 .4 A .5 .7 .32 .28 -100 160",
     "A .5 .26 .26 .25 -150 80 L .42 .48 | M .42 .48 A .5 .74 .3 .25 -105 155"},
    {"M .6 0 L .1 .68 L .9 .68 | M .68 .3 L .68 1", "M .25 0 L .15 .6 L .85 .6 | M .7 .1 L .7 1",
     "M .22 0 L .18 .55 L .78 .55 | M .74 0 L .74 1"},
    {"M .8 0 L .28 0 L .24 .45 A .5 .7 .32 .3 -120 150",
     "M .25 0 L .22 .45 A .5 .7 .32 .3 -125 150 | M .25 0 L .8 0",
     "M .78 .02 L .3 0 L .26 .42 A .48 .68 .33 .3 -130 140"},
    {"A .72 .65 .52 .65 -90 -180 A .5 .72 .3 .28 180 -180", "M .65 0 L .25 .6 A .5 .72 .28 .26 180 -170",
     "A .8 .7 .58 .7 -100 -180 A .48 .72 .28 .28 180 -160"},
    {"M .15 0 L .85 0 L .4 1", "M .15 0 L .85 0 L .4 1 | M .32 .5 L .76 .5", "M .15 .14 L .15 0 L .85 0 L .45 1"},
    {"A .5 .25 .25 .24 0 360 | A .5 .73 .3 .26 -90 270",
     "A .5 .25 .24 .24 -20 -270 A .5 .73 .3 .26 -90 270 L .72 .08",
     "A .5 .74 .3 .26 -90 270 | A .5 .25 .24 .24 90 450"},
    {"A .5 .28 .28 .26 -10 350 L .74 1", "A .5 .28 .28 .26 -10 350 L .78 .6 A .5 .6 .28 .4 0 120",
     "A .5 .3 .3 .28 -5 355 L .62 1"},
};

int cnn_strokes_templates(int digit) {
    int n = 0;
    while (digit >= 0 && digit <= 9 && n < 4 && templates[digit][n]) n++;
    return n;
}

/* Appends p to the current stroke, cut into pieces no longer than PIECE. */
static void add_point(float *pts, int *np, int *starts, int ns, float x, float y) {
    if (*np >= MAX_PTS) return;
    bool first = *np == starts[ns - 1];
    if (!first) {
        float px = pts[2 * (*np - 1)], py = pts[2 * (*np - 1) + 1];
        float d = sqrtf((x - px) * (x - px) + (y - py) * (y - py));
        int k = (int)ceilf(d / PIECE);
        for (int i = 1; i < k && *np < MAX_PTS; i++) {
            pts[2 * *np] = px + (x - px) * (float)i / (float)k;
            pts[2 * *np + 1] = py + (y - py) * (float)i / (float)k;
            (*np)++;
        }
        if (*np >= MAX_PTS) return;
    }
    pts[2 * *np] = x;
    pts[2 * *np + 1] = y;
    (*np)++;
}

/* Runs a pen program into points; starts[i] is where stroke i begins, and
 * starts[return value] == *np. */
static int trace(const char *prog, float *pts, int *np, int *starts, int max_strokes) {
    int ns = 1;
    starts[0] = 0;
    *np = 0;
    const char *p = prog;
    while (*p) {
        char op = *p++;
        char *end;
        float v[6];
        int want = op == 'M' || op == 'L' ? 2 : op == 'A' ? 6 : 0;
        for (int i = 0; i < want; i++) { v[i] = strtof(p, &end); p = end; }
        if (op == '|' && *np > starts[ns - 1] && ns < max_strokes) starts[ns++] = *np;
        else if (op == 'M' || op == 'L') add_point(pts, np, starts, ns, v[0], v[1]);
        else if (op == 'A') {
            int k = 2 + (int)(fabsf(v[5] - v[4]) / 5.0f);
            for (int i = 0; i <= k; i++) {
                float a = (v[4] + (v[5] - v[4]) * (float)i / (float)k) * 3.14159265f / 180.0f;
                add_point(pts, np, starts, ns, v[0] + v[2] * cosf(a), v[1] + v[3] * sinf(a));
            }
        }
    }
    starts[ns] = *np;
    return ns;
}

static float uni(ts_rng *r, float lo, float hi) { return lo + (hi - lo) * ts_rng_uniform(r); }

void cnn_strokes_render(float *out, int digit, ts_rng *rng) {
    TS_CHECK(digit >= 0 && digit <= 9);
    float pts[2 * MAX_PTS];
    int np, starts[9];
    int ns = trace(templates[digit][ts_rng_int(rng, cnn_strokes_templates(digit))], pts, &np, starts, 8);

    /* wobble: two smooth waves per axis over the unit box */
    float wa[4], wf[4][2], wp[4];
    for (int i = 0; i < 4; i++) {
        wa[i] = uni(rng, 0, 0.045f);
        wf[i][0] = uni(rng, -1.6f, 1.6f);
        wf[i][1] = uni(rng, -1.6f, 1.6f);
        wp[i] = uni(rng, 0, 6.2831853f);
    }
    /* a stroke lifted and put down again lands a little off */
    float lift[8][2];
    for (int s = 0; s < ns; s++) {
        lift[s][0] = s ? uni(rng, -0.04f, 0.04f) : 0;
        lift[s][1] = s ? uni(rng, -0.04f, 0.04f) : 0;
    }
    float aspect = uni(rng, 0.75f, 1.25f), th = uni(rng, -0.3f, 0.3f), sh = uni(rng, -0.3f, 0.3f);
    float height = uni(rng, 12.5f, 23.0f);
    float c = cosf(th), sn = sinf(th);
    /* A = R(th) * Shear(sh) * diag(aspect, 1) * height */
    float a00 = c * aspect * height, a01 = (c * sh - sn) * height;
    float a10 = sn * aspect * height, a11 = (sn * sh + c) * height;
    float x0 = 1e9f, y0 = 1e9f, x1 = -1e9f, y1 = -1e9f;
    for (int s = 0; s < ns; s++)
        for (int i = starts[s]; i < starts[s + 1]; i++) {
            float u = pts[2 * i], v = pts[2 * i + 1];
            float qx = u - 0.5f + lift[s][0], qy = v - 0.5f + lift[s][1];
            for (int k = 0; k < 4; k++) {
                float w = wa[k] * sinf(6.2831853f * (wf[k][0] * u + wf[k][1] * v) + wp[k]);
                if (k < 2) qx += w; else qy += w;
            }
            float px = a00 * qx + a01 * qy, py = a10 * qx + a11 * qy;
            pts[2 * i] = px;
            pts[2 * i + 1] = py;
            x0 = fminf(x0, px); x1 = fmaxf(x1, px); y0 = fminf(y0, py); y1 = fmaxf(y1, py);
        }
    /* place the ink box near the centre, shifted at random, inside the image */
    float ox = N / 2.0f - (x0 + x1) / 2 + uni(rng, -3.0f, 3.0f);
    float oy = N / 2.0f - (y0 + y1) / 2 + uni(rng, -3.0f, 3.0f);
    float m = 2.0f;
    if (x0 + ox < m) ox = m - x0;
    if (x1 + ox > N - m) ox = N - m - x1;
    if (y0 + oy < m) oy = m - y0;
    if (y1 + oy > N - m) oy = N - m - y1;

    float sigma = CNN_BRUSH_SIGMA * uni(rng, 0.75f, 1.3f), ink = CNN_BRUSH_INK * uni(rng, 0.85f, 1.1f);
    memset(out, 0, sizeof(float) * N * N);
    for (int s = 0; s < ns; s++) {
        int i = starts[s];
        if (i >= starts[s + 1]) continue;
        cnn_brush_stamp(out, pts[2 * i] + ox, pts[2 * i + 1] + oy, sigma, ink);
        for (i++; i < starts[s + 1]; i++)
            cnn_brush_line(out, pts[2 * i - 2] + ox, pts[2 * i - 1] + oy, pts[2 * i] + ox, pts[2 * i + 1] + oy,
                           sigma, ink);
    }
}
