/* chrome.c: what the window draws over the scene: the timeline, pen strokes
 * and laser pointer, the G go-to list, a beat number being typed, the quit
 * question, the blank (black or white) screen and the REC mark of a take.
 * All in overlay canvas units, inside the safe margin when it is on; called
 * by app_frame through app_frame_opts.overlay, so exports of a scene never
 * contain any of it.
 *
 * The export of a take (take.c) replays the session, and keeps what was
 * part of the performance: pen strokes, the laser, a blank screen, and the
 * pointer, drawn here as an arrow (the window shows the system's). The
 * timeline, the go-to list, a typed beat number and the quit question are
 * left out unless --chrome; the REC mark is never in it.
 */
#include <stdio.h>
#include "app/session.h"

static void panel(const ui_theme *th, float x, float y, float w, float h) {
    gfx_rrect(x + 6, y + 8, w, h, 18, th->shadow);
    gfx_rrect(x, y, w, h, 18, th->panel);
    gfx_rrect_line(x, y, w, h, 18, 3, th->accent);
}

/* Entries down the left, the selected entry's beats on the right. */
static void draw_go_list(const app_session *a) {
    const ui_theme *th = a->th;
    const deck *d = a->d;
    float W = gfx_canvas_w(), H = gfx_canvas_h();
    gfx_rect(-W, -H, 3 * W, 3 * H, gfx_fade(th->bg, 0.7f));
    float x = 160, y = 90, w = W - 320, h = H - 180, row = 46;
    panel(th, x, y, w, h);
    gfx_text(x + 40, y + 46, UI_H2, GFX_BOLD, GFX_LEFT | GFX_MIDDLE, th->text, "Go to");
    gfx_text(x + w - 40, y + 46, UI_SMALL, GFX_SANS, GFX_RIGHT | GFX_MIDDLE, th->text_dim,
             "\xe2\x86\x91\xe2\x86\x93 entry \xc2\xb7 \xe2\x86\x90\xe2\x86\x92 beat \xc2\xb7 Enter go \xc2\xb7 G or Esc close");
    int rows = (int)((h - 120) / row), first = a->go_sel >= rows ? a->go_sel - rows + 1 : 0;
    float cw = w * 0.45f;
    for (int i = first; i < d->n && i < first + rows; i++) {
        float ry = y + 100 + (float)(i - first) * row;
        if (i == a->go_sel) gfx_rrect(x + 24, ry, cw, row - 4, 10, gfx_fade(th->accent, 0.25f));
        char line[200];
        snprintf(line, sizeof line, "%d. %s", i + 1, d->e[i].title);
        gfx_push_clip(x + 24, ry, cw - 10, row);
        gfx_text(x + 40, ry + row / 2 - 2, UI_LABEL, i == a->entry ? GFX_BOLD : GFX_SANS, GFX_LEFT | GFX_MIDDLE,
                 th->text, line);
        gfx_pop_clip();
    }
    const deck_entry *e = &d->e[a->go_sel];
    float bx = x + 60 + cw;
    for (int b = e->first; b <= e->last; b++) {
        float ry = y + 100 + (float)(b - e->first) * row;
        if (ry + row > y + h - 20) break;
        if (b == a->go_beat) gfx_rrect(bx, ry, w - cw - 90, row - 4, 10, gfx_fade(th->accent, 0.25f));
        char line[200];
        snprintf(line, sizeof line, "%d  %s", b + 1, e->s->kind->beats[b].title ? e->s->kind->beats[b].title : "");
        gfx_push_clip(bx, ry, w - cw - 90, row);
        gfx_text(bx + 16, ry + row / 2 - 2, UI_LABEL, GFX_SANS, GFX_LEFT | GFX_MIDDLE, th->text, line);
        gfx_pop_clip();
    }
}

void session_draw_confirm(const app_session *a) {
    const ui_theme *th = a->th;
    float W = gfx_canvas_w(), H = gfx_canvas_h(), w = 1500, h = 230;
    gfx_rect(-W, -H, 3 * W, 3 * H, gfx_fade(th->bg, 0.6f));
    panel(th, (W - w) / 2, (H - h) / 2, w, h);
    bool open = a->confirm_open[0] != 0;
    gfx_text(W / 2, H / 2 - 50, UI_H2, GFX_BOLD, GFX_CENTER | GFX_MIDDLE, th->text,
             open ? "Open another? The open one's drawings and edits will be lost."
                  : "Quit? Your drawings and edits will be lost.");
    gfx_text(W / 2, H / 2 + 40, UI_BODY, GFX_SANS, GFX_CENTER | GFX_MIDDLE, th->text_dim,
             open ? "Enter opens it \xc2\xb7 any other key stays (Tab goes back to the open one)"
                  : "Q or Enter quits \xc2\xb7 any other key stays");
}

/* A pill over the caption bar's top row, at its right end (where toasts
 * go): a press taken, or a jump under way. */
