/* lstm_model.h: the three recurrent models of the lstm scene and the memory
 * task they were trained on, computed with the kernel (rnn.h sequences,
 * nn.h readout and loss). No SDL, no GL: the trainer and the tests use it as
 * it is.
 *
 * Task: a sequence of T tokens (T = 2..LSTM_MAX_T). Token 0 is a symbol to
 * remember (A, B, C or D), tokens 1..T-2 are distractors: a digit 0..4, or
 * with probability LSTM_LETTER_P another letter (so remembering "the last
 * letter seen" is not enough: later letters must be kept out), the last
 * token is the query "?". The answer, read from the last hidden state by a
 * linear head, is the first symbol: class 0..3. Tokens enter one-hot
 * (input size LSTM_I = 10: A B C D 0 1 2 3 4 ?).
 *
 * Models (assets/lstm-memory.safetensors, tools/train_lstm.c): for each length L of
 * a table (accuracy.length: 5, 10, ... 60) and each cell kind (rnn, lstm,
 * gru), a model trained from scratch on sequences of length L only: one
 * layer of LSTM_H hidden units with PyTorch's weight names and gate orders,
 * h0 = c0 = 0, and a head nn.Linear(H, 4); with its held-out accuracy at L.
 * This is the classic experiment: how long a gap can each cell learn to
 * bridge when the gradient has to travel all of it. The file names a model's
 * tensors "L<length>.<cell>.<name>"; loaded, they are named "<cell>.<name>"
 * as the scene shows and dumps them.
 *
 *   lstm_models m;  lstm_models_load(&m, path, err, sizeof err);
 *   int ids[LSTM_MAX_T], T;  lstm_parse_sequence("B 3 1 4 ?", ids, &T, err, sizeof err);
 *   ts_arena a = {0};
 *   lstm_input in;  lstm_input_make(&in, &a, ids, T);
 *   const lstm_cell_weights *w = &m.cell[lstm_models_nearest(&m, T)][LSTM_CELL_LSTM];
 *   lstm_run r;     lstm_run_forward(&r, &a, w, &in, NULL);
 *   lstm_run_backward(&r, &a, w, &in, NULL, 1.0f);   // loss, grad_h, grad_h_norm
 *   ...  ts_arena_free(&a);  lstm_models_free(&m);
 *
 * Tensor names (the dump contract, PyTorch's): with P = "rnn." / "lstm." /
 * "gru.": P weight_ih_l0 [G*H, I], P weight_hh_l0 [G*H, H], P bias_ih_l0,
 * P bias_hh_l0 [G*H], P head.weight [4, H], P head.bias [4], P accuracy
 * (all lengths' accuracies); "accuracy.length" [n_lengths]. A run adds: "input" [T,1,I]
 * and "target" [1] (lstm_input); P h0 [1,1,H] (and P c0), P h [T,H], P c
 * [T,H] (LSTM), P gates.i/f/g/o or P gates.r/z/n [T,H], P preact.<gate>
 * [T,H] (the pre-activation each gate unit saw; RNN: P preact), P hn
 * [T,H] (W_hn h + b_hn), P ih [T,G*H] (W_ih x_t + b_ih), P hh [T,G*H]
 * (W_hh h_{t-1} + b_hh), P logits [1,4], P probs [1,4]; after backward P loss
 * [1], P grad_h [T,H] (dL/dh_t, total) and P grad_h_norm [T]; the LSTM
 * also lstm.grad_c [T,H] (dL/dc_t, through later steps and through h_t)
 * and lstm.grad_c_norm [T].
 *
 * Ownership: lstm_models owns an arena with its weights (free with
 * lstm_models_free); inputs and runs live in the arena the caller gives.
 */
#ifndef TS_LSTM_MODEL_H
#define TS_LSTM_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "kernel/dump.h"
#include "kernel/rnn.h"
#include "kernel/tensor.h"

#define LSTM_H 8               /* hidden units of every cell */
#define LSTM_SYMBOLS 4         /* A B C D: the classes */
#define LSTM_DIGITS 5          /* distractors 0..4 */
#define LSTM_I 10              /* one-hot input size */
#define LSTM_QUERY 9           /* the token "?" */
#define LSTM_MIN_T 2
#define LSTM_MAX_T 60
#define LSTM_MAX_LENGTHS 16    /* points of the accuracy-vs-length table */
#define LSTM_KEEP_BIAS 3.0f
#define LSTM_LETTER_P 0.2f    /* chance that a distractor is a letter */

enum { LSTM_CELL_RNN = 0, LSTM_CELL_LSTM = 1, LSTM_CELL_GRU = 2, LSTM_CELLS = 3 };

typedef struct lstm_cell_weights {
    int kind, gates;           /* LSTM_CELL_*, 1 / 4 / 3 */
    int length;                /* the sequence length it was trained on */
    ts_tensor *w_ih, *w_hh, *b_ih, *b_hh;
    ts_tensor *head_w, *head_b;
} lstm_cell_weights;

typedef struct lstm_models {
    ts_arena arena;
    int n_lengths;
    lstm_cell_weights cell[LSTM_MAX_LENGTHS][LSTM_CELLS];   /* [length index][kind] */
    ts_tensor *lengths;        /* "accuracy.length" [n_lengths] */
    ts_tensor *accuracy[LSTM_CELLS];   /* "<cell>.accuracy" [n_lengths], held out */
    double train_seconds;      /* as the trainer measured it (0 if unknown) */
} lstm_models;

