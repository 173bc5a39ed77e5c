#include "replay/reader.h"

#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "session/blockgz.h"
#include "session/event_json.h"

/* One event line is at most a few kilobytes; this reads one at a time. */
#define READER_EVENT_AT_MAX 8192

struct SessionReader {
    int fd;
    BlockGz *gz; /* a compressed recording: read through it */
    int64_t gz_pos;
    bool follow;
    char path[1024];
    SessionHeader header;
    char *buf; /* READER_LINE_MAX + 1 bytes: data is buf[start, end) */
    size_t start, end;
    int64_t buf_offset; /* file offset of buf[0] */
    int64_t line_offset, next_offset;
    long line_no, next_line_no;
    bool unterminated; /* the line last returned ended at EOF without a newline */
    bool skipping;     /* inside an over-long line, already counted */
    int64_t counted_until;
    long garbage;
    long garbage_lines[READER_GARBAGE_SHOWN];
    bool truncated;
    char error[256];
};

const SessionHeader *SessionReader_header(const SessionReader *r)
{
    return &r->header;
}

const char *SessionReader_path(const SessionReader *r)
{
    return r->path;
}

int64_t SessionReader_offset(const SessionReader *r)
{
    return r->line_offset;
}

long SessionReader_line_number(const SessionReader *r)
{
    return r->line_no;
}

int64_t SessionReader_next_offset(const SessionReader *r)
{
    return r->next_offset;
}

long SessionReader_garbage_count(const SessionReader *r)
{
    return r->garbage;
}

bool SessionReader_truncated(const SessionReader *r)
{
    return r->truncated;
}

const char *SessionReader_error(const SessionReader *r)
{
    return r->error;
}

void SessionReader_get_problems(const SessionReader *r, ReaderProblems *out)
{
    memset(out, 0, sizeof *out);
    out->garbage = r->garbage;
    for (int i = 0; i < READER_GARBAGE_SHOWN; i++)
        out->lines[i] = r->garbage_lines[i];
    out->truncated = r->truncated;
}

void SessionReader_set_problems(SessionReader *r, const ReaderProblems *in, int64_t counted_until)
{
    r->garbage = (long)in->garbage;
    for (int i = 0; i < READER_GARBAGE_SHOWN; i++)
        r->garbage_lines[i] = (long)in->lines[i];
    r->truncated = in->truncated != 0;
    r->counted_until = counted_until;
}

static void SessionReader_count_garbage(SessionReader *r, long line_no, int64_t offset,
                                        int64_t next)
{
    if (offset < r->counted_until)
        return;
    if (r->garbage < READER_GARBAGE_SHOWN)
        r->garbage_lines[r->garbage] = line_no;
    r->garbage++;
    r->counted_until = next;
}

void SessionReader_reject(SessionReader *r)
{
    if (r->line_offset < r->counted_until)
        return;
    if (r->unterminated) {
        r->truncated = true;
        r->counted_until = r->next_offset;
        return;
    }
    SessionReader_count_garbage(r, r->line_no, r->line_offset, r->next_offset);
}

/* Hands out buf[start, start + len) as a line ended by a newline (or not). */
static ReaderStatus SessionReader_emit(SessionReader *r, size_t len, bool newline,
                                       const char **line, size_t *out_len)
{
    *line = r->buf + r->start;
    *out_len = len;
    r->buf[r->start + len] = '\0';
    r->line_offset = r->buf_offset + (int64_t)r->start;
    r->next_offset = r->line_offset + (int64_t)len + (newline ? 1 : 0);
    r->line_no = r->next_line_no++;
    r->unterminated = !newline;
    r->start += len + (newline ? 1 : 0);
    return READER_LINE;
}

/* Moves the pending bytes to the front of the buffer. */
static void SessionReader_compact(SessionReader *r)
{
    if (r->start == 0)
        return;
    memmove(r->buf, r->buf + r->start, r->end - r->start);
    r->buf_offset += (int64_t)r->start;
    r->end -= r->start;
    r->start = 0;
}

/* A full buffer with no newline: the line cannot be an event. It is counted
 * once and its bytes are dropped up to its newline. */
static void SessionReader_overlong(SessionReader *r)
{
    if (!r->skipping)
        SessionReader_count_garbage(r, r->next_line_no, r->buf_offset + (int64_t)r->start,
                                    r->buf_offset + (int64_t)r->end);
    r->skipping = true;
    r->buf_offset += (int64_t)r->end;
    r->start = r->end = 0;
}

