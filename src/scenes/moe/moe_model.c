/* moe_model.c: the moe scene's mixture of experts on the kernel's ops (see
 * moe_model.h). Expert buffers are [E, rows, width]: row p of expert e starts
 * at (e*rows + p)*width, as in src/kernel/moe.h. */
#include "scenes/moe/moe_model.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include "kernel/safetensors.h"
#include "kernel/moe.h"
#include "kernel/nn.h"

#define MOE_PI 3.14159265358979323846

moe_config moe_config_default(void) {
    return (moe_config){.experts = 8, .k = 2, .hidden = 4, .capacity_factor = 0,
                        .balance = 0.2f, .lr = 0.02f, .batch = 64, .seed = 1};
}

/* ---- task ------------------------------------------------------------------ */

/* Sector w (0..7) covers angles [45w, 45w + 45) degrees. Its boundary is the
 * line through the point at radius 1.8 in the middle of the sector, at angle
 * 67.5w degrees: class 1 on the side its normal points to. */
static int sector_of(float x, float y) {
    double a = atan2((double)y, (double)x);
    if (a < 0) a += 2 * MOE_PI;
    int w = (int)(a / (MOE_PI / 4));
    return w > 7 ? 7 : w;
}

static void sector_line(int w, double *cx, double *cy, double *nx, double *ny) {
    double th = (w + 0.5) * MOE_PI / 4, ph = w * 3 * MOE_PI / 8;
    *cx = 1.8 * cos(th);
    *cy = 1.8 * sin(th);
    *nx = cos(ph);
    *ny = sin(ph);
}

int moe_task_sector(float x, float y) { return sector_of(x, y); }

int moe_task_label(float x, float y) {
    double cx, cy, nx, ny;
    sector_line(sector_of(x, y), &cx, &cy, &nx, &ny);
    return (x - cx) * nx + (y - cy) * ny > 0;
}

void moe_task_rule(float x, float y, char *out, size_t n) {
    int w = sector_of(x, y);
    double cx, cy, nx, ny;
    sector_line(w, &cx, &cy, &nx, &ny);
    snprintf(out, n, "sector %d (%d\xc2\xb0 to %d\xc2\xb0): class 1 where %.2f x %+.2f y > %.2f",
             w, 45 * w, 45 * w + 45, nx, ny, nx * cx + ny * cy);
}

void moe_task_sample(float *xy, int *y, int n, uint64_t seed) {
    ts_rng r;
    ts_rng_seed(&r, seed);
    for (int i = 0; i < n; i++) {
        xy[2 * i] = (2 * ts_rng_uniform(&r) - 1) * MOE_EXTENT;
        xy[2 * i + 1] = (2 * ts_rng_uniform(&r) - 1) * MOE_EXTENT;
        y[i] = moe_task_label(xy[2 * i], xy[2 * i + 1]);
    }
}

/* ---- model ------------------------------------------------------------------- */

static int expert_params(int H) { return H * MOE_D + H + MOE_O * H + MOE_O; }

int moe_param_count(const moe_model *m) {
    return m->E * MOE_D + m->E + m->E * expert_params(m->H);
}

int moe_active_params(const moe_model *m, int k) {
    return m->E * MOE_D + m->E + k * expert_params(m->H);
}

void moe_model_new(moe_model *m, ts_arena *a, const moe_config *cfg) {
    TS_CHECK(cfg->experts >= 2 && cfg->experts <= MOE_MAX_E);
    TS_CHECK(cfg->hidden >= 1 && cfg->hidden <= MOE_MAX_H);
    memset(m, 0, sizeof *m);
    m->E = cfg->experts;
    m->H = cfg->hidden;
    m->router_w = ts_new2(a, "router.weight", m->E, MOE_D);
    m->router_b = ts_new1(a, "router.bias", m->E);
    for (int e = 0; e < m->E; e++) {
        m->w1[e] = ts_new2(a, NULL, m->H, MOE_D);
        m->b1[e] = ts_new1(a, NULL, m->H);
        m->w2[e] = ts_new2(a, NULL, MOE_O, m->H);
        m->b2[e] = ts_new1(a, NULL, MOE_O);
        ts_tensor_set_name(m->w1[e], "experts.%d.0.weight", e);
        ts_tensor_set_name(m->b1[e], "experts.%d.0.bias", e);
        ts_tensor_set_name(m->w2[e], "experts.%d.2.weight", e);
        ts_tensor_set_name(m->b2[e], "experts.%d.2.bias", e);
    }
}

