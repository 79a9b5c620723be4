/* work.c: work off the frame (scene.h, "host services"): one worker thread
 * per scene_work, one request running at a time, the newest request
 * waiting behind it (older waiting ones are dropped), and a finished result
 * held for the frame to collect. Outside the window (scene_work_threads off,
 * the default) a request runs at once on the caller's thread, so render,
 * record, dump and take playback see the finished result in the same frame.
 *
 * States, under the mutex: `running` (the worker is inside fn), `pending`
 * (a request waits), `ready` (a finished result waits to be collected),
 * `held` (collected: the frame reads or swaps the result's buffers; the worker
 * starts nothing until the frame's next collect or request). The worker
 * starts a pending request only when nothing is ready or held, so it never
 * writes buffers the frame may be reading.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include "scene/scene.h"

struct scene_work {
    scene_work_fn fn;
    void *ctx;
    size_t args_size;
    unsigned char *run_args, *next_args;
    pthread_t thread;
    bool started;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    bool running, ready, held;
    atomic_bool quit;
    atomic_bool pending;       /* read by fn through scene_work_superseded */
    atomic_int permille;       /* progress of the running request */
};

static atomic_bool threads_on;

void scene_work_threads(bool on) { atomic_store(&threads_on, on); }

scene_work *scene_work_new(scene_work_fn fn, void *ctx, size_t args_size) {
    scene_work *w = calloc(1, sizeof *w);
    if (!w) return NULL;
    w->fn = fn;
    w->ctx = ctx;
    w->args_size = args_size;
    w->run_args = calloc(1, args_size ? args_size : 1);
    w->next_args = calloc(1, args_size ? args_size : 1);
    if (!w->run_args || !w->next_args || pthread_mutex_init(&w->mu, NULL) != 0) {
        free(w->run_args);
        free(w->next_args);
        free(w);
        return NULL;
    }
    pthread_cond_init(&w->cv, NULL);
    return w;
}

static void *worker(void *p) {
    scene_work *w = p;
    pthread_mutex_lock(&w->mu);
    for (;;) {
        while (!atomic_load(&w->quit) && !(atomic_load(&w->pending) && !w->ready && !w->held))
            pthread_cond_wait(&w->cv, &w->mu);
        if (atomic_load(&w->quit)) break;
        unsigned char *t = w->run_args;
        w->run_args = w->next_args;
        w->next_args = t;
        atomic_store(&w->pending, false);
        atomic_store(&w->permille, 0);
        w->running = true;
        pthread_mutex_unlock(&w->mu);
        bool done = w->fn(w->ctx, w->run_args, w);
        pthread_mutex_lock(&w->mu);
        w->running = false;
        if (done) w->ready = true;
        pthread_cond_broadcast(&w->cv);
    }
    pthread_mutex_unlock(&w->mu);
    return NULL;
}

void scene_work_free(scene_work *w) {
    if (!w) return;
    if (w->started) {
        pthread_mutex_lock(&w->mu);
        atomic_store(&w->quit, true);
        pthread_cond_broadcast(&w->cv);
        pthread_mutex_unlock(&w->mu);
        pthread_join(w->thread, NULL);
    }
    pthread_cond_destroy(&w->cv);
    pthread_mutex_destroy(&w->mu);
    free(w->run_args);
    free(w->next_args);
    free(w);
}

void scene_work_request(scene_work *w, const void *args) {
    if (!atomic_load(&threads_on) && !w->started) {   /* at once, on this thread */
        memcpy(w->run_args, args, w->args_size);
        w->held = false;
        atomic_store(&w->permille, 0);
        w->ready = w->fn(w->ctx, w->run_args, w);
        return;
    }
    pthread_mutex_lock(&w->mu);
    if (!w->started) w->started = pthread_create(&w->thread, NULL, worker, w) == 0;
    memcpy(w->next_args, args, w->args_size);
    atomic_store(&w->pending, true);
    w->held = false;
    pthread_cond_broadcast(&w->cv);
    pthread_mutex_unlock(&w->mu);
}

bool scene_work_collect(scene_work *w) {
    if (!w->started) {
        bool r = w->ready;
        w->ready = false;
        w->held = r;
        return r;
    }
    pthread_mutex_lock(&w->mu);
    bool r = w->ready;
    w->ready = false;
    w->held = r;
    pthread_cond_broadcast(&w->cv);
    pthread_mutex_unlock(&w->mu);
    return r;
}

bool scene_work_busy(scene_work *w) {
    if (!w->started) return false;
    pthread_mutex_lock(&w->mu);
    bool b = w->running || atomic_load(&w->pending) || w->ready;
    pthread_mutex_unlock(&w->mu);
    return b;
}

float scene_work_progress(const scene_work *w) { return (float)atomic_load(&w->permille) / 1000.0f; }

void scene_work_report(scene_work *w, float done) {
    int p = (int)(done * 1000.0f);
    atomic_store(&w->permille, p < 0 ? 0 : p > 1000 ? 1000 : p);
}

bool scene_work_superseded(scene_work *w) { return atomic_load(&w->pending) || atomic_load(&w->quit); }
