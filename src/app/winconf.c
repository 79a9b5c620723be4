/* winconf.c: the window's size and position: what to open at, and
 * remembering the last ones in a small INI file,
 * $XDG_CONFIG_HOME/tensorstage/window.ini (or ~/.config/tensorstage/...):
 *
 *   [window]
 *   x = 80
 *   y = 60
 *   width = 1280
 *   height = 720
 *
 * A remembered rectangle is used only if it still lies on a display (a
 * projector unplugged since must not leave the window off screen). Without
 * one the window is 16:9 within 85% of the primary display's usable area,
 * at most 1600x900, so it opens whole on a 1280x720 projector. A missing or
 * damaged file is ignored (it is a convenience, not input): the defaults apply.
 */
#include <errno.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "app/session.h"

bool winconf_path(char *out, size_t outlen) {
    const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
    if (xdg && xdg[0] == '/') snprintf(out, outlen, "%s/tensorstage/window.ini", xdg);
    else if (home && home[0]) snprintf(out, outlen, "%s/.config/tensorstage/window.ini", home);
    else return false;
    return true;
}

static int handler(void *user, const char *section, const char *key, const char *value) {
    winconf *c = user;
    if (strcmp(section, "window") != 0) return 1;
    char *end;
    long v = strtol(value, &end, 10);
    if (end == value || *end || v < -100000 || v > 100000) return 1;
    if (strcmp(key, "x") == 0) c->x = (int)v;
    else if (strcmp(key, "y") == 0) c->y = (int)v;
    else if (strcmp(key, "width") == 0) c->w = (int)v;
    else if (strcmp(key, "height") == 0) c->h = (int)v;
    return 1;
}

/* True if the rectangle's centre is on a display and it fits that display. */
static bool on_a_display(const winconf *c) {
    int n = SDL_GetNumVideoDisplays();
    for (int i = 0; i < n; i++) {
        SDL_Rect r;
        if (SDL_GetDisplayUsableBounds(i, &r) != 0) continue;
        int cx = c->x + c->w / 2, cy = c->y + c->h / 2;
        if (cx >= r.x && cx < r.x + r.w && cy >= r.y && cy < r.y + r.h && c->w <= r.w && c->h <= r.h)
            return true;
    }
    return false;
}

winconf winconf_load(void) {
    winconf def = {.w = 1600, .h = 900};
    SDL_Rect r;
    if (SDL_GetDisplayUsableBounds(0, &r) == 0 && r.w > 0 && r.h > 0) {
        int w = r.w * 85 / 100, h = r.h * 85 / 100;
        if (w * 9 > h * 16) w = h * 16 / 9; else h = w * 9 / 16;
        if (w < def.w) { def.w = w; def.h = h; }
    }
    char path[4200];
    if (!winconf_path(path, sizeof path)) return def;
    winconf c = {0};
    if (ini_parse(path, handler, &c) != 0 || c.w < 320 || c.h < 180) return def;
    c.have_pos = true;
    return on_a_display(&c) ? c : def;
}

static void make_dirs(const char *path) {
    char p[4200];
    snprintf(p, sizeof p, "%s", path);
    for (char *s = strchr(p + 1, '/'); s; s = strchr(s + 1, '/')) {
        *s = 0;
        mkdir(p, 0755);
        *s = '/';
    }
}

void winconf_save(SDL_Window *w) {
    if (!w || (SDL_GetWindowFlags(w) & (SDL_WINDOW_FULLSCREEN | SDL_WINDOW_MAXIMIZED | SDL_WINDOW_HIDDEN)))
        return;   /* remember the windowed size, not a full-screen one */
    winconf c;
    SDL_GetWindowPosition(w, &c.x, &c.y);
    SDL_GetWindowSize(w, &c.w, &c.h);
    char path[4200], tmp[4300];
    if (!winconf_path(path, sizeof path)) return;
    make_dirs(path);
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    if (!f) return;
    fprintf(f, "; tensorstage remembers its window here\n[window]\nx = %d\ny = %d\nwidth = %d\nheight = %d\n",
            c.x, c.y, c.w, c.h);
    if (fclose(f) == 0) rename(tmp, path);
    else remove(tmp);
}
