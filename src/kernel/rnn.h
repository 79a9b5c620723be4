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

#endif
