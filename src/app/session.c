/* session.c: what the window does with keys and the mouse, and the frame it
 * draws; see session.h for how the window and the tests drive it.
 *
 * The rules a lecture depends on:
 * - Right/PageDown first completes a beat that is still animating, then goes
 *   to the next beat, and from an entry's last beat to the next entry.
 *   Left/PageUp always shows the previous beat at its settled end (from an
 *   entry's first beat, the previous entry's last beat).
 * - A focused text field takes every key but the clicker's PageUp/PageDown;
 *   Enter or Esc gives the keyboard back.
 * - Esc never discards anything: it closes what is open (help, go-to list,
 *   pen, full screen), else says which keys leave. Q quits, and asks first
 *   when the user has drawn, typed or clicked in a scene.
 * - B or W blanks the screen black or white; any key returns. Comma and period
 *   step one frame back or forward while paused; while playing (a clicker
 *   never pauses) period blanks black and comma white, as clickers send them.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "app/session.h"

static const ui_help_key help_keys[] = {
    {"\xe2\x86\x92  PageDown", "next beat (finishes the current one first); on to the next entry of a deck"},
    {"\xe2\x86\x90  PageUp", "previous beat, shown settled"},
    {"Space", "play / pause"},
    {"Home", "restart this entry"},
    {"1..9 Enter", "go to that slide (numbered through the whole lecture)"},
    {"G", "go-to list of the deck's entries and beats"},
    {", .", "paused: one frame back / forward; playing: white / black screen"},
    {"[  ]", "half / double speed (0.25x to 4x)"},
    {"B  W", "black / white screen (any key returns)"},
    {"L (hold)", "laser pointer"},
    {"P", "presenter window: notes, next beat, time"},
    {"D", "pen on / off (draw with the left button)"},
    {"E", "erase this beat's drawing"},
    {"F11  F", "full screen (Esc leaves it)"},
    {"T", "theme: dark, light, projector"},
    {"C", "captions on / off"},
    {"H  F1", "this help"},
    {"Tab", "scene picker (the open scene keeps its state)"},
    {"S", "screenshot (PNG in your pictures folder)"},
    {"F9", "record a take; F9 again stops and saves it (export it with record)"},
    {"mouse", "hover: values; move: timeline (drag to scrub); wheel: zoom; right-drag: pan"},
    {"0", "reset zoom and pan"},
    {"Q  Ctrl+Q", "quit (asks if you drew or typed); in the picker and in a field, Ctrl+Q"},
};
#define HELP_COUNT (int)(sizeof help_keys / sizeof help_keys[0])


scene *app_session_scene(const app_session *a) {
    return a->d && !a->in_picker ? a->d->e[a->entry].s : NULL;
}

static void toast(app_session *a, double seconds, const char *fmt, const char *arg) {
    snprintf(a->toast, sizeof a->toast, fmt, arg ? arg : "");
    a->toast_until = a->now + seconds;
}

/* ---- story navigation ----------------------------------------------------- */

void story_enter(app_session *a, int entry, int beat, bool at_end) {
    a->entry = entry;
    scene *s = a->d->e[entry].s;
    s->clock = scene_clock_beat(s->kind, beat, at_end ? 1e9 : 0);
    a->playing = true;
}

void story_next(app_session *a) {
    scene *s = app_session_scene(a);
    if (!s) return;
    const deck_entry *e = &a->d->e[a->entry];
    if (!scene_clock_at_end(s->kind, &s->clock)) {
        s->clock = scene_clock_beat(s->kind, s->clock.beat, 1e9);
        a->ack_at = a->now;   /* say so: the next press goes on */
    } else if (s->clock.beat < e->last)
        s->clock = scene_clock_beat(s->kind, s->clock.beat + 1, 0);
    else if (a->entry + 1 < a->d->n)
        story_enter(a, a->entry + 1, a->d->e[a->entry + 1].first, false);
    a->playing = true;
}

