/* moe.c: a router sends each input to a few experts; trained live, balanced
 * or collapsing, with a capacity that drops overflow.
 *
 * The model (moe_model.h) is a mixture of E small MLP experts on 2-D points
 * whose class follows a different rule in each of eight sectors of the
 * plane. Every number on screen is an element of a tensor computed here by
 * the kernel (src/kernel/moe.h for the routing, nn.h for the rest). The
 * story's model starts trained (assets/moe-weights.safetensors, tools/train_moe.c);
 * beats 6 and 7 train fresh copies without and with the balancing loss, at a
 * step count set by the scene clock, so exports are deterministic.
 *
 * Beats: 1 inputs and the router's probabilities, 2 top-k and gates,
 * 3 dispatch and combine, 4 the router's map and loads, 5 total versus
 * active parameters (this model and a published one), 6 training without the
 * balancing loss, 7 with it, 8 capacity and dropped choices.
 *
 * Dumps (every beat; PyTorch shapes; N = 32 points on stage, D = 2, O = 2):
 * x [N,D], router.weight [E,D], router.bias [E], router.logits [N,E],
 * router.probs [N,E], topk.indices [N,k] (expert ids, descending
 * probability), topk.gates [N,k] (renormalised), load [E] (f_i, share of the
 * N*k choices), importance [E] (P_i), aux_loss [1], dropped [N,k] (1 where
 * the expert was full; GShard priority: all first choices in input order,
 * then all second choices), experts.E.0.weight [H,D], experts.E.0.bias [H],
 * experts.E.2.weight [O,H], experts.E.2.bias [O] (nn.Sequential(Linear,
 * ReLU, Linear)), expert_out [N,k,O] (zeros where dropped), out [N,O] =
 * sum_j gates * expert_out, logits [N,O] (= out), probs [N,O], target [N].
 * Beats 6 and 7 add load.history [101,E] and accuracy.history [101] of their
 * run. Params: k, experts, hidden, capacity (rows per expert, 0 for none),
 * capacity_factor, balance, lr, seed, steps, accuracy (held-out), and beat
 * 5's total_params, active_params, real_total, real_active.
 * The model each beat shows: beats 1-5 the story's model with its capacity,
 * beat 6 the run without balancing, beat 7 the run with it, beat 8 the
 * story's model at the tight capacity.
 *
 * Preset keys:
 *   [model] experts = 2..8, k = 1..2, hidden = 1..32, seed = 0..1000000
 *   [train] balance = 0..10 (weight of the load-balancing loss), lr =
 *           0.0001..0.5 (Adam), capacity = 0 (none) or 0.1..8 (factor),
 *           batch = 8..256
 *   [story] point = 1..32 (the input beats 1-2 follow), tight_capacity =
 *           0.1..4 (beat 8), compare_balance = 0.001..10 (beat 7's weight;
 *           default: balance, or 0.2 when balance is 0)
 *   [real]  name, experts = 2..1024, k = 1..experts, hidden, ffn, vocab,
 *           kv_dim = 1..1000000, layers = 1..1000 (beat 5; Mixtral 8x7B)
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "kernel/dump.h"
#include "scene/scene.h"
#include "scenes/moe/moe_scene.h"

const scene_beat moe_beats[B_COUNT] = {
    {"The router scores every expert",
     "Each dot is one input. The router is a single linear layer: it gives every expert a score for "
     "this input, and a softmax turns the scores into probabilities.", 4.0f,
     "Click a point to follow it."},
    {"Top-k: only a few experts run",
     "Only the k most probable experts are computed. Their probabilities are rescaled to sum to one "
     "and become the gates; every other expert is skipped for this input.", 4.0f,
     "Click an expert to run the input on it alone."},
    {"Dispatch and combine",
     "Inputs travel to the experts they chose, each expert runs on its own small batch, and the gates "
     "weigh the expert outputs into one answer per input.", 5.0f,
     "Hover any box for its numbers."},
    {"The router's map",
     "Colour the plane by each spot's first-choice expert: the router has carved it into regions, and "
     "each expert has learned the rule of the region it owns.", 4.0f,
     "Click a load bar: that expert's own function."},
    {"Parameters: stored versus used",
     "An input pays for the router and k of the experts. The model stores every expert's weights but "
     "computes with only a few of them, in a toy model and in a published one alike.", 5.0f,
     "Edit shapes: type in another model."},
    {"Without a balancing loss",
     "The same model trained from scratch on the task loss alone: experts that win early get more "
     "training, so they win more. Some experts are never chosen again.", 10.0f,
     "Change the setup: this run retrains.", .motion = true},
    {"With the balancing loss",
     "The extra loss E \xc2\xb7 \xce\xa3 f\xe1\xb5\xa2 \xc2\xb7 P\xe1\xb5\xa2 is smallest when choices "
     "and probabilities are spread evenly, so every expert keeps getting work and learns its region.",
     10.0f,
     "Change the setup: this run retrains.", .motion = true},
    {"Capacity drops overflow",
     "Each expert accepts a fixed number of choices per batch. A choice that finds its expert full is "
     "dropped, and that input loses that expert's contribution.", 5.0f,
     "Training controls set this capacity."},
};

static void real_default(moe_real *r) {
    snprintf(r->name, sizeof r->name, "Mixtral 8x7B");
    r->experts = 8; r->k = 2; r->layers = 32;
    r->hidden = 4096; r->ffn = 14336; r->vocab = 32000; r->kv_dim = 1024;
}

static void moe_defaults(void *p) {
    moe_state *st = p;
    st->cfg = moe_config_default();
    st->tight = 0.75f;
    st->focus = 0;
    st->expert = -1;
    st->forced = -1;
    real_default(&st->real);
}

static bool set_i64(const char *key, const char *val, int64_t *out, char *err, size_t n) {
    int v;
    if (!preset_int(key, val, 1, 1000000, &v, err, n)) return false;
    *out = v;
    return true;
}

static bool moe_set(void *p, const char *sec, const char *key, const char *val, char *err, size_t n) {
    moe_state *st = p;
    moe_config *c = &st->cfg;
    if (strcmp(sec, "model") == 0) {
        if (strcmp(key, "experts") == 0) return preset_int(key, val, 2, MOE_MAX_E, &c->experts, err, n);
        if (strcmp(key, "k") == 0) return preset_int(key, val, 1, MOE_MAX_K, &c->k, err, n);
        if (strcmp(key, "hidden") == 0) return preset_int(key, val, 1, MOE_MAX_H, &c->hidden, err, n);
        if (strcmp(key, "seed") == 0) {
            int s;
            if (!preset_int(key, val, 0, 1000000, &s, err, n)) return false;
            c->seed = (uint64_t)s;
            return true;
        }
    } else if (strcmp(sec, "train") == 0) {
        if (strcmp(key, "balance") == 0) return preset_float(key, val, 0, 10, &c->balance, err, n);
        if (strcmp(key, "lr") == 0) return preset_float(key, val, 1e-4f, 0.5f, &c->lr, err, n);
        if (strcmp(key, "batch") == 0) return preset_int(key, val, 8, 256, &c->batch, err, n);
        if (strcmp(key, "capacity") == 0) {
            float f;
            if (!preset_float(key, val, 0, 8, &f, err, n)) return false;
            if (f > 0 && f < 0.1f) { snprintf(err, n, "capacity must be 0 (none) or 0.1..8, got %s", val); return false; }
            c->capacity_factor = f;
            return true;
        }
    } else if (strcmp(sec, "story") == 0) {
        if (strcmp(key, "point") == 0) {
            int v;
            if (!preset_int(key, val, 1, MOE_SHOW_N, &v, err, n)) return false;
            st->focus = v - 1;
            return true;
        }
        if (strcmp(key, "tight_capacity") == 0) return preset_float(key, val, 0.1f, 4, &st->tight, err, n);
        if (strcmp(key, "compare_balance") == 0)
            return preset_float(key, val, 1e-3f, 10, &st->compare_balance, err, n);
    } else if (strcmp(sec, "real") == 0) {
        moe_real *r = &st->real;
        if (strcmp(key, "name") == 0) return preset_string(key, val, r->name, sizeof r->name, err, n);
        if (strcmp(key, "experts") == 0) {
            if (!preset_int(key, val, 2, 1024, &r->experts, err, n)) return false;
            if (r->k > r->experts) { snprintf(err, n, "experts must be at least k (%d), got %d", r->k, r->experts); return false; }
            return true;
        }
        if (strcmp(key, "k") == 0) return preset_int(key, val, 1, r->experts, &r->k, err, n);
        if (strcmp(key, "layers") == 0) return preset_int(key, val, 1, 1000, &r->layers, err, n);
        if (strcmp(key, "hidden") == 0) return set_i64(key, val, &r->hidden, err, n);
        if (strcmp(key, "ffn") == 0) return set_i64(key, val, &r->ffn, err, n);
        if (strcmp(key, "vocab") == 0) return set_i64(key, val, &r->vocab, err, n);
        if (strcmp(key, "kv_dim") == 0) return set_i64(key, val, &r->kv_dim, err, n);
    }
    return preset_unknown(sec, key, err, n);
}

static bool moe_init(void *p, char *err, size_t n) {
    moe_state *st = p;
    if (st->compare_balance <= 0) st->compare_balance = st->cfg.balance > 0 ? st->cfg.balance : 0.2f;
    moe_task_sample(st->show_xy, st->show_y, MOE_SHOW_N, 3);
    moe_real_compute(&st->real);
    if (!moe_story_work_new(st)) {
        snprintf(err, n, "out of memory");
        return false;
    }
    if (!moe_live_build(st, true, err, n)) {
        moe_story_work_free(st);
        moe_run_free(&st->live);
        ts_arena_free(&st->arena);
        return false;
    }
    moe_refresh(st, B_ROUTER);
    return true;
}

static void moe_shutdown(void *p) {
    moe_state *st = p;
    moe_story_work_free(st);
    moe_story_free(st);
    moe_run_free(&st->live);
    ts_arena_free(&st->arena);
}

static void moe_dump(const void *p, const scene_clock *c, ts_dump *d) {
    const moe_state *st = p;
    int b = c->beat;
    const moe_acts *x = moe_acts_for_beat(st, b);
    const moe_model *m = moe_model_for_beat(st, b);
    const moe_story_run *run = b == B_COLLAPSE ? &st->none : b == B_BALANCE ? &st->bal : NULL;
    if (run && !run->made) run = NULL;
    float balance = run ? run->run.cfg.balance : st->cfg.balance;
    float cf = b == B_CAPACITY ? st->tight : st->cfg.capacity_factor;
    ts_dump_param(d, "k", x->k);
    ts_dump_param(d, "experts", m->E);
    ts_dump_param(d, "hidden", m->H);
    ts_dump_param(d, "capacity", x->capacity);
    ts_dump_param(d, "capacity_factor", cf);
    ts_dump_param(d, "balance", balance);
    ts_dump_param(d, "lr", st->cfg.lr);
    ts_dump_param(d, "seed", (double)st->cfg.seed);
    ts_dump_param(d, "steps", run ? run->run.steps : st->live.steps);
    ts_dump_param(d, "accuracy", run ? run->ev.accuracy : b == B_CAPACITY ? st->ev_tight.accuracy : st->ev_live.accuracy);
    ts_dump_param(d, "point", st->focus);
    ts_dump_param(d, "total_params", moe_param_count(m));
    ts_dump_param(d, "active_params", moe_active_params(m, x->k));
    ts_dump_param(d, "real_total", st->real.total);
    ts_dump_param(d, "real_active", st->real.active);
    ts_dump_param_str(d, "real_name", st->real.name);
    ts_dump_tensor(d, x->x);
    ts_tensor *params[2 + 4 * MOE_MAX_E];
    int np = moe_model_params(m, params);
    for (int i = 0; i < np; i++) ts_dump_tensor(d, params[i]);
    const ts_tensor *t[] = {x->r_logits, x->r_probs, x->indices, x->gates, x->load, x->importance,
                            x->aux, x->dropped, x->expert_out, x->out, x->probs, x->target};
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) ts_dump_tensor(d, t[i]);
    /* for classification the layer's output is the logits */
    ts_tensor logits = *x->out;
    snprintf(logits.name, sizeof logits.name, "logits");
    ts_dump_tensor(d, &logits);
    if (run) {
        ts_tensor h = *run->history, a = *run->acc_history;
        h.shape[0] = a.shape[0] = run->recorded;
        ts_dump_tensor(d, &h);
        ts_dump_tensor(d, &a);
    }
}

static const ui_help_key moe_help[] = {
    {"click a point", "follow that input through the router and its experts"},
    {"click an expert", "beat 2: force the router to pick it; elsewhere: show its region"},
    {"training controls", "train / pause / step / reset; experts, top-k, capacity, balancing, learning rate"},
    {"edit shapes", "beat 5: type a published model's shapes; Enter recomputes its parameter count"},
    {"hover", "any point, bar or expert: its exact value and where it came from"},
};

static const char *moe_busy(const void *p, float *progress) { return moe_story_busy(p, progress); }

const scene_kind scene_moe = {
    .name = "moe",
    .title = "Mixture of experts",
    .group = "Large models",
    .summary = "A router sends each input to a few experts: trained live, balanced or collapsing, with capacity.",
    .beats = moe_beats,
    .beat_count = B_COUNT,
    .state_size = sizeof(moe_state),
    .defaults = moe_defaults,
    .set = moe_set,
    .init = moe_init,
    .update = moe_update,
    .draw = moe_draw,
    .dump = moe_dump,
    .shutdown = moe_shutdown,
    .help = moe_help,
    .help_count = (int)(sizeof moe_help / sizeof moe_help[0]),
    .busy = moe_busy,
};
