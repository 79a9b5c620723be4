/* app.h: the application layer: command line, interactive window, headless
 * runner (render, record, bench), and what they share.
 *
 * Every mode draws a frame the same way (app_frame): scene update with this
 * frame's input, scene draw inside the zoom/pan view, widgets, then the
 * caption bar. So a PNG from `render` is the picture the window shows, minus
 * the chrome that exports leave out unless asked (--chrome).
 *
 * Exit codes: 0 success, 1 runtime failure, 2 bad usage or bad input.
 */
#ifndef TS_APP_H
#define TS_APP_H

#include <stdbool.h>
#include "gfx/gfx.h"
#include "scene/scene.h"
#include "ui/ui.h"

enum { APP_OK = 0, APP_FAIL = 1, APP_USAGE = 2 };

/* record's --quality, mapped per format (encode.c). */
typedef enum rec_quality { REC_HIGH, REC_LOW, REC_MEDIUM, REC_LOSSLESS } rec_quality;   /* 0: the default */

typedef struct app_options {
    const char *command;       /* "render", "record", ... or NULL for the window */
    const char *scene;         /* name or preset path */
    const char *out;
    int  width, height;        /* 0: 1920x1080 */
    int  fps;                  /* 0: 60 (render, record) */
    int  beat;                 /* 1-based; 0: whole story (render) / last (dump) */
    int  frames;               /* 0: as many as the story or beat takes */
    bool force;
    bool chrome;               /* widgets in exported frames */
    bool no_captions;
    bool fullscreen;
    bool kiosk;                /* chrome stays hidden: a teaching profile */
    bool presenter;            /* open the presenter window too */
    const ui_theme *theme;
    bool theme_set;            /* --theme was given (a take starts with it) */
    bool no_cursor;            /* a take's export leaves the pointer out */
    bool drag;                 /* bench: scripted slider drags (bench_drag.c) */
    /* export: part of the story, formats, extras */
    int  beat_from, beat_to;   /* --beats A-B (1-based, inclusive); 0: unset */
    bool has_from, has_to;
    double from_s, to_s;       /* --from / --to seconds (with has_from / has_to) */
    bool still;                /* render: one PNG, the settled end of the beat */
    bool transparent;          /* alpha 0 background (PNG frames, .mov) */
    bool subtitles;            /* record: .srt and .vtt beside the video */
    rec_quality quality;       /* REC_HIGH unless --quality */
    bool has_crf;
    int  crf;                  /* x264 --crf (with has_crf); else from quality */
    const char *preset;        /* x264 --preset; NULL: from quality */
} app_options;

typedef struct app_view {
    float zoom, pan_x, pan_y;  /* canvas view for wheel zoom and drag pan */
} app_view;

typedef struct app_frame_opts {
    const ui_theme *theme;
    bool captions, holding;
    app_view view;
    const ui_help_key *help;   /* non-NULL: the help overlay on top */
    int help_count;
    const char *toast;         /* a short message, faded by toast_alpha */
    float toast_alpha;
    bool safe;                 /* keep everything 3% inside the edges (projectors crop) */
    /* A deck's entry: the caption's dots cover beats first..last (when
     * ranged; else the whole story), and slide of slides (0: none) numbers
     * the beat in the whole deck. */
    bool ranged, more_entries;
    int first, last, slide, slides;
    /* Optional: drawn over the scene and captions, under help and toast, in
     * canvas units (the window's pen, pointer, timeline and dialogs). */
    void (*overlay)(void *user);
    void *overlay_user;
} app_frame_opts;

/* Runs the scene's update for this frame, then draws it into the bound
 * framebuffer of fb_w x fb_h pixels. */
void app_frame(scene *s, ui_ctx *ui, int fb_w, int fb_h, const app_frame_opts *o);

int app_main(int argc, char **argv);

/* Prints an error as exactly one line on stderr: control characters a value
 * may carry (a newline in an argument or a preset value) become spaces. */
void app_error(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;
int app_interactive(const app_options *o);

/* Test seam (tests/app/monkey.c): when set, the window loop calls the hook
 * at the top of every frame, before it reads events; the hook may push SDL
 * events or resize the window, and returns false to end the loop as Q would.
 * Nothing else sets it. */
typedef bool (*app_loop_hook_fn)(void *user);
extern app_loop_hook_fn app_loop_hook;
extern void *app_loop_hook_user;
int app_render(const app_options *o);
int app_record(const app_options *o);
int app_bench(const app_options *o);
/* bench --drag: every slider of every beat dragged through its range over n
 * frames each, timed; prints per slider and for the scene. */
int app_bench_drag(scene *s, ui_ctx *ui, gfx_target *target, int w, int h, const app_frame_opts *fo, int n);
/* Sorts v [n > 0] and gives its median and 95th percentile. */
void app_median_p95(double *v, long n, double *med, double *p95);

/* Refuses (returns false, message in err) if path exists and !force, or
 * cannot be written (kernel/fileio.h ts_out_check, which it is). */
bool app_output_ok(const char *path, bool force, char *err, size_t errlen);

#endif
