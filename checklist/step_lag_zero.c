/* Lag zero: at the freeze, record the source's binlog file, position and
 * GTID, write a fence row through the console's own connection, and poll the
 * target every few ms until it has the row. Where the fence cannot be
 * written, the strongest other proof: the target has executed up to the
 * freeze GTID (MASTER_GTID_WAIT with no wait), else up to the freeze binlog
 * position. The proof used is named in the result and the audit. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "checklist/replication.h"
#include "checklist/step.h"
#include "lib/clock.h"

/* Detection latency is a product figure (p99 < 100 ms): poll fast. */
enum { POLL_MS = 5 };

static const char *Lz_table(const StepCtx *c)
{
    const char *t = c->plan->lag_zero.fence_table;
    return t && t[0] ? t : "cutover.fence";
}

static int Lz_timeout(const StepCtx *c)
{
    return c->plan->lag_zero.timeout_ms > 0 ? c->plan->lag_zero.timeout_ms : 60000;
}

static void Lz_new_id(StepMemo *m)
{
    unsigned char r[6] = {0};
    if (getrandom(r, sizeof r, 0) != (ssize_t)sizeof r)
        memset(r, 0x5a, sizeof r);
    snprintf(m->fence_id, sizeof m->fence_id, "cutover-%" PRIx64 "-%d-%02x%02x%02x%02x%02x%02x",
             (uint64_t)Clock_wall_ms(), (int)getpid(), r[0], r[1], r[2], r[3], r[4], r[5]);
}

static void Lz_insert_sql(const StepCtx *c, char *sql, size_t size)
{
    snprintf(sql, size,
             "INSERT INTO %s (id, created_at, note) VALUES ('%s', NOW(6), 'cutover lag-zero "
             "fence')",
             Lz_table(c), c->memo->fence_id[0] ? c->memo->fence_id : "<new unique id>");
}

static void Lz_probe_sql(const StepCtx *c, char *sql, size_t size)
{
    const char *id = c->memo->fence_id[0] ? c->memo->fence_id : "<the fence id>";
    snprintf(sql, size, "SELECT COUNT(*) FROM %s WHERE id = '%s'", Lz_table(c), id);
}

/* At the freeze (read-only done): where the source's binlog stands. */
static int Lz_prepare(StepCtx *c)
{
    StepMemo *m = c->memo;
    Lz_new_id(m);
    m->freeze_file[0] = m->freeze_gtid[0] = m->lag_zero_proof[0] = '\0';
    m->freeze_pos = -1;
    m->lag_zero_us = -1;
    Db *src = Step_source(c);
    if (!src)
        return -1;
    char err[400];
    uint64_t pos = 0;
    const Dialect *d = Db_dialect(src);
    if (Db_binlog_position(src, m->freeze_file, sizeof m->freeze_file, &pos, err, sizeof err) == 1)
        m->freeze_pos = (long long)pos;
    if (Step_string(c, src, "source", d->gtid_position, m->freeze_gtid, sizeof m->freeze_gtid) < 0)
        c->error[0] = '\0'; /* no GTIDs: the binlog position is the fallback */
    if (!m->freeze_file[0] && !m->freeze_gtid[0] && !c->plan->lag_zero.fence)
        return Step_fail(c, "source: neither SHOW MASTER STATUS nor a GTID position: no proof "
                            "of lag zero is possible without the fence");
    return 0;
}

