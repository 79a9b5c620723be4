/* widgets.c: immediate-mode widgets that queue themselves for drawing.
 *
 * Each widget call hit-tests this frame's input, updates the value it was
 * given, and appends a command; ui_draw paints the commands after the scene.
 * Whether the mouse belongs to a widget is decided from the previous frame's
 * widget rectangles, so ui_hover gives the same answer wherever a scene asks.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <SDL2/SDL_keycode.h>
#include "ui/ui.h"

enum { CMD_BUTTON, CMD_TOGGLE, CMD_SLIDER, CMD_CHOICE, CMD_FIELD, CMD_PANEL };

struct ui_cmd {
    int type;
    unsigned id;
    float x, y, w, h;
    float value;            /* slider 0..1 position, toggle 0/1, choice index */
    const char *label;      /* in the pool */
    const char *text;       /* value text, options joined by '\n', field text */
    int count;              /* options */
};

#define UI_MAX_RECTS UI_MAX_CMDS
static float prev_rects[UI_MAX_RECTS][4];
static int prev_rect_count;

static unsigned hash(const char *s) {
    unsigned h = 2166136261u;
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 16777619u;
    return h ? h : 1;
}

static const char *pool_add(ui_ctx *ui, const char *s, size_t n) {
    if (ui->pool_used + n + 1 > UI_TEXT_POOL) return "";
    char *p = ui->pool + ui->pool_used;
    memcpy(p, s, n);
    p[n] = 0;
    ui->pool_used += n + 1;
    return p;
}

/* The shown part of a label: everything before "##". */
static const char *visible(ui_ctx *ui, const char *label) {
    const char *cut = strstr(label, "##");
    return pool_add(ui, label, cut ? (size_t)(cut - label) : strlen(label));
}

static ui_cmd *push(ui_ctx *ui, int type, const char *label, float x, float y, float w, float h) {
    if (ui->cmd_count >= UI_MAX_CMDS) {
        static ui_cmd sink;
        return &sink;
    }
    ui_cmd *c = &ui->cmds[ui->cmd_count++];
    memset(c, 0, sizeof *c);
    c->type = type; c->id = hash(label);
    c->x = x; c->y = y; c->w = w; c->h = h;
    c->label = visible(ui, label);
    return c;
}

static bool inside(const ui_ctx *ui, float x, float y, float w, float h) {
    return ui->in.mouse_x >= x && ui->in.mouse_x < x + w &&
           ui->in.mouse_y >= y && ui->in.mouse_y < y + h;
}

void ui_init(ui_ctx *ui, const ui_theme *theme) {
    memset(ui, 0, sizeof *ui);
    ui->theme = theme;
    ui->show_widgets = true;
    ui->cmds = calloc(UI_MAX_CMDS, sizeof *ui->cmds);
    ui->pool = calloc(1, UI_TEXT_POOL);
    if (!ui->cmds || !ui->pool) { fprintf(stderr, "tensorstage: out of memory\n"); exit(1); }
    ui->in.mouse_x = ui->in.mouse_y = -1e9f;
}

void ui_shutdown(ui_ctx *ui) {
    free(ui->cmds);
    free(ui->pool);
    ui->cmds = NULL; ui->pool = NULL;
}

