/* test_attention_draw.c: the attention scene's pictures, drawn in-process
 * through app_frame (headless, hidden window, offscreen target).
 *
 * - Layout: every preset of the scene (and a long sentence and a causal,
 *   hot one), every beat at its start, middle and end, at 16:9 and 4:3, as
 *   exported (no widgets): no text below DG_TEXT_MIN, none off the canvas,
 *   no two text boxes overlapping (layout_check.h).
 * - Captions and everything drawn in an export mention no control.
 * - Hover: the pointer over a cell of K in beat 3 hovers K[head, t, j] (the
 *   library names tensor and index), and the provenance line says where it
 *   comes from; a masked weight explains that it is masked.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "app/app.h"
#include "layout_check.h"
#include "scenes/attention/attention_scene.h"

#include "app_check.h"
static char dir[] = "/tmp/ts-attn-draw-XXXXXX";

static gfx_target *target;
static int tw, th;
static ui_ctx ui;

/* One frame of s at its clock into a w x h target, pointer at (mx, my)
 * (negative: none); the text boxes it drew go to rec (n returned). */
static int draw(scene *s, int w, int h, float mx, float my, gfx_text_rec *rec, int cap) {
    char err[256];
    if (w != tw || h != th) {
        gfx_target_free(target);
        target = gfx_target_new(w, h, err, sizeof err);
        tw = w;
        th = h;
    }
    gfx_target_bind(target);
    ui_begin_frame(&ui, &(ui_input){.mouse_x = mx, .mouse_y = my});
    gfx_text_log(rec, cap);
    app_frame(s, &ui, w, h, &(app_frame_opts){.theme = &ui_theme_dark, .captions = true});
    int n = gfx_text_log_count();
    gfx_text_log(NULL, 0);
    gfx_target_bind(NULL);
    return n < cap ? n : cap;
}

static const char *const controls[] = {"click", "hover", "press", "drag", "toggle", "Up/Down", "slider", "type "};

static void check_layout(const char *name) {
    char err[512];
    scene *s = scene_open(name, err, sizeof err);
    if (!s) { CHECK(0, "%s", err); return; }
    static gfx_text_rec rec[8192];
    static const int sizes[2][2] = {{480, 270}, {256, 192}};   /* 16:9 and 4:3 */
    ui.show_widgets = false;
    int bad = 0, frames = 0;
    for (int z = 0; z < 2; z++)
        for (int b = 0; b < s->kind->beat_count; b++)
            for (int k = 0; k < 3; k++) {
                s->clock = scene_clock_beat(s->kind, b, 0.5 * k * s->kind->beats[b].duration);
                draw(s, sizes[z][0], sizes[z][1], -1, -1, rec, 8192);   /* the canvas takes the new size */
                int n = draw(s, sizes[z][0], sizes[z][1], -1, -1, rec, 8192);
                char where[300];
                snprintf(where, sizeof where, "%s %dx%d beat %d at %d%%", name, sizes[z][0], sizes[z][1], b + 1, 50 * k);
                bad += layout_check(rec, n, gfx_canvas_w(), gfx_canvas_h(), where, stderr);
                for (int i = 0; i < n; i++)
                    for (size_t j = 0; j < sizeof controls / sizeof controls[0]; j++)
                        if (strstr(rec[i].text, controls[j])) {
                            bad++;
                            fprintf(stderr, "%s: an export mentions a control: \"%s\"\n", where, rec[i].text);
                        }
                frames++;
            }
    CHECK(bad == 0 && frames == 2 * 3 * s->kind->beat_count, "%s: %d layout problems in %d frames", name, bad, frames);
    scene_close(s);
}

