/* calib_diagram.c: draws the calibration card's diagram beats (see
 * calib_diagram.h) with the diagram library only: beat 4 a log-scale loss
 * plot and a decision-field plane, beat 5 two region planes with trails,
 * beat 6 an LSTM cell as a block diagram with a linked equation and a
 * callout. Layout comes from dg_stage(), so 16:9 and 4:3 both fill.
 */
#include <math.h>
#include <stdio.h>
#include "calib_diagram.h"
#include "diagram/diagram.h"

extern const float calib_extent[4];

static float max_norm(const float *v, int n)
{
    float m = 1e-12f;
    for (int i = 0; i < n; i++) m = fmaxf(m, hypotf(v[2 * i], v[2 * i + 1]));
    return m;
}

static dg_rect heading(const char *title, const char *subtitle)
{
    dg_rect st = dg_stage();
    float h = dg_heading(st, title, subtitle);
    dg_cut_top(&st, h, 24);
    return st;
}

static dg_plane_style plane_style(const char *title)
{
    return (dg_plane_style){.title = title, .xlabel = "x_1", .ylabel = "x_2",
                            .x_lo = calib_extent[0], .x_hi = calib_extent[1],
                            .y_lo = calib_extent[2], .y_hi = calib_extent[3]};
}

/* Beat 4: the loss of both optimisers on a log axis, Adam's batch spread as
 * a band, a marker walking along Adam's curve; Adam's field beside it. */
static void draw_plot_beat(const calib_dg *d, const scene_clock *c)
{
    dg_rect st = heading("Line plot and plane",
                         "Training loss of a 2-16-2 MLP on two moons, and what the net decides");
    /* On a tall (4:3) stage the plane is as wide as the plot: it is square-ish
     * and would leave its column half empty. */
    dg_rect cols[2];
    float wide = st.w / st.h > 2.0f ? 1.3f : 1.0f;
    dg_split_cols(st, 2, DG_GAP * 2, (const float[]){wide, 1.0f}, cols);
    const float *ep = d->epoch->data;
    dg_plot *p = dg_plot_begin(cols[0], &(dg_plot_style){.title = "Cross-entropy per epoch",
                                                        .xlabel = "epoch", .ylabel = "loss", .ylog = true});
    dg_plot_band(p, ep, d->adam_min->data, d->adam_max->data, CALIB_E, dg_category(1));
    dg_plot_line(p, &(dg_series){.label = "SGD, lr 0.2", .x = ep, .y = d->sgd_loss->data,
                                 .n = CALIB_E, .color = dg_category(0), .t = d->sgd_loss});
    dg_plot_line(p, &(dg_series){.label = "Adam, lr 0.05", .x = ep, .y = d->adam_loss->data,
                                 .n = CALIB_E, .color = dg_category(1), .points = true, .t = d->adam_loss});
    int first = -1;
    for (int e = 0; e < CALIB_E && first < 0; e++)
        if (d->adam_loss->data[e] < 0.1f) first = e;
    char vl[48], ml[64], v[24];
    if (first >= 0) {
        snprintf(vl, sizeof vl, "Adam < 0.1 at epoch %d", first + 1);
        dg_plot_vline(p, ep[first], vl);
    }
    int k = (int)(scene_between_linear(c, 0.05f, 0.9f) * (float)(CALIB_E - 1));
    snprintf(ml, sizeof ml, "epoch %d: %s", k + 1, dg_fmt(v, sizeof v, d->adam_loss->data[k], 3, 8, false));
    dg_plot_marker(p, ep[k], d->adam_loss->data[k], ml);
    dg_plot_end(p);

    dg_plane_style ps = plane_style("Adam: P(lower moon)");
    dg_plane *q = dg_plane_begin(cols[1], &ps);
    dg_plane_field(q, &(dg_src){.t = d->p1}, 0, 1, DG_CMAP_SEQ, "P(class 1)");
    dg_plane_points(q, &(dg_src){.t = d->x}, CALIB_N, d->cls, (gfx_color){0}, 6);
    float s = 0.45f / max_norm(d->dx->data, CALIB_K);
    dg_plane_arrows(q, d->kx->data, d->dx->data, CALIB_K, s * scene_between(c, 0.2f, 0.6f),
                    dg_theme()->text);
    dg_plane_end(q);
}

