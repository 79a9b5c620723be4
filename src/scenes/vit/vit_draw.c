/* vit_draw.c: the vit scene's input column and beats 1-4 (patches, patch
 * embedding, class token and position embedding, one encoder block), on the
 * diagram library. Pure: reads the state (vit_scene.h) and the clock. Every
 * number shown is an element of a kernel tensor of the state, drawn by a
 * diagram element that makes it hoverable.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "scenes/vit/vit_scene.h"

#define T_REF 32.0f      /* text a caption refers to, titles, equations */
#define T_NUM 26.0f      /* labels and notes */

static float appear(const scene_clock *c, int beat, float a, float b) {
    return c->beat == beat ? scene_between(c, a, b) : 1;
}

static dg_rect title_row(dg_rect *r, const char *text, const ui_theme *th) {
    dg_rect t = dg_cut_top(r, T_REF * 1.3f, 6);
    int old = dg_role(GFX_ROLE_TITLE);
    dg_text(t, T_REF, GFX_BOLD, GFX_LEFT | GFX_MIDDLE, th->text, text);
    dg_role(old);
    return t;
}

/* ---- the input column ---------------------------------------------------------- */

void vit_draw_input(const vit_state *st, const vit_lay *L, const ui_theme *th) {
    int old = dg_role(GFX_ROLE_TITLE);
    dg_text(L->input_title, T_REF, GFX_BOLD, GFX_LEFT | GFX_MIDDLE, th->text, "Input 16 \xc3\x97 16");
    dg_role(GFX_ROLE_LABEL);
    int hp = vit_hover_patch(st);
    dg_window win[VIT_N + 1];
    int nw = 0;
    for (int p = 0; p < VIT_N; p++)
        win[nw++] = (dg_window){(p / VIT_GRID) * VIT_P, (p % VIT_GRID) * VIT_P, VIT_P, VIT_P, th->panel_edge};
    if (hp >= 0) win[nw++] = (dg_window){(hp / VIT_GRID) * VIT_P, (hp % VIT_GRID) * VIT_P, VIT_P, VIT_P, th->accent};
    dg_matrix(L->input, &(dg_src){.t = st->x.image, .lead = {0, 0}},
              &(dg_matrix_style){.mode = DG_HEAT, .cmap = DG_CMAP_GRAY, .lo = 0, .hi = 1, .no_title = true,
                                 .no_legend = true, .no_grid = true, .windows = win, .window_count = nw});
    const float *pr = st->x.probs->data;
    dg_rect info = L->info;
    dg_textf(dg_cut_top(&info, T_REF * 1.25f, 4), T_REF, GFX_BOLD, GFX_LEFT | GFX_MIDDLE, th->text,
             "Reads %d (%.0f%%)", st->pred, 100.0 * pr[st->pred]);
    if (hp >= 0) {
        dg_textf(dg_cut_top(&info, T_NUM * 1.3f, 4), T_NUM, GFX_SANS, GFX_LEFT | GFX_MIDDLE, th->accent,
                 "patch %d: row %d, column %d", hp + 1, hp / VIT_GRID + 1, hp % VIT_GRID + 1);
        float a = st->cls_attn->data[(st->layer * VIT_HEADS + st->head) * VIT_N + hp];
        dg_textf(dg_cut_top(&info, T_NUM * 1.3f, 4), T_NUM, GFX_SANS, GFX_LEFT | GFX_MIDDLE, th->text,
                 "class token \xe2\x86\x92 it: %.3f (layer %d, head %d)", a, st->layer + 1, st->head + 1);
    }
    dg_role(old);
}

/* A [G,G] map (tensor slice lead0, lead1) over the digit: the map's cells,
 * then the digit's ink drawn faintly on top, so a map reads as a place. */
dg_cells vit_draw_overlay(dg_rect r, const ts_tensor *img, const ts_tensor *map, int lead0, int lead1, float lo,
                      float hi, const char *title, const vit_state *st, const ui_theme *th) {
    void (*explain)(const void *, const int *, char *, size_t) =
        map == st->cls_attn ? vit_explain_cls_attn : map == st->roll_cls ? vit_explain_roll_cls : NULL;
    dg_cells g = dg_matrix(r, &(dg_src){.t = map, .lead = {lead0, lead1}, .explain = explain, .user = st},
                           &(dg_matrix_style){.mode = DG_HEAT, .cmap = DG_CMAP_SEQ, .lo = lo, .hi = hi, .title = title,
                                              .no_legend = true, .unit = "attention"});
    float px = g.cw / VIT_P;
    for (int y = 0; y < VIT_IMG; y++)
        for (int x = 0; x < VIT_IMG; x++) {
            float v = img->data[y * VIT_IMG + x];
            if (v > 0.08f)
                gfx_rect(g.x + x * px, g.y + y * px, px, px, gfx_fade(th->text, 0.55f * fminf(1, v)));
        }
    return g;
}

