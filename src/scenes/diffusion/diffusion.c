/* diffusion.c: noise added step by step, and a denoiser that walks it
 * back: on 16x16 digits with a class-conditional model trained by
 * tools/train_diffusion.c (diff_digits.h), and on 2-D points with a model
 * trained here, live.
 *
 * Beats: 1 one noising step with its numbers; 2 many steps, t scrubbed
 * from 0 to T with alpha_bar and the SNR; 3 the closed-form shortcut with
 * one pixel's (or point's) numbers; 4 linear versus cosine schedules at the
 * same t; 5 training live on 2-D points (the loss, predicted noise on the
 * points); 6 one reverse step with its numbers; 7 the whole reverse chain
 * from pure noise: digits of a chosen class with classifier-free guidance
 * (or points, their paths drawn); 8 fewer sampling steps (1000, 50, 10) on
 * the points and what quality costs. With show = digits (the default) beats
 * 1-4, 6 and 7 show digits (diff_digits_story.c, diff_digits_draw.c); with
 * show = points every beat shows the 2-D cloud.
 *
 * Dumps (the names the held-out check reads), params data = points:
 * schedule.betas, schedule.alpha_bar [T]; x0, eps, xt [N,2] (forward beats:
 * xt = sqrt(ab_t) x0 + sqrt(1-ab_t) eps); temb [N,E]; denoiser.in [N,2+E]
 * (xt, then temb); denoiser.K.weight/bias (Linear layers of an
 * nn.Sequential with SiLU); eps_pred [N,2]; on reverse beats (6-8) also
 * x0_pred, posterior_mean, z, x_prev [N,2] of one step of the sampler,
 * whose input is xt (x0 and eps are then not dumped). params: t (0-based),
 * schedule, stage (forward | reverse), variance (posterior), clip_x0 (0),
 * sampler steps, and for a respaced sampler the step's alpha_bar and
 * alpha_bar_prev. params data = digits: the same names with images
 * [N,1,16,16] (x0, eps, xt; x0_pred, posterior_mean, z, x_prev), the
 * denoiser's input [N, 256+32+10] (xt flattened, temb, the class one-hot),
 * eps_cond and eps_uncond beside the guided eps_pred, params class,
 * num_classes, guidance, clip_x0 (1); beat 1 adds x_prev_step, step_noise
 * and x_step (the one step shown), beat 4 xt.cosine, beats 6-7 x_chain (the
 * digits shown).
 *
 * Preset keys, section [diffusion]: show = digits | points, class = 0..9
 * and guidance = 0..10 (the digits sampled), digit_steps = 10..1000 (the
 * image sampler's steps), data = spiral | moons | ring | drawn, schedule =
 * linear | cosine (of the 2-D model), hidden = 16..256, lr = 1e-5..0.05,
 * batch = 16..1024, seed, sample_seed, t = 1..999 (the timestep the story
 * looks at), steps = 100..20000 (training steps of beat 5), live = on (train
 * the 2-D model live from the start); section [drawn]: points = x y pairs
 * in -3..3 (8..512 of them).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "scenes/diffusion/diff_scene.h"
#include "ui/ui.h"

const int diff_fewer_steps[DIFF_FEWER] = { 1000, 50, 10 };

const scene_beat diff_beats[DB_COUNT] = {
    {"One step of noise",
     "Each step of the forward process shrinks the data a little toward zero and adds a little "
     "Gaussian noise. One step changes almost nothing.", 4.0f},
    {"Many steps",
     "Step after step the data dissolves. By the last step only Gaussian noise is left: "
     "alpha-bar, the share of the signal left, has fallen to almost zero.", 7.0f, .motion = true},
    {"A shortcut to any step",
     "Because every step adds Gaussian noise, step t can be reached in one jump from the clean data: "
     "scale it by the square root of alpha-bar and add noise of the rest.", 4.0f},
    {"Linear or cosine schedule",
     "The same step t under two schedules. The cosine schedule destroys information more gently, "
     "so more of the structure survives halfway through.", 5.0f},
    {"Learning to predict the noise",
     "A network sees a noised sample and its timestep and guesses the noise that was added; the squared "
     "error is the whole loss. The digit model learned so ahead of time; here a small one learns on points, live.", 8.0f},
    {"One step back",
     "From the predicted noise follow a guess of the clean data, the posterior mean between it and "
     "the current sample, and a little fresh noise: one step back toward the data.", 5.0f},
    {"From pure noise to data",
     "Start from pure noise and take every step back: new data emerges, though none is stored. "
     "The network learned where data belongs; guidance steers it toward the class asked for.", 8.0f, .motion = true},
    {"Fewer steps",
     "Sampling with 50 or 10 larger steps is 20 to 100 times faster. The cost is quality: the "
     "points' mean distance to the data grows as the steps get fewer.", 5.0f},
};

static void diff_defaults(void *p) {
    diff_state *st = p;
    st->cfg = diff_config_default();
    st->story_steps = 5000;
    st->t_show = 150;
    st->sample_seed = 7;
    st->dg.on = true;
    st->dg.cls = 3;
    st->dg.guidance = 10;   /* the judge's scale: every class read right >= 80% */
    st->dg.steps = DIG_T;
}

