/* bn_draw.c: the batchnorm scene's pictures, drawn with the diagram library
 * only. A pure function of the state and the clock: it reads what update
 * computed (bn_model_show, bn_copy_shown) and never trains. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "kernel/nn.h"
#include "scenes/batchnorm/bn_scene.h"

#define SIDE_W 600.0f
#define NOTE 28.0f

bn_layout bn_layout_for(int beat, bool controls) {
    bn_layout L = { 0 };
    dg_rect st = dg_stage();
    L.side = dg_cut_right(&st, SIDE_W, DG_GAP * 1.5f);
    L.main = st;
    if (controls && (beat == BB_DRIFT || beat == BB_TAMED || beat == BB_TRAIN || beat == BB_EVAL))
    {   /* over the side column's bottom; the column keeps its room */
        dg_rect s = L.side;
        L.controls = dg_cut_bottom(&s, 3 * ui_row_height() + 2 * 14, DG_GAP);
    }
    return L;
}

static dg_rect side_text(dg_rect r, const char *title, const char *body) {
    const ui_theme *th = dg_theme();
    dg_cut_top(&r, dg_heading(r, title, NULL), 14);
    if (body) {
        float used = dg_text((dg_rect){ r.x, r.y, r.w, 7 * NOTE * 1.3f }, NOTE, GFX_SANS,
                             GFX_LEFT | GFX_TOP, th->text_dim, body);
        dg_cut_top(&r, used, DG_GAP);
    }
    return r;
}

/* ---- hover explanations ------------------------------------------------------------ */

static void explain_hist(const void *user, const int *idx, char *buf, size_t n) {
    const bn_model *m = user;
    const float span = (BN_LOG_HI - BN_LOG_LO) / (BN_BINS - 1);
    if (idx[1] == 0)
        snprintf(buf, n, "layer %d: share of its %d x %d activations that are exactly 0 (dead ReLU)",
                 idx[0] + 1, m->cfg.points, m->cfg.width);
    else
        snprintf(buf, n, "layer %d: share with |a| in [10^%.1f, 10^%.1f)%s", idx[0] + 1,
                 BN_LOG_LO + (idx[1] - 1) * span, BN_LOG_LO + idx[1] * span,
                 idx[1] == 1 ? " or below" : idx[1] == BN_BINS - 1 ? " or above" : "");
}

static void explain_col(const void *user, const int *idx, char *buf, size_t n) {
    const bn_state *st = user;
    snprintf(buf, n, "example %d of the batch, feature %d", bn_shown_row(&st->m, idx[0]), st->feature);
}

static void explain_rows(const void *user, const int *idx, char *buf, size_t n) {
    const bn_state *st = user;
    snprintf(buf, n, "example %d, feature %d", bn_shown_row(&st->m, idx[0]), idx[1]);
}

/* ---- pieces ------------------------------------------------------------------------------ */

static const char *const bin_labels[BN_BINS] = { "0", "1e-4", "", "1e-3", "", "0.01", "", "0.1", "", "1",
                                                 "", "10", "", "100" };

static void histograms(dg_rect r, const bn_model *m, const ts_tensor *h, const char *title, bool dim) {
    static char rows[BN_MAX_DEPTH][16];
    static const char *labels[BN_MAX_DEPTH];
    int L = m->cfg.depth - 1;
    for (int k = 0; k < L; k++) {
        snprintf(rows[k], sizeof rows[k], "layer %d", k + 1);
        labels[k] = rows[k];
    }
    dg_matrix(r, &(dg_src){ .t = h, .explain = explain_hist, .user = m },
              &(dg_matrix_style){ .title = title, .cmap = DG_CMAP_SEQ, .lo = 0, .hi = 1,
                                  .unit = "share of values", .row_labels = labels, .col_labels = bin_labels,
                                  .aspect = 1.5f, .no_legend = dim });
}

