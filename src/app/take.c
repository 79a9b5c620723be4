/* take.c: the take file (take.h): reading it as untrusted input, writing it,
 * and the state a take starts from. Recording is take_rec.c, replay
 * take_play.c.
 *
 * The file is text, one item a line, checked like a preset: any fault is one
 * line "FILE:LINE: what".
 *
 *   tensorstage take 1
 *   source = scenes/cnn.scene         what was open: a scene name, preset or deck
 *   kinds = cnn                       the scene kind of each entry
 *   set = card.grid=60                a --set it was opened with (any number)
 *   window = 1280 720 1280 720        window and drawable size at the start
 *   entry = 1                         the entry shown (from 1)
 *   clock = 2 0.5                     its beat (from 1) and seconds into it
 *   now = 12.25                       the session clock at the start
 *   last_motion = 11.5                when the mouse last moved (chrome fades)
 *   mouse = 640 360                   the pointer, window coordinates
 *   flags = playing captions mouse_in    of: playing captions pen laser kiosk
 *                                     fullscreen mouse_in left_down panning
 *   theme = dark
 *   speed = 1
 *   view = 1 0 0                      zoom, pan x, pan y
 *   duration = 8.25                   seconds from the start to the last frame
 *   events = 3
 *   file scenes/cnn.scene 2           the text of a file it was opened from,
 *   | [scene]                         its lines after "| "
 *   | kind = cnn
 *   0.016666666666666666 motion 640 360 3 -1     x y, relative x y
 *   0.5 down left 640 360                        also: up BUTTON X Y
 *   0.75 key Right                               also: repeat NAME, keyup NAME
 *                                                text ESCAPED, wheel X Y,
 *                                                enter, leave, size W H DW DH
 *   end
 *
 * Times are seconds after the start, in order, written with 17 digits so
 * they read back exactly. Text, paths and values escape control characters,
 * backslashes (and in one-word fields, spaces) as \xHH. Key names are SDL's.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include "app/take.h"
#include "diagram/diagram.h"
#include "kernel/fileio.h"

#define TAKE_MAX_LINE 70000          /* a --set value (16 KiB) with every byte escaped */
#define TAKE_MAX_TEXT (2L << 20)     /* an embedded file (presets and decks stop at 1 MiB) */

bool take_is_path(const char *arg) {
    size_t n = strlen(arg);
    return n > 5 && strcmp(arg + n - 5, ".take") == 0;
}

void take_free(take *t) {
    for (int i = 0; i < t->nsets; i++) free(t->sets[i]);
    for (int i = 0; i < t->nfiles; i++) { free(t->files[i].path); free(t->files[i].text); }
    free(t->ev);
    memset(t, 0, sizeof *t);
}

bool take_push(take *t, const take_event *e) {
    if (t->n == t->cap) {
        long cap = t->cap ? 2 * t->cap : 1024;
        take_event *p = realloc(t->ev, sizeof *p * (size_t)cap);
        if (!p) return false;
        t->ev = p;
        t->cap = cap;
    }
    t->ev[t->n++] = *e;
    return true;
}

/* ---- writing ------------------------------------------------------------------ */

static const char *const button_names[] = {"", "left", "middle", "right", "x1", "x2"};

static const char *const flag_names[] = {"playing", "captions", "pen", "laser", "kiosk", "fullscreen",
                                         "mouse_in", "left_down", "panning"};
enum { FLAG_COUNT = 9 };

static bool *flag_field(take *t, int i) {
    bool *f[FLAG_COUNT] = {&t->playing, &t->captions, &t->pen, &t->laser, &t->kiosk, &t->fullscreen,
                           &t->mouse_in, &t->left_down, &t->panning};
    return f[i];
}

/* s with control characters and backslashes as \xHH; spaces too if all,
 * else only a first or last one (a value's ends are trimmed when read). */
static void put_escaped(FILE *f, const char *s, bool all) {
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p < 32 || *p == 127 || *p == '\\' || (*p == ' ' && (all || p == (const unsigned char *)s || !p[1])))
            fprintf(f, "\\x%02x", *p);
        else
            fputc(*p, f);
}

static void put_key(FILE *f, SDL_Keycode k) {
    const char *name = SDL_GetKeyName(k);
    bool plain = name[0] && SDL_GetKeyFromName(name) == k && !(name[0] == '#' && isdigit((unsigned char)name[1]));
    for (const char *p = name; *p && plain; p++) plain = (unsigned char)*p >= 32 && *p != 127;
    if (plain) fputs(name, f);
    else fprintf(f, "#%ld", (long)k);
}

