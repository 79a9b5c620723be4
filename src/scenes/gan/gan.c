/* gan.c: a generator and a discriminator trained live against each other on
 * 2-D points; mode collapse caught with a number.
 *
 * The model (gan_model.h) trains deterministically with checkpoints, so the
 * story is a function of the clock: each beat names the training step it
 * shows, and scrubbing back rewinds to a checkpoint and replays.
 *
 * Beats: 1 real points and the generator's first fakes, the noise plane
 * mapped by G; 2 the discriminator's field; 3 one discriminator step, the
 * field sharpens; 4 one generator step, -dloss.G/dfake as arrows; 5 training
 * plays, both losses; 6 mode coverage over training; 7 the two players.
 *
 * Dumps (PyTorch names): z, real, fake [N,2]; G.K.weight/bias and
 * D.K.weight/bias (nn.Sequential of Linear and LeakyReLU(slope) or ReLU);
 * D.real_logits, D.fake_logits [N,1]; loss.D, loss.G [1]; grad.fake [N,2] =
 * d loss.G / d fake; field [R,R] = sigmoid(D) on the grid whose extent,
 * rows and cell centres are in params; coverage [n] (modes covered, every
 * GAN_COVER_EVERY steps) from beat 5 on. params: loss (nonsaturating or
 * minimax), slope, step, lr_g, lr_d, d_steps, batch, seed, target,
 * field_extent, field_rows, cover_every.
 *
 * Preset keys, section [gan]: target = ring | grid | moons | line | drawn,
 * hidden = 8..128, lr_g, lr_d = 1e-5..0.1, d_steps = 1..10,
 * loss = nonsaturating | minimax, slope = 0..0.5 (0: ReLU),
 * batch = 16..1024, seed = 0..1e9, first_steps = 0..5000,
 * steps = 100..20000 (where the training beat ends);
 * section [drawn]: points = x y pairs in -3..3 (8..512 of them).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "scenes/gan/gan_scene.h"
#include "ui/ui.h"

const scene_beat gan_beats[GB_COUNT] = {
    {"A forger and a detective",
     "The generator turns random noise into points. The grid on the left is the noise; the same grid, "
     "bent by the untrained generator, lands on the right, far from the real data.", 5.0f},
    {"The detective's map",
     "After a few hundred steps the discriminator scores every point of the plane: red where it says "
     "real, blue where it says fake. The white line is where it cannot tell.", 4.0f},
    {"One detective step",
     "One update of the discriminator on a batch of real and fake points lowers its loss: the map "
     "sharpens around the real data.", 5.0f},
    {"One forger step",
     "The generator cannot see the real data. It gets only the discriminator's gradient: each arrow "
     "shows where a fake should move to look more real.", 5.0f},
    {"Training plays",
     "Detective and forger take turns. Fakes flow onto the targets, both losses settle, and the map "
     "fades toward one half where it can no longer tell them apart.", 12.0f, .motion = true},
    {"Mode collapse, measured",
     "Coverage counts the modes that receive at least half their fair share of generated points. A "
     "collapsing generator serves a few modes well and ignores the rest.", 5.0f},
    {"Two players",
     "Both players are small networks of the same shape. The detective sees points; the forger sees "
     "only noise and the detective's gradient.", 4.0f},
};

static void gan_defaults(void *p) {
    gan_state *st = p;
    st->cfg = gan_config_default();
    st->first_steps = 300;
    st->story_steps = 3000;
}

static bool gan_set(void *p, const char *sec, const char *key, const char *val, char *err,
                    size_t n) {
    gan_state *st = p;
    gan_config *c = &st->cfg;
    if (strcmp(sec, "gan") == 0) {
        if (strcmp(key, "target") == 0)
            return preset_choice(key, val, gan_target_names, GAN_TARGET_COUNT, &c->target, err, n);
        if (strcmp(key, "hidden") == 0) return preset_int(key, val, 8, 128, &c->hidden, err, n);
        if (strcmp(key, "lr_g") == 0) return preset_float(key, val, 1e-5f, 0.1f, &c->lr_g, err, n);
        if (strcmp(key, "lr_d") == 0) return preset_float(key, val, 1e-5f, 0.1f, &c->lr_d, err, n);
        if (strcmp(key, "d_steps") == 0) return preset_int(key, val, 1, 10, &c->d_steps, err, n);
        if (strcmp(key, "slope") == 0) return preset_float(key, val, 0, 0.5f, &c->slope, err, n);
        if (strcmp(key, "batch") == 0) return preset_int(key, val, 16, 1024, &c->batch, err, n);
        if (strcmp(key, "first_steps") == 0)
            return preset_int(key, val, 0, 5000, &st->first_steps, err, n);
        if (strcmp(key, "steps") == 0)
            return preset_int(key, val, 100, GAN_MAX_STEPS, &st->story_steps, err, n);
        if (strcmp(key, "seed") == 0) {
            int s;
            if (!preset_int(key, val, 0, 1000000000, &s, err, n)) return false;
            c->seed = (unsigned)s;
            return true;
        }
        if (strcmp(key, "loss") == 0) {
            static const char *const names[2] = { "nonsaturating", "minimax" };
            int v;
            if (!preset_choice(key, val, names, 2, &v, err, n)) return false;
            c->minimax = v == 1;
            return true;
        }
    } else if (strcmp(sec, "drawn") == 0 && strcmp(key, "points") == 0) {
        int cnt = 0;
        if (!preset_floats(key, val, &c->drawn[0][0], 2 * GAN_MAX_DRAWN, &cnt, -GAN_EXTENT,
                           GAN_EXTENT, err, n))
            return false;
        if (cnt % 2 || cnt < 16) {
            snprintf(err, n, "points must be x y pairs, at least 8 of them, got %d numbers", cnt);
            return false;
        }
        c->drawn_n = cnt / 2;
        return true;
    }
    return preset_unknown(sec, key, err, n);
}

/* The noise plane's grid lines: vertical lines then horizontal ones. */
static void fill_zgrid(ts_tensor *zg) {
    const int L = GAN_GRID_LINES, P = GAN_GRID_POINTS;
    for (int p = 0; p < P; p++)
        for (int l = 0; l < 2 * L; l++) {
            float c = -2.0f + 4.0f * (l % L) / (L - 1), v = -2.0f + 4.0f * p / (P - 1);
            float *z = zg->data + 2 * ((size_t)p * 2 * L + l);
            z[0] = l < L ? c : v;
            z[1] = l < L ? v : c;
        }
}

