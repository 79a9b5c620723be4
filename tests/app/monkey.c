/* monkey.c: random input through the real window loop, to find crashes,
 * sanitizer reports and unasked-for quits before a lecture hall does.
 *
 *   monkey [TARGET [EVENTS [SEED]]]     TARGET: a scene name, a deck's
 *                                       absolute path, "picker", or "all"
 *                                       (default: every scene, the picker and
 *                                       scenes/lecture.deck); EVENTS per
 *                                       target (10000)
 *
 * The loop runs under SDL's offscreen driver (no X server). Through the test
 * seam of app.h (app_loop_hook) each frame first gets a small random batch
 * of synthetic events pushed into SDL's queue: key presses from the app's
 * keys and the rest of the keyboard (L sometimes held down: the laser),
 * text input (ASCII and UTF-8), mouse moves (warped, so SDL's mouse state
 * follows), clicks and drags of every button (X1 and X2 too), the wheel
 * vertical and horizontal, window resizes (now and then under 160 px or
 * over 800) and focus changes. The loop reads them as it reads a
 * user's. The window is kept small (and resized at random) so a frame is
 * cheap under the sanitizer build.
 *
 * Fails on a crash or sanitizer report (the process dies), on a non-zero
 * return of the loop, and on a loop that ends when no quitting event (Q,
 * Esc) came in its last QUIT_CONFIRM_FRAMES frames (room for a confirming
 * key). A loop that was asked to quit is started again until all the events
 * were delivered. Screenshots (S) and takes (F9) go to a temporary folder
 * made the working folder (and the pictures folder) for the run, removed after; before that every
 * take the window saved is read back and replayed at its recorded size, as
 * `record` would (a take the app wrote that does not replay is a failure).
 */
#include <SDL2/SDL.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "app/take.h"

#define QUIT_CONFIRM_FRAMES 30

typedef struct monkey {
    unsigned long long rng;
    long target, pushed, frames;
    long quit_frame;             /* the frame of the last quitting event (Q, Esc) */
    long f9, f9_repeats;         /* F9 presses pushed, and those marked as key repeats */
    bool laser;                  /* L is held down */
} monkey;

static unsigned rnd(monkey *m, unsigned n) {   /* xorshift64*: reproducible from the seed */
    m->rng ^= m->rng >> 12; m->rng ^= m->rng << 25; m->rng ^= m->rng >> 27;
    return (unsigned)((m->rng * 2685821657736338717ULL) >> 33) % n;
}

static void push(monkey *m, SDL_Event *e) {
    SDL_PushEvent(e);
    m->pushed++;
}

/* The app's keys often, the rest of the keyboard sometimes; Q and Esc rarely. */
static SDL_Keycode random_key(monkey *m) {
    static const SDL_Keycode app_keys[] = {
        SDLK_SPACE, SDLK_RIGHT, SDLK_LEFT, SDLK_UP, SDLK_DOWN, SDLK_PAGEDOWN, SDLK_PAGEUP,
        SDLK_HOME, SDLK_END, SDLK_t, SDLK_c, SDLK_h, SDLK_F1, SDLK_0, SDLK_RETURN, SDLK_KP_ENTER,
        SDLK_BACKSPACE, SDLK_DELETE, SDLK_1, SDLK_2, SDLK_3, SDLK_9, SDLK_MINUS, SDLK_PERIOD,
        SDLK_f, SDLK_F11, SDLK_l, SDLK_p, SDLK_r, SDLK_b, SDLK_n, SDLK_g};
    unsigned r = rnd(m, 1000);
    if (r < 1) return SDLK_q;
    if (r < 4) return SDLK_ESCAPE;
    if (r < 10) return SDLK_TAB;
    if (r < 14) return SDLK_s;   /* a screenshot renders a full frame again: keep it rare */
    if (r < 18) return SDLK_F9;  /* takes start and stop */
    if (r < 800) return app_keys[rnd(m, sizeof app_keys / sizeof app_keys[0])];
    return (SDL_Keycode)(SDLK_a + (SDL_Keycode)rnd(m, 26));
}

