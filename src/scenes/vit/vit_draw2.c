/* vit_draw2.c: the vit scene's beats 5-8 (the class token's attention per
 * head with the mean attention distance, attention rollout and the
 * prediction, data hunger, Swin's windows), on the diagram library. Pure, as
 * vit_draw.c.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "scenes/vit/vit_scene.h"

#define T_REF 32.0f
#define T_NUM 26.0f

static float appear(const scene_clock *c, int beat, float a, float b) {
    return c->beat == beat ? scene_between(c, a, b) : 1;
}

static void heading(dg_rect *r, const char *text, const ui_theme *th) {
    dg_rect t = dg_cut_top(r, T_REF * 1.3f, 6);
    int old = dg_role(GFX_ROLE_TITLE);
    dg_text(t, T_REF, GFX_BOLD, GFX_LEFT | GFX_MIDDLE, th->text, text);
    dg_role(old);
}

/* ---- beat 5: attention per head, mean attention distance ---------------------------- */

void vit_draw_heads(const vit_state *st, const scene_clock *c, dg_rect r, const ui_theme *th) {
    dg_rect cols[2];
    dg_split_cols(r, 2, DG_GAP * 2, (const float[]){1.15f, 0.85f}, cols);
    dg_rect left = cols[0];
    char t[96];
    snprintf(t, sizeof t, "Layer %d: class token \xe2\x86\x92 patches, per head", st->layer + 1);
    heading(&left, t, th);
    dg_rect legend = dg_cut_bottom(&left, 96, 12);
    dg_rect g[VIT_HEADS];
    dg_grid(left, 2, 2, DG_GAP, g);
    int hp = vit_hover_patch(st);
    float amax = 0;
    for (int h = 0; h < VIT_HEADS; h++)
        for (int p = 0; p < VIT_N; p++)
            amax = fmaxf(amax, st->cls_attn->data[(st->layer * VIT_HEADS + h) * VIT_N + p]);
    for (int h = 0; h < VIT_HEADS; h++) {
        if (appear(c, B_HEADS, 0.1f * (float)h, 0.1f * (float)h + 0.15f) <= 0) continue;
        char title[48];
        snprintf(title, sizeof title, "head %d", h + 1);
        dg_rect cell = dg_fit_aspect(g[h], 0.92f, GFX_CENTER | GFX_MIDDLE);
        dg_cells g = vit_draw_overlay(cell, st->x.image, st->cls_attn, st->layer, h, 0, amax, title, st, th);
        if (h == st->head) gfx_rrect_line(cell.x - 6, cell.y - 6, cell.w + 12, cell.h + 12, 6, 4, th->accent);
        if (hp >= 0) {   /* the hovered patch, on every head */
            dg_rect q = dg_cell_rect(&g, hp / VIT_GRID, hp % VIT_GRID);
            gfx_rrect_line(q.x, q.y, q.w, q.h, 3, 4, th->accent2);
        }
    }
    dg_legend((dg_rect){legend.x + legend.w * 0.15f, legend.y, legend.w * 0.7f, legend.h}, 0, amax, DG_CMAP_SEQ,
              "attention from the class token");

    dg_rect right = cols[1];
    if (appear(c, B_HEADS, 0.5f, 0.7f) <= 0) return;
    static const float layer_x[VIT_LAYERS] = {1, 2, 3};
    float dist[VIT_HEADS][VIT_LAYERS];
    for (int h = 0; h < VIT_HEADS; h++)
        for (int l = 0; l < VIT_LAYERS; l++) dist[h][l] = st->distance->data[l * VIT_HEADS + h];
    dg_plot *p = dg_plot_begin(right, &(dg_plot_style){.title = "Mean attention distance", .xlabel = "layer",
                                                       .ylabel = "pixels", .x_lo = 0.7f, .x_hi = 3.3f, .y_lo = 0,
                                                       .y_hi = 12});
    static const char *const names[VIT_HEADS] = {"head 1", "head 2", "head 3", "head 4"};
    for (int h = 0; h < VIT_HEADS; h++)
        dg_plot_line(p, &(dg_series){.label = names[h], .x = layer_x, .y = dist[h], .n = VIT_LAYERS, .points = true,
                                     .width = h == st->head ? 5 : 3});
    dg_plot_line(p, &(dg_series){.label = "CNN reach", .x = layer_x, .y = st->cnn_reach,
                                 .n = 3, .points = true, .color = th->text_dim, .width = 5});
    dg_plot_end(p);
}

