/* dump.c: the JSON tensor dump of dump.h, written by hand, read with cJSON.
 *
 * Ownership. A dump made with ts_dump_new owns a private arena that holds the
 * copies of its tensors and params; ts_dump_free returns it. A dump made by
 * ts_dump_read/ts_dump_parse lives entirely in the caller's arena (the dump
 * itself, its strings and tensors), so resetting that arena ends it and
 * ts_dump_free on it does nothing.
 *
 * Writing. Floats are printed with the fewest digits (6 to 9, "%.9g" always
 * suffices) that read back as the same float, so rounded weights stay short
 * in a file; params (doubles) as "%.17g". JSON has no NaN or infinity, so a
 * dump holding a non-finite value is refused (ts_dump_write says which tensor
 * and element; ts_dump_to_string returns NULL).
 *
 * Reading validates the whole document before allocating anything: on error
 * the arena is untouched and err holds "FILE: what is wrong".
 */
#include "dump.h"
#include "fileio.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DUMP_MAX_FILE ((size_t)1 << 30)   /* refuse files over 1 GiB */

typedef struct dump_param {
    char  *name;
    double num;
    char  *str;      /* NULL for a number */
} dump_param;

struct ts_dump {
    ts_arena   own;        /* storage of a dump made with ts_dump_new */
    ts_arena  *mem;        /* where everything of this dump is allocated */
    bool       self_owned; /* malloc'd by ts_dump_new */
    char      *scene;
    int        beat;
    dump_param *params;
    int        nparams, cap_params;
    ts_tensor **tensors;
    int        ntensors, cap_tensors;
};

static char *arena_strdup(ts_arena *a, const char *s) {
    size_t n = strlen(s);
    char *p = ts_arena_alloc(a, n + 1);
    memcpy(p, s, n);
    return p;
}

/* Grows an arena-held array of elem-sized items to at least need items. */
static void *arena_grow(ts_arena *a, void *old, int *cap, int need, size_t elem) {
    if (need <= *cap) return old;
    int ncap = *cap ? *cap * 2 : 8;
    while (ncap < need) ncap *= 2;
    void *p = ts_arena_alloc(a, (size_t)ncap * elem);
    if (old) memcpy(p, old, (size_t)*cap * elem);
    *cap = ncap;
    return p;
}

/* ---- building ----------------------------------------------------------- */

ts_dump *ts_dump_new(const char *scene, int beat) {
    ts_dump *d = calloc(1, sizeof *d);
    if (!d) ts_fatal(__FILE__, __LINE__, "dump: out of memory");
    d->mem = &d->own;
    d->self_owned = true;
    d->own.block_size = 64 * 1024;
    d->scene = arena_strdup(d->mem, scene ? scene : "");
    d->beat = beat;
    return d;
}

ts_dump *ts_dump_new_in(ts_arena *a, const char *scene, int beat) {
    ts_dump *d = ts_arena_alloc(a, sizeof *d);
    d->mem = a;
    d->self_owned = false;
    d->scene = arena_strdup(a, scene ? scene : "");
    d->beat = beat;
    return d;
}

void ts_dump_free(ts_dump *d) {
    if (!d || !d->self_owned) return;
    ts_arena_free(&d->own);
    free(d);
}

static dump_param *param_slot(ts_dump *d, const char *name) {
    for (int i = 0; i < d->nparams; i++)
        if (strcmp(d->params[i].name, name) == 0) return &d->params[i];
    d->params = arena_grow(d->mem, d->params, &d->cap_params, d->nparams + 1, sizeof *d->params);
    dump_param *p = &d->params[d->nparams++];
    p->name = arena_strdup(d->mem, name);
    p->num = 0;
    p->str = NULL;
    return p;
}

void ts_dump_param(ts_dump *d, const char *name, double value) {
    dump_param *p = param_slot(d, name);
    p->num = value;
    p->str = NULL;
}

void ts_dump_param_str(ts_dump *d, const char *name, const char *value) {
    dump_param *p = param_slot(d, name);
    p->num = 0;
    p->str = arena_strdup(d->mem, value ? value : "");
}

