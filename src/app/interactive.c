/* interactive.c: the window. Scene picker, presenter controls, hover, zoom and
 * pan, themes, screenshots. Keys are those of DESIGN.md (help_keys below is
 * also what the H overlay shows).
 *
 * The scene clock advances by wall time (clamped to 0.1 s a frame, so a
 * stall never skips a beat) and holds at the end of each beat until the next
 * key press. "Next" first completes a beat that is still animating, as a
 * slide show does, then moves on.
 */
#include <SDL2/SDL.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "app/app.h"

static const ui_help_key help_keys[] = {
    {"Space", "play / pause"},
    {"\xe2\x86\x92  PageDown", "next beat (finishes the current one first)"},
    {"\xe2\x86\x90  PageUp", "previous beat"},
    {"Home", "restart the story"},
    {"F11  F", "full screen"},
    {"T", "light / dark theme"},
    {"C", "captions on / off"},
    {"H  F1", "this help"},
    {"Tab  Esc", "scene picker"},
    {"S", "screenshot (PNG in the current folder)"},
    {"mouse", "hover: values \xc2\xb7 wheel: zoom \xc2\xb7 right-drag: pan"},
    {"0", "reset zoom and pan"},
    {"Q", "quit"},
};
#define HELP_COUNT (int)(sizeof help_keys / sizeof help_keys[0])

/* ---- the scene picker ------------------------------------------------------ */

#define PICK_MAX 64
typedef struct pick_entry { char arg[512], title[128], summary[256], detail[160]; } pick_entry;
typedef struct picker { pick_entry e[PICK_MAX]; int n, sel; } picker;

