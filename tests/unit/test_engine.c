/* The checklist engine: every transition, the rollback order, the downtime
 * clock and the resume decisions. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "checklist/engine.h"
#include "tests/unit/unit.h"

static void all_enabled(bool en[STEP_KIND_COUNT])
{
    for (int k = 0; k < STEP_KIND_COUNT; k++)
        en[k] = true;
}

static void engine_all(Engine *e)
{
    bool en[STEP_KIND_COUNT];
    all_enabled(en);
    Engine_init(e, en);
}

/* Runs the pending steps among [0, upto) successfully, one ms apart starting at t. */
static int64_t run_until(Engine *e, int upto, int64_t t)
{
    for (int k = 0; k < upto; k++) {
        if (e->steps[k].state != STEP_PENDING)
            continue;
        ck_assert_int_eq(Engine_begin(e, (StepKind)k, t++), 0);
        ck_assert_int_eq(Engine_finish(e, (StepKind)k, true, t++), 0);
    }
    return t;
}

START_TEST(init_pending_and_skipped)
{
    bool en[STEP_KIND_COUNT];
    all_enabled(en);
    en[STEP_VERIFY] = false;
    Engine e;
    Engine_init(&e, en);
    for (int k = 0; k < STEP_KIND_COUNT; k++)
        ck_assert_int_eq(e.steps[k].state, k == STEP_VERIFY ? STEP_SKIPPED : STEP_PENDING);
    ck_assert_int_eq(Engine_next(&e), STEP_PREFLIGHT);
    ck_assert(!Engine_completed(&e));
    ck_assert(!Engine_failed(&e));
    ck_assert_int_eq(Engine_downtime_ms(&e, 100), -1);
}
END_TEST

START_TEST(order_is_enforced)
{
    Engine e;
    engine_all(&e);
    ck_assert_int_eq(Engine_begin(&e, STEP_READ_ONLY, 1), -1);
    ck_assert_int_eq(e.steps[STEP_READ_ONLY].state, STEP_PENDING);
    ck_assert_int_eq(Engine_finish(&e, STEP_PREFLIGHT, true, 1), -1); /* not running */
    ck_assert_int_eq(Engine_begin(&e, STEP_PREFLIGHT, 1), 0);
    ck_assert_int_eq(Engine_next(&e), -1); /* nothing while a step runs */
    ck_assert_int_eq(Engine_begin(&e, STEP_PREFLIGHT, 1), -1);
    ck_assert_int_eq(Engine_finish(&e, STEP_PREFLIGHT, true, 2), 0);
    ck_assert_int_eq(Engine_finish(&e, STEP_PREFLIGHT, true, 2), -1); /* done is final */
    ck_assert_int_eq(Engine_next(&e), STEP_MAINTENANCE_ON);
}
END_TEST

START_TEST(waiting_then_running)
{
    Engine e;
    engine_all(&e);
    ck_assert_int_eq(Engine_wait(&e, STEP_MAINTENANCE_ON), -1); /* not next */
    ck_assert_int_eq(Engine_wait(&e, STEP_PREFLIGHT), 0);
    ck_assert_int_eq(e.steps[STEP_PREFLIGHT].state, STEP_WAITING);
    ck_assert_int_eq(Engine_wait(&e, STEP_PREFLIGHT), -1); /* already waiting */
    ck_assert_int_eq(Engine_next(&e), STEP_PREFLIGHT);
    ck_assert_int_eq(Engine_begin(&e, STEP_PREFLIGHT, 5), 0);
    ck_assert_int_eq(e.steps[STEP_PREFLIGHT].state, STEP_RUNNING);
    ck_assert_int_eq(e.steps[STEP_PREFLIGHT].start_ms, 5);
}
END_TEST

/* The freeze gate's wait ends without the step running: back to pending,
 * no downtime, nothing aborted, and the next arm may wait again. */
START_TEST(unwait_returns_to_pending)
{
    Engine e;
    engine_all(&e);
    ck_assert_int_eq(Engine_unwait(&e, STEP_PREFLIGHT), -1); /* not waiting */
    ck_assert_int_eq(Engine_wait(&e, STEP_PREFLIGHT), 0);
    ck_assert_int_eq(Engine_unwait(&e, STEP_PREFLIGHT), 0);
    ck_assert_int_eq(e.steps[STEP_PREFLIGHT].state, STEP_PENDING);
    ck_assert(!e.aborted);
    ck_assert_int_eq(e.downtime_start_ms, -1);
    ck_assert_int_eq(Engine_next(&e), STEP_PREFLIGHT);
    ck_assert_int_eq(Engine_wait(&e, STEP_PREFLIGHT), 0);
}
END_TEST

START_TEST(skipped_steps_are_passed_over)
{
    bool en[STEP_KIND_COUNT];
    all_enabled(en);
    en[STEP_MAINTENANCE_ON] = en[STEP_VERIFY] = false;
    Engine e;
    Engine_init(&e, en);
    run_until(&e, STEP_PREFLIGHT + 1, 0);
    ck_assert_int_eq(Engine_next(&e), STEP_READ_ONLY);
    ck_assert_int_eq(Engine_begin(&e, STEP_MAINTENANCE_ON, 9), -1);
    run_until(&e, STEP_KIND_COUNT, 10);
    ck_assert(Engine_completed(&e));
    ck_assert_int_eq(e.steps[STEP_VERIFY].state, STEP_SKIPPED);
}
END_TEST

