/* diff_digits_draw.c: the beats that show digits (show = digits), drawn
 * with the diagram library only. Pure: it reads what update computed.
 *
 * Every image is a 16x16 matrix in grey from -1 (paper) to +1 (ink), the
 * same scale everywhere so that images compare at a glance; noise beyond
 * the scale saturates (hover gives the exact value). One pixel, the inked
 * one nearest the centre, is outlined in every image and its numbers are
 * written out beside them.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "scenes/diffusion/diff_scene.h"

static const char *num(char *b, float v) { return dg_fmt(b, 24, v, 3, 8, false); }

/* Image i of t in r, the shown pixel outlined. */
static void digit(dg_rect r, const ts_tensor *t, int i, const char *title, bool legend, int pix) {
    dg_window w = { pix / DIG_SIZE, pix % DIG_SIZE, 1, 1, { 0 } };
    dg_matrix(r, &(dg_src){ .t = t, .lead = { i, 0 } },
              &(dg_matrix_style){ .cmap = DG_CMAP_GRAY, .lo = -1, .hi = 1, .title = title, .no_title = !title,
                                  .no_legend = !legend, .no_grid = true, .unit = "pixel value",
                                  .windows = pix >= 0 ? &w : NULL, .window_count = pix >= 0 });
}

/* The pixel's value in image i of t, as a linked equation term. */
static dg_term term(char *b, const ts_tensor *t, int i, int pix, gfx_color c) {
    return (dg_term){ num(b, t->data[(size_t)i * DIG_PIX + pix]), { t, { i, 0, pix / DIG_SIZE, pix % DIG_SIZE } },
                      c, true };
}

static dg_term text(const char *s) { return (dg_term){ s, { 0 }, dg_theme()->text_dim, false }; }

/* a * A + b * B = C as three small images with their factors between. */
static void image_sum(dg_rect r, const char *fa, const ts_tensor *a, const char *na, const char *fb,
                      const ts_tensor *b, const char *nb, const ts_tensor *c, const char *nc, int pix) {
    const ui_theme *th = dg_theme();
    float w[5] = { 1, 0.8f, 1, 0.8f, 1 };
    dg_rect col[5];
    dg_split_cols(r, 5, 8, w, col);
    digit(col[0], a, 0, na, false, pix);
    digit(col[2], b, 0, nb, false, pix);
    digit(col[4], c, 0, nc, false, pix);
    char o1[64], o2[64];
    snprintf(o1, sizeof o1, "\xc3\x97 %s\n+", fa);
    snprintf(o2, sizeof o2, "\xc3\x97 %s\n=", fb);
    dg_text(col[1], DG_TEXT_LABEL, GFX_SANS, GFX_CENTER | GFX_MIDDLE, th->text_dim, o1);
    dg_text(col[3], DG_TEXT_LABEL, GFX_SANS, GFX_CENTER | GFX_MIDDLE, th->text_dim, o2);
}

static void pixel_note(dg_rect *s, int pix) {
    char b[96];
    snprintf(b, sizeof b, "The outlined pixel (row %d, column %d); hover any pixel for its value.",
             pix / DIG_SIZE, pix % DIG_SIZE);
    dg_text(dg_cut_top(s, 2 * DG_TEXT_BODY * 1.25f, DG_GAP), DG_TEXT_BODY, GFX_SANS, GFX_LEFT | GFX_TOP,
            dg_theme()->text_dim, b);
}

static void beat_recipe(const diff_state *st, diff_layout L) {
    const diff_digits *d = &st->dg;
    const ui_theme *th = dg_theme();
    char title[64];
    snprintf(title, sizeof title, "a digit after %d steps of noise", st->t_cur);
    digit(L.plane, d->x1, 0, title, true, d->pix);
    dg_rect s = diff_side_text(L.side, "One step of noise",
                               "x_t = \xe2\x88\x9a(1 \xe2\x88\x92 \xce\xb2_t) x_{t\xe2\x88\x92" "1} + \xe2\x88\x9a\xce\xb2_t \xce\xb5");
    float beta = d->g.sched->betas[st->t_cur];
    char fa[24], fb[24];
    snprintf(fa, sizeof fa, "%.4f", sqrtf(1 - beta));
    snprintf(fb, sizeof fb, "%.4f", sqrtf(beta));
    image_sum(dg_cut_top(&s, fminf(260, s.w * 0.28f), DG_GAP), fa, d->xprev, "x_{t\xe2\x88\x92" "1}", fb, d->noise,
              "\xce\xb5", d->x1, "x_t", d->pix);
    char a[24], b[24], c[24], tb[24];
    snprintf(tb, sizeof tb, "%d", st->t_cur);
    dg_term head[] = { text("t = "), { tb, { 0 }, th->text, true }, text("    \xce\xb2_t = "),
                       { num(a, beta), { 0 }, th->accent, true } };
    dg_equation(dg_cut_top(&s, 56, 12), head, 4, DG_TEXT_H2);
    dg_term one[] = { { fa, { 0 }, th->text, true }, text(" \xc2\xb7 "), term(a, d->xprev, 0, d->pix, th->text),
                      text(" + "), { fb, { 0 }, th->text, true }, text(" \xc2\xb7 "),
                      term(b, d->noise, 0, d->pix, th->accent2), text("  =  "),
                      term(c, d->x1, 0, d->pix, th->accent) };
    dg_equation(dg_cut_top(&s, 60, 0), one, 9, DG_TEXT_H2);
    pixel_note(&s, d->pix);
}

