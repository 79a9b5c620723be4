/* headless.c: render (PNG frames, or one --still), record (a video through
 * ffmpeg, formats in encode.c, captions in subtitles.c) and bench,
 * all drawn offscreen with the same app_frame as the window. render and
 * record take a recorded take too: its session draws each frame (take.h).
 *
 * Time is exact: frame i is at i / fps seconds (from the start of the story,
 * or of beat K with --beat, where it holds at the beat's end), never an
 * accumulated sum, so exports are identical on a slow or a fast machine and
 * frame 30 at 30 fps equals frame 60 at 60 fps.
 *
 * Every export runs in the same order: the scene is opened and validated,
 * then every output the run will write is checked (outputs_check: the
 * user's mistakes exit 2 before any work), then the GL context is opened and
 * frames are made. Frames go through export.c: drawing frame i+1 overlaps
 * reading back frame i and writing frame i-1 (a PNG, or ffmpeg's pipe) on a
 * worker thread. Outputs are all or nothing (kernel/fileio.h): render
 * writes each frame to a hidden temporary and renames them all once the last
 * frame is done; record has ffmpeg write a temporary and writes the
 * subtitles to temporaries, all renamed together when ffmpeg succeeds.
 * SIGINT and SIGTERM set a flag that the frame loops check every frame: the
 * run stops (record kills ffmpeg), joins the worker, removes its temporaries
 * and exits 128 + the signal (130 for Ctrl-C). SDL's own handlers are kept
 * out (they would only queue a quit event that no headless loop reads).
 */
#define _GNU_SOURCE   /* F_SETPIPE_SZ */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>
#include "app/app.h"
#include "kernel/fileio.h"
#include "app/deck.h"
#include "app/encode.h"
#include "app/export.h"
#include "app/startup.h"
#include "app/subtitles.h"
#include "app/take.h"

typedef struct headless {
    gfx_window *win;
    gfx_target *target;
    deck *deck;                /* a deck, or one scene as a deck of one entry */
    scene *s;                  /* the entry the last frame showed */
    ui_ctx ui;
    int w, h;
    long frames;               /* how many frames the run makes */
    double t0, t1;             /* --beats / --from / --to: story seconds; t1 < 0: unset */
    int last_beat;             /* --beats: the range's last beat (0-based), held at its end */
    ui_theme theme;            /* the theme, its background cleared with --transparent */
    app_frame_opts frame;
    take_player *take;         /* a take: frames take_first, ... of its replay */
    long take_first;
    bool tty;                  /* stderr is a terminal: a live progress line */
    double started, shown;     /* progress: when the frames started, when last shown */
} headless;

/* ---- stopping on SIGINT, SIGTERM, SIGHUP, SIGPIPE ---------------------------- */

static volatile sig_atomic_t stop_signal;

static void on_stop_signal(int sig) { stop_signal = sig; }

/* SIGHUP (a closed terminal or ssh session) and SIGPIPE (stderr read by a
 * pipe that closed) stop a run as SIGTERM does. SA_RESTART, so a signal
 * never cuts a read short into a wrong diagnosis; the waits that must see
 * the flag (export.c's, ffmpeg's probe and exit) wake at least every 20 ms.
 * Called again after SDL starts, in case it installed its own. */
static void catch_stop_signals(void) {
    setenv("SDL_NO_SIGNAL_HANDLERS", "1", 1);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop_signal;
    sa.sa_flags = SA_RESTART;
    sigemptyset(&sa.sa_mask);
    static const int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGPIPE};
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) sigaction(sigs[i], &sa, NULL);
}

static const char *signal_name(int sig) {
    return sig == SIGINT ? "SIGINT (Ctrl-C)" : sig == SIGHUP ? "SIGHUP" : sig == SIGPIPE ? "SIGPIPE" : "SIGTERM";
}

/* One line for a stopped run; the exit code shells expect (130 for SIGINT). */
static int stopped(const char *what, long done, long n) {
    app_error("tensorstage: %s stopped by %s after %ld of %ld frames; nothing was written",
            what, signal_name(stop_signal), done, n);
    return 128 + stop_signal;
}

