/* preset.c: opening scenes by name or from preset files (*.scene, INI).
 *
 * A preset is untrusted input. Before inih sees it the file is checked as a
 * whole (a regular file, at most 1 MiB, no NUL bytes, no line longer than
 * inih's 199 characters, every [section] closed), so every problem is
 * reported as one line "FILE:LINE: message" and nothing is silently
 * truncated; a long FILE is shortened from the front, so the message stays. The first section must be [scene] with
 * kind = NAME and title = TEXT; every other key goes to the scene's `set`
 * callback, which validates it. A value may continue on indented lines (a
 * matrix, one row per line); the lines are joined with '\n' and the key's
 * own line is the one reported.
 *
 * A scene's `defaults` must not allocate, and an `init` that fails frees what
 * it allocated, so a failed load only frees the state.
 *
 * The directory of the preset being loaded is kept while it loads, so
 * preset_resolve_path can make image paths relative to the preset. So is
 * the line of every key, so an init that checks keys against each other
 * (once all are read, whatever their order) can report the key's line
 * through preset_error_key.
 */
#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "kernel/fileio.h"
#include "scene/scene.h"

#define PRESET_MAX_BYTES (1 << 20)
#define PRESET_MAX_LINE 199
#define PRESET_MAX_VALUE 16384

static char preset_dir[512];

typedef struct loader {
    const char *path;
    const char *text, *cursor;   /* the whole file and the read position */
    int line;                    /* lines handed to inih so far */
    bool continuation;           /* the last line read was indented */
    scene *s;
    bool saw_kind, saw_title, in_scene_section, started;
    char section[64], key[64];   /* the pending key */
    char value[PRESET_MAX_VALUE];
    int key_line;
    bool pending;
    char seen[256][130];         /* section/key pairs already set */
    int seen_line[256];
    int seen_count;
    char err[512];
    int err_line;
    int init_err_line;           /* set by preset_error_key during init */
} loader;

static loader *loading;          /* the preset being loaded, for preset_error_key */
static bool init_running;        /* a scene's init runs: preset_error_key may name an override */
static int init_err_override;    /* ... the --set that gave the key init refused, or -1 */

static bool fail(loader *L, int line, const char *fmt, const char *a, const char *b) {
    if (L->err[0]) return false;             /* keep the first error */
    snprintf(L->err, sizeof L->err, fmt, a ? a : "", b ? b : "");
    L->err_line = line;
    return false;
}

/* inih's reader: hands out one line at a time and counts them. */
static char *reader(char *buf, int size, void *user) {
    loader *L = user;
    if (!*L->cursor) return NULL;
    const char *nl = strchr(L->cursor, '\n');
    size_t n = nl ? (size_t)(nl - L->cursor + 1) : strlen(L->cursor);
    if (n > (size_t)size - 1) n = (size_t)size - 1;   /* cannot happen: lines were checked */
    memcpy(buf, L->cursor, n);
    buf[n] = 0;
    L->continuation = (buf[0] == ' ' || buf[0] == '\t');
    L->cursor += n;
    L->line++;
    return buf;
}

static bool flush(loader *L) {
    if (!L->pending) return true;
    L->pending = false;
    char err[448] = "";
    if (!L->s->kind->set(L->s->state, L->section, L->key, L->value, err, sizeof err))
        return fail(L, L->key_line, "%s%s", err[0] ? err : "invalid value", NULL);
    return true;
}

static bool scene_key(loader *L, const char *name, const char *value) {
    if (strcmp(name, "kind") == 0) {
        const scene_kind *k = scene_kind_find(value);
        if (!k) return fail(L, L->line, "unknown scene kind '%s' (see 'tensorstage list')", value, NULL);
        L->s->kind = k;
        L->s->state = calloc(1, k->state_size);
        if (!L->s->state) return fail(L, L->line, "out of memory", NULL, NULL);
        if (k->defaults) k->defaults(L->s->state);
        L->saw_kind = true;
        return true;
    }
    if (strcmp(name, "title") == 0) {
        if (strlen(value) >= sizeof L->s->title)
            return fail(L, L->line, "title is longer than %s characters", "127", NULL);
        snprintf(L->s->title, sizeof L->s->title, "%s", value);
        L->saw_title = true;
        return true;
    }
    if (strcmp(name, "description") == 0) {   /* what the picker's card says it shows */
        if (strlen(value) >= PRESET_DESCRIPTION_MAX)
            return fail(L, L->line, "description is longer than %s characters", "255", NULL);
        return true;
    }
    return fail(L, L->line, "unknown key '%s' in [scene] (expected kind, title, description)", name, NULL);
}

