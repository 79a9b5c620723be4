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
#include <stddef.h>

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

/* Output columns [*lo, *hi) whose every kernel tap lands inside the input:
 * the first tap (offset -pad) bounds them from below, the last tap (offset
 * dil*(k-1) - pad) from above. Empty ranges come back as [0, 0), so the
 * columns outside the range are always all of the others. */
static void interior_range(int pad, int k, int stride, int dil, int in, int out,
                           int *lo, int *hi) {
    int l, h, unused;
    valid_range(-pad, stride, in, out, &l, &unused);
    valid_range(dil * (k - 1) - pad, stride, in, out, &unused, &h);
    if (h <= l) l = h = 0;
    *lo = l;
    *hi = h;
}

/* Output columns computed together in the branch-free interior loop (their
 * sums live in local arrays the compiler keeps in vector registers), and the
 * number of partial sums the backward's reductions use. */
#define CONV_BLOCK 8

/* One output (oy, ox) of channel oc, for the columns near the border: taps
 * [ky0, ky1) x [kx0, kx1) are the ones inside the input. `x` is the sample's
 * input [c_in, h, w], `wk` the filter [c_in, kh, kw], (iy, ix) the input
 * position of tap (0, 0). Sums in the same order as the block loop. */
static float conv_point(const float *x, const float *wk, float acc,
                        const ts_conv2d_desc *d, const conv_geom *g,
                        int iy, int ky0, int ky1, int ix, int kx0, int kx1) {
    for (int ic = 0; ic < d->c_in; ic++) {
        for (int ky = ky0; ky < ky1; ky++) {
            /* pointers at tap kx0, so none points outside */
            const float *xr = x + ((size_t)ic * d->h + iy + ky * g->dh) * d->w
                              + (ix + kx0 * g->dw);
            const float *wr = wk + ((size_t)ic * d->kh + ky) * d->kw + kx0;
            for (int k = 0; k < kx1 - kx0; k++) acc += wr[k] * xr[k * g->dw];
        }
    }
    return acc;
}

/* Output channels computed together in a block: they share the input loads.
 * The channel loops carry "#pragma GCC unroll" (GCC and Clang read it) because
 * -O2 does not unroll them by itself, and only unrolled do the CONV_OCB x
 * CONV_BLOCK sums stay in registers. */
#define CONV_OCB 4

/* The interior outputs (oy, ox .. ox+CONV_BLOCK-1) of NOC consecutive output
 * channels, whose planes are `ostride` apart from `o` on; their filters are
 * `wstride` apart from `wk` on and their biases at b (NULL for none). All
 * column taps are inside the input; rows are limited to [ky0, ky1). SW is the
 * column stride and NOC the channel count: callers pass literals for both, so
 * that the innermost loop reads contiguous input and vectorizes. */
static inline void conv_block(float *restrict o, size_t ostride, const float *restrict x,
                              const float *restrict wk, size_t wstride, const float *b,
                              const ts_conv2d_desc *d, const conv_geom *g,
                              int iy, int ky0, int ky1, int ix, int SW, int NOC) {
    float acc[CONV_OCB][CONV_BLOCK];
#pragma GCC unroll 4
    for (int c = 0; c < NOC; c++) {
        float b0 = b ? b[c] : 0.0f;
        for (int j = 0; j < CONV_BLOCK; j++) acc[c][j] = b0;
    }
    for (int ic = 0; ic < d->c_in; ic++) {
        for (int ky = ky0; ky < ky1; ky++) {
            const float *xr = x + ((size_t)ic * d->h + iy + ky * g->dh) * d->w + ix;
            const float *wr = wk + ((size_t)ic * d->kh + ky) * d->kw;
            for (int kx = 0; kx < d->kw; kx++) {
                const float *xp = xr + kx * g->dw;
#pragma GCC unroll 4
                for (int c = 0; c < NOC; c++) {
                    float wv = wr[c * wstride + kx];
                    for (int j = 0; j < CONV_BLOCK; j++) acc[c][j] += wv * xp[j * SW];
                }
            }
        }
    }
#pragma GCC unroll 4
    for (int c = 0; c < NOC; c++)
        for (int j = 0; j < CONV_BLOCK; j++) o[c * ostride + j] = acc[c][j];
}