/* Test hook (TENSORSTAGE_HOLD=frame:K:FILE, see fileio.h): waits before
 * frame K. True if a stop signal came. */
static bool hold_before_frame(long i) {
    char point[32];
    snprintf(point, sizeof point, "frame:%ld", i);
    ts_test_hold(point, &stop_signal);
    return stop_signal != 0;
}

/* ---- progress ------------------------------------------------------------- */

/* On a terminal, a live line: frames done, frames per second, time left
 * (at most four times a second, and at the last frame); in a log nothing,
 * the command's one summary line says it all. */
static void progress(headless *H, const char *verb, long done, long n) {
    if (!H->tty || stop_signal) return;
    double now = scene_seconds() - H->started;
    if (now - H->shown < 0.25 && done < n) return;
    H->shown = now;
    double f = (double)done / (now > 0 ? now : 1e-9);
    fprintf(stderr, "\r%s %s: frame %ld/%ld  %.1f fps  %.0f s left   ", verb, H->s->kind->name, done, n, f,
            (double)(n - done) / f);
}

static void progress_end(const headless *H) {
    if (H->tty) fprintf(stderr, "\n");
}

/* ---- opening -------------------------------------------------------------- */

/* Opens and validates the scene and the beat, and counts the frames. Returns
 * an exit code; on failure nothing stays open. */
static int headless_scene(headless *H, const app_options *o, long default_frames) {
    char err[512];
    memset(H, 0, sizeof *H);
    if (take_is_path(o->scene)) {
        int rc = take_export_open(o, &H->take, &H->take_first, &H->frames);
        if (!rc) H->s = take_player_scene(H->take);
        return rc;
    }
    H->deck = deck_open_any(o->scene, err, sizeof err);
    if (!H->deck) { app_error("%s", err); return APP_USAGE; }
    H->s = H->deck->e[0].s;
    const scene_kind *k = H->s->kind;
    bool deck = deck_is_path(o->scene);   /* a deck records whole, even one of one entry */
    if (o->beat && deck) {
        app_error("tensorstage: --beat goes with a scene, not a deck (%s)", o->scene);
        deck_close(H->deck);
        return APP_USAGE;
    }
    if (o->beat > k->beat_count) {
        app_error("tensorstage: --beat must be 1..%d for %s, got %d", k->beat_count, k->name, o->beat);
        deck_close(H->deck);
        return APP_USAGE;
    }
    H->t1 = -1;
    H->last_beat = -1;
    bool ranged = o->beat_from || o->has_from || o->has_to;
    if (ranged && deck) {
        app_error("tensorstage: --beats, --from and --to go with a scene, not a deck: a deck is exported whole (%s)",
                  o->scene);
        deck_close(H->deck);
        return APP_USAGE;
    }
    double story = scene_duration(k);
    if (o->beat_from) {
        if (o->beat_to > k->beat_count) {
            app_error("tensorstage: --beats must be within 1..%d for %s, got %d-%d", k->beat_count,
                      k->name, o->beat_from, o->beat_to);
            deck_close(H->deck);
            return APP_USAGE;
        }
        H->t0 = scene_beat_start(k, o->beat_from - 1);
        H->last_beat = o->beat_to - 1;
        H->t1 = scene_beat_start(k, o->beat_to - 1) + k->beats[o->beat_to - 1].duration;
    } else if (ranged) {
        H->t0 = o->has_from ? o->from_s : 0;
        H->t1 = o->has_to ? o->to_s : story;
        if (H->t1 > story + 1e-9 || H->t0 >= H->t1) {
            app_error("tensorstage: --from/--to must satisfy 0 <= from < to <= %.3f s (the story of %s), "
                      "got %.3f..%.3f", story, k->name, H->t0, H->t1);
            deck_close(H->deck);
            return APP_USAGE;
        }
    }
    double d = o->beat ? k->beats[o->beat - 1].duration : ranged ? H->t1 - H->t0 : deck_duration(H->deck);
    H->frames = o->frames ? o->frames : default_frames ? default_frames
              : lround(d * o->fps) + 1;   /* include the settled last frame */
    return APP_OK;
}

/* Opens a hidden GL context and an offscreen target for the open scene.
 * Returns an exit code; on failure everything is closed, the scene too. */
