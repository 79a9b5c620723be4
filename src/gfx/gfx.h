/* gfx.h: the renderer. OpenGL 3.3 core behind one seam; nothing else in the
 * app touches GL or creates windows.
 *
 * Everything is placed in a virtual canvas (1920x1080 units by default, origin
 * top-left, y down) that is letterboxed onto the real drawable with an
 * orthographic projection, so a laptop window, a projector and a 4K export
 * show the same picture. On a drawable taller than 16:9 the canvas stays
 * 1920 wide and grows taller instead (16:10: 1200, 4:3: 1440, at most 5:4:
 * 1536), so 4:3 projectors show no bands; layouts read gfx_canvas_h().
 * Text is rasterised at the drawable's real pixel size, so it stays crisp at
 * any scale.
 *
 *   gfx_window *w = gfx_window_open(&(gfx_window_desc){ .title = "x", .width = 1280,
 *                                   .height = 720 }, err, sizeof err);
 *   gfx_init(&(gfx_desc){0}, err, sizeof err);      // shaders, fonts, buffers
 *   for (;;) {
 *       gfx_frame_begin(fb_w, fb_h, bg, letterbox);
 *       gfx_rrect(100, 100, 300, 80, 12, col);        // batched
 *       gfx_text(120, 140, 32, GFX_SANS, GFX_LEFT | GFX_MIDDLE, fg, "hello");
 *       gfx_heatmap(500, 100, 280, 280, data, 28, 28, 0, 1, GFX_CMAP_SEQUENTIAL);
 *       gfx_frame_end();                              // flushes
 *       gfx_window_swap(w);
 *   }
 *   gfx_shutdown(); gfx_window_close(w);
 *
 * Shapes and text are batched into one vertex buffer and drawn with one
 * shader (signed-distance antialiasing, so edges are smooth without MSAA);
 * a heatmap flushes the batch and draws a float texture through the colormap
 * shader. Draw order is call order.
 *
 * Errors: functions that can fail return false/NULL and write one line into
 * err. Drawing functions never fail; they ignore degenerate input.
 */
#ifndef TS_GFX_H
#define TS_GFX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef struct gfx_color { float r, g, b, a; } gfx_color;

/* 0xRRGGBBAA, sRGB. */
gfx_color gfx_hex(uint32_t rgba);
gfx_color gfx_fade(gfx_color c, float alpha);          /* multiplies alpha */
gfx_color gfx_mix(gfx_color a, gfx_color b, float t);

/* ---- window (SDL2 + GL 3.3 core context) -------------------------------- */

typedef struct gfx_window gfx_window;
typedef struct gfx_window_desc {
    const char *title;
    int  width, height;       /* window size in screen coordinates; 0 = 1280x720 */
    bool hidden;              /* headless: no window shown (offscreen driver) */
    bool fullscreen;          /* desktop full screen */
    bool vsync;
} gfx_window_desc;

gfx_window *gfx_window_open(const gfx_window_desc *d, char *err, size_t errlen);
void        gfx_window_close(gfx_window *w);
void        gfx_window_swap(gfx_window *w);
void        gfx_window_set_fullscreen(gfx_window *w, bool on);
bool        gfx_window_fullscreen(const gfx_window *w);
/* Window size in screen coordinates and drawable size in pixels (HiDPI). */
void        gfx_window_size(const gfx_window *w, int *win_w, int *win_h,
                            int *fb_w, int *fb_h);
/* "llvmpipe (LLVM 15.0.6, 256 bits)" and the like. */
const char *gfx_renderer_name(void);

/* ---- renderer ----------------------------------------------------------- */

typedef struct gfx_desc {
    const char *shader_dir;   /* NULL: found next to the executable or in the source tree */
    const char *font_sans, *font_bold, *font_mono;   /* NULL: fontconfig's DejaVu */
    float canvas_w, canvas_h; /* 0: 1920 x 1080, growing taller on drawables
                                 taller than 16:9; a canvas_h given here is fixed */
} gfx_desc;

