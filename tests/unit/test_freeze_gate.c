/* The freeze gate's decisions: lag samples in a row under the limit, the
 * drain estimate, the first verify pass, the timeout, and what it says. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "checklist/freeze_gate.h"
#include "checklist/rehearsal.h"
#include "model/model.h"
#include "session/metrics.h"
#include "tests/unit/unit.h"

static const PlanFreeze CFG = {
    .gate = true, .max_lag_ms = 500, .samples = 3, .timeout_ms = 10000, .wait_for_verify = true};

static void feed(FreezeGate *g, const char *key, double s)
{
    Event ev;
    Event_sample(&ev, key, s, "probe");
    FreezeGate_feed(g, &ev);
}

static void feed_lag(FreezeGate *g, double s)
{
    feed(g, M_LAG_HEARTBEAT_S, s);
}

static void feed_drain(FreezeGate *g, double s)
{
    feed(g, M_CDC_DRAIN_S, s);
}

START_TEST(opens_after_samples_in_a_row)
{
    FreezeGate g;
    FreezeGate_init(&g, &CFG, false, 1000);
    ck_assert_int_eq(FreezeGate_state(&g, 1000), GATE_WAITING); /* nothing seen since the key */
    feed_lag(&g, 0.2);
    feed_lag(&g, 0.3);
    ck_assert_int_eq(FreezeGate_state(&g, 1500), GATE_WAITING);
    feed_lag(&g, 0.9); /* a burst: the count starts over */
    feed_lag(&g, 0.1);
    feed_lag(&g, 0.5); /* the limit itself counts as under */
    ck_assert_int_eq(FreezeGate_state(&g, 2000), GATE_WAITING);
    feed_lag(&g, 0.0);
    ck_assert_int_eq(FreezeGate_state(&g, 2100), GATE_OPEN);
}
END_TEST

START_TEST(drain_estimate_holds_it)
{
    FreezeGate g;
    FreezeGate_init(&g, &CFG, false, 0);
    for (int i = 0; i < 3; i++)
        feed_lag(&g, 0.1);
    feed_drain(&g, 2.5);
    ck_assert_int_eq(FreezeGate_state(&g, 100), GATE_WAITING);
    char text[EVENT_TEXT_MAX];
    FreezeGate_describe(&g, text, sizeof text);
    ck_assert_str_eq(text, "lag 100 ms <= 500 ms (3/3 below), drain 2.5 s (over)");
    Event ev;
    Event_sample_text(&ev, M_CDC_DRAIN_S, "not draining", "backlog / apply rate");
    FreezeGate_feed(&g, &ev);
    ck_assert_int_eq(FreezeGate_state(&g, 100), GATE_WAITING);
    feed_drain(&g, 0.2);
    ck_assert_int_eq(FreezeGate_state(&g, 100), GATE_OPEN);
}
END_TEST

START_TEST(first_verify_pass_holds_it)
{
    FreezeGate g;
    FreezeGate_init(&g, &CFG, true, 0);
    for (int i = 0; i < 3; i++)
        feed_lag(&g, 0.1);
    ck_assert_int_eq(FreezeGate_state(&g, 10), GATE_WAITING); /* coverage not known */
    FreezeGate_verify(&g, 40, 12);
    ck_assert_int_eq(FreezeGate_state(&g, 10), GATE_WAITING);
    char text[EVENT_TEXT_MAX];
    FreezeGate_describe(&g, text, sizeof text);
    ck_assert_str_eq(text, "lag 100 ms <= 500 ms (3/3 below), verify first pass, 12 to compare");
    ck_assert_int_eq(FreezeGate_left_s(&g, 2500), 8);
    FreezeGate_verify(&g, 40, 0);
    ck_assert_int_eq(FreezeGate_state(&g, 10), GATE_OPEN);
}
END_TEST

START_TEST(times_out_and_says_why)
{
    FreezeGate g;
    FreezeGate_init(&g, &CFG, false, 5000);
    char text[EVENT_TEXT_MAX];
    FreezeGate_describe(&g, text, sizeof text);
    ck_assert_str_eq(text, "no heartbeat lag figure yet");
    ck_assert_int_eq(FreezeGate_left_s(&g, 5000), 10);
    feed_lag(&g, 1.25);
    ck_assert_int_eq(FreezeGate_state(&g, 14999), GATE_WAITING);
    ck_assert_int_eq(FreezeGate_state(&g, 15000), GATE_TIMED_OUT);
    FreezeGate_describe(&g, text, sizeof text);
    ck_assert_str_eq(text, "lag 1.2 s > 500 ms (0/3 below)");
    ck_assert_int_eq(FreezeGate_left_s(&g, 15000), 0);
}
END_TEST

