/* conv.h: 2-D convolution, max pooling and average pooling (NCHW), forward
 * and backward, with exactly the semantics of F.conv2d, F.max_pool2d and
 * F.avg_pool2d (floor mode, count_include_pad=True by default).
 *
 *   ts_conv2d_desc d = { .n = 1, .c_in = 1, .h = 28, .w = 28,
 *                        .c_out = 8, .kh = 3, .kw = 3, .pad_h = 1, .pad_w = 1 };
 *   int oh, ow;
 *   if (ts_conv2d_out_hw(&d, &oh, &ow) != 0) ...explain the misfit...
 *   ts_conv2d_forward(out, x, w, b, &d);              // out [1, 8, oh, ow]
 *   ts_conv2d_backward(dx, dw, db, dout, x, w, &d);   // each grad may be NULL
 *
 * Shapes: input [n, c_in, h, w]; weight [c_out, c_in, kh, kw]; bias [c_out]
 * (NULL for none); output [n, c_out, oh, ow]. Pools keep the channel count.
 * In the descriptors zero means default: stride 0 is 1 for convolutions and
 * the kernel size for pools (as in PyTorch), dilation 0 is 1, padding 0 is 0.
 *
 * Backward functions accumulate (+=) into their outputs, so zero them first
 * unless you are summing gradients on purpose. Invalid geometry (see the
 * out-size helpers) is a caller bug and is caught by TS_CHECK in the ops;
 * scenes call the helpers first to explain a misfit on screen.
 */
#ifndef TS_CONV_H
#define TS_CONV_H

#include <stdbool.h>

/* Output length of a convolution along one axis:
 *   floor((in + 2*pad - dil*(k-1) - 1) / stride) + 1.
 * Returns <= 0 when the combination does not fit: in, k, stride or dil < 1,
 * pad < 0, or the dilated kernel is longer than the padded input. */
int ts_conv_out_size(int in, int k, int stride, int pad, int dil);

/* Output length of a pool along one axis (floor mode, dilation 1). Returns
 * <= 0 when it does not fit, including PyTorch's extra rule that padding may
 * be at most half the kernel (pad <= k/2). */
int ts_pool_out_size(int in, int k, int stride, int pad);

typedef struct ts_conv2d_desc {
    int n, c_in, h, w;        /* input  [n, c_in, h, w] */
    int c_out, kh, kw;        /* weight [c_out, c_in, kh, kw] */
    int stride_h, stride_w;   /* 0 means 1 */
    int pad_h, pad_w;         /* zero padding on both sides */
    int dil_h, dil_w;         /* 0 means 1 */
} ts_conv2d_desc;

/* 0 and the output size when d fits, nonzero (and oh = ow = 0) otherwise. */
int  ts_conv2d_out_hw(const ts_conv2d_desc *d, int *oh, int *ow);
/* out [n, c_out, oh, ow]; in [n, c_in, h, w]; weight [c_out, c_in, kh, kw];
 * bias [c_out] or NULL. */
void ts_conv2d_forward(float *out, const float *in, const float *weight,
                       const float *bias, const ts_conv2d_desc *d);
/* din [n, c_in, h, w], dweight like weight, dbias [c_out]: each may be NULL.
 * dout [n, c_out, oh, ow]. Accumulates. */
void ts_conv2d_backward(float *din, float *dweight, float *dbias,
                        const float *dout, const float *in, const float *weight,
                        const ts_conv2d_desc *d);

typedef struct ts_pool2d_desc {
    int n, c, h, w;           /* input [n, c, h, w] */
    int kh, kw;               /* window */
    int stride_h, stride_w;   /* 0 means the window size */
    int pad_h, pad_w;         /* at most half the window; max pool pads with
                                 -inf, avg pool with zeros */
    bool exclude_pad;         /* avg pool: false = count_include_pad=True */
} ts_pool2d_desc;

int  ts_pool2d_out_hw(const ts_pool2d_desc *d, int *oh, int *ow);

/* out [n, c, oh, ow]; argmax [n, c, oh, ow] receives, for each output, the
 * flat index y*w + x within its own input plane of the element that won (as
 * PyTorch's return_indices). Ties go to the first element in row-major window
 * order; a NaN wins over numbers. argmax may be NULL. */
void ts_maxpool2d_forward(float *out, int *argmax, const float *in,
                          const ts_pool2d_desc *d);
/* din [n, c, h, w] += dout routed to the recorded winners. */
void ts_maxpool2d_backward(float *din, const float *dout, const int *argmax,
                           const ts_pool2d_desc *d);

/* out [n, c, oh, ow]: window means. The divisor counts padded cells that lie
 * inside the padded input unless exclude_pad (PyTorch's avg_pool2d). */
void ts_avgpool2d_forward(float *out, const float *in, const ts_pool2d_desc *d);
void ts_avgpool2d_backward(float *din, const float *dout, const ts_pool2d_desc *d);

#endif
