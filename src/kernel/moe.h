/* moe.h: the routing arithmetic of a mixture-of-experts layer (Switch
 * Transformer / GShard style): router, top-k gates, load-balancing loss,
 * dispatch of tokens to experts with an optional capacity, and the weighted
 * combine of the experts' outputs. The experts themselves are whatever the
 * caller runs on each expert's batch (for example ts_linear_forward).
 *
 *   ts_moe_router_forward(logits, probs, x, w_r, b_r, T, D, E);
 *   ts_moe_topk(idx, gate, probs, T, E, k);
 *   float aux = ts_moe_aux_loss(frac, mean_prob, probs, idx, T, E, k);
 *   ts_moe_dispatch(pos, count, idx, T, E, k, cap);   // cap 0: no limit
 *   ts_moe_gather(xe, x, idx, pos, T, k, D, C);         // C = cap or T
 *   for each expert e: run it on rows [0, count[e]) of xe[e] -> ye[e]
 *   ts_moe_combine(y, ye, gate, idx, pos, T, k, D, C);
 *
 * Shapes (T tokens, D width, E experts, k chosen per token, C rows per
 * expert buffer: the capacity, or T when there is none):
 *   x [T, D]; w_r [E, D] (nn.Linear), b_r [E] or NULL; logits, probs [T, E];
 *   idx [T, k] expert ids, gate [T, k] weights; pos [T, k] row in the expert's
 *   buffer or -1 when dropped; count [E]; xe, ye [E, C, D]; y [T, D].
 *
 * Top-k: experts in descending probability; equal probabilities go to the
 * lower expert index first. torch.topk does not specify its order for ties
 * (on CPU it often differs), so fixtures avoid exact ties. The k gates are
 * renormalised to sum to 1: gate_j = p_{idx_j} / sum_l p_{idx_l}; k may be E.
 *
 * Load-balancing loss (Switch Transformer, eq. 4, generalised to top-k):
 *   aux = E * sum_i f_i * P_i,  f_i = (assignments to expert i) / (T*k),
 *   P_i = mean over tokens of probs[:, i].
 * With k = 1 this is exactly Switch's loss; f counts every top-k choice,
 * before any capacity drop, and sums to 1, so perfect balance gives 1.
 *
 * Dispatch fills experts in priority order: every token's first choice in
 * token order, then every token's second choice, and so on (GShard); a choice
 * that finds its expert full is dropped (pos -1) and contributes nothing to y
 * (a Switch layer then passes the token on through its residual).
 *
 * Backward (optional, for the router): combine -> (dye, dgate), topk ->
 * dprobs, aux loss -> dprobs, router -> (dx, dw_r, db_r); gather -> dx for
 * the experts' inputs. f is treated as a constant (it is a count). All
 * backwards accumulate (+=); pointers marked "or NULL" may be NULL.
 */
#ifndef TS_MOE_H
#define TS_MOE_H

/* logits [T, E] = x w_r^T + b_r; probs [T, E] = softmax(logits). */
void ts_moe_router_forward(float *logits, float *probs, const float *x,
                           const float *w_r, const float *b_r, int T, int D, int E);
/* idx [T, k], gate [T, k] from probs [T, E]; 1 <= k <= E. */
void ts_moe_topk(int *idx, float *gate, const float *probs, int T, int E, int k);
/* Returns aux. frac [E] (f) and mean_prob [E] (P) or NULL. */
float ts_moe_aux_loss(float *frac, float *mean_prob, const float *probs,
                      const int *idx, int T, int E, int k);
/* pos [T, k], count [E]; capacity 0 means unlimited. Returns the number of
 * dropped choices. */
int ts_moe_dispatch(int *pos, int *count, const int *idx, int T, int E, int k,
                    int capacity);
/* xe [E, C, D]: row pos[t,j] of expert idx[t,j] = x[t]. Only kept rows are
 * written. */
void ts_moe_gather(float *xe, const float *x, const int *idx, const int *pos,
                   int T, int k, int D, int C);
/* y [T, D] = sum over kept j of gate[t,j] * ye[idx[t,j], pos[t,j]]. */
void ts_moe_combine(float *y, const float *ye, const float *gate, const int *idx,
                    const int *pos, int T, int k, int D, int C);

/* dye [E, C, D] or NULL, dgate [T, k] or NULL; dy [T, D]. */
void ts_moe_combine_backward(float *dye, float *dgate, const float *dy,
                             const float *ye, const float *gate, const int *idx,
                             const int *pos, int T, int k, int D, int C);
/* dx [T, D] += the gradients of the kept rows of dxe [E, C, D]. */
void ts_moe_gather_backward(float *dx, const float *dxe, const int *idx,
                            const int *pos, int T, int k, int D, int C);
/* dprobs [T, E] from dgate [T, k] through the renormalisation. */
void ts_moe_topk_backward(float *dprobs, const float *dgate, const float *gate,
                          const int *idx, const float *probs, int T, int E, int k);
/* dprobs [T, E] += daux * E * f_i / T; frac [E] from ts_moe_aux_loss. */
void ts_moe_aux_loss_backward(float *dprobs, float daux, const float *frac,
                              int T, int E);
/* dlogits [T, E] (zeroed by the caller; receives the logits' gradient),
 * dx [T, D], dw_r [E, D], db_r [E] or NULL; dprobs, probs [T, E]. */
void ts_moe_router_backward(float *dx, float *dw_r, float *db_r, float *dlogits,
                            const float *dprobs, const float *probs,
                            const float *x, const float *w_r, int T, int D, int E);

#endif
