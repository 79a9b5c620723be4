/* subtitles.c: record --subtitles (see subtitles.h). A cue runs from the
 * first frame of a beat to the first frame of the next one (the last cue to
 * the video's end), so captions switch exactly where the picture does. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "app/subtitles.h"
#include "kernel/fileio.h"

void subtitle_paths(const char *video, char *srt, char *vtt, size_t len) {
    const char *dot = strrchr(video, '.');
    const char *slash = strrchr(video, '/');
    int stem = dot && (!slash || dot > slash) ? (int)(dot - video) : (int)strlen(video);
    snprintf(srt, len, "%.*s.srt", stem, video);
    snprintf(vtt, len, "%.*s.vtt", stem, video);
}

void subtitle_cues_add(subtitle_cues *c, const scene *s, long i) {
    if (c->n && c->c[c->n - 1].s == s && c->c[c->n - 1].beat == s->clock.beat) return;
    if (c->n == c->cap) {
        int cap = c->cap ? 2 * c->cap : 16;
        subtitle_cue *p = realloc(c->c, sizeof *p * (size_t)cap);
        if (!p) return;   /* out of memory: the cue merges into the previous one */
        c->c = p; c->cap = cap;
    }
    c->c[c->n++] = (subtitle_cue){s, s->clock.beat, i};
}

void subtitle_cues_free(subtitle_cues *c) { free(c->c); *c = (subtitle_cues){0}; }

/* Frame f's time as HH:MM:SS<sep>mmm. */
static void stamp(char *out, size_t len, long f, int fps, char sep) {
    long ms = (long)((double)f * 1000.0 / fps + 0.5);
    snprintf(out, len, "%02ld:%02ld:%02ld%c%03ld", ms / 3600000, ms / 60000 % 60, ms / 1000 % 60, sep, ms % 1000);
}

/* Writes the cues to path's temporary (tmp receives its name). */
static bool write_one(const subtitle_cues *c, long frames, int fps, const char *path, char *tmp, bool vtt,
                      char *err, size_t errlen) {
    char a[32], b[32];
    FILE *f = ts_out_open(path, tmp, TS_PATH_MAX, err, errlen);
    if (!f) return false;
    if (vtt) fputs("WEBVTT\n\n", f);
    int k = 0;
    for (int i = 0; i < c->n; i++) {
        const scene_beat *bt = &c->c[i].s->kind->beats[c->c[i].beat];
        const char *text = bt->caption && bt->caption[0] ? bt->caption : bt->title;
        if (!text || !text[0]) continue;
        long end = i + 1 < c->n ? c->c[i + 1].first : frames;
        stamp(a, sizeof a, c->c[i].first, fps, vtt ? '.' : ',');
        stamp(b, sizeof b, end, fps, vtt ? '.' : ',');
        fprintf(f, "%d\n%s --> %s\n%s\n\n", ++k, a, b, text);
    }
    return ts_out_close(f, tmp, path, err, errlen);
}

bool subtitle_write_temps(const subtitle_cues *c, long frames, int fps, const char *srt, const char *vtt,
                          char *srt_tmp, char *vtt_tmp, char *err, size_t errlen) {
    if (!write_one(c, frames, fps, srt, srt_tmp, false, err, errlen)) return false;
    if (write_one(c, frames, fps, vtt, vtt_tmp, true, err, errlen)) return true;
    unlink(srt_tmp);
    return false;
}
