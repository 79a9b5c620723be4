/* overlay.c: the app's own chrome: the caption bar that tells the story, the
 * help overlay, scene-picker cards and short toasts ("saved shot-0001.png").
 * These draw directly (the app calls them in its draw phase). */
#include <stdio.h>
#include "ui/ui.h"

void ui_caption_bar(const ui_theme *th, const ui_caption *c) {
    float W = gfx_canvas_w(), H = gfx_canvas_h();
    float bh = UI_CAPTION_H, y = H - bh, t = c->t;
    gfx_rect(0, y, W, bh, th->panel);
    gfx_rect(0, y, W, 2, th->panel_edge);
    gfx_rect(0, y, W * (t < 0 ? 0 : t > 1 ? 1 : t), 5, th->accent);

    /* beat dots: where we are in this entry's part of the story */
    int n = c->last - c->first + 1, k = c->beat - c->first;
    float dx = 26, x0 = 60;
    for (int i = 0; i < n; i++) {
        float cx = x0 + i * dx, cy = y + 40;
        if (i == k) gfx_circle(cx, cy, 9, th->accent);
        else if (i < k) gfx_circle(cx, cy, 6, th->text_dim);
        else gfx_circle_line(cx, cy, 6, 2, th->text_dim);
    }
    char head[160];
    snprintf(head, sizeof head, "%d/%d  %s", k + 1, n, c->title ? c->title : "");
    int old_role = gfx_text_role(GFX_ROLE_CAPTION);
    gfx_text(x0 + (float)n * dx + 10, y + 40, UI_BODY, GFX_BOLD, GFX_LEFT | GFX_MIDDLE,
             th->accent, head);
    /* a deck: the slide's number in the whole lecture, and a progress bar */
    float rx = W - 60;
    gfx_text_role(GFX_ROLE_TEXT);
    if (c->slides > 0) {
        char sl[64];
        snprintf(sl, sizeof sl, "slide %d of %d", c->slide + 1, c->slides);
        float bw = 160, sw = gfx_text_width(UI_SMALL, GFX_SANS, sl);
        gfx_rrect(rx - bw, y + 36, bw, 8, 4, th->panel_edge);
        gfx_rrect(rx - bw, y + 36, bw * (float)(c->slide + 1) / (float)c->slides, 8, 4, th->text_dim);
        gfx_text(rx - bw - 16, y + 40, UI_SMALL, GFX_SANS, GFX_RIGHT | GFX_MIDDLE, th->text_dim, sl);
        rx -= bw + 16 + sw + 40;
    }
    bool more = c->beat < c->last || c->more_entries;
    char right[300];
    snprintf(right, sizeof right, "%s%s%s", c->hint ? c->hint : "", c->hint && c->holding && more ? "  \xc2\xb7  " : "",
             c->holding && more ? "PageDown / \xe2\x86\x92 next" : "");
    if (right[0]) gfx_text(rx, y + 40, UI_SMALL, GFX_SANS, GFX_RIGHT | GFX_MIDDLE, th->text_dim, right);
    gfx_text_role(GFX_ROLE_CAPTION);
    if (c->caption) gfx_text_box(50, y + 66, W - 100, 32, GFX_SANS, GFX_LEFT, th->text, c->caption);
    gfx_text_role(old_role);
}

/* One column of keys: the key names in the accent colour, what they do
 * word-wrapped beside them. Returns the height used. */
static float help_column(const ui_theme *th, float x, float y, float w, const ui_help_key *keys, int n,
                         float size) {
    float kw = 0;
    for (int i = 0; i < n; i++) {
        float t = gfx_text_width(size, GFX_MONO, keys[i].keys);
        if (t > kw) kw = t;
    }
    if (kw > w * 0.42f) kw = w * 0.42f;
    float yy = y;
    for (int i = 0; i < n; i++) {
        gfx_text(x, yy, size, GFX_MONO, GFX_LEFT | GFX_TOP, th->accent, keys[i].keys);
        if (gfx_text_width(size, GFX_MONO, keys[i].keys) > kw) yy += size * 1.25f;   /* a long key: own line */
        float h = gfx_text_box(x + kw + 24, yy, w - kw - 24, size, GFX_SANS, GFX_LEFT, th->text, keys[i].what);
        yy += (h > size * 1.25f ? h : size * 1.25f) + size * 0.35f;
    }
    return yy - y;
}

void ui_help_overlay(const ui_theme *th, const ui_help_key *keys, int n,
                     const char *scene_name, const ui_help_key *scene_keys, int scene_n) {
    float W = gfx_canvas_w(), H = gfx_canvas_h();
    gfx_rect(0, 0, W, H, gfx_fade(th->bg, 0.86f));
    float x = 60, y = 40, bw = W - 120, bh = H - 80;
    gfx_rrect(x + 6, y + 8, bw, bh, 20, th->shadow);
    gfx_rrect(x, y, bw, bh, 20, th->panel);
    gfx_rrect_line(x, y, bw, bh, 20, 2, th->panel_edge);
    gfx_text(x + 50, y + 50, UI_H2, GFX_BOLD, GFX_LEFT | GFX_MIDDLE, th->text, "Keys");
    gfx_text(x + bw - 50, y + 50, UI_SMALL, GFX_SANS, GFX_RIGHT | GFX_MIDDLE, th->text_dim,
             "H, F1 or Esc closes this");
    /* the app's keys fill the left column and, if there are many, flow on
     * into the middle one; the scene's keys take the right column */
    bool has_scene = scene_keys && scene_n > 0;
    int cols = has_scene ? 3 : 2, per = (n + 1) / 2;
    float cw = (bw - 100 - (float)(cols - 1) * 50) / (float)cols, top = y + 110;
    help_column(th, x + 50, top, cw, keys, per, UI_LABEL);
    help_column(th, x + 50 + cw + 50, top, cw, keys + per, n - per, UI_LABEL);
    if (has_scene) {
        float sx = x + 50 + 2 * (cw + 50);
        gfx_rect(sx - 26, top - 10, 2, bh - 140, th->panel_edge);
        gfx_text(sx, top + 4, UI_LABEL, GFX_BOLD, GFX_LEFT | GFX_MIDDLE, th->accent2,
                 scene_name ? scene_name : "this scene");
        help_column(th, sx, top + 40, cw, scene_keys, scene_n, UI_LABEL);
    }
}

