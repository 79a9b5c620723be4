/* take_rec.c: recording a take in the window (take.h has the file).
 *
 * F9 starts a take and F9 again stops it (so do leaving the scene and
 * quitting); it is saved as take-YYYYMMDD-HHMMSS.take in the current folder.
 * A take starts clean, so that its file alone replays it: at F9 the scene or
 * deck on screen is opened again from the text of its files (which goes into
 * the take), at the same entry, beat and moment, keeping the view, theme,
 * speed, captions, pen and pointer; help, dialogs, strokes and toasts close
 * (take_apply). From then on every input event the stage takes (pointer,
 * buttons, wheel, keys, typed text, the pointer leaving or entering) and
 * every change of the window's size is kept with its time on the session
 * clock. The first frame of a take is the one after F9's; the last is the
 * frame F9 stopped it on. While it records, the window shows a REC mark,
 * drawn only on the window (never in a screenshot, a test's target or an
 * export).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include "app/take.h"
#include "kernel/fileio.h"

/* ---- recording ------------------------------------------------------------------ */

struct take_rec {
    take t;
    double start;      /* the session clock at F9 */
    double last_now;   /* ... at the last frame drawn */
    int size[4];       /* the window's size, last seen */
    long bytes;        /* at most what the file will take (take_fits) */
};

/* Bytes of the file at most: the embedded files with their "| " prefixes,
 * and every event line at its longest (a text event's bytes escaped). */
enum { TAKE_HEADER_BYTES = 8192, TAKE_EVENT_BYTES = 128, TAKE_TEXT_BYTES = 4 * 32 + 64 };

/* Would one more event (of this many bytes at most) still make a take the
 * reader accepts? If not, why not, in why. */
static bool take_fits(const take_rec *r, double t, long more, const char **why) {
    *why = r->t.n + 1 >= TAKE_MAX_EVENTS ? "4,000,000 events"
         : r->bytes + more > TAKE_MAX_BYTES ? "64 MiB"
         : t >= TAKE_MAX_SECONDS ? "2 hours"
         : NULL;
    return *why == NULL;
}

/* A file's text for a take, without '\r' (the loaders read CRLF and LF
 * alike) and ending in '\n'. */
static char *read_text(const char *path, char *err, size_t errlen) {
    FILE *f = ts_in_open(path, err, errlen);
    if (!f) return NULL;
    char *buf = malloc((1 << 20) + 3);
    size_t n = buf ? fread(buf, 1, (1 << 20) + 1, f) : 0;
    bool bad_read = ferror(f);
    fclose(f);
    if (!buf || bad_read || n > (1 << 20)) {
        char sh[128];
        snprintf(err, errlen, "%s: %s", ts_path_shown(path, sh, sizeof sh),
                 !buf ? "out of memory" : bad_read ? "cannot read" : "larger than 1 MiB");
        free(buf);
        return NULL;
    }
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (buf[i] != '\r') buf[m++] = buf[i];
    if (m && buf[m - 1] != '\n') buf[m++] = '\n';
    buf[m] = 0;
    return buf;
}

static bool add_file(take *t, const char *path, char *err, size_t errlen) {
    for (int i = 0; i < t->nfiles; i++)
        if (strcmp(t->files[i].path, path) == 0) return true;
    take_file *f = &t->files[t->nfiles];
    f->text = read_text(path, err, errlen);
    if (!f->text) return false;
    f->path = strdup(path);
    t->nfiles++;
    if (!f->path) { snprintf(err, errlen, "out of memory"); return false; }
    return true;
}

/* The files a take carries, as the loaders look them up. */
static int take_sources(const take *t, scene_source *src) {
    for (int i = 0; i < t->nfiles; i++)
        src[i] = (scene_source){.path = t->files[i].path, .text = t->files[i].text, .shown = t->files[i].path};
    return t->nfiles;
}

/* F9: the scene or deck on screen, opened again from its files' text as
 * the take will carry it, at the same moment; then the take records. */
