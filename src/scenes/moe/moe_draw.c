/* moe_draw.c: the moe scene's draw: a pure function of the state and the
 * clock. For now each beat shows its headline and the measured numbers it
 * is about, as text; the diagrams come with the rest of the library. */
#include <stdio.h>
#include "diagram/diagram.h"
#include "scenes/moe/moe_scene.h"

void moe_draw(const void *p, const scene_clock *c, const ui_theme *th) {
    const moe_state *st = p;
    dg_rect stage = dg_stage();
    dg_heading(dg_cut_top(&stage, 120, DG_GAP), moe_beats[c->beat].title, NULL);
    const moe_acts *x = moe_acts_for_beat(st, c->beat);
    const moe_model *m = moe_model_for_beat(st, c->beat);
    char buf[1024];
    int len = snprintf(buf, sizeof buf, "%d experts, top-%d, %d of %d parameters active per input. Load f:",
                       m->E, x->k, moe_active_params(m, x->k), moe_param_count(m));
    for (int e = 0; e < m->E && len < (int)sizeof buf; e++)
        len += snprintf(buf + len, sizeof buf - (size_t)len, " %.2f", x->load->data[e]);
    if (len < (int)sizeof buf)
        snprintf(buf + len, sizeof buf - (size_t)len, ". aux loss %.3f; %d of %d choices dropped.",
                 x->aux->data[0], x->n_dropped, x->n * x->k);
    dg_text(stage, DG_TEXT_H2, GFX_SANS, GFX_LEFT | GFX_TOP, th->text, buf);
}
