/* lstm_draw.c: the lstm scene's draw, a pure function of the state and the
 * clock, composed only of diagram-library elements.
 *
 * Every beat has the same frame: the headline at the top left (the widgets
 * sit at the top right in the window), and the rest of the stage for the
 * beat. Time runs left to right wherever steps are shown: the token row
 * and the [H, T] views of states and gates (lstm_state.h) share columns.
 * The cell diagrams of beats 3 and 6 are in lstm_cells.c.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "scenes/lstm/lstm_draw.h"
#include "scenes/lstm/lstm_scene.h"

#define HEAD_H 96.0f

void lstm_widget_rects(dg_rect *field, dg_rect *slider, dg_rect *forget, dg_rect *input) {
    /* The right of the headline row, one row of widgets. From constants, not
     * dg_stage(): update runs before the frame sets the canvas, and the
     * canvas is always 1920 wide (only its height varies). */
    const float W = 1920.0f, margin = 0.03f * W, y = 40.0f;
    float x = margin + (W - 2 * margin) * 0.45f, w = W - margin - x;
    *field = (dg_rect){x, y, w * 0.30f, 56};
    x += field->w + 16;
    *slider = (dg_rect){x, y, w * 0.22f, 64};
    x += slider->w + 16;
    float tw = (margin + (W - 2 * margin) - x - 16) / 2;
    *forget = (dg_rect){x, y + 8, tw, 48};
    *input = (dg_rect){x + tw + 16, y + 8, tw, 48};
}

/* The step the cursor is on: beats 1 and 4 walk through the sequence during
 * their animation (starting on the letter) until the user steps by hand;
 * the cell beats show the focus. */
int lstm_draw_step(const lstm_state *st, const scene_clock *c) {
    if ((c->beat == LB_RNN_STEP || c->beat == LB_GATES) && !st->stepped) {
        int s = (int)floorf(scene_between_linear(c, 0.1f, 0.9f) * (float)st->T);
        return s < st->T ? s : st->T - 1;
    }
    return st->focus;
}

/* ---- shared pieces -------------------------------------------------------------- */

static void token_explain(const void *user, const int *idx, char *buf, size_t n) {
    const lstm_state *st = user;
    int t = idx[0];
    snprintf(buf, n, "step %d of %d: token '%s'%s", t + 1, st->T, lstm_token_name(st->in.ids[t]),
             t == 0 ? " (the letter to recall)" : t == st->T - 1 ? " (the question)" : "");
}

/* The tokens as a row of boxes over the columns of a drawn [*, T] grid
 * (or spread over r when g is NULL); step `cur` is highlighted. */
void lstm_draw_tokens(const lstm_state *st, dg_rect r, const dg_cells *g, int cur) {
    int T = st->T;
    float cw = g ? g->cw : r.w / (float)T, x0 = g ? g->x : r.x;
    for (int t = 0; t < T; t++) {
        dg_rect b = {x0 + (float)t * cw + 2, r.y, cw - 4, r.h};
        bool letter = st->in.ids[t] < LSTM_SYMBOLS;
        dg_box(b, NULL, &(dg_box_style){ .highlight = t == cur,
                                         .fill = t == 0 ? dg_theme()->accent2 : (gfx_color){0},
                                         .dim = !letter && t != T - 1 && t != cur });
        gfx_color tc = t == 0 ? dg_theme()->text_on_accent : dg_theme()->text;
        if (b.w >= 24)   /* narrower: the box alone, the token in its tooltip */
            dg_text(b, DG_TEXT_BODY, GFX_BOLD, GFX_CENTER | GFX_MIDDLE, tc, lstm_token_name(st->in.ids[t]));
        int idx[1] = {t};
        char note[96];
        token_explain(st, idx, note, sizeof note);
        dg_hover_text(b, "%s", note);
    }
}

static void heat_explain(const void *user, const int *idx, char *buf, size_t n) {
    const lstm_state *st = user;
    snprintf(buf, n, "unit %d after step %d (token '%s')", idx[0], idx[1] + 1,
             lstm_token_name(st->in.ids[idx[1]]));
}

/* A [H, T] view as a heatmap filling r; returns its cells. */
dg_cells lstm_draw_heat(const lstm_state *st, dg_rect r, const ts_tensor *v, const char *title,
                        int cmap, float lo, float hi, int cur, bool legend) {
    dg_window win = {0, cur, LSTM_H, 1, {0}};
    return dg_matrix(r, &(dg_src){ .t = v, .explain = heat_explain, .user = st },
                     &(dg_matrix_style){ .mode = DG_HEAT, .cmap = cmap, .lo = lo, .hi = hi,
                                         .title = title, .no_legend = !legend, .unit = "value",
                                         .windows = cur >= 0 ? &win : NULL, .window_count = cur >= 0,
                                         .max_cell = 64 });
}

