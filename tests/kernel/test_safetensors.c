/* test_safetensors: bit-exact round trips through a file (tensors, params,
 * scene name), the layout the writer promises (8-aligned data, tensors back
 * to back), and hostile files: each one is refused with one line that starts
 * with its name, the arena untouched; every prefix of a good file is
 * refused; every byte of a good file changed gives a refusal or a dump,
 * never a crash (this test also runs under ASan + UBSan). */
#include <float.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "kernel/safetensors.h"

static float from_bits(uint32_t u) { float f; memcpy(&f, &u, sizeof f); return f; }

static ts_dump *make_dump(ts_arena *a) {
    ts_dump *d = ts_dump_new("cnn", 0);
    ts_dump_param(d, "held_out_accuracy", 0.99074995517730713);
    ts_dump_param(d, "train_seconds", 385.647750502);
    ts_dump_param(d, "epochs", 6);
    ts_dump_param_str(d, "task", "reverse 8 digits \"quoted\" \xc3\xa9");
    ts_tensor *w = ts_new4(a, "conv1.weight", 2, 1, 3, 3);
    ts_rng r;
    ts_rng_seed(&r, 7);
    for (size_t i = 0; i < ts_numel(w); i++) {
        float f;
        do f = from_bits(ts_rng_u32(&r)); while (!isfinite(f));
        w->data[i] = f;
    }
    const float special[] = {0.0f, -0.0f, 1.0f, 0.1f, FLT_MAX, -FLT_MAX, FLT_MIN, from_bits(1), 16777217.0f};
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
    return memcmp(a->data, b->data, ts_numel(a) * sizeof(float)) == 0;
}

static unsigned char *slurp(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) { perror(path); exit(1); }
    fseek(f, 0, SEEK_END);
    *len = (size_t)ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *b = malloc(*len + 1);
    if (fread(b, 1, *len, f) != *len) { perror(path); exit(1); }
    fclose(f);
    return b;
}

/* A file from a header and raw data; the header length is the JSON's. */
static size_t make_file(unsigned char *out, const char *json, const void *data, size_t dlen) {
    size_t n = strlen(json);
    for (int i = 0; i < 8; i++) out[i] = (unsigned char)((uint64_t)n >> (8 * i));
    memcpy(out + 8, json, n);
    if (dlen) memcpy(out + 8 + n, data, dlen);
    return 8 + n + dlen;
}

/* Refused with one line "bad: ..." containing want; arena untouched. */
static void expect_refused(const void *buf, size_t len, const char *want) {
    ts_arena a = {0};
    ts_arena_alloc(&a, 16);
    size_t before = a.used_total;
    char err[300] = "";
    ts_dump *d = ts_st_parse("bad", buf, len, &a, err, sizeof err);
    CHECK(d == NULL);
    CHECK(strncmp(err, "bad: ", 5) == 0);
    CHECK(strchr(err, '\n') == NULL);
    CHECK(a.used_total == before);
    if (!want || !strstr(err, want)) {
        if (want) fprintf(stderr, "expected '%s' in: %s\n", want, err);
        CHECK(want == NULL);
    }
    ts_arena_free(&a);
}

static void test_round_trip(void) {
    ts_arena a = {0};
    ts_dump *d = make_dump(&a);
    char path[] = "/tmp/ts_test_st_XXXXXX";
    int fd = mkstemp(path);
    close(fd);
    char err[300];
    CHECK(ts_st_write(d, path, err, sizeof err) == 0);
    ts_dump *e = ts_st_read(path, &a, err, sizeof err);
    CHECK(e != NULL);
    if (e) {
        CHECK(strcmp(ts_dump_scene(e), "cnn") == 0);
        CHECK(ts_dump_tensor_count(e) == 4);
        for (int i = 0; i < ts_dump_tensor_count(d); i++) {
            const ts_tensor *t = ts_dump_tensor_at(d, i);
            CHECK(same_tensor(t, ts_dump_find(e, t->name)));
            CHECK(same_tensor(t, ts_dump_tensor_at(e, i)));   /* header order kept */
        }
        double v = 0;
        CHECK(ts_dump_get_param(e, "held_out_accuracy", &v) && v == 0.99074995517730713);
        CHECK(ts_dump_get_param(e, "train_seconds", &v) && v == 385.647750502);
        CHECK(ts_dump_get_param(e, "epochs", &v) && v == 6);
        const char *task = ts_dump_get_param_str(e, "task");
        CHECK(task && strcmp(task, "reverse 8 digits \"quoted\" \xc3\xa9") == 0);
        CHECK(!ts_dump_get_param_str(e, "scene") && !ts_dump_get_param(e, "scene", NULL));
    }
    /* Layout: data 8-aligned; conv1.weight first, little-endian. */
    size_t len;
    unsigned char *b = slurp(path, &len);
    uint64_t n = 0;
    for (int i = 0; i < 8; i++) n |= (uint64_t)b[i] << (8 * i);
    CHECK((8 + n) % 8 == 0);
    CHECK(len == 8 + n + 4 * (18 + 9 + 1 + 0));
    float w0 = ts_dump_tensor_at(d, 0)->data[0];
    uint32_t u;
    memcpy(&u, &w0, 4);
    CHECK(b[8 + n] == (u & 0xff) && b[8 + n + 3] == (u >> 24));
    /* Every prefix is refused, and in one line. */
    for (size_t k = 0; k < len; k++) expect_refused(b, k, NULL);
    /* Any byte changed: a refusal or a dump, never a crash. */
    for (size_t k = 0; k < len; k++)
        for (int x = 0; x < 4; x++) {
            static const unsigned char vals[4] = {0x00, 0xff, '"', '9'};
            unsigned char keep = b[k];
            b[k] = vals[x];
            ts_arena t = {0};
            ts_st_parse("flip", b, len, &t, err, sizeof err);
            ts_arena_free(&t);
            b[k] = keep;
        }
    free(b);
    /* Not a regular file, or missing. */
    CHECK(ts_st_read("/tmp", &a, err, sizeof err) == NULL && strstr(err, "/tmp"));
    remove(path);
    CHECK(ts_st_read(path, &a, err, sizeof err) == NULL && strstr(err, path));
    /* Non-finite values are refused by the writer. */
    ts_tensor *bad = ts_new1(&a, "bad", 2);
    bad->data[1] = NAN;
    ts_dump_tensor(d, bad);
    CHECK(ts_st_write(d, path, err, sizeof err) != 0 && strstr(err, "non-finite") && access(path, F_OK) != 0);
    ts_dump_free(d);
    ts_arena_free(&a);
}

