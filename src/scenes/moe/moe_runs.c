/* moe_runs.c: what the moe scene computes (see moe_scene.h): the live model
 * and its batch on stage, the maps over the plane, the clock-driven training
 * runs of beats 6 and 7, and the parameter arithmetic of beat 5. All of it
 * runs in update; draw only reads the results. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "kernel/moe.h"
#include "kernel/nn.h"
#include "scenes/moe/moe_scene.h"

static bool is_default(const moe_config *c) {
    moe_config d = moe_config_default();
    return c->experts == d.experts && c->k == d.k && c->hidden == d.hidden &&
           c->capacity_factor == d.capacity_factor && c->balance == d.balance && c->lr == d.lr &&
           c->batch == d.batch && c->seed == d.seed;
}

/* The activations on stage depend on E and k: rebuilt with the live run. */
static void make_acts(moe_state *st) {
    ts_arena_reset(&st->arena);
    const moe_model *m = &st->live.m;
    moe_acts_new(&st->show, &st->arena, m, MOE_SHOW_N, st->cfg.k, false);
    moe_acts_new(&st->tight_acts, &st->arena, m, MOE_SHOW_N, st->cfg.k, false);
    moe_acts_new(&st->show_none, &st->arena, m, MOE_SHOW_N, st->cfg.k, false);
    moe_acts_new(&st->show_bal, &st->arena, m, MOE_SHOW_N, st->cfg.k, false);
    st->field = ts_new2(&st->arena, "expert_field", MOE_GRID, MOE_GRID);
    st->truth = ts_new2(&st->arena, "task.class", MOE_GRID, MOE_GRID);
    moe_truth_map(st);
    st->heldout_load = ts_new1(&st->arena, "heldout.load", st->cfg.experts);
    st->demand = ts_new1(&st->arena, "expert.demand", st->cfg.experts);
    st->kept = ts_new1(&st->arena, "expert.kept", st->cfg.experts);
    st->acc2 = ts_new1(&st->arena, "accuracy.compare", 2);
    st->x_dropped = ts_new2(&st->arena, "x.dropped", MOE_SHOW_N, MOE_D);
    st->params_model = ts_new1(&st->arena, "params.model", 2);
    st->params_real = ts_new1(&st->arena, "params.real", 2);
    moe_acts *all[] = {&st->show, &st->tight_acts, &st->show_none, &st->show_bal};
    for (int i = 0; i < 4; i++) {
        memcpy(all[i]->x->data, st->show_xy, sizeof st->show_xy);
        for (int t = 0; t < MOE_SHOW_N; t++) {
            all[i]->tgt[t] = st->show_y[t];
            all[i]->target->data[t] = (float)st->show_y[t];
        }
    }
}

bool moe_live_build(moe_state *st, bool pretrain, char *err, size_t errlen) {
    if (st->live.opt) moe_run_free(&st->live);
    moe_run_new(&st->live, &st->cfg);
    st->from_asset = false;
    if (pretrain && is_default(&st->cfg)) {
        char path[1200];
        snprintf(path, sizeof path, "%s/assets/moe-weights.safetensors", scene_data_dir());
        if (!moe_model_load(&st->live.m, path, err, errlen)) {
            size_t used = strlen(err);
            snprintf(err + used, errlen - used, " (regenerate with ./build/train_moe assets/moe-weights.safetensors)");
            return false;
        }
        st->live.steps = MOE_STEPS;
        st->from_asset = true;
    } else if (pretrain) {
        for (int s = 0; s < MOE_STEPS; s++) moe_run_step(&st->live);
    }
    make_acts(st);
    moe_story_free(st);
    st->live_version++;
    st->shown_version = st->maps_version = st->eval_version = st->live_version - 1;
    return true;
}

/* ---- maps ----------------------------------------------------------------------- */

static void cell_xy(int r, int c, float *xy) {
    float h = 2 * MOE_EXTENT / MOE_GRID;
    xy[0] = -MOE_EXTENT + ((float)c + 0.5f) * h;
    xy[1] = MOE_EXTENT - ((float)r + 0.5f) * h;
}

static void first_choice_map(const moe_model *m, int *map) {
    float xy[2], p[MOE_MAX_E];
    for (int r = 0; r < MOE_GRID; r++)
        for (int c = 0; c < MOE_GRID; c++) {
            cell_xy(r, c, xy);
            moe_router_point(m, xy, p);
            int best = 0;
            for (int e = 1; e < m->E; e++)
                if (p[e] > p[best]) best = e;
            map[r * MOE_GRID + c] = best;
        }
}

/* P(class 1) over the plane: of expert e alone, or of the whole layer (e < 0,
 * top-k without capacity, as one point at a time). */
