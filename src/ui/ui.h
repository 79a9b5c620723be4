/* ui.h: themes and immediate-mode widgets in canvas units.
 *
 * A scene calls widgets from its update callback; each call reads this
 * frame's input and returns whether the value changed, and queues the widget
 * to be drawn after the scene (ui_draw), so a scene's draw stays a pure
 * function of its state. Widgets are identified by their label (plus an
 * optional "##id" suffix that is not shown), as in Dear ImGui.
 *
 *   // in update:
 *   if (ui_slider_int(ui, "stride", x, y, 360, &st->stride, 1, 3)) recompute(st);
 *   if (ui_hover(ui, cell_x, cell_y, cell_w, cell_h))
 *       ui_tooltipf(ui, "%.4f = sum of 9 products", value);
 *
 * The app owns one ui_ctx: ui_begin_frame with this frame's input, the scene
 * update, the scene draw, then ui_draw. With no input (headless render) the
 * widgets still draw, in their rest state. Whether widgets are drawn into
 * exported frames is the app's choice (ui_ctx.show_widgets).
 *
 * Widgets overlay the stage, they never take room from it: a scene lays
 * out its pictures as an export shows them (no widgets), and places its
 * controls over them inside a ui_panel, which draws a backing under them
 * and owns the mouse over it. So a slide stays put when the controls come
 * and go (the window shows them while the mouse moves).
 *
 * Text sizes are canvas units of the 1920x1080 canvas, chosen to be read
 * from the back of a lecture hall: nothing on screen is smaller than UI_SMALL.
 */
#ifndef TS_UI_H
#define TS_UI_H

#include <stdbool.h>
#include <stddef.h>
#include "gfx/gfx.h"

enum { UI_SMALL = 24, UI_LABEL = 26, UI_BODY = 32, UI_H2 = 40, UI_TITLE = 56 };
/* Height of the caption bar at the bottom of the canvas (ui_caption_bar). */
#define UI_CAPTION_H 150.0f

typedef struct ui_theme {
    const char *name;         /* "dark" or "light" */
    gfx_color bg, letterbox, panel, panel_edge;
    gfx_color text, text_dim, text_on_accent;
    gfx_color accent, accent2, accent3;  /* highlight, secondary, tertiary */
    gfx_color positive, negative;        /* signed values outside heatmaps */
    gfx_color grid, shadow;
    gfx_color category[8];    /* categorical series and classes (dg_category):
                                 each 3:1 on bg and on panel */
} ui_theme;

/* dark for dim rooms, light for ordinary projectors, projector for lit
 * rooms (black on white, deep colours). */
extern const ui_theme ui_theme_dark, ui_theme_light, ui_theme_projector;
#define UI_THEME_COUNT 3
extern const ui_theme *const ui_themes[UI_THEME_COUNT];
/* The theme of that name ("dark", "light", "projector"), or NULL. */
const ui_theme *ui_theme_named(const char *name);
/* The next theme in the cycle dark -> light -> projector -> dark (key T). */
const ui_theme *ui_theme_next(const ui_theme *th);

typedef struct ui_input {
    float mouse_x, mouse_y;   /* canvas units; negative when outside */
    bool  mouse_down;         /* left button held */
    bool  mouse_pressed;      /* went down this frame */
    bool  mouse_released;     /* went up this frame */
    bool  right_pressed;
    float wheel;              /* notches this frame, + is up */
    char  text[32];           /* UTF-8 typed this frame */
    int   keys[16];           /* SDL keycodes pressed this frame */
    int   key_count;
    bool  backspace, enter;
} ui_input;

#define UI_MAX_CMDS 512
#define UI_TEXT_POOL 32768

typedef struct ui_cmd ui_cmd;
struct ui_ctx {
    ui_input in;
    const ui_theme *theme;
    bool show_widgets;        /* false in exports unless --chrome */
    unsigned hot, active;     /* ids of the hovered and the dragged widget */
    unsigned focus;           /* text field with the keyboard */
    bool field_fresh;         /* focus just arrived: the field's text is selected */
    bool mouse_used;          /* a widget took this frame's mouse */
    int cmd_count;
    ui_cmd *cmds;
    char *pool; size_t pool_used;
    char tooltip[512];
    float tooltip_x, tooltip_y;
    /* ui_draw's texts in the gfx text log (gfx_text_log): records
     * [text_from, text_to) are the widgets' and the tooltip's, a layer over
     * the stage (the layout test checks them apart from the stage's). */
    int text_from, text_to;
};
typedef struct ui_ctx ui_ctx;