static int handler(void *user, const char *section, const char *name, const char *value) {
    loader *L = user;
    if (L->err[0]) return 0;
    if (L->continuation && L->pending && strcmp(name, L->key) == 0 &&
        strcmp(section, L->section) == 0) {
        size_t used = strlen(L->value);
        if (used + strlen(value) + 2 > sizeof L->value)
            return fail(L, L->key_line, "value of '%s' is too long", name, NULL);
        L->value[used] = '\n';
        strcpy(L->value + used + 1, value);
        return 1;
    }
    if (!flush(L)) return 0;
    if (!section[0]) return fail(L, L->line, "'%s' is outside any section (start with [scene])", name, NULL);
    if (!L->started) {
        L->started = true;
        if (strcmp(section, "scene") != 0)
            return fail(L, L->line, "the first section must be [scene], not [%s]", section, NULL);
    }
    char id[130];
    snprintf(id, sizeof id, "%.63s/%.63s", section, name);
    for (int i = 0; i < L->seen_count; i++)
        if (strcmp(L->seen[i], id) == 0)
            return fail(L, L->line, "'%s' is set twice in [%s]", name, section);
    if (L->seen_count < 256) { L->seen_line[L->seen_count] = L->line; strcpy(L->seen[L->seen_count++], id); }
    else return fail(L, L->line, "too many keys (at most 256)", NULL, NULL);

    if (strcmp(section, "scene") == 0) return scene_key(L, name, value);
    if (!L->saw_kind) return fail(L, L->line, "[scene] must set kind before [%s]", section, NULL);
    if (strlen(section) >= sizeof L->section || strlen(name) >= sizeof L->key)
        return fail(L, L->line, "section or key name too long", NULL, NULL);
    if (strlen(value) >= sizeof L->value)
        return fail(L, L->line, "value of '%s' is too long", name, NULL);
    strcpy(L->section, section);
    strcpy(L->key, name);
    strcpy(L->value, value);
    L->key_line = L->line;
    L->pending = true;
    return 1;
}

/* ---- embedded sources (takes) --------------------------------------------- */

static const scene_source *sources;
static int source_n;

void scene_sources_set(const scene_source *src, int n) { sources = src; source_n = src ? n : 0; }

const scene_source *scene_source_find(const char *path) {
    for (int i = 0; i < source_n; i++)
        if (strcmp(sources[i].path, path) == 0) return &sources[i];
    return NULL;
}

/* The name errors give for path, and the line its first line is on. */
static const char *shown_name(const char *path, char *buf, size_t len, int *line0) {
    const scene_source *src = scene_source_find(path);
    *line0 = src ? src->line0 : 0;
    return ts_path_shown(src ? src->shown : path, buf, len);
}

/* Reads the file (or its embedded text) and checks what inih cannot: a
 * regular file (a FIFO would block), size, NUL bytes, long lines, and a
 * section header without its ']' (inih would report it only after the keys
 * below it). */
