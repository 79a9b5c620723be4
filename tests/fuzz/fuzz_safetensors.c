/* fuzz_safetensors.c: libFuzzer target for the safetensors reader
 * (ts_st_read on a *.safetensors file, kernel/safetensors.h), built only by
 * `./dev fuzz` (clang, -DTS_FUZZ=ON); its seeds are the weights in assets/.
 *
 * Besides crashes, leaks and sanitizer reports, a finding is a rejection
 * that breaks the one-line error contract (fuzz_file.h), or an accepted file
 * that, written back with ts_st_write and read again, does not give the same
 * tensors (names, shapes, bits) and params.
 */
#include "kernel/safetensors.h"
#include "fuzz_file.h"

static char again[160];

static void remove_again(void) { remove(again); }

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc; (void)argv;
    int rc = fuzz_file_init(".safetensors");
    snprintf(again, sizeof again, "%s/again.safetensors", fuzz_dir);
    atexit(remove_again);   /* runs before fuzz_file_init's, which removes the folder */
    return rc;
}

static bool same_tensors(const ts_dump *a, const ts_dump *b) {
    if (ts_dump_tensor_count(a) != ts_dump_tensor_count(b) || ts_dump_param_count(a) != ts_dump_param_count(b))
        return false;
    for (int i = 0; i < ts_dump_tensor_count(a); i++) {
        const ts_tensor *x = ts_dump_tensor_at(a, i), *y = ts_dump_tensor_at(b, i);
        if (strcmp(x->name, y->name) != 0 || x->ndim != y->ndim) return false;
        for (int k = 0; k < x->ndim; k++)
            if (x->shape[k] != y->shape[k]) return false;
        if (memcmp(x->data, y->data, ts_numel(x) * sizeof(float)) != 0) return false;
    }
    for (int i = 0; i < ts_dump_param_count(a); i++) {
        double u, v;
        const char *s, *t;
        const char *n = ts_dump_param_at(a, i, &u, &s), *m = ts_dump_param_at(b, i, &v, &t);
        if (strcmp(n, m) != 0 || !s != !t || (s ? strcmp(s, t) != 0 : u != v)) return false;
    }
    return strcmp(ts_dump_scene(a), ts_dump_scene(b)) == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char err[512] = "";
    ts_arena a = {0};
    ts_dump *d = ts_st_read(fuzz_file_write(data, size), &a, err, sizeof err);
    if (!d) {
        fuzz_file_check_error(err);
        ts_arena_free(&a);
        return 0;
    }
    remove(again);
    ts_dump *e = ts_st_write(d, again, err, sizeof err) == 0 ? ts_st_read(again, &a, err, sizeof err) : NULL;
    if (!e || !same_tensors(d, e)) {
        fprintf(stderr, "fuzz: an accepted file does not read back as itself: %s\n", e ? "(differs)" : err);
        abort();
    }
    ts_arena_free(&a);
    return 0;
}
