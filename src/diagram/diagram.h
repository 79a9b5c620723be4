/* diagram.h: the shared visual vocabulary every scene draws with.
 *
 * A scene composes its picture from a few kinds of element instead of
 * placing pixels: matrix, strip (one row or column of values), probability
 * bars, line plot, plane (scatter and background field), block diagram
 * (boxes, operator nodes, edges with animated flow), worked equation,
 * callout, legend, and text that fits its box. Each element takes its data
 * (a kernel tensor, or a few floats), a rectangle in canvas units, a small
 * style struct where zero means "default", and draws itself with the frame's
 * theme. Layout helpers hand out rectangles so scenes stop writing pixel
 * coordinates.
 *
 *   // in a scene's draw (st is the scene state, c its clock):
 *   dg_rect stage = dg_stage();
 *   dg_rect cols[3];
 *   dg_split_cols(stage, 3, DG_GAP, NULL, cols);
 *   dg_matrix(cols[0], &(dg_src){ .t = st->m.input, .lead = {0, 0} },
 *             &(dg_matrix_style){ .title = "input", .unit = "pixel" });
 *   dg_matrix(cols[1], &(dg_src){ .t = st->m.conv1, .lead = {0, ch},
 *                                 .explain = conv_explain, .user = st }, NULL);
 *
 * Hover is built in. Every cell, bar, point and box an element draws is a
 * hover item: the tensor's name, the index in PyTorch's shape, the exact
 * value and a provenance line from the scene's `explain` callback. The app
 * brackets the scene's draw with dg_frame_begin / dg_frame_end; the element
 * under the pointer is outlined and dg_frame_end draws one shared tooltip,
 * placed where it covers the least. The hovered item is also *linked*: in
 * the next frame every element that shows the same tensor element (a cell
 * in another matrix, a term of an equation) lights up with it.
 *
 * Draw stays pure: elements read the scene's data and the pointer position
 * the app passed in; they write only to the renderer and to this frame's
 * hover list. With no pointer (exports) nothing is hovered.
 *
 * Legibility is enforced here, not remembered by scenes: no text below
 * DG_TEXT_MIN canvas units (text that does not fit shrinks to that floor,
 * then wraps, then ends in an ellipsis, never overflows its box); every
 * colour map comes with a legend unless the style says no_legend; signed
 * data gets the diverging map centred on zero, magnitudes the sequential
 * one (DG_CMAP_AUTO decides from the data).
 *
 * Mathematics is typeset, never shown as markup: every text an element
 * draws or measures goes through dg_type (typeset.c), so any label, title
 * or term may say "x_{t-1}", "W_hh", "\bar{α}_t" or "\frac{a}{b}" and is set
 * with real sub- and superscripts, accents and fractions. Scenes draw
 * their own text with dg_type / dg_text too, never gfx_text, and size it
 * from the type scale below (DG_TEXT_FLOOR, DG_TEXT_REF); each text carries
 * a role (dg_role) that the layout test holds to its floor.
 *
 * Numbers are formatted by dg_fmt: significant digits, not fixed decimals,
 * so a reader never sees a wall of 0.00 (0 is "0", 0.00042 is "4.2e-4").
 *
 * Canvas: 1920 units wide and at least 1080 high; on 16:10 and 4:3 windows
 * the canvas grows taller (1200, 1440) instead of letterboxing, and
 * dg_stage() grows with it. Lay out from dg_stage(), never from constants.
 *
 * Errors: drawing never fails; degenerate input (NULL tensor, empty rect)
 * draws nothing.
 */
#ifndef TS_DIAGRAM_H
#define TS_DIAGRAM_H

#include <stdbool.h>
#include <stddef.h>
#include "gfx/gfx.h"
#include "kernel/tensor.h"
#include "ui/ui.h"

/* ---- sizes (canvas units) -------------------------------------------------- */

