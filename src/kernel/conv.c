/* conv.c: direct (loop) convolution and pooling. See conv.h for the manual.
 *
 * Everything is NCHW and row-major: element (n, c, y, x) of a [N, C, H, W]
 * buffer is at ((n*C + c)*H + y)*W + x. Output pixel (oy, ox) with kernel tap
 * (ky, kx) reads input pixel
 *   iy = oy*stride_h - pad_h + ky*dil_h,   ix = ox*stride_w - pad_w + kx*dil_w,
 * and taps that land in the padding contribute nothing (zero padding).
 */
#include "conv.h"

#include <math.h>

#include "tensor.h"

int ts_conv_out_size(int in, int k, int stride, int pad, int dil) {
    if (in < 1 || k < 1 || stride < 1 || pad < 0 || dil < 1) return 0;
    int span = dil * (k - 1) + 1;           /* dilated kernel length */
    if (span > in + 2 * pad) return 0;
    return (in + 2 * pad - span) / stride + 1;
}

int ts_pool_out_size(int in, int k, int stride, int pad) {
    if (k < 1 || 2 * pad > k) return 0;
    return ts_conv_out_size(in, k, stride, pad, 1);
}

static int or_default(int v, int def) { return v == 0 ? def : v; }

int ts_conv2d_out_hw(const ts_conv2d_desc *d, int *oh, int *ow) {
    int h = ts_conv_out_size(d->h, d->kh, or_default(d->stride_h, 1), d->pad_h,
                             or_default(d->dil_h, 1));
    int w = ts_conv_out_size(d->w, d->kw, or_default(d->stride_w, 1), d->pad_w,
                             or_default(d->dil_w, 1));
    int ok = h > 0 && w > 0 && d->n >= 1 && d->c_in >= 1 && d->c_out >= 1;
    *oh = ok ? h : 0;
    *ow = ok ? w : 0;
    return ok ? 0 : 1;
}

/* Range [lo, hi) of output positions o in [0, out) for which the input
 * position o*stride + off lies in [0, in). Solves 0 <= o*stride + off <= in-1
 * for o with integer ceiling/floor divisions that are right for negatives. */
static void valid_range(int off, int stride, int in, int out, int *lo, int *hi) {
    int a = -off;                                   /* o*stride >= a */
    int l = a <= 0 ? 0 : (a + stride - 1) / stride;
    int b = in - 1 - off;                           /* o*stride <= b */
    int h = b < 0 ? 0 : b / stride + 1;
    *lo = l;
    *hi = h < out ? h : out;
    if (*hi < *lo) *hi = *lo;
}

/* Everything the conv loops need, resolved once. */
typedef struct conv_geom {
    int sh, sw, dh, dw, oh, ow;
} conv_geom;

static conv_geom conv_resolve(const ts_conv2d_desc *d) {
    conv_geom g;
    g.sh = or_default(d->stride_h, 1);
    g.sw = or_default(d->stride_w, 1);
    g.dh = or_default(d->dil_h, 1);
    g.dw = or_default(d->dil_w, 1);
    TS_CHECK(ts_conv2d_out_hw(d, &g.oh, &g.ow) == 0);
    return g;
}

void ts_conv2d_forward(float *out, const float *in, const float *weight,
                       const float *bias, const ts_conv2d_desc *d) {
    conv_geom g = conv_resolve(d);
    int H = d->h, W = d->w, OH = g.oh, OW = g.ow;
    for (int n = 0; n < d->n; n++) {
        for (int oc = 0; oc < d->c_out; oc++) {
            float *o = out + ((size_t)n * d->c_out + oc) * OH * OW;
            float b0 = bias ? bias[oc] : 0.0f;
            for (int i = 0; i < OH * OW; i++) o[i] = b0;
            for (int ic = 0; ic < d->c_in; ic++) {
                const float *x = in + ((size_t)n * d->c_in + ic) * H * W;
                const float *wk = weight + ((size_t)oc * d->c_in + ic) * d->kh * d->kw;
                for (int ky = 0; ky < d->kh; ky++) {
                    int offy = ky * g.dh - d->pad_h, y0, y1;
                    valid_range(offy, g.sh, H, OH, &y0, &y1);
                    for (int kx = 0; kx < d->kw; kx++) {
                        int offx = kx * g.dw - d->pad_w, x0, x1;
                        valid_range(offx, g.sw, W, OW, &x0, &x1);
                        float wv = wk[ky * d->kw + kx];
                        for (int oy = y0; oy < y1; oy++) {
                            const float *xr = x + (size_t)(oy * g.sh + offy) * W + offx;
                            float *orow = o + (size_t)oy * OW;
                            for (int ox = x0; ox < x1; ox++)
                                orow[ox] += wv * xr[ox * g.sw];
                        }
                    }
                }
            }
        }
    }
}