static bool diff_set(void *p, const char *sec, const char *key, const char *val, char *err, size_t n) {
    diff_state *st = p;
    diff_config *c = &st->cfg;
    if (strcmp(sec, "diffusion") == 0) {
        if (strcmp(key, "data") == 0) return preset_choice(key, val, diff_data_names, DIFF_DATA_COUNT, &c->data, err, n);
        if (strcmp(key, "show") == 0) {
            static const char *const names[2] = { "digits", "points" };
            int v;
            if (!preset_choice(key, val, names, 2, &v, err, n)) return false;
            st->dg.on = v == 0;
            return true;
        }
        if (strcmp(key, "class") == 0) return preset_int(key, val, 0, DIG_CLASSES - 1, &st->dg.cls, err, n);
        if (strcmp(key, "guidance") == 0) return preset_float(key, val, 0, 10, &st->dg.guidance, err, n);
        if (strcmp(key, "digit_steps") == 0) return preset_int(key, val, 10, DIG_T, &st->dg.steps, err, n);
        if (strcmp(key, "live") == 0) return preset_bool(key, val, &st->live, err, n);
        if (strcmp(key, "schedule") == 0) {
            static const char *const names[2] = { "linear", "cosine" };
            int v;
            if (!preset_choice(key, val, names, 2, &v, err, n)) return false;
            c->cosine = v == 1;
            return true;
        }
        if (strcmp(key, "hidden") == 0) return preset_int(key, val, 16, 256, &c->hidden, err, n);
        if (strcmp(key, "lr") == 0) return preset_float(key, val, 1e-5f, 0.05f, &c->lr, err, n);
        if (strcmp(key, "batch") == 0) return preset_int(key, val, 16, 1024, &c->batch, err, n);
        if (strcmp(key, "t") == 0) return preset_int(key, val, 1, DIFF_T - 1, &st->t_show, err, n);
        if (strcmp(key, "steps") == 0) return preset_int(key, val, 100, DIFF_MAX_STEPS, &st->story_steps, err, n);
        if (strcmp(key, "seed") == 0 || strcmp(key, "sample_seed") == 0) {
            int s;
            if (!preset_int(key, val, 0, 1000000000, &s, err, n)) return false;
            if (key[0] == 's' && key[1] == 'e') c->seed = (unsigned)s;
            else st->sample_seed = (unsigned)s;
            return true;
        }
    } else if (strcmp(sec, "drawn") == 0 && strcmp(key, "points") == 0) {
        int cnt = 0;
        if (!preset_floats(key, val, &c->drawn[0][0], 2 * DIFF_MAX_DRAWN, &cnt, -3, 3, err, n)) return false;
        if (cnt % 2 || cnt < 16) {
            snprintf(err, n, "points must be x y pairs, at least 8 of them, got %d numbers", cnt);
            return false;
        }
        c->drawn_n = cnt / 2;
        return true;
    }
    return preset_unknown(sec, key, err, n);
}

static bool rebuild(diff_state *st, char *err, size_t n) {
    if (st->ready) diff_model_free(&st->m);
    st->ready = false;
    if (!diff_model_init(&st->m, &st->cfg, err, n)) return false;
    st->ready = true;
    st->fewer_trained = -1;
    return true;
}

