/* spirals.c: the two-spirals data set (see spirals.h). */
#include "spirals.h"

#include <math.h>
#include "tensor.h"

void ts_two_spirals(float *x, int *y, int n, float noise, float turns, uint64_t seed) {
    TS_CHECK(n >= 2 && noise >= 0 && turns > 0);
    ts_rng r;
    ts_rng_seed(&r, seed);
    const int half = (n + 1) / 2;
    const double pi = 3.14159265358979323846;
    for (int i = 0; i < n; i++) {
        int c = i % 2;
        double t = (i / 2 + 0.5) / half;
        double a = 2 * pi * turns * t + (c ? pi : 0.0), rad = 2 * t;
        x[2 * i] = (float)(rad * cos(a)) + noise * ts_rng_normal(&r);
        x[2 * i + 1] = (float)(rad * sin(a)) + noise * ts_rng_normal(&r);
        y[i] = c;
    }
}