static void Lz_describe(StepCtx *c)
{
    char sql[512], pos[32] = "<position>";
    const StepMemo *m = c->memo;
    if (m->freeze_file[0])
        snprintf(pos, sizeof pos, "%lld", m->freeze_pos);
    Step_say(c,
             "source: SHOW MASTER STATUS; SELECT @@global.gtid_binlog_pos (the freeze: %s:%s, "
             "gtid %s)",
             m->freeze_file[0] ? m->freeze_file : "<file>", pos,
             m->freeze_gtid[0] ? m->freeze_gtid : "<gtid>");
    if (c->plan->lag_zero.fence) {
        Lz_insert_sql(c, sql, sizeof sql);
        Step_say(c, "source: %s", sql);
        Lz_probe_sql(c, sql, sizeof sql);
        Step_say(c, "target: %s every %d ms until 1, up to %d ms", sql, POLL_MS, Lz_timeout(c));
    }
    if (c->plan->replication == REPLICATION_DMS || c->plan->replication == REPLICATION_EXTERNAL)
        Step_say(c, "if the fence cannot be written: no other proof (the target is fed by a %s)",
                 Replication_describe(c->plan->replication));
    else
        Step_say(c,
                 "%s%starget: SELECT MASTER_GTID_WAIT('<freeze gtid>', 0) every %d ms until 0 "
                 "(else SHOW SLAVE STATUS Exec_Master_Log_Pos >= the freeze position)",
                 c->plan->lag_zero.fence ? "if the fence cannot be written: " : "",
                 c->plan->replication == REPLICATION_AUTO ? "on a native replica only: " : "",
                 POLL_MS);
}

/* One look at the target: 1 the proof holds, 0 not yet, -1 error. */
static int Lz_fence_seen(StepCtx *c)
{
    char sql[512];
    int64_t n = 0;
    Lz_probe_sql(c, sql, sizeof sql);
    int rc = Step_int(c, Step_target(c), "target", sql, &n);
    return rc < 0 ? -1 : n > 0;
}

static int Lz_gtid_reached(StepCtx *c)
{
    char sql[700];
    int64_t r = 0;
    Db *dst = Step_target(c);
    if (!dst)
        return -1;
    Dialect_gtid_reached_sql(Db_dialect(dst), c->memo->freeze_gtid, sql, sizeof sql);
    int rc = Step_int(c, dst, "target", sql, &r);
    return rc < 0 ? -1 : r == 1;
}

static int Lz_position_reached(StepCtx *c)
{
    Db *dst = Step_target(c);
    if (!dst)
        return -1;
    DbRow *row = NULL;
    char err[400];
    const char *sql = Db_dialect(dst)->replica_status;
    if (Db_query_named(dst, sql, &row, err, sizeof err) != 1) {
        DbRow_free(row);
        return Step_fail(c, "target: %s: %s", sql, err[0] ? err : "not a replica");
    }
    const char *file = DbRow_either(row, "Relay_Master_Log_File", "Relay_Source_Log_File", NULL);
    const char *pos = DbRow_either(row, "Exec_Master_Log_Pos", "Exec_Source_Log_Pos", NULL);
    int cmp = file ? strcmp(file, c->memo->freeze_file) : -1;
    int reached = cmp > 0 || (cmp == 0 && pos && atoll(pos) >= c->memo->freeze_pos);
    DbRow_free(row);
    return reached;
}

typedef int (*LzProbe)(StepCtx *c);

/* Polls until the proof holds, the timeout, or abort. */
/* A target that fails to answer (restarting, a dropped connection) is not a
 * reason to give up before the plan's timeout: the probe reconnects, polled
 * with a backoff so a dead server is not hammered every 5 ms. */
static int Lz_error_pause_ms(int errors)
{
    int ms = POLL_MS << (errors < 8 ? errors : 8);
    return ms > 1000 ? 1000 : ms;
}