static int smooth(const float *hist, long n, float *x, float *y) {
    int k = 0;
    for (long e = 25; e <= n; e += 25) {
        double s = 0;
        for (long i = e - 24; i <= e; i++) s += hist[i];
        x[k] = (float)e;
        y[k++] = isfinite(s) ? (float)(s / 25) : 10.0f;
    }
    return k;
}

static void plane(const bn_model *m, dg_rect r, bool bn) {
    char title[96], l[24];
    const ts_tensor *loss = bn ? m->bn_loss : m->plain_loss;
    if (isfinite(loss->data[0])) dg_fmt(l, sizeof l, loss->data[0], 3, 8, false);
    else snprintf(l, sizeof l, "diverged");
    snprintf(title, sizeof title, "%s: loss %s", bn ? "with batch norm" : "plain", l);
    dg_plane *p = dg_plane_begin(r, &(dg_plane_style){ .title = title, .x_lo = -BN_EXTENT, .x_hi = BN_EXTENT,
                                                       .y_lo = -BN_EXTENT, .y_hi = BN_EXTENT,
                                                       .no_axes = true, .no_legend = true });
    dg_plane_regions(p, bn ? m->bn_region : m->plain_region, BN_FIELD, BN_FIELD, "class");
    dg_plane_points(p, &(dg_src){ .t = m->x }, m->cfg.points, m->yi, dg_theme()->text, 5);
    dg_plane_end(p);
}

/* The smallest and largest rms over the layers, and (plain) the layer with
 * the most exact zeros. */
static void rms_lines(dg_rect *s, const bn_model *m, const ts_tensor *rms, const ts_tensor *hist, bool zeros) {
    int L = m->cfg.depth - 1, lo = 0, hi = 0;
    for (int k = 1; k < L; k++) {
        if (rms->data[k] < rms->data[lo]) lo = k;
        if (rms->data[k] > rms->data[hi]) hi = k;
    }
    char a[24], b[24], la[48], lb[48];
    dg_fmt(a, sizeof a, rms->data[lo], 3, 8, false);
    dg_fmt(b, sizeof b, rms->data[hi], 3, 8, false);
    snprintf(la, sizeof la, "smallest rms, layer %d: ", lo + 1);
    snprintf(lb, sizeof lb, "largest rms, layer %d: ", hi + 1);
    dg_term eq[] = { { la }, { a, { rms, { lo } }, dg_theme()->text, true } };
    dg_term eq2[] = { { lb }, { b, { rms, { hi } }, dg_theme()->text, true } };
    dg_equation(dg_cut_top(s, 48, 8), eq, 2, DG_TEXT_REF);
    dg_equation(dg_cut_top(s, 48, zeros ? 8 : DG_GAP), eq2, 2, DG_TEXT_REF);
    if (!zeros) return;
    float dead = 0;
    int worst = 0;
    for (int k = 0; k < L; k++)
        if (hist->data[k * BN_BINS] > dead) dead = hist->data[k * BN_BINS], worst = k;
    char pct[24], lab[64];
    snprintf(pct, sizeof pct, "%.0f%%", 100 * dead);
    snprintf(lab, sizeof lab, "exact zeros, layer %d: ", worst + 1);
    dg_term eq3[] = { { lab }, { pct, { hist, { worst, 0 } }, dg_theme()->text, true } };
    dg_equation(dg_cut_top(s, 48, DG_GAP), eq3, 2, DG_TEXT_REF);
}

/* ---- beats ------------------------------------------------------------------------------------ */

