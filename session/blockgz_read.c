/* Reading a block-compressed recording (blockgz.h): the blocks are found
 * from the sizes their headers state, then inflated one at a time as the
 * plain offsets asked for fall into them (the last one kept). */
#include "session/blockgz.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "session/blockgz_format.h"

typedef struct BlockGzBlock {
    int64_t at;    /* where its member starts in the file */
    uint32_t size; /* the member's size */
    int64_t plain; /* where its bytes start in the plain recording */
    uint32_t len;  /* how many plain bytes it holds */
} BlockGzBlock;

struct BlockGz {
    int fd;
    char path[1024];
    BlockGzBlock *blocks;
    size_t n, cap;
    int64_t size;
    z_stream z;
    unsigned char *packed; /* one member as read */
    unsigned char *plain;  /* the cached block's bytes */
    size_t cached;         /* its number, or SIZE_MAX */
    char cut[256];
    char error[1300];
};

static ssize_t BlockGz_pread_file(int fd, void *buf, size_t n, int64_t at)
{
    ssize_t k;
    do
        k = pread(fd, buf, n, (off_t)at);
    while (k < 0 && errno == EINTR);
    return k;
}

/* The member size a block header states, or 0 when h is not one. */
static uint32_t BlockGz_member_size(const unsigned char h[BLOCKGZ_HEADER])
{
    if (h[0] != 0x1f || h[1] != 0x8b || h[2] != 8 || h[3] != BLOCKGZ_FLG_EXTRA ||
        h[10] != BLOCKGZ_XLEN || h[11] != 0 || h[12] != 'C' || h[13] != 'O' || h[14] != 4 ||
        h[15] != 0)
        return 0;
    uint32_t size = BlockGz_get32(h + 16);
    return size >= BLOCKGZ_HEADER + BLOCKGZ_TRAILER ? size : 0;
}

bool BlockGz_detect(int fd)
{
    unsigned char h[BLOCKGZ_HEADER];
    return BlockGz_pread_file(fd, h, sizeof h, 0) == (ssize_t)sizeof h &&
           BlockGz_member_size(h) != 0;
}

static int BlockGz_add(BlockGz *g, int64_t at, uint32_t size, uint32_t len)
{
    if (g->n == g->cap) {
        size_t cap = g->cap ? g->cap * 2 : 256;
        BlockGzBlock *b = realloc(g->blocks, cap * sizeof *b);
        if (!b)
            return -1;
        g->blocks = b;
        g->cap = cap;
    }
    g->blocks[g->n++] = (BlockGzBlock){at, size, g->size, len};
    g->size += len;
    return 0;
}

/* The block at byte at: 1 found, 0 the file ends inside it (cut), -1 not a
 * block (err says why). */
static int BlockGz_scan_one(BlockGz *g, int64_t at, int64_t file_size, char *err, size_t errsize)
{
    unsigned char h[BLOCKGZ_HEADER], tail[4];
    ssize_t k = BlockGz_pread_file(g->fd, h, sizeof h, at);
    uint32_t size = k == (ssize_t)sizeof h ? BlockGz_member_size(h) : 0;
    if (k < 0) {
        snprintf(err, errsize, "%s: %s", g->path, strerror(errno));
        return -1;
    }
    if (k < (ssize_t)sizeof h)
        return 0;
    if (size == 0 || size > BLOCKGZ_HEADER + BLOCKGZ_TRAILER + 2 * BLOCKGZ_BLOCK_MAX) {
        snprintf(err, errsize, "%s: not a block-compressed recording at byte %lld (block %zu)",
                 g->path, (long long)at, g->n + 1);
        return -1;
    }
    if (at + size > file_size)
        return 0;
    if (BlockGz_pread_file(g->fd, tail, sizeof tail, at + size - 4) != (ssize_t)sizeof tail ||
        BlockGz_get32(tail) > BLOCKGZ_BLOCK_MAX) {
        snprintf(err, errsize, "%s: block %zu at byte %lld states an impossible size", g->path,
                 g->n + 1, (long long)at);
        return -1;
    }
    return BlockGz_add(g, at, size, BlockGz_get32(tail)) == 0 ? 1 : -1;
}