/* The beat's headline; returns the stage below it. */
static dg_rect frame(const scene_clock *c) {
    dg_rect stage = dg_stage();
    dg_rect head = dg_cut_top(&stage, HEAD_H, DG_GAP);
    head.w *= 0.43f;   /* the widgets sit to the right (lstm_control_band) */
    dg_heading(head, lstm_beats[c->beat].title, NULL);
    return stage;
}

/* ---- beat 1: the RNN, one step at a time ---------------------------------------- */

static void draw_rnn_step(const lstm_state *st, const scene_clock *c) {
    dg_rect r = frame(c);
    const lstm_run *run = &st->run[LSTM_CELL_RNN];
    int t = lstm_draw_step(st, c);
    dg_rect toks = dg_cut_top(&r, 60, 12);
    dg_rect eq = dg_cut_bottom(&r, 240, DG_GAP);
    dg_cells g = lstm_draw_heat(st, r, &st->hT[LSTM_CELL_RNN], "RNN hidden state h_t: 8 units, one column per step",
                                DG_CMAP_DIV, -1, 1, t, true);
    lstm_draw_tokens(st, toks, &g, t);

    /* the step as strips: the two halves of the pre-activation, then h_t */
    dg_rect rows[2];
    dg_split_rows(eq, 2, 12, (float[]){1.6f, 1.0f}, rows);
    dg_rect cols[3];
    dg_split_cols(rows[0], 3, DG_GAP * 1.5f, NULL, cols);
    char title[3][64];
    snprintf(title[0], 64, "W_ih x_%d + b_ih  (x = '%s')", t + 1, lstm_token_name(st->in.ids[t]));
    snprintf(title[1], 64, "+  W_hh h_%d + b_hh", t);
    snprintf(title[2], 64, "=  h_%d after tanh", t + 1);
    dg_strip(cols[0], &(dg_src){ .t = run->ih, .lead = {t} },
             &(dg_strip_style){ .values = true, .cmap = DG_CMAP_DIV, .title = title[0], .no_legend = true });
    dg_strip(cols[1], &(dg_src){ .t = run->hh, .lead = {t} },
             &(dg_strip_style){ .values = true, .cmap = DG_CMAP_DIV, .title = title[1], .no_legend = true });
    dg_strip(cols[2], &(dg_src){ .t = run->h, .lead = {t} },
             &(dg_strip_style){ .values = true, .cmap = DG_CMAP_DIV, .lo = -1, .hi = 1, .title = title[2], .no_legend = true });

    /* unit 0 worked out */
    char a[24], b[24], h[24], lhs[32];
    int H = LSTM_H;
    dg_fmt(a, sizeof a, run->ih->data[t * H], 3, 8, false);
    dg_fmt(b, sizeof b, run->hh->data[t * H], 3, 8, true);
    dg_fmt(h, sizeof h, run->h->data[t * H], 3, 8, false);
    snprintf(lhs, sizeof lhs, "h_%d[0] = tanh(", t + 1);
    dg_term terms[] = {
        {lhs, {0}, {0}, false},
        {a, {run->ih, {t, 0}}, {0}, true},
        {b, {run->hh, {t, 0}}, {0}, true},
        {") =", {0}, {0}, false},
        {h, {run->h, {t, 0}}, {0}, true},
    };
    dg_equation(rows[1], terms, 5, DG_TEXT_H2);
}

/* ---- beat 2: unrolled, the gradient going back ------------------------------------- */

/* Beat 2: the RNN's raw ||dL/dh_t||. Beat 5 (with_lstm): every curve over its
 * own value at step T, so both cells start at 1 and the curves compare how
 * the gradient fades going back, not the size of each model's loss. */
