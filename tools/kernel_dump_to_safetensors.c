/* kernel_dump_to_safetensors: converts a tensor dump (JSON, kernel/dump.h) to
 * a safetensors file (kernel/safetensors.h) holding the identical float32
 * values under the same names, the dump's params as "__metadata__".
 *
 *   ./build/kernel_dump_to_safetensors IN.json OUT.safetensors [--force]
 *
 * It converted the weights the trainers had written as JSON before they
 * wrote safetensors (assets/NAME.json to assets/NAME.safetensors, bit for bit);
 * it serves any old dump the same way. Exit 0 done, 2 bad input or an
 * existing OUT without --force, 1 a failed write.
 */
#include <stdio.h>
#include <string.h>

#include "kernel/fileio.h"
#include "kernel/safetensors.h"

int main(int argc, char **argv) {
    const char *in = NULL, *out = NULL;
    bool force = false;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--force") == 0) force = true;
        else if (!in) in = argv[i];
        else if (!out) out = argv[i];
        else { fprintf(stderr, "kernel_dump_to_safetensors: unexpected argument '%s'\n", argv[i]); return 2; }
    }
    if (!in || !out) {
        fprintf(stderr, "usage: kernel_dump_to_safetensors IN.json OUT.safetensors [--force]\n");
        return 2;
    }
    char err[TS_PATH_MAX + 300];
    if (!ts_out_check(out, force, err, sizeof err)) { fprintf(stderr, "kernel_dump_to_safetensors: %s\n", err); return 2; }
    ts_arena a = {0};
    ts_dump *d = ts_dump_read(in, &a, err, sizeof err);
    if (!d) { fprintf(stderr, "kernel_dump_to_safetensors: %s\n", err); ts_arena_free(&a); return 2; }
    int rc = ts_st_write(d, out, err, sizeof err) == 0 ? 0 : 1;
    if (rc) fprintf(stderr, "kernel_dump_to_safetensors: %s\n", err);
    else printf("%s: %d tensors, %d params\n", out, ts_dump_tensor_count(d), ts_dump_param_count(d));
    ts_arena_free(&a);
    return rc;
}