/* Each output is its bias plus the taps in (ic, ky, kx) order, skipping taps
 * in the padding, accumulated in a register and stored once. Rows: the
 * valid ky range is solved per output row. Columns: those whose taps all
 * lie inside the input go through conv_block, CONV_BLOCK columns of CONV_OCB
 * channels at a time with no bounds checks; the few left near the border go
 * through conv_point. Blocks that would run past the end (of the interior,
 * or of the channels) are moved back to end there instead, recomputing a few
 * outputs to the same values rather than leaving a ragged tail. */
void ts_conv2d_forward(float *out, const float *in, const float *weight,
                       const float *bias, const ts_conv2d_desc *d) {
    conv_geom g = conv_resolve(d);
    int H = d->h, W = d->w, OH = g.oh, OW = g.ow;
    size_t plane = (size_t)OH * OW, filt = (size_t)d->c_in * d->kh * d->kw;
    int cx0, cx1;
    interior_range(d->pad_w, d->kw, g.sw, g.dw, W, OW, &cx0, &cx1);
    int blocks = cx1 - cx0 >= CONV_BLOCK;
    /* channels per group: CONV_OCB when there are that many, else 1 */
    int ocb = d->c_out >= CONV_OCB ? CONV_OCB : 1;
    for (int n = 0; n < d->n; n++) {
        const float *x = in + (size_t)n * d->c_in * H * W;
        for (int oc0 = 0;; oc0 += ocb) {
            if (oc0 > d->c_out - ocb) oc0 = d->c_out - ocb;
            float *o = out + ((size_t)n * d->c_out + oc0) * plane;
            const float *wk = weight + (size_t)oc0 * filt;
            const float *b = bias ? bias + oc0 : NULL;
            for (int oy = 0; oy < OH; oy++) {
                int iy = oy * g.sh - d->pad_h, ky0, ky1;
                valid_range(iy, g.dh, H, d->kh, &ky0, &ky1);
                float *orow = o + (size_t)oy * OW;
                for (int bx = cx0; blocks; bx += CONV_BLOCK) {
                    if (bx > cx1 - CONV_BLOCK) bx = cx1 - CONV_BLOCK;
                    int ix = bx * g.sw - d->pad_w;
                    if (g.sw == 1 && ocb == CONV_OCB)
                        conv_block(orow + bx, plane, x, wk, filt, b, d, &g, iy, ky0, ky1, ix,
                                   1, CONV_OCB);
                    else if (g.sw == 1)
                        conv_block(orow + bx, plane, x, wk, filt, b, d, &g, iy, ky0, ky1, ix,
                                   1, 1);
                    else if (ocb == CONV_OCB)
                        conv_block(orow + bx, plane, x, wk, filt, b, d, &g, iy, ky0, ky1, ix,
                                   g.sw, CONV_OCB);
                    else
                        conv_block(orow + bx, plane, x, wk, filt, b, d, &g, iy, ky0, ky1, ix,
                                   g.sw, 1);
                    if (bx == cx1 - CONV_BLOCK) break;
                }
                for (int ox = 0; ox < OW; ox++) {
                    if (blocks && ox == cx0) ox = cx1;
                    if (ox == OW) break;
                    int ix = ox * g.sw - d->pad_w, kx0, kx1;
                    valid_range(ix, g.dw, W, d->kw, &kx0, &kx1);
                    for (int c = 0; c < ocb; c++)
                        orow[c * plane + ox] = conv_point(x, wk + c * filt, b ? b[c] : 0.0f, d,
                                                          &g, iy, ky0, ky1, ix, kx0, kx1);
                }
            }
            if (oc0 == d->c_out - ocb) break;
        }
    }
}

/* s[0] + s[1] + ... + s[CONV_BLOCK-1] + tail, in that order. */
static float block_total(const float *s, float tail) {
    float t = s[0];
    for (int j = 1; j < CONV_BLOCK; j++) t += s[j];
    return t + tail;
}

