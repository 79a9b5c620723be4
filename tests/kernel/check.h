/* check.h: the little harness every kernel test uses.
 *
 *   int main(void) {
 *       ts_arena a = {0};
 *       const ts_dump *fx = fixture_load("dense.json", &a);
 *       float out[6]; my_op(out, fixture(fx, "relu.in")->data, 6);
 *       check_close("relu", out, fixture(fx, "relu.out")->data, 6, 1e-5f, 1e-6f);
 *       return check_report();
 *   }
 *
 * Fixtures are dump-format JSON files in tests/fixtures (ctest runs the tests
 * there) written by tools/fixtures_*.py with PyTorch. check_close passes when
 * |got - want| <= atol + rtol * |want| for every element; on failure it prints
 * the first values side by side and the largest difference and where it is.
 * check_report prints "N passed, N failed" and returns the exit code.
 */
#ifndef TS_TEST_CHECK_H
#define TS_TEST_CHECK_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include "kernel/dump.h"

static int check_passed, check_failed;

#define CHECK(cond) \
    do { if (cond) check_passed++; else { check_failed++; \
         fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); } } while (0)

static inline const ts_dump *fixture_load(const char *path, ts_arena *a) {
    char err[256];
    const ts_dump *d = ts_dump_read(path, a, err, sizeof err);
    if (!d) { fprintf(stderr, "fixture: %s\n", err); exit(1); }
    return d;
}

static inline const ts_tensor *fixture(const ts_dump *d, const char *name) {
    const ts_tensor *t = ts_dump_find(d, name);
    if (!t) { fprintf(stderr, "fixture: no tensor '%s'\n", name); exit(1); }
    return t;
}

static inline int check_close(const char *what, const float *got, const float *want,
                              size_t n, float rtol, float atol) {
    size_t worst = 0; double maxdiff = 0; int bad = 0;
    for (size_t i = 0; i < n; i++) {
        double d = fabs((double)got[i] - (double)want[i]);
        if (!(d <= atol + rtol * fabs((double)want[i]))) bad = 1;   /* NaN fails */
        if (d > maxdiff || d != d) { maxdiff = d; worst = i; }
    }
    if (!bad) { check_passed++; return 1; }
    check_failed++;
    fprintf(stderr, "FAIL %s: max |diff| %.3g at [%zu] (got %.9g, want %.9g)\n",
            what, maxdiff, worst, got[worst], want[worst]);
    for (size_t i = 0; i < n && i < 6; i++)
        fprintf(stderr, "  [%zu] got %.9g want %.9g\n", i, got[i], want[i]);
    return 0;
}

static inline int check_report(void) {
    printf("%d passed, %d failed\n", check_passed, check_failed);
    return check_failed ? 1 : 0;
}

#endif
