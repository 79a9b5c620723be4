/* tensor.h: arenas, named tensors and the deterministic RNG of the kernel.
 *
 * The kernel is pure C11 + libm: no SDL, no GL. Everything a scene shows is a
 * ts_tensor, and every tensor lives in a ts_arena that its owner resets in one
 * call (ts_arena_reset) instead of freeing tensor by tensor.
 *
 *   ts_arena a = {0};                         // zero is a valid empty arena
 *   ts_tensor *w = ts_tensor_new(&a, "conv1.weight", 4, (int[]){8,1,3,3});
 *   ts_rng r; ts_rng_seed(&r, 42);
 *   ts_rng_normal_fill(&r, w->data, ts_numel(w), 0.0f, 0.1f);
 *   ...
 *   ts_arena_free(&a);                        // or ts_arena_reset(&a) to reuse
 *
 * Tensors are dense, row-major and contiguous (strides are kept for display
 * and for views, in elements). The name is the on-screen label and the key in
 * the JSON dump (dump.h), so it follows PyTorch's naming: "conv1.weight".
 *
 * Ops (ops.h and friends) are plain functions over float pointers and sizes,
 * outputs first, then inputs, then sizes, in the manner of llm.c; tensors are
 * the containers that name, shape and own those buffers.
 *
 * Errors: allocation failure aborts with a located message (the kernel never
 * returns half-built tensors); shape errors are caller bugs, checked by
 * TS_CHECK.
 */
#ifndef TS_TENSOR_H
#define TS_TENSOR_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#define TS_MAX_DIMS 4
#define TS_NAME_MAX 48

/* Loud, located failure for broken invariants (not for user input). */
void ts_fatal(const char *file, int line, const char *fmt, ...);
#define TS_CHECK(cond) \
    do { if (!(cond)) ts_fatal(__FILE__, __LINE__, "check failed: %s", #cond); } while (0)

/* ---- arena ------------------------------------------------------------- */

/* A growable list of blocks; allocations are 32-byte aligned and zeroed.
 * A zero-initialised ts_arena is ready to use. Reset keeps the memory for
 * reuse; free returns it. Pointers from an arena die with its reset. */
typedef struct ts_arena_block ts_arena_block;
typedef struct ts_arena {
    ts_arena_block *head;   /* current block */
    size_t block_size;      /* 0 means 1 MiB */
    size_t used_total;      /* bytes handed out since the last reset */
} ts_arena;

void *ts_arena_alloc(ts_arena *a, size_t bytes);
void  ts_arena_reset(ts_arena *a);
void  ts_arena_free(ts_arena *a);

/* ---- tensors ----------------------------------------------------------- */

typedef struct ts_tensor {
    char   name[TS_NAME_MAX];
    int    ndim;                 /* 0..TS_MAX_DIMS; 0 is a scalar */
    int    shape[TS_MAX_DIMS];
    int    stride[TS_MAX_DIMS];  /* in elements, row-major */
    float *data;
    float *grad;                 /* NULL until ts_tensor_grad */
} ts_tensor;

/* New zero-filled tensor in arena a. name may be NULL (empty). */
ts_tensor *ts_tensor_new(ts_arena *a, const char *name, int ndim, const int *shape);
ts_tensor *ts_new1(ts_arena *a, const char *name, int d0);
ts_tensor *ts_new2(ts_arena *a, const char *name, int d0, int d1);
ts_tensor *ts_new3(ts_arena *a, const char *name, int d0, int d1, int d2);
ts_tensor *ts_new4(ts_arena *a, const char *name, int d0, int d1, int d2, int d3);
/* Allocates (zeroed) t->grad in arena a if it has none; returns it. */
float     *ts_tensor_grad(ts_arena *a, ts_tensor *t);
size_t     ts_numel(const ts_tensor *t);
void       ts_tensor_set_name(ts_tensor *t, const char *fmt, ...);
/* Element at a multi-index (ndim ints); bounds-checked with TS_CHECK. */
float     *ts_at(const ts_tensor *t, const int *idx);

/* ---- RNG --------------------------------------------------------------- */

/* PCG32: the same seed gives the same stream on every machine and compiler.
 * Normals come from Box-Muller on that stream (both values are used). */
typedef struct ts_rng {
    uint64_t state, inc;
    bool  has_spare;
    float spare;
} ts_rng;

void     ts_rng_seed(ts_rng *r, uint64_t seed);
uint32_t ts_rng_u32(ts_rng *r);
float    ts_rng_uniform(ts_rng *r);                 /* [0, 1) */
float    ts_rng_normal(ts_rng *r);                  /* mean 0, std 1 */
int      ts_rng_int(ts_rng *r, int n);              /* [0, n) unbiased */
void     ts_rng_uniform_fill(ts_rng *r, float *x, size_t n, float lo, float hi);
void     ts_rng_normal_fill(ts_rng *r, float *x, size_t n, float mean, float std);
void     ts_rng_shuffle(ts_rng *r, int *idx, int n);

#endif
