#include "cli/runtime.h"

#include <openssl/crypto.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "aws/awsplan.h"
#include "checklist/engine.h"
#include "checklist/rehearsal.h"
#include "checklist/step.h"
#include "session/step_state.h"
#include "cli/commands.h"
#include "plan/secret.h"
#include "replay/index_file.h"
#include "session/metrics.h"

/* Where the point of no return lies: before the step it names. */
static void Runtime_announce_point(Runtime *rt, int point)
{
    Event ev;
    Event_step(&ev, STEP_POINT_ID, STEP_PENDING, point,
               "from here the application may write to the target: failures hold");
    Bus_post(rt->bus, &ev);
}

/* Announces the plan's steps as pending, with their titles, so the model and
 * the recording know the checklist before anything runs. */
static void Runtime_announce_steps(Runtime *rt)
{
    bool enabled[STEP_KIND_COUNT];
    for (int k = 0; k < STEP_KIND_COUNT; k++)
        enabled[k] = rt->plan->steps[k].enabled;
    int point = Engine_point_step(enabled);
    for (int k = 0; k < STEP_KIND_COUNT; k++) {
        const PlanStep *step = &rt->plan->steps[k];
        if (!step->enabled)
            continue;
        if (k == point)
            Runtime_announce_point(rt, point);
        Event ev;
        Event_step(&ev, Plan_step_id(step->kind), STEP_PENDING, k,
                   step->title ? step->title : Plan_step_default_title(step->kind));
        Bus_post(rt->bus, &ev);
    }
}

static int Runtime_fail(Runtime *rt, int status, const char *what, const char *err)
{
    fprintf(stderr, "cutover: %s%s%s\n", what, *what ? ": " : "", err);
    Runtime_close(rt);
    return status;
}

static int Runtime_lock_plan(Runtime *rt);

/* The plan's audit.hmac_key: the log so far must carry valid HMACs under
 * it (a resume trusts nothing less), and every record from now on does. */
static int Runtime_audit_key(Runtime *rt, char *err, size_t errsize)
{
    if (rt->plan->audit_hmac_key.kind == SECRET_NONE)
        return 0;
    char key[257], why[256];
    if (Secret_resolve(&rt->plan->audit_hmac_key, key, sizeof key, why, sizeof why) != 0)
        return snprintf(err, errsize, "audit.hmac_key: %s", why), -1;
    long bad = 0;
    int rc = Audit_verify_hmac(rt->dir.audit, key, &bad, why, sizeof why);
    if (rc == 1)
        snprintf(err, errsize,
                 "the audit log %s, line %ld: %s; nothing runs on it (inspect it; to start "
                 "over, move it aside)",
                 rt->dir.audit, bad, why);
    else if (rc == 2)
        snprintf(err, errsize, "the audit log %s: %s", rt->dir.audit, why);
    else if (Audit_set_key(rt->audit, key) != 0) {
        snprintf(err, errsize, "audit.hmac_key: empty or longer than 256 bytes");
        rc = 1;
    }
    OPENSSL_cleanse(key, sizeof key);
    return rc == 0 ? 0 : -1;
}

static int Runtime_open_session(Runtime *rt, const RunOptions *opt, int cols, int rows)
{
    char err[512];
    if (SessionDir_prepare(&rt->dir, rt->plan, opt->session_dir, err, sizeof err) != 0)
        return Runtime_fail(rt, EXIT_NO, "", err);
    rt->lock_fd = SessionDir_lock(&rt->dir, err, sizeof err);
    if (rt->lock_fd < 0)
        return Runtime_fail(rt, EXIT_LOCKED, "", err);
    /* The databases' lock before anything is written: a refused console
     * leaves no recording behind. */
    int rc = opt->dry_run ? 0 : Runtime_lock_plan(rt);
    if (rc != 0)
        return rc; /* Runtime_fail closed everything and said why */
    /* A resume trusts the log to say what was done: not a log whose records
     * were edited or removed. */
    char msg[512];
    int trust = Audit_verify_for_resume(rt->dir.audit, msg, sizeof msg);
    if (trust != 0) {
        snprintf(err, sizeof err,
                 "the audit log %s %s: %s; nothing runs on it (inspect it; to start over, move "
                 "it aside)",
                 rt->dir.audit, trust == 1 ? "is broken" : "cannot be read", msg);
        return Runtime_fail(rt, EXIT_NO, "", err);
    }
    rt->audit = Audit_open(rt->dir.audit, err, sizeof err);
    if (!rt->audit)
        return Runtime_fail(rt, EXIT_NO, "", err);
    if (Runtime_audit_key(rt, err, sizeof err) != 0)
        return Runtime_fail(rt, EXIT_NO, "", err);
    RecorderHeader header = {
        .plan_name = rt->plan->name, .plan_sha256 = rt->plan->sha256, .cols = cols, .rows = rows};
    rt->recorder = Recorder_start(rt->bus, rt->dir.recording, &header, err, sizeof err);
    if (!rt->recorder)
        return Runtime_fail(rt, EXIT_NO, "", err);
    return 0;
}

static void Runtime_warn(Runtime *rt, const char *text)
{
    Event ev;
    Event_log(&ev, LOG_WARN, "checklist", "%s", text);
    Bus_post(rt->bus, &ev);
}

/* The window's steps as rehearsed, for the predicted downtime (a plan
 * without "rehearsal" predicts nothing; an unreadable one is said). */