static int headless_gl(headless *H, const app_options *o) {
    char err[512];
    setenv("SDL_VIDEODRIVER", "offscreen", 0);   /* no display needed */
    H->win = gfx_window_open(&(gfx_window_desc){.title = "tensorstage", .width = 64, .height = 64,
                                                .hidden = true}, err, sizeof err);
    catch_stop_signals();
    if (!H->win) goto fail;
    startup_mark("window + GL context");
    char shaders[4200];
    snprintf(shaders, sizeof shaders, "%s/shaders", scene_data_dir());
    if (!gfx_init(&(gfx_desc){.shader_dir = shaders}, err, sizeof err)) goto fail_win;
    gfx_init_split split = gfx_init_times();
    startup_add("shaders", split.shaders_wall, split.shaders_cpu);
    startup_add("fonts", split.fonts_wall, split.fonts_cpu);
    H->target = gfx_target_new(o->width, o->height, err, sizeof err);
    if (!H->target) goto fail_gfx;
    H->w = o->width; H->h = o->height;
    H->theme = *o->theme;
    if (o->transparent) H->theme.bg = H->theme.letterbox = (gfx_color){0, 0, 0, 0};
    ui_init(&H->ui, &H->theme);
    H->ui.show_widgets = o->chrome;
    H->frame = (app_frame_opts){.theme = &H->theme, .captions = !o->no_captions, .view = {.zoom = 1}};
    H->tty = isatty(2);
    H->started = scene_seconds();
    startup_mark("other GL setup");
    return APP_OK;
fail_gfx:
    if (H->target) gfx_target_free(H->target);
    gfx_shutdown();
fail_win:
    gfx_window_close(H->win);
fail:
    app_error("tensorstage: %s", err);
    deck_close(H->deck);
    take_player_close(H->take);
    return APP_FAIL;
}

/* What headless_scene opened, before headless_gl. */
static void headless_drop(headless *H) {
    deck_close(H->deck);
    take_player_close(H->take);
}

static void headless_close(headless *H) {
    ui_shutdown(&H->ui);
    gfx_target_free(H->target);
    gfx_shutdown();
    gfx_window_close(H->win);
    headless_drop(H);
}

/* Draws the picture at the scene's current clock into the target. */
static void headless_draw(headless *H) {
    ui_begin_frame(&H->ui, &(ui_input){.mouse_x = -1e9f, .mouse_y = -1e9f});
    gfx_target_bind(H->target);
    app_frame(H->s, &H->ui, H->w, H->h, &H->frame);
}

/* The frame pipeline for this run, writing each frame through sink. */
static export *headless_export(headless *H, export_sink sink, void *user) {
    char err[512];
    export *x = export_open(&(export_desc){.target = H->target, .w = H->w, .h = H->h, .sink = sink,
                                           .user = user, .straight_alpha = H->theme.bg.a <= 0,
                                           .stop = &stop_signal}, err, sizeof err);
    if (!x) app_error("tensorstage: %s", err);
    return x;
}

/* Sets the clock for frame i of the export: i / fps from the start of the
 * story, the beat, or the range; a --beats range holds at its last beat's end. */
static void headless_seek(headless *H, const app_options *o, long i) {
    const scene_kind *k = H->s->kind;
    double t = (double)i / (double)o->fps;
    if (o->beat) H->s->clock = scene_clock_beat(k, o->beat - 1, t);
    else if (H->t1 >= 0) {
        t += H->t0;
        if (H->last_beat >= 0 && t >= H->t1 - 1e-9)
            H->s->clock = scene_clock_beat(k, H->last_beat, t - scene_beat_start(k, H->last_beat));
        else H->s->clock = scene_clock_at(k, t < H->t1 ? t : H->t1);
    } else H->s = H->deck->e[deck_seek(H->deck, t)].s;   /* a deck's entries, one after another */
}

/* Frame i of the export: its clock, then the picture. A take's session
 * steps to the frame and draws it. */
static void headless_frame(headless *H, const app_options *o, long i) {
    if (H->take) {
        take_player_frame(H->take, H->target, H->take_first + i);
        H->s = take_player_scene(H->take);
        return;
    }
    headless_seek(H, o, i);
    headless_draw(H);
}

