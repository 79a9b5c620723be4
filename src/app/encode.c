/* encode.c: what `record` writes for each output extension, and the ffmpeg
 * command line that writes it. headless.c pipes raw RGBA frames into it.
 *
 *   const rec_format *f = rec_format_for(o->out);         NULL: unknown extension
 *   if (!rec_options_ok(f, o, err, sizeof err)) ...        exit 2, before any work
 *   rec_encoder_probe(f->encoder, rec_probe_limit_s(), &stop) `ffmpeg -encoders` decides
 *   rec_ffmpeg_argv(f, o, w, h, tmp, &args); execvp(args.argv[0], args.argv);
 *
 * Formats: .mp4 H.264 yuv420p (plays everywhere), .webm VP9 yuv420p, .gif
 * (palette made from the clip itself, palettegen and paletteuse in one
 * filter graph), .mov ProRes 4444 (yuva444p10le with --transparent). Each
 * maps --quality low|medium|high|lossless to its own encoder settings;
 * --crf and --preset are x264's and go with .mp4 only.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "app/encode.h"

static const rec_format formats[] = {
    {".mp4",  "mp4",  "libx264",    "MP4 (H.264)",    false, true},
    {".webm", "webm", "libvpx-vp9", "WebM (VP9)",     false, true},
    {".gif",  "gif",  "gif",        "GIF",            false, false},
    {".mov",  "mov",  "prores_ks",  "MOV (ProRes 4444)", true, false},
};

const rec_format *rec_format_for(const char *path) {
    size_t n = strlen(path);
    for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++) {
        size_t e = strlen(formats[i].ext);
        if (n > e && strcmp(path + n - e, formats[i].ext) == 0) return &formats[i];
    }
    return NULL;
}

const char *rec_format_list(void) { return ".mp4, .webm, .gif or .mov"; }

static const char *const x264_presets[] = {"ultrafast", "superfast", "veryfast", "faster", "fast",
                                           "medium", "slow", "slower", "veryslow", "placebo"};

bool rec_preset_valid(const char *p) {
    for (size_t i = 0; i < sizeof x264_presets / sizeof x264_presets[0]; i++)
        if (strcmp(p, x264_presets[i]) == 0) return true;
    return false;
}

bool rec_options_ok(const rec_format *f, const app_options *o, char *err, size_t errlen) {
    if (o->transparent && !f->alpha) {
        snprintf(err, errlen, "--transparent needs a format with alpha: %s has none "
                 "(use .mov, or 'render' for PNG frames)", f->name);
        return false;
    }
    if ((o->has_crf || o->preset) && strcmp(f->encoder, "libx264") != 0) {
        snprintf(err, errlen, "--crf and --preset are x264 settings and go with .mp4, not %s "
                 "(use --quality)", f->name);
        return false;
    }
    if (o->quality == REC_LOSSLESS && (strcmp(f->muxer, "gif") == 0 || strcmp(f->muxer, "mov") == 0)) {
        snprintf(err, errlen, "--quality lossless: %s cannot be lossless "
                 "(use .mp4, .webm, or 'render' for PNG frames)", f->name);
        return false;
    }
    if (f->even_sides && (o->width % 2 || o->height % 2)) {
        snprintf(err, errlen, "%s needs an even --size (yuv420p), got %dx%d", f->name, o->width, o->height);
        return false;
    }
    return true;
}

double rec_probe_limit_s(void) {
    const char *v = getenv("TENSORSTAGE_FFMPEG_PROBE_S");
    char *end;
    double s = v ? strtod(v, &end) : 0;
    return v && end != v && !*end && s > 0 && s <= 3600 ? s : 10;
}

static double now_s(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* Is line (" V....D libx264   libx264 H.264 ...") the encoder's? */
static bool lists_encoder(const char *line, const char *encoder) {
    char flags[16], name[128];
    return sscanf(line, " %15s %127s", flags, name) == 2 && strcmp(name, encoder) == 0;
}

