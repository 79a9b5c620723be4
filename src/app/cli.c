/* cli.c: the command line of DESIGN.md, parsed strictly, and the commands that
 * need no window: list, check, dump, --help, --version.
 *
 * Every error is one line on stderr, "tensorstage: what (where)", and exit
 * code 2 for bad usage or bad input, 1 for a runtime failure.
 */
#define _XOPEN_SOURCE 700   /* realpath */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "app/app.h"
#include "kernel/fileio.h"
#include "app/deck.h"
#include "app/encode.h"
#include "app/startup.h"
#include "app/take.h"

static const char usage[] =
"usage:\n"
"  tensorstage                         open the window on the scene picker\n"
"  tensorstage SCENE                   open a scene by name or preset path, or a DECK.deck\n"
"  tensorstage list                    scenes, presets and decks: name, title\n"
"  tensorstage check FILE...           validate preset, deck and take files (exit 2 if any is bad)\n"
"  tensorstage render SCENE --out DIR [--size WxH] [--fps F] [--beat K] [--frames N]\n"
"  tensorstage render SCENE --still --out FILE.png [--beat K]   the settled end of a beat\n"
"  tensorstage record SCENE --out FILE.mp4|.webm|.gif|.mov [--size WxH] [--fps F]\n"
"      [--quality low|medium|high|lossless] [--crf N] [--preset P] [--subtitles]\n"
"  tensorstage dump SCENE --out FILE.json|- [--beat K]   (-: standard output)\n"
"  tensorstage bench SCENE [--size WxH] [--frames N] [--drag]\n"
"  render and record take a NAME.take (F9 in the window records one) in place of SCENE\n"
"  tensorstage --help | --version\n"
"options:\n"
"  --force          overwrite existing outputs\n"
"  --theme T        dark (default), light or projector (high contrast, for lit rooms)\n"
"  --chrome         draw widgets into exported frames\n"
"  --no-captions    leave the caption bar out of exported frames\n"
"  --fullscreen     open the window full screen\n"
"  --kiosk          full screen, widgets and timeline hidden (a teaching profile)\n"
"  --presenter      also open the presenter window (notes, next beat, time)\n"
"  --beats A-B      export beats A to B (or one beat K); --from S --to S: seconds\n"
"  --set SECTION.KEY=VALUE  override a preset key (repeatable; checked like the preset)\n"
"  --transparent    alpha 0 background (PNG frames, .mov)\n"
"  --subtitles      record: NAME.srt and NAME.vtt with each beat's caption\n"
"  --no-cursor      a take's export leaves the pointer out\n"
"  --drag           bench: drag every slider of every beat through its range (--frames each), timed\n"
"beats are numbered from 1, as on screen.\n"
"render and record take a DECK.deck too: the whole lecture, entry after entry.\n";

