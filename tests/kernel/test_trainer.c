/* test_trainer: the rewindable trainer (trainer.h) on a small regression
 * trained with Adam on minibatches drawn from its own RNG, with a
 * plain-bytes counter and a float buffer of its own in the state:
 * - seeking back then forward gives the straight run's state bit for bit,
 *   at the target and at every step in between;
 * - a tight budget is respected (step 0 kept, spacing grows), and seeks stay
 *   exact after thinning;
 * - forward and backward seeks, advance, a refused step, touch and reset. */
#include <string.h>

#include "check.h"
#include "kernel/trainer.h"

enum { D = 6, B = 8 };

typedef struct toy {
    ts_arena a;
    ts_tensor *w, *b;        /* [D], [1] */
    ts_optim *opt;
    ts_rng rng;
    float ema[D];            /* a running average of w: caller-owned floats */
    struct { long steps; double loss_sum; } stats;   /* plain bytes */
    long refuse_after;       /* steps after this are refused (0: none) */
    long calls;              /* step calls, not part of the state */
} toy;

static bool toy_step(void *ctx, long n) {
    toy *m = ctx;
    m->calls++;
    if (m->refuse_after && n > m->refuse_after) return false;
    ts_optim_zero_grad(m->opt);
    float loss = 0;
    for (int i = 0; i < B; i++) {
        float x[D], y = 0.5f, p = m->b->data[0];
        for (int j = 0; j < D; j++) {
            x[j] = ts_rng_normal(&m->rng);
            y += (float)(j + 1) * 0.3f * x[j];
            p += m->w->data[j] * x[j];
        }
        float e = p - y;
        loss += e * e / B;
        for (int j = 0; j < D; j++) m->w->grad[j] += 2 * e * x[j] / B;
        m->b->grad[0] += 2 * e / B;
    }
    ts_optim_step(m->opt);
    for (int j = 0; j < D; j++) m->ema[j] = 0.9f * m->ema[j] + 0.1f * m->w->data[j];
    m->stats.steps = n;
    m->stats.loss_sum += loss;
    return true;
}

static ts_trainer *toy_new(toy *m, long every, size_t budget) {
    memset(m, 0, sizeof *m);
    m->w = ts_new1(&m->a, "w", D);
    m->b = ts_new1(&m->a, "b", 1);
    ts_rng_seed(&m->rng, 7);
    ts_rng_normal_fill(&m->rng, m->w->data, D, 0, 0.1f);
    ts_tensor *p[2] = { m->w, m->b };
    m->opt = ts_optim_new(&m->a, p, 2, &(ts_optim_desc){ .kind = TS_OPTIM_ADAM, .lr = 0.01f });
    ts_trainer *t = ts_trainer_create(&(ts_trainer_desc){
        .step = toy_step, .ctx = m, .every = every, .budget = budget });
    ts_trainer_add_optim(t, m->opt);
    ts_trainer_add_rng(t, &m->rng);
    ts_trainer_add_floats(t, m->ema, D);
    ts_trainer_add_bytes(t, &m->stats, sizeof m->stats);
    return t;
}

static void toy_free(toy *m, ts_trainer *t) {
    ts_trainer_destroy(t);
    ts_arena_free(&m->a);
}

/* The registered state as bytes, to compare bit for bit. */
static bool same_state(ts_trainer *x, ts_trainer *y) {
    size_t n = ts_trainer_state_size(x);
    if (n != ts_trainer_state_size(y)) return false;
    unsigned char *p = malloc(n), *q = malloc(n);
    ts_trainer_state_save(x, p);
    ts_trainer_state_save(y, q);
    bool same = memcmp(p, q, n) == 0;
    free(p);
    free(q);
    return same;
}

enum { N = 1000 };

static void test_replay(void) {
    toy ref, m;
    ts_trainer *r = toy_new(&ref, 100, 0), *t = toy_new(&m, 100, 0);
    /* the straight run's state at every step, kept to compare against */
    size_t sz = ts_trainer_state_size(r);
    unsigned char *states = malloc(sz * (N + 1));
    ts_trainer_state_save(r, states);
    for (long n = 1; n <= N; n++) {
        CHECK(ts_trainer_advance(r, 1) == 1);
        ts_trainer_state_save(r, states + sz * (size_t)n);
    }
    CHECK(ts_trainer_step_count(r) == N);
    CHECK(ref.stats.steps == N);

    unsigned char *now = malloc(sz);
    const long seeks[] = { 1000, 370, 999, 0, 1, 100, 99, 101, 650, 650, 1000, 3 };
    int bad = 0;
    for (size_t i = 0; i < sizeof seeks / sizeof *seeks; i++) {
        CHECK(ts_trainer_seek(t, seeks[i]) == seeks[i]);
        CHECK(ts_trainer_step_count(t) == seeks[i]);
        ts_trainer_state_save(t, now);
        if (memcmp(now, states + sz * (size_t)seeks[i], sz) != 0) bad++;
    }
    CHECK(bad == 0);
    /* backward replays at most one spacing; seek_cost says so first */
    ts_trainer_seek(t, 1000);
    long before = m.calls;
    CHECK(ts_trainer_seek_cost(t, 999) == 99 && ts_trainer_seek_cost(t, 1000) == 0);
    CHECK(ts_trainer_seek_cost(t, 1010) == 10 && ts_trainer_seek_cost(t, 300) == 0);
    ts_trainer_seek(t, 999);
    CHECK(m.calls - before == 99);
    /* play on from a scrubbed-back point: every step equals the straight run */
    ts_trainer_seek(t, 420);
    bad = 0;
    for (long n = 421; n <= N; n++) {
        ts_trainer_advance(t, 1);
        ts_trainer_state_save(t, now);
        if (memcmp(now, states + sz * (size_t)n, sz) != 0) bad++;
    }
    CHECK(bad == 0);
    CHECK(same_state(r, t));
    long steps[32];
    int nck = ts_trainer_checkpoints(t, steps, 32);
    CHECK(nck == 11 && steps[0] == 0 && steps[10] == 1000);
    free(now);
    free(states);
    toy_free(&ref, r);
    toy_free(&m, t);
}

