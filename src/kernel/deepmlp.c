/* deepmlp.c: the plain and residual deep MLPs of deepmlp.h over the
 * kernel's linear, batch-norm, activation and cross-entropy ops. */
#include "deepmlp.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include "nn.h"

static float *buf(ts_arena *a, int rows, int cols) {
    return ts_arena_alloc(a, sizeof(float) * (size_t)rows * (size_t)cols);
}

static bool has_bn(const ts_deep *m, int k) {
    return m->d.kind == TS_DEEP_PLAIN && m->d.bn && k < m->d.depth - 1 && !((m->d.bn_off >> k) & 1u);
}

static bool has_skip(const ts_deep *m, int k) { return !((m->d.skip_off >> k) & 1u); }

/* Linear j: a new weight and bias named NAME.SUFFIX.{weight,bias}, initialised. */
static void add_linear(ts_arena *a, ts_deep *m, ts_rng *rng, const char *suffix, int in, int out) {
    int j = m->nlin++;
    const char *name = m->d.name;
    m->w[j] = ts_new2(a, NULL, out, in);
    m->b[j] = ts_new1(a, NULL, out);
    ts_tensor_set_name(m->w[j], "%s.%s.weight", name, suffix);
    ts_tensor_set_name(m->b[j], "%s.%s.bias", name, suffix);
    ts_tensor_grad(a, m->w[j]);
    ts_tensor_grad(a, m->b[j]);
    if (m->d.init == TS_DEEP_INIT_KAIMING)
        ts_rng_normal_fill(rng, m->w[j]->data, (size_t)in * out, 0.0f, sqrtf(2.0f / (float)in));
    else
        ts_linear_init(m->w[j]->data, m->b[j]->data, rng, in, out);
    m->lin_out[j] = buf(a, m->d.max_batch, out);
}

ts_deep *ts_deep_new(ts_arena *a, const ts_deep_desc *d, ts_rng *rng) {
    TS_CHECK(d && d->in > 0 && d->width > 0 && d->out > 0 && d->max_batch > 0);
    TS_CHECK(d->depth >= (d->kind == TS_DEEP_PLAIN ? 2 : 1) && d->depth <= TS_DEEP_MAX_DEPTH);
    ts_deep *m = ts_arena_alloc(a, sizeof *m);
    m->d = *d;
    if (!m->d.name) m->d.name = d->kind == TS_DEEP_PLAIN ? "plain" : "resid";
    if (m->d.act == TS_ACT_LEAKY_RELU && m->d.slope == 0) m->d.slope = 0.01f;
    m->training = true;
    const int L = d->depth, W = d->width, NB = d->max_batch;
    char s[32];
    if (d->kind == TS_DEEP_PLAIN) {
        int i = 0;
        for (int k = 0; k < L; k++) {
            snprintf(s, sizeof s, "%d", i++);
            add_linear(a, m, rng, s, k == 0 ? d->in : W, k == L - 1 ? d->out : W);
            if (k == L - 1) break;
            if (has_bn(m, k)) {
                m->bn_w[k] = ts_new1(a, NULL, W);
                m->bn_b[k] = ts_new1(a, NULL, W);
                m->bn_rm[k] = ts_new1(a, NULL, W);
                m->bn_rv[k] = ts_new1(a, NULL, W);
                ts_tensor_set_name(m->bn_w[k], "%s.%d.weight", m->d.name, i);
                ts_tensor_set_name(m->bn_b[k], "%s.%d.bias", m->d.name, i);
                ts_tensor_set_name(m->bn_rm[k], "%s.%d.running_mean", m->d.name, i);
                ts_tensor_set_name(m->bn_rv[k], "%s.%d.running_var", m->d.name, i);
                ts_tensor_grad(a, m->bn_w[k]);
                ts_tensor_grad(a, m->bn_b[k]);
                for (int c = 0; c < W; c++) m->bn_w[k]->data[c] = m->bn_rv[k]->data[c] = 1.0f;
                m->bn_mean[k] = buf(a, 1, W);
                m->bn_rstd[k] = buf(a, 1, W);
                m->norm[k] = buf(a, NB, W);
                i++;
            } else {
                m->norm[k] = m->lin_out[k];
            }
            m->act_index[k] = i++;
            m->hid[k] = buf(a, NB, W);
        }
    } else {
        add_linear(a, m, rng, "in", d->in, W);
        for (int k = 0; k < L; k++) {
            snprintf(s, sizeof s, "blocks.%d.fc1", k);
            add_linear(a, m, rng, s, W, W);
            m->act_index[k] = -1;
            snprintf(s, sizeof s, "blocks.%d.fc2", k);
            add_linear(a, m, rng, s, W, W);
            m->hid[k] = buf(a, NB, W);
        }
        add_linear(a, m, rng, "out", W, d->out);
        m->h[0] = m->lin_out[0];
        for (int k = 1; k <= L; k++) m->h[k] = buf(a, NB, W);
    }
    int widest = W > d->in ? W : d->in;
    if (d->out > widest) widest = d->out;
    for (int i = 0; i < 3; i++) m->scratch[i] = buf(a, NB, widest);
    m->x = buf(a, NB, d->in);
    m->probs = buf(a, NB, d->out);
    m->dlogits = buf(a, NB, d->out);
    return m;
}

