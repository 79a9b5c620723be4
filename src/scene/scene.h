/* scene.h: what a scene is, how it is found, how its story is timed.
 *
 * A scene kind is one folder src/scenes/<name>/ whose file <name>.c defines
 *     const scene_kind scene_<name> = { .name = "<name>", ... };
 * The other files of the folder are that scene's model, story and drawing.
 * CMake finds every folder and lists it in the registry, so adding a scene
 * is adding its folder and a preset in scenes/. Scenes include the scene,
 * diagram, ui, gfx and kernel headers, never app headers.
 *
 * Lifecycle (all callbacks but `draw` and `dump` may change the state):
 *   defaults(st)              fill a zeroed state with the default story
 *   set(st, sec, key, value)  one preset key (untrusted: validate, never crash)
 *   init(st)                  build models and compute everything shown
 *   update(st, clock, ui)     per frame: input (via ui), recompute on change,
 *                             queue widgets and tooltips
 *   draw(st, clock, theme)    pure: reads state and clock, draws with gfx
 *   dump(st, clock, d)        every tensor shown at clock->beat, and params
 *   shutdown(st)              free what init allocated (the app frees st)
 *
 * Time: the story is a list of beats (caption + duration). The clock is the
 * only source of time: a beat index and seconds into it. Interactive mode
 * advances it by wall time and holds at the end of each beat until the next
 * key press (presenter behaviour); render and record set it from
 * frame / fps exactly, so a frame depends on its time, not on the machine.
 *
 * Errors: set and init return false and write one line into err (without the
 * file and line: the preset loader adds "FILE:LINE: ").
 */
#ifndef TS_SCENE_H
#define TS_SCENE_H

#include <stdbool.h>
#include <stddef.h>
#include "kernel/dump.h"

typedef struct ui_ctx ui_ctx;
typedef struct ui_theme ui_theme;
typedef struct ui_help_key ui_help_key;   /* { keys, what }: see ui/ui.h */

typedef struct scene_beat {
    const char *title;     /* a few words, shown in the beat strip */
    const char *caption;   /* one or two sentences: what happened, why it matters;
                              never about controls (it is in exported frames) */
    float duration;        /* seconds of animation before the beat holds */
    const char *hint;      /* optional: what the user can do here ("Draw on
                              the input"); shown only in the window */
    bool motion;           /* the motion is the lesson (a filter sliding,
                              training playing): the window plays it at full
                              length. Other beats it plays in at most
                              SCENE_READABLE_S, then holds (exports keep every
                              duration: there it is also the time to read) */
} scene_beat;

/* The longest a beat whose motion is not the lesson takes, in the window,
 * to settle into the picture its caption describes. */
#define SCENE_READABLE_S 1.5

typedef struct scene_clock {
    int    beat;           /* current beat, 0-based */
    double beat_time;      /* seconds into the beat, 0..duration */
    float  t;              /* beat_time / duration, 0..1 (linear) */
    double time;           /* seconds since the story began */
} scene_clock;

typedef struct scene_kind {
    const char *name;      /* "cnn": the command-line and preset name */
    const char *title;     /* "Convolutional networks" */
    const char *summary;   /* one line for the scene picker */
    const char *group;     /* the picker's group, as the study page groups
                              topics: "Vision", "Sequences and attention",
                              "Generative models", "Training techniques",
                              "Large models", "Setup" (a new name makes a
                              new group, after these) */
    const scene_beat *beats;
    int beat_count;
    size_t state_size;

    void (*defaults)(void *st);
    bool (*set)(void *st, const char *section, const char *key,
                const char *value, char *err, size_t errlen);
    bool (*init)(void *st, char *err, size_t errlen);
    void (*update)(void *st, const scene_clock *c, ui_ctx *ui);
    void (*draw)(const void *st, const scene_clock *c, const ui_theme *th);
    void (*dump)(const void *st, const scene_clock *c, ts_dump *d);
    void (*shutdown)(void *st);

    /* Optional: the keys and mouse actions this scene adds (drawing, picking
     * the query, editing), listed under the app's own in the help overlay. */
    const ui_help_key *help;
    int help_count;

    /* Optional: work the scene does by itself as frames go by (live
     * training), counted for `bench`: a total that only grows, and its name
     * ("live training steps"). bench reports it per second of frame time. */
    long (*work)(const void *st);
    const char *work_name;
    /* Optional: what the scene is recomputing off the frame (scene_work) for
     * the window's progress mark: a few words ("Sampling the chain") with
     * *progress 0..1, or NULL when nothing is. Exports never see one. */
    const char *(*busy)(const void *st, float *progress);
} scene_kind;

