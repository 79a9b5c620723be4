/* test_take.c: takes (src/app/take.h), recorded through the session with
 * synthetic SDL events under the offscreen driver, at a fixed step of
 * 1/64 s, then replayed by take_player (what render and record use).
 *
 * - a scripted performance on cnn (a digit drawn before F9, which the take's
 *   clean start wipes; hovering cells; drawing on the input; the pen; a
 *   wheel zoom; help; beats stepped with Right and a typed number; the
 *   laser) and one on attention (a sentence typed into its field, arrows to
 *   move the query): every frame of the replay at the recorded size and
 *   frame time is the live frame, pixel for pixel;
 * - the same take replayed at twice the size: the drawn pointer is where the
 *   mouse was on the canvas, and --no-cursor leaves it out;
 * - the file reads back to the same bytes it was written as.
 */
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "app/take.h"
#include "app_check.h"

enum { TW = 960, TH = 540, MAXF = 2000 };   /* the target: half the canvas */
static gfx_target *target;
static gfx_window *win;
static const double DT = 1.0 / 64;          /* exact in binary */
static uint8_t *px;
static uint64_t live[MAXF];                 /* the live frames of the take, hashed */
static int nlive;

static uint64_t frame_hash(void) {
    gfx_target_read(target, px);
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < (size_t)TW * TH * 4; i++) h = (h ^ px[i]) * 1099511628211ull;
    return h;
}

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

/* A step; the frames of a take are kept: those of the steps after F9 started
 * it, up to the one F9 stopped it on. */
static void step(app_session *a) {
    bool recording = a->rec != NULL;
    app_session_step(a, DT);
    if (recording && nlive < MAXF) live[nlive++] = frame_hash();
}
static void steps(app_session *a, int n) { for (int i = 0; i < n; i++) step(a); }

static void push_key(SDL_Keycode k) {
    SDL_Event e = {0};
    e.type = SDL_KEYDOWN;
    e.key.keysym.sym = k;
    e.key.state = SDL_PRESSED;
    SDL_PushEvent(&e);
    if (k >= 32 && k < 127) {
        SDL_Event t = {0};
        t.type = SDL_TEXTINPUT;
        t.text.text[0] = (char)k;
        SDL_PushEvent(&t);
    }
    e.type = SDL_KEYUP;
    e.key.state = SDL_RELEASED;
    SDL_PushEvent(&e);
}
static void key(app_session *a, SDL_Keycode k) { push_key(k); step(a); }
static void type(app_session *a, const char *s) { for (; *s; s++) key(a, (SDL_Keycode)*s); }

/* Mouse events at canvas coordinates (the target is half the canvas). */
static void mouse_move(float cx, float cy) {
    SDL_Event e = {0};
    e.type = SDL_MOUSEMOTION;
    e.motion.x = (int)(cx / 2); e.motion.y = (int)(cy / 2);
    e.motion.xrel = 3; e.motion.yrel = -2;
    SDL_PushEvent(&e);
}
static void mouse_button(float cx, float cy, bool down) {
    SDL_Event e = {0};
    e.type = down ? SDL_MOUSEBUTTONDOWN : SDL_MOUSEBUTTONUP;
    e.button.button = SDL_BUTTON_LEFT;
    e.button.x = (int)(cx / 2); e.button.y = (int)(cy / 2);
    SDL_PushEvent(&e);
}
static void drag(app_session *a, float x0, float y0, float x1, float y1, int n) {
    mouse_move(x0, y0);
    mouse_button(x0, y0, true);
    step(a);
    for (int i = 1; i <= n; i++) {
        mouse_move(x0 + (x1 - x0) * (float)i / (float)n, y0 + (y1 - y0) * (float)i / (float)n);
        step(a);
    }
    mouse_button(x1, y1, false);
    step(a);
}
static void wheel(app_session *a, int y) {
    SDL_Event e = {0};
    e.type = SDL_MOUSEWHEEL;
    e.wheel.y = y;
    SDL_PushEvent(&e);
    step(a);
}

/* The take file the last F9 saved in the current folder (and removes the others). */
static void saved_take(char *path, size_t len) {
    path[0] = 0;
    DIR *d = opendir(".");
    struct dirent *e;
    while (d && (e = readdir(d)))
        if (take_is_path(e->d_name)) snprintf(path, len, "%s", e->d_name);
    if (d) closedir(d);
}

