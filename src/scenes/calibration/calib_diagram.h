/* calib_diagram.h: the diagram beats of the calibration card (beats 4-6):
 * a line plot with a log axis, planes with a field, regions, points, arrows
 * and trails, and an LSTM-like block diagram with a linked equation and a
 * callout. Every number comes from small kernel computations done in init:
 * a 2-16-2 MLP trained on two moons with SGD and with Adam (losses, decision
 * fields, input gradients, trajectories) and one LSTM cell step.
 *
 * Dumps (calib_dg_dump): "moons.x" [N,2], "moons.y" [N], "sgd.loss" [E],
 * "adam.loss" [E], "adam.batch_min" [E], "adam.batch_max" [E],
 * "adam.p1" [G,G], "sgd.class" [G,G], "adam.class" [G,G], "adam.dx" [K,2],
 * "adam.traj" [S,K,2], "lstm.x" [1,I], "lstm.h0" [1,H], "lstm.c0" [1,H],
 * "lstm.gates" [1,4H], "lstm.h1" [1,H], "lstm.c1" [1,H].
 */
#ifndef TS_CALIB_DIAGRAM_H
#define TS_CALIB_DIAGRAM_H

#include "kernel/dump.h"
#include "kernel/tensor.h"
#include "scene/scene.h"

#define CALIB_N 300      /* moons samples */
#define CALIB_E 40       /* epochs */
#define CALIB_G 96       /* field grid */
#define CALIB_K 16       /* points with gradients and trails */
#define CALIB_S 32       /* trail steps */
#define CALIB_I 3        /* LSTM input size */
#define CALIB_H 4        /* LSTM hidden size */

typedef struct calib_dg {
    ts_tensor *x, *y;                     /* moons [N,2], labels [N] (as floats) */
    int cls[CALIB_N];
    ts_tensor *epoch;                     /* 1..E */
    ts_tensor *sgd_loss, *adam_loss, *adam_min, *adam_max;
    ts_tensor *p1;                        /* Adam's P(class 1) on the grid */
    ts_tensor *sgd_cls, *adam_cls;        /* argmax per grid cell (as floats) */
    int sgd_region[CALIB_G * CALIB_G], adam_region[CALIB_G * CALIB_G];
    ts_tensor *kx, *dx, *traj;            /* K points, -grad_x loss, their paths */
    ts_tensor *lx, *h0, *c0, *gates, *h1, *c1, *w_ih, *w_hh, *b_ih, *b_hh;
    float sgd_acc, adam_acc;
} calib_dg;

enum { CALIB_DG_FIRST_BEAT = 3, CALIB_DG_BEATS = 3 };

/* Trains the two MLPs and runs the LSTM step; tensors live in arena a. */
void calib_dg_init(calib_dg *d, ts_arena *a, int seed);
/* Draws diagram beat k (0..CALIB_DG_BEATS-1) at the clock's progress. */
void calib_dg_draw(const calib_dg *d, int k, const scene_clock *c);
void calib_dg_dump(const calib_dg *d, ts_dump *dump);

#endif
