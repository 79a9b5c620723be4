/* diff_digits.c: the image model of the diffusion scene: input rows,
 * guided noise prediction, the reverse chain, the weights file and the
 * 28 <-> 16 resampling. See diff_digits.h for the contract. */
#include "scenes/diffusion/diff_digits.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include "kernel/safetensors.h"
#include "scenes/diffusion/diff_model.h"

void dig_input(float *row, const float *x, int t, int cls) {
    memcpy(row, x, sizeof(float) * DIG_PIX);
    diff_temb(row + DIG_PIX, t, DIG_E);
    float *oh = row + DIG_PIX + DIG_E;
    for (int k = 0; k < DIG_CLASSES; k++) oh[k] = k == cls ? 1.0f : 0.0f;
}

void dig_model_new(dig_model *g, ts_arena *a, int hidden, int layers, int max_rows, ts_rng *rng) {
    memset(g, 0, sizeof *g);
    ts_mlp_desc d = { .name = "denoiser", .layers = layers, .act = TS_ACT_SILU, .max_batch = max_rows };
    d.sizes[0] = DIG_IN;
    for (int k = 1; k < layers; k++) d.sizes[k] = hidden;
    d.sizes[layers] = DIG_PIX;
    g->net = ts_mlp_new(a, &d, rng);
    g->hidden = hidden;
    g->layers = layers;
    float betas[DIG_T];
    ts_ddpm_linear_betas(betas, DIG_T, 0, 0);
    g->sched = ts_ddpm_schedule_new(a, betas, DIG_T);
    g->max_rows = max_rows;
    g->in = ts_arena_alloc(a, sizeof(float) * (size_t)max_rows * DIG_IN);
}

bool dig_model_load(dig_model *g, ts_arena *a, const char *path, int max_rows, char *err, size_t errlen) {
    ts_arena tmp = { 0 };
    char e[256];
    ts_dump *d = ts_st_read(path, &tmp, e, sizeof e);
    if (!d) {
        snprintf(err, errlen, "cannot read the digit model: %s", e);
        ts_arena_free(&tmp);
        return false;
    }
    /* the sizes from the file: Linear layers 0, 2, 4, ... until one is missing */
    const ts_tensor *w0 = ts_dump_find(d, "denoiser.0.weight");
    int layers = 0, hidden = w0 && w0->ndim == 2 ? w0->shape[0] : 0;
    char name[48];
    for (;; layers++) {
        snprintf(name, sizeof name, "denoiser.%d.weight", 2 * layers);
        if (!ts_dump_find(d, name)) break;
    }
    const ts_tensor *s = ts_dump_find(d, "samples");
    bool ok = true;
    if (!w0 || w0->ndim != 2 || w0->shape[1] != DIG_IN || hidden < 1 || hidden > 4096) {
        snprintf(err, errlen, "%s: denoiser.0.weight must be [H, %d]", path, DIG_IN);
        ok = false;
    } else if (layers < 2 || layers > TS_MLP_MAX_LAYERS) {
        snprintf(err, errlen, "%s: the denoiser must have 2..%d Linear layers", path, TS_MLP_MAX_LAYERS);
        ok = false;
    } else if (!s || s->ndim != 4 || s->shape[0] != DIG_CLASSES || s->shape[1] != 1 ||
               s->shape[2] != DIG_SIZE || s->shape[3] != DIG_SIZE) {
        snprintf(err, errlen, "%s: samples must be [10,1,16,16]", path);
        ok = false;
    }
    for (int k = 0; k < layers && ok; k++) {   /* every layer's shape before anything is built */
        int in = k ? hidden : DIG_IN, out = k == layers - 1 ? DIG_PIX : hidden;
        snprintf(name, sizeof name, "denoiser.%d.weight", 2 * k);
        const ts_tensor *w = ts_dump_find(d, name);
        snprintf(name, sizeof name, "denoiser.%d.bias", 2 * k);
        const ts_tensor *b = ts_dump_find(d, name);
        if (w->ndim != 2 || w->shape[0] != out || w->shape[1] != in || !b || b->ndim != 1 || b->shape[0] != out) {
            snprintf(err, errlen, "%s: layer denoiser.%d must be Linear(%d, %d)", path, 2 * k, in, out);
            ok = false;
        }
    }
    if (ok) {
        ts_rng r;
        ts_rng_seed(&r, 0);
        dig_model_new(g, a, hidden, layers, max_rows, &r);
        ts_tensor *p[2 * TS_MLP_MAX_LAYERS];
        int np = ts_mlp_params(g->net, p);
        for (int i = 0; i < np; i++)
            memcpy(p[i]->data, ts_dump_find(d, p[i]->name)->data, sizeof(float) * ts_numel(p[i]));
        memcpy(g->samples, s->data, sizeof g->samples);
        double v = 0;
        for (int c = 0; c < DIG_CLASSES; c++) {
            snprintf(name, sizeof name, "judge_rate_%d", c);
            g->judge_rate[c] = ts_dump_get_param(d, name, &v) && v >= 0 && v <= 1 ? (float)v : 0;
        }
        g->judge_guidance = ts_dump_get_param(d, "judge_guidance", &v) && v >= 0 && v <= 100 ? (float)v : 0;
        g->judge_steps = ts_dump_get_param(d, "judge_steps", &v) && v >= 1 && v <= DIG_T ? (int)v : 0;
    }
    ts_dump_free(d);
    ts_arena_free(&tmp);
    return ok;
}

