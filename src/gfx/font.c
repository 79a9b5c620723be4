/* font.c: the three faces, their metrics, and the glyph atlas.
 *
 * Faces are found through fontconfig (DejaVu Sans, DejaVu Sans Bold, DejaVu
 * Sans Mono) unless gfx_desc names files. Each face is opened twice with
 * SDL2_ttf:
 *   - a reference font at GFX_REF_PX pixels per em, unhinted, used for all
 *     layout: advances, kerning and vertical metrics in em. Layout therefore
 *     does not depend on the output resolution: a caption wraps the same way
 *     at 720p and at 4K.
 *   - a rasteriser whose size follows the requested device pixel size (light
 *     hinting: crisp vertical stems, unchanged horizontal metrics).
 *
 * Glyphs are rasterised once per (face, pixel size, code point) into one
 * R8 atlas texture (coverage), packed on shelves, each uploaded with its own
 * zero border so linear sampling never bleeds (texels no glyph was written to
 * are never sampled, so the atlas starts undefined, not cleared). When the
 * atlas or its table is full, the batch is flushed and the atlas starts over
 * (deterministic: the pixels of a glyph do not depend on where it sits in the
 * atlas); the atlas starts at 1024 x 1024, which one 1080p frame's text
 * fits, and the first time it fills it grows to 2048 x 2048 (4K exports).
 *
 * Code points a face lacks map to U+FFFD (or '?'); control characters to a
 * space.
 */
#include "gfx_internal.h"

#include <SDL2/SDL.h>
#include <SDL2/SDL_ttf.h>
#include <fontconfig/fontconfig.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GFX_REF_PX 1000
#define ATLAS_START 1024          /* 1 MB: a 1080p frame's glyphs fit */
#define ATLAS_MAX 2048            /* grown to once, when the first fills */
#define GLYPH_TABLE_CAP 16384     /* power of two; reset at half full */
#define METRIC_TABLE_CAP 8192

typedef struct hslot { uint64_t key; int32_t val; } hslot;   /* key 0 = empty */

typedef struct metric { uint32_t cp; float adv; } metric;

static struct {
    TTF_Font *ref[GFX_FONT_COUNT];
    TTF_Font *ras[GFX_FONT_COUNT];
    int ras_px[GFX_FONT_COUNT];
    float asc[GFX_FONT_COUNT], desc[GFX_FONT_COUNT], skip[GFX_FONT_COUNT];
    bool ttf_inited;

    hslot *mtab;                  /* (face, cp) -> metrics[] */
    metric *metrics;
    int nmetrics;

    hslot *gtab;                  /* (face, px, cp) -> glyphs[] */
    gfx_glyph *glyphs;
    int nglyphs;

    GLuint atlas;
    int atlas_size;
    int shelf_x, shelf_y, shelf_h;
    uint8_t *scratch;             /* one padded glyph bitmap */
    size_t scratch_cap;
} F;

static uint64_t mix64(uint64_t k)
{
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdULL;
    k ^= k >> 33;
    return k;
}

/* Returns the slot for key: either holding it or the empty one to fill. */
static hslot *hfind(hslot *tab, int cap, uint64_t key)
{
    size_t mask = (size_t)cap - 1, i = mix64(key) & mask;
    while (tab[i].key && tab[i].key != key) i = (i + 1) & mask;
    return &tab[i];
}

/* ---- fontconfig ------------------------------------------------------------ */

bool gfx_font_find(const char *pattern, char *out, size_t outlen)
{
    if (!FcInit()) return false;   /* the shared default configuration */
    bool ok = false;
    FcPattern *p = FcNameParse((const FcChar8 *)pattern);
    if (!p) return false;
    FcConfigSubstitute(NULL, p, FcMatchPattern);
    FcDefaultSubstitute(p);
    FcResult r;
    FcPattern *m = FcFontMatch(NULL, p, &r);
    if (m) {
        FcChar8 *file = NULL;
        if (FcPatternGetString(m, FC_FILE, 0, &file) == FcResultMatch && file) {
            snprintf(out, outlen, "%s", (const char *)file);
            ok = true;
        }
        FcPatternDestroy(m);
    }
    FcPatternDestroy(p);
    return ok;
}

