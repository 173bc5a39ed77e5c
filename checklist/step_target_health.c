/* Target health: the target accepts a write from the application's account,
 * and the application's sessions appear on the target and leave the source.
 *
 * The write: as the app account, inside a transaction that is always rolled
 * back, DELETE FROM t WHERE 1=0 on each table the plan verifies. It goes
 * through the whole write path (the account's privilege on the app's own
 * tables, read_only / super_read_only, the storage engine opening the table
 * for write) yet touches no row and leaves nothing behind, so it needs no
 * extra grant (writing into the cutover schema would) and cannot collide
 * with the application's data. Without verify tables the check falls back
 * to @@global.read_only = 0 as seen by the app account, and says so. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "checklist/fsutil.h"
#include "checklist/step.h"
#include "lib/clock.h"

static int Th_timeout(const StepCtx *c)
{
    return c->plan->target_health.timeout_ms > 0 ? c->plan->target_health.timeout_ms : 10000;
}

static const char *Th_user(const StepCtx *c)
{
    const char *u = c->plan->target_health.app_user;
    return u ? u : "";
}

static void Th_describe(StepCtx *c)
{
    const PlanVerify *v = &c->plan->verify;
    Step_say(c, "target as %s: SELECT @@global.read_only (0 expected)", Th_user(c));
    Step_say(c, "target as %s: START TRANSACTION", Th_user(c));
    for (size_t i = 0; i < v->ntables; i++) {
        char q[200];
        if (Step_quote_table(v->tables[i], q, sizeof q) == 0)
            Step_say(c, "target as %s: DELETE FROM %s WHERE 1=0", Th_user(c), q);
    }
    Step_say(c, "target as %s: ROLLBACK", Th_user(c));
    Step_say(c,
             "target and source: SELECT COUNT(*) FROM information_schema.processlist WHERE "
             "user = '%s' every 20 ms until source = 0 and (target > 0, or the app is paused "
             "by maintenance), up to %d ms",
             Th_user(c), Th_timeout(c));
}

static int Th_write(StepCtx *c, Db *app)
{
    char err[400], q[200], sql[300];
    int64_t ro = -1;
    if (Db_query_int(app, "SELECT @@global.read_only", &ro, err, sizeof err) != 1)
        return Step_fail(c, "target as %s: %s", Th_user(c), err);
    if (ro != 0)
        return Step_fail(c, "target is read-only (read_only=%" PRId64 ")", ro);
    const PlanVerify *v = &c->plan->verify;
    if (v->ntables == 0)
        return 0;
    if (Db_exec(app, "START TRANSACTION", err, sizeof err) != 0)
        return Step_fail(c, "target as %s: START TRANSACTION: %s", Th_user(c), err);
    int rc = 0;
    for (size_t i = 0; i < v->ntables && rc == 0; i++) {
        if (Step_quote_table(v->tables[i], q, sizeof q) != 0)
            continue;
        snprintf(sql, sizeof sql, "DELETE FROM %s WHERE 1=0", q);
        if (Db_exec(app, sql, err, sizeof err) != 0)
            rc = Step_fail(c, "target refuses a write from %s: %s: %s", Th_user(c), sql, err);
    }
    char err2[400];
    Db_exec(app, "ROLLBACK", err2, sizeof err2);
    return rc;
}

static int Th_sessions(StepCtx *c, Db *db, const char *who, int64_t *n)
{
    char esc[200], sql[400];
    Db_escape(db, Th_user(c), esc, sizeof esc);
    snprintf(sql, sizeof sql,
             "SELECT COUNT(*) FROM information_schema.processlist WHERE user = '%s'", esc);
    return Step_int(c, db, who, sql, n) == 1 ? 0 : -1;
}

/* The application is paused while maintenance is on (an application in
 * maintenance drains its pool), so its sessions can only show up on the
 * target once maintenance is off: then maintenance-off waits for them. */
static bool Th_app_paused(const StepCtx *c)
{
    const Plan *p = c->plan;
    if (!p->steps[STEP_MAINTENANCE_ON].enabled)
        return false;
    if (p->maintenance.method == METHOD_FILE)
        return Fs_exists(p->maintenance.path);
    return p->steps[STEP_MAINTENANCE_OFF].enabled;
}

int TargetHealth_wait_app(StepCtx *c, bool need_target)
{
    int64_t t0 = Clock_mono_ms(), on_target = 0, on_source = -1;
    int64_t deadline = t0 + Th_timeout(c);
    for (;;) {
        Db *src = Step_source(c), *dst = Step_target(c);
        if (!src || !dst)
            return -1;
        if (Th_sessions(c, dst, "target", &on_target) != 0 ||
            Th_sessions(c, src, "source", &on_source) != 0)
            return -1;
        if (on_source == 0 && (on_target > 0 || !need_target))
            break;
        if (Clock_mono_ms() >= deadline)
            return Step_fail(c,
                             "the application has not moved within %d ms: %" PRId64
                             " session(s) of %s on the target, %" PRId64 " on the source",
                             Th_timeout(c), on_target, Th_user(c), on_source);
        if (Step_pause(c, 20))
            return Step_fail(c, "wait for the application cancelled (abort)");
    }
    Step_log(c, LOG_INFO,
             "%" PRId64 " session(s) of %s on the target, 0 on the source (%" PRId64 " ms)",
             on_target, Th_user(c), Clock_mono_ms() - t0);
    return (int)on_target;
}

static int Th_run(StepCtx *c)
{
    const PlanTargetHealth *th = &c->plan->target_health;
    if (!th->app_user)
        return Step_fail(c, "target-health: the plan names no app_user");
    int64_t t0 = Clock_mono_ms();
    char err[400];
    Db *app = Db_connect_as(&c->plan->target, th->app_user, &th->app_password, &c->timeouts, err,
                            sizeof err);
    if (!app)
        return Step_fail(c, "target: cannot connect as %s: %s", th->app_user, err);
    int rc = Th_write(c, app);
    if (rc == 0 && c->plan->verify.ntables == 0 && !c->plan->verify.all_tables)
        Step_log(c, LOG_WARN,
                 "no verify tables: the app account's write was checked through "
                 "read_only only");
    Db_close(app);
    if (rc != 0)
        return rc;
    bool paused = Th_app_paused(c);
    int n = TargetHealth_wait_app(c, !paused);
    if (n < 0)
        return -1;
    if (paused)
        Step_result(c,
                    "%s: write accepted on the target (rolled back); none of its sessions left "
                    "on the source; the app is paused by maintenance: maintenance-off waits for "
                    "it on the target",
                    th->app_user);
    else
        Step_result(c,
                    "%s: write accepted on the target (rolled back); %d session(s) on the "
                    "target, 0 on the source after %" PRId64 " ms",
                    th->app_user, n, Clock_mono_ms() - t0);
    return 0;
}

const StepOps StepTargetHealth_ops = {
    .kind = STEP_TARGET_HEALTH,
    .describe = Th_describe,
    .run = Th_run,
};
