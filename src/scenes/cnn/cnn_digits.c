/* cnn_digits.c: digits from fonts, augmented like handwriting (see cnn_digits.h).
 *
 * Glyphs are rasterised once per face at GLYPH_PT points into float coverage
 * maps with a margin, so that dilation can thicken strokes without clipping.
 * A sample is made by inverse mapping: every output pixel is averaged over
 * SS x SS points, each mapped back through the inverse of the affine
 * transform (scale, shear, rotation) into the glyph and sampled bilinearly.
 */
#include "scenes/cnn/cnn_digits.h"

#include <SDL.h>
#include <SDL_ttf.h>
#include "gfx/gfx.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GLYPH_PT 72
#define MARGIN 8
#define MAX_FACES 8
#define SS 4
#define N CNN_DIGIT_SIZE

typedef struct glyph {
    int w, h;          /* coverage map size, margin included */
    float *cov;        /* w*h, 0..1 */
} glyph;

struct cnn_digits {
    int nfaces;
    char names[MAX_FACES][64];
    int weight[MAX_FACES];     /* 0 thin (never eroded), 1 regular, 2 bold (little dilation) */
    glyph g[MAX_FACES][10];
    bool ttf_inited;
};

/* The faces to look for, in fontconfig's pattern syntax; missing ones are
 * skipped (a face that resolves to a non-DejaVu file counts as missing). */
static const struct { const char *pattern, *name; int weight; } faces[] = {
    {"DejaVu Sans:style=Book", "DejaVu Sans", 1},
    {"DejaVu Sans:style=Bold", "DejaVu Sans Bold", 2},
    {"DejaVu Serif:style=Book", "DejaVu Serif", 1},
    {"DejaVu Serif:style=Bold", "DejaVu Serif Bold", 2},
    {"DejaVu Sans Mono:style=Book", "DejaVu Sans Mono", 1},
    {"DejaVu Sans:style=Oblique", "DejaVu Sans Oblique", 1},
    {"DejaVu Sans Condensed:style=Condensed,Book", "DejaVu Sans Condensed", 1},
    {"DejaVu Sans:style=ExtraLight", "DejaVu Sans ExtraLight", 0},
};

/* A DejaVu face for the pattern; fontconfig may fall back to another family,
 * which is not wanted here. */
static bool find_face(const char *pattern, char *out, size_t outlen) {
    return gfx_font_find(pattern, out, outlen) && strstr(out, "DejaVu");
}

static bool raster_glyph(TTF_Font *f, int digit, glyph *g) {
    SDL_Color white = {255, 255, 255, 255};
    SDL_Surface *s = TTF_RenderGlyph_Blended(f, (Uint16)('0' + digit), white);
    if (!s) return false;
    SDL_Surface *c = SDL_ConvertSurfaceFormat(s, SDL_PIXELFORMAT_ARGB8888, 0);
    SDL_FreeSurface(s);
    if (!c) return false;
    /* crop to the ink, keep a margin */
    int x0 = c->w, y0 = c->h, x1 = -1, y1 = -1;
    SDL_LockSurface(c);
    for (int y = 0; y < c->h; y++) {
        const Uint32 *row = (const Uint32 *)((const Uint8 *)c->pixels + y * c->pitch);
        for (int x = 0; x < c->w; x++)
            if ((row[x] >> 24) > 8) {
                if (x < x0) x0 = x;
                if (x > x1) x1 = x;
                if (y < y0) y0 = y;
                if (y > y1) y1 = y;
            }
    }
    bool ok = x1 >= x0;
    if (ok) {
        g->w = x1 - x0 + 1 + 2 * MARGIN;
        g->h = y1 - y0 + 1 + 2 * MARGIN;
        g->cov = calloc((size_t)g->w * (size_t)g->h, sizeof(float));
        ok = g->cov != NULL;
        for (int y = y0; ok && y <= y1; y++) {
            const Uint32 *row = (const Uint32 *)((const Uint8 *)c->pixels + y * c->pitch);
            for (int x = x0; x <= x1; x++)
                g->cov[(y - y0 + MARGIN) * g->w + (x - x0 + MARGIN)] = (float)(row[x] >> 24) / 255.0f;
        }
    }
    SDL_UnlockSurface(c);
    SDL_FreeSurface(c);
    return ok;
}