void story_prev(app_session *a) {
    scene *s = app_session_scene(a);
    if (!s) return;
    const deck_entry *e = &a->d->e[a->entry];
    if (s->clock.beat > e->first)
        s->clock = scene_clock_beat(s->kind, s->clock.beat - 1, 1e9);
    else if (a->entry > 0)
        story_enter(a, a->entry - 1, a->d->e[a->entry - 1].last, true);
    else
        s->clock = scene_clock_beat(s->kind, e->first, 0);   /* the very start: replay it */
    a->playing = true;
}

bool story_jump(app_session *a, int beat) {
    scene *s = app_session_scene(a);
    const deck_entry *e = s ? &a->d->e[a->entry] : NULL;
    if (!e || beat < e->first || beat > e->last) return false;
    s->clock = scene_clock_beat(s->kind, beat, 0);
    a->playing = true;
    return true;
}

void story_jump_to(app_session *a, int entry, int beat) {
    a->jump_pending = true;
    a->jump_shown = false;
    a->jump_entry = entry;
    a->jump_beat = beat;
}

double session_beat_rate(const scene_kind *k, int beat) {
    if (beat < 0 || beat >= k->beat_count || k->beats[beat].motion) return 1;
    double d = k->beats[beat].duration;
    return d > SCENE_READABLE_S ? d / SCENE_READABLE_S : 1;
}

/* One frame (1/60 s) back or forward within the entry, across beats. */
static void frame_step(app_session *a, int dir) {
    scene *s = app_session_scene(a);
    double t0, t1;
    scrub_range(a, &t0, &t1);
    double t = s->clock.time + dir / 60.0;
    if (t < t0) t = t0;
    s->clock = t >= t1 ? scene_clock_beat(s->kind, a->d->e[a->entry].last, 1e9) : scene_clock_at(s->kind, t);
}

/* ---- open, load, close ------------------------------------------------------ */

bool app_session_load(app_session *a, const char *arg, char *err, size_t errlen) {
    deck *d = deck_open_any(arg, err, errlen);
    if (!d) return false;
    take_end(a);   /* a take is of one scene or deck */
    deck_close(a->d);
    ink_free(&a->ink);
    a->d = d;
    a->in_picker = false;
    a->dirty = false;
    a->started = a->now;
    a->view = (app_view){.zoom = 1};
    story_enter(a, 0, d->e[0].first, false);
    return true;
}

app_session *app_session_open(const app_options *o, gfx_window *win, char *err, size_t errlen) {
    app_session *a = calloc(1, sizeof *a);
    if (!a) { snprintf(err, errlen, "out of memory"); return NULL; }
    a->win = win;
    a->th = o->theme ? o->theme : &ui_theme_dark;
    a->running = true;
    a->captions = true;
    a->kiosk = o->kiosk;
    a->speed = 1;
    a->view = (app_view){.zoom = 1};
    a->last_motion = -1e9;
    a->mouse_x = a->mouse_y = -1e9f;
    if (o->scene && !app_session_load(a, o->scene, err, errlen)) { free(a); return NULL; }
    if (!o->scene) a->in_picker = true;
    ui_init(&a->ui, a->th);
    picker_fill(&a->pick);
    a->in = (ui_input){.mouse_x = -1e9f, .mouse_y = -1e9f};
    return a;
}

void app_session_close(app_session *a) {
    if (!a) return;
    take_end(a);
    presenter_close(a);
    ui_shutdown(&a->ui);
    ink_free(&a->ink);
    deck_close(a->d);
    free(a);
}

bool app_session_idle(const app_session *a) {
    scene *s = app_session_scene(a);
    bool animating = s && a->playing && !scene_clock_at_end(s->kind, &s->clock);
    bool fading = a->now - a->last_motion < CHROME_SECONDS + 1 || a->toast_until > a->now;
    float progress;
    if (s && s->kind->busy && s->kind->busy(s->state, &progress)) return false;   /* work off the frame */
    return !animating && !fading && !a->ink.laser && !a->ui.focus && !a->scrubbing && !a->rec;
}

/* ---- keys -------------------------------------------------------------------- */

/* The laser or the pen is in use: the mouse points at the slide, and never
 * summons the controls or the timeline over it. */
