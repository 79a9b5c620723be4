/* cnn_explain.c: the provenance line of every element the cnn scene shows.
 *
 * The diagram library's hover names the tensor, the index in PyTorch's shape
 * and the value; these callbacks add where the value came from, read from
 * the scene's tensors (never recomputed here beyond a sum of shown terms).
 * cnn_src picks the callback by tensor, so every drawn tensor explains
 * itself the same way in every beat.
 */
#include <stdio.h>
#include <string.h>
#include "scenes/cnn/cnn_scene.h"

typedef void (*explain_fn)(const void *, const int *, char *, size_t);

static void ex_input(const void *u, const int *i, char *b, size_t n) {
    (void)u;
    snprintf(b, n, "pixel row %d, column %d: 0 is dark, 1 is full ink", i[2], i[3]);
}

static void ex_conv1(const void *u, const int *i, char *b, size_t n) {
    const cnn_state *st = u;
    snprintf(b, n, "= \xce\xa3 9 products input[0,0,%d..%d,%d..%d] \xc3\x97 conv1.weight[%d] + bias %+.4g\n"
             "filter %d on the 3 \xc3\x97 3 patch centred at row %d, column %d",
             i[2] - 1, i[2] + 1, i[3] - 1, i[3] + 1, i[1], st->m.conv1_b->data[i[1]], i[1] + 1, i[2], i[3]);
}

static void ex_relu1(const void *u, const int *i, char *b, size_t n) {
    const cnn_state *st = u;
    float v = st->x.conv1->data[((size_t)i[1] * CNN_IN + i[2]) * CNN_IN + i[3]];
    snprintf(b, n, "= max(0, conv1.out[0,%d,%d,%d] = %.4g)%s", i[1], i[2], i[3], v,
             v < 0 ? ": a negative response, cut to 0" : "");
}

static void ex_pool(const ts_tensor *in, const ts_tensor *out, const int *arg, const uint8_t *ties,
                    const int *i, char *b, size_t n) {
    int ih = in->shape[2], oh = out->shape[2];
    size_t o = ((size_t)i[1] * oh + i[2]) * oh + i[3];
    const float *p = in->data + (size_t)i[1] * ih * ih;
    int r = 2 * i[2], c = 2 * i[3];
    int k = snprintf(b, n, "= max of %s[0,%d,%d..%d,%d..%d] = %.3g, %.3g, %.3g, %.3g\n", in->name, i[1], r, r + 1,
                     c, c + 1, p[r * ih + c], p[r * ih + c + 1], p[(r + 1) * ih + c], p[(r + 1) * ih + c + 1]);
    if (k < 0 || (size_t)k >= n) return;
    if (ties[o] > 1) snprintf(b + k, n - (size_t)k, "a tie: %d values share the max, no single winner", ties[o]);
    else snprintf(b + k, n - (size_t)k, "the winner is row %d, column %d", arg[o] / ih, arg[o] % ih);
}

static void ex_pool1(const void *u, const int *i, char *b, size_t n) {
    const cnn_state *st = u;
    int r0, c0, size;
    ex_pool(st->x.relu1, st->x.pool1, st->x.arg1, st->x.ties1, i, b, n);
    cnn_receptive_field(CNN_L_POOL1, i[2], i[3], &r0, &c0, &size);
    size_t k = strlen(b);
    snprintf(b + k, n - k, "\nsees input rows %d..%d, columns %d..%d (%d \xc3\x97 %d)", r0, r0 + size - 1, c0,
             c0 + size - 1, size, size);
}

static void ex_relu2(const void *u, const int *i, char *b, size_t n) {
    const cnn_state *st = u;
    int r0, c0, size;
    cnn_receptive_field(CNN_L_CONV2, i[2], i[3], &r0, &c0, &size);
    float v = st->x.conv2->data[((size_t)i[1] * CNN_P1 + i[2]) * CNN_P1 + i[3]];
    snprintf(b, n, "= max(0, \xce\xa3 72 products of pool1.out[0,:,%d..%d,%d..%d] \xc3\x97 conv2.weight[%d] + bias)\n"
             "before ReLU %.4g; sees input rows %d..%d, columns %d..%d (%d \xc3\x97 %d)",
             i[2] - 1, i[2] + 1, i[3] - 1, i[3] + 1, i[1], v, r0, r0 + size - 1, c0, c0 + size - 1, size, size);
}

static void ex_pool2(const void *u, const int *i, char *b, size_t n) {
    const cnn_state *st = u;
    ex_pool(st->x.relu2, st->x.pool2, st->x.arg2, st->x.ties2, i, b, n);
    size_t k = strlen(b);
    snprintf(b + k, n - k, "\nflattened: element %d of the 784 the fc layer reads",
             (i[1] * CNN_P2 + i[2]) * CNN_P2 + i[3]);
}

