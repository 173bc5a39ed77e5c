#include "checklist/step.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "lib/clock.h"

static const StepOps *const all_ops[STEP_KIND_COUNT] = {
    [STEP_PREFLIGHT] = &StepPreflight_ops,
    [STEP_MAINTENANCE_ON] = &StepMaintenanceOn_ops,
    [STEP_READ_ONLY] = &StepReadOnly_ops,
    [STEP_LAG_ZERO] = &StepLagZero_ops,
    [STEP_VERIFY] = &StepVerify_ops,
    [STEP_SWAP] = &StepSwap_ops,
    [STEP_TARGET_HEALTH] = &StepTargetHealth_ops,
    [STEP_MAINTENANCE_OFF] = &StepMaintenanceOff_ops,
    [STEP_STOP_REPLICATION] = &StepStopReplication_ops,
};

const StepOps *Step_ops(StepKind kind)
{
    if ((int)kind < 0 || kind >= STEP_KIND_COUNT)
        return NULL;
    return all_ops[kind];
}

DbTimeouts Step_timeouts(const Plan *plan)
{
    return (DbTimeouts){.connect_ms = plan->timings.connect_timeout_ms,
                        .read_ms = plan->timings.read_timeout_ms,
                        .write_ms = plan->timings.read_timeout_ms};
}

void Step_reset(StepCtx *c)
{
    c->executed[0] = '\0';
    c->result[0] = '\0';
    c->error[0] = '\0';
}

void Step_say(StepCtx *c, const char *fmt, ...)
{
    size_t len = strlen(c->executed);
    if (len + 2 >= sizeof c->executed)
        return;
    if (len > 0)
        c->executed[len++] = '\n';
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->executed + len, sizeof c->executed - len, fmt, ap);
    va_end(ap);
}

void Step_result(StepCtx *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->result, sizeof c->result, fmt, ap);
    va_end(ap);
}

int Step_fail(StepCtx *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->error, sizeof c->error, fmt, ap);
    va_end(ap);
    return -1;
}

void Step_log(StepCtx *c, LogLevel level, const char *fmt, ...)
{
    char text[EVENT_TEXT_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    if (c->log)
        c->log(c->log_arg, level, text);
}

bool Step_cancelled(const StepCtx *c)
{
    return c->cancel && atomic_load(c->cancel);
}

bool Step_pause(StepCtx *c, int ms)
{
    return Clock_sleep_unless(c->cancel, ms);
}

static Db *Step_connect(StepCtx *c, Db **slot, const PlanServer *server)
{
    if (*slot)
        return *slot;
    char err[512];
    *slot = Db_connect(server, &c->timeouts, err, sizeof err);
    if (!*slot)
        Step_fail(c, "%s: cannot connect: %s", server->label ? server->label : "server", err);
    return *slot;
}

Db *Step_source(StepCtx *c)
{
    return Step_connect(c, &c->source, &c->plan->source);
}

Db *Step_target(StepCtx *c)
{
    return Step_connect(c, &c->target, &c->plan->target);
}

void Step_drop(StepCtx *c, Db *db)
{
    if (!db)
        return;
    if (db == c->source)
        c->source = NULL;
    else if (db == c->target)
        c->target = NULL;
    Db_close(db);
}

/* Client errors (2000-2999: gone away, lost connection, timeouts) mean the
 * connection is no good any more; server errors leave it usable. */
static void Step_after_error(StepCtx *c, Db *db)
{
    unsigned e = Db_errno(db);
    if (e >= 2000 && e < 3000)
        Step_drop(c, db);
}

int Step_exec(StepCtx *c, Db *db, const char *who, const char *sql)
{
    if (!db)
        return -1;
    char err[400];
    if (Db_exec(db, sql, err, sizeof err) == 0)
        return 0;
    Step_fail(c, "%s: %s", who, err);
    Step_after_error(c, db);
    return -1;
}

int Step_int(StepCtx *c, Db *db, const char *who, const char *sql, int64_t *out)
{
    if (!db)
        return -1;
    char err[400];
    int rc = Db_query_int(db, sql, out, err, sizeof err);
    if (rc < 0) {
        Step_fail(c, "%s: %s", who, err);
        Step_after_error(c, db);
    }
    return rc;
}

int Step_string(StepCtx *c, Db *db, const char *who, const char *sql, char *out, size_t size)
{
    if (!db)
        return -1;
    char err[400];
    int rc = Db_query_string(db, sql, out, size, err, sizeof err);
    if (rc < 0) {
        Step_fail(c, "%s: %s", who, err);
        Step_after_error(c, db);
    }
    return rc;
}

static bool Step_plain_identifier(const char *s, size_t n)
{
    if (n == 0 || n > 64)
        return false;
    for (size_t i = 0; i < n; i++) {
        char ch = s[i];
        bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                  (ch >= '0' && ch <= '9') || ch == '_' || ch == '$';
        if (!ok)
            return false;
    }
    return true;
}

int Step_quote_table(const char *name, char *out, size_t size)
{
    const char *dot = strchr(name, '.');
    if (!dot || !Step_plain_identifier(name, (size_t)(dot - name)) ||
        !Step_plain_identifier(dot + 1, strlen(dot + 1)))
        return -1;
    int n = snprintf(out, size, "`%.*s`.`%s`", (int)(dot - name), name, dot + 1);
    return (n < 0 || (size_t)n >= size) ? -1 : 0;
}
