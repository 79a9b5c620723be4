/* test_take_limits.c: the F9 recorder through the window's session
 * (synthetic SDL events, offscreen driver), for what the monkey found:
 *
 * - every F9 press toggles: two presses in one step start a take and stop it
 *   (which then says why it saved nothing), so the next press starts a new
 *   take and the one after saves it;
 * - a take stops by itself, says so and is saved, before it grows past what
 *   the reader accepts (2 hours here: the session clock is stepped an hour at
 *   a time), and the saved file reads back.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "app/take.h"
#include "app_check.h"

enum { TW = 320, TH = 180 };
static gfx_target *target;
static gfx_window *win;

static app_session *open_session(const char *arg) {
    char err[512];
    app_options o = {.scene = arg, .theme = &ui_theme_dark};
    app_session *a = app_session_open(&o, win, err, sizeof err);
    if (!a) { fprintf(stderr, "cannot open %s: %s\n", arg, err); exit(1); }
    a->target = target;
    a->target_w = TW;
    a->target_h = TH;
    return a;
}

static void push_f9(void) {
    SDL_Event e = {0};
    e.type = SDL_KEYDOWN;
    e.key.state = SDL_PRESSED;
    e.key.keysym.sym = SDLK_F9;
    e.key.keysym.scancode = SDL_SCANCODE_F9;
    SDL_PushEvent(&e);
    e.type = SDL_KEYUP;
    e.key.state = SDL_RELEASED;
    SDL_PushEvent(&e);
}

/* Takes in the working folder; the last one's name in path. */
static int takes(char *path, size_t len) {
    int n = 0;
    DIR *d = opendir(".");
    struct dirent *e;
    while (d && (e = readdir(d)))
        if (take_is_path(e->d_name)) { n++; if (path) snprintf(path, len, "%s", e->d_name); }
    if (d) closedir(d);
    return n;
}

static void remove_takes(void) {
    char path[256];
    while (takes(path, sizeof path) > 0) unlink(path);
}

static void test_presses_pair_up(void) {
    app_session *a = open_session("calibration");
    app_session_step(a, 1.0 / 64);
    push_f9();
    push_f9();   /* two presses in one step */
    app_session_step(a, 1.0 / 64);
    CHECK(a->rec == NULL, "two F9 presses in one step start and stop a take; it still records");
    CHECK(strstr(a->toast, "not saved") != NULL, "and say why nothing was saved: toast '%s'", a->toast);
    push_f9();
    app_session_step(a, 1.0 / 64);
    CHECK(a->rec != NULL, "the next press starts a take");
    app_session_step(a, 1.0 / 64);
    push_f9();
    app_session_step(a, 1.0 / 64);
    CHECK(a->rec == NULL && takes(NULL, 0) == 1, "and the press after it saves one (%d takes)", takes(NULL, 0));
    app_session_close(a);
    remove_takes();
}

static void test_stops_at_its_limit(void) {
    char path[256] = "", err[512];
    app_session *a = open_session("calibration");
    app_session_step(a, 1.0 / 64);
    push_f9();
    app_session_step(a, 1.0 / 64);
    CHECK(a->rec != NULL, "F9 starts a take");
    for (int i = 0; i < 3 && a->rec; i++) app_session_step(a, 3600);   /* an hour a step */
    CHECK(a->rec == NULL, "a take stops by itself before it is 2 hours long");
    CHECK(strstr(a->toast, "limit (2 hours)") != NULL, "and says so: toast '%s'", a->toast);
    CHECK(takes(path, sizeof path) == 1, "and is saved (%d takes)", takes(NULL, 0));
    take t;
    bool read = path[0] && take_read(&t, path, err, sizeof err);
    CHECK(read, "the saved take reads back: %s", err);
    if (read) {
        CHECK(t.duration > 0 && t.duration <= TAKE_MAX_SECONDS, "its duration %.1f s is within the limit", t.duration);
        take_free(&t);
    }
    app_session_close(a);
    remove_takes();
}

int main(void) {
    char err[512], dir[] = "/tmp/ts-take-limits-XXXXXX";
    win = gfx_window_open(&(gfx_window_desc){.title = "test", .width = TW, .height = TH, .hidden = true}, err, sizeof err);
    if (!win || !gfx_init(&(gfx_desc){0}, err, sizeof err)) { fprintf(stderr, "%s\n", err); return 1; }
    target = gfx_target_new(TW, TH, err, sizeof err);
    if (!target || !mkdtemp(dir) || chdir(dir) != 0) { fprintf(stderr, "setup failed: %s\n", err); return 1; }
    test_presses_pair_up();
    test_stops_at_its_limit();
    rmdir(dir);
    gfx_target_free(target);
    gfx_shutdown();
    gfx_window_close(win);
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