static char *read_preset(const char *path, char *err, size_t errlen) {
    char sh[128];
    int line0;
    const char *P = shown_name(path, sh, sizeof sh, &line0);
    const scene_source *src = scene_source_find(path);
    char *buf;
    size_t n;
    if (src) {
        n = strlen(src->text);
        if (n > PRESET_MAX_BYTES) { snprintf(err, errlen, "%s: larger than 1 MiB; not a preset", P); return NULL; }
        buf = malloc(n + 1);
        if (!buf) { snprintf(err, errlen, "%s: out of memory", P); return NULL; }
        memcpy(buf, src->text, n + 1);
    } else {
        FILE *f = ts_in_open(path, err, errlen);
        if (!f) return NULL;
        struct stat st;
        if (fstat(fileno(f), &st) == 0 && st.st_size > PRESET_MAX_BYTES) {
            fclose(f);
            snprintf(err, errlen, "%s: larger than 1 MiB; not a preset", P);
            return NULL;
        }
        size_t cap = (size_t)st.st_size + 1;   /* a regular file: its size is known */
        buf = malloc(cap + 1);
        n = buf ? fread(buf, 1, cap, f) : 0;
        bool read_error = ferror(f);
        fclose(f);
        if (!buf) { snprintf(err, errlen, "%s: out of memory", P); return NULL; }
        if (read_error) { snprintf(err, errlen, "%s: cannot read", P); free(buf); return NULL; }
        if (n >= cap) { snprintf(err, errlen, "%s: changed while it was read", P); free(buf); return NULL; }
        buf[n] = 0;
    }
    int line = 1, col = 0;
    bool header = false, closed = false;   /* this line opens a [section]; its ']' was seen */
    for (size_t i = 0; i <= n; i++) {
        unsigned char c = (unsigned char)buf[i];
        if (c == '\n' || i == n) {
            if (header && !closed) {
                snprintf(err, errlen, "%s:%d: section header has no closing ']'", P, line0 + line);
                free(buf); return NULL;
            }
            line++; col = 0; header = closed = false;
            continue;
        }
        if (c == 0 || (c < 32 && c != '\r' && c != '\t')) {
            snprintf(err, errlen, "%s:%d: binary data (byte 0x%02x); not a preset", P, line0 + line, c);
            free(buf); return NULL;
        }
        if (col == 0) header = buf[i + strspn(buf + i, " \t")] == '[';
        if (header && c == ']') closed = true;
        if (++col > PRESET_MAX_LINE) {
            snprintf(err, errlen, "%s:%d: line is longer than %d characters (split a matrix over indented lines)",
                     P, line0 + line, PRESET_MAX_LINE);
            free(buf); return NULL;
        }
    }
    return buf;
}

/* Every error is one line: a value continued over lines may be quoted in it. */
static void one_line(char *s) {
    for (; *s; s++)
        if ((unsigned char)*s < 32 || *s == 127) *s = ' ';
}

/* ---- command-line overrides: --set SECTION.KEY=VALUE ---------------------- */

static const char *const *overrides;
static int override_n;

void scene_set_overrides(const char *const *sets, int n) { overrides = sets; override_n = n; }

int scene_overrides(const char *const **sets) {
    *sets = overrides;
    return override_n;
}

/* Sets every override on s after its preset's keys (so they win), through
 * the same set callback; a relative path in a value is from the current
 * folder. False and "--set SECTION.KEY=VALUE: what" in err on the first bad one. */
static bool apply_overrides(scene *s, char *err, size_t errlen) {
    char saved[sizeof preset_dir];
    memcpy(saved, preset_dir, sizeof saved);
    snprintf(preset_dir, sizeof preset_dir, ".");
    bool ok = true;
    for (int i = 0; i < override_n && ok; i++) {
        const char *a = overrides[i], *dot = strchr(a, '.'), *eq = strchr(a, '=');
        char section[64], key[64], why[448] = "";
        if (!dot || !eq || dot > eq || dot == a || eq == dot + 1 || dot - a >= 64 || eq - dot - 1 >= 64) {
            snprintf(why, sizeof why, "expected SECTION.KEY=VALUE");
        } else {
            snprintf(section, sizeof section, "%.*s", (int)(dot - a), a);
            snprintf(key, sizeof key, "%.*s", (int)(eq - dot - 1), dot + 1);
            const char *value = eq + 1;
            if (strcmp(section, "scene") == 0) {
                if (strcmp(key, "title") != 0)
                    snprintf(why, sizeof why, "[scene] takes only title here (the kind is the SCENE argument)");
                else if (strlen(value) >= sizeof s->title)
                    snprintf(why, sizeof why, "title is longer than 127 characters");
                else snprintf(s->title, sizeof s->title, "%s", value);
            } else if (!s->kind->set(s->state, section, key, value, why, sizeof why) && !why[0]) {
                snprintf(why, sizeof why, "invalid value");
            }
        }
        if (why[0]) {
            snprintf(err, errlen, "--set %.200s: %s", a, why);
            one_line(err);
            ok = false;
        }
    }
    memcpy(preset_dir, saved, sizeof saved);
    return ok;
}

