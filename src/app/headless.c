/* headless.c: render (PNG frames), record (MP4 through ffmpeg) and bench,
 * all drawn offscreen with the same app_frame as the window.
 *
 * Time is exact: frame i is at i / fps seconds (from the start of the story,
 * or of beat K with --beat, where it holds at the beat's end), never an
 * accumulated sum, so exports are identical on a slow or a fast machine and
 * frame 30 at 30 fps equals frame 60 at 60 fps.
 *
 * record writes to a temporary file beside the output and renames it only
 * when ffmpeg succeeds; a failure leaves no partial file.
 */
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "app/app.h"

typedef struct headless {
    gfx_window *win;
    gfx_target *target;
    scene *s;
    ui_ctx ui;
    uint8_t *pixels;
    int w, h;
    app_frame_opts frame;
} headless;

/* Opens the scene, a hidden GL context and an offscreen target. Returns an
 * exit code; on failure everything opened is closed again. */
static int headless_open(headless *H, const app_options *o) {
    char err[512];
    memset(H, 0, sizeof *H);
    H->s = scene_open(o->scene, err, sizeof err);
    if (!H->s) { fprintf(stderr, "%s\n", err); return APP_USAGE; }
    setenv("SDL_VIDEODRIVER", "offscreen", 0);   /* no display needed */
    H->win = gfx_window_open(&(gfx_window_desc){.title = "tensorstage", .width = 64, .height = 64,
                                                .hidden = true}, err, sizeof err);
    if (!H->win) goto fail;
    char shaders[4200];
    snprintf(shaders, sizeof shaders, "%s/shaders", scene_data_dir());
    if (!gfx_init(&(gfx_desc){.shader_dir = shaders}, err, sizeof err)) goto fail_win;
    H->target = gfx_target_new(o->width, o->height, err, sizeof err);
    if (!H->target) goto fail_gfx;
    H->w = o->width; H->h = o->height;
    H->pixels = malloc((size_t)H->w * (size_t)H->h * 4);
    if (!H->pixels) { snprintf(err, sizeof err, "out of memory for %dx%d frames", H->w, H->h); goto fail_gfx; }
    ui_init(&H->ui, o->theme);
    H->ui.show_widgets = o->chrome;
    H->frame = (app_frame_opts){.theme = o->theme, .captions = !o->no_captions, .view = {.zoom = 1}};
    return APP_OK;
fail_gfx:
    if (H->target) gfx_target_free(H->target);
    gfx_shutdown();
fail_win:
    gfx_window_close(H->win);
fail:
    fprintf(stderr, "tensorstage: %s\n", err);
    scene_close(H->s);
    return APP_FAIL;
}

static void headless_close(headless *H) {
    free(H->pixels);
    ui_shutdown(&H->ui);
    gfx_target_free(H->target);
    gfx_shutdown();
    gfx_window_close(H->win);
    scene_close(H->s);
}

/* The picture at the scene's current clock, read back top row first. */
static void headless_draw(headless *H, bool read) {
    ui_begin_frame(&H->ui, &(ui_input){.mouse_x = -1e9f, .mouse_y = -1e9f});
    gfx_target_bind(H->target);
    app_frame(H->s, &H->ui, H->w, H->h, &H->frame);
    if (read) gfx_target_read(H->target, H->pixels);
}

/* Frame i of the export: the clock at i / fps, then the picture. */
static void headless_frame(headless *H, const app_options *o, long i, bool read) {
    const scene_kind *k = H->s->kind;
    double t = (double)i / (double)o->fps;
    H->s->clock = o->beat ? scene_clock_beat(k, o->beat - 1, t) : scene_clock_at(k, t);
    headless_draw(H, read);
}

static long frame_count(const headless *H, const app_options *o) {
    if (o->frames) return o->frames;
    const scene_kind *k = H->s->kind;
    double d = o->beat ? k->beats[o->beat - 1].duration : scene_duration(k);
    return lround(d * o->fps) + 1;   /* include the settled last frame */
}

static int check_beat(const headless *H, const app_options *o) {
    int nb = H->s->kind->beat_count;
    if (o->beat > nb) {
        fprintf(stderr, "tensorstage: --beat must be 1..%d for %s, got %d\n", nb, H->s->kind->name, o->beat);
        return APP_USAGE;
    }
    return APP_OK;
}