/* Up to n bytes of the recording's plain form from offset: the file's own,
 * or a compressed one's inflated. */
static ssize_t SessionReader_pread(SessionReader *r, void *buf, size_t n, int64_t offset)
{
    if (r->gz) {
        ssize_t k = BlockGz_pread(r->gz, buf, n, offset);
        if (k < 0)
            snprintf(r->error, sizeof r->error, "%s", BlockGz_error(r->gz));
        return k;
    }
    ssize_t k;
    do
        k = pread(r->fd, buf, n, (off_t)offset);
    while (k < 0 && errno == EINTR);
    if (k < 0)
        snprintf(r->error, sizeof r->error, "%s: %s", r->path, strerror(errno));
    return k;
}

/* The next bytes in reading order; -1 with the message in r->error. */
static ssize_t SessionReader_read(SessionReader *r, void *buf, size_t n)
{
    if (r->gz) {
        ssize_t k = SessionReader_pread(r, buf, n, r->gz_pos);
        if (k > 0)
            r->gz_pos += k;
        return k;
    }
    ssize_t k;
    do
        k = read(r->fd, buf, n);
    while (k < 0 && errno == EINTR);
    if (k < 0)
        snprintf(r->error, sizeof r->error, "%s: %s", r->path, strerror(errno));
    return k;
}

/* Reads more of the file: >0 bytes read, 0 at the end, -1 on error (the
 * message in r->error). */
static ssize_t SessionReader_fill(SessionReader *r)
{
    ssize_t n = SessionReader_read(r, r->buf + r->end, READER_LINE_MAX - r->end);
    if (n > 0)
        r->end += (size_t)n;
    return n;
}

ReaderStatus SessionReader_line(SessionReader *r, const char **line, size_t *len)
{
    for (;;) {
        char *nl = memchr(r->buf + r->start, '\n', r->end - r->start);
        if (nl && r->skipping) {
            /* The end of an over-long line: drop it and go on. */
            r->start = (size_t)(nl - r->buf) + 1;
            r->skipping = false;
            r->next_line_no++;
            continue;
        }
        if (nl)
            return SessionReader_emit(r, (size_t)(nl - (r->buf + r->start)), true, line, len);
        SessionReader_compact(r);
        if (r->end == READER_LINE_MAX) {
            SessionReader_overlong(r);
            continue;
        }
        ssize_t n = SessionReader_fill(r);
        if (n < 0)
            return READER_ERROR;
        if (n > 0)
            continue;
        if (r->end == 0 || r->skipping) {
            if (r->skipping && !r->follow)
                r->start = r->end = 0;
            return r->follow ? READER_AGAIN : READER_END;
        }
        if (r->follow)
            return READER_AGAIN; /* wait for the newline */
        return SessionReader_emit(r, r->end, false, line, len);
    }
}

bool SessionReader_times_ok(int64_t wall_ms, int64_t mono_ms)
{
    return wall_ms >= 0 && wall_ms <= READER_TIME_MAX && mono_ms >= -READER_TIME_MAX &&
           mono_ms <= READER_TIME_MAX;
}

ReaderStatus SessionReader_next(SessionReader *r, Event *ev)
{
    for (;;) {
        const char *line;
        size_t len;
        ReaderStatus st = SessionReader_line(r, &line, &len);
        if (st != READER_LINE)
            return st;
        if (EventJson_parse(line, ev, NULL, 0) == 0 &&
            SessionReader_times_ok(ev->wall_ms, ev->mono_ms))
            return READER_LINE;
        SessionReader_reject(r);
    }
}

int SessionReader_seek(SessionReader *r, int64_t offset, long line_number)
{
    if (r->gz)
        r->gz_pos = offset;
    else if (lseek(r->fd, (off_t)offset, SEEK_SET) < 0) {
        snprintf(r->error, sizeof r->error, "%s: %s", r->path, strerror(errno));
        return -1;
    }
    r->start = r->end = 0;
    r->buf_offset = offset;
    r->skipping = false;
    r->next_line_no = line_number;
    return 0;
}

