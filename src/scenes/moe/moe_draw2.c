/* moe_draw2.c: the moe scene's beats 5-8: parameter arithmetic, training
 * without and with the balancing loss, capacity. Pure reads of the state. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "scenes/moe/moe_draw.h"

/* 46702792704 -> "46.7 B", 176160768 -> "176.2 M", 200 -> "200". */
static char *count(char *out, size_t n, double v) {
    if (v >= 1e9) snprintf(out, n, "%.1f B", v / 1e9);
    else if (v >= 1e6) snprintf(out, n, "%.1f M", v / 1e6);
    else if (v >= 1e4) snprintf(out, n, "%.1f k", v / 1e3);
    else snprintf(out, n, "%.0f", v);
    return out;
}

/* ---- beat 5: parameters ------------------------------------------------------------- */

static const char *const param_labels[2] = {"stored", "used per input"};

static void beat_params(const moe_state *st) {
    const moe_model *m = &st->live.m;
    const moe_real *re = &st->real;
    const ui_theme *th = dg_theme();
    int E = m->E, k = st->cfg.k, H = m->H;
    double total = st->params_model->data[0], active = st->params_model->data[1];
    char sub[200];
    snprintf(sub, sizeof sub, "this model: %.0f%% of its parameters per input; %s: %.0f%%",
             100 * active / total, re->name, 100 * re->active / re->total);
    dg_rect body = moe_heading(st, "Parameters: stored versus used", sub);
    dg_rect cols[2];
    dg_split_cols(body, 2, DG_GAP * 2, NULL, cols);

    /* this model */
    char head[96];
    snprintf(head, sizeof head, "this model: %d experts, top-%d, hidden %d", E, k, H);
    dg_rect in = cols[0];
    dg_text(dg_cut_top(&in, DG_TEXT_H2 * 1.3f, DG_GAP), DG_TEXT_H2, GFX_BOLD, GFX_CENTER | GFX_TOP, th->text, head);
    dg_rect bars = dg_cut_bottom(&in, 230, DG_GAP);
    dg_rect ln[4];
    dg_split_rows(in, 4, 8, NULL, ln);
    int router = E * (MOE_D + 1), ep = H * MOE_D + H + MOE_O * H + MOE_O;
    char a[8][24];
    snprintf(a[0], 24, "%d", E); snprintf(a[1], 24, "%d", router); snprintf(a[2], 24, "%d", H);
    snprintf(a[3], 24, "%d", ep); snprintf(a[4], 24, "%d", k); snprintf(a[5], 24, "%.0f", total);
    snprintf(a[6], 24, "%.0f", active); snprintf(a[7], 24, "(%.0f%%)", 100 * active / total);
    dg_term l0[] = {{"router:"}, {a[0]}, {"\xc3\x97 (2 + 1) ="}, {a[1], .bold = true}};
    dg_term l1[] = {{"one expert:"}, {a[2]}, {"\xc3\x97 2 +"}, {a[2]}, {"+ 2 \xc3\x97"}, {a[2]}, {"+ 2 ="},
                    {a[3], .bold = true}};
    dg_term l2[] = {{"stored:"}, {a[1]}, {"+"}, {a[0]}, {"\xc3\x97"}, {a[3]}, {"="},
                    {a[5], .ref = {st->params_model, {0}}, .bold = true}};
    dg_term l3[] = {{"used per input:"}, {a[1]}, {"+"}, {a[4]}, {"\xc3\x97"}, {a[3]}, {"="},
                    {a[6], .ref = {st->params_model, {1}}, .bold = true, .color = th->accent}, {a[7]}};
    dg_equation(ln[0], l0, 4, DG_TEXT_BODY);
    dg_equation(ln[1], l1, 8, DG_TEXT_BODY);
    dg_equation(ln[2], l2, 8, DG_TEXT_BODY);
    dg_equation(ln[3], l3, 9, DG_TEXT_BODY);
    dg_bars(bars, &(dg_src){.t = st->params_model},
            &(dg_bars_style){.title = "parameters", .labels = param_labels, .mark = -1});

    /* the published configuration */
    snprintf(head, sizeof head, "%s: %d experts, top-%d, %d layers", re->name, re->experts, re->k, re->layers);
    in = cols[1];
    dg_text(dg_cut_top(&in, DG_TEXT_H2 * 1.3f, DG_GAP), DG_TEXT_H2, GFX_BOLD, GFX_CENTER | GFX_TOP, th->text, head);
    bars = dg_cut_bottom(&in, 230, DG_GAP);
    dg_rect rl[4];
    dg_split_rows(in, 4, 8, NULL, rl);
    char b[10][24];
    snprintf(b[0], 24, "%lld", (long long)re->hidden); snprintf(b[1], 24, "%lld", (long long)re->ffn);
    count(b[2], 24, re->expert_each); snprintf(b[3], 24, "%d", re->layers); snprintf(b[4], 24, "%d", re->experts);
    count(b[5], 24, re->experts_all); count(b[6], 24, re->shared); count(b[7], 24, re->total);
    snprintf(b[8], 24, "%d", re->k); count(b[9], 24, re->active);
    char pct[16];
    snprintf(pct, sizeof pct, "(%.0f%%)", 100 * re->active / re->total);
    dg_term r0[] = {{"one expert (SwiGLU): 3 \xc3\x97"}, {b[0]}, {"\xc3\x97"}, {b[1]}, {"="}, {b[2], .bold = true}};
    dg_term r1[] = {{"all experts:"}, {b[3]}, {"\xc3\x97"}, {b[4]}, {"\xc3\x97"}, {b[2]}, {"="}, {b[5], .bold = true}};
    dg_term r2[] = {{"stored:"}, {b[5]}, {"+ shared"}, {b[6]}, {"="},
                    {b[7], .ref = {st->params_real, {0}}, .bold = true}};
    dg_term r3[] = {{"used per token:"}, {b[3]}, {"\xc3\x97"}, {b[8]}, {"\xc3\x97"}, {b[2]}, {"+"}, {b[6]}, {"="},
                    {b[9], .ref = {st->params_real, {1}}, .bold = true, .color = th->accent}, {pct}};
    dg_equation(rl[0], r0, 6, DG_TEXT_BODY);
    dg_equation(rl[1], r1, 8, DG_TEXT_BODY);
    dg_equation(rl[2], r2, 6, DG_TEXT_BODY);
    dg_equation(rl[3], r3, 11, DG_TEXT_BODY);
    dg_bars(bars, &(dg_src){.t = st->params_real},
            &(dg_bars_style){.title = "parameters (shared: attention, router, norms, embeddings)",
                             .labels = param_labels, .mark = -1});
}

