#include "checklist/engine.h"

#include <string.h>

#include "plan/steps.h"

void Engine_init(Engine *e, const bool enabled[STEP_KIND_COUNT])
{
    memset(e, 0, sizeof *e);
    for (int k = 0; k < STEP_KIND_COUNT; k++) {
        e->steps[k].enabled = enabled[k];
        e->steps[k].state = enabled[k] ? STEP_PENDING : STEP_SKIPPED;
        e->steps[k].start_ms = -1;
        e->steps[k].end_ms = -1;
    }
    e->downtime_start_ms = -1;
    e->downtime_end_ms = -1;
    e->point_step = Engine_point_step(enabled);
}

int Engine_point_step(const bool enabled[STEP_KIND_COUNT])
{
    return Steps_with_role(enabled, STEP_ROLE_POINT);
}

static bool Engine_valid(StepKind k)
{
    return (int)k >= 0 && k < STEP_KIND_COUNT;
}

static bool Engine_any(const Engine *e, StepState s)
{
    for (int k = 0; k < STEP_KIND_COUNT; k++)
        if (e->steps[k].state == s)
            return true;
    return false;
}

int Engine_next(const Engine *e)
{
    if (e->aborted || Engine_any(e, STEP_FAILED) || Engine_any(e, STEP_RUNNING) ||
        Engine_any(e, STEP_ROLLING_BACK) || Engine_any(e, STEP_ROLLED_BACK))
        return -1;
    for (int k = 0; k < STEP_KIND_COUNT; k++) {
        StepState s = e->steps[k].state;
        if (s == STEP_PENDING || s == STEP_WAITING)
            return k;
    }
    return -1;
}

int Engine_wait(Engine *e, StepKind k)
{
    if (!Engine_valid(k) || e->steps[k].state != STEP_PENDING || Engine_next(e) != (int)k)
        return -1;
    e->steps[k].state = STEP_WAITING;
    return 0;
}

int Engine_unwait(Engine *e, StepKind k)
{
    if (!Engine_valid(k) || e->steps[k].state != STEP_WAITING)
        return -1;
    e->steps[k].state = STEP_PENDING;
    return 0;
}

/* The step whose start stops the application's writes. */
static int Engine_with_role(const Engine *e, StepRole role)
{
    bool enabled[STEP_KIND_COUNT];
    for (int k = 0; k < STEP_KIND_COUNT; k++)
        enabled[k] = e->steps[k].enabled;
    return Steps_with_role(enabled, role);
}

int Engine_freeze_step(const Engine *e)
{
    return Engine_with_role(e, STEP_ROLE_FREEZE);
}

/* The step whose completion lets the application write again. */
static int Engine_thaw_step(const Engine *e)
{
    return Engine_with_role(e, STEP_ROLE_THAW);
}

int Engine_begin(Engine *e, StepKind k, int64_t now_ms)
{
    if (!Engine_valid(k) || Engine_next(e) != (int)k)
        return -1;
    EngineStep *st = &e->steps[k];
    st->state = STEP_RUNNING;
    st->start_ms = now_ms;
    st->end_ms = -1;
    if ((int)k == Engine_freeze_step(e) && e->downtime_start_ms < 0)
        e->downtime_start_ms = now_ms;
    return 0;
}

int Engine_finish(Engine *e, StepKind k, bool ok, int64_t now_ms)
{
    if (!Engine_valid(k) || e->steps[k].state != STEP_RUNNING)
        return -1;
    EngineStep *st = &e->steps[k];
    st->state = ok ? STEP_DONE : STEP_FAILED;
    st->end_ms = now_ms;
    if (ok && (int)k == Engine_thaw_step(e) && e->downtime_start_ms >= 0)
        e->downtime_end_ms = now_ms;
    return 0;
}

void Engine_abort(Engine *e, int64_t now_ms)
{
    for (int k = 0; k < STEP_KIND_COUNT; k++)
        if (e->steps[k].state == STEP_RUNNING)
            Engine_finish(e, (StepKind)k, false, now_ms);
        else if (e->steps[k].state == STEP_WAITING)
            e->steps[k].state = STEP_PENDING;
    e->aborted = true;
}