/* ---- init ------------------------------------------------------------------ */

static void clear_glyphs(void)
{
    memset(F.gtab, 0, GLYPH_TABLE_CAP * sizeof *F.gtab);
    F.nglyphs = 0;
    F.shelf_x = 0;
    F.shelf_y = 0;
    F.shelf_h = 0;
}

/* (Re)specifies the atlas at size x size, contents undefined. */
static void atlas_alloc(int size)
{
    F.atlas_size = size;
    glBindTexture(GL_TEXTURE_2D, F.atlas);
    glTexImage2D(GL_TEXTURE_2D, 0, GL_R8, size, size, 0, GL_RED, GL_UNSIGNED_BYTE, NULL);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
    glBindTexture(GL_TEXTURE_2D, 0);
}

bool gfx_font_init(const gfx_desc *d, char *err, size_t errlen)
{
    static const char *patterns[GFX_FONT_COUNT] = {
        "DejaVu Sans:style=Book", "DejaVu Sans:style=Bold", "DejaVu Sans Mono:style=Book"
    };
    const char *given[GFX_FONT_COUNT] = { d->font_sans, d->font_bold, d->font_mono };
    char paths[GFX_FONT_COUNT][1024];
    memset(&F, 0, sizeof F);

    for (int i = 0; i < GFX_FONT_COUNT; i++) {
        if (given[i]) {
            snprintf(paths[i], sizeof paths[i], "%s", given[i]);
            continue;
        }
        if (!gfx_font_find(patterns[i], paths[i], sizeof paths[i])) {
            snprintf(err, errlen, "fontconfig: no font for \"%s\" (install fonts-dejavu-core)",
                     patterns[i]);
            return false;
        }
    }

    if (TTF_Init() != 0) {
        snprintf(err, errlen, "SDL_ttf: %s", TTF_GetError());
        return false;
    }
    F.ttf_inited = true;
    for (int i = 0; i < GFX_FONT_COUNT; i++) {
        F.ref[i] = TTF_OpenFont(paths[i], GFX_REF_PX);
        F.ras[i] = TTF_OpenFont(paths[i], 32);
        if (!F.ref[i] || !F.ras[i]) {
            snprintf(err, errlen, "cannot open font %s: %s", paths[i], TTF_GetError());
            gfx_font_shutdown();
            return false;
        }
        TTF_SetFontHinting(F.ref[i], TTF_HINTING_NONE);
        TTF_SetFontKerning(F.ref[i], 1);
        TTF_SetFontHinting(F.ras[i], TTF_HINTING_LIGHT);
        TTF_SetFontKerning(F.ras[i], 0);
        F.ras_px[i] = 32;
        F.asc[i] = TTF_FontAscent(F.ref[i]) / (float)GFX_REF_PX;
        F.desc[i] = -TTF_FontDescent(F.ref[i]) / (float)GFX_REF_PX;
        F.skip[i] = TTF_FontLineSkip(F.ref[i]) / (float)GFX_REF_PX;
    }

    F.mtab = calloc(METRIC_TABLE_CAP, sizeof *F.mtab);
    F.metrics = calloc(METRIC_TABLE_CAP, sizeof *F.metrics);
    F.gtab = calloc(GLYPH_TABLE_CAP, sizeof *F.gtab);
    F.glyphs = calloc(GLYPH_TABLE_CAP, sizeof *F.glyphs);
    if (!F.mtab || !F.metrics || !F.gtab || !F.glyphs) {
        snprintf(err, errlen, "out of memory for the glyph cache");
        gfx_font_shutdown();
        return false;
    }

    glGenTextures(1, &F.atlas);
    atlas_alloc(ATLAS_START);
    clear_glyphs();
    return true;
}

void gfx_font_shutdown(void)
{
    for (int i = 0; i < GFX_FONT_COUNT; i++) {
        if (F.ref[i]) TTF_CloseFont(F.ref[i]);
        if (F.ras[i]) TTF_CloseFont(F.ras[i]);
    }
    if (F.ttf_inited) TTF_Quit();
    if (F.atlas) glDeleteTextures(1, &F.atlas);
    free(F.mtab);
    free(F.metrics);
    free(F.gtab);
    free(F.glyphs);
    free(F.scratch);
    memset(&F, 0, sizeof F);
}

