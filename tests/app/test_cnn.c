/* test_cnn.c: the cnn scene against a recomputation, under scripted input,
 * and as pixels.
 *
 * - Dumps: for every beat (and for each preset at the playground beat), the
 *   dumped intermediates equal a recomputation from the dumped input and
 *   weights with the kernel's ops (conv, ReLU, max pool, linear, softmax,
 *   and the playground's filter at the dumped stride and padding), and every
 *   tensor has its PyTorch shape.
 * - Scripted input: strokes drawn through the scene's own update (the clear
 *   button, then mouse drags over the input as the app feeds them) are
 *   classified: a vertical line as 1, a closed loop as 0. Prints the
 *   recompute time per stroke update.
 * - The model's helpers: receptive fields (against the set of input pixels
 *   that reach a cell through an all-positive network), pooling ties
 *   (against a recount), the worked patch (never all zero products), and
 *   the shipped weights read held-out stroke-drawn digits.
 * - Captions never speak of controls (they are in exported frames).
 * - A bad preset value is refused with a message and exit code 2.
 * - Golden renders of beats 3 and 7 at 640x360 (TS_UPDATE_GOLDEN=1 rewrites).
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "gfx/gfx.h"
#include "golden.h"
#include "kernel/conv.h"
#include "kernel/dump.h"
#include "kernel/nn.h"
#include "scene/scene.h"
#include "scenes/cnn/cnn_scene.h"
#include "scenes/cnn/cnn_strokes.h"
#include "ui/ui.h"

#include "app_check.h"
static char dir[] = "/tmp/ts-cnn-XXXXXX";

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
    float worst = 0;
    size_t n = ts_numel(t), at = 0;
    for (size_t i = 0; i < n; i++) {
        float e = fabsf(t->data[i] - ref[i]);
        if (!(e <= worst)) { worst = e; at = i; }
    }
    CHECK(worst <= 1e-5f, "%s: %s differs from the recomputation by %g at %zu (%g vs %g)", where, name, worst, at,
          t->data[at], ref[at]);
}

/* Reads one dump and recomputes the whole network and the playground from it. */
static void check_dump(const char *scene, int beat, const char *where) {
    char out[400], args[900], err[256];
    snprintf(out, sizeof out, "%s/dump-%s-%d.json", dir, where, beat);
    snprintf(args, sizeof args, "dump %s --out %s --beat %d", scene, out, beat);
    if (run(args) != 0) { failed++; fprintf(stderr, "FAIL %s: dump failed\n", where); return; }
    ts_arena a = {0};
    ts_dump *d = ts_dump_read(out, &a, err, sizeof err);
    if (!d) { failed++; fprintf(stderr, "FAIL %s: %s\n", where, err); ts_arena_free(&a); return; }
    const ts_tensor *in = need(d, "input", 4, (int[]){1, 1, 28, 28}, where);
    const ts_tensor *w1 = need(d, "conv1.weight", 4, (int[]){8, 1, 3, 3}, where), *b1 = need(d, "conv1.bias", 1, (int[]){8}, where);
    const ts_tensor *c1 = need(d, "conv1.out", 4, (int[]){1, 8, 28, 28}, where), *r1 = need(d, "relu1.out", 4, (int[]){1, 8, 28, 28}, where);
    const ts_tensor *p1 = need(d, "pool1.out", 4, (int[]){1, 8, 14, 14}, where);
    const ts_tensor *w2 = need(d, "conv2.weight", 4, (int[]){16, 8, 3, 3}, where), *b2 = need(d, "conv2.bias", 1, (int[]){16}, where);
    const ts_tensor *c2 = need(d, "conv2.out", 4, (int[]){1, 16, 14, 14}, where), *r2 = need(d, "relu2.out", 4, (int[]){1, 16, 14, 14}, where);
    const ts_tensor *p2 = need(d, "pool2.out", 4, (int[]){1, 16, 7, 7}, where);
    const ts_tensor *fw = need(d, "fc.weight", 2, (int[]){10, 784}, where), *fb = need(d, "fc.bias", 1, (int[]){10}, where);
    const ts_tensor *lg = need(d, "logits", 2, (int[]){1, 10}, where), *pr = need(d, "probs", 2, (int[]){1, 10}, where);
    const ts_tensor *f = ts_dump_find(d, "filter"), *fo = ts_dump_find(d, "filter.out");
    double stride = 0, padding = 0;
    CHECK(ts_dump_get_param(d, "stride", &stride) && ts_dump_get_param(d, "padding", &padding), "%s: stride/padding params", where);
    CHECK(f && fo && f->ndim == 4 && fo->ndim == 4, "%s: filter and filter.out present", where);
    if (in && w1 && b1 && c1 && r1 && p1 && w2 && b2 && c2 && r2 && p2 && fw && fb && lg && pr) {
        static float C1[8 * 784], R1[8 * 784], P1[8 * 196], C2[16 * 196], R2[16 * 196], P2[784], L[10], P[10];
        ts_conv2d_desc d1 = {.n = 1, .c_in = 1, .h = 28, .w = 28, .c_out = 8, .kh = 3, .kw = 3, .pad_h = 1, .pad_w = 1};
        ts_conv2d_desc d2 = {.n = 1, .c_in = 8, .h = 14, .w = 14, .c_out = 16, .kh = 3, .kw = 3, .pad_h = 1, .pad_w = 1};
        ts_pool2d_desc q1 = {.n = 1, .c = 8, .h = 28, .w = 28, .kh = 2, .kw = 2};
        ts_pool2d_desc q2 = {.n = 1, .c = 16, .h = 14, .w = 14, .kh = 2, .kw = 2};
        ts_conv2d_forward(C1, in->data, w1->data, b1->data, &d1);
        ts_relu_forward(R1, C1, 8 * 784);
        ts_maxpool2d_forward(P1, NULL, R1, &q1);
        ts_conv2d_forward(C2, P1, w2->data, b2->data, &d2);
        ts_relu_forward(R2, C2, 16 * 196);
        ts_maxpool2d_forward(P2, NULL, R2, &q2);
        ts_linear_forward(L, P2, fw->data, fb->data, 1, 784, 10);
        ts_softmax_forward(P, L, NULL, 1, 10);
        same(where, "conv1.out", c1, C1); same(where, "relu1.out", r1, R1); same(where, "pool1.out", p1, P1);
        same(where, "conv2.out", c2, C2); same(where, "relu2.out", r2, R2); same(where, "pool2.out", p2, P2);
        same(where, "logits", lg, L); same(where, "probs", pr, P);
    }
    if (in && f && fo && f->ndim == 4 && fo->ndim == 4) {
        int k = f->shape[2];
        ts_conv2d_desc df = {.n = 1, .c_in = 1, .h = 28, .w = 28, .c_out = 1, .kh = k, .kw = k,
                             .stride_h = (int)stride, .stride_w = (int)stride, .pad_h = (int)padding, .pad_w = (int)padding};
        int oh, ow;
        CHECK(ts_conv2d_out_hw(&df, &oh, &ow) == 0 && fo->shape[2] == oh && fo->shape[3] == ow,
              "%s: filter.out is %dx%d, the formula says %dx%d", where, fo->shape[2], fo->shape[3], oh, ow);
        static float FO[32 * 32];
        if (oh == fo->shape[2] && ow == fo->shape[3]) {
            ts_conv2d_forward(FO, in->data, f->data, NULL, &df);
            same(where, "filter.out", fo, FO);
        }
    }
    ts_dump_free(d);
    ts_arena_free(&a);
}

