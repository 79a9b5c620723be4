/* batchnorm.c: batch normalisation: each feature re-centred and re-scaled
 * over the batch, its scale and shift learned back; the deep net then
 * trains at learning rates where the plain one fails.
 *
 * The model (bn_model.h) trains a plain and a batch-normalised ReLU MLP of
 * the same initial weights side by side through the kernel's rewindable
 * trainer, so the story is a function of the clock.
 *
 * Beats: 1 the plain net's activations per layer as histograms of log10|a|
 * (scale drifts, units die); 2 one feature of one batch normalised by hand;
 * 3 the same histograms with batch norm; 4 both trained live; 5 final loss
 * against learning rate, measured by tools/train_batchnorm; 6 train versus
 * eval: running statistics, one example three ways; 7 layer norm beside
 * batch norm on the same tensor.
 *
 * Dumps (PyTorch names): x [N,2], y [N] (the probe batch: the whole set);
 * plain.K.* (Linear) and bn.K.* (Linear, BatchNorm1d with running_mean and
 * running_var) as nn.Sequential indices; plain.act.K, bn.act.K [N,W]: the
 * output of the activation module at Sequential index K, nets in training
 * mode on x; bn.x [N,W] the input of the bn net's BatchNorm1d after its
 * second Linear (the first one there is, if that is off) in that forward, bn.weight, bn.bias [W] its parameters, bn.mean, bn.var [W]
 * (biased), bn.xhat, bn.y [N,W]; bn.running_mean.before/after,
 * bn.running_var.before/after [W] (PyTorch's update by that forward, unbiased
 * variance); ln.weight, ln.bias [W] (set to bn.weight, bn.bias), ln.y [N,W]
 * = F.layer_norm(bn.x); example.eval_probs, example.train_probs,
 * example.batch1_probs [2]. params: act, eps, momentum, lr, step, depth,
 * width, batch, seed, bn_off, bn_layer (the Sequential index of the
 * BatchNorm1d shown), example (its row in x).
 *
 * Preset keys, section [batchnorm]: depth = 3..16, width = 4..64,
 * lr = 1e-4..3, momentum = 0..0.99, batch = 2..256, seed = 0..1e9,
 * points = 64..512, noise = 0..0.5, first_steps = 0..2000 (beats 1-3),
 * steps = 50..6000 (where the training beat ends), feature = 0..width-1,
 * bn_off = hidden layers (0-based) without batch norm, live = on.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "kernel/nn.h"
#include "kernel/safetensors.h"
#include "kernel/statepack.h"
#include "scenes/batchnorm/bn_scene.h"
#include "ui/ui.h"

const scene_beat bn_beats[BB_COUNT] = {
    {"Activations drift",
     "A hundred steps at a brisk learning rate: the plain network's activations now live on very "
     "different scales from layer to layer, some blown up, some almost entirely exact zeros.", 5.0f},
    {"One batch, normalised by hand",
     "For each feature, batch norm subtracts the batch mean and divides by the batch standard "
     "deviation, then applies its own learned scale \xce\xb3 and shift \xce\xb2.", 6.0f},
    {"Back to one scale",
     "The same network with batch norm after every Linear layer, at the same step: every layer's "
     "activations sit on the same scale.", 5.0f},
    {"Bigger steps",
     "Both networks train from the same weights on the same batches. At this learning rate the "
     "plain network fails; the normalised one still trains.", 10.0f},
    {"Measured over learning rates",
     "Final loss against learning rate over five seeds: the plain network fails from 0.1 and "
     "diverges beyond; with batch norm it trains over a range ten times wider.", 5.0f},
    {"Training versus evaluation",
     "In training, batch norm uses the batch's statistics and nudges running averages toward them. "
     "At test time it uses those averages, so one example's prediction does not depend on its batch.", 6.0f},
    {"Layer norm",
     "Layer norm does the same arithmetic across the features of one example instead of across the "
     "batch: no batch statistics, nothing to average, which is why transformers use it.", 6.0f},
};

static void bn_defaults(void *p) {
    bn_state *st = p;
    st->cfg = bn_config_default();
    st->first_steps = 100;
    st->story_steps = 600;
    st->feature = 0;
}

static bool bn_set(void *p, const char *sec, const char *key, const char *val, char *err, size_t n) {
    bn_state *st = p;
    bn_config *c = &st->cfg;
    if (strcmp(sec, "batchnorm") != 0) return preset_unknown(sec, key, err, n);
    if (strcmp(key, "depth") == 0) return preset_int(key, val, 3, BN_MAX_DEPTH, &c->depth, err, n);
    if (strcmp(key, "width") == 0) return preset_int(key, val, 4, 64, &c->width, err, n);
    if (strcmp(key, "lr") == 0) return preset_float(key, val, 1e-4f, 3.0f, &c->lr, err, n);
    if (strcmp(key, "momentum") == 0) return preset_float(key, val, 0, 0.99f, &c->momentum, err, n);
    if (strcmp(key, "batch") == 0) return preset_int(key, val, 2, 256, &c->batch, err, n);
    if (strcmp(key, "points") == 0) return preset_int(key, val, 64, BN_MAX_POINTS, &c->points, err, n);
    if (strcmp(key, "noise") == 0) return preset_float(key, val, 0, 0.5f, &c->noise, err, n);
    if (strcmp(key, "first_steps") == 0) return preset_int(key, val, 0, 2000, &st->first_steps, err, n);
    if (strcmp(key, "steps") == 0) return preset_int(key, val, 50, BN_MAX_STEPS, &st->story_steps, err, n);
    if (strcmp(key, "feature") == 0) return preset_int(key, val, 0, 63, &st->feature, err, n);
    if (strcmp(key, "live") == 0) return preset_bool(key, val, &st->live, err, n);
    if (strcmp(key, "seed") == 0) {
        int s;
        if (!preset_int(key, val, 0, 1000000000, &s, err, n)) return false;
        c->seed = (unsigned)s;
        return true;
    }
    if (strcmp(key, "bn_off") == 0) {
        float b[BN_MAX_DEPTH];
        int cnt = 0;
        if (!preset_floats(key, val, b, BN_MAX_DEPTH, &cnt, 0, BN_MAX_DEPTH - 2, err, n)) return false;
        c->bn_off = 0;
        for (int i = 0; i < cnt; i++) {
            if (b[i] != floorf(b[i])) {
                snprintf(err, n, "bn_off must list hidden layer indices (whole numbers), got %g", b[i]);
                return false;
            }
            c->bn_off |= (uint64_t)1 << (int)b[i];
        }
        return true;
    }
    return preset_unknown(sec, key, err, n);
}

static bool load_sweep(bn_state *st, const ts_dump *d, char *err, size_t n) {
    const ts_tensor *lr = ts_dump_find(d, "sweep.lr"), *pl = ts_dump_find(d, "sweep.plain"),
                    *bn = ts_dump_find(d, "sweep.bn");
    if (!lr || !pl || !bn || lr->ndim != 1 || pl->ndim != 2 || lr->shape[0] > BN_SWEEP_MAX ||
        pl->shape[0] != lr->shape[0] || bn->shape[0] != lr->shape[0] || bn->shape[1] != pl->shape[1]) {
        snprintf(err, n, "assets/batchnorm.safetensors: no sweep.lr/plain/bn of matching shapes");
        return false;
    }
    double v = 0;
    ts_dump_get_param(d, "sweep_steps", &v);
    st->sw_steps = (int)v;
    v = BN_SWEEP_CAP;
    ts_dump_get_param(d, "cap", &v);
    st->sw_cap = (float)v;
    st->sw_n = lr->shape[0];
    st->sw_seeds = pl->shape[1];
    st->sweep_plain = ts_new1(&st->arena, "sweep.plain_median", st->sw_n);
    st->sweep_bn = ts_new1(&st->arena, "sweep.bn_median", st->sw_n);
    for (int i = 0; i < st->sw_n; i++) {
        st->sw_lr[i] = lr->data[i];
        const ts_tensor *t[2] = { pl, bn };
        for (int w = 0; w < 2; w++) {
            float vals[32], lo = INFINITY, hi = -INFINITY;
            int nv = st->sw_seeds < 32 ? st->sw_seeds : 32, div = 0;
            for (int s = 0; s < nv; s++) {
                vals[s] = fminf(t[w]->data[i * st->sw_seeds + s], 1.0f);   /* the plot tops out at 1 */
                div += t[w]->data[i * st->sw_seeds + s] >= st->sw_cap;
                lo = fminf(lo, vals[s]), hi = fmaxf(hi, vals[s]);
            }
            for (int a = 1; a < nv; a++)   /* median: sort the few values */
                for (int b = a; b > 0 && vals[b] < vals[b - 1]; b--) {
                    float x = vals[b]; vals[b] = vals[b - 1]; vals[b - 1] = x;
                }
            float med = vals[nv / 2];
            (w ? st->sweep_bn : st->sweep_plain)->data[i] = med;
            (w ? st->sw_bn : st->sw_plain)[i] = med;
            (w ? st->sw_bn_lo : st->sw_plain_lo)[i] = lo;
            (w ? st->sw_bn_hi : st->sw_plain_hi)[i] = hi;
            (w ? st->sw_bn_div : st->sw_plain_div)[i] = div;
        }
    }
    return true;
}