static bool diff_init(void *p, char *err, size_t n) {
    diff_state *st = p;
    const int N = DIFF_N, T = DIFF_T;
    st->xprev1 = ts_new2(&st->arena, "x_prev_step", N, 2);
    st->noise1 = ts_new2(&st->arena, "step_noise", N, 2);
    st->x1 = ts_new2(&st->arena, "x_step", N, 2);
    st->xt_cos = ts_new2(&st->arena, "xt.other_schedule", N, 2);
    st->ab_lin = ts_new1(&st->arena, "alpha_bar.linear", T);
    st->ab_cos = ts_new1(&st->arena, "alpha_bar.cosine", T);
    st->snr_lin = ts_new1(&st->arena, "snr.linear", T);
    st->snr_cos = ts_new1(&st->arena, "snr.cosine", T);
    st->trail = ts_new3(&st->arena, "trajectories", DIFF_T + 1, DIFF_TRAILS, 2);
    for (int i = 0; i < DIFF_FEWER; i++) {
        st->fewer[i] = ts_new2(&st->arena, NULL, N, 2);
        ts_tensor_set_name(st->fewer[i], "samples.%d_steps", diff_fewer_steps[i]);
    }
    if (!rebuild(st, err, n)) {   /* a failed init leaves nothing behind */
        ts_arena_free(&st->arena);
        return false;
    }
    if (!diff_digits_init(st, err, n)) {
        diff_model_free(&st->m);
        st->ready = false;
        ts_arena_free(&st->arena);
        return false;
    }
    for (int t = 0; t < T; t++) {
        float a = st->m.lin->alpha_bar[t], b = st->m.cos->alpha_bar[t];
        st->ab_lin->data[t] = a;
        st->ab_cos->data[t] = b;
        st->snr_lin->data[t] = a / (1 - a);
        st->snr_cos->data[t] = b / (1 - b);
    }
    return true;
}

/* Mean distance from each sample to the nearest of 2000 fresh data points. */
static float sample_error(const diff_model *m, const float *x) {
    static float d[4000];
    ts_rng r;
    ts_rng_seed(&r, 99);
    diff_sample_data(&m->cfg, &r, d, 2000);
    double s = 0;
    for (int i = 0; i < DIFF_N; i++) {
        float best = 1e30f;
        for (int j = 0; j < 2000; j++) {
            float dx = x[2 * i] - d[2 * j], dy = x[2 * i + 1] - d[2 * j + 1];
            best = fminf(best, dx * dx + dy * dy);
        }
        s += sqrtf(best);
    }
    return (float)(s / DIFF_N);
}

static int story_train_step(const diff_state *st, const scene_clock *c) {
    if (c->beat < DB_TRAIN) return 0;
    if (c->beat == DB_TRAIN) return (int)lroundf(ease_in_out(c->t) * st->story_steps);
    return st->story_steps;
}