static void grad_plot(dg_rect r, const lstm_state *st, bool with_lstm) {
    static float xs[LSTM_MAX_T];
    for (int t = 0; t < LSTM_MAX_T; t++) xs[t] = (float)(t + 1);
    const lstm_run *rn = &st->run[LSTM_CELL_RNN], *ls = &st->run[LSTM_CELL_LSTM];
    char title[128];
    snprintf(title, sizeof title, "Gradient reaching step t over the gradient at step %d (log scale)", st->T);
    dg_plot *p = dg_plot_begin(r, &(dg_plot_style){
        .title = with_lstm ? title : "||dL/dh_t||: the gradient reaching step t (log scale)",
        .xlabel = "step t", .ylabel = with_lstm ? "relative to step T" : "gradient norm", .ylog = true,
        .no_legend = !with_lstm });
    const ts_tensor *rnn_y = with_lstm ? rn->grad_h_rel : rn->grad_h_norm;
    dg_plot_line(p, &(dg_series){ .label = "RNN, through h", .x = xs, .y = rnn_y->data, .n = st->T,
                                  .points = st->T <= 30, .t = rnn_y });
    if (with_lstm) {
        dg_plot_line(p, &(dg_series){ .label = "LSTM, through the cell state c", .x = xs,
                                      .y = ls->grad_c_rel->data, .n = st->T,
                                      .points = st->T <= 30, .t = ls->grad_c_rel });
        dg_plot_line(p, &(dg_series){ .label = "LSTM, through h", .x = xs,
                                      .y = ls->grad_h_rel->data, .n = st->T,
                                      .width = 2, .t = ls->grad_h_rel });
    }
    dg_plot_end(p);
}

static void draw_unroll(const lstm_state *st, const scene_clock *c) {
    dg_rect r = frame(c);
    const lstm_run *run = &st->run[LSTM_CELL_RNN];
    int T = st->T;
    dg_rect chain = dg_cut_top(&r, 150, DG_GAP);
    dg_cut_top(&r, 0, 10);
    dg_rect note = dg_cut_right(&r, 460, DG_GAP);
    /* the unrolled chain: h_1 ... h_T, then the loss; the gradient flows back */
    dg_rect loss_box = dg_cut_right(&chain, 170, 40);
    float cw = chain.w / (float)T;
    const ui_theme *th = dg_theme();
    for (int t = 0; t < T; t++) {
        dg_rect b = {chain.x + (float)t * cw + 3, chain.y + 40, cw - 6, 70};
        char tt[8];
        snprintf(tt, sizeof tt, "%d", t + 1);
        dg_box(b, NULL, &(dg_box_style){ .highlight = t == 0 });
        if (cw >= 30) dg_text(b, DG_TEXT_SMALL, GFX_SANS, GFX_CENTER | GFX_MIDDLE, th->text, tt);
        char v[24];
        dg_fmt(v, sizeof v, run->grad_h_norm->data[t], 2, 8, false);
        dg_hover_text(b, "h_%d: ||dL/dh_%d|| = %s (token '%s')", t + 1, t + 1, v, lstm_token_name(st->in.ids[t]));
    }
    dg_text((dg_rect){chain.x, chain.y, chain.w, 36}, DG_TEXT_LABEL, GFX_SANS, GFX_LEFT | GFX_TOP, th->text_dim,
            "the RNN unrolled: one copy of the cell per step, the same weights in each");
    dg_box((dg_rect){loss_box.x, chain.y + 40, loss_box.w, 70}, "loss", &(dg_box_style){ .highlight = true,
           .hover = "cross-entropy of the readout of h_T against the first letter" });
    dg_edge((dg_pt){loss_box.x + loss_box.w / 2, chain.y + 112}, (dg_pt){chain.x + cw / 2, chain.y + 112},
            &(dg_edge_style){ .route = DG_ELBOW_V, .width = 3, .color = th->negative, .flow = 0.15f });
    dg_text((dg_rect){chain.x, chain.y + 118, chain.w, 32}, DG_TEXT_LABEL, GFX_SANS, GFX_CENTER | GFX_TOP,
            th->text_dim, "the gradient of the loss travels back through every step");
    grad_plot(r, st, false);
    char first[24], last[24], ratio[24], buf[400];
    dg_fmt(first, sizeof first, run->grad_h_norm->data[0], 2, 9, false);
    dg_fmt(last, sizeof last, run->grad_h_norm->data[T - 1], 2, 9, false);
    dg_fmt(ratio, sizeof ratio, run->grad_h_norm->data[0] / run->grad_h_norm->data[T - 1], 2, 9, false);
    snprintf(buf, sizeof buf,
             "At the last step: %s\nAt step 1, where the letter went in: %s\n\nThe first step gets %s times the "
             "gradient of the last: too little to teach the RNN to keep the letter.\n\nThe RNN answers %s, the right answer is %s.",
             last, first, ratio, lstm_token_name(run->pred), lstm_token_name(st->in.target));
    dg_text(note, DG_TEXT_BODY, GFX_SANS, GFX_LEFT | GFX_MIDDLE, th->text, buf);
}

/* ---- beat 4: the gates over time ------------------------------------------------------ */

