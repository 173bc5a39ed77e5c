/* Source read-only: `global` (SET GLOBAL read_only), `lock-accounts`
 * (ALTER USER ... ACCOUNT LOCK and end the accounts' sessions, which works
 * where the console has no SUPER), or `rds-parameter-group` (RDS refuses
 * SET GLOBAL read_only to its master user: ModifyDBParameterGroup
 * read_only=1 with ApplyMethod immediate on the source's custom group, then
 * @@global.read_only polled until the server has applied it). Read back
 * every way. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "aws/rds.h"
#include "checklist/step.h"
#include "lib/clock.h"

static const char *const READ_BACK = "SELECT @@global.read_only";

/* The user part of "'app'@'%'" (or of a bare "app"). */
static void Ro_user(const char *account, char *user, size_t size)
{
    const char *p = account[0] == '\'' || account[0] == '`' ? account + 1 : account;
    size_t n = strcspn(p, "'`@");
    snprintf(user, size, "%.*s", (int)n, p);
}

static void Ro_describe_accounts(StepCtx *c, const char *verb, bool kill)
{
    const PlanReadonly *r = &c->plan->readonly;
    for (size_t i = 0; i < r->naccounts; i++) {
        char user[128];
        Ro_user(r->accounts[i], user, sizeof user);
        Step_say(c, "source: ALTER USER %s ACCOUNT %s (with SET SESSION sql_log_bin = 0)",
                 r->accounts[i], verb);
        if (kill)
            Step_say(c,
                     "source: %s for each id in SELECT id FROM information_schema.processlist "
                     "WHERE user = '%s'",
                     c->plan->source.rds_instance ? "CALL mysql.rds_kill(<id>)"
                                                  : "KILL CONNECTION <id>",
                     user);
        Step_say(c, "source: SHOW CREATE USER %s (read back)", r->accounts[i]);
    }
}

/* RDS applies an immediate parameter change within seconds. */
#define RO_RDS_WAIT_MS 120000

static void Ro_describe_rds(StepCtx *c, bool on)
{
    const char *pg = c->plan->readonly.parameter_group;
    Step_say(c,
             "RDS ModifyDBParameterGroup %s: read_only=%d ApplyMethod=immediate; "
             "DescribeDBParameters (read back: read_only=%d)",
             pg, on, on);
    Step_say(c, "source: %s every 500 ms until %d (up to %d s)", READ_BACK, on,
             RO_RDS_WAIT_MS / 1000);
}

/* Polls @@global.read_only until it is want. */
static int Ro_poll(StepCtx *c, int want)
{
    int64_t v = -1, deadline = Clock_mono_ms() + RO_RDS_WAIT_MS;
    for (;;) {
        int rc = Step_int(c, Step_source(c), "source", READ_BACK, &v);
        if (rc == 1 && v == want)
            break;
        /* A connection lost while RDS applies the change is retried. */
        if (rc < 0 && c->source)
            return -1;
        if (Clock_mono_ms() >= deadline)
            return Step_fail(c, "read back: read_only=%" PRId64 " after %d s, %d expected", v,
                             RO_RDS_WAIT_MS / 1000, want);
        if (Step_pause(c, 500))
            return Step_fail(c, "cancelled (abort) while waiting for read_only=%d", want);
        c->error[0] = '\0';
    }
    return 0;
}

static int Ro_rds(StepCtx *c, bool on)
{
    const char *pg = c->plan->readonly.parameter_group;
    const char *want = on ? "1" : "0";
    char err[1024], value[64];
    Aws_client *a = Step_aws(c, AWS_SIDE_SOURCE, "read-only");
    if (!a)
        return -1;
    int rc = Rds_modify_parameter(a, pg, "read_only", want, "immediate", err, sizeof err);
    if (rc == 0)
        rc = Rds_parameter(a, pg, "read_only", value, sizeof value, err, sizeof err);
    Aws_client_free(a);
    if (rc < 0)
        return Step_fail(c, "%s", err);
    if (rc == 0 || strcmp(value, want) != 0)
        return Step_fail(c, "read back: parameter group %s has read_only=%s, %s expected", pg,
                         rc == 0 ? "(absent)" : value, want);
    int64_t t0 = Clock_mono_ms();
    if (Ro_poll(c, on) != 0)
        return -1;
    Step_result(c, "read_only=%d in %s and on the source after %.1f s (read back)", on, pg,
                (Clock_mono_ms() - t0) / 1000.0);
    return 0;
}