static void beat_many(const diff_state *st, diff_layout L) {
    char title[64];
    snprintf(title, sizeof title, "x_t at t = %d", st->t_cur);
    digit(L.plane, st->dg.xt, 0, title, true, -1);
    dg_rect rows[2];
    dg_split_rows(L.side, 2, DG_GAP, NULL, rows);
    diff_schedule_plot(st, rows[0], false, false);
    diff_schedule_plot(st, rows[1], false, true);
}

static void beat_shortcut(const diff_state *st, diff_layout L) {
    const diff_digits *d = &st->dg;
    const ui_theme *th = dg_theme();
    const ts_ddpm_schedule *sc = d->g.sched;
    int t = st->t_cur;
    char title[64];
    snprintf(title, sizeof title, "x_t at t = %d in one jump", t);
    digit(L.plane, d->xt, 0, title, true, d->pix);
    dg_rect s = diff_side_text(L.side, "A shortcut to any step",
                               "x_t = \xe2\x88\x9a\xe1\xbe\xb1_t x_0 + \xe2\x88\x9a(1 \xe2\x88\x92 \xe1\xbe\xb1_t) \xce\xb5,"
                               "   \xe1\xbe\xb1_t = \xce\xa0 (1 \xe2\x88\x92 \xce\xb2_s)");
    char fa[24], fb[24];
    snprintf(fa, sizeof fa, "%.4f", sc->sqrt_alpha_bar[t]);
    snprintf(fb, sizeof fb, "%.4f", sc->sqrt_one_minus_alpha_bar[t]);
    image_sum(dg_cut_top(&s, fminf(260, s.w * 0.28f), DG_GAP), fa, d->x0, "x_0", fb, d->eps, "\xce\xb5",
              d->xt, "x_t", d->pix);
    char a[24], b[24], c[24], ab[24], tb[24];
    snprintf(tb, sizeof tb, "%d", t);
    dg_term head[] = { text("t = "), { tb, { 0 }, th->text, true }, text("    \xe1\xbe\xb1_t = "),
                       { num(ab, sc->alpha_bar[t]), { 0 }, th->accent, true } };
    dg_equation(dg_cut_top(&s, 56, 12), head, 4, DG_TEXT_H2);
    dg_term e[] = { { fa, { 0 }, th->text, true }, text(" \xc2\xb7 "), term(a, d->x0, 0, d->pix, th->text),
                    text(" + "), { fb, { 0 }, th->text, true }, text(" \xc2\xb7 "),
                    term(b, d->eps, 0, d->pix, th->accent2), text("  =  "), term(c, d->xt, 0, d->pix, th->accent) };
    dg_equation(dg_cut_top(&s, 60, DG_GAP), e, 9, DG_TEXT_H2);
    if (s.h >= 240) diff_schedule_plot(st, s, false, false);   /* the curve, where the controls leave room */
}

static void beat_schedules(const diff_state *st, diff_layout L) {
    const diff_digits *d = &st->dg;
    dg_rect s = L.side, cols[2];
    dg_rect left = dg_cut_left(&s, s.w * 0.64f, DG_GAP);
    dg_legend(dg_fit_aspect(dg_cut_bottom(&left, 100, 12), 4, GFX_CENTER | GFX_MIDDLE), -1, 1, DG_CMAP_GRAY,
              "pixel value");
    dg_split_cols(left, 2, DG_GAP, NULL, cols);
    const ts_tensor *img[2] = { d->xt, d->xt_other };
    const char *names[2] = { "linear", "cosine" };
    const float ab[2] = { d->g.sched->alpha_bar[st->t_cur], st->m.cos->alpha_bar[st->t_cur] };
    for (int i = 0; i < 2; i++) {
        char t[64];
        snprintf(t, sizeof t, "%s, t = %d", names[i], st->t_cur);
        /* the image with its title, and alpha-bar right under it, centred as one group */
        float nh = DG_TEXT_H2 * 1.5f, side = fminf(cols[i].w, cols[i].h - nh - 12 - DG_TEXT_H2 * 1.6f);
        float h = side + DG_TEXT_H2 * 1.6f, y = cols[i].y + (cols[i].h - h - nh - 12) / 2;
        digit((dg_rect){ cols[i].x, y, cols[i].w, h }, img[i], 0, t, false, -1);
        dg_textf((dg_rect){ cols[i].x, y + h + 12, cols[i].w, nh }, DG_TEXT_H2, GFX_BOLD, GFX_CENTER | GFX_MIDDLE,
                 dg_category(i), "\xe1\xbe\xb1 = %.3f", (double)ab[i]);
    }
    diff_schedule_plot(st, s, true, false);
}

