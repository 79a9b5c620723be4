/* gfx_internal.h: what the renderer's files share. Not part of the API; only
 * the files in src/gfx include it.
 *
 * The frame is a list of commands over one vertex array of quads (4 vertices
 * each, drawn through a shared index buffer):
 *   - batch commands draw shapes and glyphs with shaders/batch.* (the glyph
 *     atlas is always bound on unit 0, so shapes and text share a command);
 *   - heatmap commands draw one textured quad with shaders/heatmap.*.
 * A new command starts only when the program, texture, scissor or heatmap
 * parameters change, so a typical frame is one draw call plus one per heatmap.
 * gfx_batch_flush uploads the vertices once and issues the commands.
 *
 * Coordinates in vertices are device pixels, origin top-left; the projection
 * (cglm ortho) maps them to clip space. Canvas units reach device pixels
 * through gfx_st.xf (letterbox mapping composed with the view stack).
 */
#ifndef TS_GFX_INTERNAL_H
#define TS_GFX_INTERNAL_H

#include "gfx.h"
#include <epoxy/gl.h>

/* Vertex kinds, read by batch.frag. */
enum { GFX_K_BOX = 0, GFX_K_TRI = 1, GFX_K_GLYPH = 2, GFX_K_HEAT = 3 };

typedef struct gfx_vertex {
    float x, y;        /* device pixels */
    float u, v;        /* box/tri: shape-frame position in px; glyph/heat: uv */
    float p[4];        /* box: half w, half h, radius, stroke (0 = fill), px;
                          tri: length, half base; heat: unused */
    uint8_t rgba[4];   /* straight alpha, sRGB */
    uint8_t kind[4];   /* kind[0] = GFX_K_*; rest padding */
} gfx_vertex;

/* canvas (after the view) -> device: dev = p * k + (bx, by) */
typedef struct gfx_xform { float k, bx, by; } gfx_xform;

typedef struct gfx_irect { int x, y, w, h; } gfx_irect;   /* device px, top-left origin */

#define GFX_STACK_MAX 32

typedef struct gfx_state {
    bool inited;
    float canvas_w, canvas_h;
    float design_h;            /* canvas_h at 16:9 and wider; 0: fixed canvas_h */
    int fb_w, fb_h;
    float ppu;                 /* device pixels per canvas unit (no view) */
    float off_x, off_y;        /* device position of canvas origin */
    gfx_irect canvas_px;       /* canvas area in device px */
    gfx_xform xf;              /* current total transform */
    /* view stack: transforms in canvas units (tx, ty, s), composed */
    float view_tx[GFX_STACK_MAX], view_ty[GFX_STACK_MAX], view_s[GFX_STACK_MAX];
    int view_n;                /* entries; view_*[view_n-1] is the total */
    gfx_irect clip[GFX_STACK_MAX];
    int clip_n;                /* clip[clip_n-1] is current; clip[0] = canvas */
    GLuint prog_batch, prog_glyph, prog_heat;
    GLint  u_batch_proj, u_glyph_proj, u_glyph_atlas;
    GLint  u_heat_proj, u_heat_tex, u_heat_scale, u_heat_bias, u_heat_cmap, u_heat_stops;
    float proj[16];
} gfx_state;

extern gfx_state gfx_st;

/* renderer.c: the batch */
gfx_vertex *gfx_batch_quads(int n);                 /* n quads for the batch program */
gfx_vertex *gfx_batch_glyphs(int n);                /* n quads for the glyph program */
gfx_vertex *gfx_batch_heat(GLuint tex, float scale, float bias, int cmap); /* 1 quad */
void        gfx_batch_flush(void);
void        gfx_vertex_set(gfx_vertex *v, float x, float y, float u, float w,
                           const float p[4], const uint8_t rgba[4], int kind);
void        gfx_color_bytes(gfx_color c, uint8_t out[4]);

static inline float gfx_dx(float x) { return x * gfx_st.xf.k + gfx_st.xf.bx; }
static inline float gfx_dy(float y) { return y * gfx_st.xf.k + gfx_st.xf.by; }

/* shader.c */
bool   gfx_shader_dir_find(const char *hint, char *out, size_t outlen,
                           char *err, size_t errlen);
GLuint gfx_shader_program(const char *dir, const char *vert, const char *frag, char *err, size_t errlen);

/* font.c: faces, metrics (in em), and the glyph atlas (device px) */
typedef struct gfx_glyph {
    float u0, v0, u1, v1;  /* atlas uv */
    int w, h;              /* bitmap size in px (0 for blank glyphs) */
    int ox, oy;            /* bitmap top-left relative to pen on the baseline, px, y down */
} gfx_glyph;

bool  gfx_font_init(const gfx_desc *d, char *err, size_t errlen);
void  gfx_font_shutdown(void);
GLuint gfx_font_atlas(void);
/* Maps cp to a glyph the face has (U+FFFD or '?' otherwise), and its advance in em. */
uint32_t gfx_font_resolve(int font, uint32_t cp, float *advance_em);
float gfx_font_kern(int font, uint32_t a, uint32_t b);      /* em */
void  gfx_font_vmetrics(int font, float *ascent, float *descent, float *lineskip); /* em */
/* The glyph rasterised at px pixels per em; may flush the batch (atlas reset). */
const gfx_glyph *gfx_font_glyph(int font, int px, uint32_t cp);
#define GFX_GLYPH_MAX_PX 320   /* larger text scales the quad of this size */

/* heatmap.c */
bool gfx_heatmap_init(char *err, size_t errlen);
void gfx_heatmap_shutdown(void);
void gfx_heatmap_frame_begin(void);
#define GFX_CMAP_STOPS 17
#define GFX_CMAP_COUNT 3
/* All colormap tables, GFX_CMAP_COUNT * GFX_CMAP_STOPS rgb triples, for the shader. */
const float *gfx_cmap_table(void);

#endif