/* Beat 5: what each optimiser's net decides, and points pushed down Adam's
 * loss (their trails grow through the beat). */
static void draw_plane_beat(const calib_dg *d, const scene_clock *c)
{
    dg_rect st = heading("Planes: regions, points, trails",
                         "Each net's class per region; points walk down the loss of their own class");
    dg_rect cols[2];
    dg_split_cols(st, 2, DG_GAP * 2, NULL, cols);
    char t0[64], t1[64];
    snprintf(t0, sizeof t0, "SGD: %.0f%% right", (double)(d->sgd_acc * 100));
    snprintf(t1, sizeof t1, "Adam: %.0f%% right", (double)(d->adam_acc * 100));
    dg_plane_style s0 = plane_style(t0), s1 = plane_style(t1);
    s0.no_legend = s1.no_legend = true;
    dg_plane *p = dg_plane_begin(cols[0], &s0);
    dg_plane_regions(p, d->sgd_region, CALIB_G, CALIB_G, "class");
    dg_plane_points(p, &(dg_src){.t = d->x}, CALIB_N, d->cls, (gfx_color){0}, 6);
    dg_plane_end(p);
    dg_plane *q = dg_plane_begin(cols[1], &s1);
    dg_plane_regions(q, d->adam_region, CALIB_G, CALIB_G, "class");
    dg_plane_points(q, &(dg_src){.t = d->x}, CALIB_N, d->cls, (gfx_color){0}, 6);
    int steps = 2 + (int)(scene_between_linear(c, 0.1f, 0.85f) * (float)(CALIB_S - 2));
    dg_plane_points(q, &(dg_src){.t = d->kx}, CALIB_K, NULL, dg_theme()->text, 7);
    dg_plane_trails(q, d->traj->data, steps, CALIB_K, dg_theme()->text);
    dg_plane_end(q);
}

/* A row of H values of tensor t (row 0) inside r: tinted cells, numbers,
 * hover items, lit when linked. */
static void value_row(dg_rect r, const ts_tensor *t, float lo, float hi)
{
    int n = t->shape[t->ndim - 1];
    dg_rect cells[8];
    if (n > 8) n = 8;
    dg_split_cols(r, n, 8, NULL, cells);
    const ui_theme *th = dg_theme();
    for (int j = 0; j < n; j++) {
        int idx[TS_MAX_DIMS] = {0, j};
        float v = t->data[j];
        float u = (v - lo) / (hi - lo);
        dg_rect cr = cells[j];
        gfx_rrect(cr.x, cr.y, cr.w, cr.h, 8, gfx_fade(gfx_cmap_color(GFX_CMAP_DIVERGING, u), 0.55f));
        if (dg_linked(t, idx)) gfx_rrect_line(cr.x - 3, cr.y - 3, cr.w + 6, cr.h + 6, 10, 4, th->accent);
        char s[16];
        dg_text(cr, (float)DG_TEXT_LABEL, GFX_SANS, GFX_CENTER | GFX_MIDDLE, th->text,
                dg_fmt(s, sizeof s, v, 3, 5, false));
        dg_hover_item(cr, t, idx, v, NULL, NULL);
    }
}

static void value_box(dg_rect r, const char *title, const ts_tensor *t)
{
    value_row(dg_box(r, title, NULL), t, -1.0f, 1.0f);
}

/* A gate's value for unit 0, as a one-term equation linked to lstm.gates. */
static void gate_value(const calib_dg *d, dg_pt at, int gate, const char *name)
{
    char s[16], lab[24];
    dg_fmt(s, sizeof s, d->gates->data[gate * CALIB_H], 3, 6, false);
    snprintf(lab, sizeof lab, "%s_0", name);
    dg_term t[] = {{.text = lab, .color = dg_theme()->text_dim}, {.text = "="},
                   {.text = s, .ref = {d->gates, {0, gate * CALIB_H}}}};
    dg_equation((dg_rect){at.x - 110, at.y, 220, 44}, t, 3, (float)DG_TEXT_LABEL);
}