void app_error(const char *fmt, ...) {
    char line[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    for (char *p = line; *p; p++)   /* one line, whatever a value held */
        if ((unsigned char)*p < 32 || *p == 127) *p = ' ';
    fprintf(stderr, "%s\n", line);
}

static int bad(const char *fmt, const char *a) {
    char msg[1024], sh[128];
    snprintf(msg, sizeof msg, fmt, ts_path_shown(a, sh, sizeof sh));   /* a huge argument keeps the reason */
    app_error("tensorstage: %s (see 'tensorstage --help')", msg);
    return APP_USAGE;
}

static bool parse_int(const char *s, int lo, int hi, int *out) {
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (end == s || *end || errno || v < lo || v > hi) return false;
    *out = (int)v;
    return true;
}

static bool parse_size(const char *s, int *w, int *h) {
    char a[16], b[16];
    const char *x = strchr(s, 'x');
    if (!x || x - s >= 15 || strlen(x + 1) >= 15) return false;
    snprintf(a, sizeof a, "%.*s", (int)(x - s), s);
    snprintf(b, sizeof b, "%s", x + 1);
    /* at most 4K UHD: 3840x2160, or the same pixels upright (2160x3840) */
    return parse_int(a, 16, 3840, w) && parse_int(b, 16, 3840, h) && (long)*w * *h <= 3840L * 2160;
}

/* ---- list, check, dump -------------------------------------------------- */

/* Scene names, then the presets and decks of scenes/ by file name, in one
 * column wide enough for the longest name. A preset or deck is shown as a
 * path that works typed back from any folder: absolute, unless the data
 * folder is the current one (then scenes/NAME, as the README writes it).
 * Nothing is opened: a deck is peeked (deck_peek), a preset's [scene] read
 * (preset_peek), so list stays quick however heavy the scenes are. */
static int cmd_list(void) {
    char dir[4200], data[PATH_MAX], cwd[PATH_MAX];
    if (!realpath(scene_data_dir(), data)) snprintf(data, sizeof data, "%s", scene_data_dir());
    bool here = getcwd(cwd, sizeof cwd) && strcmp(cwd, data) == 0;
    snprintf(dir, sizeof dir, "%s/scenes", data);
    typedef char list_name[256];
    list_name *names = NULL;   /* every preset and deck: no cap */
    int n = 0, cap = 0, width = 12;
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d))) {
        size_t len = strlen(e->d_name);
        if (len < 240 && ((len > 6 && strcmp(e->d_name + len - 6, ".scene") == 0) || deck_is_path(e->d_name))) {
            if (n == cap) {
                list_name *more = realloc(names, sizeof *names * (size_t)(cap = cap ? 2 * cap : 64));
                if (!more) { free(names); closedir(d); app_error("tensorstage: out of memory listing %s", dir); return APP_FAIL; }
                names = more;
            }
            snprintf(names[n++], sizeof names[0], "%s", e->d_name);
        }
    }
    if (d) closedir(d);
    if (n) qsort(names, (size_t)n, sizeof names[0], (int (*)(const void *, const void *))strcmp);
    const char *shown_dir = here ? "scenes" : dir;
    for (int i = 0; i < n; i++) {
        int len = (int)(strlen(shown_dir) + 1 + strlen(names[i]));
        if (len > width) width = len;
    }
    for (int i = 0; i < scene_kind_count(); i++)
        printf("%-*s  %s\n", width, scene_kind_at(i)->name, scene_kind_at(i)->title);
    for (int i = 0; i < n; i++) {
        char path[PATH_MAX + 300], title[128], err[512];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        char shown[PATH_MAX + 300];
        snprintf(shown, sizeof shown, "%s/%s", shown_dir, names[i]);
        if (deck_is_path(path)) {   /* a lecture: its title and length */
            deck *dk = deck_peek(path, err, sizeof err);
            if (!dk) continue;
            printf("%-*s  %s (deck, %d entries)\n", width, shown, dk->title[0] ? dk->title : "lecture deck", dk->n);
            deck_close(dk);
        } else if (preset_peek(path, NULL, 0, title, sizeof title)) {
            printf("%-*s  %s\n", width, shown, title);
        }
    }
    free(names);
    if (fflush(stdout) != 0 || ferror(stdout)) {   /* a full disk, a closed pipe: not a silent success */
        app_error("tensorstage: list: cannot write to standard output: %s", strerror(errno));
        return APP_FAIL;
    }
    return APP_OK;
}

static int cmd_check(int argc, char **argv) {
    if (argc == 0) return bad("check needs at least one preset FILE%s", "");
    int rc = APP_OK;
    for (int i = 0; i < argc; i++) {
        char err[512];
        if (deck_is_path(argv[i])) {   /* a lecture deck: every entry's scene is checked too */
            deck *d = deck_open(argv[i], err, sizeof err);
            if (!d) { app_error("%s", err); rc = APP_USAGE; continue; }
            printf("%s: ok (deck, %d entries)\n", argv[i], d->n);
            deck_close(d);
            continue;
        }
        if (take_is_path(argv[i])) {   /* a take: its scenes are opened and its events checked */
            const char *const *sets;
            if (scene_overrides(&sets) > 0) {
                app_error("tensorstage: --set goes with a scene; a take carries the keys it was recorded with (%s)",
                          argv[i]);
                rc = APP_USAGE;
                continue;
            }
            take_player *p = take_player_open(argv[i], err, sizeof err);
            if (!p) { app_error("%s", err); rc = APP_USAGE; continue; }
            const take *t = take_player_take(p);
            printf("%s: ok (take of %s, %.1f s, %ld events, %dx%d window)\n", argv[i], t->source, t->duration,
                   t->n, t->size[0], t->size[1]);
            take_player_close(p);
            continue;
        }
        scene *s = scene_open(argv[i], err, sizeof err);
        if (!s) { app_error("%s", err); rc = APP_USAGE; continue; }
        printf("%s: ok (%s, %d beats)\n", argv[i], s->kind->name, s->kind->beat_count);
        scene_close(s);
    }
    return rc;
}

