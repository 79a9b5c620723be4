/* diff_draw.c: the diffusion scene's pictures, drawn with the diagram
 * library only. Pure: it reads what update computed. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "scenes/diffusion/diff_scene.h"

#define EXT 3.2f

diff_layout diff_layout_for(int beat, bool controls, bool digits) {
    diff_layout L = { 0 };
    dg_rect st = dg_stage();
    if (beat == DB_SCHEDULES || beat == DB_FEWER) {   /* whole-stage comparisons */
        L.side = st;
        return L;
    }
    L.plane = dg_cut_left(&st, fminf(st.h, st.w * 0.5f), DG_GAP);   /* square; half the stage at most, so 4:3 keeps a side panel */
    L.side = st;
    int rows = digits ? 3 : 4;   /* digits: seed, t, class and guidance; points: seed, data, schedule, lr, t */
    if (controls) {   /* where the widgets float; the side panel keeps its room */
        dg_rect s = L.side;
        L.controls = dg_cut_bottom(&s, rows * ui_row_height() + (rows - 1) * 14, DG_GAP);
    }
    return L;
}

const dg_plane_style diff_plane_style = { .title = "", .no_legend = true, .x_lo = -EXT, .x_hi = EXT,
                                          .y_lo = -EXT, .y_hi = EXT };

static dg_plane *plane(dg_rect r, const char *title) {
    dg_plane_style s = diff_plane_style;
    s.title = title;
    return dg_plane_begin(r, &s);
}

static void points(dg_plane *p, const ts_tensor *t, gfx_color c) {
    dg_plane_points(p, &(dg_src){ .t = t }, DIFF_N, NULL, c, 5);
}

dg_rect diff_side_text(dg_rect side, const char *title, const char *body) {
    const ui_theme *th = dg_theme();
    dg_cut_top(&side, dg_heading(side, title, NULL), 10);
    if (body)
        dg_cut_top(&side, dg_text((dg_rect){ side.x, side.y, side.w, 3.6f * DG_TEXT_BODY * 1.25f },
                                  DG_TEXT_BODY, GFX_SANS, GFX_LEFT | GFX_TOP, th->text_dim, body),
                   DG_GAP);
    return side;
}

static const char *num(char *b, float v) { return dg_fmt(b, 24, v, 3, 8, false); }

/* Point 0's two coordinates as a vector "(a, b)" in one term each. */
#define VEC(b0, b1, t, i, col) \
    { "(", { 0 }, th->text_dim, false }, { num(b0, (t)->data[2 * (i)]), { (t), { (i), 0 } }, col, true }, \
    { ", ", { 0 }, th->text_dim, false }, { num(b1, (t)->data[2 * (i) + 1]), { (t), { (i), 1 } }, col, true }, \
    { ")", { 0 }, th->text_dim, false }

