/* train_cnn: trains the cnn scene's network on digits rendered from fonts
 * and on digits drawn with pen strokes, the way a mouse draws.
 *
 *   ./build/train_cnn assets/cnn-weights.safetensors [--force] [--epochs N]
 *
 * No data set is downloaded. Half the training digits come from cnn_digits
 * (the DejaVu faces fontconfig finds, with random stroke width, rotation,
 * shear, scale, shift and noise), half from cnn_strokes (pen paths drawn with
 * the scene's own brush, wobbled, slanted, sized and placed at random). Seeds
 * 1 (fonts) and 3 (strokes) make the training sets; seeds 2 and 4 make two
 * held-out sets of images the model never saw, one of each kind. The network
 * (cnn_model.h) is trained with the kernel's trainer (Adam, fixed seeds), so
 * the same fonts give the same weights bit for bit. It prints the loss and
 * both held-out accuracies per epoch, and refuses to write weights when
 * either is below 97%. The file also holds one plain rendered digit per
 * class ("samples"), the scene's sample inputs.
 *
 * Exit codes: 0 written, 1 failure (fonts, accuracy, writing), 2 bad usage.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "kernel/safetensors.h"
#include "kernel/train.h"
#include "scenes/cnn/cnn_digits.h"
#include "scenes/cnn/cnn_model.h"
#include "scenes/cnn/cnn_strokes.h"

#define N_FONT 20000           /* training digits of each kind */
#define N_STROKE 20000
#define N_TRAIN (N_FONT + N_STROKE)
#define N_TEST_EACH 2000       /* held-out digits of each kind */
#define N_TEST (2 * N_TEST_EACH)
#define BATCH 64
#define EVAL_BATCH 500
#define PIX (CNN_IN * CNN_IN)

typedef struct job {
    cnn_model m;
    cnn_acts train, eval;
    float *x, *xt;         /* [N_TRAIN, 784], [N_TEST, 784]: fonts first, then strokes */
    int *y, *yt;
    float acc_font, acc_stroke;   /* of the latest evaluation */
} job;

static float step(void *user, const int *idx, int n) {
    job *J = user;
    int targets[BATCH];
    J->train.n = n;
    for (int i = 0; i < n; i++) {
        memcpy(J->train.input->data + (size_t)i * PIX, J->x + (size_t)idx[i] * PIX, sizeof(float) * PIX);
        targets[i] = J->y[idx[i]];
    }
    cnn_forward(&J->m, &J->train);
    return cnn_backward(&J->m, &J->train, targets);
}

/* Accuracy on held-out digits [s0, s0 + n). */
static float accuracy(job *J, int s0, int n) {
    int right = 0;
    for (int s = s0; s < s0 + n; s += EVAL_BATCH) {
        memcpy(J->eval.input->data, J->xt + (size_t)s * PIX, sizeof(float) * PIX * EVAL_BATCH);
        cnn_forward(&J->m, &J->eval);
        right += (int)(ts_accuracy(J->eval.logits->data, J->yt + s, EVAL_BATCH, CNN_CLASSES) * EVAL_BATCH + 0.5f);
    }
    return (float)right / (float)n;
}

/* The worse of the two held-out accuracies: both kinds must be read. */
static float held_out(void *user) {
    job *J = user;
    J->acc_font = accuracy(J, 0, N_TEST_EACH);
    J->acc_stroke = accuracy(J, N_TEST_EACH, N_TEST_EACH);
    return J->acc_font < J->acc_stroke ? J->acc_font : J->acc_stroke;
}

static void on_epoch(void *user, int epoch, float loss, float metric) {
    job *J = user;
    (void)metric;
    printf("epoch %2d  loss %.4f  held-out accuracy: fonts %.2f%%, strokes %.2f%%\n", epoch + 1, loss,
           100 * J->acc_font, 100 * J->acc_stroke);
    fflush(stdout);
}

/* n digits, labels cycling 0..9, from fonts (g) or from pen strokes (g NULL). */
static void make_set(const cnn_digits *g, float *x, int *y, int n, uint64_t seed) {
    ts_rng r;
    ts_rng_seed(&r, seed);
    for (int i = 0; i < n; i++) {
        y[i] = i % 10;
        if (g) cnn_digits_render(g, x + (size_t)i * PIX, y[i], &r, true);
        else cnn_strokes_render(x + (size_t)i * PIX, y[i], &r);
    }
}

