/* fuzz_deck.c: libFuzzer target for the lecture deck parser (deck_open on a
 * *.deck file), built only by `./dev fuzz` (clang, -DTS_FUZZ=ON).
 *
 * Each input is written to a deck file in a private temporary folder and
 * opened as `tensorstage deck.deck` opens it (every entry's scene is opened
 * too: entries name built-in scenes, or presets relative to the deck, which
 * the fuzzer cannot reach). Besides crashes, leaks and sanitizer reports,
 * the target aborts (a finding) when a rejection breaks the error contract:
 * exactly one line, non-empty, starting with the file's name and a colon.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "app/deck.h"

static char dir[] = "/tmp/ts-fuzz-XXXXXX", path[128];

static void remove_input(void) {
    remove(path);
    rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc; (void)argv;
    if (!mkdtemp(dir)) { perror("fuzz_deck: mkdtemp"); exit(1); }
    snprintf(path, sizeof path, "%s/input.deck", dir);
    atexit(remove_input);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    FILE *f = fopen(path, "wb");
    if (!f) { perror("fuzz_deck: input file"); abort(); }
    if (size) fwrite(data, 1, size, f);
    fclose(f);
    char err[512] = "";
    deck *d = deck_open(path, err, sizeof err);
    if (d) { deck_close(d); return 0; }
    size_t n = strlen(path);
    bool names_file = strncmp(err, path, n) == 0 && err[n] == ':';
    bool one_line = err[0] != 0;
    for (const char *p = err; *p; p++)
        if ((unsigned char)*p < 32) one_line = false;
    if (!names_file || !one_line) {
        fprintf(stderr, "fuzz_deck: a rejection breaks the one-line contract: [%s]\n", err);
        abort();
    }
    return 0;
}
