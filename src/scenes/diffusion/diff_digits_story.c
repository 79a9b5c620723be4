/* diff_digits_story.c: the image half of the diffusion story: what update
 * computes for the beats that show digits (with show = digits: 1-4, 6 and
 * 7), and their dump.
 *
 * The clean digit is the weights file's training digit of the chosen class.
 * Forward beats noise it on the DDPM linear schedule (the one the image
 * model was trained with) and run the denoiser on x_t, guided toward that
 * class. Reverse beats run the image model's chain (diff_digits.h) over
 * DIG_SHOW digits of the class: every state is kept, so going back
 * recomputes just the one step whose numbers are on screen; what is shown
 * depends only on the clock and the inputs. A new chain (another class,
 * guidance, seed or number of steps: 1000 steps, about a second) is sampled
 * whole off the frame (scene_work): in the window the frames meanwhile show
 * the last finished chain (or the new chain's start, pure noise) under a
 * progress mark; exports get the finished chain in the frame that asks.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "scenes/diffusion/diff_scene.h"

#define NOISE_SEED 0xd1ff
#define STEP_SEED 1234

static ts_tensor *image(ts_arena *a, const char *name, int n) {
    return ts_new4(a, name, n, 1, DIG_SIZE, DIG_SIZE);
}

/* The shown pixel: the inked one nearest the centre, where the digit's
 * numbers stay readable as the noise grows. */
static int pick_pixel(const float *x0) {
    int best = DIG_PIX / 2 + DIG_SIZE / 2;
    float bd = 1e9f;
    for (int p = 0; p < DIG_PIX; p++) {
        float dy = p / DIG_SIZE - 7.5f, dx = p % DIG_SIZE - 7.5f, d = dx * dx + dy * dy;
        if (x0[p] > 0.5f && d < bd) {
            bd = d;
            best = p;
        }
    }
    return best;
}

bool diff_digits_shown(const diff_state *st, int beat) {
    return st->dg.on && !st->live && beat != DB_TRAIN && beat != DB_FEWER;
}

/* The work's function: the whole chain of the request into the work's own
 * chain, with the work's own model (nothing the frame touches). */
static bool sample_chain(void *ctx, const void *args, scene_work *w) {
    diff_digits *d = ctx;
    const diff_chain_req *r = args;
    dig_chain_begin(&d->wg, &d->wchain, r->n, r->steps, r->cls, r->guidance, r->seed);
    int steps = d->wchain.steps;
    for (int k = d->wchain.done; k < steps;) {
        k = k + 25 < steps ? k + 25 : steps;
        dig_chain_advance(&d->wg, &d->wchain, k);
        scene_work_report(w, (float)k / (float)steps);
    }
    return true;
}

bool diff_digits_init(diff_state *st, char *err, size_t n) {
    diff_digits *d = &st->dg;
    if (!d->on) return true;
    char path[1200];
    snprintf(path, sizeof path, "%s/assets/diffusion-digits.safetensors", scene_data_dir());
    if (!dig_model_load(&d->g, &d->arena, path, 2 * DIG_SHOW, err, n) ||
        !dig_model_load(&d->wg, &d->warena, path, 2 * DIG_SHOW, err, n) ||
        !(d->work = scene_work_new(sample_chain, d, sizeof(diff_chain_req)))) {
        size_t used = strlen(err);
        if (!d->work && used == 0) snprintf(err, n, "out of memory");
        else snprintf(err + used, n - used, " (regenerate with ./build/train_diffusion assets/diffusion-digits.safetensors)");
        ts_arena_free(&d->arena);
        ts_arena_free(&d->warena);
        return false;
    }
    ts_arena *a = &d->arena;
    d->x0 = image(a, "x0", 1);
    d->eps = image(a, "eps", 1);
    d->xt = image(a, "xt", 1);
    d->xt_other = image(a, "xt.cosine", 1);
    d->xprev = image(a, "x_prev_step", 1);
    d->noise = image(a, "step_noise", 1);
    d->x1 = image(a, "x_step", 1);
    d->in = ts_new2(a, "denoiser.in", DIG_SHOW, DIG_IN);
    d->temb = ts_new2(a, "temb", DIG_SHOW, DIG_E);
    d->eps_pred = image(a, "eps_pred", DIG_SHOW);
    d->eps_cond = image(a, "eps_cond", DIG_SHOW);
    d->eps_uncond = image(a, "eps_uncond", DIG_SHOW);
    d->r_xt = image(a, "xt", DIG_SHOW);
    d->r_x0_pred = image(a, "x0_pred", DIG_SHOW);
    d->r_mean = image(a, "posterior_mean", DIG_SHOW);
    d->r_z = image(a, "z", DIG_SHOW);
    d->r_prev = image(a, "x_prev", DIG_SHOW);
    d->now = image(a, "x_chain", DIG_SHOW);
    d->film = image(a, "x_chain.first", DIG_FILM);
    memcpy(d->x0->data, d->g.samples[d->cls], sizeof(float) * DIG_PIX);
    d->x0_cls = d->cls;
    ts_rng r;
    ts_rng_seed(&r, NOISE_SEED);
    ts_rng_normal_fill(&r, d->eps->data, DIG_PIX, 0, 1);
    ts_rng_seed(&r, STEP_SEED);
    ts_rng_normal_fill(&r, d->noise->data, DIG_PIX, 0, 1);
    d->pix = pick_pixel(d->x0->data);
    d->ready = true;
    return true;
}

