/* cnn_digits.h: handwritten-looking digits rendered from the installed fonts.
 *
 * The cnn scene's model is trained on digits this module draws itself (no
 * downloaded data set): each glyph 0..9 of the DejaVu faces found through
 * fontconfig is rasterised once at a large size with SDL2_ttf, and every
 * sample is that glyph with a random stroke width (dilation or erosion),
 * rotation, shear, scale and shift, placed like MNIST: the longer side fitted
 * to a box of about 20 pixels, centred by mass in 28x28, ink 1 on 0, plus
 * optional noise.
 *
 *   char err[256];
 *   cnn_digits *g = cnn_digits_open(err, sizeof err);   // NULL: no fonts
 *   float img[28 * 28];
 *   cnn_digits_render(g, img, 7, &rng, true);            // augmented 7
 *   cnn_digits_close(g);
 *
 * The same seed gives the same images on the same fonts. Errors: open
 * returns NULL with one line in err; render never fails.
 */
#ifndef TS_CNN_DIGITS_H
#define TS_CNN_DIGITS_H

#include <stdbool.h>
#include <stddef.h>
#include "kernel/tensor.h"

#define CNN_DIGIT_SIZE 28

typedef struct cnn_digits cnn_digits;

cnn_digits *cnn_digits_open(char *err, size_t errlen);
void        cnn_digits_close(cnn_digits *g);
int         cnn_digits_font_count(const cnn_digits *g);
const char *cnn_digits_font_name(const cnn_digits *g, int i);
/* out [28*28] in 0..1. augment false: the first face, medium stroke, upright,
 * centred (rng unused and may be NULL). */
void        cnn_digits_render(const cnn_digits *g, float *out, int digit, ts_rng *rng,
                              bool augment);
/* Shifts img [28*28] by whole and fractional pixels (bilinear, zeros enter)
 * so that its centre of mass sits at the image centre; an empty image stays. */
void        cnn_digits_center_by_mass(float *img);

#endif
