/* axis.h: axes shared by the line plot (plot.c) and the plane (plane.c);
 * internal to src/diagram, scenes never include it.
 *
 * An axis maps a data range onto a span of canvas units, linearly or on a
 * log10 scale, and chooses its ticks: 1-2-5 steps on a linear axis, whole
 * decades (labelled 1e-3, 0.01, 0.1, 1, 10, 100, 1e3) on a log axis, with
 * 2 and 5 added when the range spans less than a decade.
 *
 *   dg_axis ax = {.lo = 0, .hi = 40, .log = false};
 *   dg_axis_ticks(&ax, 6);                       // at most 6 ticks
 *   float x = dg_axis_map(&ax, 12.5f, area.x, area.x + area.w);
 *
 * Degenerate ranges are widened so lo < hi always holds after dg_axis_fix.
 */
#ifndef TS_DIAGRAM_AXIS_H
#define TS_DIAGRAM_AXIS_H

#include <stdbool.h>
#include "diagram/diagram.h"

#define DG_AXIS_MAX_TICKS 16

typedef struct dg_axis {
    float lo, hi;              /* data range (both > 0 on a log axis) */
    bool log;
    int n;                     /* ticks, from dg_axis_ticks */
    float tick[DG_AXIS_MAX_TICKS];
    char label[DG_AXIS_MAX_TICKS][16];
} dg_axis;

/* Makes the range usable: finite, lo < hi, positive on a log axis. */
void  dg_axis_fix(dg_axis *a);
/* Widens [lo, hi] by `pad` of its span on each side (of its decades on a log
 * axis); a range that starts at exactly 0 keeps its 0. */
void  dg_axis_pad(dg_axis *a, float pad_lo, float pad_hi, bool keep_zero);
/* Chooses at most max_n ticks inside [lo, hi] and formats their labels. */
void  dg_axis_ticks(dg_axis *a, int max_n);
/* Position of v between c0 (at lo) and c1 (at hi); NAN for a value the axis
 * cannot show (non-positive on a log axis, not finite). */
float dg_axis_map(const dg_axis *a, float v, float c0, float c1);
/* Inverse of dg_axis_map. */
float dg_axis_unmap(const dg_axis *a, float c, float c0, float c1);
/* Widest tick label at `size` in the sans font. */
float dg_axis_label_width(const dg_axis *a, float size);

/* Draws the frame of a data area: tick grid lines across it (faint), the
 * left and bottom axis lines, and the tick labels left of and below it
 * (DG_TEXT_SMALL): about dg_axis_label_width + 12 units to the left and
 * DG_TEXT_SMALL * 1.3 + 8 below. Either axis may be NULL (not drawn). */
void  dg_axis_draw(dg_rect area, const dg_axis *x, const dg_axis *y, bool grid);
/* Only the grid lines at the ticks, in the theme's grid colour at alpha
 * (for drawing them again over an opaque layer). */
void  dg_axis_grid(dg_rect area, const dg_axis *x, const dg_axis *y, float alpha);

#endif
