/* timeline.c: the scene clock over a story of beats, and easing.
 *
 * The clock is (beat, seconds into the beat). Global time maps to it through
 * the cumulative beat durations; the last beat holds at its end. Render and
 * record compute time as frame / fps (never by accumulating), so frame 30 at
 * 30 fps and frame 60 at 60 fps are the same instant, bit for bit.
 */
#include <math.h>
#include "scene/scene.h"

double scene_duration(const scene_kind *k) {
    double d = 0;
    for (int i = 0; i < k->beat_count; i++) d += k->beats[i].duration;
    return d;
}

double scene_beat_start(const scene_kind *k, int beat) {
    double d = 0;
    for (int i = 0; i < beat && i < k->beat_count; i++) d += k->beats[i].duration;
    return d;
}

scene_clock scene_clock_beat(const scene_kind *k, int beat, double beat_time) {
    scene_clock c = {0};
    if (k->beat_count <= 0) return c;
    if (beat < 0) beat = 0;
    if (beat >= k->beat_count) beat = k->beat_count - 1;
    double dur = k->beats[beat].duration;
    if (beat_time < 0) beat_time = 0;
    if (beat_time > dur) beat_time = dur;
    c.beat = beat;
    c.beat_time = beat_time;
    c.t = dur > 0 ? (float)(beat_time / dur) : 1.0f;
    c.time = scene_beat_start(k, beat) + beat_time;
    return c;
}

scene_clock scene_clock_at(const scene_kind *k, double time) {
    double start = 0;
    for (int i = 0; i < k->beat_count; i++) {
        double dur = k->beats[i].duration;
        if (time < start + dur || i == k->beat_count - 1)
            return scene_clock_beat(k, i, time - start);
        start += dur;
    }
    return scene_clock_beat(k, 0, 0);
}

scene_clock scene_clock_advance(const scene_kind *k, scene_clock c, double dt, bool hold) {
    if (hold) return scene_clock_beat(k, c.beat, c.beat_time + dt);
    return scene_clock_at(k, c.time + dt);
}

bool scene_clock_at_end(const scene_kind *k, const scene_clock *c) {
    return k->beat_count <= 0 || c->beat_time >= k->beats[c->beat].duration;
}

float ease_in_out(float t) {
    if (t <= 0) return 0;
    if (t >= 1) return 1;
    return t < 0.5f ? 4 * t * t * t : 1 - powf(-2 * t + 2, 3) / 2;
}

float ease_out(float t) {
    if (t <= 0) return 0;
    if (t >= 1) return 1;
    return 1 - powf(1 - t, 3);
}

float scene_between_linear(const scene_clock *c, float a, float b) {
    if (b <= a) return c->t >= a ? 1.0f : 0.0f;
    float u = (c->t - a) / (b - a);
    return u < 0 ? 0 : u > 1 ? 1 : u;
}

float scene_between(const scene_clock *c, float a, float b) {
    return ease_in_out(scene_between_linear(c, a, b));
}