/* ---- registry ------------------------------------------------------------ */

int               scene_kind_count(void);
const scene_kind *scene_kind_at(int i);
const scene_kind *scene_kind_find(const char *name);      /* NULL if unknown */

/* ---- a live scene: a kind, its state and its clock ----------------------- */

typedef struct scene {
    const scene_kind *kind;
    void  *state;
    char   title[128];     /* the preset's title, or the kind's */
    char   source[512];    /* preset path, or the kind's name */
    scene_clock clock;
} scene;

/* Opens a scene by kind name ("cnn") or preset path ("scenes/x.scene").
 * On error returns NULL with "FILE:LINE: message" (or a plain message) in
 * err; every such error is the user's input (exit code 2). */
scene *scene_open(const char *name_or_path, char *err, size_t errlen);
/* A preset's syntax and keys checked without starting the scene (no init):
 * what the fuzz target (tests/fuzz) runs at speed. False and one line in err. */
bool   preset_check_keys(const char *path, char *err, size_t errlen);
void   scene_close(scene *s);
bool   scene_is_preset_path(const char *arg);
/* Command-line overrides "SECTION.KEY=VALUE" (--set), applied to every scene
 * opened afterwards, after its preset's keys and through the same set
 * callback; [scene] takes title only. The strings must outlive the scenes. */
void   scene_set_overrides(const char *const *sets, int n);
/* The overrides in effect (what a take records). */
int    scene_overrides(const char *const **sets);
/* Embedded sources: a take (app/take.h) carries the preset and deck files it
 * was recorded from. While a list is set, opening PATH as a preset (or as a
 * deck) reads TEXT instead of the file, and an error in it names SHOWN at
 * line LINE0 + its line. The strings must live until the list is unset
 * (scene_sources_set(NULL, 0)). */
typedef struct scene_source { const char *path, *text, *shown; int line0; } scene_source;
void   scene_sources_set(const scene_source *src, int n);
const scene_source *scene_source_find(const char *path);
/* Reads only the [scene] kind and title of a preset (for listings); false if
 * the file does not start with a valid [scene] section. */
bool   preset_peek(const char *path, char *kind, size_t kindlen, char *title, size_t titlelen);
/* A preset's [scene] description = ... (what it shows, one or two sentences,
 * for the picker's card); false if it has none. */
#define PRESET_DESCRIPTION_MAX 256
bool   preset_peek_description(const char *path, char *out, size_t outlen);

/* ---- host services (scene/host.c) ---------------------------------------- */

/* The folder that holds shaders/, assets/ and scenes/: $TENSORSTAGE_DATA,
 * next to the executable, in an install prefix, or the source tree. */
const char *scene_data_dir(void);
/* Seconds since the process began (monotonic), for measuring recomputes. */
double      scene_seconds(void);

/* ---- work off the frame (scene/work.c) ------------------------------------ */
/* Work longer than a frame (a 1000-step chain, a retrain) as a request the
 * frame makes and a result it collects later, so the window keeps drawing
 * the last finished state meanwhile:
 *
 *   w = scene_work_new(sample_chain, &st->worker_side, sizeof(chain_args));
 *   // update, every frame:
 *   if (scene_work_collect(w)) swap(&st->shown, &st->worker_side.out);
 *   if (wanted != asked) scene_work_request(w, &wanted);
 *
 * fn runs with ctx and a copy of the request's args, on the work's own
 * thread in the window (scene_work_threads(true), set by the app) and at
 * once on the caller's thread otherwise, so render, record, dump and take
 * playback collect the finished result in the frame that asked for it. fn
 * computes into buffers only it touches while it runs (ctx's), reports its
 * progress, may stop early when scene_work_superseded (returning false:
 * no result), and returns true with a finished result. One request runs at
 * a time; a newer request replaces the one waiting (never a queue). A
 * finished result is held for the frame: after collect returns true the
 * frame may read and swap ctx's buffers until its next collect or request,
 * and the worker starts nothing before that. The kernel stays
 * single-threaded inside one computation; fn must not touch what the frame
 * uses. scene_work_free waits for a running fn (which should check
 * superseded, true while freeing). */