int Engine_failed_step(const Engine *e)
{
    for (int k = 0; k < STEP_KIND_COUNT; k++)
        if (e->steps[k].state == STEP_FAILED)
            return k;
    return -1;
}

/* The one failed step, while nothing runs and no rollback has begun. */
static bool Engine_resolvable(const Engine *e, StepKind k)
{
    return Engine_valid(k) && e->steps[k].state == STEP_FAILED && Engine_failed_step(e) == (int)k &&
           !Engine_any(e, STEP_RUNNING) && !Engine_any(e, STEP_ROLLING_BACK) &&
           !Engine_any(e, STEP_ROLLED_BACK);
}

int Engine_retry(Engine *e, StepKind k)
{
    if (!Engine_resolvable(e, k))
        return -1;
    e->steps[k].state = STEP_PENDING;
    e->aborted = false;
    return 0;
}

int Engine_skip(Engine *e, StepKind k)
{
    if (!e->past_point || !Engine_resolvable(e, k))
        return -1;
    e->steps[k].state = STEP_SKIPPED;
    e->aborted = false;
    return 0;
}

int Engine_by_hand(Engine *e, StepKind k, int64_t now_ms)
{
    if (!e->past_point || !Engine_resolvable(e, k))
        return -1;
    e->steps[k].state = STEP_DONE;
    e->steps[k].end_ms = now_ms;
    e->aborted = false;
    if ((int)k == Engine_thaw_step(e) && e->downtime_start_ms >= 0 && e->downtime_end_ms < 0)
        e->downtime_end_ms = now_ms;
    return 0;
}

int Engine_cross_point(Engine *e)
{
    if (e->point_step < 0)
        return -1;
    if (e->steps[e->point_step].state != STEP_RUNNING && Engine_next(e) != e->point_step)
        return -1;
    e->past_point = true;
    return 0;
}

bool Engine_past_point(const Engine *e)
{
    return e->past_point;
}

bool Engine_held(const Engine *e)
{
    return e->past_point && !e->rollback_past && (Engine_failed(e) || e->refreeze);
}

void Engine_allow_refreeze(Engine *e)
{
    if (e->past_point)
        e->refreeze = true;
}

void Engine_allow_rollback_past(Engine *e)
{
    e->rollback_past = true;
}

int Engine_rollback_next(const Engine *e)
{
    if (Engine_any(e, STEP_RUNNING) || Engine_any(e, STEP_ROLLING_BACK))
        return -1;
    int floor = STEP_PREFLIGHT + 1; /* a check that stays true; everything after it is undone */
    if (e->past_point && !e->rollback_past) {
        if (!e->refreeze)
            return -1;
        floor = e->point_step;
    }
    for (int k = STEP_KIND_COUNT - 1; k >= floor; k--) {
        StepState s = e->steps[k].state;
        if (s == STEP_DONE || s == STEP_FAILED)
            return k;
    }
    return -1;
}

void Engine_act(Engine *e, StepKind k)
{
    if (Engine_valid(k))
        e->steps[k].acted = true;
}

int Engine_rollback_begin(Engine *e, StepKind k, int64_t now_ms)
{
    (void)now_ms;
    if (!Engine_valid(k) || Engine_rollback_next(e) != (int)k)
        return -1;
    e->steps[k].state = STEP_ROLLING_BACK;
    return 0;
}

int Engine_rollback_finish(Engine *e, StepKind k, bool ok, int64_t now_ms)
{
    if (!Engine_valid(k) || e->steps[k].state != STEP_ROLLING_BACK)
        return -1;
    e->steps[k].state = ok ? STEP_ROLLED_BACK : STEP_FAILED;
    /* Undoing the step that froze writes lifts the freeze: the clock stops. */
    if (ok && (int)k == Engine_freeze_step(e) && e->downtime_start_ms >= 0 &&
        e->downtime_end_ms < 0)
        e->downtime_end_ms = now_ms;
    return 0;
}

bool Engine_is_destructive(StepKind k)
{
    return Steps_facts(k)->destructive;
}

bool Engine_is_undoable(StepKind k)
{
    return Engine_undo_describe(k) != NULL;
}

const char *Engine_undo_describe(StepKind k)
{
    return Steps_facts(k)->undo;
}

