/* session.h: the interactive app as a state machine, separate from the
 * window's event loop so tests can drive it with synthetic SDL events.
 *
 *   app_session *a = app_session_open(&opts, win, err, sizeof err);
 *   SDL_PushEvent(&key_event);          // or real input
 *   app_session_step(a, 1.0 / 60);      // handle queued events, advance, draw
 *   ... a->d->e[a->entry].s->clock.beat ...
 *   app_session_close(a);
 *
 * interactive.c owns the window and calls app_session_step with wall time;
 * tests call it with a fixed dt, and may set `target` to read pixels back.
 * The session shows either the picker or an open deck (a single scene is a
 * deck of one entry); leaving for the picker keeps the deck open.
 *
 * Files: session.c (keys, story navigation, the frame), picker.c, winconf.c
 * (window size and position), deck.c, ink.c (pen, pointer, blank screen),
 * scrub.c (the timeline bar), presenter.c (the second window), take.c
 * (recording a take with F9, and replaying one for an export).
 */
#ifndef TS_SESSION_H
#define TS_SESSION_H

#include <SDL2/SDL.h>
#include "app/app.h"
#include "app/deck.h"

/* ---- the scene picker (picker.c) ------------------------------------------ */

#define PICK_MAX 96
typedef struct pick_entry {
    char arg[512], title[128], summary[PRESET_DESCRIPTION_MAX + 256], detail[160], group[48];
    bool preset;          /* a preset, shown under its scene's card */
} pick_entry;
typedef struct pick_slot { float x, y, w, h; int page; bool head; } pick_slot;   /* page -1: filtered out */
typedef struct picker {
    pick_entry e[PICK_MAX];
    pick_slot slot[PICK_MAX];
    int n, sel, pages;
    char filter[64];    /* typed: only cards that mention it show */
    bool mouse_moved;   /* the mouse selects only after it moved in the picker */
    bool rest_set;      /* where the mouse was first seen (SDL reports a resting */
    float rest_x, rest_y;   /* mouse when the window opens: that is no move) */
} picker;

/* Decks, then scene kinds by group (scene_kind.group), each followed by
 * its presets of scenes/ by file name. */
void picker_fill(picker *p);
/* Where card i is (canvas units); false if it is filtered out or on
 * another page than the selected card. */
bool picker_card_rect(picker *p, int i, float *x, float *y, float *w, float *h);
/* Esc in the picker: clears the filter (true), or does nothing (false). */
bool picker_escape(picker *p);
/* Draws the picker; returns the index clicked or chosen with Enter, else -1. */
int  picker_frame(picker *p, const ui_input *in, const ui_theme *th, int fb_w, int fb_h);

/* ---- window size and position (winconf.c) --------------------------------- */

typedef struct winconf { int x, y, w, h; bool have_pos; } winconf;
/* The size to open at: the remembered one if it still fits a display, else
 * 16:9 within 85% of the usable area of the primary display (1600x900 at most). */
winconf winconf_load(void);
void    winconf_save(SDL_Window *w);
/* $XDG_CONFIG_HOME/tensorstage/window.ini or ~/.config/tensorstage/window.ini */
bool    winconf_path(char *out, size_t outlen);

/* ---- pen strokes, laser pointer, blank screen (ink.c) --------------------- */

#define INK_TRAIL 24
typedef struct ink_point { float x, y; } ink_point;
typedef struct ink_page {        /* the strokes drawn on one beat of one entry */
    int entry, beat;
    ink_point *pts;              /* strokes separated by NaN points */
    int n, cap;
} ink_page;
typedef struct ink {
    ink_page *pages;
    int n, cap;
    bool pen, drawing;           /* D toggles pen; drawing while the button is held */
    bool laser;                  /* L held */
    ink_point trail[INK_TRAIL];  /* recent pointer positions, newest last */
    double trail_t[INK_TRAIL];
    int trail_n;
} ink;

void ink_free(ink *k);
ink_page *ink_page_get(ink *k, int entry, int beat, bool create);
void ink_add_point(ink *k, int entry, int beat, float x, float y, bool new_stroke);
void ink_clear(ink *k, int entry, int beat);
void ink_trail_add(ink *k, float x, float y, double now);
/* Draws the strokes of (entry, beat) and, if the laser is on, the pointer at
 * (mx, my) with its trail. */
void ink_draw(const ink *k, int entry, int beat, const ui_theme *th, double now, float mx, float my);

/* ---- the session ------------------------------------------------------------ */

/* Widgets, timeline and pointer hide this long after the mouse last moved. */
#define CHROME_SECONDS 3.0

typedef struct take_rec take_rec;   /* a take being recorded (take.c) */

/* A session replaying a take for an export (take.c) has no window: it draws
 * into its target, writes no files, opens no presenter, and keeps of the
 * window's chrome only what the export asks for. */
typedef struct session_export {
    bool on;
    bool chrome;        /* --chrome: timeline, toasts, help and dialogs as live */
    bool cursor;        /* the pointer, drawn by the app (off with --no-cursor) */
    bool no_captions;   /* --no-captions */
    bool fullscreen;    /* the window's full-screen state, as recorded */
} session_export;