/* ---- beat 1: patches ------------------------------------------------------------ */

void vit_draw_patches(const vit_state *st, const scene_clock *c, dg_rect r, const ui_theme *th) {
    dg_rect cols[2];
    dg_split_cols(r, 2, DG_GAP * 1.5f, (const float[]){0.5f, 1.5f}, cols);
    dg_rect left = cols[0];
    title_row(&left, "Sixteen 4 \xc3\x97 4 patches", th);
    float side = fminf(left.w, left.h) - 10;
    dg_rect grid = {left.x, left.y, side, side};
    dg_rect cells[VIT_N];
    dg_grid(grid, VIT_GRID, VIT_GRID, 14, cells);
    int hp = vit_hover_patch(st);
    for (int p = 0; p < VIT_N; p++) {
        dg_rect cr = dg_inset(cells[p], 0);
        dg_matrix(cr, &(dg_src){.t = st->x.image, .lead = {0, 0}},
                  &(dg_matrix_style){.mode = DG_HEAT, .cmap = DG_CMAP_GRAY, .lo = 0, .hi = 1, .no_title = true,
                                     .no_legend = true, .r0 = (p / VIT_GRID) * VIT_P, .c0 = (p % VIT_GRID) * VIT_P,
                                     .rows = VIT_P, .cols = VIT_P});
        gfx_rrect_line(cr.x - 3, cr.y - 3, cr.w + 6, cr.h + 6, 4, p == hp ? 5 : 2, p == hp ? th->accent : th->panel_edge);
    }
    dg_rect right = cols[1];
    title_row(&right, "Patch matrix: one row per patch", th);
    static const char *const rows[VIT_N] = {"1", "2", "3", "4", "5", "6", "7", "8",
                                            "9", "10", "11", "12", "13", "14", "15", "16"};
    dg_window win = {hp, 0, 1, VIT_PP, th->accent};
    dg_matrix(right, &(dg_src){.t = st->x.patches, .lead = {0}, .explain = vit_explain_patches, .user = st},
              &(dg_matrix_style){.mode = DG_HEAT_NUMBERS, .cmap = DG_CMAP_GRAY, .lo = 0, .hi = 1, .no_title = true,
                                 .unit = "pixel", .row_labels = rows, .aspect = 1.8f,
                                 .windows = hp >= 0 ? &win : NULL, .window_count = hp >= 0,
                                 .reveal = appear(c, B_PATCHES, 0.1f, 0.8f)});
}

/* ---- beat 2: patch embedding = convolution ------------------------------------------ */