/* ---- checking outputs before any work -------------------------------------- */

static void frame_path(char *path, size_t len, const char *dir, long i) {
    snprintf(path, len, "%s/frame-%05ld.png", dir, i);
}

static void frame_name(void *dir, long i, char *path, size_t len) { frame_path(path, len, dir, i); }

/* render: the folder can be written (or made), and none of the n frames the
 * run will write exists unless force. One line and false if not. */
static bool render_outputs_ok(const app_options *o, long n, char *err, size_t errlen) {
    if (!ts_out_check_dir(o->out, err, errlen)) return false;
    if (o->force) return true;
    DIR *d = opendir(o->out);
    if (!d) return true;   /* made later */
    long first = -1;
    struct dirent *e;
    while ((e = readdir(d))) {
        char *end;
        if (strncmp(e->d_name, "frame-", 6) != 0) continue;
        long i = strtol(e->d_name + 6, &end, 10);
        if (end - e->d_name < 11 || strcmp(end, ".png") != 0 || i < 0 || i >= n) continue;
        char want[32];
        snprintf(want, sizeof want, "frame-%05ld.png", i);
        if (strcmp(want, e->d_name) == 0 && (first < 0 || i < first)) first = i;
    }
    closedir(d);
    if (first < 0) return true;
    char path[TS_PATH_MAX], sh[128];
    frame_path(path, sizeof path, o->out, first);
    snprintf(err, errlen, "%s: already exists (use --force to overwrite)", ts_path_shown(path, sh, sizeof sh));
    return false;
}

/* ---- render ------------------------------------------------------------------ */

/* render's sink: the frame as a PNG in its temporary (committed at the end);
 * user is the folder. */
static bool write_frame_temp(void *user, const export_frame *fr, char *err, size_t errlen) {
    char path[TS_PATH_MAX], tmp[TS_PATH_MAX];
    frame_path(path, sizeof path, user, fr->index);
    FILE *f = ts_out_open(path, tmp, sizeof tmp, err, errlen);
    if (!f) return false;
    bool ok = gfx_png_write_rows(f, path, fr->rows, fr->w, fr->h, err, errlen);
    if (ferror(f) && ok) { snprintf(err, errlen, "%s: write failed: %s", path, strerror(errno)); ok = false; }
    if (fclose(f) != 0 && ok) { snprintf(err, errlen, "%s: write failed: %s", path, strerror(errno)); ok = false; }
    if (!ok) unlink(tmp);
    return ok;
}

/* render --still: the settled end of --beat K (the last beat by default), one PNG. */
static int render_still(headless *H, const app_options *o) {
    char err[512], tmp[TS_PATH_MAX];
    const scene_kind *k = H->s->kind;
    int beat = o->beat ? o->beat : o->beat_to ? o->beat_to : k->beat_count;
    if (deck_is_path(o->scene) || o->has_from || o->has_to || (o->beat_from && o->beat_from != o->beat_to)) {
        app_error("tensorstage: --still takes one scene and at most one beat (--beat K), not a range or a deck");
        deck_close(H->deck);
        return APP_USAGE;
    }
    if (!ts_out_check(o->out, o->force, err, sizeof err)) {
        app_error("tensorstage: %s", err);
        deck_close(H->deck);
        return APP_USAGE;
    }
    if (headless_gl(H, o)) return APP_FAIL;
    H->s->clock = scene_clock_beat(k, beat - 1, 1e9);
    headless_draw(H);
    size_t n = (size_t)H->w * (size_t)H->h;
    uint8_t *px = malloc(n * 4);
    FILE *f = px ? ts_out_open(o->out, tmp, sizeof tmp, err, sizeof err) : NULL;
    if (!px) snprintf(err, sizeof err, "out of memory for a %dx%d picture", H->w, H->h);
    if (f) {
        gfx_target_read(H->target, px);
        if (H->theme.bg.a <= 0) export_straight_alpha(px, n);
    }
    bool ok = f && gfx_png_write_stream(f, o->out, px, H->w, H->h, err, sizeof err);
    int rc = ok ? APP_OK : APP_FAIL;
    if (f && ok) rc = ts_out_close_publish(f, tmp, o->out, o->force, err, sizeof err);
    else if (f) ts_out_close_discard(f, tmp);
    if (rc) app_error("tensorstage: %s", err);
    else fprintf(stderr, "rendered the end of beat %d of %s at %dx%d to %s\n", beat, k->name, H->w, H->h, o->out);
    free(px);
    headless_close(H);
    return rc;
}

