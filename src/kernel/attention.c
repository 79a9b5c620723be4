/* attention.c: positional encoding and multi-head self-attention. See
 * attention.h for the manual.
 *
 * Layouts: the projections come out of ts_linear_forward as [T, d] rows, in
 * which head h is the column block [h*d_k, (h+1)*d_k). The per-head tensors
 * are [heads, T, d_k], so element (t, h*d_k + j) of a [T, d] buffer is element
 * (h, t, j) = (h*T + t)*d_k + j of the per-head one. split/merge move blocks
 * between the two layouts.
 */
#include "attention.h"

#include <math.h>
#include <string.h>

#include "nn.h"

void ts_posenc_sinusoidal(float *pe, int T, int d) {
    for (int t = 0; t < T; t++) {
        for (int c = 0; c < d; c++) {
            int i2 = c - (c & 1);                 /* 2i: the pair's even dim */
            double angle = t / pow(10000.0, (double)i2 / d);
            pe[(size_t)t * d + c] = (float)((c & 1) ? cos(angle) : sin(angle));
        }
    }
}

/* Scratch, in floats: 3 projections [T, d], dconcat [T, d], three per-head
 * blocks [T, d_k], dweights and dscores [T, T]. */
typedef struct mha_work {
    float *proj[3], *dcat, *hq, *hk, *hv, *dw, *ds;
} mha_work;

static size_t work_floats(const ts_mha_desc *d, int d_k) {
    return 4 * (size_t)d->T * d->d + 3 * (size_t)d->T * d_k + 2 * (size_t)d->T * d->T;
}

static mha_work work_split(const ts_mha *m) {
    size_t T = (size_t)m->desc.T, D = (size_t)m->desc.d, K = (size_t)m->d_k;
    mha_work w;
    float *p = m->work;
    for (int i = 0; i < 3; i++) { w.proj[i] = p; p += T * D; }
    w.dcat = p; p += T * D;
    w.hq = p; p += T * K;
    w.hk = p; p += T * K;
    w.hv = p; p += T * K;
    w.dw = p; p += T * T;
    w.ds = p;
    return w;
}

ts_mha *ts_mha_new(ts_arena *a, const ts_mha_desc *desc) {
    TS_CHECK(desc->T >= 1 && desc->d >= 1 && desc->heads >= 1);
    TS_CHECK(desc->d % desc->heads == 0);
    TS_CHECK(desc->temperature >= 0.0f);
    ts_mha *m = ts_arena_alloc(a, sizeof *m);
    int T = desc->T, H = desc->heads;
    m->desc = *desc;
    m->d_k = desc->d / H;
    float temp = desc->temperature == 0.0f ? 1.0f : desc->temperature;
    float scale = desc->unscaled ? 1.0f : 1.0f / sqrtf((float)m->d_k);
    m->score_mult = scale / temp;
    m->q = ts_new3(a, "attn.q", H, T, m->d_k);
    m->k = ts_new3(a, "attn.k", H, T, m->d_k);
    m->v = ts_new3(a, "attn.v", H, T, m->d_k);
    m->scores = ts_new3(a, "attn.scores", H, T, T);
    m->weights = ts_new3(a, "attn.weights", H, T, T);
    m->allowed = ts_new2(a, "attn.mask", T, T);
    m->concat = ts_new2(a, "attn.concat", T, desc->d);
    m->out = ts_new2(a, "attn.out", T, desc->d);
    m->work = ts_arena_alloc(a, sizeof(float) * work_floats(desc, m->d_k));
    return m;
}

/* Head h of a [T, d] buffer <-> a contiguous [T, d_k] block. */
static void head_get(float *dst, const float *src, int h, int T, int d, int d_k) {
    for (int t = 0; t < T; t++)
        memcpy(dst + (size_t)t * d_k, src + (size_t)t * d + (size_t)h * d_k,
               sizeof(float) * (size_t)d_k);
}
static void head_put(float *dst, const float *src, int h, int T, int d, int d_k) {
    for (int t = 0; t < T; t++)
        memcpy(dst + (size_t)t * d + (size_t)h * d_k, src + (size_t)t * d_k,
               sizeof(float) * (size_t)d_k);
}

