/* moe_draw.h: what the moe scene's two draw files share (moe_draw.c: the
 * shared pieces and beats 1-4; moe_draw2.c: beats 5-8). */
#ifndef TS_MOE_DRAW_H
#define TS_MOE_DRAW_H

#include "diagram/diagram.h"
#include "scenes/moe/moe_scene.h"

extern const char *const moe_expert_names[MOE_MAX_E];   /* "expert 0", ... */
extern const char *const moe_expert_ids[MOE_MAX_E];     /* "0", ... (where room is short) */

/* The beat's heading; returns the stage below it (left of the panel when
 * the panel is open). */
dg_rect moe_heading(const moe_state *st, const char *title, const char *subtitle);
/* Hover lines: a point's experts, gates and answer (user: its moe_acts); an
 * expert's work (user: the state). */
void moe_explain_point(const void *user, const int *idx, char *buf, size_t n);
void moe_explain_expert(const void *user, const int *idx, char *buf, size_t n);
/* The batch x on a plane in r: regions (MOE_GRID^2 expert ids) or NULL,
 * points coloured by first choice or in one colour, halos on points that
 * lost a choice. */
void moe_points_plane(const moe_state *st, const moe_acts *x, dg_rect r, const char *title,
                      const int *regions, bool by_expert, bool dropped);
/* The beat's model's held-out load f as bars. */
void moe_load_bars(const moe_state *st, dg_rect r, const char *title);
/* Beats 5-8. */
void moe_draw_late(const moe_state *st, const scene_clock *c);

#endif
