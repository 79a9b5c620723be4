/* tensor.c: the arena, tensors, ts_fatal and the PCG32 generator of tensor.h.
 *
 * Arena layout: blocks form a doubly linked list. `head` is the block being
 * filled; blocks after it (`next`) are kept from before a reset and are
 * reused before anything new is allocated; blocks before it (`prev`) are
 * full. Each block is one calloc, aligned by hand: a header padded to
 * TS_ALIGN bytes, then the payload. Every allocation is rounded up to
 * TS_ALIGN so the next one stays aligned, and is zero when handed out: bytes
 * below the block's high-water mark (`dirty`: handed out before a reset) are
 * cleared then; bytes above it are still calloc's zeros and are not touched,
 * so a large tensor costs no page faults until it is written (a 1 MiB block
 * holding 10 KB of tensors keeps 10 KB resident, not 1 MiB).
 */
#include "tensor.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TS_ALIGN 32
#define TS_DEFAULT_BLOCK ((size_t)1 << 20)
#define TS_TWO_PI 6.283185307179586476925

struct ts_arena_block {
    ts_arena_block *prev, *next;
    void  *raw;     /* what calloc returned (the block is aligned inside it) */
    size_t size;    /* payload bytes */
    size_t used;    /* payload bytes handed out */
    size_t dirty;   /* payload bytes ever handed out: beyond them all is zero */
};

/* Header size rounded up so the payload starts aligned. */
#define TS_HEADER (((sizeof(ts_arena_block) + TS_ALIGN - 1) / TS_ALIGN) * TS_ALIGN)

void ts_fatal(const char *file, int line, const char *fmt, ...) {
    va_list ap;
    fprintf(stderr, "%s:%d: ", file, line);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    fflush(stderr);
    abort();
}

static size_t round_up(size_t n) {
    if (n > SIZE_MAX - TS_ALIGN) ts_fatal(__FILE__, __LINE__, "arena: request of %zu bytes is too large", n);
    return (n + TS_ALIGN - 1) / TS_ALIGN * TS_ALIGN;
}

static unsigned char *block_payload(ts_arena_block *b) {
    return (unsigned char *)b + TS_HEADER;
}

static ts_arena_block *block_new(size_t payload) {
    if (payload > SIZE_MAX - TS_HEADER - TS_ALIGN)
        ts_fatal(__FILE__, __LINE__, "arena: block of %zu bytes is too large", payload);
    void *raw = calloc(1, TS_HEADER + payload + TS_ALIGN);
    if (!raw) ts_fatal(__FILE__, __LINE__, "arena: out of memory (block of %zu bytes)", payload);
    uintptr_t at = ((uintptr_t)raw + TS_ALIGN - 1) / TS_ALIGN * TS_ALIGN;
    ts_arena_block *b = (ts_arena_block *)at;
    b->prev = b->next = NULL;
    b->raw = raw;
    b->size = payload;
    b->used = b->dirty = 0;
    return b;
}

void *ts_arena_alloc(ts_arena *a, size_t bytes) {
    size_t n = round_up(bytes ? bytes : 1);   /* distinct pointers even for 0 */
    ts_arena_block *b = a->head;
    /* Move forward through kept blocks until one fits. */
    while (b && b->size - b->used < n && b->next) b = b->next;
    if (!b || b->size - b->used < n) {
        size_t bs = a->block_size ? round_up(a->block_size) : TS_DEFAULT_BLOCK;
        ts_arena_block *nb = block_new(n > bs ? n : bs);
        /* Insert after b (b is the last block if we got here with b). */
        if (b) { nb->prev = b; nb->next = b->next; if (b->next) b->next->prev = nb; b->next = nb; }
        b = nb;
    }
    a->head = b;
    unsigned char *p = block_payload(b) + b->used;
    if (b->used < b->dirty) memset(p, 0, (b->dirty < b->used + n ? b->dirty : b->used + n) - b->used);
    b->used += n;
    if (b->used > b->dirty) b->dirty = b->used;
    a->used_total += n;
    return p;
}

void ts_arena_reset(ts_arena *a) {
    ts_arena_block *b = a->head;
    if (!b) return;
    while (b->prev) b = b->prev;
    a->head = b;
    for (; b; b = b->next) b->used = 0;
    a->used_total = 0;
}

void ts_arena_free(ts_arena *a) {
    ts_arena_block *b = a->head;
    if (b) while (b->prev) b = b->prev;
    while (b) {
        ts_arena_block *next = b->next;
        free(b->raw);
        b = next;
    }
    a->head = NULL;
    a->used_total = 0;
}

/* ---- tensors ----------------------------------------------------------- */

ts_tensor *ts_tensor_new(ts_arena *a, const char *name, int ndim, const int *shape) {
    TS_CHECK(ndim >= 0 && ndim <= TS_MAX_DIMS);
    size_t numel = 1;
    for (int i = 0; i < ndim; i++) {
        TS_CHECK(shape[i] >= 0);
        if (shape[i] && numel > SIZE_MAX / sizeof(float) / (size_t)shape[i])
            ts_fatal(__FILE__, __LINE__, "tensor '%s': too many elements", name ? name : "");
        numel *= (size_t)shape[i];
    }
    ts_tensor *t = ts_arena_alloc(a, sizeof *t);
    if (name) ts_tensor_set_name(t, "%s", name);
    t->ndim = ndim;
    int stride = 1;
    for (int i = ndim - 1; i >= 0; i--) {
        t->shape[i] = shape[i];
        t->stride[i] = stride;
        stride *= shape[i] ? shape[i] : 1;
    }
    t->data = ts_arena_alloc(a, numel * sizeof(float));
    t->grad = NULL;
    return t;
}