void ts_conv2d_backward(float *din, float *dweight, float *dbias,
                        const float *dout, const float *in, const float *weight,
                        const ts_conv2d_desc *d) {
    conv_geom g = conv_resolve(d);
    int H = d->h, W = d->w, OH = g.oh, OW = g.ow;
    for (int n = 0; n < d->n; n++) {
        for (int oc = 0; oc < d->c_out; oc++) {
            const float *go = dout + ((size_t)n * d->c_out + oc) * OH * OW;
            if (dbias) {
                float s = 0.0f;
                for (int i = 0; i < OH * OW; i++) s += go[i];
                dbias[oc] += s;
            }
            if (!din && !dweight) continue;
            for (int ic = 0; ic < d->c_in; ic++) {
                size_t xoff = ((size_t)n * d->c_in + ic) * H * W;
                size_t woff = ((size_t)oc * d->c_in + ic) * d->kh * d->kw;
                for (int ky = 0; ky < d->kh; ky++) {
                    int offy = ky * g.dh - d->pad_h, y0, y1;
                    valid_range(offy, g.sh, H, OH, &y0, &y1);
                    for (int kx = 0; kx < d->kw; kx++) {
                        int offx = kx * g.dw - d->pad_w, x0, x1;
                        valid_range(offx, g.sw, W, OW, &x0, &x1);
                        float wv = weight[woff + ky * d->kw + kx], gw = 0.0f;
                        for (int oy = y0; oy < y1; oy++) {
                            size_t row = xoff + (size_t)(oy * g.sh + offy) * W + offx;
                            const float *gr = go + (size_t)oy * OW;
                            for (int ox = x0; ox < x1; ox++) {
                                size_t xi = row + (size_t)ox * g.sw;
                                gw += gr[ox] * in[xi];
                                if (din) din[xi] += wv * gr[ox];
                            }
                        }
                        if (dweight) dweight[woff + ky * d->kw + kx] += gw;
                    }
                }
            }
        }
    }
}

/* ---- pooling ----------------------------------------------------------- */

int ts_pool2d_out_hw(const ts_pool2d_desc *d, int *oh, int *ow) {
    int h = ts_pool_out_size(d->h, d->kh, or_default(d->stride_h, d->kh), d->pad_h);
    int w = ts_pool_out_size(d->w, d->kw, or_default(d->stride_w, d->kw), d->pad_w);
    int ok = h > 0 && w > 0 && d->n >= 1 && d->c >= 1;
    *oh = ok ? h : 0;
    *ow = ok ? w : 0;
    return ok ? 0 : 1;
}

/* The window of output (oy, ox) covers input rows [oy*sh - ph, +kh) and
 * columns [ox*sw - pw, +kw) of the padded frame; clipped to the real input it
 * is [y0, y1) x [x0, x1). `area` is the unclipped window area inside the
 * padded input, PyTorch's divisor for count_include_pad. */
typedef struct pool_win { int y0, y1, x0, x1, area; } pool_win;

static pool_win pool_window(const ts_pool2d_desc *d, int sh, int sw, int oy, int ox) {
    pool_win p;
    int ys = oy * sh - d->pad_h, xs = ox * sw - d->pad_w;
    int ye = ys + d->kh, xe = xs + d->kw;
    if (ye > d->h + d->pad_h) ye = d->h + d->pad_h;
    if (xe > d->w + d->pad_w) xe = d->w + d->pad_w;
    p.area = (ye - ys) * (xe - xs);
    p.y0 = ys < 0 ? 0 : ys;
    p.x0 = xs < 0 ? 0 : xs;
    p.y1 = ye < d->h ? ye : d->h;
    p.x1 = xe < d->w ? xe : d->w;
    return p;
}

