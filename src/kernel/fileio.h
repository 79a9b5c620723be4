/* fileio.h: how every output is written and every input is opened, so the
 * promises of the README hold in one place.
 *
 * Outputs are atomic. A writer checks its path first (ts_out_check: the
 * folder exists and is writable, the name is free unless --force), then
 * writes to a hidden temporary beside it, ".NAME.HOST-PID.tensorstage-part", and
 * publishes it as NAME only when complete (ts_out_commit, ts_out_publish*),
 * never replacing a file that exists at that moment unless --force, and then
 * only a regular file (publish.c). A failure or an
 * interruption removes the temporary (ts_out_discard); a process that was
 * killed leaves one behind, which the next check of that folder removes once
 * its PID is gone. So a final name holds either the old file or the whole new
 * one, never a part.
 *
 *   char tmp[TS_PATH_MAX], err[512];
 *   if (!ts_out_check(path, force, err, sizeof err)) -> user's mistake (exit 2)
 *   FILE *f = ts_out_open(path, tmp, sizeof tmp, err, sizeof err);
 *   ... write to f ...
 *   ts_out_close_publish(f, tmp, path, force, err, sizeof err)  or  ts_out_close_discard(f, tmp)
 *
 * Inputs are opened with ts_in_open: non-blocking, and only a regular file is
 * accepted, so a FIFO or a device named as an input is refused at once
 * instead of blocking. Paths in messages go through ts_path_shown, which
 * keeps a long path's end, so the reason after it is never cut off.
 *
 * Errors: false / NULL, and one line in err that names the file.
 */
#ifndef TS_FILEIO_H
#define TS_FILEIO_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define TS_PATH_MAX 4200

/* A path for a message: itself if short, else "..." and its last characters.
 * buf must hold at least 100 bytes. */
const char *ts_path_shown(const char *path, char *buf, size_t len);

/* Opens an existing regular file for reading ("rb"); NULL and err if it is
 * missing, unreadable, or not a regular file (a folder, a FIFO, a device). */
FILE *ts_in_open(const char *path, char *err, size_t errlen);

/* May path be written? Its folder must exist and accept new files; its name
 * must fit the file system (255 bytes); path must not exist unless force, and
 * even with force must be a regular file (not a folder, a link, dangling or
 * not, a pipe or a device). Removes stale temporaries of dead processes from
 * that folder. */
bool ts_out_check(const char *path, bool force, char *err, size_t errlen);

/* Like ts_out_check for a folder that will receive files: dir may exist (as a
 * folder, writable) or be created in an existing writable parent. */
bool ts_out_check_dir(const char *dir, char *err, size_t errlen);

/* The temporary name for path (in the same folder):
 * ".NAME.HOST-PID.tensorstage-part", HOST a hash of this machine's name. */
void ts_out_temp_name(const char *path, char *tmp, size_t tmplen);

/* Creates path's temporary (tmp receives its name) and opens it for writing. */
FILE *ts_out_open(const char *path, char *tmp, size_t tmplen, char *err, size_t errlen);

/* Publishes a complete temporary (made by ts_out_open or named by
 * ts_out_temp_name) as path, replacing a regular file there (the caller
 * decided that, with ts_out_check: library writers, tests, trainers); on
 * failure the temporary is removed. The app's outputs use ts_out_publish*
 * with the user's --force instead, which never replace without it. */
bool ts_out_commit(const char *tmp, const char *path, char *err, size_t errlen);

/* Results of the publishing calls below, chosen to be exit codes. */
enum { TS_OUT_OK = 0, TS_OUT_FAILED = 1, TS_OUT_EXISTS = 2 };

/* Publishes n files together (a render's frames, a video and its subtitles):
 * name(user, i, buf, len) gives the final name of file i, whose complete
 * temporary is ts_out_temp_name of it. All get their names, or none does and
 * every old file is back under its name. Without force, a name that exists
 * (whatever it is, even a dangling link) is never replaced: TS_OUT_EXISTS.
 * With force, regular files are replaced and anything else (a folder, a
 * link, a pipe, a device) is refused: TS_OUT_EXISTS. TS_OUT_FAILED for the
 * file system's failures. In every failure all n temporaries are removed
 * and err names the file. See publish.c. */
typedef void (*ts_out_name_fn)(void *user, long i, char *buf, size_t len);
int ts_out_publish_set(long n, ts_out_name_fn name, void *user, bool force, char *err, size_t errlen);
/* The same for a list of n final names. */
int ts_out_publish_all(const char *const *path, int n, bool force, char *err, size_t errlen);
/* The same for one file. */
int ts_out_publish(const char *tmp, const char *path, bool force, char *err, size_t errlen);

/* Test hook: with TENSORSTAGE_HOLD=POINT:FILE in the environment, creates
 * FILE.held and waits until FILE exists, a signal interrupts the wait, or
 * *stop is set (stop may be NULL); otherwise returns at once. Points:
 * "publish" (before any name changes), "frame:K" (render and record, before
 * frame K). */
void ts_test_hold(const char *point, const volatile sig_atomic_t *stop);

/* Closes f, reporting a failed flush: on failure the temporary is removed
 * and false returned; on success it waits, complete, for a commit. */
bool ts_out_close(FILE *f, const char *tmp, const char *path, char *err, size_t errlen);

/* Closes f (reporting a failed flush), then ts_out_commit; on any failure
 * the temporary is removed and false returned. */
bool ts_out_close_commit(FILE *f, const char *tmp, const char *path, char *err, size_t errlen);

/* ts_out_close, then ts_out_publish: a TS_OUT_ result. */
int ts_out_close_publish(FILE *f, const char *tmp, const char *path, bool force, char *err, size_t errlen);

/* Closes f (if any) and removes the temporary. */
void ts_out_close_discard(FILE *f, const char *tmp);

/* Removes this machine's ".*.HOST-PID.tensorstage-part" files in dir whose
 * process is gone.
 * Returns how many were removed. */
int ts_out_clean_stale(const char *dir);

#endif
