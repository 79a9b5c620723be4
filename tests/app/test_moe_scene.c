/* test_moe_scene.c: the moe scene against a recomputation, its presets, and
 * the balanced-versus-collapse measurement. (The kernel's routing ops have
 * their own PyTorch test, tests/kernel/test_moe.c; this one is the scene.)
 *
 * - Dumps: for every beat of the default story and of each preset, the dumped
 *   router.logits, router.probs, topk.indices, topk.gates, load, importance,
 *   aux_loss, dropped, expert_out, out, logits and probs equal a
 *   recomputation from the dumped x, router and expert weights and the
 *   params k and capacity (with the kernel's ops and a plain loop for the
 *   GShard priority order), and every tensor has its PyTorch shape.
 * - Beat 8 drops choices and beat 6/7 dumps carry their load history; two
 *   dumps of beat 6 are identical (training follows the clock).
 * - Balance: at the end of beat 7 the run without the balancing loss leaves
 *   experts idle and the one with it does not (loads and accuracies
 *   printed); the clock sets the step count mid-beat.
 * - Live training through update takes its steps every frame (the speed is
 *   printed, not asserted: numbers come from `tensorstage bench`).
 * - Bad preset values are refused with FILE:LINE and exit code 2.
 * - Clicks, through the diagram library's hover as in the app: an input's row
 *   on beat 3 becomes the followed input; an expert on beat 2 takes the
 *   followed input alone, and its output is that expert's.
 * - Layout: every beat drawn at 1920x1080 (at its end, and halfway), and
 *   beats 4 and 5 with the panel opened by a click (TS_MOE_PNG=DIR saves
 *   those two frames), have no text below DG_TEXT_MIN, off the canvas, or
 *   overlapping other text.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "gfx/gfx.h"
#include "kernel/dump.h"
#include "kernel/moe.h"
#include "layout_check.h"
#include "kernel/nn.h"
#include "scene/scene.h"
#include "scenes/moe/moe_scene.h"
#include "ui/ui.h"

#include "app_check.h"
static char dir[] = "/tmp/ts-moe-XXXXXX";

static int run(const char *args) {
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "\"%s\" %s", getenv("TS_BIN"), args);
    return system(cmd);
}

static const ts_tensor *need(const ts_dump *d, const char *name, int ndim, const int *shape, const char *where) {
    const ts_tensor *t = ts_dump_find(d, name);
    bool ok = t && t->ndim == ndim;
    for (int i = 0; ok && i < ndim; i++) ok = t->shape[i] == shape[i];
    CHECK(ok, "%s: %s missing or of the wrong shape", where, name);
    return ok ? t : NULL;
}

static void same(const char *where, const char *name, const ts_tensor *t, const float *ref) {
    if (!t) return;
    float worst = 0, big = 1;
    size_t n = ts_numel(t), at = 0;
    for (size_t i = 0; i < n; i++) {
        float e = fabsf(t->data[i] - ref[i]);
        big = fmaxf(big, fabsf(ref[i]));
        if (!(e <= worst)) { worst = e; at = i; }
    }
    CHECK(worst <= 1e-6f * big, "%s: %s differs from the recomputation by %g at %zu (%g vs %g)", where, name,
          worst, at, t->data[at], ref[at]);
}

static double param(const ts_dump *d, const char *name, const char *where) {
    double v = -1;
    CHECK(ts_dump_get_param(d, name, &v), "%s: param %s", where, name);
    return v;
}

/* Reads one dump and recomputes the layer from its inputs. Returns the
 * number of dropped choices (-1 on failure). */