/* The backward of one kernel tap of weight wv, over the outputs [y0, y1) x
 * [x0, x1) whose tap lands inside the input: adds wv * dout into dx (the
 * input-gradient plane, when not NULL) and returns the tap's weight gradient,
 * the sum of dout * x. Output (oy, ox) reads input index
 * (oy*sh + offy)*W + ox*SW + offx of x and dx; g is the dout plane. SW is the
 * column stride, a literal 1 in the common case so the loops vectorize.
 * The sum runs in CONV_BLOCK column-interleaved partial sums plus one for the
 * columns left over, combined in a fixed order: deterministic everywhere,
 * though not the plain left-to-right order. */
static inline float conv_tap_backward(float *restrict dx, const float *restrict x,
                                      const float *restrict g, float wv, int W, int OW,
                                      int sh, int offy, int offx, int y0, int y1,
                                      int x0, int x1, int SW) {
    float part[CONV_BLOCK] = { 0.0f }, tail = 0.0f;
    int nx = x1 - x0;
    for (int oy = y0; oy < y1; oy++) {
        /* pointers at the first column in range, so none points outside */
        ptrdiff_t i0 = (ptrdiff_t)(oy * sh + offy) * W + (ptrdiff_t)x0 * SW + offx;
        const float *gr = g + (size_t)oy * OW + x0, *xr = x + i0;
        int k = 0;
        for (; k + CONV_BLOCK <= nx; k += CONV_BLOCK)
            for (int j = 0; j < CONV_BLOCK; j++)
                part[j] += gr[k + j] * xr[(ptrdiff_t)(k + j) * SW];
        for (; k < nx; k++) tail += gr[k] * xr[(ptrdiff_t)k * SW];
        if (dx) {
            float *dr = dx + i0;
            for (k = 0; k + CONV_BLOCK <= nx; k += CONV_BLOCK)
                for (int j = 0; j < CONV_BLOCK; j++)
                    dr[(ptrdiff_t)(k + j) * SW] += wv * gr[k + j];
            for (; k < nx; k++) dr[(ptrdiff_t)k * SW] += wv * gr[k];
        }
    }
    return block_total(part, tail);
}

/* Tap by tap: for each (oc, ic, ky, kx) the outputs it reaches are solved
 * once with valid_range, and conv_tap_backward runs over them with no bounds
 * checks. Each din element receives its terms in (oc, ky, kx) order; dweight
 * and dbias sum in CONV_BLOCK partial sums (see conv_tap_backward). */