static void random_event(monkey *m, SDL_Window *win) {
    SDL_Event e;
    memset(&e, 0, sizeof e);
    int w = 480, h = 270;
    if (win) SDL_GetWindowSize(win, &w, &h);
    unsigned kind = rnd(m, 100);
    if (kind < 35) {                       /* a key press and release */
        SDL_Keycode k = random_key(m);
        if (k == SDLK_q || k == SDLK_ESCAPE) m->quit_frame = m->frames;
        e.type = SDL_KEYDOWN;
        e.key.state = SDL_PRESSED;
        e.key.keysym.sym = k;
        e.key.keysym.scancode = SDL_GetScancodeFromKey(k);
        e.key.keysym.mod = rnd(m, 8) == 0 ? KMOD_LSHIFT : rnd(m, 16) == 0 ? KMOD_LCTRL : KMOD_NONE;
        e.key.repeat = rnd(m, 10) == 0;
        if (k == SDLK_F9) { m->f9++; m->f9_repeats += e.key.repeat; }
        if (k == SDLK_l && !m->laser && rnd(m, 2) == 0) {   /* L held: the laser, released later */
            m->laser = true;
            push(m, &e);
            return;
        }
        push(m, &e);
        e.type = SDL_KEYUP;
        e.key.state = SDL_RELEASED;
        push(m, &e);
    } else if (m->laser && kind < 37) {    /* the held L comes up */
        m->laser = false;
        e.type = SDL_KEYUP;
        e.key.state = SDL_RELEASED;
        e.key.keysym.sym = SDLK_l;
        e.key.keysym.scancode = SDL_SCANCODE_L;
        push(m, &e);
    } else if (kind < 45) {                /* typed text */
        static const char *const texts[] = {"a", "7", "-", ".", " ", "the", "3 1 4", "\xc3\xa9",
                                            "\xe6\x95\xb0", "\xf0\x9f\x98\x80", "%s%n", "\\", "[", "=", ";"};
        e.type = SDL_TEXTINPUT;
        snprintf(e.text.text, sizeof e.text.text, "%s", texts[rnd(m, sizeof texts / sizeof texts[0])]);
        push(m, &e);
    } else if (kind < 70) {                /* the mouse moves (SDL's state follows a warp) */
        if (win) SDL_WarpMouseInWindow(win, (int)rnd(m, (unsigned)w + 40) - 20, (int)rnd(m, (unsigned)h + 40) - 20);
        e.type = SDL_MOUSEMOTION;
        e.motion.x = (int)rnd(m, (unsigned)w);
        e.motion.y = (int)rnd(m, (unsigned)h);
        e.motion.xrel = (int)rnd(m, 81) - 40;
        e.motion.yrel = (int)rnd(m, 81) - 40;
        push(m, &e);
    } else if (kind < 85) {                /* a click or the start or end of a drag */
        e.type = rnd(m, 2) ? SDL_MOUSEBUTTONDOWN : SDL_MOUSEBUTTONUP;
        static const Uint8 buttons[] = {SDL_BUTTON_LEFT, SDL_BUTTON_LEFT, SDL_BUTTON_RIGHT, SDL_BUTTON_MIDDLE,
                                        SDL_BUTTON_X1, SDL_BUTTON_X2};
        e.button.button = buttons[rnd(m, sizeof buttons)];
        e.button.state = e.type == SDL_MOUSEBUTTONDOWN ? SDL_PRESSED : SDL_RELEASED;
        e.button.clicks = 1;
        e.button.x = (int)rnd(m, (unsigned)w);
        e.button.y = (int)rnd(m, (unsigned)h);
        push(m, &e);
    } else if (kind < 93) {                /* the wheel */
        e.type = SDL_MOUSEWHEEL;   /* vertical, horizontal (a trackpad, a tilting wheel) or both */
        unsigned way = rnd(m, 3);
        e.wheel.y = way == 1 ? 0 : (int)rnd(m, 7) - 3;
        e.wheel.x = way == 0 ? 0 : (int)rnd(m, 7) - 3;
        e.wheel.direction = rnd(m, 8) == 0 ? SDL_MOUSEWHEEL_FLIPPED : SDL_MOUSEWHEEL_NORMAL;
        push(m, &e);
    } else if (kind < 97) {                /* the window is resized */
        if (win) {   /* mostly small (cheap frames); sometimes tiny, sometimes past 800 px */
            unsigned r = rnd(m, 10);
            int w = r == 0 ? 1 + (int)rnd(m, 159) : r == 1 ? 801 + (int)rnd(m, 480) : 160 + (int)rnd(m, 640);
            int h = r == 0 ? 1 + (int)rnd(m, 119) : r == 1 ? 600 + (int)rnd(m, 200) : 120 + (int)rnd(m, 400);
            SDL_SetWindowSize(win, w, h);
        }
        m->pushed++;
    } else {                               /* focus, exposure, the pointer leaving */
        static const Uint8 wev[] = {SDL_WINDOWEVENT_FOCUS_LOST, SDL_WINDOWEVENT_FOCUS_GAINED,
                                    SDL_WINDOWEVENT_EXPOSED, SDL_WINDOWEVENT_LEAVE, SDL_WINDOWEVENT_ENTER,
                                    SDL_WINDOWEVENT_MINIMIZED, SDL_WINDOWEVENT_RESTORED};
        e.type = SDL_WINDOWEVENT;
        e.window.event = wev[rnd(m, sizeof wev)];
        e.window.windowID = win ? SDL_GetWindowID(win) : 0;
        push(m, &e);
    }
}

static bool monkey_hook(void *user) {
    monkey *m = user;
    SDL_Window *win = SDL_GL_GetCurrentWindow();
    if (m->frames++ == 0 && win) SDL_SetWindowSize(win, 480, 270);   /* small: cheap frames */
    if (m->pushed >= m->target) return false;
    int batch = 1 + (int)rnd(m, 24);
    for (int i = 0; i < batch && m->pushed < m->target; i++) random_event(m, win);
    return true;
}