bool gfx_init(const gfx_desc *d, char *err, size_t errlen);
void gfx_shutdown(void);
/* Where the last gfx_init's time went, wall and process CPU seconds:
 * compiling and linking the shader programs, opening the fonts (fontconfig
 * and SDL2_ttf); the rest of it is neither (bench's start-up split). */
typedef struct gfx_init_split { double shaders_wall, shaders_cpu, fonts_wall, fonts_cpu; } gfx_init_split;
gfx_init_split gfx_init_times(void);

/* Starts a frame on the bound framebuffer of fb_w x fb_h pixels: sizes the
 * canvas for its aspect (see above), clears it to letterbox, fills the canvas
 * area with bg, sets the projection. */
void gfx_frame_begin(int fb_w, int fb_h, gfx_color bg, gfx_color letterbox);
void gfx_frame_end(void);
/* Sizes the canvas for a drawable of fb_w x fb_h pixels without starting a
 * frame (gfx_frame_begin does it too), so code that lays out before drawing
 * (a scene's update) sees this frame's canvas, not the last one's. */
void gfx_canvas_fit(int fb_w, int fb_h);
/* The canvas a drawable of fb_w x fb_h pixels gets, computed without changing
 * anything: its size in canvas units, pixels per unit, and the rectangle it
 * covers in pixels (the rest is letterbox). Before gfx_init it assumes the
 * default 1920x1080 design. gfx_canvas_fit applies it. */
typedef struct gfx_canvas_layout { float w, h, ppu; int px_x, px_y, px_w, px_h; } gfx_canvas_layout;
gfx_canvas_layout gfx_canvas_layout_for(int fb_w, int fb_h);

float gfx_canvas_w(void);
float gfx_canvas_h(void);
/* Maps a point in window coordinates to canvas units (and undoes the view). */
void  gfx_window_to_canvas(float wx, float wy, int win_w, int win_h,
                           float *cx, float *cy);
float gfx_pixels_per_unit(void);

/* View transform for zoom and pan: canvas' = canvas * scale + (tx, ty).
 * Nested pushes compose. Clip rectangles are in (current) canvas units. */
void gfx_push_view(float tx, float ty, float scale);
void gfx_pop_view(void);
void gfx_push_clip(float x, float y, float w, float h);
void gfx_pop_clip(void);

/* ---- shapes (canvas units; thickness too) ------------------------------- */
/* Strokes (*_line) lie inside the outline, so a shape and its outline with
 * the same geometry line up. Lines have round caps. Lines and strokes thinner
 * than one device pixel are drawn one pixel wide and fainter, never dropped. */

void gfx_rect(float x, float y, float w, float h, gfx_color c);
void gfx_rrect(float x, float y, float w, float h, float radius, gfx_color c);
void gfx_rrect_line(float x, float y, float w, float h, float radius,
                    float thickness, gfx_color c);
void gfx_line(float x0, float y0, float x1, float y1, float thickness, gfx_color c);
/* Line with a filled triangular head at (x1, y1); head size from thickness. */
void gfx_arrow(float x0, float y0, float x1, float y1, float thickness, gfx_color c);
void gfx_circle(float cx, float cy, float r, gfx_color c);
void gfx_circle_line(float cx, float cy, float r, float thickness, gfx_color c);
void gfx_polyline(const float *xy, int n, float thickness, gfx_color c);

/* ---- text ---------------------------------------------------------------- */

enum gfx_font { GFX_SANS, GFX_BOLD, GFX_MONO, GFX_FONT_COUNT };
enum gfx_align {
    GFX_LEFT = 0, GFX_CENTER = 1, GFX_RIGHT = 2,          /* horizontal */
    GFX_TOP = 0, GFX_MIDDLE = 4, GFX_BOTTOM = 8,          /* vertical (of the line box) */
    GFX_BASELINE = 16
};

/* UTF-8 text of height `size` canvas units (the font's point size maps to
 * size units). Returns the advance width in canvas units. Widths do not depend
 * on the output resolution. Vertical alignment is of the line box (ascent to
 * descent); '\n' starts a new line 1.25 size below, and the block is aligned
 * as a whole. */
