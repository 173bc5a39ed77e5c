/* One go/no-go result at a time, for the pre-flight's files
 * (step_preflight.c, preflight_rds.c): a check says its name, whether it
 * passes and why, in words the lead can act on. */
#ifndef CUTOVER_CHECKLIST_CHECKS_H
#define CUTOVER_CHECKLIST_CHECKS_H

#include <stdbool.h>

#include "checklist/preflight.h"

typedef struct Checks {
    StepCtx *c;
    PreflightFn fn;
    void *arg;
    int failed;
} Checks;

/* Reports one check (a failure counts towards the no-go) and clears
 * c->error, which the check's message has taken up. */
void Check(Checks *k, const char *name, bool pass, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* The RDS rules (preflight_rds.c). Each returns at once when the plan does
 * not involve what it checks. */
/* Binlog retention as RDS keeps it: `binlog retention hours` from CALL
 * mysql.rds_show_configuration (NULL: not kept), not the server's
 * binlog_expire_logs_seconds. */
void PreflightRds_retention(Checks *k);
/* binlog_row_image=FULL on the source, when DMS feeds the target. */
void PreflightRds_row_image(Checks *k);
/* A freeze by read_only also stops the console's fence write when its
 * account cannot write through read_only; on a target with no other proof
 * of lag zero (DMS) that is a no-go before the night. */
void PreflightRds_fence_under_read_only(Checks *k);
/* DescribeDBInstances: the read-only parameter group is the one attached to
 * the source and no other instance uses it; the target keeps automated
 * backups. */
void PreflightRds_instances(Checks *k);
/* What the RDS checks run, for --dry-run. */
void PreflightRds_describe(StepCtx *c);

/* Verify mode chunks: the binlog reader, REPLICATION SLAVE on the source,
 * the tables and their keys (preflight_verify.c). */
void PreflightVerify_run(Checks *k);
void PreflightVerify_describe(StepCtx *c);

#endif