void moe_model_init(moe_model *m, uint64_t seed) {
    ts_rng r;
    ts_rng_seed(&r, seed);
    ts_linear_init(m->router_w->data, m->router_b->data, &r, MOE_D, m->E);
    for (int e = 0; e < m->E; e++) {
        ts_linear_init(m->w1[e]->data, m->b1[e]->data, &r, MOE_D, m->H);
        ts_linear_init(m->w2[e]->data, m->b2[e]->data, &r, m->H, MOE_O);
    }
}

int moe_model_params(const moe_model *m, ts_tensor **out) {
    int n = 0;
    out[n++] = m->router_w;
    out[n++] = m->router_b;
    for (int e = 0; e < m->E; e++) {
        out[n++] = m->w1[e];
        out[n++] = m->b1[e];
        out[n++] = m->w2[e];
        out[n++] = m->b2[e];
    }
    return n;
}

void moe_model_copy(moe_model *dst, const moe_model *src) {
    TS_CHECK(dst->E == src->E && dst->H == src->H);
    ts_tensor *a[2 + 4 * MOE_MAX_E], *b[2 + 4 * MOE_MAX_E];
    int n = moe_model_params(dst, a);
    moe_model_params(src, b);
    for (int i = 0; i < n; i++) memcpy(a[i]->data, b[i]->data, sizeof(float) * ts_numel(a[i]));
}

static bool same_shape(const ts_tensor *a, const ts_tensor *b) {
    if (a->ndim != b->ndim) return false;
    for (int i = 0; i < a->ndim; i++)
        if (a->shape[i] != b->shape[i]) return false;
    return true;
}

bool moe_model_load(moe_model *m, const char *path, char *err, size_t errlen) {
    ts_arena tmp = {0};
    char e[256];
    ts_dump *d = ts_st_read(path, &tmp, e, sizeof e);
    if (!d) {
        snprintf(err, errlen, "cannot read the moe weights: %s", e);
        ts_arena_free(&tmp);
        return false;
    }
    ts_tensor *want[2 + 4 * MOE_MAX_E];
    int n = moe_model_params(m, want);
    bool ok = true;
    for (int i = 0; i < n && ok; i++) {
        const ts_tensor *t = ts_dump_find(d, want[i]->name);
        if (!t || !same_shape(t, want[i])) {
            snprintf(err, errlen, "%s: %s is %s", path, want[i]->name, t ? "of the wrong shape" : "missing");
            ok = false;
        }
    }
    for (int i = 0; i < n && ok; i++)
        memcpy(want[i]->data, ts_dump_find(d, want[i]->name)->data, sizeof(float) * ts_numel(want[i]));
    ts_dump_free(d);
    ts_arena_free(&tmp);
    return ok;
}

int moe_capacity(float factor, int n, int k, int E) {
    if (factor <= 0) return 0;
    int c = (int)floor((double)factor * n * k / E + 1e-6);
    return c < 1 ? 1 : c;
}

/* ---- forward and backward ------------------------------------------------------ */

#define ALLOC(a, type, count) ((type *)ts_arena_alloc((a), sizeof(type) * (size_t)(count)))