/* Parses path and sets every key; with start, runs the scene's init too. */
static scene *load_preset(const char *path, bool start, char *err, size_t errlen) {
    char *text = read_preset(path, err, errlen);
    if (!text) return NULL;
    loader *L = calloc(1, sizeof *L);
    scene *s = calloc(1, sizeof *s);
    if (!L || !s) { free(L); free(s); free(text); snprintf(err, errlen, "out of memory"); return NULL; }
    L->path = path; L->text = L->cursor = text; L->s = s;

    const char *slash = strrchr(path, '/');
    if (slash) snprintf(preset_dir, sizeof preset_dir, "%.*s", (int)(slash - path), path);
    else snprintf(preset_dir, sizeof preset_dir, ".");

    int rc = ini_parse_stream(reader, L, handler, L);
    if (!L->err[0]) flush(L);
    if (!L->err[0] && rc > 0) fail(L, rc, "syntax error (expected [section] or key = value)", NULL, NULL);
    if (!L->err[0] && rc < 0) fail(L, 0, "cannot parse", NULL, NULL);
    bool ok = !L->err[0];
    char sh[128];
    int line0;
    const char *P = shown_name(path, sh, sizeof sh, &line0);
    if (ok && !L->saw_kind) { snprintf(err, errlen, "%s:%d: missing [scene] section with kind = NAME", P, line0 + 1); ok = false; }
    else if (ok && !L->saw_title) { snprintf(err, errlen, "%s:%d: [scene] needs title = TEXT", P, line0 + 1); ok = false; }
    else if (!ok) {
        if (L->err_line > 0) snprintf(err, errlen, "%s:%d: %s", P, line0 + L->err_line, L->err);
        else snprintf(err, errlen, "%s: %s", P, L->err);
    }
    if (ok && !apply_overrides(s, err, errlen)) ok = false;
    if (ok && start && s->kind->init) {
        char ierr[448] = "";
        loading = L;
        init_running = true;
        init_err_override = -1;
        if (!s->kind->init(s->state, ierr, sizeof ierr)) {
            const char *why = ierr[0] ? ierr : "the scene could not start";
            if (init_err_override >= 0) snprintf(err, errlen, "--set %.200s: %s", overrides[init_err_override], why);
            else if (L->init_err_line > 0) snprintf(err, errlen, "%s:%d: %s", P, line0 + L->init_err_line, why);
            else snprintf(err, errlen, "%s: %s", P, why);
            ok = false;
        }
        init_running = false;
        loading = NULL;
    }
    if (!ok) one_line(err);
    free(text);
    free(L);
    if (!ok) {
        free(s->state);
        free(s);
        return NULL;
    }
    snprintf(s->source, sizeof s->source, "%s", path);
    return s;
}

void preset_error_key(const char *section, const char *key) {
    if (!init_running) return;
    for (int i = override_n - 1; i >= 0; i--) {   /* the last --set of that key is the value init saw */
        const char *a = overrides[i];
        size_t sl = strlen(section), kl = strlen(key);
        if (strncmp(a, section, sl) == 0 && a[sl] == '.' && strncmp(a + sl + 1, key, kl) == 0 && a[sl + 1 + kl] == '=') {
            init_err_override = i;
            return;
        }
    }
    if (!loading) return;
    char id[130];
    snprintf(id, sizeof id, "%.63s/%.63s", section, key);
    for (int i = 0; i < loading->seen_count; i++)
        if (strcmp(loading->seen[i], id) == 0) loading->init_err_line = loading->seen_line[i];
}

