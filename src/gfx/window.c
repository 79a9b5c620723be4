/* window.c: the SDL2 window and its OpenGL 3.3 core context.
 *
 * gfx_window_open initialises SDL's video subsystem (reference counted, so the
 * app may init it too), creates a HiDPI-aware window and a 3.3 core context,
 * makes it current and sets vsync. With `hidden` the window is never shown;
 * under SDL_VIDEODRIVER=offscreen SDL creates the context through EGL and Mesa
 * gives llvmpipe, which is how tests and headless rendering run. Headless
 * rendering should go to a gfx_target; the window's own framebuffer is then
 * just a small pbuffer.
 *
 * One window at a time: the renderer keeps GL objects of the current context.
 * Errors: NULL and one line in err (SDL's reason included).
 */
#include "gfx_internal.h"

#include <SDL2/SDL.h>
#include <stdio.h>
#include <stdlib.h>

struct gfx_window {
    SDL_Window   *win;
    SDL_GLContext gl;
    bool fullscreen;
    int windowed_w, windowed_h;   /* the size to return to from full screen */
};

static char renderer_name[256] = "unknown";

static void set_err(char *err, size_t errlen, const char *what)
{
    if (err && errlen) snprintf(err, errlen, "%s: %s", what, SDL_GetError());
}

gfx_window *gfx_window_open(const gfx_window_desc *d, char *err, size_t errlen)
{
    gfx_window_desc def = {0};
    if (!d) d = &def;
    if (SDL_InitSubSystem(SDL_INIT_VIDEO) != 0) {
        set_err(err, errlen, "cannot initialise SDL video");
        return NULL;
    }
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_MAJOR_VERSION, 3);
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_MINOR_VERSION, 3);
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_PROFILE_MASK, SDL_GL_CONTEXT_PROFILE_CORE);
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_FLAGS, SDL_GL_CONTEXT_FORWARD_COMPATIBLE_FLAG);
    SDL_GL_SetAttribute(SDL_GL_DOUBLEBUFFER, 1);
    SDL_GL_SetAttribute(SDL_GL_RED_SIZE, 8);
    SDL_GL_SetAttribute(SDL_GL_GREEN_SIZE, 8);
    SDL_GL_SetAttribute(SDL_GL_BLUE_SIZE, 8);
    SDL_GL_SetAttribute(SDL_GL_DEPTH_SIZE, 0);
    SDL_GL_SetAttribute(SDL_GL_STENCIL_SIZE, 0);

    Uint32 flags = SDL_WINDOW_OPENGL | SDL_WINDOW_ALLOW_HIGHDPI | SDL_WINDOW_RESIZABLE;
    if (d->hidden) flags |= SDL_WINDOW_HIDDEN;
    if (d->fullscreen) flags |= SDL_WINDOW_FULLSCREEN_DESKTOP;
    int w = d->width > 0 ? d->width : 1280, h = d->height > 0 ? d->height : 720;

    gfx_window *gw = calloc(1, sizeof *gw);
    if (!gw) {
        if (err && errlen) snprintf(err, errlen, "out of memory");
        SDL_QuitSubSystem(SDL_INIT_VIDEO);
        return NULL;
    }
    gw->windowed_w = w;
    gw->windowed_h = h;
    /* Full screen from the start opens at the display's size and origin: a
     * kiosk X session without a window manager ignores the full-screen
     * request, and the window must cover the screen anyway. */
    int x = SDL_WINDOWPOS_CENTERED, y = SDL_WINDOWPOS_CENTERED;
    SDL_Rect disp;
    if (d->fullscreen && SDL_GetDisplayBounds(0, &disp) == 0) {
        x = disp.x; y = disp.y; w = disp.w; h = disp.h;
    }
    gw->win = SDL_CreateWindow(d->title ? d->title : "tensorstage", x, y, w, h, flags);
    if (!gw->win) {
        set_err(err, errlen, "cannot create window");
        goto fail;
    }
    gw->gl = SDL_GL_CreateContext(gw->win);
    if (!gw->gl) {
        set_err(err, errlen, "cannot create an OpenGL 3.3 core context");
        goto fail;
    }
    if (SDL_GL_MakeCurrent(gw->win, gw->gl) != 0) {
        set_err(err, errlen, "cannot make the OpenGL context current");
        goto fail;
    }
    if (epoxy_gl_version() < 33) {
        if (err && errlen)
            snprintf(err, errlen, "OpenGL 3.3 needed, got %d.%d",
                     epoxy_gl_version() / 10, epoxy_gl_version() % 10);
        goto fail;
    }
    SDL_GL_SetSwapInterval(d->vsync ? 1 : 0);
    gw->fullscreen = d->fullscreen;
    const char *r = (const char *)glGetString(GL_RENDERER);
    snprintf(renderer_name, sizeof renderer_name, "%s", r ? r : "unknown");
    return gw;

fail:
    if (gw->gl) SDL_GL_DeleteContext(gw->gl);
    if (gw->win) SDL_DestroyWindow(gw->win);
    free(gw);
    SDL_QuitSubSystem(SDL_INIT_VIDEO);
    return NULL;
}

void gfx_window_close(gfx_window *w)
{
    if (!w) return;
    SDL_GL_MakeCurrent(w->win, NULL);
    SDL_GL_DeleteContext(w->gl);
    SDL_DestroyWindow(w->win);
    free(w);
    SDL_QuitSubSystem(SDL_INIT_VIDEO);
}

void gfx_window_swap(gfx_window *w)
{
    if (w) SDL_GL_SwapWindow(w->win);
}

void gfx_window_set_fullscreen(gfx_window *w, bool on)
{
    if (!w || w->fullscreen == on) return;
    if (SDL_SetWindowFullscreen(w->win, on ? SDL_WINDOW_FULLSCREEN_DESKTOP : 0) != 0) return;
    w->fullscreen = on;
    int cw, ch;
    SDL_GetWindowSize(w->win, &cw, &ch);
    if (!on && (cw != w->windowed_w || ch != w->windowed_h)) {   /* opened full screen */
        SDL_SetWindowSize(w->win, w->windowed_w, w->windowed_h);
        SDL_SetWindowPosition(w->win, SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED);
    }
}

bool gfx_window_fullscreen(const gfx_window *w)
{
    return w && w->fullscreen;
}

void gfx_window_size(const gfx_window *w, int *win_w, int *win_h, int *fb_w, int *fb_h)
{
    int a = 0, b = 0, c = 0, e = 0;
    if (w) {
        SDL_GetWindowSize(w->win, &a, &b);
        SDL_GL_GetDrawableSize(w->win, &c, &e);
    }
    if (win_w) *win_w = a;
    if (win_h) *win_h = b;
    if (fb_w) *fb_w = c;
    if (fb_h) *fb_h = e;
}

const char *gfx_renderer_name(void)
{
    return renderer_name;
}
