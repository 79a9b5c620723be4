/* fuzz_take.c: libFuzzer target for the take reader (take_read on a *.take
 * file), built only by `./dev fuzz` (clang, -DTS_FUZZ=ON).
 *
 * Each input is read as `record` and `check` read a take (syntax, ranges,
 * counts, embedded files; opening its scenes is not fuzzed here). Besides
 * crashes, leaks and sanitizer reports, a finding is a rejection that breaks
 * the one-line error contract (fuzz_file.h), or an accepted take that,
 * written back, does not read as the same take.
 */
#include "app/take.h"
#include "fuzz_file.h"

static char again[160];

static void remove_again(void) { remove(again); }

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc; (void)argv;
    int rc = fuzz_file_init(".take");
    snprintf(again, sizeof again, "%s/again.take", fuzz_dir);
    atexit(remove_again);   /* runs before fuzz_file_init's, which removes the folder */
    return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char err[512] = "";
    take t, u;
    if (!take_read(&t, fuzz_file_write(data, size), err, sizeof err)) {
        fuzz_file_check_error(err);
        return 0;
    }
    remove(again);
    bool same = take_write(&t, again, err, sizeof err) && take_read(&u, again, err, sizeof err);
    if (same) {
        same = u.n == t.n && u.nfiles == t.nfiles && u.nsets == t.nsets && u.duration == t.duration &&
               u.now == t.now && strcmp(u.source, t.source) == 0;
        for (long i = 0; i < t.n && same; i++) same = u.ev[i].t == t.ev[i].t && u.ev[i].ev.type == t.ev[i].ev.type;
        for (int i = 0; i < t.nfiles && same; i++) same = strcmp(u.files[i].text, t.files[i].text) == 0;
        take_free(&u);
    }
    take_free(&t);
    if (!same) {
        fprintf(stderr, "fuzz_take: an accepted take does not read back as itself: [%s]\n", err);
        abort();
    }
    return 0;
}