int app_render(const app_options *o) {
    char err[512], path[TS_PATH_MAX], tmp[TS_PATH_MAX];
    catch_stop_signals();
    size_t olen = strlen(o->out);
    bool png = olen > 4 && strcmp(o->out + olen - 4, ".png") == 0;
    if (png != o->still) {
        char sh[128];
        app_error(o->still ? "tensorstage: --still writes one PNG: --out must end in .png, got '%s'"
                           : "tensorstage: render writes a folder of frames; for one picture use --still "
                             "(--out '%s' would be a folder named like a PNG)", ts_path_shown(o->out, sh, sizeof sh));
        return APP_USAGE;
    }
    headless H;
    int rc = headless_scene(&H, o, 0);
    if (rc) return rc;
    if (o->still) return render_still(&H, o);
    long n = H.frames;
    if (!render_outputs_ok(o, n, err, sizeof err)) {
        app_error("tensorstage: %s", err);
        headless_drop(&H);
        return APP_USAGE;
    }
    if ((rc = headless_gl(&H, o))) return rc;
    bool made = false;
    if (mkdir(o->out, 0777) == 0) made = true;   /* only once all is well */
    else if (errno != EEXIST) {   /* EEXIST: it was there, or another run just made it; a file there fails below */
        app_error("tensorstage: %s: cannot create folder: %s", o->out, strerror(errno));
        headless_close(&H);
        return APP_FAIL;
    }
    long done = 0;   /* frames drawn and pushed: each may have a temporary */
    export *x = headless_export(&H, write_frame_temp, (void *)o->out);
    if (!x) rc = APP_FAIL;
    for (bool go = x != NULL; go && done < n && !stop_signal; done++) {
        if (hold_before_frame(done)) break;
        headless_frame(&H, o, done);
        go = export_push(x);
        progress(&H, "rendering", done + 1, n);
    }
    if (x && !stop_signal && !export_finish(x, err, sizeof err) && !stop_signal) {
        app_error("tensorstage: %s", err);
        rc = APP_FAIL;
    }
    export_close(x);   /* the worker is joined: no temporary appears after this */
    progress_end(&H);
    bool interrupted = stop_signal != 0;
    if (!rc && !interrupted) {   /* every frame is complete: publish them all, or none */
        rc = ts_out_publish_set(n, frame_name, (void *)o->out, o->force, err, sizeof err);
        if (rc) app_error("tensorstage: %s; nothing was written", err);
    } else {
        for (long i = 0; i < done; i++) {   /* the temporaries of the frames made */
            frame_path(path, sizeof path, o->out, i);
            ts_out_temp_name(path, tmp, sizeof tmp);
            unlink(tmp);
        }
    }
    if (made && (rc || interrupted)) rmdir(o->out);   /* only if empty */
    if (!rc && interrupted) rc = stopped("render", done, n);
    else if (!rc)
        fprintf(stderr, "rendered %ld frame%s of %s at %dx%d to %s/\n", n, n == 1 ? "" : "s",
                H.s->kind->name, H.w, H.h, o->out);
    headless_close(&H);
    return rc;
}

/* ---- record -------------------------------------------------------------- */

static bool find_in_path(const char *prog) {
    const char *path = getenv("PATH");
    if (!path) return false;
    char dir[4096];
    while (*path) {
        size_t n = strcspn(path, ":");
        snprintf(dir, sizeof dir, "%.*s/%s", (int)n, path, prog);
        if (access(dir, X_OK) == 0) return true;
        path += n + (path[n] == ':');
    }
    return false;
}

/* record's sink: the frame's rows, top first, into ffmpeg's pipe (user: the
 * fd), gathered with writev so rows are never copied into one block. False
 * when ffmpeg is gone; the caller reports why from ffmpeg's own message. */
