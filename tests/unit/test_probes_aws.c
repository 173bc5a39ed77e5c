/* The AWS probes without AWS: the failover sentinel on an injected look
 * (the instance moves away from the NLB's targets, or from where it was
 * first seen: the alarm is raised, pre-flight says no-go; it comes back, the
 * alarm clears), the CloudWatch query list for a plan (one batch,
 * DMS queries once the instance is known), and the figures posted from a
 * reply and from DMS table statistics. */
#include <check.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/clock.h"
#include "probes/cloudwatch.h"
#include "probes/dms.h"
#include "session/metrics.h"
#include "probes/sentinel.h"
#include "session/bus.h"
#include "tests/unit/unit.h"

static _Atomic int look_phase;

/* Phase 0: the instance at 10.0.1.5, a healthy target; phase 1: a Multi-AZ
 * failover moved it to 10.0.2.7, the NLB still forwards to 10.0.1.5. */
static int fake_look(const Plan *plan, Aws_client **client, SentinelLook *out, char *err,
                     size_t errlen)
{
    (void)client;
    if (strcmp(plan->source.rds_instance, "shop-source") != 0) {
        snprintf(err, errlen, "DB instance not found");
        return -1;
    }
    snprintf(out->endpoint, sizeof out->endpoint, "shop-source.abc.us-east-1.rds.amazonaws.com");
    snprintf(out->addrs, sizeof out->addrs, "%s",
             atomic_load(&look_phase) == 1 ? "10.0.2.7" : "10.0.1.5");
    if (out->have_group) {
        out->targets[0] = (Elb_target){.id = "10.0.1.5", .port = 3306, .state = "healthy"};
        out->ntargets = 1;
    }
    return 0;
}

static void plan_init(Plan *plan)
{
    memset(plan, 0, sizeof *plan);
    plan->source.host = "shop-source.abc.us-east-1.rds.amazonaws.com";
    plan->source.port = 3306;
    plan->source.rds_instance = "shop-source";
    plan->target.rds_instance = "shop-target";
    plan->aws.dms_task_arn = "arn:aws:dms:us-east-1:1:task:TASKID";
    plan->timings.refresh_ms = 50;
}

/* Waits up to 3 s for an alarm event on key with the given state. */
static bool wait_alarm(BusQueue *q, const char *key, int raised)
{
    Event ev[64];
    for (int round = 0; round < 60; round++) {
        size_t n = BusQueue_wait(q, ev, 64, 50);
        for (size_t i = 0; i < n; i++)
            if (ev[i].kind == EVENT_ALARM && !strcmp(ev[i].key, key) && ev[i].state == raised)
                return true;
    }
    return false;
}

/* The running sentinel against the NLB's targets, or (without a target
 * group) against the addresses it saw first: the instance moves, the alarm
 * is raised and pre-flight says no-go; it moves back, the alarm clears. */
static void sentinel_cycle(const char *group, const char *moved_words)
{
    Plan plan;
    plan_init(&plan);
    plan.endpoint.target_group_arn = (char *)group;
    char why[EVENT_TEXT_MAX] = "";
    Sentinel_set_look(fake_look);
    Sentinel_reset();
    atomic_store(&look_phase, 0);
    ck_assert_str_eq(Sentinel_instance(&plan), "shop-source");
    Bus *bus = Bus_new();
    BusQueue *q = Bus_attach(bus, 0);
    Probe p;
    Probe_init(&p, PROBE_SENTINEL, 50, Sentinel_run);
    p.plan = &plan;
    p.bus = bus;
    ck_assert_int_eq(Probe_start(&p), 0);
    for (int i = 0; i < 100 && !strstr(why, group ? "a healthy target" : "as at start"); i++) {
        Sentinel_check(&plan, why, sizeof why);
        Clock_sleep_ms(20);
    }
    ck_assert_msg(Sentinel_check(&plan, why, sizeof why), "%s", why);
    atomic_store(&look_phase, 1);
    ck_assert(wait_alarm(q, M_RDS_SOURCE_ADDRESS, 1));
    ck_assert(!Sentinel_check(&plan, why, sizeof why));
    ck_assert_msg(strstr(why, moved_words) != NULL, "%s", why);
    atomic_store(&look_phase, 0);
    ck_assert(wait_alarm(q, M_RDS_SOURCE_ADDRESS, 0));
    ck_assert(Sentinel_check(&plan, why, sizeof why));
    Probe_request_stop(&p);
    Probe_join(&p);
    Probe_destroy(&p);
    Bus_close(bus);
    Bus_free(bus);
    Sentinel_set_look(NULL);
}

