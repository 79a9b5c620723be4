/* cnn.c: a filter slides across the image, pooling shrinks it, a trained CNN
 * classifies what you draw.
 *
 * The network (cnn_model.h: conv 3x3 x8, ReLU, maxpool 2, conv 3x3 x16, ReLU,
 * maxpool 2, fc 784->10) was trained by tools/train_cnn.c on digits rendered
 * from fonts and drawn with pen strokes (cnn_strokes.h); its weights are read from assets/cnn-weights.safetensors. Every number
 * on screen is an element of a tensor computed here by the kernel; drawing on
 * the input (or picking a sample) reruns the whole forward pass at once.
 *
 * Beats: 1 input, 2 one filter on one patch (cnn_pick_patch), 3 the filter slides,
 * 4 eight learned filters and parameter sharing, 5 ReLU, 6 max pooling,
 * 7 conv2, flatten, fc and the ten probabilities, 8 recap, 9 the filter
 * playground (hand-picked or typed filters, stride, padding, kernel size).
 *
 * Dumps (every beat, PyTorch shapes): input [1,1,28,28], conv1.weight
 * [8,1,3,3], conv1.bias [8], conv1.out, relu1.out [1,8,28,28], pool1.out
 * [1,8,14,14], conv2.weight [16,8,3,3], conv2.bias [16], conv2.out, relu2.out
 * [1,16,14,14], pool2.out [1,16,7,7], fc.weight [10,784], fc.bias [10],
 * logits, probs [1,10], filter [1,1,k,k], filter.out [1,1,oh,ow]; params:
 * stride, padding, kernel_size, channel (0-based), prediction; and the
 * shift and worked-conv2 names of cnn_measure.c (shift.*, conv2.worked.*).
 *
 * Preset keys:
 *   [input]  sample = 0..9 | image = PATH.png (relative to the preset; any
 *            size, averaged down to 28x28, luminance) | invert = BOOL (for dark
 *            ink on a light page)
 *   [story]  channel = 1..8 | auto (the conv1 filter beats 2, 3 and 6
 *            follow; auto, the default, picks the filter whose map
 *            responds most strongly in both directions: an edge filter)
 *   [filter] kind = vertical | horizontal | blur | sharpen | custom,
 *            size = 3 | 5, stride = 1..3, padding = 0..2,
 *            values = 9 or 25 numbers (rows on indented lines; implies custom)
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "scene/scene.h"
#include "ui/ui.h"
#include "gfx/gfx.h"
#include "kernel/safetensors.h"
#include "scenes/cnn/cnn_scene.h"
#include "scenes/cnn/cnn_strokes.h"

const scene_beat cnn_beats[B_COUNT] = {
    {"The input",
     "A digit is 28 \xc3\x97 28 numbers between 0 (dark) and 1 (ink). That grid is all the network "
     "ever sees, and everything that follows is computed from it.", 3.0f,
     "Draw on the input, clear it or pick a sample; hover any cell for its value"},
    {"One filter, one patch",
     "A 3 \xc3\x97 3 filter of learned weights sits on one patch of the digit: multiply the nine pairs, "
     "add them and the bias, and that one number is one cell of the feature map.", 4.0f,
     "Hover a cell of the feature map to see its nine products"},
    {"The filter slides",
     "The same nine weights slide one pixel at a time over every position. Where the patch looks like "
     "the filter, the response is strong.", 8.0f,
     "Hover a cell of the feature map to see its nine products", .motion = true},
    {"Many filters, shared weights",
     "Eight filters give eight feature maps. Each filter reuses its nine weights at every position, so "
     "the layer needs a tiny fraction of a fully connected layer's weights.", 4.0f,
     "Hover any map cell for its products"},
    {"ReLU",
     "ReLU replaces every negative response with zero: only evidence for a pattern survives, and the "
     "network becomes more than one big linear function.", 3.0f},
    {"Max pooling",
     "Each 2 \xc3\x97 2 window keeps only its largest value: the maps shrink to half the width and "
     "height, and a small shift of the digit matters less, though not nothing: measured on the right.", 4.0f,
     "Hover a pooled cell to see its window"},
    {"Deeper layers decide",
     "Each conv2 filter is 3 \xc3\x97 3 \xc3\x97 8: one cell sums nine products from every one of the eight "
     "maps, plus a bias. Pooling shrinks the sixteen maps to 7 \xc3\x97 7, and a fully connected layer turns "
     "the 784 numbers into ten class probabilities.", 5.0f,
     "Hover any cell or bar for where it came from"},
    {"Recap",
     "Early filters respond to edges and strokes, deeper ones to larger parts of the digit. Nobody "
     "wrote these filters: training found them from examples.", 3.0f,
     "Draw a digit and watch every layer change"},
    {"Filter playground",
     "Hand-made filters find edges, blur or sharpen. The output size follows the formula with the "
     "stride, padding and kernel size, and every cell is still a sum of products.", 3.0f,
     "Pick a filter, click a weight to type it, change size, stride and padding"},
};

static void cnn_defaults(void *p) {
    cnn_state *st = p;
    st->sample = 7;
    st->channel = 0;
    st->channel_auto = true;
    st->play_kind = PLAY_VERTICAL;
    st->stride = 1;
    st->padding = 1;
    st->ksize = 3;
    st->edit_cell = -1;
}

static bool set_kind(cnn_state *st, const char *val, char *err, size_t n) {
    static const char *const names[PLAY_KINDS] = {"vertical", "horizontal", "blur", "sharpen", "custom"};
    for (int i = 0; i < PLAY_KINDS; i++)
        if (strcmp(val, names[i]) == 0) { st->play_kind = i; return true; }
    snprintf(err, n, "kind must be vertical, horizontal, blur, sharpen or custom, got '%s'", val);
    return false;
}

static bool cnn_set(void *p, const char *sec, const char *key, const char *val, char *err, size_t n) {
    cnn_state *st = p;
    if (strcmp(sec, "input") == 0) {
        if (strcmp(key, "sample") == 0) { st->image_path[0] = 0; return preset_int(key, val, 0, 9, &st->sample, err, n); }
        if (strcmp(key, "image") == 0) {
            if (!val[0]) { snprintf(err, n, "image needs a PNG path"); return false; }
            preset_resolve_path(val, st->image_path, sizeof st->image_path);
            return true;
        }
        if (strcmp(key, "invert") == 0) {
            return preset_bool(key, val, &st->invert, err, n);
        }
    } else if (strcmp(sec, "story") == 0) {
        if (strcmp(key, "channel") == 0) {
            int ch;
            st->channel_auto = strcmp(val, "auto") == 0;
            if (st->channel_auto) return true;
            if (!preset_int(key, val, 1, CNN_C1, &ch, err, n)) {
                snprintf(err, n, "channel must be 1..%d or auto, got '%s'", CNN_C1, val);
                return false;
            }
            st->channel = ch - 1;
            return true;
        }
    } else if (strcmp(sec, "filter") == 0) {
        if (strcmp(key, "kind") == 0) return set_kind(st, val, err, n);
        if (strcmp(key, "stride") == 0) return preset_int(key, val, 1, 3, &st->stride, err, n);
        if (strcmp(key, "padding") == 0) return preset_int(key, val, 0, 2, &st->padding, err, n);
        if (strcmp(key, "size") == 0) {
            if (!preset_int(key, val, 3, 5, &st->ksize, err, n)) return false;
            if (st->ksize == 4) { snprintf(err, n, "size must be 3 or 5, got 4"); return false; }
            return true;
        }
        if (strcmp(key, "values") == 0) {
            int cnt = 0;
            if (!preset_floats(key, val, st->custom, PLAY_MAX_K * PLAY_MAX_K, &cnt, -100, 100, err, n)) return false;
            if (cnt != 9 && cnt != 25) {
                snprintf(err, n, "values must be 9 (3x3) or 25 (5x5) numbers, got %d", cnt);
                return false;
            }
            st->custom_k = cnt == 9 ? 3 : 5;
            st->play_kind = PLAY_CUSTOM;
            return true;
        }
    }
    return preset_unknown(sec, key, err, n);
}

/* A PNG of any size, averaged into 28x28 cells by area, luminance 0..1. */
static bool load_image(cnn_state *st, bool invert, char *err, size_t n) {
    int w, h;
    char e[256];
    uint8_t *px = gfx_png_read(st->image_path, &w, &h, e, sizeof e);
    if (!px) {   /* FILE:LINE of the image key, or the --set that gave it */
        preset_error_key("input", "image");
        snprintf(err, n, "image: %s", e);
        return false;
    }
    for (int r = 0; r < CNN_IN; r++)
        for (int c = 0; c < CNN_IN; c++) {
            int y0 = r * h / CNN_IN, y1 = (r + 1) * h / CNN_IN, x0 = c * w / CNN_IN, x1 = (c + 1) * w / CNN_IN;
            if (y1 <= y0) y1 = y0 + 1;
            if (x1 <= x0) x1 = x0 + 1;
            double s = 0;
            int cnt = 0;
            for (int y = y0; y < y1 && y < h; y++)
                for (int x = x0; x < x1 && x < w; x++, cnt++) {
                    const uint8_t *q = px + 4 * ((size_t)y * w + x);
                    double a = q[3] / 255.0, lum = (0.2126 * q[0] + 0.7152 * q[1] + 0.0722 * q[2]) / 255.0;
                    s += invert ? a * (1 - lum) : a * lum;
                }
            st->image[r * CNN_IN + c] = cnt ? (float)(s / cnt) : 0;
        }
    free(px);
    return true;
}

