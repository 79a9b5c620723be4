/* cnn_model.c: the cnn scene's network on the kernel's ops (see cnn_model.h). */
#include "scenes/cnn/cnn_model.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include "kernel/safetensors.h"
#include "kernel/nn.h"

ts_conv2d_desc cnn_conv1_desc(int n) {
    return (ts_conv2d_desc){.n = n, .c_in = 1, .h = CNN_IN, .w = CNN_IN, .c_out = CNN_C1,
                            .kh = 3, .kw = 3, .pad_h = 1, .pad_w = 1};
}
ts_conv2d_desc cnn_conv2_desc(int n) {
    return (ts_conv2d_desc){.n = n, .c_in = CNN_C1, .h = CNN_P1, .w = CNN_P1, .c_out = CNN_C2,
                            .kh = 3, .kw = 3, .pad_h = 1, .pad_w = 1};
}
ts_pool2d_desc cnn_pool1_desc(int n) {
    return (ts_pool2d_desc){.n = n, .c = CNN_C1, .h = CNN_IN, .w = CNN_IN, .kh = 2, .kw = 2};
}
ts_pool2d_desc cnn_pool2_desc(int n) {
    return (ts_pool2d_desc){.n = n, .c = CNN_C2, .h = CNN_P1, .w = CNN_P1, .kh = 2, .kw = 2};
}

void cnn_model_new(cnn_model *m, ts_arena *a) {
    m->conv1_w = ts_new4(a, "conv1.weight", CNN_C1, 1, 3, 3);
    m->conv1_b = ts_new1(a, "conv1.bias", CNN_C1);
    m->conv2_w = ts_new4(a, "conv2.weight", CNN_C2, CNN_C1, 3, 3);
    m->conv2_b = ts_new1(a, "conv2.bias", CNN_C2);
    m->fc_w = ts_new2(a, "fc.weight", CNN_CLASSES, CNN_FLAT);
    m->fc_b = ts_new1(a, "fc.bias", CNN_CLASSES);
}

void cnn_model_params(const cnn_model *m, ts_tensor *out[6]) {
    out[0] = m->conv1_w; out[1] = m->conv1_b; out[2] = m->conv2_w;
    out[3] = m->conv2_b; out[4] = m->fc_w; out[5] = m->fc_b;
}

void cnn_model_init(cnn_model *m, uint64_t seed) {
    ts_rng r;
    ts_rng_seed(&r, seed);
    float b1 = 1.0f / sqrtf(9.0f), b2 = 1.0f / sqrtf(9.0f * CNN_C1);
    ts_rng_uniform_fill(&r, m->conv1_w->data, ts_numel(m->conv1_w), -b1, b1);
    ts_rng_uniform_fill(&r, m->conv1_b->data, ts_numel(m->conv1_b), -b1, b1);
    ts_rng_uniform_fill(&r, m->conv2_w->data, ts_numel(m->conv2_w), -b2, b2);
    ts_rng_uniform_fill(&r, m->conv2_b->data, ts_numel(m->conv2_b), -b2, b2);
    ts_linear_init(m->fc_w->data, m->fc_b->data, &r, CNN_FLAT, CNN_CLASSES);
}

static bool same_shape(const ts_tensor *a, const ts_tensor *b) {
    if (a->ndim != b->ndim) return false;
    for (int i = 0; i < a->ndim; i++)
        if (a->shape[i] != b->shape[i]) return false;
    return true;
}

bool cnn_model_load(cnn_model *m, ts_arena *a, const char *path, ts_tensor **samples,
                    char *err, size_t errlen) {
    ts_arena tmp = {0};
    char e[256];
    ts_dump *d = ts_st_read(path, &tmp, e, sizeof e);
    if (!d) {
        snprintf(err, errlen, "cannot read the cnn weights: %s", e);
        ts_arena_free(&tmp);
        return false;
    }
    ts_tensor *want[6];
    cnn_model_params(m, want);
    bool ok = true;
    for (int i = 0; i < 6 && ok; i++) {
        const ts_tensor *t = ts_dump_find(d, want[i]->name);
        if (!t || !same_shape(t, want[i])) {
            snprintf(err, errlen, "%s: %s is %s", path, want[i]->name,
                     t ? "of the wrong shape" : "missing");
            ok = false;
        }
    }
    const ts_tensor *s = ts_dump_find(d, "samples");
    if (ok && s && !(s->ndim == 4 && s->shape[0] == CNN_CLASSES && s->shape[1] == 1 &&
                     s->shape[2] == CNN_IN && s->shape[3] == CNN_IN)) {
        snprintf(err, errlen, "%s: samples must be [10,1,28,28]", path);
        ok = false;
    }
    for (int i = 0; i < 6 && ok; i++)
        memcpy(want[i]->data, ts_dump_find(d, want[i]->name)->data, sizeof(float) * ts_numel(want[i]));
    if (ok && samples) {
        *samples = NULL;
        if (s) {
            *samples = ts_new4(a, "samples", CNN_CLASSES, 1, CNN_IN, CNN_IN);
            memcpy((*samples)->data, s->data, sizeof(float) * ts_numel(s));
        }
    }
    ts_dump_free(d);
    ts_arena_free(&tmp);
    return ok;
}