static void Runtime_announce_rehearsal(Runtime *rt)
{
    Rehearsal r;
    char err[700], text[EVENT_TEXT_MAX];
    if (!rt->plan->rehearsal)
        return;
    if (Rehearsal_load(rt->plan->rehearsal, &r, err, sizeof err) != 0) {
        snprintf(text, sizeof text, "no downtime prediction: %s", err);
        Runtime_warn(rt, text);
        return;
    }
    int64_t ms = Rehearsal_window_ms(&r, rt->plan, text, sizeof text);
    if (ms < 0)
        return;
    Event ev;
    Event_sample(&ev, M_DOWNTIME_REHEARSED_MS, (double)ms, "rehearsal");
    Event_copy_field(ev.text, sizeof ev.text, text);
    Bus_post(rt->bus, &ev);
}

/* The plan's webhooks. One that cannot start (its ${NAME} unset) turns
 * notifications off with a warning on the screen and in the recording:
 * the night goes on, and `cutover check` says it beforehand. */
static void Runtime_start_notifier(Runtime *rt)
{
    char err[600], text[EVENT_TEXT_MAX];
    rt->notifier = Notifier_start(rt->plan, rt->bus, err, sizeof err);
    if (rt->notifier || !err[0])
        return;
    snprintf(text, sizeof text, "notifications off: %s", err);
    Runtime_warn(rt, text);
}

/* The databases' lock, after the host's: refused, the second console says
 * who holds the plan and exits EXIT_LOCKED. */
static int Runtime_lock_plan(Runtime *rt)
{
    char err[1024], warning[1024];
    PlanLockResult result;
    DbTimeouts timeouts = Step_timeouts(rt->plan);
    rt->plan_lock =
        PlanLock_acquire(rt->plan, &timeouts, &result, warning, sizeof warning, err, sizeof err);
    if (!rt->plan_lock)
        return Runtime_fail(rt, result == PLAN_LOCK_HELD ? EXIT_LOCKED : EXIT_NO, "", err);
    if (warning[0])
        Runtime_warn(rt, warning);
    return 0;
}

/* The executor's safety callback: the heartbeat writer's switch (the
 * verifier's is the executor's own, at the freeze). */
static void Runtime_heartbeat_writes(void *ctx, bool on)
{
    Runtime *rt = ctx;
    if (rt->probes)
        Probes_set_heartbeat_writes(rt->probes, on);
}

int Runtime_open(Runtime *rt, const RunOptions *opt, int cols, int rows)
{
    char err[1024];
    memset(rt, 0, sizeof *rt);
    rt->lock_fd = -1;
    rt->plan = Plan_load(opt->plan_path, err, sizeof err);
    if (!rt->plan)
        return Runtime_fail(rt, EXIT_USAGE, "", err);
    Awsplan_begin(&rt->plan->aws);
    rt->bus = Bus_new();
    rt->events = rt->bus ? Bus_attach(rt->bus, 1) : NULL;
    if (!rt->events)
        return Runtime_fail(rt, EXIT_NO, "", "out of memory");
    if (!opt->readonly) {
        int rc = Runtime_open_session(rt, opt, cols, rows);
        if (rc != 0)
            return rc;
    }
    if (!opt->readonly && !opt->dry_run)
        Runtime_start_notifier(rt);
    Runtime_announce_steps(rt);
    Runtime_announce_rehearsal(rt);
    ProbesConfig pc = {.plan = rt->plan, .bus = rt->bus, .write_heartbeat = !opt->readonly};
    rt->probes = Probes_start(&pc);
    if (!opt->readonly && !opt->dry_run)
        rt->verifier = Verifier_start(rt->plan, rt->bus);
    if (!opt->readonly) {
        ExecutorConfig ec = {.plan = rt->plan,
                             .bus = rt->bus,
                             .audit = rt->audit,
                             .audit_path = rt->dir.audit,
                             .plan_lock = rt->plan_lock,
                             .dry_run = opt->dry_run,
                             .heartbeat_writes = Runtime_heartbeat_writes,
                             .heartbeat_ctx = rt,
                             .verifier = rt->verifier};
        rt->executor = Executor_start(&ec, err, sizeof err);
        if (!rt->executor)
            return Runtime_fail(rt, EXIT_NO, "the checklist could not start", err);
    }
    return 0;
}

enum { RUNTIME_NOTIFY_DRAIN_MS = 3000 };

void Runtime_close(Runtime *rt)
{
    Runtime_close_with(rt, NULL);
}

void Runtime_close_with(Runtime *rt, const Event *last)
{
    if (rt->executor)
        Executor_stop(rt->executor);
    PlanLock_release(rt->plan_lock);
    Verifier_stop(rt->verifier);
    if (rt->probes)
        Probes_stop(rt->probes);
    if (rt->bus && last && last->key[0])
        Bus_post(rt->bus, last);
    /* The webhooks get the last word too, and a few seconds to deliver what
     * is queued; their tally is recorded. */
    Notifier_stop(rt->notifier, RUNTIME_NOTIFY_DRAIN_MS);
    if (rt->bus)
        Bus_close(rt->bus);
    if (rt->recorder) {
        char err[1300];
        Recorder_stop(rt->recorder);
        /* The seek index beside it, so the replay weeks later opens at once
         * (without it, the first replay builds and writes it). */
        IndexFile_write_for(rt->dir.recording, err, sizeof err);
    }
    if (rt->audit)
        Audit_close(rt->audit);
    if (rt->lock_fd >= 0)
        close(rt->lock_fd);
    Bus_free(rt->bus);
    if (rt->plan)
        Awsplan_end();
    Plan_free(rt->plan);
    memset(rt, 0, sizeof *rt);
    rt->lock_fd = -1;
}