static int Lz_wait(StepCtx *c, LzProbe probe, const char *proof, int64_t t0_us)
{
    int64_t deadline = t0_us + (int64_t)Lz_timeout(c) * 1000;
    int errors = 0;
    char last_error[sizeof c->error] = "";
    for (;;) {
        int rc = probe(c);
        if (rc == 1)
            break;
        if (rc < 0) {
            if (errors++ == 0)
                Step_log(c, LOG_WARN, "lag-zero: the target did not answer (%s); retrying",
                         c->error);
            snprintf(last_error, sizeof last_error, "%s", c->error);
        } else {
            errors = 0;
        }
        if (Clock_mono_us() >= deadline)
            return Step_fail(c,
                             "lag-zero timed out after %d ms: the target has not reached the "
                             "freeze (%s)%s%s",
                             Lz_timeout(c), proof, last_error[0] ? "; last error: " : "",
                             last_error);
        if (Step_pause(c, errors ? Lz_error_pause_ms(errors) : POLL_MS))
            return Step_fail(c, "lag-zero wait cancelled (abort)");
    }
    c->error[0] = '\0';
    c->memo->lag_zero_us = Clock_mono_us() - t0_us;
    snprintf(c->memo->lag_zero_proof, sizeof c->memo->lag_zero_proof, "%s", proof);
    return 0;
}

/* GTID and binlog positions mean something only on a native replica: a
 * target fed by DMS or another replicator has its own. */
static int Lz_fallback(StepCtx *c, int64_t t0_us)
{
    StepMemo *m = c->memo;
    ReplicationKind kind = Replication_kind(c);
    if (kind != REPLICATION_NATIVE)
        return Step_fail(c,
                         "no proof of lag zero: the fence was not written, and the source's GTID "
                         "and binlog position mean nothing on a target fed by a %s%s%s",
                         Replication_describe(kind), c->error[0] ? " (" : "",
                         c->error[0] ? c->error : "");
    if (m->freeze_gtid[0]) {
        int rc = Lz_gtid_reached(c);
        if (rc >= 0)
            return Lz_wait(c, Lz_gtid_reached, "gtid", t0_us);
        Step_log(c, LOG_WARN, "the GTID check is unavailable (%s); comparing binlog positions",
                 c->error);
        c->error[0] = '\0';
    }
    if (!m->freeze_file[0])
        return Step_fail(c, "no fence, no GTID and no binlog position: lag zero cannot be proven");
    return Lz_wait(c, Lz_position_reached, "binlog position", t0_us);
}

static int Lz_run(StepCtx *c)
{
    StepMemo *m = c->memo;
    int rc;
    if (c->plan->lag_zero.fence) {
        char sql[512];
        Lz_insert_sql(c, sql, sizeof sql);
        if (Step_exec(c, Step_source(c), "source", sql) == 0)
            rc = Lz_wait(c, Lz_fence_seen, "fence", Clock_mono_us());
        else {
            Step_log(c, LOG_WARN, "fence not written (%s); falling back to the replica position",
                     c->error);
            c->error[0] = '\0';
            m->fence_id[0] = '\0';
            rc = Lz_fallback(c, Clock_mono_us());
        }
    } else {
        rc = Lz_fallback(c, Clock_mono_us());
    }
    if (rc != 0)
        return rc;
    if (strcmp(m->lag_zero_proof, "fence") == 0)
        Step_result(c, "proof: fence %s on the target after %.1f ms (freeze %s:%lld gtid %s)",
                    m->fence_id, m->lag_zero_us / 1000.0, m->freeze_file, m->freeze_pos,
                    m->freeze_gtid);
    else
        Step_result(c, "proof: %s (no fence) reached after %.1f ms (freeze %s:%lld gtid %s)",
                    m->lag_zero_proof, m->lag_zero_us / 1000.0, m->freeze_file, m->freeze_pos,
                    m->freeze_gtid);
    return 0;
}

/* For resume: is the recorded fence (or the freeze GTID) on the target? */
static Effect Lz_effect(StepCtx *c)
{
    int rc = -1;
    if (c->memo->fence_id[0])
        rc = Lz_fence_seen(c);
    else if (c->memo->freeze_gtid[0])
        rc = Lz_gtid_reached(c);
    return rc < 0 ? EFFECT_UNKNOWN : rc ? EFFECT_PRESENT : EFFECT_ABSENT;
}

const StepOps StepLagZero_ops = {
    .kind = STEP_LAG_ZERO,
    .prepare = Lz_prepare,
    .describe = Lz_describe,
    .run = Lz_run,
    .effect = Lz_effect,
};