GLuint gfx_font_atlas(void)
{
    return F.atlas;
}

/* ---- metrics ---------------------------------------------------------------- */

void gfx_font_vmetrics(int font, float *ascent, float *descent, float *lineskip)
{
    if (font < 0 || font >= GFX_FONT_COUNT) font = GFX_SANS;
    if (ascent) *ascent = F.asc[font];
    if (descent) *descent = F.desc[font];
    if (lineskip) *lineskip = F.skip[font];
}

uint32_t gfx_font_resolve(int font, uint32_t cp, float *advance_em)
{
    if (font < 0 || font >= GFX_FONT_COUNT) font = GFX_SANS;
    if (cp < 32 || (cp >= 0x7f && cp < 0xa0)) cp = ' ';
    if (cp > 0x10ffff) cp = 0xfffd;
    if (!F.mtab) {
        if (advance_em) *advance_em = 0;
        return cp;
    }
    uint64_t key = ((uint64_t)(font + 1) << 32) | cp;
    hslot *s = hfind(F.mtab, METRIC_TABLE_CAP, key);
    if (!s->key) {
        if (F.nmetrics >= METRIC_TABLE_CAP / 2) {     /* absurdly many code points */
            memset(F.mtab, 0, METRIC_TABLE_CAP * sizeof *F.mtab);
            F.nmetrics = 0;
            s = hfind(F.mtab, METRIC_TABLE_CAP, key);
        }
        uint32_t r = cp;
        if (!TTF_GlyphIsProvided32(F.ref[font], r))
            r = TTF_GlyphIsProvided32(F.ref[font], 0xfffd) ? 0xfffd : '?';
        int adv = 0;
        if (TTF_GlyphMetrics32(F.ref[font], r, NULL, NULL, NULL, NULL, &adv) != 0) adv = 0;
        F.metrics[F.nmetrics] = (metric){ r, adv / (float)GFX_REF_PX };
        s->key = key;
        s->val = F.nmetrics++;
    }
    const metric *m = &F.metrics[s->val];
    if (advance_em) *advance_em = m->adv;
    return m->cp;
}

float gfx_font_kern(int font, uint32_t a, uint32_t b)
{
    if (font < 0 || font >= GFX_FONT_COUNT || !F.ref[font] || a == ' ' || b == ' ') return 0;
    return TTF_GetFontKerningSizeGlyphs32(F.ref[font], a, b) / (float)GFX_REF_PX;
}

/* ---- rasterising ------------------------------------------------------------- */

