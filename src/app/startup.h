/* startup.h: where start-up goes, phase by phase, for `bench`.
 *
 * app_main calls startup_begin first thing: the first phase, "exec +
 * libraries", is the time from the process's start (the kernel's record of
 * it, in clock ticks: 10 ms resolution) to that call. After that, whoever
 * finishes a step calls startup_mark("what"): the phase runs from the
 * previous mark to now. Each phase keeps its wall time, the CPU time of the
 * whole process over it (all threads: llvmpipe's too), and the resident
 * memory at its end. startup_add records a phase measured elsewhere (inside
 * gfx_init) and moves the previous mark past it. Nothing is printed here.
 */
#ifndef TS_STARTUP_H
#define TS_STARTUP_H

#define STARTUP_MAX 16

typedef struct startup_phase {
    const char *name;        /* a string literal */
    double wall_s, cpu_s;
    double rss_mb;           /* resident memory at the phase's end */
} startup_phase;

void   startup_begin(void);
void   startup_mark(const char *name);
/* A phase of wall_s and cpu_s seconds that ended just before the next mark. */
void   startup_add(const char *name, double wall_s, double cpu_s);
int    startup_count(void);
const startup_phase *startup_at(int i);
/* Peak resident memory of the process so far (VmHWM), in MB. */
double startup_peak_mb(void);
/* The process's CPU time so far (all threads), in seconds. */
double startup_cpu_seconds(void);

#endif
