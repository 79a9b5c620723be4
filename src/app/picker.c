/* picker.c: the scene picker, the app's front door. Cards are grouped as
 * the study page groups its topics (each scene kind names its group in
 * scene_kind.group): the lecture decks first, then Vision, Sequences and
 * attention, Generative models, Training techniques, Large models, Setup,
 * then any group a new scene names. Each scene's card is followed by its
 * presets from scenes/, indented under it (by file name), so the order never
 * depends on the file system. Every card says what it shows: a scene its
 * summary, a preset its `description =`, a deck its entries.
 *
 * Cards flow down two columns, page after page ("page 2 of 4" and dots at
 * the top). Typing filters (title, summary, description, group, file name;
 * Backspace edits, Esc clears); arrows move, PageUp/PageDown turn pages,
 * Home and End go to the first and last card, Enter or a click opens. The
 * mouse selects a card only after it has moved in the picker, so a pointer
 * resting where the window opens does not pick for you. Text too long for a
 * card is cut with an ellipsis.
 */
#include <ctype.h>
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "app/session.h"

static const char *const group_order[] = {"Lectures", "Vision", "Sequences and attention", "Generative models",
                                          "Training techniques", "Large models", "Setup"};
#define GROUP_KNOWN (int)(sizeof group_order / sizeof group_order[0])

static int by_name(const void *a, const void *b) { return strcmp(a, b); }

static int group_rank(const char *g) {
    for (int i = 0; i < GROUP_KNOWN; i++)
        if (strcmp(g, group_order[i]) == 0) return i;
    return GROUP_KNOWN;
}

static pick_entry *add(picker *p) {
    if (p->n >= PICK_MAX) return NULL;
    pick_entry *e = &p->e[p->n++];
    memset(e, 0, sizeof *e);
    return e;
}

void picker_fill(picker *p) {
    p->n = 0;
    p->mouse_moved = p->rest_set = false;
    char dir[4200];
    snprintf(dir, sizeof dir, "%s/scenes", scene_data_dir());
    static char names[PICK_MAX][256];
    int nn = 0;
    DIR *d = opendir(dir);
    struct dirent *de;
    while (d && (de = readdir(d)) && nn < PICK_MAX) {
        size_t len = strlen(de->d_name);
        bool preset = len > 6 && strcmp(de->d_name + len - 6, ".scene") == 0;
        if ((preset || deck_is_path(de->d_name)) && len < 200) snprintf(names[nn++], sizeof names[0], "%s", de->d_name);
    }
    if (d) closedir(d);
    qsort(names, (size_t)nn, sizeof names[0], by_name);
    /* the lectures */
    for (int i = 0; i < nn; i++) {
        if (!deck_is_path(names[i])) continue;
        char path[4500], err[512];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        deck *dk = deck_open(path, err, sizeof err);
        pick_entry *e = dk ? add(p) : NULL;
        if (!e) { deck_close(dk); continue; }
        snprintf(e->arg, sizeof e->arg, "%s", path);
        snprintf(e->group, sizeof e->group, "Lectures");
        snprintf(e->title, sizeof e->title, "%s", dk->title);
        int n = snprintf(e->summary, sizeof e->summary, "A lecture of %d entries: ", dk->n);
        for (int k = 0; k < dk->n && n < (int)sizeof e->summary; k++)
            n += snprintf(e->summary + n, sizeof e->summary - (size_t)n, "%s%s", k ? ", " : "", dk->e[k].title);
        snprintf(e->detail, sizeof e->detail, "scenes/%.120s \xc2\xb7 %d slides", names[i], deck_slide_count(dk));
        deck_close(dk);
    }
    /* the scene kinds, group by group, each followed by its presets */
    int order[PICK_MAX], nk = 0;
    for (int i = 0; i < scene_kind_count() && nk < PICK_MAX; i++) order[nk++] = i;
    for (int i = 1; i < nk; i++)   /* stable: registry order within a group */
        for (int j = i; j > 0; j--) {
            const scene_kind *a = scene_kind_at(order[j - 1]), *b = scene_kind_at(order[j]);
            const char *ga = a->group ? a->group : "Other", *gb = b->group ? b->group : "Other";
            int ra = group_rank(ga), rb = group_rank(gb);
            if (ra < rb || (ra == rb && (ra < GROUP_KNOWN || strcmp(ga, gb) <= 0))) break;
            int t = order[j]; order[j] = order[j - 1]; order[j - 1] = t;
        }
    for (int o = 0; o < nk; o++) {
        const scene_kind *k = scene_kind_at(order[o]);
        pick_entry *e = add(p);
        if (!e) return;
        snprintf(e->arg, sizeof e->arg, "%s", k->name);
        snprintf(e->group, sizeof e->group, "%s", k->group ? k->group : "Other");
        snprintf(e->title, sizeof e->title, "%s", k->title);
        snprintf(e->summary, sizeof e->summary, "%s", k->summary ? k->summary : "");
        snprintf(e->detail, sizeof e->detail, "%s \xc2\xb7 %d beats", k->name, k->beat_count);
        for (int i = 0; i < nn; i++) {
            if (deck_is_path(names[i])) continue;
            char path[4500], kind[64], title[128];
            snprintf(path, sizeof path, "%s/%s", dir, names[i]);
            if (!preset_peek(path, kind, sizeof kind, title, sizeof title) || strcmp(kind, k->name) != 0) continue;
            pick_entry *pe = add(p);
            if (!pe) return;
            pe->preset = true;
            snprintf(pe->arg, sizeof pe->arg, "%s", path);
            memcpy(pe->group, e->group, sizeof pe->group);
            snprintf(pe->title, sizeof pe->title, "%s", title);
            if (!preset_peek_description(path, pe->summary, sizeof pe->summary))
                snprintf(pe->summary, sizeof pe->summary, "A preset of %s", k->title);
            snprintf(pe->detail, sizeof pe->detail, "scenes/%.120s", names[i]);
        }
    }
}