/* The type floor for projection (canvas units, 1080 tall): nothing below
 * DG_TEXT_FLOOR; captions, titles, headings, equations, legends, axis titles
 * and every label a beat's caption refers to at DG_TEXT_REF or more (the
 * layout test holds each text to the floor of its role, gfx_text_role). */
enum {
    DG_TEXT_FLOOR = 24,    /* tick labels and numbers in cells: the least */
    DG_TEXT_REF = 32,      /* what a caption refers to, titles, equations */
    DG_TEXT_MIN = DG_TEXT_FLOOR,   /* nothing is drawn smaller */
    DG_TEXT_SMALL = 24,    /* ticks, cell numbers at their largest is DG_TEXT_BODY */
    DG_TEXT_LABEL = 26,    /* row and column labels */
    DG_TEXT_BODY = 32,     /* notes, callouts, equations, axis titles, legends */
    DG_TEXT_H2 = 36,       /* element titles */
    DG_TEXT_TITLE = 52     /* a beat's headline */
};
#define DG_GAP 32.0f       /* default gutter between elements */

/* ---- frame (called by the app around a scene's draw) ----------------------- */

/* mouse_x/y in canvas units, negative when there is no pointer (exports).
 * time is the scene clock's story time, for animated flows. */
void dg_frame_begin(const ui_theme *th, float mouse_x, float mouse_y, double time);
/* Draws the tooltip of the hovered item, if any. */
void dg_frame_end(void);
/* Forgets the element hovered in the last frame, so the next frame starts
 * from none (a take's first frame, live and replayed alike). */
void dg_hover_forget(void);
const ui_theme *dg_theme(void);
double dg_time(void);

/* ---- layout ------------------------------------------------------------------ */

typedef struct dg_rect { float x, y, w, h; } dg_rect;
typedef struct dg_pt { float x, y; } dg_pt;

/* The area a scene draws in: the canvas inside a 3% safe margin (projectors
 * crop edges), above the caption bar. */
dg_rect dg_stage(void);
dg_rect dg_inset(dg_rect r, float m);
/* Cut a strip of height/width `size` off one side of *r (followed by `gap`);
 * *r keeps the rest. */
dg_rect dg_cut_top(dg_rect *r, float size, float gap);
dg_rect dg_cut_bottom(dg_rect *r, float size, float gap);
dg_rect dg_cut_left(dg_rect *r, float size, float gap);
dg_rect dg_cut_right(dg_rect *r, float size, float gap);
/* n columns (rows) with gutters; weights NULL = equal shares. */
void    dg_split_cols(dg_rect r, int n, float gap, const float *weights, dg_rect *out);
void    dg_split_rows(dg_rect r, int n, float gap, const float *weights, dg_rect *out);
/* rows x cols cells, row-major into out. */
void    dg_grid(dg_rect r, int rows, int cols, float gap, dg_rect *out);
/* The largest rectangle of aspect w/h inside r, aligned by GFX_LEFT/CENTER/
 * RIGHT | GFX_TOP/MIDDLE/BOTTOM. */
dg_rect dg_fit_aspect(dg_rect r, float aspect, int align);
dg_pt   dg_center(dg_rect r);
bool    dg_contains(dg_rect r, float x, float y);
/* Anchor points on a rectangle's sides, for edges. */
enum dg_side { DG_N, DG_S, DG_E, DG_W, DG_MID };
dg_pt   dg_anchor(dg_rect r, int side);

/* ---- text ---------------------------------------------------------------------- */

/* Text that fits its box: drawn at `size`, shrunk toward the floor of the
 * current role (dg_role: DG_TEXT_REF for labels, titles, headings,
 * equations, legends and axis titles, else DG_TEXT_FLOOR) if it is too wide, then wrapped onto as many lines as the box height allows,
 * then cut with an ellipsis. align is gfx_align within the box. Returns the
 * height used (top of the first line to the bottom of the last; 0 if none). */