/* ---- scripted input through the scene's update --------------------------- */

static void frame(scene *s, ui_ctx *ui, float x, float y, bool down, bool pressed, bool released) {
    ui_input in = {.mouse_x = x, .mouse_y = y, .mouse_down = down, .mouse_pressed = pressed, .mouse_released = released};
    ui_begin_frame(ui, &in);
    s->kind->update(s->state, &s->clock, ui);
}

static void click_clear(scene *s, ui_ctx *ui) {
    cnn_lay L;
    cnn_layout(s->clock.beat, &L);
    float x = L.clear.x + L.clear.w / 2, y = L.clear.y + L.clear.h / 2;
    frame(s, ui, x, y, true, true, false);
    frame(s, ui, x, y, false, false, true);
    frame(s, ui, -1000, -1000, false, false, false);
}

/* Drags through the points (input cells, fractional), one frame per point. */
static void stroke(scene *s, ui_ctx *ui, const float *pts, int n) {
    cnn_lay L;
    cnn_layout(s->clock.beat, &L);
    dg_rect im = cnn_input_image(&L, cnn_input_pad(s->state, s->clock.beat));
    float cell = im.w / CNN_IN;
    for (int i = 0; i < n; i++) {
        float x = im.x + pts[2 * i] * cell, y = im.y + pts[2 * i + 1] * cell;
        frame(s, ui, x, y, i < n - 1, i == 0, i == n - 1);
    }
    frame(s, ui, -1000, -1000, false, false, false);
}