static void put_event(FILE *f, const take_event *e) {
    const SDL_Event *ev = &e->ev;
    fprintf(f, "%.17g ", e->t);
    switch (ev->type) {
    case SDL_MOUSEMOTION:
        fprintf(f, "motion %d %d %d %d\n", ev->motion.x, ev->motion.y, ev->motion.xrel, ev->motion.yrel);
        break;
    case SDL_MOUSEBUTTONDOWN: case SDL_MOUSEBUTTONUP: {
        int b = ev->button.button >= 1 && ev->button.button <= 5 ? ev->button.button : 3;
        fprintf(f, "%s %s %d %d\n", ev->type == SDL_MOUSEBUTTONDOWN ? "down" : "up", button_names[b],
                ev->button.x, ev->button.y);
        break;
    }
    case SDL_MOUSEWHEEL: fprintf(f, "wheel %d %d\n", ev->wheel.x, ev->wheel.y); break;
    case SDL_KEYDOWN: case SDL_KEYUP:
        fputs(ev->type == SDL_KEYUP ? "keyup " : ev->key.repeat ? "repeat " : "key ", f);
        put_key(f, ev->key.keysym.sym);
        fputc('\n', f);
        break;
    case SDL_TEXTINPUT:
        fputs("text ", f);
        put_escaped(f, ev->text.text, true);
        fputc('\n', f);
        break;
    case SDL_WINDOWEVENT:
        fputs(ev->window.event == SDL_WINDOWEVENT_ENTER ? "enter\n" : "leave\n", f);
        break;
    default:   /* TAKE_SIZE */
        fprintf(f, "size %d %d %d %d\n", e->size[0], e->size[1], e->size[2], e->size[3]);
        break;
    }
}

bool take_write(const take *t, const char *path, char *err, size_t errlen) {
    char tmp[TS_PATH_MAX];
    FILE *f = ts_out_open(path, tmp, sizeof tmp, err, errlen);
    if (!f) return false;
    fputs("tensorstage take 1\n# a performance recorded in the tensorstage window (F9); export it with\n"
          "#   tensorstage record THIS.take --out video.mp4 [--size WxH] [--fps F]\nsource = ", f);
    put_escaped(f, t->source, false);
    fputs("\nkinds =", f);
    for (int i = 0; i < t->nkinds; i++) fprintf(f, " %s", t->kinds[i]);
    fputc('\n', f);
    for (int i = 0; i < t->nsets; i++) {
        fputs("set = ", f);
        put_escaped(f, t->sets[i], false);
        fputc('\n', f);
    }
    fprintf(f, "window = %d %d %d %d\nentry = %d\nclock = %d %.17g\nnow = %.17g\nlast_motion = %.17g\n"
               "mouse = %.9g %.9g\nflags =", t->size[0], t->size[1], t->size[2], t->size[3], t->entry + 1,
            t->beat + 1, t->beat_time, t->now, t->last_motion, t->mouse_x, t->mouse_y);
    for (int i = 0; i < FLAG_COUNT; i++)
        if (*flag_field((take *)t, i)) fprintf(f, " %s", flag_names[i]);
    fprintf(f, "\ntheme = %s\nspeed = %.17g\nview = %.9g %.9g %.9g\nduration = %.17g\nevents = %ld\n",
            t->theme ? t->theme->name : "dark", t->speed, t->view.zoom, t->view.pan_x,
            t->view.pan_y, t->duration, t->n);
    for (int i = 0; i < t->nfiles; i++) {
        const char *p = t->files[i].text;
        long lines = 0;
        for (const char *q = p; *q; q++) lines += *q == '\n';
        fputs("file ", f);
        put_escaped(f, t->files[i].path, true);
        fprintf(f, " %ld\n", lines);
        while (*p) {
            size_t n = strcspn(p, "\n");
            fprintf(f, n ? "| %.*s\n" : "|%.*s\n", (int)n, p);
            p += n + (p[n] == '\n');
        }
    }
    for (long i = 0; i < t->n; i++) put_event(f, &t->ev[i]);
    fputs("end\n", f);
    return ts_out_close_publish(f, tmp, path, false, err, errlen) == TS_OUT_OK;   /* never over another take */
}

/* ---- reading ------------------------------------------------------------------ */