/* Writes the dump to path ("-": standard output) as a TS_OUT_ result. */
static int dump_out(const ts_dump *d, const char *path, bool force, char *err, size_t errlen) {
    char *text = ts_dump_to_string(d);
    if (!text) {
        if (strcmp(path, "-") == 0) path = "standard output";
        return ts_dump_write(d, path, err, errlen) ? TS_OUT_FAILED : TS_OUT_OK;   /* says which value */
    }
    int rc = TS_OUT_OK;
    if (strcmp(path, "-") == 0) {
        if (fputs(text, stdout) < 0 || fflush(stdout) != 0) {
            snprintf(err, errlen, "cannot write the dump to standard output: %s", strerror(errno));
            rc = TS_OUT_FAILED;
        }
    } else {
        char tmp[TS_PATH_MAX];
        FILE *f = ts_out_open(path, tmp, sizeof tmp, err, errlen);
        if (!f) rc = TS_OUT_FAILED;
        else {
            fputs(text, f);
            rc = ts_out_close_publish(f, tmp, path, force, err, errlen);
        }
    }
    free(text);
    return rc;
}

static int cmd_dump(const app_options *o) {
    char err[512];
    scene *s = scene_open(o->scene, err, sizeof err);
    if (!s) { app_error("%s", err); return APP_USAGE; }
    int nb = s->kind->beat_count;
    int beat = o->beat ? o->beat : nb;
    if (beat > nb) {
        app_error("tensorstage: --beat must be 1..%d for %s, got %d", nb, s->kind->name, beat);
        scene_close(s);
        return APP_USAGE;
    }
    bool to_stdout = strcmp(o->out, "-") == 0;   /* as every Unix tool: '-' is standard output */
    if (!to_stdout && !ts_out_check(o->out, o->force, err, sizeof err)) {   /* before any work */
        app_error("tensorstage: %s", err);
        scene_close(s);
        return APP_USAGE;
    }
    /* the state at the end of beat K: what the viewer sees when it holds */
    s->clock = scene_clock_beat(s->kind, beat - 1, 1e9);
    ui_ctx ui;
    ui_init(&ui, o->theme);
    if (s->kind->update) s->kind->update(s->state, &s->clock, &ui);
    ts_dump *d = ts_dump_new(s->kind->name, beat);
    if (s->kind->dump) s->kind->dump(s->state, &s->clock, d);
    int rc = dump_out(d, o->out, o->force, err, sizeof err);
    if (rc) app_error("tensorstage: %s", err);
    ts_dump_free(d);
    ui_shutdown(&ui);
    scene_close(s);
    return rc;
}

/* ---- parsing -------------------------------------------------------------- */

static bool parse_seconds(const char *s, double *out) {
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || *end || errno || !(v >= 0 && v <= 1e6)) return false;
    *out = v;
    return true;
}

/* The export options that take a value: -1 if a is not one, 0 when taken
 * (the caller skips the value), else the exit code of a bad value. */
static int export_option(app_options *o, const char *a, const char *next) {
    static const char *const names[] = {"--beats", "--from", "--to", "--quality", "--crf", "--preset"};
    int which = -1;
    for (int i = 0; i < 6; i++)
        if (strcmp(a, names[i]) == 0) which = i;
    if (which < 0) return -1;
    if (!next) return bad("%s needs a value", a);
    if (which == 0) {
        char first[16];
        const char *dash = strchr(next, '-');
        int len = dash ? (int)(dash - next) : (int)strlen(next);
        snprintf(first, sizeof first, "%.*s", len < 15 ? len : 15, next);
        if (len > 15 || !parse_int(first, 1, 999, &o->beat_from) ||
            !parse_int(dash ? dash + 1 : first, 1, 999, &o->beat_to) || o->beat_to < o->beat_from)
            return bad("--beats must be A-B (beats from 1, A <= B) or one beat K, got '%s'", next);
    } else if (which == 1 || which == 2) {
        *(which == 1 ? &o->has_from : &o->has_to) = true;
        if (!parse_seconds(next, which == 1 ? &o->from_s : &o->to_s))
            return bad(which == 1 ? "--from must be seconds >= 0, got '%s'" : "--to must be seconds >= 0, got '%s'", next);
    } else if (which == 3) {
        static const char *const q[] = {[REC_LOW] = "low", [REC_MEDIUM] = "medium", [REC_HIGH] = "high",
                                        [REC_LOSSLESS] = "lossless"};
        int k = -1;
        for (int i = 0; i < 4; i++)
            if (strcmp(next, q[i]) == 0) k = i;
        if (k < 0) return bad("--quality must be low, medium, high or lossless, got '%s'", next);
        o->quality = (rec_quality)k;
    } else if (which == 4) {
        o->has_crf = true;
        if (!parse_int(next, 0, 51, &o->crf)) return bad("--crf must be 0..51 (x264), got '%s'", next);
    } else {
        if (!rec_preset_valid(next)) return bad("--preset must be an x264 preset (ultrafast .. veryslow), got '%s'", next);
        o->preset = next;
    }
    return 0;
}