static void update_story(diff_state *st, const scene_clock *c) {
    diff_model *m = &st->m;
    int beat = st->live ? DB_TRAIN : c->beat;
    st->reverse = beat >= DB_REVERSE;
    if (beat == DB_MANY) st->t_cur = (int)lroundf(ease_in_out(c->t) * (DIFF_T - 1));
    else if (beat == DB_RECIPE) st->t_cur = DIFF_STEP_T;
    else st->t_cur = st->t_show;
    if (diff_digits_shown(st, beat)) {   /* the image model: the 2-D one waits */
        diff_digits_update(st, c, beat);
        return;
    }
    int step = st->live ? st->live_step : story_train_step(st, c);
    bool retrained = step != m->step;
    diff_model_seek(m, step);
    st->trained = m->step;
    if (!st->reverse) {
        diff_model_noise(m, st->t_cur, m->sched);
        if (beat == DB_SCHEDULES)
            ts_ddpm_q_sample(st->xt_cos->data, m->x0->data, m->eps->data,
                             m->cfg.cosine ? m->lin : m->cos, st->t_cur, DIFF_N * 2);
        if (beat == DB_RECIPE) {
            /* x_{t-1} from the shortcut, then one step with fresh noise */
            const ts_ddpm_schedule *s = m->sched;
            int t = st->t_cur;
            ts_ddpm_q_sample(st->xprev1->data, m->x0->data, m->eps->data, s, t - 1, DIFF_N * 2);
            ts_rng r;
            ts_rng_seed(&r, 1234);
            ts_rng_normal_fill(&r, st->noise1->data, DIFF_N * 2, 0, 1);
            float a = sqrtf(1 - s->betas[t]), b = sqrtf(s->betas[t]);
            for (int i = 0; i < DIFF_N * 2; i++)
                st->x1->data[i] = a * st->xprev1->data[i] + b * st->noise1->data[i];
        }
        return;
    }
    if (beat == DB_REVERSE) {
        /* the 1000-step chain, advanced to the step out of t_show */
        if (retrained || m->chain_steps != DIFF_T || m->chain_seed != st->sample_seed)
            diff_model_chain_begin(m, DIFF_T, st->sample_seed);
        int k = DIFF_T - 1 - st->t_show;
        if (m->chain_done > k + 1) diff_model_chain_begin(m, DIFF_T, st->sample_seed);
        diff_model_chain_advance(m, k + 1);
        st->t_cur = m->r_t;
        return;
    }
    if (beat == DB_CHAIN) {
        if (retrained || m->chain_steps != DIFF_T || m->chain_seed != st->sample_seed)
            diff_model_chain_begin(m, DIFF_T, st->sample_seed);
        int k = (int)lroundf(ease_in_out(c->t) * DIFF_T);
        if (m->chain_done > k) diff_model_chain_begin(m, DIFF_T, st->sample_seed);
        diff_model_chain_advance(m, k);
        st->chain_k = k;
        st->t_cur = m->r_t;
        /* the paths, one state every DIFF_TRAIL_EVERY steps, and the current one */
        int n = 0;
        for (int s = 0; s <= k; s += DIFF_TRAIL_EVERY)
            memcpy(st->trail->data + (size_t)n++ * DIFF_TRAILS * 2, diff_model_chain_at(m, s),
                   sizeof(float) * DIFF_TRAILS * 2);
        if (k % DIFF_TRAIL_EVERY)
            memcpy(st->trail->data + (size_t)n++ * DIFF_TRAILS * 2, diff_model_chain_at(m, k),
                   sizeof(float) * DIFF_TRAILS * 2);
        st->trail_n = n;
        return;
    }
    /* fewer steps: three samplers, computed once per trained model */
    if (st->fewer_trained != m->step) {
        for (int i = DIFF_FEWER - 1; i >= 0; i--) {   /* 1000 last: its step stays for the dump */
            diff_model_chain_begin(m, diff_fewer_steps[i], st->sample_seed);
            diff_model_chain_advance(m, diff_fewer_steps[i]);
            memcpy(st->fewer[i]->data, diff_model_chain_at(m, diff_fewer_steps[i]), sizeof(float) * DIFF_N * 2);
            st->fewer_err[i] = sample_error(m, st->fewer[i]->data);
        }
        st->fewer_trained = m->step;
    }
    st->t_cur = m->r_t;
}

