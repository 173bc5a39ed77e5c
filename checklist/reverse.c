#include "checklist/reverse.h"

#include <inttypes.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "aws/dms.h"
#include "checklist/proc.h"
#include "checklist/target_writes.h"
#include "lib/clock.h"
#include "lib/subprocess.h"
#include "plan/secret.h"

/* The named connection: the source's own replication, if any, is the
 * default one ('') and stays as it is. */
#define REVERSE_CONNECTION "cutover_reverse"

enum { POLL_MS = 20, HEALTH_EVERY_MS = 1000, START_WAIT_MS = 15000, DMS_WAIT_MS = 300000 };

/* "FILE:POS", as DMS's CdcStartPosition and {point.binlog} take it. */
static void Reverse_position(const TargetMark *m, char *out, size_t size)
{
    snprintf(out, size, "%s:%lld", m->file, m->pos);
}

void Reverse_describe(const Plan *plan, char *out, size_t size)
{
    const PlanReverse *r = &plan->reverse;
    switch (r->method) {
    case REVERSE_REPLICA:
        snprintf(out, size, "the source replicates from the target (%s:%d as %s)", r->host, r->port,
                 r->user);
        break;
    case REVERSE_DMS: snprintf(out, size, "the reverse DMS task %s", r->task_arn); break;
    case REVERSE_EXEC: snprintf(out, size, "the plan's reverse_replication commands"); break;
    case REVERSE_NONE: snprintf(out, size, "none"); break;
    }
}

/* ---- replica: the source replicates from the target -------------------- */

/* One row of SHOW SLAVE 'cutover_reverse' STATUS: 1 running, 0 not yet,
 * -1 with c->error when it reports an error. */
static int ReverseReplica_health(StepCtx *c, Db *src)
{
    DbRow *row = NULL;
    char err[400];
    int rc =
        Db_query_named(src, "SHOW SLAVE '" REVERSE_CONNECTION "' STATUS", &row, err, sizeof err);
    if (rc != 1) {
        DbRow_free(row);
        return Step_fail(c, "source: the reverse replication is not there: %s",
                         rc == 0 ? "no status row" : err);
    }
    const char *io = DbRow_get(row, "Slave_IO_Running");
    const char *sql = DbRow_get(row, "Slave_SQL_Running");
    const char *io_err = DbRow_get(row, "Last_IO_Error");
    const char *sql_err = DbRow_get(row, "Last_SQL_Error");
    int ok = io && sql && !strcmp(io, "Yes") && !strcmp(sql, "Yes");
    if (sql_err && sql_err[0])
        ok = Step_fail(c, "source: the reverse replication stopped applying: %s", sql_err);
    else if (!ok && io_err && io_err[0])
        ok = Step_fail(c, "source: the reverse replication cannot read the target: %s", io_err);
    DbRow_free(row);
    return ok;
}

static int ReverseReplica_change(StepCtx *c, Db *src, const TargetMark *m)
{
    const PlanReverse *r = &c->plan->reverse;
    char pw[512], err[400], e_host[300], e_user[200], e_pw[1030], e_file[260], sql[2400];
    if (Secret_resolve(&r->password, pw, sizeof pw, err, sizeof err) != 0)
        return Step_fail(c, "reverse_replication.password: %s", err);
    Db_escape(src, r->host, e_host, sizeof e_host);
    Db_escape(src, r->user, e_user, sizeof e_user);
    Db_escape(src, pw, e_pw, sizeof e_pw);
    Db_escape(src, m->file, e_file, sizeof e_file);
    snprintf(sql, sizeof sql,
             "CHANGE MASTER '" REVERSE_CONNECTION "' TO MASTER_HOST = '%s', MASTER_PORT = %d, "
             "MASTER_USER = '%s', MASTER_PASSWORD = '%s', MASTER_LOG_FILE = '%s', "
             "MASTER_LOG_POS = %lld, MASTER_USE_GTID = no",
             e_host, r->port, e_user, e_pw, e_file, m->pos);
    /* The statement holds the password: on error only the server's message
     * is kept (Step_exec never quotes the statement). */
    int rc = Step_exec(c, src, "source", sql);
    OPENSSL_cleanse(pw, sizeof pw);
    OPENSSL_cleanse(e_pw, sizeof e_pw);
    OPENSSL_cleanse(sql, sizeof sql);
    return rc;
}

/* The audit head lives on the target only; carried back, its updates would
 * find no row on the source and stop the replication. */