static void beat_drift(const bn_state *st, bn_layout L, bool bn) {
    const bn_model *m = &st->m;
    char title[96];
    snprintf(title, sizeof title, "%s: |activation| per layer, step %ld", bn ? "with batch norm" : "plain", m->shown);
    if (bn) {
        dg_rect two[2];
        dg_split_rows(L.main, 2, DG_GAP, NULL, two);
        char t0[64];
        snprintf(t0, sizeof t0, "plain, step %ld", m->shown);
        histograms(two[0], m, m->plain_hist, t0, true);
        snprintf(title, sizeof title, "with batch norm, step %ld", m->shown);
        histograms(two[1], m, m->bn_hist, title, false);
    } else {
        histograms(L.main, m, m->plain_hist, title, false);
    }
    dg_rect s = side_text(L.side, bn ? "One scale" : "Scale drifts",
                          bn ? "Each row: where one layer's activations fall, on a log scale of |a|. With "
                               "batch norm every layer peaks in the same place; about half the values are "
                               "zero by design (ReLU of a centred input)."
                             : "Each row: where one layer's activations fall, on a log scale of |a|; the "
                               "first column counts exact zeros, units a ReLU has switched off.");
    rms_lines(&s, m, bn ? m->bn_scale : m->plain_scale, bn ? m->bn_hist : m->plain_hist, !bn);
    if (bn && m->cfg.bn_off)
        dg_text(s, NOTE, GFX_SANS, GFX_LEFT | GFX_TOP, dg_theme()->text_dim,
                "Some layers have batch norm turned off.");
}

static void beat_byhand(const bn_state *st, const scene_clock *c, bn_layout L) {
    const bn_model *m = &st->m;
    const ui_theme *th = dg_theme();
    if (m->bn_layer < 0) {
        side_text(L.side, "No batch norm", "Every batch norm of this network is turned off.");
        return;
    }
    int f = st->feature, N = m->cfg.points;
    dg_rect cols[3];
    dg_rect head = dg_cut_top(&L.main, DG_TEXT_REF * 1.5f, 8);
    char h[160];
    snprintf(h, sizeof h, "feature %d at bn.%d: 8 of the %d examples", f, m->bn->act_index[m->bn_layer] - 1, N);
    int old = dg_role(GFX_ROLE_LABEL);
    dg_text(head, DG_TEXT_REF, GFX_BOLD, GFX_LEFT | GFX_TOP, th->text, h);
    dg_role(old);
    dg_rect eqs = dg_cut_bottom(&L.main, 4 * 58, 10);
    dg_split_cols(L.main, 3, DG_GAP * 2, NULL, cols);
    const ts_tensor *t[3] = { st->col_x, st->col_xhat, st->col_y };
    const char *titles[3] = { "x", "\\hat{x}", "y = \xce\xb3 \\hat{x} + \xce\xb2" };
    float show = scene_between(c, 0.0f, 0.6f), lim = 1e-6f;
    for (int i = 0; i < 3; i++)
        for (int r = 0; r < BN_SHOW_ROWS; r++) lim = fmaxf(lim, fabsf(t[i]->data[r]));
    for (int i = 0; i < 3; i++) {
        if (show < (i + 0.5f) / 3.0f) break;
        dg_strip(cols[i], &(dg_src){ .t = t[i], .explain = explain_col, .user = st },
                 &(dg_strip_style){ .vertical = true, .values = true, .cmap = DG_CMAP_DIV, .title = titles[i],
                                    .lo = -2.2f * lim, .hi = 2.2f * lim,
                                    .no_legend = true, .aspect = 2.4f, .max_cell = 60 });
    }
    char mu[24], var[24], x0[24], xh[24], g[24], b[24], y[24], sd[24];
    dg_fmt(mu, sizeof mu, m->bn_mean->data[f], 3, 8, false);
    dg_fmt(var, sizeof var, m->bn_var->data[f], 3, 8, false);
    dg_fmt(sd, sizeof sd, sqrtf(m->bn_var->data[f] + TS_NORM_EPS), 3, 8, false);
    dg_fmt(x0, sizeof x0, st->col_x->data[0], 3, 8, false);
    dg_fmt(xh, sizeof xh, st->col_xhat->data[0], 3, 8, false);
    dg_fmt(g, sizeof g, m->bn_w->data[f], 3, 8, false);
    dg_fmt(b, sizeof b, m->bn_b->data[f], 3, 8, true);
    dg_fmt(y, sizeof y, st->col_y->data[0], 3, 8, false);
    char nn[64];
    snprintf(nn, sizeof nn, "mean over all %d:   \xce\xbc = ", N);
    dg_term e1[] = { { nn }, { mu, { m->bn_mean, { f } }, dg_theme()->text, true },
                     { "    \xcf\x83^2 (biased) = " }, { var, { m->bn_var, { f } }, dg_theme()->text, true } };
    dg_term e2[] = { { "\\hat{x} = (x \xe2\x88\x92 \xce\xbc) / \\sqrt{\xcf\x83^2 + \xce\xb5} = (" },
                     { x0, { st->col_x, { 0 } }, dg_theme()->text, true }, { " \xe2\x88\x92 " }, { mu },
                     { ") / " }, { sd }, { " = " }, { xh, { st->col_xhat, { 0 } }, dg_theme()->text, true } };
    dg_term e3[] = { { "y = \xce\xb3 \\hat{x} + \xce\xb2 = " }, { g, { m->bn_w, { f } }, dg_theme()->text, true },
                     { " \xc2\xb7 " }, { xh }, { " " }, { b, { m->bn_b, { f } }, dg_theme()->text, true },
                     { " = " }, { y, { st->col_y, { 0 } }, dg_theme()->text, true } };
    float e = scene_between(c, 0.3f, 0.9f);
    if (e > 0) dg_equation(dg_cut_top(&eqs, 58, 10), e1, 4, DG_TEXT_REF);
    if (e > 0.33f) dg_equation(dg_cut_top(&eqs, 58, 10), e2, 8, DG_TEXT_REF);
    if (e > 0.66f) dg_equation(dg_cut_top(&eqs, 58, 10), e3, 8, DG_TEXT_REF);
    side_text(L.side, "By hand",
              "The batch's mean and variance of one feature, the same for every example in it. "
              "\xce\xb3 and \xce\xb2 are learned like weights: the network can undo the "
              "normalisation where it helps.");
}