static void beat_recipe(const diff_state *st, diff_layout L) {
    const diff_model *m = &st->m;
    const ui_theme *th = dg_theme();
    char title[64];
    snprintf(title, sizeof title, "step %d: x_{t\xe2\x88\x92" "1} (grey) to x_t (gold)", st->t_cur);
    dg_plane *p = plane(L.plane, title);
    points(p, st->xprev1, gfx_fade(th->text_dim, 0.8f));
    float d[2 * DIFF_N];
    for (int i = 0; i < 2 * DIFF_N; i++) d[i] = st->x1->data[i] - st->xprev1->data[i];
    dg_plane_arrows(p, st->xprev1->data, d, DIFF_N, 1.0f, th->accent2);
    points(p, st->x1, gfx_fade(th->accent, 0.8f));
    dg_plane_end(p);
    dg_rect s = diff_side_text(L.side, "One step of noise",
                          "x_t = \xe2\x88\x9a(1 \xe2\x88\x92 \xce\xb2_t) x_{t\xe2\x88\x92" "1} + \xe2\x88\x9a\xce\xb2_t \xce\xb5");
    char bt[24], a[24], b[24], c0[24], c1[24], d0[24], d1[24], e0[24], e1[24];
    int t = st->t_cur;
    snprintf(bt, sizeof bt, "%d", t);
    float beta = m->sched->betas[t];
    dg_term eq[] = {
        { "t = ", { 0 }, th->text_dim, false }, { bt, { 0 }, th->text, true },
        { "    \xce\xb2_t = ", { 0 }, th->text_dim, false }, { num(a, beta), { m->betas, { t } }, th->accent, true },
    };
    dg_equation(dg_cut_top(&s, 56, 16), eq, 4, DG_TEXT_H2);
    snprintf(b, sizeof b, "%.4f", sqrtf(1 - beta));
    char sb[24];
    snprintf(sb, sizeof sb, "%.4f", sqrtf(beta));
    dg_term one[] = {
        { "x_t = ", { 0 }, th->text_dim, false }, { b, { 0 }, th->text, true },
        { " \xc2\xb7 ", { 0 }, th->text_dim, false }, VEC(c0, c1, st->xprev1, 0, th->text),
        { " + ", { 0 }, th->text_dim, false }, { sb, { 0 }, th->text, true },
        { " \xc2\xb7 ", { 0 }, th->text_dim, false }, VEC(d0, d1, st->noise1, 0, th->accent2),
    };
    dg_equation(dg_cut_top(&s, 60, 12), one, 16, DG_TEXT_BODY);
    dg_term res[] = { { "= ", { 0 }, th->text_dim, false }, VEC(e0, e1, st->x1, 0, th->accent) };
    dg_equation(dg_cut_top(&s, 60, DG_GAP), res, 6, DG_TEXT_H2);
    dg_text(dg_cut_top(&s, 3 * DG_TEXT_BODY * 1.25f, 0), DG_TEXT_BODY, GFX_SANS, GFX_LEFT | GFX_TOP,
            th->text_dim, "Grey: the data after t\xe2\x88\x92" "1 steps. Gold: one more step; the blue "
            "arrows show how far each point moved. The numbers are point 0.");
}

void diff_schedule_plot(const diff_state *st, dg_rect r, bool both, bool snr) {
    const ui_theme *th = dg_theme();
    dg_plot *p = dg_plot_begin(r, &(dg_plot_style){ .title = snr ? "signal-to-noise ratio \xe1\xbe\xb1/(1\xe2\x88\x92\xe1\xbe\xb1)" : "\xe1\xbe\xb1_t, the signal left",
                                                    .xlabel = "t", .ylog = snr,
                                                    .x_lo = 0, .x_hi = DIFF_T, .no_legend = !both });
    const diff_model *m = &st->m;
    bool cos = m->cfg.cosine && !st->dg.on;   /* the image model is on the linear schedule */
    const ts_tensor *a = snr ? st->snr_lin : st->ab_lin, *b = snr ? st->snr_cos : st->ab_cos;
    if (both || !cos) dg_plot_line(p, &(dg_series){ .label = "linear", .y = a->data, .n = DIFF_T, .t = a, .color = dg_category(0) });
    if (both || cos) dg_plot_line(p, &(dg_series){ .label = "cosine", .y = b->data, .n = DIFF_T, .t = b, .color = dg_category(1) });
    const ts_tensor *cur = cos ? b : a;
    char lab[48];
    snprintf(lab, sizeof lab, "t = %d", st->t_cur);
    /* a short plot keeps the dot but drops its label, which would meet the ticks */
    dg_plot_marker(p, (float)st->t_cur, cur->data[st->t_cur], r.h >= 400 ? lab : NULL);
    dg_plot_end(p);
    (void)th;
}

static void beat_many(const diff_state *st, diff_layout L) {
    const diff_model *m = &st->m;
    const ui_theme *th = dg_theme();
    char title[64];
    snprintf(title, sizeof title, "x_t at t = %d", st->t_cur);
    dg_plane *p = plane(L.plane, title);
    points(p, m->xt, th->accent);
    dg_plane_end(p);
    dg_rect rows[2];
    dg_split_rows(L.side, 2, DG_GAP, NULL, rows);
    diff_schedule_plot(st, rows[0], false, false);
    diff_schedule_plot(st, rows[1], false, true);
}

