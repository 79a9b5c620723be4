/* test_gfx.c: the renderer, headless, read back pixel by pixel.
 *
 * Renders into a 320x240 offscreen target (the 1920x1080 canvas letterboxed:
 * 1/6 pixel per unit, bars of 30 rows at top and bottom) and checks:
 *   - an "F", red on blue, drawn asymmetrically: rows are not flipped and
 *     channels are not swapped;
 *   - a rect covers exactly its pixels; the bars are the letterbox colour;
 *   - a heatmap cell shows gfx_cmap_color of its value;
 *   - text puts pixels inside its measured width and nowhere else;
 *   - PNG write then read gives the same bytes;
 *   - the same frame rendered twice gives the same bytes.
 * Run with SDL_VIDEODRIVER=offscreen (ctest sets it).
 */
#include "gfx/gfx.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app_check.h"

enum { W = 320, H = 240 };
static uint8_t px[W * H * 4];

static const uint8_t *at(int x, int y) { return &px[((size_t)y * W + x) * 4]; }

static bool is(int x, int y, int r, int g, int b)
{
    const uint8_t *p = at(x, y);
    return p[0] == r && p[1] == g && p[2] == b && p[3] == 255;
}

static const gfx_color BLUE = { 0, 0, 1, 1 }, RED = { 1, 0, 0, 1 }, GREEN = { 0, 1, 0, 1 },
                       BLACK = { 0, 0, 0, 1 }, WHITE = { 1, 1, 1, 1 };

/* The canvas maps to device pixels at 1/6 with 30 rows of bars on top. */
static int dev_x(float cx) { return (int)(cx / 6.0f); }
static int dev_y(float cy) { return (int)(cy / 6.0f) + 30; }

static void test_orientation(gfx_target *t)
{
    /* An F: vertical stem on the left, top bar, shorter middle bar. In device
     * pixels: stem x 60..72, y 60..180; top bar x 60..120, y 60..72; middle
     * bar x 60..102, y 108..120. */
    gfx_target_bind(t);
    gfx_frame_begin(W, H, BLUE, BLACK);
    gfx_rect(360, 180, 72, 720, RED);
    gfx_rect(360, 180, 360, 72, RED);
    gfx_rect(360, 468, 252, 72, RED);
    gfx_frame_end();
    gfx_target_read(t, px);
    CHECK(is(65, 65, 255, 0, 0), "top-left of F is red: got %d %d %d", at(65, 65)[0],
          at(65, 65)[1], at(65, 65)[2]);
    CHECK(is(115, 65, 255, 0, 0), "end of the top bar is red");
    CHECK(is(115, 112, 0, 0, 255), "right of the middle bar is blue");
    CHECK(is(65, 175, 255, 0, 0), "bottom of the stem is red");
    CHECK(is(115, 175, 0, 0, 255), "bottom right is blue (rows not flipped)");
    CHECK(is(100, 112, 255, 0, 0), "middle bar is red");
}

static void test_rect_and_bars(gfx_target *t)
{
    gfx_target_bind(t);
    gfx_frame_begin(W, H, BLUE, BLACK);
    /* canvas (600,300)-(1200,900) -> device (100,80)-(200,180) exactly */
    gfx_rect(600, 300, 600, 600, GREEN);
    gfx_frame_end();
    gfx_target_read(t, px);
    int wrong = 0;
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            bool bar = y < 30 || y >= 210;
            bool in = x >= 100 && x < 200 && y >= 80 && y < 180;
            bool ok = bar ? is(x, y, 0, 0, 0) : in ? is(x, y, 0, 255, 0) : is(x, y, 0, 0, 255);
            if (!ok && wrong++ < 5)
                fprintf(stderr, "  pixel %d,%d = %d %d %d %d\n", x, y, at(x, y)[0], at(x, y)[1],
                        at(x, y)[2], at(x, y)[3]);
        }
    CHECK(wrong == 0, "%d pixels differ from bars/rect/background", wrong);
    CHECK(fabsf(gfx_pixels_per_unit() - 1.0f / 6.0f) < 1e-6f, "ppu %g", gfx_pixels_per_unit());

    float cx, cy;   /* window 640x480 showing this 320x240 drawable (HiDPI-like) */
    gfx_window_to_canvas(300, 240, 640, 480, &cx, &cy);
    CHECK(fabsf(cx - 900) < 1e-3f && fabsf(cy - 540) < 1e-3f, "window->canvas %g %g", cx, cy);

    /* the view stack: zoom 2 about the origin shifts the same rect */
    gfx_frame_begin(W, H, BLUE, BLACK);
    gfx_push_view(60, 0, 0.5f);
    gfx_rect(0, 0, 120, 120, GREEN);   /* -> canvas (60,0)-(120,60) -> px (10,30)-(20,40) */
    gfx_pop_view();
    gfx_push_clip(0, 0, 960, 1080);
    gfx_rect(900, 600, 120, 60, RED);  /* half clipped: px 150..160 shown, 160..170 not */
    gfx_pop_clip();
    gfx_frame_end();
    gfx_target_read(t, px);
    CHECK(is(10, 30, 0, 255, 0) && is(19, 39, 0, 255, 0) && is(20, 39, 0, 0, 255) &&
          is(9, 30, 0, 0, 255), "view transform");
    CHECK(is(155, 135, 255, 0, 0) && is(165, 135, 0, 0, 255), "clip rectangle");
}