void cnn_acts_new(cnn_acts *x, ts_arena *a, int n, bool grads) {
    memset(x, 0, sizeof *x);
    x->n = n;
    x->input = ts_new4(a, "input", n, 1, CNN_IN, CNN_IN);
    x->conv1 = ts_new4(a, "conv1.out", n, CNN_C1, CNN_IN, CNN_IN);
    x->relu1 = ts_new4(a, "relu1.out", n, CNN_C1, CNN_IN, CNN_IN);
    x->pool1 = ts_new4(a, "pool1.out", n, CNN_C1, CNN_P1, CNN_P1);
    x->conv2 = ts_new4(a, "conv2.out", n, CNN_C2, CNN_P1, CNN_P1);
    x->relu2 = ts_new4(a, "relu2.out", n, CNN_C2, CNN_P1, CNN_P1);
    x->pool2 = ts_new4(a, "pool2.out", n, CNN_C2, CNN_P2, CNN_P2);
    x->logits = ts_new2(a, "logits", n, CNN_CLASSES);
    x->probs = ts_new2(a, "probs", n, CNN_CLASSES);
    x->arg1 = ts_arena_alloc(a, sizeof(int) * ts_numel(x->pool1));
    x->arg2 = ts_arena_alloc(a, sizeof(int) * ts_numel(x->pool2));
    x->ties1 = ts_arena_alloc(a, ts_numel(x->pool1));
    x->ties2 = ts_arena_alloc(a, ts_numel(x->pool2));
    if (!grads) return;
    x->d_pool2 = ts_arena_alloc(a, sizeof(float) * ts_numel(x->pool2));
    x->d_relu2 = ts_arena_alloc(a, sizeof(float) * ts_numel(x->relu2));
    x->d_conv2 = ts_arena_alloc(a, sizeof(float) * ts_numel(x->conv2));
    x->d_pool1 = ts_arena_alloc(a, sizeof(float) * ts_numel(x->pool1));
    x->d_relu1 = ts_arena_alloc(a, sizeof(float) * ts_numel(x->relu1));
    x->d_conv1 = ts_arena_alloc(a, sizeof(float) * ts_numel(x->conv1));
    x->d_logits = ts_arena_alloc(a, sizeof(float) * ts_numel(x->logits));
}

/* ties[i] = how many values of pooling window i equal its max out[i]. */
static void count_ties(uint8_t *ties, const float *out, const float *in, const ts_pool2d_desc *d) {
    int sh = d->stride_h ? d->stride_h : d->kh, sw = d->stride_w ? d->stride_w : d->kw;
    int oh = (d->h + 2 * d->pad_h - d->kh) / sh + 1, ow = (d->w + 2 * d->pad_w - d->kw) / sw + 1;
    for (int p = 0; p < d->n * d->c; p++)
        for (int r = 0; r < oh; r++)
            for (int c = 0; c < ow; c++) {
                size_t o = ((size_t)p * oh + r) * ow + c;
                int n = 0;
                for (int i = 0; i < d->kh; i++)
                    for (int j = 0; j < d->kw; j++) {
                        int y = r * sh - d->pad_h + i, xx = c * sw - d->pad_w + j;
                        if (y >= 0 && xx >= 0 && y < d->h && xx < d->w)
                            n += in[((size_t)p * d->h + y) * d->w + xx] == out[o];
                    }
                ties[o] = (uint8_t)n;
            }
}