static int check_dump(const char *scene, int beat, const char *where) {
    char out[400], args[900], err[256];
    snprintf(out, sizeof out, "%s/dump-%s-%d.json", dir, where, beat);
    snprintf(args, sizeof args, "dump %s --out %s --beat %d --force", scene, out, beat);
    if (run(args) != 0) { failed++; fprintf(stderr, "FAIL %s: dump failed\n", where); return -1; }
    ts_arena a = {0};
    ts_dump *d = ts_dump_read(out, &a, err, sizeof err);
    if (!d) { failed++; fprintf(stderr, "FAIL %s: %s\n", where, err); ts_arena_free(&a); return -1; }
    int k = (int)param(d, "k", where), E = (int)param(d, "experts", where), H = (int)param(d, "hidden", where);
    int cap = (int)param(d, "capacity", where), N = MOE_SHOW_N, O = MOE_O, D = MOE_D;
    int dropped_n = -1;
    const ts_tensor *x = need(d, "x", 2, (int[]){N, D}, where);
    const ts_tensor *wr = need(d, "router.weight", 2, (int[]){E, D}, where);
    const ts_tensor *br = need(d, "router.bias", 1, (int[]){E}, where);
    const ts_tensor *lg = need(d, "router.logits", 2, (int[]){N, E}, where);
    const ts_tensor *pr = need(d, "router.probs", 2, (int[]){N, E}, where);
    const ts_tensor *ti = need(d, "topk.indices", 2, (int[]){N, k}, where);
    const ts_tensor *tg = need(d, "topk.gates", 2, (int[]){N, k}, where);
    const ts_tensor *ld = need(d, "load", 1, (int[]){E}, where);
    const ts_tensor *im = need(d, "importance", 1, (int[]){E}, where);
    const ts_tensor *ax = need(d, "aux_loss", 1, (int[]){1}, where);
    const ts_tensor *dr = need(d, "dropped", 2, (int[]){N, k}, where);
    const ts_tensor *eo = need(d, "expert_out", 3, (int[]){N, k, O}, where);
    const ts_tensor *ou = need(d, "out", 2, (int[]){N, O}, where);
    const ts_tensor *lo = need(d, "logits", 2, (int[]){N, O}, where);
    const ts_tensor *pb = need(d, "probs", 2, (int[]){N, O}, where);
    const ts_tensor *tt = need(d, "target", 1, (int[]){N}, where);
    const ts_tensor *w1[MOE_MAX_E], *b1[MOE_MAX_E], *w2[MOE_MAX_E], *b2[MOE_MAX_E];
    bool ok = x && wr && br && lg && pr && ti && tg && ld && im && ax && dr && eo && ou && lo && pb && tt &&
              E >= 2 && E <= MOE_MAX_E && k >= 1 && k <= MOE_MAX_K && H >= 1 && H <= MOE_MAX_H;
    for (int e = 0; ok && e < E; e++) {
        char n1[48], n2[48], n3[48], n4[48];
        snprintf(n1, 48, "experts.%d.0.weight", e); snprintf(n2, 48, "experts.%d.0.bias", e);
        snprintf(n3, 48, "experts.%d.2.weight", e); snprintf(n4, 48, "experts.%d.2.bias", e);
        w1[e] = need(d, n1, 2, (int[]){H, D}, where); b1[e] = need(d, n2, 1, (int[]){H}, where);
        w2[e] = need(d, n3, 2, (int[]){O, H}, where); b2[e] = need(d, n4, 1, (int[]){O}, where);
        ok = w1[e] && b1[e] && w2[e] && b2[e];
    }
    if (ok) {
        float L[MOE_SHOW_N * MOE_MAX_E], P[MOE_SHOW_N * MOE_MAX_E], G[MOE_SHOW_N * 2], F[MOE_MAX_E], I[MOE_MAX_E];
        float IDX[MOE_SHOW_N * 2], DR[MOE_SHOW_N * 2], EO[MOE_SHOW_N * 2 * MOE_O], OUT[MOE_SHOW_N * MOE_O];
        float PB[MOE_SHOW_N * MOE_O];
        int idx[MOE_SHOW_N * 2], count[MOE_MAX_E] = {0};
        ts_moe_router_forward(L, P, x->data, wr->data, br->data, N, D, E);
        ts_moe_topk(idx, G, P, N, E, k);
        float aux = ts_moe_aux_loss(F, I, P, idx, N, E, k);
        memset(OUT, 0, sizeof OUT);
        /* the priority order written out as a loop: choice j of every point
         * before choice j + 1 of any */
        dropped_n = 0;
        for (int j = 0; j < k; j++)
            for (int t = 0; t < N; t++) {
                int e = idx[t * k + j];
                IDX[t * k + j] = (float)e;
                bool drop = cap > 0 && count[e] >= cap;
                DR[t * k + j] = drop ? 1.0f : 0.0f;
                float h[MOE_MAX_H], y[MOE_O] = {0, 0};
                if (!drop) {
                    count[e]++;
                    ts_linear_forward(h, x->data + t * D, w1[e]->data, b1[e]->data, 1, D, H);
                    ts_relu_forward(h, h, (size_t)H);
                    ts_linear_forward(y, h, w2[e]->data, b2[e]->data, 1, H, O);
                } else {
                    dropped_n++;
                }
                for (int c = 0; c < O; c++) {
                    EO[(t * k + j) * O + c] = y[c];
                    OUT[t * O + c] += G[t * k + j] * y[c];
                }
            }
        ts_softmax_forward(PB, OUT, NULL, N, O);
        same(where, "router.logits", lg, L); same(where, "router.probs", pr, P);
        same(where, "topk.indices", ti, IDX); same(where, "topk.gates", tg, G);
        same(where, "load", ld, F); same(where, "importance", im, I); same(where, "aux_loss", ax, &aux);
        same(where, "dropped", dr, DR); same(where, "expert_out", eo, EO);
        same(where, "out", ou, OUT); same(where, "logits", lo, OUT); same(where, "probs", pb, PB);
        float fsum = 0;
        for (int e = 0; e < E; e++) fsum += F[e];
        CHECK(fabsf(fsum - 1) < 1e-5f, "%s: the loads sum to 1 (%g)", where, fsum);
        for (int t = 0; t < N; t++)
            CHECK((int)tt->data[t] == moe_task_label(x->data[2 * t], x->data[2 * t + 1]),
                  "%s: target[%d] follows the task", where, t);
    }
    if (beat == B_COLLAPSE + 1 || beat == B_BALANCE + 1) {
        const ts_tensor *h = ts_dump_find(d, "load.history");
        CHECK(h && h->ndim == 2 && h->shape[0] == MOE_HIST && h->shape[1] == E,
              "%s: beat %d has the whole load history", where, beat);
    }
    ts_dump_free(d);
    ts_arena_free(&a);
    return dropped_n;
}

