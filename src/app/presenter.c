/* presenter.c: the presenter view, a second window for the lecturer's own
 * screen: a small live copy of the stage, the current beat's title and
 * caption, what comes next, the deck's notes for this beat, the time since
 * the lecture began and the clock.
 *
 * Open it with --presenter or P. It goes on a second display when there is
 * one (else it is just a second window), shares the stage's OpenGL context
 * (SDL makes it current on whichever window is drawn), and draws the stage
 * copy by calling the scene's pure draw again under a smaller view. Keys
 * work in either window; its mouse never reaches the stage; closing it
 * closes only it.
 */
#include <stdio.h>
#include <time.h>
#include "app/session.h"
#include "diagram/diagram.h"

bool presenter_open(app_session *a, char *err, size_t errlen) {
    if (a->pwin) return true;
    SDL_Window *main = SDL_GL_GetCurrentWindow();
    SDL_GLContext gl = SDL_GL_GetCurrentContext();
    if (!main || !gl) { snprintf(err, errlen, "no OpenGL window to share"); return false; }
    int here = SDL_GetWindowDisplayIndex(main), there = here;
    for (int i = 0; i < SDL_GetNumVideoDisplays(); i++)
        if (i != here) { there = i; break; }
    SDL_Rect r = {0, 0, 1280, 720};
    SDL_GetDisplayUsableBounds(there < 0 ? 0 : there, &r);
    int w = r.w * 85 / 100, h = w * 9 / 16;
    if (h > r.h * 85 / 100) { h = r.h * 85 / 100; w = h * 16 / 9; }
    if (w > 1600) { w = 1600; h = 900; }
    Uint32 flags = SDL_WINDOW_OPENGL | SDL_WINDOW_RESIZABLE | SDL_WINDOW_ALLOW_HIGHDPI;
    if (SDL_GetWindowFlags(main) & SDL_WINDOW_HIDDEN) flags |= SDL_WINDOW_HIDDEN;   /* tests */
    a->pwin = SDL_CreateWindow("tensorstage presenter", SDL_WINDOWPOS_CENTERED_DISPLAY(there < 0 ? 0 : there),
                               SDL_WINDOWPOS_CENTERED_DISPLAY(there < 0 ? 0 : there), w > 320 ? w : 1280,
                               h > 180 ? h : 720, flags);
    if (!a->pwin) { snprintf(err, errlen, "cannot open the presenter window: %s", SDL_GetError()); return false; }
    if (SDL_GL_MakeCurrent(a->pwin, gl) != 0) {
        snprintf(err, errlen, "cannot draw in the presenter window: %s", SDL_GetError());
        SDL_DestroyWindow(a->pwin);
        a->pwin = NULL;
        SDL_GL_MakeCurrent(main, gl);
        return false;
    }
    SDL_GL_MakeCurrent(main, gl);
    a->pmain = main;
    a->pgl = gl;
    return true;
}

void presenter_close(app_session *a) {
    if (!a->pwin) return;
    SDL_DestroyWindow(a->pwin);
    a->pwin = NULL;
    SDL_GL_MakeCurrent(a->pmain, a->pgl);
}

void presenter_toggle(app_session *a) {
    char err[300];
    if (a->pwin) presenter_close(a);
    else if (!presenter_open(a, err, sizeof err)) {
        snprintf(a->toast, sizeof a->toast, "%s", err);
        a->toast_until = a->now + 4;
    }
}

bool presenter_event(app_session *a, const SDL_Event *ev) {
    if (!a->pwin) return false;
    Uint32 id = SDL_GetWindowID(a->pwin), evid = 0;
    switch (ev->type) {
    case SDL_WINDOWEVENT: evid = ev->window.windowID; break;
    case SDL_MOUSEMOTION: evid = ev->motion.windowID; break;
    case SDL_MOUSEBUTTONDOWN: case SDL_MOUSEBUTTONUP: evid = ev->button.windowID; break;
    case SDL_MOUSEWHEEL: evid = ev->wheel.windowID; break;
    default: return false;   /* keys work in either window */
    }
    if (evid != id) return false;
    if (ev->type == SDL_WINDOWEVENT && ev->window.event == SDL_WINDOWEVENT_CLOSE) presenter_close(a);
    return true;
}