START_TEST(sentinel_against_the_target_group)
{
    sentinel_cycle("arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/nlb/1",
                   "the instance is at 10.0.2.7, the NLB forwards to 10.0.1.5:3306 healthy");
}
END_TEST

START_TEST(sentinel_against_the_first_look)
{
    sentinel_cycle(NULL, "moved from 10.0.1.5 to 10.0.2.7");
}
END_TEST

/* An unhealthy or draining target is no place to send the application. */
START_TEST(sentinel_judges_health)
{
    SentinelLook l = {.addrs = "10.0.1.5", .have_group = true, .ntargets = 2};
    l.targets[0] = (Elb_target){.id = "10.0.1.50", .port = 3306, .state = "healthy"};
    l.targets[1] = (Elb_target){.id = "10.0.1.5", .port = 3306, .state = "draining"};
    char why[EVENT_TEXT_MAX];
    ck_assert(!Sentinel_judge(&l, NULL, why, sizeof why));
    snprintf(l.targets[1].state, sizeof l.targets[1].state, "healthy");
    ck_assert(Sentinel_judge(&l, NULL, why, sizeof why));
    snprintf(l.addrs, sizeof l.addrs, "10.0.1.5, 10.0.1.6");
    ck_assert(!Sentinel_judge(&l, NULL, why, sizeof why));
    l.ntargets = 0;
    snprintf(l.addrs, sizeof l.addrs, "10.0.1.5");
    ck_assert(!Sentinel_judge(&l, NULL, why, sizeof why));
    ck_assert_ptr_nonnull(strstr(why, "no target"));
    Plan plan;
    plan_init(&plan);
    plan.source.rds_instance = NULL;
    ck_assert_ptr_null(Sentinel_instance(&plan));
    ck_assert(Sentinel_check(&plan, why, sizeof why));
}
END_TEST

START_TEST(cloudwatch_one_batch_per_plan)
{
    Plan plan;
    plan_init(&plan);
    Cw_query q[CLOUDWATCH_MAX_QUERIES];
    CloudwatchFigure f[CLOUDWATCH_MAX_QUERIES];
    ck_assert_int_eq((int)Cloudwatch_queries(&plan, CLOUDWATCH_SOURCE | CLOUDWATCH_TARGET, NULL, q,
                                             f, CLOUDWATCH_MAX_QUERIES),
                     12);
    ck_assert_str_eq(f[1].key, "rds.source.freeable_memory_mb");
    ck_assert_int_eq((int)Cloudwatch_queries(&plan, CLOUDWATCH_SOURCE | CLOUDWATCH_TARGET,
                                             "repinstance01", q, f, CLOUDWATCH_MAX_QUERIES),
                     17);
    ck_assert_str_eq(q[12].metric, "CDCLatencySource");
    ck_assert_str_eq(q[12].dim_value[0], "repinstance01");
    ck_assert_str_eq(q[12].dim_value[1], "TASKID");
    for (int i = 0; i < 17; i++)
        for (int j = 0; j < i; j++)
            ck_assert_str_ne(q[i].id, q[j].id);
}
END_TEST

