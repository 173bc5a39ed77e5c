/* The executor thread: drives the engine, runs the step actions, audits
 * every action before and after it runs, and posts EVENT_STEP / EVENT_LOG.
 * Requests arrive on a small queue; abort is not queued behind anything: it
 * raises the cancel flag every wait in the steps polls. */
#include "checklist/executor.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/awsplan.h"
#include "checklist/audit_anchor.h"
#include "checklist/engine.h"
#include "checklist/freeze_gate.h"
#include "checklist/reverse.h"
#include "checklist/step.h"
#include "lib/clock.h"
#include "lib/redact.h"
#include "probes/sentinel.h"
#include "verify/verifier.h"

typedef enum {
    REQ_PREFLIGHT,
    REQ_ARM,
    REQ_STEP,
    REQ_ABORT,
    REQ_ROLLBACK,
    REQ_RETRY,
    REQ_SKIP,
    REQ_BY_HAND,
    REQ_COUNT,
    REQ_ROLLBACK_PAST
} Request;

enum { QUEUE_MAX = 16 };

struct Executor {
    ExecutorConfig cfg;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    Request queue[QUEUE_MAX];
    size_t qhead, qlen;
    bool stopping;
    bool running; /* handling a request */
    atomic_bool cancel;
    Engine engine; /* written by the thread under mu; read by Executor_status */
    StepMemo memo;
    StepCtx ctx;
    StepCtx anchor_ctx;  /* its own target connection: the step's error stays in ctx */
    bool need_begin;     /* the next step starts a new attempt: audit "begin" */
    char audit_err[256]; /* set once an append failed: nothing destructive after */
    char distrust[512];  /* the log does not reach the head anchored on the target: nothing runs */
    long long writes_counted;   /* the target's own writes past the point; -1 not counted */
    long long writes_confirmed; /* what the operator typed to roll back past the point */
    int downtime_posted;        /* the downtime mark last posted: 0 none, 1 running, 2 ended */
    const char *audit_step;     /* the step whose run or undo is in progress, for Exec_step_audit */
};

/* How long the AWS keys resolved at a step's start are held: no step, and
 * no downtime window, lasts that long without having failed already. STS's
 * shortest session (15 min) still covers it with the refresh margin. */
#define EXEC_AWS_HOLD_MS (5 * 60 * 1000)

static const char *const WHO = "checklist";

/* ---- events and audit ---------------------------------------------- */