static float absmax(const float *v, size_t n) {
    float m = 0;
    for (size_t i = 0; i < n; i++) m = fmaxf(m, fabsf(v[i]));
    return m > 0 ? m : 1;
}

float cnn_pick_patch(const cnn_state *st, int k, int *r, int *c) {
    const float *in = st->x.input->data, *w = st->m.conv1_w->data + k * 9;
    float best = -1;
    *r = *c = 0;
    for (int y = 0; y < CNN_IN; y++)
        for (int x = 0; x < CNN_IN; x++) {
            float lo = 0, hi = 0, dark = 1, ink = 0;
            for (int i = 0; i < 9; i++) {
                int yy = y + i / 3 - 1, xx = x + i % 3 - 1;
                float v = yy < 0 || xx < 0 || yy >= CNN_IN || xx >= CNN_IN ? 0 : in[yy * CNN_IN + xx];
                lo = i ? fminf(lo, v * w[i]) : v * w[i];
                hi = i ? fmaxf(hi, v * w[i]) : v * w[i];
                dark = fminf(dark, v);
                ink = fmaxf(ink, v);
            }
            /* products of both signs, on a patch with both ink and dark */
            float score = (hi - lo) * (ink - dark);
            if (score > best) { best = score; *r = y; *c = x; }
        }
    return best;
}