void ts_conv2d_backward(float *din, float *dweight, float *dbias,
                        const float *dout, const float *in, const float *weight,
                        const ts_conv2d_desc *d) {
    conv_geom g = conv_resolve(d);
    int H = d->h, W = d->w, OH = g.oh, OW = g.ow;
    for (int n = 0; n < d->n; n++) {
        for (int oc = 0; oc < d->c_out; oc++) {
            const float *go = dout + ((size_t)n * d->c_out + oc) * OH * OW;
            if (dbias) {
                float part[CONV_BLOCK] = { 0.0f }, tail = 0.0f;
                int i = 0;
                for (; i + CONV_BLOCK <= OH * OW; i += CONV_BLOCK)
                    for (int j = 0; j < CONV_BLOCK; j++) part[j] += go[i + j];
                for (; i < OH * OW; i++) tail += go[i];
                dbias[oc] += block_total(part, tail);
            }
            if (!din && !dweight) continue;
            for (int ic = 0; ic < d->c_in; ic++) {
                size_t xoff = ((size_t)n * d->c_in + ic) * H * W;
                const float *x = in + xoff;
                float *dx = din ? din + xoff : NULL;
                size_t woff = ((size_t)oc * d->c_in + ic) * d->kh * d->kw;
                for (int ky = 0; ky < d->kh; ky++) {
                    int offy = ky * g.dh - d->pad_h, y0, y1;
                    valid_range(offy, g.sh, H, OH, &y0, &y1);
                    for (int kx = 0; kx < d->kw; kx++) {
                        int offx = kx * g.dw - d->pad_w, x0, x1;
                        valid_range(offx, g.sw, W, OW, &x0, &x1);
                        float wv = weight[woff + ky * d->kw + kx], gw;
                        if (g.sw == 1)
                            gw = conv_tap_backward(dx, x, go, wv, W, OW, g.sh, offy, offx,
                                                   y0, y1, x0, x1, 1);
                        else
                            gw = conv_tap_backward(dx, x, go, wv, W, OW, g.sh, offy, offx,
                                                   y0, y1, x0, x1, g.sw);
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

/* The max pool's winner rule: v at flat index i replaces the running
 * (m, best) when v is larger, or when v is NaN and m is not yet (ties and
 * later NaNs keep the first). `!(v <= m)` is "v > m or v is NaN". This form
 * (& and selects, not || and an if) runs the 2x2 benchmark pool about 1.3x
 * faster at -O2 than the plain if. */
static inline void pool_take(float v, int i, float *m, int *best) {
    int take = !(v <= *m) & (*m == *m);
    *m = take ? v : *m;
    *best = take ? i : *best;
}

/* The winner of the window whose top-left pixel is at flat index i0 when it
 * lies wholly inside the input: no clipping, and no self-comparison of the
 * first pixel. */
static inline float pool_inner(const float *x, int i0, int W, int KH, int KW, int *best) {
    float m = x[i0];
    int b = i0;
    for (int kx = 1; kx < KW; kx++) pool_take(x[i0 + kx], i0 + kx, &m, &b);
    for (int ky = 1, i = i0 + W; ky < KH; ky++, i += W)
        for (int kx = 0; kx < KW; kx++) pool_take(x[i + kx], i + kx, &m, &b);
    *best = b;
    return m;
}

/* Outputs whose window lies wholly inside the input (rows [ry0, ry1), columns
 * [rx0, rx1), from interior_range) go through pool_inner; the others through
 * pool_window. Both scan the window in row-major order from its first real
 * pixel, so the winner is the same either way. */
void ts_maxpool2d_forward(float *out, int *argmax, const float *in,
                          const ts_pool2d_desc *d) {
    int OH, OW;
    TS_CHECK(ts_pool2d_out_hw(d, &OH, &OW) == 0);
    int sh = or_default(d->stride_h, d->kh), sw = or_default(d->stride_w, d->kw);
    int W = d->w, KH = d->kh, KW = d->kw;
    int ry0, ry1, rx0, rx1;
    interior_range(d->pad_h, KH, sh, 1, d->h, OH, &ry0, &ry1);
    interior_range(d->pad_w, KW, sw, 1, W, OW, &rx0, &rx1);
    for (int p = 0; p < d->n * d->c; p++) {
        const float *x = in + (size_t)p * d->h * W;
        for (int oy = 0; oy < OH; oy++) {
            float *orow = out + ((size_t)p * OH + oy) * OW;
            int *arow = argmax ? argmax + ((size_t)p * OH + oy) * OW : NULL;
            int inner = oy >= ry0 && oy < ry1;
            for (int ox = 0; ox < OW; ox++) {
                if (inner && ox == rx0) {
                    /* flat index of window (oy, ox)'s top-left pixel */
                    int i0 = (oy * sh - d->pad_h) * W - d->pad_w, best;
                    for (; ox < rx1; ox++) {
                        orow[ox] = pool_inner(x, i0 + ox * sw, W, KH, KW, &best);
                        if (arow) arow[ox] = best;
                    }
                    if (ox == OW) break;
                }
                pool_win win = pool_window(d, sh, sw, oy, ox);
                /* pad <= k/2 guarantees every window holds a real pixel */
                int best = win.y0 * W + win.x0;
                float m = x[best];
                for (int y = win.y0; y < win.y1; y++)
                    for (int xx = win.x0; xx < win.x1; xx++)
                        pool_take(x[y * W + xx], y * W + xx, &m, &best);
                orow[ox] = m;
                if (arow) arow[ox] = best;
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