typedef struct app_session {
    gfx_window *win;
    gfx_target *target;          /* tests: draw here instead of the window */
    int target_w, target_h;      /* its size (also the mouse's window size) */
    const ui_theme *th;
    ui_ctx ui;
    picker pick;
    deck *d;                     /* NULL: nothing open */
    int entry;                   /* the entry shown */
    bool in_picker;              /* the picker is shown (d may stay open) */
    bool running, playing, help, captions, kiosk;
    bool dirty;                  /* the user drew, typed or clicked in a scene */
    bool confirm_quit;           /* Q with work on screen: asking */
    char confirm_open[512];      /* picking another scene with work open: asking */
    int blank;                   /* 0, 'b' black, 'w' white screen */
    double now;                  /* session seconds: the sum of dt */
    double speed;                /* playback speed, 0.25..4 */
    double last_motion;          /* when the mouse last moved (chrome shows) */
    app_view view;
    bool panning, left_down;
    float mouse_x, mouse_y;      /* window coordinates */
    bool mouse_moved;            /* this step */
    float ox, oy;                /* the mouse in overlay canvas units */
    ui_input in;                 /* this step's input, gathered from events */
    char digits[8];              /* a beat number being typed */
    char toast[256];
    double toast_until;
    bool want_shot;
    bool go_open;                /* the G go-to list */
    int go_sel, go_beat;
    bool scrubbing;              /* dragging on the timeline */
    ink ink;
    int fb_w, fb_h, win_w, win_h;
    double started;              /* session time the lecture was opened */
    bool presenter_toggle;       /* P this step */
    SDL_Window *pwin;            /* the presenter window, or NULL */
    SDL_Window *pmain;           /* the stage's window and their shared context */
    SDL_GLContext pgl;
    bool mouse_in;               /* the pointer is over the window */
    double ack_at;               /* when a press finished a beat's animation */
    bool jump_pending;           /* a jump (G, a typed number) waits a frame: */
    bool jump_shown;             /* the busy mark shows first, then the work */
    int jump_entry, jump_beat;
    take_rec *rec;               /* the take being recorded, or NULL */
    int take_key;                /* F9 presses this step: each starts or stops a take */
    session_export out;
} app_session;

/* Test seam (tests/app/test_window.c): the session the window loop of
 * app_interactive runs, while it runs (else NULL), for a loop hook to read. */
extern app_session *app_loop_session;

app_session *app_session_open(const app_options *o, gfx_window *win, char *err, size_t errlen);
void         app_session_close(app_session *a);
/* Handles every queued SDL event, advances the clock by dt * speed, draws
 * one frame. Returns false once the app should quit. */
bool         app_session_step(app_session *a, double dt);
/* The same step with the given events instead of SDL's queue (a take's replay). */
bool         app_session_step_events(app_session *a, double dt, const SDL_Event *ev, int n);
void         app_session_event(app_session *a, const SDL_Event *ev);
/* The scene on screen, or NULL in the picker. */
scene       *app_session_scene(const app_session *a);
/* Opens a scene, preset or deck in place of the current one. */
bool         app_session_load(app_session *a, const char *arg, char *err, size_t errlen);
/* True when nothing animates: the loop may wait for events. */
bool         app_session_idle(const app_session *a);

/* ---- story navigation (session.c) ---------------------------------------- */

void story_next(app_session *a);
void story_prev(app_session *a);
/* Jumps to beat (0-based, of the scene) of the current entry, at its start. */
bool story_jump(app_session *a, int beat);
void story_enter(app_session *a, int entry, int beat, bool at_end);
/* Goes to (entry, beat) after one frame that shows where it goes (the busy
 * mark), so a jump that has to compute (train) first is seen to be taken. */
void story_jump_to(app_session *a, int entry, int beat);
/* How much faster than the story's own durations the window plays beat
 * `beat`: 1 where the motion is the lesson, else enough that the beat
 * settles within SCENE_READABLE_S. */
double session_beat_rate(const scene_kind *k, int beat);
/* Where the window's screenshots go: $XDG_PICTURES_DIR, the PICTURES entry
 * of $XDG_CONFIG_HOME/user-dirs.dirs (xdg-user-dir's rule), or ~/Pictures;
 * false if none can be made. */
bool session_pictures_dir(char *out, size_t outlen);

/* ---- what is drawn over the scene (chrome.c) ------------------------------ */

/* Timeline, pen and pointer, the go-to list, a typed beat number, the quit
 * question and the blank screen, in overlay canvas units. */
void session_draw_overlay(app_session *a);
void session_draw_confirm(const app_session *a);

/* ---- the presenter view (presenter.c) ---------------------------------------- */

bool presenter_open(app_session *a, char *err, size_t errlen);
void presenter_close(app_session *a);
void presenter_toggle(app_session *a);
/* Takes the presenter window's own events (its mouse, its close button). */
bool presenter_event(app_session *a, const SDL_Event *ev);
/* Draws the presenter view into the bound framebuffer of fb_w x fb_h. */
void presenter_draw(const app_session *a, int fb_w, int fb_h);
/* Draws and shows the presenter window, then makes the stage current again. */
void presenter_frame(app_session *a);

/* ---- takes (take.c) --------------------------------------------------------- */

/* Called with every event the stage takes while a take records. */
void take_note(app_session *a, const SDL_Event *ev);
/* Called at the end of every step: F9 starts or stops a take here, between
 * two frames; a recording follows the window's size. */
void take_step_end(app_session *a);
/* Ends the take being recorded (if any) and saves it: on quit, and before
 * the stage leaves its scene or deck. */
void take_end(app_session *a);
/* The REC mark of a recording window (drawn by the overlay, never exported). */
void take_draw_mark(const app_session *a);

/* ---- the timeline bar (scrub.c) ------------------------------------------- */

/* Whether the bar shows now (mouse moved lately, or a drag is on). */
bool scrub_visible(const app_session *a);
/* Mouse input for the bar, in overlay canvas units; true if it took it. */
bool scrub_input(app_session *a, float cx, float cy, bool pressed, bool down);
void scrub_draw(const app_session *a, float cx, float cy);
/* The entry's time range [t0, t1] in its scene's story seconds. */
void scrub_range(const app_session *a, double *t0, double *t1);

#endif