void cnn_receptive_field(int layer, int r, int c, int *r0, int *c0, int *size) {
    /* a cell [a, b] of a layer with kernel k, stride s, padding p covers
     * [a*s - p, b*s - p + k - 1] of the layer below */
    ts_conv2d_desc c1 = cnn_conv1_desc(1), c2 = cnn_conv2_desc(1);
    ts_pool2d_desc p1 = cnn_pool1_desc(1), p2 = cnn_pool2_desc(1);
    const int geo[4][3] = {{c1.kh, c1.stride_h ? c1.stride_h : 1, c1.pad_h},
                           {p1.kh, p1.stride_h ? p1.stride_h : p1.kh, p1.pad_h},
                           {c2.kh, c2.stride_h ? c2.stride_h : 1, c2.pad_h},
                           {p2.kh, p2.stride_h ? p2.stride_h : p2.kh, p2.pad_h}};
    int ra = r, rb = r, ca = c, cb = c;
    for (int l = layer; l > CNN_L_INPUT; l--) {
        const int *g = geo[l - 1];
        ra = ra * g[1] - g[2]; rb = rb * g[1] - g[2] + g[0] - 1;
        ca = ca * g[1] - g[2]; cb = cb * g[1] - g[2] + g[0] - 1;
    }
    *r0 = ra; *c0 = ca; *size = rb - ra + 1;
}

void cnn_forward(const cnn_model *m, cnn_acts *x) {
    int n = x->n;
    ts_conv2d_desc c1 = cnn_conv1_desc(n), c2 = cnn_conv2_desc(n);
    ts_pool2d_desc p1 = cnn_pool1_desc(n), p2 = cnn_pool2_desc(n);
    ts_conv2d_forward(x->conv1->data, x->input->data, m->conv1_w->data, m->conv1_b->data, &c1);
    ts_relu_forward(x->relu1->data, x->conv1->data, ts_numel(x->conv1));
    ts_maxpool2d_forward(x->pool1->data, x->arg1, x->relu1->data, &p1);
    count_ties(x->ties1, x->pool1->data, x->relu1->data, &p1);
    ts_conv2d_forward(x->conv2->data, x->pool1->data, m->conv2_w->data, m->conv2_b->data, &c2);
    ts_relu_forward(x->relu2->data, x->conv2->data, ts_numel(x->conv2));
    ts_maxpool2d_forward(x->pool2->data, x->arg2, x->relu2->data, &p2);
    count_ties(x->ties2, x->pool2->data, x->relu2->data, &p2);
    ts_linear_forward(x->logits->data, x->pool2->data, m->fc_w->data, m->fc_b->data,
                      n, CNN_FLAT, CNN_CLASSES);
    ts_softmax_forward(x->probs->data, x->logits->data, NULL, n, CNN_CLASSES);
}

float cnn_backward(cnn_model *m, cnn_acts *x, const int *targets) {
    int n = x->n;
    float loss = ts_crossentropy_forward(NULL, x->probs->data, x->logits->data, targets, n, CNN_CLASSES);
    if (!x->d_logits) return loss;
    ts_conv2d_desc c1 = cnn_conv1_desc(n), c2 = cnn_conv2_desc(n);
    ts_pool2d_desc p1 = cnn_pool1_desc(n), p2 = cnn_pool2_desc(n);
    memset(x->d_logits, 0, sizeof(float) * ts_numel(x->logits));
    memset(x->d_pool2, 0, sizeof(float) * ts_numel(x->pool2));
    memset(x->d_relu2, 0, sizeof(float) * ts_numel(x->relu2));
    memset(x->d_conv2, 0, sizeof(float) * ts_numel(x->conv2));
    memset(x->d_pool1, 0, sizeof(float) * ts_numel(x->pool1));
    memset(x->d_relu1, 0, sizeof(float) * ts_numel(x->relu1));
    memset(x->d_conv1, 0, sizeof(float) * ts_numel(x->conv1));
    ts_crossentropy_backward(x->d_logits, x->probs->data, targets, 1.0f, n, CNN_CLASSES);
    ts_linear_backward(x->d_pool2, m->fc_w->grad, m->fc_b->grad, x->d_logits, x->pool2->data,
                       m->fc_w->data, n, CNN_FLAT, CNN_CLASSES);
    ts_maxpool2d_backward(x->d_relu2, x->d_pool2, x->arg2, &p2);
    ts_relu_backward(x->d_conv2, x->d_relu2, x->conv2->data, ts_numel(x->conv2));
    ts_conv2d_backward(x->d_pool1, m->conv2_w->grad, m->conv2_b->grad, x->d_conv2,
                       x->pool1->data, m->conv2_w->data, &c2);
    ts_maxpool2d_backward(x->d_relu1, x->d_pool1, x->arg1, &p1);
    ts_relu_backward(x->d_conv1, x->d_relu1, x->conv1->data, ts_numel(x->conv1));
    ts_conv2d_backward(NULL, m->conv1_w->grad, m->conv1_b->grad, x->d_conv1,
                       x->input->data, m->conv1_w->data, &c1);
    return loss;
}