/* Runs the loop on one target until EVENTS were delivered. 0 if all went well. */
static int run_target(const char *scene, long events, unsigned long long seed) {
    monkey m = {.rng = seed * 0x9E3779B97F4A7C15ULL + 1, .target = events};
    app_loop_hook = monkey_hook;
    app_loop_hook_user = &m;
    int starts = 0;
    double t0 = scene_seconds();
    while (m.pushed < m.target) {
        app_options o = {.scene = scene, .theme = &ui_theme_dark};
        starts++;
        m.quit_frame = -1000;
        int rc = app_interactive(&o);
        if (rc != APP_OK) {
            fprintf(stderr, "FAIL %s: the loop returned %d after %ld events\n", scene ? scene : "picker", rc, m.pushed);
            return 1;
        }
        /* a quit may wait for a confirming key: allow a few frames after Q or Esc */
        if (m.pushed < m.target && m.frames - m.quit_frame > QUIT_CONFIRM_FRAMES) {
            fprintf(stderr, "FAIL %s: the loop quit after %ld events, but no event asked it to\n",
                    scene ? scene : "picker", m.pushed);
            return 1;
        }
    }
    printf("monkey %-12s %ld events in %ld frames, %d start%s, %.1f s; F9 pressed %ld times (%ld as key "
           "repeats, which toggle nothing)\n", scene ? scene : "picker", m.pushed, m.frames, starts,
           starts == 1 ? "" : "s", scene_seconds() - t0, m.f9, m.f9_repeats);
    app_loop_hook = NULL;
    return 0;
}

/* Replays every take in the working folder at its recorded size, 30 fps
 * (at most 900 frames each). 0 if all open and play. */
static int replay_takes(void) {
    char err[512];
    gfx_window *win = gfx_window_open(&(gfx_window_desc){.title = "monkey", .width = 64, .height = 64, .hidden = true},
                                      err, sizeof err);
    if (!win || !gfx_init(&(gfx_desc){0}, err, sizeof err)) {
        fprintf(stderr, "FAIL: no GL for the replays: %s\n", err);
        gfx_window_close(win);
        return 1;
    }
    int failed = 0, n = 0;
    long frames = 0;
    DIR *d = opendir(".");
    struct dirent *e;
    while (d && (e = readdir(d)) && !failed) {
        if (!take_is_path(e->d_name)) continue;
        take_player *p = take_player_open(e->d_name, err, sizeof err);
        const take *t = p ? take_player_take(p) : NULL;
        gfx_target *tg = p ? gfx_target_new(t->size[2], t->size[3], err, sizeof err) : NULL;
        if (!tg || !take_player_begin(p, &(take_play_opts){.w = t->size[2], .h = t->size[3], .fps = 30,
                                                           .cursor = true}, err, sizeof err)) {
            fprintf(stderr, "FAIL: a take the window saved does not replay: %s\n", err);
            failed = 1;
        } else {
            long k = take_player_steps(p) < 900 ? take_player_steps(p) : 900;
            for (long i = 0; i < k; i++) take_player_frame(p, tg, i);
            frames += k;
            n++;
        }
        gfx_target_free(tg);
        take_player_close(p);
    }
    if (d) closedir(d);
    gfx_shutdown();
    gfx_window_close(win);
    printf("monkey replayed %d take%s, %ld frames\n", n, n == 1 ? "" : "s", frames);
    return failed;
}

/* Removes the screenshots and the folder (several passes: entries removed
 * while a folder is read may hide others). */
static void remove_folder(const char *dir) {
    for (int pass = 0; pass < 10 && rmdir(dir) != 0; pass++) {
        DIR *d = opendir(dir);
        if (!d) return;
        struct dirent *e;
        char p[4400];
        while ((e = readdir(d)))
            if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
                snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
                remove(p);
            }
        closedir(d);
    }
}

int main(int argc, char **argv) {
    const char *target = argc > 1 ? argv[1] : "all";
    long events = argc > 2 ? atol(argv[2]) : 10000;
    unsigned long long seed = argc > 3 ? strtoull(argv[3], NULL, 10) : 1;
    setenv("SDL_VIDEODRIVER", "offscreen", 0);
    char dir[] = "/tmp/ts-monkey-XXXXXX";   /* screenshots land here, never in the source tree */
    if (!mkdtemp(dir) || chdir(dir) != 0) { perror("monkey: temporary folder"); return 1; }
    setenv("XDG_PICTURES_DIR", dir, 1);     /* and the window's pictures folder is it */
    int failed = 0;
    if (strcmp(target, "all") == 0) {
        for (int i = 0; i < scene_kind_count() && !failed; i++)
            failed |= run_target(scene_kind_at(i)->name, events, seed + (unsigned)i);
        if (!failed) failed |= run_target(NULL, events, seed);
        char deck[4300];
        snprintf(deck, sizeof deck, "%s/scenes/lecture.deck", scene_data_dir());
        if (!failed && access(deck, R_OK) == 0) failed |= run_target(deck, events, seed);
    } else {
        failed = run_target(strcmp(target, "picker") == 0 ? NULL : target, events, seed);
    }
    if (!failed) failed = replay_takes();
    remove_folder(dir);
    return failed;
}
