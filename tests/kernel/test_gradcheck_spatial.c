/* test_gradcheck_spatial: central finite differences for every backward of
 * conv.h, attention.h, rnn.h and moe.h, independent of PyTorch.
 *
 * Each problem is a scalar loss L = sum(out * dout) over the op's outputs with
 * a fixed random dout, a list of parameter buffers, and a function that runs
 * forward + backward and leaves dL/dparam in the gradient buffers. For every
 * element p: numeric = (L(p + h) - L(p - h)) / 2h, compared with the analytic
 * gradient within atol + rtol * max(|numeric|, |analytic|). The loss is summed
 * in double; h = 1e-2 keeps float rounding well below the tolerance. */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "kernel/attention.h"
#include "kernel/conv.h"
#include "kernel/moe.h"
#include "kernel/nn.h"
#include "kernel/rnn.h"

#define MAXP 10

typedef struct gc_param { const char *name; float *x, *g; size_t n; } gc_param;

typedef struct gc_problem {
    const char *name;
    int np;
    gc_param p[MAXP];
    double (*loss)(void);     /* forward only */
    void (*grad)(void);       /* forward + backward into the zeroed p[i].g */
} gc_problem;

static ts_arena arena;
static ts_rng rng;

static float *rnd(size_t n, float scale) {
    float *x = ts_arena_alloc(&arena, sizeof(float) * n);
    ts_rng_normal_fill(&rng, x, n, 0.0f, scale);
    return x;
}
static float *zeros(size_t n) { return ts_arena_alloc(&arena, sizeof(float) * n); }

static gc_param param(const char *name, float *x, size_t n) {
    gc_param p = { name, x, zeros(n), n };
    return p;
}

static double dotd(const float *a, const float *b, size_t n) {
    double s = 0;
    for (size_t i = 0; i < n; i++) s += (double)a[i] * b[i];
    return s;
}

static void gradcheck(gc_problem *pb, float h, float rtol, float atol) {
    for (int i = 0; i < pb->np; i++) memset(pb->p[i].g, 0, sizeof(float) * pb->p[i].n);
    pb->grad();
    for (int i = 0; i < pb->np; i++) {
        gc_param *p = &pb->p[i];
        double worst = 0;
        size_t at = 0;
        int ok = 1;
        for (size_t j = 0; j < p->n; j++) {
            float keep = p->x[j];
            p->x[j] = keep + h;
            double lp = pb->loss();
            p->x[j] = keep - h;
            double lm = pb->loss();
            p->x[j] = keep;
            double num = (lp - lm) / (2.0 * h), ana = p->g[j];
            double diff = fabs(num - ana), big = fmax(fabs(num), fabs(ana));
            if (!(diff <= atol + rtol * big)) ok = 0;
            if (diff > worst || diff != diff) { worst = diff; at = j; }
        }
        if (ok) { check_passed++; continue; }
        check_failed++;
        fprintf(stderr, "FAIL gradcheck %s d%s: max |diff| %.3g at [%zu] (analytic %.6g)\n",
                pb->name, p->name, worst, at, p->g[at]);
    }
}

/* ---- conv and pools ------------------------------------------------------ */

static struct { ts_conv2d_desc d; ts_pool2d_desc pd; float *out, *dout; int *arg; size_t no; }
    cv;

static gc_problem conv_pb;
static double conv_loss(void) {
    ts_conv2d_forward(cv.out, conv_pb.p[0].x, conv_pb.p[1].x, conv_pb.p[2].x, &cv.d);
    return dotd(cv.out, cv.dout, cv.no);
}
static void conv_grad(void) {
    ts_conv2d_backward(conv_pb.p[0].g, conv_pb.p[1].g, conv_pb.p[2].g, cv.dout,
                       conv_pb.p[0].x, conv_pb.p[1].x, &cv.d);
}

static void check_conv(void) {
    cv.d = (ts_conv2d_desc){ .n = 2, .c_in = 2, .h = 6, .w = 7, .c_out = 3, .kh = 3, .kw = 2,
                             .stride_h = 2, .stride_w = 1, .pad_h = 1, .pad_w = 2,
                             .dil_h = 2, .dil_w = 1 };
    int oh, ow;
    TS_CHECK(ts_conv2d_out_hw(&cv.d, &oh, &ow) == 0);
    cv.no = (size_t)2 * 3 * oh * ow;
    cv.out = zeros(cv.no);
    cv.dout = rnd(cv.no, 1.0f);
    conv_pb = (gc_problem){ "conv2d", 3, { param("x", rnd(2 * 2 * 6 * 7, 1.0f), 2 * 2 * 6 * 7),
                                           param("w", rnd(3 * 2 * 3 * 2, 0.5f), 3 * 2 * 3 * 2),
                                           param("b", rnd(3, 0.5f), 3) },
                            conv_loss, conv_grad };
    gradcheck(&conv_pb, 1e-2f, 3e-3f, 1e-3f);
}

