/* moe_draw.c: the moe scene's draw (a pure function of the state and the
 * clock), beats 1-4, and what every beat shares: the heading, the points on
 * the plane, the training panel. Beats 5-8 are in moe_draw2.c. Everything is
 * drawn with the diagram library from the tensors update computed. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "scenes/moe/moe_draw.h"

const char *const moe_expert_names[MOE_MAX_E] = {"expert 0", "expert 1", "expert 2", "expert 3",
                                                 "expert 4", "expert 5", "expert 6", "expert 7"};

const char *const moe_expert_ids[MOE_MAX_E] = {"0", "1", "2", "3", "4", "5", "6", "7"};

/* ---- shared ------------------------------------------------------------------- */

dg_rect moe_heading(const moe_state *st, const char *title, const char *subtitle) {
    dg_rect stage = dg_stage();
    if (st->panel) {   /* the open panel takes the right of the stage */
        dg_rect pr = moe_panel_rect();
        stage.w = pr.x - DG_GAP - stage.x;
    }
    float h = dg_heading(stage, title, subtitle);
    dg_cut_top(&stage, h, DG_GAP);
    return stage;
}

/* One line about a point: its experts, gates and answer. */
void moe_explain_point(const void *user, const int *idx, char *buf, size_t n) {
    const moe_acts *x = user;
    int t = idx[0], k = x->k, len = 0;
    if (t < 0 || t >= x->n) { buf[0] = 0; return; }
    for (int j = 0; j < k && len < (int)n; j++) {
        int e = x->idx[t * k + j];
        len += snprintf(buf + len, n - (size_t)len, "%sexpert %d: p %.3f, gate %.3f%s", j ? "\n" : "", e,
                        x->r_probs->data[t * x->E + e], x->gates->data[t * k + j],
                        x->pos[t * k + j] < 0 ? " (dropped: full)" : "");
    }
    if (len < (int)n)
        snprintf(buf + len, n - (size_t)len, "\nout (%.3f, %.3f): P(class 1) %.3f, target %d",
                 x->out->data[2 * t], x->out->data[2 * t + 1], x->probs->data[2 * t + 1], x->tgt[t]);
}

/* The batch on the plane: points coloured by first choice (or one colour),
 * the followed point large, optional regions and dropped halos. */
void moe_points_plane(const moe_state *st, const moe_acts *x, dg_rect r, const char *title,
                      const int *regions, bool by_expert, bool dropped) {
    const ui_theme *th = dg_theme();
    dg_plane *p = dg_plane_begin(r, &(dg_plane_style){.title = title, .xlabel = "x_1",
                                                      .ylabel = "x_2", .no_legend = true});
    if (regions) dg_plane_regions(p, regions, MOE_GRID, MOE_GRID, "expert");
    if (dropped && st->x_dropped->shape[0] > 0)
        dg_plane_points(p, &(dg_src){.t = st->x_dropped}, st->x_dropped->shape[0], NULL, th->negative, 22);
    dg_plane_points(p, &(dg_src){.t = &st->focus_view, .lead = {st->focus}, .explain = moe_explain_point,
                                 .user = x},
                    1, NULL, th->text, 19);
    dg_plane_points(p, &(dg_src){.t = x->x, .explain = moe_explain_point, .user = x}, x->n,
                    by_expert ? st->first : NULL, by_expert ? (gfx_color){0} : th->accent, 10);
    dg_plane_end(p);
}

/* The held-out load of the beat's model as bars from zero (to at least 0.25). */
void moe_load_bars(const moe_state *st, dg_rect r, const char *title) {
    float hi = 0.25f;
    for (int e = 0; e < st->heldout_load->shape[0]; e++) hi = fmaxf(hi, st->heldout_load->data[e]);
    dg_strip(r, &(dg_src){.t = st->heldout_load, .explain = moe_explain_expert, .user = st},
             &(dg_strip_style){.vertical = true, .bars = true, .values = true, .title = title,
                               .labels = r.w >= 400 ? moe_expert_names : moe_expert_ids, .no_legend = true,
                               .lo = 0, .hi = hi});
}

