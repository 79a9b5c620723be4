/* rnn.h: one time step of the recurrent cells of PyTorch (nn.RNNCell with
 * tanh, nn.LSTMCell, nn.GRUCell), forward and backward, over a batch.
 *
 *   // LSTM, one step: keep gates and c for the scene and for backward
 *   ts_lstm_cell_forward(h1, c1, gates, x, h0, c0, w_ih, w_hh, b_ih, b_hh, B, I, H);
 *   ...
 *   ts_lstm_cell_backward(dx, dh0, dc0, dw_ih, dw_hh, db_ih, db_hh,
 *                         dh1, dc1, gates, c1, x, h0, c0, w_ih, w_hh, B, I, H);
 *
 * Shapes (B batch, I input size, H hidden size, G gates: 1 RNN, 4 LSTM, 3 GRU):
 *   x [B, I]; h, c [B, H]; w_ih [G*H, I]; w_hh [G*H, H]; b_ih, b_hh [G*H]
 * exactly as PyTorch stores weight_ih / weight_hh / bias_ih / bias_hh, gate
 * blocks stacked along the first axis: LSTM i, f, g, o; GRU r, z, n. Biases
 * may be NULL (bias=False). Backward outputs may each be NULL (not wanted);
 * the ones given are accumulated (+=), so a sequence's weight gradients can
 * be summed step by step. dc_out of the LSTM may be NULL (no gradient from
 * the next cell state).
 */
#ifndef TS_RNN_H
#define TS_RNN_H

#include <stdbool.h>

/* h_out = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh).  h_out [B, H]. */
void ts_rnn_cell_forward(float *h_out, const float *x, const float *h,
                         const float *w_ih, const float *w_hh,
                         const float *b_ih, const float *b_hh, int B, int I, int H);
/* dh_out [B, H] upstream; h_out from forward. */
void ts_rnn_cell_backward(float *dx, float *dh, float *dw_ih, float *dw_hh,
                          float *db_ih, float *db_hh, const float *dh_out,
                          const float *h_out, const float *x, const float *h,
                          const float *w_ih, const float *w_hh, int B, int I, int H);

/* LSTM:  [i f g o] = x W_ih^T + b_ih + h W_hh^T + b_hh,
 *        i, f, o = sigmoid(.), g = tanh(.), c' = f*c + i*g, h' = o*tanh(c').
 * gates [B, 4H] receives the activated gates in the order i, f, g, o (row b:
 * i at [0,H), f at [H,2H), g at [2H,3H), o at [3H,4H)); h_out, c_out [B, H]. */
void ts_lstm_cell_forward(float *h_out, float *c_out, float *gates,
                          const float *x, const float *h, const float *c,
                          const float *w_ih, const float *w_hh,
                          const float *b_ih, const float *b_hh, int B, int I, int H);
void ts_lstm_cell_backward(float *dx, float *dh, float *dc,
                           float *dw_ih, float *dw_hh, float *db_ih, float *db_hh,
                           const float *dh_out, const float *dc_out,
                           const float *gates, const float *c_out,
                           const float *x, const float *h, const float *c,
                           const float *w_ih, const float *w_hh, int B, int I, int H);

/* Clamped LSTM gates (a "what if" the scene offers): gate k (0 i, 1 f, 2 g,
 * 3 o) with on[k] set takes value[k] at every unit instead of its
 * activation. A clamped gate is a constant: backward sends no gradient into
 * its pre-activation (what autograd does with a constant). NULL = no clamp. */
typedef struct ts_lstm_clamp { bool on[4]; float value[4]; } ts_lstm_clamp;

void ts_lstm_cell_forward_clamped(float *h_out, float *c_out, float *gates,
                                  const float *x, const float *h, const float *c,
                                  const float *w_ih, const float *w_hh,
                                  const float *b_ih, const float *b_hh,
                                  const ts_lstm_clamp *clamp, int B, int I, int H);
void ts_lstm_cell_backward_clamped(float *dx, float *dh, float *dc,
                                   float *dw_ih, float *dw_hh, float *db_ih, float *db_hh,
                                   const float *dh_out, const float *dc_out,
                                   const float *gates, const float *c_out,
                                   const float *x, const float *h, const float *c,
                                   const float *w_ih, const float *w_hh,
                                   const ts_lstm_clamp *clamp, int B, int I, int H);