static void row_pill(const ui_theme *th, const char *msg, float alpha, bool busy) {
    float W = gfx_canvas_w(), H = gfx_canvas_h(), h = 58;
    float w = gfx_text_width(UI_BODY, GFX_BOLD, msg) + 60 + (busy ? 50 : 0);
    float x = W - 40 - w, y = H - UI_CAPTION_H + 6;
    gfx_rrect(x, y, w, h, 14, gfx_fade(th->panel, alpha));
    gfx_rrect_line(x, y, w, h, 14, 3, gfx_fade(th->accent, alpha));
    if (busy)   /* an hourglass: a jump waits on work */
        for (int i = 0; i < 2; i++) {
            float cx = x + 38, cy = y + h / 2, s = i ? -1.0f : 1.0f;
            gfx_line(cx - 12, cy - 16 * s, cx + 12, cy - 16 * s, 4, gfx_fade(th->accent, alpha));
            gfx_line(cx - 12, cy - 16 * s, cx, cy, 4, gfx_fade(th->accent, alpha));
            gfx_line(cx + 12, cy - 16 * s, cx, cy, 4, gfx_fade(th->accent, alpha));
        }
    gfx_text(x + 30 + (busy ? 50 : 0), y + h / 2, UI_BODY, GFX_BOLD, GFX_LEFT | GFX_MIDDLE,
             gfx_fade(th->text, alpha), msg);
}

/* A jump about to happen (the work, if any, starts after this frame), or a
 * press that finished a beat's animation: both say the press was taken. */
static void draw_press(const app_session *a) {
    char msg[200];
    if (a->jump_pending && a->d && a->jump_entry < a->d->n) {
        const deck_entry *e = &a->d->e[a->jump_entry];
        const char *t = e->s->kind->beats[a->jump_beat].title;
        snprintf(msg, sizeof msg, "going to slide %d: %.80s", deck_slide_of(a->d, a->jump_entry, a->jump_beat) + 1,
                 t ? t : "");
        row_pill(a->th, msg, 1, true);
        return;
    }
    double since = a->now - a->ack_at;
    if (a->ack_at > 0 && since >= 0 && since < 1.2)
        row_pill(a->th, "shown in full \xc2\xb7 the next press goes on", since < 0.9 ? 1 : (float)((1.2 - since) / 0.3),
                 false);
}

/* An arrow pointer with its tip at (x, y), 48 canvas units long: light with
 * a dark rim, readable on either theme and at any export size. */
static void draw_pointer(float x, float y) {
    gfx_arrow(x + 20, y + 48, x - 1.5f, y - 3.2f, 12, gfx_hex(0x101010e6));
    gfx_arrow(x + 18.5f, y + 44.5f, x + 0.7f, y + 1.6f, 6, gfx_hex(0xffffffff));
}

/* The pointer of a replayed take: where it was, while it showed live. */
static void draw_export_pointer(const app_session *a) {
    if (!a->out.on || !a->out.cursor || !a->mouse_in || a->now - a->last_motion >= CHROME_SECONDS) return;
    if (a->mouse_x < 0 || a->mouse_y < 0 || a->mouse_x >= (float)a->win_w || a->mouse_y >= (float)a->win_h) return;
    draw_pointer(a->ox, a->oy);
}

/* What the scene recomputes off the frame, and how far it is: a panel at
 * the top of the stage with the scene's words and a bar (window only). */
static void draw_busy(const app_session *a, const scene *s) {
    float progress = 0;
    const char *what = s->kind->busy ? s->kind->busy(s->state, &progress) : NULL;
    if (!what) return;
    const ui_theme *th = a->th;
    char msg[160];
    snprintf(msg, sizeof msg, "%s \xe2\x80\xa6 %d%%", what, (int)(100 * progress));
    float W = gfx_canvas_w(), w = gfx_text_width(UI_BODY, GFX_SANS, msg) + 60, x = (W - w) / 2;
    panel(th, x, 24, w, 84);
    gfx_text(W / 2, 56, UI_BODY, GFX_SANS, GFX_CENTER | GFX_MIDDLE, th->text, msg);
    gfx_rect(x + 30, 86, w - 60, 8, th->text_dim);
    gfx_rect(x + 30, 86, (w - 60) * progress, 8, th->accent);
}

void session_draw_overlay(app_session *a) {
    scene *s = app_session_scene(a);
    const ui_theme *th = a->th;
    float W = gfx_canvas_w(), H = gfx_canvas_h();
    bool chrome = !a->out.on || a->out.chrome;
    if (a->blank) {   /* covers everything, margin and letterbox included */
        gfx_rect(-W, -H, 3 * W, 3 * H, a->blank == 'w' ? gfx_hex(0xffffffff) : gfx_hex(0x000000ff));
        if (a->ink.laser) ink_draw(&a->ink, -1, -1, th, a->now, a->ox, a->oy);
    } else {
        if (chrome) scrub_draw(a, a->ox, a->oy);
        ink_draw(&a->ink, a->entry, s->clock.beat, th, a->now, a->ox, a->oy);
        if (a->ink.pen && !a->ink.laser)   /* where the pen will write */
            gfx_circle_line(a->ox, a->oy, 10, 3, th->accent);
        if (chrome && a->digits[0]) {
            char msg[64];
            snprintf(msg, sizeof msg, "go to beat %s \xe2\x86\xb5", a->digits);
            float w = gfx_text_width(UI_H2, GFX_BOLD, msg) + 60;
            panel(th, (W - w) / 2, 60, w, 80);
            gfx_text(W / 2, 100, UI_H2, GFX_BOLD, GFX_CENTER | GFX_MIDDLE, th->text, msg);
        }
        if (chrome && a->go_open) draw_go_list(a);
        if (chrome) draw_press(a);
        if (chrome && !a->out.on) draw_busy(a, s);
        if (chrome && a->confirm_quit) session_draw_confirm(a);
    }
    draw_export_pointer(a);
    take_draw_mark(a);
}