static void beat_shortcut(const diff_state *st, diff_layout L) {
    const diff_model *m = &st->m;
    const ui_theme *th = dg_theme();
    dg_plane *p = plane(L.plane, "x_0 (grey) and x_t in one jump (gold)");
    points(p, m->x0, gfx_fade(th->text_dim, 0.6f));
    points(p, m->xt, th->accent);
    dg_plane_end(p);
    dg_rect s = diff_side_text(L.side, "A shortcut to any step",
                          "x_t = \xe2\x88\x9a\xe1\xbe\xb1_t x_0 + \xe2\x88\x9a(1 \xe2\x88\x92 \xe1\xbe\xb1_t) \xce\xb5,"
                          "   \xe1\xbe\xb1_t = \xce\xa0 (1 \xe2\x88\x92 \xce\xb2_s)");
    int t = st->t_cur;
    char a[24], b[24], ab[24], x0a[24], x0b[24], ea[24], eb[24], ra[24], rb[24], tt[24];
    snprintf(tt, sizeof tt, "%d", t);
    snprintf(a, sizeof a, "%.4f", m->sched->sqrt_alpha_bar[t]);
    snprintf(b, sizeof b, "%.4f", m->sched->sqrt_one_minus_alpha_bar[t]);
    dg_term h[] = { { "t = ", { 0 }, th->text_dim, false }, { tt, { 0 }, th->text, true },
                    { "    \xe1\xbe\xb1_t = ", { 0 }, th->text_dim, false },
                    { num(ab, m->sched->alpha_bar[t]), { m->alpha_bar, { t } }, th->accent, true } };
    dg_equation(dg_cut_top(&s, 56, 16), h, 4, DG_TEXT_H2);
    dg_term e[] = { { a, { 0 }, th->text, true }, { " \xc2\xb7 ", { 0 }, th->text_dim, false },
                    VEC(x0a, x0b, m->x0, 0, th->text), { " + ", { 0 }, th->text_dim, false },
                    { b, { 0 }, th->text, true }, { " \xc2\xb7 ", { 0 }, th->text_dim, false },
                    VEC(ea, eb, m->eps, 0, th->accent2) };
    dg_equation(dg_cut_top(&s, 60, 12), e, 14, DG_TEXT_BODY);
    dg_term r[] = { { "x_t = ", { 0 }, th->text_dim, false }, VEC(ra, rb, m->xt, 0, th->accent) };
    dg_equation(dg_cut_top(&s, 60, DG_GAP), r, 6, DG_TEXT_H2);
    diff_schedule_plot(st, s, false, false);
}

static void beat_schedules(const diff_state *st, diff_layout L) {
    const diff_model *m = &st->m;
    const ui_theme *th = dg_theme();
    dg_rect s = L.side, cols[2], left;
    left = dg_cut_left(&s, s.w * 0.64f, DG_GAP);
    dg_rect nums = dg_cut_bottom(&left, DG_TEXT_H2 * 1.5f, 12);
    dg_split_cols(left, 2, DG_GAP, NULL, cols);
    dg_rect ncols[2];
    dg_split_cols(nums, 2, DG_GAP, NULL, ncols);
    /* xt is the schedule in use; xt_cos holds the other one */
    const ts_tensor *lin = m->cfg.cosine ? st->xt_cos : m->xt, *cos = m->cfg.cosine ? m->xt : st->xt_cos;
    const ts_tensor *sets[2] = { lin, cos };
    const char *names[2] = { "linear", "cosine" };
    const ts_tensor *ab[2] = { st->ab_lin, st->ab_cos };
    for (int i = 0; i < 2; i++) {
        char t[64];
        snprintf(t, sizeof t, "%s, t = %d", names[i], st->t_cur);
        dg_plane *p = plane(dg_fit_aspect(cols[i], 1, GFX_CENTER | GFX_MIDDLE), t);
        points(p, sets[i], dg_category(i));
        dg_plane_end(p);
        dg_textf(ncols[i], DG_TEXT_H2, GFX_BOLD, GFX_CENTER | GFX_MIDDLE, dg_category(i),
                 "\xe1\xbe\xb1 = %.3f", (double)ab[i]->data[st->t_cur]);
    }
    diff_schedule_plot(st, s, true, false);
    (void)th;
}