static void test_heatmap(gfx_target *t)
{
    const float data[2 * 3] = { 0.0f, 0.25f, 0.5f, 0.75f, 1.0f, 0.6f };
    gfx_target_bind(t);
    gfx_frame_begin(W, H, BLACK, BLACK);
    gfx_heatmap(0, 0, 1800, 1080, data, 2, 3, 0, 1, GFX_CMAP_SEQUENTIAL);
    gfx_frame_end();
    gfx_target_read(t, px);
    int worst = 0;
    for (int r = 0; r < 2; r++)
        for (int c = 0; c < 3; c++) {
            gfx_color e = gfx_cmap_color(GFX_CMAP_SEQUENTIAL, data[r * 3 + c]);
            const uint8_t *p = at(dev_x(300 + 600 * c), dev_y(270 + 540 * r));
            int d = abs(p[0] - (int)lroundf(e.r * 255)) + abs(p[1] - (int)lroundf(e.g * 255)) +
                    abs(p[2] - (int)lroundf(e.b * 255));
            if (d > worst) worst = d;
        }
    CHECK(worst <= 3, "heatmap cells differ from gfx_cmap_color by %d", worst);

    /* diverging, and a second frame that reuses the texture with new values */
    const float d2[2 * 3] = { -2, -1, 0, 1, 2, 0.5f };
    gfx_frame_begin(W, H, BLACK, BLACK);
    gfx_heatmap(0, 0, 1800, 1080, d2, 2, 3, -2, 2, GFX_CMAP_DIVERGING);
    gfx_frame_end();
    gfx_target_read(t, px);
    worst = 0;
    for (int i = 0; i < 6; i++) {
        gfx_color e = gfx_cmap_color(GFX_CMAP_DIVERGING, (d2[i] + 2) / 4);
        const uint8_t *p = at(dev_x(300 + 600 * (i % 3)), dev_y(270 + 540 * (i / 3)));
        int d = abs(p[0] - (int)lroundf(e.r * 255)) + abs(p[1] - (int)lroundf(e.g * 255)) +
                abs(p[2] - (int)lroundf(e.b * 255));
        if (d > worst) worst = d;
    }
    CHECK(worst <= 3, "diverging cells differ from gfx_cmap_color by %d", worst);
    gfx_color lo = gfx_cmap_color(GFX_CMAP_DIVERGING, 0), mid = gfx_cmap_color(GFX_CMAP_DIVERGING, 0.5f),
              hi = gfx_cmap_color(GFX_CMAP_DIVERGING, 1);
    CHECK(lo.b > lo.r && hi.r > hi.b && mid.r > 0.85f && mid.g > 0.85f && mid.b > 0.85f,
          "diverging runs blue - white - red");
    gfx_color s0 = gfx_cmap_color(GFX_CMAP_SEQUENTIAL, 0), s1 = gfx_cmap_color(GFX_CMAP_SEQUENTIAL, 1);
    CHECK(s1.r + s1.g > s0.r + s0.g + 1.0f, "sequential gets lighter");
}

static void test_text(gfx_target *t)
{
    const char *s = "Hello \xce\xb1\xce\xb2 \xc3\x97 \xe2\x88\x9a x\xc2\xb2";
    float size = 120;
    float wmeas = gfx_text_width(size, GFX_SANS, s);
    CHECK(wmeas > size * 3 && wmeas < size * 12, "measured width %g", wmeas);
    gfx_target_bind(t);
    gfx_frame_begin(W, H, BLACK, BLACK);
    float adv = gfx_text(120, 300, size, GFX_SANS, GFX_LEFT | GFX_TOP, WHITE, s);
    gfx_frame_end();
    gfx_target_read(t, px);
    CHECK(fabsf(adv - wmeas) < 1e-3f, "gfx_text returns the measured width %g vs %g", adv, wmeas);
    int inside = 0, outside = 0;
    float asc_bottom = 300 + size * 1.3f;
    for (int y = 30; y < 210; y++)
        for (int x = 0; x < W; x++) {
            if (at(x, y)[0] == 0) continue;
            float cx = x * 6.0f + 3, cy = (y - 30) * 6.0f + 3;
            bool in = cx >= 120 - 12 && cx <= 120 + wmeas + 12 && cy >= 300 - 12 && cy <= asc_bottom;
            if (in) inside++;
            else outside++;
        }
    CHECK(inside > 200, "text drew %d pixels", inside);
    CHECK(outside == 0, "text drew %d pixels outside its box", outside);

    /* GFX_MIDDLE centres capitals on y: ink of "HH" spans about equally above and below */
    gfx_frame_begin(W, H, BLACK, BLACK);
    gfx_text(960, 540, 300, GFX_BOLD, GFX_CENTER | GFX_MIDDLE, WHITE, "HH");
    gfx_frame_end();
    gfx_target_read(t, px);
    int top = H, bot = -1, left = W, right = -1;
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++)
            if (at(x, y)[0] > 128) {
                if (y < top) top = y;
                if (y > bot) bot = y;
                if (x < left) left = x;
                if (x > right) right = x;
            }
    float mid_y = (top + bot + 1) * 0.5f, mid_x = (left + right + 1) * 0.5f;
    CHECK(fabsf(mid_y - 120) <= 1.5f, "capitals centred vertically: ink %d..%d", top, bot);
    CHECK(fabsf(mid_x - 160) <= 1.5f, "text centred horizontally: ink %d..%d", left, right);
}