START_TEST(full_run_completes_and_downtime)
{
    Engine e;
    engine_all(&e);
    ck_assert_int_eq(Engine_begin(&e, STEP_PREFLIGHT, 0), 0);
    Engine_finish(&e, STEP_PREFLIGHT, true, 50);
    ck_assert_int_eq(Engine_downtime_ms(&e, 60), -1); /* preflight is no downtime */
    ck_assert_int_eq(Engine_begin(&e, STEP_MAINTENANCE_ON, 100), 0);
    ck_assert_int_eq(Engine_downtime_ms(&e, 150), 50);
    Engine_finish(&e, STEP_MAINTENANCE_ON, true, 110);
    for (int k = STEP_READ_ONLY; k < STEP_MAINTENANCE_OFF; k++) {
        ck_assert_int_eq(Engine_begin(&e, (StepKind)k, 200 + k), 0);
        ck_assert_int_eq(Engine_finish(&e, (StepKind)k, true, 300 + k), 0);
    }
    ck_assert_int_eq(Engine_begin(&e, STEP_MAINTENANCE_OFF, 1000), 0);
    ck_assert_int_eq(Engine_downtime_ms(&e, 1500), 1400);
    Engine_finish(&e, STEP_MAINTENANCE_OFF, true, 2100);
    ck_assert_int_eq(Engine_downtime_ms(&e, 9999), 2000); /* stopped */
    ck_assert(!Engine_completed(&e));
    ck_assert_int_eq(Engine_begin(&e, STEP_STOP_REPLICATION, 2200), 0);
    Engine_finish(&e, STEP_STOP_REPLICATION, true, 2300);
    ck_assert(Engine_completed(&e));
    ck_assert_int_eq(Engine_next(&e), -1);
    ck_assert_int_eq(Engine_downtime_ms(&e, 9999), 2000);
}
END_TEST

START_TEST(downtime_without_maintenance)
{
    bool en[STEP_KIND_COUNT];
    all_enabled(en);
    en[STEP_MAINTENANCE_ON] = en[STEP_MAINTENANCE_OFF] = false;
    Engine e;
    Engine_init(&e, en);
    run_until(&e, STEP_READ_ONLY, 0);
    Engine_begin(&e, STEP_READ_ONLY, 1000);
    Engine_finish(&e, STEP_READ_ONLY, true, 1010);
    run_until(&e, STEP_SWAP, 1100);
    Engine_begin(&e, STEP_SWAP, 1500);
    Engine_finish(&e, STEP_SWAP, true, 1600);
    ck_assert_int_eq(Engine_downtime_ms(&e, 5000), 600); /* read-only start to swap done */
}
END_TEST

START_TEST(failure_stops_and_rolls_back_in_reverse)
{
    Engine e;
    engine_all(&e);
    int64_t t = run_until(&e, STEP_LAG_ZERO, 0);
    ck_assert_int_eq(Engine_begin(&e, STEP_LAG_ZERO, t), 0);
    ck_assert_int_eq(Engine_finish(&e, STEP_LAG_ZERO, false, t + 1), 0);
    ck_assert_int_eq(e.steps[STEP_LAG_ZERO].state, STEP_FAILED);
    ck_assert(Engine_failed(&e));
    ck_assert(Engine_touched(&e));
    ck_assert_int_eq(Engine_next(&e), -1);
    ck_assert_int_eq(Engine_begin(&e, STEP_VERIFY, t + 2), -1);

    const int order[] = {STEP_LAG_ZERO, STEP_READ_ONLY, STEP_MAINTENANCE_ON};
    for (size_t i = 0; i < 3; i++) {
        ck_assert_int_eq(Engine_rollback_next(&e), order[i]);
        ck_assert_int_eq(Engine_rollback_begin(&e, (StepKind)order[i], t + 10), 0);
        ck_assert_int_eq(e.steps[order[i]].state, STEP_ROLLING_BACK);
        ck_assert_int_eq(Engine_rollback_next(&e), -1); /* one at a time */
        ck_assert_int_eq(Engine_rollback_finish(&e, (StepKind)order[i], true, t + 20 + i), 0);
        ck_assert_int_eq(e.steps[order[i]].state, STEP_ROLLED_BACK);
    }
    ck_assert_int_eq(Engine_rollback_next(&e), -1);
    ck_assert_int_eq(e.steps[STEP_PREFLIGHT].state, STEP_DONE); /* a check stays */
    ck_assert(Engine_rolled_back(&e));
    ck_assert_int_eq(Engine_next(&e), -1);
    /* the clock stops when maintenance is lifted */
    ck_assert_int_eq(Engine_downtime_ms(&e, 99999), (t + 22) - 2);
}
END_TEST

START_TEST(rollback_in_reverse_from_the_end)
{
    Engine e;
    engine_all(&e);
    int64_t t = run_until(&e, STEP_MAINTENANCE_OFF, 0);
    ck_assert_int_eq(Engine_cross_point(&e), 0);
    ck_assert_int_eq(Engine_cross_point(&e), 0); /* again: a retry of the point step */
    run_until(&e, STEP_KIND_COUNT, t);
    ck_assert_int_eq(Engine_rollback_next(&e), -1); /* past the point: not by itself */
    Engine_allow_rollback_past(&e);
    for (int k = STEP_STOP_REPLICATION; k > STEP_PREFLIGHT; k--) {
        ck_assert_int_eq(Engine_rollback_next(&e), k);
        Engine_rollback_begin(&e, (StepKind)k, 100);
        Engine_rollback_finish(&e, (StepKind)k, true, 101);
    }
    ck_assert(Engine_rolled_back(&e));
}
END_TEST