float dg_text(dg_rect r, float size, int font, int align, gfx_color c, const char *utf8);
float dg_textf(dg_rect r, float size, int font, int align, gfx_color c, const char *fmt, ...);
/* A headline (DG_TEXT_TITLE, bold) with an optional second line under it
 * (dim); each shrinks to fit one line, then ends in an ellipsis. Returns the
 * height used. */
float dg_heading(dg_rect r, const char *title, const char *subtitle);

/* Typeset text (typeset.c): every text the diagram library draws or
 * measures goes through these, so labels may carry math markup (x_{t-1},
 * W_hh, σ^2, \hat{x}, \bar{α}, \frac{a}{b}, \sqrt{x}, \odot; the full
 * language is in typeset.c's top comment) and never show it raw. They work
 * like gfx_text / gfx_text_up / gfx_text_width (align, '\n' for lines,
 * returns the width); GFX_MONO text is literal. dg_type_extent gives the
 * width and the extent above the first baseline and below the last. */
float dg_type(float x, float y, float size, int font, int align, gfx_color c, const char *text);
float dg_type_up(float x, float y, float size, int font, int align, gfx_color c, const char *text);
float dg_type_width(float size, int font, const char *text);
void  dg_type_extent(float size, int font, const char *text, float *w, float *above, float *below);
/* Sets the role of the texts drawn next (GFX_ROLE_*; the layout test's
 * floor for each); returns the previous one, to restore. */
int   dg_role(int role);
/* The least size the current role allows (DG_TEXT_REF or DG_TEXT_FLOOR). */
float dg_role_floor(void);

/* ---- numbers ------------------------------------------------------------------- */

/* Formats v in at most max_chars characters (>= 4) with up to `sig`
 * significant digits (0 = 3): "0", "0.42", "-3.66", "0.0042", "4.2e-4", "1.2e5".
 * With plus, positive numbers get a "+". Returns out. */
char *dg_fmt(char *out, size_t n, float v, int sig, int max_chars, bool plus);

/* ---- data sources and hover ------------------------------------------------- */

/* Where an element's values come from: a kernel tensor, and which slice.
 * The element shows the last dim (strips, bars) or the last two dims
 * (matrices) with the leading indices fixed to lead[]. The tensor's name and
 * shape label the element and its tooltips ("conv1.out[0,3,5,7] = 0.42").
 * explain, if set, writes the provenance line for one element, given its
 * full index in the tensor's shape ("relu(Σ 9 products + bias)"). */
typedef struct dg_src {
    const ts_tensor *t;
    int lead[TS_MAX_DIMS];
    void (*explain)(const void *user, const int *idx, char *buf, size_t n);
    const void *user;
} dg_src;

/* An element of a tensor, for links (an equation's term, a callout). */
typedef struct dg_ref { const ts_tensor *t; int idx[TS_MAX_DIMS]; } dg_ref;

/* Registers a hover region by hand (a scene-specific shape): when the pointer
 * is inside r, it is outlined and the tooltip shows the item. Returns true
 * if it is the hovered item. Elements call this for every cell they draw. */
bool dg_hover_item(dg_rect r, const ts_tensor *t, const int *idx, float value,
                   void (*explain)(const void *, const int *, char *, size_t),
                   const void *user);
/* Hover region with free text (a box of a block diagram, a legend). */
bool dg_hover_text(dg_rect r, const char *fmt, ...);
/* True when the tensor element was hovered in the previous frame, anywhere
 * (directly or through a linked term); elements use it to light up. */
bool dg_linked(const ts_tensor *t, const int *idx);
/* The hovered tensor element of the previous frame (false if none).
 * out->t is for comparing with live tensors only: the scene may have freed
 * it since (a model rebuilt), so never dereference it. */
bool dg_hovered(dg_ref *out);
/* True when the previous frame's hovered element is an element of a tensor
 * with t's name (t: a live tensor); its index goes to idx (TS_MAX_DIMS). */
bool dg_hovered_in(const ts_tensor *t, int *idx);

