/* renderer.c: the renderer's state, canvas mapping, view and clip stacks, and
 * the batch that every drawing call feeds.
 *
 * gfx_init loads the shaders, the fonts and the heatmap resources and builds
 * one vertex array (VAO + streaming VBO + an index buffer of quads). Each frame:
 *   gfx_frame_begin  sizes the canvas for the drawable's aspect (taller
 *                    than 16:9: 1920 wide, up to 1536 high) and
 *                    letterboxes it onto the bound framebuffer
 *                    (uniform scale, centred, offsets rounded to whole pixels
 *                    so bars and pixel-aligned shapes are exact), clears, and
 *                    resets the view and clip stacks;
 *   drawing calls    append quads (see gfx_internal.h for the command list);
 *   gfx_frame_end    uploads all vertices in one glBufferData and draws.
 * The batch also flushes when the glyph atlas must be reset or pixels are read.
 *
 * Blending is premultiplied alpha (GL_ONE, GL_ONE_MINUS_SRC_ALPHA); colours
 * enter as straight-alpha sRGB bytes and the shaders premultiply. Nothing here
 * depends on timing, so the same calls give the same pixels.
 */
#include "gfx_internal.h"

#include <cglm/cglm.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

gfx_state gfx_st;
static gfx_init_split init_split;

static void clocks(double *wall, double *cpu)
{
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &b);
    *wall = (double)a.tv_sec + 1e-9 * (double)a.tv_nsec;
    *cpu = (double)b.tv_sec + 1e-9 * (double)b.tv_nsec;
}

gfx_init_split gfx_init_times(void) { return init_split; }

enum { PROG_BATCH, PROG_GLYPH, PROG_HEAT };

typedef struct gfx_cmd {
    int prog;
    GLuint tex;
    float scale, bias;
    int cmap;
    gfx_irect clip;
    int first, count;     /* in quads */
} gfx_cmd;

static struct {
    gfx_vertex *v;
    int nq, capq;
    gfx_cmd *cmd;
    int nc, capc;
    GLuint vao, vbo, ibo;
    int ibo_capq;
} B;

/* ---- colours ------------------------------------------------------------- */

gfx_color gfx_hex(uint32_t rgba)
{
    return (gfx_color){ ((rgba >> 24) & 255) / 255.0f, ((rgba >> 16) & 255) / 255.0f,
                        ((rgba >> 8) & 255) / 255.0f, (rgba & 255) / 255.0f };
}

gfx_color gfx_fade(gfx_color c, float alpha)
{
    c.a *= alpha;
    return c;
}

gfx_color gfx_mix(gfx_color a, gfx_color b, float t)
{
    return (gfx_color){ a.r + (b.r - a.r) * t, a.g + (b.g - a.g) * t,
                        a.b + (b.b - a.b) * t, a.a + (b.a - a.a) * t };
}

static uint8_t to_byte(float f)
{
    if (!(f > 0.0f)) return 0;        /* also NaN */
    if (f >= 1.0f) return 255;
    return (uint8_t)(f * 255.0f + 0.5f);
}

void gfx_color_bytes(gfx_color c, uint8_t out[4])
{
    out[0] = to_byte(c.r);
    out[1] = to_byte(c.g);
    out[2] = to_byte(c.b);
    out[3] = to_byte(c.a);
}

/* ---- init ---------------------------------------------------------------- */

static void batch_free(void)
{
    if (B.vao) glDeleteVertexArrays(1, &B.vao);
    if (B.vbo) glDeleteBuffers(1, &B.vbo);
    if (B.ibo) glDeleteBuffers(1, &B.ibo);
    free(B.v);
    free(B.cmd);
    memset(&B, 0, sizeof B);
}