/* ---- beat 6: rollout and prediction ----------------------------------------------------- */

void vit_draw_rollout(const vit_state *st, const scene_clock *c, dg_rect r, const ui_theme *th) {
    dg_rect cols[3];
    dg_split_cols(r, 3, DG_GAP * 2, (const float[]){1.0f, 1.0f, 0.8f}, cols);
    dg_rect a = cols[0];
    dg_rect legend = dg_cut_bottom(&a, 96, 12);
    dg_rect sq = dg_fit_aspect(a, 0.92f, GFX_CENTER | GFX_TOP);
    float rmax = 0;
    for (int p = 0; p < VIT_N; p++) rmax = fmaxf(rmax, st->roll_cls->data[p]);
    vit_draw_overlay(sq, st->x.image, st->roll_cls, 0, 0, 0, rmax, "Rollout over the digit", st, th);
    dg_legend(legend, 0, rmax, DG_CMAP_SEQ, "rollout weight");
    if (appear(c, B_ROLLOUT, 0.2f, 0.5f) > 0) {
        static const char *const tok[VIT_T] = {"cls", "1", "2", "3", "4", "5", "6", "7", "8",
                                               "9", "10", "11", "12", "13", "14", "15", "16"};
        dg_matrix(cols[1], &(dg_src){.t = st->rollout, .explain = vit_explain_rollout, .user = st},
                  &(dg_matrix_style){.mode = DG_HEAT, .cmap = DG_CMAP_SEQ, .title = "Rollout matrix",
                                     .unit = "weight", .row_labels = tok, .col_labels = NULL});
    }
    if (appear(c, B_ROLLOUT, 0.5f, 0.8f) > 0) {
        static const char *const digits[10] = {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"};
        dg_bars(cols[2], &(dg_src){.t = st->x.probs, .lead = {0}},
                &(dg_bars_style){.title = "Prediction", .labels = digits, .mark = 0});
    }
}

/* ---- beat 7: data hunger -------------------------------------------------------------------- */

void vit_draw_hunger(const vit_state *st, const scene_clock *c, dg_rect r, const ui_theme *th) {
    int K = st->hunger->shape[0];
    float n[VIT_HUNGER_MAX], vit[VIT_HUNGER_MAX], cnn[VIT_HUNGER_MAX];
    for (int k = 0; k < K; k++) {
        n[k] = st->hunger->data[3 * k];
        vit[k] = 100 * st->hunger->data[3 * k + 1];
        cnn[k] = 100 * st->hunger->data[3 * k + 2];
    }
    dg_rect cols[2];
    dg_split_cols(r, 2, DG_GAP * 2, (const float[]){1.3f, 0.7f}, cols);
    float lo = 100;
    for (int k = 0; k < K; k++) lo = fminf(lo, fminf(vit[k], cnn[k]));
    dg_plot *p = dg_plot_begin(cols[0], &(dg_plot_style){.title = "Held-out accuracy against training digits",
                                                         .xlabel = "training digits", .ylabel = "accuracy (%)",
                                                         .xlog = true, .y_lo = floorf(lo / 10) * 10 - 10, .y_hi = 100,
                                                         .no_legend = true});
    float show = appear(c, B_HUNGER, 0.1f, 0.7f);
    int shown = (int)ceilf(show * (float)K);
    dg_plot_line(p, &(dg_series){.label = "CNN (cnn scene)", .x = n, .y = cnn, .n = shown, .points = true,
                                 .color = dg_category(1)});
    dg_plot_line(p, &(dg_series){.label = "ViT (this scene)", .x = n, .y = vit, .n = shown, .points = true,
                                 .color = dg_category(0)});
    /* the series named at their first points (a legend would cover the lines' ends) */
    if (shown > 0) {
        dg_pt pc = dg_plot_to_canvas(p, n[0], cnn[0]), pv = dg_plot_to_canvas(p, n[0], vit[0]);
        bool cnn_above = cnn[0] >= vit[0];
        /* a swatch of the line's colour, then the name in text colour */
        float yc = cnn_above ? pc.y - 52 : pc.y + 8, yv = cnn_above ? pv.y + 8 : pv.y - 52;
        gfx_rect(pc.x + 16, yc + 20, 28, 6, dg_category(1));
        gfx_rect(pv.x + 16, yv + 20, 28, 6, dg_category(0));
        dg_text((dg_rect){pc.x + 52, yc, 240, 44}, T_REF, GFX_BOLD, GFX_LEFT | GFX_MIDDLE, th->text, "CNN");
        dg_text((dg_rect){pv.x + 52, yv, 240, 44}, T_REF, GFX_BOLD, GFX_LEFT | GFX_MIDDLE, th->text, "ViT");
    }
    dg_plot_end(p);
    dg_rect t = cols[1];
    heading(&t, "Measured by the trainer", th);
    dg_rect row = dg_cut_top(&t, T_REF * 1.4f, 4);
    dg_rect cc[3];
    dg_split_cols(row, 3, 12, NULL, cc);
    dg_text(cc[0], T_NUM, GFX_BOLD, GFX_RIGHT | GFX_MIDDLE, th->text_dim, "digits");
    dg_text(cc[1], T_NUM, GFX_BOLD, GFX_RIGHT | GFX_MIDDLE, th->text_dim, "ViT");
    dg_text(cc[2], T_NUM, GFX_BOLD, GFX_RIGHT | GFX_MIDDLE, th->text_dim, "CNN");
    for (int k = 0; k < K; k++) {
        row = dg_cut_top(&t, T_REF * 1.4f, 4);
        dg_split_cols(row, 3, 12, NULL, cc);
        dg_textf(cc[0], T_REF, GFX_MONO, GFX_RIGHT | GFX_MIDDLE, th->text, "%.0f", n[k]);
        dg_textf(cc[1], T_REF, GFX_MONO, GFX_RIGHT | GFX_MIDDLE, th->text, "%.1f%%", vit[k]);
        dg_textf(cc[2], T_REF, GFX_MONO, GFX_RIGHT | GFX_MIDDLE, th->text, "%.1f%%", cnn[k]);
    }
    dg_cut_top(&t, 20, 0);
    dg_text(t, T_NUM, GFX_SANS, GFX_LEFT | GFX_TOP, th->text_dim,
            "4000 held-out digits; the same 16 \xc3\x97 16 digits for both; every run sees the same number of "
            "examples");
}

/* ---- beat 8: Swin ------------------------------------------------------------------------- */

/* The patch grid over the digit, each patch tinted by its window; thick lines
 * between windows, dashed accent lines between regions the mask separates. */
static void windows_grid(dg_rect r, const vit_state *st, const vit_swin *s, const char *title, const ui_theme *th) {
    dg_cells g = dg_matrix(r, &(dg_src){.t = st->x.image, .lead = {0, 0}},
                           &(dg_matrix_style){.mode = DG_HEAT, .cmap = DG_CMAP_GRAY, .lo = 0, .hi = 1, .title = title,
                                              .no_legend = true, .no_grid = true});
    float ps = g.cw * VIT_P;
    for (int p = 0; p < VIT_N; p++) {
        float x = g.x + (float)(p % VIT_GRID) * ps, y = g.y + (float)(p / VIT_GRID) * ps;
        gfx_rect(x, y, ps, ps, gfx_fade(dg_category(s->win_of[p]), 0.38f));
        char lab[8];
        snprintf(lab, sizeof lab, "%d", s->win_of[p] + 1);
        /* on a chip of the background: legible over any tint and any digit */
        gfx_rrect(x + 3, y + 3, 36, 42, 6, th->bg);
        dg_text((dg_rect){x + 3, y + 3, 36, 42}, T_NUM, GFX_BOLD, GFX_CENTER | GFX_MIDDLE, th->text, lab);
    }
    for (int p = 0; p < VIT_N; p++) {
        int rr = p / VIT_GRID, cc = p % VIT_GRID;
        float x = g.x + (float)cc * ps, y = g.y + (float)rr * ps;
        if (cc + 1 < VIT_GRID) {
            int q = p + 1;
            bool win = s->win_of[q] != s->win_of[p], reg = s->region->data[q] != s->region->data[p];
            if (win) gfx_line(x + ps, y, x + ps, y + ps, 6, th->text);
            else if (reg) gfx_line(x + ps, y, x + ps, y + ps, 4, th->accent);
        }
        if (rr + 1 < VIT_GRID) {
            int q = p + VIT_GRID;
            bool win = s->win_of[q] != s->win_of[p], reg = s->region->data[q] != s->region->data[p];
            if (win) gfx_line(x, y + ps, x + ps, y + ps, 6, th->text);
            else if (reg) gfx_line(x, y + ps, x + ps, y + ps, 4, th->accent);
        }
    }
}

void vit_draw_swin(const vit_state *st, const scene_clock *c, dg_rect r, const ui_theme *th) {
    dg_rect cols[3];
    dg_split_cols(r, 3, DG_GAP * 1.5f, (const float[]){0.75f, 1.3f, 0.95f}, cols);
    const vit_swin *s = &st->swin[st->shifted ? 1 : 0];
    dg_rect a[2];
    dg_split_rows(cols[0], 2, DG_GAP, NULL, a);
    windows_grid(a[0], st, &st->swin[0], "Windows", th);
    if (appear(c, B_SWIN, 0.2f, 0.4f) > 0) windows_grid(a[1], st, &st->swin[1], "Shifted", th);

    dg_rect mid = cols[1];
    char t[96];
    snprintf(t, sizeof t, "%s windows 1\xe2\x80\x93" "4: the mask", st->shifted ? "Shifted" : "Plain");
    heading(&mid, t, th);
    dg_rect m[2];
    dg_split_rows(mid, 2, DG_GAP * 0.5f, NULL, m);
    dg_rect ml = dg_cut_bottom(&m[0], 96, 8);
    dg_rect mw[SW_NW], aw[SW_NW];
    dg_split_cols(m[0], SW_NW, 18, NULL, mw);
    for (int w = 0; w < SW_NW; w++) {
        char title[32];
        snprintf(title, sizeof title, "%d", w + 1);
        dg_matrix(mw[w], &(dg_src){.t = s->mask, .lead = {w}},
                  &(dg_matrix_style){.mode = DG_HEAT, .cmap = DG_CMAP_SEQ, .lo = -100, .hi = 0, .title = title,
                                     .no_legend = true, .unit = "mask"});
    }
    dg_legend((dg_rect){ml.x + ml.w * 0.1f, ml.y, ml.w * 0.8f, ml.h}, -100, 0, DG_CMAP_SEQ,
              "added to the scores (\xe2\x88\x92" "100: blocked)");
    if (appear(c, B_SWIN, 0.4f, 0.6f) > 0) {
        dg_rect at = dg_cut_top(&m[1], T_REF * 1.3f, 4);
        snprintf(t, sizeof t, "Head %d, in each window", st->head + 1);
        int old = dg_role(GFX_ROLE_TITLE);
        dg_text(at, T_REF, GFX_BOLD, GFX_LEFT | GFX_MIDDLE, th->text, t);
        dg_role(old);
        dg_rect al = dg_cut_bottom(&m[1], 96, 8);
        dg_split_cols(m[1], SW_NW, 18, NULL, aw);
        for (int w = 0; w < SW_NW; w++)
            dg_matrix(aw[w], &(dg_src){.t = s->attn, .lead = {w, st->head}, .explain = vit_explain_swin_attn,
                                       .user = st},
                      &(dg_matrix_style){.mode = DG_HEAT, .cmap = DG_CMAP_SEQ, .lo = 0, .hi = 1, .no_title = true,
                                         .no_legend = true, .unit = "attention"});
        dg_legend((dg_rect){al.x + al.w * 0.1f, al.y, al.w * 0.8f, al.h}, 0, 1, DG_CMAP_SEQ, "attention");
    }

    if (appear(c, B_SWIN, 0.6f, 0.8f) <= 0) return;
    int K = st->cost->shape[0];
    float side[8], glob[8], win[8];
    for (int k = 0; k < K && k < 8; k++) {
        side[k] = st->cost->data[3 * k];
        glob[k] = st->cost->data[3 * k + 1];
        win[k] = st->cost->data[3 * k + 2];
    }
    dg_plot *p = dg_plot_begin(cols[2], &(dg_plot_style){.title = "Attention cost",
                                                         .xlabel = "image side (pixels)", .ylabel = "score products",
                                                         .xlog = true, .ylog = true});
    dg_plot_line(p, &(dg_series){.label = "global: N^2", .x = side, .y = glob, .n = K, .points = true});
    dg_plot_line(p, &(dg_series){.label = "windows: 49 N", .x = side, .y = win, .n = K, .points = true});
    dg_plot_end(p);
}
