/* cnn_scene.h: the cnn scene's state and layout, shared by its files.
 *
 *   cnn.c        beats, preset keys, init, update (drawing, hover, widgets), dump
 *   cnn_draw.c   draw: one function per beat, all reading the state below
 *   cnn_play.c   the filter playground (beat 9): filters, output size, its drawing
 *   cnn_model.c  the network; cnn_digits.c the rendered digits (trainer only)
 *
 * Layout lives here as functions of nothing but constants, so update (hit
 * tests) and draw (pixels) agree, and tests can aim the mouse at the input.
 */
#ifndef TS_CNN_SCENE_H
#define TS_CNN_SCENE_H

#include <stdbool.h>
#include "kernel/tensor.h"
#include "scene/scene.h"
#include "scenes/cnn/cnn_model.h"
#include "ui/ui.h"

/* beats, 0-based */
enum { B_INPUT, B_FILTER, B_SLIDE, B_MAPS, B_RELU, B_POOL, B_DEEP, B_RECAP, B_PLAY, B_COUNT };

/* the input panel, the same in every beat: 28 cells of INPUT_CELL units */
#define INPUT_X 60.0f
#define INPUT_Y 130.0f
#define INPUT_CELL 20.0f
#define INPUT_SIZE (CNN_IN * INPUT_CELL)
/* the control strip under it (clear, samples) */
#define STRIP_Y 830.0f
#define STRIP_H 56.0f
#define CLEAR_X INPUT_X
#define CLEAR_W 110.0f
#define SAMPLE_X (CLEAR_X + CLEAR_W + 14.0f)
#define SAMPLE_W 43.0f
/* the right-hand stage starts here */
#define STAGE_X 690.0f

/* the playground */
enum { PLAY_VERTICAL, PLAY_HORIZONTAL, PLAY_BLUR, PLAY_SHARPEN, PLAY_CUSTOM, PLAY_KINDS };
#define PLAY_MAX_K 5
#define PLAY_MAX_OUT (CNN_IN + 2 * 2)   /* k 3, pad 2, stride 1 */

/* what the mouse is over: a cell of a layer */
enum { L_NONE, L_INPUT, L_CONV1, L_RELU1, L_POOL1, L_CONV2, L_POOL2, L_PROB, L_FOUT };

typedef struct cnn_state {
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

    /* interaction */
    bool drawing;
    float last_x, last_y;
    int hover_layer, hover_ch, hover_r, hover_c;
    double recompute_ms;         /* last full forward (for the report and the bench) */
    int recomputes;
} cnn_state;

extern const scene_beat cnn_beats[B_COUNT];

/* cnn.c */
void cnn_recompute(cnn_state *st);
/* The centre (r, c) of the 3x3 input patch under conv1 filter k that makes
 * the most telling worked example: the largest spread of its nine products
 * (max - min) times the patch's contrast (max - min pixel), so the patch
 * straddles a stroke's edge and the products have both signs; never an
 * all-zero padding patch while the image has ink. Returns the score. */
float cnn_pick_patch(const cnn_state *st, int k, int *r, int *c);

/* cnn_play.c */
void play_filter_values(int kind, int k, float *out);   /* k*k values */
const char *play_kind_name(int kind);
void play_recompute(cnn_state *st);
void play_update(cnn_state *st, ui_ctx *ui);
void play_draw(const cnn_state *st, const scene_clock *c, const ui_theme *th);

/* cnn_draw.c */
void cnn_draw_beat(const cnn_state *st, const scene_clock *c, const ui_theme *th);
void cnn_draw_input(const cnn_state *st, const ui_theme *th, int pad, bool numbers_hint);
/* layout of the tiles of beats 4-5 (8 maps) and the columns of beat 7 */
void cnn_tile_rect(int ch, float *x, float *y, float *cell);      /* map of conv1 channel ch */
void cnn_deep_rect(int layer, int ch, float *x, float *y, float *cell);  /* L_POOL1/L_CONV2/L_POOL2 */
void cnn_bar_rect(int k, float *x, float *y, float *w, float *h);  /* class k's row */
void cnn_pool_big(float *x, float *y, float *cell, float *px, float *py, float *pcell);
void cnn_out_rect(float *x, float *y, float *cell);              /* beats 2-3 output map */
void cnn_recap_rect(int layer, int k, float *x, float *y, float *cell); /* L_RELU1 / L_CONV2 */

#endif
