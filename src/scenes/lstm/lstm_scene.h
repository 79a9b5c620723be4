/* lstm_scene.h: the lstm scene's state, shared by its files.
 *
 *   lstm.c        the kind: beats, update (keys, widgets)
 *   lstm_draw.c   draw: one function per beat, reading the state below
 *   lstm_state.c  preset keys, init, recompute, dump, shutdown
 *   lstm_model.c  the models, the task, one cell's run (kernel only)
 *
 * Everything the scene shows is computed in lstm_recompute from the preset
 * (or an edit) and only read by draw and dump.
 */
#ifndef TS_LSTM_SCENE_H
#define TS_LSTM_SCENE_H

#include <stdbool.h>
#include "kernel/rnn.h"
#include "scene/scene.h"
#include "scenes/lstm/lstm_model.h"

/* beats, 0-based */
enum { LB_RNN_STEP, LB_UNROLL, LB_LSTM_CELL, LB_GATES, LB_COMPARE, LB_GRU, LB_ACCURACY,
       LB_PARALLEL, LB_COUNT };

#define LSTM_DEFAULT_T 25
#define LSTM_SEQ_TEXT 256

typedef struct lstm_state {
    /* preset */
    char text[LSTM_SEQ_TEXT];    /* [sequence] text; "" = generated from length and seed */
    int length;                  /* [sequence] length, 5..60 */
    int seed;                    /* [sequence] seed */
    bool length_set, seed_set;
    ts_lstm_clamp clamp;         /* [clamp] input/forget/cell/output = value */
    int focus;                   /* [story] step (0-based; -1 = the symbol, step 0) */

    /* computed */
    lstm_models m;
    ts_arena arena;              /* input and runs; reset on every recompute */
    int T, li;                   /* length and the model table's index for it */
    lstm_input in;
    lstm_run run[LSTM_CELLS];    /* the LSTM's with the clamp */
    lstm_run lstm_free;          /* the LSTM without the clamp (when clamped) */
    bool clamped;
    int params[LSTM_CELLS];      /* parameter counts from the shapes */
    ts_tensor *param_t;          /* "parameters" [3]: the counts in the order RNN, GRU, LSTM */
    /* transposed views for time running left to right: "<cell>.h.T" [H,T],
     * "lstm.c.T", "<cell>.gates.<g>.T" [H,T] (same data, strides swapped) */
    ts_tensor hT[LSTM_CELLS], cT, gT[LSTM_CELLS][4];
    double recompute_ms;
    int recomputes;

    /* interaction */
    char edit[LSTM_SEQ_TEXT];    /* the sequence field's text */
    bool edit_init;
    bool stepped;                /* the user stepped through time by hand */
} lstm_state;

extern const scene_beat lstm_beats[LB_COUNT];

/* The scene_kind callbacks (lstm_state.c). */
void lstm_scene_defaults(void *st);
bool lstm_scene_set(void *st, const char *sec, const char *key, const char *val,
                    char *err, size_t errlen);
bool lstm_scene_init(void *st, char *err, size_t errlen);
void lstm_scene_dump(const void *st, const scene_clock *c, ts_dump *d);
void lstm_scene_shutdown(void *st);

/* Reruns every cell on st->in (after an edit of the sequence or a clamp). */
void lstm_recompute(lstm_state *st);
/* Replaces the sequence (ids of length T, already valid) and recomputes. */
void lstm_set_sequence(lstm_state *st, const int *ids, int T);

/* Which cells beat b shows (bit k = cell k) and whether it shows gradients. */
unsigned lstm_beat_cells(int beat, bool *grads);

#endif
