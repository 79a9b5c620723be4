/* train_lstm.c: trains the lstm scene's RNN, LSTM and GRU on the memory task
 * at each sequence length of a table and writes the weights and the
 * accuracy-against-length table.
 *
 *   ./build/train_lstm assets/lstm-memory.safetensors [--force]
 *
 * Task and models: src/scenes/lstm/lstm_model.h (recall the first of T
 * tokens after T-2 distractor digits; one layer of 8 units, a linear head).
 * For every length L of LENGTHS and every cell, RUNS fresh models (seeded
 * differently) are trained on sequences of exactly length L with the kernel's
 * backpropagation through time (rnn.h sequences): Adam (lr 0.01),
 * minibatches of 32, gradient norm clipped at 1, N_TRAIN sequences for
 * EPOCHS epochs, loss = cross-entropy of the last step's readout. Each
 * run's held-out accuracy at L (N_HELD fresh sequences) goes into
 * "<cell>.accuracy_runs" [RUNS, lengths], their mean into "<cell>.accuracy"
 * (the curve the scene plots, against "accuracy.length"), and the weights of
 * the best run into the file as "L<length>.<cell>.<name>" (the model the
 * scene runs at that length). Every cell gets the same data and budget: what
 * differs is whether the gradient survives the trip back through L steps.
 * Fixed seeds (weights 1 + run, data 2 + L, held-out 3 + L): the same file every
 * run. Refuses to overwrite an existing file without --force.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "kernel/safetensors.h"
#include "kernel/train.h"
#include "scenes/lstm/lstm_model.h"

#define N_TRAIN 3000
#define EPOCHS 10
#define BATCH 32
#define N_HELD 400
#define CLIP 1.0f
#define SEED_WEIGHTS 1
#define SEED_DATA 2
#define SEED_HELD 3
#define RUNS 3

static const int LENGTHS[] = {5, 10, 15, 20, 25, 30, 40, 50, 60};
#define N_LENGTHS (int)(sizeof LENGTHS / sizeof LENGTHS[0])

typedef struct trainer {
    lstm_cell_weights *w;
    ts_tensor *p[6];
    int T;
    int ids[N_TRAIN][LSTM_MAX_T];
    ts_arena scratch;
} trainer;

static float step(void *user, const int *idx, int n) {
    trainer *tr = user;
    lstm_cell_grads g = {tr->p[0]->grad, tr->p[1]->grad, tr->p[2]->grad,
                         tr->p[3]->grad, tr->p[4]->grad, tr->p[5]->grad};
    float loss = 0;
    for (int b = 0; b < n; b++) {
        ts_arena_reset(&tr->scratch);
        lstm_input in;
        lstm_input_make(&in, &tr->scratch, tr->ids[idx[b]], tr->T);
        lstm_run r;
        lstm_run_forward(&r, &tr->scratch, tr->w, &in, NULL);
        loss += lstm_run_backward(&r, &tr->scratch, tr->w, &in, &g, 1.0f / (float)n);
    }
    /* clip the gradient's global norm: a vanilla RNN's can explode */
    double s = 0;
    for (int i = 0; i < 6; i++)
        for (size_t k = 0; k < ts_numel(tr->p[i]); k++) s += (double)tr->p[i]->grad[k] * tr->p[i]->grad[k];
    float norm = (float)sqrt(s);
    if (norm > CLIP)
        for (int i = 0; i < 6; i++)
            for (size_t k = 0; k < ts_numel(tr->p[i]); k++) tr->p[i]->grad[k] *= CLIP / norm;
    return loss / (float)n;
}

