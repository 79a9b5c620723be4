/* trainer.c: the rewindable trainer of trainer.h: registered state, its
 * snapshots, checkpoints thinned to a budget, seek by restore and replay. */
#include "trainer.h"

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum slot_kind { SLOT_FLOATS, SLOT_BYTES, SLOT_RNG, SLOT_OPTIM };

typedef struct slot {
    enum slot_kind kind;
    void *p;          /* float *, bytes, ts_rng * or ts_optim * */
    size_t bytes;     /* in a snapshot */
    size_t offset;    /* in a snapshot, 16-byte aligned */
} slot;

typedef struct ckpt {
    long step;
    unsigned char *data;   /* state_size bytes */
} ckpt;

struct ts_trainer {
    ts_trainer_desc d;     /* defaults filled in */
    slot *slots;
    int nslots, slot_cap;
    size_t size;           /* bytes of one snapshot */
    bool started;          /* step 0 is taken: no more registering */
    bool touched;          /* the state left the schedule */
    long step;             /* the step the state is at */
    long spacing;          /* checkpoints at multiples of this */
    ckpt *ck;              /* ascending by step; ck[0] is step 0 */
    int nck, ck_cap;
};

ts_trainer *ts_trainer_create(const ts_trainer_desc *desc) {
    TS_CHECK(desc && desc->step);
    ts_trainer *t = calloc(1, sizeof *t);
    if (!t) return NULL;
    t->d = *desc;
    if (t->d.every <= 0) t->d.every = 100;
    if (t->d.budget == 0) t->d.budget = (size_t)64 << 20;
    t->spacing = t->d.every;
    return t;
}

static void drop_checkpoints(ts_trainer *t, int from) {
    for (int i = from; i < t->nck; i++) free(t->ck[i].data);
    if (t->nck > from) t->nck = from;
}

void ts_trainer_destroy(ts_trainer *t) {
    if (!t) return;
    drop_checkpoints(t, 0);
    free(t->ck);
    free(t->slots);
    free(t);
}

/* ---- registering ------------------------------------------------------------------- */

static void add(ts_trainer *t, enum slot_kind kind, void *p, size_t bytes) {
    TS_CHECK(!t->started && p);
    if (t->nslots == t->slot_cap) {
        int cap = t->slot_cap ? 2 * t->slot_cap : 8;
        slot *s = realloc(t->slots, sizeof *s * (size_t)cap);
        TS_CHECK(s != NULL);
        t->slots = s;
        t->slot_cap = cap;
    }
    t->slots[t->nslots++] = (slot){ .kind = kind, .p = p, .bytes = bytes, .offset = t->size };
    t->size += (bytes + 15) & ~(size_t)15;
}

void ts_trainer_add_floats(ts_trainer *t, float *buf, size_t n) { add(t, SLOT_FLOATS, buf, n * sizeof(float)); }
void ts_trainer_add_bytes(ts_trainer *t, void *p, size_t n) { add(t, SLOT_BYTES, p, n); }
void ts_trainer_add_rng(ts_trainer *t, ts_rng *r) { add(t, SLOT_RNG, r, sizeof *r); }
void ts_trainer_add_optim(ts_trainer *t, ts_optim *o) {
    add(t, SLOT_OPTIM, o, ts_optim_snapshot_size(o) * sizeof(float));
}

/* ---- snapshots --------------------------------------------------------------------- */

size_t ts_trainer_state_size(const ts_trainer *t) { return t->size; }

void ts_trainer_state_save(const ts_trainer *t, void *out) {
    unsigned char *b = out;
    for (int i = 0; i < t->nslots; i++) {
        const slot *s = &t->slots[i];
        if (s->kind == SLOT_OPTIM) ts_optim_snapshot_save(s->p, (float *)(void *)(b + s->offset));
        else memcpy(b + s->offset, s->p, s->bytes);
        size_t end = i + 1 < t->nslots ? t->slots[i + 1].offset : t->size;
        memset(b + s->offset + s->bytes, 0, end - s->offset - s->bytes);   /* alignment gap */
    }
}

static void load(ts_trainer *t, const unsigned char *b) {
    for (int i = 0; i < t->nslots; i++) {
        const slot *s = &t->slots[i];
        if (s->kind == SLOT_OPTIM) ts_optim_snapshot_load(s->p, (const float *)(const void *)(b + s->offset));
        else memcpy(s->p, b + s->offset, s->bytes);
    }
}

/* ---- checkpoints ------------------------------------------------------------------- */