void moe_acts_new(moe_acts *x, ts_arena *a, const moe_model *m, int n, int k, bool grads) {
    TS_CHECK(k >= 1 && k <= MOE_MAX_K && k <= m->E && n >= 1);
    memset(x, 0, sizeof *x);
    int E = m->E, H = m->H;
    x->n = n; x->E = E; x->k = k; x->H = H;
    x->rows = n;   /* without capacity an expert may get every point */
    x->x = ts_new2(a, "x", n, MOE_D);
    x->r_logits = ts_new2(a, "router.logits", n, E);
    x->r_probs = ts_new2(a, "router.probs", n, E);
    x->indices = ts_new2(a, "topk.indices", n, k);
    x->gates = ts_new2(a, "topk.gates", n, k);
    x->load = ts_new1(a, "load", E);
    x->importance = ts_new1(a, "importance", E);
    x->aux = ts_new1(a, "aux_loss", 1);
    x->dropped = ts_new2(a, "dropped", n, k);
    x->expert_out = ts_new3(a, "expert_out", n, k, MOE_O);
    x->out = ts_new2(a, "out", n, MOE_O);
    x->probs = ts_new2(a, "probs", n, MOE_O);
    x->target = ts_new1(a, "target", n);
    x->idx = ALLOC(a, int, n * k);
    x->pos = ALLOC(a, int, n * k);
    x->count = ALLOC(a, int, E);
    x->tgt = ALLOC(a, int, n);
    x->xe = ALLOC(a, float, E * n * MOE_D);
    x->hpre = ALLOC(a, float, E * n * H);
    x->h = ALLOC(a, float, E * n * H);
    x->ye = ALLOC(a, float, E * n * MOE_O);
    if (!grads) return;
    x->d_out = ALLOC(a, float, n * MOE_O);
    x->d_ye = ALLOC(a, float, E * n * MOE_O);
    x->d_h = ALLOC(a, float, E * n * H);
    x->d_hpre = ALLOC(a, float, E * n * H);
    x->d_gate = ALLOC(a, float, n * k);
    x->d_probs = ALLOC(a, float, n * E);
    x->d_rlogits = ALLOC(a, float, n * E);
}

void moe_forward(const moe_model *m, moe_acts *x, int capacity) {
    int n = x->n, E = x->E, k = x->k, H = x->H;
    TS_CHECK(E == m->E && H == m->H);
    int C = capacity > 0 && capacity < n ? capacity : n;
    x->capacity = capacity;
    x->rows = C;
    ts_moe_router_forward(x->r_logits->data, x->r_probs->data, x->x->data, m->router_w->data,
                          m->router_b->data, n, MOE_D, E);
    ts_moe_topk(x->idx, x->gates->data, x->r_probs->data, n, E, k);
    x->aux->data[0] = ts_moe_aux_loss(x->load->data, x->importance->data, x->r_probs->data,
                                      x->idx, n, E, k);
    x->n_dropped = ts_moe_dispatch(x->pos, x->count, x->idx, n, E, k, capacity);
    ts_moe_gather(x->xe, x->x->data, x->idx, x->pos, n, k, MOE_D, C);
    for (int e = 0; e < E; e++) {
        int c = x->count[e] < C ? x->count[e] : C;
        if (c == 0) continue;
        float *hp = x->hpre + (size_t)e * C * H, *h = x->h + (size_t)e * C * H;
        ts_linear_forward(hp, x->xe + (size_t)e * C * MOE_D, m->w1[e]->data, m->b1[e]->data, c, MOE_D, H);
        ts_relu_forward(h, hp, (size_t)c * H);
        ts_linear_forward(x->ye + (size_t)e * C * MOE_O, h, m->w2[e]->data, m->b2[e]->data, c, H, MOE_O);
    }
    ts_moe_combine(x->out->data, x->ye, x->gates->data, x->idx, x->pos, n, k, MOE_O, C);
    for (int t = 0; t < n; t++)
        for (int j = 0; j < k; j++) {
            int p = x->pos[t * k + j], e = x->idx[t * k + j];
            x->indices->data[t * k + j] = (float)e;
            x->dropped->data[t * k + j] = p < 0 ? 1.0f : 0.0f;
            float *o = x->expert_out->data + ((size_t)t * k + j) * MOE_O;
            for (int c = 0; c < MOE_O; c++)
                o[c] = p < 0 ? 0.0f : x->ye[((size_t)e * C + p) * MOE_O + c];
        }
    ts_softmax_forward(x->probs->data, x->out->data, NULL, n, MOE_O);
}

