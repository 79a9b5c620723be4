/* take_play.c: replaying a take (take.h) for `record`, `render` and `check`.
 *
 * The take's session is opened again from what the file carries (its
 * preset and deck text, its --set keys), put in the state the take began
 * in (take_apply, as the live recording did), and stepped 1/fps at a time
 * with app_session_step_events: each recorded event is handed to it on the
 * first step whose clock has reached the event's time. So frame i of the
 * export is the stage (i + 1) / fps seconds after F9, and with the live
 * frame time the replay is the live session, step for step.
 *
 * Pointer positions are mapped from the recorded window to the export
 * through the canvas: window points to drawable pixels, pixels to canvas
 * units with the recorded drawable's layout, and back to pixels with the
 * export's. A take from a 1280x720 window exported at 3840x2160 has its
 * pointer on the same cell of the diagram. At the recorded size nothing is
 * mapped. An export whose canvas differs from the recorded one by more than
 * half a percent (another shape, so the layout itself differs) is refused.
 *
 * A replaying session has no window (session.h, session_export): it writes
 * no screenshot, opens no presenter or picker, and never quits; its
 * full-screen state (the safe margin) is the recorded one.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "app/take.h"
#include "kernel/fileio.h"

struct take_player {
    take t;
    app_session *a;
    const char *const *saved_sets;   /* the overrides before the take's */
    int saved_n;
    int rec[4];          /* the recorded window and drawable size, as size events change it */
    int w, h, fps;
    long next;           /* the next event to hand over */
    long steps, total;   /* steps taken; frames in the take */
    SDL_Event *buf;
    long bufcap;
};

static void player_free(take_player *p) {
    if (!p) return;
    app_session_close(p->a);
    scene_set_overrides(p->saved_sets, p->saved_n);
    take_free(&p->t);
    free(p->buf);
    free(p);
}

take_player *take_player_open(const char *path, char *err, size_t errlen) {
    take_player *p = calloc(1, sizeof *p);
    if (!p) { snprintf(err, errlen, "out of memory"); return NULL; }
    take *t = &p->t;
    if (!take_read(t, path, err, errlen)) { free(p); return NULL; }
    char sh[128], why[512];
    const char *P = ts_path_shown(path, sh, sizeof sh);
    scene_source src[TAKE_MAX_FILES];
    for (int i = 0; i < t->nfiles; i++)   /* a fault in an embedded file names the take's line */
        src[i] = (scene_source){.path = t->files[i].path, .text = t->files[i].text, .shown = path,
                                .line0 = t->files[i].line0};
    p->saved_n = scene_overrides(&p->saved_sets);
    scene_set_overrides((const char *const *)t->sets, t->nsets);
    scene_sources_set(src, t->nfiles);
    app_options o = {.scene = t->source, .theme = t->theme, .kiosk = t->kiosk};
    p->a = app_session_open(&o, NULL, why, sizeof why);
    scene_sources_set(NULL, 0);
    if (!p->a) {
        if (strncmp(why, P, strlen(P)) == 0) snprintf(err, errlen, "%s", why);
        else snprintf(err, errlen, "%s:%d: %s", P, t->line_source, why);
        player_free(p);
        return NULL;
    }
    const deck *d = p->a->d;
    bool ok = true;
    if (d->n != t->nkinds) {
        snprintf(err, errlen, "%s:%d: the take was recorded on %d entr%s, but '%.200s' has %d", P, t->line_kinds,
                 t->nkinds, t->nkinds == 1 ? "y" : "ies", t->source, d->n);
        ok = false;
    }
    for (int i = 0; i < d->n && ok; i++)
        if (strcmp(d->e[i].s->kind->name, t->kinds[i]) != 0) {
            snprintf(err, errlen, "%s:%d: the take was recorded on scene '%s', but '%.200s' opens '%s'", P,
                     t->line_kinds, t->kinds[i], t->source, d->e[i].s->kind->name);
            ok = false;
        }
    if (ok && (t->entry >= d->n || t->beat < d->e[t->entry].first || t->beat > d->e[t->entry].last)) {
        snprintf(err, errlen, "%s:%d: the take starts at entry %d, beat %d, which '%.200s' does not have", P,
                 t->line_clock, t->entry + 1, t->beat + 1, t->source);
        ok = false;
    }
    if (!ok) { player_free(p); return NULL; }
    take_apply(p->a, t);
    p->a->out.on = true;
    p->a->out.cursor = true;
    memcpy(p->rec, t->size, sizeof p->rec);
    return p;
}

