/* fileio.c: atomic outputs and safe inputs (see fileio.h for the contract).
 *
 * A temporary is named after its final name, the writer's machine (a hash of
 * its host name) and PID, hidden by a leading dot:
 * ".frame-00003.png.h1a2b3c4-4711.tensorstage-part". It lives in the final
 * name's folder so the rename that publishes it is atomic (same file system).
 * Machine and PID are what let a later run on the same machine tell a dead
 * writer's leftover (removed) from a live writer's file in progress (kept).
 */
#include "fileio.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#define TEMP_SUFFIX ".tensorstage-part"

/* "h1a2b3c4-": this machine's name, hashed, so a folder shared over the
 * network never has a live writer's temporary taken for a dead one's. */
static const char *host_tag(void) {
    static char tag[16];
    if (tag[0]) return tag;
    char host[256] = "";
    gethostname(host, sizeof host - 1);
    unsigned h = 2166136261u;
    for (const char *p = host; *p; p++) h = (h ^ (unsigned char)*p) * 16777619u;
    snprintf(tag, sizeof tag, "h%08x-", h);
    return tag;
}

const char *ts_path_shown(const char *path, char *buf, size_t len) {
    size_t n = strlen(path);
    size_t keep = len > 100 ? 96 : len - 4;   /* "..." + tail + NUL */
    if (n <= keep + 3) return path;
    const char *tail = path + n - keep;
    while ((*tail & 0xC0) == 0x80) tail++;    /* do not start inside a UTF-8 character */
    snprintf(buf, len, "...%s", tail);
    return buf;
}

/* The folder part of path ("." when there is none) and the name part. */
static void split_path(const char *path, char *dir, size_t dirlen, const char **base) {
    const char *slash = strrchr(path, '/');
    if (!slash) { snprintf(dir, dirlen, "."); *base = path; return; }
    if (slash == path) snprintf(dir, dirlen, "/");
    else snprintf(dir, dirlen, "%.*s", (int)(slash - path), path);
    *base = slash + 1;
}

FILE *ts_in_open(const char *path, char *err, size_t errlen) {
    char sh[128];
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, errlen, "%s: cannot open: %s", ts_path_shown(path, sh, sizeof sh), strerror(errno));
        return NULL;
    }
    struct stat st = {0};
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "%s: %s", ts_path_shown(path, sh, sizeof sh),
                 S_ISDIR(st.st_mode) ? "is a folder, not a file" : "is not a regular file (a pipe or a device?)");
        close(fd);
        return NULL;
    }
    int fl = fcntl(fd, F_GETFL);
    if (fl >= 0) fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
    FILE *f = fdopen(fd, "rb");
    if (!f) {
        snprintf(err, errlen, "%s: cannot open: %s", ts_path_shown(path, sh, sizeof sh), strerror(errno));
        close(fd);
    }
    return f;
}

void ts_out_temp_name(const char *path, char *tmp, size_t tmplen) {
    char dir[TS_PATH_MAX];
    const char *base;
    split_path(path, dir, sizeof dir, &base);
    /* a name is at most 255 bytes: keep 190 of the final name's */
    snprintf(tmp, tmplen, "%s/.%.190s.%s%ld" TEMP_SUFFIX, dir, base, host_tag(), (long)getpid());
}

FILE *ts_out_open(const char *path, char *tmp, size_t tmplen, char *err, size_t errlen) {
    char sh[128];
    ts_out_temp_name(path, tmp, tmplen);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0666);
    if (fd < 0) {
        snprintf(err, errlen, "%s: cannot write: %s", ts_path_shown(path, sh, sizeof sh), strerror(errno));
        return NULL;
    }
    FILE *f = fdopen(fd, "wb");
    if (!f) {
        snprintf(err, errlen, "%s: cannot write: %s", ts_path_shown(path, sh, sizeof sh), strerror(errno));
        close(fd);
        unlink(tmp);
    }
    return f;
}

bool ts_out_commit(const char *tmp, const char *path, char *err, size_t errlen) {
    return ts_out_publish(tmp, path, true, err, errlen) == TS_OUT_OK;
}

bool ts_out_close(FILE *f, const char *tmp, const char *path, char *err, size_t errlen) {
    bool ok = !ferror(f);
    int saved = errno;
    if (fclose(f) != 0 && ok) { ok = false; saved = errno; }
    if (!ok) {
        char sh[128];
        snprintf(err, errlen, "%s: write failed: %s", ts_path_shown(path, sh, sizeof sh), strerror(saved));
        unlink(tmp);
    }
    return ok;
}

bool ts_out_close_commit(FILE *f, const char *tmp, const char *path, char *err, size_t errlen) {
    return ts_out_close(f, tmp, path, err, errlen) && ts_out_commit(tmp, path, err, errlen);
}

int ts_out_close_publish(FILE *f, const char *tmp, const char *path, bool force, char *err, size_t errlen) {
    if (!ts_out_close(f, tmp, path, err, errlen)) return TS_OUT_FAILED;
    return ts_out_publish(tmp, path, force, err, errlen);
}

void ts_out_close_discard(FILE *f, const char *tmp) {
    if (f) fclose(f);
    unlink(tmp);
}

