/* dump.h: named tensors and scalar parameters as JSON (cJSON), both ways.
 *
 * The format is the contract of DESIGN.md:
 *   { "scene": "conv", "beat": 3,
 *     "params":  { "stride": 1, "padding": 1, "sentence": "the cat" },
 *     "tensors": { "conv1.weight": { "shape": [4,1,3,3], "data": [ ... ] } } }
 * Data is flat and row-major. Floats are written with enough digits that
 * reading them back gives the identical float (exact round trip).
 *
 * The same files serve as the kernel's PyTorch fixtures (tools/make_fixtures.py
 * writes them), so one reader handles both.
 *
 * Writing: build with ts_dump_new, add params and tensors (the dump copies
 * their data), then ts_dump_write or ts_dump_to_string; ts_dump_free at the end.
 * Reading: ts_dump_read parses a file into tensors allocated in the caller's
 * arena. On error these return NULL / nonzero and write one line that says
 * what and where into err; nothing else changes.
 */
#ifndef TS_DUMP_H
#define TS_DUMP_H

#include "tensor.h"

typedef struct ts_dump ts_dump;

ts_dump *ts_dump_new(const char *scene, int beat);
/* A dump that lives in the caller's arena, like one read from a file (other
 * readers of tensor files, safetensors.h, build theirs with it). */
ts_dump *ts_dump_new_in(ts_arena *a, const char *scene, int beat);
void     ts_dump_free(ts_dump *d);
void     ts_dump_param(ts_dump *d, const char *name, double value);
void     ts_dump_param_str(ts_dump *d, const char *name, const char *value);
void     ts_dump_tensor(ts_dump *d, const ts_tensor *t);      /* copies data */
/* A new zero-filled tensor owned by the dump, for the caller to fill (no
 * copy); a tensor already of that name is replaced. */
ts_tensor *ts_dump_add_tensor(ts_dump *d, const char *name, int ndim, const int *shape);
/* Returns a malloc'd string (caller frees) */
char    *ts_dump_to_string(const ts_dump *d);
/* 0 on success; on failure nonzero and a message in err. Writes a temporary
 * beside path and renames it over path when complete (fileio.h), so path
 * holds the old file or the whole new one; refusing to overwrite is the
 * caller's policy. */
int      ts_dump_write(const ts_dump *d, const char *path, char *err, size_t errlen);

/* Parse a file (or a string) written in the format above. Tensors are
 * allocated in arena a and live as long as its contents. */
ts_dump *ts_dump_read(const char *path, ts_arena *a, char *err, size_t errlen);
ts_dump *ts_dump_parse(const char *json, ts_arena *a, char *err, size_t errlen);

const char      *ts_dump_scene(const ts_dump *d);
int              ts_dump_beat(const ts_dump *d);
int              ts_dump_tensor_count(const ts_dump *d);
const ts_tensor *ts_dump_tensor_at(const ts_dump *d, int i);
const ts_tensor *ts_dump_find(const ts_dump *d, const char *name);  /* NULL if absent */
bool             ts_dump_get_param(const ts_dump *d, const char *name, double *out);
const char      *ts_dump_get_param_str(const ts_dump *d, const char *name);
/* Params in the order they were added: name, and either a string (*str not
 * NULL) or a number (*num). */
int              ts_dump_param_count(const ts_dump *d);
const char      *ts_dump_param_at(const ts_dump *d, int i, double *num, const char **str);

#endif
