/* safetensors.c: the safetensors reader and writer of safetensors.h.
 *
 * Values are moved byte by byte as little-endian u32 (st_get_f32/st_put_f32),
 * so the files are the same on any host. A file is read whole into one
 * buffer (weights are small: the largest asset is under 2 MB), checked entry
 * by entry, and only then copied into tensors of the caller's arena.
 */
#include "safetensors.h"
#include "fileio.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ST_MAX_HEADER ((uint64_t)100 * 1000 * 1000)   /* as the reference reader */
#define ST_MAX_FILE   ((uint64_t)1 << 30)

static void st_put_f32(unsigned char *p, float v) {
    uint32_t u;
    memcpy(&u, &v, 4);
    p[0] = (unsigned char)u; p[1] = (unsigned char)(u >> 8);
    p[2] = (unsigned char)(u >> 16); p[3] = (unsigned char)(u >> 24);
}

static float st_get_f32(const unsigned char *p) {
    uint32_t u = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
    float v;
    memcpy(&v, &u, 4);
    return v;
}

/* ---- writing ------------------------------------------------------------- */

/* The header JSON (unpadded, malloc'd) for d's tensors laid out back to back. */
static char *st_header(const ts_dump *d) {
    cJSON *root = cJSON_CreateObject(), *meta = cJSON_CreateObject();
    const char *scene = ts_dump_scene(d);
    bool scene_param = ts_dump_get_param_str(d, "scene") || ts_dump_get_param(d, "scene", NULL);
    if (scene[0] && !scene_param) cJSON_AddStringToObject(meta, "scene", scene);
    for (int i = 0; i < ts_dump_param_count(d); i++) {
        double num;
        const char *str, *name = ts_dump_param_at(d, i, &num, &str);
        char buf[40];
        if (!str) { snprintf(buf, sizeof buf, "%.17g", num); str = buf; }
        cJSON_AddStringToObject(meta, name, str);
    }
    if (cJSON_GetArraySize(meta) > 0) cJSON_AddItemToObject(root, "__metadata__", meta);
    else cJSON_Delete(meta);
    size_t off = 0;
    for (int i = 0; i < ts_dump_tensor_count(d); i++) {
        const ts_tensor *t = ts_dump_tensor_at(d, i);
        size_t bytes = ts_numel(t) * 4;
        cJSON *e = cJSON_AddObjectToObject(root, t->name);
        cJSON_AddStringToObject(e, "dtype", "F32");
        cJSON_AddItemToObject(e, "shape", cJSON_CreateIntArray(t->shape, t->ndim));
        cJSON *o = cJSON_AddArrayToObject(e, "data_offsets");
        cJSON_AddItemToArray(o, cJSON_CreateNumber((double)off));
        cJSON_AddItemToArray(o, cJSON_CreateNumber((double)(off + bytes)));
        off += bytes;
    }
    char *s = cJSON_PrintUnformatted(root);
    cJSON_Delete(root);
    if (!s) ts_fatal(__FILE__, __LINE__, "safetensors: out of memory");
    return s;
}

int ts_st_write(const ts_dump *d, const char *path, char *err, size_t errlen) {
    for (int i = 0; i < ts_dump_tensor_count(d); i++) {
        const ts_tensor *t = ts_dump_tensor_at(d, i);
        for (size_t k = 0; k < ts_numel(t); k++)
            if (!isfinite(t->data[k])) {
                snprintf(err, errlen, "%s: tensor '%s' holds a non-finite value at [%zu]", path, t->name, k);
                return 1;
            }
    }
    char *json = st_header(d);
    size_t n = strlen(json), padded = (8 + n + 7) / 8 * 8 - 8;   /* data starts 8-aligned */
    char tmp[TS_PATH_MAX];
    FILE *f = ts_out_open(path, tmp, sizeof tmp, err, errlen);
    if (!f) { free(json); return 1; }
    unsigned char len8[8];
    for (int i = 0; i < 8; i++) len8[i] = (unsigned char)((uint64_t)padded >> (8 * i));
    fwrite(len8, 1, 8, f);
    fwrite(json, 1, n, f);
    for (size_t i = n; i < padded; i++) fputc(' ', f);
    free(json);
    unsigned char buf[4096];
    for (int i = 0; i < ts_dump_tensor_count(d); i++) {
        const ts_tensor *t = ts_dump_tensor_at(d, i);
        size_t total = ts_numel(t), k = 0;
        while (k < total) {
            size_t m = 0;
            for (; m < sizeof buf / 4 && k < total; m++, k++) st_put_f32(buf + 4 * m, t->data[k]);
            fwrite(buf, 4, m, f);
        }
    }
    /* written beside path and renamed when complete: never a partial file */
    return ts_out_close_commit(f, tmp, path, err, errlen) ? 0 : 1;
}

