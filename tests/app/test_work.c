/* test_work.c: work off the frame (scene_work in scene.h, scene/work.c).
 *
 * - Without threads (exports): a request runs at once; collect gives its
 *   result in the same frame, once.
 * - With threads (the window): a request runs behind the caller; requests
 *   made while one runs replace each other (the running one finishes, only
 *   the newest waiting one runs after it); a finished result is held until
 *   the frame's next collect or request, and nothing starts meanwhile;
 *   progress is reported; free waits for a running request.
 * Built once with -fsanitize=thread, it reports no race.
 */
#define _POSIX_C_SOURCE 200809L   /* nanosleep */
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "app_check.h"
#include "scene/scene.h"

typedef struct job { int value; int spin_ms; } job;

typedef struct side {
    atomic_int runs;       /* fn calls */
    atomic_int running;    /* inside fn */
    int result;            /* the worker's output buffer */
} side;

static void nap(int ms) {
    struct timespec t = { ms / 1000, (long)(ms % 1000) * 1000000L };
    nanosleep(&t, NULL);
}

static bool work_fn(void *ctx, const void *args, scene_work *w) {
    side *s = ctx;
    const job *j = args;
    atomic_fetch_add(&s->runs, 1);
    atomic_store(&s->running, 1);
    for (int i = 1; i <= 10; i++) {
        nap(j->spin_ms / 10);
        scene_work_report(w, (float)i / 10);
    }
    s->result = j->value * 10;
    atomic_store(&s->running, 0);
    return true;
}

/* Collects until a result comes (or about 5 s pass). */
static bool wait_collect(scene_work *w) {
    for (int i = 0; i < 1000; i++) {
        if (scene_work_collect(w)) return true;
        nap(5);
    }
    return false;
}

int main(void) {
    side s = { 0 };
    scene_work *w = scene_work_new(work_fn, &s, sizeof(job));
    CHECK(w != NULL, "new");

    /* without threads: at once */
    scene_work_request(w, &(job){ .value = 3, .spin_ms = 10 });
    CHECK(s.result == 30 && atomic_load(&s.runs) == 1, "ran at once: result %d", s.result);
    CHECK(!scene_work_busy(w), "not busy without threads");
    CHECK(scene_work_collect(w), "collected in the same frame");
    CHECK(!scene_work_collect(w), "collected once");

    /* with threads: behind the caller, newest request wins */
    scene_work_threads(true);
    scene_work_request(w, &(job){ .value = 4, .spin_ms = 200 });
    for (int i = 0; i < 200 && !atomic_load(&s.running); i++) nap(1);
    CHECK(atomic_load(&s.running) == 1, "the first request runs behind the caller");
    CHECK(scene_work_busy(w), "busy while it runs");
    for (int v = 5; v <= 9; v++) scene_work_request(w, &(job){ .value = v, .spin_ms = 100 });
    nap(120);
    float p = scene_work_progress(w);
    CHECK(p > 0 && p < 1, "progress reported: %g", p);
    CHECK(wait_collect(w), "the running request finishes");
    CHECK(s.result == 40, "its result is the first request's: %d", s.result);
    /* held: the waiting request does not start before the next collect */
    nap(60);
    CHECK(atomic_load(&s.runs) == 2 && !atomic_load(&s.running), "nothing starts while a result is held");
    CHECK(wait_collect(w), "the newest waiting request runs");
    CHECK(s.result == 90 && atomic_load(&s.runs) == 3, "only the newest (9) ran after it: result %d, %d runs",
          s.result, atomic_load(&s.runs));
    CHECK(!scene_work_collect(w) && !scene_work_busy(w), "then idle");

    /* free waits for a running request */
    scene_work_request(w, &(job){ .value = 1, .spin_ms = 100 });
    for (int i = 0; i < 200 && !atomic_load(&s.running); i++) nap(1);
    scene_work_free(w);
    CHECK(!atomic_load(&s.running) && s.result == 10, "free waited for the running request");
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