static void beat_train(const diff_state *st, diff_layout L) {
    const diff_model *m = &st->m;
    const ui_theme *th = dg_theme();
    char title[64];
    snprintf(title, sizeof title, "x_t at t = %d and the predicted noise", st->t_cur);
    dg_plane *p = plane(L.plane, title);
    points(p, m->xt, th->accent);
    float dxy[2 * DIFF_N];
    for (int i = 0; i < 2 * DIFF_N; i++) dxy[i] = -m->eps_pred->data[i] * m->sched->sqrt_one_minus_alpha_bar[st->t_cur];
    dg_plane_arrows(p, m->xt->data, dxy, 160, 1.0f, th->accent2);
    dg_plane_end(p);
    dg_rect s = L.side;
    char head[64];
    snprintf(head, sizeof head, "Training step %d", m->step);
    dg_cut_top(&s, dg_heading(s, head, "loss = mean (\xce\xb5_pred \xe2\x88\x92 \xce\xb5)\xc2\xb2"), 12);
    dg_plot *pl = dg_plot_begin(s, &(dg_plot_style){ .title = "training loss", .xlabel = "step",
                                                     .x_lo = 0, .x_hi = (float)(st->live ? m->step + 1 : st->story_steps),
                                                     .y_lo = 0, .y_hi = 1.2f });
    if (m->step > 0)
    {
        dg_plot_line(pl, &(dg_series){ .label = "each step", .y = m->hist_loss + 1, .n = m->step,
                                       .color = gfx_fade(th->accent, 0.35f), .width = 2 });
        dg_plot_line(pl, &(dg_series){ .label = "running average", .y = m->hist_avg + 1, .n = m->step,
                                       .color = th->accent, .width = 5 });
    }
    dg_plot_end(pl);
}

static void beat_reverse(const diff_state *st, diff_layout L) {
    const diff_model *m = &st->m;
    const ui_theme *th = dg_theme();
    char title[64];
    snprintf(title, sizeof title, "one step back: t = %d", m->r_t);
    dg_plane *p = plane(L.plane, title);
    points(p, m->r_xt, gfx_fade(th->text_dim, 0.7f));
    points(p, m->r_prev, th->accent);
    dg_plane_end(p);
    dg_rect s = diff_side_text(L.side, "One step back", NULL);
    char a0[24], a1[24], b0[24], b1[24], c0[24], c1[24], d0[24], d1[24], e0[24], e1[24];
    struct { const char *name; const ts_tensor *t; gfx_color c; char *x, *y; } rows[] = {
        { "x_t", m->r_xt, th->text, a0, a1 },
        { "\xce\xb5_pred", m->r_eps, th->accent2, b0, b1 },
        { "x_0 guess", m->r_x0_pred, th->text, c0, c1 },
        { "posterior mean", m->r_mean, th->text, d0, d1 },
        { "x_{t\xe2\x88\x92" "1} = mean + \xcf\x83 z", m->r_prev, th->accent, e0, e1 },
    };
    for (int i = 0; i < 5; i++) {
        dg_term row[] = { { rows[i].name, { 0 }, th->text_dim, false }, { "  ", { 0 }, th->text_dim, false },
                          VEC(rows[i].x, rows[i].y, rows[i].t, 0, rows[i].c) };
        dg_equation(dg_cut_top(&s, 56, 8), row, 7, DG_TEXT_BODY);
    }
    dg_text(dg_cut_top(&s, 2 * DG_TEXT_BODY * 1.25f, DG_GAP), DG_TEXT_BODY, GFX_SANS, GFX_LEFT | GFX_TOP,
            th->text_dim, "Point 0 of the chain. Grey: x_t; gold: x_{t\xe2\x88\x92" "1} for every point.");
    dg_text(dg_cut_top(&s, 3 * DG_TEXT_BODY * 1.25f, 0), DG_TEXT_BODY, GFX_MONO, GFX_LEFT | GFX_TOP,
            th->text_dim,
            "x_0 guess = (x_t \xe2\x88\x92 \xe2\x88\x9a(1\xe2\x88\x92\xe1\xbe\xb1) \xce\xb5_pred) / \xe2\x88\x9a\xe1\xbe\xb1\n"
            "mean = c_1 x_0 guess + c_2 x_t\n"
            "\xcf\x83\xc2\xb2 = \xce\xb2 (1\xe2\x88\x92\xe1\xbe\xb1_prev) / (1\xe2\x88\x92\xe1\xbe\xb1)");
}

