/* rnn_seq.c: whole sequences over the cells of rnn.c, forward and
 * backpropagation through time. See rnn.h ("sequences") for the manual.
 *
 * Step t reads the previous state prev(t) = t ? h[t-1] : h0 (likewise c).
 * Backward walks t = T-1 .. 0: dh_total starts as a copy of dh_up, and the
 * backward of step t accumulates its hidden-state gradient straight into
 * dh_total[t-1] (or dh0 at t = 0), so when the walk reaches t, dh_total[t]
 * already holds the total gradient. Nothing is allocated.
 */
#include "rnn.h"

#include <stddef.h>
#include <string.h>

static void copy_or_zero(float *dst, const float *src, size_t n) {
    if (src) memcpy(dst, src, sizeof(float) * n);
    else memset(dst, 0, sizeof(float) * n);
}

/* ---- vanilla RNN --------------------------------------------------------- */

void ts_rnn_seq_forward(float *h, const float *x, const float *h0,
                        const float *w_ih, const float *w_hh,
                        const float *b_ih, const float *b_hh, int T, int B, int I, int H) {
    size_t BH = (size_t)B * H, BI = (size_t)B * I;
    for (int t = 0; t < T; t++)
        ts_rnn_cell_forward(h + t * BH, x + t * BI, t ? h + (t - 1) * BH : h0,
                            w_ih, w_hh, b_ih, b_hh, B, I, H);
}

void ts_rnn_seq_backward(float *dh_total, float *dx, float *dh0,
                         float *dw_ih, float *dw_hh, float *db_ih, float *db_hh,
                         const float *dh_up, const float *h, const float *x, const float *h0,
                         const float *w_ih, const float *w_hh, int T, int B, int I, int H) {
    size_t BH = (size_t)B * H, BI = (size_t)B * I;
    copy_or_zero(dh_total, dh_up, (size_t)T * BH);
    for (int t = T - 1; t >= 0; t--)
        ts_rnn_cell_backward(dx ? dx + t * BI : NULL, t ? dh_total + (t - 1) * BH : dh0,
                             dw_ih, dw_hh, db_ih, db_hh, dh_total + t * BH, h + t * BH,
                             x + t * BI, t ? h + (t - 1) * BH : h0, w_ih, w_hh, B, I, H);
}

/* ---- LSTM ------------------------------------------------------------------ */

void ts_lstm_seq_forward(float *h, float *c, float *gates, const float *x,
                         const float *h0, const float *c0,
                         const float *w_ih, const float *w_hh,
                         const float *b_ih, const float *b_hh,
                         const ts_lstm_clamp *clamp, int T, int B, int I, int H) {
    size_t BH = (size_t)B * H, BI = (size_t)B * I;
    for (int t = 0; t < T; t++)
        ts_lstm_cell_forward_clamped(h + t * BH, c + t * BH, gates + t * 4 * BH, x + t * BI,
                                     t ? h + (t - 1) * BH : h0, t ? c + (t - 1) * BH : c0,
                                     w_ih, w_hh, b_ih, b_hh, clamp, B, I, H);
}

void ts_lstm_seq_backward(float *dh_total, float *dc_total, float *dx, float *dh0, float *dc0,
                          float *dw_ih, float *dw_hh, float *db_ih, float *db_hh,
                          const float *dh_up, const float *dc_up,
                          const float *h, const float *c, const float *gates,
                          const float *x, const float *h0, const float *c0,
                          const float *w_ih, const float *w_hh,
                          const ts_lstm_clamp *clamp, int T, int B, int I, int H) {
    size_t BH = (size_t)B * H, BI = (size_t)B * I;
    copy_or_zero(dh_total, dh_up, (size_t)T * BH);
    copy_or_zero(dc_total, dc_up, (size_t)T * BH);
    for (int t = T - 1; t >= 0; t--)
        ts_lstm_cell_backward_clamped(
            dx ? dx + t * BI : NULL, t ? dh_total + (t - 1) * BH : dh0,
            t ? dc_total + (t - 1) * BH : dc0, dw_ih, dw_hh, db_ih, db_hh,
            dh_total + t * BH, dc_total + t * BH, gates + t * 4 * BH, c + t * BH,
            x + t * BI, t ? h + (t - 1) * BH : h0, t ? c + (t - 1) * BH : c0,
            w_ih, w_hh, clamp, B, I, H);
}

/* ---- GRU -------------------------------------------------------------------- */

void ts_gru_seq_forward(float *h, float *gates, float *hn, const float *x, const float *h0,
                        const float *w_ih, const float *w_hh,
                        const float *b_ih, const float *b_hh, int T, int B, int I, int H) {
    size_t BH = (size_t)B * H, BI = (size_t)B * I;
    for (int t = 0; t < T; t++)
        ts_gru_cell_forward(h + t * BH, gates + t * 3 * BH, hn + t * BH, x + t * BI,
                            t ? h + (t - 1) * BH : h0, w_ih, w_hh, b_ih, b_hh, B, I, H);
}

void ts_gru_seq_backward(float *dh_total, float *dx, float *dh0,
                         float *dw_ih, float *dw_hh, float *db_ih, float *db_hh,
                         const float *dh_up, const float *h, const float *gates,
                         const float *hn, const float *x, const float *h0,
                         const float *w_ih, const float *w_hh, int T, int B, int I, int H) {
    size_t BH = (size_t)B * H, BI = (size_t)B * I;
    copy_or_zero(dh_total, dh_up, (size_t)T * BH);
    for (int t = T - 1; t >= 0; t--)
        ts_gru_cell_backward(dx ? dx + t * BI : NULL, t ? dh_total + (t - 1) * BH : dh0,
                             dw_ih, dw_hh, db_ih, db_hh, dh_total + t * BH,
                             gates + t * 3 * BH, hn + t * BH, x + t * BI,
                             t ? h + (t - 1) * BH : h0, w_ih, w_hh, B, I, H);
}