static int BlockGz_scan(BlockGz *g, char *err, size_t errsize)
{
    struct stat st;
    if (fstat(g->fd, &st) != 0) {
        snprintf(err, errsize, "%s: %s", g->path, strerror(errno));
        return -1;
    }
    int64_t at = 0;
    while (at < st.st_size) {
        int rc = BlockGz_scan_one(g, at, st.st_size, err, errsize);
        if (rc < 0)
            return -1;
        if (rc == 0) {
            snprintf(g->cut, sizeof g->cut,
                     "the compressed file is cut inside block %zu (byte %lld of %lld); "
                     "replaying the %zu whole blocks before it",
                     g->n + 1, (long long)at, (long long)st.st_size, g->n);
            break;
        }
        at += g->blocks[g->n - 1].size;
    }
    return 0;
}

BlockGz *BlockGz_open(int fd, const char *path, char *err, size_t errsize)
{
    BlockGz *g = calloc(1, sizeof *g);
    if (!g) {
        snprintf(err, errsize, "%s: out of memory", path);
        return NULL;
    }
    g->fd = fd;
    g->cached = SIZE_MAX;
    snprintf(g->path, sizeof g->path, "%s", path);
    g->packed = malloc(BLOCKGZ_HEADER + BLOCKGZ_TRAILER + 2 * BLOCKGZ_BLOCK_MAX);
    g->plain = malloc(BLOCKGZ_BLOCK_MAX);
    bool ok = g->packed && g->plain && inflateInit2(&g->z, -15) == Z_OK;
    if (!ok)
        snprintf(err, errsize, "%s: out of memory", path);
    if (!ok || BlockGz_scan(g, err, errsize) != 0) {
        if (ok)
            inflateEnd(&g->z);
        free(g->packed);
        free(g->plain);
        free(g->blocks);
        free(g);
        return NULL;
    }
    return g;
}

void BlockGz_close(BlockGz *g)
{
    if (!g)
        return;
    inflateEnd(&g->z);
    free(g->packed);
    free(g->plain);
    free(g->blocks);
    free(g);
}

int64_t BlockGz_size(const BlockGz *g)
{
    return g->size;
}

const char *BlockGz_error(const BlockGz *g)
{
    return g->error;
}

const char *BlockGz_cut(const BlockGz *g)
{
    return g->cut;
}

/* The block holding plain offset at (at < size). */
static size_t BlockGz_find(const BlockGz *g, int64_t at)
{
    size_t lo = 0, hi = g->n;
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (g->blocks[mid].plain <= at)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

/* Inflates block i into g->plain, its checksum and size checked. */
static int BlockGz_load(BlockGz *g, size_t i)
{
    if (g->cached == i)
        return 0;
    const BlockGzBlock *b = &g->blocks[i];
    g->cached = SIZE_MAX;
    if (BlockGz_pread_file(g->fd, g->packed, b->size, b->at) != (ssize_t)b->size) {
        snprintf(g->error, sizeof g->error, "%s: block %zu could not be read", g->path, i + 1);
        return -1;
    }
    g->z.next_in = g->packed + BLOCKGZ_HEADER;
    g->z.avail_in = b->size - BLOCKGZ_HEADER - BLOCKGZ_TRAILER;
    g->z.next_out = g->plain;
    g->z.avail_out = BLOCKGZ_BLOCK_MAX;
    int rc = inflateReset(&g->z) == Z_OK ? inflate(&g->z, Z_FINISH) : Z_DATA_ERROR;
    const unsigned char *trailer = g->packed + b->size - BLOCKGZ_TRAILER;
    if (rc != Z_STREAM_END || g->z.total_out != b->len ||
        crc32(0L, g->plain, b->len) != BlockGz_get32(trailer)) {
        snprintf(g->error, sizeof g->error,
                 "%s: block %zu (byte %lld) is damaged: its data does not inflate to what its "
                 "checksum says",
                 g->path, i + 1, (long long)b->at);
        return -1;
    }
    g->cached = i;
    return 0;
}

ssize_t BlockGz_pread(BlockGz *g, void *buf, size_t n, int64_t offset)
{
    size_t got = 0;
    while (got < n && offset < g->size) {
        size_t i = BlockGz_find(g, offset);
        if (BlockGz_load(g, i) != 0)
            return -1;
        const BlockGzBlock *b = &g->blocks[i];
        size_t from = (size_t)(offset - b->plain), take = b->len - from;
        if (take > n - got)
            take = n - got;
        memcpy((char *)buf + got, g->plain + from, take);
        got += take;
        offset += (int64_t)take;
    }
    return (ssize_t)got;
}