int app_render(const app_options *o) {
    char err[512], path[4200];
    struct stat st;
    if (stat(o->out, &st) == 0 && !S_ISDIR(st.st_mode)) {
        fprintf(stderr, "tensorstage: %s: exists and is not a folder\n", o->out);
        return APP_USAGE;
    }
    snprintf(path, sizeof path, "%s/frame-00000.png", o->out);
    if (!app_output_ok(path, o->force, err, sizeof err)) { fprintf(stderr, "tensorstage: %s\n", err); return APP_USAGE; }
    headless H;
    int rc = headless_open(&H, o);
    if (rc) return rc;
    if ((rc = check_beat(&H, o))) { headless_close(&H); return rc; }
    if (stat(o->out, &st) != 0 && mkdir(o->out, 0777) != 0) {   /* only once all is well */
        fprintf(stderr, "tensorstage: %s: cannot create folder: %s\n", o->out, strerror(errno));
        headless_close(&H);
        return APP_USAGE;
    }
    long n = frame_count(&H, o);
    for (long i = 0; i < n && !rc; i++) {
        headless_frame(&H, o, i, true);
        snprintf(path, sizeof path, "%s/frame-%05ld.png", o->out, i);
        if (!gfx_png_write(path, H.pixels, H.w, H.h, err, sizeof err)) {
            fprintf(stderr, "tensorstage: %s\n", err);
            rc = APP_FAIL;
        }
    }
    if (!rc) fprintf(stderr, "rendered %ld frame%s of %s at %dx%d to %s/\n", n, n == 1 ? "" : "s",
                     H.s->kind->name, H.w, H.h, o->out);
    headless_close(&H);
    return rc;
}

/* ---- record -------------------------------------------------------------- */

static bool find_in_path(const char *prog) {
    const char *path = getenv("PATH");
    if (!path) return false;
    char dir[4096];
    while (*path) {
        size_t n = strcspn(path, ":");
        snprintf(dir, sizeof dir, "%.*s/%s", (int)n, path, prog);
        if (access(dir, X_OK) == 0) return true;
        path += n + (path[n] == ':');
    }
    return false;
}

static bool write_all(int fd, const uint8_t *p, size_t n) {
    while (n > 0) {
        ssize_t k = write(fd, p, n);
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) return false;
        p += k; n -= (size_t)k;
    }
    return true;
}

