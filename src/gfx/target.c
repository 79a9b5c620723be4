/* target.c: offscreen render targets and pixel read-back.
 *
 *   gfx_target *t = gfx_target_new(3840, 2160, err, sizeof err);
 *   gfx_target_bind(t);                       // draw into it
 *   gfx_frame_begin(3840, 2160, bg, bars); ... gfx_frame_end();
 *   gfx_target_read(t, rgba);                 // w*h*4 bytes, top row first
 *   gfx_target_bind(NULL);                    // back to the window
 *   gfx_target_free(t);
 *
 * Asynchronous read-back (exports): a ring of pixel buffer objects.
 *
 *   gfx_readback *r = gfx_readback_new(t, 3, err, sizeof err);
 *   draw frame i; gfx_readback_start(r, i % 3);   // the copy is queued, not waited for
 *   draw frame i+1; ... p = gfx_readback_map(r, i % 3);   // waits for frame i's copy
 *   ... p may be read on any thread ...
 *   gfx_readback_unmap(r, i % 3);             // before slot i % 3 is started again
 *   gfx_readback_free(r);
 *
 * A mapped slot holds GL's rows as they are, bottom-up (the top row of the
 * picture is last): the reader flips while it copies or writes, so no pass
 * is spent flipping. Map and unmap are GL calls (the context's thread); the
 * mapped bytes are plain memory until unmapped.
 *
 * A target is a framebuffer object with one RGBA8 colour texture, no depth.
 * GL stores rows bottom-up; reads flip them so row 0 is the top of the image,
 * like PNG. Reading flushes any pending batch first, so it is safe mid-frame.
 * Errors: gfx_target_new returns NULL and one line in err.
 */
#include "gfx_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct gfx_target {
    GLuint fbo, tex;
    int w, h;
};

struct gfx_readback {
    gfx_target *t;
    int n;
    GLuint pbo[GFX_READBACK_MAX];
    bool mapped[GFX_READBACK_MAX];
};

gfx_target *gfx_target_new(int w, int h, char *err, size_t errlen)
{
    GLint max = 0;
    glGetIntegerv(GL_MAX_TEXTURE_SIZE, &max);
    if (w <= 0 || h <= 0 || w > max || h > max) {
        if (err && errlen)
            snprintf(err, errlen, "render target %dx%d: size must be 1..%d", w, h, (int)max);
        return NULL;
    }
    gfx_target *t = calloc(1, sizeof *t);
    if (!t) {
        if (err && errlen) snprintf(err, errlen, "out of memory");
        return NULL;
    }
    t->w = w;
    t->h = h;
    GLint prev = 0;
    glGetIntegerv(GL_FRAMEBUFFER_BINDING, &prev);
    glGenTextures(1, &t->tex);
    glBindTexture(GL_TEXTURE_2D, t->tex);
    glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, w, h, 0, GL_RGBA, GL_UNSIGNED_BYTE, NULL);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
    glBindTexture(GL_TEXTURE_2D, 0);
    glGenFramebuffers(1, &t->fbo);
    glBindFramebuffer(GL_FRAMEBUFFER, t->fbo);
    glFramebufferTexture2D(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_TEXTURE_2D, t->tex, 0);
    GLenum st = glCheckFramebufferStatus(GL_FRAMEBUFFER);
    glBindFramebuffer(GL_FRAMEBUFFER, (GLuint)prev);
    if (st != GL_FRAMEBUFFER_COMPLETE) {
        if (err && errlen)
            snprintf(err, errlen, "render target %dx%d incomplete (status 0x%x)", w, h, st);
        gfx_target_free(t);
        return NULL;
    }
    return t;
}

void gfx_target_free(gfx_target *t)
{
    if (!t) return;
    if (t->fbo) glDeleteFramebuffers(1, &t->fbo);
    if (t->tex) glDeleteTextures(1, &t->tex);
    free(t);
}

void gfx_target_bind(gfx_target *t)
{
    gfx_batch_flush();
    glBindFramebuffer(GL_FRAMEBUFFER, t ? t->fbo : 0);
}

/* Reads (0,0,w,h) of the framebuffer bound for reading, flipping rows. */
static void read_flipped(int w, int h, uint8_t *rgba)
{
    gfx_batch_flush();
    glPixelStorei(GL_PACK_ALIGNMENT, 1);
    glPixelStorei(GL_PACK_ROW_LENGTH, 0);
    glReadPixels(0, 0, w, h, GL_RGBA, GL_UNSIGNED_BYTE, rgba);
    size_t stride = (size_t)w * 4;
    uint8_t *tmp = malloc(stride);
    if (!tmp) return;
    for (int y = 0; y < h / 2; y++) {
        uint8_t *a = rgba + (size_t)y * stride, *b = rgba + (size_t)(h - 1 - y) * stride;
        memcpy(tmp, a, stride);
        memcpy(a, b, stride);
        memcpy(b, tmp, stride);
    }
    free(tmp);
}

