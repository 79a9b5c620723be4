/* test_dump: exact round trips through string and file, the queries, and
 * hostile input: every bad document gives NULL, a one-line message naming
 * the source, and leaves the arena untouched; nothing crashes (this test
 * also runs under ASan + UBSan). */
#include <float.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "kernel/dump.h"

static float from_bits(uint32_t u) { float f; memcpy(&f, &u, sizeof f); return f; }

/* A temporary file path; the file exists (empty) and the caller removes it. */
static void temp_path(char *path, size_t n) {
    snprintf(path, n, "/tmp/ts_test_dump_XXXXXX");
    int fd = mkstemp(path);
    if (fd < 0) { perror("mkstemp"); exit(1); }
    close(fd);
}

static ts_dump *make_dump(ts_arena *a) {
    ts_dump *d = ts_dump_new("conv", 3);
    ts_dump_param(d, "stride", 1);
    ts_dump_param(d, "lr", 0.1);
    ts_dump_param(d, "third", 1.0 / 3.0);
    ts_dump_param_str(d, "sentence", "the \"cat\"\\ sat\n\t\x01 \xc3\xa9t\xc3\xa9");
    ts_tensor *w = ts_new4(a, "conv1.weight", 2, 1, 3, 3);
    ts_rng r;
    ts_rng_seed(&r, 5);
    /* Random bit patterns over all finite floats, plus the awkward ones. */
    for (size_t i = 0; i < ts_numel(w); i++) {
        float f;
        do f = from_bits(ts_rng_u32(&r)); while (!isfinite(f));
        w->data[i] = f;
    }
    const float special[] = {0.0f, -0.0f, 1.0f, 0.1f, 1.0f / 3.0f, FLT_MAX, -FLT_MAX, FLT_MIN,
                             from_bits(1), from_bits(0x007fffff), 16777217.0f, 1e-30f, -2.5e38f};
    ts_tensor *s = ts_new1(a, "special", (int)(sizeof special / sizeof special[0]));
    memcpy(s->data, special, sizeof special);
    ts_tensor *scalar = ts_tensor_new(a, "loss", 0, NULL);
    scalar->data[0] = 0.693147182f;
    ts_tensor *empty = ts_new2(a, "empty", 0, 5);
    ts_dump_tensor(d, w);
    ts_dump_tensor(d, s);
    ts_dump_tensor(d, scalar);
    ts_dump_tensor(d, empty);
    return d;
}

static int same_tensor(const ts_tensor *a, const ts_tensor *b) {
    if (!a || !b || a->ndim != b->ndim || strcmp(a->name, b->name) != 0) return 0;
    for (int i = 0; i < a->ndim; i++) if (a->shape[i] != b->shape[i]) return 0;
    return memcmp(a->data, b->data, ts_numel(a) * sizeof(float)) == 0;   /* bit exact */
}

static void check_same(const ts_dump *d, const ts_dump *e) {
    CHECK(e != NULL);
    if (!e) return;
    CHECK(strcmp(ts_dump_scene(e), "conv") == 0);
    CHECK(ts_dump_beat(e) == 3);
    CHECK(ts_dump_tensor_count(e) == ts_dump_tensor_count(d));
    int all = 1;
    for (int i = 0; i < ts_dump_tensor_count(d); i++) {
        const ts_tensor *t = ts_dump_tensor_at(d, i);
        all &= same_tensor(t, ts_dump_find(e, t->name));
    }
    CHECK(all);
    double v = 0;
    CHECK(ts_dump_get_param(e, "stride", &v) && v == 1.0);
    CHECK(ts_dump_get_param(e, "lr", &v) && v == 0.1);
    CHECK(ts_dump_get_param(e, "third", &v) && v == 1.0 / 3.0);
    CHECK(!ts_dump_get_param(e, "sentence", &v));
    const char *s = ts_dump_get_param_str(e, "sentence");
    CHECK(s && strcmp(s, ts_dump_get_param_str(d, "sentence")) == 0);
    CHECK(ts_dump_get_param_str(e, "stride") == NULL);
    CHECK(ts_dump_find(e, "nope") == NULL);
}

