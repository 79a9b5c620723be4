/* test_tensor: arena (alignment, zeroing, growth, reset, free), tensor
 * shapes and strides, and the RNG (known PCG32 values, reproducibility,
 * distribution sanity). */
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "kernel/tensor.h"

static void test_arena(void) {
    ts_arena a = {0};
    a.block_size = 4096;
    /* Alignment and zeroing of odd sizes. */
    int aligned = 1, zeroed = 1, distinct = 1;
    unsigned char *prev = NULL;
    for (int i = 1; i < 300; i++) {
        unsigned char *p = ts_arena_alloc(&a, (size_t)i * 7);
        aligned &= ((uintptr_t)p % 32) == 0;
        for (int k = 0; k < i * 7; k++) zeroed &= p[k] == 0;
        memset(p, 0xAB, (size_t)i * 7);             /* dirty it for the reset test */
        distinct &= p != prev;
        prev = p;
    }
    CHECK(aligned);
    CHECK(zeroed);
    CHECK(distinct);
    CHECK(a.used_total >= 299u * 300u / 2u * 7u);
    /* A request bigger than a block gets its own block. */
    unsigned char *big = ts_arena_alloc(&a, 100000);
    CHECK(((uintptr_t)big % 32) == 0);
    big[99999] = 1;
    /* Zero-byte requests still give distinct valid pointers. */
    CHECK(ts_arena_alloc(&a, 0) != ts_arena_alloc(&a, 0));
    /* Reset: memory is reused and handed out zeroed again. */
    ts_arena_reset(&a);
    CHECK(a.used_total == 0);
    int rezeroed = 1;
    for (int i = 1; i < 300; i++) {
        unsigned char *p = ts_arena_alloc(&a, (size_t)i * 7);
        for (int k = 0; k < i * 7; k++) rezeroed &= p[k] == 0;
    }
    CHECK(rezeroed);
    ts_arena_free(&a);
    CHECK(a.head == NULL && a.used_total == 0);
    /* Allocations that straddle what was handed out before a reset (cleared)
     * and what never was (calloc's zeros) are zero throughout. */
    unsigned char *d = ts_arena_alloc(&a, 1000);
    memset(d, 0xCD, 1000);
    ts_arena_reset(&a);
    int straddle = 1;
    unsigned char *s1 = ts_arena_alloc(&a, 500), *s2 = ts_arena_alloc(&a, 3000);
    for (int k = 0; k < 500; k++) straddle &= s1[k] == 0;
    for (int k = 0; k < 3000; k++) straddle &= s2[k] == 0;
    memset(s2, 0xEF, 3000);
    ts_arena_reset(&a);
    unsigned char *s3 = ts_arena_alloc(&a, 8000);
    for (int k = 0; k < 8000; k++) straddle &= s3[k] == 0;
    CHECK(straddle);
    ts_arena_free(&a);
    /* A freed arena is usable again; the default block size is 1 MiB. */
    float *f = ts_arena_alloc(&a, 3 * 1024 * 1024);
    f[3 * 256 * 1024 - 1] = 1.0f;
    CHECK(((uintptr_t)f % 32) == 0);
    ts_arena_free(&a);
    ts_arena_free(&a);   /* freeing twice is harmless */
}