void cnn_recompute(cnn_state *st) {
    double t0 = scene_seconds();
    cnn_forward(&st->m, &st->x);
    const cnn_acts *x = &st->x;
    st->c1_max = absmax(x->conv1->data, ts_numel(x->conv1));
    st->a1_max = absmax(x->relu1->data, ts_numel(x->relu1));
    st->c2_max = absmax(x->conv2->data, ts_numel(x->conv2));
    st->a2_max = absmax(x->relu2->data, ts_numel(x->relu2));
    st->clipped1 = st->clipped2 = 0;
    for (size_t i = 0; i < ts_numel(x->conv1); i++) st->clipped1 += x->conv1->data[i] < 0;
    for (size_t i = 0; i < ts_numel(x->conv2); i++) st->clipped2 += x->conv2->data[i] < 0;
    st->pred = 0;
    for (int k = 1; k < CNN_CLASSES; k++)
        if (x->probs->data[k] > x->probs->data[st->pred]) st->pred = k;
    /* the strongest response of the followed channel: where beat 3 settles */
    const float *map = x->conv1->data + (size_t)st->channel * CNN_IN * CNN_IN;
    int best = 0;
    for (int i = 1; i < CNN_IN * CNN_IN; i++)
        if (map[i] > map[best]) best = i;
    st->focus_r = best / CNN_IN;
    st->focus_c = best % CNN_IN;
    cnn_pick_patch(st, st->channel, &st->work_r, &st->work_c);
    /* every 3x3 patch times every filter, for the worked products of beats 2-3 */
    for (int k = 0; k < CNN_C1; k++)
        for (int pos = 0; pos < CNN_IN * CNN_IN; pos++)
            for (int i = 0; i < 9; i++) {
                int y = pos / CNN_IN + i / 3 - 1, xx = pos % CNN_IN + i % 3 - 1;
                float v = y < 0 || xx < 0 || y >= CNN_IN || xx >= CNN_IN ? 0 : x->input->data[y * CNN_IN + xx];
                st->products->data[((size_t)k * CNN_IN * CNN_IN + pos) * 9 + i] = v * st->m.conv1_w->data[k * 9 + i] + 0.0f;
            }
    /* the 7x7 patch beat 1 magnifies: around the centre of mass of the ink */
    double s = 0, sr = 0, sc = 0;
    for (int i = 0; i < CNN_IN * CNN_IN; i++) {
        float v = x->input->data[i];
        s += v; sr += v * (i / CNN_IN); sc += v * (i % CNN_IN);
    }
    st->in_mean = (float)(s / (CNN_IN * CNN_IN));
    st->ink_r0 = CNN_IN;
    st->ink_r1 = -1;
    for (int i = 0; i < CNN_IN * CNN_IN; i++)
        if (x->input->data[i] > 0.05f) {
            if (i / CNN_IN < st->ink_r0) st->ink_r0 = i / CNN_IN;
            st->ink_r1 = i / CNN_IN;
        }
    st->in_ink = 0;
    for (int i = 0; i < CNN_IN * CNN_IN; i++) st->in_ink += x->input->data[i] > 0.5f;
    int cr = s > 0 ? (int)lround(sr / s) : CNN_IN / 2, cc = s > 0 ? (int)lround(sc / s) : CNN_IN / 2;
    st->zoom_r = cr - 3 < 0 ? 0 : cr - 3 > CNN_IN - 7 ? CNN_IN - 7 : cr - 3;
    st->zoom_c = cc - 3 < 0 ? 0 : cc - 3 > CNN_IN - 7 ? CNN_IN - 7 : cc - 3;
    cnn_measure(st);
    play_recompute(st);
    st->recompute_ms = 1e3 * (scene_seconds() - t0);
    st->recomputes++;
}

