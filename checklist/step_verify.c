/* Verify: row counts or CHECKSUM TABLE of the named tables, source against
 * target, or (mode "chunks") the recheck of what changed since the chunk
 * verifier last found it equal. Only the aggregates are compared and shown,
 * never row data. */
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "checklist/step.h"
#include "verify/verifier.h"

/* How long the window waits for the binlog reader to reach the freeze
 * before comparing every chunk instead (it is normally milliseconds behind). */
#define VERIFY_TAIL_WAIT_MS 5000

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
    if (v->mode == VERIFY_CHUNKS) {
        if (v->all_tables)
            Step_say(c, "source and target: SELECT COUNT(*), SUM(row digest) of every chunk of "
                        "every table (\"all\") changed since it was last found equal (compare)");
        for (size_t i = 0; i < v->ntables; i++)
            Step_say(c,
                     "source and target: SELECT COUNT(*), SUM(row digest) of every chunk of %s "
                     "changed since it was last found equal (compare)",
                     v->tables[i]);
        return;
    }
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

/* Where the frozen source stands: the lag-zero step's reading, else now. */
static int Verify_freeze_at(StepCtx *c, char *file, size_t size, uint64_t *pos)
{
    if (c->memo->freeze_file[0] && c->memo->freeze_pos > 0) {
        snprintf(file, size, "%s", c->memo->freeze_file);
        *pos = (uint64_t)c->memo->freeze_pos;
        return 0;
    }
    Db *db = Step_source(c);
    if (!db)
        return -1;
    char err[300] = "no binary log";
    if (Db_binlog_position(db, file, size, pos, err, sizeof err) != 1)
        return Step_fail(c, "verify: source: the binlog position is unreadable: %s", err);
    return 0;
}

static void Verify_chunks_log(StepCtx *c, const VerifyOutcome *o)
{
    Step_log(c, LOG_INFO,
             "verify: %zu chunks, %" PRId64
             " rows; %zu compared in the window (%zu queries, %" PRId64 " rows) in %" PRId64
             " ms after %" PRId64 " ms for the binlog reader; oldest "
             "comparison %" PRId64 " s",
             o->chunks, o->rows, o->rechecked, o->queries, o->rows_rechecked, o->recheck_ms,
             o->wait_ms, o->oldest_check_s);
    if (o->whole[0])
        Step_log(c, LOG_INFO, "verify: compared whole: %s", o->whole);
    if (!o->tracked)
        Step_log(c, LOG_WARN,
                 "verify: the binlog reader had not read up to the freeze: every "
                 "chunk was compared again in the window");
}

static int Verify_chunks(StepCtx *c)
{
    if (!c->verifier)
        return Step_fail(c, "verify: the chunk verifier is not running (it starts with the "
                            "console, not in a dry run)");
    char file[128], err[400];
    uint64_t pos = 0;
    VerifyOutcome o;
    if (Verify_freeze_at(c, file, sizeof file, &pos) != 0)
        return -1;
    Step_say(c, "binlog reader: up to the freeze at %s:%" PRIu64, file, pos);
    if (Verifier_recheck(c->verifier, file, pos, VERIFY_TAIL_WAIT_MS, c->cancel, &o, err,
                         sizeof err) != 0)
        return Step_fail(c, "verify: %s", err);
    Verify_chunks_log(c, &o);
    if (!o.equal)
        return Step_fail(c, "verify: %s", o.difference);
    Step_result(c,
                "%zu table(s) equal: %zu chunks, %zu compared in the window (%" PRId64
                " rows, %" PRId64 " ms)",
                o.tables, o.chunks, o.rechecked, o.rows_rechecked, o.recheck_ms);
    return 0;
}

static int Verify_run(StepCtx *c)
{
    if (c->plan->verify.ntables == 0 && !c->plan->verify.all_tables)
        return Step_fail(c, "verify: the plan names no tables");
    if (c->plan->verify.mode == VERIFY_CHUNKS)
        return Verify_chunks(c);
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
