/* train_batchnorm: the measured curve behind the batchnorm scene's fifth
 * beat: final loss against learning rate for a deep ReLU MLP without and
 * with BatchNorm1d, over several seeds, with the scene's own model and
 * trainer (src/scenes/batchnorm/bn_model.h: two spirals, depth 10, width
 * 16, Kaiming init, SGD with momentum 0.9, batch 64).
 *
 *   ./build/train_batchnorm [--steps 1000] [--seeds 5] [--story 600]
 *                           [--force] [--out assets/batchnorm.safetensors]
 *
 * For each learning rate in 0.003 .. 1 and seed 1..seeds: both nets trained
 * `steps` steps, then the full-set mean cross-entropy in eval mode (running
 * statistics). A net whose loss is not finite or passes BN_SWEEP_CAP is
 * recorded as BN_SWEEP_CAP ("diverged"; the file format holds finite
 * numbers only). Then the scene's default pair trained `story` steps: its
 * weights and running stats under their PyTorch names, and the whole trainer
 * state (trained.state: ts_trainer_state_save's bytes as 16-bit pieces,
 * kernel/statepack.h; trained.hist.plain/bn: every step's batch loss,
 * capped the same way; skipped if the plain net's losses are not finite),
 * so the scene starts there without replaying.
 * Writes a safetensors file: sweep.lr [R], sweep.plain and sweep.bn
 * [R, seeds], the trained state, and the settings in its metadata; prints
 * the table and the wall time. Fixed seeds: reruns give identical bytes.
 */
#include <math.h>
#include <stdio.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>
#include "kernel/dump.h"
#include "kernel/safetensors.h"
#include "kernel/statepack.h"
#include "kernel/train.h"
#include "scenes/batchnorm/bn_model.h"

static const float lrs[] = { 0.003f, 0.01f, 0.03f, 0.1f, 0.3f, 1.0f };
#define NR ((int)(sizeof lrs / sizeof lrs[0]))

static float cap(float v) { return isfinite(v) && v < BN_SWEEP_CAP ? v : BN_SWEEP_CAP; }