/* "rnn" / "lstm" / "gru" and "RNN" / "LSTM" / "GRU". */
const char *lstm_cell_prefix(int kind);
const char *lstm_cell_title(int kind);
/* Gate names of a cell ("i","f","g","o" / "r","z","n"; the RNN has one
 * pre-activation and no gate): count and the k-th name. */
int         lstm_gate_count(int kind);
const char *lstm_gate_name(int kind, int k);
/* Parameters of the recurrent layer (weights and biases, not the head),
 * counted from the tensors' shapes. */
int         lstm_cell_param_count(const lstm_cell_weights *w);

/* Fresh weights as PyTorch initialises them (uniform +-1/sqrt(H)), from
 * seed, and the table of lengths with zero accuracy: the trainer's start.
 * The gated cells start on "keep": the LSTM's forget-gate bias is
 * +LSTM_KEEP_BIAS and its input-gate bias -LSTM_KEEP_BIAS (chrono
 * initialisation, Tallec & Ollivier 2018), the GRU's update-gate bias
 * +LSTM_KEEP_BIAS, all on the input side (bias_ih). The RNN has no gate to
 * set: that is the point of the comparison. */
void lstm_models_init(lstm_models *m, uint64_t seed, const int *lengths, int n_lengths);
/* Loads a file written by lstm_models_dump; false and a message on a
 * missing file or a wrong shape. */
bool lstm_models_load(lstm_models *m, const char *path, char *err, size_t errlen);
void lstm_models_dump(const lstm_models *m, ts_dump *d);
void lstm_models_free(lstm_models *m);
/* The index in the table of the length nearest T (the shorter on a tie). */
int  lstm_models_nearest(const lstm_models *m, int T);

/* ---- the task ----------------------------------------------------------------- */

/* Token text: "A".."D", "0".."4", "?". */
const char *lstm_token_name(int id);
/* A random task sequence of length T (2..LSTM_MAX_T) into ids; returns the
 * target class. */
int  lstm_sample(ts_rng *rng, int T, int *ids);
/* Parses "B 3 1 4 ?" or "B314?" (spaces and commas ignored, letters in
 * either case): tokens A-D, 0-4 and ?, 2..LSTM_MAX_T of them, the first a
 * letter (the symbol to recall). False with a message on anything else. */
bool lstm_parse_sequence(const char *text, int *ids, int *T, char *err, size_t errlen);
/* The tokens as text separated by spaces. */
void lstm_sequence_text(const int *ids, int T, char *out, size_t n);

/* ---- one cell over one sequence ---------------------------------------------- */

typedef struct lstm_input {
    int T, target;
    int ids[LSTM_MAX_T];
    ts_tensor *input;          /* "input" [T,1,I] one-hot */
    ts_tensor *target_t;       /* "target" [1] (the class as a float) */
} lstm_input;

void lstm_input_make(lstm_input *in, ts_arena *a, const int *ids, int T);

typedef struct lstm_run {
    int kind, T, pred;
    ts_lstm_clamp clamp;       /* LSTM only; all off otherwise */
    ts_tensor *h0, *c0;        /* [1,1,H] zeros (c0 LSTM only) */
    ts_tensor *h, *c;          /* [T,H] (c LSTM only) */
    ts_tensor *gate[4];        /* [T,H] each, the cell's gates in order */
    ts_tensor *preact[4];      /* [T,H]; RNN: preact[0] */
    ts_tensor *hn;             /* GRU only */
    ts_tensor *ih, *hh;        /* [T, G*H]: W_ih x_t + b_ih and W_hh h_{t-1} + b_hh */
    ts_tensor *logits, *probs; /* [1,4] */
    /* after lstm_run_backward */
    ts_tensor *loss;           /* [1] */
    ts_tensor *grad_h;         /* [T,H] */
    ts_tensor *grad_h_norm;    /* [T] */
    ts_tensor *grad_c;         /* LSTM: [T,H] dL/dc_t, total (later steps and h_t) */
    ts_tensor *grad_c_norm;    /* LSTM: [T] */
    ts_tensor *grad_h_rel;     /* [T]: grad_h_norm[t] / grad_h_norm[T-1] (1 at step T) */
    ts_tensor *grad_c_rel;     /* LSTM: [T]: grad_c_norm[t] / grad_c_norm[T-1] */
    float *gates_raw;          /* [T, G*H] as the kernel keeps them (backward) */
} lstm_run;

/* Runs cell w over the input. clamp (LSTM only, may be NULL) fixes gates. */
void lstm_run_forward(lstm_run *r, ts_arena *a, const lstm_cell_weights *w,
                      const lstm_input *in, const ts_lstm_clamp *clamp);

/* Weight gradients for training; any may be NULL. */
typedef struct lstm_cell_grads {
    float *w_ih, *w_hh, *b_ih, *b_hh, *head_w, *head_b;
} lstm_cell_grads;

/* Cross-entropy of the logits against the target, backpropagated through
 * the head and through time: fills loss, grad_h, grad_h_norm and grad_h_rel
 * (LSTM: grad_c, grad_c_norm, grad_c_rel too); adds
 * scale * the weight gradients into g (if given). Returns the loss. */
float lstm_run_backward(lstm_run *r, ts_arena *a, const lstm_cell_weights *w,
                        const lstm_input *in, const lstm_cell_grads *g, float scale);

/* Fraction of n random sequences of length T (from seed) whose prediction
 * is the target. */
float lstm_accuracy(const lstm_cell_weights *w, int T, int n, uint64_t seed);

#endif
