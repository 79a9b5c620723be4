/* train_attention.c: trains the attention scene's tiny transformer on the
 * reversal task and writes its weights as safetensors (kernel/safetensors.h).
 *
 *   ./build/train_attention assets/attention-reverse.safetensors [--force]
 *
 * Model (src/scenes/attention_model.c): digits 0..9 -> learned embedding
 * [10, 16] + sinusoidal positional encoding -> one multi-head self-attention
 * layer (2 heads, d_k = 8, no mask) -> linear readout per position. Task: a
 * sequence of 8 random digits; position t must output digit T-1-t, so the
 * answer can only arrive through attention, and only if the heads learn to
 * look at the mirrored position. Loss: cross-entropy per position.
 *
 * Fixed seeds (weights 1, data 2, held-out 3), Adam, the kernel's
 * ts_train_loop; prints the held-out accuracy (fraction of correct positions on
 * 2000 fresh sequences) per epoch and at the end, and stores it in the file.
 * Refuses to overwrite an existing file without --force.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "app/app.h"
#include "kernel/safetensors.h"
#include "kernel/nn.h"
#include "kernel/train.h"
#include "scenes/attention/attention_model.h"

#define N_TRAIN 8000
#define N_HELD 2000
#define EPOCHS 10
#define SEED_WEIGHTS 1
#define SEED_DATA 2
#define SEED_HELD 3

typedef struct trainer {
    attn_model m;
    ts_tensor p[7];                 /* views of the model's arrays, with grads */
    int ids[N_TRAIN][ATTN_TRAIN_T], tgt[N_TRAIN][ATTN_TRAIN_T];
    ts_arena scratch;
} trainer;

static void view(ts_tensor *t, const char *name, float *data, int r, int c) {
    memset(t, 0, sizeof *t);
    snprintf(t->name, sizeof t->name, "%s", name);
    t->ndim = c ? 2 : 1;
    t->shape[0] = r; t->shape[1] = c;
    t->stride[0] = c ? c : 1; t->stride[1] = 1;
    t->data = data;
}

static float step(void *user, const int *idx, int n) {
    trainer *tr = user;
    attn_model *m = &tr->m;
    int T = ATTN_TRAIN_T, D = m->d, V = m->vocab;
    float loss = 0;
    for (int b = 0; b < n; b++) {
        ts_arena_reset(&tr->scratch);
        const int *ids = tr->ids[idx[b]], *tgt = tr->tgt[idx[b]];
        attn_run r;
        attn_run_forward(&r, &tr->scratch, m, ids, T, &(attn_opts){.pe = true, .scaled = true});
        float *probs = ts_arena_alloc(&tr->scratch, sizeof(float) * (size_t)T * V);
        float *dlogits = ts_arena_alloc(&tr->scratch, sizeof(float) * (size_t)T * V);
        float *dout = ts_arena_alloc(&tr->scratch, sizeof(float) * (size_t)T * D);
        float *dx = ts_arena_alloc(&tr->scratch, sizeof(float) * (size_t)T * D);
        loss += ts_crossentropy_forward(NULL, probs, r.logits->data, tgt, T, V);
        ts_crossentropy_backward(dlogits, probs, tgt, 1.0f / (float)n, T, V);
        ts_linear_backward(dout, tr->p[5].grad, tr->p[6].grad, dlogits, r.mha->out->data, m->wr, T, D, V);
        ts_mha_backward(r.mha, dx,
                        &(ts_mha_grads){.wq = tr->p[1].grad, .wk = tr->p[2].grad,
                                        .wv = tr->p[3].grad, .wo = tr->p[4].grad},
                        dout, r.x_in->data,
                        &(ts_mha_weights){.wq = m->wq, .wk = m->wk, .wv = m->wv, .wo = m->wo});
        ts_embedding_backward(tr->p[0].grad, dx, ids, T, V, D);
    }
    return loss / (float)n;
}

static float held_out(void *user) {
    return attn_reverse_accuracy(&((trainer *)user)->m, N_HELD, SEED_HELD);
}

static void on_epoch(void *user, int epoch, float loss, float metric) {
    (void)user;
    printf("epoch %3d  loss %.4f  held-out accuracy %.4f\n", epoch + 1, loss, metric);
    fflush(stdout);
}

int main(int argc, char **argv) {
    const char *out = NULL;
    bool force = false;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--force") == 0) force = true;
        else if (!out && argv[i][0] != '-') out = argv[i];
        else { fprintf(stderr, "usage: train_attention OUT.safetensors [--force]\n"); return 2; }
    }
    if (!out) { fprintf(stderr, "usage: train_attention OUT.safetensors [--force]\n"); return 2; }
    char err[512];
    if (!app_output_ok(out, force, err, sizeof err)) { fprintf(stderr, "train_attention: %s\n", err); return 2; }

    trainer *tr = calloc(1, sizeof *tr);
    if (!tr) { fprintf(stderr, "train_attention: out of memory\n"); return 1; }
    ts_rng rng;
    ts_rng_seed(&rng, SEED_WEIGHTS);
    attn_model_trained_init(&tr->m, &rng);
    attn_model *m = &tr->m;
    int D = m->d, V = m->vocab;
    view(&tr->p[0], "embed.weight", m->embed, V, D);
    view(&tr->p[1], "W_q", m->wq, D, D);
    view(&tr->p[2], "W_k", m->wk, D, D);
    view(&tr->p[3], "W_v", m->wv, D, D);
    view(&tr->p[4], "W_o", m->wo, D, D);
    view(&tr->p[5], "readout.weight", m->wr, V, D);
    view(&tr->p[6], "readout.bias", m->br, V, 0);
    ts_rng_seed(&rng, SEED_DATA);
    for (int i = 0; i < N_TRAIN; i++) attn_reverse_sample(&rng, tr->ids[i], tr->tgt[i]);

    ts_arena arena = {0};
    ts_tensor *params[7];
    for (int i = 0; i < 7; i++) params[i] = &tr->p[i];
    ts_train_stats s = ts_train(&arena, &(ts_train_desc){
        .params = params, .nparams = 7, .n_samples = N_TRAIN,
        .optim = {.kind = TS_OPTIM_ADAM, .lr = 0.005f},
        .epochs = EPOCHS, .batch_size = 32, .seed = SEED_DATA,
        .step = step, .eval = held_out, .on_epoch = on_epoch, .user = tr});
    m->accuracy = s.metric;
    printf("held-out accuracy %.4f on %d sequences of %d digits (%d positions), %.1f s, %d steps\n",
           s.metric, N_HELD, ATTN_TRAIN_T, N_HELD * ATTN_TRAIN_T, s.seconds, s.steps);

    ts_dump *d = ts_dump_new("attention", 0);
    ts_dump_param_str(d, "task", "reverse 8 digits");
    ts_dump_param(d, "accuracy", s.metric);
    ts_dump_param(d, "epochs", EPOCHS);
    ts_dump_param(d, "seed", SEED_WEIGHTS);
    ts_dump_param(d, "heads", m->heads);
    ts_dump_param(d, "d", m->d);
    attn_model_dump_weights(m, d);
    int rc = ts_st_write(d, out, err, sizeof err);
    if (rc) fprintf(stderr, "train_attention: %s\n", err);
    else printf("wrote %s\n", out);
    ts_dump_free(d);
    ts_arena_free(&arena);
    ts_arena_free(&tr->scratch);
    free(tr);
    return rc ? 1 : (s.metric >= 0.99f ? 0 : 1);
}