float gfx_text(float x, float y, float size, int font, int align, gfx_color c,
               const char *utf8);
float gfx_textf(float x, float y, float size, int font, int align, gfx_color c,
                const char *fmt, ...);
/* One line turned a quarter turn counter-clockwise (reading upwards), for
 * column and axis labels. align places the turned box (as wide as a line is
 * tall, as tall as the text is wide) at (x, y): GFX_CENTER | GFX_BOTTOM puts
 * its bottom centre there. Returns the text's width. */
float gfx_text_up(float x, float y, float size, int font, int align, gfx_color c,
                  const char *utf8);
float gfx_text_width(float size, int font, const char *utf8);
/* The font file fontconfig picks for a pattern ("DejaVu Serif:style=Bold");
 * false if none. */
bool  gfx_font_find(const char *pattern, char *out, size_t outlen);
/* Word-wrapped paragraph within width w; returns the height used (first line
 * box top to last line box bottom). Horizontal alignment is within [x, x+w]. */
float gfx_text_box(float x, float y, float w, float size, int font, int align,
                   gfx_color c, const char *utf8);

/* Text log, for layout tests: while a buffer is set, every gfx_text and
 * gfx_text_box call with visible text records its line box (x, y, w, h in
 * canvas units after the view transform, cut to the clip rectangle; size
 * likewise), the start of its text, its font, colour and role; text
 * clipped away is not recorded. Records past cap are counted but not
 * stored. NULL stops logging; setting a buffer restarts the count. */
typedef struct gfx_text_rec {
    float x, y, w, h, size;
    char text[40];
    int font, role;            /* GFX_SANS..., GFX_ROLE_* */
    gfx_color color;           /* as drawn, alpha included */
} gfx_text_rec;
void gfx_text_log(gfx_text_rec *buf, int cap);
int  gfx_text_log_count(void);    /* records since the log was set */

/* What a text is for, so the layout test holds it to the right floor (the
 * diagram library's type scale: DG_TEXT_FLOOR for everything, DG_TEXT_REF
 * for the roles from GFX_ROLE_LABEL up). Every text logged takes the role
 * set last; set one around a draw and restore the old one:
 *   int old = gfx_text_role(GFX_ROLE_TITLE); ...draw... gfx_text_role(old); */
enum gfx_text_role {
    GFX_ROLE_TEXT = 0,      /* notes, values, widget text */
    GFX_ROLE_TICK,          /* tick labels, row and column labels */
    GFX_ROLE_CELL,          /* numbers inside cells */
    GFX_ROLE_LABEL,         /* a label a beat's caption refers to */
    GFX_ROLE_TITLE,         /* an element's title */
    GFX_ROLE_HEADING,       /* a beat's headline */
    GFX_ROLE_EQUATION,
    GFX_ROLE_LEGEND,        /* a colour scale's or a plot legend's label */
    GFX_ROLE_AXIS,          /* an axis title */
    GFX_ROLE_CAPTION,       /* the caption bar */
    GFX_ROLE_COUNT
};
int  gfx_text_role(int role);     /* returns the previous role */
int  gfx_text_role_now(void);
/* For contrast tests: while hidden, text is laid out and logged but no
 * glyph is drawn, so what lies behind each text can be read back. */
void gfx_text_hide(bool hide);
const char *gfx_text_role_name(int role);

/* Pieces for a typesetter (the diagram library's dg_type), which places
 * runs itself and logs the whole as one text:
 * - gfx_text_span draws [s, s + len) on one line, pen starting at canvas x
 *   with the baseline at y; turned up (a quarter turn counter-clockwise)
 *   the baseline is the vertical line at x and the pen starts at y, going
 *   up. It logs nothing.
 * - gfx_text_span_width is that run's advance.
 * - gfx_text_metrics gives a face's ascent and descent in em.
 * - gfx_text_log_add records a text whose box (before the view transform)
 *   is x, y, w, h, as gfx_text would (role: the current one). */
void  gfx_text_span(float x, float y, float size, int font, gfx_color c, const char *s,
                    size_t len, bool up);
