#include "replay/index_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define INDEX_FILE_MAGIC "CUTIDX2\n"
enum { INDEX_TAIL_BYTES = 4096 };

/* Fixed-size, native layout: the abi fields refuse a file from a build whose
 * structures differ. */
typedef struct IndexFileHeader {
    char magic[8];
    uint32_t abi[6];
    int64_t end_offset, end_line;
    int64_t file_size; /* the file's own (compressed or not) */
    uint64_t tail_hash;
    int64_t events, first_ms, last_ms;
    uint64_t nkept, nframes, npool;
    int64_t nkeys;
    ReaderProblems problems;
} IndexFileHeader;

static void IndexFile_abi(uint32_t abi[6])
{
    abi[0] = (uint32_t)sizeof(KeptEvent);
    abi[1] = (uint32_t)sizeof(Keyframe);
    abi[2] = MODEL_MAX_SERIES;
    abi[3] = EVENT_KEY_MAX;
    abi[4] = INDEX_KEYFRAME_MS;
    abi[5] = SESSION_FORMAT;
}

/* FNV-1a: not against an adversary (the checks below are), against a file
 * that was replaced or torn. */
static uint64_t IndexFile_hash(uint64_t h, const void *data, size_t n)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 1099511628211ULL;
    return h;
}

int IndexFile_path(const char *session_path, char *out, size_t size)
{
    int n = snprintf(out, size, "%s.idx", session_path);
    return n > 0 && (size_t)n < size ? 0 : -1;
}

/* The hash of the file's last bytes before end, and whether the file is
 * exactly that long. -1 when it cannot be read or has another size. */
static int IndexFile_tail(const char *path, int64_t end, uint64_t *hash)
{
    char buf[INDEX_TAIL_BYTES];
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    struct stat st;
    int64_t from = end > INDEX_TAIL_BYTES ? end - INDEX_TAIL_BYTES : 0;
    ssize_t got = -1;
    if (fstat(fd, &st) == 0 && st.st_size == end)
        got = pread(fd, buf, (size_t)(end - from), from);
    close(fd);
    if (got != end - from)
        return -1;
    *hash = IndexFile_hash(14695981039346656037ULL, buf, (size_t)got);
    return 0;
}

static int64_t IndexFile_file_size(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (int64_t)st.st_size : -1;
}

static bool IndexFile_write_all(FILE *f, const void *p, size_t n, uint64_t *sum)
{
    *sum = IndexFile_hash(*sum, p, n);
    return n == 0 || fwrite(p, 1, n, f) == n;
}

static bool IndexFile_write(FILE *f, const IndexFileHeader *h, const SessionIndex *idx)
{
    uint64_t sum = 14695981039346656037ULL;
    bool ok = IndexFile_write_all(f, h, sizeof *h, &sum) &&
              IndexFile_write_all(f, idx->kept, idx->nkept * sizeof *idx->kept, &sum) &&
              IndexFile_write_all(f, idx->frames, idx->nframes * sizeof *idx->frames, &sum) &&
              IndexFile_write_all(f, idx->pool, idx->npool * sizeof *idx->pool, &sum) &&
              IndexFile_write_all(f, idx->keys, (size_t)idx->nkeys * EVENT_KEY_MAX, &sum);
    return ok && fwrite(&sum, sizeof sum, 1, f) == 1;
}

int IndexFile_save(const SessionIndex *idx, const SessionReader *r, char *err, size_t errsize)
{
    char path[1100], tmp[1120];
    IndexFileHeader h;
    memset(&h, 0, sizeof h);
    memcpy(h.magic, INDEX_FILE_MAGIC, sizeof h.magic);
    IndexFile_abi(h.abi);
    h.end_offset = idx->end_offset;
    h.end_line = idx->end_line;
    h.file_size = IndexFile_file_size(SessionReader_path(r));
    h.events = idx->events;
    h.first_ms = idx->first_ms;
    h.last_ms = idx->last_ms;
    h.nkept = idx->nkept;
    h.nframes = idx->nframes;
    h.npool = idx->npool;
    h.nkeys = idx->nkeys;
    SessionReader_get_problems(r, &h.problems);
    if (IndexFile_path(SessionReader_path(r), path, sizeof path) != 0 ||
        SessionReader_size(r) != idx->end_offset ||
        IndexFile_tail(SessionReader_path(r), h.file_size, &h.tail_hash) != 0) {
        snprintf(err, errsize, "%s: not indexed whole (it changed while read)",
                 SessionReader_path(r));
        return -1;
    }
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
    FILE *f = fopen(tmp, "wbe");
    bool ok = f && IndexFile_write(f, &h, idx);
    if (f && fclose(f) != 0)
        ok = false;
    if (!ok || rename(tmp, path) != 0) {
        snprintf(err, errsize, "cannot write %s: %s", path, strerror(errno));
        unlink(tmp);
        return -1;
    }
    return 0;
}

static bool IndexFile_read_all(FILE *f, void *p, size_t n, uint64_t *sum)
{
    if (n && fread(p, 1, n, f) != n)
        return false;
    *sum = IndexFile_hash(*sum, p, n);
    return true;
}

