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

/* ---- update: widgets and typed weights --------------------------------------- */

void play_update(cnn_state *st, const cnn_lay *L, ui_ctx *ui) {
    cnn_play_lay P;
    cnn_play_layout(L, st->ksize, &P);
    bool changed = false;
    dg_rect w[4];
    dg_split_cols(P.widgets, 4, DG_GAP, (const float[]){2.6f, 1, 1.1f, 1.1f}, w);
    static const char *const opts[PLAY_KINDS] = {"vertical", "horizontal", "blur", "sharpen", "custom"};
    int kind = st->play_kind;
    if (ui_choice(ui, "filter##play", w[0].x, w[0].y, w[0].w, w[0].h, opts, PLAY_KINDS, &kind)) {
        if (kind == PLAY_CUSTOM && st->play_kind != PLAY_CUSTOM) {   /* start from what is shown */
            memcpy(st->custom, st->filter->data, sizeof(float) * (size_t)(st->ksize * st->ksize));
            st->custom_k = st->ksize;
        }
        st->play_kind = kind;
        changed = true;
    }
    static const char *const sizes[2] = {"3 \xc3\x97 3", "5 \xc3\x97 5"};
    int ks = st->ksize == 5;
    if (ui_choice(ui, "size##play", w[1].x, w[1].y, w[1].w, w[1].h, sizes, 2, &ks)) {
        st->ksize = ks ? 5 : 3;
        changed = true;
    }
    changed |= ui_slider_int(ui, "stride", w[2].x, w[2].y, w[2].w, &st->stride, 1, 3);
    changed |= ui_slider_int(ui, "padding", w[3].x, w[3].y, w[3].w, &st->padding, 0, 2);

    /* the filter's cells: click one to type its value */
    int k = st->ksize;
    float cell = P.filter.w / (float)k;
    for (int i = 0; i < k * k; i++)
        if (ui_clicked(ui, P.filter.x + (float)(i % k) * cell, P.filter.y + (float)(i / k) * cell, cell, cell)) {
            st->edit_cell = i;
            snprintf(st->edit_buf, sizeof st->edit_buf, "%.3g", st->filter->data[i]);
            ui_focus(ui, "value##play");   /* the click opened the field: typing goes there */
        }
    if (st->edit_cell >= k * k) st->edit_cell = -1;
    if (st->edit_cell >= 0 &&
        ui_text_field(ui, "value##play", P.edit.x, P.edit.y, P.edit.w, st->edit_buf, sizeof st->edit_buf)) {
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
}

/* ---- draw -------------------------------------------------------------------- */

void play_draw(const cnn_state *st, const cnn_lay *L) {
    const ui_theme *th = dg_theme();
    int k = st->ksize;
    cnn_play_lay P;
    cnn_play_layout(L, k, &P);
    /* where one output cell looks: the hovered one, else the first */
    dg_ref h;
    int r = 0, col = 0;
    if (dg_hovered(&h) && h.t == st->fout) { r = h.idx[2]; col = h.idx[3]; }
    dg_window win = {r * st->stride - st->padding, col * st->stride - st->padding, k, k, th->accent};
    cnn_draw_input(st, L, st->padding, &win, st->oh > 0);

    dg_rect tt = P.filter_title;
    dg_textf(dg_cut_top(&tt, DG_TEXT_H2 * 1.35f, 0), DG_TEXT_H2, GFX_BOLD, GFX_LEFT | GFX_TOP, th->text, "%s filter",
             play_kind_name(st->play_kind));
    dg_textf(tt, DG_TEXT_LABEL, GFX_SANS, GFX_LEFT | GFX_TOP, th->text_dim, "filter [1,1,%d,%d], %s", k, k,
             st->play_kind == PLAY_CUSTOM ? "typed" : "hand-made");
    float fm = 0;
    for (int i = 0; i < k * k; i++) fm = fmaxf(fm, fabsf(st->filter->data[i]));
    if (fm == 0) fm = 1;
    dg_window sel = {st->edit_cell / k, st->edit_cell % k, 1, 1, th->accent};
    dg_src fs = cnn_src(st, st->filter, 0, 0);
    dg_matrix(P.filter, &fs, &(dg_matrix_style){.mode = DG_HEAT_NUMBERS, .cmap = DG_CMAP_DIV, .lo = -fm, .hi = fm,
                                                 .no_title = true, .no_legend = true, .max_cell = 1000,
                                                 .windows = &sel, .window_count = st->edit_cell >= 0});
    dg_legend(P.filter_legend, -fm, fm, DG_CMAP_DIV, "weight");
    if (st->edit_cell >= 0)
        dg_textf((dg_rect){P.edit.x + P.edit.w + 16, P.edit.y, P.filter_legend.x + P.filter_legend.w - P.edit.x - P.edit.w - 16,
                           P.edit.h},
                 DG_TEXT_SMALL, GFX_SANS, GFX_LEFT | GFX_MIDDLE, th->text_dim, "row %d, column %d", st->edit_cell / k,
                 st->edit_cell % k);

    /* the formula with today's numbers */
    dg_rect f = P.formula;
    int span = CNN_IN + 2 * st->padding - k;
    dg_text(dg_cut_top(&f, DG_TEXT_BODY * 1.4f, 4), DG_TEXT_BODY, GFX_SANS, GFX_LEFT, th->text_dim,
            "out = \xe2\x8c\x8a(in + 2\xc2\xb7pad \xe2\x88\x92 k) / stride\xe2\x8c\x8b + 1");
    dg_textf(dg_cut_top(&f, DG_TEXT_H2 * 1.4f, 4), DG_TEXT_H2, GFX_MONO, GFX_LEFT, th->text,
             "= \xe2\x8c\x8a(%d + 2\xc2\xb7%d \xe2\x88\x92 %d) / %d\xe2\x8c\x8b + 1 = %d", CNN_IN, st->padding, k,
             st->stride, st->oh);
    dg_textf(dg_cut_top(&f, DG_TEXT_SMALL * 1.4f, 4), DG_TEXT_SMALL, GFX_SANS, GFX_LEFT, th->text_dim,
             "stride %d \xc2\xb7 padding %d \xc2\xb7 kernel %d \xc3\x97 %d \xc2\xb7 span %d", st->stride, st->padding, k,
             k, span);
    if (st->fit_note[0]) dg_text(f, DG_TEXT_SMALL, GFX_SANS, GFX_LEFT | GFX_TOP, th->accent2, st->fit_note);

    /* the output */
    if (st->oh > 0) {
        char title[64];
        snprintf(title, sizeof title, "filter.out [1,1,%d,%d]", st->oh, st->ow);
        dg_window here = {r, col, 1, 1, th->accent};
        dg_src os = cnn_src(st, st->fout, 0, 0);
        dg_matrix(P.out, &os, &(dg_matrix_style){.cmap = DG_CMAP_DIV, .lo = -st->fout_max, .hi = st->fout_max,
                                                  .title = title, .unit = "response", .windows = &here,
                                                  .window_count = 1, .max_cell = 1000});
    }
}
