/* res_scene.h: the residual scene's state, shared by its story
 * (residual.c) and its drawing (res_draw.c). */
#ifndef TS_RES_SCENE_H
#define TS_RES_SCENE_H

#include "diagram/diagram.h"
#include "kernel/dump.h"
#include "scene/scene.h"
#include "scenes/residual/res_model.h"

enum { RB_DEEPER, RB_WHY, RB_BLOCK, RB_FLAT, RB_TRAIN, RB_SMALL, RB_NOW, RB_COUNT };
extern const scene_beat res_beats[RB_COUNT];

#define RES_SWEEP_MAX 16

typedef struct res_state {
    res_config cfg;
    int story_steps;            /* the step the training beat ends on */
    res_model m;
    bool ready;
    /* the measured sweep (assets/residual.safetensors) */
    ts_arena arena;
    int sw_n, sw_seeds, sw_steps;
    float sw_depth[RES_SWEEP_MAX], sw_plain[RES_SWEEP_MAX], sw_resid[RES_SWEEP_MAX];
    float sw_plain_lo[RES_SWEEP_MAX], sw_plain_hi[RES_SWEEP_MAX];
    float sw_resid_lo[RES_SWEEP_MAX], sw_resid_hi[RES_SWEEP_MAX];
    ts_tensor *sweep_plain, *sweep_resid;   /* [D] means, for hover */
    const ts_dump *asset;       /* that file, read into arena */
    int beat_now;               /* the clock's beat in the latest update */
    bool pretrained;            /* the trained default came from the asset */
    /* interactive */
    bool live, controls;
    bool held;                  /* paused or stepped by hand: the story does not move it */
    int held_beat;              /* ...while the clock stays in this beat */
    long live_step;
    long work;                  /* pair steps trained live (bench) */
    unsigned frame;
    long fields_step;           /* the step the decision regions belong to */
    double recompute_ms;
    char note[160];
} res_state;

typedef struct res_layout { dg_rect main, side, controls; } res_layout;
res_layout res_layout_for(int beat, bool controls);

void res_draw(const void *st, const scene_clock *c, const ui_theme *th);

#endif