static void check_hover(void) {
    char err[512];
    scene *s = scene_open("attention", err, sizeof err);
    if (!s) { CHECK(0, "%s", err); return; }
    attn_scene *st = s->state;
    static gfx_text_rec rec[8192];
    ui.show_widgets = false;
    s->clock = scene_clock_beat(s->kind, B_QKV, 1e9);
    /* find K's "trophy" row: the text box of its label in the K panel */
    int n = draw(s, 480, 270, -1, -1, rec, 8192);
    float kx = -1, ky = -1, px = -1;
    for (int i = 0; i < n; i++)
        if (strcmp(rec[i].text, "K: what it offers") == 0) kx = rec[i].x + rec[i].w / 2;
    for (int i = 0; i < n && kx > 0; i++)
        if (strcmp(rec[i].text, "trophy") == 0 && rec[i].x < kx && rec[i].x > kx - 400) {
            ky = rec[i].y + rec[i].h / 2;
            px = rec[i].x + rec[i].w + 24;   /* a little right of the row label: the row's first cell */
        }
    CHECK(kx > 0 && ky > 0, "K's panel and its 'trophy' row are drawn (%g, %g)", kx, ky);
    draw(s, 480, 270, px, ky, rec, 8192);
    draw(s, 480, 270, px, ky, rec, 8192);
    dg_ref ref;
    bool hovered = dg_hovered(&ref);
    CHECK(hovered && ref.t == attn_main(st)->mha->k && ref.idx[0] == st->head && ref.idx[1] == 1,
          "hovering K's 'trophy' row: %s [%d,%d,%d]", hovered && ref.t ? ref.t->name : "(nothing)",
          ref.idx[0], ref.idx[1], ref.idx[2]);
    CHECK(hovered && strcmp(ref.t->name, "K") == 0, "the hovered tensor is named as in the dump: '%s'",
          hovered ? ref.t->name : "");
    char line[400];
    attn_why w = {st, attn_main(st), W_K};
    attn_explain(&w, (int[]){0, 1, 1}, line, sizeof line);
    CHECK(strstr(line, "'trophy'") && strstr(line, "W_k"), "K provenance: '%s'", line);
    attn_why wd = {st, &st->dec, W_WEIGHTS};
    attn_explain(&wd, (int[]){0, 0, 5}, line, sizeof line);
    CHECK(strstr(line, "masked") != NULL, "masked weight provenance: '%s'", line);
    attn_why ws = {st, &st->enc, W_SCORES};
    attn_explain(&ws, (int[]){0, st->query, 1}, line, sizeof line);
    char score[32];
    snprintf(score, sizeof score, "= %.4g", (double)st->enc.mha->scores->data[st->query * st->T + 1]);
    CHECK(strstr(line, "'it'") && strstr(line, "'trophy'") && strstr(line, score), "score provenance: '%s' (want '%s')",
          line, score);
    CHECK(strcmp(st->dec.mha->weights->name, "weights.causal") == 0 && strcmp(st->ord_b.mha->out->name, "order.out_b") == 0,
          "tensor names follow the dump: '%s', '%s'", st->dec.mha->weights->name, st->ord_b.mha->out->name);
    scene_close(s);
}

static const char *write_preset(const char *file, const char *body) {
    static char path[4][300];
    static int k;
    char *p = path[k++ % 4];
    snprintf(p, 300, "%s/%s", dir, file);
    FILE *f = fopen(p, "w");
    if (!f) return "cannot-write";
    fprintf(f, "[scene]\nkind = attention\ntitle = t\n[attention]\n%s\n", body);
    fclose(f);
    return p;
}

int main(void) {
    char err[512];
    if (!mkdtemp(dir)) { perror("mkdtemp"); return 1; }
    gfx_window *win = gfx_window_open(&(gfx_window_desc){.title = "test_attention_draw", .width = 64, .height = 64,
                                                         .hidden = true}, err, sizeof err);
    if (!win || !gfx_init(&(gfx_desc){0}, err, sizeof err)) {
        fprintf(stderr, "test_attention_draw: %s\n", err);
        printf("0 passed, 1 failed\n");
        return 1;
    }
    ui_init(&ui, &ui_theme_dark);
    check_hover();
    check_layout("attention");
    check_layout("scenes/attention.scene");
    check_layout("scenes/attention-order.scene");
    check_layout("scenes/attention-trained.scene");
    check_layout(write_preset("long.scene", "sentence = because it was too large my wardrobe couldn't fit inside the "
                                            "hallway because it was too\nquery = 14"));
    check_layout(write_preset("hot.scene", "causal = true\ntemperature = 2.5\nscale = false\nhead = 4"));
    ui_shutdown(&ui);
    gfx_target_free(target);
    gfx_shutdown();
    gfx_window_close(win);
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