static void beat_train(const bn_state *st, bn_layout L) {
    const bn_model *m = &st->m;
    dg_rect two[2];
    dg_split_cols(L.main, 2, DG_GAP, NULL, two);
    plane(m, two[0], false);
    plane(m, two[1], true);
    long n = ts_trainer_step_count(m->tr);
    char head[64], sub[64];
    snprintf(head, sizeof head, "Step %ld", n);
    snprintf(sub, sizeof sub, "lr %g, momentum %g", m->cfg.lr, m->cfg.momentum);
    dg_rect s = L.side;
    dg_cut_top(&s, dg_heading(s, head, sub), 14);
    float xmax = (float)(st->live ? (n > 100 ? n : 100) : st->story_steps);
    dg_plot *p = dg_plot_begin(s, &(dg_plot_style){ .title = "batch loss, mean of 25 steps", .xlabel = "step",
                                                    .ylabel = "cross-entropy", .ylog = true, .x_lo = 0,
                                                    .x_hi = xmax, .y_lo = 0.01f, .y_hi = 10.0f });
    static float xs[BN_MAX_STEPS], sp[BN_MAX_STEPS], sb[BN_MAX_STEPS];
    int k = smooth(m->hist_plain, n, xs, sp);
    smooth(m->hist_bn, n, xs, sb);
    if (k > 0) {
        dg_plot_line(p, &(dg_series){ .label = "plain", .x = xs, .y = sp, .n = k, .color = dg_category(1), .width = 4 });
        dg_plot_line(p, &(dg_series){ .label = "batch norm", .x = xs, .y = sb, .n = k, .color = dg_category(2), .width = 4 });
    }
    dg_plot_end(p);
}