bool gfx_init(const gfx_desc *d, char *err, size_t errlen)
{
    gfx_desc def = {0};
    if (!d) d = &def;
    if (gfx_st.inited) gfx_shutdown();
    memset(&gfx_st, 0, sizeof gfx_st);
    gfx_st.canvas_w = d->canvas_w > 0 ? d->canvas_w : 1920.0f;
    gfx_st.canvas_h = d->canvas_h > 0 ? d->canvas_h : 1080.0f;
    gfx_st.design_h = d->canvas_h > 0 ? 0.0f : gfx_st.canvas_h;

    char dir[4096];
    double w0, c0, w1, c1;
    clocks(&w0, &c0);
    if (!gfx_shader_dir_find(d->shader_dir, dir, sizeof dir, err, errlen)) return false;
    gfx_st.prog_batch = gfx_shader_program(dir, "batch", "batch", err, errlen);
    if (!gfx_st.prog_batch) return false;
    gfx_st.prog_glyph = gfx_shader_program(dir, "batch", "glyph", err, errlen);
    if (!gfx_st.prog_glyph) goto fail;
    gfx_st.prog_heat = gfx_shader_program(dir, "heatmap", "heatmap", err, errlen);
    if (!gfx_st.prog_heat) goto fail;
    gfx_st.u_batch_proj = glGetUniformLocation(gfx_st.prog_batch, "u_proj");
    gfx_st.u_glyph_proj = glGetUniformLocation(gfx_st.prog_glyph, "u_proj");
    gfx_st.u_glyph_atlas = glGetUniformLocation(gfx_st.prog_glyph, "u_atlas");
    gfx_st.u_heat_proj = glGetUniformLocation(gfx_st.prog_heat, "u_proj");
    gfx_st.u_heat_tex = glGetUniformLocation(gfx_st.prog_heat, "u_tex");
    gfx_st.u_heat_scale = glGetUniformLocation(gfx_st.prog_heat, "u_scale");
    gfx_st.u_heat_bias = glGetUniformLocation(gfx_st.prog_heat, "u_bias");
    gfx_st.u_heat_cmap = glGetUniformLocation(gfx_st.prog_heat, "u_cmap");
    gfx_st.u_heat_stops = glGetUniformLocation(gfx_st.prog_heat, "u_stops");

    glUseProgram(gfx_st.prog_glyph);
    glUniform1i(gfx_st.u_glyph_atlas, 0);
    glUseProgram(gfx_st.prog_heat);
    glUniform1i(gfx_st.u_heat_tex, 0);
    glUniform3fv(gfx_st.u_heat_stops, GFX_CMAP_COUNT * GFX_CMAP_STOPS, gfx_cmap_table());
    glUseProgram(0);
    clocks(&w1, &c1);
    init_split.shaders_wall = w1 - w0;
    init_split.shaders_cpu = c1 - c0;

    glGenVertexArrays(1, &B.vao);
    glGenBuffers(1, &B.vbo);
    glGenBuffers(1, &B.ibo);
    glBindVertexArray(B.vao);
    glBindBuffer(GL_ARRAY_BUFFER, B.vbo);
    glBindBuffer(GL_ELEMENT_ARRAY_BUFFER, B.ibo);
    GLsizei stride = sizeof(gfx_vertex);
    glEnableVertexAttribArray(0);
    glVertexAttribPointer(0, 2, GL_FLOAT, GL_FALSE, stride, (void *)offsetof(gfx_vertex, x));
    glEnableVertexAttribArray(1);
    glVertexAttribPointer(1, 2, GL_FLOAT, GL_FALSE, stride, (void *)offsetof(gfx_vertex, u));
    glEnableVertexAttribArray(2);
    glVertexAttribPointer(2, 4, GL_FLOAT, GL_FALSE, stride, (void *)offsetof(gfx_vertex, p));
    glEnableVertexAttribArray(3);
    glVertexAttribPointer(3, 4, GL_UNSIGNED_BYTE, GL_TRUE, stride, (void *)offsetof(gfx_vertex, rgba));
    glEnableVertexAttribArray(4);
    glVertexAttribPointer(4, 4, GL_UNSIGNED_BYTE, GL_FALSE, stride, (void *)offsetof(gfx_vertex, kind));
    glBindVertexArray(0);

    clocks(&w0, &c0);
    if (!gfx_font_init(d, err, errlen)) goto fail;
    clocks(&w1, &c1);
    init_split.fonts_wall = w1 - w0;
    init_split.fonts_cpu = c1 - c0;
    if (!gfx_heatmap_init(err, errlen)) goto fail;
    gfx_st.inited = true;
    /* A usable mapping even before the first frame (e.g. for measuring). */
    gfx_st.ppu = 1.0f;
    gfx_st.xf = (gfx_xform){ 1.0f, 0.0f, 0.0f };
    gfx_st.view_s[0] = 1.0f;
    return true;

fail:
    gfx_font_shutdown();
    gfx_heatmap_shutdown();
    batch_free();
    if (gfx_st.prog_batch) glDeleteProgram(gfx_st.prog_batch);
    if (gfx_st.prog_glyph) glDeleteProgram(gfx_st.prog_glyph);
    if (gfx_st.prog_heat) glDeleteProgram(gfx_st.prog_heat);
    memset(&gfx_st, 0, sizeof gfx_st);
    return false;
}

