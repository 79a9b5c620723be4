/* diffusion.c: DDPM schedules and steps. See diffusion.h for the manual. */
#include "diffusion.h"

#include <math.h>
#include <string.h>

#define TS_DIFF_PI 3.14159265358979323846

void ts_ddpm_linear_betas(float *betas, int T, float beta_start, float beta_end) {
    TS_CHECK(T >= 1);
    double b0 = beta_start == 0.0f ? 1e-4 : beta_start;
    double b1 = beta_end == 0.0f ? 0.02 : beta_end;
    /* linspace: the endpoints are exact, step (b1-b0)/(T-1) in between */
    for (int t = 0; t < T; t++)
        betas[t] = T == 1 ? (float)b0 : (float)(b0 + (b1 - b0) * t / (T - 1));
}

void ts_ddpm_cosine_betas(float *betas, int T, float s) {
    TS_CHECK(T >= 1);
    double ss = s == 0.0f ? 0.008 : s;
    double f0 = cos(ss / (1.0 + ss) * TS_DIFF_PI / 2.0);
    f0 *= f0;
    for (int t = 0; t < T; t++) {
        double a = cos(((double)t / T + ss) / (1.0 + ss) * TS_DIFF_PI / 2.0);
        double b = cos(((double)(t + 1) / T + ss) / (1.0 + ss) * TS_DIFF_PI / 2.0);
        double ab_t = a * a / f0, ab_next = b * b / f0;
        double beta = 1.0 - ab_next / ab_t;
        betas[t] = (float)(beta < 0.999 ? beta : 0.999);
    }
}

ts_ddpm_schedule *ts_ddpm_schedule_new(ts_arena *a, const float *betas, int T) {
    TS_CHECK(T >= 1);
    ts_ddpm_schedule *s = ts_arena_alloc(a, sizeof *s);
    float **vecs[] = { &s->betas, &s->alphas, &s->alpha_bar, &s->alpha_bar_prev,
                       &s->sqrt_alpha_bar, &s->sqrt_one_minus_alpha_bar,
                       &s->post_var, &s->post_coef1, &s->post_coef2 };
    for (size_t i = 0; i < sizeof vecs / sizeof vecs[0]; i++)
        *vecs[i] = ts_arena_alloc(a, sizeof(float) * (size_t)T);
    s->T = T;
    memcpy(s->betas, betas, sizeof(float) * (size_t)T);
    /* the running product is kept in double so long schedules lose nothing */
    double ab = 1.0;
    for (int t = 0; t < T; t++) {
        double beta = betas[t], alpha = 1.0 - beta, ab_prev = ab;
        ab *= alpha;
        s->alphas[t] = (float)alpha;
        s->alpha_bar[t] = (float)ab;
        s->alpha_bar_prev[t] = (float)ab_prev;
        s->sqrt_alpha_bar[t] = (float)sqrt(ab);
        s->sqrt_one_minus_alpha_bar[t] = (float)sqrt(1.0 - ab);
        s->post_var[t] = (float)(beta * (1.0 - ab_prev) / (1.0 - ab));
        s->post_coef1[t] = (float)(beta * sqrt(ab_prev) / (1.0 - ab));
        s->post_coef2[t] = (float)(sqrt(alpha) * (1.0 - ab_prev) / (1.0 - ab));
    }
    return s;
}

void ts_ddpm_q_sample(float *xt, const float *x0, const float *eps,
                      const ts_ddpm_schedule *s, int t, int n) {
    TS_CHECK(t >= 0 && t < s->T);
    float a = s->sqrt_alpha_bar[t], b = s->sqrt_one_minus_alpha_bar[t];
    for (int i = 0; i < n; i++) xt[i] = a * x0[i] + b * eps[i];
}

void ts_ddpm_predict_x0(float *x0, const float *xt, const float *eps,
                        const ts_ddpm_schedule *s, int t, int n) {
    TS_CHECK(t >= 0 && t < s->T);
    float a = s->sqrt_alpha_bar[t], b = s->sqrt_one_minus_alpha_bar[t];
    for (int i = 0; i < n; i++) x0[i] = (xt[i] - b * eps[i]) / a;
}

void ts_ddpm_posterior_mean(float *mean, const float *x0, const float *xt,
                            const ts_ddpm_schedule *s, int t, int n) {
    TS_CHECK(t >= 0 && t < s->T);
    float c1 = s->post_coef1[t], c2 = s->post_coef2[t];
    for (int i = 0; i < n; i++) mean[i] = c1 * x0[i] + c2 * xt[i];
}

void ts_ddpm_p_step(float *xprev, const float *xt, const float *eps_pred,
                    const float *z, const ts_ddpm_schedule *s, int t,
                    ts_ddpm_var var, int n) {
    TS_CHECK(t >= 0 && t < s->T);
    float k = s->betas[t] / s->sqrt_one_minus_alpha_bar[t];
    float inv_sqrt_a = 1.0f / sqrtf(s->alphas[t]);
    float sigma = 0.0f;
    if (t > 0) sigma = sqrtf(var == TS_DDPM_VAR_POSTERIOR ? s->post_var[t] : s->betas[t]);
    for (int i = 0; i < n; i++) {
        float x = (xt[i] - k * eps_pred[i]) * inv_sqrt_a;
        xprev[i] = sigma > 0.0f ? x + sigma * z[i] : x;
    }
}
