/* gan_draw.c: the gan scene's pictures, drawn only with the diagram library.
 * A pure function of the state and the clock: it reads the tensors update
 * computed (gan_model_show) and never trains. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "scenes/gan/gan_scene.h"

const dg_plane_style gan_plane_style = { .x_lo = -GAN_EXTENT, .x_hi = GAN_EXTENT,
                                         .y_lo = -GAN_EXTENT, .y_hi = GAN_EXTENT,
                                         .xlabel = "x_1", .ylabel = "x_2" };

/* A big square plane on the left, the side panel on the right. With
 * controls, L.controls is where the widgets float, over the bottom of the
 * side panel (which keeps its size: the stage never makes room for them). */
gan_layout gan_layout_for(int beat, bool controls) {
    gan_layout L = { 0 };
    dg_rect st = dg_stage();
    L.plane = dg_cut_left(&st, fminf(st.h, st.w * 0.5f), DG_GAP);   /* square; half the stage at most, so 4:3 keeps a side panel */
    L.side = st;
    if (beat == GB_PLAYERS_MEET || beat == GB_SIDES) {
        L.side = dg_stage();
        L.plane = (dg_rect){ 0 };
        return L;
    }
    if (controls) {
        dg_rect s = L.side;
        L.controls = dg_cut_bottom(&s, 5 * ui_row_height() + 4 * 14, DG_GAP);
    }
    return L;
}

static void explain_point(const void *user, const int *idx, char *buf, size_t n) {
    const gan_model *m = user;
    int i = idx[0];
    float l = m->fake_logits->data[i];
    snprintf(buf, n, "fake = G(z[%d]);  D = %.3f (logit %.3f);  -dloss.G/dfake = (%.3g, %.3g)", i,
             1.0 / (1.0 + exp(-l)), l, -m->grad_fake->data[2 * i], -m->grad_fake->data[2 * i + 1]);
}

static void explain_real(const void *user, const int *idx, char *buf, size_t n) {
    const gan_model *m = user;
    float l = m->real_logits->data[idx[0]];
    snprintf(buf, n, "a real sample;  D = %.3f (logit %.3f)", 1.0 / (1.0 + exp(-l)), l);
}

static void explain_field(const void *user, const int *idx, char *buf, size_t n) {
    const gan_model *m = user;
    float x = -GAN_EXTENT + (idx[1] + 0.5f) * 2 * GAN_EXTENT / GAN_FIELD;
    float y = GAN_EXTENT - (idx[0] + 0.5f) * 2 * GAN_EXTENT / GAN_FIELD;
    snprintf(buf, n, "D(%.2f, %.2f) = sigmoid(%.3f): the detective's belief that a point here is real",
             x, y, m->field_logit->data[idx[0] * GAN_FIELD + idx[1]]);
}

/* The data plane: field (optional), real points, fakes, arrows. */
static void data_plane(const gan_state *st, dg_rect r, const ts_tensor *field, bool arrows,
                       bool by_mode, float fade, int mark, dg_pt *mark_at) {
    const gan_model *m = &st->m;
    const ui_theme *th = dg_theme();
    dg_plane *p = dg_plane_begin(r, &gan_plane_style);
    if (field)
        dg_plane_field(p, &(dg_src){ .t = field, .explain = explain_field, .user = m }, 0, 1,
                       DG_CMAP_DIV, "D(x)");
    if (m->cfg.target == GAN_DRAWN && m->cfg.drawn_n > 0) {
        ts_tensor drawn = { .name = "drawn", .ndim = 2, .shape = { m->cfg.drawn_n, 2 },
                            .stride = { 2, 1 }, .data = (float *)&m->cfg.drawn[0][0] };
        dg_plane_points(p, &(dg_src){ .t = &drawn }, m->cfg.drawn_n, NULL, th->text_dim, 6);
    }
    dg_plane_points(p, &(dg_src){ .t = m->real, .explain = explain_real, .user = m }, GAN_N_SHOW,
                    NULL, gfx_fade(th->text, 0.55f * fade), 5);
    dg_plane_points(p, &(dg_src){ .t = m->fake, .explain = explain_point, .user = m }, GAN_N_SHOW,
                    by_mode && m->modes ? m->nearest_mode : NULL, gfx_fade(th->accent, fade), 6);
    if (arrows) {
        /* descent direction, scaled so the longest arrow is a quarter unit */
        float mx = 1e-12f, dxy[2 * GAN_N_SHOW];
        for (int i = 0; i < 2 * GAN_N_SHOW; i++) {
            dxy[i] = -m->grad_fake->data[i];
            mx = fmaxf(mx, fabsf(dxy[i]));
        }
        dg_plane_arrows(p, m->fake->data, dxy, GAN_N_SHOW, 0.45f / mx, th->accent2);
    }
    if (mark >= 0 && mark_at)
        *mark_at = dg_plane_to_canvas(p, m->fake->data[2 * mark], m->fake->data[2 * mark + 1]);
    dg_plane_end(p);
}

