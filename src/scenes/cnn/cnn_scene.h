/* cnn_scene.h: the cnn scene's state and layout, shared by its files.
 *
 *   cnn.c          beats, preset keys, init, update (the brush, buttons), dump
 *   cnn_layout.c   where things go, shared by update's hit tests and draw
 *   cnn_draw.c     draw: one function per beat, on the diagram library
 *   cnn_explain.c  hover provenance: where each shown element came from
 *   cnn_play.c     the filter playground (beat 9): filters, output size, drawing
 *   cnn_measure.c  the one-pixel shift (beat 6) and the worked conv2 cell (beat 7)
 *   cnn_model.c    the network; cnn_digits.c and cnn_strokes.c the trainer's digits
 */
#ifndef TS_CNN_SCENE_H
#define TS_CNN_SCENE_H

#include <stdbool.h>
#include "kernel/dump.h"
#include "kernel/tensor.h"
#include "scene/scene.h"
#include "scenes/cnn/cnn_model.h"
#include "diagram/diagram.h"
#include "ui/ui.h"

/* beats, 0-based */
enum { B_INPUT, B_FILTER, B_SLIDE, B_MAPS, B_RELU, B_POOL, B_DEEP, B_RECAP, B_PLAY, B_COUNT };

typedef struct cnn_state cnn_state;

/* Where things go (cnn_layout.c), from dg_stage(): update and draw share it. */
typedef struct cnn_lay {
    dg_rect stage, main;         /* main: the stage right of the input column */
    dg_rect input_title, input, input_legend;   /* input: the 28x28 grid, square */
    dg_rect strip, clear, sample[10];           /* the buttons under it */
} cnn_lay;
void cnn_layout(int beat, cnn_lay *L);
/* The input shows `pad` cells of zero padding around the image in beats
 * 2-3 (1) and 9 (the playground's padding); the image's 28 x 28 cells then
 * fill this rect inside L->input. */
int     cnn_input_pad(const cnn_state *st, int beat);
dg_rect cnn_input_image(const cnn_lay *L, int pad);

typedef struct cnn_play_lay {
    dg_rect filter_title, filter, filter_legend, edit, formula, out, widgets;
} cnn_play_lay;
void cnn_play_layout(const cnn_lay *L, int k, cnn_play_lay *P);

/* the playground */
enum { PLAY_VERTICAL, PLAY_HORIZONTAL, PLAY_BLUR, PLAY_SHARPEN, PLAY_CUSTOM, PLAY_KINDS };
#define PLAY_MAX_K 5
#define PLAY_MAX_OUT (CNN_IN + 2 * 2)   /* k 3, pad 2, stride 1 */


struct cnn_state {
    /* preset */
    char image_path[1024];       /* resolved; empty: a sample */
    int sample;                  /* 0..9 when no image */
    int channel;                 /* the conv1 filter the story follows (0-based) */
    bool channel_auto;           /* channel = auto: chosen at init (cnn_init) */
    int play_kind, stride, padding, ksize;
    float custom[PLAY_MAX_K * PLAY_MAX_K];
    int custom_k;                /* 0: no custom values given */
    bool invert;                 /* dark ink on a light image */

    /* model and activations */
    ts_arena arena;
    cnn_model m;
    cnn_acts x;                  /* n = 1 */
    ts_tensor *samples;          /* [10,1,28,28] from the weights file */
    float held_out_font, held_out_stroke;   /* from the weights file */
    float train_font, train_stroke;
    float image[CNN_IN * CNN_IN];/* the preset's image (or sample) for "reset" */

    /* derived for display (recomputed with the activations) */
    float c1_max, a1_max, c2_max, a2_max, w1_max, fc_max;
    int pred;
    int clipped1, clipped2;      /* ReLU zeros */
    int focus_r, focus_c;        /* strongest response of `channel` in conv1.out */
    int work_r, work_c;          /* beat 2's worked patch (cnn_pick_patch) */
    int ink_r0, ink_r1;          /* rows that hold ink (beat 3 sweeps them), ink_r0 > ink_r1 if none */
    int zoom_r, zoom_c;          /* top-left of the zoomed 7x7 input patch (beat 1) */
    float in_mean;               /* mean pixel value */
    int in_ink;                  /* pixels above 0.5 */

    /* playground */
    ts_tensor *filter, *fout;    /* [1,1,k,k], [1,1,oh,ow] (shapes set on recompute) */
    int oh, ow;
    float fout_max;
    char fit_note[200];          /* "" when the stride divides the span */
    int edit_cell;               /* selected filter cell, -1 none */
    char edit_buf[24];

    /* derived tensors the story shows */
    ts_tensor *products;         /* [8, 784, 3, 3]: input patch x filter at every position */

    /* cnn_measure.c: beat 6, the input shifted one pixel right through the
     * same network; beat 7, one conv2 cell worked over the eight pool1 maps */
    cnn_acts xs;
    float shift_relu1_changed, shift_pool1_changed, shift_pool2_changed;   /* shares of active cells */
    int shift_active1, shift_activep, shift_active2;  /* active cells counted */
    float shift_logit_change;                         /* max |change| of a logit */
    int shift_pred;
    int w2_ch, w2_r, w2_c;       /* the worked conv2 cell (relu2's strongest) */
    ts_tensor *w2_patch;         /* [8,3,3] pool1 around it, zero padding */
    ts_tensor *w2_partial;       /* [8] each map's 9 products summed */

    /* interaction */
    bool drawing;
    float last_x, last_y;
    double recompute_ms;         /* last full forward (for the report and the bench) */
    int recomputes;
};

extern const scene_beat cnn_beats[B_COUNT];

/* cnn.c */
void cnn_recompute(cnn_state *st);
/* The centre (r, c) of the 3x3 input patch under conv1 filter k that makes
 * the most telling worked example: the largest spread of its nine products
 * (max - min) times the patch's contrast (max - min pixel), so the patch
 * straddles a stroke's edge and the products have both signs; never an
 * all-zero padding patch while the image has ink. Returns the score. */
float cnn_pick_patch(const cnn_state *st, int k, int *r, int *c);

/* cnn_measure.c: allocate (after the activations), recompute, dump */
void cnn_measure_new(cnn_state *st);
void cnn_measure(cnn_state *st);
void cnn_measure_dump(const cnn_state *st, ts_dump *d);

/* cnn_play.c */
void play_filter_values(int kind, int k, float *out);   /* k*k values */
const char *play_kind_name(int kind);
void play_recompute(cnn_state *st);
void play_update(cnn_state *st, const cnn_lay *L, ui_ctx *ui);
void play_draw(const cnn_state *st, const cnn_lay *L);

/* cnn_draw.c */
void cnn_draw_beat(const cnn_state *st, const scene_clock *c, const ui_theme *th);
/* The input grid with its title, legend and outlined windows (beat 9 too). */
void cnn_draw_input(const cnn_state *st, const cnn_lay *L, int pad, const dg_window *w, int nw);

/* cnn_explain.c: a dg_src for tensor t of the scene, slice lead (l0, l1),
 * whose hover explains where each element came from. */
dg_src cnn_src(const cnn_state *st, const ts_tensor *t, int l0, int l1);

#endif