rec_probe rec_encoder_probe(const char *encoder, double limit_s, volatile sig_atomic_t *stop) {
    int fds[2];
    if (pipe(fds) != 0) return REC_PROBE_FAILED;
    pid_t pid = fork();
    if (pid == 0) {
        setpgid(0, 0);   /* its own group: killed whole when we give up on it */
        signal(SIGINT, SIG_DFL);
        signal(SIGTERM, SIG_DFL);
        dup2(fds[1], 1);
        close(fds[0]); close(fds[1]);
        int null = open("/dev/null", O_WRONLY);
        if (null >= 0) dup2(null, 2);
        execlp("ffmpeg", "ffmpeg", "-hide_banner", "-nostdin", "-encoders", (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    if (pid < 0) { close(fds[0]); return REC_PROBE_FAILED; }
    setpgid(pid, pid);
    rec_probe r = REC_PROBE_MISSING;
    char line[512];
    size_t used = 0;
    double deadline = now_s() + limit_s;
    for (;;) {   /* read lines until the end, a stop or the deadline; wakes every 20 ms to look */
        if (stop && *stop) { r = REC_PROBE_STOPPED; break; }
        if (now_s() > deadline) { r = REC_PROBE_TIMEOUT; break; }
        struct pollfd p = {.fd = fds[0], .events = POLLIN};
        if (poll(&p, 1, 20) <= 0) continue;   /* nothing yet, or a signal */
        ssize_t got = read(fds[0], line + used, sizeof line - 1 - used);
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) break;   /* the end of the list */
        used += (size_t)got;
        line[used] = 0;
        char *start = line, *nl;
        while ((nl = strchr(start, '\n'))) {
            *nl = 0;
            if (lists_encoder(start, encoder)) r = REC_PROBE_FOUND;
            start = nl + 1;
        }
        used = strlen(start);
        memmove(line, start, used + 1);
        if (used == sizeof line - 1) used = 0;   /* a line longer than any encoder's: not one */
    }
    if (r == REC_PROBE_MISSING && used && lists_encoder(line, encoder)) r = REC_PROBE_FOUND;
    close(fds[0]);
    if (r == REC_PROBE_STOPPED || r == REC_PROBE_TIMEOUT) kill(-pid, SIGKILL);
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
    if (r == REC_PROBE_MISSING && (!WIFEXITED(status) || WEXITSTATUS(status) == 127)) r = REC_PROBE_FAILED;
    return r;
}

int rec_wait_ffmpeg(pid_t pid, volatile sig_atomic_t *stop) {
    int status = 0;
    bool killed = false;
    for (;;) {
        pid_t got = waitpid(pid, &status, WNOHANG);
        if (got == pid || (got < 0 && errno != EINTR)) return status;
        if (stop && *stop && !killed) {
            kill(-pid, SIGKILL);
            kill(pid, SIGKILL);
            killed = true;
        }
        struct timespec t = {0, 10 * 1000000L};
        nanosleep(&t, NULL);
    }
}

static void add(rec_args *a, const char *s) {
    if (a->n < REC_MAX_ARGS - 1) { a->argv[a->n++] = (char *)s; a->argv[a->n] = NULL; }
}

/* Copies s into the argument store and adds it. */
static void addf(rec_args *a, const char *s) {
    size_t len = strlen(s) + 1;
    if (a->used + len > sizeof a->store) return;
    memcpy(a->store + a->used, s, len);
    add(a, a->store + a->used);
    a->used += len;
}

void rec_ffmpeg_argv(const rec_format *f, const app_options *o, int w, int h, const char *tmp, rec_args *a) {
    char v[128];
    memset(a, 0, sizeof *a);
    add(a, "ffmpeg"); add(a, "-hide_banner"); add(a, "-loglevel"); add(a, "error");
    add(a, "-nostdin"); add(a, "-y");
    add(a, "-f"); add(a, "rawvideo"); add(a, "-pix_fmt"); add(a, "rgba");
    snprintf(v, sizeof v, "%dx%d", w, h);
    add(a, "-s"); addf(a, v);
    snprintf(v, sizeof v, "%d", o->fps);
    add(a, "-r"); addf(a, v);
    add(a, "-i"); add(a, "pipe:0");
    rec_quality q = o->quality;
    if (strcmp(f->muxer, "mp4") == 0) {
        static const int crf[] = {[REC_LOW] = 28, [REC_MEDIUM] = 23, [REC_HIGH] = 18, [REC_LOSSLESS] = 0};
        static const char *const preset[] = {[REC_LOW] = "veryfast", [REC_MEDIUM] = "fast", [REC_HIGH] = "fast",
                                             [REC_LOSSLESS] = "medium"};
        add(a, "-c:v"); add(a, "libx264");
        add(a, "-preset"); add(a, o->preset ? o->preset : preset[q]);
        snprintf(v, sizeof v, "%d", o->has_crf ? o->crf : crf[q]);
        add(a, "-crf"); addf(a, v);
        /* lossless keeps every colour: 4:4:4, which some players cannot play */
        add(a, "-pix_fmt"); add(a, q == REC_LOSSLESS && !o->has_crf ? "yuv444p" : "yuv420p");
        add(a, "-movflags"); add(a, "+faststart");
    } else if (strcmp(f->muxer, "webm") == 0) {
        static const char *const crf[] = {[REC_LOW] = "40", [REC_MEDIUM] = "33", [REC_HIGH] = "24", [REC_LOSSLESS] = "0"};
        add(a, "-c:v"); add(a, "libvpx-vp9"); add(a, "-b:v"); add(a, "0");
        if (q == REC_LOSSLESS) { add(a, "-lossless"); add(a, "1"); }
        else { add(a, "-crf"); add(a, crf[q]); }
        add(a, "-deadline"); add(a, "good"); add(a, "-cpu-used"); add(a, q == REC_HIGH ? "2" : "4");
        add(a, "-row-mt"); add(a, "1");
        add(a, "-pix_fmt"); add(a, q == REC_LOSSLESS ? "yuv444p" : "yuv420p");
    } else if (strcmp(f->muxer, "gif") == 0) {
        /* one palette for the whole clip, then every frame mapped onto it */
        static const char *const colors[] = {[REC_LOW] = "64", [REC_MEDIUM] = "128", [REC_HIGH] = "256"};
        static const char *const dither[] = {[REC_LOW] = "bayer:bayer_scale=3", [REC_MEDIUM] = "bayer:bayer_scale=2",
                                             [REC_HIGH] = "sierra2_4a"};
        snprintf(v, sizeof v, "split[a][b];[a]palettegen=max_colors=%s:stats_mode=full[p];"
                 "[b][p]paletteuse=dither=%s", colors[q], dither[q]);
        add(a, "-filter_complex"); addf(a, v);
        add(a, "-loop"); add(a, "0");
    } else {   /* mov: ProRes 4444; qscale is ProRes' quantiser, lower is better */
        static const char *const qs[] = {[REC_LOW] = "12", [REC_MEDIUM] = "7", [REC_HIGH] = "3"};
        add(a, "-c:v"); add(a, "prores_ks"); add(a, "-profile:v"); add(a, "4444");
        add(a, "-qscale:v"); add(a, qs[q]);
        add(a, "-vendor"); add(a, "apl0");
        add(a, "-pix_fmt"); add(a, o->transparent ? "yuva444p10le" : "yuv444p10le");
    }
    add(a, "-f"); add(a, f->muxer);
    add(a, tmp);
}
