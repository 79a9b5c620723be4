/* optim.c: SGD and Adam of optim.h, step for step as torch.optim. */
#include "optim.h"

#include <math.h>
#include <string.h>

struct ts_optim {
    ts_optim_desc d;     /* defaults filled in */
    ts_tensor **params;
    float **m, **v;      /* per parameter: SGD momentum buffer / Adam moments */
    int nparams;
    int t;               /* steps taken */
};

ts_optim *ts_optim_new(ts_arena *a, ts_tensor *const *params, int nparams,
                       const ts_optim_desc *desc) {
    TS_CHECK(nparams >= 0 && (params || nparams == 0));
    ts_optim *o = ts_arena_alloc(a, sizeof *o);
    o->d = desc ? *desc : (ts_optim_desc){0};
    bool adam = o->d.kind == TS_OPTIM_ADAM;
    TS_CHECK(o->d.kind == TS_OPTIM_SGD || adam);
    if (o->d.lr == 0.0f) o->d.lr = adam ? 1e-3f : 1e-2f;
    if (o->d.beta1 == 0.0f) o->d.beta1 = 0.9f;
    if (o->d.beta2 == 0.0f) o->d.beta2 = 0.999f;
    if (o->d.eps == 0.0f) o->d.eps = 1e-8f;
    o->nparams = nparams;
    o->params = ts_arena_alloc(a, (size_t)nparams * sizeof *o->params);
    o->m = ts_arena_alloc(a, (size_t)nparams * sizeof *o->m);
    o->v = ts_arena_alloc(a, (size_t)nparams * sizeof *o->v);
    for (int i = 0; i < nparams; i++) {
        ts_tensor *p = params[i];
        size_t bytes = ts_numel(p) * sizeof(float);
        o->params[i] = p;
        ts_tensor_grad(a, p);
        if (adam || o->d.momentum != 0.0f) o->m[i] = ts_arena_alloc(a, bytes);
        if (adam) o->v[i] = ts_arena_alloc(a, bytes);
    }
    return o;
}

void ts_optim_zero_grad(ts_optim *o) {
    for (int i = 0; i < o->nparams; i++)
        memset(o->params[i]->grad, 0, ts_numel(o->params[i]) * sizeof(float));
}

/* torch.optim.SGD: g = grad + wd p; buf = g on the first step, then
 * buf = momentum buf + g; p -= lr buf (or lr g without momentum). */
static void sgd_step(ts_optim *o) {
    float lr = o->d.lr, mu = o->d.momentum, wd = o->d.weight_decay;
    for (int i = 0; i < o->nparams; i++) {
        float *p = o->params[i]->data, *g = o->params[i]->grad, *buf = o->m[i];
        size_t n = ts_numel(o->params[i]);
        for (size_t k = 0; k < n; k++) {
            float d = g[k] + wd * p[k];
            if (buf) {
                buf[k] = o->t == 0 ? d : mu * buf[k] + d;
                d = buf[k];
            }
            p[k] -= lr * d;
        }
    }
}

/* torch.optim.Adam: g = grad + wd p; m = b1 m + (1-b1) g;
 * v = b2 v + (1-b2) g^2; p -= lr/(1-b1^t) * m / (sqrt(v)/sqrt(1-b2^t) + eps). */
static void adam_step(ts_optim *o) {
    float lr = o->d.lr, b1 = o->d.beta1, b2 = o->d.beta2, eps = o->d.eps, wd = o->d.weight_decay;
    int t = o->t + 1;
    float bc1 = 1.0f - powf(b1, (float)t);
    float bc2 = 1.0f - powf(b2, (float)t);
    float step_size = lr / bc1;
    float bc2_sqrt = sqrtf(bc2);
    for (int i = 0; i < o->nparams; i++) {
        float *p = o->params[i]->data, *g = o->params[i]->grad;
        float *m = o->m[i], *v = o->v[i];
        size_t n = ts_numel(o->params[i]);
        for (size_t k = 0; k < n; k++) {
            float d = g[k] + wd * p[k];
            m[k] = b1 * m[k] + (1.0f - b1) * d;
            v[k] = b2 * v[k] + (1.0f - b2) * d * d;
            float denom = sqrtf(v[k]) / bc2_sqrt + eps;
            p[k] -= step_size * (m[k] / denom);
        }
    }
}

void ts_optim_step(ts_optim *o) {
    if (o->d.kind == TS_OPTIM_ADAM) adam_step(o);
    else sgd_step(o);
    o->t++;
}

ts_optim_desc ts_optim_settings(const ts_optim *o) { return o->d; }
int ts_optim_steps(const ts_optim *o) { return o->t; }
void ts_optim_set_lr(ts_optim *o, float lr) { o->d.lr = lr; }

/* Layout: [t] then per parameter: values, m (if any), v (if any). */
size_t ts_optim_snapshot_size(const ts_optim *o) {
    size_t n = 1;
    for (int i = 0; i < o->nparams; i++) {
        size_t k = ts_numel(o->params[i]);
        n += k + (o->m[i] ? k : 0) + (o->v[i] ? k : 0);
    }
    return n;
}

void ts_optim_snapshot_save(const ts_optim *o, float *buf) {
    *buf++ = (float)o->t;
    for (int i = 0; i < o->nparams; i++) {
        size_t k = ts_numel(o->params[i]);
        memcpy(buf, o->params[i]->data, k * sizeof(float)), buf += k;
        if (o->m[i]) memcpy(buf, o->m[i], k * sizeof(float)), buf += k;
        if (o->v[i]) memcpy(buf, o->v[i], k * sizeof(float)), buf += k;
    }
}

void ts_optim_snapshot_load(ts_optim *o, const float *buf) {
    o->t = (int)*buf++;
    for (int i = 0; i < o->nparams; i++) {
        size_t k = ts_numel(o->params[i]);
        memcpy(o->params[i]->data, buf, k * sizeof(float)), buf += k;
        if (o->m[i]) memcpy(o->m[i], buf, k * sizeof(float)), buf += k;
        if (o->v[i]) memcpy(o->v[i], buf, k * sizeof(float)), buf += k;
    }
}
