/* test_typeset.c: the diagram library's typesetter (typeset.c), headless.
 *
 * - every markup form the scenes use is drawn and logged without a trace
 *   of its markup ("x_{t-1}" logs "xt-1"), and monospace stays literal;
 * - a script is smaller than its base: "x_t" is narrower than "xt", wider
 *   than "x"; "W_hh" keeps both h in the script; a superscript rises above
 *   the line box, a subscript drops below it, a fraction does both;
 * - \hat, \bar and \sqrt reach above the letters; unknown commands show
 *   their name without the backslash; unbalanced braces draw and end;
 * - dg_text wraps typeset text without breaking inside braces;
 * - the role set with dg_role is logged with the text.
 * With TS_TYPESET_PNG=FILE the specimen is also written there, to look at.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "diagram/diagram.h"
#include "gfx/gfx.h"

#include "app_check.h"

static const char *const specimen[] = {
    "x_{t-1}", "W_hh x_t + W_ih x_25", "σ^2 and e^{-x^2}", "\\hat{x}_0 and \\bar{α}_t",
    "c_t = f \\odot c_{t-1} + i \\odot g", "x_{t−1} = \\frac{1}{\\sqrt{α_t}} (x_t − β_t ε)",
    "\\sqrt{1 - \\bar{α}_t}", "\\sigma(W_{if} x + b_{if})", "h_t^2 and x^2_t", "a \\\\ b \\_ c \\{d\\}",
    "\\unknown{z}", "open {brace", "50% _ spaced ^ marks",
};

static bool has_markup(const char *s) {
    return strstr(s, "_{") || strstr(s, "^{") || strchr(s, '\\') || strchr(s, '{') ||
           strchr(s, '}');
}

int main(void) {
    char err[512];
    gfx_window *win = gfx_window_open(&(gfx_window_desc){ .title = "test_typeset", .width = 64,
                                                          .height = 64, .hidden = true },
                                      err, sizeof err);
    if (!win || !gfx_init(&(gfx_desc){ 0 }, err, sizeof err)) {
        fprintf(stderr, "test_typeset: %s\n", err);
        printf("0 passed, 1 failed\n");
        return 1;
    }
    const char *png = getenv("TS_TYPESET_PNG");
    int W = png ? 1920 : 480, H = png ? 1080 : 270;
    gfx_target *target = gfx_target_new(W, H, err, sizeof err);
    CHECK(target != NULL, "target: %s", err);
    if (!target) return 1;
    gfx_target_bind(target);
    gfx_frame_begin(W, H, ui_theme_dark.bg, ui_theme_dark.letterbox);
    dg_frame_begin(&ui_theme_dark, -1, -1, 0);

    static gfx_text_rec rec[256];
    gfx_text_log(rec, 256);
    int n = (int)(sizeof specimen / sizeof specimen[0]);
    int old = dg_role(GFX_ROLE_EQUATION);
    for (int i = 0; i < n; i++)
        dg_type(60 + (i % 2) * 940, 60 + (float)(i / 2) * 120, 40, GFX_SANS, GFX_LEFT | GFX_TOP,
                ui_theme_dark.text, specimen[i]);
    dg_role(old);
    dg_type(60, 900, 32, GFX_MONO, GFX_LEFT | GFX_TOP, ui_theme_dark.text, "lstm.W_ih[0,3]");
    int logged = gfx_text_log_count();
    CHECK(logged == n + 1, "one record per call: %d for %d", logged, n + 1);
    for (int i = 0; i < n && i < logged; i++) {
        CHECK(i == 9 || !has_markup(rec[i].text), "\"%s\" reached the screen as \"%s\"", specimen[i], rec[i].text);
        CHECK(rec[i].role == GFX_ROLE_EQUATION && rec[i].size == 40, "\"%s\": role %d size %g",
              specimen[i], rec[i].role, (double)rec[i].size);
    }
    if (logged > 0) CHECK(strcmp(rec[0].text, "xt-1") == 0, "x_{t-1} logs \"%s\"", rec[0].text);
    if (logged > 9) CHECK(strcmp(rec[9].text, "a \\ b _ c {d}") == 0, "escapes log \"%s\"", rec[9].text);
    if (logged > 10) CHECK(strcmp(rec[10].text, "unknownz") == 0, "\\unknown{z} logs \"%s\"", rec[10].text);
    if (logged > 12) CHECK(strcmp(rec[12].text, "50% _ spaced ^ marks") == 0, "lone marks log \"%s\"", rec[12].text);
    if (logged > n)
        CHECK(strcmp(rec[n].text, "lstm.W_ih[0,3]") == 0 && rec[n].role == GFX_ROLE_TEXT,
              "monospace is literal: \"%s\" role %d", rec[n].text, rec[n].role);
    gfx_text_log(NULL, 0);

    /* sizes and extents */
    float s = 40, asc, desc;
    gfx_text_metrics(GFX_SANS, &asc, &desc);
    float w_xt = dg_type_width(s, GFX_SANS, "x_t"), w_plain = gfx_text_width(s, GFX_SANS, "xt");
    float w_x = gfx_text_width(s, GFX_SANS, "x");
    CHECK(w_xt < w_plain && w_xt > w_x, "x_t is %g wide: between x %g and xt %g", (double)w_xt,
          (double)w_x, (double)w_plain);
    CHECK(fabsf(dg_type_width(s, GFX_SANS, "W_hh") - dg_type_width(s, GFX_SANS, "W_{hh}")) < 0.01f,
          "W_hh is W_{hh}");
    float w, above, below;
    dg_type_extent(s, GFX_SANS, "x", &w, &above, &below);
    CHECK(fabsf(above - asc * s) < 0.01f && fabsf(below - desc * s) < 0.01f, "plain x: %g above, %g below",
          (double)above, (double)below);
    dg_type_extent(s, GFX_SANS, "x^2", &w, &above, &below);
    CHECK(above > asc * s, "x^2 rises above the line box: %g", (double)above);
    dg_type_extent(s, GFX_SANS, "x_t", &w, &above, &below);
    CHECK(below > desc * s, "x_t drops below the line box: %g", (double)below);
    dg_type_extent(s, GFX_SANS, "\\frac{a}{b}", &w, &above, &below);
    CHECK(above > asc * s && below > desc * s && w < 2 * gfx_text_width(s, GFX_SANS, "a"),
          "a fraction stacks: %g wide, %g above, %g below", (double)w, (double)above, (double)below);
    dg_type_extent(s, GFX_SANS, "\\hat{X}", &w, &above, &below);
    CHECK(above > 0.76f * s + 0.1f * s, "a hat sits above a capital: %g", (double)above);
    CHECK(dg_type_width(s, GFX_SANS, "\\odot") == gfx_text_width(s, GFX_SANS, "⊙"), "\\odot is ⊙");

    /* wrapping keeps a braced group whole */
    gfx_text_log(rec, 256);
    dg_text((dg_rect){ 60, 960, 260, 100 }, 32, GFX_SANS, GFX_LEFT | GFX_TOP, ui_theme_dark.text,
            "then x_{t - 1} follows");
    int m = gfx_text_log_count();
    bool whole = false;
    for (int i = 0; i < m && i < 256; i++) {
        CHECK(!has_markup(rec[i].text), "wrapped line \"%s\"", rec[i].text);
        whole |= strstr(rec[i].text, "xt - 1") != NULL;
    }
    CHECK(whole, "x_{t - 1} stays on one line (%d lines)", m);
    gfx_text_log(NULL, 0);

    dg_frame_end();
    gfx_frame_end();
    if (png) {
        uint8_t *px = malloc((size_t)W * (size_t)H * 4);
        gfx_target_read(target, px);
        if (!gfx_png_write(png, px, W, H, err, sizeof err)) fprintf(stderr, "%s\n", err);
        free(px);
    }
    gfx_target_bind(NULL);
    gfx_target_free(target);
    gfx_shutdown();
    gfx_window_close(win);
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
