/* The executor: a thread that carries out the plan's steps, proves each took
 * effect, writes the audit trail and posts EVENT_STEP / EVENT_LOG events.
 * The UI (or headless runner) talks to it only through these non-blocking
 * calls; it never waits on the executor. */
#ifndef CUTOVER_CHECKLIST_EXECUTOR_H
#define CUTOVER_CHECKLIST_EXECUTOR_H

#include <stdbool.h>
#include <stddef.h>

#include "session/step_state.h"
#include "db/plan_lock.h"
#include "plan/plan.h"
#include "session/audit.h"
#include "session/bus.h"

typedef struct Executor Executor;

typedef struct ExecutorConfig {
    const Plan *plan;
    Bus *bus;
    Audit *audit;
    const char *audit_path; /* the same log, read at start to resume (NULL: fresh) */
    PlanLock *plan_lock;    /* checked before every action that changes something (NULL: none) */
    bool dry_run;           /* describe every statement/request/command, execute none */
    /* A safety action, called on the executor's thread: once lag zero is
     * proven nothing more of the console's is written to the frozen source
     * (on = false); a rollback of read-only resumes it (on = true). The
     * heartbeat writer's switch (Probes_set_heartbeat_writes). May be NULL. */
    void (*heartbeat_writes)(void *ctx, bool on);
    void *heartbeat_ctx;
    /* The chunk verifier (verify mode "chunks"): the verify step rechecks
     * through it what changed since. NULL: none runs. */
    struct Verifier *verifier;
} ExecutorConfig;

/* Starts the thread. It first reads back where a previous run stood (audit
 * log plus the actual state) and posts it; nothing runs until asked. */
Executor *Executor_start(const ExecutorConfig *config, char *err, size_t errsize);

/* Requests (queued; the executor acts on them in order). */
void Executor_preflight(Executor *ex); /* run the go/no-go checks */
void Executor_arm(Executor *ex);       /* run every remaining step back to back */
void Executor_step(Executor *ex);      /* run only the next pending step */
void Executor_abort(Executor *ex);     /* stop at once; a running wait is cancelled */
void Executor_rollback(Executor *ex);  /* undo completed steps in reverse order */
/* Past the point of no return (see engine.h): resolve the failed step
 * forward, then go on with the remaining steps (one, on a per-step plan). */
void Executor_retry(Executor *ex);
void Executor_skip(Executor *ex);
void Executor_by_hand(Executor *ex);
/* The deliberate rollback past the point, in two moves (engine.h): first
 * undo the steps from the point on and count the target's own writes
 * (ExecutorStatus.writes_counted); then, with the count the operator typed,
 * the rest, only while the target's count is still that. */
void Executor_count_writes(Executor *ex);
void Executor_rollback_past(Executor *ex, long long confirmed);

/* A snapshot for the UI's decisions (which keys make sense now). */
typedef struct ExecutorStatus {
    bool busy;     /* a step or rollback is running */
    bool finished; /* every step done */
    bool failed;   /* a step failed or was aborted; rollback possible */
    bool rolled_back;
    bool rollback_unfinished; /* a restart in the middle of a rollback */
    int next_step;            /* StepKind of the next pending step, -1 when none */
    bool touched;             /* a destructive step took (or may have taken) effect */
    bool past_point;          /* the point of no return is crossed */
    bool held;                /* past it with a failed step: a person must act */
    int failed_step;          /* StepKind, -1 none */
    long long writes_counted; /* the target's own transactions past the point, -1 not counted */
    bool distrusted;          /* the log does not match the target's anchor: nothing runs */
} ExecutorStatus;
ExecutorStatus Executor_status(Executor *ex);

/* Cancels anything running and joins the thread. */
void Executor_stop(Executor *ex);

#endif
