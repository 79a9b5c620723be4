/* residual.c: why a deep plain network trains worse than a shallow one, and
 * why a residual network of the same depth does not: the gradient takes
 * the identity path.
 *
 * The model (res_model.h) trains a plain and a residual MLP side by side
 * through the kernel's rewindable trainer, so the story is a function of
 * the clock: each beat names the training step it shows.
 *
 * Beats: 1 final loss against depth, measured by tools/train_residual;
 * 2 the plain net's per-layer gradient norms at init (log axis); 3 the
 * residual block y = h + F(h), worked for one point; 4 the residual net's
 * gradient norms, flat; 5 both trained live: decision regions and loss
 * curves; 6 |F(h)|/|h| per block after training; 7 where residuals live
 * now (the transformer block).
 *
 * Dumps (PyTorch names): x [N,2], y [N]; plain.K.weight/bias (Sequential of
 * Linear and the activation), resid.in.*, resid.blocks.K.fc1.*,
 * resid.blocks.K.fc2.*, resid.out.*; plain.logits, resid.logits [N,2];
 * plain.loss, resid.loss [1] (mean cross-entropy over all N points);
 * plain.grad_norm [L] (every Linear's weight gradient, Frobenius) and
 * resid.grad_norm [L] (fc1 and fc2 weight gradients of each block together)
 * of that loss; resid.ratio [L] = mean over the points of |F(h_k)|/|h_k|;
 * block.h, block.F, block.y [W] (the worked point through block 0).
 * params: act, depth, width, step, lr, batch, seed, skip_off (blocks
 * without their identity path, as a bit mask), point (the worked point).
 *
 * Preset keys, section [residual]: depth = 2..32, width = 4..64,
 * act = tanh | relu, lr = 1e-4..0.1, batch = 8..256, seed = 0..1e9,
 * points = 64..1000, noise = 0..0.5, steps = 50..6000 (where the training
 * beat ends), no_skip = block indices (0-based) whose identity path is removed,
 * live = on (train from the start, as the Train button does; for bench).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "kernel/safetensors.h"
#include "kernel/statepack.h"
#include "scenes/residual/res_scene.h"
#include "ui/ui.h"

const scene_beat res_beats[RB_COUNT] = {
    {"Deeper should be better",
     "More layers should fit at least as well. Measured over five seeds, the plain network's final "
     "training loss rises as it gets deeper; the residual one of the same depth stays far below it.", 5.0f},
    {"The gradient fades",
     "At initialisation, the gradient reaching each layer is a product of the Jacobians above it. "
     "In the plain network it shrinks layer after layer toward the input.", 5.0f},
    {"A block with a bypass",
     "A residual block adds its input back: y = h + F(h). The identity path carries the signal "
     "through unchanged, so F only has to learn a correction.", 6.0f},
    {"The gradient takes the highway",
     "The same measurement for the residual network: every block's gradient is about the same size, "
     "because the identity path passes it back without shrinking.", 5.0f},
    {"Both trained side by side",
     "Same data, same width, same depth, same batches. The plain network stalls near chance; the "
     "residual one carves the spirals apart.", 12.0f},
    {"Each block nudges",
     "After training, every block adds less than it receives, |F(h)| < |h|, and the later blocks "
     "add least: each block nudges the signal, none rewrites it.", 5.0f},
    {"Where it lives now",
     "Every transformer block has two residual adds, one around attention and one around the MLP. "
     "That identity path is what lets networks reach a hundred layers and more.", 6.0f},
};

static void res_defaults(void *p) {
    res_state *st = p;
    st->cfg = res_config_default();
    st->story_steps = 1500;
}

static bool res_set(void *p, const char *sec, const char *key, const char *val, char *err, size_t n) {
    res_state *st = p;
    res_config *c = &st->cfg;
    if (strcmp(sec, "residual") != 0) return preset_unknown(sec, key, err, n);
    if (strcmp(key, "depth") == 0) return preset_int(key, val, 2, RES_MAX_DEPTH, &c->depth, err, n);
    if (strcmp(key, "width") == 0) return preset_int(key, val, 4, 64, &c->width, err, n);
    if (strcmp(key, "lr") == 0) return preset_float(key, val, 1e-4f, 0.1f, &c->lr, err, n);
    if (strcmp(key, "batch") == 0) return preset_int(key, val, 8, 256, &c->batch, err, n);
    if (strcmp(key, "points") == 0) return preset_int(key, val, 64, RES_MAX_POINTS, &c->points, err, n);
    if (strcmp(key, "noise") == 0) return preset_float(key, val, 0, 0.5f, &c->noise, err, n);
    if (strcmp(key, "steps") == 0) return preset_int(key, val, 50, RES_MAX_STEPS, &st->story_steps, err, n);
    if (strcmp(key, "live") == 0) return preset_bool(key, val, &st->live, err, n);
    if (strcmp(key, "seed") == 0) {
        int s;
        if (!preset_int(key, val, 0, 1000000000, &s, err, n)) return false;
        c->seed = (unsigned)s;
        return true;
    }
    if (strcmp(key, "act") == 0) {
        int v;
        if (!preset_choice(key, val, res_act_names, 2, &v, err, n)) return false;
        c->act = v ? TS_ACT_RELU : TS_ACT_TANH;
        return true;
    }
    if (strcmp(key, "no_skip") == 0) {
        float b[RES_MAX_DEPTH];
        int cnt = 0;
        if (!preset_floats(key, val, b, RES_MAX_DEPTH, &cnt, 0, RES_MAX_DEPTH - 1, err, n)) return false;
        c->skip_off = 0;
        for (int i = 0; i < cnt; i++) {
            if (b[i] != floorf(b[i])) {
                snprintf(err, n, "no_skip must list block indices (whole numbers), got %g", b[i]);
                return false;
            }
            c->skip_off |= (uint64_t)1 << (int)b[i];
        }
        return true;
    }
    return preset_unknown(sec, key, err, n);
}

/* The sweep from the asset: means and ranges over the seeds per depth. */
static bool load_sweep(res_state *st, const ts_dump *d, char *err, size_t n) {
    const ts_tensor *dep = ts_dump_find(d, "sweep.depth"), *pl = ts_dump_find(d, "sweep.plain"),
                    *rs = ts_dump_find(d, "sweep.resid");
    if (!dep || !pl || !rs || dep->ndim != 1 || pl->ndim != 2 || dep->shape[0] > RES_SWEEP_MAX ||
        pl->shape[0] != dep->shape[0] || rs->shape[0] != dep->shape[0] || rs->shape[1] != pl->shape[1]) {
        snprintf(err, n, "assets/residual.safetensors: no sweep.depth/plain/resid of matching shapes");
        return false;
    }
    double steps = 0;
    ts_dump_get_param(d, "sweep_steps", &steps);
    st->sw_steps = (int)steps;
    st->sw_n = dep->shape[0];
    st->sw_seeds = pl->shape[1];
    st->sweep_plain = ts_new1(&st->arena, "sweep.plain_mean", st->sw_n);
    st->sweep_resid = ts_new1(&st->arena, "sweep.resid_mean", st->sw_n);
    for (int i = 0; i < st->sw_n; i++) {
        st->sw_depth[i] = dep->data[i];
        float sp = 0, sr = 0, plo = INFINITY, phi = -INFINITY, rlo = INFINITY, rhi = -INFINITY;
        for (int s = 0; s < st->sw_seeds; s++) {
            float a = pl->data[i * st->sw_seeds + s], b = rs->data[i * st->sw_seeds + s];
            sp += a, sr += b;
            plo = fminf(plo, a), phi = fmaxf(phi, a), rlo = fminf(rlo, b), rhi = fmaxf(rhi, b);
        }
        st->sw_plain[i] = st->sweep_plain->data[i] = sp / st->sw_seeds;
        st->sw_resid[i] = st->sweep_resid->data[i] = sr / st->sw_seeds;
        st->sw_plain_lo[i] = plo, st->sw_plain_hi[i] = phi;
        st->sw_resid_lo[i] = rlo, st->sw_resid_hi[i] = rhi;
    }
    return true;
}