/* ---- filter, pages ---------------------------------------------------------- */

static bool has(const char *hay, const char *needle) {
    for (; *hay; hay++) {
        size_t i = 0;
        while (needle[i] && hay[i] && tolower((unsigned char)hay[i]) == tolower((unsigned char)needle[i])) i++;
        if (!needle[i]) return true;
    }
    return false;
}

static bool shown(const picker *p, int i) {
    const pick_entry *e = &p->e[i];
    const char *f = p->filter;
    return !f[0] || has(e->title, f) || has(e->summary, f) || has(e->group, f) || has(e->detail, f);
}

#define COL_X0 84.0f
#define COL_W 860.0f
#define COL_GAP 32.0f
#define TOP 236.0f
#define HEAD_H 58.0f
#define GAP 14.0f
#define PRESET_INDENT 56.0f
#define TITLE_LINES 2
#define SUMMARY_LINES 3
#define TITLE_LH 34.0f
#define SUMMARY_LH (UI_SMALL * 1.25f)

/* Lines a text takes wrapped in width w (an estimate that errs long: word
 * wrapping loses part of a line at each break), at most max. */
static int lines_of(const char *s, float size, int font, float w, int max) {
    float tw = gfx_text_width(size, font, s) * 1.12f;
    int n = (int)ceilf(tw / w);
    return n < 1 ? 1 : n > max ? max : n;
}

/* A card tall enough for its title (two lines at most) and what it shows
 * (three at most), then its detail line. */
static float card_h(const pick_entry *e, float w) {
    return 20 + (float)lines_of(e->title, 28, GFX_BOLD, w - 48, TITLE_LINES) * TITLE_LH + 10 +
           (float)lines_of(e->summary, UI_SMALL, GFX_SANS, w - 48, SUMMARY_LINES) * SUMMARY_LH + 46;
}

/* Lays every shown card out in two columns, page after page; a group's
 * heading goes above its first card in a column. */
static void layout(picker *p) {
    float bottom = gfx_canvas_h() - 90;
    int page = 0, col = 0;
    float y = TOP;
    const char *group = NULL;
    p->pages = 1;
    for (int i = 0; i < p->n; i++) {
        pick_slot *s = &p->slot[i];
        s->page = -1;
        if (!shown(p, i)) continue;
        const pick_entry *e = &p->e[i];
        bool head = !group || strcmp(group, e->group) != 0 || y == TOP;
        float ch = card_h(e, COL_W - (e->preset ? PRESET_INDENT : 0)), h = ch + (head ? HEAD_H : 0);
        if (y + h > bottom && y > TOP) {   /* next column, or next page */
            if (++col == 2) { col = 0; page++; }
            y = TOP;
            head = true;
            h = ch + HEAD_H;
        }
        s->head = head;
        s->page = page;
        s->x = COL_X0 + (float)col * (COL_W + COL_GAP) + (e->preset ? PRESET_INDENT : 0);
        s->w = COL_W - (e->preset ? PRESET_INDENT : 0);
        s->y = y + (head ? HEAD_H : 0);
        s->h = ch;
        y += h + GAP;
        group = e->group;
        p->pages = page + 1;
    }
}

