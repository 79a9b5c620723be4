/* app_check.h: the check macro the app tests share. CHECK(cond, fmt, ...)
 * counts a pass, or counts a failure and prints FILE:LINE, the condition and
 * the formatted message; a test ends by reporting `passed` and `failed`.
 */
#ifndef TS_APP_CHECK_H
#define TS_APP_CHECK_H

#include <stdio.h>

static int passed, failed;

#define CHECK(cond, ...)                                                              \
    do {                                                                              \
        if (cond) {                                                                   \
            passed++;                                                                 \
        } else {                                                                      \
            failed++;                                                                 \
            fprintf(stderr, "%s:%d: check failed: %s: ", __FILE__, __LINE__, #cond); \
            fprintf(stderr, __VA_ARGS__);                                             \
            fputc('\n', stderr);                                                      \
        }                                                                             \
    } while (0)

#endif