/* ---- colour --------------------------------------------------------------------- */

enum { DG_CMAP_AUTO = 0, DG_CMAP_SEQ = 1, DG_CMAP_DIV = 2, DG_CMAP_GRAY = 3 };
/* A colour-blind-safe categorical palette (Okabe-Ito order), i >= 0 wraps. */
gfx_color dg_category(int i);
/* Marks log, for the contrast test: while a buffer is set, every
 * meaningful mark an element draws (bars, plot series, points, edges) is
 * recorded with the area around it (canvas units) and its colour; with
 * dg_marks_hide(true) marks are logged but drawn transparent, so what lies
 * behind them can be read back. Records past cap are counted only. */
typedef struct dg_mark_rec { dg_rect r; gfx_color c; } dg_mark_rec;
void dg_mark_log(dg_mark_rec *buf, int cap);
int  dg_mark_log_count(void);
void dg_marks_hide(bool hide);
/* A colour bar with lo/hi/mid ticks and a label, sized to stay legible.
 * Horizontal when r is wider than tall. cmap is DG_CMAP_SEQ/DIV/GRAY. */
void dg_legend(dg_rect r, float lo, float hi, int cmap, const char *label);

/* ---- matrix ---------------------------------------------------------------------- */

enum dg_matrix_mode { DG_HEAT = 0, DG_NUMBERS = 1, DG_HEAT_NUMBERS = 2 };

/* A rectangle of cells to outline (a sliding window, a pooling window), in
 * the slice's row and column indices, like r0/c0 (so it may cover padding);
 * color zero: accent. */
typedef struct dg_window { int r, c, rows, cols; gfx_color color; } dg_window;

typedef struct dg_matrix_style {
    int mode;                  /* DG_HEAT (numbers shown if cells are large enough
                                  when DG_HEAT_NUMBERS) */
    int cmap;                  /* DG_CMAP_AUTO: diverging if any value < 0 */
    float lo, hi;              /* colour range; both 0: from the data
                                  (symmetric about 0 for diverging) */
    const char *title;         /* NULL: the tensor name with the slice, "conv1.out[0,3]" */
    const char *unit;          /* legend label; NULL: "value" */
    bool no_title, no_legend, no_grid;
    const char *const *row_labels;   /* rows entries, or NULL for none */
    const char *const *col_labels;   /* cols entries; drawn rotated if long */
    int r0, c0, rows, cols;    /* a window of the slice; rows/cols 0 = all.
                                  r0/c0 may be negative and the window may pass
                                  the edge: those cells are zero padding */
    const dg_window *windows;  /* outlines drawn over the cells */
    int window_count;
    float max_cell;            /* largest cell height; 0 = 120 */
    float aspect;              /* cell width over height; 0 = 1 (square) */
    float reveal;              /* 0 or 1 = all cells; in (0,1) cells appear in
                                  reading order, for animations */
} dg_matrix_style;

/* Where a drawn matrix's cells are, so a scene can draw connectors and
 * overlays: cell (r, c) of the shown window is at
 * x + c * cw, y + r * ch. hover_r/hover_c is the hovered cell or -1. */
typedef struct dg_cells {
    float x, y, cw, ch;
    int rows, cols;
    int hover_r, hover_c;
    dg_rect bounds;            /* everything the element drew, labels included */
} dg_cells;

dg_cells dg_matrix(dg_rect r, const dg_src *src, const dg_matrix_style *s);
dg_rect  dg_cell_rect(const dg_cells *g, int r, int c);

/* ---- strip: one row or column of values --------------------------------------- */

typedef struct dg_strip_style {
    bool vertical;             /* a column (default: a row) */
    bool bars;                 /* bars from a zero line instead of colour cells */
    bool values;               /* numbers in or beside each cell */
    int cmap; float lo, hi;    /* as for the matrix */
    const char *title;         /* NULL: the tensor name with the slice */
    const char *const *labels; /* one per value, or NULL */
    bool no_title, no_legend;
    float max_cell;            /* 0 = 90 */
    float aspect;              /* colour cells' width over height; 0 = 1 */
    int start, count;          /* a range of the last dim; count 0 = all */
} dg_strip_style;