static void class_field(const moe_model *m, int k, int e, float *out) {
    float xy[2], o[MOE_O], p[MOE_MAX_E];
    for (int r = 0; r < MOE_GRID; r++)
        for (int c = 0; c < MOE_GRID; c++) {
            cell_xy(r, c, xy);
            if (e >= 0) {
                moe_expert_forward(m, e, xy, o);
            } else {
                int idx[MOE_MAX_K];
                float gate[MOE_MAX_K], y[MOE_O];
                moe_router_point(m, xy, p);
                ts_moe_topk(idx, gate, p, 1, m->E, k);
                o[0] = o[1] = 0;
                for (int j = 0; j < k; j++) {
                    moe_expert_forward(m, idx[j], xy, y);
                    o[0] += gate[j] * y[0];
                    o[1] += gate[j] * y[1];
                }
            }
            out[r * MOE_GRID + c] = 1.0f / (1.0f + expf(o[0] - o[1]));
        }
}

void moe_force(moe_state *st) {
    if (st->forced < 0 || st->forced >= st->live.m.E) { st->forced = -1; return; }
    moe_expert_forward(&st->live.m, st->forced, st->show_xy + 2 * st->focus, st->forced_out);
    ts_softmax_forward(st->forced_probs, st->forced_out, NULL, 1, MOE_O);
}

void moe_truth_map(moe_state *st) {
    for (int r = 0; r < MOE_GRID; r++)
        for (int c = 0; c < MOE_GRID; c++) {
            float xy[2];
            cell_xy(r, c, xy);
            st->truth->data[r * MOE_GRID + c] = (float)moe_task_label(xy[0], xy[1]);
        }
}

/* The batch on stage always; the maps when the beat shows them; the held-out
 * evaluation when stale, but during live training only every
 * MOE_EVAL_EVERY steps (it costs more than the steps). */
void moe_refresh(moe_state *st, int beat) {
    moe_model *m = &st->live.m;
    if (st->shown_version != st->live_version) {
        int cap = moe_capacity(st->cfg.capacity_factor, MOE_SHOW_N, st->cfg.k, m->E);
        moe_forward(m, &st->show, cap);
        moe_forward(m, &st->tight_acts, moe_capacity(st->tight, MOE_SHOW_N, st->cfg.k, m->E));
        moe_backward(m, &st->show, st->show_y, st->cfg.balance);   /* the loss only: no grads */
        moe_backward(m, &st->tight_acts, st->show_y, st->cfg.balance);
        moe_force(st);
        st->shown_version = st->live_version;
    }
    bool maps = beat == B_ROUTER || beat == B_TOPK || beat == B_MAP || beat == B_CAPACITY;
    if (maps && st->maps_version != st->live_version) {
        first_choice_map(m, st->map_live);
        class_field(m, st->cfg.k, st->expert, st->field->data);
        st->maps_version = st->live_version;
    }
    if (st->eval_version != st->live_version && (!st->training || st->live.steps % MOE_EVAL_EVERY == 0)) {
        st->ev_live = moe_run_eval(&st->live, st->cfg.capacity_factor);
        st->ev_tight = moe_run_eval(&st->live, st->tight);
        st->eval_version = st->live_version;
    }
}

/* ---- beats 6 and 7: training as a function of the clock ----------------------------- */

int moe_story_target(const scene_clock *c, int beat) {
    if (c->beat < beat) return 0;
    if (c->beat > beat) return MOE_STEPS;
    return (int)lround(scene_between_linear(c, MOE_TRAIN_FROM, MOE_TRAIN_TO) * MOE_STEPS);
}

static void story_record(moe_story_run *s) {
    int E = s->run.m.E, i = s->recorded;
    s->ev = moe_run_eval(&s->run, s->run.cfg.capacity_factor);
    memcpy(s->history->data + (size_t)i * E, s->ev.load, sizeof(float) * (size_t)E);
    s->acc_history->data[i] = s->ev.accuracy;
    s->steps_at[i] = (float)s->run.steps;
    s->recorded++;
}

/* The trainer's step callback: one optimiser step, recorded every
 * MOE_HIST_EVERY steps. */
static bool story_step(void *ctx, long n) {
    moe_story_run *s = ctx;
    (void)n;
    moe_run_step(&s->run);
    if (s->run.steps % MOE_HIST_EVERY == 0) story_record(s);
    return true;
}

static void story_drop(moe_story_run *s) {
    if (!s->made) return;
    ts_trainer_destroy(s->trainer);
    moe_run_free(&s->run);
    s->trainer = NULL;
    s->made = false;
}

