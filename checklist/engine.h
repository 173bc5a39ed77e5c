/* The checklist as a pure state machine: no I/O, no clock of its own (times
 * are passed in), so every transition, the rollback order, the downtime clock
 * and the resume decisions are unit-tested directly. The executor drives it;
 * the step actions do the work. */
#ifndef CUTOVER_CHECKLIST_ENGINE_H
#define CUTOVER_CHECKLIST_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "session/step_state.h"
#include "plan/plan.h"

typedef struct EngineStep {
    StepState state;
    bool enabled;
    int64_t start_ms; /* monotonic; -1 before it ran */
    int64_t end_ms;   /* monotonic; -1 while running or before */
    bool acted;       /* its action began (audited "start"), in this attempt; a step that
                         failed before it (prepare, a gate) has nothing to undo */
} EngineStep;

typedef struct Engine {
    EngineStep steps[STEP_KIND_COUNT];
    int64_t downtime_start_ms; /* -1 until the first freezing step starts */
    int64_t downtime_end_ms;   /* -1 while the clock runs (or before) */
    bool aborted;
    /* The point of no return: the step whose start may let the application
     * write to the target (Engine_point_step), and whether it was crossed.
     * Past it nothing is undone unless a rollback past the point was allowed
     * deliberately (Engine_allow_rollback_past). */
    int point_step;
    bool past_point;
    bool refreeze;      /* the steps from the point on may be undone (to count) */
    bool rollback_past; /* everything may be undone */
} Engine;

/* All enabled steps pending, disabled ones skipped. */
void Engine_init(Engine *e, const bool enabled[STEP_KIND_COUNT]);

/* The next step to run (first enabled step still pending or waiting), or -1
 * when none is left or something failed / is being rolled back. */
int Engine_next(const Engine *e);

/* Transitions; each returns 0, or -1 when it is not allowed from the step's
 * current state (the state is then left unchanged). */
int Engine_wait(Engine *e, StepKind k);   /* pending -> waiting */
int Engine_unwait(Engine *e, StepKind k); /* waiting -> pending: the wait ended, nothing ran */
int Engine_begin(Engine *e, StepKind k, int64_t now_ms);           /* pending|waiting -> running */
int Engine_finish(Engine *e, StepKind k, bool ok, int64_t now_ms); /* running -> done|failed */
int Engine_rollback_begin(Engine *e, StepKind k, int64_t now_ms);  /* done|failed -> rolling-back */
int Engine_rollback_finish(Engine *e, StepKind k, bool ok, int64_t now_ms);
/* rolling-back -> rolled-back, or back to failed when the undo failed */

/* The step's action begins: what it does from here may need undoing. */
void Engine_act(Engine *e, StepKind k);

/* Past the point of no return a failed step is resolved forward by the
 * operator: retried (failed -> pending), skipped (failed -> skipped) or
 * finished by hand (failed -> done). Retry is allowed before the point as
 * well; skip and by-hand only past it (before it, skipping a freeze or the
 * wait for lag zero could lose writes, and rollback is the safe way out).
 * Each returns 0, or -1 when not allowed. */
int Engine_retry(Engine *e, StepKind k);
int Engine_skip(Engine *e, StepKind k);
int Engine_by_hand(Engine *e, StepKind k, int64_t now_ms);
/* The failed step (in plan order), or -1. */
int Engine_failed_step(const Engine *e);

/* The step whose start is the point of no return for a plan with these
 * steps enabled: maintenance-off when the plan turns maintenance both on and
 * off (the swap is in place by then and lifting maintenance lets the
 * application reach the target), otherwise the swap (no maintenance gate:
 * the application follows the new connection string at once). -1 when the
 * plan never moves the application. The target-health write is rolled back
 * and leaves nothing, so it is not a point. */
int Engine_point_step(const bool enabled[STEP_KIND_COUNT]);

/* The enabled step whose start stops the application's writes (the
 * downtime starts), or -1 when the plan has none. */
int Engine_freeze_step(const Engine *e);
/* Crosses the point: called when the point step's action is about to
 * start (after its prepare found nothing in the way: a step that fails
 * before acting has taken no effect). -1 unless the point step is next or
 * running. */
int Engine_cross_point(Engine *e);
/* Crossed: the target may hold writes the source lacks. */
bool Engine_past_point(const Engine *e);
/* Past the point with a failed or aborted step, or refrozen and waiting
 * for the count to be confirmed: a person must act. */
bool Engine_held(const Engine *e);
/* The deliberate rollback past the point goes in two moves. First the
 * refreeze: Engine_rollback_next offers the steps from the point on (their
 * undo pauses the application again: maintenance back on, or without a
 * maintenance gate the old connection string to the still frozen source),
 * so the target's writes can be counted while none is added. Then, the
 * count confirmed, the rest. */