START_TEST(rollback_refuses_out_of_order)
{
    Engine e;
    engine_all(&e);
    int64_t t = run_until(&e, STEP_SWAP, 0);
    ck_assert_int_eq(Engine_rollback_begin(&e, STEP_READ_ONLY, t), -1);
    ck_assert_int_eq(Engine_rollback_finish(&e, STEP_VERIFY, true, t), -1);
    ck_assert_int_eq(Engine_rollback_begin(&e, STEP_VERIFY, t), 0);
}
END_TEST

START_TEST(failed_undo_stays_failed)
{
    Engine e;
    engine_all(&e);
    int64_t t = run_until(&e, STEP_LAG_ZERO, 0);
    Engine_rollback_begin(&e, STEP_READ_ONLY, t);
    ck_assert_int_eq(Engine_rollback_finish(&e, STEP_READ_ONLY, false, t + 1), 0);
    ck_assert_int_eq(e.steps[STEP_READ_ONLY].state, STEP_FAILED);
    ck_assert_int_eq(Engine_rollback_next(&e), STEP_READ_ONLY); /* retry it */
    ck_assert(!Engine_rolled_back(&e));
    ck_assert(Engine_failed(&e));
}
END_TEST

START_TEST(abort_fails_running_step)
{
    Engine e;
    engine_all(&e);
    int64_t t = run_until(&e, STEP_LAG_ZERO, 0);
    Engine_begin(&e, STEP_LAG_ZERO, t);
    Engine_abort(&e, t + 5);
    ck_assert_int_eq(e.steps[STEP_LAG_ZERO].state, STEP_FAILED);
    ck_assert_int_eq(e.steps[STEP_LAG_ZERO].end_ms, t + 5);
    ck_assert(Engine_failed(&e));
    ck_assert_int_eq(Engine_next(&e), -1);
    ck_assert_int_eq(Engine_rollback_next(&e), STEP_LAG_ZERO);
}
END_TEST

START_TEST(abort_while_waiting)
{
    Engine e;
    engine_all(&e);
    Engine_wait(&e, STEP_PREFLIGHT);
    Engine_abort(&e, 3);
    ck_assert_int_eq(e.steps[STEP_PREFLIGHT].state, STEP_PENDING);
    ck_assert(Engine_failed(&e));
    ck_assert(!Engine_touched(&e));
    ck_assert_int_eq(Engine_rollback_next(&e), -1);
}
END_TEST

START_TEST(classification)
{
    const bool destructive[STEP_KIND_COUNT] = {[STEP_MAINTENANCE_ON] = true,
                                               [STEP_READ_ONLY] = true,
                                               [STEP_SWAP] = true,
                                               [STEP_MAINTENANCE_OFF] = true,
                                               [STEP_STOP_REPLICATION] = true};
    for (int k = 0; k < STEP_KIND_COUNT; k++) {
        ck_assert_int_eq(Engine_is_destructive((StepKind)k), destructive[k]);
        ck_assert_int_eq(Engine_is_undoable((StepKind)k), destructive[k]);
        ck_assert_int_eq(Engine_undo_describe((StepKind)k) != NULL, destructive[k]);
    }
    ck_assert_str_eq(Engine_undo_describe(STEP_READ_ONLY), "make the source writable");
    ck_assert_str_eq(StepState_name(STEP_ROLLED_BACK), "rolled-back");
    ck_assert_str_eq(StepState_name((StepState)99), "unknown");
}
END_TEST

/* ---- resume ---- */

static ResumeActual actual_unknown(void)
{
    ResumeActual a;
    memset(&a, 0, sizeof a);
    return a;
}

START_TEST(resume_fresh)
{
    Engine e;
    engine_all(&e);
    ResumeActual a = actual_unknown();
    ResumeResult r = Engine_resume(&e, NULL, 0, &a);
    ck_assert_int_eq(r.verdict, RESUME_FRESH);
    ck_assert_int_eq(r.in_flight, -1);
    ck_assert_int_eq(Engine_next(&e), STEP_PREFLIGHT);
}
END_TEST

static const ResumeRecord up_to_lag_zero_start[] = {
    {STEP_PREFLIGHT, "start"},     {STEP_PREFLIGHT, "done"},  {STEP_MAINTENANCE_ON, "start"},
    {STEP_MAINTENANCE_ON, "done"}, {STEP_READ_ONLY, "start"}, {STEP_READ_ONLY, "confirm"},
    {STEP_READ_ONLY, "done"},      {STEP_LAG_ZERO, "start"},
};

static ResumeActual actual_frozen(Effect fence)
{
    ResumeActual a = actual_unknown();
    a.effect[STEP_MAINTENANCE_ON] = EFFECT_PRESENT;
    a.effect[STEP_READ_ONLY] = EFFECT_PRESENT;
    a.effect[STEP_LAG_ZERO] = fence;
    a.effect[STEP_SWAP] = EFFECT_ABSENT;
    return a;
}

START_TEST(resume_in_flight_effect_absent_goes_back_to_pending)
{
    Engine e;
    engine_all(&e);
    ResumeActual a = actual_frozen(EFFECT_ABSENT);
    ResumeResult r = Engine_resume(&e, up_to_lag_zero_start, 8, &a);
    ck_assert_int_eq(r.verdict, RESUME_CONTINUE);
    ck_assert_int_eq(r.in_flight, STEP_LAG_ZERO);
    ck_assert(r.rechecked[STEP_LAG_ZERO]);
    ck_assert_int_eq(e.steps[STEP_READ_ONLY].state, STEP_DONE);
    ck_assert_int_eq(e.steps[STEP_LAG_ZERO].state, STEP_PENDING);
    ck_assert_int_eq(Engine_next(&e), STEP_LAG_ZERO);
}
END_TEST