static bool pointing(const app_session *a) { return a->ink.laser || a->ink.pen; }

/* A replayed take has no window: its full-screen state is the recorded one. */
static bool fullscreen(const app_session *a) { return a->win ? gfx_window_fullscreen(a->win) : a->out.fullscreen; }

static void set_fullscreen(app_session *a, bool on) {
    if (a->win) gfx_window_set_fullscreen(a->win, on);
    else a->out.fullscreen = on;
}

static void to_picker(app_session *a) {
    take_end(a);
    picker_fill(&a->pick);
    a->in_picker = true;
    a->help = false;
}

static bool go_key(app_session *a, SDL_Keycode k) {
    deck_entry *e = &a->d->e[a->go_sel];
    if (k == SDLK_PAGEDOWN || k == SDLK_PAGEUP) {   /* the clicker always reaches the story */
        a->go_open = false;
        if (k == SDLK_PAGEDOWN) story_next(a); else story_prev(a);
    } else if (k == SDLK_ESCAPE || k == SDLK_g) a->go_open = false;
    else if (k == SDLK_UP && a->go_sel > 0) a->go_beat = a->d->e[--a->go_sel].first;
    else if (k == SDLK_DOWN && a->go_sel + 1 < a->d->n) a->go_beat = a->d->e[++a->go_sel].first;
    else if (k == SDLK_LEFT && a->go_beat > e->first) a->go_beat--;
    else if (k == SDLK_RIGHT && a->go_beat < e->last) a->go_beat++;
    else if (k == SDLK_RETURN || k == SDLK_KP_ENTER) {
        story_jump_to(a, a->go_sel, a->go_beat);
        a->go_open = false;
    }
    return true;
}

static int digit_of(SDL_Keycode k) {
    if (k >= SDLK_0 && k <= SDLK_9) return (int)(k - SDLK_0);
    if (k >= SDLK_KP_1 && k <= SDLK_KP_9) return (int)(k - SDLK_KP_1) + 1;
    if (k == SDLK_KP_0) return 0;
    return -1;
}

static void set_speed(app_session *a, double v) {
    a->speed = v < 0.25 ? 0.25 : v > 4 ? 4 : v;
    char msg[32];
    snprintf(msg, sizeof msg, "%gx", a->speed);
    toast(a, 1.5, "speed %s", msg);
}

