/* publish.c: how finished temporaries get their final names (see fileio.h,
 * ts_out_publish_set), exclusively and all or nothing.
 *
 * Without force a name is taken only if it is free at that very moment:
 * renameat2(RENAME_NOREPLACE), or link + unlink where the file system has no
 * renameat2, so a file that appeared during the run (another run's output)
 * is never replaced. With force only regular files are replaced, and each one
 * is first kept under a hidden backup name (a hard link, else a rename), so
 * that when any file of the set cannot be published every name gets its old
 * file back and the new ones are removed. A process killed (SIGKILL) inside
 * the publish itself may leave a ".NAME.HOST-PID.tensorstage-old" backup
 * behind; nothing removes those, they are the old files.
 *
 * Test hooks (documented in the README, harmless elsewhere):
 * TENSORSTAGE_HOLD=POINT:FILE makes ts_test_hold(POINT) create FILE.held and
 * wait until FILE exists or a signal arrives, so a test can change the file
 * system at that exact point; TENSORSTAGE_NO_RENAMEAT2=1 takes the link +
 * unlink path.
 */
#define _GNU_SOURCE   /* renameat2 */
#include "fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

void ts_test_hold(const char *point, const volatile sig_atomic_t *stop) {
    const char *spec = getenv("TENSORSTAGE_HOLD");
    size_t n = strlen(point);
    if (!spec || strncmp(spec, point, n) != 0 || spec[n] != ':' || !spec[n + 1]) return;
    const char *file = spec + n + 1;
    char held[TS_PATH_MAX];
    snprintf(held, sizeof held, "%s.held", file);
    int fd = open(held, O_WRONLY | O_CREAT | O_CLOEXEC, 0666);
    if (fd >= 0) close(fd);
    struct stat st;
    struct timespec t = {0, 5 * 1000000L};
    while (stat(file, &st) != 0 && !(stop && *stop))   /* another thread (GL's) may take the signal */
        if (nanosleep(&t, NULL) != 0 && errno == EINTR) return;   /* a signal: the caller sees its flag */
}

/* rename(from, to) that fails with EEXIST instead of replacing to. */
static int rename_noreplace(const char *from, const char *to) {
#ifdef RENAME_NOREPLACE
    static int no_renameat2 = -1;
    if (no_renameat2 < 0) no_renameat2 = getenv("TENSORSTAGE_NO_RENAMEAT2") != NULL;
    if (!no_renameat2) {
        if (renameat2(AT_FDCWD, from, AT_FDCWD, to, RENAME_NOREPLACE) == 0) return 0;
        if (errno != ENOSYS && errno != EINVAL) return -1;   /* EINVAL: this file system cannot */
    }
#endif
    if (link(from, to) != 0) return -1;
    unlink(from);
    return 0;
}

/* The backup name of an old file while a forced publish runs. */
static void backup_name(const char *path, char *out, size_t len) {
    char tmp[TS_PATH_MAX];
    ts_out_temp_name(path, tmp, sizeof tmp);
    size_t n = strlen(tmp), sl = strlen(".tensorstage-part");
    snprintf(out, len, "%.*s.tensorstage-old", (int)(n - sl), tmp);
}

enum { NEW, LINKED, MOVED };   /* what a name held before: nothing, or an old file kept as a backup */

static int fail(char *err, size_t errlen, int code, const char *path, const char *what, int e) {
    char sh[128];
    snprintf(err, errlen, "%s: %s%s%s", ts_path_shown(path, sh, sizeof sh), what, e ? ": " : "", e ? strerror(e) : "");
    return code;
}