static void story_make(moe_story_run *s, const moe_config *cfg) {
    story_drop(s);
    moe_run_new(&s->run, cfg);
    s->history = ts_new2(&s->run.arena, "load.history", MOE_HIST, cfg->experts);
    s->acc_history = ts_new1(&s->run.arena, "accuracy.history", MOE_HIST);
    s->steps_at = ts_arena_alloc(&s->run.arena, sizeof(float) * MOE_HIST);
    s->recorded = 0;
    s->made = true;
    story_record(s);
    /* the run's state: what moe_run_step and story_record change (the
     * records past `recorded` are rewritten alike on replay) */
    moe_run *r = &s->run;
    s->trainer = ts_trainer_create(&(ts_trainer_desc){ .step = story_step, .ctx = s, .every = 250 });
    TS_CHECK(s->trainer != NULL);
    ts_trainer_add_optim(s->trainer, r->opt);
    ts_trainer_add_rng(s->trainer, &r->rng);
    ts_trainer_add_bytes(s->trainer, r->order, sizeof(int) * MOE_TRAIN_N);
    ts_trainer_add_bytes(s->trainer, &r->cursor, sizeof r->cursor);
    ts_trainer_add_bytes(s->trainer, &r->steps, sizeof r->steps);
    ts_trainer_add_bytes(s->trainer, &r->last_loss, sizeof r->last_loss);
    ts_trainer_add_bytes(s->trainer, &r->last_aux, sizeof r->last_aux);
    ts_trainer_add_bytes(s->trainer, r->load, sizeof r->load);
    ts_trainer_add_bytes(s->trainer, &s->recorded, sizeof s->recorded);
    ts_trainer_add_bytes(s->trainer, &s->ev, sizeof s->ev);
    ts_trainer_begin(s->trainer);
}

/* A frame trains a story run inline up to this many steps; more is a long
 * recompute for the work off the frame. */
#define MOE_FRAME_STEPS 60

static bool cfg_same(const moe_config *a, const moe_config *b) {
    return a->experts == b->experts && a->k == b->k && a->hidden == b->hidden &&
           a->capacity_factor == b->capacity_factor && a->balance == b->balance && a->lr == b->lr &&
           a->batch == b->batch && a->seed == b->seed;
}

static bool req_same(const moe_story_req *a, const moe_story_req *b) {
    return cfg_same(&a->cfg, &b->cfg) && a->target == b->target && a->which == b->which;
}

/* The work: trains its own run to the request (in chunks, for progress). */
static bool story_work(void *ctx, const void *args, scene_work *w) {
    moe_state *st = ctx;
    const moe_story_req *q = args;
    moe_story_run *s = &st->wrun;
    if (!s->made || !cfg_same(&s->run.cfg, &q->cfg)) story_make(s, &q->cfg);
    long at;
    while ((at = ts_trainer_step_count(s->trainer)) != q->target) {
        ts_trainer_seek(s->trainer, at < q->target && q->target - at > 100 ? at + 100 : q->target);
        scene_work_report(w, q->target > 0 ? (float)ts_trainer_step_count(s->trainer) / (float)q->target : 1);
    }
    st->wdone = *q;
    return true;
}

bool moe_story_work_new(moe_state *st) {
    st->asked.target = -1;
    st->work = scene_work_new(story_work, st, sizeof(moe_story_req));
    return st->work != NULL;
}

void moe_story_work_free(moe_state *st) {
    scene_work_free(st->work);   /* waits for a run under way */
    st->work = NULL;
    story_drop(&st->wrun);
}

const char *moe_story_busy(const moe_state *st, float *progress) {
    if (!st->work || !scene_work_busy(st->work)) return NULL;
    *progress = scene_work_progress(st->work);
    return "Training the runs of beats 6 and 7";
}

/* The run the work finished, copied into none or bal (its trainer's
 * snapshot and the records so far) when its shapes fit the stage. Sets
 * changed[which]. */
static void story_collect(moe_state *st, bool changed[2]) {
    if (!scene_work_collect(st->work)) return;
    const moe_story_req *q = &st->wdone;
    if (req_same(q, &st->asked)) st->asked.target = -1;
    if (q->cfg.experts != st->cfg.experts || q->cfg.k != st->cfg.k || q->cfg.hidden != st->cfg.hidden)
        return;   /* from before a rebuild: its shapes are not the stage's */
    moe_story_run *dst = q->which ? &st->bal : &st->none, *src = &st->wrun;
    if (!dst->made || !cfg_same(&dst->run.cfg, &q->cfg)) story_make(dst, &q->cfg);
    size_t n = ts_trainer_state_size(src->trainer);
    TS_CHECK(n == ts_trainer_state_size(dst->trainer));
    void *buf = malloc(n);
    TS_CHECK(buf != NULL);
    ts_trainer_state_save(src->trainer, buf);
    ts_trainer_state_load(dst->trainer, buf, ts_trainer_step_count(src->trainer));
    free(buf);
    size_t rec = (size_t)src->recorded, E = (size_t)q->cfg.experts;
    memcpy(dst->history->data, src->history->data, sizeof(float) * rec * E);
    memcpy(dst->acc_history->data, src->acc_history->data, sizeof(float) * rec);
    memcpy(dst->steps_at, src->steps_at, sizeof(float) * rec);
    changed[q->which] = true;
}