ts_tensor *ts_dump_add_tensor(ts_dump *d, const char *name, int ndim, const int *shape) {
    /* A second tensor with the same name replaces the first. */
    ts_tensor *c = ts_tensor_new(d->mem, name, ndim, shape);
    for (int i = 0; i < d->ntensors; i++)
        if (strcmp(d->tensors[i]->name, c->name) == 0) { d->tensors[i] = c; return c; }
    d->tensors = arena_grow(d->mem, d->tensors, &d->cap_tensors, d->ntensors + 1, sizeof *d->tensors);
    d->tensors[d->ntensors++] = c;
    return c;
}

void ts_dump_tensor(ts_dump *d, const ts_tensor *t) {
    ts_tensor *c = ts_dump_add_tensor(d, t->name, t->ndim, t->shape);
    memcpy(c->data, t->data, ts_numel(t) * sizeof(float));
}

/* ---- writing --------------------------------------------------------------- */

typedef struct strbuf { char *s; size_t len, cap; } strbuf;

static void sb_reserve(strbuf *b, size_t extra) {
    if (b->len + extra + 1 <= b->cap) return;
    size_t ncap = b->cap ? b->cap : 4096;
    while (ncap < b->len + extra + 1) ncap *= 2;
    char *p = realloc(b->s, ncap);
    if (!p) ts_fatal(__FILE__, __LINE__, "dump: out of memory (%zu bytes)", ncap);
    b->s = p;
    b->cap = ncap;
}

static void sb_printf(strbuf *b, const char *fmt, ...) {
    va_list ap;
    char tmp[64];
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    TS_CHECK(n >= 0 && (size_t)n < sizeof tmp);
    sb_reserve(b, (size_t)n);
    memcpy(b->s + b->len, tmp, (size_t)n + 1);
    b->len += (size_t)n;
}

static void sb_puts(strbuf *b, const char *s) {
    size_t n = strlen(s);
    sb_reserve(b, n);
    memcpy(b->s + b->len, s, n + 1);
    b->len += n;
}

/* v in the fewest significant digits (6..9) that read back as v. */
static void sb_float(strbuf *b, float v) {
    char tmp[32];
    int prec = 6;
    for (;; prec++) {
        snprintf(tmp, sizeof tmp, "%.*g", prec, (double)v);
        if (prec == 9 || (float)strtod(tmp, NULL) == v) break;
    }
    sb_puts(b, tmp);
}

/* A JSON string literal: quotes, backslashes and control bytes escaped,
 * other bytes (UTF-8) passed through. */
static void sb_json_string(strbuf *b, const char *s) {
    sb_puts(b, "\"");
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\') { char e[3] = {'\\', (char)*p, 0}; sb_puts(b, e); }
        else if (*p < 0x20) sb_printf(b, "\\u%04x", *p);
        else { char c[2] = {(char)*p, 0}; sb_puts(b, c); }
    }
    sb_puts(b, "\"");
}

/* Finds the first non-finite value; returns false and says where. */
static bool dump_all_finite(const ts_dump *d, char *err, size_t errlen) {
    for (int i = 0; i < d->nparams; i++)
        if (!d->params[i].str && !isfinite(d->params[i].num)) {
            snprintf(err, errlen, "param '%s' is not finite (JSON cannot hold it)", d->params[i].name);
            return false;
        }
    for (int i = 0; i < d->ntensors; i++) {
        const ts_tensor *t = d->tensors[i];
        size_t n = ts_numel(t);
        for (size_t k = 0; k < n; k++)
            if (!isfinite(t->data[k])) {
                snprintf(err, errlen, "tensor '%s' holds a non-finite value at [%zu] (JSON cannot hold it)",
                         t->name, k);
                return false;
            }
    }
    return true;
}

