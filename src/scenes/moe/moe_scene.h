/* moe_scene.h: the moe scene's state, shared by its files.
 *
 *   moe.c         beats, preset keys, init, dump, the scene kind
 *   moe_runs.c    what update computes: the shown batch, the maps, the
 *                 clock-driven training runs of beats 6 and 7, live training,
 *                 the parameter arithmetic
 *   moe_ui.c      update: widgets (training controls, sliders), hover, clicks
 *   moe_draw*.c   draw: one function per beat, all reading the state below
 *   moe_model.c   the network, its task and its training step
 *
 * Three models are on stage. `live` is the story's model: pre-trained (from
 * assets/moe-weights.safetensors for the default configuration, else trained at init
 * for MOE_STEPS steps) and trainable by the viewer. `none` and `bal` are
 * fresh runs from the same seed without and with the balancing loss; beats 6
 * and 7 seek them to a step count that is a function of the scene clock (the
 * kernel's rewindable trainer: back by restoring a checkpoint and replaying),
 * so exports are identical frame for frame.
 */
#ifndef TS_MOE_SCENE_H
#define TS_MOE_SCENE_H

#include <stdbool.h>
#include <stdint.h>
#include "diagram/diagram.h"
#include "kernel/tensor.h"
#include "kernel/trainer.h"
#include "scene/scene.h"
#include "scenes/moe/moe_model.h"
#include "ui/ui.h"

/* beats, 0-based */
enum { B_ROUTER, B_TOPK, B_DISPATCH, B_MAP, B_PARAMS, B_COLLAPSE, B_BALANCE, B_CAPACITY, B_COUNT };

enum { MOE_SHOW_N = 32 };              /* the batch on stage ("tokens") */
enum { MOE_GRID = 48 };                /* cells per side of the plane maps */
enum { MOE_HIST_EVERY = 50, MOE_HIST = MOE_STEPS / MOE_HIST_EVERY + 1 };
#define MOE_TRAIN_FROM 0.05f           /* beats 6-7 train over this part of the beat */
#define MOE_TRAIN_TO 0.85f
#define MOE_LIVE_STEPS_PER_FRAME 4     /* live training: steps per update (>= 240/s at 60 fps) */
#define MOE_EVAL_EVERY 40              /* live training: held-out evaluation every 40 steps */

/* A published configuration typed into beat 5 (Mixtral 8x7B by default):
 * decoder layers with grouped-query attention and SwiGLU experts. */
typedef struct moe_real {
    char name[64];
    int experts, k, layers;
    int64_t hidden, ffn, vocab, kv_dim;
    /* computed from the shapes */
    double expert_each, experts_all, shared, total, active;
} moe_real;

/* A training run whose load history is plotted; its trainer (kernel/trainer.h)
 * holds the run's state and the records, so the clock can scrub it. */
typedef struct moe_story_run {
    moe_run run;
    ts_trainer *trainer;
    bool made;
    ts_tensor *history;                /* "load.history" [MOE_HIST, E]: f per record */
    ts_tensor *acc_history;            /* "accuracy.history" [MOE_HIST] */
    float *steps_at;                   /* [MOE_HIST] step of each record */
    int recorded;
    moe_eval ev;                       /* at the latest record */
} moe_story_run;

/* A run of beats 6-7 asked of the work off the frame: trained to `target`
 * steps with cfg; which: 0 the run without balancing (none), 1 with (bal). */
typedef struct moe_story_req { moe_config cfg; int target, which; } moe_story_req;

