/* vit_model.c: the vit scene's vision transformer. See vit_model.h. */
#include "scenes/vit/vit_model.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include "kernel/nn.h"
#include "scenes/diffusion/diff_digits.h"

static const char *const blk_names[VB_COUNT] = {
    "norm1.weight", "norm1.bias", "attn.in_proj_weight", "attn.in_proj_bias", "attn.out_proj.weight",
    "attn.out_proj.bias", "norm2.weight", "norm2.bias", "mlp.0.weight", "mlp.0.bias", "mlp.2.weight",
    "mlp.2.bias"};

void vit_model_new(vit_model *m, ts_arena *a) {
    const int D = VIT_D, H = VIT_HIDDEN;
    m->patch_w = ts_new4(a, "patch_embed.weight", D, 1, VIT_P, VIT_P);
    m->patch_b = ts_new1(a, "patch_embed.bias", D);
    m->cls = ts_new3(a, "cls_token", 1, 1, D);
    m->pos = ts_new3(a, "pos_embed", 1, VIT_T, D);
    const int shapes[VB_COUNT][2] = {{D, 0}, {D, 0}, {3 * D, D}, {3 * D, 0}, {D, D}, {D, 0},
                                     {D, 0}, {D, 0}, {H, D},     {H, 0},     {D, H}, {D, 0}};
    for (int l = 0; l < VIT_LAYERS; l++)
        for (int k = 0; k < VB_COUNT; k++) {
            ts_tensor *t = shapes[k][1] ? ts_new2(a, NULL, shapes[k][0], shapes[k][1]) : ts_new1(a, NULL, shapes[k][0]);
            ts_tensor_set_name(t, "blocks.%d.%s", l, blk_names[k]);
            m->blk[l][k] = t;
        }
    m->norm_w = ts_new1(a, "norm.weight", D);
    m->norm_b = ts_new1(a, "norm.bias", D);
    m->head_w = ts_new2(a, "head.weight", VIT_CLASSES, D);
    m->head_b = ts_new1(a, "head.bias", VIT_CLASSES);
}

static void fill(ts_tensor *t, float v) {
    for (size_t i = 0; i < ts_numel(t); i++) t->data[i] = v;
}

void vit_model_init(vit_model *m, uint64_t seed) {
    ts_rng r;
    ts_rng_seed(&r, seed);
    ts_linear_init(m->patch_w->data, m->patch_b->data, &r, VIT_PP, VIT_D);
    ts_rng_normal_fill(&r, m->cls->data, VIT_D, 0, 0.02f);
    ts_rng_normal_fill(&r, m->pos->data, (size_t)VIT_T * VIT_D, 0, 0.02f);
    for (int l = 0; l < VIT_LAYERS; l++) {
        ts_tensor **b = m->blk[l];
        fill(b[VB_NORM1_W], 1);
        fill(b[VB_NORM2_W], 1);
        /* nn.MultiheadAttention: xavier_uniform over the packed [3D, D] */
        float xa = sqrtf(6.0f / (3 * VIT_D + VIT_D));
        ts_rng_uniform_fill(&r, b[VB_INPROJ_W]->data, ts_numel(b[VB_INPROJ_W]), -xa, xa);
        ts_linear_init(b[VB_OUTPROJ_W]->data, NULL, &r, VIT_D, VIT_D);
        ts_linear_init(b[VB_FC1_W]->data, b[VB_FC1_B]->data, &r, VIT_D, VIT_HIDDEN);
        ts_linear_init(b[VB_FC2_W]->data, b[VB_FC2_B]->data, &r, VIT_HIDDEN, VIT_D);
    }
    fill(m->norm_w, 1);
    ts_linear_init(m->head_w->data, m->head_b->data, &r, VIT_D, VIT_CLASSES);
}

void vit_model_params(const vit_model *m, ts_tensor *out[VIT_NPARAMS]) {
    int i = 0;
    out[i++] = m->patch_w;
    out[i++] = m->patch_b;
    out[i++] = m->cls;
    out[i++] = m->pos;
    for (int l = 0; l < VIT_LAYERS; l++)
        for (int k = 0; k < VB_COUNT; k++) out[i++] = m->blk[l][k];
    out[i++] = m->norm_w;
    out[i++] = m->norm_b;
    out[i++] = m->head_w;
    out[i++] = m->head_b;
}

