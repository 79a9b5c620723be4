/* bench_drag.c: `tensorstage bench SCENE --drag`: a scripted slider drag on
 * every beat of a scene, timed frame by frame, as a lecturer would drag in
 * the window (work off the frame on, widgets shown, the clock held at the
 * beat's settled end).
 *
 * Each beat starts from a freshly opened scene (a drag on one beat, such as
 * a learning rate that starts live training, changes what later beats
 * show). A panel of controls that a button opens ("training controls") is
 * opened first. The sliders its first frame queues are dragged one after the
 * other: pressed at the left end of the track, moved evenly to the right
 * end over N frames (--frames, default 60), released there. Each frame is
 * update + draw + a pixel read (the GPU done), as bench times frames. Between
 * sliders the scene's work off the frame is let finish (untimed). Printed:
 * each slider's longest frame and p95, then the scene's longest frame, where
 * it was, and the p95 over every drag frame.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "app/app.h"

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

void app_median_p95(double *v, long n, double *med, double *p95) {
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    *med = v[n / 2];
    *p95 = v[(long)floor(0.95 * (double)(n - 1))];
}

typedef struct drag_run {
    scene *s;
    ui_ctx *ui;
    gfx_target *target;
    int w, h;
    const app_frame_opts *fo;
} drag_run;

/* One frame with this input; returns its time in ms. */
static double frame(drag_run *r, const ui_input *in) {
    double a = scene_seconds();
    ui_begin_frame(r->ui, in);
    gfx_target_bind(r->target);
    app_frame(r->s, r->ui, r->w, r->h, r->fo);
    uint8_t px[4];
    gfx_read_pixels(1, 1, px);
    return 1e3 * (scene_seconds() - a);
}

static const ui_input no_pointer = {.mouse_x = -1e9f, .mouse_y = -1e9f};

/* Clicks the first button whose label names controls (a closed panel). */
static void open_controls(drag_run *r) {
    frame(r, &no_pointer);
    float x, y, w, h;
    const char *label;
    for (int i = 0; ui_button_rect(r->ui, i, &x, &y, &w, &h, &label); i++)
        if (strstr(label, "controls")) {
            ui_input in = {.mouse_x = x + w / 2, .mouse_y = y + h / 2, .mouse_down = true, .mouse_pressed = true};
            frame(r, &in);
            in.mouse_down = in.mouse_pressed = false;
            in.mouse_released = true;
            frame(r, &in);
            frame(r, &no_pointer);
            return;
        }
}

/* Frames without input until the scene has nothing off the frame (at most
 * about 20 s). */
static void settle(drag_run *r) {
    float p;
    double t0 = scene_seconds();
    do frame(r, &no_pointer);
    while (r->s->kind->busy && r->s->kind->busy(r->s->state, &p) && scene_seconds() - t0 < 20);
}

int app_bench_drag(scene *s, ui_ctx *ui, gfx_target *target, int w, int h, const app_frame_opts *fo, int n) {
    drag_run r = {.s = s, .ui = ui, .target = target, .w = w, .h = h, .fo = fo};
    scene *const first = s;
    const scene_kind *k = s->kind;
    scene_work_threads(true);   /* as in the window */
    ui->show_widgets = true;
    if (n < 2) n = 2;
    long cap = 4096, total = 0;
    double *all = malloc(sizeof(double) * (size_t)cap), *one = malloc(sizeof(double) * (size_t)(n + 1));
    if (!all || !one) { free(all); free(one); return APP_FAIL; }
    double worst = 0;
    char worst_at[96] = "";
    printf("drag %s at %dx%d, %d frames per slider, on %s\n", k->name, w, h, n, gfx_renderer_name());
    for (int b = 0; b < k->beat_count; b++) {
        char err[512];
        scene *fresh = b == 0 ? s : scene_open(s->source, err, sizeof err);
        if (!fresh) { app_error("tensorstage: %s", err); break; }
        if (b > 0) {
            if (r.s != s) scene_close(r.s);
            r.s = fresh;
        }
        s = r.s;
        s->clock = scene_clock_beat(k, b, k->beats[b].duration);
        settle(&r);
        open_controls(&r);
        for (int j = 0;; j++) {
            s->clock = scene_clock_beat(k, b, k->beats[b].duration);
            frame(&r, &no_pointer);   /* lays the widgets out */
            float x, y, sw, sh;
            const char *label;
            if (!ui_slider_rect(ui, j, &x, &y, &sw, &sh, &label)) break;
            char name[64];
            snprintf(name, sizeof name, "%s", label);
            char *hide = strstr(name, "##");
            if (hide) *hide = 0;
            float x0 = x + 12, x1 = x + sw - 12, ym = y + sh / 2;
            for (int f = 0; f <= n; f++) {
                ui_input in = {.mouse_x = x0 + (x1 - x0) * (float)(f < n ? f : n - 1) / (float)(n - 1),
                               .mouse_y = ym, .mouse_down = f < n, .mouse_pressed = f == 0,
                               .mouse_released = f == n};
                one[f] = frame(&r, &in);
            }
            double longest = 0, med, p95;
            for (int f = 0; f <= n; f++) {
                if (one[f] > longest) longest = one[f];
                if (total == cap) {
                    double *more = realloc(all, sizeof(double) * (size_t)(cap *= 2));
                    if (!more) { free(all); free(one); return APP_FAIL; }
                    all = more;
                }
                all[total++] = one[f];
            }
            if (longest > worst) {
                worst = longest;
                snprintf(worst_at, sizeof worst_at, "beat %d, \"%s\"", b + 1, name);
            }
            app_median_p95(one, n + 1, &med, &p95);
            printf("  beat %d \"%s\": longest %.1f ms, p95 %.1f ms, median %.1f ms\n", b + 1, name, longest, p95, med);
            settle(&r);
        }
    }
    if (r.s != first) scene_close(r.s);
    if (total == 0) printf("drag: %s has no sliders\n", k->name);
    else {
        double med, p95;
        app_median_p95(all, total, &med, &p95);
        printf("drag: longest %.1f ms (%s), p95 %.1f ms, median %.1f ms over %ld frames\n", worst, worst_at, p95,
               med, total);
    }
    free(all);
    free(one);
    return APP_OK;
}