static bool same_file(const char *a, const char *b) {
    FILE *fa = fopen(a, "rb"), *fb = fopen(b, "rb");
    bool same = fa && fb;
    while (same) {
        int ca = fgetc(fa), cb = fgetc(fb);
        if (ca != cb) same = false;
        if (ca == EOF || cb == EOF) break;
    }
    if (fa) fclose(fa);
    if (fb) fclose(fb);
    return same;
}

static void check_deterministic(void) {
    char a[400], b[400];
    snprintf(a, sizeof a, "%s/dump-moe-6.json", dir);
    snprintf(b, sizeof b, "%s/dump-again-6.json", dir);
    char args[900];
    snprintf(args, sizeof args, "dump moe --out %s --beat 6 --force", b);
    CHECK(run(args) == 0 && same_file(a, b), "two dumps of beat 6 are identical");
}

/* ---- in process: balance, the clock, live training --------------------------- */

static void print_loads(const char *what, const moe_story_run *r) {
    printf("%-22s accuracy %.2f%%, idle experts %d, load f:", what, 100 * r->ev.accuracy,
           moe_eval_idle(&r->ev, r->run.m.E));
    for (int e = 0; e < r->run.m.E; e++) printf(" %.3f", r->ev.load[e]);
    printf("\n");
}

