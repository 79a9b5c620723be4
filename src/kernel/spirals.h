/* spirals.h: the two-spirals toy classification set of the depth scenes.
 *
 *   float x[2 * 400]; int y[400];
 *   ts_two_spirals(x, y, 400, 0.08f, 1.5f, 1);
 *
 * Two interleaved arms turning `turns` times around the origin, class 0
 * and class 1 alternating (point i has class i % 2). Point i sits at
 * t = (i/2 + 0.5) / ceil(n/2) along its arm: radius 2t (so the set spans
 * about -2..2), angle 2 pi turns t, plus pi for class 1; then Gaussian
 * noise of std `noise` on each coordinate from a PCG32 stream seeded with
 * `seed` (the same seed gives the same points everywhere). x [n,2], y [n].
 */
#ifndef TS_SPIRALS_H
#define TS_SPIRALS_H

#include <stdint.h>

void ts_two_spirals(float *x, int *y, int n, float noise, float turns, uint64_t seed);

#endif
