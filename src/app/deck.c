/* deck.c: reading lecture decks (*.deck, INI through inih) and mapping time
 * over a whole deck for exports. The format is described in deck.h.
 *
 * A deck is untrusted input, checked like a preset: the whole file first
 * (size, NUL bytes, line length), then every key. Sections are told apart by
 * our own line reader, which sees each "[name]" line before inih does, so two
 * [entry] sections in a row are two entries and an [entry] with no keys is
 * an error at its own line.
 */
#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "app/deck.h"
#include "kernel/fileio.h"

#define DECK_MAX_BYTES (1 << 20)
#define DECK_MAX_LINE 199

typedef struct deck_loader {
    const char *path;
    const char *cursor;
    int line;
    bool continuation;    /* the last line read was indented */
    deck *d;
    bool peek;            /* deck_peek: entries are checked, their scenes not opened */
    char *dir;            /* the deck's folder, as long as it is */
    int section;          /* 0 none, 1 [deck], 2 [entry] */
    int section_line;
    bool saw_deck;
    /* the entry being read */
    char scene[512]; int scene_line;
    char beats[64];  int beats_line;
    char title[128];
    struct { int beat, line; char *text; } note[DECK_MAX_BEATS];
    int notes;
    char err[400];
    int err_line;
} deck_loader;

static bool fail(deck_loader *L, int line, const char *fmt, const char *a, const char *b) {
    if (L->err[0]) return false;
    snprintf(L->err, sizeof L->err, fmt, a ? a : "", b ? b : "");
    L->err_line = line;
    return false;
}

static void clear_entry(deck_loader *L) {
    for (int i = 0; i < L->notes; i++) free(L->note[i].text);
    L->notes = 0;
    L->scene[0] = L->beats[0] = L->title[0] = 0;
    L->scene_line = L->beats_line = 0;
}

/* "3" or "2-5" within 1..n, into a 0-based inclusive range. */
static bool parse_range(const char *s, int n, int *first, int *last) {
    char *end;
    errno = 0;
    long a = strtol(s, &end, 10), b = a;
    if (end == s || errno) return false;
    while (isspace((unsigned char)*end)) end++;
    if (*end == '-') {
        const char *p = end + 1;
        b = strtol(p, &end, 10);
        if (end == p || errno) return false;
        while (isspace((unsigned char)*end)) end++;
    }
    if (*end || a < 1 || b < a || b > n) return false;
    *first = (int)a - 1;
    *last = (int)b - 1;
    return true;
}

static bool finish_entry_at(deck_loader *L, const char *src);

/* The [entry] just read becomes a deck entry: open its scene, check its beats
 * and notes. */
static bool finish_entry(deck_loader *L) {
    deck *d = L->d;
    if (!L->scene[0]) return fail(L, L->section_line, "[entry] needs scene = NAME or a preset path", NULL, NULL);
    if (d->n == DECK_MAX_ENTRIES) return fail(L, L->section_line, "too many entries (at most 64)", NULL, NULL);
    bool rel = scene_is_preset_path(L->scene) && L->scene[0] != '/';
    char *src = malloc(strlen(L->dir) + strlen(L->scene) + 2);   /* no fixed size: a deep folder is fine */
    if (!src) return fail(L, L->scene_line, "out of memory", NULL, NULL);
    if (rel) sprintf(src, "%s/%s", L->dir, L->scene);
    else strcpy(src, L->scene);
    if (strlen(src) >= sizeof d->e[0].s->source) {
        free(src);
        return fail(L, L->scene_line, "the scene's path is longer than 511 bytes: move it to a shorter folder",
                    NULL, NULL);
    }
    bool ok = finish_entry_at(L, src);
    free(src);
    return ok;
}

