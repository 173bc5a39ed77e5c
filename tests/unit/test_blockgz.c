/* Block-compressed recordings: what goes in comes out byte for byte, from
 * any offset and across blocks; every block holds whole lines; the file is
 * one valid gzip stream for zcat; a damaged block is named, not inflated
 * into garbage, and the blocks around it still read; a file cut inside its
 * last block keeps the whole blocks and says so; a file that is not one is
 * refused at the byte where it stops being one. */
#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "session/blockgz.h"
#include "tests/unit/unit.h"

static char plain_path[64], packed_path[64];

/* ~600 KB of lines of varied lengths, one of them longer than a block. */
static char *make_plain(size_t *len)
{
    size_t cap = 1 << 20, n = 0;
    char *p = malloc(cap);
    ck_assert_ptr_nonnull(p);
    for (int i = 0; i < 6000; i++)
        n += (size_t)snprintf(p + n, cap - n,
                              "{\"t\":%d,\"k\":\"sample\",\"key\":\"k%d\",\"v\":%d}\n", 1000 + i,
                              i % 37, (i * 7919) % 100003);
    memset(p + n, 'x', BLOCKGZ_BLOCK_MAX + 100); /* an over-long line */
    n += BLOCKGZ_BLOCK_MAX + 100;
    p[n++] = '\n';
    for (int i = 0; i < 3000; i++)
        n += (size_t)snprintf(p + n, cap - n, "{\"t\":%d,\"k\":\"note\",\"x\":\"line %d\"}\n",
                              9000 + i, i);
    *len = n;
    return p;
}

static int write_temp(char *path, const char *templ, const void *data, size_t len)
{
    snprintf(path, 64, "%s", templ);
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, data, len), (ssize_t)len);
    ck_assert_int_eq(lseek(fd, 0, SEEK_SET), 0);
    return fd;
}

/* Compresses plain into a temporary file; returns its descriptor. */
static int compress_plain(const char *plain, size_t len)
{
    int in = write_temp(plain_path, "/tmp/test_blockgz_plain.XXXXXX", plain, len);
    snprintf(packed_path, sizeof packed_path, "/tmp/test_blockgz_packed.XXXXXX");
    int out = mkstemp(packed_path);
    ck_assert_int_ge(out, 0);
    char err[256];
    ck_assert_msg(BlockGz_compress(in, out, err, sizeof err) == 0, "%s", err);
    close(in);
    unlink(plain_path);
    return out;
}

static void done(int fd)
{
    close(fd);
    unlink(packed_path);
}

START_TEST(round_trip_from_any_offset)
{
    size_t len;
    char *plain = make_plain(&len);
    int fd = compress_plain(plain, len);
    char err[256];
    ck_assert(BlockGz_detect(fd));
    BlockGz *g = BlockGz_open(fd, packed_path, err, sizeof err);
    ck_assert_msg(g != NULL, "%s", err);
    ck_assert_int_eq(BlockGz_size(g), (int64_t)len);
    ck_assert_str_eq(BlockGz_cut(g), "");
    char *back = malloc(len + 1);
    ck_assert_int_eq(BlockGz_pread(g, back, len + 1, 0), (ssize_t)len);
    ck_assert(memcmp(back, plain, len) == 0);
    /* Pieces that start and end anywhere, across blocks, backwards. */
    srand(7);
    for (int i = 0; i < 200; i++) {
        int64_t at = rand() % (int)len;
        size_t n = (size_t)(rand() % 150000);
        ssize_t got = BlockGz_pread(g, back, n, at);
        size_t want = (size_t)at + n > len ? len - (size_t)at : n;
        ck_assert_int_eq(got, (ssize_t)want);
        ck_assert(memcmp(back, plain + at, want) == 0);
    }
    ck_assert_int_eq(BlockGz_pread(g, back, 10, (int64_t)len), 0);
    BlockGz_close(g);
    free(back);
    free(plain);
    done(fd);
}
END_TEST

/* Inflates the file as one gzip stream of many members (what zcat does);
 * counts the members and checks each one ends at a line's end. */
static size_t gunzip_all(int fd, char *out, size_t cap, int *members, int *whole_lines)
{
    off_t size = lseek(fd, 0, SEEK_END);
    unsigned char *in = malloc((size_t)size);
    ck_assert_int_eq(pread(fd, in, (size_t)size, 0), size);
    z_stream z;
    memset(&z, 0, sizeof z);
    ck_assert_int_eq(inflateInit2(&z, 16 + 15), Z_OK);
    z.next_in = in;
    z.avail_in = (uInt)size;
    z.next_out = (unsigned char *)out;
    z.avail_out = (uInt)cap;
    *members = *whole_lines = 0;
    for (;;) {
        int rc = inflate(&z, Z_NO_FLUSH);
        ck_assert_msg(rc == Z_OK || rc == Z_STREAM_END, "inflate: %d", rc);
        if (rc != Z_STREAM_END)
            continue;
        (*members)++;
        size_t got = cap - z.avail_out;
        *whole_lines += got > 0 && out[got - 1] == '\n';
        if (z.avail_in == 0)
            break;
        ck_assert_int_eq(inflateReset(&z), Z_OK);
    }
    size_t got = cap - z.avail_out;
    inflateEnd(&z);
    free(in);
    return got;
}