START_TEST(resume_in_flight_effect_present_counts_as_done)
{
    Engine e;
    engine_all(&e);
    ResumeActual a = actual_frozen(EFFECT_PRESENT);
    ResumeResult r = Engine_resume(&e, up_to_lag_zero_start, 8, &a);
    ck_assert_int_eq(r.verdict, RESUME_CONTINUE);
    ck_assert_int_eq(e.steps[STEP_LAG_ZERO].state, STEP_DONE);
    ck_assert_int_eq(Engine_next(&e), STEP_VERIFY);
}
END_TEST

START_TEST(resume_in_flight_unknown_needs_decision)
{
    Engine e;
    engine_all(&e);
    const ResumeRecord recs[] = {
        {STEP_PREFLIGHT, "start"}, {STEP_PREFLIGHT, "done"}, {STEP_MAINTENANCE_ON, "start"}};
    ResumeActual a = actual_unknown();
    ResumeResult r = Engine_resume(&e, recs, 3, &a);
    ck_assert_int_eq(r.verdict, RESUME_DECIDE);
    ck_assert_int_eq(e.steps[STEP_MAINTENANCE_ON].state, STEP_FAILED);
    ck_assert_int_eq(Engine_next(&e), -1);
    ck_assert_int_eq(Engine_rollback_next(&e), STEP_MAINTENANCE_ON);
}
END_TEST

START_TEST(resume_in_flight_check_is_rerun)
{
    Engine e;
    engine_all(&e);
    const ResumeRecord recs[] = {{STEP_PREFLIGHT, "start"}};
    ResumeActual a = actual_unknown();
    ResumeResult r = Engine_resume(&e, recs, 1, &a);
    ck_assert_int_eq(r.verdict, RESUME_CONTINUE);
    ck_assert_int_eq(Engine_next(&e), STEP_PREFLIGHT);
}
END_TEST

START_TEST(resume_interrupted_is_rechecked)
{
    Engine e;
    engine_all(&e);
    ResumeRecord recs[9];
    memcpy(recs, up_to_lag_zero_start, sizeof up_to_lag_zero_start);
    recs[8] = (ResumeRecord){STEP_LAG_ZERO, "interrupted"};
    ResumeActual a = actual_frozen(EFFECT_ABSENT);
    ResumeResult r = Engine_resume(&e, recs, 9, &a);
    ck_assert_int_eq(r.verdict, RESUME_CONTINUE);
    ck_assert_int_eq(Engine_next(&e), STEP_LAG_ZERO);
}
END_TEST

START_TEST(resume_divergence_needs_decision)
{
    Engine e;
    engine_all(&e);
    ResumeActual a = actual_frozen(EFFECT_ABSENT);
    a.effect[STEP_READ_ONLY] = EFFECT_ABSENT; /* someone made the source writable */
    ResumeResult r = Engine_resume(&e, up_to_lag_zero_start, 8, &a);
    ck_assert_int_eq(r.verdict, RESUME_DECIDE);
    ck_assert(r.diverged[STEP_READ_ONLY]);
    ck_assert_int_eq(e.steps[STEP_READ_ONLY].state, STEP_FAILED);
}
END_TEST

START_TEST(resume_completed_with_maintenance_lifted)
{
    Engine e;
    engine_all(&e);
    ResumeRecord recs[2 * STEP_KIND_COUNT];
    for (int k = 0; k < STEP_KIND_COUNT; k++) {
        recs[2 * k] = (ResumeRecord){k, "start"};
        recs[2 * k + 1] = (ResumeRecord){k, "done"};
    }
    ResumeActual a = actual_unknown();
    a.effect[STEP_MAINTENANCE_ON] = EFFECT_ABSENT; /* lifted by maintenance-off: fine */
    a.effect[STEP_MAINTENANCE_OFF] = EFFECT_PRESENT;
    a.effect[STEP_READ_ONLY] = EFFECT_PRESENT;
    a.effect[STEP_SWAP] = EFFECT_PRESENT;
    ResumeResult r = Engine_resume(&e, recs, 2 * STEP_KIND_COUNT, &a);
    ck_assert_int_eq(r.verdict, RESUME_COMPLETED);
    ck_assert(Engine_completed(&e));
}
END_TEST

/* Killed while maintenance-off ran: its removal of the flag explains the
 * flag maintenance-on set being gone; nothing diverged, the cutover goes on. */
START_TEST(resume_maintenance_off_in_flight_is_not_divergence)
{
    Engine e;
    engine_all(&e);
    ResumeRecord recs[2 * STEP_KIND_COUNT];
    size_t n = 0;
    for (int k = 0; k < STEP_MAINTENANCE_OFF; k++) {
        recs[n++] = (ResumeRecord){k, "start"};
        recs[n++] = (ResumeRecord){k, "done"};
    }
    recs[n++] = (ResumeRecord){STEP_MAINTENANCE_OFF, "start"};
    ResumeActual a = actual_unknown();
    a.effect[STEP_MAINTENANCE_ON] = EFFECT_ABSENT;
    a.effect[STEP_MAINTENANCE_OFF] = EFFECT_PRESENT;
    a.effect[STEP_READ_ONLY] = EFFECT_PRESENT;
    a.effect[STEP_LAG_ZERO] = EFFECT_PRESENT;
    a.effect[STEP_SWAP] = EFFECT_PRESENT;
    ResumeResult r = Engine_resume(&e, recs, n, &a);
    ck_assert_int_eq(r.verdict, RESUME_CONTINUE);
    ck_assert_int_eq(r.in_flight, STEP_MAINTENANCE_OFF);
    ck_assert(!r.diverged[STEP_MAINTENANCE_ON]);
    ck_assert_int_eq(e.steps[STEP_MAINTENANCE_OFF].state, STEP_DONE);
    ck_assert_int_eq(Engine_next(&e), STEP_STOP_REPLICATION);
}
END_TEST

