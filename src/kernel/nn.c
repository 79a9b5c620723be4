/* nn.c: the dense ops of nn.h. Forward writes, backward accumulates (+=).
 *
 * Reductions that decide a normalisation (softmax sums, norm statistics)
 * accumulate in double, which keeps rows of any length within float
 * rounding of PyTorch; dot products accumulate in float as PyTorch does.
 */
#include "nn.h"

#include <math.h>
#include <string.h>

#define TS_SQRT1_2 0.70710678118654752440      /* 1/sqrt(2) */
#define TS_INV_SQRT_2PI 0.39894228040143267794 /* 1/sqrt(2 pi) */

/* ---- linear / matmul ------------------------------------------------------ */

void ts_linear_init(float *weight, float *bias, ts_rng *rng, int C, int OC) {
    /* weight [OC,C], bias [OC] or NULL: kaiming_uniform(a=sqrt(5)) reduces to
     * U(-1/sqrt(C), 1/sqrt(C)), and the bias uses the same bound. */
    TS_CHECK(C > 0 && OC >= 0);
    float bound = 1.0f / sqrtf((float)C);
    ts_rng_uniform_fill(rng, weight, (size_t)OC * (size_t)C, -bound, bound);
    if (bias) ts_rng_uniform_fill(rng, bias, (size_t)OC, -bound, bound);
}

/* Dot product in eight independent partial sums (c mod 8), added pairwise
 * at the end, then the tail: the compiler can keep the lanes in one vector
 * register, three times faster than one running sum, and the order is
 * fixed, so results are the same on every run. */
float ts_dot(const float *a, const float *b, int n) {
    float p[8] = { 0 };
    int c = 0;
    for (; c + 8 <= n; c += 8)
        for (int k = 0; k < 8; k++) p[k] += a[c + k] * b[c + k];
    float s = ((p[0] + p[1]) + (p[2] + p[3])) + ((p[4] + p[5]) + (p[6] + p[7]));
    for (; c < n; c++) s += a[c] * b[c];
    return s;
}

void ts_linear_forward(float *out, const float *inp, const float *weight,
                       const float *bias, int B, int C, int OC) {
    /* out [B,OC], inp [B,C], weight [OC,C], bias [OC] or NULL.
     * out[b,o] = bias[o] + sum_c inp[b,c] * weight[o,c] */
    for (int b = 0; b < B; b++) {
        const float *x = inp + (size_t)b * C;
        float *y = out + (size_t)b * OC;
        for (int o = 0; o < OC; o++)
            y[o] = (bias ? bias[o] : 0.0f) + ts_dot(x, weight + (size_t)o * C, C);
    }
}

/* y[c] += a0 x0[c], then += a1 x1[c], ... (n_terms of them, 1..4), in that
 * order for every c: the same sums as n_terms separate passes, with y read
 * and written once. */
static void axpy_n(float *restrict y, const float *const *x, const float *a, int n_terms, int n) {
    int c = 0;
    if (n_terms == 4) {
        const float *restrict x0 = x[0], *restrict x1 = x[1], *restrict x2 = x[2], *restrict x3 = x[3];
        for (; c + 8 <= n; c += 8)
            for (int k = 0; k < 8; k++)
                y[c + k] = (((y[c + k] + a[0] * x0[c + k]) + a[1] * x1[c + k]) + a[2] * x2[c + k]) + a[3] * x3[c + k];
    }
    for (; c < n; c++) {
        float s = y[c];
        for (int r = 0; r < n_terms; r++) s += a[r] * x[r][c];
        y[c] = s;
    }
}

