/* res_model.h: the residual scene's model: a plain deep MLP and a residual
 * one of the same width and depth, trained side by side on the two spirals
 * from the same seed and the same batches, through the rewindable trainer,
 * plus what the story shows at the current step (full-set logits, losses,
 * per-layer gradient norms by backprop, residual ratios, decision regions).
 *
 *   res_model m; res_model_init(&m, &cfg, err, n);
 *   ts_trainer_seek(m.tr, 300);  res_model_show(&m, true);
 *   ... m.plain_gn->data[k] ...
 *   res_model_free(&m);
 *
 * Training (kernel/deeppair.h): Adam (lr), minibatches of `batch` points
 * drawn with replacement from one batch RNG, the same batch for both nets at
 * every step; the loss of step n is kept in hist_plain[n] / hist_resid[n]
 * (index 0: the full-set loss at init). Everything lives in m.arena; the
 * trainer is freed by res_model_free. The model must not move after init.
 */
#ifndef TS_RES_MODEL_H
#define TS_RES_MODEL_H

#include <stdbool.h>
#include <stdint.h>
#include "kernel/deeppair.h"
#include "kernel/optim.h"
#include "kernel/trainer.h"

#define RES_MAX_DEPTH 32
#define RES_MAX_STEPS 6000
#define RES_MAX_POINTS 1000
#define RES_FIELD 40            /* decision-region grid, rows and columns */
#define RES_EXTENT 2.5f         /* the plane spans -EXTENT..EXTENT */

typedef struct res_config {
    int depth;                  /* plain Linear layers = residual blocks, 2..32 */
    int width;                  /* 4..64 */
    ts_act act;                 /* TS_ACT_TANH or TS_ACT_RELU */
    float lr;                   /* Adam */
    int batch;                  /* 8..256 */
    unsigned seed;              /* init and batches */
    int points;                 /* spiral points */
    float noise;                /* spiral noise std */
    uint64_t skip_off;          /* residual blocks with their identity path removed */
} res_config;

res_config res_config_default(void);
extern const char *const res_act_names[2];   /* "tanh", "relu" */
int res_act_index(ts_act a);

typedef struct res_model {
    res_config cfg;
    ts_arena arena;
    ts_pair pair;               /* the two nets, data, batches and trainer */
    /* aliases into pair, for reading */
    ts_deep *plain, *resid;
    ts_tensor *x, *y;           /* [N,2], [N] (class index as float) */
    const int *yi;
    ts_trainer *tr;
    float *hist_plain, *hist_resid;   /* [RES_MAX_STEPS + 1] */
    /* shown at the current step (res_model_show) */
    long shown;                 /* the step they belong to (-1: none) */
    ts_tensor *plain_logits, *resid_logits;   /* [N,2] */
    ts_tensor *plain_loss, *resid_loss;       /* [1] */
    ts_tensor *plain_gn, *resid_gn;           /* [L] */
    ts_tensor *ratio;                         /* [L] */
    ts_tensor *grid;                          /* [F*F, 2] cell centres, row 0 at the top */
    ts_tensor *plain_p1, *resid_p1;           /* [F,F] P(class 1) */
    int *plain_region, *resid_region;         /* [F*F] argmax */
    /* one point through block 0 (beat 3): h, F(h), h + F(h) [W] */
    ts_tensor *blk_h, *blk_f, *blk_y;
    int blk_point;
} res_model;

bool res_model_init(res_model *m, const res_config *cfg, char *err, size_t errlen);
void res_model_free(res_model *m);
/* Recomputes what is shown at the trainer's current step; fields too when
 * asked (a few ms more). */
void res_model_show(res_model *m, bool fields);
/* Live training's lighter look: only the two full-set losses (no
 * backward); the rest keeps its last values. */
void res_model_show_live(res_model *m);
/* One of RES_FIELD_CHUNKS pieces of the decision regions (a band of rows
 * of one net's field), so live training spreads their cost over frames. */
#define RES_FIELD_CHUNKS 16
void res_model_field_chunk(res_model *m, int k);
/* Full-set mean cross-entropy of both nets at the current step. */
void res_model_losses(res_model *m, float *plain, float *resid);

#endif
