/* bn_scene.h: the batchnorm scene's state, shared by its story
 * (batchnorm.c) and its drawing (bn_draw.c). */
#ifndef TS_BN_SCENE_H
#define TS_BN_SCENE_H

#include "diagram/diagram.h"
#include "kernel/dump.h"
#include "scene/scene.h"
#include "scenes/batchnorm/bn_model.h"

enum { BB_DRIFT, BB_BYHAND, BB_TAMED, BB_TRAIN, BB_SWEEP, BB_EVAL, BB_LAYER, BB_COUNT };
extern const scene_beat bn_beats[BB_COUNT];

#define BN_SWEEP_MAX 12
#define BN_SHOW_ROWS 8          /* examples shown in the worked normalisation */

typedef struct bn_state {
    bn_config cfg;
    int first_steps;            /* the step beats 1-3 look at */
    int story_steps;            /* the step the training beat ends on */
    int feature;                /* the feature worked by hand (beat 2) */
    bn_model m;
    bool ready;
    ts_arena arena;             /* the asset and the display tensors */
    const ts_dump *asset;
    int sw_n, sw_seeds, sw_steps;
    float sw_cap;
    float sw_lr[BN_SWEEP_MAX], sw_plain[BN_SWEEP_MAX], sw_bn[BN_SWEEP_MAX];
    float sw_plain_lo[BN_SWEEP_MAX], sw_plain_hi[BN_SWEEP_MAX], sw_bn_lo[BN_SWEEP_MAX], sw_bn_hi[BN_SWEEP_MAX];
    int sw_plain_div[BN_SWEEP_MAX], sw_bn_div[BN_SWEEP_MAX];   /* seeds that diverged */
    ts_tensor *sweep_plain, *sweep_bn;
    bool pretrained;
    /* the worked feature's first rows, copied from the model's [N,C] tensors */
    ts_tensor *col_x, *col_xhat, *col_y;          /* [BN_SHOW_ROWS] */
    ts_tensor *rows_x, *rows_bn, *rows_ln;        /* [BN_SHOW_ROWS, C] */
    /* interactive */
    bool live, controls, held;
    int held_beat, beat_now;
    long live_step, work;
    unsigned frame;
    long fields_step;
    char note[160];
} bn_state;

typedef struct bn_layout { dg_rect main, side, controls; } bn_layout;
bn_layout bn_layout_for(int beat, bool controls);

void bn_draw(const void *st, const scene_clock *c, const ui_theme *th);
/* Copies the worked feature's rows out of the model (after bn_model_show). */
void bn_copy_shown(bn_state *st);
/* The data row of shown row r (every N/8-th point, so both classes show). */
int bn_shown_row(const bn_model *m, int r);

#endif