bool preset_check_keys(const char *path, char *err, size_t errlen) {
    scene *s = load_preset(path, false, err, errlen);
    if (!s) return false;
    free(s->state);   /* never started: set and defaults own nothing */
    free(s);
    return true;
}

bool scene_is_preset_path(const char *arg) {
    size_t n = strlen(arg);
    return strchr(arg, '/') || (n > 6 && strcmp(arg + n - 6, ".scene") == 0);
}

scene *scene_open(const char *arg, char *err, size_t errlen) {
    scene *s;
    if (scene_is_preset_path(arg)) {
        s = load_preset(arg, true, err, errlen);
        if (!s) return NULL;
    } else {
        const scene_kind *k = scene_kind_find(arg);
        if (!k) {
            char sh[128];
            snprintf(err, errlen, "unknown scene '%s' (see 'tensorstage list')", ts_path_shown(arg, sh, sizeof sh));
            one_line(err);
            return NULL;
        }
        s = calloc(1, sizeof *s);
        if (s) s->state = calloc(1, k->state_size ? k->state_size : 1);
        if (!s || !s->state) { free(s); snprintf(err, errlen, "out of memory"); return NULL; }
        s->kind = k;
        snprintf(preset_dir, sizeof preset_dir, ".");
        if (k->defaults) k->defaults(s->state);
        snprintf(s->title, sizeof s->title, "%s", k->title);
        if (!apply_overrides(s, err, errlen)) { free(s->state); free(s); return NULL; }
        char ierr[320] = "";
        init_running = true;
        init_err_override = -1;
        bool started = !k->init || k->init(s->state, ierr, sizeof ierr);
        init_running = false;
        if (!started) {
            if (init_err_override >= 0) snprintf(err, errlen, "--set %.200s: %s", overrides[init_err_override], ierr);
            else snprintf(err, errlen, "%s: %s", arg, ierr);
            one_line(err);
            free(s->state); free(s);
            return NULL;
        }
        snprintf(s->source, sizeof s->source, "%s", k->name);
    }
    s->clock = scene_clock_beat(s->kind, 0, 0);
    return s;
}

void scene_close(scene *s) {
    if (!s) return;
    if (s->kind->shutdown) s->kind->shutdown(s->state);
    free(s->state);
    free(s);
}

/* ---- value helpers -------------------------------------------------------- */

static const char *skip_space(const char *p) { while (isspace((unsigned char)*p)) p++; return p; }

bool preset_int(const char *key, const char *value, int lo, int hi, int *out,
                char *err, size_t errlen) {
    char *end;
    errno = 0;
    long v = strtol(value, &end, 10);
    if (end == value || *skip_space(end) || errno) {
        snprintf(err, errlen, "%s must be a whole number %d..%d, got '%.40s'", key, lo, hi, value);
        return false;
    }
    if (v < lo || v > hi) {
        snprintf(err, errlen, "%s must be %d..%d, got %.40s", key, lo, hi, value);
        return false;
    }
    *out = (int)v;
    return true;
}

bool preset_float(const char *key, const char *value, float lo, float hi, float *out,
                  char *err, size_t errlen) {
    char *end;
    errno = 0;
    double v = strtod(value, &end);
    if (end == value || *skip_space(end) || errno || v != v) {
        snprintf(err, errlen, "%s must be a number %g..%g, got '%.40s'", key, lo, hi, value);
        return false;
    }
    if (v < lo || v > hi) {
        snprintf(err, errlen, "%s must be %g..%g, got %.40s", key, lo, hi, value);
        return false;
    }
    *out = (float)v;
    return true;
}

bool preset_bool(const char *key, const char *value, bool *out, char *err, size_t errlen) {
    static const char *yes[] = {"true", "yes", "on", "1"}, *no[] = {"false", "no", "off", "0"};
    for (int i = 0; i < 4; i++) {
        if (strcmp(value, yes[i]) == 0) { *out = true; return true; }
        if (strcmp(value, no[i]) == 0) { *out = false; return true; }
    }
    snprintf(err, errlen, "%s must be true or false, got '%.40s'", key, value);
    return false;
}