static bool take_start(app_session *a, char *err, size_t errlen) {
    scene *s = app_session_scene(a);
    if (!s) { snprintf(err, errlen, "open a scene first"); return false; }
    if (!take_size_ok(a->win_w, a->win_h) || !take_size_ok(a->fb_w, a->fb_h)) {
        snprintf(err, errlen, "the window is larger than a take can export (3840x2160 pixels)");
        return false;
    }
    take_rec *r = calloc(1, sizeof *r);
    if (!r) { snprintf(err, errlen, "out of memory"); return false; }
    take *t = &r->t;
    snprintf(t->source, sizeof t->source, "%s", a->d->path);
    bool ok = !deck_is_path(t->source) || add_file(t, t->source, err, errlen);
    for (int i = 0; i < a->d->n && ok; i++)
        if (scene_is_preset_path(a->d->e[i].s->source)) ok = add_file(t, a->d->e[i].s->source, err, errlen);
    const char *const *sets;
    int nsets = scene_overrides(&sets);
    for (int i = 0; i < nsets && i < TAKE_MAX_SETS && ok; i++)
        if ((t->sets[t->nsets] = strdup(sets[i]))) t->nsets++;
    deck *d = NULL;
    if (ok) {
        scene_source src[TAKE_MAX_FILES];
        scene_sources_set(src, take_sources(t, src));
        d = deck_open_any(t->source, err, errlen);
        scene_sources_set(NULL, 0);
        ok = d != NULL;
    }
    if (ok && (d->n != a->d->n || s->clock.beat < d->e[a->entry].first || s->clock.beat > d->e[a->entry].last)) {
        snprintf(err, errlen, "%s changed on disk since it was opened: open it again (Tab)", t->source);
        ok = false;
    }
    if (!ok) { deck_close(d); take_free(t); free(r); return false; }
    t->nkinds = d->n;
    for (int i = 0; i < d->n; i++) snprintf(t->kinds[i], sizeof t->kinds[i], "%s", d->e[i].s->kind->name);
    t->size[0] = a->win_w; t->size[1] = a->win_h; t->size[2] = a->fb_w; t->size[3] = a->fb_h;
    t->entry = a->entry;
    t->beat = s->clock.beat;
    t->beat_time = s->clock.beat_time;
    t->now = a->now;
    t->last_motion = a->last_motion;
    t->mouse_x = a->mouse_x;
    t->mouse_y = a->mouse_y;
    t->mouse_in = a->mouse_in;
    t->left_down = a->left_down;
    t->panning = a->panning;
    t->playing = a->playing;
    t->captions = a->captions;
    t->pen = a->ink.pen;
    t->laser = a->ink.laser;
    t->kiosk = a->kiosk;
    t->fullscreen = a->win && gfx_window_fullscreen(a->win);
    t->theme = a->th;
    t->speed = a->speed;
    t->view = a->view;
    deck_close(a->d);
    a->d = d;
    take_apply(a, t);
    r->start = r->last_now = a->now;
    memcpy(r->size, t->size, sizeof r->size);
    r->bytes = TAKE_HEADER_BYTES;
    for (int i = 0; i < t->nfiles; i++) r->bytes += 2 * (long)strlen(t->files[i].text) + 512;
    for (int i = 0; i < t->nsets; i++) r->bytes += 4 * (long)strlen(t->sets[i]) + 16;
    a->rec = r;
    return true;
}

static void say(app_session *a, double seconds, const char *msg);

/* Ends the take because it reached a limit of the reader, and says so. */
static void take_stop_at_limit(app_session *a, const char *why) {
    char msg[160];
    take_end(a);
    snprintf(msg, sizeof msg, "the take stopped at its limit (%s); F9 starts another", why);
    if (!strstr(a->toast, "not saved")) say(a, 6, msg);   /* a failed save's reason stays on screen */
    fprintf(stderr, "tensorstage: %s\n", msg);
}

void take_note(app_session *a, const SDL_Event *ev) {
    switch (ev->type) {
    case SDL_MOUSEMOTION: case SDL_MOUSEBUTTONDOWN: case SDL_MOUSEBUTTONUP: case SDL_MOUSEWHEEL:
    case SDL_TEXTINPUT:
        break;
    case SDL_KEYDOWN: case SDL_KEYUP:
        if (ev->key.keysym.sym == SDLK_F9) return;   /* it starts and stops takes */
        break;
    case SDL_WINDOWEVENT:
        if (ev->window.event != SDL_WINDOWEVENT_ENTER && ev->window.event != SDL_WINDOWEVENT_LEAVE) return;
        break;
    default:
        return;
    }
    take_event e = {.t = a->now - a->rec->start, .ev = *ev};
    long more = ev->type == SDL_TEXTINPUT ? TAKE_TEXT_BYTES : TAKE_EVENT_BYTES;
    const char *why;
    if (!take_fits(a->rec, e.t, more, &why)) { take_stop_at_limit(a, why); return; }
    if (take_push(&a->rec->t, &e)) a->rec->bytes += more;   /* out of memory: the take misses the event */
}

