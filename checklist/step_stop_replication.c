/* Stop replication from the old source, so nothing keeps flowing from a
 * database that is no longer the system of record. replica: only STOP SLAVE
 * (no RESET: the coordinates stay for an undo or an inquiry); undo = START.
 * dms: StopReplicationTask, waited until the task reads "stopped" (a task
 * left running keeps copying personal data from a database nobody uses any
 * more); undo = StartReplicationTask resume-processing, waited to
 * "running". exec: the plan's stop command for a replicator the console
 * does not know (exit 0 = stopped); undo = its start command; its check
 * command, if any, reads the state back after a restart. */
#include <stdio.h>
#include <string.h>

#include "aws/dms.h"
#include "checklist/proc.h"
#include "lib/subprocess.h"
#include "checklist/step.h"
#include "lib/clock.h"

/* 1 when both threads are in the wanted state, 0 not, -1 error. */
static int Repl_state(StepCtx *c, bool running)
{
    Db *dst = Step_target(c);
    if (!dst)
        return -1;
    DbRow *row = NULL;
    char err[400];
    const char *sql_status = Db_dialect(dst)->replica_status;
    int rc = Db_query_named(dst, sql_status, &row, err, sizeof err);
    if (rc != 1) {
        DbRow_free(row);
        return Step_fail(c, "target: %s: %s", sql_status, rc == 0 ? "not a replica" : err);
    }
    const char *io = DbRow_either(row, "Slave_IO_Running", "Replica_IO_Running", NULL);
    const char *sql = DbRow_either(row, "Slave_SQL_Running", "Replica_SQL_Running", NULL);
    const char *want = running ? "Yes" : "No";
    int ok = io && sql && strcmp(io, want) == 0 && strcmp(sql, want) == 0;
    if (!ok)
        Step_fail(c, "read back: IO thread %s, SQL thread %s (%s expected)", io ? io : "?",
                  sql ? sql : "?", want);
    DbRow_free(row);
    return ok;
}

/* ---- DMS -------------------------------------------------------------- */

#define DMS_WAIT_MS 300000 /* a task takes a minute or two to stop */

static bool Repl_dms(const StepCtx *c)
{
    return c->plan->stop_replication.method == STOP_REPLICATION_DMS;
}

/* The task's status into status; 0 or -1 (c->error). */
static int ReplDms_status(StepCtx *c, Aws_client *a, char *status, size_t size)
{
    Dms_task t;
    char err[1024];
    if (Dms_describe_task(a, c->plan->aws.dms_task_arn, &t, err, sizeof err) != 0)
        return Step_fail(c, "%s", err);
    snprintf(status, size, "%s", t.status);
    return 0;
}

static void ReplDms_describe(StepCtx *c)
{
    Step_say(c, "DMS StopReplicationTask %s", c->plan->aws.dms_task_arn);
    Step_say(c, "DMS DescribeReplicationTasks every 2 s until Status=stopped (up to %d s)",
             DMS_WAIT_MS / 1000);
}

static void ReplDms_describe_undo(StepCtx *c)
{
    Step_say(c, "DMS StartReplicationTask %s StartReplicationTaskType=resume-processing",
             c->plan->aws.dms_task_arn);
    Step_say(c, "DMS DescribeReplicationTasks every 2 s until Status=running (up to %d s)",
             DMS_WAIT_MS / 1000);
}

static int ReplDms_wait(StepCtx *c, Aws_client *a, const char *want)
{
    char status[32] = "";
    int64_t deadline = Clock_mono_ms() + DMS_WAIT_MS;
    for (;;) {
        if (ReplDms_status(c, a, status, sizeof status) != 0)
            return -1;
        if (!strcmp(status, want))
            break;
        if (!strcmp(status, "failed"))
            return Step_fail(c, "read back: the DMS task failed (%s expected)", want);
        if (Clock_mono_ms() >= deadline)
            return Step_fail(c, "read back: the DMS task is %s after %d s (%s expected)", status,
                             DMS_WAIT_MS / 1000, want);
        if (Step_pause(c, 2000))
            return Step_fail(c, "cancelled (abort) while the DMS task was %s", status);
    }
    Step_result(c, "DMS task %s (read back)", status);
    return 0;
}

static int ReplDms_set(StepCtx *c, bool running)
{
    char err[1024], status[32];
    Aws_client *a = Step_aws(c, AWS_SIDE_TARGET, "stop-replication");
    if (!a)
        return -1;
    const char *arn = c->plan->aws.dms_task_arn;
    const char *want = running ? "running" : "stopped";
    int rc = ReplDms_status(c, a, status, sizeof status);
    if (rc == 0 && strcmp(status, want) != 0) {
        rc = running ? Dms_resume_task(a, arn, err, sizeof err)
                     : Dms_stop_task(a, arn, err, sizeof err);
        if (rc != 0)
            rc = Step_dms_taken(c, a, arn, running, err);
    }
    if (rc == 0)
        rc = ReplDms_wait(c, a, want);
    Aws_client_free(a);
    return rc;
}

static Effect ReplDms_effect(StepCtx *c)
{
    char status[32];
    Aws_client *a = Step_aws(c, AWS_SIDE_TARGET, "stop-replication");
    if (!a)
        return EFFECT_UNKNOWN;
    int rc = ReplDms_status(c, a, status, sizeof status);
    Aws_client_free(a);
    c->error[0] = '\0';
    if (rc != 0)
        return EFFECT_UNKNOWN;
    return !strcmp(status, "stopped") ? EFFECT_PRESENT : EFFECT_ABSENT;
}

