/* attention_corpus.c: the Winograd-style sentences the story model learns
 * from. See attention_corpus.h. */
#include "scenes/attention/attention_corpus.h"

#include <stdio.h>
#include <string.h>

/* ---- nouns: six categories of twelve; the last two of each are held out ---- */

#define CATS 6
#define PER_CAT 12
#define HELD_PER_CAT 2
static const char *const categories[CATS] = {
    "small things", "containers", "furniture", "vehicles", "rooms and openings", "animals"};
static const char *const nouns[CATS][PER_CAT] = {
    {"trophy", "ball", "book", "cup", "key", "bottle", "phone", "shoe", "lamp", "clock", "vase", "guitar"},
    {"suitcase", "box", "bag", "drawer", "basket", "jar", "bucket", "pot", "crate", "backpack", "envelope", "pocket"},
    {"table", "chair", "sofa", "bed", "desk", "piano", "shelf", "cabinet", "bench", "mattress", "fridge", "wardrobe"},
    {"car", "truck", "van", "bike", "boat", "bus", "trailer", "cart", "wagon", "tractor", "scooter", "canoe"},
    {"garage", "room", "door", "gate", "tunnel", "window", "hole", "elevator", "hallway", "closet", "shed", "doorway"},
    {"dog", "cat", "horse", "cow", "elephant", "rabbit", "mouse", "bird", "snake", "goat", "sheep", "pig"},
};
#define NOUNS (CATS * PER_CAT)
#define TRAIN_PER_CAT (PER_CAT - HELD_PER_CAT)

/* ---- frames ----------------------------------------------------------------- */

enum { S_X = -1, S_Y = -2, S_VERB = -3, S_NEG = -4, S_PREP = -5, S_DET = -6 };

typedef struct frame {
    const char *name;
    int slots[8], n;                 /* the main clause: words or S_* slots */
    const char *verbs[3], *preps[3];
    const char *neg[4];
    const char *adj_x[6], *adj_y[6]; /* NULL-terminated */
} frame;

#define NEG_DID {"did not", "didn't", "could not", "couldn't"}
#define NEG_CAN {"could not", "couldn't", "could not", "couldn't"}
static const frame frames[] = {
    {"fit in", {S_DET, S_X, S_NEG, S_VERB, S_PREP, S_DET, S_Y}, 7, {"fit", "fit", "fit"},
     {"in", "into", "inside"}, NEG_DID, {"big", "large", "long", "wide", "tall"}, {"small", "tiny", "short", "narrow"}},
    {"go through", {S_DET, S_X, S_NEG, S_VERB, S_PREP, S_DET, S_Y}, 7, {"go", "fit", "pass"},
     {"through", "through", "through"}, NEG_DID, {"big", "large", "wide", "tall", "thick"},
     {"small", "narrow", "low", "tiny"}},
    {"sit on", {S_DET, S_X, S_NEG, S_VERB, S_PREP, S_DET, S_Y}, 7, {"sit", "stand", "rest"}, {"on", "on", "on"},
     NEG_CAN, {"heavy", "big", "large", "wide"}, {"weak", "small", "narrow", "fragile"}},
    {"hold", {S_DET, S_Y, S_NEG, S_VERB, S_DET, S_X}, 6, {"hold", "take", "contain"}, {0}, NEG_CAN,
     {"big", "large", "heavy", "long"}, {"small", "tiny", "weak", "short"}},
    {"carry", {S_DET, S_Y, S_NEG, S_VERB, S_DET, S_X}, 6, {"carry", "support", "carry"}, {0}, NEG_CAN,
     {"heavy", "big", "large"}, {"weak", "small", "fragile"}},
};
#define FRAMES (int)(sizeof frames / sizeof frames[0])

static const char *const dets[] = {"the", "the", "a", "my"};
static const char *const conj[] = {"because", "since"};

/* The function words, in the order the vocabulary lists them. */
static const char *const function_words[] = {
    "the", "a", "my", "did", "not", "didn't", "could", "couldn't", "because", "since", "it", "was", "too",
    "in", "into", "inside", "through", "on",
    "fit", "go", "pass", "sit", "stand", "rest", "hold", "take", "contain", "carry", "support",
    "big", "large", "long", "wide", "tall", "thick", "heavy",
    "small", "tiny", "short", "narrow", "low", "weak", "fragile"};
#define FUNCTION_N (int)(sizeof function_words / sizeof function_words[0])

bool attn_corpus_template_trained(int frame_i, int order) {
    /* held out: the because-clause first with hold / take / contain */
    return !(order == 1 && frame_i == 3);
}

int attn_corpus_noun_count(void) { return NOUNS; }
int attn_corpus_heldout_noun_count(void) { return CATS * HELD_PER_CAT; }