/* The panel behind the training widgets (drawn only while it is open). */
static void panel(const moe_state *st, int beat) {
    if (!st->panel) return;
    dg_rect r = moe_panel_rect();
    dg_rect in = dg_box(r, NULL, &(dg_box_style){.highlight = true});
    if (beat == B_PARAMS) {
        static const char *const names[7] = {"experts", "k", "layers", "hidden", "ffn", "vocab", "kv_dim"};
        for (int i = 0; i < 7; i++)
            dg_text((dg_rect){in.x, r.y + 20 + (float)i * 72, 200, 64}, DG_TEXT_LABEL, GFX_SANS,
                    GFX_LEFT | GFX_MIDDLE, dg_theme()->text, names[i]);
        return;
    }
    char loss[32] = "pre-trained";
    if (st->live.last_loss > 0) snprintf(loss, sizeof loss, "loss %.3f", st->live.last_loss);
    dg_textf(dg_cut_bottom(&in, 40, 0), DG_TEXT_SMALL, GFX_MONO, GFX_LEFT | GFX_MIDDLE, dg_theme()->text,
             "step %d  %s  held-out %.1f%%%s", st->live.steps, loss, 100 * st->ev_live.accuracy,
             st->training ? "  training" : "");
}

/* ---- beat 1: the router ---------------------------------------------------------- */

static void beat_router(const moe_state *st, const scene_clock *c) {
    const moe_acts *x = &st->show;
    const moe_model *m = &st->live.m;
    int i = st->focus, E = m->E, top = x->idx[i * x->k];
    char sub[160];
    snprintf(sub, sizeof sub, "input %d at (%.2f, %.2f): expert %d scores highest, p = %.3f", i,
             x->x->data[2 * i], x->x->data[2 * i + 1], top, x->r_probs->data[i * E + top]);
    dg_rect body = moe_heading(st, "The router scores every expert", sub);
    dg_rect cols[3];
    dg_split_cols(body, 3, DG_GAP * 1.5f, (const float[]){0.36f, 0.38f, 0.26f}, cols);
    moe_points_plane(st, x, cols[0], "32 inputs", NULL, false, false);

    /* W and b, and the logits of the followed input */
    dg_rect mid = cols[1];
    dg_rect eq = dg_cut_bottom(&mid, 110, DG_GAP);
    dg_rect sub3[3];
    dg_split_cols(mid, 3, DG_GAP * 0.75f, (const float[]){0.50f, 0.23f, 0.27f}, sub3);
    static const char *const xy_names[2] = {"x_1", "x_2"};
    dg_matrix(sub3[0], &(dg_src){.t = m->router_w},
              &(dg_matrix_style){.mode = DG_HEAT_NUMBERS, .title = "router.weight", .no_legend = true,
                                 .row_labels = moe_expert_names, .col_labels = xy_names, .max_cell = 90});
    dg_strip(sub3[1], &(dg_src){.t = m->router_b},
             &(dg_strip_style){.vertical = true, .values = true, .title = "bias", .no_legend = true,
                               .max_cell = 90});
    float reveal = scene_between(c, 0.1f, 0.5f);
    if (reveal > 0)
        dg_strip(sub3[2], &(dg_src){.t = x->r_logits, .lead = {i}},
                 &(dg_strip_style){.vertical = true, .values = true, .title = "logits", .no_legend = true,
                                   .max_cell = 90});
    /* the top expert's logit worked out */
    char w0[16], x0[16], w1[16], x1[16], b[16], l[16];
    snprintf(w0, sizeof w0, "%.3f", m->router_w->data[top * 2]);
    snprintf(x0, sizeof x0, "%.3f", x->x->data[2 * i]);
    snprintf(w1, sizeof w1, "%.3f", m->router_w->data[top * 2 + 1]);
    snprintf(x1, sizeof x1, "%.3f", x->x->data[2 * i + 1]);
    snprintf(b, sizeof b, "%.3f", m->router_b->data[top]);
    snprintf(l, sizeof l, "%.3f", x->r_logits->data[i * E + top]);
    char lhs[32];
    snprintf(lhs, sizeof lhs, "logit %d =", top);
    dg_term t[] = {{lhs}, {w0, .ref = {m->router_w, {top, 0}}}, {"\xc3\x97"}, {x0, .ref = {x->x, {i, 0}}},
                   {"+"}, {w1, .ref = {m->router_w, {top, 1}}}, {"\xc3\x97"}, {x1, .ref = {x->x, {i, 1}}},
                   {"+"}, {b, .ref = {m->router_b, {top}}}, {"="}, {l, .ref = {x->r_logits, {i, top}}, .bold = true}};
    if (reveal > 0) dg_equation(eq, t, (int)(sizeof t / sizeof t[0]), DG_TEXT_BODY);

    if (scene_between(c, 0.4f, 0.8f) > 0)
        dg_bars(cols[2], &(dg_src){.t = x->r_probs, .lead = {i}},
                &(dg_bars_style){.title = "softmax: router.probs", .labels = moe_expert_names, .mark = 0});
}

