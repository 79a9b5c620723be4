/* cnn_play.c: the filter playground (beat 9) of the cnn scene.
 *
 * One filter of 3x3 or 5x5 weights (hand-made edges, blur, sharpen, or typed
 * values) convolved with the input at a chosen stride and padding, through
 * the kernel's ts_conv2d_forward. The output size is the formula of
 * ts_conv_out_size, shown with the current numbers; a stride that does not
 * divide the span is explained on screen (the last rows and columns are
 * skipped), never an error.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "gfx/gfx.h"
#include "kernel/conv.h"
#include "scenes/cnn/cnn_scene.h"

static const char *const kind_names[PLAY_KINDS] = {"vertical edge", "horizontal edge", "blur", "sharpen", "custom"};
const char *play_kind_name(int kind) { return kind >= 0 && kind < PLAY_KINDS ? kind_names[kind] : "?"; }

/* Separable filters: smoothing s and derivative d along the two axes. */
void play_filter_values(int kind, int k, float *out) {
    static const float s3[3] = {1, 2, 1}, d3[3] = {-1, 0, 1};
    static const float s5[5] = {1, 4, 6, 4, 1}, d5[5] = {-1, -2, 0, 2, 1};
    const float *s = k == 3 ? s3 : s5, *d = k == 3 ? d3 : d5;
    float ssum = k == 3 ? 4 : 16;
    for (int r = 0; r < k; r++)
        for (int c = 0; c < k; c++) {
            float v = 0;
            switch (kind) {
            case PLAY_VERTICAL: v = s[r] * d[c] / (k == 3 ? 1 : 4); break;
            case PLAY_HORIZONTAL: v = d[r] * s[c] / (k == 3 ? 1 : 4); break;
            case PLAY_BLUR: v = s[r] * s[c] / (ssum * ssum); break;
            case PLAY_SHARPEN: v = (r == k / 2 && c == k / 2 ? 2.0f : 0.0f) - s[r] * s[c] / (ssum * ssum); break;
            default: v = 0;
            }
            out[r * k + c] = v;
        }
}

/* Custom values resized to k: a 3x3 grows with a zero ring, a 5x5 keeps its centre. */
static void custom_values(const cnn_state *st, int k, float *out) {
    int ck = st->custom_k ? st->custom_k : k;
    for (int r = 0; r < k; r++)
        for (int c = 0; c < k; c++) {
            int rr = r + (ck - k) / 2, cc = c + (ck - k) / 2;
            out[r * k + c] = rr < 0 || cc < 0 || rr >= ck || cc >= ck ? 0 : st->custom[rr * ck + cc];
        }
}

void play_recompute(cnn_state *st) {
    int k = st->ksize;
    ts_tensor *f = st->filter, *o = st->fout;
    if (st->play_kind == PLAY_CUSTOM) custom_values(st, k, f->data);
    else play_filter_values(st->play_kind, k, f->data);
    f->shape[2] = f->shape[3] = k;
    f->stride[0] = f->stride[1] = k * k; f->stride[2] = k; f->stride[3] = 1;
    ts_conv2d_desc d = {.n = 1, .c_in = 1, .h = CNN_IN, .w = CNN_IN, .c_out = 1, .kh = k, .kw = k,
                        .stride_h = st->stride, .stride_w = st->stride, .pad_h = st->padding, .pad_w = st->padding};
    st->fit_note[0] = 0;
    if (ts_conv2d_out_hw(&d, &st->oh, &st->ow) != 0) {
        snprintf(st->fit_note, sizeof st->fit_note, "A %d \xc3\x97 %d filter does not fit in the padded %d \xc3\x97 %d input.",
                 k, k, CNN_IN + 2 * st->padding, CNN_IN + 2 * st->padding);
        st->oh = st->ow = 0;
    } else {
        ts_conv2d_forward(o->data, st->x.input->data, f->data, NULL, &d);
        int span = CNN_IN + 2 * st->padding - k, left = span % st->stride;
        if (left)
            snprintf(st->fit_note, sizeof st->fit_note,
                     "%d is not a multiple of stride %d: the last %d row%s and column%s of the padded input are never covered.",
                     span, st->stride, left, left > 1 ? "s" : "", left > 1 ? "s" : "");
    }
    o->shape[2] = st->oh; o->shape[3] = st->ow;
    o->stride[0] = o->stride[1] = st->oh * st->ow; o->stride[2] = st->ow; o->stride[3] = 1;
    float m = 0;
    for (int i = 0; i < st->oh * st->ow; i++) m = fmaxf(m, fabsf(o->data[i]));
    st->fout_max = m > 0 ? m : 1;
}

/* ---- layout ----------------------------------------------------------------- */

static float grid_cell(int k) { return k == 3 ? 84.0f : 72.0f; }
#define GRID_X STAGE_X
#define GRID_Y 190.0f
#define OUT_X 1370.0f
#define OUT_Y 170.0f
#define OUT_SIDE 480.0f

