/* gan_scene.h: the gan scene's state, shared by its story (gan.c) and its
 * drawing (gan_draw.c). */
#ifndef TS_GAN_SCENE_H
#define TS_GAN_SCENE_H

#include "diagram/diagram.h"
#include "scene/scene.h"
#include "scenes/gan/gan_model.h"

enum { GB_PLAYERS_MEET, GB_FIELD, GB_D_STEP, GB_G_STEP, GB_TRAIN, GB_COLLAPSE, GB_SIDES, GB_COUNT };
extern const scene_beat gan_beats[GB_COUNT];

#define GAN_GRID_LINES 9       /* noise-plane grid lines per axis */
#define GAN_GRID_POINTS 25     /* points along each grid line */

typedef struct gan_state {
    gan_config cfg;
    int first_steps;           /* the step beats 2-4 look at */
    int story_steps;           /* the step the training beat ends on */
    gan_model m;
    bool ready;
    /* beat 3: the detective's step, before and after */
    ts_arena arena;
    ts_tensor *field_before;   /* [R,R] */
    float loss_d_before, loss_d_after;
    bool after_d;              /* the model holds one extra D update */
    /* beat 1: the noise plane's grid, and where G sends it */
    ts_tensor *zgrid, *xgrid;  /* [P, 2L, 2]: P points along 2L lines */
    /* interactive */
    bool live;                 /* training runs on the user's command */
    bool slow;                 /* slow motion: one training step every 8 frames */
    unsigned frame;            /* frames of live training, for slow motion */
    int live_step;
    int shown_step;            /* the step the shown tensors belong to */
    int cover_now;             /* modes covered at the shown step (-1: no modes) */
    double recompute_ms;
    char note[160];            /* the last interactive change, shown as a toast */
} gan_state;

/* Rectangles of the beat's elements, shared by update (hit tests) and draw. */
typedef struct gan_layout {
    dg_rect plane, side, top, controls;
} gan_layout;
gan_layout gan_layout_for(int beat, bool controls);
/* The data plane of beats 2-6 (clicks map through it with dg_plane_point_at). */
extern const dg_plane_style gan_plane_style;

void gan_draw(const void *st, const scene_clock *c, const ui_theme *th);

#endif