static bool cnn_init(void *p, char *err, size_t n) {
    cnn_state *st = p;
    if (st->custom_k && st->custom_k != st->ksize) {
        if (st->ksize != 3 && st->custom_k == 3) {
            snprintf(err, n, "values has 9 numbers but size is %d", st->ksize);
            return false;
        }
        st->ksize = st->custom_k;
    }
    cnn_model_new(&st->m, &st->arena);
    char path[1200];
    snprintf(path, sizeof path, "%s/assets/cnn-weights.safetensors", scene_data_dir());
    if (!cnn_model_load(&st->m, &st->arena, path, &st->samples, err, n)) {
        size_t used = strlen(err);
        snprintf(err + used, n - used, " (regenerate with ./build/train_cnn assets/cnn-weights.safetensors)");
        ts_arena_free(&st->arena);
        return false;
    }
    if (!st->samples) {
        snprintf(err, n, "%s has no samples tensor", path);
        ts_arena_free(&st->arena);
        return false;
    }
    ts_arena tmp = {0};
    char e[128];
    ts_dump *d = ts_st_read(path, &tmp, e, sizeof e);
    double v;
    st->held_out_font = d && ts_dump_get_param(d, "held_out_accuracy_font", &v) ? (float)v : NAN;
    st->held_out_stroke = d && ts_dump_get_param(d, "held_out_accuracy_stroke", &v) ? (float)v : NAN;
    st->train_font = d && ts_dump_get_param(d, "train_samples_font", &v) ? (float)v : NAN;
    st->train_stroke = d && ts_dump_get_param(d, "train_samples_stroke", &v) ? (float)v : NAN;
    if (d) ts_dump_free(d);
    ts_arena_free(&tmp);

    if (st->image_path[0]) {
        if (!load_image(st, st->invert, err, n)) { ts_arena_free(&st->arena); return false; }
    } else {
        memcpy(st->image, st->samples->data + (size_t)st->sample * CNN_IN * CNN_IN, sizeof st->image);
    }
    cnn_acts_new(&st->x, &st->arena, 1, false);
    cnn_measure_new(st);
    memcpy(st->x.input->data, st->image, sizeof st->image);
    if (st->channel_auto) {
        /* the filter whose map responds most strongly both ways: an edge
         * detector, whose worked patches show products of both signs */
        cnn_forward(&st->m, &st->x);
        float best = -1;
        for (int k = 0; k < CNN_C1; k++) {
            const float *map = st->x.conv1->data + (size_t)k * CNN_IN * CNN_IN;
            float lo = 0, hi = 0;
            for (int i = 0; i < CNN_IN * CNN_IN; i++) { lo = fminf(lo, map[i]); hi = fmaxf(hi, map[i]); }
            if (fminf(-lo, hi) > best) { best = fminf(-lo, hi); st->channel = k; }
        }
    }
    st->products = ts_new4(&st->arena, "products", CNN_C1, CNN_IN * CNN_IN, 3, 3);
    st->filter = ts_new4(&st->arena, "filter", 1, 1, PLAY_MAX_K, PLAY_MAX_K);
    st->fout = ts_new4(&st->arena, "filter.out", 1, 1, PLAY_MAX_OUT, PLAY_MAX_OUT);
    if (st->play_kind == PLAY_CUSTOM && !st->custom_k) {
        play_filter_values(PLAY_VERTICAL, st->ksize, st->custom);
        st->custom_k = st->ksize;
    }
    st->edit_cell = -1;
    cnn_recompute(st);
    return true;
}

