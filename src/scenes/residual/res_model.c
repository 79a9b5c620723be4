/* res_model.c: the two nets, their data and training, and what is shown
 * (see res_model.h). */
#include "scenes/residual/res_model.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include "kernel/nn.h"
#include "kernel/spirals.h"

const char *const res_act_names[2] = { "tanh", "relu" };

int res_act_index(ts_act a) { return a == TS_ACT_RELU ? 1 : 0; }

res_config res_config_default(void) {
    return (res_config){ .depth = 16, .width = 16, .act = TS_ACT_TANH, .lr = 0.003f,
                         .batch = 64, .seed = 1, .points = 400, .noise = 0.05f };
}

bool res_model_init(res_model *m, const res_config *cfg, char *err, size_t errlen) {
    memset(m, 0, sizeof *m);
    m->cfg = *cfg;
    const res_config *c = &m->cfg;
    if (c->depth < 2 || c->depth > RES_MAX_DEPTH || c->points < 16 || c->points > RES_MAX_POINTS ||
        c->batch < 1 || c->batch > c->points) {
        snprintf(err, errlen, "depth must be 2..%d and batch at most points, got depth %d, batch %d",
                 RES_MAX_DEPTH, c->depth, c->batch);
        return false;
    }
    ts_arena *a = &m->arena;
    const int N = c->points, L = c->depth, F = RES_FIELD;
    ts_pair_desc pd = {
        .net = { { .name = "plain", .kind = TS_DEEP_PLAIN, .in = 2, .width = c->width, .out = 2,
                   .depth = L, .act = c->act },
                 { .name = "resid", .kind = TS_DEEP_RESID, .in = 2, .width = c->width, .out = 2,
                   .depth = L, .act = c->act, .skip_off = c->skip_off } },
        .seed = c->seed, .optim = { .kind = TS_OPTIM_ADAM, .lr = c->lr },
        .points = N, .noise = c->noise, .batch = c->batch, .batch_seed = 1000003u + c->seed,
        .max_steps = RES_MAX_STEPS, .max_rows = F * F };
    if (!ts_pair_init(&m->pair, a, &pd)) {
        snprintf(err, errlen, "out of memory for the trainer");
        ts_arena_free(a);
        return false;
    }
    m->plain = m->pair.net[0];
    m->resid = m->pair.net[1];
    m->x = m->pair.x;
    m->y = m->pair.y;
    m->yi = m->pair.yi;
    m->tr = m->pair.tr;
    m->hist_plain = m->pair.hist[0];
    m->hist_resid = m->pair.hist[1];
    m->plain_logits = ts_new2(a, "plain.logits", N, 2);
    m->resid_logits = ts_new2(a, "resid.logits", N, 2);
    m->plain_loss = ts_new1(a, "plain.loss", 1);
    m->resid_loss = ts_new1(a, "resid.loss", 1);
    m->plain_gn = ts_new1(a, "plain.grad_norm", L);
    m->resid_gn = ts_new1(a, "resid.grad_norm", L);
    m->ratio = ts_new1(a, "resid.ratio", L);
    m->grid = ts_new2(a, "grid", F * F, 2);
    for (int r = 0; r < F; r++)
        for (int q = 0; q < F; q++) {
            m->grid->data[2 * (r * F + q)] = -RES_EXTENT + (q + 0.5f) * 2 * RES_EXTENT / F;
            m->grid->data[2 * (r * F + q) + 1] = RES_EXTENT - (r + 0.5f) * 2 * RES_EXTENT / F;
        }
    m->plain_p1 = ts_new2(a, "plain.p1", F, F);
    m->resid_p1 = ts_new2(a, "resid.p1", F, F);
    m->plain_region = ts_arena_alloc(a, sizeof(int) * (size_t)F * F);
    m->resid_region = ts_arena_alloc(a, sizeof(int) * (size_t)F * F);
    m->blk_h = ts_new1(a, "block.h", c->width);
    m->blk_f = ts_new1(a, "block.F", c->width);
    m->blk_y = ts_new1(a, "block.y", c->width);
    float lp, lr;
    res_model_losses(m, &lp, &lr);
    m->hist_plain[0] = lp;
    m->hist_resid[0] = lr;
    m->shown = -1;
    return true;
}

void res_model_free(res_model *m) {
    ts_pair_free(&m->pair);
    ts_arena_free(&m->arena);
    memset(m, 0, sizeof *m);
}

