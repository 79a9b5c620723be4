/* diff_model.h: a DDPM on 2-D points: data, schedules, an MLP that
 * predicts the noise, deterministic live training with rewind, and the
 * reverse chain.
 *
 *   diff_model m;
 *   diff_model_init(&m, &cfg, err, sizeof err);
 *   diff_model_seek(&m, 800);               // train (or rewind) to step 800
 *   diff_model_sample(&m, 1000, seed);      // the reverse chain, all steps kept
 *   diff_model_free(&m);
 *
 * The denoiser is nn.Sequential(Linear(2+E, H), SiLU, Linear(H, H), SiLU,
 * Linear(H, H), SiLU, Linear(H, 2)) named "denoiser.K.*". Its input
 * ("denoiser.in") is the noisy point concatenated with temb, the sinusoidal
 * embedding of the 0-based timestep t: temb[k] = sin(t f_k) for k < E/2 and
 * cos(t f_{k-E/2}) after, f_k = exp(-ln(10000) k / (E/2)).
 * Training: x0 from the data, t uniform in [0, T), eps ~ N(0, I),
 * x_t = sqrt(ab_t) x0 + sqrt(1 - ab_t) eps, loss = mean (eps_pred - eps)^2,
 * Adam. The kernel's rewindable trainer (kernel/trainer.h) checkpoints the
 * parameters, Adam moments, RNG and step every DIFF_CKPT_EVERY steps, so the
 * state at step n is a function of the config and n alone, reached the same
 * way forwards or backwards: the story can be scrubbed.
 */
#ifndef TS_DIFF_MODEL_H
#define TS_DIFF_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include "kernel/diffusion.h"
#include "kernel/mlp.h"
#include "kernel/optim.h"
#include "kernel/trainer.h"

enum diff_data { DIFF_SPIRAL, DIFF_MOONS, DIFF_RING, DIFF_DRAWN, DIFF_DATA_COUNT };
extern const char *const diff_data_names[DIFF_DATA_COUNT];

#define DIFF_T 1000
#define DIFF_E 16              /* time embedding size */
#define DIFF_N 512             /* points shown */
#define DIFF_MAX_DRAWN 512
#define DIFF_CKPT_EVERY 250
#define DIFF_MAX_STEPS 20000

typedef struct diff_config {
    int data;                  /* enum diff_data */
    bool cosine;               /* the schedule the model trains and samples with */
    int hidden;
    float lr;
    int batch;
    unsigned seed;
    float drawn[DIFF_MAX_DRAWN][2];
    int drawn_n;
} diff_config;

diff_config diff_config_default(void);

typedef struct diff_model {
    diff_config cfg;
    ts_arena arena;
    ts_ddpm_schedule *lin, *cos;   /* both schedules, for the comparison */
    ts_ddpm_schedule *sched;       /* the one in use */
    ts_mlp *net;
    ts_optim *opt;
    ts_rng rng;
    int step;
    ts_trainer *trainer;           /* optimiser, RNG and step: seek and rewind */
    float *hist_loss;              /* [DIFF_MAX_STEPS + 1] per-step loss */
    float *hist_avg;               /* its running average (0.98 decay) */
    float *buf[4];                 /* batch scratch */
    float *temb_table;             /* [DIFF_T, DIFF_E]: diff_temb of every t, once */
    /* the shown data and one forward-noising example at timestep t */
    ts_tensor *x0, *eps, *xt;      /* [N,2] */
    ts_tensor *temb, *din, *eps_pred;   /* [N,E], [N,2+E], [N,2] */
    ts_tensor *betas, *alpha_bar;  /* "schedule.betas", "schedule.alpha_bar" [T] */
    /* the reverse chain (diff_model_chain_begin / _advance) */
    int chain_steps;               /* sampler steps (0: no chain) */
    unsigned chain_seed;
    int chain_done;                /* states computed after the start */
    int chain_t[DIFF_T + 1];       /* the timestep of each state (-1: x_0) */
    int tau[DIFF_T];               /* the strided timesteps, ascending */
    ts_ddpm_schedule *resp;        /* the schedule respaced onto tau */
    ts_arena chain_arena;
    ts_rng chain_rng;
    float *chain;                  /* [chain_steps + 1, N, 2]: from pure noise to x_0 */
    /* one reverse step of the chain, kept for the dump: the last advanced */
    ts_tensor *r_x0_pred, *r_mean, *r_z, *r_prev, *r_xt, *r_eps;   /* [N,2] */
    int r_t, r_index;
} diff_model;

bool diff_model_init(diff_model *m, const diff_config *cfg, char *err, size_t errlen);
void diff_model_free(diff_model *m);
/* Trains forward or rewinds to exactly `step` optimiser steps. */
void diff_model_seek(diff_model *m, int step);
/* Noises the shown data to timestep t with the shown eps and runs the
 * denoiser on it (xt, temb, denoiser.in, eps_pred). */
void diff_model_noise(diff_model *m, int t, const ts_ddpm_schedule *s);
/* The reverse chain from N(0, I) over `steps` evenly strided timesteps
 * (DIFF_T: every one, the DDPM sampler; fewer: the same sampler on the
 * schedule respaced onto those steps), noise from seed, posterior variance,
 * no clipping. begin sets it up (a no-op if the same chain is under way);
 * advance computes states up to k (0..steps), keeping every state, so an
 * animation computes only what it shows. Call begin again after training. */
void diff_model_chain_begin(diff_model *m, int steps, unsigned seed);
void diff_model_chain_advance(diff_model *m, int k);
const float *diff_model_chain_at(const diff_model *m, int k);   /* [N,2] */
/* The sinusoidal embedding of t: out [E]. */
void diff_temb(float *out, int t, int E);
/* One data point cloud sample xy [n, 2] from rng. */
void diff_sample_data(const diff_config *c, ts_rng *rng, float *xy, int n);

#endif