/* Brings s to `target` steps with cfg: at once when that is a frame's work
 * (or outside the window, where the work runs at once too), else asked of
 * the work while s keeps its last finished state. Returns whether s changed.
 * `waiting` says a request for the other run is still out (asking this one
 * would replace it). */
static bool story_to(moe_state *st, moe_story_run *s, const moe_config *cfg, int target, int which,
                     bool changed[2]) {
    bool fresh = !s->made;
    if (fresh) story_make(s, cfg);
    bool same = cfg_same(&s->run.cfg, cfg);
    long cost = same ? ts_trainer_seek_cost(s->trainer, target) : target;
    if (cost <= MOE_FRAME_STEPS) {
        if (!same) story_make(s, cfg);
        long before = ts_trainer_step_count(s->trainer);
        return ts_trainer_seek(s->trainer, target) != before || fresh || !same;
    }
    moe_story_req want = { .cfg = *cfg, .target = target, .which = which };
    if (st->asked.target < 0 || !req_same(&want, &st->asked)) {
        st->asked = want;
        scene_work_request(st->work, &want);
        story_collect(st, changed);   /* outside the window: finished already */
    }
    return fresh;
}

void moe_story_advance(moe_state *st, const scene_clock *c) {
    if (c->beat != B_COLLAPSE && c->beat != B_BALANCE) return;
    moe_config none = st->cfg, bal = st->cfg;
    none.balance = 0;
    bal.balance = st->compare_balance;
    bool changed[2] = { false, false };
    story_collect(st, changed);
    if (story_to(st, &st->none, &none, moe_story_target(c, B_COLLAPSE), 0, changed)) changed[0] = true;
    /* the balanced run waits while the other one is out at the work */
    bool none_out = st->asked.target >= 0 && st->asked.which == 0;
    if (c->beat == B_BALANCE && !none_out &&
        story_to(st, &st->bal, &bal, moe_story_target(c, B_BALANCE), 1, changed))
        changed[1] = true;
    if (changed[0]) {
        moe_forward(&st->none.run.m, &st->show_none,
                    moe_capacity(none.capacity_factor, MOE_SHOW_N, none.k, none.experts));
        moe_backward(&st->none.run.m, &st->show_none, st->show_y, 0);
        first_choice_map(&st->none.run.m, st->map_none);
    }
    if (changed[1] && st->bal.made) {
        moe_forward(&st->bal.run.m, &st->show_bal,
                    moe_capacity(bal.capacity_factor, MOE_SHOW_N, bal.k, bal.experts));
        moe_backward(&st->bal.run.m, &st->show_bal, st->show_y, bal.balance);
        first_choice_map(&st->bal.run.m, st->map_bal);
    }
}

void moe_story_free(moe_state *st) {
    story_drop(&st->none);
    story_drop(&st->bal);
}

const moe_acts *moe_acts_for_beat(const moe_state *st, int beat) {
    if (beat == B_COLLAPSE && st->none.made) return &st->show_none;
    if (beat == B_BALANCE && st->bal.made) return &st->show_bal;
    if (beat == B_CAPACITY) return &st->tight_acts;
    return &st->show;
}

const moe_model *moe_model_for_beat(const moe_state *st, int beat) {
    if (beat == B_COLLAPSE && st->none.made) return &st->none.run.m;
    if (beat == B_BALANCE && st->bal.made) return &st->bal.run.m;
    return &st->live.m;
}

/* ---- beat 5: parameters of a published configuration ------------------------------ */

void moe_real_compute(moe_real *r) {
    double h = (double)r->hidden, L = r->layers;
    r->expert_each = 3.0 * h * (double)r->ffn;                 /* SwiGLU: gate, up, down */
    r->experts_all = L * r->experts * r->expert_each;
    double attn = 2.0 * h * h + 2.0 * h * (double)r->kv_dim;   /* q, o and grouped k, v */
    double router = h * r->experts, norms = 2.0 * h;
    r->shared = L * (attn + router + norms) + h + 2.0 * (double)r->vocab * h;  /* + final norm, embed, head */
    r->total = r->experts_all + r->shared;
    r->active = L * r->k * r->expert_each + r->shared;
}
