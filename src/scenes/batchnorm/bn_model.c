/* bn_model.c: the two nets, their data and training, and what is shown
 * (see bn_model.h). */
#include "scenes/batchnorm/bn_model.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include "kernel/nn.h"
#include "kernel/spirals.h"

bn_config bn_config_default(void) {
    return (bn_config){ .depth = 10, .width = 16, .lr = 0.1f, .momentum = 0.9f, .batch = 64,
                        .seed = 1, .points = 256, .noise = 0.05f };
}

bool bn_model_init(bn_model *m, const bn_config *cfg, char *err, size_t errlen) {
    memset(m, 0, sizeof *m);
    m->cfg = *cfg;
    const bn_config *c = &m->cfg;
    if (c->depth < 3 || c->depth > BN_MAX_DEPTH || c->points < 16 || c->points > BN_MAX_POINTS ||
        c->batch < 2 || c->batch > c->points) {
        snprintf(err, errlen, "depth must be 3..%d and batch 2..points, got depth %d, batch %d",
                 BN_MAX_DEPTH, c->depth, c->batch);
        return false;
    }
    ts_arena *a = &m->arena;
    const int N = c->points, L = c->depth, W = c->width, F = BN_FIELD;
    ts_pair_desc pd = {
        .net = { { .name = "plain", .kind = TS_DEEP_PLAIN, .in = 2, .width = W, .out = 2, .depth = L,
                   .act = TS_ACT_RELU, .init = TS_DEEP_INIT_KAIMING },
                 { .name = "bn", .kind = TS_DEEP_PLAIN, .in = 2, .width = W, .out = 2, .depth = L,
                   .act = TS_ACT_RELU, .bn = true, .bn_off = c->bn_off, .init = TS_DEEP_INIT_KAIMING } },
        .same_init = true, .seed = c->seed,
        .optim = { .kind = TS_OPTIM_SGD, .lr = c->lr, .momentum = c->momentum },
        .points = N, .noise = c->noise, .batch = c->batch, .batch_seed = 2000003u + c->seed,
        .max_steps = BN_MAX_STEPS, .max_rows = F * F };
    if (!ts_pair_init(&m->pair, a, &pd)) {
        snprintf(err, errlen, "out of memory for the trainer");
        ts_arena_free(a);
        return false;
    }
    m->plain = m->pair.net[0];
    m->bn = m->pair.net[1];
    m->x = m->pair.x;
    m->y = m->pair.y;
    m->yi = m->pair.yi;
    m->tr = m->pair.tr;
    m->hist_plain = m->pair.hist[0];
    m->hist_bn = m->pair.hist[1];
    m->nbufs = ts_deep_buffers(m->bn, m->bufs);
    for (int k = 0; k < L - 1; k++) {
        m->plain_act[k] = ts_new2(a, NULL, N, W);
        m->bn_act[k] = ts_new2(a, NULL, N, W);
        ts_tensor_set_name(m->plain_act[k], "plain.act.%d", m->plain->act_index[k]);
        ts_tensor_set_name(m->bn_act[k], "bn.act.%d", m->bn->act_index[k]);
    }
    m->plain_hist = ts_new2(a, "plain.hist", L - 1, BN_BINS);
    m->bn_hist = ts_new2(a, "bn.hist", L - 1, BN_BINS);
    m->plain_scale = ts_new1(a, "plain.rms", L - 1);
    m->bn_scale = ts_new1(a, "bn.rms", L - 1);
    m->plain_loss = ts_new1(a, "plain.loss", 1);
    m->bn_loss = ts_new1(a, "bn.loss", 1);
    /* the worked batch norm: the second hidden layer's (its input comes out
     * of a ReLU, so its batch mean is far from 0), else the first there is */
    m->bn_layer = m->bn->bn_w[1] ? 1 : -1;
    for (int k = 0; k < L - 1 && m->bn_layer < 0; k++)
        if (m->bn->bn_w[k]) m->bn_layer = k;
    m->bn_x = ts_new2(a, "bn.x", N, W);
    m->bn_w = ts_new1(a, "bn.weight", W);
    m->bn_b = ts_new1(a, "bn.bias", W);
    m->bn_mean = ts_new1(a, "bn.mean", W);
    m->bn_var = ts_new1(a, "bn.var", W);
    m->bn_xhat = ts_new2(a, "bn.xhat", N, W);
    m->bn_y = ts_new2(a, "bn.y", N, W);
    m->rm_before = ts_new1(a, "bn.running_mean.before", W);
    m->rm_after = ts_new1(a, "bn.running_mean.after", W);
    m->rv_before = ts_new1(a, "bn.running_var.before", W);
    m->rv_after = ts_new1(a, "bn.running_var.after", W);
    m->ln_w = ts_new1(a, "ln.weight", W);
    m->ln_b = ts_new1(a, "ln.bias", W);
    m->ln_y = ts_new2(a, "ln.y", N, W);
    m->eval_p = ts_new1(a, "example.eval_probs", 2);
    m->train_p = ts_new1(a, "example.train_probs", 2);
    m->one_p = ts_new1(a, "example.batch1_probs", 2);
    m->grid = ts_new2(a, "grid", F * F, 2);
    for (int r = 0; r < F; r++)
        for (int q = 0; q < F; q++) {
            m->grid->data[2 * (r * F + q)] = -BN_EXTENT + (q + 0.5f) * 2 * BN_EXTENT / F;
            m->grid->data[2 * (r * F + q) + 1] = BN_EXTENT - (r + 0.5f) * 2 * BN_EXTENT / F;
        }
    m->plain_region = ts_arena_alloc(a, sizeof(int) * (size_t)F * F);
    m->bn_region = ts_arena_alloc(a, sizeof(int) * (size_t)F * F);
    m->example = 3 * N / 4;
    m->hist_plain[0] = NAN;
    m->hist_bn[0] = NAN;
    m->shown = -1;
    return true;
}