static int ReverseReplica_filter(StepCtx *c, Db *src, bool on)
{
    char schema[80], table[120] = "", sql[300];
    if (Plan_fence_schema(c->plan, schema, sizeof schema) != 0)
        return Step_fail(c, "the fence table's name is not plain");
    if (on)
        snprintf(table, sizeof table, "%s.audit_head", schema);
    snprintf(sql, sizeof sql, "SET GLOBAL " REVERSE_CONNECTION ".replicate_ignore_table = '%s'",
             table);
    return Step_exec(c, src, "source", sql);
}

/* 1 when a paused connection applied up to at or past the mark (a failed
 * try of this carry-back: resume it), 0 when there is none or it is older
 * (start afresh). Binlog names of one server sort in order. */
static int ReverseReplica_paused(Db *src, const TargetMark *m)
{
    DbRow *row = NULL;
    char err[400];
    int rc =
        Db_query_named(src, "SHOW SLAVE '" REVERSE_CONNECTION "' STATUS", &row, err, sizeof err);
    const char *file = rc == 1 ? DbRow_get(row, "Relay_Master_Log_File") : NULL;
    const char *pos = rc == 1 ? DbRow_get(row, "Exec_Master_Log_Pos") : NULL;
    int cmp = file ? strcmp(file, m->file) : -1;
    bool at_or_past = file && pos && (cmp > 0 || (cmp == 0 && atoll(pos) >= m->pos));
    DbRow_free(row);
    return at_or_past;
}

static int ReverseReplica_start(StepCtx *c, const TargetMark *m)
{
    Db *src = Step_source(c);
    if (!src)
        return -1;
    if (Db_dialect(src)->flavor != DIALECT_MARIADB)
        return Step_fail(c, "reverse_replication: method replica is built for a MariaDB "
                            "source (a named replication connection); for MySQL or RDS use "
                            "a reverse DMS task (method dms) or commands (method exec)");
    char err[400];
    if (ReverseReplica_paused(src, m)) {
        Step_log(c, LOG_INFO, "the reverse replication resumes where the last try stopped");
    } else {
        Db_exec(src, "STOP SLAVE '" REVERSE_CONNECTION "'", err, sizeof err);
        Db_exec(src, "RESET SLAVE '" REVERSE_CONNECTION "' ALL", err, sizeof err);
        if (ReverseReplica_change(c, src, m) != 0 || ReverseReplica_filter(c, src, true) != 0)
            return -1;
    }
    if (Step_exec(c, src, "source", "START SLAVE '" REVERSE_CONNECTION "'") != 0)
        return -1;
    int64_t deadline = Clock_mono_ms() + START_WAIT_MS;
    for (;;) {
        int ok = ReverseReplica_health(c, src);
        if (ok != 0)
            return ok < 0 ? -1 : 0;
        if (Clock_mono_ms() >= deadline)
            return Step_fail(c, "source: the reverse replication is not running after %d s",
                             START_WAIT_MS / 1000);
        if (Step_pause(c, 100))
            return Step_fail(c, "cancelled while the reverse replication started");
    }
}

static int ReverseReplica_stop(StepCtx *c, bool remove)
{
    Db *src = Step_source(c);
    if (!src)
        return -1;
    if (Step_exec(c, src, "source", "STOP SLAVE '" REVERSE_CONNECTION "'") != 0)
        return -1;
    if (!remove) /* paused: the coordinates stay for the next try */
        return 0;
    if (ReverseReplica_filter(c, src, false) != 0)
        return -1;
    return Step_exec(c, src, "source", "RESET SLAVE '" REVERSE_CONNECTION "' ALL");
}

/* ---- dms: the reverse task ---------------------------------------------- */

static int ReverseDms_wait(StepCtx *c, Aws_client *a, const char *want)
{
    Dms_task t;
    char err[1024];
    int64_t deadline = Clock_mono_ms() + DMS_WAIT_MS;
    for (;;) {
        if (Dms_describe_task(a, c->plan->reverse.task_arn, &t, err, sizeof err) != 0)
            return Step_fail(c, "%s", err);
        if (!strcmp(t.status, want))
            return 0;
        if (!strcmp(t.status, "failed"))
            return Step_fail(c, "the reverse DMS task failed (%s expected)", want);
        if (Clock_mono_ms() >= deadline)
            return Step_fail(c, "the reverse DMS task is %s after %d s (%s expected)", t.status,
                             DMS_WAIT_MS / 1000, want);
        if (Step_pause(c, 2000))
            return Step_fail(c, "cancelled while the reverse DMS task was %s", t.status);
    }
}

