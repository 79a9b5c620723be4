/* gan_model.c: targets, the training step, checkpoints and the shown batch.
 * See gan_model.h for the contract. */
#include "scenes/gan/gan_model.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include "kernel/train.h"

#define PI 3.14159265358979323846

const char *const gan_target_names[GAN_TARGET_COUNT] = { "ring", "grid", "moons", "line", "drawn" };

#define SHOW_SEED 0x5eed5
#define COVER_SEED 0xc0e7
#define COVER_N 2048

gan_config gan_config_default(void) {
    return (gan_config){ .target = GAN_RING, .hidden = 32, .lr_g = 1e-3f, .lr_d = 1e-3f,
                         .d_steps = 1, .slope = 0.2f, .batch = 256, .seed = 1 };
}

/* ---- targets ------------------------------------------------------------------ */

static void target_modes(gan_model *m) {
    const gan_config *c = &m->cfg;
    m->modes = 0;
    if (c->target == GAN_RING) {
        m->modes = 8;
        m->mode_std = 0.1f;
        for (int i = 0; i < 8; i++) {
            double a = 2 * PI * i / 8;
            m->mode_xy[i][0] = (float)(2 * cos(a));
            m->mode_xy[i][1] = (float)(2 * sin(a));
        }
    } else if (c->target == GAN_GRID) {
        m->modes = 25;
        m->mode_std = 0.05f;
        for (int i = 0; i < 25; i++) {
            m->mode_xy[i][0] = (float)(i % 5 - 2);
            m->mode_xy[i][1] = (float)(i / 5 - 2);
        }
    }
}

void gan_sample_target(const gan_config *c, ts_rng *rng, float *xy, int n) {
    for (int i = 0; i < n; i++) {
        float x = 0, y = 0;
        switch (c->target) {
        case GAN_RING: {
            int k = ts_rng_int(rng, 8);
            double a = 2 * PI * k / 8;
            x = (float)(2 * cos(a)) + 0.1f * ts_rng_normal(rng);
            y = (float)(2 * sin(a)) + 0.1f * ts_rng_normal(rng);
            break;
        }
        case GAN_GRID: {
            int k = ts_rng_int(rng, 25);
            x = (float)(k % 5 - 2) + 0.05f * ts_rng_normal(rng);
            y = (float)(k / 5 - 2) + 0.05f * ts_rng_normal(rng);
            break;
        }
        case GAN_MOONS:
            ts_moons_point(rng, 0.08f, &x, &y);
            break;
        case GAN_LINE: {
            float t = 4 * ts_rng_uniform(rng) - 2;
            x = t + 0.03f * ts_rng_normal(rng);
            y = 0.5f * t + 0.03f * ts_rng_normal(rng);
            break;
        }
        default: {  /* drawn: a drawn point plus a little noise */
            int k = c->drawn_n > 0 ? ts_rng_int(rng, c->drawn_n) : 0;
            x = c->drawn[k][0] + 0.06f * ts_rng_normal(rng);
            y = c->drawn[k][1] + 0.06f * ts_rng_normal(rng);
            break;
        }
        }
        xy[2 * i] = x;
        xy[2 * i + 1] = y;
    }
}

/* ---- building ----------------------------------------------------------------- */

static ts_mlp *net(gan_model *m, const char *name, int out, int max_batch) {
    const gan_config *c = &m->cfg;
    return ts_mlp_new(&m->arena, &(ts_mlp_desc){
        .name = name, .sizes = { 2, c->hidden, c->hidden, out }, .layers = 3,
        .act = c->slope > 0 ? TS_ACT_LEAKY_RELU : TS_ACT_RELU, .slope = c->slope,
        .max_batch = max_batch }, &m->rng);
}

static ts_optim *adam(gan_model *m, ts_mlp *n, float lr) {
    ts_tensor *p[2 * TS_MLP_MAX_LAYERS];
    int np = ts_mlp_params(n, p);
    return ts_optim_new(&m->arena, p, np, &(ts_optim_desc){ .kind = TS_OPTIM_ADAM, .lr = lr,
                                                            .beta1 = 0.5f, .beta2 = 0.999f });
}