void ts_deep_forward(ts_deep *m, float *logits, const float *x, int B) {
    TS_CHECK(B >= 1 && B <= m->d.max_batch);
    const int L = m->d.depth, W = m->d.width;
    const size_t BW = (size_t)B * W;
    memcpy(m->x, x, sizeof(float) * (size_t)B * m->d.in);
    if (m->d.kind == TS_DEEP_PLAIN) {
        const float *h = m->x;
        for (int k = 0; k < L; k++) {
            int in = k == 0 ? m->d.in : W, out = k == L - 1 ? m->d.out : W;
            m->lin_in[k] = h;
            ts_linear_forward(m->lin_out[k], h, m->w[k]->data, m->b[k]->data, B, in, out);
            if (k == L - 1) break;
            if (has_bn(m, k))
                ts_batchnorm_forward(m->norm[k], m->bn_mean[k], m->bn_rstd[k], m->bn_rm[k]->data,
                                     m->bn_rv[k]->data, m->lin_out[k], m->bn_w[k]->data,
                                     m->bn_b[k]->data, B, W, 1, m->training);
            ts_act_forward(m->hid[k], m->norm[k], BW, m->d.act, m->d.slope);
            h = m->hid[k];
        }
    } else {
        m->lin_in[0] = m->x;
        ts_linear_forward(m->lin_out[0], m->x, m->w[0]->data, m->b[0]->data, B, m->d.in, W);
        for (int k = 0; k < L; k++) {
            int j1 = 1 + 2 * k, j2 = 2 + 2 * k;
            m->lin_in[j1] = m->h[k];
            ts_linear_forward(m->lin_out[j1], m->h[k], m->w[j1]->data, m->b[j1]->data, B, W, W);
            ts_act_forward(m->hid[k], m->lin_out[j1], BW, m->d.act, m->d.slope);
            m->lin_in[j2] = m->hid[k];
            ts_linear_forward(m->lin_out[j2], m->hid[k], m->w[j2]->data, m->b[j2]->data, B, W, W);
            if (has_skip(m, k))
                ts_add_forward(m->h[k + 1], m->h[k], m->lin_out[j2], BW);
            else
                memcpy(m->h[k + 1], m->lin_out[j2], sizeof(float) * BW);
        }
        int j = m->nlin - 1;
        m->lin_in[j] = m->h[L];
        ts_linear_forward(m->lin_out[j], m->h[L], m->w[j]->data, m->b[j]->data, B, W, m->d.out);
    }
    m->last_B = B;
    if (logits) memcpy(logits, ts_deep_logits(m), sizeof(float) * (size_t)B * m->d.out);
}

const float *ts_deep_logits(const ts_deep *m) { return m->lin_out[m->nlin - 1]; }

static void zero(float *p, size_t n) { memset(p, 0, sizeof(float) * n); }

/* The activation's backward; tanh from its saved output (no second tanhf). */
static void act_back(const ts_deep *m, float *dinp, const float *dout, const float *pre,
                     const float *post, size_t n) {
    if (m->d.act == TS_ACT_TANH)
        ts_tanh_backward(dinp, dout, post, n);
    else
        ts_act_backward(dinp, dout, pre, n, m->d.act, m->d.slope);
}

/* Linear j's backward: grads += and, with dinp, dinp = (zeroed) d/dinput. */
static void lin_back(ts_deep *m, int j, float *dinp, const float *dout, int B) {
    int in = m->w[j]->shape[1], out = m->w[j]->shape[0];
    if (dinp) zero(dinp, (size_t)B * in);
    ts_linear_backward(dinp, m->w[j]->grad, m->b[j]->grad, dout, m->lin_in[j], m->w[j]->data,
                       B, in, out);
}