typedef struct take_reader {
    take *t;
    const char *P;          /* the file, as messages show it */
    char *cur;              /* the rest of the file */
    int line;
    long said;              /* 'events = N' */
    char *err;
    size_t errlen;
} take_reader;

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static bool bad(take_reader *R, const char *fmt, ...) {
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    snprintf(R->err, R->errlen, "%s:%d: %s", R->P, R->line, msg);
    for (char *p = R->err; *p; p++)   /* one line, whatever the file held */
        if ((unsigned char)*p < 32 || *p == 127) *p = ' ';
    return false;
}

/* The next line (its '\n' and a '\r' before it cut off), or NULL at the end. */
static char *next_line(take_reader *R) {
    if (!*R->cur) return NULL;
    char *s = R->cur, *nl = strchr(s, '\n');
    if (nl) { *nl = 0; R->cur = nl + 1; }
    else R->cur = s + strlen(s);
    size_t n = strlen(s);
    if (n && s[n - 1] == '\r') s[n - 1] = 0;
    R->line++;
    return s;
}

static bool unescape(const char *s, char *out, size_t outlen) {
    size_t n = 0;
    for (; *s; s++) {
        unsigned c = (unsigned char)*s;
        if (c == '\\') {
            if (s[1] != 'x' || !isxdigit((unsigned char)s[2]) || !isxdigit((unsigned char)s[3])) return false;
            char hex[3] = {s[2], s[3], 0};
            c = (unsigned)strtoul(hex, NULL, 16);
            if (c == 0) return false;
            s += 3;
        } else if (c < 32 || c == 127) {
            return false;
        }
        if (n + 1 >= outlen) return false;
        out[n++] = (char)c;
    }
    out[n] = 0;
    return true;
}

static bool number(const char *s, double lo, double hi, double *out) {
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || *end || errno == ERANGE || !(v >= lo && v <= hi)) return false;
    *out = v;
    return true;
}

static bool whole(const char *s, long lo, long hi, long *out) {
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (end == s || *end || errno || v < lo || v > hi) return false;
    *out = v;
    return true;
}

/* Splits s at spaces into at most max words; returns how many there were
 * (max + 1 if more). */
static int words(char *s, char **w, int max) {
    int n = 0;
    char *save = NULL;
    for (char *p = strtok_r(s, " \t", &save); p; p = strtok_r(NULL, " \t", &save)) {
        if (n == max) return max + 1;
        w[n++] = p;
    }
    return n;
}

static bool key_code(const char *s, SDL_Keycode *k) {
    long v;
    if (s[0] == '#' && isdigit((unsigned char)s[1])) {
        if (!whole(s + 1, 1, 0x7fffffff, &v)) return false;
        *k = (SDL_Keycode)v;
        return true;
    }
    *k = SDL_GetKeyFromName(s);
    return *k != SDLK_UNKNOWN;
}