START_TEST(other_events_are_ignored)
{
    FreezeGate g;
    FreezeGate_init(&g, &CFG, false, 0);
    Event ev;
    Event_sample(&ev, M_LAG_REPLICA_S, 0, "replica");
    FreezeGate_feed(&g, &ev);
    Event_sample_text(&ev, M_LAG_HEARTBEAT_S, "unknown", "heartbeat"); /* no value */
    FreezeGate_feed(&g, &ev);
    Event_alarm(&ev, M_LAG_HEARTBEAT_S, true, "lag");
    FreezeGate_feed(&g, &ev);
    ck_assert_int_eq(g.lag_samples, 0);
    ck_assert(g.lag_s < 0);
}
END_TEST

/* ---- the predicted downtime ------------------------------------------------ */

static void write_audit(const char *path, const char *const *lines)
{
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    for (int i = 0; lines[i]; i++)
        fprintf(f, "{\"seq\":%d,\"wall_ms\":1,\"prev\":\"%064d\",%s}\n", i + 1, 0, lines[i]);
    fclose(f);
}

static Plan *lab_plan(void)
{
    char path[1024], err[512];
    const char *dir = getenv("top_srcdir");
    snprintf(path, sizeof path, "%s/examples/lab.plan.jsonc", dir ? dir : ".");
    Plan *p = Plan_load(path, err, sizeof err);
    ck_assert_msg(p != NULL, "%s", err);
    return p;
}

START_TEST(rehearsed_window_and_prediction)
{
    const char *const lines[] = {
        "\"mono_ms\":100,\"step\":\"preflight\",\"action\":\"start\"",
        "\"mono_ms\":900,\"step\":\"preflight\",\"action\":\"done\"",
        "\"mono_ms\":1000,\"step\":\"maintenance-on\",\"action\":\"start\"",
        "\"mono_ms\":1012,\"step\":\"maintenance-on\",\"action\":\"done\"",
        "\"mono_ms\":1012,\"step\":\"read-only\",\"action\":\"start\"",
        "\"mono_ms\":1020,\"step\":\"read-only\",\"action\":\"done\"",
        "\"mono_ms\":1020,\"step\":\"lag-zero\",\"action\":\"start\"",
        "\"mono_ms\":2520,\"step\":\"lag-zero\",\"action\":\"done\"",
        "\"mono_ms\":2520,\"step\":\"verify\",\"action\":\"start\"",
        "\"mono_ms\":2600,\"step\":\"verify\",\"action\":\"failed\"",
        "\"mono_ms\":3000,\"step\":\"session\",\"action\":\"begin\"",
        "\"mono_ms\":3000,\"step\":\"verify\",\"action\":\"start\"",
        "\"mono_ms\":3040,\"step\":\"verify\",\"action\":\"done\"",
        "\"mono_ms\":3040,\"step\":\"swap\",\"action\":\"start\"",
        "\"mono_ms\":3045,\"step\":\"swap\",\"action\":\"done\"",
        "\"mono_ms\":3045,\"step\":\"target-health\",\"action\":\"start\"",
        "\"mono_ms\":3060,\"step\":\"target-health\",\"action\":\"done\"",
        NULL};
    char path[] = "/tmp/test-rehearsal-XXXXXX", err[512], text[EVENT_TEXT_MAX];
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    close(fd);
    write_audit(path, lines);
    Rehearsal r;
    ck_assert_msg(Rehearsal_load(path, &r, err, sizeof err) == 0, "%s", err);
    ck_assert_int_eq(r.cost_ms[STEP_VERIFY], 40); /* the completed run, not the failed one */
    Plan *p = lab_plan();
    /* maintenance-on 12 + read-only 8 + verify 40 + swap 5 + target-health 15; lag zero aside,
     * maintenance-off never completed */
    ck_assert_int_eq(Rehearsal_window_ms(&r, p, text, sizeof text), 80);
    ck_assert_str_eq(text, "maintenance-on 12 ms, read-only 8 ms, verify 40 ms, swap 5 ms, "
                           "target-health 15 ms, maintenance-off not rehearsed");
    ck_assert_int_eq(Model_predict_downtime_ms(80, 1.2, 0.3), 1280);
    ck_assert_int_eq(Model_predict_downtime_ms(80, 0.1, 2.0), 2080);
    ck_assert_int_eq(Model_predict_downtime_ms(80, -1, -1), 80);
    Plan_free(p);
    unlink(path);
    ck_assert_int_eq(Rehearsal_load(path, &r, err, sizeof err), -1);
    ck_assert_msg(strstr(err, "No such file") != NULL, "%s", err);
}
END_TEST

static Suite *freeze_gate_suite(void)
{
    Suite *s = suite_create("freeze_gate");
    TCase *t = tcase_create("gate");
    tcase_add_test(t, opens_after_samples_in_a_row);
    tcase_add_test(t, drain_estimate_holds_it);
    tcase_add_test(t, first_verify_pass_holds_it);
    tcase_add_test(t, times_out_and_says_why);
    tcase_add_test(t, other_events_are_ignored);
    suite_add_tcase(s, t);
    TCase *p = tcase_create("prediction");
    tcase_add_test(p, rehearsed_window_and_prediction);
    suite_add_tcase(s, p);
    return s;
}

int main(void)
{
    return Unit_run(freeze_gate_suite());
}