void bn_model_free(bn_model *m) {
    ts_pair_free(&m->pair);
    ts_arena_free(&m->arena);
    memset(m, 0, sizeof *m);
}

/* Fractions of |a| per bin: bin 0 exact zeros, then BN_BINS-1 bins evenly
 * over log10|a| in [BN_LOG_LO, BN_LOG_HI] (values outside go to the ends). */
static void histogram(const float *a, size_t n, float *bins, float *rms) {
    memset(bins, 0, sizeof(float) * BN_BINS);
    double ss = 0;
    const float span = (BN_LOG_HI - BN_LOG_LO) / (BN_BINS - 1);
    for (size_t i = 0; i < n; i++) {
        float v = fabsf(a[i]);
        ss += (double)v * v;
        int b;
        if (v == 0) b = 0;
        else if (!isfinite(v)) b = BN_BINS - 1;
        else {
            b = 1 + (int)floorf((log10f(v) - BN_LOG_LO) / span);
            if (b < 1) b = 1;
            if (b > BN_BINS - 1) b = BN_BINS - 1;
        }
        bins[b] += 1.0f / (float)n;
    }
    *rms = (float)sqrt(ss / (double)n);
}

static void field(ts_deep *net, const ts_tensor *grid, int *region) {
    const int n = BN_FIELD * BN_FIELD;
    ts_deep_forward(net, NULL, grid->data, n);
    const float *l = ts_deep_logits(net);
    for (int i = 0; i < n; i++) region[i] = l[2 * i + 1] > l[2 * i] ? 1 : 0;
}

static void softmax2(const float *l, float *p) {
    float mx = fmaxf(l[0], l[1]), e0 = expf(l[0] - mx), e1 = expf(l[1] - mx);
    p[0] = e0 / (e0 + e1);
    p[1] = e1 / (e0 + e1);
}

void bn_model_eval_losses(bn_model *m, float *plain, float *bn) {
    const int N = m->cfg.points;
    *plain = ts_deep_loss_backward(m->plain, m->x->data, m->yi, N, false);
    m->bn->training = false;
    *bn = ts_deep_loss_backward(m->bn, m->x->data, m->yi, N, false);
    m->bn->training = true;
    if (!isfinite(*plain)) *plain = NAN;
    if (!isfinite(*bn)) *bn = NAN;
}