void vit_draw_embed(const vit_state *st, const scene_clock *c, dg_rect r, const ui_theme *th) {
    dg_rect top = dg_cut_top(&r, r.h * 0.36f, DG_GAP);
    title_row(&top, "Patch embedding: 32 filters of 4 \xc3\x97 4, one row of the linear layer each", th);
    dg_rect legend = dg_cut_right(&top, 110, DG_GAP);
    dg_rect f[VIT_D];
    dg_grid(top, 2, VIT_D / 2, 14, f);
    float wmax = 0;
    for (size_t i = 0; i < ts_numel(st->m.patch_w); i++) wmax = fmaxf(wmax, fabsf(st->m.patch_w->data[i]));
    for (int k = 0; k < VIT_D; k++) {
        dg_rect q = dg_fit_aspect(f[k], 1, GFX_CENTER | GFX_MIDDLE);
        dg_matrix(q, &(dg_src){.t = st->m.patch_w, .lead = {k, 0}},
                  &(dg_matrix_style){.mode = DG_HEAT, .cmap = DG_CMAP_DIV, .lo = -wmax, .hi = wmax, .no_title = true,
                                     .no_legend = true});
    }
    dg_legend((dg_rect){legend.x, legend.y, legend.w, fminf(legend.h, 260)}, -wmax, wmax, DG_CMAP_DIV, "weight");
    char head[128], num[24];
    snprintf(head, sizeof head, "patches \xc2\xb7 W^T + b against the conv: largest difference %s",
             dg_fmt(num, sizeof num, st->diff_max, 2, 8, false));
    title_row(&r, head, th);
    dg_rect cols[3];
    dg_split_cols(r, 3, DG_GAP * 1.5f, NULL, cols);
    float tmax = 0;
    for (size_t i = 0; i < ts_numel(st->x.tokens); i++) tmax = fmaxf(tmax, fabsf(st->x.tokens->data[i]));
    float show = appear(c, B_EMBED, 0.2f, 0.6f);
    int hp = vit_hover_patch(st);
    dg_window row = {hp, 0, 1, VIT_D, th->accent};
    const dg_window *rw = hp >= 0 ? &row : NULL;
    int rn = hp >= 0;
    dg_matrix(cols[0], &(dg_src){.t = st->x.tokens, .lead = {0}, .explain = vit_explain_tokens, .user = st},
              &(dg_matrix_style){.title = "Linear layer", .cmap = DG_CMAP_DIV,
                                 .lo = -tmax, .hi = tmax, .unit = "token", .windows = rw, .window_count = rn});
    if (show > 0)
        dg_matrix(cols[1], &(dg_src){.t = st->conv_tok, .lead = {0}},
                  &(dg_matrix_style){.title = "Conv 4 \xc3\x97 4, stride 4", .cmap = DG_CMAP_DIV, .lo = -tmax,
                                     .hi = tmax, .unit = "token", .reveal = show, .windows = rw,
                                     .window_count = rn});
    if (appear(c, B_EMBED, 0.6f, 0.8f) > 0) {
        const char *t = "Difference";
        float dmax = fmaxf(st->diff_max, 1e-6f);
        dg_matrix(cols[2], &(dg_src){.t = st->diff, .lead = {0}},
                  &(dg_matrix_style){.title = t, .cmap = DG_CMAP_DIV, .lo = -dmax, .hi = dmax, .unit = "difference",
                                     .windows = rw, .window_count = rn});
    }
}

/* ---- beat 3: class token and position embedding ---------------------------------------- */

void vit_draw_pos(const vit_state *st, const scene_clock *c, dg_rect r, const ui_theme *th) {
    dg_rect cols[2];
    dg_split_cols(r, 2, DG_GAP * 2, (const float[]){1.0f, 1.0f}, cols);
    dg_rect left = cols[0];
    dg_rect rows[2];
    dg_split_rows(left, 2, DG_GAP, NULL, rows);
    static const char *const tok[VIT_T] = {"cls", "1", "2", "3", "4", "5", "6", "7", "8",
                                           "9", "10", "11", "12", "13", "14", "15", "16"};
    dg_matrix(rows[0], &(dg_src){.t = st->m.pos, .lead = {0}},
              &(dg_matrix_style){.title = "Position embedding (learned)", .cmap = DG_CMAP_DIV, .unit = "value",
                                 .row_labels = tok, .aspect = 1.4f});
    if (appear(c, B_POS, 0.2f, 0.5f) > 0)
        dg_matrix(rows[1], &(dg_src){.t = st->x.x0, .lead = {0}, .explain = vit_explain_x0, .user = st},
                  &(dg_matrix_style){.title = "x_0 = [class; tokens] + positions", .cmap = DG_CMAP_DIV,
                                     .unit = "value", .row_labels = tok, .aspect = 1.4f});
    dg_rect right = cols[1];
    title_row(&right, "Cosine similarity of position embeddings", th);
    dg_rect legend = dg_cut_right(&right, 110, DG_GAP);
    float side = fminf(right.w, right.h);
    dg_rect cells[VIT_N];
    dg_grid((dg_rect){right.x, right.y, side, side}, VIT_GRID, VIT_GRID, 16, cells);
    int hp = vit_hover_patch(st);
    float show = appear(c, B_POS, 0.5f, 0.9f);
    for (int p = 0; p < VIT_N; p++) {
        if ((float)p / VIT_N > show + 1e-4f) break;
        dg_window self = {p / VIT_GRID, p % VIT_GRID, 1, 1, th->accent};
        dg_matrix(cells[p], &(dg_src){.t = st->pos_sim, .lead = {p}, .explain = vit_explain_pos_sim, .user = st},
                  &(dg_matrix_style){.mode = DG_HEAT, .cmap = DG_CMAP_DIV, .lo = -1, .hi = 1, .no_title = true,
                                     .no_legend = true, .no_grid = true, .windows = &self, .window_count = 1});
        if (p == hp) gfx_rrect_line(cells[p].x - 4, cells[p].y - 4, cells[p].w + 8, cells[p].h + 8, 4, 4, th->accent);
    }
    dg_legend((dg_rect){legend.x, right.y, legend.w, fminf(side, 300)}, -1, 1, DG_CMAP_DIV, "cosine");
    if (show >= 1) {
        dg_rect note = {right.x, right.y + side + 12, right.w + legend.w + DG_GAP, T_NUM * 2.6f};
        char a[16], b[16];
        dg_textf(note, T_NUM, GFX_SANS, GFX_LEFT | GFX_TOP, th->text,
                 "mean cosine: %s between neighbouring patches, %s between the others",
                 dg_fmt(a, sizeof a, st->sim_near, 2, 6, false), dg_fmt(b, sizeof b, st->sim_far, 2, 6, false));
    }
}