typedef struct moe_state {
    /* preset */
    moe_config cfg;
    float tight;                       /* beat 8's capacity factor */
    float compare_balance;             /* beat 7's weight (0: cfg.balance, or 0.2) */
    int focus;                         /* the point beats 1-2 follow, 0-based */
    moe_real real;

    /* models */
    ts_arena arena;                    /* shown activations, maps */
    moe_run live;
    bool from_asset;
    moe_story_run none, bal;
    /* beats 6-7's runs when they need more than a frame's training (a scrub
     * back, a changed setting): trained by the work (scene_work) in its own
     * run, then copied into none or bal through the trainer's snapshot */
    scene_work *work;
    moe_story_run wrun;                /* the work's own */
    moe_story_req wdone;               /* what wrun holds (written by the work) */
    moe_story_req asked;               /* the latest request; target < 0: none */

    /* the batch on stage, routed by each model */
    float show_xy[MOE_SHOW_N * MOE_D];
    int show_y[MOE_SHOW_N];
    moe_acts show;                     /* live, capacity cfg.capacity_factor */
    moe_acts tight_acts;               /* live, capacity `tight` */
    moe_acts show_none, show_bal;      /* beats 6 and 7 */
    moe_eval ev_live, ev_tight;
    ts_tensor *heldout_load;           /* "heldout.load" [E]: f over the held-out points, of
                                          the beat's model (update fills it) */
    /* derived for the current beat's model and batch (update fills them) */
    ts_tensor *demand, *kept;          /* "expert.demand", "expert.kept" [E]: choices sent, served */
    ts_tensor *acc2;                   /* "accuracy.compare" [2]: beat 7 none/bal, beat 8 no cap/tight */
    ts_tensor *params_model, *params_real;   /* [2]: total, active per input */
    int first[MOE_SHOW_N];             /* first choice of each point on stage */
    ts_tensor focus_view;              /* the beat's x as [N,1,2]: lead {focus} is one point */
    ts_tensor *x_dropped;              /* "x.dropped" [n,2]: points with a dropped choice */
    int n_lost;                        /* points that lost every choice */
    float hist[MOE_MAX_E][MOE_HIST];   /* the beat's run: load per expert over the records */
    int hist_n;

    /* maps over the plane (row 0 at y = +3) */
    int map_live[MOE_GRID * MOE_GRID];          /* first-choice expert */
    int map_none[MOE_GRID * MOE_GRID], map_bal[MOE_GRID * MOE_GRID];
    ts_tensor *truth;                  /* "task.class" [G,G]: the task's class per cell */
    ts_tensor *field;                  /* "expert_field" [G,G]: P(class 1) of `expert` alone,
                                          or of the whole layer when expert < 0 */

    /* interaction */
    int expert;                        /* clicked expert, -1 none */
    int forced;                        /* the expert the focus point is forced to, -1 none */
    float forced_out[MOE_O], forced_probs[MOE_O];
    bool training;                     /* live training running */
    bool panel;                        /* the training panel (beat 5: the shape fields) is open */
    int live_version;                  /* bumps when the live model changes */
    int shown_version, maps_version, eval_version;   /* what was computed from which */
    double train_ms;                   /* time of the last live training burst */
    int train_burst;
    char real_edit[8][24];             /* beat 5's text fields */
} moe_state;

extern const scene_beat moe_beats[B_COUNT];

/* moe_runs.c */
bool moe_live_build(moe_state *st, bool pretrain, char *err, size_t errlen);
void moe_refresh(moe_state *st, int beat);     /* what `beat` shows of the live model */
void moe_truth_map(moe_state *st);
void moe_story_advance(moe_state *st, const scene_clock *c);
int  moe_story_target(const scene_clock *c, int beat);   /* steps of the run of `beat` */
void moe_force(moe_state *st);                 /* forced_out from st->forced */
void moe_real_compute(moe_real *r);
void moe_story_free(moe_state *st);
bool moe_story_work_new(moe_state *st);        /* false: out of memory */
void moe_story_work_free(moe_state *st);
const char *moe_story_busy(const moe_state *st, float *progress);
const moe_acts *moe_acts_for_beat(const moe_state *st, int beat);
const moe_model *moe_model_for_beat(const moe_state *st, int beat);

/* moe_ui.c */
void moe_update(void *p, const scene_clock *c, ui_ctx *ui);
/* Where the panel's toggle button and the open panel are (canvas units). */
dg_rect moe_panel_button(void);
dg_rect moe_panel_rect(void);

/* moe_draw.c */
void moe_draw(const void *p, const scene_clock *c, const ui_theme *th);

#endif