void bn_model_show(bn_model *m, bool fields) {
    const int N = m->cfg.points, L = m->cfg.depth, W = m->cfg.width;
    const size_t NW = (size_t)N * W;
    /* the running stats now, put back after the probe's training-mode forward */
    float saved[2 * BN_MAX_DEPTH][64];
    for (int i = 0; i < m->nbufs; i++) memcpy(saved[i], m->bufs[i]->data, sizeof(float) * (size_t)W);
    int lay = m->bn_layer;
    if (lay >= 0) {
        memcpy(m->rm_before->data, m->bn->bn_rm[lay]->data, sizeof(float) * (size_t)W);
        memcpy(m->rv_before->data, m->bn->bn_rv[lay]->data, sizeof(float) * (size_t)W);
    }
    m->plain_loss->data[0] = ts_deep_loss_backward(m->plain, m->x->data, m->yi, N, false);
    m->bn_loss->data[0] = ts_deep_loss_backward(m->bn, m->x->data, m->yi, N, false);
    for (int k = 0; k < L - 1; k++) {
        memcpy(m->plain_act[k]->data, ts_deep_activation(m->plain, k), sizeof(float) * NW);
        memcpy(m->bn_act[k]->data, ts_deep_activation(m->bn, k), sizeof(float) * NW);
        histogram(m->plain_act[k]->data, NW, m->plain_hist->data + k * BN_BINS, &m->plain_scale->data[k]);
        histogram(m->bn_act[k]->data, NW, m->bn_hist->data + k * BN_BINS, &m->bn_scale->data[k]);
    }
    softmax2(ts_deep_logits(m->bn) + 2 * m->example, m->train_p->data);
    if (lay >= 0) {
        const ts_deep *b = m->bn;
        memcpy(m->bn_x->data, b->lin_out[lay], sizeof(float) * NW);
        memcpy(m->bn_w->data, b->bn_w[lay]->data, sizeof(float) * (size_t)W);
        memcpy(m->bn_b->data, b->bn_b[lay]->data, sizeof(float) * (size_t)W);
        memcpy(m->bn_y->data, b->norm[lay], sizeof(float) * NW);
        memcpy(m->rm_after->data, b->bn_rm[lay]->data, sizeof(float) * (size_t)W);
        memcpy(m->rv_after->data, b->bn_rv[lay]->data, sizeof(float) * (size_t)W);
        for (int c = 0; c < W; c++) {
            float mu = b->bn_mean[lay][c], rs = b->bn_rstd[lay][c];
            m->bn_mean->data[c] = mu;
            double v = 0;                  /* the biased variance, as the op used */
            for (int i = 0; i < N; i++) {
                double d = m->bn_x->data[(size_t)i * W + c] - (double)mu;
                v += d * d;
            }
            m->bn_var->data[c] = (float)(v / N);
            for (int i = 0; i < N; i++)
                m->bn_xhat->data[(size_t)i * W + c] = (m->bn_x->data[(size_t)i * W + c] - mu) * rs;
        }
        /* the same tensor through layer norm, with the same gamma and beta */
        memcpy(m->ln_w->data, m->bn_w->data, sizeof(float) * (size_t)W);
        memcpy(m->ln_b->data, m->bn_b->data, sizeof(float) * (size_t)W);
        float *mean = m->bn->scratch[0], *rstd = m->bn->scratch[1];
        ts_layernorm_forward(m->ln_y->data, mean, rstd, m->bn_x->data, m->ln_w->data, m->ln_b->data, N, W);
    }
    for (int i = 0; i < m->nbufs; i++) memcpy(m->bufs[i]->data, saved[i], sizeof(float) * (size_t)W);
    /* one example in eval mode (running stats) */
    m->bn->training = false;
    ts_deep_forward(m->bn, NULL, m->x->data + 2 * m->example, 1);
    softmax2(ts_deep_logits(m->bn), m->eval_p->data);
    m->bn->training = true;
    /* ... and alone in a training batch: x - mean(x) = 0 at every batch-norm
     * layer, so each such layer outputs its beta whatever the input */
    {
        const ts_deep *b = m->bn;
        float h[64], z[64];
        h[0] = m->x->data[2 * m->example];
        h[1] = m->x->data[2 * m->example + 1];
        for (int k = 0; k < L; k++) {
            int in = k == 0 ? 2 : W, out = k == L - 1 ? 2 : W;
            ts_linear_forward(z, h, b->w[k]->data, b->b[k]->data, 1, in, out);
            if (k == L - 1) break;
            if (b->bn_w[k]) memcpy(z, b->bn_b[k]->data, sizeof(float) * (size_t)W);
            ts_relu_forward(h, z, (size_t)W);
        }
        softmax2(z, m->one_p->data);
    }
    if (fields) {
        field(m->plain, m->grid, m->plain_region);
        m->bn->training = false;
        field(m->bn, m->grid, m->bn_region);
        m->bn->training = true;
    }
    m->shown = ts_trainer_step_count(m->tr);
}