int app_record(const app_options *o) {
    char err[512];
    size_t len = strlen(o->out);
    if (len < 5 || strcmp(o->out + len - 4, ".mp4") != 0) {
        fprintf(stderr, "tensorstage: record writes MP4: --out must end in .mp4, got '%s'\n", o->out);
        return APP_USAGE;
    }
    if (!app_output_ok(o->out, o->force, err, sizeof err)) { fprintf(stderr, "tensorstage: %s\n", err); return APP_USAGE; }
    if (!find_in_path("ffmpeg")) {
        fprintf(stderr, "tensorstage: record needs ffmpeg, which is not installed "
                        "(apt-get install ffmpeg); 'tensorstage render' writes PNG frames without it\n");
        return APP_FAIL;
    }
    headless H;
    int rc = headless_open(&H, o);
    if (rc) return rc;
    if ((rc = check_beat(&H, o))) { headless_close(&H); return rc; }

    char tmp[4200], size[32], fps[16];
    snprintf(tmp, sizeof tmp, "%s.part-%d.mp4", o->out, (int)getpid());
    snprintf(size, sizeof size, "%dx%d", H.w, H.h);
    snprintf(fps, sizeof fps, "%d", o->fps);
    int fds[2];
    if (pipe(fds) != 0) { perror("tensorstage: pipe"); headless_close(&H); return APP_FAIL; }
    signal(SIGPIPE, SIG_IGN);
    pid_t pid = fork();
    if (pid == 0) {
        dup2(fds[0], 0);
        close(fds[0]); close(fds[1]);
        /* yuv420p needs even sides: pad by one pixel if odd */
        execlp("ffmpeg", "ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin", "-y",
               "-f", "rawvideo", "-pix_fmt", "rgba", "-s", size, "-r", fps, "-i", "pipe:0",
               "-vf", "pad=ceil(iw/2)*2:ceil(ih/2)*2", "-c:v", "libx264", "-preset", "fast",
               "-crf", "18", "-pix_fmt", "yuv420p", "-movflags", "+faststart", "-f", "mp4",
               tmp, (char *)NULL);
        _exit(127);
    }
    close(fds[0]);
    if (pid < 0) { perror("tensorstage: fork"); close(fds[1]); headless_close(&H); return APP_FAIL; }

    long n = frame_count(&H, o);
    double t0 = scene_seconds(), render_s = 0, last_report = 0;
    bool tty = isatty(2);
    bool ok = true;
    for (long i = 0; i < n && ok; i++) {
        double a = scene_seconds();
        headless_frame(&H, o, i, true);
        render_s += scene_seconds() - a;
        ok = write_all(fds[1], H.pixels, (size_t)H.w * (size_t)H.h * 4);
        double now = scene_seconds() - t0;
        /* a live line on a terminal; a line every 5 s in a log */
        if (now - last_report > (tty ? 0.25 : 5.0) || i == n - 1) {
            double f = (double)(i + 1) / (now > 0 ? now : 1e-9);
            fprintf(stderr, "%srecording %s: frame %ld/%ld  %.1f fps  ETA %.0f s   %s",
                    tty ? "\r" : "", H.s->kind->name, i + 1, n, f, (double)(n - i - 1) / f,
                    tty ? "" : "\n");
            last_report = now;
        }
    }
    close(fds[1]);
    int status = 0;
    waitpid(pid, &status, 0);
    double total = scene_seconds() - t0;
    if (tty) fprintf(stderr, "\n");
    if (!ok || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "tensorstage: ffmpeg failed (exit %d) writing %s; nothing was written\n",
                WIFEXITED(status) ? WEXITSTATUS(status) : -1, o->out);
        unlink(tmp);
        rc = APP_FAIL;
    } else if (rename(tmp, o->out) != 0) {
        fprintf(stderr, "tensorstage: cannot rename %s to %s: %s\n", tmp, o->out, strerror(errno));
        unlink(tmp);
        rc = APP_FAIL;
    } else {
        fprintf(stderr, "recorded %ld frames at %s, %d fps in %.1f s: %.1f frames/s exported; "
                        "render + read-back %.1f ms/frame (%.0f frames/s alone)\n",
                n, size, o->fps, total, (double)n / total, 1e3 * render_s / (double)n,
                (double)n / render_s);
    }
    headless_close(&H);
    return rc;
}

/* ---- bench --------------------------------------------------------------- */

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int app_bench(const app_options *o) {
    headless H;
    int rc = headless_open(&H, o);
    if (rc) return rc;
    long n = o->frames ? o->frames : 300;
    double *ms = malloc(sizeof(double) * (size_t)n);
    if (!ms) { headless_close(&H); return APP_FAIL; }
    uint8_t px[4];
    double dur = scene_duration(H.s->kind);
    double startup = 0;
    for (long i = -1; i < n; i++) {   /* frame -1: the first frame, for start-up */
        double a = scene_seconds();
        /* frames spread evenly over the whole story, so every beat is measured */
        H.s->clock = scene_clock_at(H.s->kind, i < 0 ? 0 : dur * (double)i / (double)n);
        headless_draw(&H, false);
        gfx_read_pixels(1, 1, px);   /* wait for the GPU: a frame is done when it can be read */
        double b = scene_seconds();
        if (i < 0) startup = b;
        else ms[i] = 1e3 * (b - a);
    }
    qsort(ms, (size_t)n, sizeof *ms, cmp_double);
    double sum = 0;
    for (long i = 0; i < n; i++) sum += ms[i];
    double med = ms[n / 2], p95 = ms[(long)floor(0.95 * (double)(n - 1))];
    printf("bench %s at %dx%d, %ld frames on %s\n", H.s->kind->name, H.w, H.h, n, gfx_renderer_name());
    printf("frame time: median %.2f ms, p95 %.2f ms, mean %.2f ms\n", med, p95, sum / (double)n);
    printf("fps: %.1f (median), %.1f (p95)\n", 1e3 / med, 1e3 / p95);
    printf("start-up: %.0f ms from launch to the first finished frame\n", 1e3 * startup);
    free(ms);
    headless_close(&H);
    return APP_OK;
}