static void check_balance_and_training(void) {
    char err[512];
    scene *s = scene_open("moe", err, sizeof err);
    CHECK(s != NULL, "scene_open(moe): %s", err);
    if (!s) return;
    ui_ctx ui;
    ui_init(&ui, &ui_theme_dark);
    moe_state *st = s->state;
    CHECK(st->from_asset, "the default story starts from assets/moe-weights.safetensors");
    CHECK(st->ev_live.accuracy >= 0.9f, "the pre-trained model is accurate (%.3f)", st->ev_live.accuracy);

    /* mid-beat 6: the step count is the clock's */
    s->clock = scene_clock_beat(s->kind, B_COLLAPSE, 0.5 * s->kind->beats[B_COLLAPSE].duration);
    ui_begin_frame(&ui, &(ui_input){.mouse_x = -1e9f, .mouse_y = -1e9f});
    s->kind->update(s->state, &s->clock, &ui);
    CHECK(st->none.run.steps == moe_story_target(&s->clock, B_COLLAPSE) && st->none.run.steps > 0 &&
          st->none.run.steps < MOE_STEPS, "mid-beat 6 the run is at the clock's step (%d)", st->none.run.steps);

    s->clock = scene_clock_beat(s->kind, B_BALANCE, 1e9);
    ui_begin_frame(&ui, &(ui_input){.mouse_x = -1e9f, .mouse_y = -1e9f});
    s->kind->update(s->state, &s->clock, &ui);
    CHECK(st->none.run.steps == MOE_STEPS && st->bal.run.steps == MOE_STEPS, "both runs finish");
    print_loads("without balancing:", &st->none);
    print_loads("with balancing (0.2):", &st->bal);
    int E = st->cfg.experts;
    float lo_n = 1, hi_n = 0, lo_b = 1, hi_b = 0;
    for (int e = 0; e < E; e++) {
        lo_n = fminf(lo_n, st->none.ev.load[e]); hi_n = fmaxf(hi_n, st->none.ev.load[e]);
        lo_b = fminf(lo_b, st->bal.ev.load[e]); hi_b = fmaxf(hi_b, st->bal.ev.load[e]);
    }
    CHECK(moe_eval_idle(&st->none.ev, E) >= 1, "without balancing some experts go idle");
    CHECK(moe_eval_idle(&st->bal.ev, E) == 0 && lo_b > 0.05f, "with balancing every expert works (min load %.3f)", lo_b);
    CHECK(hi_b - lo_b < hi_n - lo_n, "balancing narrows the spread of the loads (%.3f vs %.3f)", hi_b - lo_b, hi_n - lo_n);
    CHECK(st->bal.ev.accuracy > st->none.ev.accuracy, "balanced accuracy %.3f beats collapsed %.3f",
          st->bal.ev.accuracy, st->none.ev.accuracy);

    /* live training through update, as the app drives it, on the map beat */
    s->clock = scene_clock_beat(s->kind, B_MAP, 1e9);
    st->training = true;
    int before = st->live.steps, frames = 120;
    double t0 = scene_seconds();
    for (int i = 0; i < frames; i++) {
        ui_begin_frame(&ui, &(ui_input){.mouse_x = -1e9f, .mouse_y = -1e9f});
        s->kind->update(s->state, &s->clock, &ui);
    }
    double secs = scene_seconds() - t0;
    int steps = st->live.steps - before;
    CHECK(steps == frames * MOE_LIVE_STEPS_PER_FRAME, "live training takes %d steps per frame", MOE_LIVE_STEPS_PER_FRAME);
    printf("live training: %d steps in %d updates, %.1f ms per update including the recompute "
           "(%.0f steps/s if updates were back to back)\n", steps, frames, 1e3 * secs / frames, steps / secs);
    /* Speed is reported, never asserted: a shared or sanitizer machine is
     * slower, and a test must not fail for that (`tensorstage bench moe`
     * measures it). */
    ui_shutdown(&ui);
    scene_close(s);
}

/* ---- clicks through the library's hover ---------------------------------------- */

/* One frame as the app makes it: update with this input, then draw with the
 * pointer at (mx, my), logging text into rec. Returns the text count. */
static int app_like_frame(scene *s, ui_ctx *ui, gfx_target *target, float mx, float my, bool press,
                          gfx_text_rec *rec, int cap) {
    ui_begin_frame(ui, &(ui_input){.mouse_x = mx, .mouse_y = my, .mouse_down = press, .mouse_pressed = press});
    s->kind->update(s->state, &s->clock, ui);
    gfx_target_bind(target);
    gfx_frame_begin(1920, 1080, ui_theme_dark.bg, ui_theme_dark.letterbox);
    if (rec) gfx_text_log(rec, cap);
    dg_frame_begin(&ui_theme_dark, mx, my, s->clock.time);
    s->kind->draw(s->state, &s->clock, &ui_theme_dark);
    dg_frame_end();
    int n = rec ? gfx_text_log_count() : 0;
    if (rec) gfx_text_log(NULL, 0);
    gfx_frame_end();
    return n < cap ? n : cap;
}

/* Clicks the last text that starts with `prefix` (after resting on it). */
static bool click_text(scene *s, ui_ctx *ui, gfx_target *target, const char *prefix) {
    static gfx_text_rec rec[8192];
    int n = app_like_frame(s, ui, target, -1, -1, false, rec, 8192), at = -1;
    for (int i = 0; i < n; i++)
        if (strncmp(rec[i].text, prefix, strlen(prefix)) == 0) at = i;
    if (at < 0) return false;
    float x = rec[at].x + rec[at].w / 2, y = rec[at].y + rec[at].h / 2;
    app_like_frame(s, ui, target, x, y, false, NULL, 0);
    app_like_frame(s, ui, target, x, y, false, NULL, 0);
    app_like_frame(s, ui, target, x, y, true, NULL, 0);
    return true;
}