/* Returns true if the app used the key (the scene does not see it). */
static bool on_key(app_session *a, SDL_Keycode k, bool repeat) {
    scene *s = app_session_scene(a);
    if (k == SDLK_F9) {   /* takes: whatever is open or focused */
        if (!repeat) a->take_key++;   /* two presses in one step are two toggles */
        return true;
    }
    if (a->confirm_open[0]) {
        char err[512], arg[512];
        snprintf(arg, sizeof arg, "%s", a->confirm_open);
        a->confirm_open[0] = 0;
        if ((k == SDLK_RETURN || k == SDLK_KP_ENTER) && !app_session_load(a, arg, err, sizeof err))
            toast(a, 5, "%s", err);
        return true;
    }
    if (a->confirm_quit) {
        if (k == SDLK_q || k == SDLK_RETURN || k == SDLK_KP_ENTER) a->running = false;
        a->confirm_quit = false;
        return true;
    }
    if (a->blank) { if (!repeat) a->blank = 0; return true; }
    if (s && a->ui.focus) {   /* a text field has the keyboard */
        if (k == SDLK_PAGEDOWN) { story_next(a); return true; }
        if (k == SDLK_PAGEUP) { story_prev(a); return true; }
        return false;
    }
    if (a->help && (k == SDLK_ESCAPE || k == SDLK_h || k == SDLK_F1 || k == SDLK_TAB)) { a->help = false; return true; }
    if (!s && k >= 32 && k < 127) return false;   /* the picker: typing filters its cards */
    if (!s && k == SDLK_ESCAPE && picker_escape(&a->pick)) return true;
    if (s && a->go_open) return go_key(a, k);
    int dg = digit_of(k);
    if (s && dg >= 0 && (dg > 0 || a->digits[0])) {
        size_t n = strlen(a->digits);
        if (n < 3) { a->digits[n] = (char)('0' + dg); a->digits[n + 1] = 0; }
        return true;
    }
    if (s && a->digits[0] && (k == SDLK_RETURN || k == SDLK_KP_ENTER)) {
        /* slides are numbered through the deck, as the caption bar shows them */
        int entry, beat;
        if (deck_slide_at(a->d, atoi(a->digits) - 1, &entry, &beat)) story_jump_to(a, entry, beat);
        else {
            char r[32];
            snprintf(r, sizeof r, "1..%d", deck_slide_count(a->d));
            toast(a, 2.5, "no slide there: this lecture has slides %s", r);
        }
        a->digits[0] = 0;
        return true;
    }
    if (a->digits[0] && k == SDLK_BACKSPACE) { a->digits[strlen(a->digits) - 1] = 0; return true; }
    a->digits[0] = 0;   /* any other key cancels a number being typed */
    bool paused = s && !a->playing;
    switch (k) {
    case SDLK_q:
        if (s && (a->dirty || a->ink.n > 0)) a->confirm_quit = true;
        else a->running = false;
        return true;
    case SDLK_ESCAPE:
        if (fullscreen(a)) set_fullscreen(a, false);
        else if (a->ink.pen) a->ink.pen = false;
        else if (a->in_picker && a->d) a->in_picker = false;
        else if (a->in_picker) toast(a, 3, "Ctrl+Q quits%s", "");
        else toast(a, 3, "Tab opens the scene picker \xc2\xb7 Q quits%s", "");
        return true;
    case SDLK_F11: case SDLK_f:
        set_fullscreen(a, !fullscreen(a));
        return true;
    case SDLK_t:
        a->th = ui_theme_next(a->th);
        toast(a, 2, "%s theme (T cycles the themes)", a->th->name);
        return true;
    case SDLK_h: case SDLK_F1: a->help = !a->help; return true;
    case SDLK_TAB:
        if (a->out.on) return true;   /* a replay stays on its scene */
        if (a->in_picker && a->d) a->in_picker = false;
        else if (!a->in_picker) to_picker(a);
        return true;
    default: break;
    }
    if (!s) return false;   /* the picker reads the rest (arrows, Enter) */
    switch (k) {
    case SDLK_c:
        a->captions = !a->captions;
        toast(a, 2.5, a->captions ? "captions on%s" : "captions hidden (C shows them)%s", "");
        return true;
    case SDLK_0: case SDLK_KP_0:
        a->view = (app_view){.zoom = 1};
        toast(a, 1.5, "zoom and pan reset%s", "");
        return true;
    case SDLK_s: a->want_shot = !a->out.on; return true;
    case SDLK_SPACE:
        a->playing = !a->playing;
        toast(a, 1.5, a->playing ? "playing%s" : "paused (Space plays)%s", "");
        return true;
    case SDLK_HOME: story_enter(a, a->entry, a->d->e[a->entry].first, false); return true;
    case SDLK_RIGHT: case SDLK_PAGEDOWN: story_next(a); return true;
    case SDLK_LEFT: case SDLK_PAGEUP: story_prev(a); return true;
    case SDLK_b: a->blank = 'b'; return true;
    case SDLK_w: a->blank = 'w'; return true;
    case SDLK_PERIOD: if (paused) frame_step(a, +1); else a->blank = 'b'; return true;
    case SDLK_COMMA: if (paused) frame_step(a, -1); else a->blank = 'w'; return true;
    case SDLK_LEFTBRACKET: set_speed(a, a->speed / 2); return true;
    case SDLK_RIGHTBRACKET: set_speed(a, a->speed * 2); return true;
    case SDLK_l:   /* the laser and the pen point at the slide: the chrome goes */
        a->ink.laser = true;
        a->last_motion = -1e9;
        return true;
    case SDLK_d:
        a->ink.pen = !a->ink.pen;
        if (a->ink.pen) a->last_motion = -1e9;
        toast(a, 1.5, a->ink.pen ? "pen on: draw with the left button (D: off, E: erase)" : "pen off%s", "");
        return true;
    case SDLK_e:
        if (ink_page_get(&a->ink, a->entry, s->clock.beat, false)) toast(a, 1.5, "drawing erased%s", "");
        ink_clear(&a->ink, a->entry, s->clock.beat);
        return true;
    case SDLK_p: a->presenter_toggle = !a->out.on; return true;
    case SDLK_g:
        a->go_open = true;
        a->go_sel = a->entry;
        a->go_beat = s->clock.beat;
        return true;
    default: return false;
    }
}

