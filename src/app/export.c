/* export.c: the frame pipeline of render and record (see export.h).
 *
 * Three slots, one per pixel buffer; frame i uses slot i % 3 and moves
 *   FREE -> READING (export_push: read-back started, on the GL thread)
 *        -> QUEUED  (the next push, or finish: mapped, for the worker)
 *        -> DONE    (the worker has given it to the sink)
 *        -> FREE    (unmapped on the GL thread when the slot comes round again).
 * So while frame i is drawn, frame i-1's read-back may still run and frame
 * i-2 may be in the sink; a push waits only when the sink is three frames
 * behind. The mutex guards the slot states and the counters; the mapped
 * bytes are only read, by the worker, between QUEUED and DONE.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "app/export.h"
#include "scene/scene.h"

enum { SLOTS = 3 };
enum { FREE, READING, QUEUED, DONE };

struct export {
    export_desc d;
    gfx_readback *rb;
    pthread_t worker;
    pthread_mutex_t mu;
    pthread_cond_t cv;             /* any change of state, failed, closing or quit */
    int state[SLOTS];
    const uint8_t *mapped[SLOTS];  /* GL's rows, bottom-up, while QUEUED */
    long pushed;                   /* frames pushed (GL thread only, read under mu) */
    long written;                  /* frames through the sink */
    bool closing;                  /* finish: no frame will follow */
    bool quit;                     /* close: drop the rest */
    bool failed;
    char err[512];
    const uint8_t **rows;          /* worker: the frame's rows, top first */
    uint8_t *straight;             /* worker: the straight-alpha copy */
    double wait_s;
};

void export_straight_alpha(uint8_t *p, size_t n) {
    for (; n--; p += 4)
        if (p[3] && p[3] < 255)
            for (int c = 0; c < 3; c++) {
                unsigned v = (p[c] * 255u + p[3] / 2u) / p[3];
                p[c] = (uint8_t)(v > 255 ? 255 : v);
            }
}

/* The sink's view of a mapped slot: GL's bottom-up rows listed top first,
 * or copied and made straight alpha. */
static export_frame frame_of(export *x, const uint8_t *gl, long index) {
    size_t stride = (size_t)x->d.w * 4;
    for (int y = 0; y < x->d.h; y++) {
        const uint8_t *row = gl + (size_t)(x->d.h - 1 - y) * stride;
        if (x->straight) {
            uint8_t *dst = x->straight + (size_t)y * stride;
            memcpy(dst, row, stride);
            export_straight_alpha(dst, (size_t)x->d.w);
            row = dst;
        }
        x->rows[y] = row;
    }
    return (export_frame){.index = index, .w = x->d.w, .h = x->d.h, .rows = x->rows};
}

static void *worker_main(void *arg) {
    export *x = arg;
    pthread_mutex_lock(&x->mu);
    for (long i = 0;; i++) {
        int k = (int)(i % SLOTS);
        while (!x->quit && x->state[k] != QUEUED && !(x->closing && i == x->pushed))
            pthread_cond_wait(&x->cv, &x->mu);
        if (x->quit || x->state[k] != QUEUED) break;   /* quit, or every frame is written */
        bool skip = x->failed;
        pthread_mutex_unlock(&x->mu);
        char err[512] = "";
        bool ok = skip;
        if (!skip) {
            export_frame f = frame_of(x, x->mapped[k], i);
            ok = x->d.sink(x->d.user, &f, err, sizeof err);
        }
        pthread_mutex_lock(&x->mu);
        if (!skip && ok) x->written++;
        if (!ok && !x->failed) {
            x->failed = true;
            snprintf(x->err, sizeof x->err, "%s", err);
        }
        x->state[k] = DONE;
        pthread_cond_broadcast(&x->cv);
    }
    pthread_mutex_unlock(&x->mu);
    return NULL;
}

static bool stopped(const export *x) { return x->d.stop && *x->d.stop; }

/* Waits on cv for a while (the caller loops): a signal does not wake a
 * condition wait, so the stop flag is looked at every 20 ms. */
static void wait_a_little(export *x) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    t.tv_nsec += 20 * 1000000L;
    if (t.tv_nsec >= 1000000000L) { t.tv_sec++; t.tv_nsec -= 1000000000L; }
    pthread_cond_timedwait(&x->cv, &x->mu, &t);
}