void ui_begin_frame(ui_ctx *ui, const ui_input *in) {
    /* remember where last frame's widgets were, for mouse ownership */
    prev_rect_count = 0;
    for (int i = 0; i < ui->cmd_count && i < UI_MAX_RECTS; i++) {
        prev_rects[prev_rect_count][0] = ui->cmds[i].x;
        prev_rects[prev_rect_count][1] = ui->cmds[i].y;
        prev_rects[prev_rect_count][2] = ui->cmds[i].w;
        prev_rects[prev_rect_count][3] = ui->cmds[i].h;
        prev_rect_count++;
    }
    /* a focused field that was not drawn last frame (its beat or scene has
     * gone) cannot be seen: it gives the keyboard back */
    bool field_shown = false;
    for (int i = 0; i < ui->cmd_count; i++)
        if (ui->cmds[i].type == CMD_FIELD && ui->cmds[i].id == ui->focus) field_shown = true;
    if (!field_shown) ui->focus = 0;
    ui->in = *in;
    ui->cmd_count = 0;
    ui->pool_used = 0;
    ui->tooltip[0] = 0;
    ui->mouse_used = ui->active != 0;
    for (int i = 0; i < prev_rect_count && ui->show_widgets; i++)
        if (inside(ui, prev_rects[i][0], prev_rects[i][1], prev_rects[i][2], prev_rects[i][3]))
            ui->mouse_used = true;
    if (!in->mouse_down && !in->mouse_released) ui->active = 0;
    if (in->mouse_pressed && ui->focus) ui->focus = 0;   /* a field claims it again below */
}

bool ui_hover(const ui_ctx *ui, float x, float y, float w, float h) {
    return !ui->mouse_used && inside(ui, x, y, w, h);
}

bool ui_clicked(const ui_ctx *ui, float x, float y, float w, float h) {
    return ui->in.mouse_pressed && ui_hover(ui, x, y, w, h);
}

bool ui_key(const ui_ctx *ui, int key) {
    for (int i = 0; i < ui->in.key_count; i++)
        if (ui->in.keys[i] == key) return true;
    return false;
}

float ui_row_height(void) { return 64; }

/* Common hit logic: returns true while this widget is being pressed/dragged. */
static bool interact(ui_ctx *ui, unsigned id, float x, float y, float w, float h, bool *clicked) {
    bool hot = inside(ui, x, y, w, h);
    if (hot && ui->in.mouse_pressed && !ui->active) ui->active = id;
    if (clicked) *clicked = hot && ui->in.mouse_released && ui->active == id;
    if (hot) ui->hot = id;
    return ui->active == id;
}

bool ui_button(ui_ctx *ui, const char *label, float x, float y, float w, float h) {
    ui_cmd *c = push(ui, CMD_BUTTON, label, x, y, w, h);
    bool clicked;
    interact(ui, c->id, x, y, w, h, &clicked);
    c->value = inside(ui, x, y, w, h) ? 1 : 0;
    return clicked;
}

bool ui_toggle(ui_ctx *ui, const char *label, float x, float y, float w, bool *v) {
    float h = 48;
    ui_cmd *c = push(ui, CMD_TOGGLE, label, x, y, w, h);
    bool clicked;
    interact(ui, c->id, x, y, w, h, &clicked);
    if (clicked) *v = !*v;
    c->value = *v ? 1 : 0;
    return clicked;
}

static bool slider_core(ui_ctx *ui, const char *label, float x, float y, float w,
                        float *u, const char *value_text) {
    float h = ui_row_height();
    ui_cmd *c = push(ui, CMD_SLIDER, label, x, y, w, h);
    bool drag = interact(ui, c->id, x, y, w, h, NULL);
    bool changed = false;
    /* also on the release: a press and release within one slow frame is a
     * click that sets the value, not nothing */
    if (drag && (ui->in.mouse_down || ui->in.mouse_released)) {
        float nu = (ui->in.mouse_x - (x + 12)) / (w - 24);
        nu = nu < 0 ? 0 : nu > 1 ? 1 : nu;
        if (nu != *u) { *u = nu; changed = true; }
    }
    c->value = *u;
    c->text = pool_add(ui, value_text, strlen(value_text));
    return changed;
}

bool ui_slider(ui_ctx *ui, const char *label, float x, float y, float w,
               float *v, float lo, float hi, const char *fmt) {
    float u = hi > lo ? (*v - lo) / (hi - lo) : 0;
    char text[64];
    snprintf(text, sizeof text, fmt ? fmt : "%.2f", *v);
    if (!slider_core(ui, label, x, y, w, &u, text)) return false;
    float nv = lo + u * (hi - lo);
    if (nv == *v) return false;
    *v = nv;
    return true;
}