dg_cells dg_strip(dg_rect r, const dg_src *src, const dg_strip_style *s);

/* ---- probability bars ------------------------------------------------------------ */

typedef struct dg_bars_style {
    const char *title;
    const char *const *labels; /* class names, or NULL for 0..n-1 */
    bool sorted;               /* largest first (default: class order) */
    bool vertical;             /* bars grow up (default: rows growing right) */
    int  top;                  /* show only the top N when sorted (0 = all) */
    int  mark;                 /* the winner is marked; -1: none, 0: argmax,
                                  k+1: mark class k (a target) */
    gfx_color color;           /* 0: accent */
} dg_bars_style;

dg_cells dg_bars(dg_rect r, const dg_src *src, const dg_bars_style *s);

/* ---- line plot (immediate mode, implot style) --------------------------------- */

typedef struct dg_plot_style {
    const char *title, *xlabel, *ylabel;
    bool xlog, ylog;
    float x_lo, x_hi, y_lo, y_hi;   /* both 0: fitted to the series */
    bool no_legend;
} dg_plot_style;

typedef struct dg_series {
    const char *label;
    const float *x, *y;        /* x NULL: 0, 1, 2, ... */
    int n;
    gfx_color color;           /* 0: dg_category(series index) */
    float width;               /* 0 = 4 */
    bool points;               /* dots at the samples */
    const ts_tensor *t;        /* optional: hover names this tensor; y points
                                  into its data, and the hovered sample's
                                  index is that element's (a row or, with
                                  stride, a column of a [steps, k] tensor) */
    int stride;                /* y[i * stride]: 0 = 1 (added with plot.c,
                                  to plot a column of a matrix in place) */
} dg_series;

typedef struct dg_plot dg_plot;
dg_plot *dg_plot_begin(dg_rect r, const dg_plot_style *s);
void     dg_plot_line(dg_plot *p, const dg_series *s);
/* A shaded interval between lo[] and hi[] at x[]. */
void     dg_plot_band(dg_plot *p, const float *x, const float *lo, const float *hi,
                      int n, gfx_color c);
/* A moving marker at (x, y) with a label, and a vertical guide at x. */
void     dg_plot_marker(dg_plot *p, float x, float y, const char *label);
void     dg_plot_vline(dg_plot *p, float x, const char *label);
/* Axes, ticks, series, legend and hover; p is invalid afterwards. */
void     dg_plot_end(dg_plot *p);
/* Data to canvas coordinates of the current plot (between begin and end). */
dg_pt    dg_plot_to_canvas(const dg_plot *p, float x, float y);

/* ---- plane: 2-D points over an optional background field ---------------------- */

typedef struct dg_plane_style {
    const char *title, *xlabel, *ylabel;
    float x_lo, x_hi, y_lo, y_hi;   /* all 0: -3..3 square */
    bool no_axes;
    bool no_legend;            /* no field legend, and no column kept for it
                                  (added with plane.c: the column is laid out
                                  at begin, before any field is known) */
} dg_plane_style;

typedef struct dg_plane dg_plane;
dg_plane *dg_plane_begin(dg_rect r, const dg_plane_style *s);
/* A field over the plane's extent: grid [rows, cols], row 0 at the top
 * (y_hi). cmap DG_CMAP_*; lo == hi: from the data. A legend is drawn. */
void dg_plane_field(dg_plane *p, const dg_src *src, float lo, float hi, int cmap,
                    const char *unit);
/* A categorical field (the index of the winner per cell), in dg_category
 * colours at alpha 0.35; hovering a cell says "region of WHAT k" (what:
 * "class", "expert"...). */
