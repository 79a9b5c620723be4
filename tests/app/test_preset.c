/* test_preset.c: the preset loader on valid, invalid and hostile input.
 * Every bad file must give one "FILE:LINE: message" and no scene; nothing
 * may crash (the sanitizer build runs this too). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "scene/scene.h"

static int passed, failed;
static char dir[] = "/tmp/ts-preset-XXXXXX";

static const char *write_file(const char *name, const char *data, size_t n) {
    static char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    fwrite(data, 1, n, f);
    fclose(f);
    return path;
}

/* Expects the preset to fail with a message that contains `want`. */
static void expect_error(const char *name, const char *data, size_t n, const char *want) {
    const char *path = write_file(name, data, n);
    char err[512] = "";
    scene *s = scene_open(path, err, sizeof err);
    if (!s && strstr(err, want)) { passed++; return; }
    failed++;
    fprintf(stderr, "FAIL %s: wanted an error with '%s', got %s'%s'\n", name, want, s ? "a scene and " : "", err);
    scene_close(s);
}

static void expect_ok(const char *name, const char *text) {
    const char *path = write_file(name, text, strlen(text));
    char err[512] = "";
    scene *s = scene_open(path, err, sizeof err);
    if (s) { passed++; scene_close(s); return; }
    failed++;
    fprintf(stderr, "FAIL %s: wanted a scene, got '%s'\n", name, err);
}

#define E(name, text, want) expect_error(name, text, strlen(text), want)