/* ---- beats 6 and 7: training runs --------------------------------------------------- */

static void load_plot(const moe_state *st, const moe_story_run *run, dg_rect r) {
    int E = run->run.m.E;
    dg_plot *p = dg_plot_begin(r, &(dg_plot_style){.title = "held-out load f per expert", .xlabel = "training step",
                                                    .ylabel = "share of choices", .x_lo = 0, .x_hi = MOE_STEPS,
                                                    .y_lo = 0, .y_hi = 0.4f});
    for (int e = 0; e < E; e++)
        dg_plot_line(p, &(dg_series){.label = moe_expert_names[e], .x = run->steps_at, .y = st->hist[e],
                                     .n = st->hist_n, .color = dg_category(e)});
    char lab[32];
    snprintf(lab, sizeof lab, "step %d", run->run.steps);
    dg_plot_vline(p, (float)run->run.steps, lab);
    dg_plot_end(p);
}

static void beat_run(const moe_state *st, const scene_clock *c, bool balanced) {
    const moe_story_run *run = balanced ? &st->bal : &st->none;
    const moe_acts *x = balanced ? &st->show_bal : &st->show_none;
    if (!run->made) return;
    int E = run->run.m.E, idle = moe_eval_idle(&run->ev, E);
    char sub[200];
    snprintf(sub, sizeof sub, "step %d of %d: %d of %d experts idle (an even share is 1/%d = %.3f), "
             "held-out accuracy %.1f%%", run->run.steps, MOE_STEPS, idle, E, E, 1.0 / E, 100 * run->ev.accuracy);
    dg_rect body = moe_heading(st, moe_beats[c->beat].title, sub);
    dg_rect cols[3];
    dg_split_cols(body, 3, DG_GAP * 1.5f, (const float[]){0.42f, 0.30f, 0.28f}, cols);
    load_plot(st, run, cols[0]);
    moe_points_plane(st, x, cols[1], "first choice of the router", balanced ? st->map_bal : st->map_none, true,
                     false);
    if (!balanced) {
        moe_load_bars(st, cols[2], "load f now");
        return;
    }
    /* the balancing loss on the batch, and what it bought */
    dg_rect rows[4];
    dg_split_rows(cols[2], 4, DG_GAP * 0.75f, (const float[]){0.28f, 0.25f, 0.25f, 0.22f}, rows);
    static const char *const acc_labels[2] = {"without", "with"};
    dg_bars(rows[0], &(dg_src){.t = st->acc2},
            &(dg_bars_style){.title = "held-out accuracy", .labels = acc_labels, .mark = 0});
    const char *const *ids = moe_expert_ids;
    dg_strip(rows[1], &(dg_src){.t = x->load},
             &(dg_strip_style){.values = true, .title = "f: share of choices (batch)", .no_legend = true,
                               .labels = ids, .lo = 0, .hi = 0.3f});
    dg_strip(rows[2], &(dg_src){.t = x->importance},
             &(dg_strip_style){.values = true, .title = "P: mean probability (batch)", .no_legend = true,
                               .labels = ids, .lo = 0, .hi = 0.3f});
    char e[8], s[16], v[16];
    float dot = 0;
    for (int i = 0; i < E; i++) dot += x->load->data[i] * x->importance->data[i];
    snprintf(e, sizeof e, "%d", E);
    snprintf(s, sizeof s, "%.4f", dot);
    snprintf(v, sizeof v, "%.3f", x->aux->data[0]);
    dg_term t[] = {{"aux ="}, {e}, {"\xc3\x97 \xce\xa3 f\xc2\xb7P ="}, {e}, {"\xc3\x97"}, {s}, {"="},
                   {v, .ref = {x->aux, {0}}, .bold = true}};
    dg_equation(rows[3], t, 8, DG_TEXT_BODY);
}