static bool write_to_ffmpeg(void *user, const export_frame *f, char *err, size_t errlen) {
    int fd = *(const int *)user;
    size_t row = (size_t)f->w * 4, off = 0;   /* bytes of row y already written */
    (void)errlen;
    err[0] = 0;
    for (int y = 0; y < f->h;) {
        struct iovec iov[64];
        int k = 0;
        for (; k < 64 && y + k < f->h; k++) {
            iov[k].iov_base = (void *)(f->rows[y + k] + (k ? 0 : off));
            iov[k].iov_len = row - (k ? 0 : off);
        }
        ssize_t got = writev(fd, iov, k);
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) return false;
        for (size_t g = (size_t)got; g > 0;) {   /* move past what was written */
            size_t left = row - off;
            if (g < left) { off += g; g = 0; }
            else { g -= left; off = 0; y++; }
        }
    }
    return true;
}

/* The last non-empty line ffmpeg wrote to its error file, for our one line. */
static void last_line(FILE *f, char *out, size_t len) {
    char line[512];
    out[0] = 0;
    if (!f) return;
    rewind(f);
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = 0;
        if (line[0]) snprintf(out, len, "%s", line);
    }
}

int app_record(const app_options *o) {
    char err[512], sh[128];
    catch_stop_signals();
    const rec_format *fmt = rec_format_for(o->out);
    if (!fmt) {
        app_error("tensorstage: record writes %s: --out must end in one of them, got '%s'",
                  rec_format_list(), ts_path_shown(o->out, sh, sizeof sh));
        return APP_USAGE;
    }
    if (!rec_options_ok(fmt, o, err, sizeof err)) { app_error("tensorstage: %s", err); return APP_USAGE; }
    headless H;
    int rc = headless_scene(&H, o, 0);
    if (rc) return rc;
    char subs[2][TS_PATH_MAX];
    subtitle_paths(o->out, subs[0], subs[1], TS_PATH_MAX);
    if (!ts_out_check(o->out, o->force, err, sizeof err) ||
        (o->subtitles && (!ts_out_check(subs[0], o->force, err, sizeof err) ||
                          !ts_out_check(subs[1], o->force, err, sizeof err)))) {
        app_error("tensorstage: %s", err);
        headless_drop(&H);
        return APP_USAGE;
    }
    if (!find_in_path("ffmpeg")) {
        app_error("tensorstage: record needs ffmpeg, which is not installed "
                        "(apt-get install ffmpeg); 'tensorstage render' writes PNG frames without it");
        headless_drop(&H);
        return APP_FAIL;
    }
    double limit = rec_probe_limit_s();
    rec_probe probe = rec_encoder_probe(fmt->encoder, limit, &stop_signal);
    if (probe != REC_PROBE_FOUND) {
        headless_drop(&H);
        if (probe == REC_PROBE_STOPPED) return stopped("record", 0, H.frames);
        if (probe == REC_PROBE_MISSING) {
            app_error("tensorstage: this ffmpeg has no %s encoder, which %s needs ('ffmpeg -encoders' lists "
                      "what it has); choose another format", fmt->encoder, fmt->name);
            return APP_USAGE;
        }
        if (probe == REC_PROBE_TIMEOUT)
            app_error("tensorstage: 'ffmpeg -encoders' did not answer within %g s; nothing was written", limit);
        else app_error("tensorstage: cannot run 'ffmpeg -encoders' to look for %s; nothing was written", fmt->encoder);
        return APP_FAIL;
    }
    if ((rc = headless_gl(&H, o))) return rc;

    char tmp[TS_PATH_MAX], size[32];
    ts_out_temp_name(o->out, tmp, sizeof tmp);
    snprintf(size, sizeof size, "%dx%d", H.w, H.h);
    rec_args args;
    rec_ffmpeg_argv(fmt, o, H.w, H.h, tmp, &args);
    subtitle_cues cues = {0};
    FILE *ffmpeg_err = tmpfile();   /* ffmpeg's messages, summed up in our one line */
    int fds[2];
    if (pipe(fds) != 0) { perror("tensorstage: pipe"); headless_close(&H); return APP_FAIL; }
    pid_t pid = fork();
    if (pid == 0) {
        setpgid(0, 0);   /* a terminal's Ctrl-C reaches tensorstage, which stops ffmpeg itself */
        signal(SIGINT, SIG_DFL);
        signal(SIGTERM, SIG_DFL);
        signal(SIGHUP, SIG_DFL);
        signal(SIGPIPE, SIG_DFL);
        dup2(fds[0], 0);
        close(fds[0]); close(fds[1]);
        if (ffmpeg_err) dup2(fileno(ffmpeg_err), 2);
        execvp(args.argv[0], args.argv);
        _exit(127);
    }
    close(fds[0]);
    if (pid > 0) setpgid(pid, pid);   /* as the child does: no moment where kill(-pid) misses it */
#ifdef F_SETPIPE_SZ
    fcntl(fds[1], F_SETPIPE_SZ, 1 << 20);   /* fewer trips between us and ffmpeg (Linux; best effort) */
#endif
    if (pid < 0) {
        perror("tensorstage: fork");
        close(fds[1]);
        if (ffmpeg_err) fclose(ffmpeg_err);
        headless_close(&H);
        return APP_FAIL;
    }

    long n = H.frames, done = 0;   /* frames drawn and pushed */
    double t0 = scene_seconds();
    export *x = headless_export(&H, write_to_ffmpeg, &fds[1]);
    bool ok = x != NULL;
    for (; done < n && ok && !stop_signal; done++) {
        if (hold_before_frame(done)) break;
        headless_frame(&H, o, done);
        if (o->subtitles) subtitle_cues_add(&cues, H.s, done);
        ok = export_push(x);
        progress(&H, "recording", done + 1, n);
    }
    char why[512] = "";
    if (ok && !stop_signal) ok = export_finish(x, why, sizeof why);
    if (stop_signal) kill(-pid, SIGKILL);  /* unblocks the worker; its output is discarded anyway */
    else if (!ok) kill(pid, SIGTERM);      /* the export failed: ffmpeg must not wait for more */
    double busy = scene_seconds() - t0 - (x ? export_wait_seconds(x) : 0);
    export_close(x);   /* the worker is joined on every path */
    close(fds[1]);
    int status = rec_wait_ffmpeg(pid, &stop_signal);   /* a signal while ffmpeg finishes stops it at once */
    double total = scene_seconds() - t0;
    progress_end(&H);
    char subs_tmp[2][TS_PATH_MAX];
    if (stop_signal) {
        unlink(tmp);
        rc = stopped("record", done, n);
    } else if (!x || (!ok && why[0])) {   /* ours, not ffmpeg's (a read-back the driver refused) */
        if (x) app_error("tensorstage: %s; nothing was written", why);
        unlink(tmp);
        rc = APP_FAIL;
    } else if (!ok || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        last_line(ffmpeg_err, why, sizeof why);
        app_error("tensorstage: ffmpeg failed (exit %d) writing %s%s%s; nothing was written",
                WIFEXITED(status) ? WEXITSTATUS(status) : -1, ts_path_shown(o->out, sh, sizeof sh),
                why[0] ? ": " : "", why);
        unlink(tmp);
        rc = APP_FAIL;
    } else if (o->subtitles && !subtitle_write_temps(&cues, n, o->fps, subs[0], subs[1], subs_tmp[0],
                                                     subs_tmp[1], err, sizeof err)) {
        app_error("tensorstage: %s; nothing was written", err);
        unlink(tmp);
        rc = APP_FAIL;
    } else if ((rc = ts_out_publish_all((const char *const[]){o->out, subs[0], subs[1]}, o->subtitles ? 3 : 1,
                                        o->force, err, sizeof err))) {
        app_error("tensorstage: %s; nothing was written", err);
    } else {
        fprintf(stderr, "recorded %ld frames at %s, %d fps in %.1f s: %.1f frames/s exported; "
                        "drawing and reading back %.1f ms/frame (%.0f frames/s alone)\n",
                n, size, o->fps, total, (double)n / total, 1e3 * busy / (double)n, (double)n / busy);
    }
    if (ffmpeg_err) fclose(ffmpeg_err);
    subtitle_cues_free(&cues);
    headless_close(&H);
    return rc;
}