void dig_eps(dig_model *g, float *eps, float *eps_cond, float *eps_uncond, const float *x, int n,
             int t, int cls, float guidance) {
    TS_CHECK(2 * n <= g->max_rows);
    for (int i = 0; i < n; i++) {
        dig_input(g->in + (size_t)i * DIG_IN, x + (size_t)i * DIG_PIX, t, cls);
        dig_input(g->in + (size_t)(n + i) * DIG_IN, x + (size_t)i * DIG_PIX, t, -1);
    }
    ts_mlp_forward(g->net, NULL, g->in, 2 * n);
    const float *c = ts_mlp_output(g->net), *u = c + (size_t)n * DIG_PIX;
    for (size_t j = 0; j < (size_t)n * DIG_PIX; j++) eps[j] = u[j] + guidance * (c[j] - u[j]);
    if (eps_cond) memcpy(eps_cond, c, sizeof(float) * (size_t)n * DIG_PIX);
    if (eps_uncond) memcpy(eps_uncond, u, sizeof(float) * (size_t)n * DIG_PIX);
}

/* The visited timesteps tau [steps] (ascending) and the schedule respaced
 * onto them: beta_i = 1 - ab(tau_i) / ab(tau_{i-1}). */
static ts_ddpm_schedule *respace(const ts_ddpm_schedule *s, ts_arena *a, int steps, int *tau) {
    float betas[DIG_T];
    double prev = 1;
    for (int i = 0; i < steps; i++) {
        tau[i] = steps == DIG_T ? i : (int)llround((double)(DIG_T - 1) * (i + 1) / steps);
        double ab = s->alpha_bar[tau[i]];
        betas[i] = (float)(1 - ab / prev);
        prev = ab;
    }
    return ts_ddpm_schedule_new(a, betas, steps);
}

/* One reverse step at respaced index i (timestep t): next from cur, both
 * [n,256]; the step's intermediates land in the buffers given. */
typedef struct step_bufs { float *eps, *eps_cond, *eps_uncond, *x0_pred, *mean, *z; } step_bufs;