/* finish_entry with the entry's scene as a name or a path src. */
static bool finish_entry_at(deck_loader *L, const char *src) {
    deck *d = L->d;
    deck_entry *e = &d->e[d->n];
    memset(e, 0, sizeof *e);
    char title[128] = "";
    if (L->peek) {   /* the name, or the preset's syntax and keys; nothing started */
        char err[512];
        if (scene_is_preset_path(src)) {
            char kind[64];
            if (!preset_check_keys(src, err, sizeof err) ||
                !preset_peek(src, kind, sizeof kind, title, sizeof title))
                return fail(L, L->scene_line, "%s", err, NULL);
            e->kind = scene_kind_find(kind);
            if (!title[0]) snprintf(title, sizeof title, "%s", e->kind->title);
        } else {
            e->kind = scene_kind_find(src);
            if (!e->kind) return fail(L, L->scene_line, "unknown scene '%s' (see 'tensorstage list')", src, NULL);
            snprintf(title, sizeof title, "%s", e->kind->title);
        }
    } else {
        for (int i = 0; i < d->n && !e->s; i++)
            if (strcmp(d->e[i].s->source, src) == 0) e->s = d->e[i].s;
        if (!e->s) {
            char err[512];
            e->s = scene_open(src, err, sizeof err);
            if (!e->s) return fail(L, L->scene_line, "%s", err, NULL);
            e->owns = true;
        }
        e->kind = e->s->kind;
        snprintf(title, sizeof title, "%s", e->s->title);
    }
    d->n++;   /* from here on deck_close frees it */
    int nb = e->kind->beat_count;
    e->first = 0;
    e->last = nb - 1;
    if (L->beats[0] && !parse_range(L->beats, nb, &e->first, &e->last)) {
        char n[16];
        snprintf(n, sizeof n, "%d", nb);
        return fail(L, L->beats_line, "beats must be K or A-B within 1..%s, got '%s'", n, L->beats);
    }
    snprintf(e->title, sizeof e->title, "%s", L->title[0] ? L->title : title);
    for (int i = 0; i < L->notes; i++) {
        int b = L->note[i].beat - 1;
        if (b < e->first || b > e->last || b >= DECK_MAX_BEATS) {
            char k[16], r[40];
            snprintf(k, sizeof k, "%d", L->note[i].beat);
            snprintf(r, sizeof r, "%d..%d", e->first + 1, e->last + 1);
            return fail(L, L->note[i].line, "note.%s is outside the entry's beats %s", k, r);
        }
        if (e->note[b]) {
            char k[16];
            snprintf(k, sizeof k, "%d", b + 1);
            return fail(L, L->note[i].line, "note.%s is set twice", k, NULL);
        }
        e->note[b] = L->note[i].text;
        L->note[i].text = NULL;
    }
    clear_entry(L);
    return true;
}

/* Called by the reader at each "[name]" line, before inih sees it. */
static bool begin_section(deck_loader *L, const char *name) {
    if (L->section == 2 && !finish_entry(L)) return false;
    L->section_line = L->line;
    if (strcmp(name, "deck") == 0) {
        if (L->saw_deck) return fail(L, L->line, "[deck] appears twice", NULL, NULL);
        if (L->section) return fail(L, L->line, "[deck] must be the first section", NULL, NULL);
        L->saw_deck = true;
        L->section = 1;
        return true;
    }
    if (strcmp(name, "entry") == 0) {
        if (!L->saw_deck) return fail(L, L->line, "the first section must be [deck], not [entry]", NULL, NULL);
        L->section = 2;
        return true;
    }
    return fail(L, L->line, "unknown section [%s] (expected [deck] or [entry])", name, NULL);
}

static char *reader(char *buf, int size, void *user) {
    deck_loader *L = user;
    if (!*L->cursor || L->err[0]) return NULL;
    const char *nl = strchr(L->cursor, '\n');
    size_t n = nl ? (size_t)(nl - L->cursor + 1) : strlen(L->cursor);
    if (n > (size_t)size - 1) n = (size_t)size - 1;
    memcpy(buf, L->cursor, n);
    buf[n] = 0;
    L->cursor += n;
    L->line++;
    L->continuation = buf[0] == ' ' || buf[0] == '\t';
    const char *p = buf;
    while (*p == ' ' || *p == '\t') p++;
    if (*p == '[') {
        const char *close = strchr(p, ']');
        if (close) {
            char name[64];
            snprintf(name, sizeof name, "%.*s", (int)(close - p - 1), p + 1);
            if (!begin_section(L, name)) return NULL;
        }
    }
    return buf;
}