static void check_clicks(gfx_target *target) {
    char err[512];
    scene *s = scene_open("moe", err, sizeof err);
    if (!s) { failed++; return; }
    ui_ctx ui;
    ui_init(&ui, &ui_theme_dark);
    moe_state *st = s->state;
    /* beat 3: clicking input 5's row makes it the followed input */
    s->clock = scene_clock_beat(s->kind, B_DISPATCH, 1e9);
    CHECK(click_text(s, &ui, target, "5: (") && st->focus == 5, "a click on input 5 follows it (focus %d)", st->focus);
    /* beat 2: clicking an expert the input did not choose forces it there */
    s->clock = scene_clock_beat(s->kind, B_TOPK, 1e9);
    int e = 0;
    while (e == st->show.idx[st->focus * st->show.k] || e == st->show.idx[st->focus * st->show.k + 1]) e++;
    char name[16];
    snprintf(name, sizeof name, "expert %d", e);
    CHECK(click_text(s, &ui, target, name) && st->forced == e, "a click on %s forces the input to it (forced %d)",
          name, st->forced);
    float ref[MOE_O];
    moe_expert_forward(&st->live.m, e, st->show_xy + 2 * st->focus, ref);
    CHECK(st->forced >= 0 && st->forced_out[0] == ref[0] && st->forced_out[1] == ref[1],
          "the forced output is expert %d's own", e);
    ui_shutdown(&ui);
    scene_close(s);
}

/* ---- layout of every beat ------------------------------------------------------ */

static void check_layout(void) {
    char err[512];
    gfx_window *win = gfx_window_open(&(gfx_window_desc){.title = "test_moe", .width = 64, .height = 64,
                                                         .hidden = true}, err, sizeof err);
    char shaders[700];
    snprintf(shaders, sizeof shaders, "%s/shaders", getenv("TS_SRC"));
    if (!win || !gfx_init(&(gfx_desc){.shader_dir = shaders}, err, sizeof err)) {
        failed++;
        fprintf(stderr, "FAIL layout: %s\n", err);
        if (win) gfx_window_close(win);
        return;
    }
    gfx_target *target = gfx_target_new(1920, 1080, err, sizeof err);
    scene *s = scene_open("moe", err, sizeof err);
    ui_ctx ui;
    ui_init(&ui, &ui_theme_dark);
    ui.show_widgets = false;
    static gfx_text_rec rec[8192];
    /* every beat at its end and halfway, widgets hidden (an export); then
     * beats 4 and 5 with the panel opened by a click, widgets shown */
    for (int pass = 0; s && target && pass < B_COUNT * 2 + 2; pass++) {
        bool open = pass >= B_COUNT * 2;
        int b = open ? (pass == B_COUNT * 2 ? B_MAP : B_PARAMS) : pass / 2;
        bool half = !open && pass % 2;
        s->clock = scene_clock_beat(s->kind, b, half ? 0.5 * s->kind->beats[b].duration : 1e9);
        ui.show_widgets = open;
        if (open && !((moe_state *)s->state)->panel) {
            dg_rect btn = moe_panel_button();
            float bx = btn.x + btn.w / 2, by = btn.y + btn.h / 2;
            ui_begin_frame(&ui, &(ui_input){.mouse_x = bx, .mouse_y = by, .mouse_down = true, .mouse_pressed = true});
            s->kind->update(s->state, &s->clock, &ui);
            ui_begin_frame(&ui, &(ui_input){.mouse_x = bx, .mouse_y = by, .mouse_released = true});
            s->kind->update(s->state, &s->clock, &ui);
            CHECK(((moe_state *)s->state)->panel, "a click on the toggle opens the training panel");
        }
        ui_begin_frame(&ui, &(ui_input){.mouse_x = -1e9f, .mouse_y = -1e9f});
        s->kind->update(s->state, &s->clock, &ui);
        gfx_target_bind(target);
        gfx_frame_begin(1920, 1080, ui_theme_dark.bg, ui_theme_dark.letterbox);
        gfx_text_log(rec, 8192);
        dg_frame_begin(&ui_theme_dark, -1, -1, s->clock.time);
        s->kind->draw(s->state, &s->clock, &ui_theme_dark);
        dg_frame_end();
        ui_draw(&ui);
        int n = gfx_text_log_count();
        gfx_text_log(NULL, 0);
        gfx_frame_end();
        char where[64];
        snprintf(where, sizeof where, "moe beat %d%s", b + 1, half ? " (halfway)" : open ? " (panel open)" : "");
        int bad = layout_check(rec, n < 8192 ? n : 8192, gfx_canvas_w(), gfx_canvas_h(), where, stderr);
        CHECK(bad == 0 && n > 20, "%s: %d layout violations in %d texts", where, bad, n);
        const char *png = getenv("TS_MOE_PNG");
        if (png && open) {
            char path[600];
            uint8_t *px = malloc(1920 * 1080 * 4);
            gfx_target_read(target, px);
            snprintf(path, sizeof path, "%s/moe-panel-beat%d.png", png, b + 1);
            if (px && !gfx_png_write(path, px, 1920, 1080, err, sizeof err)) fprintf(stderr, "%s\n", err);
            free(px);
        }
    }
    if (s) scene_close(s);
    ui_shutdown(&ui);
    if (target) check_clicks(target);
    gfx_target_bind(NULL);
    if (target) gfx_target_free(target);
    gfx_shutdown();
    gfx_window_close(win);
}

