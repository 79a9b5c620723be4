/* attention_model.h: the two models of the attention scene, computed with the
 * kernel (ts_mha_*, ts_posenc_sinusoidal). No SDL, no GL: the trainer and the
 * tests use it as it is.
 *
 * Story model (kind ATTN_READABLE; assets/attention-story.safetensors, trained by
 * tools/train_attention.c on the sentences of attention_corpus.h). d = 16:
 * columns 0..11 of a token vector are learned features, columns 12..15 hold
 * position (the first two sine/cosine pairs of the standard encoding of
 * width d). A first attention step ("layer 0", two heads, reading the
 * embedding plus position) lets each word read its context into its
 * feature columns: x = embed + layer0(embed + pe). The scene's layer then
 * runs on x + pe with four heads of d_k = 4, each trained to a job that
 * names it: "which noun?" (the query of "it" must land on the noun the
 * corpus labels as its referent), "previous word", "next word" and "noun to
 * verb". Nothing is set by hand: the features' names come from a probe the
 * trainer runs (the corpus property each column tracks best, stored with
 * the weights). A causal run masks layer 0 too, so there "it" has not read
 * the adjective after it.
 *
 * Trained model (assets/attention-reverse.safetensors, tools/train_attention.c): a
 * learned embedding of the digits 0..9 plus the full sinusoidal encoding,
 * one multi-head layer, then a linear readout per position. Task: output
 * the input sequence reversed (position t answers token T-1-t).
 *
 *   attn_model m;  attn_model_story_load(&m, path, err, n);   // or attn_model_load
 *   int ids[ATTN_MAX_T], T;
 *   attn_tokenize(&m, "the dog did not fit in the car", ids, &T, err, sizeof err);
 *   attn_run r;  attn_run_forward(&r, &arena, &m, ids, T, &(attn_opts){.pe = true, .scaled = true});
 *   // r.mha->weights->data is [heads, T, T]
 *
 * Ownership: attn_model is a plain value (fixed arrays); an attn_run's
 * tensors live in the arena given to attn_run_forward.
 */
#ifndef TS_ATTENTION_MODEL_H
#define TS_ATTENTION_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include "kernel/attention.h"
#include "kernel/dump.h"
#include "kernel/tensor.h"

#define ATTN_MAX_T 16
#define ATTN_D 16
#define ATTN_MAX_VOCAB 128
#define ATTN_FEATURES 12        /* story model: learned columns; the rest hold position */
#define ATTN_MAX_HEADS 4
#define ATTN_WORD_MAX 16
#define ATTN_TRAIN_T 8          /* sequence length of the reversal task */
#define ATTN_TRAIN_VOCAB 10     /* digits 0..9 */

enum { ATTN_READABLE = 0, ATTN_TRAINED = 1 };

typedef struct attn_model {
    int kind;
    int d, heads, d_k, vocab;
    char words[ATTN_MAX_VOCAB][ATTN_WORD_MAX];
    char dim_names[ATTN_D][16];                   /* columns of x, pe, out */
    char head_names[ATTN_MAX_HEADS][32];
    char q_names[ATTN_D][16], k_names[ATTN_D][16], v_names[ATTN_D][16];  /* per projected column */
    float embed[ATTN_MAX_VOCAB * ATTN_D];         /* [vocab, d] */
    float wq[ATTN_D * ATTN_D], wk[ATTN_D * ATTN_D], wv[ATTN_D * ATTN_D], wo[ATTN_D * ATTN_D];
    /* readable only: layer 0, one head */
    float cq[ATTN_D * ATTN_D], ck[ATTN_D * ATTN_D], cv[ATTN_D * ATTN_D], co[ATTN_D * ATTN_D];
    /* trained only: readout [vocab, d] and [vocab] */
    float wr[ATTN_MAX_VOCAB * ATTN_D], br[ATTN_MAX_VOCAB];
    float accuracy;                               /* trained: held-out accuracy stored with the weights */
    /* story only */
    int heads0;                                   /* layer 0's heads */
    float dim_r[ATTN_D];                          /* the probe's correlation behind each feature's name */
    float acc_train, acc_nouns, acc_orders;       /* "it" lands on its referent (stored with the weights) */
    int train_sentences, train_epochs;
    float train_seconds;
} attn_model;