void gfx_shutdown(void)
{
    if (!gfx_st.inited) return;
    gfx_font_shutdown();
    gfx_heatmap_shutdown();
    batch_free();
    glDeleteProgram(gfx_st.prog_batch);
    glDeleteProgram(gfx_st.prog_glyph);
    glDeleteProgram(gfx_st.prog_heat);
    memset(&gfx_st, 0, sizeof gfx_st);
}

/* ---- frame and mapping --------------------------------------------------- */

static void update_xform(void)
{
    float s = 1.0f, tx = 0.0f, ty = 0.0f;
    if (gfx_st.view_n > 0) {
        s = gfx_st.view_s[gfx_st.view_n - 1];
        tx = gfx_st.view_tx[gfx_st.view_n - 1];
        ty = gfx_st.view_ty[gfx_st.view_n - 1];
    }
    gfx_st.xf.k = gfx_st.ppu * s;
    gfx_st.xf.bx = gfx_st.off_x + gfx_st.ppu * tx;
    gfx_st.xf.by = gfx_st.off_y + gfx_st.ppu * ty;
}

gfx_canvas_layout gfx_canvas_layout_for(int fb_w, int fb_h)
{
    float cw_units = gfx_st.inited ? gfx_st.canvas_w : 1920.0f;
    float design_h = gfx_st.inited ? gfx_st.design_h : 1080.0f;
    gfx_canvas_layout L = { .w = cw_units, .h = gfx_st.inited ? gfx_st.canvas_h : 1080.0f };
    if (fb_w <= 0 || fb_h <= 0) return L;
    if (design_h > 0) {
        /* taller than the design aspect: grow the canvas, up to 5:4 */
        float h = roundf(cw_units * (float)fb_h / (float)fb_w);
        float hmax = cw_units * 0.8f;
        L.h = h < design_h ? design_h : h > hmax ? hmax : h;
    }
    float sx = fb_w / L.w, sy = fb_h / L.h;
    L.ppu = sx < sy ? sx : sy;
    int cw = (int)lroundf(L.w * L.ppu);
    int ch = (int)lroundf(L.h * L.ppu);
    if (cw > fb_w) cw = fb_w;
    if (ch > fb_h) ch = fb_h;
    L.px_x = (fb_w - cw) / 2; L.px_y = (fb_h - ch) / 2; L.px_w = cw; L.px_h = ch;
    return L;
}

void gfx_canvas_fit(int fb_w, int fb_h)
{
    if (!gfx_st.inited || fb_w <= 0 || fb_h <= 0) return;
    gfx_canvas_layout L = gfx_canvas_layout_for(fb_w, fb_h);
    gfx_st.fb_w = fb_w;
    gfx_st.fb_h = fb_h;
    gfx_st.canvas_h = L.h;
    gfx_st.ppu = L.ppu;
    gfx_st.off_x = (float)L.px_x;
    gfx_st.off_y = (float)L.px_y;
    gfx_st.canvas_px = (gfx_irect){ L.px_x, L.px_y, L.px_w, L.px_h };
}

