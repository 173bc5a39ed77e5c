/* The AWS probes without AWS: the failover sentinel on an injected resolver
 * (the name moves, the alarm is raised, pre-flight says no-go, the name comes
 * back, the alarm clears), the CloudWatch query list for a plan (one batch,
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

static _Atomic int resolver_phase;

static int fake_resolver(const char *host, int port, char *out, size_t size, char *err,
                         size_t errlen)
{
    (void)port;
    if (strcmp(host, "shop-source.abc.us-east-1.rds.amazonaws.com") != 0) {
        snprintf(err, errlen, "unknown host %s", host);
        return -1;
    }
    snprintf(out, size, "%s", atomic_load(&resolver_phase) == 1 ? "10.0.2.7" : "10.0.1.5");
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

START_TEST(sentinel_raises_and_clears)
{
    Plan plan;
    plan_init(&plan);
    char why[EVENT_TEXT_MAX] = "";
    Sentinel_set_resolver(fake_resolver);
    Sentinel_reset();
    atomic_store(&resolver_phase, 0);
    ck_assert_str_eq(Sentinel_host(&plan), plan.source.host);
    Bus *bus = Bus_new();
    BusQueue *q = Bus_attach(bus, 0);
    Probe p;
    Probe_init(&p, PROBE_SENTINEL, 50, Sentinel_run);
    p.plan = &plan;
    p.bus = bus;
    ck_assert_int_eq(Probe_start(&p), 0);
    for (int i = 0; i < 100 && !strstr(why, "as at start"); i++) {
        Sentinel_check(&plan, why, sizeof why);
        Clock_sleep_ms(20);
    }
    ck_assert_msg(Sentinel_check(&plan, why, sizeof why), "%s", why);
    atomic_store(&resolver_phase, 1); /* a Multi-AZ failover moved the name */
    ck_assert(wait_alarm(q, M_RDS_SOURCE_ADDRESS, 1));
    ck_assert(!Sentinel_check(&plan, why, sizeof why));
    ck_assert_ptr_nonnull(strstr(why, "moved from 10.0.1.5 to 10.0.2.7"));
    atomic_store(&resolver_phase, 0);
    ck_assert(wait_alarm(q, M_RDS_SOURCE_ADDRESS, 0));
    ck_assert(Sentinel_check(&plan, why, sizeof why));
    Probe_request_stop(&p);
    Probe_join(&p);
    Probe_destroy(&p);
    Bus_close(bus);
    Bus_free(bus);
    Sentinel_set_resolver(NULL);
}
END_TEST

START_TEST(sentinel_ignores_addresses)
{
    Plan plan;
    plan_init(&plan);
    plan.source.host = "127.0.0.1";
    ck_assert_ptr_null(Sentinel_host(&plan));
    plan.source.host = "db.example";
    plan.source.rds_instance = NULL;
    ck_assert_ptr_null(Sentinel_host(&plan));
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
    tcase_add_test(tc, sentinel_raises_and_clears);
    tcase_add_test(tc, sentinel_ignores_addresses);
    tcase_add_test(tc, cloudwatch_one_batch_per_plan);
    tcase_add_test(tc, cloudwatch_posts_figures);
    tcase_add_test(tc, dms_tables_posted);
    suite_add_tcase(s, tc);
    return Unit_run(s);
}
