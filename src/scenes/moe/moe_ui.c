/* moe_ui.c: the moe scene's update: the training panel (start, pause, step,
 * reset, sliders), beat 5's fields, clicks on points and experts (through
 * the diagram library's hover), live training, the clock-driven runs of
 * beats 6 and 7, and the small derived tensors the beats draw. Everything
 * draw reads is computed here.
 *
 * Clicks: a point (any beat) becomes the followed input; an expert's box or
 * load bar selects that expert (its own function on the plane, beat 4) or,
 * on beat 2, forces the followed input to it. Clicking it again clears. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "diagram/diagram.h"
#include "kernel/optim.h"
#include "scenes/moe/moe_scene.h"

/* ---- the training panel -------------------------------------------------------- */

dg_rect moe_panel_button(void) {
    dg_rect s = dg_stage();
    return (dg_rect){s.x + s.w - 300, s.y, 300, 56};
}

dg_rect moe_panel_rect(void) {
    dg_rect s = dg_stage();
    return (dg_rect){s.x + s.w - 500, s.y + 70, 500, s.h - 70};
}

/* Any change of the configuration: the story runs follow it. */
static void config_changed(moe_state *st, bool rebuild) {
    if (rebuild) {
        char err[256];
        st->training = false;
        st->expert = st->forced = -1;
        if (st->focus >= MOE_SHOW_N) st->focus = 0;
        moe_live_build(st, false, err, sizeof err);   /* cannot fail without pre-training */
    } else {
        st->live.cfg = st->cfg;
        ts_optim_set_lr(st->live.opt, st->cfg.lr);
        st->live_version++;
        /* the story runs follow (moe_story_advance), the last ones shown meanwhile */
    }
}

static void panel(moe_state *st, ui_ctx *ui) {
    dg_rect r = moe_panel_rect();
    float x = r.x + 20, y = r.y + 20, w = r.w - 40, bw = (w - 24) / 3;
    if (ui_button(ui, st->training ? "pause" : "train", x, y, bw, 56)) st->training = !st->training;
    if (ui_button(ui, "step", x + bw + 12, y, bw, 56) && !st->training) {
        moe_run_step(&st->live);
        st->live_version++;
    }
    if (ui_button(ui, "reset", x + 2 * (bw + 12), y, bw, 56)) config_changed(st, true);
    y += 80;
    moe_config old = st->cfg;
    ui_slider_int(ui, "experts", x, y, w, &st->cfg.experts, 2, MOE_MAX_E);
    y += 72;
    ui_slider_int(ui, "top-k", x, y, w, &st->cfg.k, 1, MOE_MAX_K);
    y += 72;
    ui_slider(ui, "capacity factor (0: none)", x, y, w, &st->cfg.capacity_factor, 0, 2, "%.2f");
    if (st->cfg.capacity_factor > 0 && st->cfg.capacity_factor < 0.1f) st->cfg.capacity_factor = 0;
    y += 72;
    ui_slider(ui, "balancing weight", x, y, w, &st->cfg.balance, 0, 1, "%.3f");
    y += 72;
    float lg = log10f(st->cfg.lr);
    if (ui_slider(ui, "learning rate (log10)", x, y, w, &lg, -3.5f, -1, "%.2f")) st->cfg.lr = powf(10, lg);
    y += 72;
    float tight = st->tight;
    if (ui_slider(ui, "beat 8 capacity factor", x, y, w, &tight, 0.1f, 2, "%.2f")) {
        st->tight = tight;
        st->live_version++;
    }
    if (st->cfg.experts != old.experts || st->cfg.k != old.k) config_changed(st, true);
    else if (memcmp(&st->cfg, &old, sizeof old) != 0) config_changed(st, false);
}

/* Beat 5's published configuration, one field per shape. */
static void real_fields(moe_state *st, ui_ctx *ui) {
    dg_rect r = moe_panel_rect();
    static const char *const names[7] = {"experts", "k", "layers", "hidden", "ffn", "vocab", "kv_dim"};
    moe_real *re = &st->real;
    int64_t *v64[7] = {NULL, NULL, NULL, &re->hidden, &re->ffn, &re->vocab, &re->kv_dim};
    int *v32[7] = {&re->experts, &re->k, &re->layers, NULL, NULL, NULL, NULL};
    for (int i = 0; i < 7; i++) {
        float y = r.y + 20 + (float)i * 72;
        char id[32];
        snprintf(id, sizeof id, "real.%s", names[i]);
        if (!st->real_edit[i][0])
            snprintf(st->real_edit[i], sizeof st->real_edit[i], "%lld",
                     (long long)(v64[i] ? *v64[i] : *v32[i]));
        if (!ui_text_field(ui, id, r.x + 240, y, r.w - 260, st->real_edit[i], sizeof st->real_edit[i]))
            continue;
        char *end;
        long long v = strtoll(st->real_edit[i], &end, 10);
        long long hi = i == 0 ? 1024 : i == 1 ? re->experts : i == 2 ? 1000 : 1000000;
        bool ok = *end == 0 && end != st->real_edit[i] && v >= 1 && v <= hi && (i != 0 || v >= re->k);
        if (ok && v64[i]) *v64[i] = v;
        else if (ok) *v32[i] = (int)v;
        st->real_edit[i][0] = 0;   /* shows the value in force */
        if (ok) moe_real_compute(re);
    }
}