/* ---- reading ------------------------------------------------------------- */

typedef struct st_entry {
    const char *name;
    const cJSON *json;
    int ndim, shape[TS_MAX_DIMS];
    uint64_t begin, end;
} st_entry;

typedef struct st_ctx {
    const char *where;
    char *err;
    size_t errlen;
} st_ctx;

static bool st_fail(st_ctx *c, const char *fmt, ...) {
    char msg[240];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    /* one line: a name or dtype in the header may hold control characters */
    for (char *p = msg; *p; p++)
        if ((unsigned char)*p < 32 || *p == 127) *p = ' ';
    if (c->err && c->errlen) snprintf(c->err, c->errlen, "%s: %s", c->where, msg);
    return false;
}

/* A JSON number that is an integer in [0, hi]. */
static bool st_uint(const cJSON *j, double hi, uint64_t *out) {
    if (!cJSON_IsNumber(j)) return false;
    double v = j->valuedouble;
    if (!(v >= 0 && v <= hi) || v != floor(v)) return false;
    *out = (uint64_t)v;
    return true;
}

static const char *const st_other_dtypes[] = {
    "F64", "F16", "BF16", "F8_E4M3", "F8_E5M2", "I64", "I32", "I16", "I8", "U64", "U32", "U16", "U8", "BOOL"};

/* Checks one tensor entry against the data's length dlen. */
static bool st_check_entry(st_ctx *c, const cJSON *j, uint64_t dlen, st_entry *e) {
    const char *name = j->string;
    e->name = name;
    e->json = j;
    if (!name[0]) return st_fail(c, "a tensor has an empty name");
    if (strlen(name) >= TS_NAME_MAX)
        return st_fail(c, "tensor name '%.20s...' is longer than %d bytes", name, TS_NAME_MAX - 1);
    if (!cJSON_IsObject(j)) return st_fail(c, "tensor '%s' is not an object", name);
    const cJSON *jt = cJSON_GetObjectItemCaseSensitive(j, "dtype");
    const cJSON *js = cJSON_GetObjectItemCaseSensitive(j, "shape");
    const cJSON *jo = cJSON_GetObjectItemCaseSensitive(j, "data_offsets");
    if (!cJSON_IsString(jt)) return st_fail(c, "tensor '%s' has no \"dtype\" string", name);
    if (strcmp(jt->valuestring, "F32") != 0) {
        for (size_t i = 0; i < sizeof st_other_dtypes / sizeof *st_other_dtypes; i++)
            if (strcmp(jt->valuestring, st_other_dtypes[i]) == 0)
                return st_fail(c, "tensor '%s' has dtype %s; only F32 is read", name, jt->valuestring);
        return st_fail(c, "tensor '%s' has an unknown dtype '%.20s'", name, jt->valuestring);
    }
    if (!cJSON_IsArray(js)) return st_fail(c, "tensor '%s' has no \"shape\" array", name);
    e->ndim = cJSON_GetArraySize(js);
    if (e->ndim > TS_MAX_DIMS)
        return st_fail(c, "tensor '%s' has %d dims (at most %d)", name, e->ndim, TS_MAX_DIMS);
    double numel = 1;   /* at most 4 factors below 2^31: exact where it matters */
    int k = 0;
    const cJSON *v;
    cJSON_ArrayForEach(v, js) {
        uint64_t d;
        if (!st_uint(v, 2147483647.0, &d))
            return st_fail(c, "tensor '%s': shape[%d] is not a non-negative integer", name, k);
        e->shape[k++] = (int)d;
        numel *= (double)d;
    }
    if (!cJSON_IsArray(jo) || cJSON_GetArraySize(jo) != 2 ||
        !st_uint(cJSON_GetArrayItem(jo, 0), 9007199254740992.0, &e->begin) ||
        !st_uint(cJSON_GetArrayItem(jo, 1), 9007199254740992.0, &e->end))
        return st_fail(c, "tensor '%s': \"data_offsets\" is not two non-negative integers", name);
    if (e->begin > e->end)
        return st_fail(c, "tensor '%s': data_offsets [%llu, %llu] run backwards", name,
                       (unsigned long long)e->begin, (unsigned long long)e->end);
    if (e->end > dlen)
        return st_fail(c, "truncated: tensor '%s' ends at data byte %llu, but the data has %llu bytes", name,
                       (unsigned long long)e->end, (unsigned long long)dlen);
    if (numel * 4 != (double)(e->end - e->begin))
        return st_fail(c, "tensor '%s': shape holds %.0f floats (%.0f bytes) but data_offsets span %llu bytes",
                       name, numel, numel * 4, (unsigned long long)(e->end - e->begin));
    return true;
}