START_TEST(one_gzip_stream_of_whole_lines)
{
    size_t len;
    char *plain = make_plain(&len);
    int fd = compress_plain(plain, len);
    char *out = malloc(len + 1000);
    int members, whole;
    ck_assert_int_eq(gunzip_all(fd, out, len + 1000, &members, &whole), len);
    ck_assert(memcmp(out, plain, len) == 0);
    ck_assert_int_ge(members, (int)(len / BLOCKGZ_BLOCK_MAX));
    /* Every member ends a line but the one the over-long line was cut in. */
    ck_assert_int_ge(whole, members - 1);
    free(out);
    free(plain);
    done(fd);
}
END_TEST

START_TEST(a_damaged_block_is_named)
{
    size_t len;
    char *plain = make_plain(&len);
    int fd = compress_plain(plain, len);
    char err[256], buf[100];
    /* The second member's data: the first member's size is at byte 16. */
    unsigned char h[20];
    ck_assert_int_eq(pread(fd, h, sizeof h, 0), 20);
    off_t second = (off_t)(h[16] | h[17] << 8 | h[18] << 16 | (uint32_t)h[19] << 24);
    unsigned char b;
    ck_assert_int_eq(pread(fd, &b, 1, second + 40), 1);
    b ^= 0x55;
    ck_assert_int_eq(pwrite(fd, &b, 1, second + 40), 1);
    BlockGz *g = BlockGz_open(fd, packed_path, err, sizeof err);
    ck_assert_msg(g != NULL, "%s", err);
    ck_assert_int_eq(BlockGz_pread(g, buf, sizeof buf, 0), (ssize_t)sizeof buf);
    ck_assert(memcmp(buf, plain, sizeof buf) == 0);
    ck_assert_int_eq(BlockGz_pread(g, buf, sizeof buf, BLOCKGZ_BLOCK_MAX + 10), -1);
    ck_assert_msg(strstr(BlockGz_error(g), "block 2") && strstr(BlockGz_error(g), "damaged"), "%s",
                  BlockGz_error(g));
    /* The blocks after it still read. */
    ck_assert_int_eq(BlockGz_pread(g, buf, sizeof buf, (int64_t)len - 100), 100);
    ck_assert(memcmp(buf, plain + len - 100, 100) == 0);
    BlockGz_close(g);
    free(plain);
    done(fd);
}
END_TEST

START_TEST(a_cut_file_keeps_its_whole_blocks)
{
    size_t len;
    char *plain = make_plain(&len);
    int fd = compress_plain(plain, len);
    off_t size = lseek(fd, 0, SEEK_END);
    ck_assert_int_eq(ftruncate(fd, size - 100), 0);
    char err[256];
    BlockGz *g = BlockGz_open(fd, packed_path, err, sizeof err);
    ck_assert_msg(g != NULL, "%s", err);
    ck_assert_msg(strstr(BlockGz_cut(g), "cut inside block"), "%s", BlockGz_cut(g));
    int64_t kept = BlockGz_size(g);
    ck_assert(kept > 0 && kept < (int64_t)len);
    char *back = malloc((size_t)kept);
    ck_assert_int_eq(BlockGz_pread(g, back, (size_t)kept, 0), kept);
    ck_assert(memcmp(back, plain, (size_t)kept) == 0);
    ck_assert_int_eq(plain[kept - 1], '\n');
    free(back);
    BlockGz_close(g);
    free(plain);
    done(fd);
}
END_TEST

START_TEST(other_files_are_refused)
{
    char err[256];
    const char *text = "{\"cutover_session\":1}\n";
    int fd = write_temp(plain_path, "/tmp/test_blockgz_other.XXXXXX", text, strlen(text));
    ck_assert(!BlockGz_detect(fd));
    close(fd);
    unlink(plain_path);
    /* Blocks, then bytes that are not one. */
    size_t len;
    char *plain = make_plain(&len);
    fd = compress_plain(plain, len);
    off_t size = lseek(fd, 0, SEEK_END);
    static const char junk[64] = "not a gzip member at all, just text appended to the file";
    ck_assert_int_eq(pwrite(fd, junk, sizeof junk, size), (ssize_t)sizeof junk);
    ck_assert_ptr_null(BlockGz_open(fd, packed_path, err, sizeof err));
    char want[64];
    snprintf(want, sizeof want, "at byte %lld", (long long)size);
    ck_assert_msg(strstr(err, want) && strstr(err, packed_path), "%s", err);
    free(plain);
    done(fd);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("blockgz");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, round_trip_from_any_offset);
    tcase_add_test(tc, one_gzip_stream_of_whole_lines);
    tcase_add_test(tc, a_damaged_block_is_named);
    tcase_add_test(tc, a_cut_file_keeps_its_whole_blocks);
    tcase_add_test(tc, other_files_are_refused);
    suite_add_tcase(s, tc);
    return Unit_run(s);
}
