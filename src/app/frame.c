/* frame.c: one frame of a scene, the same in the window, in exports and in
 * the benchmark; plus the small shared services of the app (paths, time). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "app/app.h"

void app_frame(scene *s, ui_ctx *ui, int fb_w, int fb_h, const app_frame_opts *o) {
    const ui_theme *th = o->theme;
    ui->theme = th;
    if (s->kind->update) s->kind->update(s->state, &s->clock, ui);
    gfx_frame_begin(fb_w, fb_h, th->bg, th->letterbox);
    gfx_push_view(o->view.pan_x, o->view.pan_y, o->view.zoom > 0 ? o->view.zoom : 1);
    s->kind->draw(s->state, &s->clock, th);
    ui_draw(ui);
    gfx_pop_view();
    if (o->captions && s->kind->beat_count > 0) {
        const scene_beat *b = &s->kind->beats[s->clock.beat];
        ui_caption_bar(th, s->clock.beat, s->kind->beat_count, b->title, b->caption,
                       s->clock.t, o->holding);
    }
    if (o->help) ui_help_overlay(th, o->help, o->help_count);
    if (o->toast && o->toast_alpha > 0) ui_toast(th, o->toast, o->toast_alpha);
    gfx_frame_end();
}

static bool has_data(const char *dir) {
    char p[PATH_MAX + 32];
    snprintf(p, sizeof p, "%s/shaders", dir);
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

const char *app_data_dir(void) {
    static char dir[PATH_MAX];
    if (dir[0]) return dir;
    const char *env = getenv("TENSORSTAGE_DATA");
    if (env && has_data(env)) { snprintf(dir, sizeof dir, "%s", env); return dir; }
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = 0;
        char *slash = strrchr(exe, '/');
        if (slash) *slash = 0;
        const char *cands[] = {"%s", "%s/..", "%s/../share/tensorstage"};
        for (int i = 0; i < 3; i++) {
            char c[PATH_MAX + 32];
            snprintf(c, sizeof c, cands[i], exe);
            if (has_data(c)) { snprintf(dir, sizeof dir, "%s", c); return dir; }
        }
    }
    snprintf(dir, sizeof dir, "%s", TS_SOURCE_DIR);
    return dir;
}

bool app_output_ok(const char *path, bool force, char *err, size_t errlen) {
    struct stat st;
    if (stat(path, &st) == 0 && !force) {
        snprintf(err, errlen, "%s: already exists (use --force to overwrite)", path);
        return false;
    }
    return true;
}

double app_seconds(void) {
    static struct timespec start;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (!start.tv_sec && !start.tv_nsec) start = now;
    return (double)(now.tv_sec - start.tv_sec) + 1e-9 * (double)(now.tv_nsec - start.tv_nsec);
}