typedef struct scene_work scene_work;
typedef bool (*scene_work_fn)(void *ctx, const void *args, scene_work *w);
scene_work *scene_work_new(scene_work_fn fn, void *ctx, size_t args_size);   /* NULL: out of memory */
void  scene_work_free(scene_work *w);
void  scene_work_request(scene_work *w, const void *args);
bool  scene_work_collect(scene_work *w);
/* Running, waiting or not yet collected (never true without threads). */
bool  scene_work_busy(scene_work *w);
float scene_work_progress(const scene_work *w);   /* 0..1 of the running request */
void  scene_work_report(scene_work *w, float done);   /* fn: progress 0..1 */
bool  scene_work_superseded(scene_work *w);           /* fn: a newer request waits */
/* The app turns threads on for the window; off (the default) runs requests at once. */
void  scene_work_threads(bool on);

/* ---- timeline ------------------------------------------------------------ */

double      scene_duration(const scene_kind *k);          /* whole story */
double      scene_beat_start(const scene_kind *k, int beat);
scene_clock scene_clock_at(const scene_kind *k, double time);   /* clamps */
scene_clock scene_clock_beat(const scene_kind *k, int beat, double beat_time);
/* Advances by dt seconds; with hold, stops at the end of the current beat. */
scene_clock scene_clock_advance(const scene_kind *k, scene_clock c, double dt, bool hold);
bool        scene_clock_at_end(const scene_kind *k, const scene_clock *c);

/* Easing and the vocabulary of time triggers inside a beat (t in 0..1). */
float ease_in_out(float t);                 /* cubic */
float ease_out(float t);                    /* cubic */
/* Eased progress of the sub-interval [a, b] of the beat: 0 before, 1 after. */
float scene_between(const scene_clock *c, float a, float b);
/* Linear progress of [a, b] (for counting steps, e.g. a sliding filter). */
float scene_between_linear(const scene_clock *c, float a, float b);

/* ---- preset values (helpers for scene set callbacks) --------------------- */

/* Each parses the whole value or fails with a message naming the key and the
 * accepted range, e.g. "stride must be 1..4, got 0". */
bool preset_int(const char *key, const char *value, int lo, int hi, int *out,
                char *err, size_t errlen);
bool preset_float(const char *key, const char *value, float lo, float hi,
                  float *out, char *err, size_t errlen);
bool preset_bool(const char *key, const char *value, bool *out,
                 char *err, size_t errlen);
/* A list of numbers separated by spaces, commas or newlines; exactly n unless
 * n_out is non-NULL, in which case 1..max are accepted and counted. */
bool preset_floats(const char *key, const char *value, float *out, int max,
                   int *n_out, float lo, float hi, char *err, size_t errlen);
bool preset_string(const char *key, const char *value, char *out, size_t outlen,
                   char *err, size_t errlen);
/* One of n names: *out is its index; the message lists them all
 * ("target must be one of ring, grid, moons, got 'spiral'"). */
bool preset_choice(const char *key, const char *value, const char *const *names, int n,
                   int *out, char *err, size_t errlen);
/* A path relative to the preset file being loaded (for images and the like). */
void preset_resolve_path(const char *value, char *out, size_t outlen);
/* The standard message for a key a scene does not know. */
bool preset_unknown(const char *section, const char *key, char *err, size_t errlen);
/* For checks that need every key (a query against the sentence's length):
 * called in init before it returns false, the error is reported at the line
 * where section/key was set. Does nothing outside a preset load or for a
 * key the preset did not set. */
void preset_error_key(const char *section, const char *key);

#endif