void ts_linear_backward(float *dinp, float *dweight, float *dbias, const float *dout,
                        const float *inp, const float *weight, int B, int C, int OC) {
    /* dinp [B,C], dweight [OC,C], dbias [OC] (each may be NULL), dout [B,OC],
     * inp [B,C], weight [OC,C]:
     *   dinp[b,:] += dout[b,o] * weight[o,:]  for o in order,
     *   dweight[o,:] += dout[b,o] * inp[b,:]  for b in order, dbias[o] += dout[b,o].
     * Four terms per pass over a row (axpy_n), each element summed in the
     * same order as one term at a time. */
    if (dinp)
        for (int b = 0; b < B; b++) {
            const float *dy = dout + (size_t)b * OC;
            float *dx = dinp + (size_t)b * C;
            for (int o = 0; o < OC; o += 4) {
                int n = OC - o < 4 ? OC - o : 4;
                const float *w[4];
                for (int r = 0; r < n; r++) w[r] = weight + (size_t)(o + r) * C;
                axpy_n(dx, w, dy + o, n, C);
            }
        }
    if (!dweight && !dbias) return;
    for (int o = 0; o < OC; o++) {
        float *dw = dweight ? dweight + (size_t)o * C : NULL;
        for (int b = 0; b < B; b += 4) {
            int n = B - b < 4 ? B - b : 4;
            const float *x[4];
            float a[4];
            for (int r = 0; r < n; r++) {
                x[r] = inp + (size_t)(b + r) * C;
                a[r] = dout[(size_t)(b + r) * OC + o];
                if (dbias) dbias[o] += a[r];
            }
            if (dw) axpy_n(dw, x, a, n, C);
        }
    }
}

void ts_matmul_forward(float *out, const float *a, const float *b, int M, int K, int N) {
    /* out [M,N], a [M,K], b [K,N]; out must not alias a or b.
     * out[m,:] = sum_k a[m,k] * b[k,:] */
    for (int m = 0; m < M; m++) {
        float *y = out + (size_t)m * N;
        for (int n = 0; n < N; n++) y[n] = 0.0f;
        for (int k = 0; k < K; k++) {
            float s = a[(size_t)m * K + k];
            const float *row = b + (size_t)k * N;
            for (int n = 0; n < N; n++) y[n] += s * row[n];
        }
    }
}

void ts_matmul_backward(float *da, float *db, const float *dout, const float *a,
                        const float *b, int M, int K, int N) {
    /* da [M,K], db [K,N] (each may be NULL), dout [M,N], a [M,K], b [K,N].
     * da = dout b^T, db = a^T dout. */
    for (int m = 0; m < M; m++) {
        const float *dy = dout + (size_t)m * N;
        for (int k = 0; k < K; k++) {
            const float *row = b + (size_t)k * N;
            if (da) {
                float acc = 0.0f;
                for (int n = 0; n < N; n++) acc += dy[n] * row[n];
                da[(size_t)m * K + k] += acc;
            }
            if (db) {
                float s = a[(size_t)m * K + k];
                float *drow = db + (size_t)k * N;
                for (int n = 0; n < N; n++) drow[n] += s * dy[n];
            }
        }
    }
}

/* ---- elementwise ------------------------------------------------------------ */

void ts_add_forward(float *out, const float *a, const float *b, size_t n) {
    /* out [n], a [n], b [n] */
    for (size_t i = 0; i < n; i++) out[i] = a[i] + b[i];
}

void ts_add_backward(float *da, float *db, const float *dout, size_t n) {
    /* da [n], db [n] (each may be NULL), dout [n] */
    for (size_t i = 0; i < n; i++) {
        if (da) da[i] += dout[i];
        if (db) db[i] += dout[i];
    }
}

void ts_mul_forward(float *out, const float *a, const float *b, size_t n) {
    /* out [n], a [n], b [n] */
    for (size_t i = 0; i < n; i++) out[i] = a[i] * b[i];
}

void ts_mul_backward(float *da, float *db, const float *dout, const float *a,
                     const float *b, size_t n) {
    /* da [n], db [n] (each may be NULL), dout [n], a [n], b [n] */
    for (size_t i = 0; i < n; i++) {
        if (da) da[i] += dout[i] * b[i];
        if (db) db[i] += dout[i] * a[i];
    }
}

void ts_relu_forward(float *out, const float *inp, size_t n) {
    /* out [n], inp [n] */
    for (size_t i = 0; i < n; i++) out[i] = inp[i] > 0.0f ? inp[i] : 0.0f;
}

void ts_relu_backward(float *dinp, const float *dout, const float *inp, size_t n) {
    /* dinp [n], dout [n], inp [n]; the gradient at 0 is 0, as PyTorch. */
    for (size_t i = 0; i < n; i++) dinp[i] += inp[i] > 0.0f ? dout[i] : 0.0f;
}