static void test_tensors(void) {
    ts_arena a = {0};
    ts_tensor *w = ts_new4(&a, "conv1.weight", 8, 1, 3, 3);
    CHECK(strcmp(w->name, "conv1.weight") == 0);
    CHECK(w->ndim == 4 && ts_numel(w) == 72);
    CHECK(w->stride[0] == 9 && w->stride[1] == 9 && w->stride[2] == 3 && w->stride[3] == 1);
    CHECK(w->grad == NULL && ((uintptr_t)w->data % 32) == 0);
    int zero = 1;
    for (size_t i = 0; i < ts_numel(w); i++) zero &= w->data[i] == 0.0f;
    CHECK(zero);
    *ts_at(w, (int[]){7, 0, 2, 1}) = 5.0f;
    CHECK(w->data[7 * 9 + 2 * 3 + 1] == 5.0f);
    float *g = ts_tensor_grad(&a, w);
    CHECK(g && g == w->grad && ts_tensor_grad(&a, w) == g && g[71] == 0.0f);

    ts_tensor *s = ts_tensor_new(&a, NULL, 0, NULL);    /* scalar */
    CHECK(s->ndim == 0 && ts_numel(s) == 1 && s->name[0] == 0);
    s->data[0] = 2.0f;
    CHECK(*ts_at(s, NULL) == 2.0f);
    ts_tensor *v = ts_new1(&a, "v", 5);
    CHECK(v->ndim == 1 && v->shape[0] == 5 && v->stride[0] == 1);
    ts_tensor *m = ts_new2(&a, "m", 2, 3);
    CHECK(m->stride[0] == 3 && m->stride[1] == 1 && ts_numel(m) == 6);
    ts_tensor *c = ts_new3(&a, "c", 2, 3, 4);
    CHECK(c->stride[0] == 12 && c->stride[1] == 4 && ts_numel(c) == 24);
    ts_tensor *e = ts_new2(&a, "empty", 0, 4);
    CHECK(ts_numel(e) == 0);

    /* Names are formatted and truncated to fit, always terminated. */
    ts_tensor_set_name(m, "layers.%d.attn.%s", 3, "qkv");
    CHECK(strcmp(m->name, "layers.3.attn.qkv") == 0);
    char longname[100];
    memset(longname, 'x', sizeof longname - 1);
    longname[99] = 0;
    ts_tensor *l = ts_new1(&a, longname, 1);
    CHECK(strlen(l->name) == TS_NAME_MAX - 1);
    ts_arena_free(&a);
}