int main(int argc, char **argv) {
    bool force = false;
    int steps = 1000, seeds = 5, story = 600;
    const char *out = "assets/batchnorm.safetensors";
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--steps") == 0 && i + 1 < argc) steps = atoi(argv[++i]);
        else if (strcmp(argv[i], "--seeds") == 0 && i + 1 < argc) seeds = atoi(argv[++i]);
        else if (strcmp(argv[i], "--story") == 0 && i + 1 < argc) story = atoi(argv[++i]);
        else if (strcmp(argv[i], "--out") == 0 && i + 1 < argc) out = argv[++i];
        else if (strcmp(argv[i], "--force") == 0) force = true;
        else { fprintf(stderr, "usage: train_batchnorm [--steps N] [--seeds N] [--story N] [--out FILE]\n"); return 2; }
    }
    if (steps < 1 || steps > BN_MAX_STEPS || seeds < 1 || seeds > 20 || story < 50 || story > BN_MAX_STEPS) {
        fprintf(stderr, "train_batchnorm: steps and story must be 1..%d (story >= 50), seeds 1..20\n", BN_MAX_STEPS);
        return 2;
    }
    if (!force && access(out, F_OK) == 0) {
        fprintf(stderr, "%s: %s exists (--force replaces it)\n", argv[0], out);
        return 2;
    }
    ts_arena a = { 0 };
    ts_tensor *tl = ts_new1(&a, "sweep.lr", NR);
    ts_tensor *tp = ts_new2(&a, "sweep.plain", NR, seeds), *tb = ts_new2(&a, "sweep.bn", NR, seeds);
    bn_config base = bn_config_default();
    double t0 = ts_seconds();
    printf("lr       plain: mean of finite, diverged       batch norm: mean of finite, diverged   (%d steps, %d seeds)\n",
           steps, seeds);
    for (int r = 0; r < NR; r++) {
        tl->data[r] = lrs[r];
        double sp = 0, sb = 0;
        int np = 0, nb = 0;
        for (int s = 0; s < seeds; s++) {
            bn_config c = base;
            c.lr = lrs[r];
            c.seed = (unsigned)(s + 1);
            bn_model m;
            char err[128];
            if (!bn_model_init(&m, &c, err, sizeof err)) { fprintf(stderr, "%s\n", err); return 1; }
            ts_trainer_seek(m.tr, steps);
            float lp, lb;
            bn_model_eval_losses(&m, &lp, &lb);
            lp = cap(lp), lb = cap(lb);
            tp->data[r * seeds + s] = lp;
            tb->data[r * seeds + s] = lb;
            if (lp < BN_SWEEP_CAP) sp += lp, np++;
            if (lb < BN_SWEEP_CAP) sb += lb, nb++;
            bn_model_free(&m);
        }
        printf("%-7g  %.3f, %d of %d                     %.3f, %d of %d\n", lrs[r], np ? sp / np : NAN, seeds - np,
               seeds, nb ? sb / nb : NAN, seeds - nb, seeds);
        fflush(stdout);
    }
    printf("%.1f s\n", ts_seconds() - t0);
    ts_dump *dump = ts_dump_new("batchnorm", 0);
    ts_dump_param(dump, "sweep_steps", steps);
    ts_dump_param(dump, "seeds", seeds);
    ts_dump_param(dump, "cap", BN_SWEEP_CAP);
    ts_dump_param(dump, "depth", base.depth);
    ts_dump_param(dump, "width", base.width);
    ts_dump_param(dump, "lr", base.lr);
    ts_dump_param(dump, "momentum", base.momentum);
    ts_dump_param(dump, "batch", base.batch);
    ts_dump_param(dump, "seed", base.seed);
    ts_dump_param(dump, "points", base.points);
    ts_dump_param(dump, "noise", base.noise);
    ts_dump_param(dump, "story_steps", story);
    ts_dump_tensor(dump, tl);
    ts_dump_tensor(dump, tp);
    ts_dump_tensor(dump, tb);
    bn_model m;
    char err[256];
    if (!bn_model_init(&m, &base, err, sizeof err)) { fprintf(stderr, "%s\n", err); return 1; }
    double t1 = ts_seconds();
    ts_trainer_seek(m.tr, story);
    double dt = ts_seconds() - t1;
    float lp, lb;
    bn_model_eval_losses(&m, &lp, &lb);
    printf("default pair (lr %g): %d steps in %.1f s (%.0f pair steps/s); eval loss plain %.4f, batch norm %.4f\n",
           base.lr, story, dt, story / dt, lp, lb);
    bool finite = true;
    for (int i = 1; i <= story; i++) finite &= isfinite(m.hist_plain[i]) && isfinite(m.hist_bn[i]);
    if (finite) {
        ts_tensor *ps[2 * TS_DEEP_MAX_LINEAR + 2 * TS_DEEP_MAX_DEPTH];
        int np = ts_deep_params(m.plain, ps);
        for (int i = 0; i < np; i++) ts_dump_tensor(dump, ps[i]);
        np = ts_deep_params(m.bn, ps);
        for (int i = 0; i < np; i++) ts_dump_tensor(dump, ps[i]);
        for (int i = 0; i < m.nbufs; i++) ts_dump_tensor(dump, m.bufs[i]);
        size_t bytes = ts_trainer_state_size(m.tr);
        unsigned char *state = ts_arena_alloc(&a, bytes);
        ts_trainer_state_save(m.tr, state);
        ts_tensor *ts = ts_new1(&a, "trained.state", (int)ts_pack_floats(bytes));
        ts_pack_bytes_to_floats(ts->data, state, bytes);
        ts_tensor *hp = ts_new1(&a, "trained.hist.plain", story), *hb = ts_new1(&a, "trained.hist.bn", story);
        memcpy(hp->data, m.hist_plain + 1, sizeof(float) * (size_t)story);
        memcpy(hb->data, m.hist_bn + 1, sizeof(float) * (size_t)story);
        ts_dump_param(dump, "state_bytes", (double)bytes);
        ts_dump_tensor(dump, ts);
        ts_dump_tensor(dump, hp);
        ts_dump_tensor(dump, hb);
    } else {
        printf("the default plain net's losses are not finite: no trained state written\n");
    }
    bn_model_free(&m);
    if (ts_st_write(dump, out, err, sizeof err) != 0) { fprintf(stderr, "%s\n", err); return 1; }
    ts_dump_free(dump);
    ts_arena_free(&a);
    printf("wrote %s\n", out);
    return 0;
}
