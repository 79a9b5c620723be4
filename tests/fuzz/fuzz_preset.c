/* fuzz_preset.c: libFuzzer target for the preset parser (scene_open on a
 * preset file), built only by `./dev fuzz` (clang, -DTS_FUZZ=ON).
 *
 * Each input is checked: the INI parse and every scene's key validation
 * (preset_check_keys). A scene's init can take a second under the
 * sanitizers (weights are loaded, a model trained), so an input whose keys
 * pass is also opened fully, the way `tensorstage check` does, only when a
 * hash of its bytes picks it (one in 64): the same input always takes the
 * same path, and the fuzzer keeps its speed. Besides crashes and sanitizer
 * reports, a rejection that breaks the one-line error contract is a finding
 * (fuzz_file.h). Inputs the scene accepts are closed again, so leaks in init
 * or shutdown are found too.
 *
 *   ./dev fuzz 600          # ten minutes; corpus kept in build-fuzz/corpus-*
 */
#include "scene/scene.h"
#include "fuzz_file.h"

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc; (void)argv;
    return fuzz_file_init(".scene");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const char *path = fuzz_file_write(data, size);
    char err[512] = "";
    if (preset_check_keys(path, err, sizeof err)) {
        uint32_t h = 2166136261u;   /* FNV-1a of the input */
        for (size_t i = 0; i < size; i++) h = (h ^ data[i]) * 16777619u;
        if (h % 64 != 0) return 0;
        scene *s = scene_open(path, err, sizeof err);
        if (s) { scene_close(s); return 0; }
    }
    fuzz_file_check_error(err);
    return 0;
}