static void ex_logits(const void *u, const int *i, char *b, size_t n) {
    const cnn_state *st = u;
    snprintf(b, n, "= \xce\xa3 784 products pool2.out \xc3\x97 fc.weight[%d] + fc.bias[%d] (%+.4g)", i[1], i[1],
             st->m.fc_b->data[i[1]]);
}

static void ex_probs(const void *u, const int *i, char *b, size_t n) {
    const cnn_state *st = u;
    snprintf(b, n, "= softmax(logits)[%d] = e^%.4g / \xce\xa3 e^logits", i[1], st->x.logits->data[i[1]]);
}

static void ex_weight(const void *u, const int *i, char *b, size_t n) {
    (void)u;
    snprintf(b, n, "filter %d, row %d, column %d: learned by training", i[0] + 1, i[2], i[3]);
}

static void ex_bias(const void *u, const int *i, char *b, size_t n) {
    (void)u;
    snprintf(b, n, "filter %d's bias, added to every cell of its map: learned by training", i[0] + 1);
}

static void ex_products(const void *u, const int *i, char *b, size_t n) {
    const cnn_state *st = u;
    int r = i[1] / CNN_IN, c = i[1] % CNN_IN, y = r + i[2] - 1, x = c + i[3] - 1;
    float v = y < 0 || x < 0 || y >= CNN_IN || x >= CNN_IN ? 0 : st->x.input->data[y * CNN_IN + x];
    snprintf(b, n, "= input[0,0,%d,%d] \xc3\x97 conv1.weight[%d,0,%d,%d] = %.4g \xc3\x97 %.4g%s", y, x, i[0], i[2],
             i[3], v, st->m.conv1_w->data[i[0] * 9 + i[2] * 3 + i[3]],
             y < 0 || x < 0 || y >= CNN_IN || x >= CNN_IN ? " (zero padding)" : "");
}

static void ex_filter(const void *u, const int *i, char *b, size_t n) {
    const cnn_state *st = u;
    snprintf(b, n, "%s filter, row %d, column %d%s", play_kind_name(st->play_kind), i[2], i[3],
             st->play_kind == PLAY_CUSTOM ? " (typed)" : " (hand-made)");
}

static void ex_fout(const void *u, const int *i, char *b, size_t n) {
    const cnn_state *st = u;
    int y = i[2] * st->stride - st->padding, x = i[3] * st->stride - st->padding;
    snprintf(b, n, "= \xce\xa3 %d products of input rows %d..%d, columns %d..%d \xc3\x97 filter (no bias)",
             st->ksize * st->ksize, y, y + st->ksize - 1, x, x + st->ksize - 1);
}

static void ex_w2_patch(const void *u, const int *i, char *b, size_t n) {
    const cnn_state *st = u;
    int y = st->w2_r + i[1] - 1, x = st->w2_c + i[2] - 1;
    if (y < 0 || x < 0 || y >= CNN_P1 || x >= CNN_P1)
        snprintf(b, n, "zero padding outside pool1 map %d", i[0] + 1);
    else
        snprintf(b, n, "= pool1.out[0,%d,%d,%d], multiplied by conv2.weight[%d,%d,%d,%d] = %.4g", i[0], y, x,
                 st->w2_ch, i[0], i[1], i[2], st->m.conv2_w->data[((size_t)st->w2_ch * CNN_C1 + i[0]) * 9 + i[1] * 3 + i[2]]);
}

static void ex_w2(const void *u, const int *i, char *b, size_t n) {
    (void)u;
    snprintf(b, n, "conv2 filter %d, the slice for pool1 map %d, row %d, column %d: learned by training", i[0] + 1,
             i[1] + 1, i[2], i[3]);
}

dg_src cnn_src(const cnn_state *st, const ts_tensor *t, int l0, int l1) {
    const struct { const ts_tensor *t; explain_fn f; } map[] = {
        {st->x.input, ex_input}, {st->x.conv1, ex_conv1}, {st->x.relu1, ex_relu1}, {st->x.pool1, ex_pool1},
        {st->x.relu2, ex_relu2}, {st->x.pool2, ex_pool2}, {st->x.logits, ex_logits},
        {st->x.probs, ex_probs}, {st->m.conv1_w, ex_weight}, {st->m.conv1_b, ex_bias}, {st->products, ex_products},
        {st->filter, ex_filter}, {st->fout, ex_fout}, {st->w2_patch, ex_w2_patch},
        {st->m.conv2_w, ex_w2}};
    dg_src s = {.t = t, .lead = {l0, l1}, .user = st};
    for (size_t k = 0; k < sizeof map / sizeof map[0]; k++)
        if (map[k].t == t) s.explain = map[k].f;
    return s;
}