static int ReverseDms_set(StepCtx *c, const TargetMark *m)
{
    char err[1024], at[200];
    Aws_client *a = Step_aws(c, AWS_SIDE_TARGET, "reverse replication");
    if (!a)
        return -1;
    const char *arn = c->plan->reverse.task_arn;
    int rc;
    if (m && c->memo->reverse_paused) {
        Step_log(c, LOG_INFO, "the reverse DMS task resumes where the last try stopped");
        rc = Dms_resume_task(a, arn, err, sizeof err);
    } else if (m) {
        Reverse_position(m, at, sizeof at);
        rc = Dms_start_task_at(a, arn, at, err, sizeof err);
    } else {
        rc = Dms_stop_task(a, arn, err, sizeof err);
    }
    if (rc != 0)
        rc = Step_dms_taken(c, a, arn, m != NULL, err);
    if (rc == 0)
        rc = ReverseDms_wait(c, a, m ? "running" : "stopped");
    Aws_client_free(a);
    return rc;
}

/* ---- exec: the plan's commands ----------------------------------------- */

static int ReverseExec_run(StepCtx *c, const PlanCommand *cmd, const char *what,
                           const TargetMark *m)
{
    char at[200] = "", out[512], err[512];
    if (m)
        Reverse_position(m, at, sizeof at);
    ProcVars vars = {.plan = c->plan, .point_binlog = at};
    char **argv = Proc_expand(cmd, &vars);
    if (!argv)
        return Step_fail(c, "out of memory");
    int rc = Subprocess_run(argv, cmd->timeout_ms, c->cancel, out, sizeof out, err, sizeof err);
    Proc_free(argv);
    if (rc == 0)
        return 0;
    if (rc < 0)
        return Step_fail(c, "reverse_replication.%s: %s", what, err);
    return Step_fail(c, "reverse_replication.%s exited %d: %s", what, rc, err[0] ? err : out);
}

/* ---- the three moves ---------------------------------------------------- */

int Reverse_start(StepCtx *c, const TargetMark *m)
{
    if (!m->known)
        return Step_fail(c, "where the target stood at the point of no return is not known");
    switch (c->plan->reverse.method) {
    case REVERSE_REPLICA: return ReverseReplica_start(c, m);
    case REVERSE_DMS: return ReverseDms_set(c, m);
    case REVERSE_EXEC: return ReverseExec_run(c, &c->plan->reverse.start, "start", m);
    case REVERSE_NONE: break;
    }
    return Step_fail(c, "the plan has no reverse_replication");
}

int Reverse_stop(StepCtx *c, bool remove)
{
    switch (c->plan->reverse.method) {
    case REVERSE_REPLICA: return ReverseReplica_stop(c, remove);
    case REVERSE_DMS:
        if (ReverseDms_set(c, NULL) != 0)
            return -1;
        c->memo->reverse_paused = !remove;
        return 0;
    case REVERSE_EXEC: return ReverseExec_run(c, &c->plan->reverse.stop, "stop", NULL);
    case REVERSE_NONE: break;
    }
    return 0;
}

static int Reverse_fence_write(StepCtx *c, const char *table, char *id, size_t size)
{
    char sql[600];
    snprintf(id, size, "cutover-back-%" PRId64 "-%d", Clock_wall_ms(), (int)getpid());
    snprintf(sql, sizeof sql,
             "INSERT INTO %s (id, created_at, note) VALUES ('%s', NOW(6), 'cutover carry-back "
             "fence')",
             table, id);
    return Step_exec(c, Step_target(c), "target", sql);
}

int Reverse_fence(StepCtx *c, char *fence_id, size_t size, int64_t *waited_us)
{
    char table[200], sql[600];
    if (Step_quote_table(c->plan->lag_zero.fence_table, table, sizeof table) != 0)
        return Step_fail(c, "the fence table's name is not plain");
    if (Reverse_fence_write(c, table, fence_id, size) != 0)
        return -1;
    snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM %s WHERE id = '%s'", table, fence_id);
    int64_t t0 = Clock_mono_us(), last_health = Clock_mono_ms();
    int64_t deadline = Clock_mono_ms() + c->plan->reverse.timeout_ms;
    for (;;) {
        int64_t n = 0;
        if (Step_int(c, Step_source(c), "source", sql, &n) < 0)
            return -1;
        if (n > 0)
            break;
        if (c->plan->reverse.method == REVERSE_REPLICA &&
            Clock_mono_ms() - last_health >= HEALTH_EVERY_MS) {
            last_health = Clock_mono_ms();
            if (ReverseReplica_health(c, Step_source(c)) < 0)
                return -1;
        }
        if (Clock_mono_ms() >= deadline)
            return Step_fail(c, "the fence %s has not reached the source after %d s", fence_id,
                             c->plan->reverse.timeout_ms / 1000);
        if (Step_pause(c, POLL_MS))
            return Step_fail(c, "cancelled while waiting for the fence on the source");
    }
    *waited_us = Clock_mono_us() - t0;
    return 0;
}
