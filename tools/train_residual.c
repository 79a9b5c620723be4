/* train_residual: the measured curve behind the residual scene's first
 * beat: final training loss against depth for a plain and a residual MLP,
 * over several seeds, with the scene's own model and trainer
 * (src/scenes/residual/res_model.h: two spirals, width 16, Tanh, Adam).
 *
 *   ./build/train_residual [--steps 2000] [--seeds 5] [--story 1500]
 *                          [--force] [--out assets/residual.safetensors]
 *
 * For each depth in 4 8 12 16 24 32 and seed 1..seeds: both nets trained
 * `steps` Adam steps from that seed, then the full-set mean cross-entropy.
 * Then the scene's default pair trained `story` steps (what its training
 * beat ends on): its weights under their PyTorch names, and the whole
 * trainer state (trained.state: ts_trainer_state_save's bytes as 16-bit
 * pieces, kernel/statepack.h; trained.hist.plain/resid: the loss of every
 * step), so the scene starts there without replaying.
 * Writes a safetensors file: sweep.depth [D], sweep.plain and sweep.resid
 * [D, seeds], the trained state, and the settings in its metadata; prints
 * the table (mean, min, max) and the wall time. Fixed seeds: reruns give
 * identical bytes.
 */
#include <stdio.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>
#include "kernel/dump.h"
#include "kernel/safetensors.h"
#include "kernel/statepack.h"
#include "kernel/train.h"
#include "scenes/residual/res_model.h"

static const int depths[] = { 4, 8, 12, 16, 24, 32 };
#define ND ((int)(sizeof depths / sizeof depths[0]))

