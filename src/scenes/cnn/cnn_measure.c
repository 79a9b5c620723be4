/* cnn_measure.c: two measurements the cnn story shows beside its pictures.
 *
 * Beat 6 (pooling): the same digit shifted one pixel right, run through the
 * same network (cnn_forward on a second set of activations): the share of
 * active relu1 and pool1 cells whose value changes, and how far the logits
 * and the prediction move. "Pooling makes small shifts matter less" is then
 * a number, not a promise.
 *
 * Beat 7 (conv2): one conv2 output worked over all eight pool1 maps: the
 * eight 3x3 patches around it (zero padding outside), each times its own
 * slice conv2.weight[j, i], gives eight partial sums; their total plus the
 * bias is conv2.out[0, j, r, c]. The cell is relu2's strongest.
 *
 * Dump names (every beat): shift.input [1,1,28,28], shift.relu1.out
 * [1,8,28,28], shift.pool1.out [1,8,14,14], shift.pool2.out [1,16,7,7], shift.logits, shift.probs
 * [1,10]; conv2.worked.patch [8,3,3], conv2.worked.partial [8]. Params:
 * shift.relu1_changed, shift.pool1_changed, shift.pool2_changed (shares,
 * 0..1), shift.active_relu1, shift.active_pool1, shift.active_pool2 (cells counted), shift.logit_change (max |change|),
 * shift.prediction; conv2.worked.channel, .row, .col (0-based).
 */
#include <math.h>
#include <string.h>
#include "scenes/cnn/cnn_scene.h"

/* A cell is active when either run has it above zero; it changes when the
 * two differ by more than 1% of the layer's largest value. */
static void changed_share(const ts_tensor *a, const ts_tensor *b, float *share, int *active) {
    size_t n = ts_numel(a);
    float hi = 0;
    for (size_t i = 0; i < n; i++) hi = fmaxf(hi, fmaxf(a->data[i], b->data[i]));
    int act = 0, ch = 0;
    for (size_t i = 0; i < n; i++) {
        if (a->data[i] <= 0 && b->data[i] <= 0) continue;
        act++;
        ch += fabsf(a->data[i] - b->data[i]) > 0.01f * hi;
    }
    *active = act;
    *share = act ? (float)ch / (float)act : 0.0f;
}

static void shift_measure(cnn_state *st) {
    cnn_acts *s = &st->xs;
    const float *in = st->x.input->data;
    for (int r = 0; r < CNN_IN; r++)
        for (int c = 0; c < CNN_IN; c++)
            s->input->data[r * CNN_IN + c] = c > 0 ? in[r * CNN_IN + c - 1] : 0.0f;
    cnn_forward(&st->m, s);
    changed_share(st->x.relu1, s->relu1, &st->shift_relu1_changed, &st->shift_active1);
    changed_share(st->x.pool1, s->pool1, &st->shift_pool1_changed, &st->shift_activep);
    changed_share(st->x.pool2, s->pool2, &st->shift_pool2_changed, &st->shift_active2);
    st->shift_logit_change = 0;
    st->shift_pred = 0;
    for (int k = 0; k < CNN_CLASSES; k++) {
        st->shift_logit_change = fmaxf(st->shift_logit_change, fabsf(s->logits->data[k] - st->x.logits->data[k]));
        if (s->probs->data[k] > s->probs->data[st->shift_pred]) st->shift_pred = k;
    }
}

static void conv2_work(cnn_state *st) {
    const float *a = st->x.relu2->data;
    size_t best = 0;
    for (size_t i = 1; i < ts_numel(st->x.relu2); i++) if (a[i] > a[best]) best = i;
    int j = (int)(best / (CNN_P1 * CNN_P1)), r = (int)(best / CNN_P1 % CNN_P1), c = (int)(best % CNN_P1);
    st->w2_ch = j; st->w2_r = r; st->w2_c = c;
    for (int i = 0; i < CNN_C1; i++) {
        double sum = 0;
        for (int k = 0; k < 9; k++) {
            int y = r + k / 3 - 1, x = c + k % 3 - 1;
            float v = y < 0 || x < 0 || y >= CNN_P1 || x >= CNN_P1
                          ? 0.0f : st->x.pool1->data[((size_t)i * CNN_P1 + y) * CNN_P1 + x];
            st->w2_patch->data[i * 9 + k] = v;
            sum += (double)v * st->m.conv2_w->data[((size_t)j * CNN_C1 + i) * 9 + k];
        }
        st->w2_partial->data[i] = (float)sum;
    }
}

void cnn_measure_new(cnn_state *st) {
    cnn_acts_new(&st->xs, &st->arena, 1, false);
    snprintf(st->xs.input->name, sizeof st->xs.input->name, "shift.input");
    snprintf(st->xs.relu1->name, sizeof st->xs.relu1->name, "shift.relu1.out");
    snprintf(st->xs.pool1->name, sizeof st->xs.pool1->name, "shift.pool1.out");
    snprintf(st->xs.pool2->name, sizeof st->xs.pool2->name, "shift.pool2.out");
    snprintf(st->xs.logits->name, sizeof st->xs.logits->name, "shift.logits");
    snprintf(st->xs.probs->name, sizeof st->xs.probs->name, "shift.probs");
    st->w2_patch = ts_new3(&st->arena, "conv2.worked.patch", CNN_C1, 3, 3);
    st->w2_partial = ts_new1(&st->arena, "conv2.worked.partial", CNN_C1);
}

void cnn_measure(cnn_state *st) {
    shift_measure(st);
    conv2_work(st);
}

void cnn_measure_dump(const cnn_state *st, ts_dump *d) {
    const ts_tensor *t[] = {st->xs.input, st->xs.relu1, st->xs.pool1, st->xs.pool2, st->xs.logits, st->xs.probs,
                            st->w2_patch, st->w2_partial};
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) ts_dump_tensor(d, t[i]);
    ts_dump_param(d, "shift.relu1_changed", st->shift_relu1_changed);
    ts_dump_param(d, "shift.pool1_changed", st->shift_pool1_changed);
    ts_dump_param(d, "shift.active_relu1", st->shift_active1);
    ts_dump_param(d, "shift.active_pool1", st->shift_activep);
    ts_dump_param(d, "shift.pool2_changed", st->shift_pool2_changed);
    ts_dump_param(d, "shift.active_pool2", st->shift_active2);
    ts_dump_param(d, "shift.logit_change", st->shift_logit_change);
    ts_dump_param(d, "shift.prediction", st->shift_pred);
    ts_dump_param(d, "conv2.worked.channel", st->w2_ch);
    ts_dump_param(d, "conv2.worked.row", st->w2_r);
    ts_dump_param(d, "conv2.worked.col", st->w2_c);
}
