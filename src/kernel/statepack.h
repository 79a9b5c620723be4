/* statepack.h: raw bytes (a trainer snapshot: floats, RNG words, counters)
 * carried exactly through float-only files (safetensors F32, JSON dumps).
 *
 *   size_t nf = ts_pack_floats(nbytes);
 *   ts_pack_bytes_to_floats(floats, bytes, nbytes);      // each float holds 16 bits
 *   ts_pack_floats_to_bytes(bytes, floats, nbytes);      // false if one is not 0..65535
 *
 * Every float is a whole number 0..65535 (two bytes, little end first), so
 * it is finite and reads back bit for bit whatever the bytes were.
 */
#ifndef TS_STATEPACK_H
#define TS_STATEPACK_H

#include <stdbool.h>
#include <stddef.h>

size_t ts_pack_floats(size_t nbytes);
void   ts_pack_bytes_to_floats(float *out, const void *bytes, size_t nbytes);
/* false (and out unspecified) if a float is not a whole number 0..65535 */
bool   ts_pack_floats_to_bytes(void *out, const float *in, size_t nbytes);

#endif