/* The fake the generator's gradient pushes hardest. */
static int steepest(const gan_model *m) {
    int best = 0;
    float bn = -1;
    for (int i = 0; i < GAN_N_SHOW; i++) {
        float gx = m->grad_fake->data[2 * i], gy = m->grad_fake->data[2 * i + 1];
        if (gx * gx + gy * gy > bn) bn = gx * gx + gy * gy, best = i;
    }
    return best;
}

static void beat_meet(const gan_state *st, const scene_clock *c) {
    const ui_theme *th = dg_theme();
    dg_rect s = dg_stage(), cols[2];
    dg_rect notes = dg_cut_bottom(&s, DG_TEXT_BODY * 1.4f, 16);
    dg_split_cols(s, 2, 160, NULL, cols);
    dg_rect nl[2];
    dg_split_cols(notes, 2, 160, NULL, nl);
    char left[96], right[128];
    snprintf(left, sizeof left, "%d noise vectors z, and a grid in the noise plane", GAN_N_SHOW);
    snprintf(right, sizeof right, "gold: the %d fakes G(z)   grey: %d real points", GAN_N_SHOW, GAN_N_SHOW);
    dg_text(nl[0], DG_TEXT_BODY, GFX_SANS, GFX_CENTER | GFX_MIDDLE, th->text_dim, left);
    dg_text(nl[1], DG_TEXT_BODY, GFX_SANS, GFX_CENTER | GFX_MIDDLE, th->text_dim, right);
    /* noise plane */
    dg_plane *z = dg_plane_begin(cols[0], &(dg_plane_style){ .title = "noise z ~ N(0, I)",
                                                             .x_lo = -GAN_EXTENT, .x_hi = GAN_EXTENT,
                                                             .y_lo = -GAN_EXTENT, .y_hi = GAN_EXTENT });
    dg_plane_trails(z, st->zgrid->data, GAN_GRID_POINTS, 2 * GAN_GRID_LINES, th->text_dim);
    dg_plane_points(z, &(dg_src){ .t = st->m.z }, GAN_N_SHOW, NULL, th->accent2, 5);
    dg_plane_end(z);
    /* data plane with the bent grid */
    float grow = scene_between(c, 0.15f, 0.6f);
    dg_plane *x = dg_plane_begin(cols[1], &(dg_plane_style){ .title = "G(z) and the real data",
                                                             .x_lo = -GAN_EXTENT, .x_hi = GAN_EXTENT,
                                                             .y_lo = -GAN_EXTENT, .y_hi = GAN_EXTENT });
    dg_plane_points(x, &(dg_src){ .t = st->m.real, .explain = explain_real, .user = &st->m },
                    GAN_N_SHOW, NULL, gfx_fade(th->text, 0.55f), 5);
    dg_plane_trails(x, st->xgrid->data, GAN_GRID_POINTS, 2 * GAN_GRID_LINES,
                    gfx_fade(th->text_dim, grow));
    dg_plane_points(x, &(dg_src){ .t = st->m.fake, .explain = explain_point, .user = &st->m },
                    GAN_N_SHOW, NULL, gfx_fade(th->accent, grow), 6);
    dg_plane_end(x);
    dg_pt a = dg_anchor(cols[0], DG_E), b = dg_anchor(cols[1], DG_W);
    dg_edge((dg_pt){ a.x + 10, a.y }, (dg_pt){ b.x - 10, b.y },
            &(dg_edge_style){ .label = "G", .width = 6, .color = th->accent, .flow = 0.6f });
}

/* Side panel text block: a heading and a paragraph. */
static dg_rect side_text(dg_rect side, const char *title, const char *body) {
    const ui_theme *th = dg_theme();
    float h = dg_heading(side, title, NULL);
    dg_cut_top(&side, h, 12);
    if (body) {
        float used = dg_text((dg_rect){ side.x, side.y, side.w, 3.5f * DG_TEXT_BODY * 1.25f },
                             DG_TEXT_BODY, GFX_SANS, GFX_LEFT | GFX_TOP, th->text_dim, body);
        dg_cut_top(&side, used, DG_GAP);
    }
    return side;
}