static void check_bad(const char *body, const char *want, int line) {
    char path[300], args[700], out[300];
    snprintf(path, sizeof path, "%s/bad.scene", dir);
    snprintf(out, sizeof out, "%s/bad.txt", dir);
    FILE *f = fopen(path, "w");
    if (!f) { failed++; return; }
    fprintf(f, "[scene]\nkind = moe\ntitle = bad\n%s", body);
    fclose(f);
    snprintf(args, sizeof args, "check %s 2> %s", path, out);
    int rc = run(args);
    CHECK(WIFEXITED(rc) && WEXITSTATUS(rc) == 2, "'%s' is refused with exit code 2 (status %d)", body, rc);
    f = fopen(out, "r");
    char msg[300] = {0}, at[16];
    if (f) { if (!fgets(msg, sizeof msg, f)) msg[0] = 0; fclose(f); }
    snprintf(at, sizeof at, ":%d: ", line);
    CHECK(strstr(msg, at) && strstr(msg, want), "message names line %d and says '%s': %s", line, want, msg);
}

int main(void) {
    if (!getenv("TS_BIN") || !getenv("TS_SRC")) { fprintf(stderr, "run through ctest\n"); return 1; }
    if (!mkdtemp(dir)) { perror("mkdtemp"); return 1; }
    setenv("TENSORSTAGE_DATA", getenv("TS_SRC"), 0);
    const scene_kind *k = scene_kind_find("moe");
    CHECK(k != NULL && k->beat_count == B_COUNT, "the moe scene is registered with its beats");
    int dropped_tight = -1, dropped_plain = -1;
    for (int b = 1; k && b <= k->beat_count; b++) {
        int dn = check_dump("moe", b, "moe");
        if (b == B_CAPACITY + 1) dropped_tight = dn;
        if (b == B_MAP + 1) dropped_plain = dn;
    }
    CHECK(dropped_plain == 0 && dropped_tight > 0, "beat 8 drops choices (%d), beat 4 none (%d)", dropped_tight,
          dropped_plain);
    check_deterministic();
    const char *presets[] = {"moe-collapse", "moe-capacity"};
    for (int i = 0; i < 2; i++) {
        char p[600];
        snprintf(p, sizeof p, "%s/scenes/%s.scene", getenv("TS_SRC"), presets[i]);
        for (int b = 1; b <= B_COUNT; b += 3) check_dump(p, b, presets[i]);
        check_dump(p, B_CAPACITY + 1, presets[i]);
    }
    check_balance_and_training();
    check_layout();
    check_bad("[model]\nexperts = 9\n", "experts must be 2..8, got 9", 5);
    check_bad("[model]\nk = 3\n", "k must be 1..2, got 3", 5);
    check_bad("[train]\ncapacity = 0.05\n", "capacity must be 0 (none) or 0.1..8", 5);
    check_bad("[train]\nlr = fast\n", "lr must be a number", 5);
    check_bad("[real]\nk = 4\nexperts = 3\n", "experts must be at least k (4), got 3", 6);
    check_bad("[story]\nwobble = 1\n", "unknown key 'wobble'", 5);

    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