void app_session_event(app_session *a, const SDL_Event *ev) {
    ui_input *in = &a->in;
    if (presenter_event(a, ev)) return;
    if (a->rec) take_note(a, ev);
    switch (ev->type) {
    case SDL_QUIT: a->running = false; break;
    case SDL_WINDOWEVENT:
        if (ev->window.event == SDL_WINDOWEVENT_CLOSE) a->running = false;
        if (ev->window.event == SDL_WINDOWEVENT_ENTER) a->mouse_in = true;
        if (ev->window.event == SDL_WINDOWEVENT_LEAVE) a->mouse_in = false;
        break;
    case SDL_MOUSEBUTTONDOWN:
        a->mouse_x = (float)ev->button.x; a->mouse_y = (float)ev->button.y;
        if (!pointing(a)) a->last_motion = a->now;   /* a click shows the chrome it may be aimed at */
        if (a->blank) { a->blank = 0; break; }
        if (a->confirm_quit || a->confirm_open[0]) { a->confirm_quit = false; a->confirm_open[0] = 0; break; }
        if (ev->button.button == SDL_BUTTON_LEFT) { in->mouse_pressed = true; a->left_down = true; }
        else { in->right_pressed = true; a->panning = true; }
        break;
    case SDL_MOUSEBUTTONUP:
        if (ev->button.button == SDL_BUTTON_LEFT) { in->mouse_released = true; a->left_down = false; }
        else a->panning = false;
        break;
    case SDL_MOUSEMOTION: {
        /* a window that changes size (full screen) reports the resting
         * mouse again: only a real move shows the chrome */
        bool moved = (float)ev->motion.x != a->mouse_x || (float)ev->motion.y != a->mouse_y;
        a->mouse_x = (float)ev->motion.x; a->mouse_y = (float)ev->motion.y;
        a->mouse_moved = a->mouse_in = true;
        if (moved && !pointing(a)) a->last_motion = a->now;
        if (a->panning && app_session_scene(a)) {
            float ax, ay, bx, by;
            gfx_window_to_canvas(0, 0, a->win_w, a->win_h, &ax, &ay);
            gfx_window_to_canvas((float)ev->motion.xrel, (float)ev->motion.yrel, a->win_w, a->win_h, &bx, &by);
            a->view.pan_x += bx - ax;
            a->view.pan_y += by - ay;
        }
        break;
    }
    case SDL_MOUSEWHEEL: in->wheel += (float)ev->wheel.y; break;
    case SDL_TEXTINPUT:   /* to a focused field, or to the picker's filter */
        if ((a->ui.focus && app_session_scene(a)) || (!app_session_scene(a) && !a->help && !a->confirm_open[0])) {
            size_t used = strlen(in->text), add = strlen(ev->text.text);
            if (used + add < sizeof in->text) memcpy(in->text + used, ev->text.text, add + 1);
            if (app_session_scene(a)) a->dirty = true;
        }
        break;
    case SDL_KEYUP:
        if (ev->key.keysym.sym == SDLK_l) a->ink.laser = false;
        break;
    case SDL_KEYDOWN: {
        SDL_Keycode k = ev->key.keysym.sym;
        if (k == SDLK_q && (ev->key.keysym.mod & KMOD_CTRL)) {   /* quits from anywhere, a field included */
            if (app_session_scene(a) && (a->dirty || a->ink.n > 0) && !a->confirm_quit) a->confirm_quit = true;
            else a->running = false;
            break;
        }
        if (on_key(a, k, ev->key.repeat != 0)) break;
        if (in->key_count < 16) in->keys[in->key_count++] = (int)k;
        if (k == SDLK_BACKSPACE) in->backspace = true;
        if (k == SDLK_RETURN || k == SDLK_KP_ENTER) in->enter = true;
        break;
    }
    default: break;
    }
}

