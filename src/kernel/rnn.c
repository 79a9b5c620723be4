/* rnn.c: RNN, LSTM and GRU cells. See rnn.h for the manual.
 *
 * Row r of w_ih [G*H, I] and w_hh [G*H, H] makes pre-activation r of a gate
 * vector of length G*H; gate block k (i/f/g/o or r/z/n) is rows [k*H, (k+1)*H),
 * so unit j of block k is row k*H + j. The ops work one batch row at a time
 * and never allocate: forward writes pre-activations straight into the gates
 * buffer and activates them in place; backward forms each gate's gradient as
 * a scalar and scatters it into dx, dh and the weight gradients at once.
 */
#include "rnn.h"

#include <math.h>
#include <stddef.h>

static float dot(const float *a, const float *b, int n) {
    float s = 0.0f;
    for (int i = 0; i < n; i++) s += a[i] * b[i];
    return s;
}

static float sigmoidf(float x) { return 1.0f / (1.0f + expf(-x)); }

/* The input-side (W_ih x + b_ih) and hidden-side (W_hh h + b_hh) parts of
 * pre-activation row r for one batch row. */
static float pre_x(const float *x, const float *w_ih, const float *b_ih, int r, int I) {
    return dot(w_ih + (size_t)r * I, x, I) + (b_ih ? b_ih[r] : 0.0f);
}
static float pre_h(const float *h, const float *w_hh, const float *b_hh, int r, int H) {
    return dot(w_hh + (size_t)r * H, h, H) + (b_hh ? b_hh[r] : 0.0f);
}

/* Gradient gx of the input-side part and gh of the hidden-side part of
 * pre-activation row r (usually gx == gh), scattered into the gradients of
 * one batch row (dx [I], dh [H]) and of the weights (any may be NULL). */
typedef struct cell_grads {
    float *dx, *dh, *dw_ih, *dw_hh, *db_ih, *db_hh;
} cell_grads;

static void scatter(const cell_grads *g, float gx, float gh, int r,
                    const float *x, const float *h,
                    const float *w_ih, const float *w_hh, int I, int H) {
    const float *wi = w_ih + (size_t)r * I, *wh = w_hh + (size_t)r * H;
    if (g->dx) for (int k = 0; k < I; k++) g->dx[k] += gx * wi[k];
    if (g->dw_ih) { float *d = g->dw_ih + (size_t)r * I; for (int k = 0; k < I; k++) d[k] += gx * x[k]; }
    if (g->db_ih) g->db_ih[r] += gx;
    if (g->dh) for (int k = 0; k < H; k++) g->dh[k] += gh * wh[k];
    if (g->dw_hh) { float *d = g->dw_hh + (size_t)r * H; for (int k = 0; k < H; k++) d[k] += gh * h[k]; }
    if (g->db_hh) g->db_hh[r] += gh;
}

/* Batch row b of the backward outputs. */
static cell_grads row_grads(float *dx, float *dh, float *dw_ih, float *dw_hh,
                            float *db_ih, float *db_hh, int b, int I, int H) {
    cell_grads g = { dx ? dx + (size_t)b * I : NULL, dh ? dh + (size_t)b * H : NULL,
                     dw_ih, dw_hh, db_ih, db_hh };
    return g;
}

/* ---- vanilla RNN --------------------------------------------------------- */

void ts_rnn_cell_forward(float *h_out, const float *x, const float *h,
                         const float *w_ih, const float *w_hh,
                         const float *b_ih, const float *b_hh, int B, int I, int H) {
    for (int b = 0; b < B; b++) {
        const float *xb = x + (size_t)b * I, *hb = h + (size_t)b * H;
        for (int j = 0; j < H; j++)
            h_out[(size_t)b * H + j] =
                tanhf(pre_x(xb, w_ih, b_ih, j, I) + pre_h(hb, w_hh, b_hh, j, H));
    }
}