static gc_problem pool_pb;
static int pool_is_max;
static double pool_loss(void) {
    if (pool_is_max) ts_maxpool2d_forward(cv.out, cv.arg, pool_pb.p[0].x, &cv.pd);
    else ts_avgpool2d_forward(cv.out, pool_pb.p[0].x, &cv.pd);
    return dotd(cv.out, cv.dout, cv.no);
}
static void pool_grad(void) {
    pool_loss();
    if (pool_is_max) ts_maxpool2d_backward(pool_pb.p[0].g, cv.dout, cv.arg, &cv.pd);
    else ts_avgpool2d_backward(pool_pb.p[0].g, cv.dout, &cv.pd);
}

static void check_pools(void) {
    cv.pd = (ts_pool2d_desc){ .n = 1, .c = 2, .h = 7, .w = 6, .kh = 3, .kw = 3,
                              .stride_h = 2, .stride_w = 2, .pad_h = 1, .pad_w = 1 };
    int oh, ow;
    TS_CHECK(ts_pool2d_out_hw(&cv.pd, &oh, &ow) == 0);
    cv.no = (size_t)2 * oh * ow;
    cv.out = zeros(cv.no);
    cv.arg = ts_arena_alloc(&arena, sizeof(int) * cv.no);
    cv.dout = rnd(cv.no, 1.0f);
    /* distinct values 0.1 apart, so a step of h never changes a winner */
    int n = 2 * 7 * 6, *perm = ts_arena_alloc(&arena, sizeof(int) * (size_t)n);
    float *x = zeros((size_t)n);
    for (int i = 0; i < n; i++) perm[i] = i;
    ts_rng_shuffle(&rng, perm, n);
    for (int i = 0; i < n; i++) x[i] = 0.1f * (float)perm[i] - 4.0f;
    pool_pb = (gc_problem){ "maxpool2d", 1, { param("x", x, (size_t)n) }, pool_loss, pool_grad };
    pool_is_max = 1;
    gradcheck(&pool_pb, 1e-2f, 3e-3f, 1e-3f);
    pool_pb.name = "avgpool2d";
    pool_is_max = 0;
    gradcheck(&pool_pb, 1e-2f, 3e-3f, 1e-3f);
    pool_pb.name = "avgpool2d exclude_pad";
    cv.pd.exclude_pad = true;
    gradcheck(&pool_pb, 1e-2f, 3e-3f, 1e-3f);
}

/* ---- attention ------------------------------------------------------------ */

static struct { ts_mha *m; bool pad[5]; float *dout, *dwts; int T, D; } at;
static gc_problem attn_pb;

static ts_mha_weights attn_weights(void) {
    gc_param *p = attn_pb.p;
    return (ts_mha_weights){ p[1].x, p[2].x, p[3].x, p[4].x, p[5].x, p[6].x, p[7].x, p[8].x };
}
static double attn_loss(void) {
    ts_mha_weights w = attn_weights();
    ts_mha_forward(at.m, attn_pb.p[0].x, &w, at.pad);
    double loss = at.dout ? dotd(at.m->out->data, at.dout, (size_t)at.T * at.D) : 0;
    if (at.dwts) loss += dotd(at.m->weights->data, at.dwts, (size_t)at.m->desc.heads * at.T * at.T);
    return loss;
}
static void attn_grad(void) {
    gc_param *p = attn_pb.p;
    ts_mha_weights w = attn_weights();
    ts_mha_grads g = { p[1].g, p[2].g, p[3].g, p[4].g, p[5].g, p[6].g, p[7].g, p[8].g };
    attn_loss();
    if (at.dwts) ts_mha_backward_weights(at.m, p[0].g, &g, at.dout, at.dwts, p[0].x, &w);
    else ts_mha_backward(at.m, p[0].g, &g, at.dout, p[0].x, &w);
}