/* Replays path at TW x TH and 64 fps with the chrome the live frames had
 * (and no drawn pointer: the window shows the system's); counts the
 * frames that differ from the live ones. */
static void replay_matches(const char *path, const char *what) {
    char err[512];
    take_player *p = take_player_open(path, err, sizeof err);
    CHECK(p != NULL, "%s: the take opens: %s", what, err);
    if (!p) return;
    bool begun = take_player_begin(p, &(take_play_opts){.w = TW, .h = TH, .fps = 64, .chrome = true}, err, sizeof err);
    CHECK(begun, "%s: begins: %s", what, err);
    long n = take_player_steps(p), differ = 0, first = -1;
    CHECK(n == nlive, "%s: the replay has the live take's %d frames, got %ld", what, nlive, n);
    for (long i = 0; i < n && i < nlive && begun; i++) {
        take_player_frame(p, target, i);
        if (frame_hash() != live[i]) { differ++; if (first < 0) first = i; }
    }
    CHECK(differ == 0, "%s: every replayed frame is the live frame: %ld of %ld differ, the first is frame %ld",
          what, differ, n, first);
    take_player_close(p);
}

/* ---- cnn: drawing, hover, pen, zoom, help, beats, laser ---------------------------- */

static void test_cnn(char *path, size_t len) {
    app_session *a = open_session("cnn");
    drag(a, 200, 400, 260, 470, 6);   /* before the take: this digit is not in it */
    steps(a, 10);
    CHECK(a->dirty, "setup: drew on the input");
    nlive = 0;
    key(a, SDLK_F9);                  /* starts at the end of this step */
    CHECK(a->rec && !a->dirty && nlive == 0, "F9 starts a take from a clean scene");
    for (int i = 0; i < 12; i++) { mouse_move(600 + 20 * (float)i, 300 + 8 * (float)i); step(a); }   /* hover */
    steps(a, 20);
    drag(a, 180, 380, 300, 520, 10);  /* a stroke on the input */
    key(a, SDLK_RIGHT);
    steps(a, 30);
    key(a, SDLK_d);                   /* the pen */
    drag(a, 900, 300, 1200, 420, 8);
    key(a, SDLK_d);
    mouse_move(1000, 500);
    wheel(a, 2);                      /* zoom about the pointer, then back */
    steps(a, 5);
    key(a, SDLK_0);
    key(a, SDLK_h);
    steps(a, 6);
    key(a, SDLK_h);
    key(a, SDLK_RIGHT); key(a, SDLK_RIGHT);
    steps(a, 40);
    key(a, SDLK_3); key(a, SDLK_RETURN);   /* a typed beat number */
    steps(a, 25);
    SDL_Event l = {0};
    l.type = SDL_KEYDOWN; l.key.keysym.sym = SDLK_l;
    SDL_PushEvent(&l);
    for (int i = 0; i < 10; i++) { mouse_move(500 + 30 * (float)i, 600); step(a); }
    l.type = SDL_KEYUP;
    SDL_PushEvent(&l);
    steps(a, 4);
    mouse_move(640, 320);             /* the pointer rests on the stage for the size test */
    steps(a, 3);
    key(a, SDLK_F9);
    CHECK(!a->rec, "F9 stops the take");
    int frames = nlive;
    app_session_close(a);
    saved_take(path, len);
    CHECK(path[0] != 0, "the take was saved in the current folder");
    if (!path[0]) return;
    nlive = frames;
    replay_matches(path, "cnn");

    /* the file reads back to what it says */
    take t;
    char err[512];
    CHECK(take_read(&t, path, err, sizeof err), "the saved take reads: %s", err);
    CHECK(t.n > 40 && t.nkinds == 1 && strcmp(t.kinds[0], "cnn") == 0 && t.size[0] == TW,
          "the take holds the events and the window (%ld events)", t.n);
    CHECK(take_write(&t, "again.take", err, sizeof err), "it writes: %s", err);
    take_free(&t);
    FILE *f = fopen(path, "rb"), *g = fopen("again.take", "rb");
    int c1 = 0, c2 = 0;
    long same = 0;
    while (f && g && (c1 = fgetc(f)) == (c2 = fgetc(g)) && c1 != EOF) same++;
    CHECK(f && g && c1 == EOF && c2 == EOF, "what is read is written back byte for byte (first %ld agree)", same);
    if (f) fclose(f);
    if (g) fclose(g);
    unlink("again.take");
}

