/* transformer.c: the pre-norm encoder block and patchify. See transformer.h
 * for the manual.
 *
 * Layout: every [B, T, d] activation is B*T rows of d, sequence s owning rows
 * [s*T, (s+1)*T); attention runs per sequence on its rows, everything else on
 * all B*T rows at once.
 */
#include "transformer.h"

#include <string.h>

#include "nn.h"

/* backward scratch, in floats: dres1, dln2, dln1 [BT, d]; dfc1, dact [BT, hidden] */
typedef struct block_work { float *dres1, *dln2, *dln1, *dfc1, *dact; } block_work;

static block_work work_split(const ts_block *b) {
    size_t R = (size_t)b->desc.B * b->desc.T, D = (size_t)b->desc.d, H = (size_t)b->desc.hidden;
    block_work w;
    w.dres1 = b->work;
    w.dln2 = w.dres1 + R * D;
    w.dln1 = w.dln2 + R * D;
    w.dfc1 = w.dln1 + R * D;
    w.dact = w.dfc1 + R * H;
    return w;
}

ts_block *ts_block_new(ts_arena *a, const ts_block_desc *desc) {
    TS_CHECK(desc->B >= 1 && desc->T >= 1 && desc->d >= 1 && desc->heads >= 1 && desc->hidden >= 1);
    TS_CHECK(desc->d % desc->heads == 0);
    ts_block *b = ts_arena_alloc(a, sizeof *b);
    int B = desc->B, T = desc->T, D = desc->d, H = desc->hidden;
    b->desc = *desc;
    b->ln1 = ts_new3(a, "norm1.out", B, T, D);
    b->attn_out = ts_new3(a, "attn.out", B, T, D);
    b->res1 = ts_new3(a, "res1", B, T, D);
    b->ln2 = ts_new3(a, "norm2.out", B, T, D);
    b->fc1 = ts_new3(a, "mlp.0.out", B, T, H);
    b->act = ts_new3(a, "mlp.1.out", B, T, H);
    b->fc2 = ts_new3(a, "mlp.2.out", B, T, D);
    b->out = ts_new3(a, "out", B, T, D);
    b->attn = ts_arena_alloc(a, sizeof(ts_mha *) * (size_t)B);
    for (int s = 0; s < B; s++)
        b->attn[s] = ts_mha_new(a, &(ts_mha_desc){.T = T, .d = D, .heads = desc->heads,
                                                  .causal = desc->causal});
    size_t R = (size_t)B * T;
    b->mean1 = ts_arena_alloc(a, sizeof(float) * R);
    b->rstd1 = ts_arena_alloc(a, sizeof(float) * R);
    b->mean2 = ts_arena_alloc(a, sizeof(float) * R);
    b->rstd2 = ts_arena_alloc(a, sizeof(float) * R);
    b->work = ts_arena_alloc(a, sizeof(float) * R * (3 * (size_t)D + 2 * (size_t)H));
    return b;
}

void ts_block_mha_weights(ts_mha_weights *mw, const ts_block_weights *w, int d) {
    size_t dd = (size_t)d * d;
    *mw = (ts_mha_weights){
        .wq = w->in_proj_w, .wk = w->in_proj_w + dd, .wv = w->in_proj_w + 2 * dd, .wo = w->out_proj_w,
        .bq = w->in_proj_b, .bk = w->in_proj_b ? w->in_proj_b + d : NULL,
        .bv = w->in_proj_b ? w->in_proj_b + 2 * d : NULL, .bo = w->out_proj_b};
}