/* One header line, "key = value". */
static bool header_key(take_reader *R, const char *key, char *value, unsigned *seen) {
    static const char *const keys[] = {"source", "kinds", "window", "entry", "clock", "now", "last_motion",
                                       "mouse", "flags", "theme", "speed", "view", "duration", "events", "set"};
    take *t = R->t;
    int k = -1;
    for (int i = 0; i < 15; i++)
        if (strcmp(key, keys[i]) == 0) k = i;
    if (k < 0) return bad(R, "unknown key '%.60s' in the take's header", key);
    if (k < 14 && (*seen & (1u << k))) return bad(R, "'%s' is set twice", key);
    *seen |= 1u << k;
    char *w[DECK_MAX_ENTRIES];   /* words() fills up to its max: kinds need them all */
    double d[4];
    long l[4];
    int n;
    switch (k) {
    case 0:
        if (!value[0] || !unescape(value, t->source, sizeof t->source)) return bad(R, "source must be a scene name or a path");
        t->line_source = R->line;
        return true;
    case 1:
        n = words(value, w, DECK_MAX_ENTRIES);
        if (n < 1 || n > DECK_MAX_ENTRIES) return bad(R, "kinds must name 1..%d scene kinds", DECK_MAX_ENTRIES);
        for (int i = 0; i < n; i++) {
            if (!scene_kind_find(w[i])) return bad(R, "unknown scene kind '%.40s' (see 'tensorstage list')", w[i]);
            snprintf(t->kinds[i], sizeof t->kinds[i], "%s", w[i]);
        }
        t->nkinds = n;
        t->line_kinds = R->line;
        return true;
    case 2:
        n = words(value, w, 4);
        for (int i = 0; i < 4 && n == 4; i++)
            if (!whole(w[i], 1, TAKE_MAX_SIDE, &l[i])) n = 0;
        if (n != 4 || !take_size_ok(l[0], l[1]) || !take_size_ok(l[2], l[3]))
            return bad(R, "window must be 4 sizes (width height drawable-width drawable-height), each side 1..%d "
                          "and at most 3840x2160 pixels, as --size", TAKE_MAX_SIDE);
        for (int i = 0; i < 4; i++) t->size[i] = (int)l[i];
        return true;
    case 3:
        if (!whole(value, 1, DECK_MAX_ENTRIES, &l[0])) return bad(R, "entry must be 1..%d", DECK_MAX_ENTRIES);
        t->entry = (int)l[0] - 1;
        return true;
    case 4:
        n = words(value, w, 2);
        if (n != 2 || !whole(w[0], 1, 999, &l[0]) || !number(w[1], 0, 1e6, &d[0]))
            return bad(R, "clock must be a beat (from 1) and seconds into it");
        t->beat = (int)l[0] - 1;
        t->beat_time = d[0];
        t->line_clock = R->line;
        return true;
    case 5: case 6:
        if (!number(value, -1e12, 1e12, k == 5 ? &t->now : &t->last_motion)) return bad(R, "%s must be seconds", key);
        return true;
    case 7:
        n = words(value, w, 2);
        if (n != 2 || !number(w[0], -1e9, 1e6, &d[0]) || !number(w[1], -1e9, 1e6, &d[1]))
            return bad(R, "mouse must be x and y in window coordinates");
        t->mouse_x = (float)d[0];
        t->mouse_y = (float)d[1];
        return true;
    case 8:
        n = words(value, w, FLAG_COUNT);
        if (n > FLAG_COUNT) return bad(R, "too many flags");
        for (int i = 0; i < n; i++) {
            int f = -1;
            for (int j = 0; j < FLAG_COUNT; j++)
                if (strcmp(w[i], flag_names[j]) == 0) f = j;
            if (f < 0) return bad(R, "unknown flag '%.40s'", w[i]);
            *flag_field(t, f) = true;
        }
        return true;
    case 9:
        t->theme = ui_theme_named(value);
        if (!t->theme) return bad(R, "theme must be dark, light or projector, got '%.40s'", value);
        return true;
    case 10:
        if (!number(value, 0.25, 4, &t->speed)) return bad(R, "speed must be 0.25..4");
        return true;
    case 11:
        n = words(value, w, 3);
        if (n != 3 || !number(w[0], 0.5, 8, &d[0]) || !number(w[1], -1e6, 1e6, &d[1]) || !number(w[2], -1e6, 1e6, &d[2]))
            return bad(R, "view must be zoom (0.5..8), pan x and pan y");
        t->view = (app_view){.zoom = (float)d[0], .pan_x = (float)d[1], .pan_y = (float)d[2]};
        return true;
    case 12:
        if (!number(value, 0, TAKE_MAX_SECONDS, &t->duration) || !(t->duration > 0))
            return bad(R, "duration must be seconds > 0 and at most %.0f (2 hours: at 120 fps within --frames' "
                          "1,000,000)", TAKE_MAX_SECONDS);
        return true;
    case 13:
        if (!whole(value, 0, TAKE_MAX_EVENTS, &R->said)) return bad(R, "events must be 0..%ld", TAKE_MAX_EVENTS);
        return true;
    default:
        if (t->nsets == TAKE_MAX_SETS) return bad(R, "too many 'set' lines (at most %d)", TAKE_MAX_SETS);
        char *v = malloc(strlen(value) + 1);
        if (!v) return bad(R, "out of memory");
        t->sets[t->nsets++] = v;   /* take_free frees it */
        if (!unescape(value, v, strlen(value) + 1) || !strchr(v, '=')) return bad(R, "set must be SECTION.KEY=VALUE");
        return true;
    }
}

