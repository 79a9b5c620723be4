/* attention_model.h: the two models of the attention scene, computed with the
 * kernel (ts_mha_*, ts_posenc_sinusoidal). No SDL, no GL: the trainer and the
 * tests use it as it is.
 *
 * Readable model (d = 16, 4 heads of d_k = 4). Columns 0..11 of a token
 * vector are named features (noun, pronoun, ..., "ctx big", "ctx small"),
 * columns 12..15 hold position: the first two sine/cosine pairs of the
 * standard encoding of width d, so the named features stay readable. The
 * embedding table sets features per word; a first attention step ("layer
 * 0", one head) lets a pronoun read the sentence's adjective into its ctx
 * columns: x = embed + layer0(embed). The scene's attention layer then runs
 * on x + pe with hand-set weights whose Q/K/V dimensions are named too
 * ("seek item" against "item", ...), so in "... it was too big" the query of
 * "it" meets the key of "trophy", and with "small" that of "suitcase".
 * A causal run (opts.causal) masks layer 0 too, so there "it" has not read
 * the adjective after it and cannot tell the two nouns apart.
 *
 * Trained model (assets/attention-reverse.safetensors, tools/train_attention.c): a
 * learned embedding of the digits 0..9 plus the full sinusoidal encoding,
 * one multi-head layer, then a linear readout per position. Task: output
 * the input sequence reversed (position t answers token T-1-t).
 *
 *   attn_model m;  attn_model_readable(&m);    // or attn_model_load(&m, path, ...)
 *   int ids[ATTN_MAX_T], T;
 *   attn_tokenize(&m, "the dog bites", ids, &T, err, sizeof err);
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
#define ATTN_MAX_VOCAB 64
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
} attn_model;

typedef struct attn_opts {
    bool pe, causal, scaled;
    float temperature;        /* 0 means 1 */
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
    ts_mha *layer0;           /* readable only */
    ts_mha *mha;
    ts_tensor *logits;        /* trained only: "logits" [T, vocab] */
    int pred[ATTN_MAX_T];     /* trained only: argmax of logits */
} attn_run;

/* The hand-set model (always succeeds). */
void attn_model_readable(attn_model *m);
/* The trained model's shape with fresh weights (the trainer's start). */
void attn_model_trained_init(attn_model *m, ts_rng *rng);
/* Loads trained weights written by tools/train_attention.c; false and a
 * message on a missing file or wrong shapes. */
bool attn_model_load(attn_model *m, const char *path, char *err, size_t errlen);
/* Writes the trained model's tensors (embed.weight, W_q, W_k, W_v, W_o,
 * readout.weight, readout.bias) and params into d. */
void attn_model_dump_weights(const attn_model *m, ts_dump *d);

/* Splits text into tokens of the model's vocabulary (case and punctuation
 * are ignored; the trained model reads digits). False with a one-line
 * message on failure: every unknown word and the whole vocabulary
 * ("'zebra' and 'flies' are not in the vocabulary; the words it knows:
 * the, a, ..."), or the length allowed. */
bool attn_tokenize(const attn_model *m, const char *text, int *ids, int *T,
                   char *err, size_t errlen);
/* The token a story starts from: the first pronoun (readable), else 0. */
int attn_default_query(const attn_model *m, const int *ids, int T);
/* The model's sample words, comma separated (for messages and docs). */
void attn_vocab_list(const attn_model *m, char *out, size_t outlen);

void attn_run_forward(attn_run *r, ts_arena *a, const attn_model *m, const int *ids,
                      int T, const attn_opts *o);

/* The trained model's task: a random sequence and its target (reversed). */
void attn_reverse_sample(ts_rng *rng, int *ids, int *target);
/* Fraction of correct positions over n random sequences from seed. */
float attn_reverse_accuracy(const attn_model *m, int n, uint64_t seed);

#endif