static bool train_step(void *ctx, long n);

bool gan_model_init(gan_model *m, const gan_config *cfg, char *err, size_t errlen) {
    memset(m, 0, sizeof *m);
    m->cfg = *cfg;
    const gan_config *c = &m->cfg;
    if (c->target == GAN_DRAWN && c->drawn_n < 8) {
        snprintf(err, errlen, "a drawn target needs at least 8 points, got %d", c->drawn_n);
        return false;
    }
    int B = c->batch, field_n = GAN_FIELD * GAN_FIELD;
    ts_rng_seed(&m->rng, c->seed);
    m->G = net(m, "G", 2, B > GAN_N_SHOW ? B : GAN_N_SHOW);
    m->D = net(m, "D", 1, 2 * B > field_n ? 2 * B : field_n);
    size_t nbuf = (size_t)4 * B > (size_t)2 * field_n ? (size_t)4 * B : (size_t)2 * field_n;
    for (int i = 0; i < 3; i++) m->buf[i] = ts_arena_alloc(&m->arena, nbuf * sizeof(float));
    m->opt_g = adam(m, m->G, c->lr_g);
    m->opt_d = adam(m, m->D, c->lr_d);
    target_modes(m);

    m->trainer = ts_trainer_create(&(ts_trainer_desc){ .step = train_step, .ctx = m,
                                                       .every = GAN_CKPT_EVERY });
    TS_CHECK(m->trainer != NULL);
    ts_trainer_add_optim(m->trainer, m->opt_g);
    ts_trainer_add_optim(m->trainer, m->opt_d);
    ts_trainer_add_rng(m->trainer, &m->rng);
    ts_trainer_add_bytes(m->trainer, &m->step, sizeof m->step);
    m->hist_d = ts_arena_alloc(&m->arena, sizeof(float) * (GAN_MAX_STEPS + 1));
    m->hist_g = ts_arena_alloc(&m->arena, sizeof(float) * (GAN_MAX_STEPS + 1));
    m->hist_cover = ts_arena_alloc(&m->arena, sizeof(float) * (GAN_MAX_STEPS / GAN_COVER_EVERY + 1));
    for (int i = 0; i <= GAN_MAX_STEPS; i++) m->hist_d[i] = m->hist_g[i] = NAN;
    for (int i = 0; i <= GAN_MAX_STEPS / GAN_COVER_EVERY; i++) m->hist_cover[i] = NAN;

    const int N = GAN_N_SHOW;
    m->z = ts_new2(&m->arena, "z", N, 2);
    m->real = ts_new2(&m->arena, "real", N, 2);
    m->fake = ts_new2(&m->arena, "fake", N, 2);
    m->real_logits = ts_new2(&m->arena, "D.real_logits", N, 1);
    m->fake_logits = ts_new2(&m->arena, "D.fake_logits", N, 1);
    m->loss_d = ts_new1(&m->arena, "loss.D", 1);
    m->loss_g = ts_new1(&m->arena, "loss.G", 1);
    m->grad_fake = ts_new2(&m->arena, "grad.fake", N, 2);
    m->field = ts_new2(&m->arena, "field", GAN_FIELD, GAN_FIELD);
    m->field_logit = ts_new2(&m->arena, "field.logit", GAN_FIELD, GAN_FIELD);
    m->mode_share = ts_new1(&m->arena, "mode_share", m->modes > 0 ? m->modes : 1);
    ts_rng show;
    ts_rng_seed(&show, SHOW_SEED);
    ts_rng_normal_fill(&show, m->z->data, (size_t)N * 2, 0, 1);
    gan_sample_target(c, &show, m->real->data, N);

    ts_trainer_begin(m->trainer);
    m->hist_cover[0] = (float)gan_model_coverage(m);
    gan_model_show(m);
    return true;
}

