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
#include "diagram/diagram.h"
#include "kernel/fileio.h"

void app_frame(scene *s, ui_ctx *ui, int fb_w, int fb_h, const app_frame_opts *o) {
    const ui_theme *th = o->theme;
    ui->theme = th;
    gfx_canvas_fit(fb_w, fb_h);   /* update lays out on this frame's canvas */
    if (s->kind->update) s->kind->update(s->state, &s->clock, ui);
    gfx_frame_begin(fb_w, fb_h, th->bg, th->letterbox);
    float W = gfx_canvas_w(), H = gfx_canvas_h();
    if (o->safe) gfx_push_view(0.03f * W, 0.03f * H, 0.94f);
    gfx_push_view(o->view.pan_x, o->view.pan_y, o->view.zoom > 0 ? o->view.zoom : 1);
    /* Diagram hover sees the pointer (in the scene's canvas units) unless a
     * widget took it; exports pass none. Its tooltip goes over the widgets. */
    bool pointer = !ui->mouse_used && ui->in.mouse_x >= 0 && ui->in.mouse_y >= 0;
    dg_frame_begin(th, pointer ? ui->in.mouse_x : -1, pointer ? ui->in.mouse_y : -1,
                   s->clock.time);
    s->kind->draw(s->state, &s->clock, th);
    ui_draw(ui);
    dg_frame_end();
    gfx_pop_view();
    if (o->captions && s->kind->beat_count > 0) {
        const scene_beat *b = &s->kind->beats[s->clock.beat];
        ui_caption c = {.beat = s->clock.beat, .first = o->ranged ? o->first : 0,
                        .last = o->ranged ? o->last : s->kind->beat_count - 1, .title = b->title,
                        .caption = b->caption, .hint = ui->show_widgets ? b->hint : NULL, .t = s->clock.t,
                        .holding = o->holding, .more_entries = o->more_entries, .slide = o->slide,
                        .slides = o->slides};
        ui_caption_bar(th, &c);
    }
    if (o->overlay) o->overlay(o->overlay_user);
    if (o->help) ui_help_overlay(th, o->help, o->help_count, s->kind->title, s->kind->help, s->kind->help_count);
    if (o->toast && o->toast_alpha > 0) ui_toast(th, o->toast, o->toast_alpha);
    if (o->safe) gfx_pop_view();
    gfx_frame_end();
}

bool app_output_ok(const char *path, bool force, char *err, size_t errlen) {
    return ts_out_check(path, force, err, errlen);
}