void ts_gelu_forward(float *out, const float *inp, size_t n) {
    /* out [n], inp [n]; gelu(x) = x * Phi(x) = 0.5 x (1 + erf(x / sqrt 2)) */
    for (size_t i = 0; i < n; i++) {
        double x = inp[i];
        out[i] = (float)(0.5 * x * (1.0 + erf(x * TS_SQRT1_2)));
    }
}

void ts_gelu_backward(float *dinp, const float *dout, const float *inp, size_t n) {
    /* dinp [n], dout [n], inp [n]; gelu'(x) = Phi(x) + x phi(x) */
    for (size_t i = 0; i < n; i++) {
        double x = inp[i];
        double cdf = 0.5 * (1.0 + erf(x * TS_SQRT1_2));
        double pdf = TS_INV_SQRT_2PI * exp(-0.5 * x * x);
        dinp[i] += (float)((double)dout[i] * (cdf + x * pdf));
    }
}

void ts_sigmoid_forward(float *out, const float *inp, size_t n) {
    /* out [n], inp [n]; written so exp never overflows */
    for (size_t i = 0; i < n; i++) {
        float x = inp[i];
        if (x >= 0.0f) out[i] = 1.0f / (1.0f + expf(-x));
        else { float e = expf(x); out[i] = e / (1.0f + e); }
    }
}

void ts_sigmoid_backward(float *dinp, const float *dout, const float *out, size_t n) {
    /* dinp [n], dout [n], out [n] (forward output); s' = s (1 - s) */
    for (size_t i = 0; i < n; i++) dinp[i] += dout[i] * out[i] * (1.0f - out[i]);
}

void ts_tanh_forward(float *out, const float *inp, size_t n) {
    /* out [n], inp [n] */
    for (size_t i = 0; i < n; i++) out[i] = tanhf(inp[i]);
}

void ts_tanh_backward(float *dinp, const float *dout, const float *out, size_t n) {
    /* dinp [n], dout [n], out [n] (forward output); tanh' = 1 - tanh^2 */
    for (size_t i = 0; i < n; i++) dinp[i] += dout[i] * (1.0f - out[i] * out[i]);
}

/* ---- softmax and losses ---------------------------------------------------------- */

void ts_softmax_forward(float *out, const float *inp, const float *mask, int R, int C) {
    /* out [R,C], inp [R,C], mask [R,C] or NULL (0 = masked out).
     * out = exp(x - max) / sum exp(x - max) over the unmasked entries of a
     * row; masked entries get 0, and a fully masked row is all zeros. */
    for (int r = 0; r < R; r++) {
        const float *x = inp + (size_t)r * C;
        const float *m = mask ? mask + (size_t)r * C : NULL;
        float *y = out + (size_t)r * C;
        float maxv = -INFINITY;
        for (int c = 0; c < C; c++)
            if ((!m || m[c] != 0.0f) && x[c] > maxv) maxv = x[c];
        if (maxv == -INFINITY) {   /* no entry left (or all -inf) */
            for (int c = 0; c < C; c++) y[c] = 0.0f;
            continue;
        }
        double sum = 0.0;
        for (int c = 0; c < C; c++) {
            float e = (!m || m[c] != 0.0f) ? expf(x[c] - maxv) : 0.0f;
            y[c] = e;
            sum += e;
        }
        float inv = (float)(1.0 / sum);
        for (int c = 0; c < C; c++) y[c] *= inv;
    }
}

void ts_softmax_backward(float *dinp, const float *dout, const float *out, int R, int C) {
    /* dinp [R,C], dout [R,C], out [R,C] (forward output).
     * dx = y * (dy - sum_c dy_c y_c); masked entries have y = 0 so get 0. */
    for (int r = 0; r < R; r++) {
        const float *y = out + (size_t)r * C;
        const float *dy = dout + (size_t)r * C;
        float *dx = dinp + (size_t)r * C;
        double dot = 0.0;
        for (int c = 0; c < C; c++) dot += (double)dy[c] * y[c];
        for (int c = 0; c < C; c++) dx[c] += y[c] * (dy[c] - (float)dot);
    }
}