/* The trained default from the asset, when this preset trains exactly it:
 * it becomes the trainer's state at story_steps (the tool wrote the state
 * the same code reaches by training, so replaying gives the same bytes). */
static void load_trained(res_state *st, const ts_dump *d) {
    res_model *m = &st->m;
    double v[9];
    const char *names[9] = { "depth", "width", "act", "lr", "batch", "seed", "points", "noise",
                             "story_steps" };
    for (int i = 0; i < 9; i++)
        if (!ts_dump_get_param(d, names[i], &v[i])) return;
    const res_config *c = &st->cfg;
    if (v[0] != c->depth || v[1] != c->width || v[2] != res_act_index(c->act) || (float)v[3] != c->lr ||
        v[4] != c->batch || v[5] != c->seed || v[6] != c->points || (float)v[7] != c->noise ||
        v[8] != st->story_steps || c->skip_off != 0)
        return;
    const ts_tensor *ts = ts_dump_find(d, "trained.state"), *hp = ts_dump_find(d, "trained.hist.plain"),
                    *hr = ts_dump_find(d, "trained.hist.resid");
    const size_t S = (size_t)st->story_steps + 1, bytes = ts_trainer_state_size(m->tr);
    if (!ts || !hp || !hr || ts_numel(ts) != ts_pack_floats(bytes) || ts_numel(hp) != S || ts_numel(hr) != S)
        return;
    void *buf = ts_arena_alloc(&m->arena, bytes);
    if (!ts_pack_floats_to_bytes(buf, ts->data, bytes)) return;
    ts_trainer_state_load(m->tr, buf, st->story_steps);
    memcpy(m->hist_plain, hp->data, sizeof(float) * S);
    memcpy(m->hist_resid, hr->data, sizeof(float) * S);
    m->shown = -1;
    st->pretrained = true;
}