int SessionReader_event_at(SessionReader *r, int64_t offset, Event *ev)
{
    char line[READER_EVENT_AT_MAX];
    ssize_t n = SessionReader_pread(r, line, sizeof line - 1, offset);
    if (n <= 0)
        return -1;
    line[n] = '\0';
    char *nl = memchr(line, '\n', (size_t)n);
    if (nl)
        *nl = '\0';
    if (EventJson_parse(line, ev, NULL, 0) != 0 ||
        !SessionReader_times_ok(ev->wall_ms, ev->mono_ms))
        return -1;
    return 0;
}

void SessionReader_problems(const SessionReader *r, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    if (r->garbage > 0) {
        used += (size_t)snprintf(buf, size, "%ld garbage line%s skipped (line%s", r->garbage,
                                 r->garbage == 1 ? "" : "s", r->garbage == 1 ? "" : "s");
        long shown = r->garbage < READER_GARBAGE_SHOWN ? r->garbage : READER_GARBAGE_SHOWN;
        for (long i = 0; i < shown && used < size; i++)
            used += (size_t)snprintf(buf + used, size - used, "%s %ld", i ? "," : "",
                                     r->garbage_lines[i]);
        if (used < size)
            used += (size_t)snprintf(buf + used, size - used, "%s)",
                                     r->garbage > READER_GARBAGE_SHOWN ? ", ..." : "");
    }
    if (r->truncated && used < size)
        used += (size_t)snprintf(buf + used, size - used,
                                 "%sthe last line is incomplete (the recorder stopped "
                                 "mid-write); replaying everything before it",
                                 used ? "; " : "");
    if (r->gz && BlockGz_cut(r->gz)[0] && used < size)
        snprintf(buf + used, size - used, "%s%s", used ? "; " : "", BlockGz_cut(r->gz));
}

/* ---- the header ---- */

/* The start of a line as it can be shown in a message: printable ASCII
 * only, cut short. */
static void SessionReader_quote(const char *line, size_t len, char *out, size_t size)
{
    size_t n = 0;
    for (size_t i = 0; i < len && n + 4 < size && i < 40; i++)
        out[n++] = line[i] >= 0x20 && line[i] < 0x7f ? line[i] : '?';
    if (len > 40 && n + 4 < size) {
        memcpy(out + n, "...", 3);
        n += 3;
    }
    out[n] = '\0';
}

static void SessionReader_header_string(struct json_object *obj, const char *name, char *dst,
                                        size_t size)
{
    struct json_object *v;
    if (json_object_object_get_ex(obj, name, &v) && json_object_is_type(v, json_type_string))
        Event_copy_field(dst, size, json_object_get_string(v));
}

static int SessionReader_header_int(struct json_object *obj, const char *name, int64_t *dst)
{
    struct json_object *v;
    if (!json_object_object_get_ex(obj, name, &v) || !json_object_is_type(v, json_type_int))
        return -1;
    *dst = json_object_get_int64(v);
    return 0;
}

static void SessionReader_header_fields(SessionHeader *h, struct json_object *obj)
{
    int64_t cols = 0, rows = 0;
    SessionReader_header_string(obj, "version", h->version, sizeof h->version);
    SessionReader_header_string(obj, "plan", h->plan, sizeof h->plan);
    SessionReader_header_string(obj, "plan_sha256", h->plan_sha256, sizeof h->plan_sha256);
    SessionReader_header_string(obj, "host", h->host, sizeof h->host);
    SessionReader_header_string(obj, "start_utc", h->start_utc, sizeof h->start_utc);
    struct json_object *op;
    if (json_object_object_get_ex(obj, "operator", &op) &&
        json_object_is_type(op, json_type_object))
        SessionReader_header_string(op, "user", h->operator_user, sizeof h->operator_user);
    SessionReader_header_int(obj, "cols", &cols);
    SessionReader_header_int(obj, "rows", &rows);
    h->cols = cols > 0 && cols < 10000 ? (int)cols : 0;
    h->rows = rows > 0 && rows < 10000 ? (int)rows : 0;
}

