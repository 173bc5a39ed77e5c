/* The freeze gate's decisions: lag samples in a row under the limit, the
 * drain estimate, the first verify pass, the timeout, and what it says. */
#include <check.h>
#include <string.h>

#include "checklist/freeze_gate.h"
#include "session/metrics.h"
#include "tests/unit/unit.h"

static const PlanFreeze CFG = {
    .gate = true, .max_lag_ms = 500, .samples = 3, .timeout_ms = 10000, .wait_for_verify = true};

static void feed_lag(FreezeGate *g, double s)
{
    Event ev;
    Event_sample(&ev, M_LAG_HEARTBEAT_S, s, "heartbeat");
    FreezeGate_feed(g, &ev);
}

static void feed_drain(FreezeGate *g, double s)
{
    Event ev;
    Event_sample(&ev, M_CDC_DRAIN_S, s, "backlog / apply rate");
    FreezeGate_feed(g, &ev);
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
    FreezeGate_describe(&g, 100, text, sizeof text);
    ck_assert_str_eq(text, "lag 100 ms <= 500 ms (3/3 below), drain 2.5 s (over); 10 s left");
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
    FreezeGate_describe(&g, 2500, text, sizeof text);
    ck_assert_str_eq(
        text, "lag 100 ms <= 500 ms (3/3 below), verify first pass, 12 to compare; 8 s left");
    FreezeGate_verify(&g, 40, 0);
    ck_assert_int_eq(FreezeGate_state(&g, 10), GATE_OPEN);
}
END_TEST

START_TEST(times_out_and_says_why)
{
    FreezeGate g;
    FreezeGate_init(&g, &CFG, false, 5000);
    char text[EVENT_TEXT_MAX];
    FreezeGate_describe(&g, 5000, text, sizeof text);
    ck_assert_str_eq(text, "no heartbeat lag figure yet; 10 s left");
    feed_lag(&g, 1.25);
    ck_assert_int_eq(FreezeGate_state(&g, 14999), GATE_WAITING);
    ck_assert_int_eq(FreezeGate_state(&g, 15000), GATE_TIMED_OUT);
    FreezeGate_describe(&g, 15000, text, sizeof text);
    ck_assert_str_eq(text, "lag 1.2 s > 500 ms (0/3 below); 0 s left");
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
    return s;
}

int main(void)
{
    return Unit_run(freeze_gate_suite());
}