void ts_deep_backward(ts_deep *m, const float *dlogits, int B) {
    TS_CHECK(B == m->last_B);
    const int L = m->d.depth, W = m->d.width;
    const size_t BW = (size_t)B * W;
    float *s0 = m->scratch[0], *s1 = m->scratch[1], *s2 = m->scratch[2], *t;
    memcpy(s0, dlogits, sizeof(float) * (size_t)B * m->d.out);
    if (m->d.kind == TS_DEEP_PLAIN) {
        /* s0: grad of Linear k's output */
        for (int k = L - 1; k >= 0; k--) {
            lin_back(m, k, k > 0 ? s1 : NULL, s0, B);
            if (k == 0) break;
            int h = k - 1;                      /* s1: grad of hid[h] */
            zero(s2, BW);
            act_back(m, s2, s1, m->norm[h], m->hid[h], BW);
            if (has_bn(m, h)) {
                zero(s0, BW);
                ts_batchnorm_backward(s0, m->bn_w[h]->grad, m->bn_b[h]->grad, s2, m->lin_out[h],
                                      m->bn_w[h]->data, m->bn_mean[h], m->bn_rstd[h], B, W, 1,
                                      m->training);
            } else {
                t = s0, s0 = s2, s2 = t;
            }
        }
    } else {
        /* s1: grad of h[k+1] */
        lin_back(m, m->nlin - 1, s1, s0, B);
        for (int k = L - 1; k >= 0; k--) {
            int j1 = 1 + 2 * k, j2 = 2 + 2 * k;
            lin_back(m, j2, s2, s1, B);                 /* s2: grad of hid[k] */
            zero(s0, BW);
            act_back(m, s0, s2, m->lin_out[j1], m->hid[k], BW);
            lin_back(m, j1, s2, s0, B);                 /* s2: grad of h[k] through F */
            if (has_skip(m, k))
                for (size_t i = 0; i < BW; i++) s2[i] += s1[i];
            t = s1, s1 = s2, s2 = t;
        }
        lin_back(m, 0, NULL, s1, B);
    }
}

float ts_deep_loss_backward(ts_deep *m, const float *x, const int *y, int B, bool backward) {
    ts_deep_forward(m, NULL, x, B);
    const int C = m->d.out;
    float loss = ts_crossentropy_forward(NULL, m->probs, ts_deep_logits(m), y, B, C);
    if (backward) {
        zero(m->dlogits, (size_t)B * C);
        ts_crossentropy_backward(m->dlogits, m->probs, y, 1.0f, B, C);
        ts_deep_backward(m, m->dlogits, B);
    }
    return loss;
}

int ts_deep_params(ts_deep *m, ts_tensor **out) {
    int n = 0;
    for (int j = 0; j < m->nlin; j++) {
        out[n++] = m->w[j];
        out[n++] = m->b[j];
        if (m->d.kind == TS_DEEP_PLAIN && j < m->d.depth - 1 && m->bn_w[j]) {
            out[n++] = m->bn_w[j];
            out[n++] = m->bn_b[j];
        }
    }
    return n;
}

int ts_deep_buffers(ts_deep *m, ts_tensor **out) {
    int n = 0;
    for (int k = 0; k < m->d.depth - 1; k++)
        if (m->bn_rm[k]) {
            out[n++] = m->bn_rm[k];
            out[n++] = m->bn_rv[k];
        }
    return n;
}

void ts_deep_zero_grad(ts_deep *m) {
    ts_tensor *p[2 * TS_DEEP_MAX_LINEAR + 2 * TS_DEEP_MAX_DEPTH];
    int n = ts_deep_params(m, p);
    for (int i = 0; i < n; i++) zero(p[i]->grad, ts_numel(p[i]));
}

long ts_deep_numel(const ts_deep *m) {
    ts_tensor *p[2 * TS_DEEP_MAX_LINEAR + 2 * TS_DEEP_MAX_DEPTH];
    int n = ts_deep_params((ts_deep *)m, p);
    long s = 0;
    for (int i = 0; i < n; i++) s += (long)ts_numel(p[i]);
    return s;
}

static double sumsq(const float *g, size_t n) {
    double s = 0;
    for (size_t i = 0; i < n; i++) s += (double)g[i] * g[i];
    return s;
}

void ts_deep_grad_norms(const ts_deep *m, float *out) {
    for (int k = 0; k < m->d.depth; k++) {
        double s;
        if (m->d.kind == TS_DEEP_PLAIN) {
            s = sumsq(m->w[k]->grad, ts_numel(m->w[k]));
        } else {
            const ts_tensor *a = m->w[1 + 2 * k], *b = m->w[2 + 2 * k];
            s = sumsq(a->grad, ts_numel(a)) + sumsq(b->grad, ts_numel(b));
        }
        out[k] = (float)sqrt(s);
    }
}

void ts_deep_resid_ratios(const ts_deep *m, float *out) {
    TS_CHECK(m->d.kind == TS_DEEP_RESID && m->last_B > 0);
    const int W = m->d.width, B = m->last_B;
    for (int k = 0; k < m->d.depth; k++) {
        double s = 0;
        for (int r = 0; r < B; r++) {
            const float *h = m->h[k] + (size_t)r * W, *f = m->lin_out[2 + 2 * k] + (size_t)r * W;
            double hn = sqrt(sumsq(h, (size_t)W)), fn = sqrt(sumsq(f, (size_t)W));
            s += hn > 0 ? fn / hn : 0.0;
        }
        out[k] = (float)(s / B);
    }
}

const float *ts_deep_activation(const ts_deep *m, int k) {
    TS_CHECK(m->d.kind == TS_DEEP_PLAIN && k >= 0 && k < m->d.depth - 1);
    return m->hid[k];
}