void ui_init(ui_ctx *ui, const ui_theme *theme);
void ui_shutdown(ui_ctx *ui);
void ui_begin_frame(ui_ctx *ui, const ui_input *in);
void ui_draw(ui_ctx *ui);          /* widgets, then the tooltip */

/* True if the mouse is inside the rectangle and no widget has taken it. */
bool ui_hover(const ui_ctx *ui, float x, float y, float w, float h);
/* True on the frame the rectangle is clicked (not taken by a widget). */
bool ui_clicked(const ui_ctx *ui, float x, float y, float w, float h);
bool ui_key(const ui_ctx *ui, int sdl_keycode);

bool ui_button(ui_ctx *ui, const char *label, float x, float y, float w, float h);
bool ui_toggle(ui_ctx *ui, const char *label, float x, float y, float w, bool *v);
bool ui_slider(ui_ctx *ui, const char *label, float x, float y, float w,
               float *v, float lo, float hi, const char *fmt);
bool ui_slider_int(ui_ctx *ui, const char *label, float x, float y, float w,
                   int *v, int lo, int hi);
/* Segmented choice: one of n labelled options. */
bool ui_choice(ui_ctx *ui, const char *id, float x, float y, float w, float h,
               const char *const *options, int n, int *v);
/* Single-line text field; returns true when Enter is pressed. */
bool ui_text_field(ui_ctx *ui, const char *id, float x, float y, float w,
                   char *buf, size_t buflen);
/* Gives the keyboard to the text field `id` (its label): a scene calls it
 * when a click opens a field (a clicked cell's value), so the next keys go
 * to the field, never to the app's shortcuts. Its text starts selected. */
void ui_focus(ui_ctx *ui, const char *id);
/* A backing for a group of widgets floating over the stage: drawn under
 * them (when widgets show) and owning the mouse over it, so the picture
 * beneath neither hovers nor takes clicks there. Call it before the group. */
void ui_panel(ui_ctx *ui, float x, float y, float w, float h);
/* Where the n-th text field queued this frame is (for tests and tours);
 * false if there are fewer. */
bool ui_field_rect(const ui_ctx *ui, int n, float *x, float *y, float *w, float *h);
/* The same for the n-th slider (ui_slider, ui_slider_int) or button, with its
 * label (valid until the next frame): for bench's scripted drags. */
bool ui_slider_rect(const ui_ctx *ui, int n, float *x, float *y, float *w, float *h, const char **label);
bool ui_button_rect(const ui_ctx *ui, int n, float *x, float *y, float *w, float *h, const char **label);
void ui_tooltipf(ui_ctx *ui, const char *fmt, ...);
/* Height of a widget row (slider, toggle) in canvas units. */
float ui_row_height(void);

/* ---- app chrome drawn by the app (overlay.c) ------------------------------ */

typedef struct ui_help_key { const char *keys, *what; } ui_help_key;

/* The caption bar at the bottom: one dot per beat of the part of the story
 * shown (first..last), the beat's title and caption, a hint about controls
 * (NULL in exported frames), and for a deck the slide's number in it. */
typedef struct ui_caption {
    int beat, first, last;     /* scene beats, 0-based; first..last: this entry's */
    const char *title, *caption, *hint;
    float t;                   /* progress through the beat, 0..1 */
    bool holding;              /* settled: the next press goes on */
    bool more_entries;         /* a deck goes on after `last` */
    int slide, slides;         /* deck-wide, 0-based; slides 0: not shown */
} ui_caption;
void ui_caption_bar(const ui_theme *th, const ui_caption *c);
/* The app's keys in the left column, the scene's own (if any) under its
 * name in the right one. */
void ui_help_overlay(const ui_theme *th, const ui_help_key *keys, int n,
                     const char *scene_name, const ui_help_key *scene_keys, int scene_n);
/* A card for the scene picker; returns its height. */
void ui_card(const ui_theme *th, float x, float y, float w, float h,
             const char *title, const char *summary, const char *detail, bool hot);
void ui_toast(const ui_theme *th, const char *msg, float alpha);
/* The scrubbing timeline: n beats starting at fractions starts[i] of the
 * track (numbered numbers[i] on screen), the play head at pos (0..1), beat
 * `hover` (or -1) highlighted with its label above it; faded by alpha. */
void ui_timeline(const ui_theme *th, float x, float y, float w, float h, const float *starts,
                 const int *numbers, int n, float pos, int hover, const char *hover_label,
                 float alpha);

#endif
