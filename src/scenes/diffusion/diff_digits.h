/* diff_digits.h: the diffusion scene's image model: a class-conditional MLP
 * that predicts the noise in 16x16 digits, sampled with classifier-free
 * guidance. Shared by the scene and its trainer (tools/train_diffusion.c).
 *
 *   dig_model g;
 *   dig_model_load(&g, &arena, "assets/diffusion-digits.safetensors", 8, err, n);
 *   dig_chain_begin(&g, &c, 1000, 3, 2.0f, seed);   // 8 threes, guidance 2
 *   dig_chain_advance(&g, &c, 1000);                 // every state kept
 *
 * Images are [16,16] in [-1, 1] (ink +1, paper -1). The denoiser is
 * nn.Sequential(Linear(DIG_IN, H), SiLU, ..., Linear(H, 256)) named
 * "denoiser.K.*"; its input row is the noisy image flattened (256), the
 * time embedding of t (DIG_E, as diff_temb: first half sin, second half
 * cos, frequencies exp(-ln(10000) k / (E/2))), then the class one-hot (10;
 * all zero: unconditional). Guidance: eps = eps_uncond + w (eps_cond -
 * eps_uncond), w = 1 is the conditional model alone, w = 0 the
 * unconditional one. The schedule is DDPM linear (1e-4 .. 0.02, T = 1000).
 *
 * The weights file is a tensor dump written by the trainer: the denoiser's
 * parameters, "samples" [10,1,16,16] (one training digit per class, the
 * scene's clean data) and params (the judge's rates, the training setup).
 * Loading checks every name and shape and fails with one line.
 */
#ifndef TS_DIFF_DIGITS_H
#define TS_DIFF_DIGITS_H

#include <stdbool.h>
#include <stddef.h>
#include "kernel/diffusion.h"
#include "kernel/mlp.h"

#define DIG_SIZE 16
#define DIG_PIX (DIG_SIZE * DIG_SIZE)
#define DIG_E 32
#define DIG_CLASSES 10
#define DIG_IN (DIG_PIX + DIG_E + DIG_CLASSES)
#define DIG_T 1000
#define DIG_MAX_N 16           /* images one chain carries */

typedef struct dig_model {
    ts_mlp *net;
    ts_ddpm_schedule *sched;   /* linear */
    float samples[DIG_CLASSES][DIG_PIX];
    /* the trainer's judge, from the file's params (0 when absent): the share
     * of generated digits the cnn read as their class, at this guidance and
     * number of sampler steps */
    float judge_rate[DIG_CLASSES], judge_guidance;
    int judge_steps;
    int hidden, layers, max_rows;
    float *in;                 /* [max_rows, DIG_IN] scratch */
} dig_model;

/* A fresh model (the trainer's): sizes DIG_IN, hidden x (layers - 1), 256;
 * init from rng; forward batches up to max_rows rows. */
void dig_model_new(dig_model *g, ts_arena *a, int hidden, int layers, int max_rows, ts_rng *rng);
/* Reads a weights file into a new model; max_rows as above. */
bool dig_model_load(dig_model *g, ts_arena *a, const char *path, int max_rows, char *err, size_t errlen);

/* One input row: x [256], timestep t, class 0..9 or -1 (unconditional). */
void dig_input(float *row, const float *x, int t, int cls);
/* eps [n, 256] for images x [n, 256] at timestep t: guided (eps_cond and
 * eps_uncond [n,256] receive both predictions when not NULL). 2n <= max_rows. */
void dig_eps(dig_model *g, float *eps, float *eps_cond, float *eps_uncond, const float *x, int n,
             int t, int cls, float guidance);

/* n final samples out [n,256] of class cls (-1: unconditional) from the
 * reverse chain below with noise from rng, keeping no states (2n <= max_rows). */
void dig_sample(dig_model *g, float *out, int n, int steps, int cls, float guidance, ts_rng *rng);

/* The reverse chain over `steps` strided timesteps (DIG_T: every one), as
 * the 2-D model's (diff_model.h): the schedule respaced onto the visited
 * steps, posterior variance, x_0 clipped to [-1, 1]; all states kept. */
typedef struct dig_chain {
    int n, steps, cls;
    float guidance;
    unsigned seed;
    int done;                  /* states computed after the start */
    int shown;                 /* the state whose step fills the buffers below */
    int tau[DIG_T];
    int state_t[DIG_T + 1];    /* the timestep of each state (-1: x_0) */
    ts_ddpm_schedule *resp;
    ts_arena arena;
    ts_rng rng;
    ts_rng rng_at[DIG_T];      /* the noise stream before each step */
    float *x;                  /* [steps + 1, n, 256] */
    /* the step that made state `shown` (zeros while shown is 0) */
    float *xt, *eps, *eps_cond, *eps_uncond, *x0_pred, *mean, *z, *prev;   /* [n,256] */
    int step_t, step_index;
} dig_chain;

/* Sets the chain up (a no-op if the same one is under way). */
void dig_chain_begin(const dig_model *g, dig_chain *c, int n, int steps, int cls, float guidance,
                     unsigned seed);
/* Computes states up to k (0..steps) and fills the step buffers with the
 * step that made state k. States are kept, so going back recomputes only
 * that one step (from its saved noise stream: the same numbers). */
void dig_chain_advance(dig_model *g, dig_chain *c, int k);
const float *dig_chain_at(const dig_chain *c, int k);   /* [n,256] */
void dig_chain_free(dig_chain *c);

/* 28x28 digits in 0..1 (the cnn scene's) to 16x16 in -1..1: each output
 * pixel the mean over the 1.75x1.75 input area it covers. */
void dig_from28(float *out16, const float *in28);
/* 16x16 in -1..1 back to 28x28 in 0..1 for the cnn classifier: clamped,
 * bilinear (pixel centres, F.interpolate's align_corners=False). */
void dig_to28(float *out28, const float *in16);

#endif
