/* train_vit: trains the vit scene's vision transformer on the cnn scene's
 * digits, and measures how much data it needs next to the cnn scene's
 * classifier.
 *
 *   ./build/train_vit assets/vit.safetensors [--force] [--samples S] [--sizes a,b,c] [--min-accuracy A]
 *
 * Data: the cnn trainer's digits (tools/train_cnn.c: DejaVu faces and pen
 * strokes, seeds 1 and 3 for training, 2 and 4 for two held-out sets of 2000
 * each), averaged down to 16x16 (vit_from28). The ViT (vit_model.h: patch 4,
 * 16 tokens and a class token, D 32, 4 heads, 3 pre-norm blocks, MLP 64)
 * reads them directly; the CNN (cnn_model.h, the cnn scene's architecture)
 * reads the same 16x16 digits scaled back up to its 28x28 input (dig_to28,
 * bilinear), so both see exactly the same information.
 *
 * Data hunger: for each training-set size n (default 500, 2000 and 40000:
 * the first n digits of a fixed shuffle of the 40000, fonts and strokes
 * mixed) a fresh ViT and a fresh CNN (init seed 42, Adam lr 2e-3, batch 64,
 * order seed 7) are trained on the same n digits for ceil(S / n) epochs, so
 * every run sees about S = 120000 examples (the same compute per model for
 * every n); held-out accuracy is measured on all 4000 held-out digits. The
 * ViT trained on the largest set is the one written out.
 *
 * Output: a safetensors file (safetensors.h; the scene reads it) with every ViT
 * parameter, "samples" [10,1,28,28] (one plain font digit per class at the
 * cnn scene's size, which the scene averages down as the trainer does), "hunger" [K,3] (rows: n, ViT accuracy, CNN
 * accuracy) and params (accuracies, sizes, seeds, times). Refuses to write
 * when the shipped ViT's held-out accuracy is below A (default 90%).
 *
 * Exit codes: 0 written, 1 failure (fonts, accuracy, writing), 2 bad usage.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "kernel/dump.h"
#include "kernel/safetensors.h"
#include "kernel/train.h"
#include "scenes/cnn/cnn_digits.h"
#include "scenes/cnn/cnn_model.h"
#include "scenes/cnn/cnn_strokes.h"
#include "scenes/diffusion/diff_digits.h"
#include "scenes/vit/vit_model.h"

#define N_FONT 20000
#define N_STROKE 20000
#define N_TRAIN (N_FONT + N_STROKE)
#define N_TEST_EACH 2000
#define N_TEST (2 * N_TEST_EACH)
#define BATCH 64
#define EVAL_BATCH 500
#define PIX28 (CNN_IN * CNN_IN)
#define MAX_SIZES 4

typedef struct data {
    float *x16, *x28;       /* [N_TRAIN, 256], [N_TRAIN, 784] in shuffled order */
    int *y;
    float *t16, *t28;       /* held out */
    int *yt;
} data;

typedef struct vit_job {
    const data *D;
    vit_model m;
    vit_acts train, eval;
} vit_job;

typedef struct cnn_job {
    const data *D;
    cnn_model m;
    cnn_acts train, eval;
} cnn_job;

static float vit_step(void *user, const int *idx, int n) {
    vit_job *J = user;
    int targets[BATCH];
    J->train.n = n;
    for (int i = 0; i < n; i++) {
        memcpy(J->train.image->data + (size_t)i * VIT_PIX, J->D->x16 + (size_t)idx[i] * VIT_PIX,
               sizeof(float) * VIT_PIX);
        targets[i] = J->D->y[idx[i]];
    }
    vit_forward(&J->m, &J->train);
    return vit_backward(&J->m, &J->train, targets);
}