static void draw_gates(const lstm_state *st, const scene_clock *c) {
    dg_rect r = frame(c);
    int t = lstm_draw_step(st, c);
    dg_rect legend = dg_cut_right(&r, 130, 16);
    dg_rect halves[2];
    dg_split_cols(r, 2, DG_GAP * 1.5f, NULL, halves);
    static const char *const titles[4] = {"input gate i: what to write", "forget gate f: what to keep",
                                          "candidate g: the value written", "output gate o: what to show"};
    for (int col = 0; col < 2; col++) {
        dg_rect h = halves[col];
        dg_rect toks = dg_cut_top(&h, 50, 8);
        dg_rect cells[2];
        dg_split_rows(h, 2, 16, NULL, cells);
        dg_cells g0 = {0};
        for (int row = 0; row < 2; row++) {
            int k = col + 2 * row;   /* i f / g o */
            bool tanh_gate = k == 2;
            dg_cells gk = lstm_draw_heat(st, cells[row], &st->gT[LSTM_CELL_LSTM][k], titles[k],
                                         tanh_gate ? DG_CMAP_DIV : DG_CMAP_SEQ, tanh_gate ? -1 : 0, 1, t, false);
            if (row == 0) g0 = gk;
        }
        lstm_draw_tokens(st, toks, &g0, t);
    }
    dg_rect lg[2];
    dg_split_rows(legend, 2, DG_GAP, NULL, lg);
    dg_legend(lg[0], 0, 1, DG_CMAP_SEQ, "i, f, o");
    dg_legend(lg[1], -1, 1, DG_CMAP_DIV, "g");
}

/* ---- beat 5: the LSTM's gradient beside the RNN's -------------------------------------- */

static void draw_compare(const lstm_state *st, const scene_clock *c) {
    dg_rect r = frame(c);
    dg_rect note = dg_cut_right(&r, 460, DG_GAP);
    grad_plot(r, st, true);
    const lstm_run *rn = &st->run[LSTM_CELL_RNN], *ls = &st->run[LSTM_CELL_LSTM];
    int T = st->T;
    char a[24], b[24], la[24], lb[24], buf[600];
    dg_fmt(a, sizeof a, rn->grad_h_rel->data[0], 2, 9, false);
    dg_fmt(b, sizeof b, ls->grad_c_rel->data[0], 2, 9, false);
    dg_fmt(la, sizeof la, rn->loss->data[0], 3, 9, false);
    dg_fmt(lb, sizeof lb, ls->loss->data[0], 3, 9, false);
    snprintf(buf, sizeof buf,
             "Each curve is divided by its own value at step %d, so both start at 1 there, whatever the loss "
             "(RNN %s, LSTM %s).\n\nAt step 1:\nRNN, through h: %s\nLSTM, through c: %s"
             "\n\nThe LSTM answers %s, the RNN %s; the letter was %s.",
             T, la, lb, a, b, lstm_token_name(ls->pred), lstm_token_name(rn->pred), lstm_token_name(st->in.target));
    dg_text(note, DG_TEXT_BODY, GFX_SANS, GFX_LEFT | GFX_MIDDLE, dg_theme()->text, buf);
}

/* ---- beat 7: accuracy against length ------------------------------------------------------ */

static void draw_accuracy(const lstm_state *st, const scene_clock *c) {
    dg_rect r = frame(c);
    dg_rect note = dg_cut_right(&r, 420, DG_GAP);
    const lstm_models *m = &st->m;
    dg_plot *p = dg_plot_begin(r, &(dg_plot_style){
        .title = "Held-out accuracy of models trained at each length (mean of 3 runs)",
        .xlabel = "sequence length T", .ylabel = "accuracy", .y_lo = 0, .y_hi = 1.05f,
        .x_lo = 0, .x_hi = (float)LSTM_MAX_T + 2 });
    for (int k = 0; k < LSTM_CELLS; k++)
        dg_plot_line(p, &(dg_series){ .label = lstm_cell_title(k), .x = m->lengths->data,
                                      .y = m->accuracy[k]->data, .n = m->n_lengths, .points = true,
                                      .t = m->accuracy[k] });
    char lab[32];
    snprintf(lab, sizeof lab, "this sequence: T = %d", st->T);
    dg_plot_vline(p, (float)st->T, lab);
    dg_plot_end(p);
    char buf[600];
    int len = snprintf(buf, sizeof buf, "Chance is 1 in 4.\n\nAt T = %d (models trained at %d):\n", st->T,
                       m->cell[st->li][0].length);
    for (int k = 0; k < LSTM_CELLS && len < (int)sizeof buf; k++)
        len += snprintf(buf + len, sizeof buf - (size_t)len, "%s: %.0f%% held out, answers %s here\n",
                        lstm_cell_title(k), 100.0f * m->accuracy[k]->data[st->li],
                        lstm_token_name(st->run[k].pred));
    if (len < (int)sizeof buf)
        snprintf(buf + len, sizeof buf - (size_t)len, "\nThe right answer is %s.", lstm_token_name(st->in.target));
    dg_text(note, DG_TEXT_BODY, GFX_SANS, GFX_LEFT | GFX_MIDDLE, dg_theme()->text, buf);
}

