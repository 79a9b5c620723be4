/* cnn_strokes.h: digits drawn with a pen stroke, the way a mouse draws them,
 * and the soft round brush the cnn scene draws with.
 *
 * The scene's input is drawn with a brush (cnn_brush_stamp along the mouse
 * path); font-rendered digits (cnn_digits.h) look different: uniform strokes,
 * serifs, centred by mass. This module writes digits with that same brush
 * along hand-written pen paths: each digit has a few templates (a 1 with or
 * without its flag and base, a 7 with or without the bar, an open or closed
 * 4, ...), each a list of strokes of lines and arcs in a unit box. A sample
 * picks a template and bends it: a smooth random wobble, aspect, rotation,
 * shear, size, position anywhere near the centre (not centred by mass: a
 * user draws where they like), brush width and strength.
 *
 *   ts_rng r; ts_rng_seed(&r, 3);
 *   float img[28 * 28];
 *   cnn_strokes_render(img, 8, &r);          // one stroke-drawn 8
 *
 * The same seed gives the same images on every machine (no fonts involved).
 * Never fails.
 */
#ifndef TS_CNN_STROKES_H
#define TS_CNN_STROKES_H

#include "kernel/tensor.h"

#define CNN_STROKE_SIZE 28
/* The scene's brush: width (Gaussian sigma, cells) and peak ink. */
#define CNN_BRUSH_SIGMA 0.95f
#define CNN_BRUSH_INK 1.35f
/* Samples of a path closer than this (cells) give a smooth line. */
#define CNN_BRUSH_STEP 0.25f

/* Inks img [28*28] (0..1) with a round soft brush centred at (cx, cy) in
 * cells (x right, y down): each pixel keeps max(old, ink * gauss(d, sigma)),
 * clamped to 1. */
void cnn_brush_stamp(float *img, float cx, float cy, float sigma, float ink);
/* Stamps along the segment from (x0, y0) to (x1, y1), (x0, y0) excluded. */
void cnn_brush_line(float *img, float x0, float y0, float x1, float y1, float sigma, float ink);

/* out [28*28] in 0..1: one stroke-drawn digit (0..9), varied by rng. */
void cnn_strokes_render(float *out, int digit, ts_rng *rng);
/* How many pen templates a digit has (for tests and the trainer's report). */
int  cnn_strokes_templates(int digit);

#endif