static void draw_block_beat(const calib_dg *d, const scene_clock *c)
{
    (void)c;
    const ui_theme *th = dg_theme();
    dg_rect st = heading("Block diagram: one LSTM step",
                         "Boxes, operator nodes and edges; hover a number to see where it goes");
    dg_rect eq = dg_cut_bottom(&st, 70, 20);
    dg_rect left = dg_cut_left(&st, 300, DG_GAP * 2), right = dg_cut_right(&st, 330, DG_GAP * 2);
    dg_rect C = dg_box(st, "LSTM cell", NULL);
    float yc = C.y + 0.10f * C.h, ym = C.y + 0.42f * C.h, yg = C.y + 0.72f * C.h, yb = C.y + 0.97f * C.h;
    float xf = C.x + 0.12f * C.w, xi = C.x + 0.30f * C.w, xg = C.x + 0.52f * C.w;
    float xo = C.x + 0.70f * C.w, xt = C.x + 0.88f * C.w, xm = (xi + xg) * 0.5f;
    float R = 34;
    dg_rect lrows[3], rrows[3];
    dg_split_rows(left, 3, DG_GAP, NULL, lrows);
    dg_split_rows(right, 3, DG_GAP, NULL, rrows);
    dg_rect bc0 = dg_fit_aspect(lrows[0], 2.6f, GFX_CENTER | GFX_MIDDLE);
    dg_rect bh0 = dg_fit_aspect(lrows[1], 2.6f, GFX_CENTER | GFX_MIDDLE);
    dg_rect bx = dg_fit_aspect(lrows[2], 2.6f, GFX_CENTER | GFX_MIDDLE);
    bc0.y = yc - bc0.h * 0.5f;
    dg_rect bc1 = dg_fit_aspect(rrows[0], 2.6f, GFX_CENTER | GFX_MIDDLE);
    dg_rect bh1 = dg_fit_aspect(rrows[1], 2.6f, GFX_CENTER | GFX_MIDDLE);
    bc1.y = yc - bc1.h * 0.5f;
    bh1.y = yg - bh1.h * 0.5f;

    gfx_color cell_c = th->accent2, flow_c = th->text_dim;
    dg_pt J = {C.x + 0.04f * C.w, yb};
    /* the inputs meet at J and feed every gate from below */
    dg_edge(dg_anchor(bh0, DG_E), J, &(dg_edge_style){.route = DG_ELBOW_H, .no_head = true, .flow = 0.4f, .label = "h_0"});
    dg_edge(dg_anchor(bx, DG_E), J, &(dg_edge_style){.route = DG_ELBOW_H, .no_head = true, .flow = 0.4f, .label = "x"});
    const float gx[4] = {xf, xi, xg, xo};
    const char *sym[4] = {"\xcf\x83", "\xcf\x83", "tanh", "\xcf\x83"};
    const char *gname[4] = {"f", "i", "g", "o"};
    const int gate_of[4] = {1, 0, 2, 3};       /* PyTorch order i, f, g, o */
    for (int k = 0; k < 4; k++)
        dg_edge(J, (dg_pt){gx[k], yg + R}, &(dg_edge_style){.route = DG_ELBOW_H, .color = flow_c, .flow = 0.5f});
    /* the cell state line */
    dg_edge(dg_anchor(bc0, DG_E), (dg_pt){xf - R, yc}, &(dg_edge_style){.color = cell_c, .width = 6, .label = "c_0"});
    dg_edge((dg_pt){xf + R, yc}, (dg_pt){xm - R, yc}, &(dg_edge_style){.color = cell_c, .width = 6, .flow = 0.3f});
    dg_edge((dg_pt){xm + R, yc}, dg_anchor(bc1, DG_W), &(dg_edge_style){.color = cell_c, .width = 6, .flow = 0.3f, .label = "c_1"});
    dg_edge((dg_pt){xt, yc}, (dg_pt){xt, ym - R - 4}, &(dg_edge_style){.color = cell_c, .width = 4});
    gfx_circle(xt, yc, 8, cell_c);
    /* gates to their operators */
    dg_edge((dg_pt){xf, yg - R}, (dg_pt){xf, yc + R}, &(dg_edge_style){.label = "f"});
    dg_edge((dg_pt){xi, yg - R}, (dg_pt){xm - R, ym}, &(dg_edge_style){.route = DG_CURVE, .label = "i"});
    dg_edge((dg_pt){xg, yg - R}, (dg_pt){xm + R, ym}, &(dg_edge_style){.route = DG_CURVE, .label = "g"});
    dg_edge((dg_pt){xm, ym - R}, (dg_pt){xm, yc + R}, &(dg_edge_style){.label = "i\xc2\xb7g"});
    dg_edge((dg_pt){xo + R + 12, yg}, (dg_pt){xt - R, yg}, &(dg_edge_style){.label = "o"});
    dg_edge((dg_pt){xt, ym + R}, (dg_pt){xt, yg - R}, NULL);
    dg_edge((dg_pt){xt + R, yg}, dg_anchor(bh1, DG_W), &(dg_edge_style){.route = DG_ELBOW_H, .bend = 0.5f, .flow = 0.4f, .label = "h_1"});
    /* nodes on top of the edges */
    for (int k = 0; k < 4; k++) {
        char hv[96];
        snprintf(hv, sizeof hv, "%s gate: %s(W x + U h + b)", gname[k], k == 2 ? "tanh" : "\xcf\x83");
        dg_op((dg_pt){gx[k], yg}, R, sym[k], &(dg_box_style){.hover = hv});
        gate_value(d, (dg_pt){gx[k], yg + R + 40}, gate_of[k], gname[k]);
    }
    dg_op((dg_pt){xf, yc}, R, "\xc3\x97", &(dg_box_style){.hover = "forget: f \xc3\x97 c_0"});
    dg_op((dg_pt){xm, ym}, R, "\xc3\x97", &(dg_box_style){.hover = "input: i \xc3\x97 g"});
    dg_op((dg_pt){xm, yc}, R, "+", &(dg_box_style){.hover = "c_1 = f c_0 + i g"});
    dg_op((dg_pt){xt, ym}, R, "tanh", NULL);
    dg_op((dg_pt){xt, yg}, R, "\xc3\x97", &(dg_box_style){.hover = "h_1 = o \xc3\x97 tanh(c_1)"});
    value_box(bc0, "c_0", d->c0);
    value_box(bh0, "h_0", d->h0);
    value_box(bx, "x", d->lx);
    value_box(bc1, "c_1", d->c1);
    value_box(bh1, "h_1", d->h1);

    /* the worked equation of unit 0, every number linked */
    const float *g = d->gates->data;
    char f0[16], c00[16], i0[16], g0[16], c10[16];
    dg_fmt(f0, sizeof f0, g[CALIB_H], 3, 6, false);
    dg_fmt(c00, sizeof c00, d->c0->data[0], 3, 6, false);
    dg_fmt(i0, sizeof i0, g[0], 3, 6, false);
    dg_fmt(g0, sizeof g0, g[2 * CALIB_H], 3, 6, false);
    dg_fmt(c10, sizeof c10, d->c1->data[0], 3, 6, false);
    dg_term t[] = {
        {.text = "c_1[0] = f\xc2\xb7" "c_0 + i\xc2\xb7g =", .color = th->text_dim},
        {.text = f0, .ref = {d->gates, {0, CALIB_H}}}, {.text = "\xc3\x97"}, {.text = c00, .ref = {d->c0, {0, 0}}}, {.text = "+"},
        {.text = i0, .ref = {d->gates, {0, 0}}}, {.text = "\xc3\x97"}, {.text = g0, .ref = {d->gates, {0, 2 * CALIB_H}}},
        {.text = "="}, {.text = c10, .ref = {d->c1, {0, 0}}, .bold = true},
    };
    dg_equation(eq, t, (int)(sizeof t / sizeof t[0]), (float)DG_TEXT_H2);

    char note[160];
    snprintf(note, sizeof note, "The output gate lets %.0f%% of tanh(c_1) out as h_1.",
             (double)(g[3 * CALIB_H] * 100));
    dg_rect cr = {right.x, bh1.y + bh1.h + DG_GAP, right.w, 0};
    cr.h = fminf(right.y + right.h - cr.y, 150);
    dg_callout(cr, (dg_pt){xt + R * 0.7f, yg + R * 0.7f}, note);
}

void calib_dg_draw(const calib_dg *d, int k, const scene_clock *c)
{
    if (k == 0) draw_plot_beat(d, c);
    else if (k == 1) draw_plane_beat(d, c);
    else draw_block_beat(d, c);
}