/* GRU (PyTorch's equations):
 *   r = sigmoid(W_ir x + b_ir + W_hr h + b_hr)
 *   z = sigmoid(W_iz x + b_iz + W_hz h + b_hz)
 *   n = tanh(W_in x + b_in + r * (W_hn h + b_hn))
 *   h' = (1 - z) * n + z * h
 * gates [B, 3H] receives r, z, n in that order; hn [B, H] receives
 * W_hn h + b_hn, which backward needs (and a scene may show). */
void ts_gru_cell_forward(float *h_out, float *gates, float *hn,
                         const float *x, const float *h,
                         const float *w_ih, const float *w_hh,
                         const float *b_ih, const float *b_hh, int B, int I, int H);
void ts_gru_cell_backward(float *dx, float *dh, float *dw_ih, float *dw_hh,
                          float *db_ih, float *db_hh, const float *dh_out,
                          const float *gates, const float *hn,
                          const float *x, const float *h,
                          const float *w_ih, const float *w_hh, int B, int I, int H);

/* ---- sequences (rnn_seq.c): nn.RNN / nn.LSTM / nn.GRU, one layer ---------
 *
 * T steps over the cells above, sequence first (batch_first=False):
 *   x [T,B,I]; h0, c0 [B,H] (required; zeros for PyTorch's default);
 *   h, c [T,B,H]: h[t] is the state after step t (nn.LSTM's output);
 *   gates [T,B,G*H] (LSTM i f g o, GRU r z n); hn [T,B,H] (GRU, see above).
 *
 * Backpropagation through time: dh_up [T,B,H] is the gradient arriving at
 * each h_t from outside the recurrence (a loss on the last step only: zeros
 * but for t = T-1); dc_up [T,B,H] likewise for the LSTM's c_t (may be NULL).
 * dh_total [T,B,H] and dc_total [T,B,H] are required outputs, WRITTEN (=):
 * the total gradient dL/dh_t (dL/dc_t) through every later step, which is
 * what a vanishing-gradient plot shows. dx [T,B,I], dh0, dc0 [B,H] and the
 * weight gradients ACCUMULATE (+=) and may each be NULL.
 *
 *   ts_lstm_seq_forward(h, c, gates, x, h0, c0, w_ih, w_hh, b_ih, b_hh, NULL, T, 1, I, H);
 *   dh_up[(T-1)*H + j] = dL/dh_T[j];  // from the readout
 *   ts_lstm_seq_backward(dh_total, dc_total, NULL, NULL, NULL, dw_ih, dw_hh, db_ih, db_hh,
 *                        dh_up, NULL, h, c, gates, x, h0, c0, w_ih, w_hh, NULL, T, 1, I, H);
 */
void ts_rnn_seq_forward(float *h, const float *x, const float *h0,
                        const float *w_ih, const float *w_hh,
                        const float *b_ih, const float *b_hh, int T, int B, int I, int H);
void ts_rnn_seq_backward(float *dh_total, float *dx, float *dh0,
                         float *dw_ih, float *dw_hh, float *db_ih, float *db_hh,
                         const float *dh_up, const float *h, const float *x, const float *h0,
                         const float *w_ih, const float *w_hh, int T, int B, int I, int H);

void ts_lstm_seq_forward(float *h, float *c, float *gates, const float *x,
                         const float *h0, const float *c0,
                         const float *w_ih, const float *w_hh,
                         const float *b_ih, const float *b_hh,
                         const ts_lstm_clamp *clamp, int T, int B, int I, int H);
void ts_lstm_seq_backward(float *dh_total, float *dc_total, float *dx, float *dh0, float *dc0,
                          float *dw_ih, float *dw_hh, float *db_ih, float *db_hh,
                          const float *dh_up, const float *dc_up,
                          const float *h, const float *c, const float *gates,
                          const float *x, const float *h0, const float *c0,
                          const float *w_ih, const float *w_hh,
                          const ts_lstm_clamp *clamp, int T, int B, int I, int H);

void ts_gru_seq_forward(float *h, float *gates, float *hn, const float *x, const float *h0,
                        const float *w_ih, const float *w_hh,
                        const float *b_ih, const float *b_hh, int T, int B, int I, int H);
void ts_gru_seq_backward(float *dh_total, float *dx, float *dh0,
                         float *dw_ih, float *dw_hh, float *db_ih, float *db_hh,
                         const float *dh_up, const float *h, const float *gates,
                         const float *hn, const float *x, const float *h0,
                         const float *w_ih, const float *w_hh, int T, int B, int I, int H);

#endif
