/* png.c: PNG files with libpng: 8-bit RGBA in, 8-bit RGBA out.
 *
 * gfx_png_write writes rgba (w*h*4 bytes, top row first; gfx_png_write_rows
 * takes a pointer per row instead, so rows may lie anywhere) as a non-interlaced
 * RGBA PNG with fixed settings (default compression, no timestamps), so the
 * same pixels always give the same file. gfx_png_read accepts any PNG and
 * converts it to 8-bit RGBA (palette, grey, 16-bit, missing alpha); the
 * caller frees the result, and refuses from the header alone an image over
 * GFX_PNG_MAX_SIDE on a side (a 100-byte file may claim 32768x32768), and a
 * path that is not a regular file (a FIFO would block). gfx_png_write writes
 * a temporary beside the path and renames it when complete (kernel/fileio.h).
 * Errors: false / NULL and one line in err naming the file. libpng's
 * longjmp error handling stays inside this file.
 */
#include "gfx.h"
#include "kernel/fileio.h"

#include <errno.h>
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct png_ctx {
    char msg[200];
} png_ctx;

static void on_error(png_structp png, png_const_charp msg)
{
    png_ctx *c = png_get_error_ptr(png);
    if (c) snprintf(c->msg, sizeof c->msg, "%s", msg);
    png_longjmp(png, 1);
}

static void on_warning(png_structp png, png_const_charp msg)
{
    (void)png;
    (void)msg;
}

bool gfx_png_write_rows(FILE *f, const char *where, const uint8_t *const *rows, int w, int h,
                        char *err, size_t errlen)
{
    char sh[128];
    if (!f || !rows || w <= 0 || h <= 0) {
        if (err && errlen) snprintf(err, errlen, "png write: bad arguments");
        return false;
    }
    png_ctx ctx = { "" };
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &ctx, on_error, on_warning);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    if (!png || !info) {
        snprintf(ctx.msg, sizeof ctx.msg, "out of memory");
        goto fail;
    }
    if (setjmp(png_jmpbuf(png))) goto fail;
    png_init_io(png, f);
    png_set_IHDR(png, info, (png_uint_32)w, (png_uint_32)h, 8, PNG_COLOR_TYPE_RGBA,
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
    png_write_image(png, (png_bytepp)rows);   /* libpng only reads them */
    png_write_end(png, NULL);
    png_destroy_write_struct(&png, &info);
    return true;

fail:
    if (png) png_destroy_write_struct(&png, info ? &info : NULL);
    if (err && errlen) snprintf(err, errlen, "%s: cannot write PNG: %s", ts_path_shown(where, sh, sizeof sh), ctx.msg);
    return false;
}

bool gfx_png_write_stream(FILE *f, const char *where, const uint8_t *rgba, int w, int h,
                          char *err, size_t errlen)
{
    if (!rgba || w <= 0 || h <= 0) {
        if (err && errlen) snprintf(err, errlen, "png write: bad arguments");
        return false;
    }
    const uint8_t **rows = malloc((size_t)h * sizeof *rows);
    if (!rows) {
        char sh[128];
        if (err && errlen) snprintf(err, errlen, "%s: cannot write PNG: out of memory", ts_path_shown(where, sh, sizeof sh));
        return false;
    }
    for (int y = 0; y < h; y++) rows[y] = rgba + (size_t)y * w * 4;
    bool ok = gfx_png_write_rows(f, where, rows, w, h, err, errlen);
    free(rows);
    return ok;
}

bool gfx_png_write(const char *path, const uint8_t *rgba, int w, int h, char *err, size_t errlen)
{
    char tmp[TS_PATH_MAX], e[512];
    if (!path) {
        if (err && errlen) snprintf(err, errlen, "png write: bad arguments");
        return false;
    }
    FILE *f = ts_out_open(path, tmp, sizeof tmp, e, sizeof e);
    bool ok = f && gfx_png_write_stream(f, path, rgba, w, h, e, sizeof e);
    if (ok) ok = ts_out_close_commit(f, tmp, path, e, sizeof e);
    else if (f) ts_out_close_discard(f, tmp);
    if (!ok && err && errlen) snprintf(err, errlen, "%s", e);
    return ok;
}