static void clock_text(char *out, size_t n, double seconds) {
    long s = (long)seconds;
    if (s >= 3600) snprintf(out, n, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
    else snprintf(out, n, "%02ld:%02ld", s / 60, s % 60);
}

void presenter_draw(const app_session *a, int fb_w, int fb_h) {
    const ui_theme *th = a->th;
    gfx_frame_begin(fb_w, fb_h, th->bg, th->letterbox);
    scene *s = app_session_scene(a);
    float W = gfx_canvas_w();
    /* time: since the lecture began, and the clock */
    char el[32], now[32];
    clock_text(el, sizeof el, a->now - a->started);
    time_t t = time(NULL);
    struct tm lt;
    localtime_r(&t, &lt);
    strftime(now, sizeof now, "%H:%M", &lt);
    float rx = 1232, rw = W - rx - 40;
    gfx_text(rx, 70, UI_TITLE, GFX_BOLD, GFX_LEFT | GFX_MIDDLE, th->accent, el);
    gfx_text(rx + rw, 70, UI_H2, GFX_SANS, GFX_RIGHT | GFX_MIDDLE, th->text_dim, now);
    if (!s) {
        gfx_text(40, 70, UI_H2, GFX_BOLD, GFX_LEFT | GFX_MIDDLE, th->text, "the scene picker is showing");
        gfx_frame_end();
        return;
    }
    const deck *d = a->d;
    const deck_entry *e = &d->e[a->entry];
    const scene_kind *k = s->kind;
    /* the live copy of the stage */
    float sx = 40, sy = 40, sw = 1152, sh = 648;
    gfx_rect(sx - 3, sy - 3, sw + 6, sh + 6, th->panel_edge);
    gfx_rect(sx, sy, sw, sh, th->bg);
    gfx_push_clip(sx, sy, sw, sh);
    gfx_push_view(sx, sy, sw / W);
    gfx_push_view(a->view.pan_x, a->view.pan_y, a->view.zoom);
    dg_frame_begin(th, -1, -1, s->clock.time);   /* scenes draw inside a diagram frame */
    k->draw(s->state, &s->clock, th);
    dg_frame_end();
    gfx_pop_view();
    ink_draw(&a->ink, a->entry, s->clock.beat, th, a->now, a->ox, a->oy);
    if (a->blank) gfx_rect(0, 0, W, gfx_canvas_h(), a->blank == 'w' ? gfx_hex(0xffffffff) : gfx_hex(0x000000ff));
    gfx_pop_view();
    gfx_pop_clip();
    if (a->blank)
        gfx_text(sx + sw / 2, sy + sh / 2, UI_H2, GFX_BOLD, GFX_CENTER | GFX_MIDDLE, th->accent,
                 a->blank == 'w' ? "the screen is white: any key returns" : "the screen is black: any key returns");
    /* now and next */
    char line[300];
    snprintf(line, sizeof line, "NOW \xc2\xb7 beat %d of %d \xc2\xb7 entry %d of %d", s->clock.beat + 1,
             k->beat_count, a->entry + 1, d->n);
    gfx_text(rx, 150, UI_SMALL, GFX_BOLD, GFX_LEFT | GFX_MIDDLE, th->text_dim, line);
    float y = 180;
    y += gfx_text_box(rx, y, rw, UI_H2, GFX_BOLD, GFX_LEFT, th->text, k->beats[s->clock.beat].title) + 14;
    y += gfx_text_box(rx, y, rw, UI_LABEL, GFX_SANS, GFX_LEFT, th->text, k->beats[s->clock.beat].caption) + 40;
    const char *next = NULL;
    if (s->clock.beat < e->last) next = k->beats[s->clock.beat + 1].title;
    else if (a->entry + 1 < d->n) {
        const deck_entry *ne = &d->e[a->entry + 1];
        snprintf(line, sizeof line, "%s: %s", ne->title, ne->s->kind->beats[ne->first].title);
        next = line;
    }
    gfx_text(rx, y, UI_SMALL, GFX_BOLD, GFX_LEFT | GFX_MIDDLE, th->text_dim, "NEXT");
    gfx_text_box(rx, y + 24, rw, UI_BODY, GFX_SANS, GFX_LEFT, next ? th->accent2 : th->text_dim,
                 next ? next : "the end of the lecture");
    /* the notes, large */
    gfx_rect(40, 712, W - 80, 2, th->panel_edge);
    snprintf(line, sizeof line, "NOTES \xc2\xb7 %s", e->title);
    gfx_text(40, 740, UI_SMALL, GFX_BOLD, GFX_LEFT | GFX_MIDDLE, th->text_dim, line);
    const char *note = s->clock.beat < DECK_MAX_BEATS ? e->note[s->clock.beat] : NULL;
    gfx_push_clip(40, 760, W - 80, 300);
    gfx_text_box(40, 770, W - 80, UI_H2, GFX_SANS, GFX_LEFT, note ? th->text : th->text_dim,
                 note ? note : "no notes for this beat");
    gfx_pop_clip();
    gfx_frame_end();
}

void presenter_frame(app_session *a) {
    if (!a->pwin) return;
    if (SDL_GL_MakeCurrent(a->pwin, a->pgl) != 0) return;
    int w, h;
    SDL_GL_GetDrawableSize(a->pwin, &w, &h);
    gfx_target_bind(NULL);
    presenter_draw(a, w, h);
    SDL_GL_SwapWindow(a->pwin);
    SDL_GL_MakeCurrent(a->pmain, a->pgl);
    /* the stage's mouse mapping follows the last frame begun: the stage's */
    gfx_target_bind(a->target);
    gfx_frame_begin(a->fb_w, a->fb_h, a->th->bg, a->th->letterbox);
    gfx_frame_end();
}
