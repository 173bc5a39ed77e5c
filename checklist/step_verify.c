/* Verify: row counts or CHECKSUM TABLE of the named tables, source against
 * target. Only the aggregates are compared and shown, never row data. */
#include <pthread.h>
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

/* One server's side of a comparison: its own connection, with the plan's
 * verify timeout as read timeout (the console's usual 2 s would cut a
 * checksum of a large table short), run on its own thread so the source and
 * the target are read at the same time: verify sits inside the downtime. */
typedef struct VerifySide {
    const PlanServer *server;
    const char *who;
    DbTimeouts timeouts;
    Db *db;
    const char *sql;
    size_t column; /* COUNT(*) is column 0, CHECKSUM TABLE's is column 1 */
    char value[64];
    char error[400];
} VerifySide;

static void *Verify_side_run(void *arg)
{
    VerifySide *side = arg;
    const char **cols;
    size_t ncols;
    char err[400];
    side->value[0] = side->error[0] = '\0';
    if (!side->db)
        side->db = Db_connect(side->server, &side->timeouts, err, sizeof err);
    if (!side->db) {
        snprintf(side->error, sizeof side->error, "%s: cannot connect: %s", side->who, err);
        return NULL;
    }
    int rc = Db_query_row(side->db, side->sql, &cols, &ncols, err, sizeof err);
    if (rc != 1)
        snprintf(side->error, sizeof side->error, "%s: %s: %s", side->who, side->sql,
                 rc == 0 ? "no answer" : err);
    else if (ncols <= side->column || !cols[side->column])
        snprintf(side->error, sizeof side->error, "%s: %s: no value (does the table exist?)",
                 side->who, side->sql);
    else
        snprintf(side->value, sizeof side->value, "%s", cols[side->column]);
    return NULL;
}

/* Both sides at once; 0 when both answered. */
static int Verify_both(StepCtx *c, VerifySide *src, VerifySide *tgt)
{
    pthread_t thread;
    bool threaded = pthread_create(&thread, NULL, Verify_side_run, src) == 0;
    if (!threaded)
        Verify_side_run(src);
    Verify_side_run(tgt);
    if (threaded)
        pthread_join(thread, NULL);
    if (src->error[0])
        return Step_fail(c, "%s", src->error);
    if (tgt->error[0])
        return Step_fail(c, "%s", tgt->error);
    return 0;
}

static void Verify_sides(StepCtx *c, VerifySide *src, VerifySide *tgt)
{
    DbTimeouts t = c->timeouts;
    t.read_ms = c->plan->verify.timeout_ms;
    size_t column = c->plan->verify.mode == VERIFY_CHECKSUM ? 1 : 0;
    *src =
        (VerifySide){.server = &c->plan->source, .who = "source", .timeouts = t, .column = column};
    *tgt =
        (VerifySide){.server = &c->plan->target, .who = "target", .timeouts = t, .column = column};
}

static int Verify_tables(StepCtx *c, VerifySide *src, VerifySide *tgt)
{
    const PlanVerify *v = &c->plan->verify;
    const char *what = v->mode == VERIFY_CHECKSUM ? "checksum" : "row count";
    for (size_t i = 0; i < v->ntables; i++) {
        char q[200], sql[300];
        if (Step_quote_table(v->tables[i], q, sizeof q) != 0)
            return Step_fail(c, "verify: \"%s\" is not a plain schema.table name", v->tables[i]);
        Verify_sql(c, q, sql, sizeof sql);
        src->sql = tgt->sql = sql;
        if (Verify_both(c, src, tgt) != 0)
            return -1;
        if (strcmp(src->value, tgt->value) != 0)
            return Step_fail(c, "verify: %s %s differs: source %s, target %s", v->tables[i], what,
                             src->value, tgt->value);
        Step_log(c, LOG_INFO, "%s: %s equal on both (%s)", v->tables[i], what, src->value);
    }
    Step_result(c, "%zu table(s), %s equal on source and target", v->ntables, what);
    return 0;
}

static int Verify_run(StepCtx *c)
{
    if (c->plan->verify.ntables == 0)
        return Step_fail(c, "verify: the plan names no tables");
    VerifySide src, tgt;
    Verify_sides(c, &src, &tgt);
    int rc = Verify_tables(c, &src, &tgt);
    Db_close(src.db);
    Db_close(tgt.db);
    return rc;
}

const StepOps StepVerify_ops = {
    .kind = STEP_VERIFY,
    .describe = Verify_describe,
    .run = Verify_run,
};