void diff_digits_free(diff_state *st) {
    scene_work_free(st->dg.work);   /* waits for a chain under way */
    st->dg.work = NULL;
    dig_chain_free(&st->dg.chain);
    dig_chain_free(&st->dg.wchain);
    ts_arena_free(&st->dg.arena);
    ts_arena_free(&st->dg.warena);
    st->dg.ready = false;
}

const char *diff_digits_busy(const diff_state *st, float *progress) {
    if (!st->dg.work || !scene_work_busy(st->dg.work)) return NULL;
    *progress = scene_work_progress(st->dg.work);
    return "Sampling the reverse chain";
}

static bool chain_is(const dig_chain *c, const diff_chain_req *r) {
    return c->x && c->n == r->n && c->steps == r->steps && c->cls == r->cls && c->guidance == r->guidance &&
           c->seed == r->seed;
}

static void collect(diff_digits *d) {
    if (!scene_work_collect(d->work)) return;
    dig_chain t = d->chain;
    d->chain = d->wchain;
    d->wchain = t;
}

/* The chain the beat asks for: shown when finished; else asked of the work
 * (at once outside the window) while the last finished one stays. */
static void want_chain(diff_state *st) {
    diff_digits *d = &st->dg;
    int steps = d->steps < 1 ? 1 : d->steps > DIG_T ? DIG_T : d->steps;
    diff_chain_req want = { .n = DIG_SHOW, .steps = steps, .cls = d->cls, .guidance = d->guidance,
                            .seed = st->sample_seed };
    collect(d);
    if (chain_is(&d->chain, &want)) return;
    if (memcmp(&d->asked, &want, sizeof want) != 0) {
        d->asked = want;
        scene_work_request(d->work, &want);
        collect(d);
    }
    if (!d->chain.x)   /* nothing finished yet: the new chain's start, pure noise */
        dig_chain_begin(&d->g, &d->chain, want.n, want.steps, want.cls, want.guidance, want.seed);
}

/* Rows of the denoiser's input for n images x at t: in, temb and the three
 * predictions. */
static void denoise(diff_digits *d, const float *x, int n, int t) {
    d->n = n;
    ts_tensor *rows[] = { d->in, d->temb, d->eps_pred, d->eps_cond, d->eps_uncond };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) rows[i]->shape[0] = n;
    for (int i = 0; i < n; i++) {
        dig_input(d->in->data + (size_t)i * DIG_IN, x + (size_t)i * DIG_PIX, t, d->cls);
        memcpy(d->temb->data + (size_t)i * DIG_E, d->in->data + (size_t)i * DIG_IN + DIG_PIX, sizeof(float) * DIG_E);
    }
}

static void forward(diff_state *st, int beat, int t) {
    diff_digits *d = &st->dg;
    const ts_ddpm_schedule *s = d->g.sched;
    if (d->x0_cls != d->cls) {   /* the class changed: its clean digit */
        memcpy(d->x0->data, d->g.samples[d->cls], sizeof(float) * DIG_PIX);
        d->pix = pick_pixel(d->x0->data);
        d->x0_cls = d->cls;
    }
    ts_ddpm_q_sample(d->xt->data, d->x0->data, d->eps->data, s, t, DIG_PIX);
    denoise(d, d->xt->data, 1, t);
    dig_eps(&d->g, d->eps_pred->data, d->eps_cond->data, d->eps_uncond->data, d->xt->data, 1, t, d->cls,
            d->guidance);
    if (beat == DB_SCHEDULES)
        ts_ddpm_q_sample(d->xt_other->data, d->x0->data, d->eps->data, st->m.cos, t, DIG_PIX);
    if (beat == DB_RECIPE) {   /* x_{t-1} from the shortcut, then one step with fresh noise */
        ts_ddpm_q_sample(d->xprev->data, d->x0->data, d->eps->data, s, t - 1, DIG_PIX);
        float a = sqrtf(1 - s->betas[t]), b = sqrtf(s->betas[t]);
        for (int i = 0; i < DIG_PIX; i++) d->x1->data[i] = a * d->xprev->data[i] + b * d->noise->data[i];
    }
}