static void load_trained(bn_state *st, const ts_dump *d) {
    bn_model *m = &st->m;
    double v[11];
    const char *names[11] = { "depth", "width", "lr", "momentum", "batch", "seed", "points", "noise",
                              "story_steps", "state_bytes", "sweep_steps" };
    for (int i = 0; i < 11; i++)
        if (!ts_dump_get_param(d, names[i], &v[i])) return;
    const bn_config *c = &st->cfg;
    if (v[0] != c->depth || v[1] != c->width || (float)v[2] != c->lr || (float)v[3] != c->momentum ||
        v[4] != c->batch || v[5] != c->seed || v[6] != c->points || (float)v[7] != c->noise ||
        v[8] != st->story_steps || c->bn_off != 0)
        return;
    const ts_tensor *ts = ts_dump_find(d, "trained.state"), *hp = ts_dump_find(d, "trained.hist.plain"),
                    *hb = ts_dump_find(d, "trained.hist.bn");
    const size_t S = (size_t)st->story_steps, bytes = ts_trainer_state_size(m->tr);
    if (!ts || !hp || !hb || v[9] != (double)bytes || ts_numel(ts) != ts_pack_floats(bytes) ||
        ts_numel(hp) != S || ts_numel(hb) != S)
        return;
    void *buf = ts_arena_alloc(&m->arena, bytes);
    if (!ts_pack_floats_to_bytes(buf, ts->data, bytes)) return;
    ts_trainer_state_load(m->tr, buf, st->story_steps);
    memcpy(m->hist_plain + 1, hp->data, sizeof(float) * S);
    memcpy(m->hist_bn + 1, hb->data, sizeof(float) * S);
    m->shown = -1;
    st->pretrained = true;
}