int main(int argc, char **argv) {
    const char *out = NULL;
    bool force = false;
    int epochs = 6;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--force") == 0) force = true;
        else if (strcmp(argv[i], "--epochs") == 0 && i + 1 < argc) epochs = atoi(argv[++i]);
        else if (argv[i][0] != '-' && !out) out = argv[i];
        else { fprintf(stderr, "usage: train_cnn OUT.safetensors [--force] [--epochs N]\n"); return 2; }
    }
    if (!out || epochs < 1 || epochs > 100) {
        fprintf(stderr, "usage: train_cnn OUT.safetensors [--force] [--epochs N (1..100)]\n");
        return 2;
    }
    struct stat sb;
    if (!force && stat(out, &sb) == 0) {
        fprintf(stderr, "train_cnn: %s exists; pass --force to overwrite it\n", out);
        return 2;
    }
    char err[256];
    cnn_digits *g = cnn_digits_open(err, sizeof err);
    if (!g) { fprintf(stderr, "train_cnn: %s\n", err); return 1; }
    printf("faces:");
    for (int i = 0; i < cnn_digits_font_count(g); i++) printf("%s %s", i ? "," : "", cnn_digits_font_name(g, i));
    printf("\n");

    double t0 = ts_seconds();
    ts_arena a = {0};
    job J;
    memset(&J, 0, sizeof J);
    J.x = ts_arena_alloc(&a, sizeof(float) * PIX * N_TRAIN);
    J.xt = ts_arena_alloc(&a, sizeof(float) * PIX * N_TEST);
    J.y = ts_arena_alloc(&a, sizeof(int) * N_TRAIN);
    J.yt = ts_arena_alloc(&a, sizeof(int) * N_TEST);
    make_set(g, J.x, J.y, N_FONT, 1);
    make_set(NULL, J.x + (size_t)N_FONT * PIX, J.y + N_FONT, N_STROKE, 3);
    make_set(g, J.xt, J.yt, N_TEST_EACH, 2);
    make_set(NULL, J.xt + (size_t)N_TEST_EACH * PIX, J.yt + N_TEST_EACH, N_TEST_EACH, 4);
    printf("rendered %d training digits (%d from fonts, %d from strokes) and 2 x %d held-out digits in %.1f s\n",
           N_TRAIN, N_FONT, N_STROKE, N_TEST_EACH, ts_seconds() - t0);

    cnn_model_new(&J.m, &a);
    cnn_model_init(&J.m, 42);
    cnn_acts_new(&J.train, &a, BATCH, true);
    cnn_acts_new(&J.eval, &a, EVAL_BATCH, false);
    ts_tensor *params[6];
    cnn_model_params(&J.m, params);
    ts_train_stats st = ts_train(&a, &(ts_train_desc){
        .params = params, .nparams = 6, .n_samples = N_TRAIN,
        .optim = {.kind = TS_OPTIM_ADAM, .lr = 2e-3f},
        .epochs = epochs, .batch_size = BATCH, .seed = 7,
        .step = step, .eval = held_out, .on_epoch = on_epoch, .user = &J});
    printf("held-out accuracy: %.2f%% on %d unseen font digits, %.2f%% on %d unseen stroke digits; "
           "trained in %.1f s (%d steps), %.1f s in all\n", 100 * J.acc_font, N_TEST_EACH, 100 * J.acc_stroke,
           N_TEST_EACH, st.seconds, st.steps, ts_seconds() - t0);

    int rc = 0;
    if (st.metric < 0.97f) {
        fprintf(stderr, "train_cnn: a held-out accuracy (%.2f%% fonts, %.2f%% strokes) is below 97%%; weights not written\n",
                100 * J.acc_font, 100 * J.acc_stroke);
        rc = 1;
    } else {
        ts_dump *d = ts_dump_new("cnn", 0);
        for (int i = 0; i < 6; i++) ts_dump_tensor(d, params[i]);
        ts_tensor *samples = ts_new4(&a, "samples", CNN_CLASSES, 1, CNN_IN, CNN_IN);
        for (int k = 0; k < CNN_CLASSES; k++) cnn_digits_render(g, samples->data + k * PIX, k, NULL, false);
        ts_dump_tensor(d, samples);
        ts_dump_param(d, "held_out_accuracy", (J.acc_font + J.acc_stroke) / 2);
        ts_dump_param(d, "held_out_accuracy_font", J.acc_font);
        ts_dump_param(d, "held_out_accuracy_stroke", J.acc_stroke);
        ts_dump_param(d, "held_out_samples", N_TEST);
        ts_dump_param(d, "train_samples", N_TRAIN);
        ts_dump_param(d, "train_samples_font", N_FONT);
        ts_dump_param(d, "train_samples_stroke", N_STROKE);
        ts_dump_param(d, "epochs", epochs);
        ts_dump_param(d, "batch_size", BATCH);
        ts_dump_param(d, "data_seed", 1);
        ts_dump_param(d, "stroke_seed", 3);
        ts_dump_param(d, "init_seed", 42);
        if (ts_st_write(d, out, err, sizeof err) != 0) { fprintf(stderr, "train_cnn: %s\n", err); rc = 1; }
        else printf("wrote %s\n", out);
        ts_dump_free(d);
    }
    ts_arena_free(&a);
    cnn_digits_close(g);
    return rc;
}
