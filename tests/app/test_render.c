/* test_render.c: headless rendering through the executable ($TS_BIN).
 *
 * - Golden images: the settled last frame of the calibration story at
 *   1280x720 and 640x360, compared with the PNGs in tests/golden within a
 *   tolerance (mean channel difference, and the share of pixels that differ
 *   by more than 48 levels), so a different Mesa build passes but a moved
 *   label does not. TS_UPDATE_GOLDEN=1 rewrites the references.
 * - Determinism: the same frame rendered twice is byte-identical, and the
 *   frame at t = 0.5 s and 1 s is the same at 30 and at 60 fps.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "gfx/gfx.h"
#include "golden.h"

static int passed, failed;
static char dir[] = "/tmp/ts-render-XXXXXX";

static int run(const char *args) {
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "\"%s\" %s", getenv("TS_BIN"), args);
    int rc = system(cmd);
    if (rc != 0) fprintf(stderr, "FAIL: %s (status %d)\n", cmd, rc);
    return rc;
}

static uint8_t *load(const char *path, int *w, int *h) {
    char err[256];
    uint8_t *p = gfx_png_read(path, w, h, err, sizeof err);
    if (!p) fprintf(stderr, "%s\n", err);
    return p;
}

static void check_same(const char *what, const char *a, const char *b) {
    int wa, ha, wb, hb;
    uint8_t *pa = load(a, &wa, &ha), *pb = load(b, &wb, &hb);
    bool same = pa && pb && wa == wb && ha == hb && memcmp(pa, pb, (size_t)wa * ha * 4) == 0;
    if (same) passed++;
    else { failed++; fprintf(stderr, "FAIL %s: %s and %s differ\n", what, a, b); }
    free(pa); free(pb);
}

static void check_golden(const char *size, const char *name) {
    char out[256], args[512], frame[300];
    snprintf(out, sizeof out, "%s/%s", dir, name);
    snprintf(args, sizeof args, "render calibration --out %s --size %s --beat 3 --fps 1", out, size);
    if (run(args)) { failed++; return; }
    snprintf(frame, sizeof frame, "%s/frame-00004.png", out);   /* t = 4 s: settled */
    char why[1024];
    if (golden_match(frame, name, why, sizeof why)) passed++;
    else { failed++; fprintf(stderr, "FAIL %s\n", why); }
}

int main(void) {
    if (!getenv("TS_BIN") || !getenv("TS_SRC")) { fprintf(stderr, "run through ctest\n"); return 1; }
    if (!mkdtemp(dir)) { perror("mkdtemp"); return 1; }

    check_golden("1280x720", "calibration-1280x720");
    check_golden("640x360", "calibration-640x360");

    char args[512], a[300], b[300];
    /* the same frame twice */
    snprintf(args, sizeof args, "render calibration --out %s/d1 --size 480x270 --beat 3 --fps 4 --frames 3", dir);
    run(args);
    snprintf(args, sizeof args, "render calibration --out %s/d2 --size 480x270 --beat 3 --fps 4 --frames 3", dir);
    run(args);
    snprintf(a, sizeof a, "%s/d1/frame-00002.png", dir);
    snprintf(b, sizeof b, "%s/d2/frame-00002.png", dir);
    check_same("same frame twice", a, b);

    /* 30 vs 60 fps: frame 15 at 30 fps is t = 0.5 s, as is frame 30 at 60 fps */
    snprintf(args, sizeof args, "render calibration --out %s/f30 --size 480x270 --beat 3 --fps 30 --frames 31", dir);
    run(args);
    snprintf(args, sizeof args, "render calibration --out %s/f60 --size 480x270 --beat 3 --fps 60 --frames 61", dir);
    run(args);
    snprintf(a, sizeof a, "%s/f30/frame-00015.png", dir);
    snprintf(b, sizeof b, "%s/f60/frame-00030.png", dir);
    check_same("t=0.5 s at 30 and 60 fps", a, b);
    snprintf(a, sizeof a, "%s/f30/frame-00030.png", dir);
    snprintf(b, sizeof b, "%s/f60/frame-00060.png", dir);
    check_same("t=1 s at 30 and 60 fps", a, b);
    /* and the animation really moves between those instants */
    int w, h;
    uint8_t *p0 = load(a, &w, &h);
    snprintf(b, sizeof b, "%s/f30/frame-00015.png", dir);
    uint8_t *p1 = load(b, &w, &h);
    if (p0 && p1 && memcmp(p0, p1, (size_t)w * h * 4) != 0) passed++;
    else { failed++; fprintf(stderr, "FAIL: frames at 0.5 s and 1 s are identical: nothing animates\n"); }
    free(p0); free(p1);

    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
