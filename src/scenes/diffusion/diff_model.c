/* diff_model.c: data, training with checkpoints, noising and the reverse
 * chain of the 2-D diffusion model. See diff_model.h for the contract. */
#include "scenes/diffusion/diff_model.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include "kernel/train.h"

#define PI 3.14159265358979323846
#define SHOW_SEED 0xd1ff

const char *const diff_data_names[DIFF_DATA_COUNT] = { "spiral", "moons", "ring", "drawn" };

diff_config diff_config_default(void) {
    return (diff_config){ .data = DIFF_SPIRAL, .hidden = 64, .lr = 5e-3f, .batch = 128, .seed = 1 };
}

void diff_sample_data(const diff_config *c, ts_rng *rng, float *xy, int n) {
    for (int i = 0; i < n; i++) {
        float x = 0, y = 0;
        switch (c->data) {
        case DIFF_SPIRAL: {   /* one arm, 1.5 turns, radius 0.3 .. 2.2 */
            float u = ts_rng_uniform(rng);
            double a = 3 * PI * u + 0.5, r = 0.3 + 1.9 * u;
            x = (float)(r * cos(a)) + 0.05f * ts_rng_normal(rng);
            y = (float)(r * sin(a)) + 0.05f * ts_rng_normal(rng);
            break;
        }
        case DIFF_MOONS:
            ts_moons_point(rng, 0.06f, &x, &y);
            break;
        case DIFF_RING: {
            double a = 2 * PI * ts_rng_int(rng, 8) / 8;
            x = (float)(1.8 * cos(a)) + 0.1f * ts_rng_normal(rng);
            y = (float)(1.8 * sin(a)) + 0.1f * ts_rng_normal(rng);
            break;
        }
        default: {
            int k = c->drawn_n > 0 ? ts_rng_int(rng, c->drawn_n) : 0;
            x = c->drawn[k][0] + 0.05f * ts_rng_normal(rng);
            y = c->drawn[k][1] + 0.05f * ts_rng_normal(rng);
            break;
        }
        }
        xy[2 * i] = x;
        xy[2 * i + 1] = y;
    }
}

void diff_temb(float *out, int t, int E) {
    const int h = E / 2;
    for (int k = 0; k < h; k++) {
        double f = exp(-log(10000.0) * k / h);
        out[k] = (float)sin(t * f);
        out[k + h] = (float)cos(t * f);
    }
}

/* rows of [x (2), temb (E)] for points xy at timesteps ts (the embedding
 * from m's table: the same numbers as diff_temb, without its sin and cos
 * for every row of every training step). */
static void net_input(const diff_model *m, float *in, const float *xy, const int *ts, int n) {
    for (int i = 0; i < n; i++) {
        float *r = in + (size_t)i * (2 + DIFF_E);
        r[0] = xy[2 * i];
        r[1] = xy[2 * i + 1];
        memcpy(r + 2, m->temb_table + (size_t)ts[i] * DIFF_E, sizeof(float) * DIFF_E);
    }
}

static bool train_step(void *ctx, long n);