/* "file PATH N" and the N lines of "| text" after it. */
static bool embedded_file(take_reader *R, char *rest) {
    take *t = R->t;
    char *w[3];
    long lines;
    if (words(rest, w, 2) != 2 || !whole(w[1], 0, 1L << 20, &lines))
        return bad(R, "expected 'file PATH LINES' (LINES 0..%ld)", 1L << 20);
    if (t->nfiles == TAKE_MAX_FILES) return bad(R, "too many embedded files (at most %d)", TAKE_MAX_FILES);
    char path[512];
    if (!unescape(w[0], path, sizeof path)) return bad(R, "the file's path is not valid");
    for (int i = 0; i < t->nfiles; i++)
        if (strcmp(t->files[i].path, path) == 0) return bad(R, "'%.200s' is embedded twice", path);
    take_file *f = &t->files[t->nfiles];
    f->line0 = R->line;
    f->path = strdup(path);
    size_t cap = 4096, used = 0;
    f->text = malloc(cap);
    t->nfiles++;   /* take_free frees it from here on */
    if (!f->path || !f->text) return bad(R, "out of memory");
    f->text[0] = 0;
    for (long i = 0; i < lines; i++) {
        char *s = next_line(R);
        if (!s) return bad(R, "truncated: the take ends inside the embedded file %.200s", path);
        if (s[0] != '|' || (s[1] && s[1] != ' ')) return bad(R, "line %ld of the embedded %.200s must start with '| '", i + 1, path);
        const char *text = s[1] ? s + 2 : "";
        size_t n = strlen(text);
        if (used + n + 2 > (size_t)TAKE_MAX_TEXT) return bad(R, "the embedded %.200s is larger than 2 MiB", path);
        if (used + n + 2 > cap) {
            while (used + n + 2 > cap) cap *= 2;
            char *p = realloc(f->text, cap);
            if (!p) return bad(R, "out of memory");
            f->text = p;
        }
        memcpy(f->text + used, text, n);
        used += n;
        f->text[used++] = '\n';
        f->text[used] = 0;
    }
    return true;
}