/* ---- beat 2: top-k ------------------------------------------------------------------ */

static void beat_topk(const moe_state *st, const scene_clock *c) {
    const moe_acts *x = &st->show;
    const ui_theme *th = dg_theme();
    int i = st->focus, E = x->E, k = x->k;
    char sub[160];
    snprintf(sub, sizeof sub, "top-%d of %d: %d of %d experts run for input %d, %d are skipped", k, E, k, E, i,
             E - k);
    dg_rect body = moe_heading(st, "Top-k: only a few experts run", sub);
    dg_rect rows[2];
    dg_split_rows(body, 2, DG_GAP, (const float[]){0.62f, 0.38f}, rows);
    dg_rect top[2];
    dg_split_cols(rows[0], 2, DG_GAP * 2, (const float[]){0.48f, 0.52f}, top);
    dg_bars(top[0], &(dg_src){.t = x->r_probs, .lead = {i}},
            &(dg_bars_style){.title = "router.probs", .labels = moe_expert_names,
                             .mark = 0});

    /* gates: p renormalised over the chosen */
    dg_rect g = top[1];
    float reveal = scene_between(c, 0.15f, 0.55f);
    dg_rect lines = dg_cut_top(&g, 70.0f * (float)(k + 1), DG_GAP);
    float sum = 0;
    for (int j = 0; j < k; j++) sum += x->r_probs->data[i * E + x->idx[i * k + j]];
    for (int j = 0; j < k && reveal > 0; j++) {
        int e = x->idx[i * k + j];
        char lhs[32], p[16], s[16], gv[16];
        snprintf(lhs, sizeof lhs, "gate %d =", j);
        snprintf(p, sizeof p, "%.3f", x->r_probs->data[i * E + e]);
        snprintf(s, sizeof s, "%.3f", sum);
        snprintf(gv, sizeof gv, "%.3f", x->gates->data[i * k + j]);
        dg_term t[] = {{lhs}, {p, .ref = {x->r_probs, {i, e}}}, {"/"}, {s}, {"="},
                       {gv, .ref = {x->gates, {i, j}}, .bold = true, .color = dg_category(e)}};
        dg_equation((dg_rect){lines.x, lines.y + 70.0f * (float)j, lines.w, 64}, t, 6, DG_TEXT_BODY);
    }
    if (reveal > 0)
        dg_textf((dg_rect){lines.x, lines.y + 70.0f * (float)k, lines.w, 64}, DG_TEXT_LABEL, GFX_SANS,
                 GFX_CENTER | GFX_MIDDLE, th->text_dim, "divided by %.3f, the chosen experts' share of p", sum);
    if (st->forced >= 0) {
        int e = st->forced;
        dg_textf(g, DG_TEXT_BODY, GFX_SANS, GFX_LEFT | GFX_TOP, th->accent,
                 "Forced to expert %d alone: out = (%.2f, %.2f), P(class 1) = %.3f instead of %.3f (target %d).",
                 e, st->forced_out[0], st->forced_out[1], st->forced_probs[1], x->probs->data[2 * i + 1],
                 x->tgt[i]);
    } else if (reveal > 0) {
        dg_strip(g, &(dg_src){.t = x->gates, .lead = {i}},
                 &(dg_strip_style){.values = true, .title = "topk.gates", .no_legend = true, .max_cell = 140,
                                   .lo = 0, .hi = 1});
    }

    /* the experts: chosen lit, the others dim */
    dg_rect boxes[MOE_MAX_E];
    /* boxes no taller than they need (large boxes cost fill rate on software GL) */
    dg_rect brow = rows[1];
    if (brow.h > 170) brow = (dg_rect){brow.x, brow.y + (brow.h - 170) / 2, brow.w, 170};
    dg_split_cols(brow, E, 16, NULL, boxes);
    float lit = scene_between(c, 0.5f, 0.8f);
    for (int e = 0; e < E; e++) {
        int j = -1;
        for (int l = 0; l < k; l++)
            if (x->idx[i * k + l] == e) j = l;
        bool chosen = j >= 0 && lit > 0, forced = st->forced == e;
        dg_rect in = dg_box(boxes[e], moe_expert_names[e],
                            &(dg_box_style){.highlight = chosen || forced, .dim = lit > 0 && !chosen && !forced,
                                            .edge = chosen ? dg_category(e) : (gfx_color){0}});
        if (chosen)
            dg_textf(in, DG_TEXT_H2, GFX_BOLD, GFX_CENTER | GFX_MIDDLE, th->text, "\xc3\x97 %.2f",
                     x->gates->data[i * k + j]);
        else if (lit > 0)
            dg_text(in, DG_TEXT_LABEL, GFX_SANS, GFX_CENTER | GFX_MIDDLE, th->text_dim, "skipped");
        dg_hover_item(boxes[e], st->demand, (int[]){e}, st->demand->data[e], moe_explain_expert, st);
    }
}