START_TEST(resume_after_failure_and_partial_rollback)
{
    Engine e;
    engine_all(&e);
    ResumeRecord recs[12];
    memcpy(recs, up_to_lag_zero_start, sizeof up_to_lag_zero_start);
    recs[8] = (ResumeRecord){STEP_LAG_ZERO, "failed"};
    recs[9] = (ResumeRecord){STEP_LAG_ZERO, "rollback-start"};
    recs[10] = (ResumeRecord){STEP_LAG_ZERO, "rolled-back"};
    recs[11] = (ResumeRecord){STEP_READ_ONLY, "rollback-start"};
    ResumeActual a = actual_frozen(EFFECT_ABSENT);
    a.effect[STEP_READ_ONLY] = EFFECT_ABSENT; /* the undo took effect before the crash */
    ResumeResult r = Engine_resume(&e, recs, 12, &a);
    ck_assert_int_eq(r.verdict, RESUME_DECIDE); /* maintenance still to undo */
    ck_assert_int_eq(e.steps[STEP_READ_ONLY].state, STEP_ROLLED_BACK);
    ck_assert_int_eq(Engine_rollback_next(&e), STEP_MAINTENANCE_ON);
    /* Nothing is "failed" any more, yet the rollback is not finished: a
     * headless restart must finish it rather than stop. */
    ck_assert(!Engine_failed(&e));
    ck_assert(!Engine_rolled_back(&e));
    ck_assert(Engine_rollback_unfinished(&e));
}
END_TEST

START_TEST(resume_undo_in_flight_not_taken)
{
    Engine e;
    engine_all(&e);
    ResumeRecord recs[10];
    memcpy(recs, up_to_lag_zero_start, sizeof up_to_lag_zero_start);
    recs[8] = (ResumeRecord){STEP_LAG_ZERO, "failed"};
    recs[9] = (ResumeRecord){STEP_READ_ONLY, "rollback-start"};
    ResumeActual a = actual_frozen(EFFECT_ABSENT);
    ResumeResult r = Engine_resume(&e, recs, 10, &a);
    ck_assert_int_eq(r.verdict, RESUME_DECIDE);
    ck_assert_int_eq(e.steps[STEP_READ_ONLY].state, STEP_FAILED);
    ck_assert_int_eq(Engine_rollback_next(&e), STEP_LAG_ZERO);
}
END_TEST

/* Whether a failed step acted (its "start" was audited) decides whether its
 * undo runs: one that failed in its prepare changed nothing. */
START_TEST(acted_follows_the_start_record)
{
    Engine e;
    engine_all(&e);
    ResumeRecord recs[10];
    memcpy(recs, up_to_lag_zero_start, sizeof up_to_lag_zero_start);
    recs[8] = (ResumeRecord){STEP_LAG_ZERO, "done"};
    recs[9] = (ResumeRecord){STEP_SWAP, "failed"}; /* no "start": its prepare refused */
    ResumeActual a = actual_frozen(EFFECT_ABSENT);
    Engine_resume(&e, recs, 10, &a);
    ck_assert(e.steps[STEP_READ_ONLY].acted);
    ck_assert(e.steps[STEP_LAG_ZERO].acted);
    ck_assert(!e.steps[STEP_SWAP].acted);
    ck_assert_int_eq(Engine_rollback_next(&e), STEP_SWAP); /* still marked in the chain */

    Engine live;
    engine_all(&live);
    int64_t t = run_until(&live, STEP_SWAP, 0);
    Engine_begin(&live, STEP_SWAP, t);
    ck_assert(!live.steps[STEP_SWAP].acted);
    Engine_act(&live, STEP_SWAP);
    Engine_finish(&live, STEP_SWAP, false, t + 1);
    Engine_retry(&live, STEP_SWAP);
    ck_assert(live.steps[STEP_SWAP].acted); /* a retry keeps what the first try did */
}
END_TEST

START_TEST(resume_rolled_back_then_new_attempt)
{
    Engine e;
    engine_all(&e);
    const ResumeRecord recs[] = {
        {STEP_PREFLIGHT, "start"},
        {STEP_PREFLIGHT, "done"},
        {STEP_MAINTENANCE_ON, "start"},
        {STEP_MAINTENANCE_ON, "failed"},
        {STEP_MAINTENANCE_ON, "rollback-start"},
        {STEP_MAINTENANCE_ON, "rolled-back"},
    };
    ResumeActual a = actual_unknown();
    ResumeResult r = Engine_resume(&e, recs, 6, &a);
    ck_assert_int_eq(r.verdict, RESUME_ROLLED_BACK);

    ResumeRecord more[8];
    memcpy(more, recs, sizeof recs);
    more[6] = (ResumeRecord){-1, "begin"};
    more[7] = (ResumeRecord){STEP_PREFLIGHT, "start"};
    Engine_init(&e, (bool[STEP_KIND_COUNT]){true, true, true, true, true, true, true, true, true});
    r = Engine_resume(&e, more, 8, &a);
    ck_assert_int_eq(r.verdict, RESUME_CONTINUE);
    ck_assert_int_eq(e.steps[STEP_MAINTENANCE_ON].state, STEP_PENDING);
    ck_assert_int_eq(Engine_next(&e), STEP_PREFLIGHT);
}
END_TEST