static float vit_accuracy(vit_job *J) {
    int right = 0;
    for (int s = 0; s < N_TEST; s += EVAL_BATCH) {
        memcpy(J->eval.image->data, J->D->t16 + (size_t)s * VIT_PIX, sizeof(float) * VIT_PIX * EVAL_BATCH);
        vit_forward(&J->m, &J->eval);
        right += (int)lroundf(ts_accuracy(J->eval.logits->data, J->D->yt + s, EVAL_BATCH, VIT_CLASSES) * EVAL_BATCH);
    }
    return (float)right / N_TEST;
}

static float cnn_step(void *user, const int *idx, int n) {
    cnn_job *J = user;
    int targets[BATCH];
    J->train.n = n;
    for (int i = 0; i < n; i++) {
        memcpy(J->train.input->data + (size_t)i * PIX28, J->D->x28 + (size_t)idx[i] * PIX28, sizeof(float) * PIX28);
        targets[i] = J->D->y[idx[i]];
    }
    cnn_forward(&J->m, &J->train);
    return cnn_backward(&J->m, &J->train, targets);
}

static float cnn_accuracy(cnn_job *J) {
    int right = 0;
    for (int s = 0; s < N_TEST; s += EVAL_BATCH) {
        memcpy(J->eval.input->data, J->D->t28 + (size_t)s * PIX28, sizeof(float) * PIX28 * EVAL_BATCH);
        cnn_forward(&J->m, &J->eval);
        right += (int)lroundf(ts_accuracy(J->eval.logits->data, J->D->yt + s, EVAL_BATCH, CNN_CLASSES) * EVAL_BATCH);
    }
    return (float)right / N_TEST;
}

/* n digits, labels cycling 0..9, from fonts (g) or pen strokes (g NULL), at
 * 16x16 and again at 28x28 from the 16x16 (what the CNN reads). */
static void make_set(const cnn_digits *g, float *x16, float *x28, int *y, int n, uint64_t seed) {
    ts_rng r;
    ts_rng_seed(&r, seed);
    float big[PIX28], sgn[VIT_PIX];
    for (int i = 0; i < n; i++) {
        y[i] = i % 10;
        if (g) cnn_digits_render(g, big, y[i], &r, true);
        else cnn_strokes_render(big, y[i], &r);
        float *s = x16 + (size_t)i * VIT_PIX;
        vit_from28(s, big);
        for (int k = 0; k < VIT_PIX; k++) sgn[k] = 2 * s[k] - 1;
        dig_to28(x28 + (size_t)i * PIX28, sgn);
    }
}

static int parse_sizes(const char *s, int *out) {
    int k = 0;
    while (*s && k < MAX_SIZES) {
        char *end;
        long v = strtol(s, &end, 10);
        if (end == s || v < BATCH || v > N_TRAIN) return 0;
        out[k++] = (int)v;
        s = *end == ',' ? end + 1 : end;
        if (*end && *end != ',') return 0;
    }
    return *s ? 0 : k;
}

