/* Stop replication from the old source, so nothing keeps flowing from a
 * database that is no longer the system of record. Only STOP SLAVE (no
 * RESET: the coordinates stay for an undo or an inquiry); undo = START. */
#include <stdio.h>
#include <string.h>

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
    int rc = Db_query_named(dst, "SHOW SLAVE STATUS", &row, err, sizeof err);
    if (rc != 1) {
        DbRow_free(row);
        return Step_fail(c, "target: SHOW SLAVE STATUS: %s", rc == 0 ? "not a replica" : err);
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

static void Repl_describe(StepCtx *c)
{
    Step_say(c, "target: STOP SLAVE");
    Step_say(c, "target: SHOW SLAVE STATUS (read back: Slave_IO_Running=No, Slave_SQL_Running=No)");
}

static void Repl_describe_undo(StepCtx *c)
{
    Step_say(c, "target: START SLAVE");
    Step_say(c, "target: SHOW SLAVE STATUS (read back: both threads Yes within 10 s)");
}

static int Repl_set(StepCtx *c, bool running)
{
    if (Step_exec(c, Step_target(c), "target", running ? "START SLAVE" : "STOP SLAVE") != 0)
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
    return Repl_set(c, false);
}

static int Repl_undo(StepCtx *c)
{
    return Repl_set(c, true);
}

static Effect Repl_effect(StepCtx *c)
{
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