static void reverse_step(dig_model *g, const ts_ddpm_schedule *resp, int i, int t, const float *cur,
                         float *next, int n, int cls, float guidance, ts_rng *rng, const step_bufs *b) {
    const size_t img = (size_t)n * DIG_PIX;
    dig_eps(g, b->eps, b->eps_cond, b->eps_uncond, cur, n, t, cls, guidance);
    ts_ddpm_predict_x0(b->x0_pred, cur, b->eps, resp, i, (int)img);
    for (size_t j = 0; j < img; j++) b->x0_pred[j] = fminf(1.0f, fmaxf(-1.0f, b->x0_pred[j]));
    ts_ddpm_posterior_mean(b->mean, b->x0_pred, cur, resp, i, (int)img);
    memset(b->z, 0, sizeof(float) * img);
    if (i > 0) ts_rng_normal_fill(rng, b->z, img, 0, 1);
    float sd = sqrtf(resp->post_var[i]);
    for (size_t j = 0; j < img; j++) next[j] = b->mean[j] + sd * b->z[j];
}

void dig_sample(dig_model *g, float *out, int n, int steps, int cls, float guidance, ts_rng *rng) {
    ts_arena a = { 0 };
    int tau[DIG_T];
    const ts_ddpm_schedule *resp = respace(g->sched, &a, steps, tau);
    const size_t img = (size_t)n * DIG_PIX;
    float *buf[7];
    for (int i = 0; i < 7; i++) buf[i] = ts_arena_alloc(&a, sizeof(float) * img);
    step_bufs b = { buf[0], NULL, NULL, buf[1], buf[2], buf[3] };
    float *cur = buf[4], *next = buf[5];
    ts_rng_normal_fill(rng, cur, img, 0, 1);
    for (int i = steps - 1; i >= 0; i--) {
        reverse_step(g, resp, i, tau[i], cur, next, n, cls, guidance, rng, &b);
        float *s = cur;
        cur = next;
        next = s;
    }
    memcpy(out, cur, sizeof(float) * img);
    ts_arena_free(&a);
}

void dig_chain_begin(const dig_model *g, dig_chain *c, int n, int steps, int cls, float guidance,
                     unsigned seed) {
    if (n < 1) n = 1;
    if (n > DIG_MAX_N) n = DIG_MAX_N;
    if (steps < 1) steps = 1;
    if (steps > DIG_T) steps = DIG_T;
    if (c->x && c->n == n && c->steps == steps && c->cls == cls && c->guidance == guidance && c->seed == seed)
        return;
    ts_arena_reset(&c->arena);
    c->n = n;
    c->steps = steps;
    c->cls = cls;
    c->guidance = guidance;
    c->seed = seed;
    c->resp = respace(g->sched, &c->arena, steps, c->tau);
    size_t img = (size_t)n * DIG_PIX;
    c->x = ts_arena_alloc(&c->arena, sizeof(float) * img * (size_t)(steps + 1));
    float **bufs[] = { &c->xt, &c->eps, &c->eps_cond, &c->eps_uncond, &c->x0_pred, &c->mean, &c->z, &c->prev };
    for (size_t i = 0; i < sizeof bufs / sizeof bufs[0]; i++) {
        *bufs[i] = ts_arena_alloc(&c->arena, sizeof(float) * img);
        memset(*bufs[i], 0, sizeof(float) * img);
    }
    ts_rng_seed(&c->rng, seed);
    ts_rng_normal_fill(&c->rng, c->x, img, 0, 1);
    c->state_t[0] = c->tau[steps - 1];
    c->done = c->shown = 0;
    c->step_t = c->tau[steps - 1];
    c->step_index = steps - 1;
}

/* Step k (state k to k + 1) into the step buffers; its result into next. */
static void chain_step(dig_model *g, dig_chain *c, int k, float *next) {
    const size_t img = (size_t)c->n * DIG_PIX;
    int i = c->steps - 1 - k;   /* respaced index, from the top */
    const float *cur = c->x + (size_t)k * img;
    ts_rng r = c->rng_at[k];
    step_bufs b = { c->eps, c->eps_cond, c->eps_uncond, c->x0_pred, c->mean, c->z };
    reverse_step(g, c->resp, i, c->tau[i], cur, next, c->n, c->cls, c->guidance, &r, &b);
    memcpy(c->xt, cur, sizeof(float) * img);
    if (next != c->prev) memcpy(c->prev, next, sizeof(float) * img);
    c->step_t = c->tau[i];
    c->step_index = i;
    if (k + 1 > c->done) c->rng = r;
}

