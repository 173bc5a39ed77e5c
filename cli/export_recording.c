/* `cutover export --compressed` and `--jsonl`: a finished recording is
 * compressed after the night (the live one stays plain: appended line by
 * line, followed over tmux, a crash costs at most its last line), and the
 * plain lines are always one command away. */
#include "config.h"

#include "cli/export_recording.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/commands.h"
#include "lib/atomic_file.h"
#include "replay/index_file.h"
#include "replay/reader.h"
#include "session/blockgz.h"

enum { EXPORT_CHUNK = 1 << 16 };

/* The recording must be one this cutover reads (its header), so a wrong
 * file is named now rather than compressed or copied. */
static bool ExportRecording_is_session(const char *path, bool *compressed)
{
    char err[1300];
    SessionReader *r = SessionReader_open(path, false, err, sizeof err);
    if (!r) {
        fprintf(stderr, "cutover export: %s\n", err);
        return false;
    }
    *compressed = SessionReader_compressed(r);
    SessionReader_close(r);
    return true;
}

/* Whether the blocks in fd hold exactly the bytes of the plain file in. */
static int ExportRecording_compare(int in, int fd, const char *what, char *err, size_t errsize)
{
    BlockGz *g = BlockGz_open(fd, what, err, errsize);
    if (!g)
        return -1;
    struct stat st;
    char *a = malloc(EXPORT_CHUNK), *b = malloc(EXPORT_CHUNK);
    int rc = a && b && fstat(in, &st) == 0 && BlockGz_size(g) == st.st_size && !BlockGz_cut(g)[0]
                 ? 0
                 : -1;
    for (int64_t at = 0; rc == 0 && at < st.st_size; at += EXPORT_CHUNK) {
        ssize_t n = pread(in, a, EXPORT_CHUNK, (off_t)at);
        rc = n > 0 && BlockGz_pread(g, b, (size_t)n, at) == n && memcmp(a, b, (size_t)n) == 0 ? 0
                                                                                              : -1;
    }
    if (rc != 0)
        snprintf(err, errsize, "the compressed copy read back differs from %s; nothing kept", what);
    free(a);
    free(b);
    BlockGz_close(g);
    return rc;
}

typedef struct ExportCompress {
    int in;
    const char *path;
} ExportCompress;

static int ExportRecording_write_blocks(FILE *f, void *ctx, char *err, size_t errsize)
{
    ExportCompress *c = ctx;
    if (fflush(f) != 0 || lseek(c->in, 0, SEEK_SET) != 0 ||
        BlockGz_compress(c->in, fileno(f), err, errsize) != 0)
        return -1;
    return ExportRecording_compare(c->in, fileno(f), c->path, err, errsize);
}

static void ExportRecording_said(const char *path, const char *out)
{
    struct stat a, b;
    if (stat(path, &a) != 0 || stat(out, &b) != 0)
        return;
    fprintf(stderr,
            "cutover export: %s: %.1f MB -> %.1f MB (%.1f%%), read back and compared; "
            "%s is kept\n",
            out, a.st_size / 1e6, b.st_size / 1e6,
            a.st_size ? 100.0 * (double)b.st_size / (double)a.st_size : 0.0, path);
}

int ExportRecording_compressed(const char *path, const char *out)
{
    char target[1100], err[1400];
    bool compressed = false;
    if (!ExportRecording_is_session(path, &compressed))
        return EXIT_USAGE;
    if (compressed) {
        fprintf(stderr, "cutover export: %s is compressed already\n", path);
        return EXIT_USAGE;
    }
    if (!out || !out[0]) {
        snprintf(target, sizeof target, "%s.gz", path);
        out = target;
    }
    ExportCompress c = {.in = open(path, O_RDONLY | O_CLOEXEC), .path = path};
    int rc = c.in >= 0
                 ? AtomicFile_write(out, 0644, ExportRecording_write_blocks, &c, err, sizeof err)
                 : -1;
    if (c.in < 0)
        snprintf(err, sizeof err, "%s: %s", path, strerror(errno));
    else
        close(c.in);
    if (rc != 0) {
        fprintf(stderr, "cutover export: %s\n", err);
        return EXIT_NO;
    }
    ExportRecording_said(path, out);
    /* The saved index: the compressed night opens at once too. */
    if (IndexFile_write_for(out, err, sizeof err) != 0)
        fprintf(stderr, "cutover export: no index saved (the first replay builds it): %s\n", err);
    return EXIT_OK;
}

typedef struct ExportCopy {
    const char *path;
    bool cut; /* a compressed file cut short: its whole blocks were copied */
} ExportCopy;

/* Copies the plain bytes, inflated when compressed, to f. */
static int ExportRecording_copy(FILE *f, void *ctx, char *err, size_t errsize)
{
    ExportCopy *c = ctx;
    const char *path = c->path;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    BlockGz *g = fd >= 0 && BlockGz_detect(fd) ? BlockGz_open(fd, path, err, errsize) : NULL;
    char *buf = malloc(EXPORT_CHUNK);
    int rc = fd >= 0 && buf ? 0 : -1;
    if (fd < 0)
        snprintf(err, errsize, "%s: %s", path, strerror(errno));
    for (int64_t at = 0; rc == 0;) {
        ssize_t n = g ? BlockGz_pread(g, buf, EXPORT_CHUNK, at) : pread(fd, buf, EXPORT_CHUNK, at);
        if (n < 0)
            snprintf(err, errsize, "%s", g ? BlockGz_error(g) : strerror(errno));
        if (n <= 0 || fwrite(buf, 1, (size_t)n, f) != (size_t)n)
            rc = n == 0 ? 1 : -1;
        at += n > 0 ? n : 0;
    }
    if (g && BlockGz_cut(g)[0]) {
        fprintf(stderr, "cutover export: %s: %s\n", path, BlockGz_cut(g));
        c->cut = true;
    }
    BlockGz_close(g);
    free(buf);
    if (fd >= 0)
        close(fd);
    return rc == 1 ? 0 : -1;
}

int ExportRecording_jsonl(const char *path, const char *out)
{
    char err[1400] = "";
    bool compressed;
    if (!ExportRecording_is_session(path, &compressed))
        return EXIT_USAGE;
    ExportCopy c = {.path = path};
    int rc;
    if (!out || strcmp(out, "-") == 0)
        rc = ExportRecording_copy(stdout, &c, err, sizeof err) == 0 && fflush(stdout) == 0 ? 0 : -1;
    else
        rc = AtomicFile_write(out, 0644, ExportRecording_copy, &c, err, sizeof err);
    if (rc != 0) {
        fprintf(stderr, "cutover export: %s\n", err[0] ? err : strerror(errno));
        return EXIT_NO;
    }
    return c.cut ? EXIT_NO : EXIT_OK; /* what was whole is written; the cut is said */
}
