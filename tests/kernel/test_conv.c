/* test_conv: conv2d, max pool and avg pool vs PyTorch (tests/fixtures/conv.json,
 * written by tools/fixtures_spatial.py), plus the out-size helpers. */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "kernel/conv.h"

static const ts_dump *fx;

/* Tensor "<pre><i>.<key>" of the fixture. */
static const ts_tensor *ft(const char *pre, int i, const char *key) {
    char name[TS_NAME_MAX];
    snprintf(name, sizeof name, "%s%d.%s", pre, i, key);
    return fixture(fx, name);
}

static int fp(const char *pre, int i, const char *key) {
    char name[TS_NAME_MAX];
    double v = 0;
    snprintf(name, sizeof name, "%s%d.%s", pre, i, key);
    if (!ts_dump_get_param(fx, name, &v)) { fprintf(stderr, "no param %s\n", name); exit(1); }
    return (int)v;
}

static void test_conv_case(ts_arena *a, int i) {
    ts_conv2d_desc d = {
        .n = fp("c", i, "n"), .c_in = fp("c", i, "c_in"), .h = fp("c", i, "h"),
        .w = fp("c", i, "w"), .c_out = fp("c", i, "c_out"), .kh = fp("c", i, "kh"),
        .kw = fp("c", i, "kw"), .stride_h = fp("c", i, "stride_h"),
        .stride_w = fp("c", i, "stride_w"), .pad_h = fp("c", i, "pad_h"),
        .pad_w = fp("c", i, "pad_w"), .dil_h = fp("c", i, "dil_h"), .dil_w = fp("c", i, "dil_w"),
    };
    int bias = fp("c", i, "bias");
    const ts_tensor *y = ft("c", i, "y");
    int oh, ow;
    CHECK(ts_conv2d_out_hw(&d, &oh, &ow) == 0);
    CHECK(oh == y->shape[2] && ow == y->shape[3]);
    size_t ny = ts_numel(y), nx = ts_numel(ft("c", i, "x")), nw = ts_numel(ft("c", i, "w"));
    float *out = ts_arena_alloc(a, ny * sizeof(float));
    float *dx = ts_arena_alloc(a, nx * sizeof(float));
    float *dw = ts_arena_alloc(a, nw * sizeof(float));
    float *db = ts_arena_alloc(a, (size_t)d.c_out * sizeof(float));
    const float *b = bias ? ft("c", i, "b")->data : NULL;
    ts_conv2d_forward(out, ft("c", i, "x")->data, ft("c", i, "w")->data, b, &d);
    char what[64];
    snprintf(what, sizeof what, "conv c%d forward", i);
    check_close(what, out, y->data, ny, 1e-5f, 1e-6f);
    ts_conv2d_backward(dx, dw, bias ? db : NULL, ft("c", i, "dy")->data,
                       ft("c", i, "x")->data, ft("c", i, "w")->data, &d);
    snprintf(what, sizeof what, "conv c%d dx", i);
    check_close(what, dx, ft("c", i, "dx")->data, nx, 1e-4f, 1e-6f);
    snprintf(what, sizeof what, "conv c%d dw", i);
    check_close(what, dw, ft("c", i, "dw")->data, nw, 1e-4f, 1e-6f);
    if (bias) {
        snprintf(what, sizeof what, "conv c%d db", i);
        check_close(what, db, ft("c", i, "db")->data, (size_t)d.c_out, 1e-4f, 1e-6f);
    }
}

static void test_pool_case(ts_arena *a, int i) {
    ts_pool2d_desc d = {
        .n = fp("p", i, "n"), .c = fp("p", i, "c"), .h = fp("p", i, "h"), .w = fp("p", i, "w"),
        .kh = fp("p", i, "kh"), .kw = fp("p", i, "kw"), .stride_h = fp("p", i, "stride_h"),
        .stride_w = fp("p", i, "stride_w"), .pad_h = fp("p", i, "pad_h"),
        .pad_w = fp("p", i, "pad_w"), .exclude_pad = fp("p", i, "exclude_pad") != 0,
    };
    const ts_tensor *x = ft("p", i, "x"), *ym = ft("p", i, "max"), *idx = ft("p", i, "idx");
    size_t ny = ts_numel(ym), nx = ts_numel(x);
    int oh, ow;
    CHECK(ts_pool2d_out_hw(&d, &oh, &ow) == 0 && oh == ym->shape[2] && ow == ym->shape[3]);
    float *out = ts_arena_alloc(a, ny * sizeof(float));
    int *arg = ts_arena_alloc(a, ny * sizeof(int));
    float *argf = ts_arena_alloc(a, ny * sizeof(float));
    float *dx = ts_arena_alloc(a, nx * sizeof(float));
    char what[64];

    ts_maxpool2d_forward(out, arg, x->data, &d);
    snprintf(what, sizeof what, "maxpool p%d forward", i);
    check_close(what, out, ym->data, ny, 1e-6f, 0.0f);
    for (size_t j = 0; j < ny; j++) argf[j] = (float)arg[j];
    snprintf(what, sizeof what, "maxpool p%d argmax", i);
    check_close(what, argf, idx->data, ny, 0.0f, 0.0f);
    ts_maxpool2d_backward(dx, ft("p", i, "dy")->data, arg, &d);
    snprintf(what, sizeof what, "maxpool p%d dx", i);
    check_close(what, dx, ft("p", i, "dx_max")->data, nx, 1e-5f, 1e-7f);

    ts_avgpool2d_forward(out, x->data, &d);
    snprintf(what, sizeof what, "avgpool p%d forward", i);
    check_close(what, out, ft("p", i, "avg")->data, ny, 1e-5f, 1e-6f);
    memset(dx, 0, nx * sizeof(float));
    ts_avgpool2d_backward(dx, ft("p", i, "dy")->data, &d);
    snprintf(what, sizeof what, "avgpool p%d dx", i);
    check_close(what, dx, ft("p", i, "dx_avg")->data, nx, 1e-5f, 1e-6f);
}