static void check_drawing(void) {
    char err[512];
    scene *s = scene_open("cnn", err, sizeof err);
    CHECK(s != NULL, "scene_open(cnn): %s", err);
    if (!s) return;
    ui_ctx ui;
    ui_init(&ui, &ui_theme_dark);
    ui.show_widgets = true;
    s->clock = scene_clock_beat(s->kind, B_DEEP, 0);
    cnn_state *st = s->state;

    click_clear(s, &ui);
    float sum = 0;
    for (int i = 0; i < 784; i++) sum += st->x.input->data[i];
    CHECK(sum == 0, "clear leaves the input empty (sum %g)", sum);

    float line[2 * 21];
    for (int i = 0; i <= 20; i++) { line[2 * i] = 14.2f; line[2 * i + 1] = 4.0f + (float)i; }
    int before = st->recomputes;
    stroke(s, &ui, line, 21);
    int updates = st->recomputes - before;
    CHECK(st->pred == 1, "a vertical line reads as 1, got %d (p %.3f)", st->pred, st->x.probs->data[st->pred]);
    printf("vertical line: %d (p = %.3f), %d recomputes while drawing, last %.3f ms\n", st->pred,
           st->x.probs->data[st->pred], updates, st->recompute_ms);
    CHECK(updates >= 20, "the pipeline recomputes while drawing (%d updates)", updates);

    click_clear(s, &ui);
    float loop[2 * 41];
    for (int i = 0; i <= 40; i++) {
        float a = 6.2831853f * (float)i / 40;
        loop[2 * i] = 14 + 5.5f * cosf(a);
        loop[2 * i + 1] = 14 + 8.0f * sinf(a);
    }
    stroke(s, &ui, loop, 41);
    CHECK(st->pred == 0, "a closed loop reads as 0, got %d (p %.3f)", st->pred, st->x.probs->data[st->pred]);
    printf("closed loop: %d (p = %.3f), recompute %.3f ms\n", st->pred, st->x.probs->data[st->pred], st->recompute_ms);

    /* in the playground the input shows its zero padding: strokes still land on the image */
    s->clock = scene_clock_beat(s->kind, B_PLAY, 0);
    click_clear(s, &ui);
    stroke(s, &ui, line, 21);
    CHECK(st->pred == 1 && cnn_input_pad(st, B_PLAY) > 0, "a vertical line drawn in the playground (padding %d) reads as 1, got %d",
          cnn_input_pad(st, B_PLAY), st->pred);
    float col = 0;
    for (int r = 0; r < CNN_IN; r++) col += st->x.input->data[r * CNN_IN + 14];
    CHECK(col > 10, "the playground stroke inks column 14 (ink %.1f)", col);

    /* picking a sample restores a digit */
    cnn_lay L;
    cnn_layout(s->clock.beat, &L);
    float x = L.sample[3].x + L.sample[3].w / 2, y = L.sample[3].y + L.sample[3].h / 2;
    frame(s, &ui, x, y, true, true, false);
    frame(s, &ui, x, y, false, false, true);
    CHECK(st->pred == 3, "sample 3 reads as 3, got %d", st->pred);
    ui_shutdown(&ui);
    scene_close(s);
}

/* ---- the model's helpers ------------------------------------------------- */

/* With every weight 1 and every bias 0, a cell is positive exactly when one
 * of the input pixels it sees is: lighting one pixel at a time finds each
 * cell's receptive field without the formula. */
