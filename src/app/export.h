/* export.h: the frame pipeline of render and record: drawing, read-back and
 * writing overlap, so an export is as fast as its slowest stage, not their sum.
 *
 *   export *x = export_open(&(export_desc){.target = t, .w = w, .h = h, .sink = write,
 *                                          .user = &ctx, .stop = &flag}, err, sizeof err);
 *   for (i = 0; i < n; i++) {
 *       draw frame i into t;
 *       if (!export_push(x)) break;          // the sink failed, or *stop was set
 *   }
 *   ok = !flag && export_finish(x, err, sizeof err);   // every frame through the sink
 *   export_close(x);                         // joins the worker on every path
 *
 * The caller's thread (the GL context's) draws frame i and starts its
 * read-back into one of three pixel buffers (gfx_readback); the buffer of
 * frame i-1 is mapped and handed to a worker thread, which calls the sink
 * with it (ffmpeg's pipe, a PNG file) while frame i+1 is drawn. Frames reach
 * the sink one at a time, in order, exactly as drawn. The worker never gets
 * the stop signals (SIGINT, SIGTERM, SIGHUP, SIGPIPE): the caller's thread sees them, stops pushing, and must
 * unblock a sink that waits on its output (record kills ffmpeg) before
 * export_close, which drops the frames not yet written and joins.
 *
 * Errors: export_open returns NULL and one line in err; a sink's failure
 * stops the worker, makes export_push return false, and is reported by
 * export_finish.
 */
#ifndef TS_APP_EXPORT_H
#define TS_APP_EXPORT_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "gfx/gfx.h"

typedef struct export_frame {
    long index;                   /* 0 for the first frame pushed */
    int w, h;
    const uint8_t *const *rows;   /* h rows of w*4 bytes RGBA, top row first */
} export_frame;

/* Writes one frame; false and one line in err (may be empty) on failure.
 * Runs on the worker thread. */
typedef bool (*export_sink)(void *user, const export_frame *f, char *err, size_t errlen);

typedef struct export_desc {
    gfx_target *target;
    int w, h;                      /* the target's size */
    export_sink sink;
    void *user;
    bool straight_alpha;           /* un-premultiply (see export_straight_alpha) */
    volatile sig_atomic_t *stop;   /* set by a signal handler; NULL: none */
} export_desc;

typedef struct export export;

export *export_open(const export_desc *d, char *err, size_t errlen);
/* Hands on the frame just drawn into the target, waiting while every buffer
 * is in flight. False once the sink has failed or *stop is set. */
bool export_push(export *x);
/* Waits until the sink has written every frame pushed. False if it failed
 * (its line in err) or *stop was set (err empty). */
bool export_finish(export *x, char *err, size_t errlen);
/* Drops what is not written yet, joins the worker, frees. NULL is fine. */
void export_close(export *x);
/* Seconds export_push spent waiting for the sink: the export's time not
 * spent drawing. */
double export_wait_seconds(const export *x);

/* Premultiplied alpha (what blending leaves in the target) to straight
 * alpha (what PNG and video files hold), in place, for n RGBA pixels. */
void export_straight_alpha(uint8_t *rgba, size_t n);

#endif
