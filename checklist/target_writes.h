/* The writes the target holds that the source lacks: everything the target
 * committed under its own server_id after the point of no return, read from
 * the target's binary log. Replicated changes carry the source's server_id
 * and are not counted; the console's own schemas (the fence table's, DMS's
 * control schema) and the system schemas are left out. The count is what a
 * rollback past the point would strand, so it is counted, never estimated;
 * a target without a binary log cannot be counted and says so. */
#ifndef CUTOVER_CHECKLIST_TARGET_WRITES_H
#define CUTOVER_CHECKLIST_TARGET_WRITES_H

#include <stdbool.h>
#include <stddef.h>

typedef struct StepCtx StepCtx;

/* Where the target's binary log stood at the point of no return. */
typedef struct TargetMark {
    bool known;
    char file[128];
    long long pos;
    long long server_id;
} TargetMark;

typedef struct TargetWrites {
    long long transactions; /* committed by the target itself, touching a counted table */
    long long row_events;   /* row events (and statements) in them */
    char table[160];        /* one table they touched, for the message */
} TargetWrites;

/* Reads the target's binlog coordinates and server_id now; -1 with
 * c->error when the target has no binary log (or the account may not see
 * it). */
int TargetWrites_mark(StepCtx *c, TargetMark *m);

/* "binlog mariadb-bin.000003:1234 server_id 2", and back (-1 unreadable). */
void TargetWrites_format_mark(const TargetMark *m, char *out, size_t size);
int TargetWrites_parse_mark(const char *text, TargetMark *m);

/* Counts what the target committed after the mark; -1 with c->error. */
int TargetWrites_count(StepCtx *c, const TargetMark *m, TargetWrites *out);

#endif