static void test_out_size(void) {
    CHECK(ts_conv_out_size(28, 3, 1, 0, 1) == 26);
    CHECK(ts_conv_out_size(28, 3, 1, 1, 1) == 28);
    CHECK(ts_conv_out_size(28, 3, 2, 1, 1) == 14);
    CHECK(ts_conv_out_size(7, 3, 1, 0, 2) == 3);      /* span 5 */
    CHECK(ts_conv_out_size(1, 1, 1, 0, 1) == 1);
    CHECK(ts_conv_out_size(9, 2, 3, 0, 1) == 3);      /* stride > kernel */
    CHECK(ts_conv_out_size(2, 3, 1, 0, 1) <= 0);      /* kernel larger than input */
    CHECK(ts_conv_out_size(5, 3, 1, 0, 3) <= 0);      /* dilated span 7 > 5 */
    CHECK(ts_conv_out_size(5, 3, 0, 0, 1) <= 0);      /* stride 0 */
    CHECK(ts_conv_out_size(5, 3, 1, -1, 1) <= 0);
    CHECK(ts_conv_out_size(5, 0, 1, 0, 1) <= 0);
    CHECK(ts_conv_out_size(0, 1, 1, 0, 1) <= 0);
    CHECK(ts_pool_out_size(28, 2, 2, 0) == 14);
    CHECK(ts_pool_out_size(7, 3, 2, 1) == 4);
    CHECK(ts_pool_out_size(5, 2, 1, 2) <= 0);         /* pad > k/2 */
    int oh = -1, ow = -1;
    ts_conv2d_desc bad = { .n = 1, .c_in = 1, .h = 2, .w = 2, .c_out = 1, .kh = 3, .kw = 3 };
    CHECK(ts_conv2d_out_hw(&bad, &oh, &ow) != 0 && oh == 0 && ow == 0);
    ts_pool2d_desc pd = { .n = 1, .c = 1, .h = 28, .w = 28, .kh = 2, .kw = 2 };
    CHECK(ts_pool2d_out_hw(&pd, &oh, &ow) == 0 && oh == 14 && ow == 14);   /* stride 0 = k */
}

/* A window that lies half in the padding: -inf padding never wins, and the
 * first of equal values does. */
static void test_pool_ties(void) {
    float x[4] = { 5, 5, 5, 5 };
    ts_pool2d_desc d = { .n = 1, .c = 1, .h = 2, .w = 2, .kh = 2, .kw = 2,
                         .stride_h = 1, .stride_w = 1, .pad_h = 1, .pad_w = 1 };
    int oh, ow;
    CHECK(ts_pool2d_out_hw(&d, &oh, &ow) == 0 && oh == 3 && ow == 3);
    float o9[9];
    int a9[9];
    ts_maxpool2d_forward(o9, a9, x, &d);
    CHECK(o9[0] == 5 && a9[0] == 0 && a9[4] == 0 && a9[8] == 3 && a9[2] == 1);
}

int main(void) {
    ts_arena a = {0};
    fx = fixture_load("conv.json", &a);
    double n = 0;
    CHECK(ts_dump_get_param(fx, "cases", &n) && n > 0);
    for (int i = 0; i < (int)n; i++) test_conv_case(&a, i);
    CHECK(ts_dump_get_param(fx, "pools", &n) && n > 0);
    for (int i = 0; i < (int)n; i++) test_pool_case(&a, i);
    test_out_size();
    test_pool_ties();
    ts_arena_free(&a);
    return check_report();
}
