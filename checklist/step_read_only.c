/* Source read-only: `global` (SET GLOBAL read_only) or `lock-accounts`
 * (ALTER USER ... ACCOUNT LOCK and end the accounts' sessions, which works
 * where the console has no SUPER). Read back either way. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "checklist/step.h"

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
        Step_say(c, "source: ALTER USER %s ACCOUNT %s", r->accounts[i], verb);
        if (kill)
            Step_say(c,
                     "source: KILL CONNECTION <id> for each id in SELECT id FROM "
                     "information_schema.processlist WHERE user = '%s'",
                     user);
        Step_say(c, "source: SHOW CREATE USER %s (read back)", r->accounts[i]);
    }
}

static void Ro_describe(StepCtx *c)
{
    switch (c->plan->readonly.method) {
    case READONLY_GLOBAL:
        Step_say(c, "source: SET GLOBAL read_only = ON");
        Step_say(c, "source: %s (read back: 1 expected)", READ_BACK);
        break;
    case READONLY_LOCK_ACCOUNTS: Ro_describe_accounts(c, "LOCK", true); break;
    case READONLY_RDS_PARAMETER_GROUP:
        Step_say(c, "rds-parameter-group %s: not carried out by this build",
                 c->plan->readonly.parameter_group);
        break;
    }
}

static void Ro_describe_undo(StepCtx *c)
{
    if (c->plan->readonly.method == READONLY_GLOBAL) {
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
        snprintf(kill, sizeof kill, "KILL CONNECTION %" PRId64, id);
        /* A session that ended by itself in between is fine (1094 unknown thread). */
        if (Step_exec(c, c->source, "source", kill) != 0 && Db_errno(c->source) != 1094)
            return -1;
        c->error[0] = '\0';
        killed++;
    }
    return Step_fail(c, "sessions of %s keep coming back", user);
}

static int Ro_accounts(StepCtx *c, bool lock)
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

static int Ro_set(StepCtx *c, bool on)
{
    switch (c->plan->readonly.method) {
    case READONLY_GLOBAL: return Ro_global(c, on);
    case READONLY_LOCK_ACCOUNTS: return Ro_accounts(c, on);
    case READONLY_RDS_PARAMETER_GROUP: break;
    }
    return Step_fail(c, "read_only method rds-parameter-group is not carried out by this build; "
                        "use \"global\" or \"lock-accounts\"");
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
    if (c->plan->readonly.method == READONLY_GLOBAL) {
        int64_t v;
        if (Step_int(c, Step_source(c), "source", READ_BACK, &v) != 1)
            return EFFECT_UNKNOWN;
        return v == 1 ? EFFECT_PRESENT : EFFECT_ABSENT;
    }
    if (c->plan->readonly.method != READONLY_LOCK_ACCOUNTS)
        return EFFECT_UNKNOWN;
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