static bool rebuild(bn_state *st, char *err, size_t n) {
    if (st->ready) bn_model_free(&st->m);
    st->ready = false;
    if (!bn_model_init(&st->m, &st->cfg, err, n)) return false;
    st->ready = true;
    st->fields_step = -1;
    if (st->asset) load_trained(st, st->asset);
    return true;
}

static bool bn_init(void *p, char *err, size_t n) {
    bn_state *st = p;
    if (st->cfg.batch > st->cfg.points) {
        snprintf(err, n, "batch (%d) must not pass points (%d)", st->cfg.batch, st->cfg.points);
        return false;
    }
    if (st->feature >= st->cfg.width) {
        snprintf(err, n, "feature must be below width (%d), got %d", st->cfg.width, st->feature);
        preset_error_key("batchnorm", "feature");
        return false;
    }
    if (st->cfg.bn_off >> (st->cfg.depth - 1)) {
        snprintf(err, n, "bn_off names a layer past the %d hidden layers", st->cfg.depth - 1);
        preset_error_key("batchnorm", "bn_off");
        return false;
    }
    if (st->first_steps > st->story_steps) {
        snprintf(err, n, "first_steps (%d) must not pass steps (%d)", st->first_steps, st->story_steps);
        return false;
    }
    char path[1024];
    snprintf(path, sizeof path, "%s/assets/batchnorm.safetensors", scene_data_dir());
    ts_dump *d = ts_st_read(path, &st->arena, err, n);
    bool ok = d && load_sweep(st, d, err, n);
    if (ok) {
        st->asset = d;
        ok = rebuild(st, err, n);
    }
    if (!ok) {
        ts_arena_free(&st->arena);
        return false;
    }
    int W = st->cfg.width;
    st->col_x = ts_new1(&st->arena, "bn.x[rows, f]", BN_SHOW_ROWS);
    st->col_xhat = ts_new1(&st->arena, "bn.xhat[rows, f]", BN_SHOW_ROWS);
    st->col_y = ts_new1(&st->arena, "bn.y[rows, f]", BN_SHOW_ROWS);
    st->rows_x = ts_new2(&st->arena, "bn.x[rows]", BN_SHOW_ROWS, W);
    st->rows_bn = ts_new2(&st->arena, "bn.y[rows]", BN_SHOW_ROWS, W);
    st->rows_ln = ts_new2(&st->arena, "ln.y[rows]", BN_SHOW_ROWS, W);
    bn_copy_shown(st);
    return true;
}

