/* diffusion.h: the arithmetic of a DDPM (Ho et al. 2020): beta schedules,
 * the forward (noising) process in closed form, the true posterior
 * q(x_{t-1} | x_t, x_0), and one reverse (denoising) step.
 *
 *   float betas[T];
 *   ts_ddpm_cosine_betas(betas, T, 0.0f);            // or ts_ddpm_linear_betas
 *   ts_ddpm_schedule *s = ts_ddpm_schedule_new(&arena, betas, T);
 *   ts_ddpm_q_sample(xt, x0, eps, s, t, n);            // noise x0 to step t
 *   ts_ddpm_p_step(xprev, xt, eps_pred, z, s, t, TS_DDPM_VAR_BETA, n);
 *
 * Timesteps are 0-based: t = 0 .. T-1, where t = 0 is the first noising step
 * (the paper's t = 1). alpha_bar_prev[0] is 1, so at t = 0 the posterior
 * variance is 0 and the reverse step adds no noise.
 *
 * All vectors over timesteps have length T; images are flat buffers of n
 * floats. The schedule is computed in double and stored as float.
 */
#ifndef TS_DIFFUSION_H
#define TS_DIFFUSION_H

#include "tensor.h"

/* betas [T] = linspace(beta_start, beta_end, T) (Ho et al. use 1e-4, 0.02;
 * zeros mean those). */
void ts_ddpm_linear_betas(float *betas, int T, float beta_start, float beta_end);
/* betas [T] from Nichol & Dhariwal's cosine schedule:
 *   f(u) = cos(((u/T) + s) / (1 + s) * pi/2)^2,  alpha_bar(u) = f(u)/f(0),
 *   beta_t = min(1 - alpha_bar(t+1)/alpha_bar(t), 0.999).
 * s = 0 means the paper's 0.008. */
void ts_ddpm_cosine_betas(float *betas, int T, float s);

/* Everything derived from betas, each [T]. */
typedef struct ts_ddpm_schedule {
    int T;
    float *betas;
    float *alphas;            /* 1 - beta_t */
    float *alpha_bar;         /* prod_{s<=t} alpha_s */
    float *alpha_bar_prev;    /* alpha_bar_{t-1}, 1 at t = 0 */
    float *sqrt_alpha_bar;
    float *sqrt_one_minus_alpha_bar;
    float *post_var;          /* beta_t (1 - ab_prev) / (1 - ab_t) */
    float *post_coef1;        /* beta_t sqrt(ab_prev) / (1 - ab_t)     (x_0) */
    float *post_coef2;        /* sqrt(alpha_t) (1 - ab_prev) / (1 - ab_t) (x_t) */
} ts_ddpm_schedule;

/* Allocates the schedule and its vectors in arena a; copies betas. */
ts_ddpm_schedule *ts_ddpm_schedule_new(ts_arena *a, const float *betas, int T);

/* xt [n] = sqrt(ab_t) x0 + sqrt(1 - ab_t) eps;  x0, eps [n]. */
void ts_ddpm_q_sample(float *xt, const float *x0, const float *eps,
                      const ts_ddpm_schedule *s, int t, int n);
/* x0 [n] = (xt - sqrt(1 - ab_t) eps) / sqrt(ab_t): the clean image implied
 * by a noise prediction. */
void ts_ddpm_predict_x0(float *x0, const float *xt, const float *eps,
                        const ts_ddpm_schedule *s, int t, int n);
/* Posterior q(x_{t-1} | x_t, x_0): mean [n] = coef1 x0 + coef2 xt; its
 * variance is s->post_var[t]. */
void ts_ddpm_posterior_mean(float *mean, const float *x0, const float *xt,
                            const ts_ddpm_schedule *s, int t, int n);

/* Variance of the reverse step: sigma_t^2 = beta_t (zero: Ho et al.'s
 * default) or the posterior variance (the other choice of the paper). */
typedef enum ts_ddpm_var {
    TS_DDPM_VAR_BETA = 0,
    TS_DDPM_VAR_POSTERIOR = 1
} ts_ddpm_var;

/* One reverse step (Ho et al., Algorithm 2):
 *   x_{t-1} = (x_t - beta_t / sqrt(1 - ab_t) * eps_pred) / sqrt(alpha_t) + sigma_t z
 * xprev, xt, eps_pred [n]; z [n] standard normal noise, ignored (may be NULL)
 * at t = 0 where no noise is added. */
void ts_ddpm_p_step(float *xprev, const float *xt, const float *eps_pred,
                    const float *z, const ts_ddpm_schedule *s, int t,
                    ts_ddpm_var var, int n);

#endif