static bool rebuild(gan_state *st, char *err, size_t n) {
    if (st->ready) gan_model_free(&st->m);
    st->ready = false;
    if (!gan_model_init(&st->m, &st->cfg, err, n)) return false;
    st->ready = true;
    st->after_d = false;
    st->shown_step = -1;
    return true;
}

static bool gan_init(void *p, char *err, size_t n) {
    gan_state *st = p;
    if (st->first_steps > st->story_steps) {
        snprintf(err, n, "first_steps (%d) must not pass steps (%d)", st->first_steps, st->story_steps);
        return false;
    }
    const int L = GAN_GRID_LINES, P = GAN_GRID_POINTS, R = GAN_FIELD;
    st->zgrid = ts_new3(&st->arena, "zgrid", P, 2 * L, 2);
    st->xgrid = ts_new3(&st->arena, "G(zgrid)", P, 2 * L, 2);
    st->field_before = ts_new2(&st->arena, "field", R, R);
    fill_zgrid(st->zgrid);
    if (rebuild(st, err, n)) return true;
    ts_arena_free(&st->arena);   /* a failed init leaves nothing behind */
    return false;
}

/* The training step a beat shows at time t (0..1 of the beat). */
static int story_step(const gan_state *st, const scene_clock *c) {
    if (c->beat == GB_PLAYERS_MEET) return 0;
    if (c->beat < GB_TRAIN) return st->first_steps;
    if (c->beat == GB_TRAIN)
        return st->first_steps + (int)lroundf(ease_in_out(c->t) * (st->story_steps - st->first_steps));
    return st->story_steps;
}

/* Brings the model to `step` (plus, for beat 3's second half, one extra
 * discriminator update) and recomputes what is shown. */
static void bring_to(gan_state *st, int step, bool extra_d) {
    if (st->shown_step == step && st->after_d == extra_d) return;
    double t0 = scene_seconds();
    gan_model *m = &st->m;
    gan_model_seek(m, step);
    gan_model_show(m);
    st->loss_d_before = m->loss_d->data[0];
    memcpy(st->field_before->data, m->field->data, sizeof(float) * GAN_FIELD * GAN_FIELD);
    if (extra_d) {
        gan_model_step_d(m);
        gan_model_show(m);
    }
    st->loss_d_after = m->loss_d->data[0];
    st->after_d = extra_d;
    st->shown_step = step;
    /* the noise grid through G, in chunks that fit G's batch */
    const int total = GAN_GRID_POINTS * 2 * GAN_GRID_LINES;
    for (int at = 0; at < total; at += GAN_N_SHOW) {
        int k = total - at < GAN_N_SHOW ? total - at : GAN_N_SHOW;
        ts_mlp_forward(m->G, st->xgrid->data + 2 * at, st->zgrid->data + 2 * at, k);
    }
    st->cover_now = gan_model_coverage(m);
    st->recompute_ms = 1e3 * (scene_seconds() - t0);
}