START_TEST(resume_ignores_disabled_and_unknown_actions)
{
    bool en[STEP_KIND_COUNT];
    all_enabled(en);
    en[STEP_VERIFY] = false;
    Engine e;
    Engine_init(&e, en);
    const ResumeRecord recs[] = {{STEP_VERIFY, "start"},
                                 {STEP_PREFLIGHT, "note"},
                                 {STEP_KIND_COUNT + 3, "start"},
                                 {STEP_PREFLIGHT, NULL}};
    ResumeActual a = actual_unknown();
    ResumeResult r = Engine_resume(&e, recs, 4, &a);
    ck_assert_int_eq(r.verdict, RESUME_FRESH);
    ck_assert_int_eq(e.steps[STEP_VERIFY].state, STEP_SKIPPED);
    ck_assert_str_eq(Engine_verdict_name(RESUME_DECIDE), "needs a decision: roll back");
}
END_TEST

START_TEST(point_step_by_plan)
{
    bool en[STEP_KIND_COUNT];
    all_enabled(en);
    ck_assert_int_eq(Engine_point_step(en), STEP_MAINTENANCE_OFF);
    en[STEP_MAINTENANCE_OFF] = false; /* maintenance lifted by hand: the swap is the point */
    ck_assert_int_eq(Engine_point_step(en), STEP_SWAP);
    en[STEP_MAINTENANCE_ON] = false;
    en[STEP_MAINTENANCE_OFF] = true;
    ck_assert_int_eq(Engine_point_step(en), STEP_SWAP);
    en[STEP_SWAP] = false;
    en[STEP_MAINTENANCE_ON] = en[STEP_MAINTENANCE_OFF] = false;
    ck_assert_int_eq(Engine_point_step(en), -1);
}
END_TEST

/* The lab case of issue 15: maintenance-off switched and then failed. */
START_TEST(failure_past_the_point_holds)
{
    Engine e;
    engine_all(&e);
    int64_t t = run_until(&e, STEP_MAINTENANCE_OFF, 0);
    ck_assert(!Engine_past_point(&e));
    ck_assert_int_eq(Engine_cross_point(&e), 0);
    ck_assert_int_eq(Engine_begin(&e, STEP_MAINTENANCE_OFF, t), 0);
    ck_assert(Engine_past_point(&e));
    ck_assert_int_eq(Engine_finish(&e, STEP_MAINTENANCE_OFF, false, t + 1), 0);
    ck_assert(Engine_held(&e));
    ck_assert_int_eq(Engine_rollback_next(&e), -1);
    ck_assert_int_eq(Engine_rollback_begin(&e, STEP_MAINTENANCE_OFF, t + 2), -1);
    /* retry, fail again, skip; then by hand */
    ck_assert_int_eq(Engine_retry(&e, STEP_MAINTENANCE_OFF), 0);
    ck_assert_int_eq(Engine_next(&e), STEP_MAINTENANCE_OFF);
    ck_assert(!Engine_held(&e));
    Engine_begin(&e, STEP_MAINTENANCE_OFF, t + 3);
    Engine_finish(&e, STEP_MAINTENANCE_OFF, false, t + 4);
    ck_assert_int_eq(Engine_by_hand(&e, STEP_SWAP, t + 5), -1); /* not the failed one */
    ck_assert_int_eq(Engine_by_hand(&e, STEP_MAINTENANCE_OFF, t + 5), 0);
    ck_assert_int_eq(Engine_downtime_ms(&e, 99999), (t + 5) - 2);
    ck_assert_int_eq(Engine_next(&e), STEP_STOP_REPLICATION);
    Engine_begin(&e, STEP_STOP_REPLICATION, t + 6);
    Engine_finish(&e, STEP_STOP_REPLICATION, false, t + 7);
    ck_assert(Engine_held(&e));
    ck_assert_int_eq(Engine_skip(&e, STEP_STOP_REPLICATION), 0);
    ck_assert_int_eq(e.steps[STEP_STOP_REPLICATION].state, STEP_SKIPPED);
    ck_assert(Engine_completed(&e));
    ck_assert(!Engine_held(&e));
}
END_TEST

/* The point step failed in its prepare (nothing acted): not crossed. */
START_TEST(point_step_failing_before_acting_rolls_back)
{
    Engine e2;
    engine_all(&e2);
    ck_assert_int_eq(Engine_cross_point(&e2), -1); /* the point step is not next yet */
    int64_t t = run_until(&e2, STEP_MAINTENANCE_OFF, 0);
    Engine_begin(&e2, STEP_MAINTENANCE_OFF, t);
    Engine_finish(&e2, STEP_MAINTENANCE_OFF, false, t + 1);
    ck_assert(!Engine_held(&e2));
    ck_assert_int_eq(Engine_rollback_next(&e2), STEP_MAINTENANCE_OFF);
    ck_assert_int_eq(Engine_cross_point(&e2), -1); /* not next any more */
}
END_TEST

START_TEST(before_the_point_only_retry)
{
    Engine e;
    engine_all(&e);
    int64_t t = run_until(&e, STEP_LAG_ZERO, 0);
    Engine_begin(&e, STEP_LAG_ZERO, t);
    Engine_finish(&e, STEP_LAG_ZERO, false, t + 1);
    ck_assert(!Engine_held(&e));
    ck_assert_int_eq(Engine_skip(&e, STEP_LAG_ZERO), -1);
    ck_assert_int_eq(Engine_by_hand(&e, STEP_LAG_ZERO, t + 2), -1);
    ck_assert_int_eq(Engine_rollback_next(&e), STEP_LAG_ZERO);
    ck_assert_int_eq(Engine_retry(&e, STEP_LAG_ZERO), 0);
    ck_assert_int_eq(Engine_next(&e), STEP_LAG_ZERO);
    /* once a rollback began there is no retry */
    Engine_begin(&e, STEP_LAG_ZERO, t + 3);
    Engine_finish(&e, STEP_LAG_ZERO, false, t + 4);
    Engine_rollback_begin(&e, STEP_LAG_ZERO, t + 5);
    Engine_rollback_finish(&e, STEP_LAG_ZERO, true, t + 6);
    ck_assert_int_eq(Engine_retry(&e, STEP_READ_ONLY), -1);
}
END_TEST