static bool has_checkpoint(const ts_trainer *t, long step) {
    for (int i = t->nck - 1; i >= 0; i--) {
        if (t->ck[i].step == step) return true;
        if (t->ck[i].step < step) return false;
    }
    return false;
}

/* Doubles the spacing and keeps only the checkpoints on it (step 0 always). */
static void thin(ts_trainer *t) {
    t->spacing *= 2;
    int k = 0;
    for (int i = 0; i < t->nck; i++) {
        if (t->ck[i].step % t->spacing == 0) t->ck[k++] = t->ck[i];
        else free(t->ck[i].data);
    }
    t->nck = k;
}

static size_t bytes_for(const ts_trainer *t, int n) { return (size_t)n * (t->size ? t->size : 1); }

/* Keeps the current state as the checkpoint of t->step, in order. */
static void checkpoint(ts_trainer *t) {
    long s = t->step;
    if (s != 0) {
        while (t->nck > 1 && bytes_for(t, t->nck + 1) > t->d.budget && t->spacing <= LONG_MAX / 2)
            thin(t);
        if (s % t->spacing != 0 || bytes_for(t, t->nck + 1) > t->d.budget) return;
    }
    if (t->nck == t->ck_cap) {
        int cap = t->ck_cap ? 2 * t->ck_cap : 16;
        ckpt *c = realloc(t->ck, sizeof *c * (size_t)cap);
        if (!c) { TS_CHECK(s != 0); return; }
        t->ck = c;
        t->ck_cap = cap;
    }
    unsigned char *data = malloc(t->size ? t->size : 1);
    if (!data) { TS_CHECK(s != 0); return; }
    ts_trainer_state_save(t, data);
    int i = t->nck;
    while (i > 0 && t->ck[i - 1].step > s) { t->ck[i] = t->ck[i - 1]; i--; }
    t->ck[i] = (ckpt){ .step = s, .data = data };
    t->nck++;
}

static void start(ts_trainer *t) {
    if (t->started) return;
    t->started = true;
    t->step = 0;
    checkpoint(t);
}

void ts_trainer_begin(ts_trainer *t) {
    drop_checkpoints(t, 0);
    t->started = false;
    t->touched = false;
    t->spacing = t->d.every;
    start(t);
}

void ts_trainer_reset(ts_trainer *t) {
    start(t);
    drop_checkpoints(t, 1);
    t->spacing = t->d.every;
    load(t, t->ck[0].data);
    t->step = 0;
    t->touched = false;
}

void ts_trainer_touch(ts_trainer *t) { t->touched = true; }

/* ---- moving ------------------------------------------------------------------------- */

long ts_trainer_seek(ts_trainer *t, long n) {
    start(t);
    if (n < 0) n = 0;
    if (n < t->step || t->touched) {
        int i = t->nck - 1;
        while (i > 0 && t->ck[i].step > n) i--;
        load(t, t->ck[i].data);
        t->step = t->ck[i].step;
        t->touched = false;
    }
    while (t->step < n) {
        if (!t->d.step(t->d.ctx, t->step + 1)) break;
        t->step++;
        if (t->step % t->spacing == 0 && !has_checkpoint(t, t->step)) checkpoint(t);
    }
    return t->step;
}

long ts_trainer_advance(ts_trainer *t, long k) {
    start(t);
    long from = t->step;
    if (k <= 0) return 0;
    return ts_trainer_seek(t, from > LONG_MAX - k ? LONG_MAX : from + k) - from;
}

void ts_trainer_state_load(ts_trainer *t, const void *in, long n) {
    start(t);
    load(t, in);
    t->step = n < 0 ? 0 : n;
    t->touched = false;
}

/* ---- reading ------------------------------------------------------------------------ */

long ts_trainer_step_count(const ts_trainer *t) { return t->step; }

long ts_trainer_seek_cost(const ts_trainer *t, long n) {
    if (n < 0) n = 0;
    if (!t->started) return n;
    if (n >= t->step && !t->touched) return n - t->step;
    int i = t->nck - 1;
    while (i > 0 && t->ck[i].step > n) i--;
    return n - t->ck[i].step;
}
long ts_trainer_spacing(const ts_trainer *t) { return t->spacing; }
size_t ts_trainer_memory(const ts_trainer *t) { return bytes_for(t, t->nck); }

int ts_trainer_checkpoints(const ts_trainer *t, long *steps, int max) {
    for (int i = 0; i < t->nck && i < max; i++) steps[i] = t->ck[i].step;
    return t->nck;
}