/* x_t, the guided noise, the x_0 guess, the posterior mean and x_{t-1} of
 * digit 0 in a row, each with the pixel's value under it. */
static void step_row(dg_rect r, const diff_digits *d) {
    const ui_theme *th = dg_theme();
    const ts_tensor *t[5] = { d->r_xt, d->eps_pred, d->r_x0_pred, d->r_mean, d->r_prev };
    const char *names[5] = { "x_t", "\xce\xb5_pred", "x_0 guess", "mean", "x_{t\xe2\x88\x92" "1}" };
    gfx_color col[5] = { th->text, th->accent2, th->text, th->text, th->accent };
    dg_rect cols[5];
    dg_split_cols(r, 5, 16, NULL, cols);
    for (int i = 0; i < 5; i++) {
        dg_rect v = dg_cut_bottom(&cols[i], 50, 6);
        digit(cols[i], t[i], 0, names[i], false, d->pix);
        char b[24];
        dg_term one[] = { term(b, t[i], 0, d->pix, col[i]) };
        dg_equation(v, one, 1, DG_TEXT_BODY);
    }
}

/* eps_pred = eps_uncond + w (eps_cond - eps_uncond) at the pixel. */
static void guidance_line(dg_rect r, const diff_digits *d) {
    const ui_theme *th = dg_theme();
    char a[24], b[24], c[24], e[24], w[24];
    snprintf(w, sizeof w, "%.1f", (double)d->guidance);
    dg_term g[] = { text("\xce\xb5_pred = "), term(a, d->eps_uncond, 0, d->pix, th->text), text(" + "),
                    { w, { 0 }, th->accent, true }, text(" \xc2\xb7 ("), term(b, d->eps_cond, 0, d->pix, th->text),
                    text(" \xe2\x88\x92 "), term(c, d->eps_uncond, 0, d->pix, th->text), text(")  =  "),
                    term(e, d->eps_pred, 0, d->pix, th->accent2) };
    dg_equation(r, g, 10, DG_TEXT_BODY);
}

static void beat_reverse(const diff_state *st, diff_layout L) {
    const diff_digits *d = &st->dg;
    const ui_theme *th = dg_theme();
    const dig_chain *c = &d->chain;
    char title[64];
    snprintf(title, sizeof title, "one step back: t = %d \xe2\x86\x92 %d", c->step_t,
             c->step_index > 0 ? c->tau[c->step_index - 1] : 0);
    digit(L.plane, d->r_prev, 0, title, true, d->pix);
    char sub[96];
    snprintf(sub, sizeof sub, "a %d on its way out of the noise, guidance %.1f", d->cls, (double)d->guidance);
    dg_rect s = L.side;
    dg_cut_top(&s, dg_heading(s, "One step back", sub), DG_GAP);
    float text_h = 3 * DG_TEXT_BODY * 1.25f;   /* the images take what the numbers leave */
    step_row(dg_cut_top(&s, fminf(fminf(260, s.w * 0.24f) + 56, s.h - 2 * (56 + 12) - text_h - DG_GAP), DG_GAP), d);
    guidance_line(dg_cut_top(&s, 56, 12), d);
    /* the added noise: x_{t-1} = mean + sigma z at the pixel */
    char a[24], b[24], z[24], sg[24];
    snprintf(sg, sizeof sg, "%.4f", sqrtf(c->resp->post_var[c->step_index]));
    dg_term nz[] = { text("x_{t\xe2\x88\x92" "1} = "), term(a, d->r_mean, 0, d->pix, th->text), text(" + "),
                     { sg, { 0 }, th->text, true }, text(" \xc2\xb7 "), term(z, d->r_z, 0, d->pix, th->accent2),
                     text("  =  "), term(b, d->r_prev, 0, d->pix, th->accent) };
    dg_equation(dg_cut_top(&s, 56, 12), nz, 8, DG_TEXT_BODY);
    dg_text(dg_cut_top(&s, text_h, 0), DG_TEXT_BODY, GFX_MONO, GFX_LEFT | GFX_TOP,
            th->text_dim,
            "x_0 guess = (x_t \xe2\x88\x92 \xe2\x88\x9a(1\xe2\x88\x92\xe1\xbe\xb1) \xce\xb5_pred) / \xe2\x88\x9a\xe1\xbe\xb1, clipped to \xc2\xb1" "1\n"
            "mean = c_1 x_0 guess + c_2 x_t\n"
            "\xcf\x83\xc2\xb2 = \xce\xb2 (1\xe2\x88\x92\xe1\xbe\xb1_prev) / (1\xe2\x88\x92\xe1\xbe\xb1), z ~ N(0, 1)");
}