typedef struct attn_opts {
    bool pe, causal, scaled;
    float temperature;        /* 0 means 1 */
    const float *rows;        /* [T, d] used instead of the embedding lookup, or NULL
                               * (the trainer's stand-ins for nouns it has never seen) */
} attn_opts;

typedef struct attn_run {
    int T;
    int ids[ATTN_MAX_T];
    attn_opts opts;
    ts_tensor *embed;         /* "embed" [T, d]: rows of the embedding table */
    ts_tensor *ctx;           /* "ctx" [T, d]: layer 0's output (readable), zeros otherwise */
    ts_tensor *x;             /* "x" [T, d] = embed + ctx */
    ts_tensor *pe;            /* "pe" [T, d]: the encoding (added only if opts.pe) */
    ts_tensor *x_in;          /* "x_in" [T, d] = x (+ pe) */
    ts_tensor *l0_in;         /* story: layer 0's input [T, d] = embed (+ pe) */
    ts_mha *layer0;           /* readable only */
    ts_mha *mha;
    ts_tensor *logits;        /* trained only: "logits" [T, vocab] */
    int pred[ATTN_MAX_T];     /* trained only: argmax of logits */
} attn_run;

/* The story model's shape with fresh weights (the trainer's start). */
void attn_model_story_init(attn_model *m, ts_rng *rng);
/* Loads the story model written by tools/train_attention.c; false and a
 * message on a missing file or wrong shapes. */
bool attn_model_story_load(attn_model *m, const char *path, char *err, size_t errlen);
/* Where the scene finds it: DIR/assets/attention-story.safetensors. */
void attn_model_story_path(char *buf, size_t n, const char *dir);
/* The trained model's shape with fresh weights (the trainer's start). */
void attn_model_trained_init(attn_model *m, ts_rng *rng);
/* Loads trained weights written by tools/train_attention.c; false and a
 * message on a missing file or wrong shapes. */
bool attn_model_load(attn_model *m, const char *path, char *err, size_t errlen);
/* Writes the trained model's tensors (embed.weight, W_q, W_k, W_v, W_o,
 * readout.weight, readout.bias) and params into d. */
void attn_model_dump_weights(const attn_model *m, ts_dump *d);
/* One [r, c] matrix (c = 0: a vector of r) into d under name. */
void attn_dump_matrix(ts_dump *d, const char *name, const float *data, int r, int c);

/* Splits text into tokens of the model's vocabulary (case and punctuation
 * are ignored; the trained model reads digits). False with a one-line
 * message on failure: every unknown word and the whole vocabulary
 * ("'zebra' and 'flies' are not in the vocabulary; the words it knows:
 * the, a, ..."), or the length allowed. */
bool attn_tokenize(const attn_model *m, const char *text, int *ids, int *T,
                   char *err, size_t errlen);
/* The token a story starts from: "it" (story model), else 0. */
int attn_default_query(const attn_model *m, const int *ids, int T);
/* The model's words, comma separated (for messages and docs). */
void attn_vocab_list(const attn_model *m, char *out, size_t outlen);
/* The known word closest to w (fewest letter edits), or NULL when even
 * that one changes more than a third of w's letters. */
const char *attn_nearest_word(const attn_model *m, const char *w);

void attn_run_forward(attn_run *r, ts_arena *a, const attn_model *m, const int *ids,
                      int T, const attn_opts *o);

/* The trained model's task: a random sequence and its target (reversed). */
void attn_reverse_sample(ts_rng *rng, int *ids, int *target);
/* Fraction of correct positions over n random sequences from seed. */
float attn_reverse_accuracy(const attn_model *m, int n, uint64_t seed);

#endif
