/* callout.c: a short note in a box with a leader line to what it explains.
 *
 *   dg_callout((dg_rect){x, y, 420, 110}, dg_anchor(cell, DG_N),
 *              "the forget gate keeps 71% of the old cell state");
 *
 * The text fits the box (dg_text: DG_TEXT_BODY, shrinking to DG_TEXT_MIN,
 * then wrapping, then an ellipsis). The leader runs from the point of the
 * box's outline nearest the target to the target, which gets a small ring;
 * a target inside the box gets no leader. The box is drawn over the leader.
 */
#include <math.h>
#include "diagram/dg_internal.h"

void dg_callout(dg_rect r, dg_pt target, const char *text)
{
    if (!(r.w > 0) || !(r.h > 0)) return;
    const ui_theme *th = dg_theme();
    if (isfinite(target.x) && isfinite(target.y) && !dg_contains(r, target.x, target.y)) {
        float sx = fminf(fmaxf(target.x, r.x + 12), r.x + r.w - 12);
        float sy = fminf(fmaxf(target.y, r.y + 12), r.y + r.h - 12);
        /* Leave the box from the side that faces the target. */
        float dx = target.x < r.x ? r.x - target.x : target.x > r.x + r.w ? target.x - r.x - r.w : 0;
        float dy = target.y < r.y ? r.y - target.y : target.y > r.y + r.h ? target.y - r.y - r.h : 0;
        if (dx >= dy) sx = target.x < r.x ? r.x : r.x + r.w;
        else sy = target.y < r.y ? r.y : r.y + r.h;
        gfx_line(sx, sy, target.x, target.y, 3.0f, th->accent);
        gfx_circle(target.x, target.y, 9.0f, th->bg);
        gfx_circle_line(target.x, target.y, 9.0f, 3.0f, th->accent);
        gfx_circle(target.x, target.y, 3.5f, th->accent);
    }
    gfx_rrect(r.x + 3, r.y + 5, r.w, r.h, 12, gfx_fade(th->shadow, 0.6f));
    gfx_rrect(r.x, r.y, r.w, r.h, 12, th->panel);
    gfx_rrect_line(r.x, r.y, r.w, r.h, 12, 2.5f, th->accent);
    if (text) dg_text(dg_inset(r, 14), (float)DG_TEXT_BODY, GFX_SANS, GFX_LEFT | GFX_MIDDLE, th->text, text);
    dg__element(r);
}