/* (x, y) in the recorded window -> the export's pixels, through the canvas. */
static void map_point(const take_player *p, double x, double y, double *ox, double *oy) {
    const int *r = p->rec;
    bool same = r[0] == p->w && r[1] == p->h && r[2] == p->w && r[3] == p->h;
    if (same || x < -1e8 || y < -1e8) { *ox = x; *oy = y; return; }   /* -1e9: no pointer yet */
    gfx_canvas_layout R = gfx_canvas_layout_for(r[2], r[3]), E = gfx_canvas_layout_for(p->w, p->h);
    double px = x * r[2] / r[0], py = y * r[3] / r[1];   /* window points -> drawable pixels */
    *ox = E.px_x + (px - R.px_x) / R.ppu * E.ppu;
    *oy = E.px_y + (py - R.px_y) / R.ppu * E.ppu;
}

static double map_scale(const take_player *p) {
    const int *r = p->rec;
    if (r[0] == p->w && r[1] == p->h && r[2] == p->w && r[3] == p->h) return 1;
    gfx_canvas_layout R = gfx_canvas_layout_for(r[2], r[3]), E = gfx_canvas_layout_for(p->w, p->h);
    return (double)r[2] / r[0] * E.ppu / R.ppu;
}

static Sint32 rounded(double v) { return (Sint32)lround(v); }

bool take_player_begin(take_player *p, const take_play_opts *o, char *err, size_t errlen) {
    const take *t = &p->t;
    gfx_canvas_layout R = gfx_canvas_layout_for(t->size[2], t->size[3]), E = gfx_canvas_layout_for(o->w, o->h);
    if (fabsf(R.h - E.h) > 0.005f * E.h) {   /* a unit or two (an odd window) moves nothing */
        int w = (t->size[2] * 2 + 2) / 4 * 2, h = (t->size[3] * 2 + 2) / 4 * 2;
        snprintf(err, errlen, "the take was recorded in a %dx%d window, whose canvas is %.0fx%.0f; %dx%d makes a "
                              "%.0fx%.0f canvas, so the performance would not land on the same picture: give "
                              "--size of the window's shape, e.g. %dx%d", t->size[2], t->size[3], R.w, R.h,
                 o->w, o->h, E.w, E.h, 2 * w, 2 * h);
        return false;
    }
    app_session *a = p->a;
    p->w = o->w;
    p->h = o->h;
    p->fps = o->fps;
    a->target_w = o->w;
    a->target_h = o->h;
    a->out.chrome = o->chrome;
    a->out.cursor = o->cursor;
    a->out.no_captions = o->no_captions;
    if (o->theme) a->th = o->theme;
    double x, y;
    map_point(p, t->mouse_x, t->mouse_y, &x, &y);
    a->mouse_x = (float)x;
    a->mouse_y = (float)y;
    long n = (long)ceil(t->duration * o->fps - 1e-6);
    p->total = n < 1 ? 1 : n;
    return true;
}

const take *take_player_take(const take_player *p) { return &p->t; }
long take_player_steps(const take_player *p) { return p->total; }
scene *take_player_scene(const take_player *p) { return app_session_scene(p->a); }

/* One step of 1/fps with the events whose time it reaches (the last step
 * takes whatever is left). */