/* Whether every offset and count points inside the recording and the index. */
static bool IndexFile_sane(const SessionIndex *idx)
{
    for (size_t i = 0; i < idx->nkept; i++) {
        Event *ev = &idx->kept[i].ev;
        if ((unsigned)ev->kind >= EVENT_KIND_COUNT || ev->key[EVENT_KEY_MAX - 1] ||
            ev->origin[EVENT_ORIGIN_MAX - 1] || ev->text[EVENT_TEXT_MAX - 1])
            return false;
    }
    for (size_t i = 0; i < idx->nframes; i++) {
        const Keyframe *f = &idx->frames[i];
        if (f->offset < 0 || f->offset > idx->end_offset || f->kept_before > idx->nkept ||
            f->nkeys < 0 || f->nkeys > idx->nkeys || f->summary > idx->npool ||
            idx->npool - f->summary < 2 * (size_t)f->nkeys ||
            (i > 0 && f->at_ms < idx->frames[i - 1].at_ms))
            return false;
    }
    for (size_t i = 0; i < idx->npool; i++)
        if (idx->pool[i] < -1 || idx->pool[i] >= idx->end_offset)
            return false;
    for (int k = 0; k < idx->nkeys; k++)
        if (!memchr(idx->keys[k], '\0', EVENT_KEY_MAX))
            return false;
    return true;
}

static bool IndexFile_header_fits(const IndexFileHeader *h, const SessionReader *r)
{
    uint32_t abi[6];
    uint64_t tail;
    IndexFile_abi(abi);
    return memcmp(h->magic, INDEX_FILE_MAGIC, sizeof h->magic) == 0 &&
           memcmp(h->abi, abi, sizeof abi) == 0 && h->nkeys >= 0 && h->nkeys <= MODEL_MAX_SERIES &&
           h->nkept < (1u << 24) && h->nframes < (1u << 24) && h->npool < (1u << 28) &&
           h->end_offset >= SessionReader_next_offset(r) && h->end_line >= 1 &&
           SessionReader_size(r) == h->end_offset &&
           IndexFile_tail(SessionReader_path(r), h->file_size, &tail) == 0 && tail == h->tail_hash;
}

/* The file is exactly as long as its header says: nothing is allocated for
 * counts the file does not hold. */
static bool IndexFile_size_fits(FILE *f, const IndexFileHeader *h)
{
    struct stat st;
    uint64_t want = sizeof *h + h->nkept * sizeof(KeptEvent) + h->nframes * sizeof(Keyframe) +
                    h->npool * sizeof(int64_t) + (uint64_t)h->nkeys * EVENT_KEY_MAX +
                    sizeof(uint64_t);
    return fstat(fileno(f), &st) == 0 && (uint64_t)st.st_size == want;
}

static bool IndexFile_read(FILE *f, IndexFileHeader *h, SessionIndex *idx, const SessionReader *r)
{
    uint64_t sum = 14695981039346656037ULL, stored;
    if (!IndexFile_read_all(f, h, sizeof *h, &sum) || !IndexFile_header_fits(h, r) ||
        !IndexFile_size_fits(f, h))
        return false;
    idx->nkept = idx->kept_cap = h->nkept;
    idx->nframes = idx->frames_cap = h->nframes;
    idx->npool = idx->pool_cap = h->npool;
    idx->nkeys = (int)h->nkeys;
    idx->kept = malloc(h->nkept ? h->nkept * sizeof *idx->kept : 1);
    idx->frames = malloc(h->nframes ? h->nframes * sizeof *idx->frames : 1);
    idx->pool = malloc(h->npool ? h->npool * sizeof *idx->pool : 1);
    return idx->kept && idx->frames && idx->pool &&
           IndexFile_read_all(f, idx->kept, idx->nkept * sizeof *idx->kept, &sum) &&
           IndexFile_read_all(f, idx->frames, idx->nframes * sizeof *idx->frames, &sum) &&
           IndexFile_read_all(f, idx->pool, idx->npool * sizeof *idx->pool, &sum) &&
           IndexFile_read_all(f, idx->keys, (size_t)idx->nkeys * EVENT_KEY_MAX, &sum) &&
           fread(&stored, sizeof stored, 1, f) == 1 && stored == sum && fgetc(f) == EOF;
}

int IndexFile_load(SessionIndex *idx, SessionReader *r)
{
    char path[1100];
    IndexFileHeader h;
    memset(idx, 0, sizeof *idx);
    if (IndexFile_path(SessionReader_path(r), path, sizeof path) != 0)
        return -1;
    FILE *f = fopen(path, "rbe");
    if (!f)
        return -1;
    bool ok = IndexFile_read(f, &h, idx, r);
    fclose(f);
    if (ok) {
        idx->events = h.events;
        idx->first_ms = h.first_ms;
        idx->last_ms = h.last_ms;
        idx->end_offset = h.end_offset;
        idx->end_line = (long)h.end_line;
        ok = IndexFile_sane(idx) && SessionReader_seek(r, h.end_offset, (long)h.end_line) == 0;
    }
    if (!ok) {
        SessionIndex_free(idx);
        return -1;
    }
    SessionReader_set_problems(r, &h.problems, h.end_offset);
    return 0;
}

int SessionIndex_open(SessionIndex *idx, SessionReader *r, bool follow, char *err, size_t errsize)
{
    char why[512];
    if (!follow && IndexFile_load(idx, r) == 0)
        return 0;
    if (SessionIndex_build(idx, r, err, errsize) != 0)
        return -1;
    if (!follow)
        IndexFile_save(idx, r, why, sizeof why); /* best effort: the next open builds again */
    return 0;
}

int IndexFile_write_for(const char *session_path, char *err, size_t errsize)
{
    SessionReader *r = SessionReader_open(session_path, false, err, errsize);
    if (!r)
        return -1;
    SessionIndex idx;
    int rc = SessionIndex_build(&idx, r, err, errsize);
    if (rc == 0)
        rc = IndexFile_save(&idx, r, err, errsize);
    SessionIndex_free(&idx);
    SessionReader_close(r);
    return rc;
}
