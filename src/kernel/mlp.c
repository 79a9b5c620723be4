/* mlp.c: nn.Sequential(Linear, act, Linear, act, ..., Linear) over the
 * kernel's linear op, plus the activations and BCE-with-logits it needs.
 * See mlp.h for the contract. */
#include "mlp.h"

#include <math.h>
#include <string.h>
#include "nn.h"

ts_mlp *ts_mlp_new(ts_arena *a, const ts_mlp_desc *d, ts_rng *rng) {
    TS_CHECK(d && d->layers >= 1 && d->layers <= TS_MLP_MAX_LAYERS && d->max_batch > 0);
    ts_mlp *m = ts_arena_alloc(a, sizeof *m);
    m->d = *d;
    if (m->d.act == TS_ACT_LEAKY_RELU && m->d.slope == 0) m->d.slope = 0.01f;
    const char *name = d->name ? d->name : "mlp";
    int widest = 0;
    for (int k = 0; k <= d->layers; k++) {
        TS_CHECK(d->sizes[k] > 0);
        if (d->sizes[k] > widest) widest = d->sizes[k];
    }
    for (int k = 0; k < d->layers; k++) {
        int in = d->sizes[k], out = d->sizes[k + 1];
        m->w[k] = ts_new2(a, NULL, out, in);
        m->b[k] = ts_new1(a, NULL, out);
        ts_tensor_set_name(m->w[k], "%s.%d.weight", name, 2 * k);
        ts_tensor_set_name(m->b[k], "%s.%d.bias", name, 2 * k);
        ts_tensor_grad(a, m->w[k]);
        ts_tensor_grad(a, m->b[k]);
        ts_linear_init(m->w[k]->data, m->b[k]->data, rng, in, out);
        m->pre[k] = ts_arena_alloc(a, sizeof(float) * (size_t)d->max_batch * out);
    }
    for (int k = 0; k <= d->layers; k++)
        m->act[k] = ts_arena_alloc(a, sizeof(float) * (size_t)d->max_batch * d->sizes[k]);
    for (int i = 0; i < 2; i++)
        m->scratch[i] = ts_arena_alloc(a, sizeof(float) * (size_t)d->max_batch * widest);
    return m;
}

void ts_act_forward(float *out, const float *inp, size_t n, ts_act act, float slope) {
    switch (act) {
    case TS_ACT_RELU: ts_relu_forward(out, inp, n); break;
    case TS_ACT_TANH: ts_tanh_forward(out, inp, n); break;
    case TS_ACT_LEAKY_RELU:
        for (size_t i = 0; i < n; i++) out[i] = inp[i] > 0 ? inp[i] : slope * inp[i];
        break;
    case TS_ACT_SILU:
        for (size_t i = 0; i < n; i++) out[i] = inp[i] / (1.0f + expf(-inp[i]));
        break;
    }
}

void ts_act_backward(float *dinp, const float *dout, const float *inp, size_t n,
                     ts_act act, float slope) {
    switch (act) {
    case TS_ACT_RELU: ts_relu_backward(dinp, dout, inp, n); break;
    case TS_ACT_TANH:
        for (size_t i = 0; i < n; i++) {
            float y = tanhf(inp[i]);
            dinp[i] += dout[i] * (1.0f - y * y);
        }
        break;
    case TS_ACT_LEAKY_RELU:
        for (size_t i = 0; i < n; i++) dinp[i] += inp[i] > 0 ? dout[i] : slope * dout[i];
        break;
    case TS_ACT_SILU:
        for (size_t i = 0; i < n; i++) {
            float s = 1.0f / (1.0f + expf(-inp[i]));
            dinp[i] += dout[i] * s * (1.0f + inp[i] * (1.0f - s));
        }
        break;
    }
}

void ts_mlp_forward(ts_mlp *m, float *out, const float *x, int B) {
    TS_CHECK(B >= 0 && B <= m->d.max_batch);
    const int L = m->d.layers;
    memcpy(m->act[0], x, sizeof(float) * (size_t)B * m->d.sizes[0]);
    for (int k = 0; k < L; k++) {
        int in = m->d.sizes[k], o = m->d.sizes[k + 1];
        ts_linear_forward(m->pre[k], m->act[k], m->w[k]->data, m->b[k]->data, B, in, o);
        if (k < L - 1)
            ts_act_forward(m->act[k + 1], m->pre[k], (size_t)B * o, m->d.act, m->d.slope);
        else
            memcpy(m->act[k + 1], m->pre[k], sizeof(float) * (size_t)B * o);
    }
    if (out) memcpy(out, m->act[L], sizeof(float) * (size_t)B * m->d.sizes[L]);
}

const float *ts_mlp_output(const ts_mlp *m) { return m->act[m->d.layers]; }

void ts_mlp_backward(ts_mlp *m, float *dx, const float *dout, int B, bool param_grads) {
    TS_CHECK(B >= 0 && B <= m->d.max_batch);
    const int L = m->d.layers;
    /* g holds dL/d(pre[k]) for the layer being processed. */
    float *g = m->scratch[0], *h = m->scratch[1];
    memcpy(g, dout, sizeof(float) * (size_t)B * m->d.sizes[L]);
    for (int k = L - 1; k >= 0; k--) {
        int in = m->d.sizes[k], o = m->d.sizes[k + 1];
        float *dinp = k > 0 ? h : dx;
        if (k > 0) memset(h, 0, sizeof(float) * (size_t)B * in);
        ts_linear_backward(dinp, param_grads ? m->w[k]->grad : NULL,
                           param_grads ? m->b[k]->grad : NULL, g, m->act[k], m->w[k]->data,
                           B, in, o);
        if (k > 0) {
            /* through the activation in front of layer k */
            memset(g, 0, sizeof(float) * (size_t)B * in);
            ts_act_backward(g, h, m->pre[k - 1], (size_t)B * in, m->d.act, m->d.slope);
        }
    }
}

int ts_mlp_params(ts_mlp *m, ts_tensor **out) {
    for (int k = 0; k < m->d.layers; k++) {
        out[2 * k] = m->w[k];
        out[2 * k + 1] = m->b[k];
    }
    return 2 * m->d.layers;
}

long ts_mlp_numel(const ts_mlp *m) {
    long n = 0;
    for (int k = 0; k < m->d.layers; k++)
        n += (long)ts_numel(m->w[k]) + (long)ts_numel(m->b[k]);
    return n;
}

void ts_mlp_zero_grad(ts_mlp *m) {
    for (int k = 0; k < m->d.layers; k++) {
        memset(m->w[k]->grad, 0, sizeof(float) * ts_numel(m->w[k]));
        memset(m->b[k]->grad, 0, sizeof(float) * ts_numel(m->b[k]));
    }
}

/* softplus(l) computed without overflow: max(l,0) + log1p(exp(-|l|)). */
static float softplus(float l) { return fmaxf(l, 0) + log1pf(expf(-fabsf(l))); }

float ts_bce_logits_forward(const float *logits, const float *targets, int n) {
    double s = 0;
    for (int i = 0; i < n; i++) s += softplus(logits[i]) - targets[i] * logits[i];
    return n > 0 ? (float)(s / n) : 0.0f;
}

void ts_bce_logits_backward(float *dlogits, const float *logits, const float *targets,
                            int n, float scale) {
    for (int i = 0; i < n; i++) {
        float sg = 1.0f / (1.0f + expf(-logits[i]));
        dlogits[i] += scale * (sg - targets[i]) / (float)n;
    }
}