uint8_t *gfx_png_read(const char *path, int *w, int *h, char *err, size_t errlen)
{
    char e[TS_PATH_MAX + 200], sh[128];
    FILE *f = path ? ts_in_open(path, e, sizeof e) : NULL;
    if (!f) {
        if (err && errlen) snprintf(err, errlen, "%s", path ? e : "png read: no path");
        return NULL;
    }
    png_ctx ctx = { "" };
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &ctx, on_error, on_warning);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    uint8_t *volatile pixels = NULL;
    png_bytep *volatile rows = NULL;
    uint8_t sig[8];
    if (!png || !info) {
        snprintf(ctx.msg, sizeof ctx.msg, "out of memory");
        goto fail;
    }
    if (fread(sig, 1, 8, f) != 8 || png_sig_cmp(sig, 0, 8) != 0) {
        snprintf(ctx.msg, sizeof ctx.msg, "not a PNG file");
        goto fail;
    }
    if (setjmp(png_jmpbuf(png))) goto fail;
    png_init_io(png, f);
    png_set_sig_bytes(png, 8);
    png_read_info(png, info);   /* the header chunks only: nothing is decoded yet */
    png_uint_32 pw = png_get_image_width(png, info), ph = png_get_image_height(png, info);
    int depth = png_get_bit_depth(png, info), type = png_get_color_type(png, info);
    if (pw == 0 || ph == 0 || pw > GFX_PNG_MAX_SIDE || ph > GFX_PNG_MAX_SIDE) {
        snprintf(ctx.msg, sizeof ctx.msg, "the image is %ux%u; at most %dx%d is read",
                 (unsigned)pw, (unsigned)ph, GFX_PNG_MAX_SIDE, GFX_PNG_MAX_SIDE);
        goto fail;
    }
    if (type == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
    if (type == PNG_COLOR_TYPE_GRAY && depth < 8) png_set_expand_gray_1_2_4_to_8(png);
    if (png_get_valid(png, info, PNG_INFO_tRNS)) png_set_tRNS_to_alpha(png);
    if (depth == 16) png_set_strip_16(png);
    if (type == PNG_COLOR_TYPE_GRAY || type == PNG_COLOR_TYPE_GRAY_ALPHA) png_set_gray_to_rgb(png);
    png_set_filler(png, 0xff, PNG_FILLER_AFTER);   /* no-op when alpha exists */
    png_set_interlace_handling(png);
    png_read_update_info(png, info);
    if (png_get_rowbytes(png, info) != (size_t)pw * 4) {
        snprintf(ctx.msg, sizeof ctx.msg, "cannot convert to RGBA");
        goto fail;
    }
    pixels = malloc((size_t)pw * ph * 4);
    rows = malloc((size_t)ph * sizeof *rows);
    if (!pixels || !rows) {
        snprintf(ctx.msg, sizeof ctx.msg, "out of memory");
        goto fail;
    }
    for (png_uint_32 y = 0; y < ph; y++) rows[y] = pixels + (size_t)y * pw * 4;
    png_read_image(png, rows);
    png_read_end(png, NULL);
    png_destroy_read_struct(&png, &info, NULL);
    free(rows);
    fclose(f);
    if (w) *w = (int)pw;
    if (h) *h = (int)ph;
    return pixels;

fail:
    if (png) png_destroy_read_struct(&png, info ? &info : NULL, NULL);
    free(rows);
    free(pixels);
    fclose(f);
    if (err && errlen) snprintf(err, errlen, "%s: cannot read PNG: %s", ts_path_shown(path, sh, sizeof sh), ctx.msg);
    return NULL;
}