static int step_shown(const picker *p, int from, int dir) {
    for (int i = from + dir; i >= 0 && i < p->n; i += dir)
        if (p->slot[i].page >= 0) return i;
    return from;
}

static int first_on_page(const picker *p, int page) {
    for (int i = 0; i < p->n; i++)
        if (p->slot[i].page == page) return i;
    return -1;
}

bool picker_card_rect(picker *p, int i, float *x, float *y, float *w, float *h) {
    layout(p);
    if (i < 0 || i >= p->n || p->slot[i].page < 0) return false;
    *x = p->slot[i].x; *y = p->slot[i].y; *w = p->slot[i].w; *h = p->slot[i].h;
    return p->slot[i].page == (p->slot[p->sel].page >= 0 ? p->slot[p->sel].page : 0);
}

/* Cuts s (in place, a buffer of cap bytes) so it fits width w, ending in an ellipsis. */
static void fit(char *s, size_t cap, float w, float size, int font) {
    if (gfx_text_width(size, font, s) <= w) return;
    size_t n = strlen(s);
    while (n > 0) {
        do n--; while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80);
        char tmp[600];
        snprintf(tmp, sizeof tmp, "%.*s\xe2\x80\xa6", (int)n, s);
        if (gfx_text_width(size, font, tmp) <= w) { snprintf(s, cap, "%s", tmp); return; }
    }
}

static void keys(picker *p, const ui_input *in, int *chosen) {
    size_t fl = strlen(p->filter), add = strlen(in->text);
    if (add && fl + add < sizeof p->filter) { memcpy(p->filter + fl, in->text, add + 1); p->sel = -1; }
    if (in->backspace && fl > 0) {
        do fl--; while (fl > 0 && ((unsigned char)p->filter[fl] & 0xC0) == 0x80);
        p->filter[fl] = 0;
        p->sel = -1;
    }
    layout(p);
    if (p->sel < 0 || p->sel >= p->n || p->slot[p->sel].page < 0) p->sel = step_shown(p, -1, 1);
    if (p->sel < 0 || p->slot[p->sel].page < 0) p->sel = 0;
    int page = p->slot[p->sel].page;
    for (int k = 0; k < in->key_count; k++) {
        int key = in->keys[k], before = p->sel;
        if (key == SDLK_RIGHT || key == SDLK_DOWN) p->sel = step_shown(p, p->sel, 1);
        if (key == SDLK_LEFT || key == SDLK_UP) p->sel = step_shown(p, p->sel, -1);
        if (key == SDLK_HOME) p->sel = step_shown(p, -1, 1) >= 0 ? step_shown(p, -1, 1) : p->sel;
        if (key == SDLK_END) p->sel = step_shown(p, p->n, -1) < p->n ? step_shown(p, p->n, -1) : p->sel;
        if (key == SDLK_PAGEDOWN && page + 1 < p->pages) p->sel = first_on_page(p, page + 1);
        if (key == SDLK_PAGEUP && page > 0) p->sel = first_on_page(p, page - 1);
        if (p->sel < 0 || p->sel >= p->n) p->sel = before;   /* no card that way: stay */
        if ((key == SDLK_RETURN || key == SDLK_KP_ENTER) && p->slot[p->sel].page >= 0) *chosen = p->sel;
        page = p->slot[p->sel].page;
    }
}

bool picker_escape(picker *p) {
    if (!p->filter[0]) return false;
    p->filter[0] = 0;
    return true;
}