/* log sum exp of a row of C values, max-subtracted; returns max + log sum. */
static float row_logsumexp(const float *x, int C) {
    float maxv = -INFINITY;
    for (int c = 0; c < C; c++) if (x[c] > maxv) maxv = x[c];
    double sum = 0.0;
    for (int c = 0; c < C; c++) sum += expf(x[c] - maxv);
    return maxv + (float)log(sum);
}

void ts_logsoftmax_forward(float *out, const float *inp, int R, int C) {
    /* out [R,C], inp [R,C]; out = x - logsumexp(x) per row */
    for (int r = 0; r < R; r++) {
        const float *x = inp + (size_t)r * C;
        float lse = row_logsumexp(x, C);
        for (int c = 0; c < C; c++) out[(size_t)r * C + c] = x[c] - lse;
    }
}

void ts_logsoftmax_backward(float *dinp, const float *dout, const float *out, int R, int C) {
    /* dinp [R,C], dout [R,C], out [R,C] (forward output).
     * dx = dy - softmax(x) * sum_c dy_c, with softmax(x) = exp(out). */
    for (int r = 0; r < R; r++) {
        const float *y = out + (size_t)r * C;
        const float *dy = dout + (size_t)r * C;
        float *dx = dinp + (size_t)r * C;
        double sum = 0.0;
        for (int c = 0; c < C; c++) sum += dy[c];
        for (int c = 0; c < C; c++) dx[c] += dy[c] - expf(y[c]) * (float)sum;
    }
}

float ts_crossentropy_forward(float *losses, float *probs, const float *logits,
                              const int *targets, int B, int C) {
    /* losses [B] or NULL, probs [B,C], logits [B,C], targets [B] in [0,C).
     * loss_b = logsumexp(x_b) - x_b[t_b]; returns the mean over b. */
    TS_CHECK(B > 0 && C > 0);
    double total = 0.0;
    for (int b = 0; b < B; b++) {
        const float *x = logits + (size_t)b * C;
        int t = targets[b];
        TS_CHECK(t >= 0 && t < C);
        float lse = row_logsumexp(x, C);
        float *p = probs + (size_t)b * C;
        for (int c = 0; c < C; c++) p[c] = expf(x[c] - lse);
        float l = lse - x[t];
        if (losses) losses[b] = l;
        total += l;
    }
    return (float)(total / B);
}

void ts_crossentropy_backward(float *dlogits, const float *probs, const int *targets,
                              float dloss, int B, int C) {
    /* dlogits [B,C], probs [B,C], targets [B].
     * d mean_b loss_b / dx_b = (softmax(x_b) - onehot(t_b)) / B */
    float scale = dloss / (float)B;
    for (int b = 0; b < B; b++) {
        const float *p = probs + (size_t)b * C;
        float *dx = dlogits + (size_t)b * C;
        for (int c = 0; c < C; c++) dx[c] += scale * (p[c] - (c == targets[b] ? 1.0f : 0.0f));
    }
}

/* ---- normalisation ------------------------------------------------------------------ */

void ts_layernorm_forward(float *out, float *mean, float *rstd, const float *inp,
                          const float *weight, const float *bias, int N, int C) {
    /* out [N,C], mean [N], rstd [N], inp [N,C], weight [C] or NULL, bias [C] or NULL.
     * Biased variance, rstd = 1/sqrt(var + eps). */
    for (int i = 0; i < N; i++) {
        const float *x = inp + (size_t)i * C;
        float *y = out + (size_t)i * C;
        double m = 0.0, v = 0.0;
        for (int c = 0; c < C; c++) m += x[c];
        m /= C;
        for (int c = 0; c < C; c++) v += (x[c] - m) * (x[c] - m);
        v /= C;
        float s = (float)(1.0 / sqrt(v + TS_NORM_EPS));
        float mf = (float)m;
        for (int c = 0; c < C; c++) {
            float nrm = (x[c] - mf) * s;
            y[c] = nrm * (weight ? weight[c] : 1.0f) + (bias ? bias[c] : 0.0f);
        }
        mean[i] = mf;
        rstd[i] = s;
    }
}