void ts_mha_forward(ts_mha *m, const float *x, const ts_mha_weights *w,
                    const bool *key_pad) {
    int T = m->desc.T, D = m->desc.d, H = m->desc.heads, K = m->d_k;
    mha_work s = work_split(m);
    ts_tensor *qkv[3] = { m->q, m->k, m->v };
    const float *W[3] = { w->wq, w->wk, w->wv }, *Bs[3] = { w->bq, w->bk, w->bv };
    for (int i = 0; i < 3; i++) {
        ts_linear_forward(s.proj[i], x, W[i], Bs[i], T, D, D);
        for (int h = 0; h < H; h++)
            head_get(qkv[i]->data + (size_t)h * T * K, s.proj[i], h, T, D, K);
    }
    float *allowed = m->allowed->data;
    for (int t = 0; t < T; t++)
        for (int u = 0; u < T; u++)
            allowed[t * T + u] = ((m->desc.causal && u > t) || (key_pad && key_pad[u]))
                                 ? 0.0f : 1.0f;
    for (int h = 0; h < H; h++) {
        size_t ho = (size_t)h * T * K, hs = (size_t)h * T * T;
        float *sc = m->scores->data + hs, *wt = m->weights->data + hs;
        /* scores = Q K^T: a linear layer whose "weight" is K [T, d_k] */
        ts_linear_forward(sc, m->q->data + ho, m->k->data + ho, NULL, T, K, T);
        for (int i = 0; i < T * T; i++) sc[i] *= m->score_mult;
        if (m->score_bias)
            for (int i = 0; i < T * T; i++) sc[i] += m->score_bias[i];
        ts_softmax_forward(wt, sc, allowed, T, T);
        for (int i = 0; i < T * T; i++)
            if (allowed[i] == 0.0f) sc[i] = -INFINITY;
        ts_matmul_forward(s.hq, wt, m->v->data + ho, T, T, K);
        head_put(m->concat->data, s.hq, h, T, D, K);
    }
    ts_linear_forward(m->out->data, m->concat->data, w->wo, w->bo, T, D, D);
}

void ts_mha_backward(ts_mha *m, float *dx, const ts_mha_grads *g,
                     const float *dout, const float *x, const ts_mha_weights *w) {
    ts_mha_backward_weights(m, dx, g, dout, NULL, x, w);
}

void ts_mha_backward_weights(ts_mha *m, float *dx, const ts_mha_grads *g, const float *dout,
                             const float *dweights, const float *x, const ts_mha_weights *w) {
    int T = m->desc.T, D = m->desc.d, H = m->desc.heads, K = m->d_k;
    mha_work s = work_split(m);
    size_t TD = (size_t)T * D, TK = (size_t)T * K, TT = (size_t)T * T;
    memset(s.dcat, 0, sizeof(float) * TD);
    for (int i = 0; i < 3; i++) memset(s.proj[i], 0, sizeof(float) * TD);
    if (dout) ts_linear_backward(s.dcat, g->wo, g->bo, dout, m->concat->data, w->wo, T, D, D);
    for (int h = 0; h < H; h++) {
        size_t ho = (size_t)h * TK, hs = (size_t)h * TT;
        const float *q = m->q->data + ho, *k = m->k->data + ho, *v = m->v->data + ho;
        const float *wt = m->weights->data + hs;
        float *dctx = s.hq;                     /* reused: dq comes later */
        head_get(dctx, s.dcat, h, T, D, K);
        memset(s.dw, 0, sizeof(float) * TT);
        memset(s.hv, 0, sizeof(float) * TK);
        ts_matmul_backward(s.dw, s.hv, dctx, wt, v, T, T, K);      /* head = wt V */
        if (dweights)
            for (size_t i = 0; i < TT; i++) s.dw[i] += dweights[hs + i];
        memset(s.ds, 0, sizeof(float) * TT);
        ts_softmax_backward(s.ds, s.dw, wt, T, T);
        for (size_t i = 0; i < TT; i++) s.ds[i] *= m->score_mult;
        memset(s.hq, 0, sizeof(float) * TK);
        memset(s.hk, 0, sizeof(float) * TK);
        ts_linear_backward(s.hq, s.hk, NULL, s.ds, q, k, T, K, T);  /* Q K^T */
        head_put(s.proj[0], s.hq, h, T, D, K);
        head_put(s.proj[1], s.hk, h, T, D, K);
        head_put(s.proj[2], s.hv, h, T, D, K);
    }
    float *dW[3] = { g->wq, g->wk, g->wv }, *dB[3] = { g->bq, g->bk, g->bv };
    const float *W[3] = { w->wq, w->wk, w->wv };
    for (int i = 0; i < 3; i++)
        ts_linear_backward(dx, dW[i], dB[i], s.proj[i], x, W[i], T, D, D);
}