int main(void) {
    if (!mkdtemp(dir)) { perror("mkdtemp"); return 1; }
    const char *head = "[scene]\nkind = calibration\ntitle = t\n";
    char buf[70000];

    expect_ok("ok.scene", "; comment\n[scene]\nkind = calibration\ntitle = Test card\n[card]\ngrid = 60\nlabel = Room 1\n");
    expect_ok("minimal.scene", head);
    expect_ok("crlf.scene", "[scene]\r\nkind = calibration\r\ntitle = t\r\n[card]\r\ngrid = 90\r\n");

    E("empty.scene", "", "empty.scene:1: missing [scene]");
    E("comments.scene", "; only a comment\n\n", ":1: missing [scene]");
    E("nokind.scene", "[scene]\ntitle = t\n", "missing [scene] section with kind");
    E("notitle.scene", "[scene]\nkind = calibration\n", "needs title");
    E("badkind.scene", "[scene]\nkind = nope\ntitle = t\n", "badkind.scene:2: unknown scene kind 'nope'");
    E("order.scene", "[card]\ngrid = 60\n[scene]\nkind = calibration\n", "order.scene:2: the first section must be [scene]");
    E("outside.scene", "grid = 1\n", "outside.scene:1: 'grid' is outside any section");
    snprintf(buf, sizeof buf, "%s[card]\ngrid = 0\n", head);
    E("range.scene", buf, "range.scene:5: grid must be 60..240, got 0");
    snprintf(buf, sizeof buf, "%s[card]\ngrid = 99999999999999999999999\n", head);
    E("huge.scene", buf, "huge.scene:5: grid must be a whole number");
    snprintf(buf, sizeof buf, "%s[card]\ngrid = 1e400\n", head);
    E("huge2.scene", buf, "huge2.scene:5: grid must be a whole number");
    snprintf(buf, sizeof buf, "%s[card]\ngrid = 12abc\n", head);
    E("junkint.scene", buf, ":5: grid must be a whole number");
    snprintf(buf, sizeof buf, "%s[card]\nshow_grid = perhaps\n", head);
    E("bool.scene", buf, ":5: show_grid must be true or false");
    snprintf(buf, sizeof buf, "%s[card]\ncolour = red\n", head);
    E("unknown.scene", buf, "unknown.scene:5: unknown key 'colour' in [card]");
    snprintf(buf, sizeof buf, "%s[paint]\ngrid = 60\n", head);
    E("section.scene", buf, "section.scene:5: unknown key 'grid' in [paint]");
    snprintf(buf, sizeof buf, "%s[card]\ngrid = 60\ngrid = 70\n", head);
    E("twice.scene", buf, "twice.scene:6: 'grid' is set twice in [card]");
    snprintf(buf, sizeof buf, "%s[card\n", head);
    E("syntax.scene", buf, "syntax.scene:4: section header has no closing ']'");
    snprintf(buf, sizeof buf, "%s[card\ngrid = 100\n", head);   /* the header's line, not the key's */
    E("syntax2.scene", buf, "syntax2.scene:4: section header has no closing ']'");
    snprintf(buf, sizeof buf, "%sx\n", head);
    E("syntax3.scene", buf, "syntax3.scene:4: syntax error");
    snprintf(buf, sizeof buf, "%s[scene]\nkind = calibration\n", head);
    E("dupsection.scene", buf, "'kind' is set twice in [scene]");

    /* a very long line: rejected with its line number, not truncated */
    int n = snprintf(buf, sizeof buf, "%s[card]\nlabel = ", head);
    memset(buf + n, 'x', 5000);
    strcpy(buf + n + 5000, "\n");
    E("longline.scene", buf, "longline.scene:5: line is longer than 199 characters");
    /* a label that fits the line but not the field */
    n = snprintf(buf, sizeof buf, "%s[card]\nlabel = ", head);
    memset(buf + n, 'y', 150);
    strcpy(buf + n + 150, "\n");
    E("longlabel.scene", buf, "longlabel.scene:5: label is longer than 95 characters");

    /* binary junk: every byte value, and a NUL early on */
    for (int i = 0; i < 4096; i++) buf[i] = (char)((i * 7919) & 0xff);
    expect_error("junk.scene", buf, 4096, "binary data");
    expect_error("nul.scene", "[scene]\nkind\0= x\n", 17, "nul.scene:2: binary data");

    /* too big to be a preset */
    const char *path = write_file("big.scene", "", 0);
    FILE *f = fopen(path, "wb");
    for (int i = 0; i < 1100; i++) { memset(buf, ';', 1023); buf[1023] = '\n'; fwrite(buf, 1, 1024, f); }
    fclose(f);
    char err[512] = "";
    scene *s = scene_open(path, err, sizeof err);
    if (!s && strstr(err, "larger than 1 MiB")) passed++; else { failed++; fprintf(stderr, "FAIL big: '%s'\n", err); }
    scene_close(s);

    /* missing file and a folder */
    s = scene_open("/nonexistent/x.scene", err, sizeof err);
    if (!s && strstr(err, "/nonexistent/x.scene: cannot open")) passed++; else { failed++; fprintf(stderr, "FAIL missing: '%s'\n", err); }
    s = scene_open(dir, err, sizeof err);
    if (!s && strstr(err, "is a folder")) passed++; else { failed++; fprintf(stderr, "FAIL folder: '%s'\n", err); scene_close(s); }

    /* the value helpers */
    float v[4];
    int cnt;
    if (preset_floats("w", "1, 2\n 3 4", v, 4, NULL, -10, 10, err, sizeof err) && v[3] == 4) passed++; else failed++;
    if (!preset_floats("w", "1 2 3", v, 4, NULL, -10, 10, err, sizeof err) && strstr(err, "expected 4 numbers, got 3")) passed++; else failed++;
    if (!preset_floats("w", "1 2 nan 4", v, 4, NULL, -10, 10, err, sizeof err) && strstr(err, "number 3")) passed++; else failed++;
    if (!preset_floats("w", "1 2 30 4", v, 4, NULL, -10, 10, err, sizeof err) && strstr(err, "must be -10..10")) passed++; else failed++;
    if (preset_floats("w", "5 6", v, 4, &cnt, -10, 10, err, sizeof err) && cnt == 2) passed++; else failed++;
    float fv;
    if (!preset_float("t", "inf", 0, 1, &fv, err, sizeof err)) passed++; else failed++;

    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