void Engine_allow_refreeze(Engine *e);
void Engine_allow_rollback_past(Engine *e);

/* Abort: a running step becomes failed, nothing new starts until rollback. */
void Engine_abort(Engine *e, int64_t now_ms);

/* The step to undo next during a rollback: the latest step (in plan order)
 * that is done, or failed after possibly taking effect; -1 when nothing is
 * left, and always -1 past the point of no return unless the rollback past
 * it was allowed. Steps without an undo are included so the whole chain shows as
 * rolled back; the executor marks them without running anything. */
int Engine_rollback_next(const Engine *e);

/* Changes something outside the console (needs audit before, confirmation). */
bool Engine_is_destructive(StepKind k);
/* Has an undo action (maintenance on<->off, read-only -> writable, swap ->
 * old value, stop-replication -> start it again). */
bool Engine_is_undoable(StepKind k);
/* What the undo does, for messages: "turn maintenance off", ... or NULL. */
const char *Engine_undo_describe(StepKind k);

bool Engine_completed(const Engine *e);   /* every enabled step done */
bool Engine_failed(const Engine *e);      /* some step failed (or aborted) */
bool Engine_rolled_back(const Engine *e); /* a rollback ran and nothing is left to undo */
/* Part of a rollback is done and the rest is not: a restart in the middle of
 * one. The rollback was already decided, so it is to be finished. */
bool Engine_rollback_unfinished(const Engine *e);
/* Whether any destructive step took (or may have taken) effect. */
bool Engine_touched(const Engine *e);

/* The downtime clock: from the start of maintenance-on (or read-only when
 * maintenance is disabled) to maintenance-off done (or the end of the
 * rollback that lifted the freeze). -1 before it started. */
int64_t Engine_downtime_ms(const Engine *e, int64_t now_ms);

/* ---- resume ---------------------------------------------------------- */

/* One record of the audit trail, reduced to what resume needs. */
typedef struct ResumeRecord {
    int kind;           /* StepKind, or -1 for a session record */
    const char *action; /* start, done, failed, interrupted, rollback-start, rolled-back,
                           rollback-failed, skipped, by-hand, retry; for a session record
                           "begin" starts a new attempt (everything before it was rolled
                           back), "point-of-no-return" marks the crossing, "refreeze"
                           and "rollback-past-point" the deliberate rollback past it */
} ResumeRecord;

/* A fact read back from the systems; UNKNOWN when it cannot be read (http
 * or exec maintenance, an unreachable server). */
typedef enum { EFFECT_UNKNOWN = 0, EFFECT_PRESENT, EFFECT_ABSENT } Effect;

/* The effect each step's action leaves, as read back now:
 * maintenance-on: flag set; maintenance-off: flag absent; read-only:
 * read_only=1; lag-zero: the recorded fence is on the target; swap: the
 * value is the new one; stop-replication: replication stopped. Checks
 * (preflight, verify, target-health) leave none: UNKNOWN. */
typedef struct ResumeActual {
    Effect effect[STEP_KIND_COUNT];
} ResumeActual;

typedef enum {
    RESUME_FRESH = 0,   /* nothing recorded: start from the beginning */
    RESUME_CONTINUE,    /* part done, state consistent: continue with Engine_next */
    RESUME_COMPLETED,   /* every step done */
    RESUME_ROLLED_BACK, /* a previous rollback finished */
    RESUME_DECIDE,      /* a failure, an unknown outcome or a divergence: offer rollback */
    RESUME_HOLD,        /* past the point of no return with a failed step: a person acts */
} ResumeVerdict;

typedef struct ResumeResult {
    ResumeVerdict verdict;
    int in_flight;                   /* the step that was running at the crash, or -1 */
    bool diverged[STEP_KIND_COUNT];  /* recorded done but the effect is gone */
    bool rechecked[STEP_KIND_COUNT]; /* was in flight; its effect decided its state */
} ResumeResult;

/* Sets e's step states from the audit records and the actual state. A step
 * in flight at the crash is never repeated blindly: if its effect is present
 * it counts as done; if absent it goes back to pending (running it again is
 * then the first time it takes effect); if unknown it counts as failed and
 * the operator decides. Past the point of no return a resume goes forward
 * only: a step in flight with an unknown outcome runs again (every step from
 * the point on sets a state rather than toggling one, so running it twice
 * is running it once), and a step recorded failed holds (RESUME_HOLD). */
ResumeResult Engine_resume(Engine *e, const ResumeRecord *records, size_t nrecords,
                           const ResumeActual *actual);

const char *Engine_verdict_name(ResumeVerdict v);

#endif