void gan_model_free(gan_model *m) {
    ts_trainer_destroy(m->trainer);
    ts_arena_free(&m->arena);
}

/* ---- training ------------------------------------------------------------------ */

static float d_update(gan_model *m) {
    const int B = m->cfg.batch;
    float *x = m->buf[0], *tgt = m->buf[1], *dl = m->buf[2];
    gan_sample_target(&m->cfg, &m->rng, x, B);
    float *z = tgt;   /* z borrows the target buffer before targets are written */
    ts_rng_normal_fill(&m->rng, z, (size_t)2 * B, 0, 1);
    ts_mlp_forward(m->G, x + 2 * B, z, B);
    for (int i = 0; i < 2 * B; i++) tgt[i] = i < B ? 1.0f : 0.0f;
    ts_mlp_forward(m->D, NULL, x, 2 * B);
    const float *l = ts_mlp_output(m->D);
    float loss = ts_bce_logits_forward(l, tgt, B) + ts_bce_logits_forward(l + B, tgt + B, B);
    memset(dl, 0, sizeof(float) * 2 * B);
    ts_bce_logits_backward(dl, l, tgt, B, 1.0f);
    ts_bce_logits_backward(dl + B, l + B, tgt + B, B, 1.0f);
    ts_optim_zero_grad(m->opt_d);
    ts_mlp_backward(m->D, NULL, dl, 2 * B, true);
    ts_optim_step(m->opt_d);
    return loss;
}

/* Generator loss and d loss / d logits for logits l [n]: returns the loss. */
static float g_loss(const gan_model *m, const float *l, float *dl, float *tgt, int n) {
    float t = m->cfg.minimax ? 0.0f : 1.0f, sign = m->cfg.minimax ? -1.0f : 1.0f;
    for (int i = 0; i < n; i++) tgt[i] = t;
    memset(dl, 0, sizeof(float) * n);
    ts_bce_logits_backward(dl, l, tgt, n, sign);
    return sign * ts_bce_logits_forward(l, tgt, n);
}

static float g_update(gan_model *m) {
    const int B = m->cfg.batch;
    float *z = m->buf[0], *tgt = m->buf[1], *dl = m->buf[2];
    float *fake = z + 2 * B;
    ts_rng_normal_fill(&m->rng, z, (size_t)2 * B, 0, 1);
    ts_mlp_forward(m->G, fake, z, B);
    ts_mlp_forward(m->D, NULL, fake, B);
    float loss = g_loss(m, ts_mlp_output(m->D), dl, tgt, B);
    float *dfake = tgt;   /* the targets are no longer needed */
    memset(dfake, 0, sizeof(float) * 2 * B);
    ts_mlp_backward(m->D, dfake, dl, B, false);
    ts_optim_zero_grad(m->opt_g);
    ts_mlp_backward(m->G, NULL, dfake, B, true);
    ts_optim_step(m->opt_g);
    return loss;
}

/* The trainer's step callback: generator update n (d_steps discriminator
 * updates, then one generator update), its losses and coverage recorded. */
static bool train_step(void *ctx, long n) {
    gan_model *m = ctx;
    if (n > GAN_MAX_STEPS) return false;
    double t0 = ts_seconds();
    float ld = 0;
    for (int k = 0; k < m->cfg.d_steps; k++) ld = d_update(m);
    float lg = g_update(m);
    m->step = (int)n;
    m->hist_d[m->step] = ld;
    m->hist_g[m->step] = lg;
    if (m->step % GAN_COVER_EVERY == 0)   /* its own RNG: training is undisturbed */
        m->hist_cover[m->step / GAN_COVER_EVERY] = (float)gan_model_coverage(m);
    double dt = ts_seconds() - t0;
    m->step_seconds = m->step_seconds > 0 ? 0.95 * m->step_seconds + 0.05 * dt : dt;
    return true;
}

