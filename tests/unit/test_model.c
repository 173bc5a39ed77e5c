/* The fold: samples into series, health, alarms, steps and the downtime
 * clock; window statistics and buckets; alarms raised once and cleared. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "session/step_state.h"
#include "model/alarms.h"
#include "model/model.h"
#include "session/metrics.h"
#include "tests/unit/unit.h"

static Model model;

static void fold_sample(const char *key, double v, int64_t mono)
{
    Event ev;
    Event_sample(&ev, key, v, "test");
    ev.mono_ms = mono;
    ev.wall_ms = 1000000 + mono;
    Model_fold(&model, &ev);
}

static void fold_step(const char *id, int state, int64_t mono, const char *text)
{
    Event ev;
    memset(&ev, 0, sizeof ev);
    ev.kind = EVENT_STEP;
    ev.state = state;
    ev.mono_ms = mono;
    ev.wall_ms = 1000000 + mono;
    Event_copy_field(ev.key, sizeof ev.key, id);
    Event_copy_field(ev.text, sizeof ev.text, text);
    Model_fold(&model, &ev);
}

static void fold_resize(double cols, double rows)
{
    Event ev;
    memset(&ev, 0, sizeof ev);
    ev.kind = EVENT_RESIZE;
    ev.value = cols;
    ev.value2 = rows;
    Model_fold(&model, &ev);
}

/* A recording is read from disk: a size no terminal has (a damaged file) is
 * ignored instead of cast out of range (the session fuzzer's find). */
START_TEST(resize_takes_only_real_sizes)
{
    Model_init(&model, "plan", 0);
    fold_resize(120, 40);
    ck_assert_int_eq(model.cols, 120);
    ck_assert_int_eq(model.rows, 40);
    fold_resize(1e300, 40);
    fold_resize(NAN, 40);
    fold_resize(80, -3);
    fold_resize(0, 24);
    ck_assert_int_eq(model.cols, 120);
    ck_assert_int_eq(model.rows, 40);
    fold_resize(80, 24);
    ck_assert_int_eq(model.cols, 80);
    ck_assert_int_eq(model.rows, 24);
}
END_TEST

START_TEST(samples_make_series)
{
    Model_init(&model, "plan", 1000000);
    fold_sample(M_LAG_HEARTBEAT_S, 0.5, 100);
    fold_sample(M_LAG_HEARTBEAT_S, 0.7, 200);
    const Series *s = Model_series(&model, M_LAG_HEARTBEAT_S);
    ck_assert_ptr_nonnull(s);
    ck_assert_double_eq(s->last, 0.7);
    ck_assert_int_eq(s->count, 2);
    ck_assert_str_eq(s->origin, "test");
    ck_assert_ptr_null(Model_series(&model, "nothing"));
    Model_tick(&model, 1000000 + 1200, 1200);
    ck_assert_int_eq(Model_age_ms(&model, s), 1000);
}
END_TEST

START_TEST(ring_keeps_the_newest)
{
    Model_init(&model, "plan", 0);
    for (int i = 0; i < MODEL_HISTORY + 10; i++)
        fold_sample("x", i, i + 1);
    const Series *s = Model_series(&model, "x");
    ck_assert_int_eq(s->count, MODEL_HISTORY);
    ck_assert_double_eq(s->ring[s->head].value, 10);
}
END_TEST

START_TEST(window_stats_percentiles)
{
    Model_init(&model, "plan", 0);
    for (int i = 1; i <= 100; i++)
        fold_sample(M_EP_QUERY_MS, i, i * 100);
    WindowStats st;
    ck_assert_int_eq(Model_window_stats(&model, Model_series(&model, M_EP_QUERY_MS), 100000, &st),
                     100);
    ck_assert_double_eq(st.p50, 50);
    ck_assert_double_eq(st.p95, 95);
    ck_assert_double_eq(st.max, 100);
    /* Only the last second: samples 91..100. */
    Model_window_stats(&model, Model_series(&model, M_EP_QUERY_MS), 1000, &st);
    ck_assert_int_eq(st.count, 10);
    ck_assert_double_eq(st.p50, 95);
}
END_TEST

START_TEST(buckets_take_the_max)
{
    Model_init(&model, "plan", 0);
    fold_sample("x", 1, 1000);
    fold_sample("x", 5, 1100);
    fold_sample("x", 2, 9000);
    double b[10];
    double top = Model_buckets(&model, Model_series(&model, "x"), 10000, b, 10);
    ck_assert_double_eq(top, 5);
    /* The window is (-1000, 9000]: 1000 ms per column. */
    ck_assert_double_eq(b[1], 1);
    ck_assert_double_eq(b[2], 5);
    ck_assert(isnan(b[0]));
    ck_assert_double_eq(b[9], 2);
}
END_TEST