static int st_by_name(const void *a, const void *b) {
    return strcmp(((const st_entry *)a)->name, ((const st_entry *)b)->name);
}

static int st_by_offset(const void *a, const void *b) {
    const st_entry *x = a, *y = b;
    if (x->begin != y->begin) return x->begin < y->begin ? -1 : 1;
    if (x->end != y->end) return x->end < y->end ? -1 : 1;
    return 0;
}

/* Names unique; tensors tile the data exactly (no overlap, no gap, no tail). */
static bool st_check_layout(st_ctx *c, st_entry *e, int n, uint64_t dlen) {
    qsort(e, (size_t)n, sizeof *e, st_by_name);
    for (int i = 1; i < n; i++)
        if (strcmp(e[i].name, e[i - 1].name) == 0) return st_fail(c, "tensor '%s' appears twice", e[i].name);
    qsort(e, (size_t)n, sizeof *e, st_by_offset);
    uint64_t at = 0;
    for (int i = 0; i < n; i++) {
        if (e[i].begin < at)
            return st_fail(c, "tensors '%s' and '%s' overlap", e[i - 1].name, e[i].name);
        if (e[i].begin > at)
            return st_fail(c, "data bytes %llu..%llu belong to no tensor", (unsigned long long)at,
                           (unsigned long long)e[i].begin);
        at = e[i].end;
    }
    if (at != dlen)
        return st_fail(c, "%llu bytes after the last tensor's data", (unsigned long long)(dlen - at));
    return true;
}

/* A metadata value that is a plain decimal number, read as one. */
static bool st_number(const char *s, double *out) {
    if (!s[0] || strspn(s, "0123456789+-.eE") != strlen(s)) return false;
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (*end || errno || !isfinite(v)) return false;
    *out = v;
    return true;
}

/* Validates root (the header) against the data; on success builds the dump. */
static ts_dump *st_build(st_ctx *c, const cJSON *root, const unsigned char *data, uint64_t dlen,
                         ts_arena *a) {
    if (!cJSON_IsObject(root)) { st_fail(c, "header is not a JSON object"); return NULL; }
    int n = cJSON_GetArraySize(root), nt = 0;
    st_entry *e = malloc((size_t)(n ? n : 1) * sizeof *e);
    if (!e) ts_fatal(__FILE__, __LINE__, "safetensors: out of memory");
    const cJSON *meta = NULL, *j;
    bool ok = true;
    cJSON_ArrayForEach(j, root) {
        if (strcmp(j->string, "__metadata__") == 0) {
            if (meta) { ok = st_fail(c, "\"__metadata__\" appears twice"); break; }
            if (!cJSON_IsObject(j)) { ok = st_fail(c, "\"__metadata__\" is not an object"); break; }
            const cJSON *m;
            cJSON_ArrayForEach(m, j)
                if (!cJSON_IsString(m)) { ok = st_fail(c, "metadata '%.40s' is not a string", m->string); break; }
            if (!ok) break;
            meta = j;
        } else if (!(ok = st_check_entry(c, j, dlen, &e[nt++]))) {
            break;
        }
    }
    ok = ok && st_check_layout(c, e, nt, dlen);
    for (int i = 0; ok && i < nt; i++)   /* sorted by offset now */
        for (uint64_t b = e[i].begin; b < e[i].end; b += 4)
            if (!isfinite(st_get_f32(data + b))) {
                ok = st_fail(c, "tensor '%s' holds a non-finite value at [%llu]", e[i].name,
                             (unsigned long long)((b - e[i].begin) / 4));
                break;
            }
    free(e);
    if (!ok) return NULL;
    /* Valid: build in header order. */
    const cJSON *js = meta ? cJSON_GetObjectItemCaseSensitive(meta, "scene") : NULL;
    ts_dump *d = ts_dump_new_in(a, js ? js->valuestring : "", 0);
    const cJSON *m;
    cJSON_ArrayForEach(m, meta) {
        double v;
        if (m == js) continue;
        if (st_number(m->valuestring, &v)) ts_dump_param(d, m->string, v);
        else ts_dump_param_str(d, m->string, m->valuestring);
    }
    cJSON_ArrayForEach(j, root) {
        if (j == meta) continue;
        st_entry x;
        st_check_entry(c, j, dlen, &x);
        ts_tensor *t = ts_dump_add_tensor(d, x.name, x.ndim, x.shape);
        size_t count = ts_numel(t);
        for (size_t k = 0; k < count; k++) t->data[k] = st_get_f32(data + x.begin + 4 * k);
    }
    return d;
}

