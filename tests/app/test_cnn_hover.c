/* test_cnn_hover.c: every tensor the cnn scene draws answers the pointer.
 *
 * For every beat (at its end), the pointer visits a coarse grid over the
 * stage and the centre of every text the beat draws (numbers in cells, terms
 * of equations, labels), one frame each, drawn headless as the window draws it (widgets
 * hidden so the scene's elements get the pointer, captions off so the
 * tooltip's lines are the frame's last texts). A tooltip of a tensor
 * element reads "NAME[i,j,...] = value" followed by a provenance line. The
 * test fails when a tensor the beat draws never shows such a tooltip, or
 * shows one without its provenance line.
 *
 * Run through ctest (SDL_VIDEODRIVER=offscreen, from the source tree).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "app/app.h"
#include "scenes/cnn/cnn_scene.h"

#define REC_MAX 8192
#define STEP 64.0f                /* canvas units between pointer positions */

#define PTS_MAX 4096

static gfx_text_rec rec[REC_MAX];
static float pts[PTS_MAX][2];
static int passed, failed;

/* The tensors each beat draws. */
static const char *const expect[B_COUNT][9] = {
    {"input"},
    {"input", "conv1.weight", "products", "conv1.out", "conv1.bias"},
    {"input", "conv1.weight", "products", "conv1.out", "conv1.bias"},
    {"input", "conv1.weight", "conv1.out"},
    {"input", "conv1.weight", "relu1.out"},
    {"input", "relu1.out", "pool1.out"},
    {"input", "pool1.out", "relu2.out", "pool2.out", "logits", "probs", "conv2.worked.patch", "conv2.weight"},
    {"input", "conv1.weight", "relu1.out", "relu2.out"},
    {"input", "filter", "filter.out"},
};

/* Tooltip of name in this frame's last records: 0 none, 1 without a
 * provenance line after it, 2 with one. */
static int tooltip_of(const char *name, int n) {
    size_t len = strlen(name);
    for (int i = n - 1; i >= 0 && i >= n - 5; i--) {
        bool prefix = strncmp(rec[i].text, name, len) == 0;
        if (prefix && (name[len - 1] == '[' || rec[i].text[len] == '[') && strstr(rec[i].text, "] = "))
            return i < n - 1 ? 2 : 1;
    }
    return 0;
}

int main(void) {
    char err[512];
    gfx_window *win = gfx_window_open(&(gfx_window_desc){.title = "test_cnn_hover", .width = 64, .height = 64,
                                                        .hidden = true}, err, sizeof err);
    char shaders[4200];
    snprintf(shaders, sizeof shaders, "%s/shaders", scene_data_dir());
    if (!win || !gfx_init(&(gfx_desc){.shader_dir = shaders}, err, sizeof err)) {
        fprintf(stderr, "test_cnn_hover: %s\n", err);
        return 1;
    }
    gfx_target *t = gfx_target_new(192, 108, err, sizeof err);
    scene *s = scene_open("cnn", err, sizeof err);
    if (!t || !s) { fprintf(stderr, "test_cnn_hover: %s\n", err); return 1; }
    ui_ctx ui;
    ui_init(&ui, &ui_theme_dark);
    ui.show_widgets = false;
    app_frame_opts fo = {.theme = &ui_theme_dark, .captions = false, .view = {.zoom = 1}};
    gfx_target_bind(t);
    double t0 = scene_seconds();
    int frames = 0;
    for (int b = 0; b < B_COUNT; b++) {
        bool ok[8] = {0}, bare[8] = {0};
        s->clock = scene_clock_beat(s->kind, b, s->kind->beats[b].duration);
        /* a frame without the pointer: the canvas for dg_stage, and where texts are */
        ui_begin_frame(&ui, &(ui_input){.mouse_x = -1e9f, .mouse_y = -1e9f});
        gfx_text_log(rec, REC_MAX);
        app_frame(s, &ui, 192, 108, &fo);
        int nt = gfx_text_log_count();
        gfx_text_log(NULL, 0);
        if (nt > PTS_MAX) nt = PTS_MAX;
        for (int i = 0; i < nt; i++) { pts[i][0] = rec[i].x + rec[i].w / 2; pts[i][1] = rec[i].y + rec[i].h / 2; }
        int np = nt;
        dg_rect st = dg_stage();
        for (float y = st.y + STEP / 2; y < st.y + st.h; y += STEP)
            for (float x = st.x + STEP / 2; x < st.x + st.w && np < PTS_MAX; x += STEP) {
                pts[np][0] = x;
                pts[np++][1] = y;
            }
        for (int p = 0; p < np; p++) {
            float x = pts[p][0], y = pts[p][1];
            ui_begin_frame(&ui, &(ui_input){.mouse_x = x, .mouse_y = y});
            gfx_text_log(rec, REC_MAX);
            app_frame(s, &ui, 192, 108, &fo);
            int n = gfx_text_log_count();
            gfx_text_log(NULL, 0);
            if (n > REC_MAX) n = REC_MAX;
            frames++;
            for (int k = 0; k < 9 && expect[b][k]; k++) {
                int w = tooltip_of(expect[b][k], n);
                ok[k] |= w == 2;
                bare[k] |= w == 1;
                if (w == 1 && getenv("TS_HOVER_DEBUG"))
                    fprintf(stderr, "beat %d at (%.0f,%.0f): '%s' | '%s'\n", b + 1, x, y, n > 1 ? rec[n - 2].text : "",
                            rec[n - 1].text);
            }
        }
        for (int k = 0; k < 9 && expect[b][k]; k++) {
            if (ok[k] && !bare[k]) passed++;
            else {
                failed++;
                fprintf(stderr, "FAIL beat %d: %s %s\n", b + 1, expect[b][k],
                        bare[k] ? "shows a tooltip without a provenance line" : "never shows a tooltip");
            }
        }
    }
    printf("%d frames in %.1f s\n", frames, scene_seconds() - t0);
    ui_shutdown(&ui);
    scene_close(s);
    gfx_target_free(t);
    gfx_shutdown();
    gfx_window_close(win);
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
