/* overlay.c: the app's own chrome: the caption bar that tells the story, the
 * help overlay, scene-picker cards and short toasts ("saved shot-0001.png").
 * These draw directly (the app calls them in its draw phase). */
#include <stdio.h>
#include "ui/ui.h"

void ui_caption_bar(const ui_theme *th, int beat, int beat_count, const char *title,
                    const char *caption, const char *hint, float t, bool holding) {
    float W = gfx_canvas_w(), H = gfx_canvas_h();
    float bh = UI_CAPTION_H, y = H - bh;
    gfx_rect(0, y, W, bh, th->panel);
    gfx_rect(0, y, W, 2, th->panel_edge);
    gfx_rect(0, y, W * (t < 0 ? 0 : t > 1 ? 1 : t), 5, th->accent);

    /* beat dots: where we are in the story */
    float dx = 26, x0 = 60;
    for (int i = 0; i < beat_count; i++) {
        float cx = x0 + i * dx, cy = y + 40;
        if (i == beat) gfx_circle(cx, cy, 9, th->accent);
        else if (i < beat) gfx_circle(cx, cy, 6, th->text_dim);
        else gfx_circle_line(cx, cy, 6, 2, th->text_dim);
    }
    char head[160];
    snprintf(head, sizeof head, "%d/%d  %s", beat + 1, beat_count, title ? title : "");
    gfx_text(x0 + beat_count * dx + 10, y + 40, UI_BODY, GFX_BOLD, GFX_LEFT | GFX_MIDDLE,
             th->accent, head);
    char right[300];
    snprintf(right, sizeof right, "%s%s%s", hint ? hint : "", hint && holding && beat < beat_count - 1 ? "  \xc2\xb7  " : "",
             holding && beat < beat_count - 1 ? "PageDown / \xe2\x86\x92 next" : "");
    if (right[0]) gfx_text(W - 60, y + 40, UI_SMALL, GFX_SANS, GFX_RIGHT | GFX_MIDDLE, th->text_dim, right);
    if (caption) gfx_text_box(50, y + 66, W - 100, 32, GFX_SANS, GFX_LEFT, th->text, caption);
}

void ui_help_overlay(const ui_theme *th, const ui_help_key *keys, int n) {
    float W = gfx_canvas_w(), H = gfx_canvas_h();
    gfx_rect(0, 0, W, H, gfx_fade(th->bg, 0.82f));
    float bw = 1200, row = 48, bh = 150 + n * row, x = (W - bw) / 2, y = (H - bh) / 2;
    gfx_rrect(x + 6, y + 8, bw, bh, 20, th->shadow);
    gfx_rrect(x, y, bw, bh, 20, th->panel);
    gfx_rrect_line(x, y, bw, bh, 20, 2, th->panel_edge);
    gfx_text(x + 50, y + 60, UI_H2, GFX_BOLD, GFX_LEFT | GFX_MIDDLE, th->text, "Keys");
    gfx_text(x + bw - 50, y + 60, UI_SMALL, GFX_SANS, GFX_RIGHT | GFX_MIDDLE, th->text_dim,
             "H or F1 closes this");
    for (int i = 0; i < n; i++) {
        float ry = y + 130 + i * row;
        gfx_text(x + 50, ry, UI_BODY, GFX_MONO, GFX_LEFT | GFX_MIDDLE, th->accent, keys[i].keys);
        gfx_text(x + 400, ry, UI_BODY, GFX_SANS, GFX_LEFT | GFX_MIDDLE, th->text, keys[i].what);
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
    float w = gfx_text_width(UI_BODY, GFX_SANS, msg) + 60, h = 70;
    float x = (gfx_canvas_w() - w) / 2, y = 40;
    gfx_rrect(x, y, w, h, 14, gfx_fade(th->panel, alpha));
    gfx_rrect_line(x, y, w, h, 14, 2, gfx_fade(th->accent, alpha));
    gfx_text(x + w / 2, y + h / 2, UI_BODY, GFX_SANS, GFX_CENTER | GFX_MIDDLE,
             gfx_fade(th->text, alpha), msg);
}