int main(int argc, char **argv) {
    const char *out = NULL;
    bool force = false;
    long budget = 120000;
    double min_acc = 0.90;
    int sizes[MAX_SIZES] = {500, 2000, N_TRAIN}, nsizes = 3;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--force") == 0) force = true;
        else if (strcmp(argv[i], "--samples") == 0 && i + 1 < argc) budget = atol(argv[++i]);
        else if (strcmp(argv[i], "--min-accuracy") == 0 && i + 1 < argc) min_acc = atof(argv[++i]);
        else if (strcmp(argv[i], "--sizes") == 0 && i + 1 < argc) nsizes = parse_sizes(argv[++i], sizes);
        else if (argv[i][0] != '-' && !out) out = argv[i];
        else nsizes = 0;
    }
    if (!out || nsizes < 1 || budget < 1000 || budget > 10000000) {
        fprintf(stderr, "usage: train_vit OUT.safetensors [--force] [--samples S (1000..1e7)] [--sizes N,N,... (64..%d, up to %d)] "
                        "[--min-accuracy A (0..1, default 0.9)]\n",
                N_TRAIN, MAX_SIZES);
        return 2;
    }
    struct stat sb;
    if (!force && stat(out, &sb) == 0) {
        fprintf(stderr, "train_vit: %s exists; pass --force to overwrite it\n", out);
        return 2;
    }
    char err[256];
    cnn_digits *g = cnn_digits_open(err, sizeof err);
    if (!g) { fprintf(stderr, "train_vit: %s\n", err); return 1; }

    double t0 = ts_seconds();
    ts_arena a = {0};
    data D;
    float *x16 = ts_arena_alloc(&a, sizeof(float) * VIT_PIX * N_TRAIN);
    float *x28 = ts_arena_alloc(&a, sizeof(float) * PIX28 * N_TRAIN);
    int *y = ts_arena_alloc(&a, sizeof(int) * N_TRAIN);
    D.t16 = ts_arena_alloc(&a, sizeof(float) * VIT_PIX * N_TEST);
    D.t28 = ts_arena_alloc(&a, sizeof(float) * PIX28 * N_TEST);
    D.yt = ts_arena_alloc(&a, sizeof(int) * N_TEST);
    make_set(g, x16, x28, y, N_FONT, 1);
    make_set(NULL, x16 + (size_t)N_FONT * VIT_PIX, x28 + (size_t)N_FONT * PIX28, y + N_FONT, N_STROKE, 3);
    make_set(g, D.t16, D.t28, D.yt, N_TEST_EACH, 2);
    make_set(NULL, D.t16 + (size_t)N_TEST_EACH * VIT_PIX, D.t28 + (size_t)N_TEST_EACH * PIX28, D.yt + N_TEST_EACH,
             N_TEST_EACH, 4);
    /* one fixed shuffle, so every size's set is the first n of it */
    int *perm = ts_arena_alloc(&a, sizeof(int) * N_TRAIN);
    for (int i = 0; i < N_TRAIN; i++) perm[i] = i;
    ts_rng pr;
    ts_rng_seed(&pr, 11);
    ts_rng_shuffle(&pr, perm, N_TRAIN);
    D.x16 = ts_arena_alloc(&a, sizeof(float) * VIT_PIX * N_TRAIN);
    D.x28 = ts_arena_alloc(&a, sizeof(float) * PIX28 * N_TRAIN);
    D.y = ts_arena_alloc(&a, sizeof(int) * N_TRAIN);
    for (int i = 0; i < N_TRAIN; i++) {
        memcpy(D.x16 + (size_t)i * VIT_PIX, x16 + (size_t)perm[i] * VIT_PIX, sizeof(float) * VIT_PIX);
        memcpy(D.x28 + (size_t)i * PIX28, x28 + (size_t)perm[i] * PIX28, sizeof(float) * PIX28);
        D.y[i] = y[perm[i]];
    }
    printf("rendered %d training and %d held-out digits (16x16) in %.1f s\n", N_TRAIN, N_TEST, ts_seconds() - t0);
    fflush(stdout);

    float acc_vit[MAX_SIZES], acc_cnn[MAX_SIZES];
    double sec_vit = 0, sec_cnn = 0;
    ts_arena keep = {0};      /* the last ViT, written out */
    vit_job *last = NULL;
    for (int k = 0; k < nsizes; k++) {
        int n = sizes[k], epochs = (int)((budget + n - 1) / n);
        ts_arena *va = k == nsizes - 1 ? &keep : &(ts_arena){0};
        vit_job *V = ts_arena_alloc(va, sizeof *V);
        V->D = &D;
        vit_model_new(&V->m, va);
        vit_model_init(&V->m, 42);
        vit_acts_new(&V->train, va, BATCH, true);
        vit_acts_new(&V->eval, va, EVAL_BATCH, false);
        ts_tensor *vp[VIT_NPARAMS];
        vit_model_params(&V->m, vp);
        ts_train_stats sv = ts_train(va, &(ts_train_desc){
            .params = vp, .nparams = VIT_NPARAMS, .n_samples = n,
            .optim = {.kind = TS_OPTIM_ADAM, .lr = 2e-3f},
            .epochs = epochs, .batch_size = BATCH, .seed = 7, .step = vit_step, .user = V});
        acc_vit[k] = vit_accuracy(V);
        sec_vit += sv.seconds;

        ts_arena ca = {0};
        cnn_job *C = ts_arena_alloc(&ca, sizeof *C);
        C->D = &D;
        cnn_model_new(&C->m, &ca);
        cnn_model_init(&C->m, 42);
        cnn_acts_new(&C->train, &ca, BATCH, true);
        cnn_acts_new(&C->eval, &ca, EVAL_BATCH, false);
        ts_tensor *cp[6];
        cnn_model_params(&C->m, cp);
        ts_train_stats sc = ts_train(&ca, &(ts_train_desc){
            .params = cp, .nparams = 6, .n_samples = n,
            .optim = {.kind = TS_OPTIM_ADAM, .lr = 2e-3f},
            .epochs = epochs, .batch_size = BATCH, .seed = 7, .step = cnn_step, .user = C});
        acc_cnn[k] = cnn_accuracy(C);
        sec_cnn += sc.seconds;
        ts_arena_free(&ca);
        printf("n %5d, %3d epochs: ViT %.2f%% (loss %.3f, %.0f s), CNN %.2f%% (loss %.3f, %.0f s)\n", n, epochs,
               100 * acc_vit[k], sv.epoch_loss, sv.seconds, 100 * acc_cnn[k], sc.epoch_loss, sc.seconds);
        fflush(stdout);
        if (k == nsizes - 1) last = V;
        else ts_arena_free(va);
    }

    int rc = 0;
    float acc = acc_vit[nsizes - 1];
    if (acc < min_acc) {
        fprintf(stderr, "train_vit: held-out accuracy %.2f%% is below %.0f%%; weights not written\n", 100 * acc,
                100 * min_acc);
        rc = 1;
    } else {
        ts_dump *d = ts_dump_new("vit", 0);
        ts_tensor *vp[VIT_NPARAMS];
        vit_model_params(&last->m, vp);
        for (int i = 0; i < VIT_NPARAMS; i++) ts_dump_tensor(d, vp[i]);
        ts_tensor *samples = ts_new4(&a, "samples", VIT_CLASSES, 1, CNN_IN, CNN_IN);
        for (int c = 0; c < VIT_CLASSES; c++) cnn_digits_render(g, samples->data + c * PIX28, c, NULL, false);
        ts_dump_tensor(d, samples);
        ts_tensor *hunger = ts_new2(&a, "hunger", nsizes, 3);
        for (int k = 0; k < nsizes; k++) {
            hunger->data[3 * k] = (float)sizes[k];
            hunger->data[3 * k + 1] = acc_vit[k];
            hunger->data[3 * k + 2] = acc_cnn[k];
        }
        ts_dump_tensor(d, hunger);
        ts_dump_param(d, "held_out_accuracy", acc);
        ts_dump_param(d, "held_out_samples", N_TEST);
        ts_dump_param(d, "train_samples", sizes[nsizes - 1]);
        ts_dump_param(d, "samples_seen", (double)budget);
        ts_dump_param(d, "batch_size", BATCH);
        ts_dump_param(d, "data_seed", 1);
        ts_dump_param(d, "stroke_seed", 3);
        ts_dump_param(d, "init_seed", 42);
        ts_dump_param(d, "seconds_vit", sec_vit);
        ts_dump_param(d, "seconds_cnn", sec_cnn);
        if (ts_st_write(d, out, err, sizeof err) != 0) { fprintf(stderr, "train_vit: %s\n", err); rc = 1; }
        else printf("wrote %s (%.0f s in all)\n", out, ts_seconds() - t0);
        ts_dump_free(d);
    }
    ts_arena_free(&keep);
    ts_arena_free(&a);
    cnn_digits_close(g);
    return rc;
}