/* Export options that do not fit the command or each other. */
static int export_combination(const app_options *o, const char *cmd) {
    bool render = strcmp(cmd, "render") == 0, record = strcmp(cmd, "record") == 0;
    if ((o->beat_from || o->has_from || o->has_to) && !render && !record)
        return bad("--beats, --from and --to go with render or record, not %s", cmd);
    if (o->beat && (o->beat_from || o->has_from || o->has_to))
        return bad("--beat and --beats/--from/--to choose the same thing: give one%s", "");
    if (o->beat_from && (o->has_from || o->has_to))
        return bad("--beats and --from/--to choose the same thing: give one%s", "");
    if (o->still && !render) return bad("--still goes with render, not %s", cmd);
    if (o->drag && strcmp(cmd, "bench") != 0) return bad("--drag goes with bench, not %s", cmd);
    if (o->transparent && !render && !record) return bad("--transparent goes with render or record, not %s", cmd);
    if (o->subtitles && !record) return bad("--subtitles goes with record, not %s", cmd);
    if (o->no_cursor && !((render || record) && take_is_path(o->scene)))
        return bad("--no-cursor goes with a take (render or record NAME.take)%s", "");
    if ((o->has_crf || o->preset || o->quality != REC_HIGH) && !record)
        return bad("--quality, --crf and --preset go with record, not %s", cmd);
    return APP_OK;
}