void ts_rnn_cell_backward(float *dx, float *dh, float *dw_ih, float *dw_hh,
                          float *db_ih, float *db_hh, const float *dh_out,
                          const float *h_out, const float *x, const float *h,
                          const float *w_ih, const float *w_hh, int B, int I, int H) {
    for (int b = 0; b < B; b++) {
        cell_grads g = row_grads(dx, dh, dw_ih, dw_hh, db_ih, db_hh, b, I, H);
        const float *xb = x + (size_t)b * I, *hb = h + (size_t)b * H;
        for (int j = 0; j < H; j++) {
            float y = h_out[(size_t)b * H + j];
            float gp = dh_out[(size_t)b * H + j] * (1.0f - y * y);
            scatter(&g, gp, gp, j, xb, hb, w_ih, w_hh, I, H);
        }
    }
}

/* ---- LSTM ------------------------------------------------------------------ */

/* A clamped gate (clamp->on[k]) takes clamp->value[k] instead of its
 * activation: a constant, so no gradient flows into its pre-activation. */
static bool clamped(const ts_lstm_clamp *cl, int k) { return cl && cl->on[k]; }

void ts_lstm_cell_forward_clamped(float *h_out, float *c_out, float *gates,
                                  const float *x, const float *h, const float *c,
                                  const float *w_ih, const float *w_hh,
                                  const float *b_ih, const float *b_hh,
                                  const ts_lstm_clamp *clamp, int B, int I, int H) {
    for (int b = 0; b < B; b++) {
        const float *xb = x + (size_t)b * I, *hb = h + (size_t)b * H;
        float *gb = gates + (size_t)b * 4 * H;
        for (int r = 0; r < 4 * H; r++) {
            int k = r / H;
            if (clamped(clamp, k)) { gb[r] = clamp->value[k]; continue; }
            float p = pre_x(xb, w_ih, b_ih, r, I) + pre_h(hb, w_hh, b_hh, r, H);
            gb[r] = k == 2 ? tanhf(p) : sigmoidf(p);   /* g is tanh */
        }
        for (int j = 0; j < H; j++) {
            float i = gb[j], f = gb[H + j], gg = gb[2 * H + j], o = gb[3 * H + j];
            float cn = f * c[(size_t)b * H + j] + i * gg;
            c_out[(size_t)b * H + j] = cn;
            h_out[(size_t)b * H + j] = o * tanhf(cn);
        }
    }
}

void ts_lstm_cell_forward(float *h_out, float *c_out, float *gates,
                          const float *x, const float *h, const float *c,
                          const float *w_ih, const float *w_hh,
                          const float *b_ih, const float *b_hh, int B, int I, int H) {
    ts_lstm_cell_forward_clamped(h_out, c_out, gates, x, h, c, w_ih, w_hh, b_ih, b_hh,
                                 NULL, B, I, H);
}

void ts_lstm_cell_backward_clamped(float *dx, float *dh, float *dc,
                                   float *dw_ih, float *dw_hh, float *db_ih, float *db_hh,
                                   const float *dh_out, const float *dc_out,
                                   const float *gates, const float *c_out,
                                   const float *x, const float *h, const float *c,
                                   const float *w_ih, const float *w_hh,
                                   const ts_lstm_clamp *clamp, int B, int I, int H) {
    for (int b = 0; b < B; b++) {
        cell_grads g = row_grads(dx, dh, dw_ih, dw_hh, db_ih, db_hh, b, I, H);
        const float *xb = x + (size_t)b * I, *hb = h + (size_t)b * H;
        const float *gb = gates + (size_t)b * 4 * H;
        for (int j = 0; j < H; j++) {
            size_t bj = (size_t)b * H + j;
            float i = gb[j], f = gb[H + j], gg = gb[2 * H + j], o = gb[3 * H + j];
            float tc = tanhf(c_out[bj]);
            float dho = dh_out[bj];
            /* total gradient reaching c' : through h' = o tanh(c') and directly */
            float dcn = dho * o * (1.0f - tc * tc) + (dc_out ? dc_out[bj] : 0.0f);
            if (dc) dc[bj] += dcn * f;
            /* pre-activation gradients of i, f, g, o (none for a clamped gate) */
            float d[4] = { dcn * gg * i * (1.0f - i), dcn * c[bj] * f * (1.0f - f),
                           dcn * i * (1.0f - gg * gg), dho * tc * o * (1.0f - o) };
            for (int k = 0; k < 4; k++)
                if (!clamped(clamp, k))
                    scatter(&g, d[k], d[k], k * H + j, xb, hb, w_ih, w_hh, I, H);
        }
    }
}