static void test_round_trip(void) {
    ts_arena a = {0}, b = {0};
    ts_dump *d = make_dump(&a);
    char err[256] = "";

    char *json = ts_dump_to_string(d);
    CHECK(json != NULL);
    ts_dump *e = ts_dump_parse(json, &b, err, sizeof err);
    if (!e) fprintf(stderr, "parse: %s\n", err);
    check_same(d, e);
    ts_dump_free(e);   /* arena-owned: a no-op */

    char path[64];
    temp_path(path, sizeof path);
    CHECK(ts_dump_write(d, path, err, sizeof err) == 0);
    ts_dump *f = ts_dump_read(path, &b, err, sizeof err);
    check_same(d, f);
    /* Written again from the parsed dump, the text is identical. */
    if (f) {
        ts_dump *g = ts_dump_new(ts_dump_scene(f), ts_dump_beat(f));
        ts_dump_param(g, "stride", 1);
        ts_dump_param(g, "lr", 0.1);
        ts_dump_param(g, "third", 1.0 / 3.0);
        ts_dump_param_str(g, "sentence", ts_dump_get_param_str(f, "sentence"));
        for (int i = 0; i < ts_dump_tensor_count(f); i++) ts_dump_tensor(g, ts_dump_tensor_at(f, i));
        char *json2 = ts_dump_to_string(g);
        CHECK(json2 && strcmp(json, json2) == 0);
        free(json2);
        ts_dump_free(g);
    }
    remove(path);
    free(json);

    /* Re-adding a tensor or param under the same name replaces it. */
    ts_tensor *t = ts_new1(&a, "special", 2);
    t->data[0] = 7.0f;
    ts_dump_tensor(d, t);
    ts_dump_param(d, "stride", 2);
    CHECK(ts_dump_tensor_count(d) == 4);
    CHECK(ts_numel(ts_dump_find(d, "special")) == 2 && ts_dump_find(d, "special")->data[0] == 7.0f);
    double v;
    CHECK(ts_dump_get_param(d, "stride", &v) && v == 2.0);
    /* The dump copied the data: changing the source changes nothing. */
    t->data[0] = 8.0f;
    CHECK(ts_dump_find(d, "special")->data[0] == 7.0f);

    /* Non-finite values cannot be written to JSON: refused, with a reason. */
    t->data[1] = NAN;
    ts_dump_tensor(d, t);
    CHECK(ts_dump_to_string(d) == NULL);
    temp_path(path, sizeof path);
    err[0] = 0;
    CHECK(ts_dump_write(d, path, err, sizeof err) != 0);
    printf("non-finite: %s\n", err);
    CHECK(strstr(err, "special") != NULL && strstr(err, "[1]") != NULL);
    remove(path);
    t->data[1] = 0.0f;
    ts_dump_tensor(d, t);
    /* An unwritable path is an error, not a crash. */
    err[0] = 0;
    CHECK(ts_dump_write(d, "/nonexistent-dir/x.json", err, sizeof err) != 0);
    CHECK(strstr(err, "/nonexistent-dir/x.json") != NULL);
    ts_dump_free(d);

    /* The PyTorch fixture (written by Python's json) reads too. */
    ts_dump *fx = ts_dump_read("dense.json", &b, err, sizeof err);
    CHECK(fx && ts_dump_find(fx, "linear.x") && strcmp(ts_dump_scene(fx), "dense") == 0);
    ts_arena_free(&a);
    ts_arena_free(&b);
}

static int bad_count;

/* Parses text that must be rejected: NULL, a message naming the source, and
 * nothing allocated. */
static void expect_bad(const char *json, const char *want) {
    ts_arena a = {0};
    char err[256] = "";
    ts_dump *d = ts_dump_parse(json, &a, err, sizeof err);
    int ok = d == NULL && strncmp(err, "<string>: ", 10) == 0 && a.used_total == 0 &&
             strchr(err, '\n') == NULL && (!want || strstr(err, want));
    if (!ok) fprintf(stderr, "expect_bad(%.60s): got %p, err '%s' (want '%s')\n",
                     json, (void *)d, err, want ? want : "");
    if (bad_count++ < 100) printf("  %s\n", err);
    CHECK(ok);
    ts_arena_free(&a);
}

