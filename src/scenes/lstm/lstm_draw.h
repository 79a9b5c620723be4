/* lstm_draw.h: the lstm scene's drawing (lstm_draw.c), a pure function of
 * the state and the clock, and the widget layout update shares. */
#ifndef TS_LSTM_DRAW_H
#define TS_LSTM_DRAW_H

#include "diagram/diagram.h"
#include "scene/scene.h"
#include "ui/ui.h"

/* Where the interactive widgets sit (right of the headline; nothing there in
 * exports): the sequence field, the length slider, the two clamp switches. */
void lstm_widget_rects(dg_rect *field, dg_rect *slider, dg_rect *forget, dg_rect *input);
void lstm_draw(const void *st, const scene_clock *c, const ui_theme *th);

typedef struct lstm_state lstm_state;
/* The followed time step at clock c (0-based). */
int      lstm_draw_step(const lstm_state *st, const scene_clock *c);
/* The tokens as boxes over the columns of grid g (or spread over r). */
void     lstm_draw_tokens(const lstm_state *st, dg_rect r, const dg_cells *g, int cur);
/* An [H, T] view as a heatmap, column cur outlined (cur < 0: none). */
dg_cells lstm_draw_heat(const lstm_state *st, dg_rect r, const ts_tensor *v, const char *title,
                        int cmap, float lo, float hi, int cur, bool legend);
/* lstm_cells.c: beats 3 and 6 in the stage below the headline. */
void     lstm_draw_lstm_cell(const lstm_state *st, const scene_clock *c, dg_rect r);
void     lstm_draw_gru(const lstm_state *st, const scene_clock *c, dg_rect r);

#endif
