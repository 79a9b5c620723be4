/* diff_scene.h: the diffusion scene's state, shared by its story
 * (diffusion.c) and its drawing (diff_draw.c). */
#ifndef TS_DIFF_SCENE_H
#define TS_DIFF_SCENE_H

#include "diagram/diagram.h"
#include "scene/scene.h"
#include "scenes/diffusion/diff_model.h"

enum { DB_RECIPE, DB_MANY, DB_SHORTCUT, DB_SCHEDULES, DB_TRAIN, DB_REVERSE, DB_CHAIN, DB_FEWER,
       DB_COUNT };
extern const scene_beat diff_beats[DB_COUNT];

#define DIFF_STEP_T 50         /* beat 1's single step: early, the data still visible */
#define DIFF_TRAILS 32         /* points whose path is drawn in beat 7 */
#define DIFF_TRAIL_EVERY 25    /* one state of a path every so many steps */
#define DIFF_FEWER 3           /* samplers compared in beat 8 */
extern const int diff_fewer_steps[DIFF_FEWER];

typedef struct diff_state {
    diff_config cfg;
    int story_steps;           /* training steps at the end of beat 5 */
    int t_show;                /* the timestep of beats 1, 3, 5 and 6 */
    unsigned sample_seed;
    diff_model m;
    bool ready;
    ts_arena arena;
    /* what update computed for the frame */
    int t_cur;                 /* timestep shown */
    int trained;               /* training step of the model now */
    ts_tensor *xprev1, *noise1;/* beat 1: x_{t-1} and the fresh noise of one step [N,2] */
    ts_tensor *x1;             /* beat 1: x_t = sqrt(1-b) x_{t-1} + sqrt(b) noise */
    ts_tensor *xt_cos;         /* beat 4: the cosine schedule's x_t [N,2] */
    ts_tensor *ab_lin, *ab_cos, *snr_lin, *snr_cos;   /* [T] */
    int chain_k;               /* beat 7: chain states shown */
    ts_tensor *trail;          /* [steps+1, TRAILS, 2] for the drawn trajectories */
    int trail_n;
    ts_tensor *fewer[DIFF_FEWER];   /* beat 8: final samples per sampler [N,2] */
    float fewer_err[DIFF_FEWER];    /* mean distance to the nearest data point */
    int fewer_trained;              /* the training step they were made at (-1: none) */
    bool reverse;              /* the shown step is a reverse one (beats 6+) */
    /* interactive */
    bool live, controls;
    int live_step;
    double recompute_ms;
} diff_state;

/* The plane every beat draws its points on (titles aside). */
extern const dg_plane_style diff_plane_style;

typedef struct diff_layout { dg_rect plane, side, controls; } diff_layout;
diff_layout diff_layout_for(int beat, bool controls);
void diff_draw(const void *st, const scene_clock *c, const ui_theme *th);

#endif