static void check_attention(void) {
    int T = 5, D = 8;
    at.T = T;
    at.D = D;
    /* causal and key 0 padded: query 0 sees nothing (a fully masked row) */
    at.m = ts_mha_new(&arena, &(ts_mha_desc){ .T = T, .d = D, .heads = 2, .causal = true,
                                              .temperature = 0.8f });
    memset(at.pad, 0, sizeof at.pad);
    at.pad[0] = true;
    at.dout = rnd((size_t)T * D, 1.0f);
    size_t DD = (size_t)D * D;
    attn_pb = (gc_problem){ "attention", 9,
        { param("x", rnd((size_t)T * D, 1.0f), (size_t)T * D),
          param("wq", rnd(DD, 0.4f), DD), param("wk", rnd(DD, 0.4f), DD),
          param("wv", rnd(DD, 0.4f), DD), param("wo", rnd(DD, 0.4f), DD),
          param("bq", rnd(8, 0.1f), 8), param("bk", rnd(8, 0.1f), 8),
          param("bv", rnd(8, 0.1f), 8), param("bo", rnd(8, 0.1f), 8) },
        attn_loss, attn_grad };
    gradcheck(&attn_pb, 1e-2f, 3e-3f, 1e-3f);
    /* the same without masks, unscaled */
    at.m = ts_mha_new(&arena, &(ts_mha_desc){ .T = T, .d = D, .heads = 4, .unscaled = true });
    at.pad[0] = false;
    attn_pb.name = "attention unmasked unscaled";
    gradcheck(&attn_pb, 1e-2f, 3e-3f, 1e-3f);
    /* a loss on the weights too (ts_mha_backward_weights), causal again */
    at.m = ts_mha_new(&arena, &(ts_mha_desc){ .T = T, .d = D, .heads = 2, .causal = true });
    at.dwts = rnd((size_t)2 * T * T, 1.0f);
    attn_pb.name = "attention with a loss on the weights";
    gradcheck(&attn_pb, 1e-2f, 3e-3f, 1e-3f);
    at.dout = NULL;   /* the weights alone: nothing flows from the output */
    attn_pb.name = "attention, a loss on the weights only";
    gradcheck(&attn_pb, 1e-2f, 3e-3f, 1e-3f);
    at.dwts = NULL;
}

/* ---- recurrent cells ------------------------------------------------------ */

enum { B_ = 2, I_ = 3, H_ = 4 };
static struct { int kind, G; float h1[B_ * H_], c1[B_ * H_], gates[B_ * 4 * H_], hn[B_ * H_];
                float *dh1, *dc1; } rn;
static gc_problem rnn_pb;   /* x, h, c, w_ih, w_hh, b_ih, b_hh */

static void rnn_forward(void) {
    gc_param *p = rnn_pb.p;
    if (rn.kind == 0)
        ts_rnn_cell_forward(rn.h1, p[0].x, p[1].x, p[3].x, p[4].x, p[5].x, p[6].x, B_, I_, H_);
    else if (rn.kind == 1)
        ts_lstm_cell_forward(rn.h1, rn.c1, rn.gates, p[0].x, p[1].x, p[2].x, p[3].x, p[4].x,
                             p[5].x, p[6].x, B_, I_, H_);
    else
        ts_gru_cell_forward(rn.h1, rn.gates, rn.hn, p[0].x, p[1].x, p[3].x, p[4].x, p[5].x,
                            p[6].x, B_, I_, H_);
}
static double rnn_loss(void) {
    rnn_forward();
    double l = dotd(rn.h1, rn.dh1, B_ * H_);
    return rn.kind == 1 ? l + dotd(rn.c1, rn.dc1, B_ * H_) : l;
}
static void rnn_grad(void) {
    gc_param *p = rnn_pb.p;
    rnn_forward();
    if (rn.kind == 0)
        ts_rnn_cell_backward(p[0].g, p[1].g, p[3].g, p[4].g, p[5].g, p[6].g, rn.dh1, rn.h1,
                             p[0].x, p[1].x, p[3].x, p[4].x, B_, I_, H_);
    else if (rn.kind == 1)
        ts_lstm_cell_backward(p[0].g, p[1].g, p[2].g, p[3].g, p[4].g, p[5].g, p[6].g, rn.dh1,
                              rn.dc1, rn.gates, rn.c1, p[0].x, p[1].x, p[2].x, p[3].x, p[4].x,
                              B_, I_, H_);
    else
        ts_gru_cell_backward(p[0].g, p[1].g, p[3].g, p[4].g, p[5].g, p[6].g, rn.dh1, rn.gates,
                             rn.hn, p[0].x, p[1].x, p[3].x, p[4].x, B_, I_, H_);
}

