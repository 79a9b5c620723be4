/* fuzz_deck.c: libFuzzer target for the lecture deck parser (deck_open on a
 * *.deck file), built only by `./dev fuzz` (clang, -DTS_FUZZ=ON).
 *
 * Each input is opened as `tensorstage deck.deck` opens it (every entry's
 * scene is opened too: entries name built-in scenes, or presets relative to
 * the deck, which the fuzzer cannot reach). Besides crashes, leaks and
 * sanitizer reports, a rejection that breaks the one-line error contract is
 * a finding (fuzz_file.h).
 */
#include "app/deck.h"
#include "fuzz_file.h"

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc; (void)argv;
    return fuzz_file_init(".deck");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char err[512] = "";
    deck *d = deck_open(fuzz_file_write(data, size), err, sizeof err);
    if (d) deck_close(d);
    else fuzz_file_check_error(err);
    return 0;
}
