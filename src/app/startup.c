/* startup.c: the start-up phases of startup.h, from the process's clocks and
 * /proc/self (Linux). Where /proc cannot be read, memory reads 0 and the
 * first phase is measured from startup_begin. */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "app/startup.h"

static startup_phase P[STARTUP_MAX];
static int np;
static double last_wall, last_cpu;
static double sub_wall, sub_cpu;   /* startup_add since the last mark */

static double clock_s(clockid_t id) {
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

double startup_cpu_seconds(void) { return clock_s(CLOCK_PROCESS_CPUTIME_ID); }

static double rss_mb(void) {
    long pages = 0, resident = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    if (!f) return 0;
    if (fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = 0;
    fclose(f);
    return (double)resident * (double)sysconf(_SC_PAGESIZE) / (1024.0 * 1024.0);
}

double startup_peak_mb(void) {
    char line[256];
    double kb = 0;
    FILE *f = fopen("/proc/self/status", "r");
    if (!f) return 0;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "VmHWM: %lf kB", &kb) == 1) break;
    fclose(f);
    return kb / 1024.0;
}

/* Seconds since the process started (field 22 of /proc/self/stat, in clock
 * ticks since boot), or 0 if unknown. */
static double since_exec(void) {
    char buf[1024];
    FILE *f = fopen("/proc/self/stat", "r");
    if (!f) return 0;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    const char *p = strrchr(buf, ')');   /* the command name may hold spaces */
    if (!p) return 0;
    unsigned long long start = 0;
    /* after ") ": state is field 3; starttime is field 22 */
    if (sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d %*d %*d %*d %llu",
               &start) != 1)
        return 0;
    double up = clock_s(CLOCK_BOOTTIME) - (double)start / (double)sysconf(_SC_CLK_TCK);
    return up > 0 ? up : 0;
}

void startup_begin(void) {
    np = 0;
    sub_wall = sub_cpu = 0;
    last_wall = clock_s(CLOCK_MONOTONIC);
    last_cpu = startup_cpu_seconds();
    P[np++] = (startup_phase){"exec + libraries", since_exec(), last_cpu, rss_mb()};
}

void startup_add(const char *name, double wall_s, double cpu_s) {
    if (np == STARTUP_MAX) return;
    P[np++] = (startup_phase){name, wall_s, cpu_s, rss_mb()};
    sub_wall += wall_s;
    sub_cpu += cpu_s;
}

void startup_mark(const char *name) {
    double w = clock_s(CLOCK_MONOTONIC), c = startup_cpu_seconds();
    if (np < STARTUP_MAX) P[np++] = (startup_phase){name, w - last_wall - sub_wall, c - last_cpu - sub_cpu, rss_mb()};
    last_wall = w;
    last_cpu = c;
    sub_wall = sub_cpu = 0;
}

int startup_count(void) { return np; }

const startup_phase *startup_at(int i) { return i >= 0 && i < np ? &P[i] : NULL; }