void gfx_target_read(gfx_target *t, uint8_t *rgba)
{
    if (!t || !rgba) return;
    GLint prev = 0;
    glGetIntegerv(GL_READ_FRAMEBUFFER_BINDING, &prev);
    glBindFramebuffer(GL_READ_FRAMEBUFFER, t->fbo);
    read_flipped(t->w, t->h, rgba);
    glBindFramebuffer(GL_READ_FRAMEBUFFER, (GLuint)prev);
}

void gfx_read_pixels(int w, int h, uint8_t *rgba)
{
    if (w <= 0 || h <= 0 || !rgba) return;
    read_flipped(w, h, rgba);
}

gfx_readback *gfx_readback_new(gfx_target *t, int n, char *err, size_t errlen)
{
    if (!t || n < 1 || n > GFX_READBACK_MAX) {
        if (err && errlen) snprintf(err, errlen, "read-back: 1..%d buffers, got %d", GFX_READBACK_MAX, n);
        return NULL;
    }
    gfx_readback *r = calloc(1, sizeof *r);
    if (!r) {
        if (err && errlen) snprintf(err, errlen, "out of memory");
        return NULL;
    }
    r->t = t;
    r->n = n;
    glGenBuffers(n, r->pbo);
    for (int k = 0; k < n; k++) {
        glBindBuffer(GL_PIXEL_PACK_BUFFER, r->pbo[k]);
        glBufferData(GL_PIXEL_PACK_BUFFER, (GLsizeiptr)t->w * t->h * 4, NULL, GL_STREAM_READ);
    }
    glBindBuffer(GL_PIXEL_PACK_BUFFER, 0);
    if (glGetError() == GL_OUT_OF_MEMORY) {
        if (err && errlen) snprintf(err, errlen, "out of memory for %d read-back buffers of %dx%d", n, t->w, t->h);
        gfx_readback_free(r);
        return NULL;
    }
    return r;
}

void gfx_readback_free(gfx_readback *r)
{
    if (!r) return;
    for (int k = 0; k < r->n; k++) gfx_readback_unmap(r, k);
    glDeleteBuffers(r->n, r->pbo);
    free(r);
}

void gfx_readback_start(gfx_readback *r, int k)
{
    if (!r || k < 0 || k >= r->n || r->mapped[k]) return;
    gfx_batch_flush();
    GLint prev = 0;
    glGetIntegerv(GL_READ_FRAMEBUFFER_BINDING, &prev);
    glBindFramebuffer(GL_READ_FRAMEBUFFER, r->t->fbo);
    glPixelStorei(GL_PACK_ALIGNMENT, 1);
    glPixelStorei(GL_PACK_ROW_LENGTH, 0);
    glBindBuffer(GL_PIXEL_PACK_BUFFER, r->pbo[k]);
    glReadPixels(0, 0, r->t->w, r->t->h, GL_RGBA, GL_UNSIGNED_BYTE, NULL);   /* into the buffer */
    glBindBuffer(GL_PIXEL_PACK_BUFFER, 0);
    glBindFramebuffer(GL_READ_FRAMEBUFFER, (GLuint)prev);
    glFlush();   /* the GPU starts now, not when the buffer is mapped */
}

const uint8_t *gfx_readback_map(gfx_readback *r, int k)
{
    if (!r || k < 0 || k >= r->n || r->mapped[k]) return NULL;
    glBindBuffer(GL_PIXEL_PACK_BUFFER, r->pbo[k]);
    void *p = glMapBufferRange(GL_PIXEL_PACK_BUFFER, 0, (GLsizeiptr)r->t->w * r->t->h * 4, GL_MAP_READ_BIT);
    glBindBuffer(GL_PIXEL_PACK_BUFFER, 0);
    r->mapped[k] = p != NULL;
    return p;
}

void gfx_readback_unmap(gfx_readback *r, int k)
{
    if (!r || k < 0 || k >= r->n || !r->mapped[k]) return;
    glBindBuffer(GL_PIXEL_PACK_BUFFER, r->pbo[k]);
    glUnmapBuffer(GL_PIXEL_PACK_BUFFER);
    glBindBuffer(GL_PIXEL_PACK_BUFFER, 0);
    r->mapped[k] = false;
}