START_TEST(cloudwatch_posts_figures)
{
    Plan plan;
    plan_init(&plan);
    Cw_query q[CLOUDWATCH_MAX_QUERIES];
    CloudwatchFigure f[CLOUDWATCH_MAX_QUERIES];
    Cw_result res[CLOUDWATCH_MAX_QUERIES];
    size_t n = Cloudwatch_queries(&plan, CLOUDWATCH_SOURCE | CLOUDWATCH_TARGET, "r1", q, f,
                                  CLOUDWATCH_MAX_QUERIES);
    memset(res, 0, sizeof res);
    res[1] = (Cw_result){.has_value = true, .value = 2147483648.0}; /* FreeableMemory */
    res[12] = (Cw_result){.has_value = true, .value = 2};           /* CDCLatencySource */
    res[13] =
        (Cw_result){.has_value = true, .value = 4, .timestamp = 1800000000}; /* CDCLatencyTarget */
    Bus *bus = Bus_new();
    BusQueue *bq = Bus_attach(bus, 0);
    Probe p;
    Probe_init(&p, PROBE_AWS, 1000, NULL);
    p.plan = &plan;
    p.bus = bus;
    ck_assert_int_eq(Cloudwatch_post(&p, f, res, n), 3);
    Event ev[16];
    size_t got = BusQueue_take(bq, ev, 16);
    ck_assert_int_eq((int)got, 5);
    ck_assert_str_eq(ev[0].key, "rds.source.freeable_memory_mb");
    ck_assert_double_eq(ev[0].value, 2048);
    ck_assert_str_eq(ev[0].origin, ORIGIN_CLOUDWATCH);
    /* CDCLatencyTarget alone: it already counts from the source's commit. */
    ck_assert_str_eq(ev[3].key, M_LAG_DMS_S);
    ck_assert_double_eq(ev[3].value, 4);
    ck_assert_str_eq(ev[4].key, M_DMS_CW_AT);
    ck_assert_double_eq(ev[4].value, 1800000000);
    Probe_destroy(&p);
    Bus_close(bus);
    Bus_free(bus);
}
END_TEST

START_TEST(dms_tables_posted)
{
    Plan plan;
    plan_init(&plan);
    Dms_table t[3];
    memset(t, 0, sizeof t);
    snprintf(t[0].table, sizeof t[0].table, "orders");
    snprintf(t[0].validation, sizeof t[0].validation, "Validated");
    t[0].inserts = 10;
    snprintf(t[1].table, sizeof t[1].table, "pay");
    snprintf(t[1].validation, sizeof t[1].validation, "Mismatched records");
    t[1].updates = 20;
    snprintf(t[2].table, sizeof t[2].table, "cust");
    snprintf(t[2].validation, sizeof t[2].validation, "Validated");
    Bus *bus = Bus_new();
    BusQueue *bq = Bus_attach(bus, 0);
    Probe p;
    Probe_init(&p, PROBE_AWS, 1000, NULL);
    p.plan = &plan;
    p.bus = bus;
    DmsProbe d;
    memset(&d, 0, sizeof d);
    DmsProbe_post_tables(&p, &d, t, 3);
    Event ev[16];
    size_t got = BusQueue_take(bq, ev, 16);
    bool alarm = false, validation = false, changes = false;
    for (size_t i = 0; i < got; i++) {
        if (ev[i].kind == EVENT_ALARM && !strcmp(ev[i].key, M_DMS_TABLES_BAD))
            alarm = ev[i].state == 1 && strstr(ev[i].text, "pay (Mismatched records)");
        if (!strcmp(ev[i].key, M_DMS_VALIDATION))
            validation = !strcmp(ev[i].text, "2 Validated, 1 Mismatched records");
        if (!strcmp(ev[i].key, M_DMS_CHANGES))
            changes = ev[i].value == 30 && !strcmp(ev[i].text, "I 10 U 20 D 0");
    }
    ck_assert(alarm);
    ck_assert(validation);
    ck_assert(changes);
    Probe_destroy(&p);
    Bus_close(bus);
    Bus_free(bus);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("probes_aws");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 20);
    tcase_add_test(tc, sentinel_against_the_target_group);
    tcase_add_test(tc, sentinel_against_the_first_look);
    tcase_add_test(tc, sentinel_judges_health);
    tcase_add_test(tc, cloudwatch_one_batch_per_plan);
    tcase_add_test(tc, cloudwatch_posts_figures);
    tcase_add_test(tc, dms_tables_posted);
    suite_add_tcase(s, tc);
    return Unit_run(s);
}