static void Ro_describe(StepCtx *c)
{
    switch (c->plan->readonly.method) {
    case READONLY_GLOBAL:
        Step_say(c, "source: SET GLOBAL read_only = ON");
        Step_say(c, "source: %s (read back: 1 expected)", READ_BACK);
        break;
    case READONLY_LOCK_ACCOUNTS: Ro_describe_accounts(c, "LOCK", true); break;
    case READONLY_RDS_PARAMETER_GROUP: Ro_describe_rds(c, true); break;
    }
}

static void Ro_describe_undo(StepCtx *c)
{
    if (c->plan->readonly.method == READONLY_RDS_PARAMETER_GROUP) {
        Ro_describe_rds(c, false);
    } else if (c->plan->readonly.method == READONLY_GLOBAL) {
        Step_say(c, "source: SET GLOBAL read_only = OFF");
        Step_say(c, "source: %s (read back: 0 expected)", READ_BACK);
    } else {
        Ro_describe_accounts(c, "UNLOCK", false);
    }
}

static int Ro_global(StepCtx *c, bool on)
{
    Db *src = Step_source(c);
    int64_t v = -1;
    if (Step_exec(c, src, "source",
                  on ? "SET GLOBAL read_only = ON" : "SET GLOBAL read_only = OFF") != 0)
        return -1;
    if (Step_int(c, c->source, "source", READ_BACK, &v) != 1)
        return c->error[0] ? -1 : Step_fail(c, "read back: no answer to %s", READ_BACK);
    if (v != (on ? 1 : 0))
        return Step_fail(c, "read back: read_only=%" PRId64 ", %d expected", v, on ? 1 : 0);
    Step_result(c, "read_only=%" PRId64 " (read back)", v);
    return 0;
}

/* 1 locked, 0 unlocked, -1 error. */
static int Ro_is_locked(StepCtx *c, const char *account)
{
    char sql[512], out[2048];
    snprintf(sql, sizeof sql, "SHOW CREATE USER %s", account);
    if (Step_string(c, Step_source(c), "source", sql, out, sizeof out) != 1)
        return -1;
    return strstr(out, "ACCOUNT LOCK") != NULL;
}

/* RDS refuses KILL of another account's session to its master user (no
 * SUPER, no CONNECTION ADMIN) and gives it mysql.rds_kill instead. */
static void Ro_kill_sql(const StepCtx *c, int64_t id, char *sql, size_t size)
{
    if (c->plan->source.rds_instance)
        snprintf(sql, size, "CALL mysql.rds_kill(%" PRId64 ")", id);
    else
        snprintf(sql, size, "KILL CONNECTION %" PRId64, id);
}

/* 1095 "not owner of thread": an account without SUPER, as on RDS. */
static int Ro_kill_refused(StepCtx *c)
{
    char why[sizeof c->error];
    if (!c->source || Db_errno(c->source) != 1095 || c->plan->source.rds_instance)
        return -1;
    snprintf(why, sizeof why, "%s", c->error);
    return Step_fail(c,
                     "%s (on RDS, name the instance in source.rds_instance: the console then ends "
                     "sessions with CALL mysql.rds_kill)",
                     why);
}

/* Ends every session of user except ours; returns how many, -1 on error. */
static int Ro_kill_sessions(StepCtx *c, const char *user)
{
    char esc[256], sql[512];
    Db *src = Step_source(c);
    if (!src)
        return -1;
    Db_escape(src, user, esc, sizeof esc);
    snprintf(sql, sizeof sql,
             "SELECT id FROM information_schema.processlist WHERE user = '%s' AND id <> "
             "CONNECTION_ID() ORDER BY id LIMIT 1",
             esc);
    int killed = 0;
    for (int guard = 0; guard < 10000; guard++) {
        int64_t id;
        int rc = Step_int(c, c->source, "source", sql, &id);
        if (rc <= 0)
            return rc < 0 ? -1 : killed;
        char kill[64];
        Ro_kill_sql(c, id, kill, sizeof kill);
        /* A session that ended by itself in between is fine (1094 unknown thread). */
        if (Step_exec(c, c->source, "source", kill) != 0 && Db_errno(c->source) != 1094)
            return Ro_kill_refused(c);
        c->error[0] = '\0';
        killed++;
    }
    return Step_fail(c, "sessions of %s keep coming back", user);
}

/* 1 when the target has a replica status (it replicates from a binlog),
 * 0 when not, -1 when it cannot be read (c->error). */
static int Ro_target_is_replica(StepCtx *c)
{
    char first[256];
    Db *dst = Step_target(c);
    if (!dst)
        return -1;
    return Step_string(c, dst, "target", Db_dialect(dst)->replica_status, first, sizeof first);
}

/* ALTER USER goes into the binlog, and a binlog replica (native replication
 * as the CDC path) would apply the lock on the target too and keep the
 * application out of it after the swap: the statements run with the
 * session's binlog off. Where the account may not turn it off (RDS), the
 * lock is logged: harmless with DMS, which does not apply account changes,
 * but fatal with a binlog replica, so then the step refuses before locking.
 * 1 binlog off (turn it on again after), 0 logged, -1 refused (c->error). */
