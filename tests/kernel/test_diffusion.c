/* test_diffusion: DDPM schedules, q_sample, posterior and reverse step vs the
 * textbook formulas evaluated in float64 by PyTorch
 * (tests/fixtures/diffusion.json, from tools/fixtures_spatial.py). */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "kernel/diffusion.h"

static const ts_dump *fx;

static const float *fd(const char *fmt, const char *sched, int t) {
    char name[TS_NAME_MAX];
    snprintf(name, sizeof name, fmt, sched, t);
    return fixture(fx, name)->data;
}

static void cmp(const char *what, const char *sched, const float *got, const float *want,
                int n, float rtol, float atol) {
    char label[64];
    snprintf(label, sizeof label, "%s %s", sched, what);
    check_close(label, got, want, (size_t)n, rtol, atol);
}

static void test_schedule(ts_arena *a, const char *name, const float *betas, int T, int n) {
    ts_ddpm_schedule *s = ts_ddpm_schedule_new(a, betas, T);
    const struct { const char *key; const float *got; } vecs[] = {
        { "betas", s->betas }, { "alphas", s->alphas }, { "alpha_bar", s->alpha_bar },
        { "alpha_bar_prev", s->alpha_bar_prev }, { "sqrt_ab", s->sqrt_alpha_bar },
        { "sqrt_1m_ab", s->sqrt_one_minus_alpha_bar }, { "post_var", s->post_var },
        { "coef1", s->post_coef1 }, { "coef2", s->post_coef2 },
    };
    for (size_t i = 0; i < sizeof vecs / sizeof vecs[0]; i++) {
        char key[TS_NAME_MAX];
        snprintf(key, sizeof key, "%s.%s", name, vecs[i].key);
        cmp(vecs[i].key, name, vecs[i].got, fixture(fx, key)->data, T, 1e-5f, 1e-7f);
    }
    CHECK(s->alpha_bar_prev[0] == 1.0f && s->post_var[0] == 0.0f);

    const float *x0 = fixture(fx, "x0")->data, *eps = fixture(fx, "eps")->data;
    const float *z = fixture(fx, "z")->data, *epsp = fixture(fx, "eps_pred")->data;
    float *xt = ts_arena_alloc(a, sizeof(float) * (size_t)n);
    float *tmp = ts_arena_alloc(a, sizeof(float) * (size_t)n);
    const int ts[] = { 0, 1, 50, 99 };
    for (size_t k = 0; k < sizeof ts / sizeof ts[0]; k++) {
        int t = ts[k];
        char what[48];
        ts_ddpm_q_sample(xt, x0, eps, s, t, n);
        snprintf(what, sizeof what, "q_sample t=%d", t);
        cmp(what, name, xt, fd("%s.t%d.xt", name, t), n, 1e-5f, 1e-6f);
        /* the rest start from the fixture's x_t so errors do not compound */
        const float *xt_ref = fd("%s.t%d.xt", name, t);
        ts_ddpm_predict_x0(tmp, xt_ref, epsp, s, t, n);
        snprintf(what, sizeof what, "predict_x0 t=%d", t);
        cmp(what, name, tmp, fd("%s.t%d.x0_pred", name, t), n, 1e-5f, 1e-5f);
        ts_ddpm_posterior_mean(tmp, x0, xt_ref, s, t, n);
        snprintf(what, sizeof what, "posterior_mean t=%d", t);
        cmp(what, name, tmp, fd("%s.t%d.post_mean", name, t), n, 1e-5f, 1e-6f);
        ts_ddpm_p_step(tmp, xt_ref, epsp, t == 0 ? NULL : z, s, t, TS_DDPM_VAR_BETA, n);
        snprintf(what, sizeof what, "p_step(beta) t=%d", t);
        cmp(what, name, tmp, fd("%s.t%d.step_beta", name, t), n, 1e-5f, 1e-5f);
        ts_ddpm_p_step(tmp, xt_ref, epsp, z, s, t, TS_DDPM_VAR_POSTERIOR, n);
        snprintf(what, sizeof what, "p_step(posterior) t=%d", t);
        cmp(what, name, tmp, fd("%s.t%d.step_post", name, t), n, 1e-5f, 1e-5f);
    }
}

int main(void) {
    ts_arena a = {0};
    fx = fixture_load("diffusion.json", &a);
    double Td = 0, nd = 0;
    CHECK(ts_dump_get_param(fx, "T", &Td) && ts_dump_get_param(fx, "n", &nd));
    int T = (int)Td, n = (int)nd;
    float *betas = ts_arena_alloc(&a, sizeof(float) * (size_t)T);

    ts_ddpm_linear_betas(betas, T, 0.0f, 0.0f);           /* defaults 1e-4, 0.02 */
    check_close("linear betas", betas, fixture(fx, "lin.betas")->data, (size_t)T, 1e-6f, 0.0f);
    test_schedule(&a, "lin", fixture(fx, "lin.betas")->data, T, n);

    ts_ddpm_cosine_betas(betas, T, 0.0f);                 /* s = 0.008 */
    check_close("cosine betas", betas, fixture(fx, "cos.betas")->data, (size_t)T, 1e-5f, 1e-8f);
    CHECK(betas[T - 1] == 0.999f);                        /* the clip */
    test_schedule(&a, "cos", fixture(fx, "cos.betas")->data, T, n);

    float one;
    ts_ddpm_linear_betas(&one, 1, 0.0f, 0.0f);
    CHECK(one == 1e-4f);
    ts_arena_free(&a);
    return check_report();
}