static void test_hostile(void) {
    unsigned char f[4096];
    const float two[2] = {1.5f, -2.0f};
    float four[4] = {1, 2, 3, 4};
    size_t n;
    expect_refused("", 0, "truncated");
    expect_refused("\x10\0\0\0", 4, "truncated");
    expect_refused("\xff\xff\xff\xff\xff\xff\xff\x7f{}", 10, "100 MB");
    expect_refused("\x40\0\0\0\0\0\0\0{}", 10, "truncated");
    expect_refused("\x01\0\0\0\0\0\0\0{", 9, "too small");
    n = make_file(f, "[1,2]", NULL, 0);
    expect_refused(f, n, "'{'");
    n = make_file(f, "{\"a\":", NULL, 0);
    expect_refused(f, n, "not valid JSON");
    n = make_file(f, "{}  x", NULL, 0);
    expect_refused(f, n, "after its JSON");
    n = make_file(f, "{\"a\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]}}", two, 4);
    expect_refused(f, n, "dtype F16");
    n = make_file(f, "{\"a\":{\"dtype\":\"Q4\",\"shape\":[2],\"data_offsets\":[0,8]}}", two, 8);
    expect_refused(f, n, "unknown dtype");
    n = make_file(f, "{\"a\":{\"shape\":[2],\"data_offsets\":[0,8]}}", two, 8);
    expect_refused(f, n, "dtype");
    n = make_file(f, "{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", two, 8);
    expect_refused(f, n, "shape holds 3 floats");
    n = make_file(f, "{\"a\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}", two, 8);
    expect_refused(f, n, "shape[0]");
    n = make_file(f, "{\"a\":{\"dtype\":\"F32\",\"shape\":[1,1,1,1,2],\"data_offsets\":[0,8]}}", two, 8);
    expect_refused(f, n, "5 dims");
    n = make_file(f, "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8,9]}}", two, 8);
    expect_refused(f, n, "data_offsets");
    n = make_file(f, "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", two, 6);
    expect_refused(f, n, "truncated");
    n = make_file(f, "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,0]}}", two, 8);
    expect_refused(f, n, "backwards");
    n = make_file(f, "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                     "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", four, 12);
    expect_refused(f, n, "overlap");
    n = make_file(f, "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                     "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}", four, 12);
    expect_refused(f, n, "belong to no tensor");
    n = make_file(f, "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", four, 16);
    expect_refused(f, n, "after the last tensor");
    n = make_file(f, "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                     "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", four, 8);
    expect_refused(f, n, "appears twice");
    n = make_file(f, "{\"__metadata__\":{\"x\":\"1\"},\"__metadata__\":{}}", NULL, 0);
    expect_refused(f, n, "twice");
    n = make_file(f, "{\"__metadata__\":{\"x\":1}}", NULL, 0);
    expect_refused(f, n, "not a string");
    n = make_file(f, "{\"__metadata__\":[]}", NULL, 0);
    expect_refused(f, n, "not an object");
    n = make_file(f, "{\"a\":[]}", NULL, 0);
    expect_refused(f, n, "not an object");
    n = make_file(f, "{\"\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]}}", NULL, 0);
    expect_refused(f, n, "empty name");
    n = make_file(f, "{\"a_name_that_is_much_longer_than_forty_seven_bytes_long\":"
                     "{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]}}", NULL, 0);
    expect_refused(f, n, "longer than");
    four[2] = INFINITY;
    n = make_file(f, "{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", four, 16);
    expect_refused(f, n, "non-finite value at [2]");
    /* The same shape of file, good: accepted, values and metadata read. */
    four[2] = 3;
    n = make_file(f, "{\"__metadata__\":{\"scene\":\"moe\",\"lr\":\"0.02\",\"note\":\"1e\"},"
                     "\"a\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,16]}}   ", four, 16);
    ts_arena a = {0};
    char err[300] = "";
    ts_dump *d = ts_st_parse("good", f, n, &a, err, sizeof err);
    CHECK(d != NULL);
    if (d) {
        double lr = 0;
        CHECK(strcmp(ts_dump_scene(d), "moe") == 0);
        CHECK(ts_dump_get_param(d, "lr", &lr) && lr == 0.02);
        CHECK(ts_dump_get_param_str(d, "note") && strcmp(ts_dump_get_param_str(d, "note"), "1e") == 0);
        const ts_tensor *t = ts_dump_find(d, "a");
        CHECK(t && t->ndim == 2 && t->shape[0] == 2 && t->data[2] == 3.0f);
    }
    ts_arena_free(&a);
}

int main(void) {
    test_round_trip();
    test_hostile();
    return check_report();
}
