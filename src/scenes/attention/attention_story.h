/* attention_story.h: what the trainer and the tests need of the story model
 * beyond attention_model.h: its parameter masks, the record of a training
 * run written with the weights, how often "it" lands on its referent on a
 * split of the corpus, and the probe that names its feature columns.
 *
 *   attn_model m;  attn_model_story_init(&m, &rng);     // trainer
 *   ... train, calling attn_story_mask(&m) after each step ...
 *   attn_story_probe(&m, 500, 11);                      // names f1..f12
 *   float acc = attn_story_accuracy(&m, ATTN_SPLIT_NOUNS, 1000, 5);
 */
#ifndef TS_ATTENTION_STORY_H
#define TS_ATTENTION_STORY_H

#include "scenes/attention/attention_corpus.h"
#include "scenes/attention/attention_model.h"

#define ATTN_STORY_EMBED_STD 0.5f   /* a fresh word's vector: N(0, this) in the feature columns */
#define ATTN_STORY_NAME_R 0.5f      /* a column is named after a property only at |r| >= this */
/* The two columns of x the trainer asks for by name (the rest are named by
 * the probe): +1 on the noun that moves, -1 on the noun that should take
 * it; +1 on "it" when the adjective points at the mover, else -1. */
#define ATTN_COL_MOVER 0
#define ATTN_COL_WANTS_MOVER 1

typedef struct attn_story_record {
    uint64_t seed;
    float lr, unseen_rate;
    int batch;
    const char *losses;            /* what the loss reads, in words */
} attn_story_record;

/* Zeroes what is not a parameter: the embedding's position columns, and
 * layer 0's writes into them. */
void attn_story_mask(attn_model *m);
int attn_model_story_write(const attn_model *m, const attn_story_record *rec, const char *path, char *err,
                           size_t errlen);
/* ids of a corpus sentence's words; -1, or the position of a word the
 * model does not know. */
int attn_story_ids(const attn_model *m, const attn_sentence *s, int *ids);
/* Strongest key of query t in head h of r. */
int attn_argmax_row(const attn_run *r, int h, int t);
/* Fraction of n sentences of split (drawn from seed) in which head 1's
 * weights of "it" peak at the referent. */
float attn_story_accuracy(const attn_model *m, int split, int n, uint64_t seed);
/* Names feature columns 0..11 of x after the corpus property (noun, it,
 * mover, referent, ...) each correlates with most over n training
 * sentences; m->dim_r keeps the correlation. */
void attn_story_probe(attn_model *m, int n, uint64_t seed);

#endif