static void picker_fill(picker *p) {
    p->n = 0;
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
    struct dirent *de;
    while ((de = readdir(d)) && p->n < PICK_MAX) {
        size_t len = strlen(de->d_name);
        if (len < 7 || strcmp(de->d_name + len - 6, ".scene") != 0) continue;
        pick_entry *e = &p->e[p->n];
        char kind[64];
        snprintf(e->arg, sizeof e->arg, "%s/%.200s", dir, de->d_name);
        if (!preset_peek(e->arg, kind, sizeof kind, e->title, sizeof e->title)) continue;
        const scene_kind *k = scene_kind_find(kind);
        snprintf(e->summary, sizeof e->summary, "a preset of %s", k->title);
        snprintf(e->detail, sizeof e->detail, "scenes/%.120s", de->d_name);
        p->n++;
    }
    closedir(d);
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

/* Returns the index clicked (or chosen with Enter), else -1. */
static int picker_frame(picker *p, const ui_input *in, const ui_theme *th, int fb_w, int fb_h,
                        bool help, const char *toast, float toast_alpha) {
    int chosen = -1;
    for (int i = 0; i < p->n; i++) {
        float x, y, w, h;
        picker_layout(p, i, &x, &y, &w, &h);
        bool shown = y >= 150 && y + h <= 980;
        bool over = shown && in->mouse_x >= x && in->mouse_x < x + w && in->mouse_y >= y && in->mouse_y < y + h;
        if (over) p->sel = i;
        if (over && in->mouse_pressed) chosen = i;
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
        ui_card(th, x, y, w, h, p->e[i].title, p->e[i].summary, p->e[i].detail, i == p->sel);
    }
    gfx_text(90, gfx_canvas_h() - 50, UI_SMALL, GFX_SANS, GFX_LEFT | GFX_MIDDLE, th->text_dim,
             "Arrows and Enter or click to open \xc2\xb7 H for keys \xc2\xb7 T theme \xc2\xb7 Q quit");
    if (help) ui_help_overlay(th, help_keys, HELP_COUNT);
    if (toast_alpha > 0) ui_toast(th, toast, toast_alpha);
    gfx_frame_end();
    return chosen;
}

/* ---- screenshots ----------------------------------------------------------- */

static void screenshot(scene *s, ui_ctx *ui, int w, int h, const app_frame_opts *fo,
                       char *msg, size_t msglen) {
    char path[64], err[512];
    struct stat st;
    int k = 1;
    do snprintf(path, sizeof path, "tensorstage-%04d.png", k++); while (stat(path, &st) == 0 && k < 10000);
    gfx_target *t = gfx_target_new(w, h, err, sizeof err);
    uint8_t *px = t ? malloc((size_t)w * (size_t)h * 4) : NULL;
    if (!px) { snprintf(msg, msglen, "screenshot failed: %s", t ? "out of memory" : err); gfx_target_free(t); return; }
    gfx_target_bind(t);
    app_frame(s, ui, w, h, fo);
    gfx_target_read(t, px);
    gfx_target_bind(NULL);
    if (gfx_png_write(path, px, w, h, err, sizeof err)) snprintf(msg, msglen, "saved %s", path);
    else snprintf(msg, msglen, "screenshot failed: %s", err);
    free(px);
    gfx_target_free(t);
}

/* ---- the loop ---------------------------------------------------------------- */

app_loop_hook_fn app_loop_hook;   /* the test seam of app.h */
void *app_loop_hook_user;

int app_interactive(const app_options *o) {
    char err[512];
    scene *s = NULL;
    if (o->scene) {
        s = scene_open(o->scene, err, sizeof err);
        if (!s) { fprintf(stderr, "%s\n", err); return APP_USAGE; }
    }
    int dw = 1600, dh = 900;
    gfx_window *win = gfx_window_open(&(gfx_window_desc){.title = "tensorstage", .width = dw, .height = dh,
                                                         .vsync = true, .fullscreen = o->fullscreen},
                                      err, sizeof err);
    if (!win) {
        fprintf(stderr, "tensorstage: %s (no display? 'tensorstage render' works without one)\n", err);
        scene_close(s);
        return APP_FAIL;
    }
    char shaders[4200];
    snprintf(shaders, sizeof shaders, "%s/shaders", scene_data_dir());
    if (!gfx_init(&(gfx_desc){.shader_dir = shaders}, err, sizeof err)) {
        fprintf(stderr, "tensorstage: %s\n", err);
        gfx_window_close(win);
        scene_close(s);
        return APP_FAIL;
    }
    const ui_theme *th = o->theme;
    ui_ctx ui;
    ui_init(&ui, th);
    picker pick = {0};
    picker_fill(&pick);
    bool running = true, playing = true, help = false, captions = true;
    app_view view = {.zoom = 1};
    bool panning = false;
    char toast[256] = "";
    double toast_until = 0, last = scene_seconds();
    bool first = true;

    while (running) {
        if (app_loop_hook && !app_loop_hook(app_loop_hook_user)) break;
        ui_input in = {.mouse_x = -1e9f, .mouse_y = -1e9f};
        int win_w, win_h, fb_w, fb_h;
        gfx_window_size(win, &win_w, &win_h, &fb_w, &fb_h);
        bool holding = s && scene_clock_at_end(s->kind, &s->clock);
        bool idle = !first && (!s || holding || !playing) && SDL_GetTicks() > 0 && toast_until < scene_seconds();
        SDL_Event ev;
        bool got = idle ? SDL_WaitEventTimeout(&ev, 100) : SDL_PollEvent(&ev);
        first = false;
        bool want_shot = false;
        while (got) {
            switch (ev.type) {
            case SDL_QUIT: running = false; break;
            case SDL_MOUSEBUTTONDOWN:
                if (ev.button.button == SDL_BUTTON_LEFT) in.mouse_pressed = true;
                else { in.right_pressed = true; panning = true; }
                break;
            case SDL_MOUSEBUTTONUP:
                if (ev.button.button == SDL_BUTTON_LEFT) in.mouse_released = true;
                else panning = false;
                break;
            case SDL_MOUSEMOTION:
                if (panning) {
                    float ax, ay, bx, by;
                    gfx_window_to_canvas(0, 0, win_w, win_h, &ax, &ay);
                    gfx_window_to_canvas((float)ev.motion.xrel, (float)ev.motion.yrel, win_w, win_h, &bx, &by);
                    view.pan_x += bx - ax;
                    view.pan_y += by - ay;
                }
                break;
            case SDL_MOUSEWHEEL: in.wheel += (float)ev.wheel.y; break;
            case SDL_TEXTINPUT:
                strncat(in.text, ev.text.text, sizeof in.text - strlen(in.text) - 1);
                break;
            case SDL_KEYDOWN: {
                SDL_Keycode k = ev.key.keysym.sym;
                if (in.key_count < 16) in.keys[in.key_count++] = (int)k;
                if (k == SDLK_BACKSPACE) in.backspace = true;
                if (k == SDLK_RETURN || k == SDLK_KP_ENTER) in.enter = true;
                if (ui.focus) break;   /* a text field has the keyboard */
                if (k == SDLK_q) running = false;
                else if (k == SDLK_F11 || k == SDLK_f) gfx_window_set_fullscreen(win, !gfx_window_fullscreen(win));
                else if (k == SDLK_t) th = th == &ui_theme_dark ? &ui_theme_light : &ui_theme_dark;
                else if (k == SDLK_h || k == SDLK_F1) help = !help;
                else if (k == SDLK_c) captions = !captions;
                else if (k == SDLK_0) view = (app_view){.zoom = 1};
                else if ((k == SDLK_TAB || k == SDLK_ESCAPE) && help) help = false;
                else if ((k == SDLK_TAB || k == SDLK_ESCAPE) && s) { scene_close(s); s = NULL; picker_fill(&pick); view = (app_view){.zoom = 1}; }
                else if (k == SDLK_ESCAPE && !s) running = false;
                else if (s && k == SDLK_s) want_shot = true;
                else if (s && k == SDLK_SPACE) playing = !playing;
                else if (s && k == SDLK_HOME) { s->clock = scene_clock_beat(s->kind, 0, 0); playing = true; }
                else if (s && (k == SDLK_RIGHT || k == SDLK_PAGEDOWN)) {
                    if (!scene_clock_at_end(s->kind, &s->clock))
                        s->clock = scene_clock_beat(s->kind, s->clock.beat, 1e9);
                    else if (s->clock.beat + 1 < s->kind->beat_count)
                        s->clock = scene_clock_beat(s->kind, s->clock.beat + 1, 0);
                    playing = true;
                } else if (s && (k == SDLK_LEFT || k == SDLK_PAGEUP)) {
                    int b = s->clock.beat_time > 0.6 ? s->clock.beat : s->clock.beat - 1;
                    s->clock = scene_clock_beat(s->kind, b < 0 ? 0 : b, 0);
                    playing = true;
                }
                break;
            }
            default: break;
            }
            got = SDL_PollEvent(&ev);
        }
        int mx, my;
        Uint32 buttons = SDL_GetMouseState(&mx, &my);
        in.mouse_down = (buttons & SDL_BUTTON_LMASK) != 0;

        double now = scene_seconds(), dt = now - last;
        last = now;
        if (dt > 0.1) dt = 0.1;
        float toast_alpha = now >= toast_until ? 0 : toast_until - now < 0.5 ? (float)(toast_until - now) * 2 : 1;

        if (!s) {
            float cx, cy;
            gfx_push_view(0, 0, 1);
            gfx_window_to_canvas((float)mx, (float)my, win_w, win_h, &cx, &cy);
            gfx_pop_view();
            in.mouse_x = cx; in.mouse_y = cy;
            gfx_target_bind(NULL);
            int chosen = picker_frame(&pick, &in, th, fb_w, fb_h, help, toast, toast_alpha);
            gfx_window_swap(win);
            if (chosen >= 0) {
                s = scene_open(pick.e[chosen].arg, err, sizeof err);
                if (!s) { snprintf(toast, sizeof toast, "%s", err); toast_until = now + 4; }
                playing = true;
            }
            continue;
        }

        /* zoom about the mouse: the canvas point under it stays put */
        if (in.wheel != 0) {
            float bx, by;
            gfx_push_view(view.pan_x, view.pan_y, view.zoom);
            gfx_window_to_canvas((float)mx, (float)my, win_w, win_h, &bx, &by);
            gfx_pop_view();
            float z = view.zoom * (in.wheel > 0 ? 1.15f : 1 / 1.15f);
            z = z < 0.5f ? 0.5f : z > 8 ? 8 : z;
            view.pan_x += bx * (view.zoom - z);
            view.pan_y += by * (view.zoom - z);
            view.zoom = z;
        }
        gfx_push_view(view.pan_x, view.pan_y, view.zoom);
        gfx_window_to_canvas((float)mx, (float)my, win_w, win_h, &in.mouse_x, &in.mouse_y);
        gfx_pop_view();

        if (playing) s->clock = scene_clock_advance(s->kind, s->clock, dt, true);
        holding = scene_clock_at_end(s->kind, &s->clock);
        ui_begin_frame(&ui, help ? &(ui_input){.mouse_x = -1e9f, .mouse_y = -1e9f} : &in);
        app_frame_opts fo = {.theme = th, .captions = captions, .holding = holding, .view = view};
        if (want_shot) {   /* the picture as it stands, without help or toast */
            screenshot(s, &ui, fb_w, fb_h, &fo, toast, sizeof toast);
            toast_until = now + 2.5;
            toast_alpha = 1;
            ui_begin_frame(&ui, &(ui_input){.mouse_x = -1e9f, .mouse_y = -1e9f});
        }
        if (help) { fo.help = help_keys; fo.help_count = HELP_COUNT; }
        fo.toast = toast;
        fo.toast_alpha = toast_alpha;
        gfx_target_bind(NULL);
        app_frame(s, &ui, fb_w, fb_h, &fo);
        gfx_window_swap(win);
    }
    ui_shutdown(&ui);
    scene_close(s);
    gfx_shutdown();
    gfx_window_close(win);
    return APP_OK;
}