static bool rebuild(res_state *st, char *err, size_t n) {
    if (st->ready) res_model_free(&st->m);
    st->ready = false;
    if (!res_model_init(&st->m, &st->cfg, err, n)) return false;
    st->ready = true;
    st->fields_step = -1;
    return true;
}

static bool res_init(void *p, char *err, size_t n) {
    res_state *st = p;
    if (st->cfg.batch > st->cfg.points) {
        snprintf(err, n, "batch (%d) must not pass points (%d)", st->cfg.batch, st->cfg.points);
        return false;
    }
    if (st->cfg.skip_off >> st->cfg.depth) {
        snprintf(err, n, "no_skip names a block past depth %d", st->cfg.depth);
        preset_error_key("residual", "no_skip");
        return false;
    }
    char path[1024];
    snprintf(path, sizeof path, "%s/assets/residual.safetensors", scene_data_dir());
    ts_dump *d = ts_st_read(path, &st->arena, err, n);
    bool ok = d && load_sweep(st, d, err, n) && rebuild(st, err, n);
    if (ok) {
        st->asset = d;
        load_trained(st, d);
    }
    if (!ok) ts_arena_free(&st->arena);
    return ok;
}

/* The training step a beat shows at time t (0..1 of the beat). */
static long story_step(const res_state *st, const scene_clock *c) {
    if (c->beat < RB_TRAIN) return 0;
    if (c->beat == RB_TRAIN) return lroundf(ease_in_out(c->t) * (float)st->story_steps);
    return st->story_steps;
}