/* ---- beat 4: one encoder block ------------------------------------------------------- */

typedef struct stage_box { const char *title; const ts_tensor *t; int lead; } stage_box;

void vit_draw_block(const vit_state *st, const scene_clock *c, dg_rect r, const ui_theme *th) {
    const ts_block *b = st->x.blocks[st->layer];
    char head[96];
    snprintf(head, sizeof head, "Encoder block %d of %d: 17 tokens \xc3\x97 32 numbers flow through", st->layer + 1,
             VIT_LAYERS);
    title_row(&r, head, th);
    const ts_tensor *in = st->layer ? st->x.blocks[st->layer - 1]->out : st->x.x0;
    stage_box boxes[8] = {
        {"input x", in, 0},           {"LayerNorm", b->ln1, 0}, {"Attention", b->attn_out, 0},
        {"+ residual", b->res1, 0},   {"LayerNorm", b->ln2, 0}, {"MLP (GELU)", b->act, 0},
        {"+ residual", b->out, 0},    {NULL, NULL, 0}};
    dg_rect over = dg_cut_top(&r, 34, 0);   /* the first residual path runs here */
    dg_rect rows[2];
    dg_split_rows(r, 2, DG_GAP * 2.2f, NULL, rows);
    dg_rect box[7];
    dg_rect top[4], bot[3];
    dg_split_cols(rows[0], 4, DG_GAP * 1.2f, NULL, top);
    dg_split_cols((dg_rect){rows[1].x + rows[1].w * 0.125f, rows[1].y, rows[1].w * 0.75f, rows[1].h}, 3, DG_GAP * 2,
                  NULL, bot);
    for (int i = 0; i < 4; i++) box[i] = top[i];
    for (int i = 0; i < 3; i++) box[4 + i] = bot[i];
    float flow = c->beat == B_BLOCK ? 0.6f : 0;
    for (int i = 0; i < 7; i++) {
        float show = appear(c, B_BLOCK, (float)i / 9, (float)(i + 1) / 9);
        if (show <= 0) continue;
        dg_rect inner = dg_box(box[i], boxes[i].title, NULL);
        if (i == 2 || i == 5)   /* the two sublayers, outlined */
            gfx_rrect_line(box[i].x - 5, box[i].y - 5, box[i].w + 10, box[i].h + 10, 12, 4, th->accent);
        dg_matrix(dg_inset(inner, 6), &(dg_src){.t = boxes[i].t, .lead = {0}},
                  &(dg_matrix_style){.mode = DG_HEAT, .cmap = DG_CMAP_DIV, .no_title = true, .unit = "value"});
        if (i > 0) {
            dg_pt a, e;
            if (i == 4) { a = dg_anchor(box[3], DG_S); e = dg_anchor(box[4], DG_N); }
            else { a = dg_anchor(box[i - 1], DG_E); e = dg_anchor(box[i], DG_W); }
            dg_edge(a, e, &(dg_edge_style){.route = i == 4 ? DG_ELBOW_V : DG_STRAIGHT, .bend = 0.5f, .flow = flow});
        }
        /* the residual paths skip the sublayers: x to the first +, its output to the second */
        if (i == 3) {
            dg_pt a = dg_anchor(box[0], DG_N), e = dg_anchor(box[3], DG_N);
            float y = over.y + over.h * 0.4f;
            gfx_line(a.x, a.y, a.x, y, 4, th->accent2);
            gfx_line(a.x - 2, y, e.x + 2, y, 4, th->accent2);
            dg_edge((dg_pt){e.x, y}, e, &(dg_edge_style){.color = th->accent2, .width = 4});
        }
        if (i == 6) {
            dg_pt a = dg_anchor(box[3], DG_S), e = dg_anchor(box[6], DG_E);
            a.x = box[3].x + box[3].w * 0.75f;
            e.y = box[6].y + box[6].h * 0.3f;
            dg_edge(a, e, &(dg_edge_style){.route = DG_ELBOW_V, .color = th->accent2, .width = 4});
        }
    }
    (void)th;
}