static void beat_d_step(const gan_state *st, dg_rect side) {
    const gan_model *m = &st->m;
    const ui_theme *th = dg_theme();
    side = side_text(side, "The detective's loss",
                     "Real points should score 1, fakes 0. One Adam step on both halves of a batch:");
    char before[32], after[32];
    dg_term eq[] = {
        { "loss.D", { 0 }, th->text, true }, { " = BCE(D(real), 1) + BCE(D(fake), 0)", { 0 }, th->text_dim, false },
    };
    dg_equation(dg_cut_top(&side, 60, 16), eq, 2, DG_TEXT_BODY);
    dg_fmt(before, sizeof before, st->loss_d_before, 4, 8, false);
    dg_fmt(after, sizeof after, st->loss_d_after, 4, 8, false);
    bool done = st->after_d;
    dg_term nums[] = {
        { "before ", { 0 }, th->text_dim, false }, { before, { 0 }, th->text, true },
        { "   \xe2\x86\x92   after ", { 0 }, th->text_dim, false },
        { done ? after : "?", { m->loss_d, { 0 } }, done ? th->accent : th->text_dim, true },
    };
    dg_equation(dg_cut_top(&side, 80, DG_GAP), nums, 4, DG_TEXT_H2);
    /* the map before and after the step, side by side */
    dg_rect two[2];
    dg_split_cols(side, 2, DG_GAP, NULL, two);
    dg_matrix(two[0], &(dg_src){ .t = st->field_before },
              &(dg_matrix_style){ .title = "D(x) before", .cmap = DG_CMAP_DIV, .lo = 0, .hi = 1,
                                  .no_legend = true, .no_grid = true });
    if (done)
        dg_matrix(two[1], &(dg_src){ .t = m->field },
                  &(dg_matrix_style){ .title = "after one step", .cmap = DG_CMAP_DIV, .lo = 0, .hi = 1,
                                      .no_legend = true, .no_grid = true });
}

static void beat_g_step(const gan_state *st, dg_rect side, int k, dg_pt at) {
    const gan_model *m = &st->m;
    const ui_theme *th = dg_theme();
    side = side_text(side, "The forger's gradient",
                     "The generator never sees the real points. Its only signal is how the "
                     "detective's score changes as a fake moves:");
    char lg[32];
    dg_fmt(lg, sizeof lg, m->loss_g->data[0], 4, 8, false);
    dg_term eq[] = {
        { "loss.G", { 0 }, th->text, true },
        { m->cfg.minimax ? " = \xe2\x88\x92" "BCE(D(fake), 0) = " : " = BCE(D(fake), 1) = ", { 0 }, th->text_dim, false },
        { lg, { m->loss_g, { 0 } }, th->accent, true },
    };
    dg_equation(dg_cut_top(&side, 70, DG_GAP), eq, 3, DG_TEXT_H2);
    /* the worked example: the fake pushed hardest */
    char head[64], d[32], gx[32], gy[32];
    snprintf(head, sizeof head, "fake %d, pushed hardest:", k);
    dg_text(dg_cut_top(&side, DG_TEXT_BODY * 1.3f, 8), DG_TEXT_BODY, GFX_BOLD, GFX_LEFT | GFX_TOP, th->text, head);
    float l = m->fake_logits->data[k];
    dg_fmt(d, sizeof d, 1.0f / (1.0f + expf(-l)), 3, 8, false);
    dg_fmt(gx, sizeof gx, -m->grad_fake->data[2 * k], 3, 9, true);
    dg_fmt(gy, sizeof gy, -m->grad_fake->data[2 * k + 1], 3, 9, true);
    dg_term ex[] = {
        { "D(fake) = ", { 0 }, th->text_dim, false }, { d, { m->fake_logits, { k, 0 } }, th->text, true },
        { "    \xe2\x88\x92\xe2\x88\x82loss.G/\xe2\x88\x82" "fake = (", { 0 }, th->text_dim, false },
        { gx, { m->grad_fake, { k, 0 } }, th->accent2, true }, { ", ", { 0 }, th->text_dim, false },
        { gy, { m->grad_fake, { k, 1 } }, th->accent2, true }, { ")", { 0 }, th->text_dim, false },
    };
    dg_equation(dg_cut_top(&side, 60, DG_GAP), ex, 7, DG_TEXT_BODY);
    dg_text(dg_cut_top(&side, 2.5f * DG_TEXT_BODY * 1.25f, DG_GAP), DG_TEXT_BODY, GFX_SANS,
            GFX_LEFT | GFX_TOP, th->text_dim,
            "Blue arrows: that direction for every fake, scaled to be seen. "
            "Each is one row of grad.fake with its sign flipped.");
    dg_rect note = { side.x, side.y + 10, side.w * 0.75f, 2.6f * DG_TEXT_BODY + 24 };
    if (side.h >= note.h + 10)
        dg_callout(note, at, "this fake climbs toward where the detective says \"real\"");
}