bool diff_model_init(diff_model *m, const diff_config *cfg, char *err, size_t errlen) {
    memset(m, 0, sizeof *m);
    m->cfg = *cfg;
    const diff_config *c = &m->cfg;
    if (c->data == DIFF_DRAWN && c->drawn_n < 8) {
        snprintf(err, errlen, "drawn data needs at least 8 points, got %d", c->drawn_n);
        return false;
    }
    float betas[DIFF_T];
    ts_ddpm_linear_betas(betas, DIFF_T, 0, 0);
    m->lin = ts_ddpm_schedule_new(&m->arena, betas, DIFF_T);
    ts_ddpm_cosine_betas(betas, DIFF_T, 0);
    m->cos = ts_ddpm_schedule_new(&m->arena, betas, DIFF_T);
    m->sched = c->cosine ? m->cos : m->lin;
    m->betas = ts_new1(&m->arena, "schedule.betas", DIFF_T);
    m->alpha_bar = ts_new1(&m->arena, "schedule.alpha_bar", DIFF_T);
    memcpy(m->betas->data, m->sched->betas, sizeof(float) * DIFF_T);
    memcpy(m->alpha_bar->data, m->sched->alpha_bar, sizeof(float) * DIFF_T);

    ts_rng_seed(&m->rng, c->seed);
    int maxb = c->batch > DIFF_N ? c->batch : DIFF_N;
    m->net = ts_mlp_new(&m->arena, &(ts_mlp_desc){
        .name = "denoiser", .sizes = { 2 + DIFF_E, c->hidden, c->hidden, c->hidden, 2 },
        .layers = 4, .act = TS_ACT_SILU, .max_batch = maxb }, &m->rng);
    ts_tensor *p[8];
    int np = ts_mlp_params(m->net, p);
    m->opt = ts_optim_new(&m->arena, p, np, &(ts_optim_desc){ .kind = TS_OPTIM_ADAM, .lr = c->lr });
    for (int i = 0; i < 4; i++)
        m->buf[i] = ts_arena_alloc(&m->arena, sizeof(float) * (size_t)maxb * (2 + DIFF_E));
    m->trainer = ts_trainer_create(&(ts_trainer_desc){ .step = train_step, .ctx = m,
                                                       .every = DIFF_CKPT_EVERY });
    TS_CHECK(m->trainer != NULL);
    ts_trainer_add_optim(m->trainer, m->opt);
    ts_trainer_add_rng(m->trainer, &m->rng);
    ts_trainer_add_bytes(m->trainer, &m->step, sizeof m->step);
    m->temb_table = ts_arena_alloc(&m->arena, sizeof(float) * DIFF_T * DIFF_E);
    for (int t = 0; t < DIFF_T; t++) diff_temb(m->temb_table + (size_t)t * DIFF_E, t, DIFF_E);
    m->hist_loss = ts_arena_alloc(&m->arena, sizeof(float) * (DIFF_MAX_STEPS + 1));
    m->hist_avg = ts_arena_alloc(&m->arena, sizeof(float) * (DIFF_MAX_STEPS + 1));
    for (int i = 0; i <= DIFF_MAX_STEPS; i++) m->hist_loss[i] = m->hist_avg[i] = NAN;
    m->chain = ts_arena_alloc(&m->arena, sizeof(float) * (DIFF_T + 1) * DIFF_N * 2);

    const int N = DIFF_N;
    m->x0 = ts_new2(&m->arena, "x0", N, 2);
    m->eps = ts_new2(&m->arena, "eps", N, 2);
    m->xt = ts_new2(&m->arena, "xt", N, 2);
    m->temb = ts_new2(&m->arena, "temb", N, DIFF_E);
    m->din = ts_new2(&m->arena, "denoiser.in", N, 2 + DIFF_E);
    m->eps_pred = ts_new2(&m->arena, "eps_pred", N, 2);
    m->r_x0_pred = ts_new2(&m->arena, "x0_pred", N, 2);
    m->r_mean = ts_new2(&m->arena, "posterior_mean", N, 2);
    m->r_z = ts_new2(&m->arena, "z", N, 2);
    m->r_prev = ts_new2(&m->arena, "x_prev", N, 2);
    m->r_xt = ts_new2(&m->arena, "xt", N, 2);
    m->r_eps = ts_new2(&m->arena, "eps_pred", N, 2);
    ts_rng show;
    ts_rng_seed(&show, SHOW_SEED);
    diff_sample_data(c, &show, m->x0->data, N);
    ts_rng_normal_fill(&show, m->eps->data, (size_t)N * 2, 0, 1);
    ts_trainer_begin(m->trainer);
    return true;
}

void diff_model_free(diff_model *m) {
    ts_trainer_destroy(m->trainer);
    ts_arena_free(&m->chain_arena);
    ts_arena_free(&m->arena);
}

/* The trainer's step callback: optimiser step n on a fresh batch, its loss
 * and running average recorded. */
static bool train_step(void *ctx, long n) {
    diff_model *m = ctx;
    if (n > DIFF_MAX_STEPS) return false;
    const int B = m->cfg.batch;
    float *x0 = m->buf[0], *eps = m->buf[1], *in = m->buf[2], *d = m->buf[3];
    int ts[1024] = { 0 };   /* (all B set below; zeroed for the compiler) */
    diff_sample_data(&m->cfg, &m->rng, x0, B);
    ts_rng_normal_fill(&m->rng, eps, (size_t)B * 2, 0, 1);
    for (int i = 0; i < B; i++) {
        ts[i] = ts_rng_int(&m->rng, DIFF_T);
        float a = m->sched->sqrt_alpha_bar[ts[i]], s = m->sched->sqrt_one_minus_alpha_bar[ts[i]];
        x0[2 * i] = a * x0[2 * i] + s * eps[2 * i];          /* x0 becomes x_t */
        x0[2 * i + 1] = a * x0[2 * i + 1] + s * eps[2 * i + 1];
    }
    net_input(m, in, x0, ts, B);
    ts_mlp_forward(m->net, NULL, in, B);
    const float *pred = ts_mlp_output(m->net);
    double loss = 0;
    for (int i = 0; i < 2 * B; i++) {
        float e = pred[i] - eps[i];
        loss += e * e;
        d[i] = 2 * e / (2 * B);
    }
    ts_optim_zero_grad(m->opt);
    ts_mlp_backward(m->net, NULL, d, B, true);
    ts_optim_step(m->opt);
    m->step = (int)n;
    float l = (float)(loss / (2 * B));
    m->hist_loss[m->step] = l;
    m->hist_avg[m->step] = m->step > 1 ? 0.98f * m->hist_avg[m->step - 1] + 0.02f * l : l;
    return true;
}