/* One event line: "TIME NAME ARGS". */
static bool event_line(take_reader *R, char *s, double *last_t) {
    take *t = R->t;
    char *name = s + strcspn(s, " \t");
    if (*name) *name++ = 0;
    name += strspn(name, " \t");
    char *rest = name + strcspn(name, " \t");
    if (*rest) *rest++ = 0;
    rest += strspn(rest, " \t");
    take_event e;
    memset(&e, 0, sizeof e);
    if (!number(s, 0, 1e6, &e.t) || !name[0])
        return bad(R, "expected an event 'TIME NAME ...' or 'end', got '%.40s'", s);
    if (e.t < *last_t) return bad(R, "events must be in time order (%.6f s comes after %.6f s)", e.t, *last_t);
    if (e.t > t->duration + 1e-9) return bad(R, "event at %.6f s is after the take's end (duration = %.6f)", e.t, t->duration);
    *last_t = e.t;
    if (t->n >= R->said) return bad(R, "more events than 'events = %ld' says", R->said);
    char *w[6];
    long v[5];
    int n;
    SDL_Event *ev = &e.ev;
    const long C = 100000;   /* coordinates: windows are smaller, drags may leave them */
    if (strcmp(name, "motion") == 0) {
        n = words(rest, w, 4);
        for (int i = 0; i < 4 && n == 4; i++)
            if (!whole(w[i], -C, C, &v[i])) n = 0;
        if (n != 4) return bad(R, "motion needs x y xrel yrel (whole numbers within %ld)", C);
        ev->type = SDL_MOUSEMOTION;
        ev->motion.x = (Sint32)v[0]; ev->motion.y = (Sint32)v[1];
        ev->motion.xrel = (Sint32)v[2]; ev->motion.yrel = (Sint32)v[3];
    } else if (strcmp(name, "down") == 0 || strcmp(name, "up") == 0) {
        n = words(rest, w, 3);
        int b = 0;
        for (int i = 1; n == 3 && i <= 5; i++)
            if (strcmp(w[0], button_names[i]) == 0) b = i;
        if (n != 3 || !b || !whole(w[1], -C, C, &v[0]) || !whole(w[2], -C, C, &v[1]))
            return bad(R, "%s needs a button (left, middle, right, x1, x2), x and y", name);
        ev->type = name[0] == 'd' ? SDL_MOUSEBUTTONDOWN : SDL_MOUSEBUTTONUP;
        ev->button.button = (Uint8)b;
        ev->button.state = name[0] == 'd' ? SDL_PRESSED : SDL_RELEASED;
        ev->button.clicks = 1;
        ev->button.x = (Sint32)v[0]; ev->button.y = (Sint32)v[1];
    } else if (strcmp(name, "wheel") == 0) {
        n = words(rest, w, 2);
        if (n != 2 || !whole(w[0], -1000, 1000, &v[0]) || !whole(w[1], -1000, 1000, &v[1]))
            return bad(R, "wheel needs x and y notches (-1000..1000)");
        ev->type = SDL_MOUSEWHEEL;
        ev->wheel.x = (Sint32)v[0]; ev->wheel.y = (Sint32)v[1];
    } else if (strcmp(name, "key") == 0 || strcmp(name, "repeat") == 0 || strcmp(name, "keyup") == 0) {
        SDL_Keycode k;
        if (!rest[0] || !key_code(rest, &k)) return bad(R, "%s needs a key name, got '%.40s'", name, rest);
        ev->type = name[3] == 'u' ? SDL_KEYUP : SDL_KEYDOWN;
        ev->key.state = ev->type == SDL_KEYUP ? SDL_RELEASED : SDL_PRESSED;
        ev->key.repeat = name[0] == 'r';
        ev->key.keysym.sym = k;
        ev->key.keysym.scancode = SDL_GetScancodeFromKey(k);
    } else if (strcmp(name, "text") == 0) {
        n = words(rest, w, 1);
        if (n != 1 || !unescape(w[0], ev->text.text, sizeof ev->text.text))
            return bad(R, "text needs 1..%d bytes of UTF-8 (spaces as \\x20)", (int)sizeof ev->text.text - 1);
        ev->type = SDL_TEXTINPUT;
    } else if (strcmp(name, "enter") == 0 || strcmp(name, "leave") == 0) {
        if (rest[0]) return bad(R, "%s takes nothing after it", name);
        ev->type = SDL_WINDOWEVENT;
        ev->window.event = name[0] == 'e' ? SDL_WINDOWEVENT_ENTER : SDL_WINDOWEVENT_LEAVE;
    } else if (strcmp(name, "size") == 0) {
        n = words(rest, w, 4);
        for (int i = 0; i < 4 && n == 4; i++)
            if (!whole(w[i], 1, TAKE_MAX_SIDE, &v[i])) n = 0;
        if (n != 4 || !take_size_ok(v[0], v[1]) || !take_size_ok(v[2], v[3]))
            return bad(R, "size needs 4 sizes (window, then drawable), each side 1..%d and at most 3840x2160 "
                          "pixels, as --size", TAKE_MAX_SIDE);
        ev->type = TAKE_SIZE;
        for (int i = 0; i < 4; i++) e.size[i] = (int)v[i];
    } else {
        return bad(R, "unknown event '%.40s' (expected motion, down, up, wheel, key, repeat, keyup, text, "
                      "enter, leave, size)", name);
    }
    return take_push(t, &e) ? true : bad(R, "out of memory");
}