static int handler(void *user, const char *section, const char *key, const char *value) {
    deck_loader *L = user;
    (void)section;   /* the reader tracks sections, including repeated ones */
    if (L->err[0]) return 0;
    if (L->section == 0) return fail(L, L->line, "'%s' is outside any section (start with [deck])", key, NULL);
    if (L->section == 1) {
        if (strcmp(key, "title") != 0) return fail(L, L->line, "unknown key '%s' in [deck] (expected title)", key, NULL);
        if (L->d->title[0]) return fail(L, L->line, "'title' is set twice in [deck]", NULL, NULL);
        if (!value[0]) return fail(L, L->line, "title is empty", NULL, NULL);
        snprintf(L->d->title, sizeof L->d->title, "%s", value);
        return 1;
    }
    if (strcmp(key, "scene") == 0) {
        if (L->scene[0]) return fail(L, L->line, "'scene' is set twice in [entry]", NULL, NULL);
        if (!value[0]) return fail(L, L->line, "scene is empty", NULL, NULL);
        if (strlen(value) >= sizeof L->scene) return fail(L, L->line, "scene path is too long", NULL, NULL);
        snprintf(L->scene, sizeof L->scene, "%s", value);
        L->scene_line = L->line;
    } else if (strcmp(key, "beats") == 0) {
        if (L->beats[0]) return fail(L, L->line, "'beats' is set twice in [entry]", NULL, NULL);
        snprintf(L->beats, sizeof L->beats, "%.63s", value[0] ? value : "?");
        L->beats_line = L->line;
    } else if (strcmp(key, "title") == 0) {
        if (L->title[0]) return fail(L, L->line, "'title' is set twice in [entry]", NULL, NULL);
        snprintf(L->title, sizeof L->title, "%s", value);
    } else if (strncmp(key, "note.", 5) == 0) {
        char *end;
        long b = strtol(key + 5, &end, 10);
        if (L->continuation && L->notes > 0 && L->note[L->notes - 1].beat == b) {
            /* an indented line continues the note: join with a space */
            char **t = &L->note[L->notes - 1].text;
            size_t n = strlen(*t);
            char *longer = realloc(*t, n + strlen(value) + 2);
            if (!longer) return fail(L, L->line, "out of memory", NULL, NULL);
            longer[n] = ' ';
            strcpy(longer + n + 1, value);
            *t = longer;
            return 1;
        }
        if (end == key + 5 || *end || b < 1 || b > DECK_MAX_BEATS)
            return fail(L, L->line, "'%s': a note is note.K with K a beat number from 1", key, NULL);
        if (L->notes == DECK_MAX_BEATS) return fail(L, L->line, "too many notes in one entry", NULL, NULL);
        L->note[L->notes].beat = (int)b;
        L->note[L->notes].line = L->line;
        L->note[L->notes].text = strdup(value);
        if (!L->note[L->notes++].text) return fail(L, L->line, "out of memory", NULL, NULL);
    } else {
        return fail(L, L->line, "unknown key '%s' in [entry] (expected scene, beats, title, note.K)", key, NULL);
    }
    return 1;
}

/* The deck's text: the file, or the text a take embedded for path (errors
 * then name the take and its line: scene.h, scene_sources_set). */
static char *read_file(const char *path, char *err, size_t errlen) {
    const scene_source *src = scene_source_find(path);
    const char *P = src ? src->shown : path;
    int line0 = src ? src->line0 : 0;
    char *buf = malloc(DECK_MAX_BYTES + 2);
    size_t n = 0;
    if (!buf) { snprintf(err, errlen, "%s: out of memory", P); return NULL; }
    if (src) {
        n = strlen(src->text);
        memcpy(buf, src->text, n > DECK_MAX_BYTES ? DECK_MAX_BYTES + 1 : n);
    } else {
        FILE *f = ts_in_open(path, err, errlen);   /* a regular file: a FIFO would block */
        if (!f) { free(buf); return NULL; }
        n = fread(buf, 1, DECK_MAX_BYTES + 1, f);
        bool bad = ferror(f);
        fclose(f);
        if (bad) { snprintf(err, errlen, "%s: cannot read (is it a directory?)", path); free(buf); return NULL; }
    }
    if (n > DECK_MAX_BYTES) { snprintf(err, errlen, "%s: larger than 1 MiB; not a deck", P); free(buf); return NULL; }
    buf[n] = 0;
    int line = 1, col = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)buf[i];
        if (c == 0 || (c < 32 && c != '\n' && c != '\r' && c != '\t')) {
            snprintf(err, errlen, "%s:%d: binary data (byte 0x%02x); not a deck", P, line0 + line, c);
            free(buf); return NULL;
        }
        if (c == '\n') { line++; col = 0; continue; }
        if (++col > DECK_MAX_LINE) {
            snprintf(err, errlen, "%s:%d: line is longer than %d characters", P, line0 + line, DECK_MAX_LINE);
            free(buf); return NULL;
        }
    }
    return buf;
}

bool deck_is_path(const char *arg) {
    size_t n = strlen(arg);
    return n > 5 && strcmp(arg + n - 5, ".deck") == 0;
}