static void bring_to(res_state *st, long step, bool fields) {
    res_model *m = &st->m;
    if (m->shown == step && ts_trainer_step_count(m->tr) == step && (!fields || st->fields_step == step))
        return;
    double t0 = scene_seconds();
    ts_trainer_seek(m->tr, step);
    res_model_show(m, fields);
    if (fields) st->fields_step = m->shown;
    st->recompute_ms = 1e3 * (scene_seconds() - t0);
}

static void change(res_state *st, bool go_live) {
    char err[160];
    if (!rebuild(st, err, sizeof err)) {
        snprintf(st->note, sizeof st->note, "%s", err);
        return;
    }
    st->live = go_live;
    st->live_step = 0;
    st->held = !go_live;
    st->held_beat = st->beat_now;
    if (st->asset) load_trained(st, st->asset);
    res_model_show(&st->m, true);
    st->fields_step = 0;
}

#define RES_ROW_GAP 14.0f

static void controls(res_state *st, ui_ctx *ui, const scene_clock *c) {
    st->controls = ui->show_widgets;
    int beat = st->live ? RB_TRAIN : c->beat;
    res_layout L = res_layout_for(beat, true);   /* where they float (ui_panel): the stage keeps its room */
    dg_rect r = L.controls;
    if (r.w <= 0 || !ui->show_widgets) return;
    ui_panel(ui, r.x - 14, r.y - 14, r.w + 28, r.h + 20);
    float bw = (r.w - 2 * 16) / 3, h = ui_row_height();
    if (ui_button(ui, st->live ? "Pause" : "Train", r.x, r.y, bw, h)) {
        if (!st->live) st->live_step = ts_trainer_step_count(st->m.tr);
        st->live = !st->live;
        st->held = !st->live;
        st->held_beat = c->beat;
        if (!st->live) res_model_show(&st->m, true);   /* paused: everything at this step */
    }
    if (ui_button(ui, "Step", r.x + bw + 16, r.y, bw, h)) {
        bring_to(st, ts_trainer_step_count(st->m.tr) + 1, true);
        st->live = false;
        st->held = true;   /* shown until the next change or another beat */
        st->held_beat = c->beat;
    }
    if (ui_button(ui, "Reset", r.x + 2 * (bw + 16), r.y, bw, h)) change(st, false);
    float y = r.y + h + RES_ROW_GAP, half = (r.w - 24) / 2, x2 = r.x + half + 24;
    bool changed = false;
    if (ui_slider_int(ui, "depth", r.x, y, half, &st->cfg.depth, 2, RES_MAX_DEPTH)) {
        st->cfg.skip_off &= ((uint64_t)1 << st->cfg.depth) - 1;
        changed = true;
    }
    if (ui_slider_int(ui, "width", x2, y, half, &st->cfg.width, 4, 64)) changed = true;
    y += h + RES_ROW_GAP;
    int act = res_act_index(st->cfg.act);
    if (ui_choice(ui, "act", r.x, y, half, h, res_act_names, 2, &act)) {
        st->cfg.act = act ? TS_ACT_RELU : TS_ACT_TANH;
        changed = true;
    }
    float lg = log10f(st->cfg.lr);
    if (ui_slider(ui, "log\xe2\x82\x81\xe2\x82\x80 lr", x2, y, half, &lg, -4, -1, "%.1f")) {
        st->cfg.lr = powf(10, lg);
        changed = true;
    }
    if (changed) change(st, st->live || beat == RB_TRAIN);
}