bool take_read(take *t, const char *path, char *err, size_t errlen) {
    memset(t, 0, sizeof *t);
    char sh[128];
    take_reader R = {.t = t, .P = ts_path_shown(path, sh, sizeof sh), .err = err, .errlen = errlen};
    FILE *f = ts_in_open(path, err, errlen);
    if (!f) return false;
    struct stat st;
    if (fstat(fileno(f), &st) == 0 && st.st_size > TAKE_MAX_BYTES) {
        fclose(f);
        snprintf(err, errlen, "%s: larger than 64 MiB; not a take", R.P);
        return false;
    }
    size_t cap = (size_t)st.st_size + 1;
    char *buf = malloc(cap + 1);
    size_t size = buf ? fread(buf, 1, cap, f) : 0;
    bool read_error = ferror(f);
    fclose(f);
    if (!buf) { snprintf(err, errlen, "%s: out of memory", R.P); return false; }
    if (read_error || size >= cap) {
        snprintf(err, errlen, "%s: %s", R.P, read_error ? "cannot read" : "changed while it was read");
        free(buf);
        return false;
    }
    buf[size] = 0;
    R.cur = buf;
    bool ok = true;
    /* whole-file checks first, so no line is half taken */
    int line = 1;
    long col = 0;
    for (size_t i = 0; i < size && ok; i++) {
        unsigned char c = (unsigned char)buf[i];
        if (c == '\n') { line++; col = 0; continue; }
        R.line = line;
        if (c == 0 || (c < 32 && c != '\t' && !(c == '\r' && buf[i + 1] == '\n')))   /* CRLF is a line end */
            ok = bad(&R, "binary data (byte 0x%02x); not a take", c);
        else if (++col > TAKE_MAX_LINE) ok = bad(&R, "line is longer than %d characters", TAKE_MAX_LINE);
    }
    R.line = 0;
    char *s = ok ? next_line(&R) : NULL;
    if (ok && (!s || strcmp(s, "tensorstage take 1") != 0)) {
        R.line = 1;
        ok = s && strncmp(s, "tensorstage take ", 17) == 0
             ? bad(&R, "take format '%.20s' is not one this tensorstage reads (1)", s + 17)
             : bad(&R, "not a tensorstage take (the first line must be 'tensorstage take 1')");
    }
    unsigned seen = 0;
    bool header = true, ended = false;
    double last_t = 0;
    while (ok && (s = next_line(&R))) {
        if (ended) {
            if (s[strspn(s, " \t")]) ok = bad(&R, "text after 'end'");
            continue;
        }
        if (!s[0] || s[0] == '#') continue;
        char *eq = strchr(s, '=');
        if (header && eq && !isdigit((unsigned char)s[0])) {   /* an event (its time first) may type '=' */
            char *k = s, *v = eq + 1;
            while (eq > k && (eq[-1] == ' ' || eq[-1] == '\t')) eq--;
            *eq = 0;
            v += strspn(v, " \t");
            size_t vn = strlen(v);
            while (vn && (v[vn - 1] == ' ' || v[vn - 1] == '\t')) v[--vn] = 0;
            ok = header_key(&R, k, v, &seen);
            continue;
        }
        if (header) {   /* the header ends: every key but 'set' must be there */
            header = false;
            static const char *const need[] = {"source", "kinds", "window", "entry", "clock", "now",
                                               "last_motion", "mouse", "flags", "theme", "speed", "view",
                                               "duration", "events"};
            for (int i = 0; i < 14 && ok; i++)
                if (!(seen & (1u << i))) ok = bad(&R, "the header has no '%s'", need[i]);
            if (!ok) break;
        }
        if (strncmp(s, "file ", 5) == 0) {
            if (t->n > 0) ok = bad(&R, "embedded files come before the events");
            else ok = embedded_file(&R, s + 5);
        } else if (strcmp(s, "end") == 0) {
            ended = true;
            if (t->n < R.said)
                ok = bad(&R, "%ld events, but 'events = %ld' (the take was cut short?)", t->n, R.said);
        } else {
            ok = event_line(&R, s, &last_t);
        }
    }
    if (ok && !ended) {
        if (header) ok = bad(&R, "truncated: the take has no events and no 'end' line");
        else ok = bad(&R, "truncated: the take ends before its 'end' line (it was cut short)");
    }
    free(buf);
    if (!ok) take_free(t);
    return ok;
}

/* ---- the state a take starts from ---------------------------------------------- */

void take_apply(app_session *a, const take *t) {
    a->in_picker = false;
    a->entry = t->entry;
    scene *s = a->d->e[t->entry].s;
    s->clock = scene_clock_beat(s->kind, t->beat, t->beat_time);
    a->playing = t->playing;
    a->speed = t->speed;
    a->captions = t->captions;
    a->kiosk = t->kiosk;
    a->out.fullscreen = t->fullscreen;
    a->th = t->theme;
    a->view = t->view;
    a->now = t->now;
    a->last_motion = t->last_motion;
    a->mouse_x = t->mouse_x;
    a->mouse_y = t->mouse_y;
    a->mouse_in = t->mouse_in;
    a->left_down = t->left_down;
    a->panning = t->panning;
    ink_free(&a->ink);
    a->ink.pen = t->pen;
    a->ink.laser = t->laser;
    a->ink.trail_n = 0;
    a->help = a->go_open = a->confirm_quit = a->scrubbing = a->dirty = false;
    a->confirm_open[0] = a->digits[0] = a->toast[0] = 0;
    a->toast_until = -1e9;
    a->ack_at = -1e9;            /* a press's mark and a pending jump close too */
    a->jump_pending = false;
    a->blank = 0;
    /* the widgets of the last frame are not the take's: no focus, no drag */
    a->ui.focus = a->ui.active = a->ui.hot = 0;
    a->ui.cmd_count = 0;
    a->ui.field_fresh = false;
    dg_hover_forget();   /* what the last frame hovered is not the take's either */
}