void res_model_losses(res_model *m, float *plain, float *resid) {
    *plain = ts_deep_loss_backward(m->plain, m->x->data, m->yi, m->cfg.points, false);
    *resid = ts_deep_loss_backward(m->resid, m->x->data, m->yi, m->cfg.points, false);
}

/* P(class 1) and the argmax over the grid. */
static void field(ts_deep *net, const ts_tensor *grid, ts_tensor *p1, int *region) {
    const int n = RES_FIELD * RES_FIELD;
    ts_deep_forward(net, NULL, grid->data, n);
    const float *l = ts_deep_logits(net);
    for (int i = 0; i < n; i++) {
        float d = l[2 * i + 1] - l[2 * i];
        p1->data[i] = 1.0f / (1.0f + expf(-d));
        region[i] = d > 0 ? 1 : 0;
    }
}

void res_model_show(res_model *m, bool fields) {
    const int N = m->cfg.points, W = m->cfg.width;
    ts_deep_zero_grad(m->plain);
    m->plain_loss->data[0] = ts_deep_loss_backward(m->plain, m->x->data, m->yi, N, true);
    memcpy(m->plain_logits->data, ts_deep_logits(m->plain), sizeof(float) * 2 * (size_t)N);
    ts_deep_grad_norms(m->plain, m->plain_gn->data);
    ts_deep_zero_grad(m->resid);
    m->resid_loss->data[0] = ts_deep_loss_backward(m->resid, m->x->data, m->yi, N, true);
    memcpy(m->resid_logits->data, ts_deep_logits(m->resid), sizeof(float) * 2 * (size_t)N);
    ts_deep_grad_norms(m->resid, m->resid_gn->data);
    ts_deep_resid_ratios(m->resid, m->ratio->data);
    /* the worked point: the one whose block-0 ratio is closest to the mean */
    int best = 0;
    float bestd = INFINITY;
    for (int i = 0; i < N; i++) {
        const float *h = m->resid->h[0] + (size_t)i * W, *f = m->resid->lin_out[2] + (size_t)i * W;
        double hn = 0, fn = 0;
        for (int c = 0; c < W; c++) hn += (double)h[c] * h[c], fn += (double)f[c] * f[c];
        float d = fabsf((float)(sqrt(fn) / fmax(sqrt(hn), 1e-12)) - m->ratio->data[0]);
        if (d < bestd) bestd = d, best = i;
    }
    m->blk_point = best;
    memcpy(m->blk_h->data, m->resid->h[0] + (size_t)best * W, sizeof(float) * (size_t)W);
    memcpy(m->blk_f->data, m->resid->lin_out[2] + (size_t)best * W, sizeof(float) * (size_t)W);
    memcpy(m->blk_y->data, m->resid->h[1] + (size_t)best * W, sizeof(float) * (size_t)W);
    if (fields) {
        field(m->plain, m->grid, m->plain_p1, m->plain_region);
        field(m->resid, m->grid, m->resid_p1, m->resid_region);
    }
    m->shown = ts_trainer_step_count(m->tr);
}


void res_model_show_live(res_model *m) {
    res_model_losses(m, &m->plain_loss->data[0], &m->resid_loss->data[0]);
}

void res_model_field_chunk(res_model *m, int k) {
    const int per = RES_FIELD_CHUNKS / 2, rows = (RES_FIELD + per - 1) / per, F = RES_FIELD;
    bool resid = (k % RES_FIELD_CHUNKS) >= per;
    int r0 = (k % per) * rows, r1 = r0 + rows > F ? F : r0 + rows;
    if (r0 >= r1) return;
    ts_deep *net = resid ? m->resid : m->plain;
    int *region = resid ? m->resid_region : m->plain_region;
    ts_tensor *p1 = resid ? m->resid_p1 : m->plain_p1;
    int n = (r1 - r0) * F;
    ts_deep_forward(net, NULL, m->grid->data + 2 * (size_t)r0 * F, n);
    const float *l = ts_deep_logits(net);
    for (int i = 0; i < n; i++) {
        float d = l[2 * i + 1] - l[2 * i];
        p1->data[r0 * F + i] = 1.0f / (1.0f + expf(-d));
        region[r0 * F + i] = d > 0 ? 1 : 0;
    }
}