/* ---- beat 8: sequential versus parallel --------------------------------------------------- */

static void draw_parallel(const lstm_state *st, const scene_clock *c) {
    dg_rect r = frame(c);
    dg_rect halves[2];
    dg_split_rows(r, 2, DG_GAP * 1.5f, NULL, halves);
    const ui_theme *th = dg_theme();
    int T = st->T;
    char buf[160];
    for (int side = 0; side < 2; side++) {
        dg_rect h = halves[side];
        dg_rect label = dg_cut_top(&h, 44, 8);
        if (side == 0) snprintf(buf, sizeof buf, "Recurrence: %d steps, each waiting for the one before", T);
        else snprintf(buf, sizeof buf, "Self-attention: 1 step, every position reads all %d at once (some fans drawn)", T);
        dg_text(label, DG_TEXT_H2, GFX_BOLD, GFX_LEFT | GFX_MIDDLE, th->text, buf);
        float cw = h.w / (float)T, bw = fminf(cw - 6, 60);
        float ytop = h.y + 4, ybot = h.y + h.h - 54;
        for (int t = 0; t < T; t++) {
            float x = h.x + (float)t * cw + (cw - bw) / 2;
            dg_rect in = {x, ybot, bw, 50};
            dg_box(in, NULL, &(dg_box_style){ .highlight = t == 0 });
            if (bw >= 24)
                dg_text(in, DG_TEXT_LABEL, GFX_BOLD, GFX_CENTER | GFX_MIDDLE, th->text, lstm_token_name(st->in.ids[t]));
            dg_hover_text(in, "input %d: '%s'", t + 1, lstm_token_name(st->in.ids[t]));
            dg_rect out = {x, ytop, bw, 50};
            dg_box(out, NULL, NULL);
            dg_hover_text(out, side ? "output %d: one attention step over all %d inputs" :
                                      "h_%d: needs h_%d first, so %d steps in a row", t + 1, t, t + 1);
            if (side == 0) {
                dg_edge(dg_anchor(in, DG_N), dg_anchor(out, DG_S), &(dg_edge_style){ .width = 2, .alpha = 0.6f });
                if (t > 0) {
                    dg_rect prev = {x - cw, ytop, bw, 50};
                    float prog = scene_between_linear(c, 0.0f, 0.9f) * (float)T;
                    dg_edge(dg_anchor(prev, DG_E), dg_anchor(out, DG_W),
                            &(dg_edge_style){ .width = 3, .color = (float)t <= prog ? th->accent : (gfx_color){0} });
                }
            } else {
                /* every input feeds every output; the fans of eight outputs
                 * spread along the row stand for all of them */
                int every = T > 8 ? (T + 7) / 8 : 1;
                if (t % every && t != T - 1) continue;
                for (int s = 0; s < T; s++) {
                    float xs = h.x + (float)s * cw + cw / 2;
                    dg_edge((dg_pt){xs, ybot}, dg_anchor(out, DG_S),
                            &(dg_edge_style){ .width = 1.5f, .alpha = 0.18f, .no_head = true,
                                              .color = th->accent });
                }
            }
        }
    }
}

/* ---- dispatch --------------------------------------------------------------------------- */

void lstm_draw(const void *p, const scene_clock *c, const ui_theme *th) {
    const lstm_state *st = p;
    (void)th;
    switch (c->beat) {
    case LB_RNN_STEP: draw_rnn_step(st, c); break;
    case LB_UNROLL: draw_unroll(st, c); break;
    case LB_LSTM_CELL: lstm_draw_lstm_cell(st, c, frame(c)); break;
    case LB_GATES: draw_gates(st, c); break;
    case LB_COMPARE: draw_compare(st, c); break;
    case LB_GRU: lstm_draw_gru(st, c, frame(c)); break;
    case LB_ACCURACY: draw_accuracy(st, c); break;
    default: draw_parallel(st, c); break;
    }
}