int app_main(int argc, char **argv) {
    scene_seconds();   /* start the clock for start-up measurements */
    startup_begin();
    app_options o = {.theme = &ui_theme_dark};
    char *positional[64];
    static const char *sets[64];   /* --set: live as long as the scenes */
    int nsets = 0;
    int npos = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *next = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) { fputs(usage, stdout); return APP_OK; }
        if (strcmp(a, "--version") == 0) { printf("tensorstage %s\n", TS_VERSION); return APP_OK; }
        if (strcmp(a, "--force") == 0) { o.force = true; continue; }
        if (strcmp(a, "--chrome") == 0) { o.chrome = true; continue; }
        if (strcmp(a, "--no-captions") == 0) { o.no_captions = true; continue; }
        if (strcmp(a, "--fullscreen") == 0) { o.fullscreen = true; continue; }
        if (strcmp(a, "--kiosk") == 0) { o.kiosk = true; continue; }
        if (strcmp(a, "--presenter") == 0) { o.presenter = true; continue; }
        if (strcmp(a, "--still") == 0) { o.still = true; continue; }
        if (strcmp(a, "--transparent") == 0) { o.transparent = true; continue; }
        if (strcmp(a, "--subtitles") == 0) { o.subtitles = true; continue; }
        if (strcmp(a, "--no-cursor") == 0) { o.no_cursor = true; continue; }
        if (strcmp(a, "--drag") == 0) { o.drag = true; continue; }
        if (strcmp(a, "--set") == 0) {
            if (!next) return bad("--set needs SECTION.KEY=VALUE%s", "");
            if (nsets == 64) return bad("too many --set options (at most 64)%s", "");
            sets[nsets++] = next;
            i++;
            continue;
        }
        int er = export_option(&o, a, next);
        if (er > 0) return er;
        if (er == 0) { i++; continue; }
        bool takes = strcmp(a, "--out") == 0 || strcmp(a, "--size") == 0 || strcmp(a, "--fps") == 0 ||
                     strcmp(a, "--beat") == 0 || strcmp(a, "--frames") == 0 || strcmp(a, "--theme") == 0;
        if (takes) {
            if (!next) return bad("%s needs a value", a);
            i++;
            if (strcmp(a, "--out") == 0) o.out = next;
            else if (strcmp(a, "--size") == 0) {
                if (!parse_size(next, &o.width, &o.height))
                    return bad("--size must be WxH, each side 16..3840, at most 3840x2160 pixels in all, got '%s'", next);
            } else if (strcmp(a, "--fps") == 0) {
                if (!parse_int(next, 1, 120, &o.fps)) return bad("--fps must be 1..120, got '%s'", next);
            } else if (strcmp(a, "--beat") == 0) {
                if (!parse_int(next, 1, 999, &o.beat)) return bad("--beat must be a beat number from 1, got '%s'", next);
            } else if (strcmp(a, "--frames") == 0) {
                if (!parse_int(next, 1, 1000000, &o.frames)) return bad("--frames must be 1..1000000, got '%s'", next);
            } else {
                o.theme_set = true;
                o.theme = ui_theme_named(next);
                if (!o.theme) return bad("--theme must be dark, light or projector, got '%s'", next);
            }
            continue;
        }
        if (a[0] == '-' && a[1]) return bad("unknown option '%s'", a);
        if (npos == 64) return bad("too many arguments%s", "");
        positional[npos++] = argv[i];
    }

    /* a data folder named but unusable is refused, not silently replaced */
    const char *data = getenv("TENSORSTAGE_DATA");
    for (int i = 0; data && i < 3; i++) {   /* all of it, not only the first folder a frame needs */
        static const char *const need[] = {"shaders", "assets", "scenes"};
        char sub[TS_PATH_MAX], sh[128];
        struct stat st;
        snprintf(sub, sizeof sub, "%s/%s", data, need[i]);
        if (stat(sub, &st) != 0 || !S_ISDIR(st.st_mode)) {
            app_error("tensorstage: TENSORSTAGE_DATA=%s has no %s/ folder (it must hold shaders/, "
                      "assets/ and scenes/; unset it to use the built-in data)", ts_path_shown(data, sh, sizeof sh),
                      need[i]);
            return APP_USAGE;
        }
    }

    scene_set_overrides(sets, nsets);
    static const char *const commands[] = {"list", "check", "render", "record", "dump", "bench"};
    const char *cmd = NULL;
    for (int i = 0; npos > 0 && i < 6; i++)
        if (strcmp(positional[0], commands[i]) == 0) cmd = commands[i];
    o.command = cmd;

    if (!cmd) {   /* the window: tensorstage [SCENE] */
        if (npos > 1) return bad("unexpected argument '%s'", positional[1]);
        if (o.out) return bad("--out goes with render, record or dump%s", "");
        o.scene = npos ? positional[0] : NULL;
        if (nsets && !o.scene) return bad("--set needs a SCENE to set keys of%s", "");
        if (o.scene && take_is_path(o.scene))
            return bad("a take is exported, not opened: tensorstage record %s --out video.mp4 (or render)", o.scene);
        if (o.no_cursor) return bad("--no-cursor goes with a take (render or record NAME.take)%s", "");
        return app_interactive(&o);
    }
    if (strcmp(cmd, "list") == 0) {
        if (npos > 1) return bad("list takes no arguments, got '%s'", positional[1]);
        return cmd_list();
    }
    if (strcmp(cmd, "check") == 0) return cmd_check(npos - 1, positional + 1);

    if (npos < 2) return bad("%s needs a SCENE (a name from 'tensorstage list' or a preset path)", cmd);
    if (npos > 2) return bad("unexpected argument '%s'", positional[2]);
    o.scene = positional[1];
    bool needs_out = strcmp(cmd, "bench") != 0;
    if (needs_out && !o.out) return bad("%s needs --out", cmd);
    if (!needs_out && o.out) return bad("bench takes no --out%s", "");
    bool take = take_is_path(o.scene);
    if (take && strcmp(cmd, "render") != 0 && strcmp(cmd, "record") != 0)
        return bad(strcmp(cmd, "dump") == 0 ? "dump takes a scene, not a take ('%s'); render and record export takes"
                                            : "bench takes a scene, not a take ('%s'); render and record export takes",
                   o.scene);
    /* a take exports at its window's drawable size (made even) unless --size says */
    if (!o.width && take && take_peek_size(o.scene, &o.width, &o.height)) { o.width &= ~1; o.height &= ~1; }
    if (!o.width) { o.width = 1920; o.height = 1080; }
    if (!o.fps) o.fps = 60;
    int ec = export_combination(&o, cmd);
    if (ec) return ec;

    if (strcmp(cmd, "dump") == 0) return cmd_dump(&o);
    if (strcmp(cmd, "render") == 0) return app_render(&o);
    if (strcmp(cmd, "record") == 0) return app_record(&o);
    return app_bench(&o);
}