void moe_explain_expert(const void *user, const int *idx, char *buf, size_t n) {
    const moe_state *st = user;
    int e = idx[0];
    snprintf(buf, n, "expert %d: %d choices of this batch were sent to it, %d served;\n"
             "%d parameters; held-out load f %.3f",
             e, (int)st->demand->data[e], (int)st->kept->data[e], moe_active_params(&st->live.m, 1) -
             moe_active_params(&st->live.m, 0), st->heldout_load->data[e]);
}

/* ---- beat 3: dispatch and combine ------------------------------------------------------ */

enum { TOKENS = 8 };

static void beat_dispatch(const moe_state *st, const scene_clock *c) {
    const moe_acts *x = &st->show;
    const ui_theme *th = dg_theme();
    int E = x->E, k = x->k, t0 = st->focus / TOKENS * TOKENS;
    if (t0 + TOKENS > x->n) t0 = x->n - TOKENS;
    char sub[160];
    snprintf(sub, sizeof sub, "inputs %d-%d of the batch; each expert shows how many of the %d choices it ran",
             t0, t0 + TOKENS - 1, x->n * k);
    dg_rect body = moe_heading(st, "Dispatch and combine", sub);
    dg_rect cols[3];
    dg_split_cols(body, 3, 260, (const float[]){0.28f, 0.30f, 0.42f}, cols);
    dg_rect tok[TOKENS], exp[MOE_MAX_E], out[TOKENS];
    dg_split_rows(dg_fit_aspect(cols[0], 330.0f / cols[0].h, GFX_RIGHT | GFX_MIDDLE), TOKENS, 14, NULL, tok);
    dg_split_rows(cols[1], E, 14, NULL, exp);
    dg_split_rows(cols[2], TOKENS, 14, NULL, out);
    float go = scene_between(c, 0.05f, 0.45f), back = scene_between(c, 0.45f, 0.85f);
    for (int e = 0; e < E; e++) {
        dg_rect in = dg_box(exp[e], moe_expert_names[e], &(dg_box_style){.edge = dg_category(e)});
        dg_textf(in, DG_TEXT_LABEL, GFX_SANS, GFX_CENTER | GFX_MIDDLE, th->text, "runs %d of the %d", x->count[e],
                 x->n * k);
        dg_hover_item(exp[e], st->demand, (int[]){e}, st->demand->data[e], moe_explain_expert, st);
    }
    for (int r = 0; r < TOKENS; r++) {
        int t = t0 + r;
        char title[32];
        snprintf(title, sizeof title, "input %d", t);
        /* inputs and outputs are text rows; only the followed one gets a box */
        dg_rect in = tok[r];
        if (t == st->focus) in = dg_box(tok[r], NULL, &(dg_box_style){.highlight = true});
        dg_textf(in, DG_TEXT_LABEL, GFX_MONO, GFX_CENTER | GFX_MIDDLE, th->text, "%d: (%5.2f,%5.2f)", t,
                 x->x->data[2 * t], x->x->data[2 * t + 1]);
        dg_hover_item(tok[r], x->x, (int[]){t, 0}, x->x->data[2 * t], moe_explain_point, x);
        dg_rect o = t == st->focus ? dg_box(out[r], NULL, &(dg_box_style){.highlight = true}) : dg_inset(out[r], 12);
        if (back > 0) {
            bool right = (x->probs->data[2 * t + 1] > 0.5f) == (x->tgt[t] == 1);
            char mix[96];
            int len = 0;
            for (int j = 0; j < k && len < (int)sizeof mix; j++)
                len += snprintf(mix + len, sizeof mix - (size_t)len, "%s%.2f \xc3\x97 expert %d%s", j ? " + " : "",
                                x->gates->data[t * k + j], x->idx[t * k + j], x->pos[t * k + j] < 0 ? " (dropped)" : "");
            dg_rect two[2];
            dg_split_rows(o, 2, 0, NULL, two);
            dg_textf(two[0], DG_TEXT_LABEL, GFX_SANS, GFX_LEFT | GFX_MIDDLE, right ? th->text : th->negative,
                     "P(class 1) %.3f, target %d", x->probs->data[2 * t + 1], x->tgt[t]);
            dg_text(two[1], DG_TEXT_SMALL, GFX_SANS, GFX_LEFT | GFX_MIDDLE, th->text_dim, mix);
            dg_hover_item(out[r], x->probs, (int[]){t, 1}, x->probs->data[2 * t + 1], moe_explain_point, x);
        }
        bool focus = t == st->focus;
        for (int j = 0; j < k; j++) {
            int e = x->idx[t * k + j];
            float gate = x->gates->data[t * k + j];
            bool drop = x->pos[t * k + j] < 0;
            gfx_color col = dg_category(e);
            if (go > 0)
                dg_edge(dg_anchor(tok[r], DG_E), dg_anchor(exp[e], DG_W),
                        &(dg_edge_style){.width = 2 + 6 * gate, .color = col,
                                         .alpha = go * (drop ? 0.25f : focus ? 1.0f : 0.6f),
                                         .flow = focus ? 0.6f : 0, .no_head = true});
            if (back > 0 && !drop)
                dg_edge(dg_anchor(exp[e], DG_E), dg_anchor(out[r], DG_W),
                        &(dg_edge_style){.width = 2 + 6 * gate, .color = col, .alpha = back * (focus ? 1.0f : 0.6f),
                                         .flow = focus ? 0.6f : 0});
        }
    }
}