export *export_open(const export_desc *d, char *err, size_t errlen) {
    export *x = calloc(1, sizeof *x);
    if (!x) { snprintf(err, errlen, "out of memory for the export"); return NULL; }
    x->d = *d;
    x->rows = malloc(sizeof *x->rows * (size_t)d->h);
    if (d->straight_alpha) x->straight = malloc((size_t)d->w * (size_t)d->h * 4);
    if (!x->rows || (d->straight_alpha && !x->straight)) {
        snprintf(err, errlen, "out of memory for %dx%d frames", d->w, d->h);
        goto fail;
    }
    x->rb = gfx_readback_new(d->target, SLOTS, err, errlen);
    if (!x->rb) goto fail;
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&x->cv, &ca);
    pthread_condattr_destroy(&ca);
    pthread_mutex_init(&x->mu, NULL);
    /* the worker starts with the stop signals blocked, so the GL thread gets them;
     * a SIGPIPE of its own (ffmpeg gone) stays pending and its write fails with EPIPE */
    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGHUP);
    sigaddset(&block, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &block, &old);
    int rc = pthread_create(&x->worker, NULL, worker_main, x);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc != 0) {
        snprintf(err, errlen, "cannot start the export thread: %s", strerror(rc));
        pthread_cond_destroy(&x->cv);
        pthread_mutex_destroy(&x->mu);
        goto fail;
    }
    return x;
fail:
    gfx_readback_free(x->rb);
    free(x->rows);
    free(x->straight);
    free(x);
    return NULL;
}

/* Maps the slot of the newest frame and queues it for the worker. */
static bool queue_newest(export *x) {
    int k = (int)((x->pushed - 1) % SLOTS);
    const uint8_t *p = gfx_readback_map(x->rb, k);   /* waits for the copy, outside the lock */
    pthread_mutex_lock(&x->mu);
    if (!p && !x->failed) {
        x->failed = true;
        snprintf(x->err, sizeof x->err, "the graphics driver could not map a read-back buffer");
    }
    x->mapped[k] = p;
    x->state[k] = p ? QUEUED : DONE;
    pthread_cond_broadcast(&x->cv);
    bool ok = !x->failed;
    pthread_mutex_unlock(&x->mu);
    return ok;
}

bool export_push(export *x) {
    int k = (int)(x->pushed % SLOTS);
    double t0 = scene_seconds();
    pthread_mutex_lock(&x->mu);
    while (x->state[k] != FREE && x->state[k] != DONE && !x->failed && !stopped(x)) wait_a_little(x);
    bool go = !x->failed && !stopped(x);
    int was = x->state[k];
    if (go) x->state[k] = READING;
    pthread_mutex_unlock(&x->mu);
    x->wait_s += scene_seconds() - t0;
    if (!go) return false;
    if (was == DONE) gfx_readback_unmap(x->rb, k);
    gfx_readback_start(x->rb, k);
    /* the previous frame's copy has had a whole frame of drawing to finish */
    bool ok = x->pushed == 0 || queue_newest(x);
    pthread_mutex_lock(&x->mu);
    x->pushed++;
    pthread_mutex_unlock(&x->mu);
    return ok && !stopped(x);
}

bool export_finish(export *x, char *err, size_t errlen) {
    err[0] = 0;
    double t0 = scene_seconds();
    bool ok = x->pushed == 0 || queue_newest(x);
    pthread_mutex_lock(&x->mu);
    x->closing = true;
    pthread_cond_broadcast(&x->cv);
    while (ok && x->written < x->pushed && !x->failed && !stopped(x)) wait_a_little(x);
    ok = x->written == x->pushed && !x->failed;
    if (x->failed) snprintf(err, errlen, "%s", x->err);
    pthread_mutex_unlock(&x->mu);
    x->wait_s += scene_seconds() - t0;
    return ok;
}

void export_close(export *x) {
    if (!x) return;
    pthread_mutex_lock(&x->mu);
    x->quit = true;
    pthread_cond_broadcast(&x->cv);
    pthread_mutex_unlock(&x->mu);
    pthread_join(x->worker, NULL);
    gfx_readback_free(x->rb);   /* unmaps what is still mapped */
    pthread_cond_destroy(&x->cv);
    pthread_mutex_destroy(&x->mu);
    free(x->rows);
    free(x->straight);
    free(x);
}

double export_wait_seconds(const export *x) { return x->wait_s; }