void dg_plane_regions(dg_plane *p, const int *cls, int rows, int cols, const char *what);
/* Points xy [n, 2] from src's tensor (the last dim is 2); classes [n] or
 * NULL picks dg_category(classes[i]) per point (a negative class, none:
 * color), else color. */
void dg_plane_points(dg_plane *p, const dg_src *src, int n, const int *classes,
                     gfx_color color, float radius);
/* Arrows from xy[i] along dxy[i] * scale (gradients, predicted noise). */
void dg_plane_arrows(dg_plane *p, const float *xy, const float *dxy, int n,
                     float scale, gfx_color color);
/* Polylines through successive positions: traj [steps, n, 2]. */
void dg_plane_trails(dg_plane *p, const float *traj, int steps, int n, gfx_color color);
dg_pt dg_plane_to_canvas(const dg_plane *p, float x, float y);
/* The data point under canvas point (cx, cy) of a plane that would be laid
 * out in r with style s (for clicks handled in a scene's update, before
 * anything is drawn); false outside its data area. */
bool  dg_plane_point_at(dg_rect r, const dg_plane_style *s, float cx, float cy, float *x, float *y);
void  dg_plane_end(dg_plane *p);

/* ---- block diagram -------------------------------------------------------------- */

typedef struct dg_box_style {
    gfx_color fill, edge;      /* 0: theme panel / panel_edge */
    bool highlight;            /* accent edge */
    bool dim;                  /* drawn faded (a skipped expert) */
    const char *hover;         /* tooltip text, or NULL */
} dg_box_style;

/* A rounded box with a title strip; returns the content rect under it. */
dg_rect dg_box(dg_rect r, const char *title, const dg_box_style *s);

/* An operator node: a circle with a symbol ("+", "×", "σ", "tanh"). */
void dg_op(dg_pt c, float radius, const char *symbol, const dg_box_style *s);

enum dg_route { DG_STRAIGHT = 0, DG_ELBOW_H, DG_ELBOW_V, DG_CURVE };
typedef struct dg_edge_style {
    int route;                 /* DG_STRAIGHT, elbows (horizontal or vertical
                                  first) or a smooth curve */
    float width;               /* 0 = 4 */
    gfx_color color;           /* 0: theme text_dim */
    float alpha;               /* 0 = 1 */
    bool no_head;              /* default: an arrow head at b */
    const char *label;         /* at the middle of the edge */
    float flow;                /* > 0: dots travel a -> b at this speed
                                  (edges per second) on the scene clock */
    float bend;                /* elbows: 0 = an L with one corner (the
                                  horizontal leg first for DG_ELBOW_H); in
                                  (0,1) a Z whose middle leg sits at this
                                  fraction of the way from a to b, so the
                                  edge leaves and arrives along the same
                                  axis (box side to box side). Added with
                                  block.c: an L alone cannot join two boxes
                                  side by side at different heights. */
} dg_edge_style;

void dg_edge(dg_pt a, dg_pt b, const dg_edge_style *s);

/* ---- equation line -------------------------------------------------------------- */

/* One term of a worked equation: text, and optionally the tensor element it
 * shows. A linked term lights up when that element is hovered anywhere, and
 * hovering the term lights up the element. */
typedef struct dg_term {
    const char *text;
    dg_ref ref;                /* ref.t NULL: plain text (an operator) */
    gfx_color color;           /* 0: theme text */
    bool bold;
    /* optional provenance for the hovered term, as dg_src's explain */
    void (*explain)(const void *user, const int *idx, char *buf, size_t n);
    const void *user;
} dg_term;

/* Terms laid left to right, centred in r, shrunk to fit (never below
 * DG_TEXT_MIN; wraps onto a second line if needed). Returns the size used. */
float dg_equation(dg_rect r, const dg_term *terms, int n, float size);

/* ---- callout ---------------------------------------------------------------------- */

/* A short note in a box at r with a leader line to target. */
void dg_callout(dg_rect r, dg_pt target, const char *text);

#endif