/* ---- bench --------------------------------------------------------------- */

int app_bench(const app_options *o) {
    catch_stop_signals();
    headless H;
    int rc = headless_scene(&H, o, 300);
    startup_mark("scene init");
    if (rc || (rc = headless_gl(&H, o))) return rc;
    if (o->drag) {   /* bench_drag.c */
        rc = app_bench_drag(H.s, &H.ui, H.target, H.w, H.h, &H.frame, o->frames ? o->frames : 60);
        headless_close(&H);
        return rc;
    }
    long n = H.frames;
    double *ms = malloc(sizeof(double) * (size_t)n), *part = malloc(sizeof(double) * (size_t)n);
    int *beat = malloc(sizeof(int) * (size_t)n);
    if (!ms || !part || !beat) { free(ms); free(part); free(beat); headless_close(&H); return APP_FAIL; }
    uint8_t px[4];
    double dur = scene_duration(H.s->kind);
    double startup = 0;
    long work0 = 0;
    for (long i = -1; i < n && !stop_signal; i++) {   /* frame -1: the first frame, for start-up */
        double a = scene_seconds();
        /* frames spread evenly over the whole story, so every beat is measured */
        H.s->clock = scene_clock_at(H.s->kind, i < 0 ? 0 : dur * (double)i / (double)n);
        headless_draw(&H);
        gfx_read_pixels(1, 1, px);   /* wait for the GPU: a frame is done when it can be read */
        double b = scene_seconds();
        if (i < 0) {
            startup = b;
            startup_mark("first frame");
        } else {
            ms[i] = 1e3 * (b - a);
            beat[i] = H.s->clock.beat;
        }
        if (i < 0 && H.s->kind->work) work0 = H.s->kind->work(H.s->state);
    }
    if (stop_signal) {
        free(ms); free(part); free(beat);
        headless_close(&H);
        app_error("tensorstage: bench stopped by %s", signal_name(stop_signal));
        return 128 + stop_signal;
    }
    /* each beat's own frames: where a story is slow, not only how much */
    printf("bench %s at %dx%d, %ld frames on %s\n", H.s->kind->name, H.w, H.h, n, gfx_renderer_name());
    for (int k = 0; k < H.s->kind->beat_count; k++) {
        long m = 0;
        for (long i = 0; i < n; i++)
            if (beat[i] == k) part[m++] = ms[i];
        if (m == 0) continue;
        double med, p95;
        app_median_p95(part, m, &med, &p95);
        printf("  beat %d: median %.2f ms, p95 %.2f ms over %ld frames\n", k + 1, med, p95, m);
    }
    double sum = 0, med, p95;
    for (long i = 0; i < n; i++) sum += ms[i];
    app_median_p95(ms, n, &med, &p95);
    printf("frame time: median %.2f ms, p95 %.2f ms, mean %.2f ms\n", med, p95, sum / (double)n);
    printf("fps: %.1f (median), %.1f (p95)\n", 1e3 / med, 1e3 / p95);
    printf("start-up: %.0f ms from launch to the first finished frame\n", 1e3 * startup);
    /* where it went: wall and CPU (all threads) per phase, memory at its end */
    double wall = 0, cpu = 0;
    printf("  %-22s %8s %8s %8s\n", "phase", "wall ms", "CPU ms", "RSS MB");
    for (int i = 0; i < startup_count(); i++) {
        const startup_phase *p = startup_at(i);
        printf("  %-22s %8.1f %8.1f %8.1f\n", p->name, 1e3 * p->wall_s, 1e3 * p->cpu_s, p->rss_mb);
        wall += p->wall_s;
        cpu += p->cpu_s;
    }
    printf("  %-22s %8.1f %8.1f %8.1f peak\n", "total", 1e3 * wall, 1e3 * cpu, startup_peak_mb());
    if (H.s->kind->work) {   /* over the measured frames, per second of their time */
        long w = H.s->kind->work(H.s->state) - work0;
        printf("%s: %ld in %ld frames, %.0f per second\n", H.s->kind->work_name, w, n, 1e3 * (double)w / sum);
    }
    free(ms); free(part); free(beat);
    headless_close(&H);
    return APP_OK;
}
