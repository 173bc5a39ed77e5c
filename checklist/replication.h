/* How the target is fed, decided once per run: what the plan says, else a
 * DMS task when the plan names one, else a native replica when the target
 * answers SHOW SLAVE STATUS with a row, else an external replicator the
 * console cannot see. The pre-flight checks and the proofs of lag zero that
 * mean something follow from it: GTID and binlog positions only on a native
 * replica; the fence everywhere. */
#ifndef CUTOVER_CHECKLIST_REPLICATION_H
#define CUTOVER_CHECKLIST_REPLICATION_H

#include "checklist/step.h"

/* The kind (never REPLICATION_AUTO on success); REPLICATION_AUTO with
 * c->error when the target cannot be asked. Cached in c->memo. */
ReplicationKind Replication_kind(StepCtx *c);

/* "native replica", "DMS task", "external replicator": for messages. */
const char *Replication_describe(ReplicationKind kind);

#endif