/* The worked rows: examples spread over the set (every N/8-th), so both
 * classes and both arms show. */
int bn_shown_row(const bn_model *m, int r) { return r * (m->cfg.points / BN_SHOW_ROWS); }

void bn_copy_shown(bn_state *st) {
    const bn_model *m = &st->m;
    int W = m->cfg.width, f = st->feature;
    for (int r = 0; r < BN_SHOW_ROWS; r++) {
        int i = bn_shown_row(m, r);
        st->col_x->data[r] = m->bn_x->data[(size_t)i * W + f];
        st->col_xhat->data[r] = m->bn_xhat->data[(size_t)i * W + f];
        st->col_y->data[r] = m->bn_y->data[(size_t)i * W + f];
        memcpy(st->rows_x->data + r * W, m->bn_x->data + (size_t)i * W, sizeof(float) * (size_t)W);
        memcpy(st->rows_bn->data + r * W, m->bn_y->data + (size_t)i * W, sizeof(float) * (size_t)W);
        memcpy(st->rows_ln->data + r * W, m->ln_y->data + (size_t)i * W, sizeof(float) * (size_t)W);
    }
}

static long story_step(const bn_state *st, const scene_clock *c) {
    if (c->beat < BB_TRAIN) return st->first_steps;
    if (c->beat == BB_TRAIN) return lroundf(ease_in_out(c->t) * (float)st->story_steps);
    return st->story_steps;
}

static void bring_to(bn_state *st, long step, bool fields) {
    bn_model *m = &st->m;
    if (m->shown == step && ts_trainer_step_count(m->tr) == step && (!fields || st->fields_step == step))
        return;
    ts_trainer_seek(m->tr, step);
    bn_model_show(m, fields);
    bn_copy_shown(st);
    if (fields) st->fields_step = m->shown;
}

static void change(bn_state *st, bool go_live) {
    char err[160];
    if (st->feature >= st->cfg.width) st->feature = 0;
    if (!rebuild(st, err, sizeof err)) {
        snprintf(st->note, sizeof st->note, "%s", err);
        return;
    }
    st->live = go_live;
    st->live_step = 0;
    st->held = !go_live;
    st->held_beat = st->beat_now;
    bn_model_show(&st->m, true);
    bn_copy_shown(st);
    st->fields_step = ts_trainer_step_count(st->m.tr);
}

#define BN_ROW_GAP 14.0f

