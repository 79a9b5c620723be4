/* test_ui.c: the widget logic of src/ui without drawing: a slider follows a
 * drag frame by frame, and a press and release that land in one slow frame
 * (a scene recomputing for a second) still set the value where the pointer
 * went up, instead of being lost. */
#include <math.h>
#include "ui/ui.h"
#include "app_check.h"

static ui_ctx ui;

/* One frame: the input, then a slider 224 wide at the origin over 0..10. */
static bool frame(ui_input in, float *v) {
    ui_begin_frame(&ui, &in);
    return ui_slider(&ui, "guidance", 0, 0, 224, v, 0, 10, "%.1f");
}

int main(void) {
    ui_init(&ui, &ui_theme_dark);
    ui.show_widgets = true;
    float v = 10;
    /* the track runs from x = 12 to 212: the middle is 5 */
    CHECK(frame((ui_input){ .mouse_x = 112, .mouse_y = 30, .mouse_pressed = true, .mouse_released = true }, &v),
          "a click in one frame changes the value");
    CHECK(fabsf(v - 5) < 1e-4f, "v = %g, want 5", (double)v);
    /* a drag over three frames: down at 2.5, moved to 7.5, released */
    frame((ui_input){ .mouse_x = 62, .mouse_y = 30, .mouse_pressed = true, .mouse_down = true }, &v);
    CHECK(fabsf(v - 2.5f) < 1e-4f, "pressed at 2.5: v = %g", (double)v);
    frame((ui_input){ .mouse_x = 162, .mouse_y = 30, .mouse_down = true }, &v);
    CHECK(fabsf(v - 7.5f) < 1e-4f, "dragged to 7.5: v = %g", (double)v);
    frame((ui_input){ .mouse_x = 162, .mouse_y = 30, .mouse_released = true }, &v);
    CHECK(fabsf(v - 7.5f) < 1e-4f, "released at 7.5: v = %g", (double)v);
    /* moving afterwards, with no button, changes nothing */
    CHECK(!frame((ui_input){ .mouse_x = 20, .mouse_y = 30 }, &v), "hover alone changes nothing");
    CHECK(fabsf(v - 7.5f) < 1e-4f, "after hovering: v = %g", (double)v);
    /* a press outside the slider that is released over it is not a click on it */
    frame((ui_input){ .mouse_x = 400, .mouse_y = 30, .mouse_pressed = true, .mouse_down = true }, &v);
    frame((ui_input){ .mouse_x = 112, .mouse_y = 30, .mouse_released = true }, &v);
    CHECK(fabsf(v - 7.5f) < 1e-4f, "a drag from elsewhere: v = %g", (double)v);
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
