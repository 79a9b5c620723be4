/* interactive.c: the window and its event loop. The window opens at a size
 * that fits its display (or where it was last closed, see winconf.c); what
 * keys and the mouse do, and what is drawn, is the session's (session.c).
 *
 * The clock advances by wall time, clamped to 0.1 s a frame so a stall never
 * skips a beat. When nothing animates the loop sleeps until an event (or
 * 100 ms), so a held slide costs no CPU.
 */
#include <SDL2/SDL.h>
#include <stdio.h>
#include "app/session.h"

app_loop_hook_fn app_loop_hook;   /* the test seam of app.h */
void *app_loop_hook_user;
app_session *app_loop_session;   /* the test seam of session.h */

int app_interactive(const app_options *o) {
    char err[512];
    /* the scene or deck first: bad input is refused before a window opens */
    app_session *a = app_session_open(o, NULL, err, sizeof err);
    if (!a) { fprintf(stderr, "%s\n", err); return APP_USAGE; }
    if (SDL_InitSubSystem(SDL_INIT_VIDEO) != 0) {
        fprintf(stderr, "tensorstage: cannot initialise SDL video: %s (no display? 'tensorstage render' works without one)\n",
                SDL_GetError());
        app_session_close(a);
        return APP_FAIL;
    }
    winconf wc = winconf_load();
    gfx_window *win = gfx_window_open(&(gfx_window_desc){.title = "tensorstage", .width = wc.w, .height = wc.h,
                                                         .vsync = true, .fullscreen = o->fullscreen || o->kiosk},
                                      err, sizeof err);
    if (!win) {
        fprintf(stderr, "tensorstage: %s (no display? 'tensorstage render' works without one)\n", err);
        app_session_close(a);
        SDL_QuitSubSystem(SDL_INIT_VIDEO);
        return APP_FAIL;
    }
    scene_work_threads(true);   /* long recomputes run behind the frames (scene.h) */
    SDL_Window *sw = SDL_GL_GetCurrentWindow();
    if (wc.have_pos && sw && !o->fullscreen && !o->kiosk) SDL_SetWindowPosition(sw, wc.x, wc.y);
    char shaders[4200];
    snprintf(shaders, sizeof shaders, "%s/shaders", scene_data_dir());
    if (!gfx_init(&(gfx_desc){.shader_dir = shaders}, err, sizeof err)) {
        fprintf(stderr, "tensorstage: %s\n", err);
        app_session_close(a);
        gfx_window_close(win);
        SDL_QuitSubSystem(SDL_INIT_VIDEO);
        return APP_FAIL;
    }
    a->win = win;
    app_loop_session = a;
    if (o->presenter && !presenter_open(a, err, sizeof err)) fprintf(stderr, "tensorstage: %s\n", err);
    double last = scene_seconds();
    bool first = true;
    for (;;) {
        if (app_loop_hook && !app_loop_hook(app_loop_hook_user)) break;
        if (!first && app_session_idle(a)) SDL_WaitEventTimeout(NULL, 100);
        first = false;
        double now = scene_seconds(), dt = now - last;
        last = now;
        if (dt > 0.1) dt = 0.1;
        if (!app_session_step(a, dt)) break;
    }
    winconf_save(sw);
    app_loop_session = NULL;
    app_session_close(a);
    gfx_shutdown();
    gfx_window_close(win);
    SDL_QuitSubSystem(SDL_INIT_VIDEO);
    return APP_OK;
}
