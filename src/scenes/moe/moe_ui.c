/* moe_ui.c: the moe scene's update: live training, the clock-driven runs of
 * beats 6 and 7, and recomputing what is shown when the model changes.
 * Everything draw reads is computed here. */
#include "scenes/moe/moe_scene.h"

void moe_update(void *p, const scene_clock *c, ui_ctx *ui) {
    moe_state *st = p;
    (void)ui;
    if (st->training) {
        double t0 = scene_seconds();
        for (int i = 0; i < MOE_LIVE_STEPS_PER_FRAME; i++) moe_run_step(&st->live);
        st->train_ms = 1e3 * (scene_seconds() - t0);
        st->train_burst = MOE_LIVE_STEPS_PER_FRAME;
        st->live_version++;
    }
    moe_refresh(st, c->beat);
    moe_story_advance(st, c);
}