void ts_maxpool2d_forward(float *out, int *argmax, const float *in,
                          const ts_pool2d_desc *d) {
    int OH, OW;
    TS_CHECK(ts_pool2d_out_hw(d, &OH, &OW) == 0);
    int sh = or_default(d->stride_h, d->kh), sw = or_default(d->stride_w, d->kw);
    for (int p = 0; p < d->n * d->c; p++) {
        const float *x = in + (size_t)p * d->h * d->w;
        for (int oy = 0; oy < OH; oy++) {
            for (int ox = 0; ox < OW; ox++) {
                pool_win win = pool_window(d, sh, sw, oy, ox);
                /* pad <= k/2 guarantees every window holds a real pixel */
                int best = win.y0 * d->w + win.x0;
                float m = x[best];
                for (int y = win.y0; y < win.y1; y++) {
                    for (int xx = win.x0; xx < win.x1; xx++) {
                        float v = x[y * d->w + xx];
                        if (v > m || (isnan(v) && !isnan(m))) {
                            m = v;
                            best = y * d->w + xx;
                        }
                    }
                }
                size_t o = ((size_t)p * OH + oy) * OW + ox;
                out[o] = m;
                if (argmax) argmax[o] = best;
            }
        }
    }
}

void ts_maxpool2d_backward(float *din, const float *dout, const int *argmax,
                           const ts_pool2d_desc *d) {
    int OH, OW;
    TS_CHECK(ts_pool2d_out_hw(d, &OH, &OW) == 0);
    size_t plane = (size_t)d->h * d->w;
    for (int p = 0; p < d->n * d->c; p++)
        for (int i = 0; i < OH * OW; i++) {
            size_t o = (size_t)p * OH * OW + i;
            din[p * plane + argmax[o]] += dout[o];
        }
}

void ts_avgpool2d_forward(float *out, const float *in, const ts_pool2d_desc *d) {
    int OH, OW;
    TS_CHECK(ts_pool2d_out_hw(d, &OH, &OW) == 0);
    int sh = or_default(d->stride_h, d->kh), sw = or_default(d->stride_w, d->kw);
    for (int p = 0; p < d->n * d->c; p++) {
        const float *x = in + (size_t)p * d->h * d->w;
        for (int oy = 0; oy < OH; oy++) {
            for (int ox = 0; ox < OW; ox++) {
                pool_win win = pool_window(d, sh, sw, oy, ox);
                float s = 0.0f;
                for (int y = win.y0; y < win.y1; y++)
                    for (int xx = win.x0; xx < win.x1; xx++) s += x[y * d->w + xx];
                int div = d->exclude_pad ? (win.y1 - win.y0) * (win.x1 - win.x0) : win.area;
                out[((size_t)p * OH + oy) * OW + ox] = s / (float)div;
            }
        }
    }
}

void ts_avgpool2d_backward(float *din, const float *dout, const ts_pool2d_desc *d) {
    int OH, OW;
    TS_CHECK(ts_pool2d_out_hw(d, &OH, &OW) == 0);
    int sh = or_default(d->stride_h, d->kh), sw = or_default(d->stride_w, d->kw);
    for (int p = 0; p < d->n * d->c; p++) {
        float *gx = din + (size_t)p * d->h * d->w;
        for (int oy = 0; oy < OH; oy++) {
            for (int ox = 0; ox < OW; ox++) {
                pool_win win = pool_window(d, sh, sw, oy, ox);
                int div = d->exclude_pad ? (win.y1 - win.y0) * (win.x1 - win.x0) : win.area;
                float g = dout[((size_t)p * OH + oy) * OW + ox] / (float)div;
                for (int y = win.y0; y < win.y1; y++)
                    for (int xx = win.x0; xx < win.x1; xx++) gx[y * d->w + xx] += g;
            }
        }
    }
}
