/* dg_internal.h: what the diagram elements share and scenes do not see.
 *
 * - dg__element(bounds) tells the frame where an element is, so the shared
 *   tooltip can be placed where it covers the fewest other elements.
 * - dg__gfx_cmap maps DG_CMAP_* to gfx's colormaps; dg__range picks the
 *   colour range of data (DG_CMAP_AUTO resolves to SEQ or DIV here).
 * - dg__slice_name writes "conv1.out[0,3]" for a tensor and its fixed
 *   leading indices.
 * - dg__offset is the flat offset of a full index in a contiguous tensor.
 * - dg__pointer gives the pointer position, for elements that pick the
 *   nearest of many small items (plot samples, plane points) instead of
 *   registering a rectangle for each.
 */
#ifndef TS_DG_INTERNAL_H
#define TS_DG_INTERNAL_H

#include "diagram/diagram.h"

void  dg__element(dg_rect bounds);
int   dg__gfx_cmap(int dg_cmap);
/* Resolves *cmap (AUTO -> SEQ or DIV) and fills lo/hi when both are 0:
 * min..max for sequential, -m..m (m = max |v|) for diverging; a flat range
 * is widened so lo < hi. */
void  dg__range(const float *v, size_t n, int *cmap, float *lo, float *hi);
/* Normalised position of v in lo..hi, clamped to 0..1. */
float dg__unit(float v, float lo, float hi);
void  dg__slice_name(char *out, size_t n, const ts_tensor *t, int nlead, const int *lead);
size_t dg__offset(const ts_tensor *t, const int *idx);
/* The pointer in canvas units; false when there is none (exports). */
bool  dg__pointer(float *x, float *y);
/* A meaningful mark's colour (a bar, a series, a point, an edge) over the
 * area r: logged for the contrast test (dg_mark_log), and transparent
 * while dg_marks_hide is on. Returns the colour to draw with: a faded mark
 * (alpha below 1) is made opaque enough to read 3:1 on the theme's
 * background and panel; one fainter than DG_MARK_CONTEXT_ALPHA is context
 * (the many weak links of a fan), drawn as asked and not logged. */
#define DG_MARK_CONTEXT_ALPHA 0.4f
gfx_color dg__mark(dg_rect r, gfx_color c);
/* WCAG contrast of two opaque colours (1..21), and ink itself when it reads
 * 4.5:1 on bg, else black or white (dg__ink_on). */
float dg__contrast(gfx_color a, gfx_color b);
gfx_color dg__readable(gfx_color ink, gfx_color bg);
/* The text colour that reads on a fill colour (dark or light). */
gfx_color dg__ink_on(gfx_color fill);

/* matrix.c: a grid of cells over two dimensions of a tensor (rdim, cdim; -1
 * for a dimension of length 1), so a strip is a grid of one row or column.
 * idx holds the fixed indices; the window is in slice coordinates. */
typedef struct dg__grid {
    const ts_tensor *t;
    int nd, nlead;            /* nlead: leading fixed indices named in titles */
    int rdim, cdim;
    int R, C;                 /* the slice's size */
    int idx[TS_MAX_DIMS];
    size_t base;              /* offset of the slice's (0, 0) */
    int rs, cs;               /* strides of its rows and columns */
    int r0, c0, rows, cols;   /* the shown window */
} dg__grid;
/* Sets the window (rows/cols 0: to the end); false if it is degenerate. */
bool dg__grid_window(dg__grid *m, int r0, int c0, int rows, int cols);
/* dg_matrix on a prepared grid (s's r0/c0/rows/cols are ignored). */
dg_cells dg__grid_draw(dg_rect r, dg__grid *m, const dg_src *src, const dg_matrix_style *s);
/* Labels along a grid side with cells `pitch` apart: the size that fits
 * (floored at DG_TEXT_MIN) and the thinning step (every step-th label shown).
 * widths: what must fit is a label's width (column labels), else its height. */
float dg__label_fit(const char *const *labels, int from, int n, float pitch, bool widths, int *step);

#endif