/* ---- beat 4: the router's map --------------------------------------------------------- */

static void beat_map(const moe_state *st) {
    const moe_acts *x = &st->show;
    int E = x->E, used = E - moe_eval_idle(&st->ev_live, E);
    char sub[200];
    snprintf(sub, sizeof sub, "held-out accuracy %.1f%%; %d of %d experts take a share of the inputs",
             100 * st->ev_live.accuracy, used, E);
    dg_rect body = moe_heading(st, "The router's map", sub);
    dg_rect cols[3];
    dg_split_cols(body, 3, DG_GAP * 1.5f, (const float[]){0.40f, 0.34f, 0.26f}, cols);
    moe_points_plane(st, x, cols[0], "first choice of the router", st->map_live, true, false);
    char title[64];
    if (st->expert >= 0) snprintf(title, sizeof title, "expert %d alone: P(class 1)", st->expert);
    else snprintf(title, sizeof title, "the whole layer: P(class 1)");
    dg_rect mid[2];
    dg_split_rows(cols[1], 2, DG_GAP, NULL, mid);
    dg_plane *p = dg_plane_begin(mid[0], &(dg_plane_style){.title = title});
    dg_plane_field(p, &(dg_src){.t = st->field}, 0, 1, DG_CMAP_SEQ, "P(class 1)");
    dg_plane_end(p);
    p = dg_plane_begin(mid[1], &(dg_plane_style){.title = "the task: the true class", .no_legend = true});
    dg_plane_field(p, &(dg_src){.t = st->truth}, 0, 1, DG_CMAP_SEQ, "class");
    dg_plane_end(p);
    moe_load_bars(st, cols[2], "load f (held-out)");
}

void moe_draw(const void *p, const scene_clock *c, const ui_theme *th) {
    const moe_state *st = p;
    (void)th;
    switch (c->beat) {
    case B_ROUTER: beat_router(st, c); break;
    case B_TOPK: beat_topk(st, c); break;
    case B_DISPATCH: beat_dispatch(st, c); break;
    case B_MAP: beat_map(st); break;
    default: moe_draw_late(st, c); break;
    }
    panel(st, c->beat);
}
