/* Carrying the target's writes back to the source: the rollback past the
 * point of no return that strands nothing. Reverse replication starts where
 * the target's binary log stood at the point (the mark), so it carries
 * exactly what the target committed since; a fence row written on the target
 * and seen on the source proves that everything before it has arrived; then
 * it is stopped and removed, before the application returns to the source.
 *
 * replica: the source replicates from the target over a named MariaDB
 * connection ('cutover_reverse', so a replication the source already has is
 * left alone), the console's audit head table filtered out (it lives on the
 * target only). dms: the plan's reverse DMS task, StartReplicationTask
 * start-replication at CdcStartPosition FILE:POS. exec: the plan's commands,
 * {point.binlog} filled in.
 *
 * A carry-back that fails is paused, not removed, and the next try resumes
 * where it stopped: starting again from the mark would apply again what
 * already reached the source (duplicate keys stop any applier). replica:
 * the connection keeps its coordinates and is resumed when they are at or
 * past the mark; dms: the task is resumed (resume-processing) when this
 * console paused it; exec: the start command is called again with the same
 * {point.binlog} and must resume (lab/cdc does). */
#ifndef CUTOVER_CHECKLIST_REVERSE_H
#define CUTOVER_CHECKLIST_REVERSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "checklist/step.h"

/* The plan's way back in words, for the screen and the audit. */
void Reverse_describe(const Plan *plan, char *out, size_t size);

/* Starts the reverse replication at m, or resumes a paused one; -1 with
 * c->error. */
int Reverse_start(StepCtx *c, const TargetMark *m);

/* Writes a fence row on the target and waits (the plan's timeout) until the
 * source has it; *waited_us is how long that took. -1 with c->error (also
 * when the reverse replication reports an error meanwhile). */
int Reverse_fence(StepCtx *c, char *fence_id, size_t size, int64_t *waited_us);

/* Stops the reverse replication: removes it (remove), or pauses it so the
 * next Reverse_start resumes; -1 with c->error. */
int Reverse_stop(StepCtx *c, bool remove);

#endif
