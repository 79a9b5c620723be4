/* theme.c: the dark and light themes. Text colours meet WCAG AA (4.5:1) on
 * bg and on panel in both themes; light is the one for washed-out projectors.
 * Heatmap colours come from gfx's colormaps, not from here. */
#include "ui/ui.h"

const ui_theme ui_theme_dark = {
    .name = "dark",
    .bg = {0.075f, 0.082f, 0.105f, 1}, .letterbox = {0, 0, 0, 1},
    .panel = {0.125f, 0.137f, 0.173f, 1}, .panel_edge = {0.25f, 0.27f, 0.33f, 1},
    .text = {0.93f, 0.94f, 0.96f, 1}, .text_dim = {0.68f, 0.71f, 0.77f, 1},
    .text_on_accent = {0.06f, 0.07f, 0.09f, 1},
    .accent = {1.00f, 0.74f, 0.18f, 1},   /* amber: the thing to look at */
    .accent2 = {0.35f, 0.78f, 1.00f, 1},  /* sky blue */
    .accent3 = {0.86f, 0.47f, 1.00f, 1},  /* violet */
    .positive = {0.98f, 0.45f, 0.38f, 1}, .negative = {0.40f, 0.62f, 1.00f, 1},
    .grid = {0.30f, 0.32f, 0.38f, 1}, .shadow = {0, 0, 0, 0.45f},
};

const ui_theme ui_theme_light = {
    .name = "light",
    .bg = {0.985f, 0.982f, 0.970f, 1}, .letterbox = {0.80f, 0.80f, 0.80f, 1},
    .panel = {1, 1, 1, 1}, .panel_edge = {0.74f, 0.75f, 0.78f, 1},
    .text = {0.08f, 0.09f, 0.12f, 1}, .text_dim = {0.32f, 0.34f, 0.39f, 1},
    .text_on_accent = {1, 1, 1, 1},
    .accent = {0.80f, 0.33f, 0.00f, 1},   /* burnt orange */
    .accent2 = {0.00f, 0.40f, 0.75f, 1},
    .accent3 = {0.55f, 0.17f, 0.70f, 1},
    .positive = {0.75f, 0.16f, 0.12f, 1}, .negative = {0.10f, 0.32f, 0.78f, 1},
    .grid = {0.80f, 0.81f, 0.84f, 1}, .shadow = {0, 0, 0, 0.15f},
};