char *ts_dump_to_string(const ts_dump *d) {
    char err[8];
    if (!dump_all_finite(d, err, sizeof err)) return NULL;
    strbuf b = {0};
    sb_puts(&b, "{\"scene\":");
    sb_json_string(&b, d->scene);
    sb_printf(&b, ",\"beat\":%d,\"params\":{", d->beat);
    for (int i = 0; i < d->nparams; i++) {
        if (i) sb_puts(&b, ",");
        sb_json_string(&b, d->params[i].name);
        sb_puts(&b, ":");
        if (d->params[i].str) sb_json_string(&b, d->params[i].str);
        else sb_printf(&b, "%.17g", d->params[i].num);
    }
    sb_puts(&b, "},\"tensors\":{");
    for (int i = 0; i < d->ntensors; i++) {
        const ts_tensor *t = d->tensors[i];
        if (i) sb_puts(&b, ",");
        sb_puts(&b, "\n");
        sb_json_string(&b, t->name);
        sb_puts(&b, ":{\"shape\":[");
        for (int k = 0; k < t->ndim; k++) sb_printf(&b, k ? ",%d" : "%d", t->shape[k]);
        sb_puts(&b, "],\"data\":[");
        size_t n = ts_numel(t);
        for (size_t k = 0; k < n; k++) {
            if (k) sb_puts(&b, ",");
            sb_float(&b, t->data[k]);
        }
        sb_puts(&b, "]}");
    }
    sb_puts(&b, "}}\n");
    return b.s;
}

int ts_dump_write(const ts_dump *d, const char *path, char *err, size_t errlen) {
    char why[160];
    if (!dump_all_finite(d, why, sizeof why)) {
        snprintf(err, errlen, "%s: %s", path, why);
        return 1;
    }
    char *s = ts_dump_to_string(d);
    char tmp[TS_PATH_MAX];
    FILE *f = ts_out_open(path, tmp, sizeof tmp, err, errlen);
    if (!f) { free(s); return 1; }
    size_t n = strlen(s);
    fwrite(s, 1, n, f);
    free(s);
    /* written beside path and renamed when complete: never a partial file */
    return ts_out_close_commit(f, tmp, path, err, errlen) ? 0 : 1;
}

/* ---- reading ------------------------------------------------------------------ */

typedef struct parse_ctx {
    const char *where;   /* file name for messages */
    char *err;
    size_t errlen;
} parse_ctx;