static float out_cell(const cnn_state *st) {
    int n = st->oh > st->ow ? st->oh : st->ow;
    return n > 0 ? OUT_SIDE / (float)n : 1;
}

void play_update(cnn_state *st, ui_ctx *ui) {
    bool changed = false;
    static const char *const opts[PLAY_KINDS] = {"vertical", "horizontal", "blur", "sharpen", "custom"};
    int kind = st->play_kind;
    if (ui_choice(ui, "filter##play", STAGE_X, STRIP_Y, 600, STRIP_H, opts, PLAY_KINDS, &kind)) {
        if (kind == PLAY_CUSTOM && st->play_kind != PLAY_CUSTOM) {   /* start from what is shown */
            memcpy(st->custom, st->filter->data, sizeof(float) * (size_t)(st->ksize * st->ksize));
            st->custom_k = st->ksize;
        }
        st->play_kind = kind;
        changed = true;
    }
    static const char *const sizes[2] = {"3 \xc3\x97 3", "5 \xc3\x97 5"};
    int ks = st->ksize == 5;
    if (ui_choice(ui, "size##play", STAGE_X + 620, STRIP_Y, 180, STRIP_H, sizes, 2, &ks)) {
        st->ksize = ks ? 5 : 3;
        changed = true;
    }
    changed |= ui_slider_int(ui, "stride", STAGE_X + 830, STRIP_Y - 8, 170, &st->stride, 1, 3);
    changed |= ui_slider_int(ui, "padding", STAGE_X + 1020, STRIP_Y - 8, 170, &st->padding, 0, 2);

    /* the filter's cells: click one to type its value */
    int k = st->ksize;
    float cell = grid_cell(k);
    for (int i = 0; i < k * k; i++)
        if (ui_clicked(ui, GRID_X + (float)(i % k) * cell, GRID_Y + (float)(i / k) * cell, cell, cell)) {
            st->edit_cell = i;
            snprintf(st->edit_buf, sizeof st->edit_buf, "%.3g", st->filter->data[i]);
        }
    if (st->edit_cell >= k * k) st->edit_cell = -1;
    if (st->edit_cell >= 0 &&
        ui_text_field(ui, "value##play", GRID_X + (float)k * cell + 100, GRID_Y + 40, 170, st->edit_buf, sizeof st->edit_buf)) {
        char *end;
        float v = strtof(st->edit_buf, &end);
        if (end != st->edit_buf && *end == 0 && isfinite(v) && fabsf(v) <= 100) {
            memcpy(st->custom, st->filter->data, sizeof(float) * (size_t)(k * k));
            st->custom_k = k;
            st->custom[st->edit_cell] = v;
            st->play_kind = PLAY_CUSTOM;
            changed = true;
        } else {
            snprintf(st->edit_buf, sizeof st->edit_buf, "%.3g", st->filter->data[st->edit_cell]);
        }
    }
    if (changed) play_recompute(st);

    int r, c;
    float oc = out_cell(st);
    st->hover_layer = L_NONE;
    if (st->oh > 0 && ui_hover(ui, OUT_X, OUT_Y, oc * (float)st->ow, oc * (float)st->oh)) {
        c = (int)((ui->in.mouse_x - OUT_X) / oc);
        r = (int)((ui->in.mouse_y - OUT_Y) / oc);
        if (r >= 0 && r < st->oh && c >= 0 && c < st->ow) {
            char buf[900];
            int len = snprintf(buf, sizeof buf, "filter.out[0,0,%d,%d] = %+.4f\n= sum of %d products (no bias):",
                               r, c, st->fout->data[r * st->ow + c], k * k);
            for (int i = 0; i < k; i++) {
                float s = 0;
                for (int j = 0; j < k; j++) {
                    int y = r * st->stride - st->padding + i, x = c * st->stride - st->padding + j;
                    float v = y < 0 || x < 0 || y >= CNN_IN || x >= CNN_IN ? 0 : st->x.input->data[y * CNN_IN + x];
                    s += v * st->filter->data[i * k + j];
                }
                if (len < (int)sizeof buf)
                    len += snprintf(buf + len, sizeof buf - (size_t)len, "\n  filter row %d: %d products sum %+.4f", i, k, s);
            }
            ui_tooltipf(ui, "%s", buf);
            st->hover_layer = L_FOUT; st->hover_r = r; st->hover_c = c;
        }
    }
}

