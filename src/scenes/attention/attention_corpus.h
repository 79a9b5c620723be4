/* attention_corpus.h: the story model's training data, generated here:
 * Winograd-style sentences in which "it" refers to one of two nouns, with
 * the right one as the label. No SDL, no GL: the trainer, the tests and the
 * scene's vocabulary use it as it is.
 *
 * A sentence is a main clause (a frame: the thing that moves, X, and the
 * thing that should take it, Y) and a "because it was too ADJ" clause,
 * either after the main clause (order 0) or before it (order 1):
 *
 *   the trophy didn't fit in the suitcase because it was too big     X
 *   since it was too weak the shelf could not carry the piano         Y
 *
 * Frames: fit in / into / inside, go / fit / pass through, sit / stand /
 * rest on (X is the subject), and hold / take / contain, carry / support
 * (Y is the subject). Each frame has adjectives that point at X ("big",
 * "heavy") and ones that point at Y ("small", "narrow", "weak"), so the
 * referent depends on the verb, the adjective and the word order, never on
 * the noun: every noun appears on both sides.
 *
 * Splits (attn_corpus_sample): TRAIN uses the training nouns in the
 * training templates. NOUNS: both nouns held out (never in a training
 * sentence), training templates. ORDERS: training nouns in the templates
 * that never occur in training: the because-clause first with "hold /
 * take / contain" ("because it was too small the bag could not hold the
 * ball"). Training sees that clause order with every other frame (carry
 * and support too, whose subject is also Y) and the hold frame only after
 * its main clause. Samples are drawn with a seed, so a split is the same
 * list on every machine.
 *
 *   attn_sentence s;  ts_rng rng;  ts_rng_seed(&rng, 7);
 *   attn_corpus_sample(&s, ATTN_SPLIT_TRAIN, &rng);
 *   // s.word[t] for t < s.T; s.it, s.referent, s.other, s.verb are positions
 */
#ifndef TS_ATTENTION_CORPUS_H
#define TS_ATTENTION_CORPUS_H

#include <stdbool.h>
#include "kernel/tensor.h"

#define ATTN_CORPUS_MAX_T 16

enum { ATTN_SPLIT_TRAIN, ATTN_SPLIT_NOUNS, ATTN_SPLIT_ORDERS, ATTN_SPLIT_COUNT };

typedef struct attn_sentence {
    int T;
    const char *word[ATTN_CORPUS_MAX_T];
    int it, referent, other, verb;  /* positions: the pronoun, its noun, the other noun, the verb */
    int x, y;                       /* positions of the thing that moves and the thing that takes it */
    int frame, order;               /* template: frame 0..4, order 0 (main first) or 1 */
    bool adj_x;                     /* the adjective points at X */
} attn_sentence;

/* Every word of the corpus, in a fixed order: function words, adjectives,
 * verbs, then the nouns (training nouns first). Returns the count. */
int attn_corpus_vocab(const char **out, int max);
int attn_corpus_noun_count(void);
int attn_corpus_heldout_noun_count(void);
/* Noun i (0..noun_count-1) and its category ("small things", ...). */
const char *attn_corpus_noun(int i, const char **category);
/* True for a noun that never occurs in a training sentence. */
bool attn_corpus_noun_heldout(const char *w);
/* True for a word that is a noun of the corpus. */
bool attn_corpus_is_noun(const char *w);
/* One sentence of the split, drawn with rng. */
void attn_corpus_sample(attn_sentence *s, int split, ts_rng *rng);
/* Whether template (frame, order) belongs to the training templates. */
bool attn_corpus_template_trained(int frame, int order);
/* The sentence as text, words separated by spaces. */
void attn_corpus_text(const attn_sentence *s, char *buf, size_t n);

#endif