float gfx_text_span_width(float size, int font, const char *s, size_t len);
void  gfx_text_metrics(int font, float *ascent, float *descent);
void  gfx_text_log_add(float x, float y, float w, float h, float size, int font, gfx_color c,
                       const char *text);

/* ---- heatmaps ----------------------------------------------------------- */

enum gfx_cmap {
    GFX_CMAP_SEQUENTIAL,   /* viridis-like, perceptually uniform, for lo..hi */
    GFX_CMAP_DIVERGING,    /* blue-white-red centred on zero, for -m..m */
    GFX_CMAP_GRAY
};
/* data is rows x cols, row-major; row 0 at the top. Cells are nearest-sampled.
 * Values outside lo..hi clamp. */
void      gfx_heatmap(float x, float y, float w, float h, const float *data,
                      int rows, int cols, float lo, float hi, int cmap);
/* The same colormap on the CPU, t in [0,1] (for bars, legends, swatches). */
gfx_color gfx_cmap_color(int cmap, float t);
/* A colour bar with its scale: lo and hi labels and a middle tick, text in fg.
 * Vertical when h > w. The bar fills the rectangle; tick labels (24 units high)
 * go outside it, below a horizontal bar or right of a vertical one, and the
 * label goes above it: leave about 60 units of room on those sides. */
void      gfx_legend(float x, float y, float w, float h, float lo, float hi,
                     int cmap, const char *label, gfx_color fg);

/* ---- offscreen targets and read-back ------------------------------------- */

typedef struct gfx_target gfx_target;
gfx_target *gfx_target_new(int w, int h, char *err, size_t errlen);
void        gfx_target_free(gfx_target *t);
void        gfx_target_bind(gfx_target *t);   /* NULL binds the window */
/* Reads w*h*4 bytes RGBA, top row first (GL's bottom-up rows are flipped). */
void        gfx_target_read(gfx_target *t, uint8_t *rgba);
/* Reads the bound framebuffer region (0,0,w,h) the same way. */
void        gfx_read_pixels(int w, int h, uint8_t *rgba);

/* Asynchronous read-back through a ring of n (1..GFX_READBACK_MAX) pixel
 * buffers (see target.c): start queues a copy of the target's picture into
 * slot k; map waits for it and returns w*h*4 bytes RGBA with GL's rows
 * bottom-up (NULL if the driver cannot map), valid on any thread until
 * unmap; a mapped slot is not started again until unmapped. */
#define GFX_READBACK_MAX 4
typedef struct gfx_readback gfx_readback;
gfx_readback  *gfx_readback_new(gfx_target *t, int n, char *err, size_t errlen);
void           gfx_readback_free(gfx_readback *r);
void           gfx_readback_start(gfx_readback *r, int k);
const uint8_t *gfx_readback_map(gfx_readback *r, int k);
void           gfx_readback_unmap(gfx_readback *r, int k);

/* PNG writing with libpng; false and a message on failure. The file is
 * written to a temporary beside path and renamed when complete, so path
 * never holds a partial PNG (kernel/fileio.h). */
bool gfx_png_write(const char *path, const uint8_t *rgba, int w, int h,
                   char *err, size_t errlen);
/* The same encoding into an open stream (for a writer that commits later);
 * where names the file in messages. */
bool gfx_png_write_stream(FILE *f, const char *where, const uint8_t *rgba, int w, int h,
                          char *err, size_t errlen);
/* The same from h row pointers (w*4 bytes each, top row first). */
bool gfx_png_write_rows(FILE *f, const char *where, const uint8_t *const *rows, int w, int h,
                        char *err, size_t errlen);
/* Images larger than this on either side are refused from the header,
 * before anything is decoded. */
#define GFX_PNG_MAX_SIDE 4096
/* Reads a PNG as 8-bit RGBA (malloc'd, caller frees); NULL and a message on
 * failure: not a regular file, not a PNG, or larger than GFX_PNG_MAX_SIDE. */
uint8_t *gfx_png_read(const char *path, int *w, int *h, char *err, size_t errlen);

#endif