ts_dump *ts_st_parse(const char *where, const void *buf, size_t len, ts_arena *a, char *err, size_t errlen) {
    st_ctx c = {where, err, errlen};
    const unsigned char *p = buf;
    if (len < 8) {
        st_fail(&c, "truncated: %zu bytes, too short for the 8-byte header length", len);
        return NULL;
    }
    uint64_t n = 0;
    for (int i = 0; i < 8; i++) n |= (uint64_t)p[i] << (8 * i);
    if (n < 2) { st_fail(&c, "header length %llu is too small for a JSON object", (unsigned long long)n); return NULL; }
    if (n > ST_MAX_HEADER) {
        st_fail(&c, "header length %llu is over the 100 MB limit (not a safetensors file?)", (unsigned long long)n);
        return NULL;
    }
    if (n > len - 8) {
        st_fail(&c, "truncated: the header should be %llu bytes, the file holds %zu after its length",
                (unsigned long long)n, len - 8);
        return NULL;
    }
    const char *hdr = (const char *)p + 8;
    if (hdr[0] != '{') { st_fail(&c, "header does not start with '{' (not a safetensors file?)"); return NULL; }
    if (memchr(hdr, 0, (size_t)n)) { st_fail(&c, "header holds a NUL byte"); return NULL; }
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithLengthOpts(hdr, (size_t)n, &end, 0);
    if (!root) {
        size_t off = end && end >= hdr && end <= hdr + n ? (size_t)(end - hdr) : 0;
        st_fail(&c, "header is not valid JSON (at header byte %zu)", off);
        return NULL;
    }
    for (const char *q = end; q < hdr + n; q++)
        if (*q != ' ') {
            cJSON_Delete(root);
            st_fail(&c, "header has bytes after its JSON object (at header byte %zu)", (size_t)(q - hdr));
            return NULL;
        }
    ts_dump *d = st_build(&c, root, p + 8 + n, len - 8 - n, a);
    cJSON_Delete(root);
    return d;
}

ts_dump *ts_st_read(const char *path, ts_arena *a, char *err, size_t errlen) {
    st_ctx c = {path, err, errlen};
    char why[TS_PATH_MAX + 200];
    FILE *f = ts_in_open(path, why, sizeof why);
    if (!f) { snprintf(err, errlen, "%s", why); return NULL; }
    long size = -1;
    if (fseek(f, 0, SEEK_END) == 0) size = ftell(f);
    if (size < 0 || fseek(f, 0, SEEK_SET) != 0) {
        int saved = errno;
        fclose(f);
        st_fail(&c, "cannot read: %s", strerror(saved));
        return NULL;
    }
    if ((uint64_t)size > ST_MAX_FILE) {
        fclose(f);
        st_fail(&c, "file is larger than %llu bytes", (unsigned long long)ST_MAX_FILE);
        return NULL;
    }
    unsigned char *buf = malloc((size_t)size + 1);
    if (!buf) ts_fatal(__FILE__, __LINE__, "safetensors: out of memory (%ld bytes)", size);
    size_t got = fread(buf, 1, (size_t)size, f);
    bool bad = ferror(f);
    int saved = errno;
    fclose(f);
    ts_dump *d = NULL;
    if (bad) st_fail(&c, "read failed: %s", strerror(saved));
    else d = ts_st_parse(path, buf, got, a, err, errlen);
    free(buf);
    return d;
}