/* Every enabled step done, or skipped by the operator past the point. */
bool Engine_completed(const Engine *e)
{
    bool any = false;
    for (int k = 0; k < STEP_KIND_COUNT; k++) {
        if (!e->steps[k].enabled)
            continue;
        StepState s = e->steps[k].state;
        if (s != STEP_DONE && s != STEP_SKIPPED)
            return false;
        any = any || s == STEP_DONE;
    }
    return any;
}

bool Engine_failed(const Engine *e)
{
    return e->aborted || Engine_any(e, STEP_FAILED);
}

bool Engine_rolled_back(const Engine *e)
{
    if (e->past_point && !e->rollback_past)
        return false; /* at most refrozen */
    return Engine_any(e, STEP_ROLLED_BACK) && Engine_rollback_next(e) < 0 &&
           !Engine_any(e, STEP_ROLLING_BACK);
}

bool Engine_rollback_unfinished(const Engine *e)
{
    return Engine_any(e, STEP_ROLLED_BACK) && Engine_rollback_next(e) >= 0;
}

bool Engine_touched(const Engine *e)
{
    for (int k = 0; k < STEP_KIND_COUNT; k++) {
        StepState s = e->steps[k].state;
        if (Engine_is_destructive((StepKind)k) &&
            (s == STEP_DONE || s == STEP_FAILED || s == STEP_RUNNING || s == STEP_ROLLING_BACK))
            return true;
    }
    return false;
}

int64_t Engine_downtime_ms(const Engine *e, int64_t now_ms)
{
    if (e->downtime_start_ms < 0)
        return -1;
    int64_t end = e->downtime_end_ms >= 0 ? e->downtime_end_ms : now_ms;
    return end - e->downtime_start_ms;
}

/* ---- resume ---------------------------------------------------------- */

const char *Engine_verdict_name(ResumeVerdict v)
{
    switch (v) {
    case RESUME_FRESH: return "nothing started";
    case RESUME_CONTINUE: return "in progress: continue";
    case RESUME_COMPLETED: return "completed";
    case RESUME_ROLLED_BACK: return "rolled back";
    case RESUME_DECIDE: return "needs a decision: roll back";
    case RESUME_HOLD: return "held past the point of no return: retry, skip or finish by hand";
    }
    return "unknown";
}

/* The state a step's last audit action leaves it in. */
static StepState Engine_state_after(const char *action, StepState before)
{
    static const struct {
        const char *action;
        StepState state;
    } map[] = {
        {"start", STEP_RUNNING},
        {"done", STEP_DONE},
        {"failed", STEP_FAILED},
        {"interrupted", STEP_RUNNING},
        {"rollback-start", STEP_ROLLING_BACK},
        {"rolled-back", STEP_ROLLED_BACK},
        {"rollback-failed", STEP_FAILED},
        {"retry", STEP_PENDING},
        {"skipped", STEP_SKIPPED},
        {"by-hand", STEP_DONE},
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strcmp(map[i].action, action) == 0)
            return map[i].state;
    return before; /* confirm, note, ...: no change */
}

/* A later step that legitimately removes an earlier step's effect. */
static bool Engine_superseded(const Engine *e, StepKind k)
{
    /* Past the point maintenance-off has at least started: its flag may be
     * gone whatever maintenance-off's own outcome was. */
    return k == STEP_MAINTENANCE_ON &&
           (e->steps[STEP_MAINTENANCE_OFF].state == STEP_DONE || e->past_point);
}

static bool Engine_is_check(StepKind k)
{
    return k == STEP_PREFLIGHT || k == STEP_VERIFY || k == STEP_TARGET_HEALTH;
}

/* A step that was running at the crash: its effect decides. */
static void Engine_recheck(Engine *e, StepKind k, Effect eff, ResumeResult *r)
{
    EngineStep *st = &e->steps[k];
    r->in_flight = k;
    r->rechecked[k] = true;
    bool forward_only = e->past_point && !e->rollback_past;
    if (Engine_is_check(k) || eff == EFFECT_ABSENT || (forward_only && eff == EFFECT_UNKNOWN))
        st->state = STEP_PENDING; /* a check, an action that never took effect, or
                                     one past the point that runs again */
    else if (eff == EFFECT_PRESENT)
        st->state = STEP_DONE;
    else
        st->state = STEP_FAILED; /* outcome unknown: the operator decides */
}