static void step(take_player *p) {
    app_session *a = p->a;
    const take *t = &p->t;
    double dt = 1.0 / p->fps;
    double reach = (a->now + dt) - t->now;   /* what the step will make the clock, as live */
    bool last = p->steps + 1 >= p->total;
    long n = 0;
    for (; p->next < t->n && (t->ev[p->next].t <= reach || last); p->next++) {
        const take_event *e = &t->ev[p->next];
        if (e->ev.type == TAKE_SIZE) { memcpy(p->rec, e->size, sizeof p->rec); continue; }
        if (n == p->bufcap) {
            long cap = p->bufcap ? 2 * p->bufcap : 64;
            SDL_Event *b = realloc(p->buf, sizeof *b * (size_t)cap);
            if (!b) break;   /* out of memory: the rest waits for the next step */
            p->buf = b;
            p->bufcap = cap;
        }
        SDL_Event ev = e->ev;
        double x, y, k = map_scale(p);
        if (ev.type == SDL_MOUSEMOTION) {
            map_point(p, ev.motion.x, ev.motion.y, &x, &y);
            ev.motion.x = rounded(x);
            ev.motion.y = rounded(y);
            ev.motion.xrel = rounded(ev.motion.xrel * k);
            ev.motion.yrel = rounded(ev.motion.yrel * k);
        } else if (ev.type == SDL_MOUSEBUTTONDOWN || ev.type == SDL_MOUSEBUTTONUP) {
            map_point(p, ev.button.x, ev.button.y, &x, &y);
            ev.button.x = rounded(x);
            ev.button.y = rounded(y);
        }
        p->buf[n++] = ev;
    }
    app_session_step_events(a, dt, p->buf, (int)n);
    p->steps++;
}

void take_player_frame(take_player *p, gfx_target *target, long i) {
    p->a->target = target;
    while (p->steps <= i) step(p);
}

void take_player_close(take_player *p) { player_free(p); }

/* ---- render and record ------------------------------------------------------------ */

int take_export_open(const app_options *o, take_player **out, long *first, long *frames) {
    const char *const *sets;
    const char *why = o->still ? "--still renders a beat of a scene; a take is exported as it was performed"
                    : o->beat || o->beat_from ? "--beat and --beats go with a scene; a take's time is its "
                                                "performance: choose part of it with --from/--to (seconds)"
                    : o->transparent ? "--transparent goes with a scene; a take keeps the background it was "
                                       "recorded with"
                    : scene_overrides(&sets) > 0 ? "--set goes with a scene; a take carries the keys it was "
                                                   "recorded with"
                    : NULL;
    if (why) { app_error("tensorstage: %s (%s)", why, o->scene); return APP_USAGE; }
    char err[600];
    take_player *p = take_player_open(o->scene, err, sizeof err);
    if (!p) { app_error("%s", err); return APP_USAGE; }
    take_play_opts po = {.w = o->width, .h = o->height, .fps = o->fps, .chrome = o->chrome,
                         .cursor = !o->no_cursor, .no_captions = o->no_captions,
                         .theme = o->theme_set ? o->theme : NULL};
    if (!take_player_begin(p, &po, err, sizeof err)) {
        app_error("tensorstage: %s", err);
        take_player_close(p);
        return APP_USAGE;
    }
    long n = take_player_steps(p), a = 0, b = n - 1;
    double dur = p->t.duration;
    if (o->has_from || o->has_to) {   /* frame i shows (i + 1) / fps s */
        double from = o->has_from ? o->from_s : 0, to = o->has_to ? o->to_s : dur;
        if (to > dur + 1e-9 || from >= to) {
            app_error("tensorstage: --from/--to must satisfy 0 <= from < to <= %.3f s (the take), got %.3f..%.3f",
                      dur, from, to);
            take_player_close(p);
            return APP_USAGE;
        }
        a = (long)ceil(from * o->fps - 1e-9) - 1;
        b = (long)floor(to * o->fps + 1e-9) - 1;
        if (a < 0) a = 0;
        if (b > n - 1) b = n - 1;
        if (b < a) {
            app_error("tensorstage: --from %.3f --to %.3f holds no frame at %d fps", from, to, o->fps);
            take_player_close(p);
            return APP_USAGE;
        }
    }
    *out = p;
    *first = a;
    *frames = o->frames && o->frames < b - a + 1 ? o->frames : b - a + 1;
    return APP_OK;
}

bool take_peek_size(const char *path, int *w, int *h) {
    take t;
    char err[512];
    if (!take_read(&t, path, err, sizeof err)) return false;
    *w = t.size[2];
    *h = t.size[3];
    take_free(&t);
    return true;
}