int main(int argc, char **argv) {
    const char *out = NULL;
    bool force = false;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--force") == 0) force = true;
        else if (!out && argv[i][0] != '-') out = argv[i];
        else { fprintf(stderr, "train_lstm: unknown argument '%s'\n", argv[i]); return 2; }
    }
    if (!out) { fprintf(stderr, "usage: train_lstm OUT.safetensors [--force]\n"); return 2; }
    if (!force && access(out, F_OK) == 0) {
        fprintf(stderr, "train_lstm: %s exists (use --force to overwrite)\n", out);
        return 2;
    }
    double t0 = ts_seconds();
    lstm_models m, fresh[RUNS];
    lstm_models_init(&m, SEED_WEIGHTS, LENGTHS, N_LENGTHS);
    for (int r = 0; r < RUNS; r++) lstm_models_init(&fresh[r], SEED_WEIGHTS + (uint64_t)r, LENGTHS, N_LENGTHS);
    ts_arena tables = {0};
    ts_tensor *runs[LSTM_CELLS];
    for (int k = 0; k < LSTM_CELLS; k++) {
        runs[k] = ts_new2(&tables, NULL, RUNS, N_LENGTHS);
        ts_tensor_set_name(runs[k], "%s.accuracy_runs", lstm_cell_prefix(k));
    }
    trainer *tr = calloc(1, sizeof *tr);
    if (!tr) { fprintf(stderr, "train_lstm: out of memory\n"); return 1; }
    ts_arena grads = {0};
    printf("held-out accuracy (%d sequences) of %d models trained at each length:\n", N_HELD, RUNS);
    printf("length  RNN runs           LSTM runs          GRU runs           seconds\n");
    for (int li = 0; li < N_LENGTHS; li++) {
        int L = LENGTHS[li];
        double tl = ts_seconds();
        ts_rng rng;
        ts_rng_seed(&rng, SEED_DATA + (uint64_t)L);
        tr->T = L;
        for (int i = 0; i < N_TRAIN; i++) lstm_sample(&rng, L, tr->ids[i]);
        printf("%6d", L);
        for (int k = 0; k < LSTM_CELLS; k++) {
            int best = 0;
            float sum = 0;
            printf("  ");
            for (int r = 0; r < RUNS; r++) {
                lstm_cell_weights *w = &fresh[r].cell[li][k];
                tr->w = w;
                ts_tensor *p[6] = {w->w_ih, w->w_hh, w->b_ih, w->b_hh, w->head_w, w->head_b};
                ts_arena_reset(&grads);
                for (int i = 0; i < 6; i++) { tr->p[i] = p[i]; p[i]->grad = NULL; ts_tensor_grad(&grads, p[i]); }
                ts_arena run = {0};
                ts_train(&run, &(ts_train_desc){
                    .params = tr->p, .nparams = 6, .n_samples = N_TRAIN,
                    .optim = {.kind = TS_OPTIM_ADAM, .lr = 0.01f},
                    .epochs = EPOCHS, .batch_size = BATCH,
                    .seed = SEED_DATA + (uint64_t)((L * 3 + k) * RUNS + r),
                    .step = step, .user = tr});
                ts_arena_free(&run);
                for (int i = 0; i < 6; i++) p[i]->grad = NULL;
                float acc = lstm_accuracy(w, L, N_HELD, SEED_HELD + (uint64_t)L);
                runs[k]->data[r * N_LENGTHS + li] = acc;
                sum += acc;
                if (acc > runs[k]->data[best * N_LENGTHS + li]) best = r;
                printf(" %4.2f", acc);
                fflush(stdout);
            }
            m.accuracy[k]->data[li] = sum / RUNS;
            const lstm_cell_weights *src = &fresh[best].cell[li][k];
            lstm_cell_weights *dst = &m.cell[li][k];
            ts_tensor *from[6] = {src->w_ih, src->w_hh, src->b_ih, src->b_hh, src->head_w, src->head_b};
            ts_tensor *to[6] = {dst->w_ih, dst->w_hh, dst->b_ih, dst->b_hh, dst->head_w, dst->head_b};
            for (int i = 0; i < 6; i++) memcpy(to[i]->data, from[i]->data, sizeof(float) * ts_numel(to[i]));
            printf(" (mean %4.2f)", m.accuracy[k]->data[li]);
        }
        printf("   %5.1f\n", ts_seconds() - tl);
    }
    double secs = ts_seconds() - t0;
    ts_dump *d = ts_dump_new("lstm", 0);
    lstm_models_dump(&m, d);
    for (int k = 0; k < LSTM_CELLS; k++) ts_dump_tensor(d, runs[k]);
    ts_dump_param(d, "runs", RUNS);
    ts_dump_param(d, "train_seconds", secs);
    ts_dump_param(d, "train_samples", N_TRAIN);
    ts_dump_param(d, "epochs", EPOCHS);
    ts_dump_param(d, "held_out_per_length", N_HELD);
    char err[256];
    int rc = ts_st_write(d, out, err, sizeof err);
    if (rc) fprintf(stderr, "train_lstm: %s\n", err);
    else printf("wrote %s in %.1f s\n", out, secs);
    ts_dump_free(d);
    ts_arena_free(&grads);
    ts_arena_free(&tr->scratch);
    free(tr);
    lstm_models_free(&m);
    for (int r = 0; r < RUNS; r++) lstm_models_free(&fresh[r]);
    ts_arena_free(&tables);
    return rc ? 1 : 0;
}
