/* subtitles.h: record --subtitles: each beat's caption as a cue, timed to
 * the frames exported, written as NAME.srt and NAME.vtt beside NAME.mp4.
 *
 *   subtitle_cues c = {0};
 *   for each frame i: subtitle_cues_add(&c, scene_shown, i);
 *   subtitle_write_temps(&c, frames, fps, srt, vtt, srt_tmp, vtt_tmp, err, sizeof err);
 *   ts_out_publish_all(...) with the video: all three files land, or none
 *   subtitle_cues_free(&c);
 */
#ifndef TS_APP_SUBTITLES_H
#define TS_APP_SUBTITLES_H

#include <stdbool.h>
#include <stddef.h>
#include "scene/scene.h"

typedef struct subtitle_cue {
    const scene *s;
    int beat;
    long first;        /* first frame showing this beat */
} subtitle_cue;

typedef struct subtitle_cues {
    subtitle_cue *c;
    int n, cap;
} subtitle_cues;

/* The subtitle paths for a video: its name with .srt and .vtt for the extension. */
void subtitle_paths(const char *video, char *srt, char *vtt, size_t len);
/* Frame i shows s at its current clock: starts a cue when the beat changes. */
void subtitle_cues_add(subtitle_cues *c, const scene *s, long i);
/* Writes both files to complete temporaries beside them (kernel/fileio.h;
 * srt_tmp and vtt_tmp receive their names, TS_PATH_MAX bytes each), for the
 * caller to commit with the video. False and err on failure, and no
 * temporary left. */
bool subtitle_write_temps(const subtitle_cues *c, long frames, int fps, const char *srt, const char *vtt,
                          char *srt_tmp, char *vtt_tmp, char *err, size_t errlen);
void subtitle_cues_free(subtitle_cues *c);

#endif
