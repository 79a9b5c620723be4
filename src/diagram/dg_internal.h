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
/* The text colour that reads on a fill colour (dark or light). */
gfx_color dg__ink_on(gfx_color fill);

#endif
