/* The layout of one block (blockgz.h), shared by its writer and reader:
 * a gzip member whose header carries an extra field with one subfield,
 * "CO", holding the member's whole size. */
#ifndef CUTOVER_SESSION_BLOCKGZ_FORMAT_H
#define CUTOVER_SESSION_BLOCKGZ_FORMAT_H

#include <stdint.h>

enum {
    BLOCKGZ_HEADER = 20, /* 10 fixed bytes, XLEN, the subfield's 4+4 */
    BLOCKGZ_TRAILER = 8, /* CRC-32 and the plain size */
    BLOCKGZ_XLEN = 8,    /* the extra field holds the one subfield */
    BLOCKGZ_FLG_EXTRA = 4,
};

static inline void BlockGz_put32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
    p[2] = (unsigned char)(v >> 16);
    p[3] = (unsigned char)(v >> 24);
}

static inline uint32_t BlockGz_get32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

#endif