/* ---- exec ------------------------------------------------------------- */

static bool Repl_exec(const StepCtx *c)
{
    return c->plan->stop_replication.method == STOP_REPLICATION_EXEC;
}

static const PlanCommand *ReplExec_cmd(const StepCtx *c, bool running)
{
    return running ? &c->plan->stop_replication.start : &c->plan->stop_replication.stop;
}

static void ReplExec_describe(StepCtx *c, bool running)
{
    ProcVars vars = {.plan = c->plan};
    char line[600];
    char **argv = Proc_expand(ReplExec_cmd(c, running), &vars);
    Proc_describe(argv, line, sizeof line);
    Proc_free(argv);
    Step_say(c, "run: %s (exit 0 = replication %s)", line, running ? "running" : "stopped");
}

static int ReplExec_set(StepCtx *c, bool running)
{
    ProcVars vars = {.plan = c->plan};
    const PlanCommand *cmd = ReplExec_cmd(c, running);
    char **argv = Proc_expand(cmd, &vars);
    char out[512], err[512];
    int rc = Subprocess_run(argv, cmd->timeout_ms, c->cancel, out, sizeof out, err, sizeof err);
    Proc_free(argv);
    if (rc != 0)
        return rc < 0 ? Step_fail(c, "%s command: %s", running ? "start" : "stop", err)
                      : Step_fail(c, "%s command exited %d: %s", running ? "start" : "stop", rc,
                                  err[0] ? err : out);
    Step_result(c, "replication %s: the %s command exited 0%s%s", running ? "started" : "stopped",
                running ? "start" : "stop", out[0] ? ": " : "", out);
    return 0;
}

/* The plan's check command: exit 0 stopped, 1 running; anything else, or
 * no check command, and the console cannot tell. */
static Effect ReplExec_effect(StepCtx *c)
{
    const PlanCommand *cmd = &c->plan->stop_replication.check;
    if (!cmd->argv)
        return EFFECT_UNKNOWN;
    ProcVars vars = {.plan = c->plan};
    char **argv = Proc_expand(cmd, &vars);
    char out[256], err[256];
    int rc = Subprocess_run(argv, cmd->timeout_ms, c->cancel, out, sizeof out, err, sizeof err);
    Proc_free(argv);
    return rc == 0 ? EFFECT_PRESENT : rc == 1 ? EFFECT_ABSENT : EFFECT_UNKNOWN;
}

/* ---- dispatch --------------------------------------------------------- */

static void Repl_describe(StepCtx *c)
{
    if (Repl_dms(c)) {
        ReplDms_describe(c);
        return;
    }
    if (Repl_exec(c)) {
        ReplExec_describe(c, false);
        return;
    }
    Step_say(c, "target: STOP SLAVE");
    Step_say(c, "target: SHOW SLAVE STATUS (read back: Slave_IO_Running=No, Slave_SQL_Running=No)");
}

static void Repl_describe_undo(StepCtx *c)
{
    if (Repl_dms(c)) {
        ReplDms_describe_undo(c);
        return;
    }
    if (Repl_exec(c)) {
        ReplExec_describe(c, true);
        return;
    }
    Step_say(c, "target: START SLAVE");
    Step_say(c, "target: SHOW SLAVE STATUS (read back: both threads Yes within 10 s)");
}

static int Repl_set(StepCtx *c, bool running)
{
    Db *dst = Step_target(c);
    if (!dst)
        return -1;
    const Dialect *d = Db_dialect(dst);
    if (Step_exec(c, dst, "target", running ? d->start_replica : d->stop_replica) != 0)
        return -1;
    /* The IO thread takes a moment to connect after START. */
    int64_t deadline = Clock_mono_ms() + (running ? 10000 : 2000);
    for (;;) {
        int rc = Repl_state(c, running);
        if (rc == 1)
            break;
        if (rc < 0 || Clock_mono_ms() >= deadline)
            return -1;
        if (Step_pause(c, 50))
            return Step_fail(c, "cancelled (abort)");
    }
    c->error[0] = '\0';
    Step_result(c, "replication %s: IO and SQL threads %s (read back)",
                running ? "running" : "stopped", running ? "Yes" : "No");
    return 0;
}

static int Repl_run(StepCtx *c)
{
    if (Repl_dms(c))
        return ReplDms_set(c, false);
    if (Repl_exec(c))
        return ReplExec_set(c, false);
    return Repl_set(c, false);
}

static int Repl_undo(StepCtx *c)
{
    if (Repl_dms(c))
        return ReplDms_set(c, true);
    if (Repl_exec(c))
        return ReplExec_set(c, true);
    return Repl_set(c, true);
}

static Effect Repl_effect(StepCtx *c)
{
    if (Repl_dms(c))
        return ReplDms_effect(c);
    if (Repl_exec(c))
        return ReplExec_effect(c);
    int stopped = Repl_state(c, false);
    c->error[0] = '\0';
    return stopped < 0 ? EFFECT_UNKNOWN : stopped ? EFFECT_PRESENT : EFFECT_ABSENT;
}

const StepOps StepStopReplication_ops = {
    .kind = STEP_STOP_REPLICATION,
    .describe = Repl_describe,
    .run = Repl_run,
    .describe_undo = Repl_describe_undo,
    .undo = Repl_undo,
    .effect = Repl_effect,
};