static void controls(bn_state *st, ui_ctx *ui, const scene_clock *c) {
    st->controls = ui->show_widgets;
    int beat = st->live ? BB_TRAIN : c->beat;
    bn_layout L = bn_layout_for(beat, true);   /* where they float (ui_panel): the stage keeps its room */
    dg_rect r = L.controls;
    if (r.w <= 0 || !ui->show_widgets) return;
    ui_panel(ui, r.x - 14, r.y - 14, r.w + 28, r.h + 20);
    float bw = (r.w - 2 * 16) / 3, h = ui_row_height();
    if (ui_button(ui, st->live ? "Pause" : "Train", r.x, r.y, bw, h)) {
        if (!st->live) st->live_step = ts_trainer_step_count(st->m.tr);
        st->live = !st->live;
        st->held = !st->live;
        st->held_beat = c->beat;
    }
    if (ui_button(ui, "Step", r.x + bw + 16, r.y, bw, h)) {
        bring_to(st, ts_trainer_step_count(st->m.tr) + 1, true);
        st->live = false;
        st->held = true;
        st->held_beat = c->beat;
    }
    if (ui_button(ui, "Reset", r.x + 2 * (bw + 16), r.y, bw, h)) change(st, false);
    float y = r.y + h + BN_ROW_GAP, half = (r.w - 24) / 2, x2 = r.x + half + 24;
    bool changed = false;
    float lg = log10f(st->cfg.lr);
    if (ui_slider(ui, "log\xe2\x82\x81\xe2\x82\x80 lr", r.x, y, half, &lg, -3, 0.5f, "%.1f")) {
        st->cfg.lr = powf(10, lg);
        changed = true;
    }
    if (ui_slider_int(ui, "batch", x2, y, half, &st->cfg.batch, 2, 256)) changed = true;
    y += h + BN_ROW_GAP;
    if (ui_slider_int(ui, "depth", r.x, y, half, &st->cfg.depth, 3, BN_MAX_DEPTH)) {
        st->cfg.bn_off &= ((uint64_t)1 << (st->cfg.depth - 1)) - 1;
        changed = true;
    }
    bool all = st->cfg.bn_off == 0;
    if (ui_toggle(ui, "batch norm", x2, y, half, &all)) {
        st->cfg.bn_off = all ? 0 : ((uint64_t)1 << (st->cfg.depth - 1)) - 1;
        changed = true;
    }
    if (changed) change(st, st->live || beat == BB_TRAIN);
}

static void bn_update(void *p, const scene_clock *c, ui_ctx *ui) {
    bn_state *st = p;
    if (!st->ready) return;
    st->beat_now = c->beat;
    controls(st, ui, c);
    if (!st->ready) return;
    /* beat 3: a click on a layer's histogram row turns its batch norm off or on */
    int idx[TS_MAX_DIMS];
    if (!st->live && c->beat == BB_TAMED && ui->in.mouse_pressed && !ui->mouse_used &&
        dg_hovered_in(st->m.bn_hist, idx)) {
        st->cfg.bn_off ^= (uint64_t)1 << idx[0];
        change(st, false);
        if (st->m.shown >= 0) {   /* show it at this beat's step, as the story does */
            st->held = false;
            st->m.shown = -1;
        }
    }
    if (st->live) {
        bn_model *m = &st->m;
        st->frame++;
        long before = ts_trainer_step_count(m->tr);
        if (st->live_step < BN_MAX_STEPS) st->live_step += 4;
        ts_trainer_seek(m->tr, st->live_step);
        st->work += ts_trainer_step_count(m->tr) - before;
        if (st->frame % 12 == 0) {   /* five times a second, regions two and a half */
            bn_model_show(m, st->frame % 24 == 0);
            bn_copy_shown(st);
            if (st->frame % 24 == 0) st->fields_step = ts_trainer_step_count(m->tr);
        }
        return;
    }
    if (st->held && st->held_beat == c->beat) return;
    st->held = false;
    bring_to(st, story_step(st, c), c->beat == BB_TRAIN);
}