static void beat_sweep(const bn_state *st, bn_layout L) {
    char sub[96];
    snprintf(sub, sizeof sub, "%d seeds, %d SGD steps each, median and range", st->sw_seeds, st->sw_steps);
    dg_plot *p = dg_plot_begin(L.main, &(dg_plot_style){ .title = "final loss against learning rate",
                                                         .xlabel = "learning rate", .ylabel = "cross-entropy (eval)",
                                                         .xlog = true, .ylog = true, .y_lo = 0.01f, .y_hi = 1.0f,
                                                         .x_lo = st->sw_lr[0] * 0.8f,
                                                         .x_hi = st->sw_lr[st->sw_n - 1] * 1.25f });
    dg_plot_band(p, st->sw_lr, st->sw_plain_lo, st->sw_plain_hi, st->sw_n, gfx_fade(dg_category(1), 0.25f));
    dg_plot_band(p, st->sw_lr, st->sw_bn_lo, st->sw_bn_hi, st->sw_n, gfx_fade(dg_category(2), 0.25f));
    dg_plot_line(p, &(dg_series){ .label = "plain", .x = st->sw_lr, .y = st->sw_plain, .n = st->sw_n,
                                  .color = dg_category(1), .width = 5, .points = true, .t = st->sweep_plain });
    dg_plot_line(p, &(dg_series){ .label = "batch norm", .x = st->sw_lr, .y = st->sw_bn, .n = st->sw_n,
                                  .color = dg_category(2), .width = 5, .points = true, .t = st->sweep_bn });
    dg_plot_vline(p, st->m.cfg.lr, "this run");
    dg_plot_end(p);
    dg_rect s = side_text(L.side, "Tolerates bigger steps", sub);
    char line[256];
    int n = 0;
    for (int i = 0; i < st->sw_n; i++)
        if (st->sw_plain_div[i] || st->sw_bn_div[i])
            n += snprintf(line + n, sizeof line - (size_t)n, "lr %g: plain %d, batch norm %d of %d diverged\n",
                          st->sw_lr[i], st->sw_plain_div[i], st->sw_bn_div[i], st->sw_seeds);
    if (n == 0) snprintf(line, sizeof line, "no run diverged");
    float h = dg_text((dg_rect){ s.x, s.y, s.w, 5 * NOTE * 1.3f }, NOTE, GFX_SANS, GFX_LEFT | GFX_TOP,
                      dg_theme()->text_dim, line);
    dg_cut_top(&s, h, DG_GAP);
    dg_text(s, NOTE, GFX_SANS, GFX_LEFT | GFX_TOP, dg_theme()->text_dim,
            "A diverged run counts as loss 1 on this plot. Chance is ln 2 \xe2\x89\x88 0.69.");
}

static void beat_eval(const bn_state *st, bn_layout L) {
    const bn_model *m = &st->m;
    const ui_theme *th = dg_theme();
    if (m->bn_layer < 0) {
        side_text(L.side, "No batch norm", "Every batch norm of this network is turned off.");
        return;
    }
    dg_rect main = L.main, rows[4];
    dg_rect bars = dg_cut_bottom(&main, main.h * 0.34f, DG_GAP);
    dg_split_rows(main, 4, 8, NULL, rows);
    const ts_tensor *t[4] = { m->bn_mean, m->rm_after, m->bn_var, m->rv_after };
    const char *titles[4] = { "batch mean \xce\xbc", "running mean after this batch",
                              "batch variance \xcf\x83^2 (biased)", "running variance (moves toward the unbiased \xcf\x83^2)" };
    float lim[2] = { 1e-6f, 1e-6f };
    for (int i = 0; i < 4; i++)
        for (int c = 0; c < m->cfg.width; c++) lim[i / 2] = fmaxf(lim[i / 2], fabsf(t[i]->data[c]));
    for (int i = 0; i < 4; i++)
        dg_strip(rows[i], &(dg_src){ .t = t[i] },
                 &(dg_strip_style){ .values = true, .cmap = DG_CMAP_DIV, .lo = -2.2f * lim[i / 2],
                                    .hi = 2.2f * lim[i / 2], .title = titles[i],
                                    .no_legend = true, .aspect = 1.6f, .max_cell = 46, .count = m->cfg.width > 12 ? 12 : 0 });
    dg_rect three[3];
    dg_split_cols(bars, 3, DG_GAP, NULL, three);
    static const char *const cls[2] = { "0", "1" };
    const ts_tensor *pr[3] = { m->eval_p, m->train_p, m->one_p };
    const char *pt[3] = { "P(class), eval mode", "train, in a batch", "train, batch of one" };
    for (int i = 0; i < 3; i++)
        dg_bars(three[i], &(dg_src){ .t = pr[i] }, &(dg_bars_style){ .title = pt[i], .labels = cls,
                                                                     .mark = 1 + m->yi[m->example] });
    dg_rect s = side_text(L.side, "Train versus eval",
                          "running \xe2\x86\x90 0.9 running + 0.1 batch, with the unbiased variance. One "
                          "example (bottom) predicted three ways. In a batch of one, x \xe2\x88\x92 \xce\xbc "
                          "is 0 at every batch norm, so every input gets the same answer.");
    (void)s;
    (void)th;
}