/* ---- the frame --------------------------------------------------------------- */

bool session_pictures_dir(char *out, size_t outlen) {
    const char *home = getenv("HOME"), *env = getenv("XDG_PICTURES_DIR");
    out[0] = 0;
    if (env && env[0] == '/') snprintf(out, outlen, "%s", env);
    char conf[4096], line[4096];
    const char *xc = getenv("XDG_CONFIG_HOME");
    if (xc && xc[0] == '/') snprintf(conf, sizeof conf, "%s/user-dirs.dirs", xc);
    else snprintf(conf, sizeof conf, "%s/.config/user-dirs.dirs", home ? home : "");
    FILE *f = out[0] ? NULL : fopen(conf, "r");
    while (f && fgets(line, sizeof line, f)) {   /* XDG_PICTURES_DIR="$HOME/Pictures" */
        char *v = strstr(line, "XDG_PICTURES_DIR=\"");
        if (v != line) continue;
        v += strlen("XDG_PICTURES_DIR=\"");
        char *q = strchr(v, '"');
        if (!q) continue;
        *q = 0;
        if (strncmp(v, "$HOME", 5) == 0) snprintf(out, outlen, "%s%s", home ? home : "", v + 5);
        else if (v[0] == '/') snprintf(out, outlen, "%s", v);
    }
    if (f) fclose(f);
    if (!out[0] && home && home[0]) snprintf(out, outlen, "%s/Pictures", home);
    if (!out[0]) return false;
    /* make it (and its parents) as xdg-user-dirs-update would */
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s", out);
    for (char *p = tmp + 1; *p; p++)
        if (*p == '/') { *p = 0; mkdir(tmp, 0755); *p = '/'; }
    mkdir(tmp, 0755);
    struct stat st;
    return stat(out, &st) == 0 && S_ISDIR(st.st_mode);
}

static void screenshot(app_session *a, const app_frame_opts *fo) {
    char dir[4096], path[4200], err[512];
    struct stat st;
    int k = 1, w = a->fb_w, h = a->fb_h;
    if (!session_pictures_dir(dir, sizeof dir)) { toast(a, 3, "screenshot failed: %s", "no pictures folder"); return; }
    do snprintf(path, sizeof path, "%s/tensorstage-%04d.png", dir, k++); while (stat(path, &st) == 0 && k < 10000);
    gfx_target *t = gfx_target_new(w, h, err, sizeof err);
    uint8_t *px = t ? malloc((size_t)w * (size_t)h * 4) : NULL;
    if (!px) { toast(a, 3, "screenshot failed: %s", t ? "out of memory" : err); gfx_target_free(t); return; }
    gfx_target_bind(t);
    app_frame(app_session_scene(a), &a->ui, w, h, fo);
    gfx_target_read(t, px);
    gfx_target_bind(a->target);
    if (gfx_png_write(path, px, w, h, err, sizeof err)) toast(a, 2.5, "saved %s", path);
    else toast(a, 3, "screenshot failed: %s", err);
    free(px);
    gfx_target_free(t);
}

static float toast_alpha(const app_session *a) {
    double left = a->toast_until - a->now;
    return left <= 0 ? 0 : left < 0.5 ? (float)left * 2 : 1;
}