static void bn_dump(const void *p, const scene_clock *c, ts_dump *d) {
    const bn_state *st = p;
    const bn_model *m = &st->m;
    (void)c;
    ts_dump_param_str(d, "act", "relu");
    ts_dump_param(d, "eps", TS_NORM_EPS);
    ts_dump_param(d, "momentum", TS_BN_MOMENTUM);
    ts_dump_param(d, "sgd_momentum", m->cfg.momentum);
    ts_dump_param(d, "lr", m->cfg.lr);
    ts_dump_param(d, "step", (double)ts_trainer_step_count(m->tr));
    ts_dump_param(d, "depth", m->cfg.depth);
    ts_dump_param(d, "width", m->cfg.width);
    ts_dump_param(d, "batch", m->cfg.batch);
    ts_dump_param(d, "seed", m->cfg.seed);
    ts_dump_param(d, "bn_off", (double)m->cfg.bn_off);
    ts_dump_param(d, "bn_layer", m->bn_layer >= 0 ? m->bn->act_index[m->bn_layer] - 1 : -1);
    ts_dump_param(d, "example", m->example);
    ts_dump_tensor(d, m->x);
    ts_dump_tensor(d, m->y);
    ts_tensor *ps[2 * TS_DEEP_MAX_LINEAR + 2 * TS_DEEP_MAX_DEPTH];
    int np = ts_deep_params(m->plain, ps);
    for (int i = 0; i < np; i++) ts_dump_tensor(d, ps[i]);
    np = ts_deep_params(m->bn, ps);
    for (int i = 0; i < np; i++) ts_dump_tensor(d, ps[i]);
    for (int i = 0; i < m->nbufs; i++) ts_dump_tensor(d, m->bufs[i]);
    for (int k = 0; k < m->cfg.depth - 1; k++) {
        ts_dump_tensor(d, m->plain_act[k]);
        ts_dump_tensor(d, m->bn_act[k]);
    }
    const ts_tensor *t[] = { m->plain_hist, m->bn_hist, m->plain_loss, m->bn_loss, m->eval_p, m->train_p, m->one_p };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) ts_dump_tensor(d, t[i]);
    if (m->bn_layer >= 0) {
        const ts_tensor *b[] = { m->bn_x, m->bn_w, m->bn_b, m->bn_mean, m->bn_var, m->bn_xhat, m->bn_y,
                                 m->rm_before, m->rm_after, m->rv_before, m->rv_after, m->ln_w, m->ln_b, m->ln_y };
        for (size_t i = 0; i < sizeof b / sizeof b[0]; i++) ts_dump_tensor(d, b[i]);
    }
}

static void bn_shutdown(void *p) {
    bn_state *st = p;
    if (st->ready) bn_model_free(&st->m);
    ts_arena_free(&st->arena);
}

static long bn_work(const void *p) { return ((const bn_state *)p)->work; }

static const ui_help_key bn_help[] = {
    {"Train / Pause, Step", "train both networks live from this state, or one step"},
    {"Reset", "both networks back to their initial weights"},
    {"lr, batch, depth", "rebuild both networks and train again"},
    {"batch norm (toggle)", "off: the normalised network loses every batch norm"},
    {"click a layer's row", "beat 3: turn that layer's batch norm off (click again: on)"},
    {"hover", "a histogram bin, a value or a point: its value and where it came from"},
};

const scene_kind scene_batchnorm = {
    .name = "batchnorm",
    .title = "Batch normalisation",
    .group = "Training techniques",
    .summary = "A deep ReLU network with and without batch norm, trained side by side; activations tamed, bigger steps, train versus eval, layer norm.",
    .beats = bn_beats,
    .beat_count = BB_COUNT,
    .state_size = sizeof(bn_state),
    .defaults = bn_defaults,
    .set = bn_set,
    .init = bn_init,
    .update = bn_update,
    .draw = bn_draw,
    .dump = bn_dump,
    .shutdown = bn_shutdown,
    .help = bn_help,
    .help_count = (int)(sizeof bn_help / sizeof bn_help[0]),
    .work = bn_work,
    .work_name = "live training steps (both networks)",
};