void gfx_frame_begin(int fb_w, int fb_h, gfx_color bg, gfx_color letterbox)
{
    if (!gfx_st.inited || fb_w <= 0 || fb_h <= 0) return;
    B.nq = B.nc = 0;
    gfx_canvas_fit(fb_w, fb_h);
    int ox = gfx_st.canvas_px.x, oy = gfx_st.canvas_px.y;
    int cw = gfx_st.canvas_px.w, ch = gfx_st.canvas_px.h;
    gfx_st.view_n = 0;
    gfx_st.clip_n = 1;
    gfx_st.clip[0] = gfx_st.canvas_px;
    update_xform();

    mat4 m;
    glm_ortho(0.0f, (float)fb_w, (float)fb_h, 0.0f, -1.0f, 1.0f, m);
    memcpy(gfx_st.proj, m, sizeof gfx_st.proj);

    glViewport(0, 0, fb_w, fb_h);
    glDisable(GL_DEPTH_TEST);
    glDisable(GL_CULL_FACE);
    glDisable(GL_SCISSOR_TEST);
    glColorMask(GL_TRUE, GL_TRUE, GL_TRUE, GL_TRUE);
    glClearColor(letterbox.r, letterbox.g, letterbox.b, letterbox.a);
    glClear(GL_COLOR_BUFFER_BIT);
    glEnable(GL_SCISSOR_TEST);
    glScissor(ox, fb_h - oy - ch, cw, ch);
    glClearColor(bg.r, bg.g, bg.b, bg.a);
    glClear(GL_COLOR_BUFFER_BIT);
    glEnable(GL_BLEND);
    glBlendFunc(GL_ONE, GL_ONE_MINUS_SRC_ALPHA);
    gfx_heatmap_frame_begin();
}

void gfx_frame_end(void)
{
    if (!gfx_st.inited) return;
    gfx_batch_flush();
}

float gfx_canvas_w(void) { return gfx_st.canvas_w; }
float gfx_canvas_h(void) { return gfx_st.canvas_h; }
float gfx_pixels_per_unit(void) { return gfx_st.ppu; }

void gfx_window_to_canvas(float wx, float wy, int win_w, int win_h, float *cx, float *cy)
{
    float px = wx, py = wy;
    if (win_w > 0 && win_h > 0 && gfx_st.fb_w > 0) {
        px = wx * gfx_st.fb_w / (float)win_w;
        py = wy * gfx_st.fb_h / (float)win_h;
    }
    float k = gfx_st.xf.k > 0 ? gfx_st.xf.k : 1.0f;
    if (cx) *cx = (px - gfx_st.xf.bx) / k;
    if (cy) *cy = (py - gfx_st.xf.by) / k;
}

/* ---- view and clip stacks ------------------------------------------------ */

void gfx_push_view(float tx, float ty, float scale)
{
    if (gfx_st.view_n >= GFX_STACK_MAX || !(scale > 0)) {
        /* Keep push/pop balanced even when ignored: repeat the current view. */
        tx = 0;
        ty = 0;
        scale = 1;
        if (gfx_st.view_n >= GFX_STACK_MAX) return;
    }
    float S = 1, T = 0, U = 0;
    if (gfx_st.view_n > 0) {
        S = gfx_st.view_s[gfx_st.view_n - 1];
        T = gfx_st.view_tx[gfx_st.view_n - 1];
        U = gfx_st.view_ty[gfx_st.view_n - 1];
    }
    /* outer(inner(p)) = (p*s + t)*S + T */
    gfx_st.view_s[gfx_st.view_n] = S * scale;
    gfx_st.view_tx[gfx_st.view_n] = T + S * tx;
    gfx_st.view_ty[gfx_st.view_n] = U + S * ty;
    gfx_st.view_n++;
    update_xform();
}