static void test_rng(void) {
    ts_rng r;
    /* The reference PCG32 stream (pcg32_srandom(42, 54)): the first outputs
     * of the PCG paper's demo. Seeding by hand selects that stream. */
    r.state = 0;
    r.inc = (54u << 1) | 1u;
    r.has_spare = false;
    ts_rng_u32(&r);
    r.state += 42;
    ts_rng_u32(&r);
    const uint32_t want_ref[6] = {0xa15c02b7u, 0x7b47f409u, 0xba1d3330u,
                                  0x83d2f293u, 0xbfa4784bu, 0xcbed606eu};
    int ok = 1;
    for (int i = 0; i < 6; i++) ok &= ts_rng_u32(&r) == want_ref[i];
    CHECK(ok);

    /* ts_rng_seed's own stream: fixed values for seed 42 and seed 0. */
    ts_rng_seed(&r, 42);
    const uint32_t want42[4] = {0x713066eau, 0x3c7a0d56u, 0xf424216au, 0x25c89145u};
    ok = 1;
    for (int i = 0; i < 4; i++) ok &= ts_rng_u32(&r) == want42[i];
    CHECK(ok);
    ts_rng_seed(&r, 0);
    CHECK(ts_rng_u32(&r) == 0x0a65ce7du);
    /* uniform uses the top 24 bits: 0x713066ea >> 8 = 0x713066. */
    ts_rng_seed(&r, 42);
    CHECK(ts_rng_uniform(&r) == (float)0x713066 / 16777216.0f);

    /* Same seed, same stream; different seed, different stream. */
    ts_rng a, b;
    ts_rng_seed(&a, 7);
    ts_rng_seed(&b, 7);
    float xa[64], xb[64];
    ts_rng_normal_fill(&a, xa, 64, 0.0f, 1.0f);
    ts_rng_normal_fill(&b, xb, 64, 0.0f, 1.0f);
    CHECK(memcmp(xa, xb, sizeof xa) == 0);
    ts_rng_seed(&b, 8);
    ts_rng_normal_fill(&b, xb, 64, 0.0f, 1.0f);
    CHECK(memcmp(xa, xb, sizeof xa) != 0);

    /* Uniform [0,1): mean 1/2, variance 1/12; bounds respected. */
    enum { N = 200000 };
    double s = 0, s2 = 0;
    int inrange = 1;
    ts_rng_seed(&r, 123);
    for (int i = 0; i < N; i++) {
        double u = ts_rng_uniform(&r);
        inrange &= u >= 0.0 && u < 1.0;
        s += u;
        s2 += u * u;
    }
    double mean = s / N, var = s2 / N - mean * mean;
    printf("uniform: mean %.5f var %.5f (want 0.5, 0.08333)\n", mean, var);
    CHECK(inrange);
    CHECK(fabs(mean - 0.5) < 0.005);
    CHECK(fabs(var - 1.0 / 12.0) < 0.002);

    /* Normal: mean 0, std 1, and a sane tail (|x| > 3 about 0.27%). */
    s = s2 = 0;
    int tail = 0, finite = 1;
    for (int i = 0; i < N; i++) {
        double x = ts_rng_normal(&r);
        finite &= isfinite(x);
        s += x;
        s2 += x * x;
        tail += fabs(x) > 3.0;
    }
    mean = s / N;
    double sd = sqrt(s2 / N - mean * mean);
    printf("normal: mean %.5f std %.5f tail>3 %.4f%%\n", mean, sd, 100.0 * tail / N);
    CHECK(finite);
    CHECK(fabs(mean) < 0.01);
    CHECK(fabs(sd - 1.0) < 0.01);
    CHECK(tail > N * 0.0015 && tail < N * 0.004);

    /* Fill with mean and std. */
    static float buf[N];
    ts_rng_normal_fill(&r, buf, N, 3.0f, 0.5f);
    s = 0;
    for (int i = 0; i < N; i++) s += buf[i];
    CHECK(fabs(s / N - 3.0) < 0.01);
    ts_rng_uniform_fill(&r, buf, N, -2.0f, 4.0f);
    inrange = 1;
    for (int i = 0; i < N; i++) inrange &= buf[i] >= -2.0f && buf[i] <= 4.0f;
    CHECK(inrange);

    /* ts_rng_int: in range, every value hit, about evenly (n = 3 does not
     * divide 2^32, so plain modulo would be biased by a hair). */
    int counts[7] = {0};
    inrange = 1;
    for (int i = 0; i < 70000; i++) {
        int k = ts_rng_int(&r, 7);
        inrange &= k >= 0 && k < 7;
        if (k >= 0 && k < 7) counts[k]++;
    }
    CHECK(inrange);
    int even = 1;
    for (int k = 0; k < 7; k++) even &= abs(counts[k] - 10000) < 500;
    CHECK(even);
    CHECK(ts_rng_int(&r, 1) == 0);
    int big_ok = 1;
    for (int i = 0; i < 1000; i++) {
        int k = ts_rng_int(&r, 2147483647);
        big_ok &= k >= 0 && k < 2147483647;
    }
    CHECK(big_ok);

    /* Shuffle: a permutation, reproducible, and not the identity. */
    int p[50], q[50], seen[50] = {0};
    for (int i = 0; i < 50; i++) p[i] = q[i] = i;
    ts_rng_seed(&a, 99);
    ts_rng_seed(&b, 99);
    ts_rng_shuffle(&a, p, 50);
    ts_rng_shuffle(&b, q, 50);
    CHECK(memcmp(p, q, sizeof p) == 0);
    int moved = 0, perm = 1;
    for (int i = 0; i < 50; i++) {
        moved += p[i] != i;
        if (p[i] < 0 || p[i] >= 50 || seen[p[i]]++) perm = 0;
    }
    CHECK(perm);
    CHECK(moved > 10);
    ts_rng_shuffle(&a, p, 0);   /* empty and single are fine */
    ts_rng_shuffle(&a, p, 1);
}

int main(void) {
    test_arena();
    test_tensors();
    test_rng();
    return check_report();
}
