/* take.h: takes, a performance in the window recorded with F9 and exported
 * exactly by `record` and `render` (take.c: the file and the recording;
 * take_play.c: the replay).
 *
 * A take is what the stage was opened from (the preset and deck text
 * embedded), the session's state when F9 started it, and every input event
 * the stage took after, with its time on the session clock. Replaying it
 * steps a session (session.h) with those events at a fixed frame time, so
 * the export shows the performance as it was live, at any size.
 *
 *   take_player *p = take_player_open("my.take", err, sizeof err);
 *   take_player_begin(p, &(take_play_opts){.w = 3840, .h = 2160, .fps = 60, .cursor = true}, err, sizeof err);
 *   for (long i = 0; i < take_player_steps(p); i++) take_player_frame(p, target, i);
 *   take_player_close(p);
 *
 * Errors: false / NULL and one line in err, "FILE:LINE: what" for a fault
 * in the file (exit code 2 material).
 */
#ifndef TS_TAKE_H
#define TS_TAKE_H

#include "app/session.h"

#define TAKE_MAX_SETS 64
#define TAKE_MAX_FILES (DECK_MAX_ENTRIES + 1)
/* What the reader accepts, so a take exports within the command line's own
 * limits (--size: sides up to 3840, 3840x2160 pixels; --frames: 1,000,000,
 * which 2 hours at 120 fps stays under); the recorder stops a take before it
 * passes any of them (take_rec.c). */
#define TAKE_MAX_BYTES (64L << 20)
#define TAKE_MAX_EVENTS 4000000L
#define TAKE_MAX_SIDE 3840
#define TAKE_MAX_PIXELS (3840L * 2160)
#define TAKE_MAX_SECONDS 7200.0
/* Do w x h (a window's or a drawable's) fit a take? */
static inline bool take_size_ok(long w, long h) {
    return w >= 1 && h >= 1 && w <= TAKE_MAX_SIDE && h <= TAKE_MAX_SIDE && w * h <= TAKE_MAX_PIXELS;
}

enum { TAKE_SIZE = SDL_USEREVENT };   /* a take_event: the window's new size in take_event.size */

typedef struct take_event {
    double t;             /* seconds after the take began, on the session clock */
    SDL_Event ev;         /* as the stage took it, in the recorded window's coordinates */
    int size[4];          /* TAKE_SIZE: window w, h and drawable w, h */
} take_event;

typedef struct take_file { char *path, *text; int line0; } take_file;   /* line0: the file's line before its text */

typedef struct take {
    char source[512];                   /* the scene name, preset or deck that was open */
    char kinds[DECK_MAX_ENTRIES][32];   /* the scene kind of each entry */
    int nkinds;
    char *sets[TAKE_MAX_SETS];          /* --set overrides it was opened with */
    int nsets;
    int size[4];                        /* window w, h and drawable w, h at the start */
    int entry, beat;                    /* 0-based */
    double beat_time;
    double now, last_motion;            /* the session clock at the start; the last mouse move */
    float mouse_x, mouse_y;             /* window coordinates */
    bool mouse_in, left_down, panning;
    bool playing, captions, pen, laser, kiosk, fullscreen;
    const ui_theme *theme;
    double speed;
    app_view view;
    double duration;                    /* seconds from the start to the last frame */
    take_file files[TAKE_MAX_FILES];
    int nfiles;
    take_event *ev;
    long n, cap;
    int line_source, line_kinds, line_clock;   /* for messages about what the file says */
} take;

bool take_is_path(const char *arg);   /* ends in .take */
void take_free(take *t);
bool take_push(take *t, const take_event *e);   /* false: out of memory */
/* Reads and checks a take file (syntax, ranges, counts, that it is whole);
 * opening its scenes is take_player_open's. */
bool take_read(take *t, const char *path, char *err, size_t errlen);
/* Writes t to path atomically (kernel/fileio.h). */
bool take_write(const take *t, const char *path, char *err, size_t errlen);
/* Puts the session in the state the take starts from: entry, clock, view,
 * theme, pointer; help, dialogs, strokes and toasts closed. The live
 * recording and the replay both start with it, so they start alike. */
void take_apply(app_session *a, const take *t);

/* ---- replay (take_play.c) --------------------------------------------------- */

typedef struct take_player take_player;
typedef struct take_play_opts {
    int w, h, fps;                   /* the export's frames */
    bool chrome, cursor, no_captions;
    const ui_theme *theme;           /* NULL: the take's own */
} take_play_opts;

/* Reads the take and opens the session it starts from (no GL needed). */
take_player *take_player_open(const char *path, char *err, size_t errlen);
/* Refuses an export size whose canvas differs from the recorded window's
 * (the performance would not land on the same picture). */
bool   take_player_begin(take_player *p, const take_play_opts *o, char *err, size_t errlen);
const take *take_player_take(const take_player *p);
/* Frames of the whole take at the begun fps: frame i shows the stage
 * (i + 1) / fps seconds after F9 was pressed. */
long   take_player_steps(const take_player *p);
/* Steps the session to frame i (never backwards) and draws it into target. */
void   take_player_frame(take_player *p, gfx_target *target, long i);
scene *take_player_scene(const take_player *p);
void   take_player_close(take_player *p);

/* For render and record (headless.c): opens o->scene as a take and checks the
 * options that go with one. Returns an exit code, the error printed; on
 * success *p is begun and the export is frames [*first, *first + *frames). */
int take_export_open(const app_options *o, take_player **p, long *first, long *frames);
/* The recorded drawable size (for record's default --size); false if the
 * file cannot be read as a take. */
bool take_peek_size(const char *path, int *w, int *h);

#endif
