/* cnn_model.h: the cnn scene's network, forward and backward, and its weights file.
 *
 *   input [n,1,28,28] -> conv1 3x3 pad 1 [n,8,28,28] -> ReLU -> maxpool 2 [n,8,14,14]
 *   -> conv2 3x3 pad 1 [n,16,14,14] -> ReLU -> maxpool 2 [n,16,7,7]
 *   -> flatten [n,784] -> fc [n,10] (logits) -> softmax (probs)
 *
 * Parameters are named as PyTorch's state_dict would name them (conv1.weight
 * [8,1,3,3], conv1.bias [8], conv2.weight [16,8,3,3], conv2.bias [16],
 * fc.weight [10,784], fc.bias [10]); activations as the scene's dump names
 * them (input, conv1.out, relu1.out, pool1.out, conv2.out, relu2.out,
 * pool2.out, logits, probs).
 *
 * The model and the activations live in the arena given to them. Backward
 * (for the trainer) needs the grads that ts_optim_new or cnn_model_grads gives
 * the parameters, and accumulates into them.
 *
 * The weights file is a tensor dump (dump.h) written by tools/train_cnn.c:
 * the six parameters, "samples" [10,1,28,28] (one rendered digit per class,
 * for the scene's sample buttons) and params (accuracy, seed, ...).
 */
#ifndef TS_CNN_MODEL_H
#define TS_CNN_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "kernel/conv.h"
#include "kernel/tensor.h"

enum { CNN_IN = 28, CNN_C1 = 8, CNN_P1 = 14, CNN_C2 = 16, CNN_P2 = 7,
       CNN_FLAT = CNN_C2 * CNN_P2 * CNN_P2, CNN_CLASSES = 10 };

typedef struct cnn_model {
    ts_tensor *conv1_w, *conv1_b, *conv2_w, *conv2_b, *fc_w, *fc_b;
} cnn_model;

typedef struct cnn_acts {
    int n;
    ts_tensor *input, *conv1, *relu1, *pool1, *conv2, *relu2, *pool2, *logits, *probs;
    int *arg1, *arg2;        /* max-pool winners, flat index y*w+x in each input plane */
    /* per pooling window: how many of its values equal the max; 1 = one
     * winner, more = a tie (an all-zero window after ReLU ties 4 ways), where
     * arg1/arg2 only name the first of them */
    uint8_t *ties1, *ties2;
    /* gradients of the activations (NULL unless cnn_acts_new with grads) */
    float *d_pool2, *d_relu2, *d_conv2, *d_pool1, *d_relu1, *d_conv1, *d_logits;
} cnn_acts;

/* Zero parameters, named, in arena a. */
void cnn_model_new(cnn_model *m, ts_arena *a);
/* PyTorch's default init for Conv2d and Linear: uniform +-1/sqrt(fan_in). */
void cnn_model_init(cnn_model *m, uint64_t seed);
/* All six parameters in an array (for the optimiser and the dump). */
void cnn_model_params(const cnn_model *m, ts_tensor *out[6]);
/* Reads a weights file; checks every name and shape. samples (optional)
 * receives the "samples" tensor if present, else NULL. False and a message
 * on any problem; m is unchanged then. */
bool cnn_model_load(cnn_model *m, ts_arena *a, const char *path,
                    ts_tensor **samples, char *err, size_t errlen);

void cnn_acts_new(cnn_acts *x, ts_arena *a, int n, bool grads);
/* Runs the network on x->input (all n images). */
void cnn_forward(const cnn_model *m, cnn_acts *x);
/* Mean cross-entropy of x->logits against targets [n]; with grads, runs the
 * backward pass and accumulates into the parameters' grads. */
float cnn_backward(cnn_model *m, cnn_acts *x, const int *targets);

/* The receptive field of cell (r, c) of a layer (CNN_L_CONV1 .. CNN_L_POOL2,
 * the same for every channel): input rows *r0 .. *r0 + *size - 1, and the
 * same for columns from *c0. Rows and columns outside 0..27 are padding.
 * Walks the layer geometries below back to the input. */
enum { CNN_L_INPUT, CNN_L_CONV1, CNN_L_POOL1, CNN_L_CONV2, CNN_L_POOL2 };
void cnn_receptive_field(int layer, int r, int c, int *r0, int *c0, int *size);

/* The layer geometries, for scenes that explain them. */
ts_conv2d_desc cnn_conv1_desc(int n);
ts_conv2d_desc cnn_conv2_desc(int n);
ts_pool2d_desc cnn_pool1_desc(int n);
ts_pool2d_desc cnn_pool2_desc(int n);

#endif