float moe_backward(moe_model *m, moe_acts *x, const int *tgt, float balance) {
    int n = x->n, E = x->E, k = x->k, H = x->H, C = x->rows;
    for (int t = 0; t < n; t++) {
        x->tgt[t] = tgt[t];
        x->target->data[t] = (float)tgt[t];
    }
    float *probs = x->probs->data;
    x->loss = ts_crossentropy_forward(NULL, probs, x->out->data, x->tgt, n, MOE_O);
    float total = x->loss + balance * x->aux->data[0];
    if (!x->d_out) return total;
    memset(x->d_out, 0, sizeof(float) * (size_t)n * MOE_O);
    memset(x->d_ye, 0, sizeof(float) * (size_t)E * C * MOE_O);
    memset(x->d_gate, 0, sizeof(float) * (size_t)n * k);
    memset(x->d_probs, 0, sizeof(float) * (size_t)n * E);
    memset(x->d_rlogits, 0, sizeof(float) * (size_t)n * E);
    ts_crossentropy_backward(x->d_out, probs, x->tgt, 1.0f, n, MOE_O);
    ts_moe_combine_backward(x->d_ye, x->d_gate, x->d_out, x->ye, x->gates->data, x->idx, x->pos,
                            n, k, MOE_O, C);
    for (int e = 0; e < E; e++) {
        int c = x->count[e] < C ? x->count[e] : C;
        if (c == 0) continue;
        size_t oh = (size_t)e * C * H;
        float *dh = x->d_h + oh;
        memset(dh, 0, sizeof(float) * (size_t)c * H);
        ts_linear_backward(dh, m->w2[e]->grad, m->b2[e]->grad, x->d_ye + (size_t)e * C * MOE_O,
                           x->h + oh, m->w2[e]->data, c, H, MOE_O);
        float *dhp = x->d_hpre + oh;
        memset(dhp, 0, sizeof(float) * (size_t)c * H);
        ts_relu_backward(dhp, dh, x->hpre + oh, (size_t)c * H);
        ts_linear_backward(NULL, m->w1[e]->grad, m->b1[e]->grad, dhp, x->xe + (size_t)e * C * MOE_D,
                           m->w1[e]->data, c, MOE_D, H);
    }
    ts_moe_topk_backward(x->d_probs, x->d_gate, x->gates->data, x->idx, x->r_probs->data, n, E, k);
    if (balance != 0.0f) ts_moe_aux_loss_backward(x->d_probs, balance, x->load->data, n, E);
    ts_moe_router_backward(NULL, m->router_w->grad, m->router_b->grad, x->d_rlogits, x->d_probs,
                           x->r_probs->data, x->x->data, m->router_w->data, n, MOE_D, E);
    return total;
}

void moe_expert_forward(const moe_model *m, int e, const float *xy, float *out) {
    float h[MOE_MAX_H];
    TS_CHECK(e >= 0 && e < m->E);
    ts_linear_forward(h, xy, m->w1[e]->data, m->b1[e]->data, 1, MOE_D, m->H);
    ts_relu_forward(h, h, (size_t)m->H);
    ts_linear_forward(out, h, m->w2[e]->data, m->b2[e]->data, 1, m->H, MOE_O);
}

void moe_router_point(const moe_model *m, const float *xy, float *probs) {
    float logits[MOE_MAX_E];
    ts_moe_router_forward(logits, probs, xy, m->router_w->data, m->router_b->data, 1, MOE_D, m->E);
}

/* ---- a training run ---------------------------------------------------------------- */

