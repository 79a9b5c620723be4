/* moe.c: mixture-of-experts routing. See moe.h for the manual.
 *
 * Expert buffers are [E, C, D]: row p of expert e starts at (e*C + p)*D.
 */
#include "moe.h"

#include <stddef.h>
#include <string.h>

#include "nn.h"

void ts_moe_router_forward(float *logits, float *probs, const float *x,
                           const float *w_r, const float *b_r, int T, int D, int E) {
    ts_linear_forward(logits, x, w_r, b_r, T, D, E);
    ts_softmax_forward(probs, logits, NULL, T, E);
}

void ts_moe_topk(int *idx, float *gate, const float *probs, int T, int E, int k) {
    TS_CHECK(k >= 1 && k <= E);
    for (int t = 0; t < T; t++) {
        const float *p = probs + (size_t)t * E;
        int *id = idx + (size_t)t * k;
        /* selection: slot j takes the largest not yet taken; the strict '>'
         * keeps the lower index on ties */
        float sum = 0.0f;
        for (int j = 0; j < k; j++) {
            int best = -1;
            for (int e = 0; e < E; e++) {
                int taken = 0;
                for (int l = 0; l < j; l++) taken |= id[l] == e;
                if (!taken && (best < 0 || p[e] > p[best])) best = e;
            }
            id[j] = best;
            sum += p[best];
        }
        for (int j = 0; j < k; j++)
            gate[(size_t)t * k + j] = sum > 0.0f ? p[id[j]] / sum : 1.0f / k;
    }
}

float ts_moe_aux_loss(float *frac, float *mean_prob, const float *probs,
                      const int *idx, int T, int E, int k) {
    float aux = 0.0f;
    for (int e = 0; e < E; e++) {
        int n = 0;
        float P = 0.0f;
        for (int t = 0; t < T; t++) {
            for (int j = 0; j < k; j++) n += idx[(size_t)t * k + j] == e;
            P += probs[(size_t)t * E + e];
        }
        float f = (float)n / ((float)T * k);
        P /= (float)T;
        if (frac) frac[e] = f;
        if (mean_prob) mean_prob[e] = P;
        aux += f * P;
    }
    return (float)E * aux;
}

int ts_moe_dispatch(int *pos, int *count, const int *idx, int T, int E, int k,
                    int capacity) {
    int dropped = 0;
    memset(count, 0, sizeof(int) * (size_t)E);
    for (int j = 0; j < k; j++) {
        for (int t = 0; t < T; t++) {
            int e = idx[(size_t)t * k + j];
            TS_CHECK(e >= 0 && e < E);
            if (capacity > 0 && count[e] >= capacity) {
                pos[(size_t)t * k + j] = -1;
                dropped++;
            } else {
                pos[(size_t)t * k + j] = count[e]++;
            }
        }
    }
    return dropped;
}

/* Offset of the expert-buffer row of kept choice (t, j). */
static size_t row_of(const int *idx, const int *pos, int t, int j, int k, int D, int C) {
    int p = pos[(size_t)t * k + j];
    TS_CHECK(p < C);
    return ((size_t)idx[(size_t)t * k + j] * C + (size_t)p) * D;
}

void ts_moe_gather(float *xe, const float *x, const int *idx, const int *pos,
                   int T, int k, int D, int C) {
    for (int t = 0; t < T; t++)
        for (int j = 0; j < k; j++)
            if (pos[(size_t)t * k + j] >= 0)
                memcpy(xe + row_of(idx, pos, t, j, k, D, C), x + (size_t)t * D,
                       sizeof(float) * (size_t)D);
}

void ts_moe_combine(float *y, const float *ye, const float *gate, const int *idx,
                    const int *pos, int T, int k, int D, int C) {
    for (int t = 0; t < T; t++) {
        float *yt = y + (size_t)t * D;
        for (int c = 0; c < D; c++) yt[c] = 0.0f;
        for (int j = 0; j < k; j++) {
            if (pos[(size_t)t * k + j] < 0) continue;
            const float *r = ye + row_of(idx, pos, t, j, k, D, C);
            float g = gate[(size_t)t * k + j];
            for (int c = 0; c < D; c++) yt[c] += g * r[c];
        }
    }
}

void ts_moe_combine_backward(float *dye, float *dgate, const float *dy,
                             const float *ye, const float *gate, const int *idx,
                             const int *pos, int T, int k, int D, int C) {
    for (int t = 0; t < T; t++) {
        const float *dyt = dy + (size_t)t * D;
        for (int j = 0; j < k; j++) {
            if (pos[(size_t)t * k + j] < 0) continue;
            size_t row = row_of(idx, pos, t, j, k, D, C);
            float g = gate[(size_t)t * k + j], s = 0.0f;
            for (int c = 0; c < D; c++) {
                s += dyt[c] * ye[row + c];
                if (dye) dye[row + c] += g * dyt[c];
            }
            if (dgate) dgate[(size_t)t * k + j] += s;
        }
    }
}

void ts_moe_gather_backward(float *dx, const float *dxe, const int *idx,
                            const int *pos, int T, int k, int D, int C) {
    for (int t = 0; t < T; t++)
        for (int j = 0; j < k; j++) {
            if (pos[(size_t)t * k + j] < 0) continue;
            const float *r = dxe + row_of(idx, pos, t, j, k, D, C);
            for (int c = 0; c < D; c++) dx[(size_t)t * D + c] += r[c];
        }
}

void ts_moe_topk_backward(float *dprobs, const float *dgate, const float *gate,
                          const int *idx, const float *probs, int T, int E, int k) {
    /* gate_j = p_j / S with S = sum_l p_l over the chosen, so
     * d gate_j / d p_m = (delta_jm - gate_j) / S and
     * dp_m = (dgate_m - sum_j dgate_j gate_j) / S. */
    for (int t = 0; t < T; t++) {
        const float *dg = dgate + (size_t)t * k, *g = gate + (size_t)t * k;
        const int *id = idx + (size_t)t * k;
        float S = 0.0f, dot = 0.0f;
        for (int j = 0; j < k; j++) {
            S += probs[(size_t)t * E + id[j]];
            dot += dg[j] * g[j];
        }
        if (S <= 0.0f) continue;
        for (int j = 0; j < k; j++) dprobs[(size_t)t * E + id[j]] += (dg[j] - dot) / S;
    }
}

void ts_moe_aux_loss_backward(float *dprobs, float daux, const float *frac,
                              int T, int E) {
    for (int t = 0; t < T; t++)
        for (int e = 0; e < E; e++)
            dprobs[(size_t)t * E + e] += daux * (float)E * frac[e] / (float)T;
}

void ts_moe_router_backward(float *dx, float *dw_r, float *db_r, float *dlogits,
                            const float *dprobs, const float *probs,
                            const float *x, const float *w_r, int T, int D, int E) {
    ts_softmax_backward(dlogits, dprobs, probs, T, E);
    ts_linear_backward(dx, dw_r, db_r, dlogits, x, w_r, T, D, E);
}
