/* bn_model.h: the batchnorm scene's model: one deep ReLU MLP twice, without
 * and with BatchNorm1d after every hidden Linear, from the same initial
 * weights (Kaiming), trained side by side on the two spirals with SGD and
 * momentum on the same batches, through the kernel's rewindable trainer;
 * plus what the story shows at the current step.
 *
 *   bn_model m; bn_model_init(&m, &cfg, err, n);
 *   ts_trainer_seek(m.tr, 50);  bn_model_show(&m, false);
 *   ... m.hist_plain_act->data ...   m.bn_y->data ...
 *   bn_model_free(&m);
 *
 * What is shown is computed on the probe batch: the whole data set as one
 * batch, both nets in training mode (batch statistics), with the running
 * statistics put back afterwards so showing never changes training. The
 * worked normalisation is that forward's batch norm after the second
 * Linear (or the first one there is); the eval
 * example uses the running statistics the training left.
 * Training is kernel/deeppair.h (same_init: the same Linear weights). Everything
 * lives in m.arena; the trainer is freed by bn_model_free. The model must
 * not move after init.
 */
#ifndef TS_BN_MODEL_H
#define TS_BN_MODEL_H

#include <stdbool.h>
#include <stdint.h>
#include "kernel/deeppair.h"
#include "kernel/optim.h"
#include "kernel/trainer.h"

#define BN_MAX_DEPTH 16
#define BN_MAX_STEPS 6000
#define BN_MAX_POINTS 512
#define BN_BINS 14              /* histogram of log10|a|: a zero bin, then 13 decades' worth */
#define BN_LOG_LO (-4.0f)       /* the first non-zero bin starts at 10^-4 ... */
#define BN_LOG_HI 2.5f          /* ... the last ends at 10^2.5 (larger values go there) */
#define BN_FIELD 40
#define BN_EXTENT 2.5f
#define BN_SWEEP_CAP 10.0f     /* a final loss at or above this (or not finite) counts as diverged */

typedef struct bn_config {
    int depth;                  /* Linear layers, 3..16 */
    int width;                  /* 4..64 */
    float lr;                   /* SGD */
    float momentum;
    int batch;                  /* 2..256 */
    unsigned seed;
    int points;
    float noise;
    uint64_t bn_off;            /* hidden layers without batch norm in the bn net */
} bn_config;

bn_config bn_config_default(void);

typedef struct bn_model {
    bn_config cfg;
    ts_arena arena;
    ts_pair pair;               /* the two nets, data, batches and trainer */
    /* aliases into pair, for reading */
    ts_deep *plain, *bn;
    ts_tensor *x, *y;           /* [N,2], [N] */
    const int *yi;
    ts_trainer *tr;
    float *hist_plain, *hist_bn;            /* [BN_MAX_STEPS + 1] batch losses */
    ts_tensor *bufs[2 * BN_MAX_DEPTH];      /* the bn net's running stats */
    int nbufs;
    /* shown (bn_model_show) */
    long shown;
    ts_tensor *plain_act[BN_MAX_DEPTH], *bn_act[BN_MAX_DEPTH];   /* [N,W] "plain.act.K" */
    ts_tensor *plain_hist, *bn_hist;        /* [L-1, BN_BINS] fraction of values per bin */
    ts_tensor *plain_scale, *bn_scale;      /* [L-1] root mean square activation */
    ts_tensor *plain_loss, *bn_loss;        /* [1] probe loss */
    /* the worked normalisation (see above) */
    int bn_layer;               /* its hidden layer index, -1 when every BN is off */
    ts_tensor *bn_x, *bn_w, *bn_b, *bn_mean, *bn_var, *bn_xhat, *bn_y;
    ts_tensor *rm_before, *rm_after, *rv_before, *rv_after;
    ts_tensor *ln_w, *ln_b, *ln_y;
    /* one example in eval mode, and in a training batch of one */
    int example;
    ts_tensor *eval_p, *train_p, *one_p;    /* [2] class probabilities */
    /* decision regions (fields) */
    int *plain_region, *bn_region;
    ts_tensor *grid;
} bn_model;

bool bn_model_init(bn_model *m, const bn_config *cfg, char *err, size_t errlen);
void bn_model_free(bn_model *m);
void bn_model_show(bn_model *m, bool fields);
/* Full-set loss of both nets in eval mode (running statistics): NAN when
 * a net has diverged. */
void bn_model_eval_losses(bn_model *m, float *plain, float *bn);

#endif