cnn_digits *cnn_digits_open(char *err, size_t errlen) {
    cnn_digits *g = calloc(1, sizeof *g);
    if (!g) { snprintf(err, errlen, "out of memory"); return NULL; }
    if (!TTF_WasInit()) {
        if (TTF_Init() != 0) {
            snprintf(err, errlen, "SDL_ttf: %s", TTF_GetError());
            free(g);
            return NULL;
        }
        g->ttf_inited = true;
    }
    char seen[MAX_FACES][512];
    for (size_t i = 0; i < sizeof faces / sizeof faces[0] && g->nfaces < MAX_FACES; i++) {
        char path[512];
        if (!find_face(faces[i].pattern, path, sizeof path)) continue;
        bool dup = false;
        for (int j = 0; j < g->nfaces; j++) dup |= strcmp(seen[j], path) == 0;
        if (dup) continue;   /* fontconfig fell back to a face we already have */
        TTF_Font *f = TTF_OpenFont(path, GLYPH_PT);
        if (!f) continue;
        TTF_SetFontHinting(f, TTF_HINTING_NONE);
        int k = g->nfaces;
        bool ok = true;
        for (int d = 0; d < 10 && ok; d++) ok = raster_glyph(f, d, &g->g[k][d]);
        TTF_CloseFont(f);
        if (!ok) {
            for (int d = 0; d < 10; d++) { free(g->g[k][d].cov); g->g[k][d].cov = NULL; }
            continue;
        }
        snprintf(seen[k], sizeof seen[k], "%s", path);
        snprintf(g->names[k], sizeof g->names[k], "%s", faces[i].name);
        g->weight[k] = faces[i].weight;
        g->nfaces++;
    }
    if (g->nfaces == 0) {
        snprintf(err, errlen, "no DejaVu font found through fontconfig (install fonts-dejavu-core)");
        cnn_digits_close(g);
        return NULL;
    }
    return g;
}

void cnn_digits_close(cnn_digits *g) {
    if (!g) return;
    for (int f = 0; f < MAX_FACES; f++)
        for (int d = 0; d < 10; d++) free(g->g[f][d].cov);
    if (g->ttf_inited) TTF_Quit();
    free(g);
}

int cnn_digits_font_count(const cnn_digits *g) { return g->nfaces; }
const char *cnn_digits_font_name(const cnn_digits *g, int i) {
    return i >= 0 && i < g->nfaces ? g->names[i] : "";
}

/* Grey-level dilation (r > 0) or erosion (r < 0) with a disc of radius |r|. */
static void morph(float *dst, const float *src, int w, int h, int r) {
    int a = abs(r);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            float v = r > 0 ? 0.0f : 1.0f;
            for (int dy = -a; dy <= a; dy++)
                for (int dx = -a; dx <= a; dx++) {
                    if (dx * dx + dy * dy > a * a) continue;
                    int xx = x + dx, yy = y + dy;
                    float s = xx < 0 || yy < 0 || xx >= w || yy >= h ? 0.0f : src[yy * w + xx];
                    v = r > 0 ? fmaxf(v, s) : fminf(v, s);
                }
            dst[y * w + x] = v;
        }
}

static float bilinear(const float *img, int w, int h, float x, float y) {
    x -= 0.5f; y -= 0.5f;                 /* pixel centres sit at +0.5 */
    int x0 = (int)floorf(x), y0 = (int)floorf(y);
    float fx = x - (float)x0, fy = y - (float)y0, v = 0;
    for (int j = 0; j < 2; j++)
        for (int i = 0; i < 2; i++) {
            int xx = x0 + i, yy = y0 + j;
            if (xx < 0 || yy < 0 || xx >= w || yy >= h) continue;
            v += img[yy * w + xx] * (i ? fx : 1 - fx) * (j ? fy : 1 - fy);
        }
    return v;
}

/* out[y*N+x] = mean over SS*SS subsamples of src at inv * (p - c_out) + c_src. */
static void warp(float *out, const float *src, int w, int h, const float inv[4],
                 float csx, float csy, float cox, float coy) {
    for (int y = 0; y < N; y++)
        for (int x = 0; x < N; x++) {
            float acc = 0;
            for (int j = 0; j < SS; j++)
                for (int i = 0; i < SS; i++) {
                    float px = (float)x + ((float)i + 0.5f) / SS - cox;
                    float py = (float)y + ((float)j + 0.5f) / SS - coy;
                    acc += bilinear(src, w, h, inv[0] * px + inv[1] * py + csx, inv[2] * px + inv[3] * py + csy);
                }
            out[y * N + x] = acc / (SS * SS);
        }
}