static void controls(diff_state *st, ui_ctx *ui, const scene_clock *c) {
    if (!ui->show_widgets) return;   /* they float over the side panel (ui_panel) */
    int beat = st->live ? DB_TRAIN : c->beat;
    bool digits = diff_digits_shown(st, beat);
    diff_layout L = diff_layout_for(beat, true, digits);
    dg_rect r = L.controls;
    if (r.w <= 0) return;
    ui_panel(ui, r.x - 14, r.y - 14, r.w + 28, r.h + 20);
    float h = ui_row_height(), bw = (r.w - 2 * 16) / 3;
    /* the digits are trained ahead of time: on their beats these two train
     * the points live (and show them), and say so */
    if (ui_button(ui, st->live ? "Pause" : digits ? "Train points" : "Train", r.x, r.y, bw, h)) {
        if (!st->live) st->live_step = st->m.step;
        st->live = !st->live;
    }
    if (ui_button(ui, digits ? "Reset points" : "Reset", r.x + bw + 16, r.y, bw, h)) {
        char err[128];
        rebuild(st, err, sizeof err);
        st->live = true;
        st->live_step = 0;
    }
    if (ui_button(ui, "New seed", r.x + 2 * (bw + 16), r.y, bw, h)) {
        st->sample_seed++;
        st->fewer_trained = -1;
    }
    float y = r.y + h + 14;
    if (digits) {   /* the image model: the timestep, the class sampled and the guidance */
        static const char *const classes[DIG_CLASSES] = { "0", "1", "2", "3", "4", "5", "6", "7", "8", "9" };
        ui_slider_int(ui, "t", r.x, y, r.w, &st->t_show, 1, DIFF_T - 1);
        y += h + 14;
        ui_choice(ui, "class", r.x, y, (r.w - 24) * 0.55f, h, classes, DIG_CLASSES, &st->dg.cls);
        float gx = r.x + (r.w - 24) * 0.55f + 24;
        ui_slider(ui, "guidance", gx, y, r.x + r.w - gx, &st->dg.guidance, 0, 10, "%.1f");
        return;
    }
    int data = st->cfg.data, sched = st->cfg.cosine;
    static const char *const sn[2] = { "linear", "cosine" };
    bool changed = false;
    if (ui_choice(ui, "data", r.x, y, r.w, h, diff_data_names, DIFF_DATA_COUNT, &data)) {
        st->cfg.data = data;
        if (data == DIFF_DRAWN) {   /* a fresh drawing: clicks on the plane add points */
            st->cfg.drawn_n = 0;
            st->live = false;
        } else {
            changed = true;
        }
    }
    y += h + 14;
    if (ui_choice(ui, "schedule", r.x, y, (r.w - 24) / 2, h, sn, 2, &sched)) {
        st->cfg.cosine = sched;
        changed = true;
    }
    float lr = log10f(st->cfg.lr);
    if (ui_slider(ui, "log10 lr", r.x + (r.w + 24) / 2, y, (r.w - 24) / 2, &lr, -4, -1.5f, "%.1f")) {
        st->cfg.lr = powf(10, lr);
        changed = true;
    }
    if (ui_slider_int(ui, "t", r.x, y + h + 14, r.w, &st->t_show, 1, DIFF_T - 1)) st->fewer_trained = -1;
    float px, py;
    if (st->cfg.data == DIFF_DRAWN && ui->in.mouse_pressed && !ui->mouse_used &&
        st->cfg.drawn_n < DIFF_MAX_DRAWN &&
        dg_plane_point_at(L.plane, &diff_plane_style, ui->in.mouse_x, ui->in.mouse_y, &px, &py) &&
        fabsf(px) <= 3 && fabsf(py) <= 3) {
        st->cfg.drawn[st->cfg.drawn_n][0] = px;   /* clicks on the plane add points */
        st->cfg.drawn[st->cfg.drawn_n][1] = py;
        if (++st->cfg.drawn_n >= 8) changed = true;
    }
    if (changed) {
        char err[128];
        if (rebuild(st, err, sizeof err)) {
            st->live = true;
            st->live_step = 0;
        }
    }
}

static void diff_update(void *p, const scene_clock *c, ui_ctx *ui) {
    diff_state *st = p;
    if (!st->ready) return;
    controls(st, ui, c);
    if (!st->ready) return;
    double t0 = scene_seconds();
    if (st->live && st->live_step < DIFF_MAX_STEPS) st->live_step += 3;
    int before = st->m.step;
    update_story(st, c);
    if (st->live && st->m.step > before) st->live_trained += st->m.step - before;
    st->recompute_ms = 1e3 * (scene_seconds() - t0);
}

static long diff_work(const void *p) {
    return ((const diff_state *)p)->live_trained;
}