void gfx_pop_view(void)
{
    if (gfx_st.view_n > 0) gfx_st.view_n--;
    update_xform();
}

void gfx_push_clip(float x, float y, float w, float h)
{
    if (gfx_st.clip_n >= GFX_STACK_MAX) return;
    gfx_irect cur = gfx_st.clip_n > 0 ? gfx_st.clip[gfx_st.clip_n - 1] : gfx_st.canvas_px;
    if (w < 0) w = 0;
    if (h < 0) h = 0;
    int x0 = (int)lroundf(gfx_dx(x)), y0 = (int)lroundf(gfx_dy(y));
    int x1 = (int)lroundf(gfx_dx(x + w)), y1 = (int)lroundf(gfx_dy(y + h));
    if (x0 < cur.x) x0 = cur.x;
    if (y0 < cur.y) y0 = cur.y;
    if (x1 > cur.x + cur.w) x1 = cur.x + cur.w;
    if (y1 > cur.y + cur.h) y1 = cur.y + cur.h;
    if (x1 < x0) x1 = x0;
    if (y1 < y0) y1 = y0;
    gfx_st.clip[gfx_st.clip_n++] = (gfx_irect){ x0, y0, x1 - x0, y1 - y0 };
}

void gfx_pop_clip(void)
{
    if (gfx_st.clip_n > 1) gfx_st.clip_n--;
}

/* ---- batch --------------------------------------------------------------- */

static bool grow_quads(int n)
{
    if (B.nq + n <= B.capq) return true;
    int cap = B.capq ? B.capq : 4096;
    while (cap < B.nq + n) cap *= 2;
    gfx_vertex *v = realloc(B.v, (size_t)cap * 4 * sizeof *v);
    if (!v) return false;
    B.v = v;
    B.capq = cap;
    return true;
}

static gfx_cmd *command(int prog, GLuint tex, float scale, float bias, int cmap)
{
    gfx_irect clip = gfx_st.clip_n > 0 ? gfx_st.clip[gfx_st.clip_n - 1] : gfx_st.canvas_px;
    if (B.nc > 0) {
        gfx_cmd *c = &B.cmd[B.nc - 1];
        if (c->prog == prog && c->tex == tex && c->scale == scale && c->bias == bias &&
            c->cmap == cmap && !memcmp(&c->clip, &clip, sizeof clip) &&
            c->first + c->count == B.nq)
            return c;
    }
    if (B.nc == B.capc) {
        int cap = B.capc ? B.capc * 2 : 64;
        gfx_cmd *nc = realloc(B.cmd, (size_t)cap * sizeof *nc);
        if (!nc) return NULL;
        B.cmd = nc;
        B.capc = cap;
    }
    gfx_cmd *c = &B.cmd[B.nc++];
    *c = (gfx_cmd){ prog, tex, scale, bias, cmap, clip, B.nq, 0 };
    return c;
}

static gfx_vertex *append(int n, int prog, GLuint tex, float scale, float bias, int cmap)
{
    if (!gfx_st.inited || n <= 0 || !grow_quads(n)) return NULL;
    gfx_cmd *c = command(prog, tex, scale, bias, cmap);
    if (!c) return NULL;
    gfx_vertex *v = &B.v[(size_t)B.nq * 4];
    c->count += n;
    B.nq += n;
    return v;
}

gfx_vertex *gfx_batch_quads(int n)
{
    return append(n, PROG_BATCH, 0, 0, 0, 0);
}

gfx_vertex *gfx_batch_glyphs(int n)
{
    return append(n, PROG_GLYPH, 0, 0, 0, 0);
}

gfx_vertex *gfx_batch_heat(GLuint tex, float scale, float bias, int cmap)
{
    return append(1, PROG_HEAT, tex, scale, bias, cmap);
}

