/* encode.h: record's output formats (by extension) and their ffmpeg command
 * lines; see encode.c for the formats and how each maps --quality. */
#ifndef TS_APP_ENCODE_H
#define TS_APP_ENCODE_H

#include <stdbool.h>
#include <stddef.h>
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
/* Does the installed ffmpeg list this encoder (`ffmpeg -encoders`)? */
bool rec_encoder_available(const char *encoder);
/* ffmpeg's argv reading w x h RGBA frames on stdin and writing tmp. */
void rec_ffmpeg_argv(const rec_format *f, const app_options *o, int w, int h, const char *tmp, rec_args *a);

#endif
