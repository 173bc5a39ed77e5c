/* The audit log: append-only, one JSON object a line, mode 0600, each record
 * carrying the SHA-256 of the previous line so nobody can quietly edit it.
 * Every append is fsynced before it returns: the checklist appends before and
 * after each destructive action and stops if an append fails. */
#ifndef CUTOVER_SESSION_AUDIT_H
#define CUTOVER_SESSION_AUDIT_H

#include <stddef.h>
#include <stdint.h>

typedef struct Audit Audit;

/* What one record says. Strings may be NULL. `executed` is exactly what was
 * run (statement, request line, argv); secrets are redacted before writing. */
typedef struct AuditEntry {
    const char *step;   /* step id ("read-only") or "session" */
    const char *action; /* "start", "done", "failed", "confirm", "rollback", ... */
    const char *executed;
    const char *result;
    const char *error;
} AuditEntry;

/* Opens (creating with 0600) or continues an audit log: the sequence number
 * and hash chain carry on from its last record. NULL with err on failure. */
Audit *Audit_open(const char *path, char *err, size_t errsize);

/* Appends and fsyncs one record. 0 on success; -1 with err when the record
 * could not be made durable (disk full, permission, I/O error). */
int Audit_append(Audit *audit, const AuditEntry *entry, char *err, size_t errsize);

void Audit_close(Audit *audit);

/* With a key (the plan's audit.hmac_key), every record appended from now on
 * ends with "hmac": HMAC-SHA256(key, the record's text without that field),
 * so an edit needs the key, not only a recomputed chain. The key is copied
 * and wiped on close. -1 when empty or longer than 256 bytes. */
int Audit_set_key(Audit *audit, const char *key);

/* Every record of path carries a valid HMAC under key: 0 yes, 1 no
 * (bad_line and msg: no HMAC, or a wrong one), 2 unreadable. A torn line
 * is skipped (the chain check reports it). */
int Audit_verify_hmac(const char *path, const char *key, long *bad_line, char *msg, size_t msgsize);

/* The chain's head: the last record's seq (0 for an empty log) and the
 * SHA-256 of its line (64 hex digits and NUL; 64 zeros when empty). Kept
 * outside the file (the recording, a table on the target), it anchors the
 * chain: a removed tail no longer ends at it (Audit_check_anchor). */
#define AUDIT_HEAD_HEX 65
/* The recording's sample carrying it: value = seq, text = the hash. */
#define AUDIT_HEAD_KEY "audit.head"
void Audit_head(Audit *audit, long *seq, char head[AUDIT_HEAD_HEX]);

/* Whether the log still holds the record seq with that line hash: 0 yes, 1
 * no (msg says what: the log ends before it, the line differs), 2
 * unreadable. */
int Audit_check_anchor(const char *path, long seq, const char *head, char *msg, size_t msgsize);

/* The last record's seq and line hash as read from the file (0 and 64
 * zeros when empty); 0, or -1 with msg when unreadable. */
int Audit_file_head(const char *path, long *seq, char head[AUDIT_HEAD_HEX], char *msg,
                    size_t msgsize);

/* Checks a file's chain: every line a record, seq counting up by one from 1,
 * each prev the SHA-256 of the line before (64 zeros on line 1). Returns 0
 * intact, 1 broken (bad_line set to the line whose check failed, msg says
 * why without the line number), 2 unreadable (msg says why). A torn line (a
 * write cut short by a crash or a full disk, kept so no byte is lost) counts
 * as broken; msg then also says whether the records after it chain on. The
 * last line can be removed or edited without a trace: the chain has no
 * successor to catch it. */
int Audit_verify(const char *path, long *bad_line, char *msg, size_t msgsize);

/* Whether a resume may trust the log: 0 yes (intact, or a record torn by a
 * write cut short, which a crash or a full disk leaves and which is kept),
 * 1 no (edited, removed or reordered records: msg says where), 2 unreadable
 * (a missing file is an empty, trustworthy log). */
int Audit_verify_for_resume(const char *path, char *msg, size_t msgsize);

/* One record as Audit_read passes it; strings are NULL when absent and only
 * valid during the callback. */
typedef struct AuditRecord {
    long line; /* 1-based line number in the file */
    long seq;
    int64_t wall_ms;
    int64_t mono_ms;
    const char *step;
    const char *action;
    const char *executed;
    const char *result;
    const char *error;
} AuditRecord;

/* Return 0 to go on, anything else to stop reading. */
typedef int (*AuditVisitFn)(const AuditRecord *record, void *ctx);

/* Reads a log for resume: calls fn for each record in file order, skipping
 * lines that are not records (a torn last line). Does not check the chain
 * (Audit_verify does). A missing file is an empty log. 0 when read to the
 * end or stopped by fn; -1 with err when the file cannot be read. */
int Audit_read(const char *path, AuditVisitFn fn, void *ctx, char *err, size_t errsize);

#endif
