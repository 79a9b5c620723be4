/* diff_scene.h: the diffusion scene's state, shared by its story
 * (diffusion.c, diff_digits_story.c) and its drawing (diff_draw.c,
 * diff_digits_draw.c). */
#ifndef TS_DIFF_SCENE_H
#define TS_DIFF_SCENE_H

#include "diagram/diagram.h"
#include "scene/scene.h"
#include "scenes/diffusion/diff_digits.h"
#include "scenes/diffusion/diff_model.h"

enum { DB_RECIPE, DB_MANY, DB_SHORTCUT, DB_SCHEDULES, DB_TRAIN, DB_REVERSE, DB_CHAIN, DB_FEWER,
       DB_COUNT };
extern const scene_beat diff_beats[DB_COUNT];

#define DIFF_STEP_T 50         /* beat 1's single step: early, the data still visible */
#define DIFF_TRAILS 32         /* points whose path is drawn in beat 7 */
#define DIFF_TRAIL_EVERY 25    /* one state of a path every so many steps */
#define DIFF_FEWER 3           /* samplers compared in beat 8 */
extern const int diff_fewer_steps[DIFF_FEWER];
#define DIG_SHOW 9             /* digits sampled in beat 7 (a 3x3 grid) */
#define DIG_FILM 5             /* beat 7: the first digit at 5 points of its chain */

/* A chain of digits to sample off the frame (scene_work). */
typedef struct diff_chain_req { int n, steps, cls; float guidance; unsigned seed; } diff_chain_req;

/* The image half: which beats show digits (with show = digits), the image
 * model and what update computed for it. Tensors are named as dumped. */
typedef struct diff_digits {
    bool on;                   /* show = digits */
    int cls;                   /* the class sampled (and the clean digit shown) */
    float guidance;
    int steps;                 /* the image sampler's steps (DIG_T: every one) */
    dig_model g;
    ts_arena arena;
    bool ready;
    dig_chain chain;           /* the finished chain shown */
    /* the chain sampled off the frame: the work's own model (its scratch)
     * and chain, swapped into `chain` when collected */
    scene_work *work;
    dig_model wg;
    ts_arena warena;
    dig_chain wchain;
    diff_chain_req asked;      /* the latest request (n = 0: none) */
    int pix;                   /* the pixel whose numbers are shown (flat index) */
    int x0_cls;                /* the class x0 shows */
    /* forward beats: one digit [1,1,16,16] */
    ts_tensor *x0, *eps, *xt, *xt_other, *xprev, *noise, *x1;
    /* the denoiser's view of the frame (forward: xt; reverse: the chain's step) */
    ts_tensor *in, *temb;                               /* [N,298], [N,32] */
    ts_tensor *eps_pred, *eps_cond, *eps_uncond;        /* [N,1,16,16] */
    /* reverse beats: one step of the chain over DIG_SHOW digits [N,1,16,16] */
    ts_tensor *r_xt, *r_x0_pred, *r_mean, *r_z, *r_prev;
    ts_tensor *now;            /* beat 7: the states shown [N,1,16,16] */
    ts_tensor *film;           /* [DIG_FILM,1,16,16] */
    int film_t[DIG_FILM];      /* their timesteps (-2: not reached yet) */
    int k;                     /* chain states shown */
    int n;                     /* rows of in, temb and eps_* (1 or DIG_SHOW) */
} diff_digits;

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
    diff_digits dg;
    /* interactive */
    bool live;
    int live_step;
    long live_trained;         /* optimiser steps trained live (for bench) */
    double recompute_ms;
} diff_state;

/* The plane every beat draws its points on (titles aside). */
extern const dg_plane_style diff_plane_style;

/* digits: the beat shows digits (fewer controls under the side panel) */
typedef struct diff_layout { dg_rect plane, side, controls; } diff_layout;
diff_layout diff_layout_for(int beat, bool controls, bool digits);
void diff_draw(const void *st, const scene_clock *c, const ui_theme *th);
/* Side panel text: a heading and an optional note under it; returns the rest. */
dg_rect diff_side_text(dg_rect side, const char *title, const char *body);
void diff_schedule_plot(const diff_state *st, dg_rect r, bool both, bool snr);

/* The image half (diff_digits_story.c, diff_digits_draw.c). */
bool diff_digits_shown(const diff_state *st, int beat);   /* this beat shows digits */
bool diff_digits_init(diff_state *st, char *err, size_t n);
void diff_digits_update(diff_state *st, const scene_clock *c, int beat);
void diff_digits_dump(const diff_state *st, const scene_clock *c, ts_dump *d);
void diff_digits_draw(const diff_state *st, const scene_clock *c, int beat, diff_layout L);
void diff_digits_free(diff_state *st);
/* What is sampled off the frame (kind's busy): NULL when nothing. */
const char *diff_digits_busy(const diff_state *st, float *progress);

#endif