static void picker_step(app_session *a) {
    float cx, cy;
    gfx_push_view(0, 0, 1);
    gfx_window_to_canvas(a->mouse_x, a->mouse_y, a->win_w, a->win_h, &cx, &cy);
    gfx_pop_view();
    ui_input in = a->in;
    in.mouse_x = cx; in.mouse_y = cy;
    if (a->help || a->confirm_quit || a->confirm_open[0]) { in.mouse_pressed = false; in.key_count = 0; }
    int chosen = picker_frame(&a->pick, &in, a->th, a->fb_w, a->fb_h);
    if (a->help) ui_help_overlay(a->th, help_keys, HELP_COUNT, NULL, NULL, 0);
    if (a->confirm_quit || a->confirm_open[0]) session_draw_confirm(a);
    ui_toast(a->th, a->toast, toast_alpha(a));
    gfx_frame_end();
    if (chosen >= 0) {
        char err[512];
        const char *arg = a->pick.e[chosen].arg;
        if (a->d && strcmp(arg, a->d->path) == 0) a->in_picker = false;   /* back to it, as it was */
        else if (a->d && (a->dirty || a->ink.n > 0)) snprintf(a->confirm_open, sizeof a->confirm_open, "%s", arg);
        else if (!app_session_load(a, arg, err, sizeof err)) toast(a, 5, "%s", err);
    }
}

static void overlay(void *user) { session_draw_overlay(user); }

static void scene_step(app_session *a, double dt) {
    scene *s = app_session_scene(a);
    ui_input in = a->in;
    bool safe = fullscreen(a) || a->kiosk;
    /* the mouse in overlay units (inside the safe margin), then in scene units */
    float ox, oy;
    float W = gfx_canvas_w(), H = gfx_canvas_h();
    if (safe) gfx_push_view(0.03f * W, 0.03f * H, 0.94f);
    gfx_window_to_canvas(a->mouse_x, a->mouse_y, a->win_w, a->win_h, &ox, &oy);
    a->ox = ox; a->oy = oy;
    bool modal = a->help || a->go_open || a->blank || a->confirm_quit;
    bool took = modal;
    if (!modal) took = scrub_input(a, ox, oy, in.mouse_pressed, a->left_down);
    if (!modal && !took && a->ink.pen) {
        if (in.mouse_pressed) a->ink.drawing = true;
        if (!a->left_down) a->ink.drawing = false;
        if (a->ink.drawing && (in.mouse_pressed || a->mouse_moved)) {
            ink_add_point(&a->ink, a->entry, s->clock.beat, ox, oy, in.mouse_pressed);
            a->dirty = true;
        }
        took = true;
    }
    if (a->ink.laser && a->mouse_moved) ink_trail_add(&a->ink, ox, oy, a->now);
    if (a->ink.laser) took = true;   /* pointing: no hover values pop up on the slide */
    if (in.wheel != 0 && !took) {   /* zoom about the mouse: the point under it stays */
        float bx, by;
        gfx_push_view(a->view.pan_x, a->view.pan_y, a->view.zoom);
        gfx_window_to_canvas(a->mouse_x, a->mouse_y, a->win_w, a->win_h, &bx, &by);
        gfx_pop_view();
        float z = a->view.zoom * (in.wheel > 0 ? 1.15f : 1 / 1.15f);
        z = z < 0.5f ? 0.5f : z > 8 ? 8 : z;
        a->view.pan_x += bx * (a->view.zoom - z);
        a->view.pan_y += by * (a->view.zoom - z);
        a->view.zoom = z;
    }
    gfx_push_view(a->view.pan_x, a->view.pan_y, a->view.zoom);
    gfx_window_to_canvas(a->mouse_x, a->mouse_y, a->win_w, a->win_h, &in.mouse_x, &in.mouse_y);
    gfx_pop_view();
    if (safe) gfx_pop_view();
    if (took) {   /* the scene sees no mouse this frame; keys still go to a field */
        in.mouse_x = in.mouse_y = -1e9f;
        in.mouse_pressed = in.mouse_released = in.mouse_down = false;
    } else {
        in.mouse_down = a->left_down;
        if (in.mouse_pressed) a->dirty = true;
    }
    if (a->playing && !a->scrubbing)   /* beats settle quickly unless the motion is the lesson */
        s->clock = scene_clock_advance(s->kind, s->clock, dt * a->speed * session_beat_rate(s->kind, s->clock.beat),
                                       true);

    bool chrome = !a->kiosk && a->now - a->last_motion < CHROME_SECONDS;
    a->ui.show_widgets = chrome || a->ui.focus || a->ui.active;
    ui_begin_frame(&a->ui, &in);
    const deck_entry *e = &a->d->e[a->entry];
    app_frame_opts fo = {.theme = a->th, .captions = a->captions && !a->out.no_captions,
                         .holding = scene_clock_at_end(s->kind, &s->clock), .view = a->view,
                         .safe = safe, .overlay = overlay, .overlay_user = a,
                         .ranged = true, .first = e->first, .last = e->last,
                         .more_entries = a->entry + 1 < a->d->n,
                         .slide = deck_slide_of(a->d, a->entry, s->clock.beat),
                         .slides = a->d->n > 1 ? deck_slide_count(a->d) : 0};
    if (a->want_shot) {   /* the picture as it stands, without help, toast or overlays */
        app_frame_opts shot = fo;
        shot.overlay = NULL;
        screenshot(a, &shot);
        ui_begin_frame(&a->ui, &(ui_input){.mouse_x = -1e9f, .mouse_y = -1e9f});
    }
    bool chrome_out = !a->out.on || a->out.chrome;   /* an export keeps help and toasts out */
    if (a->help && !a->blank && chrome_out) { fo.help = help_keys; fo.help_count = HELP_COUNT; }
    fo.toast = a->toast;
    fo.toast_alpha = a->blank || !chrome_out ? 0 : toast_alpha(a);
    ui_theme blank_theme;
    if (a->blank) {   /* a blank screen covers the letterbox too */
        blank_theme = *a->th;
        blank_theme.letterbox = a->blank == 'w' ? gfx_hex(0xffffffff) : gfx_hex(0x000000ff);
        fo.theme = &blank_theme;
    }
    gfx_target_bind(a->target);
    app_frame(s, &a->ui, a->fb_w, a->fb_h, &fo);
}