void gfx_vertex_set(gfx_vertex *v, float x, float y, float u, float w,
                    const float p[4], const uint8_t rgba[4], int kind)
{
    v->x = x;
    v->y = y;
    v->u = u;
    v->v = w;
    if (p) memcpy(v->p, p, sizeof v->p);
    else memset(v->p, 0, sizeof v->p);
    memcpy(v->rgba, rgba, 4);
    v->kind[0] = (uint8_t)kind;
    v->kind[1] = v->kind[2] = v->kind[3] = 0;
}

static void ensure_indices(int nq)
{
    if (nq <= B.ibo_capq) return;
    int cap = B.ibo_capq ? B.ibo_capq : 4096;
    while (cap < nq) cap *= 2;
    uint32_t *idx = malloc((size_t)cap * 6 * sizeof *idx);
    if (!idx) return;
    for (int q = 0; q < cap; q++) {
        uint32_t b = (uint32_t)q * 4;
        uint32_t *o = idx + (size_t)q * 6;
        o[0] = b; o[1] = b + 1; o[2] = b + 2;
        o[3] = b; o[4] = b + 2; o[5] = b + 3;
    }
    glBindBuffer(GL_ELEMENT_ARRAY_BUFFER, B.ibo);
    glBufferData(GL_ELEMENT_ARRAY_BUFFER, (GLsizeiptr)((size_t)cap * 6 * sizeof *idx), idx,
                 GL_STATIC_DRAW);
    free(idx);
    B.ibo_capq = cap;
}

void gfx_batch_flush(void)
{
    if (!gfx_st.inited || B.nq == 0) {
        B.nq = B.nc = 0;
        return;
    }
    glBindVertexArray(B.vao);
    ensure_indices(B.nq);
    glBindBuffer(GL_ARRAY_BUFFER, B.vbo);
    glBufferData(GL_ARRAY_BUFFER, (GLsizeiptr)((size_t)B.nq * 4 * sizeof(gfx_vertex)), B.v,
                 GL_STREAM_DRAW);
    glEnable(GL_SCISSOR_TEST);
    glEnable(GL_BLEND);
    glBlendFunc(GL_ONE, GL_ONE_MINUS_SRC_ALPHA);
    glActiveTexture(GL_TEXTURE0);
    int prog = -1;
    for (int i = 0; i < B.nc; i++) {
        const gfx_cmd *c = &B.cmd[i];
        if (c->count == 0 || c->clip.w <= 0 || c->clip.h <= 0) continue;
        if (c->prog != prog) {
            prog = c->prog;
            if (prog == PROG_BATCH) {
                glUseProgram(gfx_st.prog_batch);
                glUniformMatrix4fv(gfx_st.u_batch_proj, 1, GL_FALSE, gfx_st.proj);
            } else if (prog == PROG_GLYPH) {
                glUseProgram(gfx_st.prog_glyph);
                glUniformMatrix4fv(gfx_st.u_glyph_proj, 1, GL_FALSE, gfx_st.proj);
                glBindTexture(GL_TEXTURE_2D, gfx_font_atlas());
            } else {
                glUseProgram(gfx_st.prog_heat);
                glUniformMatrix4fv(gfx_st.u_heat_proj, 1, GL_FALSE, gfx_st.proj);
            }
        }
        if (prog == PROG_HEAT) {
            glBindTexture(GL_TEXTURE_2D, c->tex);
            glUniform1f(gfx_st.u_heat_scale, c->scale);
            glUniform1f(gfx_st.u_heat_bias, c->bias);
            glUniform1i(gfx_st.u_heat_cmap, c->cmap);
        }
        glScissor(c->clip.x, gfx_st.fb_h - c->clip.y - c->clip.h, c->clip.w, c->clip.h);
        glDrawElements(GL_TRIANGLES, c->count * 6, GL_UNSIGNED_INT,
                       (void *)((size_t)c->first * 6 * sizeof(uint32_t)));
        if (prog == PROG_HEAT) prog = -2;   /* rebind the atlas for the next batch */
    }
    glBindVertexArray(0);
    glUseProgram(0);
    B.nq = B.nc = 0;
}