static void check_receptive_fields(void) {
    ts_arena a = {0};
    cnn_model m;
    cnn_model_new(&m, &a);
    ts_tensor *p[6];
    cnn_model_params(&m, p);
    for (int i = 0; i < 6; i++)
        for (size_t j = 0; j < ts_numel(p[i]); j++) p[i]->data[j] = i % 2 ? 0.0f : 1.0f;
    cnn_acts x;
    cnn_acts_new(&x, &a, 1, false);
    /* interior cells of each layer (no padding in their field) */
    const struct { int layer, r, c, size; const ts_tensor *t; } cells[] = {
        {CNN_L_CONV1, 9, 17, 3, x.conv1}, {CNN_L_POOL1, 5, 3, 4, x.pool1},
        {CNN_L_CONV2, 6, 8, 8, x.conv2}, {CNN_L_POOL2, 3, 2, 10, x.pool2}};
    int lo[4][2], hi[4][2];
    for (int k = 0; k < 4; k++) { lo[k][0] = lo[k][1] = 99; hi[k][0] = hi[k][1] = -1; }
    for (int px = 0; px < CNN_IN * CNN_IN; px++) {
        memset(x.input->data, 0, sizeof(float) * CNN_IN * CNN_IN);
        x.input->data[px] = 1;
        cnn_forward(&m, &x);
        for (int k = 0; k < 4; k++) {
            int side = cells[k].t->shape[3];
            if (cells[k].t->data[cells[k].r * side + cells[k].c] <= 0) continue;
            int y = px / CNN_IN, xx = px % CNN_IN;
            if (y < lo[k][0]) lo[k][0] = y;
            if (y > hi[k][0]) hi[k][0] = y;
            if (xx < lo[k][1]) lo[k][1] = xx;
            if (xx > hi[k][1]) hi[k][1] = xx;
        }
    }
    for (int k = 0; k < 4; k++) {
        int r0, c0, size;
        cnn_receptive_field(cells[k].layer, cells[k].r, cells[k].c, &r0, &c0, &size);
        CHECK(r0 == lo[k][0] && c0 == lo[k][1] && size == hi[k][0] - lo[k][0] + 1 && size == hi[k][1] - lo[k][1] + 1,
              "receptive field of layer %d cell (%d,%d): formula rows %d..%d cols %d.., pixels rows %d..%d cols %d..%d",
              cells[k].layer, cells[k].r, cells[k].c, r0, r0 + size - 1, c0, lo[k][0], hi[k][0], lo[k][1], hi[k][1]);
        CHECK(size == cells[k].size, "layer %d sees %d x %d pixels, expected %d", cells[k].layer, size, size, cells[k].size);
    }
    ts_arena_free(&a);
}

static void check_ties_and_patch(void) {
    char err[512];
    scene *s = scene_open("cnn", err, sizeof err);
    CHECK(s != NULL, "scene_open(cnn): %s", err);
    if (!s) return;
    cnn_state *st = s->state;
    int tied = 0, zero_windows = 0, bad = 0;
    for (int i = 0; i < CNN_C1 * CNN_P1 * CNN_P1; i++) {
        int pl = i / (CNN_P1 * CNN_P1), r = i / CNN_P1 % CNN_P1, c = i % CNN_P1, n = 0;
        const float *in = st->x.relu1->data + (size_t)pl * CNN_IN * CNN_IN;
        for (int j = 0; j < 4; j++) n += in[(2 * r + j / 2) * CNN_IN + 2 * c + j % 2] == st->x.pool1->data[i];
        bad += n != st->x.ties1[i];
        tied += n > 1;
        zero_windows += st->x.pool1->data[i] == 0;
    }
    CHECK(bad == 0, "%d pool1 windows count their ties wrongly", bad);
    CHECK(tied >= zero_windows && zero_windows > 0, "every all-zero window is a tie (%d zero windows, %d ties)",
          zero_windows, tied);
    /* the worked patch of beat 2 has products that say something, for every sample */
    for (int d = 0; d < CNN_CLASSES; d++) {
        memcpy(st->x.input->data, st->samples->data + (size_t)d * CNN_IN * CNN_IN, sizeof(float) * CNN_IN * CNN_IN);
        cnn_recompute(st);
        const float *w = st->m.conv1_w->data + st->channel * 9;
        int nonzero = 0;
        for (int i = 0; i < 9; i++) {
            int y = st->work_r + i / 3 - 1, xx = st->work_c + i % 3 - 1;
            float v = y < 0 || xx < 0 || y >= CNN_IN || xx >= CNN_IN ? 0 : st->x.input->data[y * CNN_IN + xx];
            nonzero += fabsf(v * w[i]) > 1e-3f;
        }
        CHECK(nonzero >= 6, "sample %d: the worked patch at (%d,%d) has only %d informative products", d,
              st->work_r, st->work_c, nonzero);
    }
    scene_close(s);
}

/* The shipped weights on 500 stroke-drawn digits of the trainer's held-out
 * seed: images the model never saw, drawn like a mouse draws. */
