/* The session reader: a session file's header, then its events line by line.
 * It survives any input: garbage lines are skipped and counted (the first
 * few line numbers kept for the message), a last line cut by a recorder that
 * died mid-write is reported, never replayed, and lines longer than any
 * event are garbage rather than a reason to grow memory. In follow mode the
 * end of the file is "not yet": a partial last line waits for its newline. */
#ifndef CUTOVER_REPLAY_READER_H
#define CUTOVER_REPLAY_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "session/event.h"

/* The session format this cutover reads and writes ("cutover_session"). */
#define SESSION_FORMAT 1
/* A line longer than this cannot be an event (fields are bounded). */
#define READER_LINE_MAX (64 * 1024)
/* Times beyond the year 9999 (or a monotonic clock that far off) cannot be
 * a recording: such lines are garbage, which keeps all time arithmetic far
 * from overflowing. */
#define READER_TIME_MAX 253402300800000LL

/* Garbage line numbers kept for the message. */
#define READER_GARBAGE_SHOWN 5

typedef struct SessionHeader {
    int format;
    char version[32];
    char plan[64];
    char plan_sha256[65];
    char host[128];
    char operator_user[64];
    int64_t start_wall_ms;
    char start_utc[32];
    int cols, rows;
} SessionHeader;

typedef enum {
    READER_LINE = 0, /* a line (or an event) was returned */
    READER_END,      /* no more lines */
    READER_AGAIN,    /* follow mode: nothing complete yet, try later */
    READER_ERROR,    /* a read error (the message is in SessionReader_error) */
} ReaderStatus;

typedef struct SessionReader SessionReader;

/* Opens path and reads its header. NULL with a message in err naming the
 * file and what is wrong with it. A block-compressed recording
 * (session/blockgz.h) is read as its plain form, offsets and all; it cannot
 * be followed. */
SessionReader *SessionReader_open(const char *path, bool follow, char *err, size_t errsize);
void SessionReader_close(SessionReader *r);

const SessionHeader *SessionReader_header(const SessionReader *r);

/* The plain recording's length now (-1 when it cannot be known), and
 * whether it is read from compressed blocks. */
int64_t SessionReader_size(const SessionReader *r);
bool SessionReader_compressed(const SessionReader *r);
const char *SessionReader_path(const SessionReader *r);

/* The next raw line, without its newline and NUL-terminated (it may hold
 * NUL bytes of its own: len counts them). Valid until the next call. */
ReaderStatus SessionReader_line(SessionReader *r, const char **line, size_t *len);

/* Whether an event's times are within what a recording can hold. */
bool SessionReader_times_ok(int64_t wall_ms, int64_t mono_ms);

/* The next event, garbage skipped and counted. */
ReaderStatus SessionReader_next(SessionReader *r, Event *ev);

/* Where the line last returned starts, its line number (1 = the header),
 * and where the following one starts. */
int64_t SessionReader_offset(const SessionReader *r);
long SessionReader_line_number(const SessionReader *r);
int64_t SessionReader_next_offset(const SessionReader *r);

/* Continues reading at offset, the start of line line_number. */
int SessionReader_seek(SessionReader *r, int64_t offset, long line_number);

/* Reads the one line at offset (for the index's summaries) into ev.
 * 0, or -1 when it is not an event. */
int SessionReader_event_at(SessionReader *r, int64_t offset, Event *ev);

/* Tells the reader the line last returned is not an event: counted as
 * garbage, or, if it is the unterminated last line, as the truncation. Lines
 * seen again after a seek are not counted twice. */
void SessionReader_reject(SessionReader *r);

long SessionReader_garbage_count(const SessionReader *r);
bool SessionReader_truncated(const SessionReader *r);
const char *SessionReader_error(const SessionReader *r);

/* What was wrong with the file, one sentence per problem, or "" when
 * nothing: "3 garbage lines skipped (lines 5, 9, 12)", "the last line is
 * incomplete ...". */
void SessionReader_problems(const SessionReader *r, char *buf, size_t size);

/* The problems as counts (what a saved index keeps), and their restoring
 * by a reader that skips the lines up to counted_until (an index loaded
 * from its file: those lines are not read again, nor counted twice). */
typedef struct ReaderProblems {
    int64_t garbage;
    int64_t lines[READER_GARBAGE_SHOWN];
    int64_t truncated;
} ReaderProblems;
void SessionReader_get_problems(const SessionReader *r, ReaderProblems *out);
void SessionReader_set_problems(SessionReader *r, const ReaderProblems *in, int64_t counted_until);

#endif