static void test_budget(void) {
    toy ref, m;
    ts_trainer *r = toy_new(&ref, 10, 0);
    size_t sz = ts_trainer_state_size(r);
    ts_trainer *t = toy_new(&m, 10, 6 * sz);   /* room for six checkpoints */
    long steps[64];
    bool within = true;
    for (long n = 0; n <= 5000; n += 37) {
        ts_trainer_seek(t, n);
        if (ts_trainer_memory(t) > 6 * sz) within = false;
    }
    CHECK(within);
    int nck = ts_trainer_checkpoints(t, steps, 64);
    CHECK(nck >= 2 && nck <= 6);
    CHECK(steps[0] == 0);
    CHECK(ts_trainer_spacing(t) > 10);
    for (int i = 1; i < nck && i < 64; i++) CHECK(steps[i] % ts_trainer_spacing(t) == 0);
    printf("budget: %d checkpoints of %zu bytes, spacing %ld\n", nck, sz, ts_trainer_spacing(t));
    /* exact after thinning, backward and forward */
    const long seeks[] = { 4321, 17, 5000, 2500 };
    for (int i = 0; i < 4; i++) {
        ts_trainer_seek(r, seeks[i]);
        ts_trainer_seek(t, seeks[i]);
        CHECK(same_state(r, t));
    }
    /* a budget below one checkpoint keeps step 0 alone */
    toy z;
    ts_trainer *tz = toy_new(&z, 10, 1);
    ts_trainer_seek(tz, 300);
    CHECK(ts_trainer_checkpoints(tz, steps, 64) == 1 && steps[0] == 0);
    ts_trainer_seek(tz, 250);
    ts_trainer_seek(r, 250);
    CHECK(same_state(r, tz));
    toy_free(&z, tz);
    toy_free(&ref, r);
    toy_free(&m, t);
}

static void test_moves(void) {
    toy ref, m;
    ts_trainer *r = toy_new(&ref, 50, 0), *t = toy_new(&m, 50, 0);
    /* advance = seek forward */
    CHECK(ts_trainer_advance(t, 130) == 130);
    ts_trainer_seek(r, 130);
    CHECK(same_state(r, t));
    /* a hand-taken change, then touch: the next seek restores the schedule */
    m.w->data[0] += 1.0f;
    m.stats.steps = -5;
    ts_trainer_touch(t);
    CHECK(ts_trainer_seek(t, 130) == 130);
    CHECK(same_state(r, t));
    m.w->data[1] -= 2.0f;
    ts_trainer_touch(t);
    CHECK(ts_trainer_advance(t, 20) == 20);
    ts_trainer_seek(r, 150);
    CHECK(same_state(r, t));
    /* reset: back to step 0, later checkpoints dropped */
    ts_trainer_reset(t);
    long steps[8];
    CHECK(ts_trainer_step_count(t) == 0 && ts_trainer_checkpoints(t, steps, 8) == 1);
    ts_trainer_seek(r, 0);
    CHECK(same_state(r, t));
    /* a refused step stops the trainer where it is */
    m.refuse_after = 60;
    CHECK(ts_trainer_seek(t, 200) == 60);
    CHECK(ts_trainer_advance(t, 5) == 0 && ts_trainer_step_count(t) == 60);
    ts_trainer_seek(r, 60);
    CHECK(same_state(r, t));
    m.refuse_after = 0;
    /* begin: the current state becomes step 0 */
    ts_trainer_seek(t, 75);
    ts_trainer_begin(t);
    CHECK(ts_trainer_step_count(t) == 0 && ts_trainer_checkpoints(t, steps, 8) == 1);
    ts_trainer_seek(t, 10);
    ts_trainer_seek(t, 0);
    ts_trainer_seek(r, 75);
    CHECK(same_state(r, t));
    /* snapshots: save elsewhere, load back at the step they were taken */
    size_t sz = ts_trainer_state_size(t);
    unsigned char *snap = malloc(sz);
    ts_trainer_seek(r, 321);
    ts_trainer_state_save(r, snap);
    ts_trainer_seek(r, 10);
    ts_trainer_state_load(r, snap, 321);
    CHECK(ts_trainer_step_count(r) == 321);
    ts_trainer_advance(r, 9);
    toy fresh;
    ts_trainer *f = toy_new(&fresh, 50, 0);
    ts_trainer_seek(f, 330);
    CHECK(same_state(r, f));
    free(snap);
    toy_free(&fresh, f);
    toy_free(&ref, r);
    toy_free(&m, t);
}

int main(void) {
    test_replay();
    test_budget();
    test_moves();
    return check_report();
}