static void say(app_session *a, double seconds, const char *msg) {
    snprintf(a->toast, sizeof a->toast, "%s", msg);
    a->toast_until = a->now + seconds;
}

void take_step_end(app_session *a) {
    if (a->out.on) { a->take_key = 0; return; }   /* a replay records nothing */
    take_rec *r = a->rec;
    const char *why = NULL;
    if (r && !take_fits(r, a->now - r->start, TAKE_EVENT_BYTES, &why)) {
        take_stop_at_limit(a, why);   /* the frames so far make the take: its last is the previous one */
        r = NULL;
    }
    if (r) {
        int size[4] = {a->win_w, a->win_h, a->fb_w, a->fb_h};
        if (memcmp(size, r->size, sizeof size) != 0 && (!take_size_ok(size[0], size[1]) ||
                                                        !take_size_ok(size[2], size[3]))) {
            take_stop_at_limit(a, "a window larger than 3840x2160 pixels");
            r = NULL;
        } else if (memcmp(size, r->size, sizeof size) != 0) {
            take_event e = {.t = a->now - r->start, .ev.type = TAKE_SIZE};
            memcpy(e.size, size, sizeof size);
            memcpy(r->size, size, sizeof size);
            if (take_push(&r->t, &e)) r->bytes += TAKE_EVENT_BYTES;
        }
        if (r) r->last_now = a->now;
    }
    for (; a->take_key > 0; a->take_key--) {   /* every press toggles: a start's next press saves, or says why not */
        if (a->rec) { take_end(a); continue; }
        char err[512], msg[600];
        if (!take_start(a, err, sizeof err)) {
            snprintf(msg, sizeof msg, "cannot record a take: %s", err);
            say(a, 5, msg);
        }
    }
}

void take_end(app_session *a) {
    take_rec *r = a->rec;
    if (!r) return;
    a->rec = NULL;
    take *t = &r->t;
    t->duration = r->last_now - r->start;
    while (t->n > 0 && t->ev[t->n - 1].t > t->duration) t->n--;   /* the step that left or quit */
    char path[96], err[600], msg[800];
    if (!(t->duration > 0)) {
        say(a, 3, "take not saved: it had no frames");
    } else {
        char stamp[32];
        time_t now = time(NULL);
        struct tm lt;
        localtime_r(&now, &lt);
        strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &lt);
        struct stat st;
        snprintf(path, sizeof path, "take-%s.take", stamp);
        for (int k = 2; stat(path, &st) == 0 && k < 1000; k++) snprintf(path, sizeof path, "take-%s-%d.take", stamp, k);
        if (ts_out_check(path, false, err, sizeof err) && take_write(t, path, err, sizeof err)) {
            snprintf(msg, sizeof msg, "take saved: %s (%.1f s)", path, t->duration);
            say(a, 4, msg);
            printf("tensorstage: take saved to %s (%.1f s, %ld events); export it with\n"
                   "  tensorstage record %s --out %.*s.mp4\n", path, t->duration, t->n, path,
                   (int)(strlen(path) - 5), path);
            fflush(stdout);
        } else {
            snprintf(msg, sizeof msg, "take not saved: %s", err);
            say(a, 6, msg);
            fprintf(stderr, "tensorstage: %s\n", msg);
        }
    }
    take_free(t);
    free(r);
}

/* Small, in the top right corner: the performer's reminder, not a banner. */
void take_draw_mark(const app_session *a) {
    if (!a->rec || a->target || a->out.on) return;
    long secs = (long)(a->now - a->rec->start);
    char label[32];
    snprintf(label, sizeof label, "REC %ld:%02ld", secs / 60, secs % 60);
    float h = 34, w = gfx_text_width(UI_SMALL, GFX_BOLD, label) + 50, x = gfx_canvas_w() - w - 6, y = 4;
    gfx_rrect(x, y, w, h, h / 2, gfx_hex(0x000000b0));
    gfx_circle(x + 19, y + h / 2, 8, gfx_hex(0xff2a2aff));
    gfx_text(x + 34, y + h / 2, UI_SMALL, GFX_BOLD, GFX_LEFT | GFX_MIDDLE, gfx_hex(0xffffffff), label);
}
