/* host.c: the services a scene may use from its host, with no app or SDL
 * dependency: where the data folder is and a monotonic clock for measuring
 * recompute time. The app, tools and tests all get the same answers. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "scene/scene.h"

static bool has_data(const char *dir) {
    char p[PATH_MAX + 32];
    snprintf(p, sizeof p, "%s/shaders", dir);
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

const char *scene_data_dir(void) {
    static char dir[PATH_MAX];
    if (dir[0]) return dir;
    const char *env = getenv("TENSORSTAGE_DATA");
    if (env && has_data(env)) { snprintf(dir, sizeof dir, "%s", env); return dir; }
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = 0;
        char *slash = strrchr(exe, '/');
        if (slash) *slash = 0;
        const char *cands[] = {"%s", "%s/..", "%s/../share/tensorstage"};
        for (int i = 0; i < 3; i++) {
            char c[PATH_MAX + 32];
            snprintf(c, sizeof c, cands[i], exe);
            if (has_data(c)) { snprintf(dir, sizeof dir, "%s", c); return dir; }
        }
    }
    snprintf(dir, sizeof dir, "%s", TS_SOURCE_DIR);
    return dir;
}

double scene_seconds(void) {
    static struct timespec start;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (!start.tv_sec && !start.tv_nsec) start = now;
    return (double)(now.tv_sec - start.tv_sec) + 1e-9 * (double)(now.tv_nsec - start.tv_nsec);
}