START_TEST(abort_past_the_point_holds_and_retries)
{
    Engine e;
    engine_all(&e);
    int64_t t = run_until(&e, STEP_MAINTENANCE_OFF, 0);
    ck_assert_int_eq(Engine_cross_point(&e), 0);
    t = run_until(&e, STEP_STOP_REPLICATION, t);
    Engine_begin(&e, STEP_STOP_REPLICATION, t);
    Engine_abort(&e, t + 1);
    ck_assert(Engine_held(&e));
    ck_assert_int_eq(Engine_retry(&e, STEP_STOP_REPLICATION), 0);
    ck_assert_int_eq(Engine_next(&e), STEP_STOP_REPLICATION);
}
END_TEST

START_TEST(no_maintenance_swap_is_the_point)
{
    bool en[STEP_KIND_COUNT];
    all_enabled(en);
    en[STEP_MAINTENANCE_ON] = en[STEP_MAINTENANCE_OFF] = false;
    Engine e;
    Engine_init(&e, en);
    int64_t t = run_until(&e, STEP_SWAP, 0);
    ck_assert_int_eq(Engine_cross_point(&e), 0);
    Engine_begin(&e, STEP_SWAP, t);
    Engine_finish(&e, STEP_SWAP, false, t + 1);
    ck_assert(Engine_held(&e));
    ck_assert_int_eq(Engine_rollback_next(&e), -1);
    Engine_allow_rollback_past(&e);
    ck_assert(!Engine_held(&e));
    ck_assert_int_eq(Engine_rollback_next(&e), STEP_SWAP);
}
END_TEST

static size_t records_until(ResumeRecord *recs, int upto)
{
    size_t n = 0;
    for (int k = 0; k < upto; k++) {
        recs[n++] = (ResumeRecord){k, "start"};
        recs[n++] = (ResumeRecord){k, "done"};
    }
    return n;
}

/* The deliberate rollback past the point: first the steps from the point
 * on (the application paused again), then, the count confirmed, the rest. */
START_TEST(rollback_past_the_point_in_two_moves)
{
    Engine e;
    engine_all(&e);
    int64_t t = run_until(&e, STEP_MAINTENANCE_OFF, 0);
    Engine_cross_point(&e);
    t = run_until(&e, STEP_KIND_COUNT, t);
    ck_assert(Engine_completed(&e));
    Engine_allow_refreeze(&e);
    ck_assert(Engine_held(&e)); /* until the count is confirmed */
    const int first[] = {STEP_STOP_REPLICATION, STEP_MAINTENANCE_OFF};
    for (size_t i = 0; i < 2; i++) {
        ck_assert_int_eq(Engine_rollback_next(&e), first[i]);
        Engine_rollback_begin(&e, (StepKind)first[i], t);
        Engine_rollback_finish(&e, (StepKind)first[i], true, t + 1);
    }
    ck_assert_int_eq(Engine_rollback_next(&e), -1);
    ck_assert(!Engine_rolled_back(&e));
    ck_assert(!Engine_rollback_unfinished(&e));
    ck_assert_int_eq(Engine_retry(&e, STEP_MAINTENANCE_OFF), -1);
    Engine_allow_rollback_past(&e);
    ck_assert(!Engine_held(&e));
    ck_assert_int_eq(Engine_rollback_next(&e), STEP_TARGET_HEALTH);
}
END_TEST

START_TEST(resume_refrozen_holds)
{
    Engine e;
    engine_all(&e);
    ResumeRecord recs[2 * STEP_KIND_COUNT + 6];
    size_t n = records_until(recs, STEP_KIND_COUNT);
    recs[n++] = (ResumeRecord){-1, "point-of-no-return"};
    recs[n++] = (ResumeRecord){-1, "refreeze"};
    recs[n++] = (ResumeRecord){STEP_STOP_REPLICATION, "rollback-start"};
    recs[n++] = (ResumeRecord){STEP_STOP_REPLICATION, "rolled-back"};
    recs[n++] = (ResumeRecord){STEP_MAINTENANCE_OFF, "rollback-start"};
    recs[n++] = (ResumeRecord){STEP_MAINTENANCE_OFF, "rolled-back"};
    ResumeActual a = actual_unknown();
    ResumeResult r = Engine_resume(&e, recs, n, &a);
    ck_assert_int_eq(r.verdict, RESUME_HOLD);
    ck_assert_int_eq(Engine_rollback_next(&e), -1);
}
END_TEST

/* Killed while the hook that lifts maintenance ran (http: unknown effect):
 * forward only, it runs again. */