int ts_out_clean_stale(const char *dir) {
    static char last[TS_PATH_MAX];   /* a folder is swept once per run */
    if (strcmp(last, dir) == 0) return 0;
    snprintf(last, sizeof last, "%s", dir);
    DIR *d = opendir(dir);
    if (!d) return 0;
    int removed = 0;
    size_t sl = strlen(TEMP_SUFFIX);
    struct dirent *e;
    while ((e = readdir(d))) {
        const char *name = e->d_name;
        size_t n = strlen(name);
        if (name[0] != '.' || n <= sl + 3 || strcmp(name + n - sl, TEMP_SUFFIX) != 0) continue;
        const char *p = name + n - sl;           /* ".HOST-PID" ends here */
        const char *q = p;
        while (q > name && q[-1] >= '0' && q[-1] <= '9') q--;
        size_t tl = strlen(host_tag());
        if (q == p || (size_t)(q - name) < tl + 1 || strncmp(q - tl, host_tag(), tl) != 0 || *(q - tl - 1) != '.')
            continue;                            /* not ours, or another machine's */
        long pid = strtol(q, NULL, 10);
        if (pid <= 0 || pid == (long)getpid()) continue;
        if (kill((pid_t)pid, 0) == 0 || errno != ESRCH) continue;   /* alive, or not ours to judge */
        char full[TS_PATH_MAX + 300];
        snprintf(full, sizeof full, "%s/%s", dir, name);
        if (unlink(full) == 0) removed++;
    }
    closedir(d);
    return removed;
}

/* Can a new file be created in dir? Tried, not guessed (root, read-only mounts). */
static bool probe_dir(const char *dir, const char *shown_for, char *err, size_t errlen) {
    char probe[TS_PATH_MAX + 64], sh[128];
    snprintf(probe, sizeof probe, "%s/.probe.%s%ld" TEMP_SUFFIX, dir, host_tag(), (long)getpid());
    int fd = open(probe, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0666);
    if (fd < 0) {
        snprintf(err, errlen, "%s: cannot write in folder: %s", ts_path_shown(shown_for, sh, sizeof sh),
                 strerror(errno));
        return false;
    }
    close(fd);
    unlink(probe);
    return true;
}

/* Does the last part of path fit a name on dir's file system? */
static bool name_fits(const char *dir, const char *base, const char *shown, char *err, size_t errlen) {
    long max = pathconf(dir, _PC_NAME_MAX);
    if (max <= 0) max = 255;
    size_t n = strlen(base);
    while (n > 1 && base[n - 1] == '/') n--;
    if ((long)n <= max) return true;
    snprintf(err, errlen, "%s: the name is %zu bytes long; this file system allows %ld", shown, n, max);
    return false;
}

bool ts_out_check(const char *path, bool force, char *err, size_t errlen) {
    char dir[TS_PATH_MAX], sh[128];
    const char *base;
    const char *shown = ts_path_shown(path, sh, sizeof sh);
    split_path(path, dir, sizeof dir, &base);
    struct stat st;
    bool exists = lstat(path, &st) == 0;   /* a link is looked at, not followed */
    if (!base[0] || (exists && S_ISDIR(st.st_mode))) {
        snprintf(err, errlen, "%s: is a folder; give a file name", shown);
        return false;
    }
    if (exists && !force) {
        snprintf(err, errlen, "%s: already exists%s (use --force to overwrite)", shown,
                 S_ISLNK(st.st_mode) ? " as a link" : "");
        return false;
    }
    if (exists && !S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "%s: is %s; --force replaces only regular files", shown,
                 S_ISLNK(st.st_mode) ? "a link" : S_ISFIFO(st.st_mode) ? "a pipe (FIFO)"
                 : S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) ? "a device" : "not a regular file");
        return false;
    }
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, "%s: the folder it goes in does not exist", shown);
        return false;
    }
    if (!name_fits(dir, base, shown, err, errlen)) return false;
    if (!probe_dir(dir, path, err, errlen)) return false;
    ts_out_clean_stale(dir);
    return true;
}

bool ts_out_check_dir(const char *dir, char *err, size_t errlen) {
    char sh[128], parent[TS_PATH_MAX];
    const char *shown = ts_path_shown(dir, sh, sizeof sh);
    struct stat st;
    if (stat(dir, &st) == 0) {
        if (!S_ISDIR(st.st_mode)) {
            snprintf(err, errlen, "%s: exists and is not a folder", shown);
            return false;
        }
        if (!probe_dir(dir, dir, err, errlen)) return false;
        ts_out_clean_stale(dir);
        return true;
    }
    snprintf(parent, sizeof parent, "%s", dir);
    size_t n = strlen(parent);
    while (n > 1 && parent[n - 1] == '/') parent[--n] = 0;
    const char *base;
    char up[TS_PATH_MAX];
    split_path(parent, up, sizeof up, &base);
    if (stat(up, &st) != 0 || !S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, "%s: the folder it goes in does not exist", shown);
        return false;
    }
    return name_fits(up, base, shown, err, errlen) && probe_dir(up, dir, err, errlen);
}