static void mass_centre(const float *img, float *cx, float *cy, float *m) {
    float s = 0, sx = 0, sy = 0;
    for (int y = 0; y < N; y++)
        for (int x = 0; x < N; x++) {
            float v = img[y * N + x];
            s += v; sx += v * ((float)x + 0.5f); sy += v * ((float)y + 0.5f);
        }
    *m = s;
    *cx = s > 0 ? sx / s : N / 2.0f;
    *cy = s > 0 ? sy / s : N / 2.0f;
}

void cnn_digits_center_by_mass(float *img) {
    float cx, cy, m, tmp[N * N];
    mass_centre(img, &cx, &cy, &m);
    if (m <= 0) return;
    float dx = cx - N / 2.0f, dy = cy - N / 2.0f;
    for (int y = 0; y < N; y++)
        for (int x = 0; x < N; x++)
            tmp[y * N + x] = bilinear(img, N, N, (float)x + 0.5f + dx, (float)y + 0.5f + dy);
    memcpy(img, tmp, sizeof tmp);
}

static float uni(ts_rng *r, float lo, float hi) { return lo + (hi - lo) * ts_rng_uniform(r); }

void cnn_digits_render(const cnn_digits *g, float *out, int digit, ts_rng *rng, bool augment) {
    TS_CHECK(digit >= 0 && digit <= 9);
    int face = augment ? ts_rng_int(rng, g->nfaces) : 0;
    const glyph *gl = &g->g[face][digit];
    int w = gl->w, h = gl->h;
    float *buf = malloc(sizeof(float) * (size_t)w * (size_t)h);
    TS_CHECK(buf != NULL);
    /* stroke width in glyph pixels: thicker most of the time, like a pen */
    int r = augment ? ts_rng_int(rng, 6) - 2 : 1;
    if (r < 0 && g->weight[face] == 0) r = -r;
    if (r > 1 && g->weight[face] == 2) r = 1;
    if (r != 0) morph(buf, gl->cov, w, h, r);
    else memcpy(buf, gl->cov, sizeof(float) * (size_t)w * (size_t)h);

    /* fit the ink box (without the margin) so its longer side is `box` pixels */
    float iw = (float)(w - 2 * MARGIN), ih = (float)(h - 2 * MARGIN);
    float box = augment ? uni(rng, 15.5f, 21.5f) : 20.0f;
    float s = box / fmaxf(iw, ih);
    float sx = s * (augment ? uni(rng, 0.85f, 1.15f) : 1.0f), sy = s;
    float th = augment ? uni(rng, -0.26f, 0.26f) : 0.0f;       /* about 15 degrees */
    float sh = augment ? uni(rng, -0.2f, 0.2f) : 0.0f;
    /* forward A = R(th) * Shear(sh) * diag(sx, sy) */
    float c = cosf(th), sn = sinf(th);
    float a00 = c * sx, a01 = c * sh * sy - sn * sy, a10 = sn * sx, a11 = sn * sh * sy + c * sy;
    float det = a00 * a11 - a01 * a10;
    float inv[4] = {a11 / det, -a01 / det, -a10 / det, a00 / det};
    float csx = (float)w / 2, csy = (float)h / 2;

    warp(out, buf, w, h, inv, csx, csy, N / 2.0f, N / 2.0f);
    float cx, cy, m;
    mass_centre(out, &cx, &cy, &m);
    float ox = N / 2.0f + (N / 2.0f - cx), oy = N / 2.0f + (N / 2.0f - cy);
    if (augment) { ox += uni(rng, -2.5f, 2.5f); oy += uni(rng, -2.5f, 2.5f); }
    warp(out, buf, w, h, inv, csx, csy, ox, oy);
    free(buf);

    float gain = augment ? uni(rng, 0.8f, 1.0f) : 1.0f;
    float noise = augment && ts_rng_uniform(rng) < 0.5f ? uni(rng, 0.0f, 0.08f) : 0.0f;
    for (int i = 0; i < N * N; i++) {
        float v = out[i] * gain;
        if (noise > 0) v += noise * ts_rng_normal(rng);
        out[i] = v < 0 ? 0 : v > 1 ? 1 : v;
    }
}