/* Renders cp at px into the atlas; fills g. false when the atlas is full. */
static bool rasterise(int font, int px, uint32_t cp, gfx_glyph *g)
{
    memset(g, 0, sizeof *g);
    TTF_Font *f = F.ras[font];
    if (F.ras_px[font] != px) {
        if (TTF_SetFontSize(f, px) != 0) return true;   /* blank glyph */
        F.ras_px[font] = px;
    }
    int minx, maxx, miny, maxy, adv;
    if (TTF_GlyphMetrics32(f, cp, &minx, &maxx, &miny, &maxy, &adv) != 0) return true;
    SDL_Color white = { 255, 255, 255, 255 };
    SDL_Surface *s = TTF_RenderGlyph32_Blended(f, cp, white);
    if (!s) return true;                                 /* e.g. a space */
    /* SDL_ttf 2.20 puts the pen at (xstart, ystart + ascent) in the surface,
     * with xstart and ystart the offsets that keep overhanging bitmaps inside. */
    int ascent = TTF_FontAscent(f);
    int xstart = minx < 0 ? -minx : 0;
    int ystart = maxy > ascent ? maxy - ascent : 0;

    /* Tight box of the coverage in the surface. */
    SDL_LockSurface(s);
    const SDL_PixelFormat *fmt = s->format;
    int x0 = s->w, y0 = s->h, x1 = -1, y1 = -1;
    for (int y = 0; y < s->h; y++) {
        const uint32_t *row = (const uint32_t *)((const uint8_t *)s->pixels + (size_t)y * s->pitch);
        for (int x = 0; x < s->w; x++) {
            if ((row[x] & fmt->Amask) == 0) continue;
            if (x < x0) x0 = x;
            if (x > x1) x1 = x;
            if (y < y0) y0 = y;
            if (y > y1) y1 = y;
        }
    }
    bool ok = true;
    if (x1 >= 0) {
        int w = x1 - x0 + 1, h = y1 - y0 + 1;
        int pw = w + 2, ph = h + 2;                  /* one zero texel around */
        int size = F.atlas_size;
        if (F.shelf_x + pw > size) {
            F.shelf_x = 0;
            F.shelf_y += F.shelf_h;
            F.shelf_h = 0;
        }
        if (pw > size || F.shelf_y + ph > size) {
            ok = false;
        } else {
            size_t need = (size_t)pw * ph;
            if (need > F.scratch_cap) {
                uint8_t *n = realloc(F.scratch, need);
                if (!n) {
                    ok = false;
                    goto done;
                }
                F.scratch = n;
                F.scratch_cap = need;
            }
            memset(F.scratch, 0, need);
            for (int y = 0; y < h; y++) {
                const uint32_t *row = (const uint32_t *)((const uint8_t *)s->pixels +
                                                         (size_t)(y0 + y) * s->pitch);
                for (int x = 0; x < w; x++)
                    F.scratch[(size_t)(y + 1) * pw + x + 1] =
                        (uint8_t)((row[x0 + x] & fmt->Amask) >> fmt->Ashift);
            }
            int ax = F.shelf_x, ay = F.shelf_y;
            glBindTexture(GL_TEXTURE_2D, F.atlas);
            glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
            glPixelStorei(GL_UNPACK_ROW_LENGTH, 0);
            glTexSubImage2D(GL_TEXTURE_2D, 0, ax, ay, pw, ph, GL_RED, GL_UNSIGNED_BYTE,
                            F.scratch);
            F.shelf_x += pw;
            if (ph > F.shelf_h) F.shelf_h = ph;
            g->w = w;
            g->h = h;
            g->ox = x0 - xstart;
            g->oy = y0 - ystart - ascent;
            g->u0 = (ax + 1) / (float)size;
            g->v0 = (ay + 1) / (float)size;
            g->u1 = (ax + 1 + w) / (float)size;
            g->v1 = (ay + 1 + h) / (float)size;
        }
    }
done:
    SDL_UnlockSurface(s);
    SDL_FreeSurface(s);
    return ok;
}

const gfx_glyph *gfx_font_glyph(int font, int px, uint32_t cp)
{
    static const gfx_glyph blank;
    if (!F.gtab || font < 0 || font >= GFX_FONT_COUNT || px < 1) return &blank;
    if (px > GFX_GLYPH_MAX_PX) px = GFX_GLYPH_MAX_PX;
    uint64_t key = ((uint64_t)(font + 1) << 40) | ((uint64_t)px << 21) | (cp & 0x1fffff);
    hslot *s = hfind(F.gtab, GLYPH_TABLE_CAP, key);
    if (s->key) return &F.glyphs[s->val];

    if (F.nglyphs >= GLYPH_TABLE_CAP / 2) {
        gfx_batch_flush();
        clear_glyphs();
        s = hfind(F.gtab, GLYPH_TABLE_CAP, key);
    }
    gfx_glyph g;
    if (!rasterise(font, px, cp, &g)) {
        /* Atlas full: draw what uses it, start over (grown, the first
         * time), try once more. */
        gfx_batch_flush();
        if (F.atlas_size < ATLAS_MAX) atlas_alloc(ATLAS_MAX);
        clear_glyphs();
        s = hfind(F.gtab, GLYPH_TABLE_CAP, key);
        if (!rasterise(font, px, cp, &g)) return &blank;
    }
    F.glyphs[F.nglyphs] = g;
    s->key = key;
    s->val = F.nglyphs++;
    return &F.glyphs[s->val];
}