static void beat_chain(const diff_state *st, diff_layout L) {
    const diff_digits *d = &st->dg;
    const dig_chain *c = &d->chain;
    const ui_theme *th = dg_theme();
    char title[64];
    if (d->k >= c->steps) snprintf(title, sizeof title, "after all %d steps back", c->steps);
    else snprintf(title, sizeof title, "%d steps back, now at t = %d", d->k, c->state_t[d->k]);
    dg_rect grid = L.plane;
    dg_textf(dg_cut_top(&grid, DG_TEXT_H2 * 1.4f, 8), DG_TEXT_H2, GFX_BOLD, GFX_LEFT | GFX_MIDDLE, th->text, "%s",
             title);
    dg_rect cells[DIG_SHOW];
    dg_grid(dg_fit_aspect(grid, 1, GFX_CENTER | GFX_TOP), 3, 3, 12, cells);
    for (int i = 0; i < DIG_SHOW; i++) digit(cells[i], d->now, i, NULL, false, -1);
    char sub[96];
    snprintf(sub, sizeof sub, "nine %ds from nine draws of noise, guidance %.1f", d->cls, (double)d->guidance);
    dg_rect s = L.side;
    dg_cut_top(&s, dg_heading(s, "Digits from static", sub), DG_GAP);
    dg_rect film = dg_cut_top(&s, fminf(220, s.w * 0.2f) + 44, DG_GAP), cols[DIG_FILM];
    dg_split_cols(film, DIG_FILM, 16, NULL, cols);
    for (int f = 0; f < DIG_FILM; f++) {
        char t[32];
        if (d->film_t[f] == -2) snprintf(t, sizeof t, " ");
        else if (d->film_t[f] < 0) snprintf(t, sizeof t, "x_0");
        else snprintf(t, sizeof t, "t = %d", d->film_t[f]);
        if (d->film_t[f] == -2) dg_text(cols[f], DG_TEXT_LABEL, GFX_SANS, GFX_CENTER | GFX_MIDDLE, th->text_dim, "\xe2\x80\xa6");
        else digit(cols[f], d->film, f, t, false, d->pix);
    }
    if (d->k > 0) guidance_line(dg_cut_top(&s, 56, 12), d);
    /* in the room left (the controls take some in the window): the
     * trainer's judge, how often the cnn read generated digits as the class
     * asked for; then what the pictures show, and the legend */
    if (d->g.judge_steps > 0 && s.h >= 2 * DG_TEXT_BODY * 1.25f) {
        float lo = 1, hi = 0;
        for (int k = 0; k < DIG_CLASSES; k++) {
            lo = fminf(lo, d->g.judge_rate[k]);
            hi = fmaxf(hi, d->g.judge_rate[k]);
        }
        dg_textf(dg_cut_top(&s, 2 * DG_TEXT_BODY * 1.25f, DG_GAP), DG_TEXT_BODY, GFX_SANS, GFX_LEFT | GFX_TOP,
                 th->text, "The cnn reads %.0f%% of generated %ds as %d (every class: %.0f-%.0f%%, guidance %g).",
                 100.0 * d->g.judge_rate[d->cls], d->cls, d->cls, 100.0 * lo, 100.0 * hi,
                 (double)d->g.judge_guidance);
    }
    if (s.h < 3 * DG_TEXT_BODY * 1.25f) return;
    dg_text(dg_cut_top(&s, 3 * DG_TEXT_BODY * 1.25f, DG_GAP), DG_TEXT_BODY, GFX_SANS, GFX_LEFT | GFX_TOP, th->text_dim,
            "Top: the first digit along its chain. Guidance pushes each step's noise guess away from the "
            "unconditional one, toward the class.");
    if (s.h < 100) return;
    dg_rect lg = dg_cut_top(&s, 100, DG_GAP);
    lg.w = fminf(lg.w, 560);
    dg_legend(lg, -1, 1, DG_CMAP_GRAY, "pixel value");
}

void diff_digits_draw(const diff_state *st, const scene_clock *c, int beat, diff_layout L) {
    (void)c;
    switch (beat) {
    case DB_RECIPE: beat_recipe(st, L); break;
    case DB_MANY: beat_many(st, L); break;
    case DB_SHORTCUT: beat_shortcut(st, L); break;
    case DB_SCHEDULES: beat_schedules(st, L); break;
    case DB_REVERSE: beat_reverse(st, L); break;
    default: beat_chain(st, L); break;
    }
}
