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
    const char *step;     /* step id ("read-only") or "session" */
    const char *action;   /* "start", "done", "failed", "confirm", "rollback", ... */
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

/* Checks a file's chain. Returns 0 intact, 1 broken (bad_line set to the
 * first bad record's line number, msg says why), 2 unreadable. */
int Audit_verify(const char *path, long *bad_line, char *msg, size_t msgsize);

#endif