ts_tensor *ts_new1(ts_arena *a, const char *name, int d0) {
    return ts_tensor_new(a, name, 1, (int[]){d0});
}
ts_tensor *ts_new2(ts_arena *a, const char *name, int d0, int d1) {
    return ts_tensor_new(a, name, 2, (int[]){d0, d1});
}
ts_tensor *ts_new3(ts_arena *a, const char *name, int d0, int d1, int d2) {
    return ts_tensor_new(a, name, 3, (int[]){d0, d1, d2});
}
ts_tensor *ts_new4(ts_arena *a, const char *name, int d0, int d1, int d2, int d3) {
    return ts_tensor_new(a, name, 4, (int[]){d0, d1, d2, d3});
}

float *ts_tensor_grad(ts_arena *a, ts_tensor *t) {
    if (!t->grad) t->grad = ts_arena_alloc(a, ts_numel(t) * sizeof(float));
    return t->grad;
}

size_t ts_numel(const ts_tensor *t) {
    size_t n = 1;
    for (int i = 0; i < t->ndim; i++) n *= (size_t)t->shape[i];
    return n;
}

void ts_tensor_set_name(ts_tensor *t, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(t->name, sizeof t->name, fmt, ap);   /* truncates, always terminated */
    va_end(ap);
}

float *ts_at(const ts_tensor *t, const int *idx) {
    size_t off = 0;
    for (int i = 0; i < t->ndim; i++) {
        TS_CHECK(idx[i] >= 0 && idx[i] < t->shape[i]);
        off += (size_t)idx[i] * (size_t)t->stride[i];
    }
    return t->data + off;
}

/* ---- RNG: PCG32 (XSH RR), O'Neill 2014 ------------------------------------ */

#define PCG_MULT 6364136223846793005ULL

void ts_rng_seed(ts_rng *r, uint64_t seed) {
    /* The stream constant is fixed; the seed picks the starting state. */
    r->state = 0;
    r->inc = (0xda3e39cb94b95bdbULL << 1) | 1u;
    r->has_spare = false;
    r->spare = 0.0f;
    ts_rng_u32(r);
    r->state += seed;
    ts_rng_u32(r);
}

uint32_t ts_rng_u32(ts_rng *r) {
    uint64_t old = r->state;
    r->state = old * PCG_MULT + r->inc;
    uint32_t xorshifted = (uint32_t)(((old >> 18) ^ old) >> 27);
    uint32_t rot = (uint32_t)(old >> 59);
    return (xorshifted >> rot) | (xorshifted << ((32u - rot) & 31u));
}

float ts_rng_uniform(ts_rng *r) {
    /* 24 random bits: every value is an exact float in [0, 1). */
    return (float)(ts_rng_u32(r) >> 8) * (1.0f / 16777216.0f);
}

float ts_rng_normal(ts_rng *r) {
    if (r->has_spare) {
        r->has_spare = false;
        return r->spare;
    }
    /* u1 in (0, 1] so the log is finite; computed in double. */
    double u1 = ((double)(ts_rng_u32(r) >> 8) + 1.0) / 16777216.0;
    double u2 = (double)(ts_rng_u32(r) >> 8) / 16777216.0;
    double rad = sqrt(-2.0 * log(u1));
    r->spare = (float)(rad * sin(TS_TWO_PI * u2));
    r->has_spare = true;
    return (float)(rad * cos(TS_TWO_PI * u2));
}

int ts_rng_int(ts_rng *r, int n) {
    TS_CHECK(n > 0);
    /* Reject the low values that would make the modulo uneven:
     * 2^32 mod n of them, computed as (-n) mod n in 32 bits. */
    uint32_t un = (uint32_t)n;
    uint32_t threshold = (uint32_t)(-un) % un;
    for (;;) {
        uint32_t x = ts_rng_u32(r);
        if (x >= threshold) return (int)(x % un);
    }
}

void ts_rng_uniform_fill(ts_rng *r, float *x, size_t n, float lo, float hi) {
    for (size_t i = 0; i < n; i++) x[i] = lo + (hi - lo) * ts_rng_uniform(r);
}

void ts_rng_normal_fill(ts_rng *r, float *x, size_t n, float mean, float std) {
    for (size_t i = 0; i < n; i++) x[i] = mean + std * ts_rng_normal(r);
}

void ts_rng_shuffle(ts_rng *r, int *idx, int n) {
    /* Fisher-Yates: swap each position with a uniform earlier-or-same one. */
    for (int i = n - 1; i > 0; i--) {
        int j = ts_rng_int(r, i + 1);
        int t = idx[i]; idx[i] = idx[j]; idx[j] = t;
    }
}
