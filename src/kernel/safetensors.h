/* safetensors.h: trained weights as safetensors files, the format PyTorch
 * users load with `safetensors.torch.load_file`, both ways.
 *
 * The file: 8 bytes, the header's length N as a little-endian u64; N bytes of
 * JSON (UTF-8), an object with one entry per tensor,
 *   "conv1.weight": {"dtype": "F32", "shape": [8,1,3,3], "data_offsets": [BEGIN, END]}
 * and an optional "__metadata__" object of string values; then the data:
 * little-endian values, row-major, BEGIN..END relative to the data's start.
 *
 * Writing: ts_st_write takes a dump (dump.h) and writes its tensors as F32
 * under their names, and its params into "__metadata__" (numbers as "%.17g",
 * which reads back as the same double; the dump's scene name as "scene").
 * The header is padded with spaces so the data starts 8-byte aligned, and
 * the tensors lie back to back in the dump's order. Like every output it is
 * written to a temporary beside path and renamed when complete (fileio.h);
 * refusing to overwrite is the caller's policy.
 *
 *   ts_dump *d = ts_dump_new("cnn", 0);
 *   ts_dump_param(d, "held_out_accuracy", acc);  ts_dump_tensor(d, w);
 *   if (ts_st_write(d, "assets/cnn.safetensors", err, sizeof err) != 0) ...
 *
 * Reading: ts_st_read returns the same kind of dump, living in the caller's
 * arena (ts_dump_find, ts_dump_get_param...): every F32 tensor; every
 * metadata value that is a whole decimal number (strtod reads all of it, and
 * it is finite) as a number param, any other as a string param; "scene" as
 * the dump's scene name. Everything is checked before anything is allocated:
 * header length within the file and below 100 MB, JSON an object, every entry
 * an object with a known dtype (only F32 is accepted), a shape of at most
 * TS_MAX_DIMS non-negative integers whose product times 4 is the entry's byte
 * count, data_offsets inside the data, no two tensors overlapping, no bytes
 * belonging to none, no duplicate or overlong names, no non-finite values.
 * On error: NULL, the arena untouched, and one line "FILE: what" in err.
 */
#ifndef TS_SAFETENSORS_H
#define TS_SAFETENSORS_H

#include "dump.h"

/* 0 on success; nonzero and "PATH: what" in err on failure (a tensor with a
 * non-finite value is refused, like the JSON dump refuses one). */
int ts_st_write(const ts_dump *d, const char *path, char *err, size_t errlen);

/* Parses a file (or len bytes in memory; where names it in messages). */
ts_dump *ts_st_read(const char *path, ts_arena *a, char *err, size_t errlen);
ts_dump *ts_st_parse(const char *where, const void *buf, size_t len, ts_arena *a,
                     char *err, size_t errlen);

#endif
