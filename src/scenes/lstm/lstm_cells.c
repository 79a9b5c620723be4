/* lstm_cells.c: the LSTM and GRU cells as block diagrams (beats 3 and 6),
 * with each gate's activations at the followed step as strips and the
 * cell's update worked out for one unit. Only diagram-library elements. */
#include <math.h>
#include <stdio.h>
#include "scenes/lstm/lstm_draw.h"
#include "scenes/lstm/lstm_scene.h"

/* The unit whose state moved most at step t: the one worth working out. */
static int busiest_unit(const ts_tensor *h, const ts_tensor *h0, int t) {
    int best = 0;
    float bd = -1;
    for (int j = 0; j < LSTM_H; j++) {
        float prev = t ? h->data[(t - 1) * LSTM_H + j] : h0->data[j];
        float d = fabsf(h->data[t * LSTM_H + j] - prev);
        if (d > bd) { bd = d; best = j; }
    }
    return best;
}

/* A gate's box with its activations at step t as a strip inside (one cell
 * per unit; the numbers show when the cells are large enough). */
static dg_pt gate_box(dg_rect b, const char *title, const ts_tensor *g, int t, bool tanh_gate,
                      bool clamped, const char *hover) {
    dg_rect in = dg_box(b, title, &(dg_box_style){ .highlight = clamped, .hover = hover });
    dg_strip(in, &(dg_src){ .t = g, .lead = {t} },
             &(dg_strip_style){ .vertical = true, .cmap = tanh_gate ? DG_CMAP_DIV : DG_CMAP_SEQ,
                                .lo = tanh_gate ? -1 : 0, .hi = 1, .no_title = true, .no_legend = true,
                                .values = true, .aspect = 2.2f });
    return dg_anchor(b, DG_N);
}

static void fmt3(char *out, size_t n, float v) { dg_fmt(out, n, v, 3, 8, false); }

/* ---- beat 3: the LSTM cell ------------------------------------------------------------- */

