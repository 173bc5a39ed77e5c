/* Writing a block-compressed recording (blockgz.h): blocks of whole lines,
 * each deflated into a gzip member that states its own size. */
#include "session/blockgz.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "session/blockgz_format.h"

typedef struct BlockGzWriter {
    z_stream z;
    unsigned char *out; /* one member: header, deflated data, trailer */
    size_t out_cap;
    int fd;
    char *err;
    size_t errsize;
} BlockGzWriter;

static int BlockGz_write_all(BlockGzWriter *w, const unsigned char *p, size_t n)
{
    while (n > 0) {
        ssize_t k = write(w->fd, p, n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0) {
            snprintf(w->err, w->errsize, "writing the compressed recording: %s",
                     k < 0 ? strerror(errno) : "nothing written");
            return -1;
        }
        p += k;
        n -= (size_t)k;
    }
    return 0;
}

static void BlockGz_member_header(unsigned char *h, uint32_t member_size)
{
    static const unsigned char fixed[12] = {
        0x1f, 0x8b, 8, BLOCKGZ_FLG_EXTRA, 0, 0, 0, 0, 0, 0xff, BLOCKGZ_XLEN, 0,
    };
    memcpy(h, fixed, sizeof fixed);
    h[12] = 'C';
    h[13] = 'O';
    h[14] = 4;
    h[15] = 0;
    BlockGz_put32(h + 16, member_size);
}

/* One block: len bytes of plain recording, written as one member. */
static int BlockGz_write_block(BlockGzWriter *w, const unsigned char *data, size_t len)
{
    if (deflateReset(&w->z) != Z_OK)
        goto broken;
    w->z.next_in = (unsigned char *)data;
    w->z.avail_in = (uInt)len;
    w->z.next_out = w->out + BLOCKGZ_HEADER;
    w->z.avail_out = (uInt)(w->out_cap - BLOCKGZ_HEADER - BLOCKGZ_TRAILER);
    if (deflate(&w->z, Z_FINISH) != Z_STREAM_END)
        goto broken;
    size_t size = BLOCKGZ_HEADER + w->z.total_out + BLOCKGZ_TRAILER;
    BlockGz_member_header(w->out, (uint32_t)size);
    BlockGz_put32(w->out + size - 8, (uint32_t)crc32(0L, data, (uInt)len));
    BlockGz_put32(w->out + size - 4, (uint32_t)len);
    return BlockGz_write_all(w, w->out, size);
broken:
    snprintf(w->err, w->errsize, "compressing the recording: %s",
             w->z.msg ? w->z.msg : "zlib failed");
    return -1;
}

/* Where the block in buf[0, len) ends: after its last newline, so blocks
 * hold whole lines (a line longer than a block is cut where it must be). */
static size_t BlockGz_block_end(const unsigned char *buf, size_t len, bool at_eof)
{
    if (at_eof && len < BLOCKGZ_BLOCK_MAX)
        return len;
    for (size_t i = len; i > 0; i--)
        if (buf[i - 1] == '\n')
            return i;
    return len;
}

static ssize_t BlockGz_read_some(int fd, unsigned char *p, size_t n)
{
    ssize_t k;
    do
        k = read(fd, p, n);
    while (k < 0 && errno == EINTR);
    return k;
}

static int BlockGz_pump(BlockGzWriter *w, int in)
{
    unsigned char *buf = malloc(BLOCKGZ_BLOCK_MAX);
    size_t len = 0;
    bool eof = false;
    int rc = buf ? 0 : -1;
    while (rc == 0 && (!eof || len > 0)) {
        while (!eof && len < BLOCKGZ_BLOCK_MAX) {
            ssize_t k = BlockGz_read_some(in, buf + len, BLOCKGZ_BLOCK_MAX - len);
            if (k < 0) {
                snprintf(w->err, w->errsize, "reading the recording: %s", strerror(errno));
                rc = -1;
                break;
            }
            eof = k == 0;
            len += (size_t)k;
        }
        if (rc != 0 || len == 0)
            break;
        size_t cut = BlockGz_block_end(buf, len, eof);
        rc = BlockGz_write_block(w, buf, cut);
        memmove(buf, buf + cut, len - cut);
        len -= cut;
    }
    if (!buf)
        snprintf(w->err, w->errsize, "out of memory");
    free(buf);
    return rc;
}

int BlockGz_compress(int in, int out, char *err, size_t errsize)
{
    BlockGzWriter w;
    memset(&w, 0, sizeof w);
    w.fd = out;
    w.err = err;
    w.errsize = errsize;
    /* Raw deflate (negative window bits): the gzip framing is ours. */
    if (deflateInit2(&w.z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
        snprintf(err, errsize, "compressing the recording: zlib would not start");
        return -1;
    }
    w.out_cap = BLOCKGZ_HEADER + deflateBound(&w.z, BLOCKGZ_BLOCK_MAX) + BLOCKGZ_TRAILER;
    w.out = malloc(w.out_cap);
    int rc = w.out ? BlockGz_pump(&w, in) : -1;
    if (!w.out)
        snprintf(err, errsize, "out of memory");
    free(w.out);
    deflateEnd(&w.z);
    return rc;
}