void diff_model_seek(diff_model *m, int step) {
    if (step < 0) step = 0;
    if (step > DIFF_MAX_STEPS) step = DIFF_MAX_STEPS;
    ts_trainer_seek(m->trainer, step);
}

void diff_model_noise(diff_model *m, int t, const ts_ddpm_schedule *s) {
    const int N = DIFF_N;
    ts_ddpm_q_sample(m->xt->data, m->x0->data, m->eps->data, s, t, N * 2);
    int ts[DIFF_N];
    for (int i = 0; i < N; i++) ts[i] = t;
    net_input(m, m->din->data, m->xt->data, ts, N);
    for (int i = 0; i < N; i++)
        memcpy(m->temb->data + (size_t)i * DIFF_E, m->din->data + (size_t)i * (2 + DIFF_E) + 2,
               sizeof(float) * DIFF_E);
    ts_mlp_forward(m->net, m->eps_pred->data, m->din->data, N);
}

void diff_model_chain_begin(diff_model *m, int steps, unsigned seed) {
    if (steps < 1) steps = 1;
    if (steps > DIFF_T) steps = DIFF_T;
    const ts_ddpm_schedule *s = m->sched;
    ts_arena_reset(&m->chain_arena);
    for (int i = 0; i < steps; i++)
        m->tau[i] = steps == DIFF_T ? i : (int)llround((double)(DIFF_T - 1) * (i + 1) / steps);
    float betas[DIFF_T];
    double prev = 1;
    for (int i = 0; i < steps; i++) {
        double ab = s->alpha_bar[m->tau[i]];
        betas[i] = (float)(1 - ab / prev);
        prev = ab;
    }
    m->resp = ts_ddpm_schedule_new(&m->chain_arena, betas, steps);
    ts_rng_seed(&m->chain_rng, seed);
    ts_rng_normal_fill(&m->chain_rng, m->chain, (size_t)DIFF_N * 2, 0, 1);
    m->chain_t[0] = m->tau[steps - 1];
    m->chain_steps = steps;
    m->chain_seed = seed;
    m->chain_done = 0;
}

void diff_model_chain_advance(diff_model *m, int upto) {
    const int N = DIFF_N, steps = m->chain_steps;
    if (upto > steps) upto = steps;
    float in[DIFF_N * (2 + DIFF_E)];
    int ts[DIFF_N];
    while (m->chain_done < upto) {
        int k = m->chain_done, i = steps - 1 - k;   /* respaced index, from the top */
        float *cur = m->chain + (size_t)k * N * 2, *next = cur + (size_t)N * 2;
        for (int j = 0; j < N; j++) ts[j] = m->tau[i];
        net_input(m, in, cur, ts, N);
        ts_mlp_forward(m->net, m->r_eps->data, in, N);
        memcpy(m->r_xt->data, cur, sizeof(float) * N * 2);
        ts_ddpm_predict_x0(m->r_x0_pred->data, cur, m->r_eps->data, m->resp, i, N * 2);
        ts_ddpm_posterior_mean(m->r_mean->data, m->r_x0_pred->data, cur, m->resp, i, N * 2);
        memset(m->r_z->data, 0, sizeof(float) * N * 2);
        if (i > 0) ts_rng_normal_fill(&m->chain_rng, m->r_z->data, (size_t)N * 2, 0, 1);
        float sd = sqrtf(m->resp->post_var[i]);
        for (int j = 0; j < 2 * N; j++) next[j] = m->r_mean->data[j] + sd * m->r_z->data[j];
        memcpy(m->r_prev->data, next, sizeof(float) * N * 2);
        m->r_t = m->tau[i];
        m->r_index = i;
        m->chain_t[k + 1] = i > 0 ? m->tau[i - 1] : -1;
        m->chain_done++;
    }
}

const float *diff_model_chain_at(const diff_model *m, int k) {
    if (k > m->chain_done) k = m->chain_done;
    if (k < 0) k = 0;
    return m->chain + (size_t)k * DIFF_N * 2;
}