void ts_lstm_cell_backward(float *dx, float *dh, float *dc,
                           float *dw_ih, float *dw_hh, float *db_ih, float *db_hh,
                           const float *dh_out, const float *dc_out,
                           const float *gates, const float *c_out,
                           const float *x, const float *h, const float *c,
                           const float *w_ih, const float *w_hh, int B, int I, int H) {
    ts_lstm_cell_backward_clamped(dx, dh, dc, dw_ih, dw_hh, db_ih, db_hh, dh_out, dc_out,
                                  gates, c_out, x, h, c, w_ih, w_hh, NULL, B, I, H);
}

/* ---- GRU -------------------------------------------------------------------- */

void ts_gru_cell_forward(float *h_out, float *gates, float *hn,
                         const float *x, const float *h,
                         const float *w_ih, const float *w_hh,
                         const float *b_ih, const float *b_hh, int B, int I, int H) {
    for (int b = 0; b < B; b++) {
        const float *xb = x + (size_t)b * I, *hb = h + (size_t)b * H;
        float *gb = gates + (size_t)b * 3 * H;
        for (int j = 0; j < H; j++) {
            float r = sigmoidf(pre_x(xb, w_ih, b_ih, j, I) + pre_h(hb, w_hh, b_hh, j, H));
            float z = sigmoidf(pre_x(xb, w_ih, b_ih, H + j, I) +
                               pre_h(hb, w_hh, b_hh, H + j, H));
            float hnj = pre_h(hb, w_hh, b_hh, 2 * H + j, H);
            float n = tanhf(pre_x(xb, w_ih, b_ih, 2 * H + j, I) + r * hnj);
            gb[j] = r;
            gb[H + j] = z;
            gb[2 * H + j] = n;
            hn[(size_t)b * H + j] = hnj;
            h_out[(size_t)b * H + j] = (1.0f - z) * n + z * hb[j];
        }
    }
}

void ts_gru_cell_backward(float *dx, float *dh, float *dw_ih, float *dw_hh,
                          float *db_ih, float *db_hh, const float *dh_out,
                          const float *gates, const float *hn,
                          const float *x, const float *h,
                          const float *w_ih, const float *w_hh, int B, int I, int H) {
    for (int b = 0; b < B; b++) {
        cell_grads g = row_grads(dx, dh, dw_ih, dw_hh, db_ih, db_hh, b, I, H);
        const float *xb = x + (size_t)b * I, *hb = h + (size_t)b * H;
        const float *gb = gates + (size_t)b * 3 * H;
        for (int j = 0; j < H; j++) {
            size_t bj = (size_t)b * H + j;
            float r = gb[j], z = gb[H + j], n = gb[2 * H + j];
            float d = dh_out[bj];
            if (g.dh) g.dh[j] += d * z;                       /* through z * h */
            float dn = d * (1.0f - z) * (1.0f - n * n);       /* n's pre-activation */
            float dz = d * (hb[j] - n) * z * (1.0f - z);
            float dr = dn * hn[bj] * r * (1.0f - r);
            scatter(&g, dr, dr, j, xb, hb, w_ih, w_hh, I, H);
            scatter(&g, dz, dz, H + j, xb, hb, w_ih, w_hh, I, H);
            /* n: the input side sees dn, the hidden side sees it through r */
            scatter(&g, dn, dn * r, 2 * H + j, xb, hb, w_ih, w_hh, I, H);
        }
    }
}