bool vit_model_from_dump(vit_model *m, const ts_dump *d, char *err, size_t errlen) {
    ts_tensor *p[VIT_NPARAMS];
    vit_model_params(m, p);
    for (int i = 0; i < VIT_NPARAMS; i++) {
        const ts_tensor *t = ts_dump_find(d, p[i]->name);
        if (!t) { snprintf(err, errlen, "no tensor '%s'", p[i]->name); return false; }
        bool same = t->ndim == p[i]->ndim;
        for (int k = 0; same && k < t->ndim; k++) same = t->shape[k] == p[i]->shape[k];
        if (!same) { snprintf(err, errlen, "tensor '%s' has the wrong shape", p[i]->name); return false; }
    }
    for (int i = 0; i < VIT_NPARAMS; i++)
        memcpy(p[i]->data, ts_dump_find(d, p[i]->name)->data, sizeof(float) * ts_numel(p[i]));
    return true;
}

void vit_block_weights(const vit_model *m, int l, ts_block_weights *w) {
    ts_tensor *const *b = m->blk[l];
    *w = (ts_block_weights){b[VB_NORM1_W]->data, b[VB_NORM1_B]->data, b[VB_INPROJ_W]->data,
                            b[VB_INPROJ_B]->data, b[VB_OUTPROJ_W]->data, b[VB_OUTPROJ_B]->data,
                            b[VB_NORM2_W]->data, b[VB_NORM2_B]->data, b[VB_FC1_W]->data,
                            b[VB_FC1_B]->data, b[VB_FC2_W]->data, b[VB_FC2_B]->data};
}

static ts_block_grads block_grads(const vit_model *m, int l) {
    ts_tensor *const *b = m->blk[l];
    return (ts_block_grads){b[VB_NORM1_W]->grad, b[VB_NORM1_B]->grad, b[VB_INPROJ_W]->grad,
                            b[VB_INPROJ_B]->grad, b[VB_OUTPROJ_W]->grad, b[VB_OUTPROJ_B]->grad,
                            b[VB_NORM2_W]->grad, b[VB_NORM2_B]->grad, b[VB_FC1_W]->grad,
                            b[VB_FC1_B]->grad, b[VB_FC2_W]->grad, b[VB_FC2_B]->grad};
}

void vit_acts_new(vit_acts *x, ts_arena *a, int n, bool grads) {
    memset(x, 0, sizeof *x);
    x->n = n;             /* may be lowered later for a short batch */
    x->image = ts_new4(a, "image", n, 1, VIT_IMG, VIT_IMG);
    x->patches = ts_new3(a, "patches", n, VIT_N, VIT_PP);
    x->tokens = ts_new3(a, "tokens", n, VIT_N, VIT_D);
    x->x0 = ts_new3(a, "x0", n, VIT_T, VIT_D);
    for (int l = 0; l < VIT_LAYERS; l++)
        x->blocks[l] = ts_block_new(a, &(ts_block_desc){.B = n, .T = VIT_T, .d = VIT_D, .heads = VIT_HEADS,
                                                        .hidden = VIT_HIDDEN});
    x->cls_out = ts_new2(a, "cls", n, VIT_D);
    x->normed = ts_new2(a, "norm.out", n, VIT_D);
    x->logits = ts_new2(a, "logits", n, VIT_CLASSES);
    x->probs = ts_new2(a, "probs", n, VIT_CLASSES);
    x->norm_mean = ts_arena_alloc(a, sizeof(float) * (size_t)n);
    x->norm_rstd = ts_arena_alloc(a, sizeof(float) * (size_t)n);
    if (grads) {
        x->d_logits = ts_arena_alloc(a, sizeof(float) * (size_t)n * VIT_CLASSES);
        x->d_normed = ts_arena_alloc(a, sizeof(float) * (size_t)n * VIT_D);
        for (int l = 0; l <= VIT_LAYERS; l++)
            x->d_x[l] = ts_arena_alloc(a, sizeof(float) * (size_t)n * VIT_T * VIT_D);
    }
}