static void busy_frame(void)
{
    static float grid[16 * 16];
    for (int i = 0; i < 256; i++) grid[i] = sinf(i * 0.37f);
    gfx_frame_begin(W, H, gfx_hex(0x1e1e24ff), BLACK);
    gfx_rrect(100, 100, 500, 300, 24, gfx_hex(0x3355aaff));
    gfx_rrect_line(100, 100, 500, 300, 24, 6, gfx_hex(0xffffffcc));
    gfx_circle(900, 400, 120, gfx_hex(0xee8833ff));
    gfx_circle_line(900, 400, 150, 4, gfx_hex(0xeeeeeeff));
    gfx_arrow(1200, 200, 1700, 600, 6, gfx_hex(0xddddddff));
    float pts[] = { 100, 900, 400, 700, 700, 950, 1000, 720 };
    gfx_polyline(pts, 4, 3, gfx_hex(0x88ff88ff));
    gfx_heatmap(1300, 650, 300, 300, grid, 16, 16, -1, 1, GFX_CMAP_DIVERGING);
    gfx_legend(1650, 650, 30, 300, -1, 1, GFX_CMAP_DIVERGING, "w", WHITE);
    gfx_text_box(120, 500, 600, 48, GFX_SANS, GFX_LEFT, WHITE,
                 "Attention weights: softmax(QK\xe1\xb5\x80/\xe2\x88\x9a" "d) \xe2\x86\x92 rows sum to 1");
}

static void test_determinism_and_png(gfx_target *t)
{
    static uint8_t a[W * H * 4], b[W * H * 4];
    gfx_target_bind(t);
    busy_frame();
    gfx_frame_end();
    gfx_target_read(t, a);
    busy_frame();
    gfx_frame_end();
    gfx_target_read(t, b);
    CHECK(memcmp(a, b, sizeof a) == 0, "two renders of the same frame differ");

    char err[256], path[] = "/tmp/test_gfx_XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0, "mkstemp");
    if (fd < 0) return;
    close(fd);
    CHECK(gfx_png_write(path, a, W, H, err, sizeof err), "png write: %s", err);
    int w = 0, h = 0;
    uint8_t *back = gfx_png_read(path, &w, &h, err, sizeof err);
    CHECK(back != NULL, "png read: %s", err);
    if (back) {
        CHECK(w == W && h == H && memcmp(back, a, sizeof a) == 0, "PNG round trip differs");
        free(back);
    }
    remove(path);
    CHECK(gfx_png_read("/nonexistent/x.png", &w, &h, err, sizeof err) == NULL && err[0],
          "reading a missing PNG fails with a message");
}

int main(void)
{
    char err[512];
    gfx_window *win = gfx_window_open(&(gfx_window_desc){ .title = "test_gfx", .width = 320,
                                                          .height = 240, .hidden = true },
                                      err, sizeof err);
    if (!win) {
        fprintf(stderr, "test_gfx: %s\n", err);
        printf("0 passed, 1 failed\n");
        return 1;
    }
    /* a fixed 1920x1080 canvas: the 4:3 target is letterboxed, not grown */
    if (!gfx_init(&(gfx_desc){.canvas_h = 1080}, err, sizeof err)) {
        fprintf(stderr, "test_gfx: %s\n", err);
        gfx_window_close(win);
        printf("0 passed, 1 failed\n");
        return 1;
    }
    printf("renderer: %s\n", gfx_renderer_name());
    gfx_target *t = gfx_target_new(W, H, err, sizeof err);
    CHECK(t != NULL, "target: %s", err);
    if (t) {
        test_orientation(t);
        test_rect_and_bars(t);
        test_heatmap(t);
        test_text(t);
        test_determinism_and_png(t);
        gfx_target_bind(NULL);
        gfx_target_free(t);
    }
    gfx_shutdown();
    gfx_window_close(win);
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
