/* golden.h: compare a rendered frame with a committed reference image.
 *
 *   char why[512];
 *   if (!golden_match(frame_png, "cnn-beat3-640x360", why, sizeof why)) fail(why);
 *
 * The reference is $TS_SRC/tests/golden/NAME.png. A frame matches when the
 * mean channel difference is below 1 level and fewer than 0.3% of its pixels
 * differ by more than 48 levels in some channel: a different Mesa build
 * passes, a moved label does not. With TS_UPDATE_GOLDEN=1 the frame is first
 * copied over the reference (review the new image before committing it).
 */
#ifndef TS_TEST_GOLDEN_H
#define TS_TEST_GOLDEN_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include "gfx/gfx.h"

static bool golden_match(const char *frame, const char *name, char *why, size_t whylen) {
    char golden[1024], err[300] = "";
    snprintf(golden, sizeof golden, "%s/tests/golden/%s.png", getenv("TS_SRC"), name);
    if (getenv("TS_UPDATE_GOLDEN")) {
        char cmd[2100];
        snprintf(cmd, sizeof cmd, "cp '%s' '%s'", frame, golden);
        if (system(cmd) == 0) fprintf(stderr, "updated %s\n", golden);
    }
    int w = 0, h = 0, gw = 0, gh = 0;
    uint8_t *p = gfx_png_read(frame, &w, &h, err, sizeof err);
    uint8_t *g = p ? gfx_png_read(golden, &gw, &gh, err, sizeof err) : NULL;
    if (!p || !g || w != gw || h != gh) {
        snprintf(why, whylen, "golden %s: %s", name, err[0] ? err : "the sizes differ");
        free(p); free(g);
        return false;
    }
    double sum = 0;
    long off = 0, n = (long)w * h;
    for (long i = 0; i < n; i++) {
        int worst = 0;
        for (int c = 0; c < 4; c++) {
            int d = abs((int)p[4 * i + c] - (int)g[4 * i + c]);
            sum += d;
            if (d > worst) worst = d;
        }
        if (worst > 48) off++;
    }
    free(p); free(g);
    double mean = sum / (double)(n * 4), share = (double)off / (double)n;
    snprintf(why, whylen, "golden %s: mean difference %.3f, %.3f%% of pixels off (see %s)",
             name, mean, 100 * share, frame);
    return mean < 1.0 && share < 0.003;
}

#endif