static void beat_chain(const diff_state *st, diff_layout L) {
    const diff_model *m = &st->m;
    const ui_theme *th = dg_theme();
    char title[64];
    int k = st->chain_k;
    if (k >= DIFF_T) snprintf(title, sizeof title, "after all %d steps back", DIFF_T);
    else snprintf(title, sizeof title, "%d steps back, now at t = %d", k, m->chain_t[k]);
    dg_plane *p = plane(L.plane, title);
    if (st->trail_n > 1) dg_plane_trails(p, st->trail->data, st->trail_n, DIFF_TRAILS, gfx_fade(th->accent2, 0.75f));
    ts_tensor cur = { .name = "x_chain", .ndim = 2, .shape = { DIFF_N, 2 }, .stride = { 2, 1 },
                      .data = (float *)diff_model_chain_at(m, k) };
    points(p, &cur, th->accent);
    dg_plane_end(p);
    dg_rect s = diff_side_text(L.side, "From pure noise to data",
                          "Blue lines: the paths of 32 points, one state every 25 steps.");
    diff_schedule_plot(st, s, false, false);
}

static void beat_fewer(const diff_state *st, diff_layout L) {
    const ui_theme *th = dg_theme();
    dg_rect s = dg_stage(), cols[DIFF_FEWER];
    (void)L;
    dg_split_cols(s, DIFF_FEWER, DG_GAP, NULL, cols);
    for (int i = 0; i < DIFF_FEWER; i++) {
        char t[64];
        snprintf(t, sizeof t, "%d steps", diff_fewer_steps[i]);
        /* the plane and its number as one group, centred in the column */
        dg_rect c = cols[i];
        float nh = DG_TEXT_H2 * 1.4f;
        dg_rect pr = dg_fit_aspect((dg_rect){ c.x, c.y, c.w, c.h - nh - 8 }, 1, GFX_CENTER | GFX_TOP);
        float top = c.y + (c.h - pr.h - nh - 8) / 2;
        pr.y = top;
        dg_rect note = { c.x, top + pr.h + 8, c.w, nh };
        dg_plane *p = plane(pr, t);
        points(p, st->fewer[i], dg_category(i));
        dg_plane_end(p);
        dg_textf(note, DG_TEXT_H2, GFX_BOLD, GFX_CENTER | GFX_MIDDLE, th->text,
                 "%.3f mean distance", (double)st->fewer_err[i]);
    }
}

void diff_draw(const void *p, const scene_clock *c, const ui_theme *th) {
    const diff_state *st = p;
    (void)th;
    if (!st->ready) return;
    int beat = st->live ? DB_TRAIN : c->beat;
    bool digits = diff_digits_shown(st, beat);
    diff_layout L = diff_layout_for(beat, false, digits);
    if (digits) {
        diff_digits_draw(st, c, beat, L);
        return;
    }
    switch (beat) {
    case DB_RECIPE: beat_recipe(st, L); break;
    case DB_MANY: beat_many(st, L); break;
    case DB_SHORTCUT: beat_shortcut(st, L); break;
    case DB_SCHEDULES: beat_schedules(st, L); break;
    case DB_TRAIN: beat_train(st, L); break;
    case DB_REVERSE: beat_reverse(st, L); break;
    case DB_CHAIN: beat_chain(st, L); break;
    default: beat_fewer(st, L); break;
    }
}