/* ---- clicks through the library's hover --------------------------------------------- */

static bool is_points(const moe_state *st, const ts_tensor *t) {
    return t == &st->focus_view || t == st->show.x || t == st->tight_acts.x || t == st->show_none.x || t == st->show_bal.x;
}

static void clicks(moe_state *st, const scene_clock *c, ui_ctx *ui) {
    if (!ui->in.mouse_pressed || ui->mouse_used) return;
    dg_ref ref;
    if (!dg_hovered(&ref)) return;
    /* ref.t is only compared: indices are checked, since after a scene
     * switch a stale pointer could match a new tensor */
    if (is_points(st, ref.t)) {
        if (ref.idx[0] < 0 || ref.idx[0] >= MOE_SHOW_N) return;
        st->focus = ref.idx[0];
        st->forced = -1;
        st->shown_version = st->live_version - 1;
        return;
    }
    if (ref.t != st->heldout_load && ref.t != st->demand && ref.t != st->kept) return;
    int e = ref.idx[0];
    if (e < 0 || e >= st->live.m.E) return;
    if (c->beat == B_TOPK) {
        st->forced = st->forced == e ? -1 : e;
        moe_force(st);
    } else {
        st->expert = st->expert == e ? -1 : e;
        st->maps_version = st->live_version - 1;
    }
}

/* ---- derived tensors for the current beat ---------------------------------------------- */

static void derive(moe_state *st, int beat) {
    const moe_acts *x = moe_acts_for_beat(st, beat);
    const moe_model *m = moe_model_for_beat(st, beat);
    for (int e = 0; e < m->E; e++) {
        st->demand->data[e] = 0;
        st->kept->data[e] = (float)x->count[e];
    }
    for (int t = 0; t < x->n; t++) {
        for (int j = 0; j < x->k; j++) st->demand->data[x->idx[t * x->k + j]] += 1;
        st->first[t] = x->idx[t * x->k];
    }
    st->params_model->data[0] = (float)moe_param_count(m);
    st->params_model->data[1] = (float)moe_active_params(m, x->k);
    st->params_real->data[0] = (float)st->real.total;
    st->params_real->data[1] = (float)st->real.active;
    const moe_story_run *run = beat == B_COLLAPSE ? &st->none : beat == B_BALANCE ? &st->bal : NULL;
    if (run && !run->made) run = NULL;
    const moe_eval *ev = run ? &run->ev : &st->ev_live;
    for (int e = 0; e < m->E; e++) st->heldout_load->data[e] = ev->load[e];
    st->hist_n = run ? run->recorded : 0;
    for (int i = 0; i < st->hist_n; i++)
        for (int e = 0; e < m->E; e++) st->hist[e][i] = run->history->data[i * m->E + e];
    /* the focus as a one-point slice, and the points that lost a choice */
    st->focus_view = *x->x;
    st->focus_view.ndim = 3;
    st->focus_view.shape[0] = x->n; st->focus_view.shape[1] = 1; st->focus_view.shape[2] = MOE_D;
    st->focus_view.stride[0] = MOE_D; st->focus_view.stride[1] = MOE_D; st->focus_view.stride[2] = 1;
    int nd = 0;
    st->n_lost = 0;
    for (int t = 0; t < x->n; t++) {
        int lost = 0;
        for (int j = 0; j < x->k; j++) lost += x->pos[t * x->k + j] < 0;
        if (lost) {
            st->x_dropped->data[2 * nd] = x->x->data[2 * t];
            st->x_dropped->data[2 * nd + 1] = x->x->data[2 * t + 1];
            nd++;
        }
        st->n_lost += lost == x->k;
    }
    st->x_dropped->shape[0] = nd;
    if (beat == B_CAPACITY) {
        st->acc2->data[0] = st->ev_live.accuracy;
        st->acc2->data[1] = st->ev_tight.accuracy;
    } else {
        st->acc2->data[0] = st->none.made ? st->none.ev.accuracy : 0;
        st->acc2->data[1] = st->bal.made ? st->bal.ev.accuracy : 0;
    }
}

void moe_update(void *p, const scene_clock *c, ui_ctx *ui) {
    moe_state *st = p;
    dg_rect b = moe_panel_button();
    const char *label = c->beat == B_PARAMS ? (st->panel ? "close##real" : "edit shapes##real")
                                            : (st->panel ? "close##train" : "training controls##train");
    if (ui_button(ui, label, b.x, b.y, b.w, b.h)) st->panel = !st->panel;
    if (st->panel && c->beat == B_PARAMS) real_fields(st, ui);
    else if (st->panel) panel(st, ui);
    clicks(st, c, ui);
    if (st->training) {
        double t0 = scene_seconds();
        for (int i = 0; i < MOE_LIVE_STEPS_PER_FRAME; i++) moe_run_step(&st->live);
        st->train_ms = 1e3 * (scene_seconds() - t0);
        st->live_version++;
    }
    moe_refresh(st, c->beat);
    moe_story_advance(st, c);
    derive(st, c->beat);
}