static deck *deck_load(const char *path, bool peek, char *err, size_t errlen) {
    char *text = read_file(path, err, errlen);
    if (!text) return NULL;
    deck_loader *L = calloc(1, sizeof *L);
    deck *d = calloc(1, sizeof *d);
    if (!L || !d) { free(L); free(d); free(text); snprintf(err, errlen, "%s: out of memory", path); return NULL; }
    L->path = path; L->cursor = text; L->d = d; L->peek = peek;
    const char *slash = strrchr(path, '/');
    size_t dn = slash ? (size_t)(slash - path) : 1;
    L->dir = malloc(dn + 1);
    if (!L->dir || strlen(path) >= sizeof d->path) {
        char sh[128];
        snprintf(err, errlen, "%s: %s", ts_path_shown(path, sh, sizeof sh),
                 L->dir ? "the deck's path is longer than 511 bytes: move it to a shorter folder" : "out of memory");
        free(L->dir); free(L); free(d); free(text);
        return NULL;
    }
    snprintf(L->dir, dn + 1, "%s", slash ? path : ".");
    snprintf(d->path, sizeof d->path, "%s", path);

    int rc = ini_parse_stream(reader, L, handler, L);
    if (!L->err[0] && rc > 0) fail(L, rc, "syntax error (expected [section] or key = value)", NULL, NULL);
    if (!L->err[0] && L->section == 2) finish_entry(L);
    if (!L->err[0] && !L->saw_deck) fail(L, 1, "missing [deck] section (a deck starts with [deck])", NULL, NULL);
    if (!L->err[0] && d->n == 0) fail(L, L->line > 0 ? L->line : 1, "the deck has no [entry]", NULL, NULL);
    bool ok = !L->err[0];
    if (!ok) {
        char sh[128];
        const scene_source *src = scene_source_find(path);
        snprintf(err, errlen, "%s:%d: %s", ts_path_shown(src ? src->shown : path, sh, sizeof sh),
                 (src ? src->line0 : 0) + L->err_line, L->err);
        for (char *p = err; *p; p++)   /* one line: a key or value may hold a stray CR */
            if ((unsigned char)*p < 32 || *p == 127) *p = ' ';
    }
    clear_entry(L);
    free(L->dir);
    free(L);
    free(text);
    if (!ok) { deck_close(d); return NULL; }
    if (!d->title[0]) snprintf(d->title, sizeof d->title, "%s", d->e[0].title);
    return d;
}

deck *deck_open(const char *path, char *err, size_t errlen) { return deck_load(path, false, err, errlen); }

deck *deck_peek(const char *path, char *err, size_t errlen) { return deck_load(path, true, err, errlen); }

deck *deck_of_scene(scene *s) {
    deck *d = calloc(1, sizeof *d);
    if (!d) { scene_close(s); return NULL; }
    snprintf(d->path, sizeof d->path, "%s", s->source);
    snprintf(d->title, sizeof d->title, "%s", s->title);
    d->n = 1;
    d->e[0] = (deck_entry){.s = s, .kind = s->kind, .owns = true, .first = 0, .last = s->kind->beat_count - 1};
    snprintf(d->e[0].title, sizeof d->e[0].title, "%s", s->title);
    return d;
}

deck *deck_open_any(const char *arg, char *err, size_t errlen) {
    if (deck_is_path(arg)) return deck_open(arg, err, errlen);
    scene *s = scene_open(arg, err, errlen);
    if (!s) return NULL;
    deck *d = deck_of_scene(s);
    if (!d) snprintf(err, errlen, "out of memory");
    return d;
}

void deck_close(deck *d) {
    if (!d) return;
    for (int i = 0; i < d->n; i++) {
        for (int b = 0; b < DECK_MAX_BEATS; b++) free(d->e[i].note[b]);
        if (d->e[i].owns) scene_close(d->e[i].s);
    }
    free(d);
}

/* ---- time over the whole deck -------------------------------------------- */

double deck_entry_duration(const deck *d, int i) {
    const deck_entry *e = &d->e[i];
    return scene_beat_start(e->kind, e->last + 1) - scene_beat_start(e->kind, e->first);
}

double deck_duration(const deck *d) {
    double t = 0;
    for (int i = 0; i < d->n; i++) t += deck_entry_duration(d, i);
    return t;
}

int deck_seek(deck *d, double t) {
    int i = 0;
    for (; i < d->n - 1; i++) {
        double dur = deck_entry_duration(d, i);
        if (t < dur) break;
        t -= dur;
    }
    deck_entry *e = &d->e[i];
    const scene_kind *k = e->s->kind;
    double end = deck_entry_duration(d, i);
    if (t < 0) t = 0;
    if (t >= end) e->s->clock = scene_clock_beat(k, e->last, 1e9);   /* the settled end */
    else e->s->clock = scene_clock_at(k, scene_beat_start(k, e->first) + t);
    return i;
}

/* ---- slides ----------------------------------------------------------------- */

int deck_slide_count(const deck *d) {
    int n = 0;
    for (int i = 0; i < d->n; i++) n += d->e[i].last - d->e[i].first + 1;
    return n;
}

int deck_slide_of(const deck *d, int entry, int beat) {
    int n = 0;
    for (int i = 0; i < entry && i < d->n; i++) n += d->e[i].last - d->e[i].first + 1;
    return n + beat - d->e[entry].first;
}

bool deck_slide_at(const deck *d, int slide, int *entry, int *beat) {
    for (int i = 0; i < d->n && slide >= 0; i++) {
        int n = d->e[i].last - d->e[i].first + 1;
        if (slide < n) { *entry = i; *beat = d->e[i].first + slide; return true; }
        slide -= n;
    }
    return false;
}