static void Exec_post_log(Executor *ex, LogLevel level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void Exec_post_log(Executor *ex, LogLevel level, const char *fmt, ...)
{
    char text[EVENT_TEXT_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    Bus_post_log(ex->cfg.bus, level, WHO, "%s", text);
}

static void Exec_step_log(void *arg, LogLevel level, const char *text)
{
    Exec_post_log(arg, level, "%s", text);
}

static int Exec_audit(Executor *ex, const char *step, const char *action, const char *executed,
                      const char *result, const char *error);

static void Exec_step_audit(void *arg, const char *action, const char *executed, const char *result)
{
    Executor *ex = arg;
    if (ex->audit_step)
        Exec_audit(ex, ex->audit_step, action, executed, result, NULL);
}
/* The engine's downtime window as marks on the bus, when it changed: the
 * one rule, folded by everything that shows or reports a downtime. */
static void Exec_post_downtime(Executor *ex)
{
    pthread_mutex_lock(&ex->mu);
    int64_t start = ex->engine.downtime_start_ms, end = ex->engine.downtime_end_ms;
    pthread_mutex_unlock(&ex->mu);
    int now = start < 0 ? 0 : end < 0 ? 1 : 2;
    if (now == ex->downtime_posted || now == 0)
        return;
    Event ev;
    char text[96];
    if (now == 1)
        snprintf(text, sizeof text, "the application is frozen");
    else
        snprintf(text, sizeof text, "the application can write again after %.3f s",
                 (end - start) / 1000.0);
    Event_step(&ev, STEP_DOWNTIME_ID, now == 1 ? STEP_RUNNING : STEP_DONE, -1, text);
    if (now == 2)
        ev.value2 = (double)(end - start); /* the engine's figure, folded as it is */
    Bus_post(ex->cfg.bus, &ev);
    ex->downtime_posted = now;
    if (now == 2)
        Exec_audit(ex, "session", STEP_DOWNTIME_ID, NULL, text, NULL);
}

/* The one switch of the verifier's background comparisons: none from the
 * freeze on (one in flight then has the drain to finish in, and the
 * window's recheck does not wait for it), also after a restart inside the
 * window (the freeze step posted done from the audit log); back on when the
 * freeze is undone or never took. */
static void Exec_verifier_at_freeze(Executor *ex, StepKind k, StepState state)
{
    if (!ex->cfg.verifier || (int)k != Engine_freeze_step(&ex->engine))
        return;
    if (state == STEP_RUNNING || state == STEP_DONE)
        Verifier_pause(ex->cfg.verifier, true);
    else if (state == STEP_ROLLED_BACK || state == STEP_FAILED)
        Verifier_pause(ex->cfg.verifier, false);
}

static void Exec_post_step(Executor *ex, StepKind k, const char *text)
{
    Event ev;
    pthread_mutex_lock(&ex->mu);
    StepState state = ex->engine.steps[k].state;
    pthread_mutex_unlock(&ex->mu);
    Event_step(&ev, Plan_step_id(k), state, k, text);
    Redact_apply(ev.text, sizeof ev.text);
    Bus_post(ex->cfg.bus, &ev);
    Exec_post_downtime(ex);
    Exec_verifier_at_freeze(ex, k, state);
    if (ex->cfg.heartbeat_writes && k == STEP_LAG_ZERO && state == STEP_DONE)
        ex->cfg.heartbeat_writes(ex->cfg.heartbeat_ctx, false);
    if (ex->cfg.heartbeat_writes && k == STEP_READ_ONLY && state == STEP_ROLLED_BACK)
        ex->cfg.heartbeat_writes(ex->cfg.heartbeat_ctx, true);
}

/* The chain's head goes into the recording after every record, so a log
 * whose tail was cut no longer ends where the recording says it did
 * (`cutover verify --session`). */
static void Exec_post_head(Executor *ex)
{
    long seq = 0;
    char head[AUDIT_HEAD_HEX];
    Audit_head(ex->cfg.audit, &seq, head);
    Event ev;
    Event_sample(&ev, AUDIT_HEAD_KEY, (double)seq, "audit");
    Event_copy_field(ev.text, sizeof ev.text, head);
    Bus_post(ex->cfg.bus, &ev);
}

/* Appends and fsyncs one record. On failure the reason is kept: no
 * destructive action starts after it (Exec_audit_ok). */
static int Exec_audit(Executor *ex, const char *step, const char *action, const char *executed,
                      const char *result, const char *error)
{
    if (!ex->cfg.audit)
        return 0;
    AuditEntry e = {.step = step,
                    .action = action,
                    .executed = executed,
                    .result = result,
                    .error = error && error[0] ? error : NULL};
    char err[256];
    if (Audit_append(ex->cfg.audit, &e, err, sizeof err) == 0) {
        Exec_post_head(ex);
        return 0;
    }
    if (!ex->audit_err[0])
        snprintf(ex->audit_err, sizeof ex->audit_err, "%s", err);
    Exec_post_log(ex, LOG_ERROR,
                  "the audit log cannot be written (%s): the cutover stops before "
                  "the next destructive step",
                  err);
    return -1;
}

static int64_t Exec_now(void)
{
    return Clock_mono_ms();
}

/* ---- one step forward ------------------------------------------------ */

static int Exec_begin_attempt(Executor *ex)
{
    if (!ex->need_begin)
        return 0;
    ex->need_begin = false;
    return Exec_audit(ex, "session", "begin", NULL, ex->cfg.plan->name, NULL);
}

/* After a step's outcome: the chain's head onto the target
 * (audit_anchor.h). A target that cannot take it does not stop the
 * cutover; it is said once, and the recording still carries the head. */
static void Exec_anchor(Executor *ex)
{
    if (!ex->cfg.audit || ex->cfg.dry_run)
        return;
    long seq = 0;
    char head[AUDIT_HEAD_HEX];
    Audit_head(ex->cfg.audit, &seq, head);
    StepCtx *c = &ex->anchor_ctx;
    Step_reset(c);
    if (AuditAnchor_write(c, seq, head) == 0) {
        ex->memo.anchor_warned = false;
        return;
    }
    Step_drop(c, c->target);
    if (!ex->memo.anchor_warned)
        Exec_post_log(ex, LOG_WARN,
                      "the audit head could not be anchored on the target (%s); the recording "
                      "still carries it",
                      c->error);
    ex->memo.anchor_warned = true;
}

static void Exec_finish(Executor *ex, StepKind k, bool ok, const char *text)
{
    pthread_mutex_lock(&ex->mu);
    Engine_finish(&ex->engine, k, ok, Exec_now());
    pthread_mutex_unlock(&ex->mu);
    Exec_post_step(ex, k, text);
    Exec_anchor(ex);
}

/* Before anything changes: the plan's lock is still this console's (a
 * restarted server dropped it with the connection; it is taken again). */
static bool Exec_lock_lost(Executor *ex, StepCtx *c)
{
    char err[1024];
    if (!ex->cfg.plan_lock || PlanLock_ensure(ex->cfg.plan_lock, err, sizeof err) == 0)
        return false;
    snprintf(c->error, sizeof c->error, "refused: the plan's lock: %s", err);
    return true;
}

/* Before the freeze (the plan's first freezing step: maintenance on, else
 * source read-only): a source instance that the NLB behind the endpoint no
 * longer reaches (a failover moved it) would freeze the application while
 * DMS reads nothing; stop while nothing is frozen yet. A fresh look, not the
 * last alarm: the gate must not trust a sample from before the lead pressed
 * the key. Only there: a look inside the window would add to the downtime. */
static bool Exec_sentinel_stops(Executor *ex, StepKind k, StepCtx *c)
{
    char why[EVENT_TEXT_MAX];
    if ((int)k != Engine_freeze_step(&ex->engine) || !Sentinel_instance(ex->cfg.plan) ||
        Sentinel_check(ex->cfg.plan, why, sizeof why))
        return false;
    snprintf(c->error, sizeof c->error, "stopped before the freeze: failover sentinel: %s", why);
    return true;
}

/* At the start of every step and undo of a plan that uses AWS: each
 * account's keys resolved now if they would not last, then held, so that
 * no AssumeRole, SSO or credential_process call runs inside a step, and
 * none inside the downtime window (a step's start within the window finds
 * the hold taken at the freeze). No usable keys: the step does not start. */
static bool Exec_aws_ready(Executor *ex, StepCtx *c)
{
    char warn[EVENT_TEXT_MAX], err[512];
    if (Awsplan_prepare(ex->cfg.plan, EXEC_AWS_HOLD_MS, warn, sizeof warn, err, sizeof err) != 0) {
        snprintf(c->error, sizeof c->error, "not started: %s", err);
        return false;
    }
    if (warn[0])
        Exec_post_log(ex, LOG_WARN, "%s", warn);
    return true;
}

static void Exec_post_point(Executor *ex, StepState state, const char *text)
{
    Event ev;
    Event_step(&ev, STEP_POINT_ID, state, ex->engine.point_step, text);
    Bus_post(ex->cfg.bus, &ev);
}

/* Before the step that lets the application reach the target: the target's
 * binlog position is noted (to count its writes later) and the crossing is
 * audited as its own record. A target whose writes cannot be counted does
 * not stop the cutover; it only means no rollback past the point. */
static void Exec_cross_point(Executor *ex, StepKind k)
{
    StepMemo *m = &ex->memo;
    if ((int)k != ex->engine.point_step)
        return;
    pthread_mutex_lock(&ex->mu);
    Engine_cross_point(&ex->engine);
    pthread_mutex_unlock(&ex->mu);
    if (m->point_crossed)
        return; /* a retry of the point step: crossed and audited before */
    StepCtx *c = &ex->ctx;
    char mark[256] = "target binlog unknown";
    if (TargetWrites_mark(c, &m->point_mark) == 0)
        TargetWrites_format_mark(&m->point_mark, mark, sizeof mark);
    else
        Exec_post_log(ex, LOG_WARN,
                      "the target's writes past the point of no return cannot be counted (%s): "
                      "there will be no rollback past it",
                      c->error);
    Step_reset(c);
    char text[EVENT_TEXT_MAX];
    snprintf(text, sizeof text,
             "crossed at %s: the application may write to the target from here on; a failure "
             "holds, nothing is rolled back by itself",
             Plan_step_id(k));
    if (Exec_audit(ex, "session", STEP_POINT_ID, mark, text, NULL) != 0)
        return; /* audit_err is set: the step's start is refused */
    m->point_crossed = true;
    Exec_post_point(ex, STEP_DONE, text);
}

/* Runs step k: prepare, audit "start" with exactly what will run, run (which
 * reads its effect back), audit the outcome. Returns 0 when done. */
static int Exec_run_step(Executor *ex, StepKind k)
{
    const StepOps *ops = Step_ops(k);
    StepCtx *c = &ex->ctx;
    const char *id = Plan_step_id(k);
    pthread_mutex_lock(&ex->mu);
    int rc = Engine_begin(&ex->engine, k, Exec_now());
    pthread_mutex_unlock(&ex->mu);
    if (rc != 0)
        return -1;
    Exec_post_step(ex, k, Engine_is_destructive(k) ? "running (destructive)" : "running");
    Step_reset(c);
    if (ex->audit_err[0]) {
        snprintf(c->error, sizeof c->error, "refused: the audit log cannot be written (%s)",
                 ex->audit_err);
        Exec_finish(ex, k, false, c->error);
        return -1;
    }
    if (Exec_begin_attempt(ex) != 0 || !Exec_aws_ready(ex, c) ||
        (ops->prepare && ops->prepare(c) != 0)) {
        Exec_audit(ex, id, "failed", NULL, NULL, c->error[0] ? c->error : ex->audit_err);
        Exec_finish(ex, k, false, c->error[0] ? c->error : "the audit log cannot be written");
        return -1;
    }
    if (Engine_is_destructive(k) && (Exec_lock_lost(ex, c) || Exec_sentinel_stops(ex, k, c))) {
        Exec_audit(ex, id, "failed", NULL, NULL, c->error);
        Exec_finish(ex, k, false, c->error);
        return -1;
    }
    Exec_cross_point(ex, k);
    ops->describe(c);
    if (Exec_audit(ex, id, "start", c->executed, NULL, NULL) != 0) {
        Exec_finish(ex, k, false, "not started: the audit log cannot be written");
        return -1;
    }
    pthread_mutex_lock(&ex->mu);
    Engine_act(&ex->engine, k);
    pthread_mutex_unlock(&ex->mu);
    ex->audit_step = id;
    rc = ops->run(c);
    ex->audit_step = NULL;
    bool interrupted = rc != 0 && atomic_load(&ex->cancel);
    const char *action = rc == 0 ? "done" : interrupted ? "interrupted" : "failed";
    Exec_audit(ex, id, action, NULL, c->result, c->error);
    Exec_finish(ex, k, rc == 0, rc == 0 ? c->result : c->error);
    return rc;
}

static void Exec_post_failure(Executor *ex, StepKind k)
{
    const char *id = Plan_step_id(k);
    if (Engine_held(&ex->engine))
        Exec_post_log(ex, LOG_ERROR,
                      "%s failed: %s; HELD past the point of no return: nothing is rolled "
                      "back by itself; retry it, skip it, or do it by hand and mark it done",
                      id, ex->ctx.error);
    else
        Exec_post_log(ex, LOG_ERROR, "%s failed: %s%s", id, ex->ctx.error,
                      Engine_touched(&ex->engine) ? "; rollback available" : "");
}

static void Exec_gate_progress(void *arg, const char *text)
{
    Executor *ex = arg;
    char line[EVENT_TEXT_MAX];
    snprintf(line, sizeof line, "freeze gate, %s", text);
    Exec_post_step(ex, (StepKind)Engine_freeze_step(&ex->engine), line);
}

/* Before the freeze step of a plan with a freeze gate: the step waits
 * (state waiting, a countdown on its line) until the figures allow the
 * freeze, then runs at once. The wait and its end are audited. Returns 0 to
 * go on, -1 when it timed out or was cancelled: nothing was frozen. */
static int Exec_gate(Executor *ex, StepKind k)
{
    const PlanFreeze *cfg = &ex->cfg.plan->freeze;
    if (!cfg->gate || (int)k != Engine_freeze_step(&ex->engine))
        return 0;
    pthread_mutex_lock(&ex->mu);
    int rc = Engine_wait(&ex->engine, k);
    pthread_mutex_unlock(&ex->mu);
    if (rc != 0)
        return 0;
    char executed[200];
    snprintf(executed, sizeof executed,
             "wait for lag and drain <= %d ms over %d samples%s, at most %d ms", cfg->max_lag_ms,
             cfg->samples,
             ex->cfg.verifier && cfg->wait_for_verify ? " and the first verify pass" : "",
             cfg->timeout_ms);
    Exec_post_log(ex, LOG_INFO, "freeze gate: %s", executed);
    GateOutcome out;
    FreezeGate_wait(cfg, ex->cfg.bus, ex->cfg.verifier, &ex->cancel, Exec_gate_progress, ex, &out);
    char result[EVENT_TEXT_MAX + 64];
    snprintf(result, sizeof result, "%s after %.1f s: %s",
             out.state == GATE_OPEN        ? "open"
             : out.state == GATE_TIMED_OUT ? "timed out"
                                           : "cancelled",
             out.waited_ms / 1000.0, out.text);
    Exec_audit(ex, "session", "freeze-gate", executed, out.state == GATE_OPEN ? result : NULL,
               out.state == GATE_OPEN ? NULL : result);
    if (out.state == GATE_OPEN) {
        Exec_post_log(ex, LOG_INFO, "freeze gate %s; freezing now", result);
        return 0;
    }
    pthread_mutex_lock(&ex->mu);
    Engine_unwait(&ex->engine, k);
    pthread_mutex_unlock(&ex->mu);
    Exec_post_step(ex, k, "not frozen: the freeze gate did not open");
    if (out.state == GATE_TIMED_OUT)
        Exec_post_log(ex, LOG_ERROR,
                      "not frozen: freeze gate %s; nothing was changed: arm again to wait again",
                      result);
    return -1;
}

/* Runs the next step (or every remaining one when all is set). */
static void Exec_forward(Executor *ex, bool all, bool only_preflight)
{
    for (;;) {
        pthread_mutex_lock(&ex->mu);
        int k = Engine_next(&ex->engine);
        pthread_mutex_unlock(&ex->mu);
        if (k < 0 || atomic_load(&ex->cancel))
            return;
        if (only_preflight && k != STEP_PREFLIGHT)
            return;
        if (Exec_gate(ex, (StepKind)k) != 0)
            return;
        if (Exec_run_step(ex, (StepKind)k) != 0) {
            Exec_post_failure(ex, (StepKind)k);
            return;
        }
        if (!all)
            return;
    }
}

/* ---- rollback -------------------------------------------------------- */

static int Exec_undo_step(Executor *ex, StepKind k)
{
    const StepOps *ops = Step_ops(k);
    StepCtx *c = &ex->ctx;
    const char *id = Plan_step_id(k);
    pthread_mutex_lock(&ex->mu);
    Engine_rollback_begin(&ex->engine, k, Exec_now());
    bool acted = ex->engine.steps[k].acted;
    pthread_mutex_unlock(&ex->mu);
    Step_reset(c);
    int rc = 0;
    if (!ops->undo || !acted) {
        /* A step that failed in its prepare or at a gate changed nothing:
         * its undo would only read (and could fail on what made it fail),
         * stopping the rollback with the application still frozen. */
        snprintf(c->result, sizeof c->result, "%s",
                 ops->undo ? "nothing to undo: it failed before it acted" : "nothing to undo");
        Exec_audit(ex, id, "rolled-back", NULL, c->result, NULL);
    } else if (ex->audit_err[0]) {
        rc = Step_fail(c, "refused: the audit log cannot be written (%s)", ex->audit_err);
    } else if (Exec_lock_lost(ex, c) || !Exec_aws_ready(ex, c)) {
        rc = -1;
    } else {
        Exec_post_step(ex, k, Engine_undo_describe(k));
        ops->describe_undo(c);
        if (Exec_audit(ex, id, "rollback-start", c->executed, NULL, NULL) != 0)
            rc = Step_fail(c, "undo not started: the audit log cannot be written");
        else {
            ex->audit_step = id;
            rc = ops->undo(c);
            ex->audit_step = NULL;
            Exec_audit(ex, id, rc == 0 ? "rolled-back" : "rollback-failed", NULL, c->result,
                       c->error);
        }
    }
    pthread_mutex_lock(&ex->mu);
    Engine_rollback_finish(&ex->engine, k, rc == 0, Exec_now());
    pthread_mutex_unlock(&ex->mu);
    Exec_post_step(ex, k, rc == 0 ? c->result : c->error);
    Exec_anchor(ex);
    return rc;
}

/* Counts the target's own writes since the point (executor thread). */
static int Exec_count_writes(Executor *ex, TargetWrites *w)
{
    Step_reset(&ex->ctx);
    if (TargetWrites_count(&ex->ctx, &ex->memo.point_mark, w) != 0) {
        Exec_post_log(ex, LOG_ERROR, "cannot count the target's writes: %s", ex->ctx.error);
        return -1;
    }
    pthread_mutex_lock(&ex->mu);
    ex->writes_counted = w->transactions;
    pthread_mutex_unlock(&ex->mu);
    return 0;
}

static void Exec_rollback(Executor *ex)
{
    const Engine *e = &ex->engine;
    if (Engine_past_point(e) && !e->rollback_past && !e->refreeze) {
        Exec_post_log(ex, LOG_ERROR,
                      "refused: past the point of no return a rollback would strand the "
                      "writes the application made on the target; count them and roll back "
                      "past the point deliberately, or resolve the failed step");
        return;
    }
    int undone = 0;
    for (;;) {
        pthread_mutex_lock(&ex->mu);
        int k = Engine_rollback_next(&ex->engine);
        pthread_mutex_unlock(&ex->mu);
        if (k < 0 || atomic_load(&ex->cancel))
            break;
        if (Exec_undo_step(ex, (StepKind)k) != 0) {
            Exec_post_log(ex, LOG_ERROR, "rollback stopped at %s: %s (retry or act by hand)",
                          Plan_step_id((StepKind)k), ex->ctx.error);
            return;
        }
        undone++;
    }
    if (Engine_rolled_back(&ex->engine)) {
        int64_t d = Engine_downtime_ms(&ex->engine, Exec_now());
        Exec_post_log(ex, LOG_INFO, "rollback complete (%d step(s)); downtime %.3f s", undone,
                      d < 0 ? 0 : d / 1000.0);
    }
}

/* ---- past the point of no return --------------------------------------- */

/* An application paused a moment ago may still finish requests it had
 * begun: the count is taken once two counts SETTLE_MS apart agree. */
static int Exec_count_settled(Executor *ex, TargetWrites *w)
{
    enum { SETTLE_MS = 500, SETTLE_TRIES = 20 };
    long long last = -1;
    for (int i = 0; i < SETTLE_TRIES; i++) {
        if (Exec_count_writes(ex, w) != 0)
            return -1;
        if (w->transactions == last)
            return 0;
        last = w->transactions;
        if (Step_pause(&ex->ctx, SETTLE_MS))
            return -1;
    }
    Exec_post_log(ex, LOG_ERROR,
                  "the target's writes did not settle in %d s (%lld now): the application is "
                  "still writing to the target; pause it, then count again",
                  SETTLE_MS * SETTLE_TRIES / 1000, w->transactions);
    pthread_mutex_lock(&ex->mu);
    ex->writes_counted = -1;
    pthread_mutex_unlock(&ex->mu);
    return -1;
}

/* The first move of a rollback past the point: the steps from the point on
 * are undone (the application is paused again), then the target's writes
 * are counted while none is added. */
static void Exec_count(Executor *ex)
{
    if (!Engine_past_point(&ex->engine)) {
        Exec_post_log(ex, LOG_INFO,
                      "not past the point of no return: the target holds no "
                      "write of the application; a rollback strands nothing");
        return;
    }
    if (!ex->engine.refreeze) {
        if (Exec_audit(ex, "session", "refreeze", NULL,
                       "the steps from the point of no return are undone to count the "
                       "target's writes",
                       NULL) != 0)
            return;
        pthread_mutex_lock(&ex->mu);
        Engine_allow_refreeze(&ex->engine);
        pthread_mutex_unlock(&ex->mu);
        Exec_rollback(ex);
    }
    pthread_mutex_lock(&ex->mu);
    int left = Engine_rollback_next(&ex->engine);
    pthread_mutex_unlock(&ex->mu);
    if (left >= 0) {
        Exec_post_log(ex, LOG_ERROR,
                      "not counted: %s is not undone yet, so the application "
                      "may still be writing to the target",
                      Plan_step_id((StepKind)left));
        return;
    }
    TargetWrites w;
    if (Exec_count_settled(ex, &w) != 0)
        return;
    Exec_post_log(ex, w.transactions ? LOG_WARN : LOG_INFO,
                  "the target has %lld transaction(s) (%lld row event(s)%s%s) of its own since "
                  "the point of no return that the source lacks",
                  w.transactions, w.row_events, w.table[0] ? ", e.g. " : "", w.table);
}

/* Reverse replication from the point's mark, a fence, stopped: the
 * target's writes are on the source before anything else is undone. On a
 * failure the reverse replication is stopped again and nothing more is
 * undone: the application stays paused. */
static int Exec_carry_back(Executor *ex, const TargetWrites *w)
{
    StepCtx *c = &ex->ctx;
    char how[300], mark[200], fence[64], text[400];
    int64_t waited_us = 0;
    Reverse_describe(ex->cfg.plan, how, sizeof how);
    TargetWrites_format_mark(&ex->memo.point_mark, mark, sizeof mark);
    snprintf(text, sizeof text, "%lld transaction(s) from %s through %s", w->transactions, mark,
             how);
    if (Exec_audit(ex, "session", "carry-back-start", NULL, text, NULL) != 0)
        return -1;
    Exec_post_log(ex, LOG_INFO, "carrying the target's writes back: %s", text);
    Step_reset(c);
    int rc = Reverse_start(c, &ex->memo.point_mark);
    if (rc == 0)
        rc = Reverse_fence(c, fence, sizeof fence, &waited_us);
    char why[sizeof c->error];
    snprintf(why, sizeof why, "%s", c->error);
    Step_reset(c);
    /* Failed: paused, so the next try resumes instead of applying again. */
    if (Reverse_stop(c, rc == 0) != 0 && rc == 0) {
        rc = -1;
        snprintf(why, sizeof why, "stopping the reverse replication: %s", c->error);
    }
    if (rc != 0) {
        Exec_audit(ex, "session", "carry-back-failed", NULL, NULL, why);
        Exec_post_log(ex, LOG_ERROR,
                      "not rolled back: the target's writes were not carried back (%s); the "
                      "application stays paused",
                      why);
        return -1;
    }
    snprintf(text, sizeof text,
             "%lld transaction(s) (%lld row event(s)) carried back to the source; fence %s "
             "there after %.1f ms",
             w->transactions, w->row_events, fence, waited_us / 1000.0);
    if (Exec_audit(ex, "session", "carried-back", NULL, text, NULL) != 0)
        return -1;
    Exec_post_log(ex, LOG_INFO, "%s", text);
    return 0;
}

/* The second move: the count (typed by the operator, or the one just shown
 * when the writes are carried back) must still be the count now. */
static void Exec_rollback_past(Executor *ex)
{
    if (!Engine_past_point(&ex->engine) || ex->engine.rollback_past) {
        Exec_rollback(ex);
        return;
    }
    if (!ex->engine.refreeze) {
        Exec_post_log(ex, LOG_ERROR, "not rolled back: count the target's writes first");
        return;
    }
    TargetWrites w;
    if (Exec_count_writes(ex, &w) != 0)
        return;
    if (w.transactions != ex->writes_confirmed) {
        Exec_post_log(ex, LOG_ERROR,
                      "not rolled back: the target has %lld transaction(s) of its own since the "
                      "point, %lld were confirmed; confirm the count again",
                      w.transactions, ex->writes_confirmed);
        return;
    }
    char text[200];
    if (ex->cfg.plan->reverse.method != REVERSE_NONE) {
        if (Exec_carry_back(ex, &w) != 0)
            return;
        snprintf(text, sizeof text,
                 "%lld transaction(s) on the target since the point, carried back to the "
                 "source",
                 w.transactions);
    } else {
        snprintf(text, sizeof text,
                 "%lld transaction(s) (%lld row event(s)) on the target since the point, "
                 "confirmed by the operator: they stay on the target, not carried back",
                 w.transactions, w.row_events);
    }
    if (Exec_audit(ex, "session", "rollback-past-point", NULL, text, NULL) != 0)
        return;
    Exec_post_log(ex, LOG_WARN, "rolling back past the point of no return: %s", text);
    pthread_mutex_lock(&ex->mu);
    Engine_allow_rollback_past(&ex->engine);
    pthread_mutex_unlock(&ex->mu);
    Exec_rollback(ex);
}

/* Retry, skip, by hand: the operator resolves the failed step forward. */
static void Exec_resolve(Executor *ex, Request req)
{
    pthread_mutex_lock(&ex->mu);
    int k = Engine_failed_step(&ex->engine);
    int rc = k < 0              ? -1
             : req == REQ_RETRY ? Engine_retry(&ex->engine, (StepKind)k)
             : req == REQ_SKIP  ? Engine_skip(&ex->engine, (StepKind)k)
                                : Engine_by_hand(&ex->engine, (StepKind)k, Exec_now());
    pthread_mutex_unlock(&ex->mu);
    const char *what = req == REQ_RETRY ? "retry" : req == REQ_SKIP ? "skip" : "mark done by hand";
    if (rc != 0) {
        Exec_post_log(ex, LOG_ERROR, "%s refused: %s", what,
                      k < 0              ? "no step has failed"
                      : req == REQ_RETRY ? "a rollback has begun"
                                         : "only past the point of no return (before it, "
                                           "roll back)");
        return;
    }
    const char *id = Plan_step_id((StepKind)k);
    const char *action = req == REQ_RETRY ? "retry" : req == REQ_SKIP ? "skipped" : "by-hand";
    const char *text = req == REQ_RETRY  ? "the operator runs it again"
                       : req == REQ_SKIP ? "skipped by the operator past the point of no return"
                                         : "done by hand (the operator's word)";
    Exec_audit(ex, id, action, NULL, text, NULL);
    Exec_post_log(ex, LOG_INFO, "%s: %s", id, text);
    Exec_post_step(ex, (StepKind)k, req == REQ_RETRY ? "" : text); /* pending text is a title */
    Exec_anchor(ex);
    Exec_forward(ex, ex->cfg.plan->confirm != CONFIRM_PER_STEP, false);
}

/* ---- dry run --------------------------------------------------------- */

static void Exec_post_lines(Executor *ex, const char *prefix, const char *text)
{
    for (const char *p = text; *p;) {
        size_t n = strcspn(p, "\n");
        Exec_post_log(ex, LOG_INFO, "%s%.*s", prefix, (int)n, p);
        p += n;
        if (*p == '\n')
            p++;
    }
}

static void Exec_dry_run(Executor *ex)
{
    for (int k = 0; k < STEP_KIND_COUNT; k++) {
        if (!ex->engine.steps[k].enabled)
            continue;
        const StepOps *ops = Step_ops((StepKind)k);
        char prefix[64];
        Step_reset(&ex->ctx);
        ops->describe(&ex->ctx);
        snprintf(prefix, sizeof prefix, "dry-run %s: ", Plan_step_id((StepKind)k));
        Exec_post_lines(ex, prefix, ex->ctx.executed);
        if (!ops->describe_undo)
            continue;
        Step_reset(&ex->ctx);
        ops->describe_undo(&ex->ctx);
        snprintf(prefix, sizeof prefix, "dry-run %s undo: ", Plan_step_id((StepKind)k));
        Exec_post_lines(ex, prefix, ex->ctx.executed);
    }
    Exec_post_log(ex, LOG_INFO, "dry-run: nothing was executed");
}

/* ---- resume ---------------------------------------------------------- */

typedef struct Trail {
    ResumeRecord *recs;
    size_t n, cap;
    bool oom;
    StepMemo *memo;
} Trail;

/* The fence id and freeze GTID from a lag-zero "start" record's executed
 * text (written by step_lag_zero's describe), so a restart can look for
 * exactly that fence on the target. */
static void Trail_lag_zero(StepMemo *m, const char *executed)
{
    const char *p = executed ? strstr(executed, "VALUES ('") : NULL;
    m->fence_id[0] = '\0';
    if (p) {
        p += strlen("VALUES ('");
        size_t n = strcspn(p, "'");
        if (n < sizeof m->fence_id)
            snprintf(m->fence_id, sizeof m->fence_id, "%.*s", (int)n, p);
    }
    const char *g = executed ? strstr(executed, ", gtid ") : NULL;
    m->freeze_gtid[0] = '\0';
    if (g) {
        g += strlen(", gtid ");
        size_t n = strcspn(g, ")");
        if (n < sizeof m->freeze_gtid && g[0] != '<')
            snprintf(m->freeze_gtid, sizeof m->freeze_gtid, "%.*s", (int)n, g);
    }
}

static int Trail_visit(const AuditRecord *r, void *arg)
{
    Trail *t = arg;
    if (!r->step || !r->action)
        return 0;
    int kind = strcmp(r->step, "session") == 0 ? -1 : Plan_step_parse(r->step);
    if (kind < 0 && strcmp(r->step, "session") != 0)
        return 0;
    if (t->n == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 64;
        ResumeRecord *grown = realloc(t->recs, cap * sizeof *grown);
        if (!grown) {
            t->oom = true;
            return 1;
        }
        t->recs = grown;
        t->cap = cap;
    }
    char *action = strdup(r->action);
    if (!action) {
        t->oom = true;
        return 1;
    }
    t->recs[t->n++] = (ResumeRecord){.kind = kind, .action = action};
    if (kind == STEP_LAG_ZERO && strcmp(r->action, "start") == 0)
        Trail_lag_zero(t->memo, r->executed);
    if (kind < 0 && strcmp(r->action, STEP_POINT_ID) == 0) {
        t->memo->point_crossed = true;
        TargetWrites_parse_mark(r->executed, &t->memo->point_mark);
    }
    if (kind < 0 && strcmp(r->action, "begin") == 0)
        t->memo->point_crossed = false;
    return 0;
}

static void Trail_free(Trail *t)
{
    for (size_t i = 0; i < t->n; i++)
        free((char *)t->recs[i].action);
    free(t->recs);
}

static bool Trail_mentions(const Trail *t, int kind)
{
    for (size_t i = 0; i < t->n; i++)
        if (t->recs[i].kind == kind)
            return true;
    return false;
}

static const char *Effect_name(Effect e)
{
    return e == EFFECT_PRESENT ? "in place" : e == EFFECT_ABSENT ? "absent" : "unknown";
}

/* Audits and posts what the restart decided for one re-checked step. */
static void Exec_report_recheck(Executor *ex, StepKind k, Effect eff, bool diverged)
{
    const char *id = Plan_step_id(k);
    char text[EVENT_TEXT_MAX];
    StepState s = ex->engine.steps[k].state;
    if (diverged) {
        snprintf(text, sizeof text, "after restart: recorded done but its effect is gone");
        Exec_audit(ex, id, "failed", NULL, NULL, text);
    } else if (s == STEP_DONE) {
        snprintf(text, sizeof text, "after restart: effect %s (read back): counted as done",
                 Effect_name(eff));
        Exec_audit(ex, id, "done", NULL, text, NULL);
    } else if (s == STEP_PENDING) {
        snprintf(text, sizeof text, "after restart: effect %s: runs again", Effect_name(eff));
        Exec_audit(ex, id, "interrupted", NULL, text, NULL);
    } else if (s == STEP_ROLLED_BACK) {
        snprintf(text, sizeof text, "after restart: undo took effect (read back)");
        Exec_audit(ex, id, "rolled-back", NULL, text, NULL);
    } else {
        snprintf(text, sizeof text, "after restart: outcome unknown (effect %s): decide",
                 Effect_name(eff));
        Exec_audit(ex, id, "failed", NULL, NULL, text);
    }
    Exec_post_step(ex, k, text);
}

static void Exec_post_all(Executor *ex, const ResumeResult *r, const ResumeActual *a)
{
    if (ex->memo.point_crossed)
        Exec_post_point(ex, STEP_DONE, "crossed before the restart (audit log)");
    for (int k = 0; k < STEP_KIND_COUNT; k++) {
        if (!ex->engine.steps[k].enabled)
            continue;
        if (r && (r->rechecked[k] || r->diverged[k]))
            Exec_report_recheck(ex, (StepKind)k, a->effect[k], r->diverged[k]);
        else if (ex->engine.steps[k].state != STEP_PENDING)
            Exec_post_step(ex, (StepKind)k, "from the audit log");
    }
}

static void Exec_restart_clock(Executor *ex)
{
    Engine *e = &ex->engine;
    bool frozen = e->steps[STEP_MAINTENANCE_ON].state == STEP_DONE ||
                  e->steps[STEP_READ_ONLY].state == STEP_DONE;
    /* Past the point the application was let through: not frozen. */
    if (frozen && !Engine_past_point(e) && e->steps[STEP_MAINTENANCE_OFF].state != STEP_DONE) {
        e->downtime_start_ms = Exec_now();
        Exec_post_log(ex, LOG_WARN,
                      "the application is frozen since before the restart; the "
                      "downtime clock restarts now");
        Exec_post_downtime(ex);
    }
}

/* The log against the head anchored on the target: a tail cut from the
 * log would make the resume act on a past that is not the true one. A
 * target that cannot be asked (or has no head yet) proves nothing either
 * way; the chain was checked before the executor started. */
static void Exec_check_anchor(Executor *ex)
{
    long seq = 0;
    char head[AUDIT_HEAD_HEX], msg[400];
    StepCtx *c = &ex->anchor_ctx;
    Step_reset(c);
    if (AuditAnchor_read(c, &seq, head) != 1)
        return;
    if (Audit_check_anchor(ex->cfg.audit_path, seq, head, msg, sizeof msg) != 1)
        return;
    snprintf(ex->distrust, sizeof ex->distrust,
             "the audit log does not match the head anchored on the target: %s; nothing runs "
             "(cutover verify --against-target)",
             msg);
    Exec_post_log(ex, LOG_ERROR, "%s", ex->distrust);
}

static void Exec_resume(Executor *ex)
{
    Trail t = {.memo = &ex->memo};
    char err[256];
    if (ex->cfg.audit_path && Audit_read(ex->cfg.audit_path, Trail_visit, &t, err, sizeof err) != 0)
        Exec_post_log(ex, LOG_ERROR, "cannot read the audit log to resume: %s", err);
    if (t.n > 0 && ex->cfg.audit_path)
        Exec_check_anchor(ex);
    ResumeActual actual;
    memset(&actual, 0, sizeof actual);
    for (int k = 0; k < STEP_KIND_COUNT && t.n > 0; k++) {
        const StepOps *ops = Step_ops((StepKind)k);
        if (ops->effect && ex->engine.steps[k].enabled && Trail_mentions(&t, k))
            actual.effect[k] = ops->effect(&ex->ctx);
    }
    pthread_mutex_lock(&ex->mu);
    ResumeResult r = Engine_resume(&ex->engine, t.recs, t.n, &actual);
    pthread_mutex_unlock(&ex->mu);
    Trail_free(&t);
    ex->need_begin = r.verdict == RESUME_FRESH || r.verdict == RESUME_ROLLED_BACK;
    if (r.verdict == RESUME_FRESH)
        return;
    Exec_post_log(ex, r.verdict == RESUME_DECIDE ? LOG_WARN : LOG_INFO,
                  "restart: the audit log shows a previous run: %s%s%s",
                  Engine_verdict_name(r.verdict),
                  r.in_flight >= 0 ? "; in flight at the stop: " : "",
                  r.in_flight >= 0 ? Plan_step_id((StepKind)r.in_flight) : "");
    Exec_post_all(ex, &r, &actual);
    if (r.verdict == RESUME_ROLLED_BACK) {
        bool enabled[STEP_KIND_COUNT];
        for (int k = 0; k < STEP_KIND_COUNT; k++)
            enabled[k] = ex->cfg.plan->steps[k].enabled;
        pthread_mutex_lock(&ex->mu);
        Engine_init(&ex->engine, enabled);
        pthread_mutex_unlock(&ex->mu);
        Exec_post_log(ex, LOG_INFO,
                      "the previous attempt was rolled back: a new attempt starts "
                      "from the beginning");
        for (int k = 0; k < STEP_KIND_COUNT; k++)
            if (enabled[k])
                Exec_post_step(ex, (StepKind)k, "new attempt");
        return;
    }
    Exec_restart_clock(ex);
}

/* ---- the thread ------------------------------------------------------ */

static void Exec_abort_now(Executor *ex)
{
    pthread_mutex_lock(&ex->mu);
    Engine_abort(&ex->engine, Exec_now());
    bool touched = Engine_touched(&ex->engine);
    pthread_mutex_unlock(&ex->mu);
    Exec_audit(ex, "session", "abort", NULL, touched ? "rollback available" : "nothing changed",
               NULL);
    Exec_post_log(ex, LOG_WARN, "aborted: nothing more runs%s",
                  touched ? "; everything is left as it is for rollback" : "");
    atomic_store(&ex->cancel, false);
}

static void Exec_handle(Executor *ex, Request req)
{
    if (ex->distrust[0] && req != REQ_ABORT) {
        Exec_post_log(ex, LOG_ERROR, "refused: %s", ex->distrust);
        return;
    }
    if (ex->cfg.dry_run) {
        if (req == REQ_PREFLIGHT || req == REQ_ARM || req == REQ_STEP)
            Exec_dry_run(ex);
        return;
    }
    switch (req) {
    case REQ_PREFLIGHT: Exec_forward(ex, false, true); break;
    case REQ_ARM: Exec_forward(ex, true, false); break;
    case REQ_STEP: Exec_forward(ex, false, false); break;
    case REQ_ABORT: Exec_abort_now(ex); break;
    case REQ_ROLLBACK: Exec_rollback(ex); break;
    case REQ_RETRY:
    case REQ_SKIP:
    case REQ_BY_HAND: Exec_resolve(ex, req); break;
    case REQ_COUNT: Exec_count(ex); break;
    case REQ_ROLLBACK_PAST: Exec_rollback_past(ex); break;
    }
}

static void *Exec_main(void *arg)
{
    Executor *ex = arg;
    if (!ex->cfg.dry_run)
        Exec_resume(ex);
    pthread_mutex_lock(&ex->mu);
    ex->running = false; /* the read-back is over (busy since Executor_start) */
    pthread_cond_broadcast(&ex->cv);
    pthread_mutex_unlock(&ex->mu);
    for (;;) {
        pthread_mutex_lock(&ex->mu);
        while (!ex->stopping && ex->qlen == 0)
            pthread_cond_wait(&ex->cv, &ex->mu);
        if (ex->stopping) {
            pthread_mutex_unlock(&ex->mu);
            break;
        }
        Request req = ex->queue[ex->qhead];
        ex->qhead = (ex->qhead + 1) % QUEUE_MAX;
        ex->qlen--;
        ex->running = true;
        pthread_mutex_unlock(&ex->mu);
        Exec_handle(ex, req);
        pthread_mutex_lock(&ex->mu);
        ex->running = false;
        pthread_cond_broadcast(&ex->cv);
        pthread_mutex_unlock(&ex->mu);
    }
    Step_drop(&ex->ctx, ex->ctx.source);
    Step_drop(&ex->ctx, ex->ctx.target);
    Step_drop(&ex->anchor_ctx, ex->anchor_ctx.target);
    return NULL;
}

Executor *Executor_start(const ExecutorConfig *config, char *err, size_t errsize)
{
    if (!config || !config->plan || !config->bus) {
        snprintf(err, errsize, "the executor needs a plan and a bus");
        return NULL;
    }
    Executor *ex = calloc(1, sizeof *ex);
    if (!ex) {
        snprintf(err, errsize, "out of memory");
        return NULL;
    }
    ex->cfg = *config;
    const Plan *p = config->plan;
    bool enabled[STEP_KIND_COUNT];
    for (int k = 0; k < STEP_KIND_COUNT; k++)
        enabled[k] = p->steps[k].enabled;
    Engine_init(&ex->engine, enabled);
    ex->writes_counted = -1;
    atomic_init(&ex->cancel, false);
    ex->ctx = (StepCtx){
        .plan = p,
        .timeouts = Step_timeouts(p),
        .cancel = &ex->cancel,
        .memo = &ex->memo,
        .log = Exec_step_log,
        .log_arg = ex,
        .audit = Exec_step_audit,
        .audit_arg = ex,
        .verifier = config->verifier,
    };
    ex->anchor_ctx = ex->ctx;
    pthread_mutex_init(&ex->mu, NULL);
    pthread_cond_init(&ex->cv, NULL);
    ex->running = true; /* the restart's read-back: Executor_status says busy until it is over */
    if (pthread_create(&ex->thread, NULL, Exec_main, ex) != 0) {
        snprintf(err, errsize, "cannot start the executor thread");
        pthread_mutex_destroy(&ex->mu);
        pthread_cond_destroy(&ex->cv);
        free(ex);
        return NULL;
    }
    return ex;
}

static void Exec_request(Executor *ex, Request req)
{
    pthread_mutex_lock(&ex->mu);
    if (ex->qlen < QUEUE_MAX) {
        ex->queue[(ex->qhead + ex->qlen) % QUEUE_MAX] = req;
        ex->qlen++;
        pthread_cond_broadcast(&ex->cv);
    }
    pthread_mutex_unlock(&ex->mu);
}

void Executor_preflight(Executor *ex)
{
    Exec_request(ex, REQ_PREFLIGHT);
}

void Executor_arm(Executor *ex)
{
    Exec_request(ex, REQ_ARM);
}

void Executor_step(Executor *ex)
{
    Exec_request(ex, REQ_STEP);
}

void Executor_rollback(Executor *ex)
{
    Exec_request(ex, REQ_ROLLBACK);
}

void Executor_retry(Executor *ex)
{
    Exec_request(ex, REQ_RETRY);
}

void Executor_skip(Executor *ex)
{
    Exec_request(ex, REQ_SKIP);
}

void Executor_by_hand(Executor *ex)
{
    Exec_request(ex, REQ_BY_HAND);
}

void Executor_count_writes(Executor *ex)
{
    pthread_mutex_lock(&ex->mu);
    ex->writes_counted = -1; /* until this count is in */
    pthread_mutex_unlock(&ex->mu);
    Exec_request(ex, REQ_COUNT);
}

void Executor_rollback_past(Executor *ex, long long confirmed)
{
    pthread_mutex_lock(&ex->mu);
    ex->writes_confirmed = confirmed;
    pthread_mutex_unlock(&ex->mu);
    Exec_request(ex, REQ_ROLLBACK_PAST);
}

/* Not queued behind anything: the flag stops a running wait at once, and
 * whatever was queued after it is dropped. */
void Executor_abort(Executor *ex)
{
    pthread_mutex_lock(&ex->mu);
    atomic_store(&ex->cancel, true);
    ex->qlen = 0;
    ex->queue[ex->qhead] = REQ_ABORT;
    ex->qlen = 1;
    pthread_cond_broadcast(&ex->cv);
    pthread_mutex_unlock(&ex->mu);
}

ExecutorStatus Executor_status(Executor *ex)
{
    ExecutorStatus s;
    pthread_mutex_lock(&ex->mu);
    s.busy = ex->running || ex->qlen > 0;
    s.finished = Engine_completed(&ex->engine);
    s.failed = Engine_failed(&ex->engine);
    s.rolled_back = Engine_rolled_back(&ex->engine);
    s.rollback_unfinished = Engine_rollback_unfinished(&ex->engine);
    s.next_step = Engine_next(&ex->engine);
    s.touched = Engine_touched(&ex->engine);
    s.past_point = Engine_past_point(&ex->engine);
    s.held = Engine_held(&ex->engine);
    s.failed_step = Engine_failed_step(&ex->engine);
    s.writes_counted = ex->writes_counted;
    s.distrusted = ex->distrust[0] != '\0';
    pthread_mutex_unlock(&ex->mu);
    return s;
}

void Executor_stop(Executor *ex)
{
    if (!ex)
        return;
    pthread_mutex_lock(&ex->mu);
    ex->stopping = true;
    atomic_store(&ex->cancel, true);
    pthread_cond_broadcast(&ex->cv);
    pthread_mutex_unlock(&ex->mu);
    pthread_join(ex->thread, NULL);
    pthread_mutex_destroy(&ex->mu);
    pthread_cond_destroy(&ex->cv);
    memset(&ex->memo, 0, sizeof ex->memo);
    free(ex);
}
