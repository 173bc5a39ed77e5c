/* The audit chain's head anchored on the target: after every step the
 * executor writes the log's last seq and line hash into
 * SCHEMA.audit_head (SCHEMA: the fence table's, "cutover" by default), one
 * row per plan, and reads it back. Nothing replicates it (the source never
 * writes it; DMS carries source to target only), so a log whose tail was
 * removed afterwards no longer reaches the head the target holds
 * (`cutover verify --against-target`). */
#ifndef CUTOVER_CHECKLIST_AUDIT_ANCHOR_H
#define CUTOVER_CHECKLIST_AUDIT_ANCHOR_H

#include <stddef.h>

#include "session/audit.h"

typedef struct StepCtx StepCtx;

/* Writes and reads back the head; -1 with c->error. */
int AuditAnchor_write(StepCtx *c, long seq, const char *head);

/* Reads the plan's head on the target: 1 found, 0 no row, -1 with
 * c->error. */
int AuditAnchor_read(StepCtx *c, long *seq, char head[AUDIT_HEAD_HEX]);

/* For `cutover verify`: loads the plan, connects to its target and reads
 * the plan's head. 1 found, 0 no row (err says why), -1 error. */
int AuditAnchor_read_target(const char *plan_path, long *seq, char head[AUDIT_HEAD_HEX], char *err,
                            size_t errsize);

#endif