/* ---- at twice the size, the pointer lands on the same place --------------------- */

static void test_pointer(const char *path) {
    enum { W2 = 2 * TW, H2 = 2 * TH };
    char err[512];
    gfx_target *big = gfx_target_new(W2, H2, err, sizeof err);
    uint8_t *with = malloc((size_t)W2 * H2 * 4), *without = malloc((size_t)W2 * H2 * 4);
    if (!big || !with || !without) { failed++; return; }
    for (int k = 0; k < 2; k++) {
        take_player *p = take_player_open(path, err, sizeof err);
        if (!p || !take_player_begin(p, &(take_play_opts){.w = W2, .h = H2, .fps = 64, .cursor = k == 0}, err, sizeof err)) {
            CHECK(0, "replay at %dx%d: %s", W2, H2, err);
            take_player_close(p);
            continue;
        }
        take_player_frame(p, big, take_player_steps(p) - 1);
        gfx_target_read(big, k == 0 ? with : without);
        take_player_close(p);
    }
    /* the last pointer move was to canvas (640, 320): one pixel per unit here */
    long inside = 0, outside = 0;
    for (int y = 0; y < H2; y++)
        for (int x = 0; x < W2; x++) {
            if (memcmp(with + 4 * ((size_t)y * W2 + x), without + 4 * ((size_t)y * W2 + x), 4) == 0) continue;
            if (x >= 640 - 8 && x < 640 + 34 && y >= 320 - 8 && y < 320 + 58) inside++;
            else outside++;
        }
    CHECK(inside > 300 && outside == 0, "the drawn pointer is at the mouse's canvas place: %ld pixels there, %ld elsewhere",
          inside, outside);
    if (getenv("TS_KEEP")) gfx_png_write("/tmp/take-pointer.png", with, W2, H2, err, sizeof err);
    gfx_target_free(big);
    free(with);
    free(without);
}

/* ---- attention: a typed sentence and the query keys ------------------------------- */

static void test_attention(void) {
    app_session *a = open_session("attention");
    key(a, SDLK_RIGHT); key(a, SDLK_RIGHT);
    steps(a, 4);
    nlive = 0;
    key(a, SDLK_F9);
    mouse_move(300, 300);
    steps(a, 3);
    float fx, fy, fw, fh;
    CHECK(ui_field_rect(&a->ui, 0, &fx, &fy, &fw, &fh), "attention shows its sentence field");
    mouse_move(fx + fw / 2, fy + fh / 2);
    mouse_button(fx + fw / 2, fy + fh / 2, true);
    step(a);
    mouse_button(fx + fw / 2, fy + fh / 2, false);
    step(a);
    type(a, "the dog did not fit in the car");
    key(a, SDLK_RETURN);
    steps(a, 10);
    key(a, SDLK_DOWN); key(a, SDLK_DOWN);
    steps(a, 10);
    mouse_move(700, 500);
    steps(a, 10);
    key(a, SDLK_F9);
    int frames = nlive;
    app_session_close(a);
    char path[256];
    saved_take(path, sizeof path);
    nlive = frames;
    if (path[0]) replay_matches(path, "attention");
    unlink(path);
}

int main(void) {
    char err[512], dir[] = "/tmp/ts-take-XXXXXX", path[256];
    win = gfx_window_open(&(gfx_window_desc){.title = "test", .width = TW, .height = TH, .hidden = true}, err, sizeof err);
    if (!win || !gfx_init(&(gfx_desc){0}, err, sizeof err)) { fprintf(stderr, "%s\n", err); return 1; }
    target = gfx_target_new(TW, TH, err, sizeof err);
    px = malloc((size_t)TW * TH * 4);
    if (!target || !px || !mkdtemp(dir) || chdir(dir) != 0) { fprintf(stderr, "setup failed: %s\n", err); return 1; }
    test_cnn(path, sizeof path);
    if (path[0]) test_pointer(path);
    unlink(path);
    test_attention();
    rmdir(dir);
    free(px);
    gfx_target_free(target);
    gfx_shutdown();
    gfx_window_close(win);
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