bool preset_floats(const char *key, const char *value, float *out, int max, int *n_out,
                   float lo, float hi, char *err, size_t errlen) {
    int n = 0;
    const char *p = value;
    for (;;) {
        while (isspace((unsigned char)*p) || *p == ',') p++;
        if (!*p) break;
        char *end;
        errno = 0;
        double v = strtod(p, &end);
        if (end == p || errno || v != v || (*end && !isspace((unsigned char)*end) && *end != ',')) {
            snprintf(err, errlen, "%s: number %d is not a number: '%.20s'", key, n + 1, p);
            return false;
        }
        if (v < lo || v > hi) {
            snprintf(err, errlen, "%s: number %d must be %g..%g, got %.20s", key, n + 1, lo, hi, p);
            return false;
        }
        if (n == max) {
            snprintf(err, errlen, "%s: expected %s%d numbers, got more", key, n_out ? "at most " : "", max);
            return false;
        }
        out[n++] = (float)v;
        p = end;
    }
    if (n_out ? n < 1 : n != max) {
        snprintf(err, errlen, "%s: expected %s%d numbers, got %d", key, n_out ? "1.." : "", max, n);
        return false;
    }
    if (n_out) *n_out = n;
    return true;
}

bool preset_string(const char *key, const char *value, char *out, size_t outlen,
                   char *err, size_t errlen) {
    if (strlen(value) >= outlen) {
        snprintf(err, errlen, "%s is longer than %zu characters", key, outlen - 1);
        return false;
    }
    strcpy(out, value);
    return true;
}

bool preset_choice(const char *key, const char *value, const char *const *names, int n,
                   int *out, char *err, size_t errlen) {
    for (int i = 0; i < n; i++)
        if (strcmp(value, names[i]) == 0) { *out = i; return true; }
    char list[256] = "";
    for (int i = 0; i < n; i++)
        snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", i ? ", " : "", names[i]);
    snprintf(err, errlen, "%s must be one of %s, got '%s'", key, list, value);
    return false;
}

void preset_resolve_path(const char *value, char *out, size_t outlen) {
    if (value[0] == '/' || !preset_dir[0]) snprintf(out, outlen, "%s", value);
    else snprintf(out, outlen, "%s/%s", preset_dir, value);
}

bool preset_unknown(const char *section, const char *key, char *err, size_t errlen) {
    snprintf(err, errlen, "unknown key '%s' in [%s]", key, section);
    return false;
}

/* ---- peeking at a preset's [scene] section (for listings) --------------- */

typedef struct peek { char kind[64], title[128], description[PRESET_DESCRIPTION_MAX]; } peek;

static int peek_handler(void *user, const char *section, const char *name, const char *value) {
    peek *p = user;
    if (strcmp(section, "scene") != 0) return 1;
    if (strcmp(name, "kind") == 0) snprintf(p->kind, sizeof p->kind, "%s", value);
    if (strcmp(name, "title") == 0) snprintf(p->title, sizeof p->title, "%s", value);
    if (strcmp(name, "description") == 0) snprintf(p->description, sizeof p->description, "%s", value);
    return 1;
}

bool preset_peek(const char *path, char *kind, size_t kindlen, char *title, size_t titlelen) {
    char err[256];
    char *text = read_preset(path, err, sizeof err);
    if (!text) return false;
    peek p = {0};
    ini_parse_string(text, peek_handler, &p);
    free(text);
    if (!p.kind[0] || !scene_kind_find(p.kind)) return false;
    if (kind) snprintf(kind, kindlen, "%s", p.kind);
    if (title) snprintf(title, titlelen, "%s", p.title[0] ? p.title : p.kind);
    return true;
}

bool preset_peek_description(const char *path, char *out, size_t outlen) {
    char err[256];
    char *text = read_preset(path, err, sizeof err);
    if (!text) return false;
    peek p = {0};
    ini_parse_string(text, peek_handler, &p);
    free(text);
    snprintf(out, outlen, "%s", p.description);
    return p.description[0] != 0;
}
