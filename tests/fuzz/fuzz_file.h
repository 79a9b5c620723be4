/* fuzz_file.h: what the file-parser fuzz targets share: each input is
 * written to a file with the parser's extension in a private temporary
 * folder, and a rejection must keep the error contract (exactly one line,
 * non-empty, starting with the file's name and a colon: FILE: or FILE:LINE:),
 * else the target aborts, which libFuzzer reports as a finding.
 *
 *   int LLVMFuzzerInitialize(int *argc, char ***argv) { return fuzz_file_init(".deck"); }
 *   const char *path = fuzz_file_write(data, size);
 *   ... if rejected: fuzz_file_check_error(err);
 */
#ifndef TS_FUZZ_FILE_H
#define TS_FUZZ_FILE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char fuzz_dir[] = "/tmp/ts-fuzz-XXXXXX", fuzz_path[128];

static void fuzz_file_remove(void) {
    remove(fuzz_path);
    rmdir(fuzz_dir);
}

static int fuzz_file_init(const char *ext) {
    if (!mkdtemp(fuzz_dir)) { perror("fuzz: mkdtemp"); exit(1); }
    snprintf(fuzz_path, sizeof fuzz_path, "%s/input%s", fuzz_dir, ext);
    atexit(fuzz_file_remove);
    return 0;
}

static const char *fuzz_file_write(const uint8_t *data, size_t size) {
    FILE *f = fopen(fuzz_path, "wb");
    if (!f) { perror("fuzz: input file"); abort(); }
    if (size) fwrite(data, 1, size, f);
    fclose(f);
    return fuzz_path;
}

static void fuzz_file_check_error(const char *err) {
    size_t n = strlen(fuzz_path);
    bool names_file = strncmp(err, fuzz_path, n) == 0 && err[n] == ':';
    bool one_line = err[0] != 0;
    for (const char *p = err; *p; p++)
        if ((unsigned char)*p < 32) one_line = false;
    if (!names_file || !one_line) {
        fprintf(stderr, "fuzz: a rejection breaks the one-line contract: [%s]\n", err);
        abort();
    }
}

#endif