void gan_model_seek(gan_model *m, int step) {
    if (step < 0) step = 0;
    if (step > GAN_MAX_STEPS) step = GAN_MAX_STEPS;
    ts_trainer_seek(m->trainer, step);   /* rewinds, also past hand-taken steps */
}

void gan_model_step_d(gan_model *m) { d_update(m); ts_trainer_touch(m->trainer); }

void gan_model_step_g(gan_model *m) { g_update(m); ts_trainer_touch(m->trainer); }

/* ---- what is shown ---------------------------------------------------------------- */

void gan_model_show(gan_model *m) {
    const int N = GAN_N_SHOW;
    ts_mlp_forward(m->G, m->fake->data, m->z->data, N);
    ts_mlp_forward(m->D, m->real_logits->data, m->real->data, N);
    ts_mlp_forward(m->D, m->fake_logits->data, m->fake->data, N);
    float ones[GAN_N_SHOW], zeros[GAN_N_SHOW], dl[GAN_N_SHOW], tgt[GAN_N_SHOW];
    for (int i = 0; i < N; i++) ones[i] = 1, zeros[i] = 0;
    m->loss_d->data[0] = ts_bce_logits_forward(m->real_logits->data, ones, N) +
                         ts_bce_logits_forward(m->fake_logits->data, zeros, N);
    /* D's saved activations are those of the fakes: backward through them. */
    m->loss_g->data[0] = g_loss(m, m->fake_logits->data, dl, tgt, N);
    memset(m->grad_fake->data, 0, sizeof(float) * N * 2);
    ts_mlp_backward(m->D, m->grad_fake->data, dl, N, false);

    const int R = GAN_FIELD;
    float *grid = m->buf[0];
    for (int i = 0; i < R; i++)
        for (int j = 0; j < R; j++) {
            grid[2 * (i * R + j)] = -GAN_EXTENT + (j + 0.5f) * 2 * GAN_EXTENT / R;
            grid[2 * (i * R + j) + 1] = GAN_EXTENT - (i + 0.5f) * 2 * GAN_EXTENT / R;
        }
    ts_mlp_forward(m->D, m->field_logit->data, grid, R * R);
    for (int i = 0; i < R * R; i++)
        m->field->data[i] = 1.0f / (1.0f + expf(-m->field_logit->data[i]));
    memset(m->mode_share->data, 0, sizeof(float) * ts_numel(m->mode_share));
    for (int i = 0; i < N; i++) {
        m->nearest_mode[i] = -1;
        float best = 9 * m->mode_std * m->mode_std;
        for (int k = 0; k < m->modes; k++) {
            float dx = m->fake->data[2 * i] - m->mode_xy[k][0];
            float dy = m->fake->data[2 * i + 1] - m->mode_xy[k][1];
            if (dx * dx + dy * dy < best) best = dx * dx + dy * dy, m->nearest_mode[i] = k;
        }
        if (m->nearest_mode[i] >= 0) m->mode_share->data[m->nearest_mode[i]] += 1.0f / N;
    }
}

int gan_model_coverage(gan_model *m) {
    if (m->modes == 0) return -1;
    ts_rng r;
    ts_rng_seed(&r, COVER_SEED);
    int count[25] = { 0 };
    float z[2 * 256], x[2 * 256];
    for (int done = 0; done < COVER_N; done += 256) {
        ts_rng_normal_fill(&r, z, 512, 0, 1);
        ts_mlp_forward(m->G, x, z, 256);
        float r2 = 9 * m->mode_std * m->mode_std;
        for (int i = 0; i < 256; i++)
            for (int k = 0; k < m->modes; k++) {
                float dx = x[2 * i] - m->mode_xy[k][0], dy = x[2 * i + 1] - m->mode_xy[k][1];
                if (dx * dx + dy * dy < r2) { count[k]++; break; }
            }
    }
    int covered = 0;
    for (int k = 0; k < m->modes; k++)
        if (count[k] >= COVER_N / (2 * m->modes)) covered++;
    return covered;
}