#define GAN_ROW_GAP 14.0f

static void controls(gan_state *st, ui_ctx *ui, const scene_clock *c) {
    /* the controls float over the bottom of the side panel (ui_panel): the
     * pictures keep the room an export gives them */
    gan_layout L = gan_layout_for(st->live ? GB_TRAIN : c->beat, true);
    dg_rect r = L.controls;
    if (r.w <= 0 || !ui->show_widgets) return;
    ui_panel(ui, r.x - 14, r.y - 14, r.w + 28, r.h + 20);
    float bw = (r.w - 3 * 16) / 4, h = ui_row_height();
    if (ui_button(ui, st->live ? "Pause" : "Train", r.x, r.y, bw, h)) {
        if (!st->live) st->live_step = st->m.step;
        st->live = !st->live;
        st->shown_step = -1;
    }
    if (ui_button(ui, "Step D", r.x + (bw + 16), r.y, bw, h)) {
        gan_model_step_d(&st->m);
        gan_model_show(&st->m);
        st->live = true;
        st->live_step = st->m.step;
        st->shown_step = -2;   /* hand-taken: keep it until the next change */
    }
    if (ui_button(ui, "Step G", r.x + 2 * (bw + 16), r.y, bw, h)) {
        gan_model_step_g(&st->m);
        gan_model_show(&st->m);
        st->live = true;
        st->live_step = st->m.step;
        st->shown_step = -2;
    }
    if (ui_button(ui, "Reset", r.x + 3 * (bw + 16), r.y, bw, h)) {
        char err[128];
        rebuild(st, err, sizeof err);
        st->live = true;
        st->live_step = 0;
    }
    /* row 2: the target; rows 3 and 4: two settings side by side */
    float y = r.y + h + GAN_ROW_GAP, half = (r.w - 24) / 2, x2 = r.x + half + 24;
    bool changed = false;
    int tgt = st->cfg.target;
    if (ui_choice(ui, "target", r.x, y, r.w, h, gan_target_names, GAN_TARGET_COUNT, &tgt)) {
        if (tgt != GAN_DRAWN || st->cfg.drawn_n >= 8) {
            st->cfg.target = tgt;
            changed = true;
        } else {
            snprintf(st->note, sizeof st->note, "Click on the plane to draw at least 8 target points");
            st->cfg.target = GAN_DRAWN;
            st->cfg.drawn_n = 0;
            st->live = false;
        }
    }
    y += h + GAN_ROW_GAP;
    float lg = log10f(st->cfg.lr_g), ld = log10f(st->cfg.lr_d);
    if (ui_slider(ui, "log10 lr G", r.x, y, half, &lg, -5, -1, "%.1f")) {
        st->cfg.lr_g = powf(10, lg);
        changed = true;
    }
    if (ui_slider(ui, "log10 lr D", x2, y, half, &ld, -5, -1, "%.1f")) {
        st->cfg.lr_d = powf(10, ld);
        changed = true;
    }
    y += h + GAN_ROW_GAP;
    if (ui_slider_int(ui, "D steps / G step", r.x, y, half, &st->cfg.d_steps, 1, 5)) changed = true;
    if (ui_toggle(ui, "minimax loss", x2, y, half, &st->cfg.minimax)) changed = true;
    y += h + GAN_ROW_GAP;
    if (ui_slider_int(ui, "hidden units", r.x, y, half, &st->cfg.hidden, 8, 128)) changed = true;
    ui_toggle(ui, "slow motion", x2, y, half, &st->slow);

    /* Drawing a target: clicks on the plane add points. */
    float px, py;
    if (st->cfg.target == GAN_DRAWN && ui->in.mouse_pressed && !ui->mouse_used &&
        st->cfg.drawn_n < GAN_MAX_DRAWN &&
        dg_plane_point_at(L.plane, &gan_plane_style, ui->in.mouse_x, ui->in.mouse_y, &px, &py)) {
        st->cfg.drawn[st->cfg.drawn_n][0] = px;
        st->cfg.drawn[st->cfg.drawn_n][1] = py;
        if (++st->cfg.drawn_n >= 8) changed = true;
    }
    if (changed) {
        char err[128];
        if (rebuild(st, err, sizeof err)) {
            st->live = true;
            st->live_step = 0;
        } else {
            snprintf(st->note, sizeof st->note, "%s", err);
        }
    }
}