#define T(body) "{\"scene\":\"s\",\"beat\":0,\"params\":{},\"tensors\":{" body "}}"

static void test_hostile(void) {
    expect_bad("", "empty");
    expect_bad("   \n", NULL);
    expect_bad("junk", "invalid JSON");
    expect_bad("{", "truncated");
    expect_bad("{\"scene\":\"s\",\"beat\":0,\"tensors\":{}} trailing", "invalid JSON");
    expect_bad("[1,2,3]", "not a JSON object");
    expect_bad("42", "not a JSON object");
    expect_bad("null", "not a JSON object");
    expect_bad("{}", "scene");
    expect_bad("{\"scene\":1,\"beat\":0,\"tensors\":{}}", "scene");
    expect_bad("{\"scene\":\"s\",\"tensors\":{}}", "beat");
    expect_bad("{\"scene\":\"s\",\"beat\":0.5,\"tensors\":{}}", "beat");
    expect_bad("{\"scene\":\"s\",\"beat\":1e20,\"tensors\":{}}", "beat");
    expect_bad("{\"scene\":\"s\",\"beat\":\"3\",\"tensors\":{}}", "beat");
    expect_bad("{\"scene\":\"s\",\"beat\":0}", "tensors");
    expect_bad("{\"scene\":\"s\",\"beat\":0,\"tensors\":[]}", "tensors");
    expect_bad("{\"scene\":\"s\",\"beat\":0,\"params\":[],\"tensors\":{}}", "params");
    expect_bad("{\"scene\":\"s\",\"beat\":0,\"params\":{\"k\":[1]},\"tensors\":{}}", "'k'");
    expect_bad("{\"scene\":\"s\",\"beat\":0,\"params\":{\"k\":null},\"tensors\":{}}", "'k'");
    expect_bad("{\"scene\":\"s\",\"beat\":0,\"params\":{\"k\":1e999},\"tensors\":{}}", "'k'");
    expect_bad(T("\"x\":5"), "'x'");
    expect_bad(T("\"x\":{\"data\":[1]}"), "shape");
    expect_bad(T("\"x\":{\"shape\":[1]}"), "data");
    expect_bad(T("\"x\":{\"shape\":1,\"data\":[1]}"), "shape");
    expect_bad(T("\"x\":{\"shape\":[1],\"data\":1}"), "data");
    expect_bad(T("\"x\":{\"shape\":[2,3],\"data\":[1,2,3,4,5]}"), "6 elements");
    expect_bad(T("\"x\":{\"shape\":[2,3],\"data\":[1,2,3,4,5,6,7]}"), NULL);
    expect_bad(T("\"x\":{\"shape\":[1,1,1,1,1],\"data\":[1]}"), "5 dims");
    expect_bad(T("\"x\":{\"shape\":[-1],\"data\":[]}"), "shape[0]");
    expect_bad(T("\"x\":{\"shape\":[1.5],\"data\":[1]}"), "shape[0]");
    expect_bad(T("\"x\":{\"shape\":[\"2\"],\"data\":[1,2]}"), "shape[0]");
    expect_bad(T("\"x\":{\"shape\":[1e10],\"data\":[1]}"), "shape[0]");
    expect_bad(T("\"x\":{\"shape\":[2147483647,2147483647,2147483647,2147483647],\"data\":[]}"), NULL);
    expect_bad(T("\"x\":{\"shape\":[65536,65536],\"data\":[1]}"), NULL);
    expect_bad(T("\"x\":{\"shape\":[2],\"data\":[1,\"2\"]}"), "data[1]");
    expect_bad(T("\"x\":{\"shape\":[2],\"data\":[1,null]}"), "data[1]");
    expect_bad(T("\"x\":{\"shape\":[2],\"data\":[1,[2]]}"), "data[1]");
    expect_bad(T("\"x\":{\"shape\":[2],\"data\":[true,2]}"), "data[0]");
    expect_bad(T("\"x\":{\"shape\":[1],\"data\":[1e39]}"), "float");
    expect_bad(T("\"x\":{\"shape\":[1],\"data\":[-1e999]}"), "float");
    expect_bad(T("\"x\":{\"shape\":[1],\"data\":[NaN]}"), "invalid JSON");
    expect_bad(T("\"x\":{\"shape\":[1],\"data\":[1]},\"y\":{\"shape\":[1],\"data\":[]}"), "'y'");
    expect_bad(T("\"a_name_that_is_far_too_long_for_a_tensor_name_field\":{\"shape\":[],\"data\":[1]}"),
               "longer");
    expect_bad("{\"scene\":\"s\",\"beat\":0,\"tensors\":{\"x\":{\"shape\":[1],\"data\":[1]}", "truncated");

    /* Deep nesting: cJSON's nesting limit stops it, no stack overflow. */
    size_t depth = 200000;
    char *deep = malloc(2 * depth + 1);
    memset(deep, '[', depth);
    memset(deep + depth, ']', depth);
    deep[2 * depth] = 0;
    expect_bad(deep, "invalid JSON");
    free(deep);

    /* Every proper prefix of a valid document is rejected. */
    ts_arena a = {0};
    ts_dump *d = make_dump(&a);
    char *json = ts_dump_to_string(d);
    size_t len = strlen(json) - 1;   /* without the final newline */
    int all = 1;
    for (size_t n = 0; n < len; n++) {
        char save = json[n];
        json[n] = 0;
        ts_arena b = {0};
        char err[256] = "";
        ts_dump *e = ts_dump_parse(json, &b, err, sizeof err);
        all &= e == NULL && err[0] != 0 && b.used_total == 0;
        ts_arena_free(&b);
        json[n] = save;
    }
    CHECK(all);

    /* Random byte mutations: parse or refuse, never crash; a refusal says why. */
    ts_rng r;
    ts_rng_seed(&r, 11);
    char *m = malloc(len + 2);
    int explained = 1, accepted = 0;
    for (int round = 0; round < 3000; round++) {
        memcpy(m, json, len + 2);
        int edits = 1 + ts_rng_int(&r, 4);
        for (int k = 0; k < edits; k++) {
            const char pool[] = "{}[]\",:0123456789.eE-+ntfa\\ \x01\xff";
            m[ts_rng_int(&r, (int)len)] = pool[ts_rng_int(&r, (int)sizeof pool - 1)];
        }
        ts_arena b = {0};
        char err[256] = "";
        ts_dump *e = ts_dump_parse(m, &b, err, sizeof err);
        if (e) accepted++;
        else explained &= err[0] != 0 && b.used_total == 0;
        ts_arena_free(&b);
    }
    printf("mutations: %d of 3000 still valid\n", accepted);
    CHECK(explained);
    free(m);
    free(json);
    ts_dump_free(d);
    ts_arena_free(&a);

    /* Files: missing, a directory, a NUL byte inside; errors name the file. */
    char err[256] = "";
    ts_arena b = {0};
    CHECK(ts_dump_read("no/such/file.json", &b, err, sizeof err) == NULL);
    CHECK(strstr(err, "no/such/file.json:") == err);
    printf("  %s\n", err);
    CHECK(ts_dump_read(".", &b, err, sizeof err) == NULL);
    printf("  %s\n", err);
    char path[64];
    temp_path(path, sizeof path);
    FILE *f = fopen(path, "wb");
    fwrite("{\"scene\":\"s\"\0,\"beat\":0,\"tensors\":{}}", 1, 37, f);
    fclose(f);
    CHECK(ts_dump_read(path, &b, err, sizeof err) == NULL && strstr(err, "NUL"));
    printf("  %s\n", err);
    remove(path);
    temp_path(path, sizeof path);   /* empty file */
    CHECK(ts_dump_read(path, &b, err, sizeof err) == NULL && strstr(err, "empty"));
    remove(path);
    CHECK(b.used_total == 0);
    /* A tiny error buffer truncates the message but stays terminated. */
    char small[8];
    CHECK(ts_dump_parse("junk", &b, small, sizeof small) == NULL && strlen(small) == 7);
    CHECK(ts_dump_parse("junk", &b, NULL, 0) == NULL);
    ts_arena_free(&b);
}

int main(void) {
    test_round_trip();
    test_hostile();
    return check_report();
}