const char *attn_corpus_noun(int i, const char **category) {
    if (i < 0 || i >= NOUNS) return NULL;
    if (category) *category = categories[i / PER_CAT];
    return nouns[i / PER_CAT][i % PER_CAT];
}

static int noun_index(const char *w) {
    for (int i = 0; i < NOUNS; i++)
        if (strcmp(nouns[i / PER_CAT][i % PER_CAT], w) == 0) return i;
    return -1;
}

bool attn_corpus_is_noun(const char *w) { return noun_index(w) >= 0; }

bool attn_corpus_noun_heldout(const char *w) {
    int i = noun_index(w);
    return i >= 0 && i % PER_CAT >= TRAIN_PER_CAT;
}

int attn_corpus_vocab(const char **out, int max) {
    int n = 0;
    for (int i = 0; i < FUNCTION_N && n < max; i++) out[n++] = function_words[i];
    for (int held = 0; held < 2; held++)   /* training nouns first, then the held-out ones */
        for (int c = 0; c < CATS; c++)
            for (int j = held ? TRAIN_PER_CAT : 0; j < (held ? PER_CAT : TRAIN_PER_CAT) && n < max; j++)
                out[n++] = nouns[c][j];
    return n;
}

/* A noun of the split's kind: training or held out. */
static const char *pick_noun(ts_rng *rng, bool held) {
    int c = ts_rng_int(rng, CATS);
    int j = held ? TRAIN_PER_CAT + ts_rng_int(rng, HELD_PER_CAT) : ts_rng_int(rng, TRAIN_PER_CAT);
    return nouns[c][j];
}

static int count(const char *const *list, int max) {
    int n = 0;
    while (n < max && list[n]) n++;
    return n;
}

/* Appends one word, or the words of a two-word phrase ("did not"). */
static void push(attn_sentence *s, const char *w) {
    static const char *const split[][2] = {{"did not", "did"}, {"could not", "could"}};
    for (size_t i = 0; i < sizeof split / sizeof split[0]; i++)
        if (strcmp(w, split[i][0]) == 0) {
            s->word[s->T++] = split[i][1];
            s->word[s->T++] = "not";
            return;
        }
    s->word[s->T++] = w;
}

void attn_corpus_sample(attn_sentence *s, int split, ts_rng *rng) {
    memset(s, 0, sizeof *s);
    int fi, order;
    do {
        fi = ts_rng_int(rng, FRAMES);
        order = ts_rng_int(rng, 2);
    } while (attn_corpus_template_trained(fi, order) == (split == ATTN_SPLIT_ORDERS));
    const frame *f = &frames[fi];
    bool held = split == ATTN_SPLIT_NOUNS;
    const char *x = pick_noun(rng, held), *y;
    do y = pick_noun(rng, held); while (y == x);
    bool adj_x = ts_rng_int(rng, 2) == 0;
    const char *const *adjs = adj_x ? f->adj_x : f->adj_y;
    const char *adj = adjs[ts_rng_int(rng, count(adjs, 6))];
    const char *verb = f->verbs[ts_rng_int(rng, 3)];
    const char *prep = f->preps[0] ? f->preps[ts_rng_int(rng, 3)] : NULL;
    const char *neg = f->neg[ts_rng_int(rng, 4)];
    const char *cj = conj[ts_rng_int(rng, 2)];
    s->frame = fi;
    s->order = order;
    s->adj_x = adj_x;
    if (order == 1) {
        push(s, cj);
        s->it = s->T;
        push(s, "it"); push(s, "was"); push(s, "too"); push(s, adj);
    }
    for (int i = 0; i < f->n; i++) {
        switch (f->slots[i]) {
        case S_X: s->x = s->T; push(s, x); break;
        case S_Y: s->y = s->T; push(s, y); break;
        case S_VERB: s->verb = s->T; push(s, verb); break;
        case S_NEG: push(s, neg); break;
        case S_PREP: push(s, prep); break;
        case S_DET: push(s, dets[ts_rng_int(rng, 4)]); break;
        }
    }
    if (order == 0) {
        push(s, cj);
        s->it = s->T;
        push(s, "it"); push(s, "was"); push(s, "too"); push(s, adj);
    }
    s->referent = adj_x ? s->x : s->y;
    s->other = adj_x ? s->y : s->x;
}

void attn_corpus_text(const attn_sentence *s, char *buf, size_t n) {
    size_t used = 0;
    buf[0] = 0;
    for (int t = 0; t < s->T && used < n; t++) {
        int k = snprintf(buf + used, n - used, "%s%s", t ? " " : "", s->word[t]);
        if (k < 0) break;
        used += (size_t)k;
    }
}