static void beat_train(const gan_state *st, dg_rect side) {
    const gan_model *m = &st->m;
    const ui_theme *th = dg_theme();
    dg_rect top = dg_cut_top(&side, DG_TEXT_TITLE * 1.2f, 12);
    char head[96];
    snprintf(head, sizeof head, "Step %d", m->step);
    dg_heading(top, head, NULL);
    dg_plot *p = dg_plot_begin(side, &(dg_plot_style){ .title = "losses on the training batches",
                                                       .xlabel = "step", .ylabel = "loss",
                                                       .x_lo = 0, .x_hi = (float)st->story_steps,
                                                       .y_lo = 0, .y_hi = 2.0f });
    int n = m->step;
    if (n > 0) {
        dg_plot_line(p, &(dg_series){ .label = "loss.D", .y = m->hist_d + 1, .n = n, .color = dg_category(1), .width = 3 });
        dg_plot_line(p, &(dg_series){ .label = "loss.G", .y = m->hist_g + 1, .n = n, .color = dg_category(0), .width = 3 });
        dg_plot_vline(p, (float)n, NULL);
    }
    dg_plot_end(p);
    (void)th;
}

static void beat_collapse(const gan_state *st, dg_rect side) {
    const gan_model *m = &st->m;
    const ui_theme *th = dg_theme();
    if (m->modes == 0) {
        side_text(side, "Coverage", "This target is not a mixture of separate modes, so coverage is "
                                    "not defined. Try the ring or the grid.");
        return;
    }
    char head[96];
    snprintf(head, sizeof head, "%d of %d modes covered", st->cover_now, m->modes);
    float h = dg_heading(side, head, NULL);
    dg_cut_top(&side, h, 12);
    /* the coverage plot, and the shares per mode below it where there is room */
    dg_rect rows[2] = { side, { 0 } };
    bool shares = side.h >= 520;
    if (shares) dg_split_rows(side, 2, DG_GAP, (float[]){ 1.2f, 1 }, rows);
    int n = m->step / GAN_COVER_EVERY + 1;
    static float xs[GAN_MAX_STEPS / GAN_COVER_EVERY + 1];
    for (int i = 0; i < n; i++) xs[i] = (float)(i * GAN_COVER_EVERY);
    dg_plot *p = dg_plot_begin(rows[0], &(dg_plot_style){ .title = "modes covered during training",
                                                          .xlabel = "step", .ylabel = "modes",
                                                          .y_lo = 0, .y_hi = (float)m->modes, .no_legend = true });
    dg_plot_line(p, &(dg_series){ .label = "coverage", .x = xs, .y = m->hist_cover, .n = n,
                                  .color = th->accent, .width = 4 });
    dg_plot_end(p);
    if (shares)
        dg_bars(rows[1], &(dg_src){ .t = m->mode_share },
            &(dg_bars_style){ .title = "share of the fakes per mode (fair share 1/modes)",
                              .vertical = true, .mark = -1 });
}

