/* theme.c: the dark, light and projector themes, and the cycle between
 * them (key T). In every theme text colours (text, text_dim, accent,
 * accent2, the caption's) read 4.5:1 on bg and on panel, and the colours of
 * meaningful marks (accent*, positive, negative, category[]) 3:1; the
 * layout test measures both on every beat. The categorical palette is the
 * Okabe-Ito order on dark and deepened for light backgrounds, where its
 * yellow and sky blue would vanish. Heatmap colours come from gfx's
 * colormaps, not from here. */
#include <string.h>
#include "ui/ui.h"

#define HEX(v) {((v) >> 16 & 255) / 255.0f, ((v) >> 8 & 255) / 255.0f, ((v) & 255) / 255.0f, 1}

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
    .category = {HEX(0xE69F00), HEX(0x56B4E9), HEX(0x009E73), HEX(0xCC79A7),
                 HEX(0xF0E442), HEX(0x4F9BE0), HEX(0xE06A1A), HEX(0x999999)},
};

const ui_theme ui_theme_light = {
    .name = "light",
    .bg = {0.985f, 0.982f, 0.970f, 1}, .letterbox = {0.80f, 0.80f, 0.80f, 1},
    .panel = {1, 1, 1, 1}, .panel_edge = {0.74f, 0.75f, 0.78f, 1},
    .text = {0.08f, 0.09f, 0.12f, 1}, .text_dim = {0.32f, 0.34f, 0.39f, 1},
    .text_on_accent = {1, 1, 1, 1},
    .accent = {0.72f, 0.29f, 0.00f, 1},   /* burnt orange */
    .accent2 = {0.00f, 0.40f, 0.75f, 1},
    .accent3 = {0.55f, 0.17f, 0.70f, 1},
    .positive = {0.75f, 0.16f, 0.12f, 1}, .negative = {0.10f, 0.32f, 0.78f, 1},
    .grid = {0.80f, 0.81f, 0.84f, 1}, .shadow = {0, 0, 0, 0.15f},
    .category = {HEX(0xB86E00), HEX(0x1F77B4), HEX(0x00875F), HEX(0xB0447F),
                 HEX(0x8C7A00), HEX(0x0060A0), HEX(0xC24E00), HEX(0x6E6E6E)},
};

/* For lit rooms, where a projector's black is grey: black on white, no
 * tints that wash out, deep saturated colours, heavier panels' edges. */
const ui_theme ui_theme_projector = {
    .name = "projector",
    .bg = HEX(0xFFFFFF), .letterbox = HEX(0xFFFFFF),
    .panel = HEX(0xF0F0F0), .panel_edge = HEX(0x707070),
    .text = HEX(0x000000), .text_dim = HEX(0x303030),
    .text_on_accent = HEX(0xFFFFFF),
    .accent = HEX(0xB03C00),
    .accent2 = HEX(0x0050A0),
    .accent3 = HEX(0x7A1FA0),
    .positive = HEX(0xB01C10), .negative = HEX(0x0A40B0),
    .grid = HEX(0xA8A8A8), .shadow = {0, 0, 0, 0.25f},
    .category = {HEX(0x9A4E00), HEX(0x0060B0), HEX(0x00704A), HEX(0xA0306F),
                 HEX(0x6E6000), HEX(0x003F7F), HEX(0xB02000), HEX(0x505050)},
};

const ui_theme *const ui_themes[UI_THEME_COUNT] = { &ui_theme_dark, &ui_theme_light,
                                                    &ui_theme_projector };

const ui_theme *ui_theme_named(const char *name) {
    for (int i = 0; name && i < UI_THEME_COUNT; i++)
        if (strcmp(ui_themes[i]->name, name) == 0) return ui_themes[i];
    return NULL;
}

const ui_theme *ui_theme_next(const ui_theme *th) {
    for (int i = 0; i < UI_THEME_COUNT; i++)
        if (ui_themes[i] == th) return ui_themes[(i + 1) % UI_THEME_COUNT];
    return ui_themes[0];
}