START_TEST(steps_and_downtime)
{
    Model_init(&model, "plan", 0);
    fold_step("maintenance-on", STEP_PENDING, 1, "Maintenance on");
    fold_step("maintenance-off", STEP_PENDING, 1, "Maintenance off");
    ck_assert_int_eq(model.nsteps, 2);
    ck_assert_str_eq(model.steps[0].title, "Maintenance on");
    fold_step("maintenance-on", STEP_RUNNING, 1000, "");
    ck_assert_ptr_eq(Model_current_step(&model), &model.steps[0]);
    fold_step("maintenance-on", STEP_DONE, 1010, "flag created");
    Model_tick(&model, 5000, 5000);
    ck_assert_int_eq(Model_downtime_ms(&model), 4000);
    fold_step("maintenance-off", STEP_RUNNING, 8000, "");
    fold_step("maintenance-off", STEP_DONE, 8020, "flag removed");
    Model_tick(&model, 20000, 20000);
    ck_assert_int_eq(Model_downtime_ms(&model), 7020);
    ck_assert_int_eq(model.steps[1].ended_mono_ms - model.steps[1].started_mono_ms, 20);
    ck_assert_ptr_nonnull(strstr(Model_log_line(&model, 0)->text, "maintenance-off done"));
}
END_TEST

/* A plan without maintenance steps: the engine's marks (read-only start to
 * swap done) are the window the screen shows; the steps' old rule (which
 * knows only maintenance) finds none. */
START_TEST(downtime_from_the_engine_marks)
{
    Model_init(&model, "plan", 0);
    fold_step("read-only", STEP_RUNNING, 1000, "");
    fold_step(STEP_DOWNTIME_ID, STEP_RUNNING, 1000, "the application is frozen");
    fold_step("read-only", STEP_DONE, 1005, "read_only=1");
    Model_tick(&model, 3000, 3000);
    ck_assert_int_eq(Model_downtime_ms(&model), 2000);
    fold_step("swap", STEP_DONE, 1600, "file written");
    fold_step(STEP_DOWNTIME_ID, STEP_DONE, 1600, "can write again"); /* no value2: its time */
    Model_tick(&model, 9000, 9000);
    ck_assert_int_eq(Model_downtime_ms(&model), 600);
    ck_assert_int_eq(model.nsteps, 2); /* a mark, not a step */
}
END_TEST

/* After a restart the engine restarts the clock (a new running mark); a
 * maintenance-off done that the marks did not end (the old rule would) does
 * not end it. */
START_TEST(downtime_marks_rule_over_the_steps)
{
    Model_init(&model, "plan", 0);
    fold_step(STEP_DOWNTIME_ID, STEP_RUNNING, 500, "");
    fold_step("maintenance-on", STEP_RUNNING, 400, "");
    fold_step("maintenance-off", STEP_DONE, 700, "");
    Model_tick(&model, 2000, 2000);
    ck_assert_int_eq(Model_downtime_ms(&model), 1500);
    fold_step(STEP_DOWNTIME_ID, STEP_RUNNING, 5000, "restarted");
    Model_tick(&model, 5250, 5250);
    ck_assert_int_eq(Model_downtime_ms(&model), 250);
}
END_TEST

START_TEST(alarms_raise_once_and_clear)
{
    Model_init(&model, "plan", 0);
    PlanThresholds t = {.lag_seconds = 2,
                        .connections_max = -1,
                        .freeable_memory_min_mb = -1,
                        .cpu_max_percent = -1,
                        .endpoint_p95_ms = -1,
                        .endpoint_loss_percent = -1};
    Alarms alarms;
    Alarms_init(&alarms, &t);
    Event out[ALARMS_MAX];
    fold_sample(M_LAG_HEARTBEAT_S, 1, 10);
    ck_assert_int_eq(Alarms_evaluate(&alarms, &model, out, ALARMS_MAX), 0);
    fold_sample(M_LAG_HEARTBEAT_S, 3, 20);
    ck_assert_int_eq(Alarms_evaluate(&alarms, &model, out, ALARMS_MAX), 1);
    ck_assert_int_eq(out[0].kind, EVENT_ALARM);
    ck_assert_int_eq(out[0].state, 1);
    Model_fold(&model, &out[0]);
    ck_assert_ptr_nonnull(Model_alarm(&model, M_LAG_HEARTBEAT_S));
    fold_sample(M_LAG_HEARTBEAT_S, 4, 30);
    ck_assert_int_eq(Alarms_evaluate(&alarms, &model, out, ALARMS_MAX), 0);
    fold_sample(M_LAG_HEARTBEAT_S, 0.1, 40);
    ck_assert_int_eq(Alarms_evaluate(&alarms, &model, out, ALARMS_MAX), 1);
    ck_assert_int_eq(out[0].state, 0);
    Model_fold(&model, &out[0]);
    ck_assert_ptr_null(Model_alarm(&model, M_LAG_HEARTBEAT_S));
}
END_TEST