static void res_update(void *p, const scene_clock *c, ui_ctx *ui) {
    res_state *st = p;
    if (!st->ready) return;
    st->beat_now = c->beat;
    controls(st, ui, c);
    if (!st->ready) return;
    /* beat 4: a click on a residual bar removes (or restores) that block's skip */
    int idx[TS_MAX_DIMS];
    if (!st->live && c->beat == RB_FLAT && ui->in.mouse_pressed && !ui->mouse_used &&
        dg_hovered_in(st->m.resid_gn, idx)) {
        st->cfg.skip_off ^= (uint64_t)1 << idx[0];
        change(st, false);
        st->held_beat = c->beat;
    }
    if (st->live) {
        res_model *m = &st->m;
        st->frame++;
        long before = ts_trainer_step_count(m->tr);
        if (st->live_step < RES_MAX_STEPS) st->live_step += 4;
        ts_trainer_seek(m->tr, st->live_step);
        st->work += ts_trainer_step_count(m->tr) - before;
        long now = ts_trainer_step_count(m->tr);
        /* losses five times a second, a sixteenth of the regions every frame:
         * training keeps the frame */
        if (st->frame % 12 == 0) res_model_show_live(m);
        res_model_field_chunk(m, (int)(st->frame % RES_FIELD_CHUNKS));
        st->fields_step = now;
        return;
    }
    if (st->held && st->held_beat == c->beat) return;   /* a paused or hand-taken state */
    st->held = false;
    bring_to(st, story_step(st, c), c->beat == RB_TRAIN || c->beat == RB_SMALL);
}

static void res_dump(const void *p, const scene_clock *c, ts_dump *d) {
    const res_state *st = p;
    const res_model *m = &st->m;
    (void)c;
    ts_dump_param_str(d, "act", res_act_names[res_act_index(m->cfg.act)]);
    ts_dump_param(d, "depth", m->cfg.depth);
    ts_dump_param(d, "width", m->cfg.width);
    ts_dump_param(d, "step", (double)ts_trainer_step_count(m->tr));
    ts_dump_param(d, "lr", m->cfg.lr);
    ts_dump_param(d, "batch", m->cfg.batch);
    ts_dump_param(d, "seed", m->cfg.seed);
    ts_dump_param(d, "skip_off", (double)m->cfg.skip_off);
    ts_dump_param(d, "point", m->blk_point);
    ts_dump_tensor(d, m->x);
    ts_dump_tensor(d, m->y);
    ts_tensor *ps[2 * TS_DEEP_MAX_LINEAR];
    int np = ts_deep_params(m->plain, ps);
    for (int i = 0; i < np; i++) ts_dump_tensor(d, ps[i]);
    np = ts_deep_params(m->resid, ps);
    for (int i = 0; i < np; i++) ts_dump_tensor(d, ps[i]);
    const ts_tensor *t[] = { m->plain_logits, m->resid_logits, m->plain_loss, m->resid_loss,
                             m->plain_gn, m->resid_gn, m->ratio, m->blk_h, m->blk_f, m->blk_y };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) ts_dump_tensor(d, t[i]);
}

static void res_shutdown(void *p) {
    res_state *st = p;
    if (st->ready) res_model_free(&st->m);
    ts_arena_free(&st->arena);
}

static long res_work(const void *p) { return ((const res_state *)p)->work; }

static const ui_help_key res_help[] = {
    {"Train / Pause, Step", "train both networks live from this state, or one step"},
    {"Reset", "both networks back to their initial weights"},
    {"depth, width, act, lr", "rebuild both networks and train again"},
    {"click a residual bar", "beat 4: remove that block's identity path (click again to restore)"},
    {"hover", "a bar, a point or a region: its value and where it came from"},
};

const scene_kind scene_residual = {
    .name = "residual",
    .title = "Residual connections",
    .group = "Training techniques",
    .summary = "A deep plain network and a residual one trained side by side; the gradient takes the identity path.",
    .beats = res_beats,
    .beat_count = RB_COUNT,
    .state_size = sizeof(res_state),
    .defaults = res_defaults,
    .set = res_set,
    .init = res_init,
    .update = res_update,
    .draw = res_draw,
    .dump = res_dump,
    .shutdown = res_shutdown,
    .help = res_help,
    .help_count = (int)(sizeof res_help / sizeof res_help[0]),
    .work = res_work,
    .work_name = "live training steps (both networks)",
};