bool ui_slider_int(ui_ctx *ui, const char *label, float x, float y, float w,
                   int *v, int lo, int hi) {
    float u = hi > lo ? (float)(*v - lo) / (float)(hi - lo) : 0;
    char text[32];
    snprintf(text, sizeof text, "%d", *v);
    if (!slider_core(ui, label, x, y, w, &u, text)) return false;
    int nv = lo + (int)lroundf(u * (float)(hi - lo));
    if (nv == *v) return false;
    *v = nv;
    return true;
}

bool ui_choice(ui_ctx *ui, const char *id, float x, float y, float w, float h,
               const char *const *options, int n, int *v) {
    ui_cmd *c = push(ui, CMD_CHOICE, id, x, y, w, h);
    bool clicked;
    interact(ui, c->id, x, y, w, h, &clicked);
    bool changed = false;
    if (clicked && n > 0) {
        int k = (int)((ui->in.mouse_x - x) / (w / (float)n));
        if (k >= 0 && k < n && k != *v) { *v = k; changed = true; }
    }
    char joined[512] = "";
    for (int i = 0; i < n; i++) {
        strncat(joined, options[i], sizeof joined - strlen(joined) - 2);
        if (i < n - 1) strcat(joined, "\n");
    }
    c->text = pool_add(ui, joined, strlen(joined));
    c->count = n;
    c->value = (float)*v;
    return changed;
}

bool ui_text_field(ui_ctx *ui, const char *id, float x, float y, float w,
                   char *buf, size_t buflen) {
    float h = 56;
    ui_cmd *c = push(ui, CMD_FIELD, id, x, y, w, h);
    if (ui->in.mouse_pressed && inside(ui, x, y, w, h)) {
        ui->focus = c->id;
        ui->field_fresh = true;   /* the old text is selected: typing replaces it */
    }
    bool enter = false;
    if (ui->focus == c->id) {
        if (ui->field_fresh && (ui->in.text[0] || ui->in.backspace)) {
            buf[0] = 0;
            ui->field_fresh = false;
            ui->in.backspace = false;
        }
        size_t n = strlen(buf);
        if (ui->in.backspace && n > 0) {
            /* drop one UTF-8 code point */
            do n--; while (n > 0 && ((unsigned char)buf[n] & 0xC0) == 0x80);
            buf[n] = 0;
        }
        size_t add = strlen(ui->in.text);
        if (add && n + add < buflen) memcpy(buf + n, ui->in.text, add + 1);
        /* Enter submits and Esc cancels; both give the keyboard back, also
         * when the scene refuses what was typed */
        if (ui->in.enter) enter = true;
        if (ui->in.enter || ui_key(ui, SDLK_ESCAPE)) ui->focus = 0;
    }
    c->value = ui->focus != c->id ? 0 : ui->field_fresh ? 2 : 1;
    c->text = pool_add(ui, buf, strlen(buf));
    return enter;
}

void ui_focus(ui_ctx *ui, const char *id) {
    ui->focus = hash(id);
    ui->field_fresh = true;
}

void ui_panel(ui_ctx *ui, float x, float y, float w, float h) {
    push(ui, CMD_PANEL, "##panel", x, y, w, h);
}

/* The n-th widget of a type queued this frame: its rectangle and label. */
static bool widget_rect(const ui_ctx *ui, int type, int n, float *x, float *y, float *w, float *h,
                        const char **label) {
    for (int i = 0; i < ui->cmd_count; i++)
        if (ui->cmds[i].type == type && n-- == 0) {
            *x = ui->cmds[i].x; *y = ui->cmds[i].y; *w = ui->cmds[i].w; *h = ui->cmds[i].h;
            if (label) *label = ui->cmds[i].label;
            return true;
        }
    return false;
}