static void diff_dump(const void *p, const scene_clock *c, ts_dump *d) {
    const diff_state *st = p;
    const diff_model *m = &st->m;
    if (diff_digits_shown(st, c->beat)) {
        diff_digits_dump(st, c, d);
        return;
    }
    ts_dump_param_str(d, "data", "points");
    ts_dump_param(d, "t", st->t_cur);
    ts_dump_param_str(d, "schedule", m->cfg.cosine ? "cosine" : "linear");
    ts_dump_param_str(d, "stage", st->reverse ? "reverse" : "forward");
    ts_dump_param_str(d, "variance", "posterior");
    ts_dump_param(d, "clip_x0", 0);
    ts_dump_param(d, "trained_steps", m->step);
    ts_dump_param(d, "temb_size", DIFF_E);
    ts_dump_tensor(d, m->betas);
    ts_dump_tensor(d, m->alpha_bar);
    ts_tensor *pr[8];
    int np = ts_mlp_params(m->net, pr);
    for (int i = 0; i < np; i++) ts_dump_tensor(d, pr[i]);
    if (!st->reverse) {
        const ts_tensor *t[] = { m->x0, m->eps, m->xt, m->temb, m->din, m->eps_pred };
        for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) ts_dump_tensor(d, t[i]);
        return;
    }
    /* one step of the sampler: its input, prediction and results */
    ts_dump_param(d, "sampler_steps", m->chain_steps);
    ts_dump_param(d, "step_index", m->r_index);
    ts_dump_param(d, "step_alpha_bar", m->resp->alpha_bar[m->r_index]);
    ts_dump_param(d, "step_alpha_bar_prev", m->resp->alpha_bar_prev[m->r_index]);
    ts_dump_param(d, "step_beta", m->resp->betas[m->r_index]);
    ts_tensor xt = *m->r_xt, ep = *m->r_eps;
    snprintf(xt.name, sizeof xt.name, "xt");
    snprintf(ep.name, sizeof ep.name, "eps_pred");
    ts_dump_tensor(d, &xt);
    ts_dump_tensor(d, &ep);
    /* the denoiser's input for that step: xt, then the embedding of t */
    static float din[DIFF_N * (2 + DIFF_E)], temb[DIFF_N * DIFF_E];
    for (int i = 0; i < DIFF_N; i++) {
        din[i * (2 + DIFF_E)] = xt.data[2 * i];
        din[i * (2 + DIFF_E) + 1] = xt.data[2 * i + 1];
        diff_temb(din + i * (2 + DIFF_E) + 2, m->r_t, DIFF_E);
        memcpy(temb + i * DIFF_E, din + i * (2 + DIFF_E) + 2, sizeof(float) * DIFF_E);
    }
    ts_tensor tin = { .name = "denoiser.in", .ndim = 2, .shape = { DIFF_N, 2 + DIFF_E },
                      .stride = { 2 + DIFF_E, 1 }, .data = din };
    ts_tensor tt = { .name = "temb", .ndim = 2, .shape = { DIFF_N, DIFF_E },
                     .stride = { DIFF_E, 1 }, .data = temb };
    ts_dump_tensor(d, &tin);
    ts_dump_tensor(d, &tt);
    const ts_tensor *t[] = { m->r_x0_pred, m->r_mean, m->r_z, m->r_prev };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) ts_dump_tensor(d, t[i]);
    for (int i = 0; i < DIFF_FEWER && c->beat == DB_FEWER; i++) ts_dump_tensor(d, st->fewer[i]);
}

static void diff_shutdown(void *p) {
    diff_state *st = p;
    if (st->ready) diff_model_free(&st->m);
    diff_digits_free(st);
    ts_arena_free(&st->arena);
}

static const ui_help_key diff_help[] = {
    {"Train / Pause", "train the denoiser live on the 2-D data; Reset starts again"},
    {"New seed", "sample again from fresh noise"},
    {"data: drawn", "click the plane to place your own points (8 or more), then it trains"},
    {"schedule, lr", "linear or cosine noise schedule; the learning rate"},
    {"t", "drag to scrub the timestep from 1 to 999"},
    {"hover", "any point or curve: its value at every stage and where it came from"},
};

static const char *diff_busy(const void *p, float *progress) { return diff_digits_busy(p, progress); }

const scene_kind scene_diffusion = {
    .name = "diffusion",
    .title = "Diffusion models",
    .group = "Generative models",
    .summary = "Noise added step by step; a denoiser walks it back and draws digits of the class you pick.",
    .beats = diff_beats,
    .beat_count = DB_COUNT,
    .state_size = sizeof(diff_state),
    .defaults = diff_defaults,
    .set = diff_set,
    .init = diff_init,
    .update = diff_update,
    .draw = diff_draw,
    .dump = diff_dump,
    .shutdown = diff_shutdown,
    .help = diff_help,
    .help_count = (int)(sizeof diff_help / sizeof diff_help[0]),
    .work = diff_work,
    .work_name = "live training steps",
    .busy = diff_busy,
};
