/* picker.c: the scene picker: one card per scene kind, then the decks and
 * presets of scenes/ sorted by file name, so the order never depends on the
 * file system. Arrows and Enter choose; the mouse selects a card only after
 * it has moved in the picker, so a pointer resting where the window opens
 * does not pick for you. Card text that is too long is cut with an ellipsis
 * to fit its card.
 */
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "app/session.h"

static int by_name(const void *a, const void *b) { return strcmp(a, b); }

void picker_fill(picker *p) {
    p->n = 0;
    p->mouse_moved = p->rest_set = false;
    for (int i = 0; i < scene_kind_count() && p->n < PICK_MAX; i++) {
        const scene_kind *k = scene_kind_at(i);
        pick_entry *e = &p->e[p->n++];
        snprintf(e->arg, sizeof e->arg, "%s", k->name);
        snprintf(e->title, sizeof e->title, "%s", k->title);
        snprintf(e->summary, sizeof e->summary, "%s", k->summary);
        snprintf(e->detail, sizeof e->detail, "%s \xc2\xb7 %d beats", k->name, k->beat_count);
    }
    char dir[4200];
    snprintf(dir, sizeof dir, "%s/scenes", scene_data_dir());
    DIR *d = opendir(dir);
    if (!d) return;
    static char names[PICK_MAX][256];
    int nn = 0;
    struct dirent *de;
    while ((de = readdir(d)) && nn < PICK_MAX) {
        size_t len = strlen(de->d_name);
        bool preset = len > 6 && strcmp(de->d_name + len - 6, ".scene") == 0;
        bool isdeck = len > 5 && strcmp(de->d_name + len - 5, ".deck") == 0;
        if ((preset || isdeck) && len < 200) snprintf(names[nn++], sizeof names[0], "%s", de->d_name);
    }
    closedir(d);
    /* decks first (a lecture is what a lecturer opens), then presets, by name */
    qsort(names, (size_t)nn, sizeof names[0], by_name);
    for (int pass = 0; pass < 2; pass++)
        for (int i = 0; i < nn && p->n < PICK_MAX; i++) {
            bool isdeck = deck_is_path(names[i]);
            if (isdeck != (pass == 0)) continue;
            pick_entry *e = &p->e[p->n];
            snprintf(e->arg, sizeof e->arg, "%s/%.200s", dir, names[i]);
            snprintf(e->detail, sizeof e->detail, "scenes/%.120s", names[i]);
            if (isdeck) {
                char err[512];
                deck *dk = deck_peek(e->arg, err, sizeof err);   /* no scene is opened */
                if (!dk) continue;
                snprintf(e->title, sizeof e->title, "%s", dk->title);
                snprintf(e->summary, sizeof e->summary, "a lecture deck of %d entries", dk->n);
                deck_close(dk);
            } else {
                char kind[64];
                if (!preset_peek(e->arg, kind, sizeof kind, e->title, sizeof e->title)) continue;
                snprintf(e->summary, sizeof e->summary, "a preset of %s", scene_kind_find(kind)->title);
            }
            p->n++;
        }
}

/* Four columns of cards; rows scroll so the selected card stays in view. */
#define PICK_COLS 4
#define PICK_ROWS 3
static void picker_layout(const picker *p, int i, float *x, float *y, float *w, float *h) {
    int sel_row = p->sel / PICK_COLS, first = sel_row >= PICK_ROWS ? sel_row - PICK_ROWS + 1 : 0;
    *w = 420; *h = 240;
    *x = 84 + (float)(i % PICK_COLS) * (*w + 24);
    *y = 170 + (float)(i / PICK_COLS - first) * (*h + 24);
}

/* Cuts s (in place) so it fits width w at this size and font, ending in "...". */
static void fit(char *s, float w, float size, int font) {
    if (gfx_text_width(size, font, s) <= w) return;
    size_t n = strlen(s);
    while (n > 0) {
        do n--; while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80);
        char tmp[300];
        snprintf(tmp, sizeof tmp, "%.*s\xe2\x80\xa6", (int)n, s);
        if (gfx_text_width(size, font, tmp) <= w) { snprintf(s, 300, "%s", tmp); return; }
    }
}

int picker_frame(picker *p, const ui_input *in, const ui_theme *th, int fb_w, int fb_h) {
    int chosen = -1;
    bool seen = in->mouse_x > -1e8f;
    if (seen && !p->rest_set) { p->rest_set = true; p->rest_x = in->mouse_x; p->rest_y = in->mouse_y; }
    bool mouse_moved = seen && p->rest_set && fabsf(in->mouse_x - p->rest_x) + fabsf(in->mouse_y - p->rest_y) > 12;
    if (mouse_moved) p->mouse_moved = true;
    for (int i = 0; i < p->n && p->mouse_moved; i++) {
        float x, y, w, h;
        picker_layout(p, i, &x, &y, &w, &h);
        bool shown = y >= 150 && y + h <= 980;
        bool over = shown && in->mouse_x >= x && in->mouse_x < x + w && in->mouse_y >= y && in->mouse_y < y + h;
        if (over && mouse_moved) p->sel = i;
        if (over && mouse_moved) { p->rest_x = in->mouse_x; p->rest_y = in->mouse_y; }
        if (over && in->mouse_pressed) { p->sel = i; chosen = i; }
    }
    for (int k = 0; k < in->key_count; k++) {
        int key = in->keys[k];
        if (key == SDLK_RIGHT && p->sel < p->n - 1) p->sel++;
        if (key == SDLK_LEFT && p->sel > 0) p->sel--;
        if (key == SDLK_DOWN && p->sel + PICK_COLS < p->n) p->sel += PICK_COLS;
        if (key == SDLK_UP && p->sel >= PICK_COLS) p->sel -= PICK_COLS;
        if (key == SDLK_RETURN || key == SDLK_KP_ENTER) chosen = p->sel;
    }
    gfx_frame_begin(fb_w, fb_h, th->bg, th->letterbox);
    gfx_text(90, 90, UI_TITLE, GFX_BOLD, GFX_LEFT | GFX_MIDDLE, th->text, "tensorstage");
    gfx_text(90 + gfx_text_width(UI_TITLE, GFX_BOLD, "tensorstage") + 30, 96, UI_BODY, GFX_SANS,
             GFX_LEFT | GFX_MIDDLE, th->text_dim, "deep-learning ideas, computed live. Pick a scene.");
    for (int i = 0; i < p->n; i++) {
        float x, y, w, h;
        picker_layout(p, i, &x, &y, &w, &h);
        if (y < 150 || y + h > 980) continue;
        char title[300], detail[300];
        snprintf(title, sizeof title, "%s", p->e[i].title);
        snprintf(detail, sizeof detail, "%s", p->e[i].detail);
        /* a title of up to two lines; a detail of one */
        fit(title, 2 * (w - 48) - 60, 28, GFX_BOLD);
        fit(detail, w - 48, UI_SMALL, GFX_MONO);
        ui_card(th, x, y, w, h, title, p->e[i].summary, detail, i == p->sel);
    }
    gfx_text(90, gfx_canvas_h() - 50, UI_SMALL, GFX_SANS, GFX_LEFT | GFX_MIDDLE, th->text_dim,
             "Arrows and Enter or click to open \xc2\xb7 H for keys \xc2\xb7 T theme \xc2\xb7 Q quit");
    return chosen;
}
