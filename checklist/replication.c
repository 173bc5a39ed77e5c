#include "checklist/replication.h"

#include <string.h>

static ReplicationKind Replication_detect(StepCtx *c)
{
    if (c->plan->aws.dms_task_arn)
        return REPLICATION_DMS;
    Db *dst = Step_target(c);
    if (!dst)
        return REPLICATION_AUTO;
    DbRow *row = NULL;
    char err[400];
    const char *sql = Db_dialect(dst)->replica_status;
    int rc = Db_query_named(dst, sql, &row, err, sizeof err);
    DbRow_free(row);
    if (rc < 0) {
        Step_fail(c, "target: %s: %s", sql, err);
        return REPLICATION_AUTO;
    }
    return rc == 1 ? REPLICATION_NATIVE : REPLICATION_EXTERNAL;
}

ReplicationKind Replication_kind(StepCtx *c)
{
    StepMemo *m = c->memo;
    if (m->replication != REPLICATION_AUTO)
        return m->replication;
    m->replication =
        c->plan->replication != REPLICATION_AUTO ? c->plan->replication : Replication_detect(c);
    return m->replication;
}

const char *Replication_describe(ReplicationKind kind)
{
    switch (kind) {
    case REPLICATION_NATIVE: return "native replica";
    case REPLICATION_DMS: return "DMS task";
    case REPLICATION_EXTERNAL: return "external replicator";
    case REPLICATION_AUTO: break;
    }
    return "unknown";
}
