/* fuzz_take.c: libFuzzer target for the take reader (take_read on a *.take
 * file), built only by `./dev fuzz` (clang, -DTS_FUZZ=ON).
 *
 * Each input is written to a take file in a private temporary folder and
 * read as `record` and `check` read it (syntax, ranges, counts, embedded
 * files; opening its scenes is not fuzzed here). Besides crashes, leaks and
 * sanitizer reports, the target aborts (a finding) when a rejection breaks
 * the error contract: exactly one line, non-empty, starting with the file's
 * name and a colon; and when an accepted take does not write back to a file
 * that reads the same.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "app/take.h"

static char dir[] = "/tmp/ts-fuzz-XXXXXX", path[128], again[128];

static void remove_input(void) {
    remove(path);
    remove(again);
    rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc; (void)argv;
    if (!mkdtemp(dir)) { perror("fuzz_take: mkdtemp"); exit(1); }
    snprintf(path, sizeof path, "%s/input.take", dir);
    snprintf(again, sizeof again, "%s/again.take", dir);
    atexit(remove_input);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    FILE *f = fopen(path, "wb");
    if (!f) { perror("fuzz_take: input file"); abort(); }
    if (size) fwrite(data, 1, size, f);
    fclose(f);
    char err[512] = "";
    take t, u;
    if (take_read(&t, path, err, sizeof err)) {   /* accepted: it writes back to the same take */
        remove(again);
        bool same = take_write(&t, again, err, sizeof err) && take_read(&u, again, err, sizeof err);
        if (same) {
            same = u.n == t.n && u.nfiles == t.nfiles && u.duration == t.duration && u.now == t.now &&
                   strcmp(u.source, t.source) == 0;
            for (long i = 0; i < t.n && same; i++) same = u.ev[i].t == t.ev[i].t && u.ev[i].ev.type == t.ev[i].ev.type;
            take_free(&u);
        }
        take_free(&t);
        if (!same) { fprintf(stderr, "fuzz_take: an accepted take does not read back: [%s]\n", err); abort(); }
        return 0;
    }
    size_t n = strlen(path);
    bool names_file = strncmp(err, path, n) == 0 && err[n] == ':';
    bool one_line = err[0] != 0;
    for (const char *p = err; *p; p++)
        if ((unsigned char)*p < 32) one_line = false;
    if (!names_file || !one_line) {
        fprintf(stderr, "fuzz_take: a rejection breaks the one-line contract: [%s]\n", err);
        abort();
    }
    return 0;
}
