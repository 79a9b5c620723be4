/* statepack.c: bytes as 16-bit pieces in floats (see statepack.h). */
#include "statepack.h"

size_t ts_pack_floats(size_t nbytes) { return (nbytes + 1) / 2; }

void ts_pack_bytes_to_floats(float *out, const void *bytes, size_t nbytes) {
    const unsigned char *b = bytes;
    for (size_t i = 0; i < nbytes; i += 2) {
        unsigned v = b[i] | (i + 1 < nbytes ? (unsigned)b[i + 1] << 8 : 0u);
        out[i / 2] = (float)v;
    }
}

bool ts_pack_floats_to_bytes(void *out, const float *in, size_t nbytes) {
    unsigned char *b = out;
    for (size_t i = 0; i < nbytes; i += 2) {
        float f = in[i / 2];
        if (!(f >= 0 && f <= 65535) || f != (float)(unsigned)f) return false;
        unsigned v = (unsigned)f;
        b[i] = (unsigned char)(v & 0xffu);
        if (i + 1 < nbytes) b[i + 1] = (unsigned char)(v >> 8);
    }
    return true;
}