/* The chain's step that made state k into the named tensors. */
static void reverse(diff_state *st, int k) {
    diff_digits *d = &st->dg;
    dig_chain *c = &d->chain;
    dig_chain_advance(&d->g, c, k);
    d->k = k;
    size_t img = (size_t)c->n * DIG_PIX;
    memcpy(d->now->data, dig_chain_at(c, k), sizeof(float) * img);
    if (k == 0) return;
    memcpy(d->r_xt->data, c->xt, sizeof(float) * img);
    memcpy(d->r_x0_pred->data, c->x0_pred, sizeof(float) * img);
    memcpy(d->r_mean->data, c->mean, sizeof(float) * img);
    memcpy(d->r_z->data, c->z, sizeof(float) * img);
    memcpy(d->r_prev->data, c->prev, sizeof(float) * img);
    denoise(d, c->xt, c->n, c->step_t);
    memcpy(d->eps_pred->data, c->eps, sizeof(float) * img);
    memcpy(d->eps_cond->data, c->eps_cond, sizeof(float) * img);
    memcpy(d->eps_uncond->data, c->eps_uncond, sizeof(float) * img);
}

void diff_digits_update(diff_state *st, const scene_clock *c, int beat) {
    diff_digits *d = &st->dg;
    if (beat < DB_REVERSE) {
        forward(st, beat, st->t_cur);
        return;
    }
    want_chain(st);
    const dig_chain *ch = &d->chain;
    if (beat == DB_REVERSE) {   /* the step whose timestep is nearest t */
        int i = 0;
        for (int j = 1; j < ch->steps; j++)
            if (abs(ch->tau[j] - st->t_show) < abs(ch->tau[i] - st->t_show)) i = j;
        reverse(st, ch->steps - i < ch->done ? ch->steps - i : ch->done);
        st->t_cur = ch->step_t;
        return;
    }
    int k = (int)lroundf(ease_in_out(c->t) * ch->steps);
    reverse(st, k < ch->done ? k : ch->done);
    st->t_cur = ch->step_t;
    for (int f = 0; f < DIG_FILM; f++) {   /* the first digit at evenly spaced states */
        int k = (int)lroundf((float)f * ch->steps / (DIG_FILM - 1));
        d->film_t[f] = k <= d->k ? ch->state_t[k] : -2;
        if (k <= d->k) memcpy(d->film->data + (size_t)f * DIG_PIX, dig_chain_at(ch, k), sizeof(float) * DIG_PIX);
        else memset(d->film->data + (size_t)f * DIG_PIX, 0, sizeof(float) * DIG_PIX);
    }
}

void diff_digits_dump(const diff_state *st, const scene_clock *c, ts_dump *dm) {
    const diff_digits *d = &st->dg;
    (void)c;
    const ts_ddpm_schedule *s = d->g.sched;
    ts_dump_param_str(dm, "data", "digits");
    ts_dump_param(dm, "t", st->t_cur);
    ts_dump_param_str(dm, "schedule", "linear");
    ts_dump_param_str(dm, "variance", "posterior");
    ts_dump_param(dm, "clip_x0", 1);
    ts_dump_param(dm, "temb_size", DIG_E);
    ts_dump_param(dm, "class", d->cls);
    ts_dump_param(dm, "num_classes", DIG_CLASSES);
    ts_dump_param(dm, "guidance", d->guidance);
    ts_tensor tb = { .name = "schedule.betas", .ndim = 1, .shape = { DIG_T }, .stride = { 1 }, .data = s->betas };
    ts_tensor ta = { .name = "schedule.alpha_bar", .ndim = 1, .shape = { DIG_T }, .stride = { 1 },
                     .data = s->alpha_bar };
    ts_dump_tensor(dm, &tb);
    ts_dump_tensor(dm, &ta);
    ts_tensor *p[2 * TS_MLP_MAX_LAYERS];
    int np = ts_mlp_params(d->g.net, p);
    for (int i = 0; i < np; i++) ts_dump_tensor(dm, p[i]);
    bool rev = st->reverse;
    ts_dump_param_str(dm, "stage", rev ? "reverse" : "forward");
    if (!rev) {
        const ts_tensor *t[] = { d->x0, d->eps, d->xt, d->temb, d->in, d->eps_pred, d->eps_cond, d->eps_uncond };
        for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) ts_dump_tensor(dm, t[i]);
        if (st->t_cur == DIFF_STEP_T && c->beat == DB_RECIPE) {
            ts_dump_tensor(dm, d->xprev);
            ts_dump_tensor(dm, d->noise);
            ts_dump_tensor(dm, d->x1);
        }
        if (c->beat == DB_SCHEDULES) ts_dump_tensor(dm, d->xt_other);
        return;
    }
    const dig_chain *ch = &d->chain;
    ts_dump_param(dm, "sampler_steps", ch->steps);
    ts_dump_tensor(dm, d->now);
    if (d->k == 0) return;   /* the chain's start, pure noise: no step made it */
    ts_dump_param(dm, "step_index", ch->step_index);
    ts_dump_param(dm, "step_alpha_bar", ch->resp->alpha_bar[ch->step_index]);
    ts_dump_param(dm, "step_alpha_bar_prev", ch->resp->alpha_bar_prev[ch->step_index]);
    ts_dump_param(dm, "step_beta", ch->resp->betas[ch->step_index]);
    const ts_tensor *t[] = { d->r_xt, d->temb, d->in, d->eps_pred, d->eps_cond, d->eps_uncond,
                             d->r_x0_pred, d->r_mean, d->r_z, d->r_prev };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) ts_dump_tensor(dm, t[i]);
}