/* An undo that was running at the crash. */
static void Engine_recheck_undo(Engine *e, StepKind k, Effect eff, ResumeResult *r)
{
    r->in_flight = k;
    r->rechecked[k] = true;
    bool nothing_to_undo = !Engine_is_undoable(k);
    e->steps[k].state = (nothing_to_undo || eff == EFFECT_ABSENT) ? STEP_ROLLED_BACK : STEP_FAILED;
}

static void Engine_replay_session(Engine *e, const char *action, const bool *enabled, bool *seen)
{
    if (strcmp(action, "begin") == 0) {
        Engine_init(e, enabled);
        *seen = false;
    } else if (strcmp(action, "point-of-no-return") == 0) {
        e->past_point = true;
    } else if (strcmp(action, "refreeze") == 0) {
        e->refreeze = true;
    } else if (strcmp(action, "rollback-past-point") == 0) {
        e->rollback_past = true;
    }
}

static void Engine_replay(Engine *e, const ResumeRecord *records, size_t n, bool *seen)
{
    bool enabled[STEP_KIND_COUNT];
    for (int k = 0; k < STEP_KIND_COUNT; k++)
        enabled[k] = e->steps[k].enabled;
    for (size_t i = 0; i < n; i++) {
        const ResumeRecord *rec = &records[i];
        if (!rec->action)
            continue;
        if (rec->kind < 0) {
            Engine_replay_session(e, rec->action, enabled, seen);
            continue;
        }
        if (rec->kind >= STEP_KIND_COUNT || !e->steps[rec->kind].enabled)
            continue;
        if (rec->kind == e->point_step && strcmp(rec->action, "start") == 0)
            e->past_point = true;
        EngineStep *st = &e->steps[rec->kind];
        if (!strcmp(rec->action, "start") || !strcmp(rec->action, "by-hand"))
            st->acted = true;
        StepState next = Engine_state_after(rec->action, st->state);
        if (next != st->state)
            *seen = true;
        st->state = next;
    }
}

static ResumeVerdict Engine_verdict(const Engine *e, const ResumeResult *r, bool seen)
{
    if (!seen)
        return RESUME_FRESH;
    if (Engine_held(e))
        return RESUME_HOLD;
    for (int k = 0; k < STEP_KIND_COUNT; k++)
        if (r->diverged[k])
            return RESUME_DECIDE;
    if (Engine_any(e, STEP_FAILED) || Engine_any(e, STEP_ROLLING_BACK))
        return RESUME_DECIDE;
    if (Engine_completed(e))
        return RESUME_COMPLETED;
    if (Engine_any(e, STEP_ROLLED_BACK))
        return Engine_rollback_next(e) < 0 ? RESUME_ROLLED_BACK : RESUME_DECIDE;
    return RESUME_CONTINUE;
}

ResumeResult Engine_resume(Engine *e, const ResumeRecord *records, size_t nrecords,
                           const ResumeActual *actual)
{
    ResumeResult r;
    memset(&r, 0, sizeof r);
    r.in_flight = -1;
    bool seen = false;
    Engine_replay(e, records, nrecords, &seen);
    /* The step in flight first: a later step's outcome can explain an
     * earlier one's missing effect (maintenance-off in flight removed
     * maintenance-on's flag), so divergence is judged only after it. */
    for (int k = 0; k < STEP_KIND_COUNT; k++) {
        EngineStep *st = &e->steps[k];
        if (st->state == STEP_RUNNING)
            Engine_recheck(e, (StepKind)k, actual->effect[k], &r);
        else if (st->state == STEP_ROLLING_BACK)
            Engine_recheck_undo(e, (StepKind)k, actual->effect[k], &r);
        else
            continue;
        break; /* one executor: at most one step was in flight */
    }
    for (int k = 0; k < STEP_KIND_COUNT; k++) {
        EngineStep *st = &e->steps[k];
        if (st->state == STEP_DONE && !r.rechecked[k] && actual->effect[k] == EFFECT_ABSENT &&
            !Engine_superseded(e, (StepKind)k)) {
            r.diverged[k] = true;
            st->state = STEP_FAILED;
        }
    }
    r.verdict = Engine_verdict(e, &r, seen);
    return r;
}