static void step_begin(app_session *a, double dt) {
    /* a jump whose busy mark has been on screen for a frame: now the work */
    if (a->jump_pending && a->jump_shown) {
        a->jump_pending = false;
        if (a->d && a->jump_entry < a->d->n) story_enter(a, a->jump_entry, a->jump_beat, false);
    }
    a->in = (ui_input){.mouse_x = -1e9f, .mouse_y = -1e9f};
    a->mouse_moved = false;
    a->want_shot = false;
    a->presenter_toggle = false;
    a->now += dt;
}

static bool step_end(app_session *a, double dt);

bool app_session_step(app_session *a, double dt) {
    step_begin(a, dt);
    SDL_Event ev;
    while (SDL_PollEvent(&ev)) app_session_event(a, &ev);
    return step_end(a, dt);
}

bool app_session_step_events(app_session *a, double dt, const SDL_Event *ev, int n) {
    step_begin(a, dt);
    for (int i = 0; i < n; i++) app_session_event(a, &ev[i]);
    return step_end(a, dt);
}

static bool step_end(app_session *a, double dt) {
    if (a->presenter_toggle) presenter_toggle(a);
    if (a->out.on) a->running = true;   /* a replay ends with its take, not with Q */
    if (!a->running) return false;
    if (a->target) {
        a->win_w = a->fb_w = a->target_w;
        a->win_h = a->fb_h = a->target_h;
    } else {
        gfx_window_size(a->win, &a->win_w, &a->win_h, &a->fb_w, &a->fb_h);
    }
    if (!a->out.on)
        SDL_ShowCursor(a->now - a->last_motion < CHROME_SECONDS || a->in_picker || !a->d ? SDL_ENABLE : SDL_DISABLE);
    if (!app_session_scene(a)) {
        gfx_target_bind(a->target);
        picker_step(a);
        a->jump_pending = false;
    } else {
        scene_step(a, dt);
        if (a->jump_pending) a->jump_shown = true;   /* drawn with the busy mark */
    }
    if (!a->target && a->win) gfx_window_swap(a->win);
    presenter_frame(a);
    take_step_end(a);
    return a->running;
}