int ts_out_publish_set(long n, ts_out_name_fn name, void *user, bool force, char *err, size_t errlen) {
    char path[TS_PATH_MAX], tmp[TS_PATH_MAX], bak[TS_PATH_MAX];
    uint8_t *was = calloc((size_t)(n > 0 ? n : 1), 1);
    if (!was) {
        snprintf(err, errlen, "out of memory publishing %ld files", n);
        return TS_OUT_FAILED;
    }
    ts_test_hold("publish", NULL);
    int rc = TS_OUT_OK;
    long i = 0, kept = 0;   /* names published; old files kept as backups */
    if (force) {            /* keep every old file before the first name changes */
        for (; kept < n && rc == TS_OUT_OK; kept++) {
            name(user, kept, path, sizeof path);
            struct stat st;
            if (lstat(path, &st) != 0) {
                if (errno != ENOENT) rc = fail(err, errlen, TS_OUT_FAILED, path, "cannot look at it", errno);
                continue;
            }
            if (!S_ISREG(st.st_mode)) {
                rc = fail(err, errlen, TS_OUT_EXISTS, path, S_ISDIR(st.st_mode) ? "is a folder; --force replaces only "
                          "regular files" : "is not a regular file (a link, a pipe or a device); --force replaces "
                          "only regular files", 0);
                break;
            }
            backup_name(path, bak, sizeof bak);
            unlink(bak);
            if (link(path, bak) == 0) was[kept] = LINKED;
            else if (rename(path, bak) == 0) was[kept] = MOVED;   /* no hard links here: the name is free a moment */
            else { rc = fail(err, errlen, TS_OUT_FAILED, path, "cannot keep the old file while replacing it", errno); break; }
        }
    }
    for (; rc == TS_OUT_OK && i < n; i++) {
        name(user, i, path, sizeof path);
        ts_out_temp_name(path, tmp, sizeof tmp);
        if ((was[i] == LINKED ? rename(tmp, path) : rename_noreplace(tmp, path)) == 0) continue;
        /* i stays the first name not published (the break skips the i++) */
        int e = errno;
        struct stat st;
        if (e == EEXIST || (e == ENOTEMPTY || e == EISDIR))
            rc = fail(err, errlen, TS_OUT_EXISTS, path, lstat(path, &st) == 0 && S_ISDIR(st.st_mode)
                      ? "a folder appeared at this name during the run"
                      : "appeared during the run (another run's output?)", 0);
        else rc = fail(err, errlen, TS_OUT_FAILED, path, "cannot move the finished file into place", e);
        break;
    }
    if (rc != TS_OUT_OK) {   /* undo: names published get their old file back, or none */
        for (long k = 0; k < n; k++) {
            name(user, k, path, sizeof path);
            if (k < i) {
                if (was[k] == NEW) unlink(path);
            } else {
                ts_out_temp_name(path, tmp, sizeof tmp);
                unlink(tmp);
            }
            if (k < kept && was[k] != NEW) {
                backup_name(path, bak, sizeof bak);
                if (k >= i && was[k] == LINKED) unlink(bak);   /* the old file never left its name */
                else rename(bak, path);                        /* on failure the backup is the old file: kept */
            }
        }
    } else {
        for (long k = 0; k < kept; k++)
            if (was[k] != NEW) {
                name(user, k, path, sizeof path);
                backup_name(path, bak, sizeof bak);
                unlink(bak);
            }
    }
    free(was);
    return rc;
}

static void name_of_list(void *user, long i, char *buf, size_t len) {
    snprintf(buf, len, "%s", ((const char *const *)user)[i]);
}

int ts_out_publish_all(const char *const *path, int n, bool force, char *err, size_t errlen) {
    return ts_out_publish_set(n, name_of_list, (void *)path, force, err, errlen);
}

int ts_out_publish(const char *tmp, const char *path, bool force, char *err, size_t errlen) {
    char want[TS_PATH_MAX];
    ts_out_temp_name(path, want, sizeof want);
    if (strcmp(want, tmp) != 0) {   /* every temporary comes from ts_out_open or ts_out_temp_name */
        unlink(tmp);
        snprintf(err, errlen, "%s: internal error: a temporary under another name", path);
        return TS_OUT_FAILED;
    }
    return ts_out_publish_all(&path, 1, force, err, errlen);
}