static void cnn_shutdown(void *p) { ts_arena_free(&((cnn_state *)p)->arena); }

/* ---- input: the soft brush --------------------------------------------------- */

static bool brush(cnn_state *st, const cnn_lay *L, int beat, const ui_ctx *ui) {
    dg_rect im = cnn_input_image(L, cnn_input_pad(st, beat));
    float cell = im.w / CNN_IN;
    float mx = (ui->in.mouse_x - im.x) / cell, my = (ui->in.mouse_y - im.y) / cell;
    if (ui->in.mouse_pressed && ui_hover(ui, im.x, im.y, im.w, im.h)) {
        st->drawing = true;
        st->last_x = mx;
        st->last_y = my;
    }
    if (!st->drawing) return false;
    if (!ui->in.mouse_down && !ui->in.mouse_pressed) { st->drawing = false; return false; }
    /* the brush the trainer's stroke digits are drawn with (cnn_strokes.h) */
    cnn_brush_line(st->x.input->data, st->last_x, st->last_y, mx, my, CNN_BRUSH_SIGMA, CNN_BRUSH_INK);
    st->last_x = mx;
    st->last_y = my;
    if (ui->in.mouse_released) st->drawing = false;
    return true;
}

static void cnn_update(void *p, const scene_clock *c, ui_ctx *ui) {
    cnn_state *st = p;
    cnn_lay L;
    cnn_layout(c->beat, &L);
    bool changed = false;
    if (ui_button(ui, "clear", L.clear.x, L.clear.y, L.clear.w, L.clear.h)) {
        memset(st->x.input->data, 0, sizeof(float) * CNN_IN * CNN_IN);
        changed = true;
    }
    for (int k = 0; k < CNN_CLASSES; k++) {
        char label[16];
        snprintf(label, sizeof label, "%d##sample", k);
        if (ui_button(ui, label, L.sample[k].x, L.sample[k].y, L.sample[k].w, L.sample[k].h)) {
            memcpy(st->x.input->data, st->samples->data + (size_t)k * CNN_IN * CNN_IN, sizeof(float) * CNN_IN * CNN_IN);
            changed = true;
        }
    }
    if (c->beat == B_PLAY) play_update(st, &L, ui);
    if (brush(st, &L, c->beat, ui)) changed = true;
    if (changed) cnn_recompute(st);
}

static void cnn_draw(const void *p, const scene_clock *c, const ui_theme *th) {
    cnn_draw_beat(p, c, th);
}

static void cnn_dump(const void *p, const scene_clock *c, ts_dump *d) {
    (void)c;
    const cnn_state *st = p;
    const cnn_acts *x = &st->x;
    ts_dump_param(d, "stride", st->stride);
    ts_dump_param(d, "padding", st->padding);
    ts_dump_param(d, "kernel_size", st->ksize);
    ts_dump_param(d, "channel", st->channel);
    ts_dump_param(d, "prediction", st->pred);
    ts_dump_param_str(d, "filter_kind", play_kind_name(st->play_kind));
    const ts_tensor *t[] = {x->input, st->m.conv1_w, st->m.conv1_b, x->conv1, x->relu1, x->pool1,
                            st->m.conv2_w, st->m.conv2_b, x->conv2, x->relu2, x->pool2,
                            st->m.fc_w, st->m.fc_b, x->logits, x->probs, st->filter, st->fout};
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) ts_dump_tensor(d, t[i]);
    cnn_measure_dump(st, d);
}

static const ui_help_key cnn_help[] = {
    {"drag on the input", "draw a digit; the CNN reads it as you draw"},
    {"clear  0..9", "buttons: clear the input, or load a rendered digit"},
    {"hover", "any cell: its exact value and the sum that made it"},
    {"playground", "pick a filter, its size, stride and padding"},
    {"click a filter cell", "type its value; Enter applies, Esc leaves"},
};

const scene_kind scene_cnn = {
    .name = "cnn",
    .title = "Convolutional networks",
    .group = "Vision",
    .summary = "A filter slides across the image, pooling shrinks it, a trained CNN reads your digit.",
    .beats = cnn_beats,
    .beat_count = B_COUNT,
    .state_size = sizeof(cnn_state),
    .defaults = cnn_defaults,
    .set = cnn_set,
    .init = cnn_init,
    .update = cnn_update,
    .draw = cnn_draw,
    .dump = cnn_dump,
    .shutdown = cnn_shutdown,
    .help = cnn_help,
    .help_count = (int)(sizeof cnn_help / sizeof cnn_help[0]),
};