/* ---- beat 8: capacity ----------------------------------------------------------------- */

static void beat_capacity(const moe_state *st) {
    const moe_acts *x = &st->tight_acts;
    int total = x->n * x->k;
    char sub[220];
    snprintf(sub, sizeof sub, "capacity factor %.2f: at most %d of the %d choices per expert; %d dropped, "
             "%d input%s lost every expert", st->tight, x->capacity, total, x->n_dropped, st->n_lost,
             st->n_lost == 1 ? "" : "s");
    dg_rect body = moe_heading(st, "Capacity drops overflow", sub);
    dg_rect cols[4];
    dg_split_cols(body, 4, DG_GAP * 1.5f, (const float[]){0.38f, 0.21f, 0.17f, 0.24f}, cols);
    moe_points_plane(st, x, cols[0], "ringed: a choice was dropped", st->map_live, true, true);
    char t1[64];
    snprintf(t1, sizeof t1, "served (max %d)", x->capacity);
    float hi = 1;
    for (int e = 0; e < x->E; e++) hi = fmaxf(hi, st->demand->data[e]);
    dg_strip(cols[1], &(dg_src){.t = st->demand, .explain = moe_explain_expert, .user = st},
             &(dg_strip_style){.vertical = true, .bars = true, .values = true, .title = "sent",
                               .labels = moe_expert_names, .lo = 0, .hi = hi});
    const char *const *ids = moe_expert_ids;
    dg_strip(cols[2], &(dg_src){.t = st->kept, .explain = moe_explain_expert, .user = st},
             &(dg_strip_style){.vertical = true, .bars = true, .values = true, .title = t1, .labels = ids,
                               .lo = 0, .hi = hi});
    char cap_label[32], own_label[32] = "no limit";
    snprintf(cap_label, sizeof cap_label, "cap %.2f", st->tight);
    if (st->cfg.capacity_factor > 0) snprintf(own_label, sizeof own_label, "cap %.2f", st->cfg.capacity_factor);
    const char *const cap_labels[2] = {own_label, cap_label};
    dg_rect rows[2];
    dg_split_rows(cols[3], 2, DG_GAP, (const float[]){0.45f, 0.55f}, rows);
    dg_bars(rows[0], &(dg_src){.t = st->acc2},
            &(dg_bars_style){.title = "held-out accuracy", .labels = cap_labels, .mark = 0});
    dg_textf(rows[1], DG_TEXT_BODY, GFX_SANS, GFX_LEFT | GFX_TOP, dg_theme()->text,
             "On the held-out points %.1f%% of choices are dropped. A dropped choice adds nothing to the "
             "output; an input that loses both experts outputs zero, a coin toss.",
             100 * st->ev_tight.dropped);
}

void moe_draw_late(const moe_state *st, const scene_clock *c) {
    switch (c->beat) {
    case B_PARAMS: beat_params(st); break;
    case B_COLLAPSE: beat_run(st, c, false); break;
    case B_BALANCE: beat_run(st, c, true); break;
    case B_CAPACITY: beat_capacity(st); break;
    default: break;
    }
}