void ts_layernorm_backward(float *dinp, float *dweight, float *dbias, const float *dout,
                           const float *inp, const float *weight, const float *mean,
                           const float *rstd, int N, int C) {
    /* dinp [N,C], dweight [C], dbias [C] (each may be NULL), dout [N,C], inp [N,C],
     * weight [C] or NULL, mean [N], rstd [N]. With n = (x - mean) rstd and
     * g = dout * weight: dx = rstd (g - mean(g) - n mean(g n)). */
    for (int i = 0; i < N; i++) {
        const float *x = inp + (size_t)i * C;
        const float *dy = dout + (size_t)i * C;
        float m = mean[i], s = rstd[i];
        double gmean = 0.0, gnmean = 0.0;
        for (int c = 0; c < C; c++) {
            float nrm = (x[c] - m) * s;
            float g = dy[c] * (weight ? weight[c] : 1.0f);
            gmean += g;
            gnmean += (double)g * nrm;
            if (dbias) dbias[c] += dy[c];
            if (dweight) dweight[c] += dy[c] * nrm;
        }
        if (!dinp) continue;
        float gm = (float)(gmean / C), gnm = (float)(gnmean / C);
        float *dx = dinp + (size_t)i * C;
        for (int c = 0; c < C; c++) {
            float nrm = (x[c] - m) * s;
            float g = dy[c] * (weight ? weight[c] : 1.0f);
            dx[c] += s * (g - gm - nrm * gnm);
        }
    }
}

void ts_batchnorm_forward(float *out, float *mean, float *rstd, float *running_mean,
                          float *running_var, const float *inp, const float *weight,
                          const float *bias, int N, int C, int S, bool training) {
    /* out [N,C,S], mean [C], rstd [C], running_mean [C], running_var [C],
     * inp [N,C,S], weight [C] or NULL, bias [C] or NULL.
     * Element (n,c,s) is at (n*C + c)*S + s; channel c has M = N*S values.
     * Training normalises with the batch mean and biased variance and moves
     * the running stats by momentum toward the mean and UNBIASED variance
     * (var * M/(M-1)); eval normalises with the running stats. */
    size_t M = (size_t)N * (size_t)S;
    for (int c = 0; c < C; c++) {
        float m, s;
        if (training) {
            TS_CHECK(M > 1);
            double sm = 0.0, sv = 0.0;
            for (int n = 0; n < N; n++)
                for (int k = 0; k < S; k++) sm += inp[((size_t)n * C + c) * S + k];
            sm /= (double)M;
            for (int n = 0; n < N; n++)
                for (int k = 0; k < S; k++) {
                    double d = inp[((size_t)n * C + c) * S + k] - sm;
                    sv += d * d;
                }
            double var = sv / (double)M;
            m = (float)sm;
            s = (float)(1.0 / sqrt(var + TS_NORM_EPS));
            running_mean[c] = (1.0f - TS_BN_MOMENTUM) * running_mean[c] + TS_BN_MOMENTUM * m;
            running_var[c] = (1.0f - TS_BN_MOMENTUM) * running_var[c]
                           + TS_BN_MOMENTUM * (float)(sv / (double)(M - 1));
        } else {
            m = running_mean[c];
            s = 1.0f / sqrtf(running_var[c] + TS_NORM_EPS);
        }
        mean[c] = m;
        rstd[c] = s;
        float w = weight ? weight[c] : 1.0f, b = bias ? bias[c] : 0.0f;
        for (int n = 0; n < N; n++)
            for (int k = 0; k < S; k++) {
                size_t i = ((size_t)n * C + c) * S + k;
                out[i] = (inp[i] - m) * s * w + b;
            }
    }
}