START_TEST(resume_past_the_point_goes_forward)
{
    Engine e;
    engine_all(&e);
    ResumeRecord recs[2 * STEP_KIND_COUNT + 2];
    size_t n = records_until(recs, STEP_MAINTENANCE_OFF);
    recs[n++] = (ResumeRecord){-1, "point-of-no-return"};
    recs[n++] = (ResumeRecord){STEP_MAINTENANCE_OFF, "start"};
    ResumeActual a = actual_unknown();
    a.effect[STEP_MAINTENANCE_ON] = EFFECT_ABSENT;
    a.effect[STEP_READ_ONLY] = EFFECT_PRESENT;
    a.effect[STEP_SWAP] = EFFECT_PRESENT;
    ResumeResult r = Engine_resume(&e, recs, n, &a);
    ck_assert_int_eq(r.verdict, RESUME_CONTINUE);
    ck_assert(Engine_past_point(&e));
    ck_assert(!r.diverged[STEP_MAINTENANCE_ON]);
    ck_assert_int_eq(Engine_next(&e), STEP_MAINTENANCE_OFF);
    ck_assert_int_eq(Engine_rollback_next(&e), -1);
}
END_TEST

START_TEST(resume_failed_past_the_point_holds)
{
    Engine e;
    engine_all(&e);
    ResumeRecord recs[2 * STEP_KIND_COUNT + 2];
    size_t n = records_until(recs, STEP_MAINTENANCE_OFF);
    recs[n++] = (ResumeRecord){STEP_MAINTENANCE_OFF, "start"}; /* crossed without the record */
    recs[n++] = (ResumeRecord){STEP_MAINTENANCE_OFF, "failed"};
    ResumeActual a = actual_unknown();
    ResumeResult r = Engine_resume(&e, recs, n, &a);
    ck_assert_int_eq(r.verdict, RESUME_HOLD);
    ck_assert(Engine_held(&e));
    ck_assert_int_eq(Engine_rollback_next(&e), -1);
    /* the operator's resolution is replayed too */
    Engine e2;
    engine_all(&e2);
    recs[n++] = (ResumeRecord){STEP_MAINTENANCE_OFF, "by-hand"};
    r = Engine_resume(&e2, recs, n, &a);
    ck_assert_int_eq(r.verdict, RESUME_CONTINUE);
    ck_assert_int_eq(Engine_next(&e2), STEP_STOP_REPLICATION);
}
END_TEST

START_TEST(resume_rollback_past_the_point_is_finished)
{
    Engine e;
    engine_all(&e);
    ResumeRecord recs[2 * STEP_KIND_COUNT + 8];
    size_t n = records_until(recs, STEP_KIND_COUNT);
    recs[n++] = (ResumeRecord){-1, "rollback-past-point"};
    recs[n++] = (ResumeRecord){STEP_STOP_REPLICATION, "rollback-start"};
    recs[n++] = (ResumeRecord){STEP_STOP_REPLICATION, "rolled-back"};
    ResumeActual a = actual_unknown();
    ResumeResult r = Engine_resume(&e, recs, n, &a);
    ck_assert_int_eq(r.verdict, RESUME_DECIDE);
    ck_assert(Engine_rollback_unfinished(&e));
    ck_assert_int_eq(Engine_rollback_next(&e), STEP_MAINTENANCE_OFF);
}
END_TEST

static Suite *engine_suite(void)
{
    Suite *s = suite_create("engine");
    TCase *t = tcase_create("transitions");
    tcase_add_test(t, init_pending_and_skipped);
    tcase_add_test(t, order_is_enforced);
    tcase_add_test(t, waiting_then_running);
    tcase_add_test(t, unwait_returns_to_pending);
    tcase_add_test(t, skipped_steps_are_passed_over);
    tcase_add_test(t, full_run_completes_and_downtime);
    tcase_add_test(t, downtime_without_maintenance);
    tcase_add_test(t, failure_stops_and_rolls_back_in_reverse);
    tcase_add_test(t, rollback_in_reverse_from_the_end);
    tcase_add_test(t, rollback_refuses_out_of_order);
    tcase_add_test(t, failed_undo_stays_failed);
    tcase_add_test(t, abort_fails_running_step);
    tcase_add_test(t, abort_while_waiting);
    tcase_add_test(t, classification);
    suite_add_tcase(s, t);
    TCase *r = tcase_create("resume");
    tcase_add_test(r, resume_fresh);
    tcase_add_test(r, resume_in_flight_effect_absent_goes_back_to_pending);
    tcase_add_test(r, resume_in_flight_effect_present_counts_as_done);
    tcase_add_test(r, resume_in_flight_unknown_needs_decision);
    tcase_add_test(r, resume_in_flight_check_is_rerun);
    tcase_add_test(r, resume_interrupted_is_rechecked);
    tcase_add_test(r, resume_divergence_needs_decision);
    tcase_add_test(r, resume_completed_with_maintenance_lifted);
    tcase_add_test(r, resume_maintenance_off_in_flight_is_not_divergence);
    tcase_add_test(r, resume_after_failure_and_partial_rollback);
    tcase_add_test(r, resume_undo_in_flight_not_taken);
    tcase_add_test(r, acted_follows_the_start_record);
    tcase_add_test(r, resume_rolled_back_then_new_attempt);
    tcase_add_test(r, resume_ignores_disabled_and_unknown_actions);
    tcase_add_test(r, point_step_by_plan);
    tcase_add_test(r, failure_past_the_point_holds);
    tcase_add_test(r, before_the_point_only_retry);
    tcase_add_test(r, point_step_failing_before_acting_rolls_back);
    tcase_add_test(r, abort_past_the_point_holds_and_retries);
    tcase_add_test(r, no_maintenance_swap_is_the_point);
    tcase_add_test(r, resume_past_the_point_goes_forward);
    tcase_add_test(r, resume_failed_past_the_point_holds);
    tcase_add_test(r, resume_rollback_past_the_point_is_finished);
    tcase_add_test(r, rollback_past_the_point_in_two_moves);
    tcase_add_test(r, resume_refrozen_holds);
    suite_add_tcase(s, r);
    return s;
}

int main(void)
{
    return Unit_run(engine_suite());
}
