/* Verify: row counts or CHECKSUM TABLE of the named tables, source against
 * target. Only the aggregates are compared and shown, never row data. */
#include <stdio.h>
#include <string.h>

#include "checklist/step.h"

static void Verify_sql(const StepCtx *c, const char *quoted, char *sql, size_t size)
{
    if (c->plan->verify.mode == VERIFY_CHECKSUM)
        snprintf(sql, size, "CHECKSUM TABLE %s", quoted);
    else
        snprintf(sql, size, "SELECT COUNT(*) FROM %s", quoted);
}

static void Verify_describe(StepCtx *c)
{
    const PlanVerify *v = &c->plan->verify;
    for (size_t i = 0; i < v->ntables; i++) {
        char q[200], sql[300];
        if (Step_quote_table(v->tables[i], q, sizeof q) != 0) {
            Step_say(c, "%s: not a plain schema.table name (will fail)", v->tables[i]);
            continue;
        }
        Verify_sql(c, q, sql, sizeof sql);
        Step_say(c, "source and target: %s (compare)", sql);
    }
}

/* The aggregate: COUNT(*) is column 0, CHECKSUM TABLE's is column 1. */
static int Verify_one(StepCtx *c, Db *db, const char *who, const char *sql, char *out, size_t size)
{
    const char **cols;
    size_t ncols;
    char err[400];
    if (!db)
        return -1;
    int rc = Db_query_row(db, sql, &cols, &ncols, err, sizeof err);
    if (rc != 1)
        return Step_fail(c, "%s: %s: %s", who, sql, rc == 0 ? "no answer" : err);
    size_t col = c->plan->verify.mode == VERIFY_CHECKSUM ? 1 : 0;
    if (ncols <= col || !cols[col])
        return Step_fail(c, "%s: %s: no value (does the table exist?)", who, sql);
    snprintf(out, size, "%s", cols[col]);
    return 0;
}

static int Verify_run(StepCtx *c)
{
    const PlanVerify *v = &c->plan->verify;
    const char *what = v->mode == VERIFY_CHECKSUM ? "checksum" : "row count";
    if (v->ntables == 0)
        return Step_fail(c, "verify: the plan names no tables");
    for (size_t i = 0; i < v->ntables; i++) {
        char q[200], sql[300], a[64], b[64];
        if (Step_quote_table(v->tables[i], q, sizeof q) != 0)
            return Step_fail(c, "verify: \"%s\" is not a plain schema.table name", v->tables[i]);
        Verify_sql(c, q, sql, sizeof sql);
        if (Verify_one(c, Step_source(c), "source", sql, a, sizeof a) != 0 ||
            Verify_one(c, Step_target(c), "target", sql, b, sizeof b) != 0)
            return -1;
        if (strcmp(a, b) != 0)
            return Step_fail(c, "verify: %s %s differs: source %s, target %s", v->tables[i], what,
                             a, b);
        Step_log(c, LOG_INFO, "%s: %s equal on both (%s)", v->tables[i], what, a);
    }
    Step_result(c, "%zu table(s), %s equal on source and target", v->ntables, what);
    return 0;
}

const StepOps StepVerify_ops = {
    .kind = STEP_VERIFY,
    .describe = Verify_describe,
    .run = Verify_run,
};
