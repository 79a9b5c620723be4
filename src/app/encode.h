/* encode.h: record's output formats (by extension) and their ffmpeg command
 * lines; see encode.c for the formats and how each maps --quality. */
#ifndef TS_APP_ENCODE_H
#define TS_APP_ENCODE_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include "app/app.h"

typedef struct rec_format {
    const char *ext, *muxer, *encoder, *name;
    bool alpha;        /* can keep --transparent */
    bool even_sides;   /* yuv420p: width and height must be even */
} rec_format;

enum { REC_MAX_ARGS = 64 };
typedef struct rec_args {
    char *argv[REC_MAX_ARGS];
    int n;
    char store[1024];
    size_t used;
} rec_args;

const rec_format *rec_format_for(const char *path);   /* NULL: not a format we write */
const char *rec_format_list(void);                    /* for messages */
bool rec_preset_valid(const char *preset);            /* an x264 preset name */
/* The options that do not fit this format: false and one line in err. */
bool rec_options_ok(const rec_format *f, const app_options *o, char *err, size_t errlen);
/* Does the installed ffmpeg list this encoder (`ffmpeg -encoders`)? Gives up
 * after limit_s seconds or as soon as *stop is set (a signal), killing it. */
typedef enum { REC_PROBE_FOUND, REC_PROBE_MISSING, REC_PROBE_STOPPED, REC_PROBE_TIMEOUT, REC_PROBE_FAILED } rec_probe;
rec_probe rec_encoder_probe(const char *encoder, double limit_s, volatile sig_atomic_t *stop);
/* The probe's limit: 10 s, or TENSORSTAGE_FFMPEG_PROBE_S seconds (tests). */
double rec_probe_limit_s(void);
/* Waits for ffmpeg (pid, leader of its own process group) to exit and gives
 * its wait status; when *stop is set meanwhile, kills it at once. */
int rec_wait_ffmpeg(pid_t pid, volatile sig_atomic_t *stop);
/* ffmpeg's argv reading w x h RGBA frames on stdin and writing tmp. */
void rec_ffmpeg_argv(const rec_format *f, const app_options *o, int w, int h, const char *tmp, rec_args *a);

#endif
