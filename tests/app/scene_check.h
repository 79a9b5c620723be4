/* scene_check.h: what the scene tests share: a located CHECK that counts,
 * presets written to a temporary folder, and a scene's dump at the end of a
 * beat, read back through the same JSON parser the fixtures use.
 *
 *   SCENE_CHECK_TMP("/tmp/ts-gan-XXXXXX");           // once, at file scope
 *   scene_check_init();                              // in main: mkdtemp
 *   scene *s = scene_open(scene_check_preset("gan", "small", "[gan]\n..."), err, n);
 *   ts_dump *d = scene_check_dump(s, beat, &arena);  // beat 0-based
 *   ...
 *   return scene_check_done();                       // removes the folder, reports
 */
#ifndef TS_SCENE_CHECK_H
#define TS_SCENE_CHECK_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kernel/dump.h"
#include "scene/scene.h"
#include "ui/ui.h"

#include "app_check.h"

static char scene_check_dir[] = "/tmp/ts-scene-XXXXXX";

static inline void scene_check_init(void) {
    if (!mkdtemp(scene_check_dir)) { perror("mkdtemp"); exit(1); }
}

/* Writes a preset of `kind` named NAME.scene with `body` after [scene];
 * returns its path (valid until the next call). */
static inline const char *scene_check_preset(const char *kind, const char *name, const char *body) {
    static char path[256];
    snprintf(path, sizeof path, "%s/%s.scene", scene_check_dir, name);
    FILE *f = fopen(path, "w");
    if (!f) { perror(path); exit(1); }
    fprintf(f, "[scene]\nkind = %s\ntitle = test\n\n%s", kind, body);
    fclose(f);
    return path;
}

/* The scene beat_time seconds into beat (0-based): update, dump, write,
 * parse back. */
static inline ts_dump *scene_check_dump_at(scene *s, int beat, double beat_time, ts_arena *a) {
    ui_ctx ui;
    ui_init(&ui, &ui_theme_dark);
    s->clock = scene_clock_beat(s->kind, beat, beat_time);
    s->kind->update(s->state, &s->clock, &ui);
    ts_dump *d = ts_dump_new(s->kind->name, beat + 1);
    s->kind->dump(s->state, &s->clock, d);
    char *json = ts_dump_to_string(d);
    ts_dump_free(d);
    char err[256];
    ts_dump *back = ts_dump_parse(json, a, err, sizeof err);
    if (!back) { fprintf(stderr, "dump does not parse: %s\n", err); exit(1); }
    free(json);
    ui_shutdown(&ui);
    return back;
}

/* The same at the end of the beat. */
static inline ts_dump *scene_check_dump(scene *s, int beat, ts_arena *a) {
    return scene_check_dump_at(s, beat, 1e9, a);
}

/* The tensor or exit: a dump without a promised name is a failure. */
static inline const ts_tensor *scene_check_need(const ts_dump *d, const char *name) {
    const ts_tensor *t = ts_dump_find(d, name);
    if (!t) { fprintf(stderr, "dump has no %s\n", name); exit(1); }
    return t;
}

/* Same name, shape and bytes in both dumps. */
static inline bool scene_check_same(const ts_dump *a, const ts_dump *b, const char *name) {
    const ts_tensor *x = ts_dump_find(a, name), *y = ts_dump_find(b, name);
    return x && y && ts_numel(x) == ts_numel(y) &&
           memcmp(x->data, y->data, sizeof(float) * ts_numel(x)) == 0;
}

/* A preset that must be refused with one line containing `want`. */
static inline void scene_check_bad(const char *kind, const char *body, const char *want) {
    char err[512] = "";
    scene *s = scene_open(scene_check_preset(kind, "bad", body), err, sizeof err);
    CHECK(s == NULL && strstr(err, want) && !strchr(err, '\n'), "bad preset '%s' gave '%s'", body, err);
    if (s) scene_close(s);
}

static inline int scene_check_done(void) {
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", scene_check_dir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", scene_check_dir);
    fprintf(stderr, "%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}

#endif