static void check_rnn(void) {
    static const char *names[] = { "rnn cell", "lstm cell", "gru cell" };
    static const int gates[] = { 1, 4, 3 };
    rn.dh1 = rnd(B_ * H_, 1.0f);
    rn.dc1 = rnd(B_ * H_, 1.0f);
    for (int kind = 0; kind < 3; kind++) {
        int G = gates[kind];
        rn.kind = kind;
        rnn_pb = (gc_problem){ names[kind], 7,
            { param("x", rnd(B_ * I_, 1.0f), B_ * I_), param("h", rnd(B_ * H_, 0.5f), B_ * H_),
              param("c", rnd(B_ * H_, 0.5f), B_ * H_),
              param("w_ih", rnd((size_t)G * H_ * I_, 0.5f), (size_t)G * H_ * I_),
              param("w_hh", rnd((size_t)G * H_ * H_, 0.5f), (size_t)G * H_ * H_),
              param("b_ih", rnd((size_t)G * H_, 0.3f), (size_t)G * H_),
              param("b_hh", rnd((size_t)G * H_, 0.3f), (size_t)G * H_) },
            rnn_loss, rnn_grad };
        if (kind != 1) rnn_pb.p[2].n = 0;     /* no cell state */
        gradcheck(&rnn_pb, 1e-2f, 3e-3f, 1e-3f);
    }
}

/* ---- mixture of experts ------------------------------------------------------ */

enum { MT = 6, MD = 4, ME = 4, MK = 2, MCAP = 3 };
static struct { float logits[MT * ME], probs[MT * ME], gate[MT * MK], frac[ME];
                float xe[ME * MCAP * MD], ye[ME * MCAP * MD], y[MT * MD];
                int idx[MT * MK], pos[MT * MK], count[ME]; float *dy, alpha; } mo;
static gc_problem moe_pb;   /* x, wr, br, we, be */

static double moe_loss(void) {
    gc_param *p = moe_pb.p;
    ts_moe_router_forward(mo.logits, mo.probs, p[0].x, p[1].x, p[2].x, MT, MD, ME);
    ts_moe_topk(mo.idx, mo.gate, mo.probs, MT, ME, MK);
    float aux = ts_moe_aux_loss(mo.frac, NULL, mo.probs, mo.idx, MT, ME, MK);
    ts_moe_dispatch(mo.pos, mo.count, mo.idx, MT, ME, MK, MCAP);
    ts_moe_gather(mo.xe, p[0].x, mo.idx, mo.pos, MT, MK, MD, MCAP);
    for (int e = 0; e < ME; e++)
        ts_linear_forward(mo.ye + e * MCAP * MD, mo.xe + e * MCAP * MD, p[3].x + e * MD * MD,
                          p[4].x + e * MD, mo.count[e], MD, MD);
    ts_moe_combine(mo.y, mo.ye, mo.gate, mo.idx, mo.pos, MT, MK, MD, MCAP);
    return dotd(mo.y, mo.dy, MT * MD) + (double)mo.alpha * aux;
}
static void moe_grad(void) {
    gc_param *p = moe_pb.p;
    float dye[ME * MCAP * MD] = {0}, dxe[ME * MCAP * MD] = {0}, dgate[MT * MK] = {0};
    float dprobs[MT * ME] = {0}, dlogits[MT * ME] = {0};
    moe_loss();
    ts_moe_combine_backward(dye, dgate, mo.dy, mo.ye, mo.gate, mo.idx, mo.pos, MT, MK, MD, MCAP);
    for (int e = 0; e < ME; e++)
        ts_linear_backward(dxe + e * MCAP * MD, p[3].g + e * MD * MD, p[4].g + e * MD,
                           dye + e * MCAP * MD, mo.xe + e * MCAP * MD, p[3].x + e * MD * MD,
                           mo.count[e], MD, MD);
    ts_moe_gather_backward(p[0].g, dxe, mo.idx, mo.pos, MT, MK, MD, MCAP);
    ts_moe_topk_backward(dprobs, dgate, mo.gate, mo.idx, mo.probs, MT, ME, MK);
    ts_moe_aux_loss_backward(dprobs, mo.alpha, mo.frac, MT, ME);
    ts_moe_router_backward(p[0].g, p[1].g, p[2].g, dlogits, dprobs, mo.probs, p[0].x, p[1].x,
                           MT, MD, ME);
}

static void check_moe(void) {
    mo.dy = rnd(MT * MD, 1.0f);
    mo.alpha = 0.5f;
    moe_pb = (gc_problem){ "moe", 5,
        { param("x", rnd(MT * MD, 1.0f), MT * MD), param("wr", rnd(ME * MD, 1.0f), ME * MD),
          param("br", rnd(ME, 0.2f), ME), param("we", rnd(ME * MD * MD, 0.5f), ME * MD * MD),
          param("be", rnd(ME * MD, 0.1f), ME * MD) },
        moe_loss, moe_grad };
    /* a smaller step: routing must not flip between L(p+h) and L(p-h) */
    gradcheck(&moe_pb, 3e-3f, 3e-3f, 1e-3f);
}

int main(void) {
    ts_rng_seed(&rng, 7);
    check_conv();
    check_pools();
    check_attention();
    check_rnn();
    check_moe();
    ts_arena_free(&arena);
    return check_report();
}