void ts_block_forward(ts_block *b, const float *x, const ts_block_weights *w) {
    int B = b->desc.B, T = b->desc.T, D = b->desc.d, H = b->desc.hidden, R = B * T;
    size_t TD = (size_t)T * D, RD = (size_t)R * D;
    ts_mha_weights mw;
    ts_block_mha_weights(&mw, w, D);
    ts_layernorm_forward(b->ln1->data, b->mean1, b->rstd1, x, w->ln1_w, w->ln1_b, R, D);
    for (int s = 0; s < B; s++) {
        ts_mha_forward(b->attn[s], b->ln1->data + s * TD, &mw, NULL);
        memcpy(b->attn_out->data + s * TD, b->attn[s]->out->data, sizeof(float) * TD);
    }
    ts_add_forward(b->res1->data, x, b->attn_out->data, RD);
    ts_layernorm_forward(b->ln2->data, b->mean2, b->rstd2, b->res1->data, w->ln2_w, w->ln2_b, R, D);
    ts_linear_forward(b->fc1->data, b->ln2->data, w->fc1_w, w->fc1_b, R, D, H);
    ts_gelu_forward(b->act->data, b->fc1->data, (size_t)R * H);
    ts_linear_forward(b->fc2->data, b->act->data, w->fc2_w, w->fc2_b, R, H, D);
    ts_add_forward(b->out->data, b->res1->data, b->fc2->data, RD);
}

void ts_block_backward(ts_block *b, float *dx, const ts_block_grads *g, const float *dout,
                       const float *x, const ts_block_weights *w) {
    int B = b->desc.B, T = b->desc.T, D = b->desc.d, H = b->desc.hidden, R = B * T;
    size_t TD = (size_t)T * D, RD = (size_t)R * D, RH = (size_t)R * H;
    block_work s = work_split(b);
    memset(b->work, 0, sizeof(float) * (3 * RD + 2 * RH));
    /* out = res1 + fc2(act): dres1 gets dout directly and through the MLP */
    memcpy(s.dres1, dout, sizeof(float) * RD);
    ts_linear_backward(s.dact, g->fc2_w, g->fc2_b, dout, b->act->data, w->fc2_w, R, H, D);
    ts_gelu_backward(s.dfc1, s.dact, b->fc1->data, RH);
    ts_linear_backward(s.dln2, g->fc1_w, g->fc1_b, s.dfc1, b->ln2->data, w->fc1_w, R, D, H);
    ts_layernorm_backward(s.dres1, g->ln2_w, g->ln2_b, s.dln2, b->res1->data, w->ln2_w, b->mean2,
                          b->rstd2, R, D);
    /* res1 = x + attn(ln1(x)) */
    if (dx)
        for (size_t i = 0; i < RD; i++) dx[i] += s.dres1[i];
    ts_mha_weights mw;
    ts_block_mha_weights(&mw, w, D);
    size_t dd = (size_t)D * D;
    ts_mha_grads mg = {
        .wq = g->in_proj_w, .wk = g->in_proj_w ? g->in_proj_w + dd : NULL,
        .wv = g->in_proj_w ? g->in_proj_w + 2 * dd : NULL, .wo = g->out_proj_w,
        .bq = g->in_proj_b, .bk = g->in_proj_b ? g->in_proj_b + D : NULL,
        .bv = g->in_proj_b ? g->in_proj_b + 2 * D : NULL, .bo = g->out_proj_b};
    if (!w->in_proj_b) mg.bq = mg.bk = mg.bv = NULL;
    for (int q = 0; q < B; q++)
        ts_mha_backward(b->attn[q], s.dln1 + q * TD, &mg, s.dres1 + q * TD, b->ln1->data + q * TD, &mw);
    if (dx || g->ln1_w || g->ln1_b)
        ts_layernorm_backward(dx, g->ln1_w, g->ln1_b, s.dln1, x, w->ln1_w, b->mean1, b->rstd1, R, D);
}

void ts_patchify(float *patches, const float *img, int C, int H, int W, int P) {
    TS_CHECK(P >= 1 && H % P == 0 && W % P == 0);
    int nh = H / P, nw = W / P, F = C * P * P;
    for (int pr = 0; pr < nh; pr++)
        for (int pc = 0; pc < nw; pc++) {
            float *row = patches + (size_t)(pr * nw + pc) * F;
            for (int c = 0; c < C; c++)
                for (int ky = 0; ky < P; ky++)
                    for (int kx = 0; kx < P; kx++)
                        *row++ = img[((size_t)c * H + pr * P + ky) * W + pc * P + kx];
        }
}