void vit_forward(const vit_model *m, vit_acts *x) {
    const int n = x->n, D = VIT_D;
    for (int i = 0; i < n; i++)
        ts_patchify(x->patches->data + (size_t)i * VIT_N * VIT_PP, x->image->data + (size_t)i * VIT_PIX, 1,
                    VIT_IMG, VIT_IMG, VIT_P);
    ts_linear_forward(x->tokens->data, x->patches->data, m->patch_w->data, m->patch_b->data, n * VIT_N,
                      VIT_PP, D);
    for (int i = 0; i < n; i++) {
        float *x0 = x->x0->data + (size_t)i * VIT_T * D;
        const float *tok = x->tokens->data + (size_t)i * VIT_N * D;
        for (int c = 0; c < D; c++) x0[c] = m->cls->data[c] + m->pos->data[c];
        for (int t = 1; t < VIT_T; t++)
            for (int c = 0; c < D; c++)
                x0[t * D + c] = tok[(t - 1) * D + c] + m->pos->data[t * D + c];
    }
    const float *in = x->x0->data;
    for (int l = 0; l < VIT_LAYERS; l++) {
        x->blocks[l]->desc.B = n;   /* a short batch runs fewer sequences */
        ts_block_weights w;
        vit_block_weights(m, l, &w);
        ts_block_forward(x->blocks[l], in, &w);
        in = x->blocks[l]->out->data;
    }
    for (int i = 0; i < n; i++)
        memcpy(x->cls_out->data + (size_t)i * D, in + (size_t)i * VIT_T * D, sizeof(float) * D);
    ts_layernorm_forward(x->normed->data, x->norm_mean, x->norm_rstd, x->cls_out->data, m->norm_w->data,
                         m->norm_b->data, n, D);
    ts_linear_forward(x->logits->data, x->normed->data, m->head_w->data, m->head_b->data, n, D, VIT_CLASSES);
    ts_softmax_forward(x->probs->data, x->logits->data, NULL, n, VIT_CLASSES);
}

float vit_backward(vit_model *m, vit_acts *x, const int *targets) {
    const int n = x->n, D = VIT_D;
    float loss = ts_crossentropy_forward(NULL, x->probs->data, x->logits->data, targets, n, VIT_CLASSES);
    if (!x->d_logits) return loss;
    size_t TD = (size_t)VIT_T * D;
    memset(x->d_logits, 0, sizeof(float) * (size_t)n * VIT_CLASSES);
    memset(x->d_normed, 0, sizeof(float) * (size_t)n * D);
    for (int l = 0; l <= VIT_LAYERS; l++) memset(x->d_x[l], 0, sizeof(float) * n * TD);
    ts_crossentropy_backward(x->d_logits, x->probs->data, targets, 1.0f, n, VIT_CLASSES);
    ts_linear_backward(x->d_normed, m->head_w->grad, m->head_b->grad, x->d_logits, x->normed->data,
                       m->head_w->data, n, D, VIT_CLASSES);
    /* the final norm reads only the class token: its gradient lands on row 0 */
    float *dcls = x->d_x[VIT_LAYERS];
    float tmp[VIT_D];
    for (int i = 0; i < n; i++) {
        memset(tmp, 0, sizeof tmp);
        ts_layernorm_backward(tmp, m->norm_w->grad, m->norm_b->grad, x->d_normed + (size_t)i * D,
                              x->cls_out->data + (size_t)i * D, m->norm_w->data, x->norm_mean + i,
                              x->norm_rstd + i, 1, D);
        memcpy(dcls + i * TD, tmp, sizeof tmp);
    }
    for (int l = VIT_LAYERS - 1; l >= 0; l--) {
        ts_block_weights w;
        vit_block_weights(m, l, &w);
        ts_block_grads g = block_grads(m, l);
        const float *in = l ? x->blocks[l - 1]->out->data : x->x0->data;
        ts_block_backward(x->blocks[l], x->d_x[l], &g, x->d_x[l + 1], in, &w);
    }
    /* x0 = [cls; tokens] + pos */
    const float *dx0 = x->d_x[0];
    float *dtok = x->d_x[1];   /* free again: reused for the tokens' gradient [n,N,D] */
    for (int i = 0; i < n; i++) {
        const float *r = dx0 + i * TD;
        for (size_t k = 0; k < TD; k++) m->pos->grad[k] += r[k];
        for (int c = 0; c < D; c++) m->cls->grad[c] += r[c];
        memcpy(dtok + (size_t)i * VIT_N * D, r + D, sizeof(float) * VIT_N * D);
    }
    ts_linear_backward(NULL, m->patch_w->grad, m->patch_b->grad, dtok, x->patches->data, m->patch_w->data,
                       n * VIT_N, VIT_PP, D);
    return loss;
}

void vit_from28(float *out16, const float *in28) {
    dig_from28(out16, in28);
    for (int i = 0; i < VIT_PIX; i++) out16[i] = (out16[i] + 1) * 0.5f;
}