bool ui_field_rect(const ui_ctx *ui, int n, float *x, float *y, float *w, float *h) {
    return widget_rect(ui, CMD_FIELD, n, x, y, w, h, NULL);
}

bool ui_slider_rect(const ui_ctx *ui, int n, float *x, float *y, float *w, float *h, const char **label) {
    return widget_rect(ui, CMD_SLIDER, n, x, y, w, h, label);
}

bool ui_button_rect(const ui_ctx *ui, int n, float *x, float *y, float *w, float *h, const char **label) {
    return widget_rect(ui, CMD_BUTTON, n, x, y, w, h, label);
}

void ui_tooltipf(ui_ctx *ui, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ui->tooltip, sizeof ui->tooltip, fmt, ap);
    va_end(ap);
    ui->tooltip_x = ui->in.mouse_x;
    ui->tooltip_y = ui->in.mouse_y;
}

/* ---- drawing -------------------------------------------------------------- */

static void draw_cmd(const ui_ctx *ui, const ui_cmd *c) {
    const ui_theme *th = ui->theme;
    bool hot = ui->hot == c->id && inside(ui, c->x, c->y, c->w, c->h);
    switch (c->type) {
    case CMD_PANEL:   /* opaque enough that the picture under it cannot be misread */
        gfx_rrect(c->x + 4, c->y + 6, c->w, c->h, 16, th->shadow);
        gfx_rrect(c->x, c->y, c->w, c->h, 16, gfx_fade(th->bg, 0.94f));
        gfx_rrect_line(c->x, c->y, c->w, c->h, 16, 2, th->panel_edge);
        break;
    case CMD_BUTTON:
        gfx_rrect(c->x, c->y, c->w, c->h, 10, hot ? gfx_mix(th->panel, th->accent, 0.25f) : th->panel);
        gfx_rrect_line(c->x, c->y, c->w, c->h, 10, 2, hot ? th->accent : th->panel_edge);
        gfx_text(c->x + c->w / 2, c->y + c->h / 2, UI_LABEL, GFX_SANS, GFX_CENTER | GFX_MIDDLE,
                 th->text, c->label);
        break;
    case CMD_TOGGLE: {
        float sw = 64, sh = 34, sy = c->y + (c->h - sh) / 2;
        bool on = c->value > 0.5f;
        gfx_rrect(c->x, sy, sw, sh, sh / 2, on ? th->accent : th->panel_edge);
        gfx_circle(c->x + (on ? sw - sh / 2 : sh / 2), sy + sh / 2, sh / 2 - 5,
                   on ? th->text_on_accent : th->text);
        gfx_text(c->x + sw + 16, c->y + c->h / 2, UI_LABEL, GFX_SANS, GFX_LEFT | GFX_MIDDLE,
                 hot ? th->text : th->text_dim, c->label);
        break;
    }
    case CMD_SLIDER: {
        float ty = c->y + 46, x0 = c->x + 12, x1 = c->x + c->w - 12;
        float kx = x0 + c->value * (x1 - x0);
        gfx_text(c->x, c->y + 16, UI_LABEL, GFX_SANS, GFX_LEFT | GFX_MIDDLE, th->text_dim, c->label);
        gfx_text(c->x + c->w, c->y + 16, UI_LABEL, GFX_MONO, GFX_RIGHT | GFX_MIDDLE, th->text, c->text);
        gfx_line(x0, ty, x1, ty, 6, th->panel_edge);
        gfx_line(x0, ty, kx, ty, 6, th->accent);
        gfx_circle(kx, ty, hot || ui->active == c->id ? 14 : 12, th->accent);
        break;
    }
    case CMD_CHOICE: {
        float seg = c->w / (float)(c->count > 0 ? c->count : 1);
        gfx_rrect(c->x, c->y, c->w, c->h, 10, th->panel);
        const char *p = c->text;
        for (int i = 0; i < c->count; i++) {
            const char *e = strchr(p, '\n');
            char opt[96];
            snprintf(opt, sizeof opt, "%.*s", (int)(e ? e - p : (long)strlen(p)), p);
            bool sel = (int)c->value == i;
            if (sel) gfx_rrect(c->x + i * seg + 3, c->y + 3, seg - 6, c->h - 6, 8, th->accent);
            gfx_text(c->x + i * seg + seg / 2, c->y + c->h / 2, UI_SMALL, GFX_SANS,
                     GFX_CENTER | GFX_MIDDLE, sel ? th->text_on_accent : th->text, opt);
            p = e ? e + 1 : p + strlen(p);
        }
        gfx_rrect_line(c->x, c->y, c->w, c->h, 10, 2, th->panel_edge);
        break;
    }
    case CMD_FIELD: {
        bool focus = c->value > 0.5f;
        gfx_rrect(c->x, c->y, c->w, c->h, 10, th->panel);
        gfx_rrect_line(c->x, c->y, c->w, c->h, 10, focus ? 3 : 2, focus ? th->accent : th->panel_edge);
        /* text longer than the box scrolls left so its end (and the caret) stay in view */
        float room = c->w - 36, tw = gfx_text_width(UI_BODY, GFX_SANS, c->text);
        float tx = c->x + 16 - (tw > room ? tw - room : 0);
        gfx_push_clip(c->x + 6, c->y, c->w - 12, c->h);
        if (c->value > 1.5f && tw > 0)   /* selected */
            gfx_rect(tx - 2, c->y + 10, tw + 4, c->h - 20, gfx_fade(th->accent, 0.35f));
        gfx_text(tx, c->y + c->h / 2, UI_BODY, GFX_SANS, GFX_LEFT | GFX_MIDDLE, th->text, c->text);
        if (focus) gfx_rect(tx + tw + 2, c->y + 12, 3, c->h - 24, th->accent);
        gfx_pop_clip();
        break;
    }
    }
}