int picker_frame(picker *p, const ui_input *in, const ui_theme *th, int fb_w, int fb_h) {
    int chosen = -1;
    gfx_canvas_fit(fb_w, fb_h);
    keys(p, in, &chosen);
    int page = p->n > 0 && p->slot[p->sel].page >= 0 ? p->slot[p->sel].page : 0;
    bool seen = in->mouse_x > -1e8f;
    if (seen && !p->rest_set) { p->rest_set = true; p->rest_x = in->mouse_x; p->rest_y = in->mouse_y; }
    bool mouse_moved = seen && p->rest_set && fabsf(in->mouse_x - p->rest_x) + fabsf(in->mouse_y - p->rest_y) > 12;
    if (mouse_moved) p->mouse_moved = true;
    for (int i = 0; i < p->n && p->mouse_moved; i++) {
        const pick_slot *s = &p->slot[i];
        bool over = s->page == page && in->mouse_x >= s->x && in->mouse_x < s->x + s->w && in->mouse_y >= s->y &&
                    in->mouse_y < s->y + s->h;
        if (over && mouse_moved) { p->sel = i; p->rest_x = in->mouse_x; p->rest_y = in->mouse_y; }
        if (over && in->mouse_pressed) { p->sel = i; chosen = i; }
    }
    gfx_frame_begin(fb_w, fb_h, th->bg, th->letterbox);
    float W = gfx_canvas_w(), H = gfx_canvas_h();
    gfx_text(COL_X0, 80, UI_TITLE, GFX_BOLD, GFX_LEFT | GFX_MIDDLE, th->text, "tensorstage");
    gfx_text(COL_X0 + gfx_text_width(UI_TITLE, GFX_BOLD, "tensorstage") + 30, 86, UI_BODY, GFX_SANS,
             GFX_LEFT | GFX_MIDDLE, th->text_dim, "deep-learning ideas, computed live. Pick a scene.");
    /* the filter box, and the page indicator */
    float fx = COL_X0, fy = 132, fw = 900, fh = 62;
    gfx_rrect(fx, fy, fw, fh, 12, th->panel);
    gfx_rrect_line(fx, fy, fw, fh, 12, p->filter[0] ? 3 : 2, p->filter[0] ? th->accent : th->panel_edge);
    char ftext[200];
    snprintf(ftext, sizeof ftext, "%s", p->filter[0] ? p->filter : "type to filter: cnn, attention, collapse\xe2\x80\xa6");
    gfx_text(fx + 22, fy + fh / 2, UI_BODY, GFX_SANS, GFX_LEFT | GFX_MIDDLE, p->filter[0] ? th->text : th->text_dim,
             ftext);
    if (p->filter[0]) gfx_rect(fx + 26 + gfx_text_width(UI_BODY, GFX_SANS, ftext), fy + 14, 3, fh - 28, th->accent);
    int matches = 0;
    for (int i = 0; i < p->n; i++) matches += p->slot[i].page >= 0;
    char pg[64];
    if (matches) snprintf(pg, sizeof pg, "page %d of %d", page + 1, p->pages);
    else snprintf(pg, sizeof pg, "nothing matches");
    float px = W - 84;
    for (int i = p->pages - 1; i >= 0 && matches && p->pages > 1; i--, px -= 30)
        if (i == page) gfx_circle(px - 9, fy + fh / 2, 10, th->accent);
        else gfx_circle_line(px - 9, fy + fh / 2, 8, 2, th->text_dim);
    gfx_text(px - 14, fy + fh / 2, UI_BODY, GFX_SANS, GFX_RIGHT | GFX_MIDDLE, th->text_dim, pg);
    /* the cards of this page */
    for (int i = 0; i < p->n; i++) {
        const pick_slot *s = &p->slot[i];
        if (s->page != page) continue;
        const pick_entry *e = &p->e[i];
        if (s->head) {
            float hx = e->preset ? s->x - PRESET_INDENT : s->x;
            gfx_text(hx, s->y - HEAD_H / 2 - 4, UI_H2, GFX_BOLD, GFX_LEFT | GFX_MIDDLE, th->accent2, e->group);
        }
        char title[300], summary[600], detail[300];
        snprintf(title, sizeof title, "%s", e->title);
        snprintf(summary, sizeof summary, "%s", e->summary);
        snprintf(detail, sizeof detail, "%s", e->detail);
        /* the card is as tall as its text needs, within two and three lines */
        fit(title, sizeof title, TITLE_LINES * (s->w - 48) / 1.12f, 28, GFX_BOLD);
        fit(summary, sizeof summary, SUMMARY_LINES * (s->w - 48) / 1.12f, UI_SMALL, GFX_SANS);
        fit(detail, sizeof detail, s->w - 48, UI_SMALL, GFX_MONO);
        ui_card(th, s->x, s->y, s->w, s->h, title, summary, detail, i == p->sel);
    }
    gfx_text(COL_X0, H - 44, UI_SMALL, GFX_SANS, GFX_LEFT | GFX_MIDDLE, th->text_dim,
             "Type to filter \xc2\xb7 arrows, PageUp/PageDown, Home \xc2\xb7 Enter or click opens \xc2\xb7 "
             "Esc clears the filter \xc2\xb7 F1 keys \xc2\xb7 Ctrl+Q quits");
    return chosen;
}