void moe_run_new(moe_run *r, const moe_config *cfg) {
    memset(r, 0, sizeof *r);
    r->cfg = *cfg;
    ts_arena *a = &r->arena;
    moe_model_new(&r->m, a, cfg);
    moe_model_init(&r->m, cfg->seed);
    moe_acts_new(&r->batch, a, &r->m, cfg->batch, cfg->k, true);
    moe_acts_new(&r->eval, a, &r->m, cfg->batch, cfg->k, false);
    ts_tensor *p[2 + 4 * MOE_MAX_E];
    int np = moe_model_params(&r->m, p);
    r->opt = ts_optim_new(a, p, np, &(ts_optim_desc){.kind = TS_OPTIM_ADAM, .lr = cfg->lr});
    r->train_x = ALLOC(a, float, MOE_TRAIN_N * MOE_D);
    r->test_x = ALLOC(a, float, MOE_TEST_N * MOE_D);
    r->train_y = ALLOC(a, int, MOE_TRAIN_N);
    r->test_y = ALLOC(a, int, MOE_TEST_N);
    r->order = ALLOC(a, int, MOE_TRAIN_N);
    moe_task_sample(r->train_x, r->train_y, MOE_TRAIN_N, 1);
    moe_task_sample(r->test_x, r->test_y, MOE_TEST_N, 2);
    for (int i = 0; i < MOE_TRAIN_N; i++) r->order[i] = i;
    ts_rng_seed(&r->rng, cfg->seed * 7919u + 1u);
    ts_rng_shuffle(&r->rng, r->order, MOE_TRAIN_N);
}

void moe_run_free(moe_run *r) { ts_arena_free(&r->arena); }

float moe_run_step(moe_run *r) {
    int B = r->cfg.batch, tgt[1024];
    TS_CHECK(B <= 1024);
    for (int i = 0; i < B; i++) {
        if (r->cursor == MOE_TRAIN_N) {
            ts_rng_shuffle(&r->rng, r->order, MOE_TRAIN_N);
            r->cursor = 0;
        }
        int s = r->order[r->cursor++];
        r->batch.x->data[2 * i] = r->train_x[2 * s];
        r->batch.x->data[2 * i + 1] = r->train_x[2 * s + 1];
        tgt[i] = r->train_y[s];
    }
    ts_optim_zero_grad(r->opt);
    moe_forward(&r->m, &r->batch, moe_capacity(r->cfg.capacity_factor, B, r->cfg.k, r->m.E));
    r->last_loss = moe_backward(&r->m, &r->batch, tgt, r->cfg.balance);
    r->last_aux = r->batch.aux->data[0];
    memcpy(r->load, r->batch.load->data, sizeof(float) * (size_t)r->m.E);
    ts_optim_step(r->opt);
    r->steps++;
    return r->last_loss;
}

moe_eval moe_run_eval(moe_run *r, float cf) {
    moe_eval ev;
    memset(&ev, 0, sizeof ev);
    int B = r->cfg.batch, E = r->m.E, right = 0, drops = 0, seen = 0, first[MOE_MAX_E] = {0};
    moe_acts *x = &r->eval;
    int cap = moe_capacity(cf, B, x->k, E), batches = 0;
    for (int s = 0; s + B <= MOE_TEST_N; s += B, batches++) {
        memcpy(x->x->data, r->test_x + (size_t)s * MOE_D, sizeof(float) * (size_t)B * MOE_D);
        moe_forward(&r->m, x, cap);
        for (int i = 0; i < B; i++) {
            const float *o = x->out->data + i * MOE_O;
            right += (o[1] > o[0]) == (r->test_y[s + i] == 1);
            first[x->idx[i * x->k]]++;
        }
        for (int e = 0; e < E; e++) ev.load[e] += x->load->data[e];
        drops += x->n_dropped;
        seen += B;
    }
    ev.accuracy = (float)right / (float)seen;
    ev.dropped = (float)drops / (float)(seen * x->k);
    for (int e = 0; e < E; e++) {
        ev.first[e] = (float)first[e] / (float)seen;
        ev.load[e] /= (float)batches;
    }
    return ev;
}

int moe_eval_idle(const moe_eval *ev, int E) {
    int n = 0;
    for (int e = 0; e < E; e++) n += ev->load[e] < 0.02f;
    return n;
}