static void check_stroke_accuracy(void) {
    char err[512];
    scene *s = scene_open("cnn", err, sizeof err);
    if (!s) { failed++; return; }
    cnn_state *st = s->state;
    ts_rng r;
    ts_rng_seed(&r, 4);
    int right = 0, n = 500;
    for (int i = 0; i < n; i++) {
        cnn_strokes_render(st->x.input->data, i % 10, &r);
        cnn_forward(&st->m, &st->x);
        int p = 0;
        for (int k = 1; k < CNN_CLASSES; k++) if (st->x.logits->data[k] > st->x.logits->data[p]) p = k;
        right += p == i % 10;
    }
    printf("stroke-drawn held-out digits: %d of %d read right (%.1f%%)\n", right, n, 100.0 * right / n);
    CHECK(right >= 0.97 * n, "the weights read only %d of %d stroke-drawn digits", right, n);
    scene_close(s);
}

static void check_captions(void) {
    static const char *const controls[] = {"draw on", "click", "hover", "press", "type ", "drag", "mouse", "pick "};
    const scene_kind *k = scene_kind_find("cnn");
    for (int b = 0; k && b < k->beat_count; b++)
        for (size_t i = 0; i < sizeof controls / sizeof controls[0]; i++) {
            char low[600];
            size_t j = 0;
            for (; k->beats[b].caption[j] && j + 1 < sizeof low; j++) low[j] = (char)tolower((unsigned char)k->beats[b].caption[j]);
            low[j] = 0;
            CHECK(!strstr(low, controls[i]), "beat %d's caption speaks of controls ('%s'): put it in the hint", b + 1, controls[i]);
        }
}

/* ---- presets and pixels -------------------------------------------------- */

static void check_bad_preset(void) {
    char path[300], args[700];
    snprintf(path, sizeof path, "%s/bad.scene", dir);
    FILE *f = fopen(path, "w");
    if (!f) { failed++; return; }
    fputs("[scene]\nkind = cnn\ntitle = bad\n[filter]\nstride = 0\n", f);
    fclose(f);
    snprintf(args, sizeof args, "check %s 2> %s/bad.txt", path, dir);
    int rc = run(args);
    CHECK(WIFEXITED(rc) && WEXITSTATUS(rc) == 2, "a stride of 0 is refused with exit code 2 (status %d)", rc);
    snprintf(path, sizeof path, "%s/bad.txt", dir);
    f = fopen(path, "r");
    char line[300] = {0};
    if (f) { if (!fgets(line, sizeof line, f)) line[0] = 0; fclose(f); }
    CHECK(strstr(line, ":5:") && strstr(line, "stride must be 1..3, got 0"), "message names the line and the range: %s", line);
}

static void check_golden(int beat, const char *name) {
    char out[300], args[700], frame_path[400];
    snprintf(out, sizeof out, "%s/%s", dir, name);
    snprintf(args, sizeof args, "render cnn --out %s --size 640x360 --beat %d --fps 1", out, beat);
    if (run(args)) { failed++; fprintf(stderr, "FAIL render %s\n", name); return; }
    const scene_kind *k = scene_kind_find("cnn");
    long last = lround(k->beats[beat - 1].duration);
    snprintf(frame_path, sizeof frame_path, "%s/frame-%05ld.png", out, last);
    char why[1024];
    CHECK(golden_match(frame_path, name, why, sizeof why), "%s", why);
}

int main(void) {
    if (!getenv("TS_BIN") || !getenv("TS_SRC")) { fprintf(stderr, "run through ctest\n"); return 1; }
    if (!mkdtemp(dir)) { perror("mkdtemp"); return 1; }
    setenv("TENSORSTAGE_DATA", getenv("TS_SRC"), 0);
    const scene_kind *k = scene_kind_find("cnn");
    CHECK(k != NULL, "the cnn scene is registered");
    for (int b = 1; k && b <= k->beat_count; b++) check_dump("cnn", b, "cnn");
    char p[600];
    snprintf(p, sizeof p, "%s/scenes/cnn-edges.scene", getenv("TS_SRC"));
    check_dump(p, B_PLAY + 1, "edges");
    snprintf(p, sizeof p, "%s/scenes/cnn-stride.scene", getenv("TS_SRC"));
    check_dump(p, B_PLAY + 1, "stride");
    check_drawing();
    check_receptive_fields();
    check_ties_and_patch();
    check_stroke_accuracy();
    check_captions();
    check_bad_preset();
    check_golden(3, "cnn-beat3-640x360");
    check_golden(7, "cnn-beat7-640x360");

    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