void ui_card(const ui_theme *th, float x, float y, float w, float h, const char *title,
             const char *summary, const char *detail, bool hot) {
    gfx_rrect(x + 4, y + 6, w, h, 18, th->shadow);
    gfx_rrect(x, y, w, h, 18, hot ? gfx_mix(th->panel, th->accent, 0.12f) : th->panel);
    gfx_rrect_line(x, y, w, h, 18, hot ? 4 : 2, hot ? th->accent : th->panel_edge);
    gfx_push_clip(x, y, w, h);
    float th_h = gfx_text_box(x + 24, y + 20, w - 48, 28, GFX_BOLD, GFX_LEFT, th->text, title);
    gfx_text_box(x + 24, y + 30 + th_h, w - 48, UI_SMALL, GFX_SANS, GFX_LEFT, th->text_dim, summary);
    if (detail)
        gfx_text(x + 24, y + h - 26, UI_SMALL, GFX_MONO, GFX_LEFT | GFX_MIDDLE, th->accent2, detail);
    gfx_pop_clip();
}

void ui_toast(const ui_theme *th, const char *msg, float alpha) {
    if (alpha <= 0) return;
    /* over the caption bar's top row, at its right end (the scenes' own
     * headings are at the top of the stage); a long one centred above it */
    float W = gfx_canvas_w(), w = gfx_text_width(UI_BODY, GFX_SANS, msg) + 60, h = 58;
    float x = W - 40 - w, y = gfx_canvas_h() - UI_CAPTION_H + 6;
    if (w > W * 0.62f) { x = (W - w) / 2; y -= h + 16; }
    gfx_rrect(x, y, w, h, 14, gfx_fade(th->panel, alpha));
    gfx_rrect_line(x, y, w, h, 14, 2, gfx_fade(th->accent, alpha));
    gfx_text(x + w / 2, y + h / 2, UI_BODY, GFX_SANS, GFX_CENTER | GFX_MIDDLE,
             gfx_fade(th->text, alpha), msg);
}

void ui_timeline(const ui_theme *th, float x, float y, float w, float h, const float *starts,
                 const int *numbers, int n, float pos, int hover, const char *hover_label,
                 float alpha) {
    if (alpha <= 0) return;
    /* opaque: it stands in for the caption bar's top row while it shows */
    gfx_rrect(x, y, w, h, 16, gfx_fade(gfx_mix(th->panel, th->bg, 0.5f), alpha));
    gfx_rrect_line(x, y, w, h, 16, 2, gfx_fade(th->panel_edge, alpha));
    /* the beat numbers in the upper part, the track under them */
    float tx = x + 40, tw = w - 80, ty = y + h - 15;
    gfx_line(tx, ty, tx + tw, ty, 6, gfx_fade(th->panel_edge, alpha));
    gfx_line(tx, ty, tx + tw * pos, ty, 6, gfx_fade(th->accent, alpha));
    for (int i = 0; i < n; i++) {
        float bx = tx + tw * starts[i], ex = tx + tw * (i + 1 < n ? starts[i + 1] : 1);
        if (i == hover) gfx_rect(bx, y + 4, ex - bx, h - 8, gfx_fade(th->accent, 0.18f * alpha));
        gfx_rect(bx - 1.5f, ty - 12, 3, 24, gfx_fade(th->text_dim, alpha));
        char num[16];
        snprintf(num, sizeof num, "%d", numbers[i]);
        gfx_text(bx + 8, y + 4, UI_SMALL, GFX_SANS, GFX_LEFT | GFX_TOP, gfx_fade(th->text, alpha), num);
    }
    gfx_circle(tx + tw * pos, ty, 11, gfx_fade(th->accent, alpha));
    if (hover >= 0 && hover_label) {
        float bx = tx + tw * starts[hover], lw = gfx_text_width(UI_BODY, GFX_SANS, hover_label) + 40;
        float lx = bx < x ? x : bx + lw > x + w ? x + w - lw : bx;
        gfx_rrect(lx, y - 66, lw, 56, 12, gfx_fade(th->panel, alpha));
        gfx_rrect_line(lx, y - 66, lw, 56, 12, 2, gfx_fade(th->accent, alpha));
        gfx_text(lx + 20, y - 38, UI_BODY, GFX_SANS, GFX_LEFT | GFX_MIDDLE, gfx_fade(th->text, alpha), hover_label);
    }
}