/* One player: its layers as a pipeline of boxes, and a plane of what it sees. */
static void player(dg_rect r, const gan_state *st, const ts_mlp *net, const char *title,
                   bool is_g) {
    const gan_model *m = &st->m;
    const ui_theme *th = dg_theme();
    char t[96];
    snprintf(t, sizeof t, "%s: %ld parameters", title, ts_mlp_numel(net));
    dg_rect body = dg_box(r, t, NULL);
    dg_rect sees = dg_cut_right(&body, body.h, DG_GAP);
    dg_rect note = dg_cut_bottom(&body, DG_TEXT_BODY * 2.6f, 8);
    int L = net->d.layers;
    dg_rect cells[2 * TS_MLP_MAX_LAYERS + 1];
    dg_split_cols(body, 2 * L + 1, 30, NULL, cells);
    dg_pt prev = { 0 };
    for (int k = 0; k <= 2 * L; k++) {
        dg_rect b = cells[k];
        b.h = fminf(b.h, 150);
        b.y = cells[k].y + (cells[k].h - b.h) / 2;
        char label[64], what[64];
        if (k == 0 || k == 2 * L) {
            snprintf(label, sizeof label, "%s", k == 0 ? (is_g ? "z" : "x") : (is_g ? "fake" : "logit"));
            snprintf(what, sizeof what, "%d number%s", k == 0 ? 2 : net->d.sizes[L], k == 2 * L && !is_g ? "" : "s");
        } else if (k % 2) {
            int j = k / 2, in = net->d.sizes[j], out = net->d.sizes[j + 1];
            snprintf(label, sizeof label, "Linear");
            snprintf(what, sizeof what, "%d\xe2\x86\x92%d\n%d params", in, out, in * out + out);
        } else {
            snprintf(label, sizeof label, "%s", net->d.act == TS_ACT_LEAKY_RELU ? "Leaky" : "ReLU");
            snprintf(what, sizeof what, net->d.act == TS_ACT_LEAKY_RELU ? "slope %.2g" : "max(0, x)",
                     (double)net->d.slope);
        }
        dg_rect in = dg_box(b, label, &(dg_box_style){ .highlight = k == 0 || k == 2 * L });
        dg_text(in, DG_TEXT_LABEL, GFX_SANS, GFX_CENTER | GFX_MIDDLE, th->text_dim, what);
        if (k > 0) dg_edge(prev, dg_anchor(b, DG_W), &(dg_edge_style){ .width = 4, .flow = 0.8f });
        prev = dg_anchor(b, DG_E);
    }
    dg_text(note, DG_TEXT_BODY, GFX_SANS, GFX_LEFT | GFX_MIDDLE, th->text,
            is_g ? "Sees only noise z, and the detective's gradient at its fakes."
                 : "Sees real points and fakes, and learns to tell them apart.");
    dg_plane *p = dg_plane_begin(sees, &(dg_plane_style){ .title = is_g ? "what G sees" : "what D sees",
                                                          .x_lo = -GAN_EXTENT, .x_hi = GAN_EXTENT,
                                                          .y_lo = -GAN_EXTENT, .y_hi = GAN_EXTENT,
                                                          .no_axes = true });
    if (is_g) {
        dg_plane_points(p, &(dg_src){ .t = m->z }, GAN_N_SHOW, NULL, th->accent2, 4);
    } else {
        dg_plane_points(p, &(dg_src){ .t = m->real, .explain = explain_real, .user = m }, GAN_N_SHOW,
                        NULL, gfx_fade(th->text, 0.55f), 4);
        dg_plane_points(p, &(dg_src){ .t = m->fake, .explain = explain_point, .user = m }, GAN_N_SHOW,
                        NULL, th->accent, 4);
    }
    dg_plane_end(p);
}

void gan_draw(const void *p, const scene_clock *c, const ui_theme *th) {
    const gan_state *st = p;
    if (!st->ready) return;
    const gan_model *m = &st->m;
    int beat = st->live ? GB_TRAIN : c->beat;
    gan_layout L = gan_layout_for(beat, false);
    (void)th;
    switch (beat) {
    case GB_PLAYERS_MEET: beat_meet(st, c); return;
    case GB_SIDES: {
        dg_rect rows[2];
        dg_split_rows(L.side, 2, DG_GAP, NULL, rows);
        player(rows[0], st, m->G, "Generator (the forger)", true);
        player(rows[1], st, m->D, "Discriminator (the detective)", false);
        return;
    }
    default: break;
    }
    int k = beat == GB_G_STEP ? steepest(m) : -1;
    dg_pt at = { 0 };
    data_plane(st, L.plane, beat != GB_COLLAPSE ? m->field : NULL, beat == GB_G_STEP,
               beat == GB_COLLAPSE, 1.0f, k, &at);
    switch (beat) {
    case GB_FIELD:
        side_text(L.side, "The detective's map",
                  "Every cell of the plane is one forward pass of the discriminator: "
                  "D(x) = sigmoid(logit), the probability that x is real. The white "
                  "band is D(x) = 0.5, where it cannot tell.");
        break;
    case GB_D_STEP: beat_d_step(st, L.side); break;
    case GB_G_STEP: beat_g_step(st, L.side, k, at); break;
    case GB_TRAIN: beat_train(st, L.side); break;
    case GB_COLLAPSE: beat_collapse(st, L.side); break;
    default: break;
    }
}