static void gan_update(void *p, const scene_clock *c, ui_ctx *ui) {
    gan_state *st = p;
    if (!st->ready) return;
    controls(st, ui, c);
    if (!st->ready) return;
    if (st->live) {
        if (st->shown_step != -2) {
            /* about 4 steps a frame; slow motion: one step every 8 frames */
            st->frame++;
            if (st->live_step < GAN_MAX_STEPS && (!st->slow || st->frame % 8 == 0))
                st->live_step += st->slow ? 1 : 4;
            bring_to(st, st->live_step, false);
        }
        return;
    }
    bool extra = c->beat == GB_D_STEP && c->t >= 0.45f;
    bring_to(st, story_step(st, c), extra);
}

static void gan_dump(const void *p, const scene_clock *c, ts_dump *d) {
    const gan_state *st = p;
    const gan_model *m = &st->m;
    const gan_config *cfg = &m->cfg;
    ts_dump_param_str(d, "loss", cfg->minimax ? "minimax" : "nonsaturating");
    ts_dump_param_str(d, "activation", cfg->slope > 0 ? "LeakyReLU" : "ReLU");
    ts_dump_param(d, "slope", cfg->slope);
    ts_dump_param(d, "step", m->step);
    ts_dump_param(d, "extra_d_step", st->after_d);
    ts_dump_param(d, "lr_g", cfg->lr_g);
    ts_dump_param(d, "lr_d", cfg->lr_d);
    ts_dump_param(d, "d_steps", cfg->d_steps);
    ts_dump_param(d, "batch", cfg->batch);
    ts_dump_param(d, "seed", cfg->seed);
    ts_dump_param_str(d, "target", gan_target_names[cfg->target]);
    ts_dump_param(d, "field_extent", GAN_EXTENT);
    ts_dump_param(d, "field_rows", GAN_FIELD);
    ts_dump_param(d, "cover_every", GAN_COVER_EVERY);
    const ts_tensor *t[] = { m->z, m->real, m->fake, m->real_logits, m->fake_logits,
                             m->loss_d, m->loss_g, m->grad_fake, m->field };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) ts_dump_tensor(d, t[i]);
    ts_tensor *pg[2 * TS_MLP_MAX_LAYERS], *pd[2 * TS_MLP_MAX_LAYERS];
    int ng = ts_mlp_params(m->G, pg), nd = ts_mlp_params(m->D, pd);
    for (int i = 0; i < ng; i++) ts_dump_tensor(d, pg[i]);
    for (int i = 0; i < nd; i++) ts_dump_tensor(d, pd[i]);
    if (c->beat >= GB_TRAIN && m->modes > 0) {
        int n = m->step / GAN_COVER_EVERY + 1;
        ts_tensor cov = { .name = "coverage", .ndim = 1, .shape = { n }, .stride = { 1 },
                          .data = m->hist_cover };
        ts_dump_tensor(d, &cov);
    }
}

static void gan_shutdown(void *p) {
    gan_state *st = p;
    if (st->ready) gan_model_free(&st->m);
    ts_arena_free(&st->arena);
}

static const ui_help_key gan_help[] = {
    {"Train / Pause", "train live from this beat's state"},
    {"Step D, Step G", "one discriminator or one generator update, then look"},
    {"Reset", "back to the untrained networks"},
    {"target: drawn", "click the plane to place target points (8 or more)"},
    {"sliders", "learning rates, D steps per G step, hidden units, minimax loss, slow motion"},
    {"hover", "a fake sample or the field: its value and where it came from"},
};
const scene_kind scene_gan = {
    .name = "gan",
    .title = "Generative adversarial networks",
    .group = "Generative models",
    .summary = "A forger and a detective trained live against each other; mode collapse caught with a number.",
    .beats = gan_beats,
    .beat_count = GB_COUNT,
    .state_size = sizeof(gan_state),
    .defaults = gan_defaults,
    .set = gan_set,
    .init = gan_init,
    .update = gan_update,
    .draw = gan_draw,
    .dump = gan_dump,
    .shutdown = gan_shutdown,
    .help = gan_help,
    .help_count = (int)(sizeof gan_help / sizeof gan_help[0]),
};