void lstm_draw_lstm_cell(const lstm_state *st, const scene_clock *c, dg_rect r) {
    const lstm_run *run = &st->run[LSTM_CELL_LSTM];
    const ui_theme *th = dg_theme();
    int t = lstm_draw_step(st, c), H = LSTM_H;
    dg_rect side = dg_cut_right(&r, r.w * 0.36f, DG_GAP * 1.5f);
    float flow = 0.4f;

    /* layout: the conveyor along the top, the gates in a row under it, the
     * output column (c_t, tanh, x o, h_t) at the right */
    float yc = r.y + 45, xo = r.x + r.w - 80;
    dg_rect cin = {r.x, yc - 35, 130, 70}, cout = {xo - 80, yc - 35, 160, 70};
    dg_rect gates = {r.x + 160, r.y + 160, r.w - 200 - 160, r.h - 160 - 130};
    dg_rect gb[4];
    dg_split_cols(gates, 4, DG_GAP, NULL, gb);
    char tcin[24], tcout[24];
    snprintf(tcin, sizeof tcin, "c_%d", t);
    snprintf(tcout, sizeof tcout, "c_%d", t + 1);
    dg_box(cin, tcin, &(dg_box_style){ .hover = "the cell state from the step before" });
    dg_box(cout, tcout, &(dg_box_style){ .hover = "the cell state passed on" });
    dg_pt fx = {dg_center(gb[0]).x, yc}, plus = {dg_center(gb[2]).x - 40, yc};
    dg_edge(dg_anchor(cin, DG_E), (dg_pt){fx.x - 30, yc}, &(dg_edge_style){ .width = 6, .flow = flow });
    dg_edge((dg_pt){fx.x + 30, yc}, (dg_pt){plus.x - 30, yc}, &(dg_edge_style){ .width = 6, .flow = flow,
                                                                                .label = "cell state" });
    dg_edge((dg_pt){plus.x + 30, yc}, dg_anchor(cout, DG_W), &(dg_edge_style){ .width = 6, .flow = flow });
    dg_op(fx, 30, "\xc3\x97", NULL);
    dg_op(plus, 30, "+", NULL);

    /* gates: f, i, g, o from [h_{t-1}, x_t] */
    static const char *const names[4] = {"f = \xcf\x83(\xe2\x80\xa6)", "i = \xcf\x83(\xe2\x80\xa6)",
                                         "g = tanh(\xe2\x80\xa6)", "o = \xcf\x83(\xe2\x80\xa6)"};
    static const int order[4] = {1, 0, 2, 3};   /* gate index of each column */
    static const char *const hovers[4] = {
        "forget gate f = sigmoid(W_if x + b_if + W_hf h + b_hf): the share of c_{t-1} kept",
        "input gate i = sigmoid(W_ii x + b_ii + W_hi h + b_hi): how much of g is written",
        "candidate g = tanh(W_ig x + b_ig + W_hg h + b_hg): the value offered",
        "output gate o = sigmoid(W_io x + b_io + W_ho h + b_ho): how much of tanh(c) is shown"};
    dg_pt top[4];
    for (int k = 0; k < 4; k++) {
        int gi = order[k];
        char title[48];
        if (run->clamp.on[gi]) snprintf(title, sizeof title, "%s clamped %.2g", lstm_gate_name(LSTM_CELL_LSTM, gi),
                                        run->clamp.value[gi]);
        else snprintf(title, sizeof title, "%s", names[k]);
        top[k] = gate_box(gb[k], title, run->gate[gi], t, gi == 2, run->clamp.on[gi], hovers[k]);
    }
    dg_edge(top[0], (dg_pt){fx.x, yc + 30}, &(dg_edge_style){ .width = 3, .label = "f" });
    dg_pt ig = {(dg_center(gb[1]).x + dg_center(gb[2]).x) / 2, r.y + 110};
    dg_op(ig, 26, "\xc3\x97", NULL);
    dg_edge(top[1], (dg_pt){ig.x - 26, ig.y}, &(dg_edge_style){ .route = DG_ELBOW_V, .width = 3, .label = "i" });
    dg_edge(top[2], (dg_pt){ig.x + 26, ig.y}, &(dg_edge_style){ .route = DG_ELBOW_V, .width = 3, .label = "g" });
    dg_edge((dg_pt){ig.x, ig.y - 26}, (dg_pt){plus.x, yc + 30}, &(dg_edge_style){ .route = DG_ELBOW_V, .width = 3 });
    /* output column: c_t -> tanh -> x o -> h_t */
    dg_pt tc = {xo, yc + 130}, ho = {xo, dg_center(gb[3]).y};
    dg_op(tc, 30, "tanh", NULL);
    dg_edge(dg_anchor(cout, DG_S), (dg_pt){xo, tc.y - 32}, &(dg_edge_style){ .width = 3 });
    dg_op(ho, 28, "\xc3\x97", NULL);
    dg_edge((dg_pt){xo, tc.y + 32}, (dg_pt){xo, ho.y - 28}, &(dg_edge_style){ .width = 3 });
    dg_edge(dg_anchor(gb[3], DG_E), (dg_pt){ho.x - 28, ho.y}, &(dg_edge_style){ .width = 3, .label = "o" });
    char th_out[24];
    snprintf(th_out, sizeof th_out, "h_%d", t + 1);
    dg_rect hout = {xo - 80, gates.y + gates.h + 50, 160, 70};
    dg_box(hout, th_out, &(dg_box_style){ .hover = "the hidden state: the readout and the next step see it" });
    dg_edge((dg_pt){xo, ho.y + 28}, dg_anchor(hout, DG_N), &(dg_edge_style){ .width = 3 });
    /* inputs */
    dg_rect xin = {r.x, gates.y + gates.h + 50, gates.w * 0.7f, 70};
    char tx[64];
    snprintf(tx, sizeof tx, "[h_%d, x_%d = '%s']", t, t + 1, lstm_token_name(st->in.ids[t]));
    dg_box(xin, tx, &(dg_box_style){ .hover = "every gate reads the previous hidden state and this step's token" });
    for (int k = 0; k < 4; k++)
        dg_edge(dg_anchor(xin, DG_N), dg_anchor(gb[k], DG_S),
                &(dg_edge_style){ .route = DG_CURVE, .width = 2, .alpha = 0.5f });

    /* worked equations for the busiest unit */
    int j = busiest_unit(run->c, run->c0, t);
    const float *cprev = t ? run->c->data + (t - 1) * H : run->c0->data;
    char f[16], cp[16], i[16], g[16], cn[16], o[16], h[16], head[96];
    fmt3(f, sizeof f, run->gate[1]->data[t * H + j]);
    fmt3(cp, sizeof cp, cprev[j]);
    fmt3(i, sizeof i, run->gate[0]->data[t * H + j]);
    fmt3(g, sizeof g, run->gate[2]->data[t * H + j]);
    fmt3(cn, sizeof cn, run->c->data[t * H + j]);
    fmt3(o, sizeof o, run->gate[3]->data[t * H + j]);
    fmt3(h, sizeof h, run->h->data[t * H + j]);
    dg_rect rows[5];
    dg_split_rows(side, 5, 12, (float[]){0.8f, 1, 1, 1, 1}, rows);
    snprintf(head, sizeof head, "Step %d of %d, token '%s', unit %d:", t + 1, st->T,
             lstm_token_name(st->in.ids[t]), j);
    dg_text(rows[0], DG_TEXT_H2, GFX_BOLD, GFX_LEFT | GFX_MIDDLE, th->text, head);
    dg_text(rows[1], DG_TEXT_BODY, GFX_SANS, GFX_LEFT | GFX_MIDDLE, th->text_dim,
            "c_t = f \xe2\x8a\x99 c_{t-1} + i \xe2\x8a\x99 g");
    dg_term ce[] = {
        {"c =", {0}, {0}, false}, {f, {run->gate[1], {t, j}}, {0}, true}, {"\xc3\x97", {0}, {0}, false},
        {cp, {t ? run->c : NULL, {t ? t - 1 : 0, j}}, {0}, true}, {"+", {0}, {0}, false},
        {i, {run->gate[0], {t, j}}, {0}, true}, {"\xc3\x97", {0}, {0}, false},
        {g, {run->gate[2], {t, j}}, {0}, true}, {"=", {0}, {0}, false}, {cn, {run->c, {t, j}}, {0}, true}};
    dg_equation(rows[2], ce, 10, DG_TEXT_BODY);
    dg_text(rows[3], DG_TEXT_BODY, GFX_SANS, GFX_LEFT | GFX_MIDDLE, th->text_dim,
            "h_t = o \xe2\x8a\x99 tanh(c_t)");
    dg_term he[] = {
        {"h =", {0}, {0}, false}, {o, {run->gate[3], {t, j}}, {0}, true}, {"\xc3\x97 tanh(", {0}, {0}, false},
        {cn, {run->c, {t, j}}, {0}, true}, {") =", {0}, {0}, false}, {h, {run->h, {t, j}}, {0}, true}};
    dg_equation(rows[4], he, 6, DG_TEXT_BODY);
}