/* Checks the first line is a header this cutover can read. */
static int SessionReader_parse_header(SessionReader *r, const char *line, size_t len, char *err,
                                      size_t errsize)
{
    char shown[64];
    SessionReader_quote(line, len, shown, sizeof shown);
    struct json_object *obj = json_tokener_parse(line);
    struct json_object *fmt;
    int64_t format = 0, start = 0;
    int rc = -1;
    if (!obj || !json_object_is_type(obj, json_type_object) ||
        !json_object_object_get_ex(obj, "cutover_session", &fmt) ||
        SessionReader_header_int(obj, "cutover_session", &format) != 0 || format < 1) {
        snprintf(err, errsize, "%s is not a cutover session (first line: \"%s\")", r->path, shown);
    } else if (format > SESSION_FORMAT) {
        SessionReader_header_string(obj, "version", r->header.version, sizeof r->header.version);
        snprintf(err, errsize,
                 "%s was recorded by a newer cutover (format %lld%s%s; this one reads format %d)",
                 r->path, (long long)format, r->header.version[0] ? ", cutover " : "",
                 r->header.version, SESSION_FORMAT);
    } else if (SessionReader_header_int(obj, "start", &start) != 0 || start <= 0 ||
               start > READER_TIME_MAX) {
        snprintf(err, errsize, "%s: the session header (line 1) has no start time (\"start\")",
                 r->path);
    } else {
        r->header.format = (int)format;
        r->header.start_wall_ms = start;
        SessionReader_header_fields(&r->header, obj);
        rc = 0;
    }
    json_object_put(obj);
    return rc;
}

static int SessionReader_read_header(SessionReader *r, char *err, size_t errsize)
{
    const char *line;
    size_t len;
    bool follow = r->follow;
    r->follow = false; /* a header is read whole or not at all */
    ReaderStatus st = SessionReader_line(r, &line, &len);
    r->follow = follow;
    if (st == READER_ERROR) {
        snprintf(err, errsize, "%s", r->error);
        return -1;
    }
    if (st != READER_LINE) {
        snprintf(err, errsize, "%s is not a cutover session (the file is empty)", r->path);
        return -1;
    }
    if (r->skipping || r->garbage) {
        snprintf(err, errsize, "%s is not a cutover session (its first line is over %d bytes)",
                 r->path, READER_LINE_MAX);
        return -1;
    }
    if (r->unterminated && follow) {
        snprintf(err, errsize, "%s: the header line is not complete yet", r->path);
        return -1;
    }
    if (strlen(line) != len) {
        snprintf(err, errsize, "%s is not a cutover session (its first line holds NUL bytes)",
                 r->path);
        return -1;
    }
    return SessionReader_parse_header(r, line, len, err, errsize);
}

/* A compressed recording is read through its blocks. It is a finished one:
 * following it (waiting for more) would wait forever. */
static int SessionReader_open_compressed(SessionReader *r, char *err, size_t errsize)
{
    if (!BlockGz_detect(r->fd))
        return 0;
    if (r->follow) {
        snprintf(err, errsize,
                 "%s is a compressed recording, which is finished: replay it without "
                 "following (follow the live .session.jsonl instead)",
                 r->path);
        return -1;
    }
    r->gz = BlockGz_open(r->fd, r->path, err, errsize);
    return r->gz ? 0 : -1;
}

int64_t SessionReader_size(const SessionReader *r)
{
    if (r->gz)
        return BlockGz_size(r->gz);
    struct stat st;
    return fstat(r->fd, &st) == 0 ? (int64_t)st.st_size : -1;
}

bool SessionReader_compressed(const SessionReader *r)
{
    return r->gz != NULL;
}

void SessionReader_close(SessionReader *r)
{
    if (!r)
        return;
    BlockGz_close(r->gz);
    if (r->fd >= 0)
        close(r->fd);
    free(r->buf);
    free(r);
}

SessionReader *SessionReader_open(const char *path, bool follow, char *err, size_t errsize)
{
    SessionReader *r = calloc(1, sizeof *r);
    if (!r || !(r->buf = malloc(READER_LINE_MAX + 1))) {
        snprintf(err, errsize, "%s: out of memory", path);
        free(r);
        return NULL;
    }
    snprintf(r->path, sizeof r->path, "%s", path);
    r->follow = follow;
    r->next_line_no = 1;
    r->fd = open(path, O_RDONLY | O_CLOEXEC);
    if (r->fd < 0) {
        snprintf(err, errsize, "%s: %s", path, strerror(errno));
        SessionReader_close(r);
        return NULL;
    }
    if (SessionReader_open_compressed(r, err, errsize) != 0 ||
        SessionReader_read_header(r, err, errsize) != 0) {
        SessionReader_close(r);
        return NULL;
    }
    return r;
}