static void draw_tooltip(const ui_ctx *ui) {
    const ui_theme *th = ui->theme;
    float size = UI_LABEL, pad = 14, lh = size * 1.3f, w = 0;
    int lines = 1;
    const char *p = ui->tooltip;
    char line[256];
    while (*p) {   /* measure */
        const char *e = strchr(p, '\n');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        snprintf(line, sizeof line, "%.*s", (int)n, p);
        float lw = gfx_text_width(size, GFX_MONO, line);
        if (lw > w) w = lw;
        if (!e) break;
        lines++;
        p = e + 1;
    }
    float bw = w + 2 * pad, bh = lines * lh + 2 * pad;
    float x = ui->tooltip_x + 24, y = ui->tooltip_y + 24;
    if (x + bw > gfx_canvas_w() - 8) x = ui->tooltip_x - 24 - bw;
    if (y + bh > gfx_canvas_h() - 8) y = ui->tooltip_y - 24 - bh;
    if (x < 8) x = 8;
    if (y < 8) y = 8;
    gfx_rrect(x + 4, y + 6, bw, bh, 10, th->shadow);
    gfx_rrect(x, y, bw, bh, 10, th->panel);
    gfx_rrect_line(x, y, bw, bh, 10, 2, th->accent);
    p = ui->tooltip;
    for (int i = 0; i < lines; i++) {
        const char *e = strchr(p, '\n');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        snprintf(line, sizeof line, "%.*s", (int)n, p);
        gfx_text(x + pad, y + pad + i * lh + lh / 2, size, GFX_MONO, GFX_LEFT | GFX_MIDDLE,
                 th->text, line);
        p = e ? e + 1 : p;
    }
}

void ui_draw(ui_ctx *ui) {
    ui->text_from = gfx_text_log_count();
    if (ui->show_widgets)
        for (int i = 0; i < ui->cmd_count; i++) draw_cmd(ui, &ui->cmds[i]);
    if (ui->tooltip[0]) draw_tooltip(ui);
    ui->text_to = gfx_text_log_count();
}