START_TEST(stopped_replication_is_an_alarm)
{
    Model_init(&model, "plan", 0);
    PlanThresholds t = {-1, -1, -1, -1, -1, -1};
    Alarms alarms;
    Alarms_init(&alarms, &t);
    Event out[ALARMS_MAX];
    fold_sample(M_REPLICA_IO, 1, 10);
    fold_sample(M_REPLICA_SQL, 0, 10);
    ck_assert_int_eq(Alarms_evaluate(&alarms, &model, out, ALARMS_MAX), 1);
    ck_assert_ptr_nonnull(strstr(out[0].text, "SQL thread stopped"));
}
END_TEST

START_TEST(alarms_retire_after_stop_replication)
{
    Model_init(&model, "plan", 0);
    PlanThresholds t = {.lag_seconds = 2};
    t.connections_max = t.freeable_memory_min_mb = t.cpu_max_percent = -1;
    t.endpoint_p95_ms = t.endpoint_loss_percent = -1;
    Alarms alarms;
    Alarms_init(&alarms, &t);
    Event out[ALARMS_MAX];
    fold_step("stop-replication", STEP_PENDING, 1, "Stop replication");
    fold_sample(M_LAG_HEARTBEAT_S, 9, 10);
    fold_sample(M_REPLICA_IO, 0, 10);
    fold_sample(M_REPLICA_SQL, 0, 10);
    ck_assert_int_eq(Alarms_evaluate(&alarms, &model, out, ALARMS_MAX), 2);
    fold_step("stop-replication", STEP_DONE, 20, "stopped");
    /* Both clear, saying why, and stay cleared. */
    ck_assert_int_eq(Alarms_evaluate(&alarms, &model, out, ALARMS_MAX), 2);
    ck_assert_int_eq(out[0].state, 0);
    ck_assert_ptr_nonnull(strstr(out[0].text, "stopped by the plan"));
    fold_sample(M_LAG_HEARTBEAT_S, 30, 30);
    ck_assert_int_eq(Alarms_evaluate(&alarms, &model, out, ALARMS_MAX), 0);
}
END_TEST

/* A DMS task that leaves "running" is an alarm that forbids arming, until
 * the plan itself stops it (then it is done, not a failure). */
START_TEST(dms_task_not_running_blocks_arming)
{
    Model_init(&model, "plan", 0);
    PlanThresholds t = {.lag_seconds = -1};
    t.connections_max = t.freeable_memory_min_mb = t.cpu_max_percent = -1;
    t.endpoint_p95_ms = t.endpoint_loss_percent = -1;
    Alarms alarms;
    Alarms_init(&alarms, &t);
    Event out[ALARMS_MAX], ev;
    fold_step("stop-replication", STEP_PENDING, 1, "Stop replication");
    Event_sample_text(&ev, M_DMS_STATUS, "running", "dms");
    ev.value = 1;
    ev.has_value = true;
    Model_fold(&model, &ev);
    ck_assert_int_eq(Alarms_evaluate(&alarms, &model, out, ALARMS_MAX), 0);
    ck_assert_ptr_null(Alarms_blocking_arm(&model));
    Event_sample_text(&ev, M_DMS_STATUS, "failed: the CDC process ended", "dms");
    ev.value = 0;
    ev.has_value = true;
    Model_fold(&model, &ev);
    ck_assert_int_eq(Alarms_evaluate(&alarms, &model, out, ALARMS_MAX), 1);
    ck_assert_ptr_nonnull(strstr(out[0].text, "failed: the CDC process ended"));
    Model_fold(&model, &out[0]);
    ck_assert_ptr_nonnull(Alarms_blocking_arm(&model));
    fold_step("stop-replication", STEP_DONE, 20, "stopped");
    ck_assert_int_eq(Alarms_evaluate(&alarms, &model, out, ALARMS_MAX), 1);
    ck_assert_int_eq(out[0].state, 0);
    ck_assert_ptr_nonnull(strstr(out[0].text, "stopped by the plan"));
    Model_fold(&model, &out[0]);
    ck_assert_ptr_null(Alarms_blocking_arm(&model));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("model");
    TCase *tc = tcase_create("fold");
    tcase_add_test(tc, resize_takes_only_real_sizes);
    tcase_add_test(tc, samples_make_series);
    tcase_add_test(tc, ring_keeps_the_newest);
    tcase_add_test(tc, window_stats_percentiles);
    tcase_add_test(tc, buckets_take_the_max);
    tcase_add_test(tc, steps_and_downtime);
    tcase_add_test(tc, downtime_from_the_engine_marks);
    tcase_add_test(tc, downtime_marks_rule_over_the_steps);
    tcase_add_test(tc, alarms_raise_once_and_clear);
    tcase_add_test(tc, stopped_replication_is_an_alarm);
    tcase_add_test(tc, alarms_retire_after_stop_replication);
    tcase_add_test(tc, dms_task_not_running_blocks_arming);
    suite_add_tcase(s, tc);
    return Unit_run(s);
}
