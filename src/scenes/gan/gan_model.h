/* gan_model.h: a generator and a discriminator on 2-D points, trained
 * against each other with the kernel, deterministically, with rewind.
 *
 *   gan_model m;
 *   gan_model_init(&m, &cfg, err, sizeof err);   // builds nets, data, step 0
 *   gan_model_seek(&m, 1500);                    // train (or rewind) to step 1500
 *   gan_model_show(&m);                          // shown batch, losses, field
 *   gan_model_free(&m);
 *
 * Networks (PyTorch names, nn.Sequential indices): G = Linear(2,H), act,
 * Linear(H,H), act, Linear(H,2); D = Linear(2,H), act, Linear(H,H), act,
 * Linear(H,1); act is LeakyReLU(slope) (slope 0 means ReLU).
 * One training step is d_steps discriminator updates followed by one
 * generator update, each on a fresh batch of `batch` real points and
 * `batch` noise vectors z ~ N(0, I) drawn from the model's own RNG; Adam
 * with betas (0.5, 0.999).
 *   loss.D = BCE(D(real), 1) + BCE(D(fake), 0)
 *   loss.G = BCE(D(fake), 1)           (non-saturating)
 *          = -BCE(D(fake), 0)          (minimax: mean log(1 - D(fake)))
 *
 * Determinism and rewind: the state at step n depends only on the config
 * and n. The kernel's rewindable trainer (kernel/trainer.h) holds the
 * training state (both networks' parameters and Adam moments, the RNG, the
 * step count) and checkpoints it every GAN_CKPT_EVERY steps, so seeking
 * backwards restores the nearest checkpoint and replays; scrubbing a story
 * gives exactly what playing it gave.
 *
 * The shown batch is fixed (its own seed): N_SHOW noise vectors and N_SHOW
 * real points; gan_model_show computes fake = G(z), both logits, both losses,
 * grad.fake = d loss.G / d fake and the field D(x) on an R x R grid over the
 * plane's extent. Those tensors are what the scene draws and dumps.
 */
#ifndef TS_GAN_MODEL_H
#define TS_GAN_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include "kernel/mlp.h"
#include "kernel/optim.h"
#include "kernel/tensor.h"
#include "kernel/trainer.h"

enum gan_target { GAN_RING, GAN_GRID, GAN_MOONS, GAN_LINE, GAN_DRAWN, GAN_TARGET_COUNT };
extern const char *const gan_target_names[GAN_TARGET_COUNT];

#define GAN_MAX_DRAWN 512
#define GAN_N_SHOW 256
#define GAN_FIELD 64
#define GAN_EXTENT 3.0f        /* the plane shows -3..3 on both axes */
#define GAN_CKPT_EVERY 100
#define GAN_MAX_STEPS 20000
#define GAN_COVER_EVERY 25     /* coverage is measured every so many steps */

typedef struct gan_config {
    int target;                /* enum gan_target */
    int hidden;                /* width of both networks' hidden layers */
    float lr_g, lr_d;
    int d_steps;               /* discriminator updates per generator update */
    bool minimax;              /* generator loss variant */
    float slope;               /* LeakyReLU slope; 0 = ReLU */
    int batch;
    unsigned seed;
    float drawn[GAN_MAX_DRAWN][2];   /* the user's target points (GAN_DRAWN) */
    int drawn_n;
} gan_config;

gan_config gan_config_default(void);

typedef struct gan_model {
    gan_config cfg;
    ts_arena arena;
    ts_mlp *G, *D;
    ts_optim *opt_g, *opt_d;
    ts_rng rng;                /* training batches */
    float *buf[3];             /* scratch for batches and the field grid */
    int step;                  /* generator updates taken */
    ts_trainer *trainer;       /* optimisers, RNG and step: seek and rewind */
    /* per-step training losses (of the training batches) and coverage */
    float *hist_d, *hist_g;    /* [GAN_MAX_STEPS + 1] */
    float *hist_cover;         /* [GAN_MAX_STEPS / GAN_COVER_EVERY + 1] */
    int modes;                 /* modes of the target (0: not a mode mixture) */
    float mode_xy[25][2];
    float mode_std;
    /* the shown batch and what is computed from it (gan_model_show) */
    ts_tensor *z, *real, *fake;              /* [N,2] */
    ts_tensor *real_logits, *fake_logits;    /* [N,1] */
    ts_tensor *loss_d, *loss_g;              /* [1] */
    ts_tensor *grad_fake;                    /* [N,2] */
    ts_tensor *field;                        /* [R,R] D(x) as a probability, row 0 at y = +extent */
    ts_tensor *field_logit;                  /* [R,R] */
    int nearest_mode[GAN_N_SHOW];            /* per fake point, or -1 */
    ts_tensor *mode_share;                   /* [modes]: share of the shown fakes per mode */
    double step_seconds;                     /* mean wall time of one training step */
} gan_model;

/* Builds both networks from cfg.seed and samples the shown batch. On bad
 * config returns false with a message (a drawn target needs >= 8 points). */
bool gan_model_init(gan_model *m, const gan_config *cfg, char *err, size_t errlen);
void gan_model_free(gan_model *m);
/* Trains forward or rewinds to exactly `step` generator updates. */
void gan_model_seek(gan_model *m, int step);
/* One discriminator update alone, or one generator update alone, on fresh
 * batches (the "step D" / "step G" buttons). They leave the deterministic
 * schedule (the model is marked dirty); the next seek rewinds to a
 * checkpoint and replays, so the schedule is restored exactly. */
void gan_model_step_d(gan_model *m);
void gan_model_step_g(gan_model *m);
/* Recomputes the shown batch's fakes, logits, losses, gradient and field. */
void gan_model_show(gan_model *m);
/* Fraction-of-modes coverage of G now (over 2048 fresh samples from a fixed
 * seed): modes that receive at least half a fair share of samples within 3
 * std of their centre. Returns the count (0..modes), or -1 if the target has
 * no modes. */
int  gan_model_coverage(gan_model *m);
/* Real samples from the target: xy [n,2], from rng. */
void gan_sample_target(const gan_config *cfg, ts_rng *rng, float *xy, int n);

#endif
