/* fuzz_preset.c: libFuzzer target for the preset parser (scene_open on a
 * preset file), built only by `./dev fuzz` (clang, -DTS_FUZZ=ON).
 *
 * Each input is written to a preset file in a private temporary folder and
 * checked: the INI parse and every scene's key validation
 * (preset_check_keys). A scene's init can take a second under the
 * sanitizers (weights are loaded, a model trained), so an input whose keys
 * pass is also opened fully, the way `tensorstage check` does, only when a
 * hash of its bytes picks it (one in 64): the same input always takes the
 * same path, and the fuzzer keeps its speed. Besides crashes and sanitizer reports, the
 * target aborts (a finding) when a rejection breaks the error contract:
 * exactly one line, non-empty, that starts with the file's name and a colon
 * (FILE: or FILE:LINE:). Inputs the scene accepts are closed again, so leaks
 * in init or shutdown are found too.
 *
 *   ./dev fuzz 600          # ten minutes; corpus kept in build-fuzz/corpus
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "scene/scene.h"

static char dir[] = "/tmp/ts-fuzz-XXXXXX", path[128];

static void remove_input(void) {
    remove(path);
    rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc; (void)argv;
    if (!mkdtemp(dir)) { perror("fuzz_preset: mkdtemp"); exit(1); }
    snprintf(path, sizeof path, "%s/input.scene", dir);
    atexit(remove_input);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    FILE *f = fopen(path, "wb");
    if (!f) { perror("fuzz_preset: input file"); abort(); }
    if (size) fwrite(data, 1, size, f);
    fclose(f);
    char err[512] = "";
    bool ok = preset_check_keys(path, err, sizeof err);
    if (ok) {
        uint32_t h = 2166136261u;   /* FNV-1a of the input */
        for (size_t i = 0; i < size; i++) h = (h ^ data[i]) * 16777619u;
        if (h % 64 != 0) return 0;
        scene *s = scene_open(path, err, sizeof err);
        if (s) { scene_close(s); return 0; }
    }
    size_t n = strlen(path);
    bool names_file = strncmp(err, path, n) == 0 && err[n] == ':';
    bool one_line = err[0] != 0;
    for (const char *p = err; *p; p++)
        if ((unsigned char)*p < 32) one_line = false;
    if (!names_file || !one_line) {
        fprintf(stderr, "fuzz_preset: a rejection breaks the one-line contract: [%s]\n", err);
        abort();
    }
    return 0;
}