static int Ro_binlog_off(StepCtx *c)
{
    Db *src = Step_source(c);
    if (!src)
        return -1;
    if (Step_exec(c, src, "source", "SET SESSION sql_log_bin = 0") == 0)
        return 1;
    char why[512];
    snprintf(why, sizeof why, "%s", c->error);
    int replica = Ro_target_is_replica(c);
    if (replica < 0)
        return -1;
    if (replica > 0)
        return Step_fail(c,
                         "cannot keep the account lock out of the source's binlog (%.200s), and "
                         "the target replicates that binlog: the lock would shut the "
                         "application out of the target too. Let the console's account SET "
                         "sql_log_bin, or use read_only method global or rds-parameter-group",
                         why);
    c->error[0] = '\0';
    Step_log(c, LOG_INFO,
             "the account lock goes into the source's binlog (%.80s); the target is no binlog "
             "replica (DMS does not apply account changes)",
             why);
    return 0;
}

/* Turns the session's binlog on again; a connection that cannot is dropped,
 * so the next statement (the fence row) is logged on a fresh one. */
static void Ro_binlog_on(StepCtx *c)
{
    if (c->source && Step_exec(c, c->source, "source", "SET SESSION sql_log_bin = 1") != 0) {
        Step_drop(c, c->source);
        c->error[0] = '\0';
    }
}

static int Ro_accounts_apply(StepCtx *c, bool lock)
{
    const PlanReadonly *r = &c->plan->readonly;
    int killed = 0;
    for (size_t i = 0; i < r->naccounts; i++) {
        char sql[512], user[128];
        snprintf(sql, sizeof sql, "ALTER USER %s ACCOUNT %s", r->accounts[i],
                 lock ? "LOCK" : "UNLOCK");
        if (Step_exec(c, Step_source(c), "source", sql) != 0)
            return -1;
        Ro_user(r->accounts[i], user, sizeof user);
        int n = lock ? Ro_kill_sessions(c, user) : 0;
        if (n < 0)
            return -1;
        killed += n;
        int locked = Ro_is_locked(c, r->accounts[i]);
        if (locked < 0)
            return -1;
        if (locked != lock)
            return Step_fail(c, "read back: %s is %s", r->accounts[i],
                             locked ? "still locked" : "not locked");
    }
    Step_result(c, "%zu account(s) %s, %d session(s) ended (read back)", r->naccounts,
                lock ? "locked" : "unlocked", killed);
    return 0;
}

static int Ro_accounts(StepCtx *c, bool lock)
{
    int off = Ro_binlog_off(c);
    if (off < 0)
        return -1;
    int rc = Ro_accounts_apply(c, lock);
    if (off == 1) {
        char keep[sizeof c->error];
        snprintf(keep, sizeof keep, "%s", c->error);
        Ro_binlog_on(c);
        snprintf(c->error, sizeof c->error, "%s", keep);
    }
    return rc;
}

static int Ro_set(StepCtx *c, bool on)
{
    switch (c->plan->readonly.method) {
    case READONLY_GLOBAL: return Ro_global(c, on);
    case READONLY_LOCK_ACCOUNTS: return Ro_accounts(c, on);
    case READONLY_RDS_PARAMETER_GROUP: return Ro_rds(c, on);
    }
    return Step_fail(c, "unknown read_only method");
}

static int Ro_run(StepCtx *c)
{
    return Ro_set(c, true);
}

static int Ro_undo(StepCtx *c)
{
    return Ro_set(c, false);
}

static Effect Ro_effect(StepCtx *c)
{
    if (c->plan->readonly.method != READONLY_LOCK_ACCOUNTS) {
        int64_t v;
        if (Step_int(c, Step_source(c), "source", READ_BACK, &v) != 1)
            return EFFECT_UNKNOWN;
        return v == 1 ? EFFECT_PRESENT : EFFECT_ABSENT;
    }
    for (size_t i = 0; i < c->plan->readonly.naccounts; i++) {
        int locked = Ro_is_locked(c, c->plan->readonly.accounts[i]);
        if (locked < 0)
            return EFFECT_UNKNOWN;
        if (!locked)
            return EFFECT_ABSENT;
    }
    return EFFECT_PRESENT;
}

const StepOps StepReadOnly_ops = {
    .kind = STEP_READ_ONLY,
    .describe = Ro_describe,
    .run = Ro_run,
    .describe_undo = Ro_describe_undo,
    .undo = Ro_undo,
    .effect = Ro_effect,
};
