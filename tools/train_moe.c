/* train_moe: trains the moe scene's default mixture of experts (eight experts,
 * top-2, load-balancing weight 0.2; moe_config_default) on its eight-sector
 * task and writes the weights the story starts from.
 *
 *   ./build/train_moe assets/moe-weights.safetensors [--force]
 *
 * The data are generated (moe_task_sample, seeds 1 and 2), the model and the
 * sample order come from the configuration's seed, and training is
 * MOE_STEPS Adam steps of the same moe_run_step the scene uses live, so the
 * output is the same bit for bit on the same build. It also trains the same
 * model without the balancing loss and prints both runs' held-out accuracy
 * and per-expert loads (the numbers docs/moe.md reports). It refuses to write
 * weights whose held-out accuracy is below 90%.
 *
 * Exit codes: 0 written, 1 failure (accuracy, writing), 2 bad usage.
 */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include "kernel/safetensors.h"
#include "kernel/train.h"
#include "scenes/moe/moe_model.h"

static void report(const char *what, moe_run *r, const moe_eval *ev, double secs) {
    printf("%s: %d steps in %.2f s (%.0f steps/s), held-out accuracy %.2f%%, idle experts %d\n  load f:",
           what, r->steps, secs, r->steps / secs, 100 * ev->accuracy, moe_eval_idle(ev, r->m.E));
    for (int e = 0; e < r->m.E; e++) printf(" %.3f", ev->load[e]);
    printf("\n");
}

int main(int argc, char **argv) {
    const char *out = NULL;
    bool force = false;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--force") == 0) force = true;
        else if (argv[i][0] != '-' && !out) out = argv[i];
        else { out = NULL; break; }
    }
    if (!out) { fprintf(stderr, "usage: train_moe OUT.safetensors [--force]\n"); return 2; }
    struct stat sb;
    if (!force && stat(out, &sb) == 0) {
        fprintf(stderr, "train_moe: %s exists; pass --force to overwrite it\n", out);
        return 2;
    }
    moe_config cfg = moe_config_default(), none = cfg;
    none.balance = 0;
    moe_run r, c;
    moe_run_new(&r, &cfg);
    moe_run_new(&c, &none);
    double t0 = ts_seconds();
    for (int s = 0; s < MOE_STEPS; s++) moe_run_step(&r);
    double t1 = ts_seconds();
    for (int s = 0; s < MOE_STEPS; s++) moe_run_step(&c);
    double t2 = ts_seconds();
    moe_eval ev = moe_run_eval(&r, 0), evc = moe_run_eval(&c, 0);
    report("balanced (weight 0.2)", &r, &ev, t1 - t0);
    report("no balancing loss   ", &c, &evc, t2 - t1);

    int rc = 0;
    if (ev.accuracy < 0.90f) {
        fprintf(stderr, "train_moe: held-out accuracy %.2f%% is below 90%%; weights not written\n",
                100 * ev.accuracy);
        rc = 1;
    } else {
        ts_dump *d = ts_dump_new("moe", 0);
        ts_tensor *p[2 + 4 * MOE_MAX_E];
        int np = moe_model_params(&r.m, p);
        for (int i = 0; i < np; i++) ts_dump_tensor(d, p[i]);
        ts_dump_param(d, "held_out_accuracy", ev.accuracy);
        ts_dump_param(d, "held_out_samples", MOE_TEST_N);
        ts_dump_param(d, "train_samples", MOE_TRAIN_N);
        ts_dump_param(d, "steps", MOE_STEPS);
        ts_dump_param(d, "experts", cfg.experts);
        ts_dump_param(d, "k", cfg.k);
        ts_dump_param(d, "hidden", cfg.hidden);
        ts_dump_param(d, "balance", cfg.balance);
        ts_dump_param(d, "lr", cfg.lr);
        ts_dump_param(d, "seed", (double)cfg.seed);
        char err[256];
        if (ts_st_write(d, out, err, sizeof err) != 0) {
            fprintf(stderr, "train_moe: %s\n", err);
            rc = 1;
        } else {
            printf("wrote %s\n", out);
        }
        ts_dump_free(d);
    }
    moe_run_free(&r);
    moe_run_free(&c);
    return rc;
}