static void beat_layer(const bn_state *st, const scene_clock *c, bn_layout L) {
    const bn_model *m = &st->m;
    if (m->bn_layer < 0) {
        side_text(L.side, "No batch norm", "Every batch norm of this network is turned off.");
        return;
    }
    dg_rect rows[3];
    dg_split_rows(L.main, 3, DG_GAP * 0.75f, NULL, rows);
    float mx = 0;
    for (size_t i = 0; i < ts_numel(st->rows_x); i++) mx = fmaxf(mx, fabsf(st->rows_x->data[i]));
    float my = 0;
    for (size_t i = 0; i < ts_numel(st->rows_bn); i++)
        my = fmaxf(my, fmaxf(fabsf(st->rows_bn->data[i]), fabsf(st->rows_ln->data[i])));
    const ts_tensor *t[3] = { st->rows_x, st->rows_bn, st->rows_ln };
    const char *titles[3] = { "bn.x: 8 examples (rows) \xc3\x97 features (columns)",
                              "batch norm: each column over the batch", "layer norm: each row over its features" };
    float show = scene_between(c, 0.0f, 0.7f);
    for (int i = 0; i < 3; i++) {
        if (show < i / 3.0f + 0.01f) break;
        float lim = i == 0 ? mx : my;
        dg_matrix(rows[i], &(dg_src){ .t = t[i], .explain = explain_rows, .user = st },
                  &(dg_matrix_style){ .title = titles[i], .cmap = DG_CMAP_DIV, .lo = -lim, .hi = lim,
                                      .aspect = 1.8f, .no_legend = i == 2 });
    }
    side_text(L.side, "Same arithmetic, other axis",
              "Batch norm: mean and variance of each feature over the examples of a batch. Layer norm: "
              "over the features of each example, so it needs no batch and no running averages, and "
              "works the same in training and at test time.");
}

void bn_draw(const void *p, const scene_clock *c, const ui_theme *th) {
    const bn_state *st = p;
    if (!st->ready) return;
    (void)th;
    int beat = st->live ? BB_TRAIN : c->beat;
    bn_layout L = bn_layout_for(beat, false);
    switch (beat) {
    case BB_DRIFT: beat_drift(st, L, false); break;
    case BB_BYHAND: beat_byhand(st, c, L); break;
    case BB_TAMED: beat_drift(st, L, true); break;
    case BB_TRAIN: beat_train(st, L); break;
    case BB_SWEEP: beat_sweep(st, L); break;
    case BB_EVAL: beat_eval(st, L); break;
    case BB_LAYER: beat_layer(st, c, L); break;
    default: break;
    }
    if (st->note[0] && st->controls) ui_toast(dg_theme(), st->note, 1.0f);
}