/* ---- beat 6: the GRU and the parameter counts ------------------------------------------ */

void lstm_draw_gru(const lstm_state *st, const scene_clock *c, dg_rect r) {
    const lstm_run *run = &st->run[LSTM_CELL_GRU];
    const ui_theme *th = dg_theme();
    int t = lstm_draw_step(st, c), H = LSTM_H;
    dg_rect side = dg_cut_right(&r, r.w * 0.38f, DG_GAP * 1.5f);

    /* the state path along the top: h_{t-1} -> mix -> h_t */
    float yh = r.y + 45;
    dg_rect hin = {r.x, yh - 35, 150, 70}, hout = {r.x + r.w - 150, yh - 35, 150, 70};
    char a[24], b[24];
    snprintf(a, sizeof a, "h_%d", t);
    snprintf(b, sizeof b, "h_%d", t + 1);
    dg_box(hin, a, &(dg_box_style){ .hover = "the hidden state from the step before" });
    dg_box(hout, b, &(dg_box_style){ .hover = "the hidden state passed on" });
    dg_rect gates = {r.x + 170, r.y + 160, r.w - 170, r.h - 160 - 130};
    dg_rect gb[3];
    dg_split_cols(gates, 3, DG_GAP * 1.5f, NULL, gb);
    dg_pt mix = {dg_center(gb[0]).x, yh};
    dg_edge(dg_anchor(hin, DG_E), (dg_pt){mix.x - 40, yh}, &(dg_edge_style){ .width = 6, .flow = 0.4f });
    dg_edge((dg_pt){mix.x + 40, yh}, dg_anchor(hout, DG_W),
            &(dg_edge_style){ .width = 6, .flow = 0.4f, .label = "z \xc3\x97 h_{t-1} + (1 - z) \xc3\x97 n" });
    dg_op(mix, 40, "mix", &(dg_box_style){ .hover = "h_t = z * h_{t-1} + (1 - z) * n, unit by unit" });
    /* columns: z (under the mix), r, n; gate index of each column */
    static const int order[3] = {1, 0, 2};
    static const char *const titles[3] = {"z = \xcf\x83(\xe2\x80\xa6) update", "r = \xcf\x83(\xe2\x80\xa6) reset",
                                          "n = tanh(\xe2\x80\xa6)"};
    static const char *const hovers[3] = {
        "update gate z = sigmoid(W_iz x + b_iz + W_hz h + b_hz): the share of h_{t-1} kept",
        "reset gate r = sigmoid(W_ir x + b_ir + W_hr h + b_hr): how much of h the candidate may read",
        "candidate n = tanh(W_in x + b_in + r * (W_hn h + b_hn))"};
    dg_pt top[3];
    for (int k = 0; k < 3; k++)
        top[k] = gate_box(gb[k], titles[k], run->gate[order[k]], t, k == 2, false, hovers[k]);
    dg_edge(top[0], (dg_pt){top[0].x, yh + 40}, &(dg_edge_style){ .width = 3, .label = "z" });
    dg_edge(top[2], (dg_pt){mix.x + 28, yh + 28}, &(dg_edge_style){ .route = DG_ELBOW_V, .width = 3 });
    dg_edge(dg_anchor(gb[1], DG_E), dg_anchor(gb[2], DG_W), &(dg_edge_style){ .width = 3, .label = "r" });
    dg_rect xin = {r.x, gates.y + gates.h + 50, r.w * 0.6f, 70};
    char tx[64];
    snprintf(tx, sizeof tx, "[h_%d, x_%d = '%s']", t, t + 1, lstm_token_name(st->in.ids[t]));
    dg_box(xin, tx, &(dg_box_style){ .hover = "every gate reads the previous hidden state and this step's token" });
    for (int k = 0; k < 3; k++)
        dg_edge(dg_anchor(xin, DG_N), dg_anchor(gb[k], DG_S),
                &(dg_edge_style){ .route = DG_CURVE, .width = 2, .alpha = 0.5f });

    /* worked update for the busiest unit, then the parameter counts */
    int j = busiest_unit(run->h, run->h0, t);
    const float *hprev = t ? run->h->data + (t - 1) * H : run->h0->data;
    char z[16], n[16], hp[16], hn[16], head[96];
    fmt3(z, sizeof z, run->gate[1]->data[t * H + j]);
    fmt3(n, sizeof n, run->gate[2]->data[t * H + j]);
    fmt3(hp, sizeof hp, hprev[j]);
    fmt3(hn, sizeof hn, run->h->data[t * H + j]);
    dg_rect rows[4];
    dg_split_rows(side, 4, 12, (float[]){0.7f, 0.7f, 0.9f, 2.6f}, rows);
    snprintf(head, sizeof head, "Step %d, token '%s', unit %d:", t + 1, lstm_token_name(st->in.ids[t]), j);
    dg_text(rows[0], DG_TEXT_H2, GFX_BOLD, GFX_LEFT | GFX_MIDDLE, th->text, head);
    dg_text(rows[1], DG_TEXT_BODY, GFX_SANS, GFX_LEFT | GFX_MIDDLE, th->text_dim,
            "h_t = (1 - z) \xe2\x8a\x99 n + z \xe2\x8a\x99 h_{t-1}");
    dg_term e[] = {
        {"h = (1 -", {0}, {0}, false}, {z, {run->gate[1], {t, j}}, {0}, true}, {") \xc3\x97", {0}, {0}, false},
        {n, {run->gate[2], {t, j}}, {0}, true}, {"+", {0}, {0}, false}, {z, {run->gate[1], {t, j}}, {0}, true},
        {"\xc3\x97", {0}, {0}, false}, {hp, {t ? run->h : NULL, {t ? t - 1 : 0, j}}, {0}, true},
        {"=", {0}, {0}, false}, {hn, {run->h, {t, j}}, {0}, true}};
    dg_equation(rows[2], e, 10, DG_TEXT_BODY);
    /* the counts and the formula come from the weights' shapes */
    const lstm_cell_weights *w = &st->m.cell[st->li][LSTM_CELL_RNN];
    int Hs = w->w_hh->shape[1], Is = w->w_ih->shape[1];
    char labels[3][32], title[128];
    static const int kinds[3] = {LSTM_CELL_RNN, LSTM_CELL_GRU, LSTM_CELL_LSTM};   /* as param_t */
    for (int k = 0; k < 3; k++)
        snprintf(labels[k], sizeof labels[k], "%s, %d block%s", lstm_cell_title(kinds[k]),
                 st->m.cell[st->li][kinds[k]].gates, kinds[k] ? "s" : "");
    const char *lp[3] = {labels[0], labels[1], labels[2]};
    snprintf(title, sizeof title, "parameters = blocks \xc3\x97 (%d\xc2\xb7%d + %d\xc2\xb7%d + %d + %d)",
             Hs, Is, Hs, Hs, Hs, Hs);
    dg_bars(rows[3], &(dg_src){ .t = st->param_t }, &(dg_bars_style){ .title = title, .labels = lp, .mark = -1 });
}