static bool fail(parse_ctx *c, const char *fmt, ...) {
    char msg[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (c->err && c->errlen) snprintf(c->err, c->errlen, "%s: %s", c->where, msg);
    return false;
}

/* An integer-valued JSON number in [lo, hi]. */
static bool json_int(const cJSON *j, double lo, double hi, int *out) {
    if (!cJSON_IsNumber(j)) return false;
    double v = j->valuedouble;
    if (!(v >= lo && v <= hi) || v != floor(v)) return false;
    *out = (int)v;
    return true;
}

/* Checks one tensor entry; on success fills ndim, shape and numel. */
static bool check_tensor(parse_ctx *c, const cJSON *t, int *ndim, int shape[TS_MAX_DIMS], int *numel) {
    const char *name = t->string;
    if (strlen(name) >= TS_NAME_MAX)
        return fail(c, "tensor name '%.20s...' is longer than %d bytes", name, TS_NAME_MAX - 1);
    if (!cJSON_IsObject(t)) return fail(c, "tensor '%s' is not an object", name);
    const cJSON *js = cJSON_GetObjectItemCaseSensitive(t, "shape");
    const cJSON *jd = cJSON_GetObjectItemCaseSensitive(t, "data");
    if (!js) return fail(c, "tensor '%s' has no \"shape\"", name);
    if (!jd) return fail(c, "tensor '%s' has no \"data\"", name);
    if (!cJSON_IsArray(js)) return fail(c, "tensor '%s': \"shape\" is not an array", name);
    if (!cJSON_IsArray(jd)) return fail(c, "tensor '%s': \"data\" is not an array", name);
    int nd = cJSON_GetArraySize(js);
    if (nd > TS_MAX_DIMS) return fail(c, "tensor '%s' has %d dims (at most %d)", name, nd, TS_MAX_DIMS);
    int len = cJSON_GetArraySize(jd);
    /* Product of at most 4 dims below 2^31: in double it cannot overflow
     * and is exact whenever it could equal an array length. */
    double prod = 1;
    int k = 0;
    const cJSON *e;
    cJSON_ArrayForEach(e, js) {
        if (!json_int(e, 0, 2147483647.0, &shape[k]))
            return fail(c, "tensor '%s': shape[%d] is not a non-negative integer", name, k);
        prod *= shape[k];
        k++;
    }
    if (prod != (double)len)
        return fail(c, "tensor '%s': shape holds %.0f elements but data has %d", name, prod, len);
    /* Doubles below FLT_MAX + half an ulp (2^103) round to a finite float. */
    const double limit = (double)FLT_MAX + ldexp(1.0, 103);
    k = 0;
    cJSON_ArrayForEach(e, jd) {
        if (!cJSON_IsNumber(e)) return fail(c, "tensor '%s': data[%d] is not a number", name, k);
        double v = e->valuedouble;
        if (!(fabs(v) < limit))
            return fail(c, "tensor '%s': data[%d] = %g does not fit in a float", name, k, v);
        k++;
    }
    *ndim = nd;
    *numel = len;
    return true;
}

/* Checks the whole document; false with a message on the first problem. */
static bool dump_validate(parse_ctx *c, const cJSON *root) {
    if (!cJSON_IsObject(root)) return fail(c, "top level is not a JSON object");
    const cJSON *js = cJSON_GetObjectItemCaseSensitive(root, "scene");
    const cJSON *jb = cJSON_GetObjectItemCaseSensitive(root, "beat");
    const cJSON *jp = cJSON_GetObjectItemCaseSensitive(root, "params");
    const cJSON *jt = cJSON_GetObjectItemCaseSensitive(root, "tensors");
    int beat;
    if (!js) return fail(c, "missing key \"scene\"");
    if (!cJSON_IsString(js)) return fail(c, "\"scene\" is not a string");
    if (!jb) return fail(c, "missing key \"beat\"");
    if (!json_int(jb, -2147483648.0, 2147483647.0, &beat)) return fail(c, "\"beat\" is not an integer");
    if (jp && !cJSON_IsObject(jp)) return fail(c, "\"params\" is not an object");
    if (!jt) return fail(c, "missing key \"tensors\"");
    if (!cJSON_IsObject(jt)) return fail(c, "\"tensors\" is not an object");
    const cJSON *e;
    cJSON_ArrayForEach(e, jp) {
        if (cJSON_IsNumber(e)) {
            if (!isfinite(e->valuedouble)) return fail(c, "param '%s' is not finite", e->string);
        } else if (!cJSON_IsString(e)) {
            return fail(c, "param '%s' is neither a number nor a string", e->string);
        }
    }
    cJSON_ArrayForEach(e, jt) {
        int nd, shape[TS_MAX_DIMS], numel;
        if (!check_tensor(c, e, &nd, shape, &numel)) return false;
    }
    return true;
}

/* Builds a dump in arena a from a document dump_validate accepted. */
static ts_dump *dump_build(parse_ctx *c, const cJSON *root, ts_arena *a) {
    const cJSON *js = cJSON_GetObjectItemCaseSensitive(root, "scene");
    const cJSON *jp = cJSON_GetObjectItemCaseSensitive(root, "params");
    const cJSON *jt = cJSON_GetObjectItemCaseSensitive(root, "tensors");
    const cJSON *e;
    int np = cJSON_GetArraySize(jp), nt = cJSON_GetArraySize(jt);
    ts_dump *d = ts_arena_alloc(a, sizeof *d);
    d->mem = a;
    d->self_owned = false;
    d->scene = arena_strdup(a, js->valuestring);
    d->beat = (int)cJSON_GetObjectItemCaseSensitive(root, "beat")->valuedouble;
    d->cap_params = np;
    d->params = ts_arena_alloc(a, (size_t)np * sizeof *d->params);
    cJSON_ArrayForEach(e, jp) {
        dump_param *p = &d->params[d->nparams++];
        p->name = arena_strdup(a, e->string);
        if (cJSON_IsString(e)) p->str = arena_strdup(a, e->valuestring);
        else p->num = e->valuedouble;
    }
    d->cap_tensors = nt;
    d->tensors = ts_arena_alloc(a, (size_t)nt * sizeof *d->tensors);
    cJSON_ArrayForEach(e, jt) {
        int nd, shape[TS_MAX_DIMS], numel;
        check_tensor(c, e, &nd, shape, &numel);
        ts_tensor *t = ts_tensor_new(a, e->string, nd, shape);
        const cJSON *v;
        int k = 0;
        cJSON_ArrayForEach(v, cJSON_GetObjectItemCaseSensitive(e, "data")) t->data[k++] = (float)v->valuedouble;
        d->tensors[d->ntensors++] = t;
    }
    return d;
}

/* buf holds len bytes followed by a NUL. */
static ts_dump *parse_buffer(const char *where, const char *buf, size_t len, ts_arena *a,
                             char *err, size_t errlen) {
    parse_ctx c = {where, err, errlen};
    if (len == 0) { fail(&c, "empty input"); return NULL; }
    const char *nul = memchr(buf, 0, len);
    if (nul) { fail(&c, "NUL byte at byte %zu (not a text file)", (size_t)(nul - buf)); return NULL; }
    /* buf[len] is the terminating NUL; cJSON wants it inside the length to
     * accept the end of the document (require_null_terminated). */
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithLengthOpts(buf, len + 1, &end, 1);
    if (!root) {
        size_t off = end && end >= buf && end <= buf + len ? (size_t)(end - buf) : 0;
        int line = 1;
        for (size_t i = 0; i < off; i++) line += buf[i] == '\n';
        if (off >= len) fail(&c, "invalid JSON: truncated (ends at byte %zu)", len);
        else fail(&c, "invalid JSON at line %d (byte %zu)", line, off);
        return NULL;
    }
    /* Nothing is allocated unless the whole document is valid. */
    ts_dump *d = dump_validate(&c, root) ? dump_build(&c, root, a) : NULL;
    cJSON_Delete(root);
    return d;
}

ts_dump *ts_dump_parse(const char *json, ts_arena *a, char *err, size_t errlen) {
    if (!json) json = "";
    return parse_buffer("<string>", json, strlen(json), a, err, errlen);
}

ts_dump *ts_dump_read(const char *path, ts_arena *a, char *err, size_t errlen) {
    parse_ctx c = {path, err, errlen};
    char why[TS_PATH_MAX + 200];
    FILE *f = ts_in_open(path, why, sizeof why);
    if (!f) { snprintf(err, errlen, "%s", why); return NULL; }
    strbuf b = {0};
    for (;;) {
        sb_reserve(&b, 65536);
        size_t got = fread(b.s + b.len, 1, b.cap - b.len - 1, f);
        b.len += got;
        if (got == 0) break;
        if (b.len > DUMP_MAX_FILE) {
            fclose(f);
            free(b.s);
            fail(&c, "file is larger than %zu bytes", DUMP_MAX_FILE);
            return NULL;
        }
    }
    bool bad = ferror(f);
    int saved = errno;
    fclose(f);
    if (bad) { free(b.s); fail(&c, "read failed: %s", strerror(saved)); return NULL; }
    b.s[b.len] = 0;
    ts_dump *d = parse_buffer(path, b.s, b.len, a, err, errlen);
    free(b.s);
    return d;
}

/* ---- queries -------------------------------------------------------------------- */

const char *ts_dump_scene(const ts_dump *d) { return d->scene; }
int ts_dump_beat(const ts_dump *d) { return d->beat; }
int ts_dump_tensor_count(const ts_dump *d) { return d->ntensors; }

const ts_tensor *ts_dump_tensor_at(const ts_dump *d, int i) {
    TS_CHECK(i >= 0 && i < d->ntensors);
    return d->tensors[i];
}

const ts_tensor *ts_dump_find(const ts_dump *d, const char *name) {
    for (int i = 0; i < d->ntensors; i++)
        if (strcmp(d->tensors[i]->name, name) == 0) return d->tensors[i];
    return NULL;
}

bool ts_dump_get_param(const ts_dump *d, const char *name, double *out) {
    for (int i = 0; i < d->nparams; i++)
        if (!d->params[i].str && strcmp(d->params[i].name, name) == 0) {
            if (out) *out = d->params[i].num;
            return true;
        }
    return false;
}

int ts_dump_param_count(const ts_dump *d) { return d->nparams; }

const char *ts_dump_param_at(const ts_dump *d, int i, double *num, const char **str) {
    TS_CHECK(i >= 0 && i < d->nparams);
    if (num) *num = d->params[i].num;
    if (str) *str = d->params[i].str;
    return d->params[i].name;
}

const char *ts_dump_get_param_str(const ts_dump *d, const char *name) {
    for (int i = 0; i < d->nparams; i++)
        if (d->params[i].str && strcmp(d->params[i].name, name) == 0) return d->params[i].str;
    return NULL;
}