void dig_chain_advance(dig_model *g, dig_chain *c, int upto) {
    if (upto > c->steps) upto = c->steps;
    if (upto < 0) upto = 0;
    const size_t img = (size_t)c->n * DIG_PIX;
    while (c->done < upto) {
        int k = c->done;
        c->rng_at[k] = c->rng;
        chain_step(g, c, k, c->x + (size_t)(k + 1) * img);
        c->state_t[k + 1] = c->step_index > 0 ? c->tau[c->step_index - 1] : -1;
        c->done++;
        c->shown = c->done;
    }
    if (c->shown == upto) return;
    if (upto == 0) {   /* no step made state 0 */
        float **bufs[] = { &c->xt, &c->eps, &c->eps_cond, &c->eps_uncond, &c->x0_pred, &c->mean, &c->z, &c->prev };
        for (size_t i = 0; i < sizeof bufs / sizeof bufs[0]; i++) memset(*bufs[i], 0, sizeof(float) * img);
        c->step_t = c->tau[c->steps - 1];
        c->step_index = c->steps - 1;
    } else {   /* a state already computed: redo only its step, into scratch */
        chain_step(g, c, upto - 1, c->prev);
    }
    c->shown = upto;
}

const float *dig_chain_at(const dig_chain *c, int k) {
    if (k > c->done) k = c->done;
    if (k < 0) k = 0;
    return c->x + (size_t)k * c->n * DIG_PIX;
}

void dig_chain_free(dig_chain *c) {
    ts_arena_free(&c->arena);
    memset(c, 0, sizeof *c);
}

void dig_from28(float *out16, const float *in28) {
    const double s = 28.0 / DIG_SIZE;   /* input pixels per output pixel */
    for (int oy = 0; oy < DIG_SIZE; oy++)
        for (int ox = 0; ox < DIG_SIZE; ox++) {
            double y0 = oy * s, y1 = y0 + s, x0 = ox * s, x1 = x0 + s, sum = 0;
            for (int iy = (int)y0; iy < 28 && iy < y1; iy++) {
                double wy = fmin(iy + 1, y1) - fmax(iy, y0);
                for (int ix = (int)x0; ix < 28 && ix < x1; ix++)
                    sum += wy * (fmin(ix + 1, x1) - fmax(ix, x0)) * in28[iy * 28 + ix];
            }
            out16[oy * DIG_SIZE + ox] = (float)(2 * sum / (s * s) - 1);
        }
}

void dig_to28(float *out28, const float *in16) {
    const double s = (double)DIG_SIZE / 28;
    for (int y = 0; y < 28; y++)
        for (int x = 0; x < 28; x++) {
            double sy = fmax(0, (y + 0.5) * s - 0.5), sx = fmax(0, (x + 0.5) * s - 0.5);
            int y0 = (int)sy, x0 = (int)sx;
            int y1 = y0 + 1 < DIG_SIZE ? y0 + 1 : y0, x1 = x0 + 1 < DIG_SIZE ? x0 + 1 : x0;
            double fy = sy - y0, fx = sx - x0;
            double v = (1 - fy) * ((1 - fx) * in16[y0 * DIG_SIZE + x0] + fx * in16[y0 * DIG_SIZE + x1]) +
                       fy * ((1 - fx) * in16[y1 * DIG_SIZE + x0] + fx * in16[y1 * DIG_SIZE + x1]);
            out28[y * 28 + x] = (float)fmin(1, fmax(0, (v + 1) / 2));
        }
}