void play_draw(const cnn_state *st, const scene_clock *c, const ui_theme *th) {
    (void)c;
    int k = st->ksize;
    float cell = grid_cell(k);
    float fm = 0;
    for (int i = 0; i < k * k; i++) fm = fmaxf(fm, fabsf(st->filter->data[i]));
    if (fm == 0) fm = 1;
    char buf[160];
    snprintf(buf, sizeof buf, "filter [1,1,%d,%d]: %s%s", k, k, play_kind_name(st->play_kind),
             st->play_kind == PLAY_CUSTOM ? "" : " (hand-made)");
    gfx_text(GRID_X, GRID_Y - 40, UI_LABEL, GFX_BOLD, GFX_LEFT | GFX_BOTTOM, th->text_dim, buf);
    for (int i = 0; i < k * k; i++) {
        float x = GRID_X + (float)(i % k) * cell, y = GRID_Y + (float)(i / k) * cell;
        gfx_color bg = gfx_cmap_color(GFX_CMAP_DIVERGING, 0.5f + 0.5f * st->filter->data[i] / fm);
        gfx_rect(x, y, cell - 3, cell - 3, bg);
        float l = 0.2126f * bg.r + 0.7152f * bg.g + 0.0722f * bg.b;
        gfx_textf(x + cell / 2, y + cell / 2, UI_SMALL, GFX_MONO, GFX_CENTER | GFX_MIDDLE,
                  l > 0.5f ? gfx_hex(0x111111ff) : gfx_hex(0xffffffff), "%+.2f", st->filter->data[i]);
        if (i == st->edit_cell) gfx_rrect_line(x - 3, y - 3, cell + 3, cell + 3, 4, 3, th->accent);
        if (i == st->edit_cell)
            gfx_textf(GRID_X + (float)k * cell + 100, GRID_Y + 20, UI_SMALL, GFX_SANS, GFX_LEFT | GFX_MIDDLE, th->text_dim,
                      "row %d, col %d: type, Enter", i / k, i % k);
    }
    gfx_legend(GRID_X + (float)k * cell + 20, GRID_Y, 22, (float)k * cell, -fm, fm, GFX_CMAP_DIVERGING, NULL, th->text_dim);

    /* the formula with today's numbers */
    int span = CNN_IN + 2 * st->padding - k;
    float fy = 590;
    gfx_text(GRID_X, fy, UI_BODY, GFX_SANS, GFX_LEFT | GFX_MIDDLE, th->text_dim,
             "out = \xe2\x8c\x8a(in + 2\xc2\xb7pad \xe2\x88\x92 k) / stride\xe2\x8c\x8b + 1");
    gfx_textf(GRID_X, fy + 50, UI_BODY, GFX_MONO, GFX_LEFT | GFX_MIDDLE, th->text,
              "= \xe2\x8c\x8a(%d + 2\xc2\xb7%d \xe2\x88\x92 %d) / %d\xe2\x8c\x8b + 1 = %d",
              CNN_IN, st->padding, k, st->stride, st->oh);
    gfx_textf(GRID_X, fy + 96, UI_LABEL, GFX_SANS, GFX_LEFT | GFX_MIDDLE, th->text_dim,
              "stride %d \xc2\xb7 padding %d \xc2\xb7 kernel %d \xc3\x97 %d \xc2\xb7 span %d", st->stride, st->padding, k, k, span);
    if (st->fit_note[0])
        gfx_text_box(GRID_X, fy + 120, 640, UI_LABEL, GFX_SANS, GFX_LEFT, th->accent2, st->fit_note);

    /* the output */
    snprintf(buf, sizeof buf, "filter.out [1,1,%d,%d]", st->oh, st->ow);
    gfx_text(OUT_X, OUT_Y - 14, UI_LABEL, GFX_BOLD, GFX_LEFT | GFX_BOTTOM, th->text_dim, buf);
    float oc = out_cell(st);
    if (st->oh > 0) {
        gfx_heatmap(OUT_X, OUT_Y, oc * (float)st->ow, oc * (float)st->oh, st->fout->data, st->oh, st->ow,
                    -st->fout_max, st->fout_max, GFX_CMAP_DIVERGING);
        gfx_rrect_line(OUT_X - 2, OUT_Y - 2, oc * (float)st->ow + 4, oc * (float)st->oh + 4, 3, 2, th->panel_edge);
        gfx_legend(OUT_X, OUT_Y + oc * (float)st->oh + 50, OUT_SIDE, 22, -st->fout_max, st->fout_max,
                   GFX_CMAP_DIVERGING, "response", th->text_dim);
    }
    /* where one output cell looks: the hovered one, else the first */
    int r = st->hover_layer == L_FOUT ? st->hover_r : 0, col = st->hover_layer == L_FOUT ? st->hover_c : 0;
    if (st->oh > 0) {
        gfx_rrect_line(OUT_X + (float)col * oc - 2, OUT_Y + (float)r * oc - 2, oc + 4, oc + 4, 3, 3, th->accent);
        float y0 = (float)(r * st->stride - st->padding), x0 = (float)(col * st->stride - st->padding);
        gfx_rrect_line(INPUT_X + x0 * INPUT_CELL - 3, INPUT_Y + y0 * INPUT_CELL - 3, (float)k * INPUT_CELL + 6,
                       (float)k * INPUT_CELL + 6, 4, 4, th->accent);
    }
}