void ts_batchnorm_backward(float *dinp, float *dweight, float *dbias, const float *dout,
                           const float *inp, const float *weight, const float *mean,
                           const float *rstd, int N, int C, int S, bool training) {
    /* dinp [N,C,S], dweight [C], dbias [C] (each may be NULL), dout [N,C,S],
     * inp [N,C,S], weight [C] or NULL, mean [C], rstd [C].
     * Training: the layer-norm formula over the M values of a channel.
     * Eval: mean and rstd are constants, so dx = dout * weight * rstd. */
    size_t M = (size_t)N * (size_t)S;
    for (int c = 0; c < C; c++) {
        float m = mean[c], s = rstd[c], w = weight ? weight[c] : 1.0f;
        double dysum = 0.0, dynsum = 0.0;
        for (int n = 0; n < N; n++)
            for (int k = 0; k < S; k++) {
                size_t i = ((size_t)n * C + c) * S + k;
                float nrm = (inp[i] - m) * s;
                dysum += dout[i];
                dynsum += (double)dout[i] * nrm;
            }
        if (dbias) dbias[c] += (float)dysum;
        if (dweight) dweight[c] += (float)dynsum;
        if (!dinp) continue;
        float gm = training ? (float)(w * dysum / (double)M) : 0.0f;
        float gnm = training ? (float)(w * dynsum / (double)M) : 0.0f;
        for (int n = 0; n < N; n++)
            for (int k = 0; k < S; k++) {
                size_t i = ((size_t)n * C + c) * S + k;
                float nrm = (inp[i] - m) * s;
                dinp[i] += s * (dout[i] * w - gm - nrm * gnm);
            }
    }
}

/* ---- dropout, embedding, similarity ------------------------------------------------ */

void ts_dropout_forward(float *out, float *mask, const float *inp, float p,
                        ts_rng *rng, size_t n) {
    /* out [n], mask [n], inp [n]. Element i is kept when u_i >= p (probability
     * 1 - p) and scaled by 1/(1-p) (inverted dropout); mask holds that factor. */
    TS_CHECK(p >= 0.0f && p <= 1.0f);
    float scale = p < 1.0f ? 1.0f / (1.0f - p) : 0.0f;
    for (size_t i = 0; i < n; i++) {
        float u = ts_rng_uniform(rng);
        mask[i] = (p < 1.0f && u >= p) ? scale : 0.0f;
        out[i] = inp[i] * mask[i];
    }
}

void ts_dropout_backward(float *dinp, const float *dout, const float *mask, size_t n) {
    /* dinp [n], dout [n], mask [n] */
    for (size_t i = 0; i < n; i++) dinp[i] += dout[i] * mask[i];
}

void ts_embedding_forward(float *out, const int *ids, const float *weight, int B, int V, int C) {
    /* out [B,C], ids [B] in [0,V), weight [V,C]: out[b,:] = weight[ids[b],:] */
    for (int b = 0; b < B; b++) {
        TS_CHECK(ids[b] >= 0 && ids[b] < V);
        memcpy(out + (size_t)b * C, weight + (size_t)ids[b] * C, (size_t)C * sizeof(float));
    }
}

void ts_embedding_backward(float *dweight, const float *dout, const int *ids, int B, int V, int C) {
    /* dweight [V,C], dout [B,C], ids [B]: dweight[ids[b],:] += dout[b,:] */
    for (int b = 0; b < B; b++) {
        TS_CHECK(ids[b] >= 0 && ids[b] < V);
        float *dw = dweight + (size_t)ids[b] * C;
        const float *dy = dout + (size_t)b * C;
        for (int c = 0; c < C; c++) dw[c] += dy[c];
    }
}

void ts_cosine_similarity(float *out, const float *a, const float *b, int B, int C) {
    /* out [B], a [B,C], b [B,C].
     * out = a.b / (max(|a|, eps) max(|b|, eps)), eps = 1e-8 (PyTorch 1.13+). */
    for (int i = 0; i < B; i++) {
        const float *x = a + (size_t)i * C, *y = b + (size_t)i * C;
        double xy = 0.0, xx = 0.0, yy = 0.0;
        for (int c = 0; c < C; c++) {
            xy += (double)x[c] * y[c];
            xx += (double)x[c] * x[c];
            yy += (double)y[c] * y[c];
        }
        double nx = fmax(sqrt(xx), TS_COSINE_EPS), ny = fmax(sqrt(yy), TS_COSINE_EPS);
        out[i] = (float)(xy / (nx * ny));
    }
}