int main(int argc, char **argv) {
    bool force = false;
    int steps = 2000, seeds = 5, story = 1500;
    const char *out = "assets/residual.safetensors";
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--steps") == 0 && i + 1 < argc) steps = atoi(argv[++i]);
        else if (strcmp(argv[i], "--seeds") == 0 && i + 1 < argc) seeds = atoi(argv[++i]);
        else if (strcmp(argv[i], "--out") == 0 && i + 1 < argc) out = argv[++i];
        else if (strcmp(argv[i], "--force") == 0) force = true;
        else if (strcmp(argv[i], "--story") == 0 && i + 1 < argc) story = atoi(argv[++i]);
        else { fprintf(stderr, "usage: train_residual [--steps N] [--seeds N] [--out FILE]\n"); return 2; }
    }
    if (steps < 1 || steps > RES_MAX_STEPS || seeds < 1 || seeds > 20 || story < 50 ||
        story > RES_MAX_STEPS) {
        fprintf(stderr, "train_residual: steps must be 1..%d and seeds 1..20\n", RES_MAX_STEPS);
        return 2;
    }
    if (!force && access(out, F_OK) == 0) {
        fprintf(stderr, "%s: %s exists (--force replaces it)\n", argv[0], out);
        return 2;
    }
    ts_arena a = { 0 };
    ts_tensor *td = ts_new1(&a, "sweep.depth", ND);
    ts_tensor *tp = ts_new2(&a, "sweep.plain", ND, seeds), *tr = ts_new2(&a, "sweep.resid", ND, seeds);
    res_config base = res_config_default();
    double t0 = ts_seconds();
    printf("depth   plain mean [min, max]        resid mean [min, max]     (%d steps, %d seeds)\n", steps, seeds);
    for (int d = 0; d < ND; d++) {
        td->data[d] = (float)depths[d];
        double sp = 0, sr = 0, lo[2] = { 1e9, 1e9 }, hi[2] = { 0, 0 };
        for (int s = 0; s < seeds; s++) {
            res_config c = base;
            c.depth = depths[d];
            c.seed = (unsigned)(s + 1);
            res_model m;
            char err[128];
            if (!res_model_init(&m, &c, err, sizeof err)) { fprintf(stderr, "%s\n", err); return 1; }
            ts_trainer_seek(m.tr, steps);
            float lp, lr;
            res_model_losses(&m, &lp, &lr);
            tp->data[d * seeds + s] = lp;
            tr->data[d * seeds + s] = lr;
            sp += lp, sr += lr;
            if (lp < lo[0]) lo[0] = lp;
            if (lp > hi[0]) hi[0] = lp;
            if (lr < lo[1]) lo[1] = lr;
            if (lr > hi[1]) hi[1] = lr;
            res_model_free(&m);
        }
        printf("%5d   %.3f [%.3f, %.3f]        %.3f [%.3f, %.3f]\n", depths[d], sp / seeds, lo[0], hi[0],
               sr / seeds, lo[1], hi[1]);
        fflush(stdout);
    }
    printf("%.1f s\n", ts_seconds() - t0);
    ts_dump *dump = ts_dump_new("residual", 0);
    ts_dump_param(dump, "sweep_steps", steps);
    ts_dump_param(dump, "seeds", seeds);
    ts_dump_param(dump, "depth", base.depth);
    ts_dump_param(dump, "width", base.width);
    ts_dump_param(dump, "act", res_act_index(base.act));
    ts_dump_param_str(dump, "act_name", res_act_names[res_act_index(base.act)]);
    ts_dump_param(dump, "lr", base.lr);
    ts_dump_param(dump, "batch", base.batch);
    ts_dump_param(dump, "seed", base.seed);
    ts_dump_param(dump, "points", base.points);
    ts_dump_param(dump, "noise", base.noise);
    ts_dump_param(dump, "story_steps", story);
    ts_dump_tensor(dump, td);
    ts_dump_tensor(dump, tp);
    ts_dump_tensor(dump, tr);
    /* the default pair after `story` steps */
    res_model m;
    char err[256];
    if (!res_model_init(&m, &base, err, sizeof err)) { fprintf(stderr, "%s\n", err); return 1; }
    double t1 = ts_seconds();
    ts_trainer_seek(m.tr, story);
    double dt = ts_seconds() - t1;
    float lp, lr;
    res_model_losses(&m, &lp, &lr);
    printf("default pair (depth %d): %d steps in %.1f s (%.0f pair steps/s); full-set loss plain %.4f, resid %.4f\n",
           base.depth, story, dt, story / dt, lp, lr);
    ts_tensor *ps[2 * TS_DEEP_MAX_LINEAR];
    int np = ts_deep_params(m.plain, ps);
    for (int i = 0; i < np; i++) ts_dump_tensor(dump, ps[i]);
    np = ts_deep_params(m.resid, ps);
    for (int i = 0; i < np; i++) ts_dump_tensor(dump, ps[i]);
    size_t bytes = ts_trainer_state_size(m.tr);
    unsigned char *state = ts_arena_alloc(&a, bytes);
    ts_trainer_state_save(m.tr, state);
    ts_tensor *ts = ts_new1(&a, "trained.state", (int)ts_pack_floats(bytes));
    ts_pack_bytes_to_floats(ts->data, state, bytes);
    ts_tensor *hp = ts_new1(&a, "trained.hist.plain", story + 1), *hr = ts_new1(&a, "trained.hist.resid", story + 1);
    memcpy(hp->data, m.hist_plain, sizeof(float) * (size_t)(story + 1));
    memcpy(hr->data, m.hist_resid, sizeof(float) * (size_t)(story + 1));
    ts_dump_param(dump, "state_bytes", (double)bytes);
    ts_dump_tensor(dump, ts);
    ts_dump_tensor(dump, hp);
    ts_dump_tensor(dump, hr);
    res_model_free(&m);
    if (ts_st_write(dump, out, err, sizeof err) != 0) { fprintf(stderr, "%s\n", err); return 1; }
    ts_dump_free(dump);
    ts_arena_free(&a);
    printf("wrote %s\n", out);
    return 0;
}
