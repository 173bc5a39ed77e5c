/* The pure parts of the probes: rates across counter resets, binlog
 * distances across rotations, the clock-offset arithmetic, the loss window,
 * address sorting and the change watch, GTID sums and the drain estimate. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "probes/addrs.h"
#include "probes/binlog.h"
#include "probes/cdc.h"
#include "probes/heartbeat.h"
#include "probes/offset.h"
#include "probes/rate.h"
#include "probes/replica.h"
#include "probes/window.h"
#include "tests/unit/unit.h"

START_TEST(rate_needs_two_readings)
{
    RateWindow w;
    double r = -1;
    RateWindow_reset(&w);
    ck_assert(!RateWindow_rate(&w, 0, &r));
    RateWindow_add(&w, 1000, 50);
    ck_assert(!RateWindow_rate(&w, 0, &r));
    RateWindow_add(&w, 1500, 100);
    ck_assert(RateWindow_rate(&w, 0, &r));
    ck_assert_double_eq_tol(r, 100.0, 1e-9);
}
END_TEST

START_TEST(rate_counter_reset_restarts)
{
    RateWindow w;
    double r;
    RateWindow_reset(&w);
    RateWindow_add(&w, 0, 1000);
    RateWindow_add(&w, 1000, 2000);
    RateWindow_add(&w, 2000, 10); /* the server restarted: counters from zero */
    ck_assert(!RateWindow_rate(&w, 0, &r));
    RateWindow_add(&w, 3000, 510);
    ck_assert(RateWindow_rate(&w, 0, &r));
    ck_assert_double_eq_tol(r, 500.0, 1e-9);
}
END_TEST

START_TEST(rate_window_spans_readings)
{
    RateWindow w;
    double r;
    RateWindow_reset(&w);
    for (int i = 0; i <= 20; i++) /* 100/s for 10 s, then 1000/s for 10 s */
        RateWindow_add(&w, i * 1000, i <= 10 ? i * 100.0 : 1000.0 + (i - 10) * 1000.0);
    ck_assert(RateWindow_rate(&w, 0, &r));
    ck_assert_double_eq_tol(r, 1000.0, 1e-9);
    ck_assert(RateWindow_rate(&w, 10000, &r));
    ck_assert_double_eq_tol(r, 1000.0, 1e-9);
    ck_assert(RateWindow_rate(&w, 20000, &r));
    ck_assert_double_eq_tol(r, 550.0, 1e-9);
    /* Same-time and older readings are ignored, not divided by zero. */
    RateWindow_add(&w, 20000, 99999);
    ck_assert(RateWindow_rate(&w, 0, &r));
    ck_assert_double_eq_tol(r, 1000.0, 1e-9);
}
END_TEST

START_TEST(rate_ring_keeps_newest)
{
    RateWindow w;
    double r;
    RateWindow_reset(&w);
    for (int i = 0; i < 3 * RATE_WINDOW_MAX; i++)
        RateWindow_add(&w, i * 100, i * 7.0);
    ck_assert_uint_eq(w.count, RATE_WINDOW_MAX);
    ck_assert(RateWindow_rate(&w, 1000000, &r));
    ck_assert_double_eq_tol(r, 70.0, 1e-9);
}
END_TEST

static const BinlogFile files[] = {
    {"bin.000007", 1000},
    {"bin.000008", 5000},
    {"bin.000009", 300},
    {"bin.000010", 0},
};

START_TEST(binlog_same_file)
{
    uint64_t d;
    ck_assert_int_eq(Binlog_distance(NULL, 0, "bin.000009", 100, "bin.000009", 250, &d), 0);
    ck_assert_uint_eq(d, 150);
    ck_assert_int_eq(Binlog_distance(NULL, 0, "bin.000009", 250, "bin.000009", 100, &d), -1);
}
END_TEST

START_TEST(binlog_across_rotation)
{
    uint64_t d;
    /* rest of 7 (600) + all of 8 (5000) + 120 into 9 */
    ck_assert_int_eq(Binlog_distance(files, 4, "bin.000007", 400, "bin.000009", 120, &d), 0);
    ck_assert_uint_eq(d, 600 + 5000 + 120);
    ck_assert_int_eq(Binlog_distance(files, 4, "bin.000008", 5000, "bin.000009", 4, &d), 0);
    ck_assert_uint_eq(d, 4);
    /* Unknown file, reversed order, no list: unknown, never a wrong number. */
    ck_assert_int_eq(Binlog_distance(files, 4, "bin.000003", 4, "bin.000009", 4, &d), -1);
    ck_assert_int_eq(Binlog_distance(files, 4, "bin.000009", 4, "bin.000008", 4, &d), -1);
    ck_assert_int_eq(Binlog_distance(NULL, 0, "bin.000008", 4, "bin.000009", 4, &d), -1);
    ck_assert_int_eq(Binlog_distance(files, 4, "bin.000007", 2000, "bin.000008", 4, &d), -1);
}
END_TEST

START_TEST(cdc_advance_over_rotation)
{
    Cdc c;
    double r;
    Cdc_init(&c);
    Cdc_advance(&c, files, 4, "bin.000007", 400, 0);
    Cdc_advance(&c, files, 4, "bin.000007", 900, 1000);
    ck_assert(RateWindow_rate(&c.bytes, 0, &r));
    ck_assert_double_eq_tol(r, 500.0, 1e-9);
    Cdc_advance(&c, files, 4, "bin.000008", 400, 2000); /* 100 + 400 */
    ck_assert(RateWindow_rate(&c.bytes, 0, &r));
    ck_assert_double_eq_tol(r, 500.0, 1e-9);
    Cdc_advance(&c, files, 2, "bin.000010", 400, 3000); /* not in the list: restart */
    ck_assert(!RateWindow_rate(&c.bytes, 0, &r));
}
END_TEST

START_TEST(cdc_backlog_and_drain)
{
    CdcBinlog src = {.have_pos = true, .file = "bin.000009", .pos = 200, .nfiles = 4};
    memcpy(src.files, files, sizeof files);
    ck_assert_double_eq_tol(Cdc_backlog(&src, "bin.000008", 4000), 1000 + 200, 1e-9);
    ck_assert_double_eq_tol(Cdc_backlog(&src, "bin.000009", 150), 50, 1e-9);
    /* The replica read later than the source and is past its reading. */
    ck_assert_double_eq_tol(Cdc_backlog(&src, "bin.000009", 250), 0, 1e-9);
    src.have_pos = false;
    ck_assert_double_eq_tol(Cdc_backlog(&src, "bin.000009", 150), -1, 1e-9);
    ck_assert_double_eq_tol(Cdc_drain_seconds(0, 0), 0, 1e-9);
    ck_assert_double_eq_tol(Cdc_drain_seconds(1000, 0), -1, 1e-9);
    ck_assert_double_eq_tol(Cdc_drain_seconds(1000, 250), 4, 1e-9);
    ck_assert_double_eq_tol(Cdc_applied_rows(3000, 1000), 1000, 1e-9);
}
END_TEST

START_TEST(gtid_sum)
{
    ck_assert_double_eq_tol(Replica_gtid_seq_total("0-1-100"), 100, 1e-9);
    ck_assert_double_eq_tol(Replica_gtid_seq_total("0-1-100,1-2-7"), 107, 1e-9);
    ck_assert_double_eq_tol(Replica_gtid_seq_total(""), 0, 1e-9);
    ck_assert_double_eq_tol(Replica_gtid_seq_total("3E11FA47-71CA-11E1:1-5"), -1, 1e-9);
    ck_assert_double_eq_tol(Replica_gtid_seq_total("0-1"), -1, 1e-9);
}
END_TEST

START_TEST(offset_sample_midpoint)
{
    /* Sent at 100.000 local, 20 ms round trip: the server answered at
     * 100.010 local time; it said 102.010, so it is 2 s ahead. */
    ck_assert_double_eq_tol(Offset_sample(102.010, 100.000, 0.020), 2.0, 1e-9);
    ck_assert_double_eq_tol(Offset_sample(99.510, 100.000, 0.020), -0.5, 1e-9);
}
END_TEST

START_TEST(offset_filter_prefers_short_round_trips)
{
    OffsetFilter f;
    double o;
    OffsetFilter_reset(&f);
    ck_assert(!OffsetFilter_best(&f, &o));
    OffsetFilter_add(&f, 0.300, 0.500);
    OffsetFilter_add(&f, 0.010, 0.002);
    OffsetFilter_add(&f, -0.2, 0.300);
    ck_assert(OffsetFilter_best(&f, &o));
    ck_assert_double_eq_tol(o, 0.010, 1e-12);
    for (int i = 0; i < OFFSET_SAMPLES; i++) /* the good one ages out */
        OffsetFilter_add(&f, 0.5, 0.1);
    ck_assert(OffsetFilter_best(&f, &o));
    ck_assert_double_eq_tol(o, 0.5, 1e-12);
}
END_TEST

START_TEST(offset_lag_corrects_clocks)
{
    /* The source runs 3 s ahead, the target 1 s behind: a heartbeat written
     * 0.5 s ago reads as ts = local-0.5+3, target now = local-1. */
    double local = 1000.0;
    double lag = Offset_lag(local - 1.0, local - 0.5 + 3.0, -1.0, 3.0);
    ck_assert_double_eq_tol(lag, 0.5, 1e-9);
    ck_assert_double_eq_tol(Offset_lag(10.0, 7.5, 0, 0), 2.5, 1e-9);
}
END_TEST

START_TEST(loss_window)
{
    LossWindow w;
    double pct;
    LossWindow_init(&w, 60000);
    ck_assert(!LossWindow_percent(&w, 0, &pct));
    for (int i = 0; i < 60; i++)
        LossWindow_add(&w, i * 1000, i % 4 != 0); /* every 4th fails */
    ck_assert(LossWindow_percent(&w, 59000, &pct));
    ck_assert_double_eq_tol(pct, 25.0, 1e-9);
    /* 30 s later the first half has left the window. */
    for (int i = 60; i < 90; i++)
        LossWindow_add(&w, i * 1000, true);
    ck_assert(LossWindow_percent(&w, 89000, &pct));
    ck_assert_double_eq_tol(pct, 100.0 * 7 / 61, 1e-9);
    ck_assert(!LossWindow_percent(&w, 200000, &pct));
}
END_TEST

START_TEST(addrs_sorted_unique)
{
    char a[][40] = {"10.0.0.20", "fd00::1", "10.0.0.3", "10.0.0.20", "192.168.1.1", "::1"};
    char *p[6];
    for (int i = 0; i < 6; i++)
        p[i] = a[i];
    char out[ADDRS_TEXT_MAX];
    Addrs_join(p, 6, out, sizeof out);
    ck_assert_str_eq(out, "10.0.0.3, 10.0.0.20, 192.168.1.1, ::1, fd00::1");
    char small[20];
    Addrs_join(p, 6, small, sizeof small);
    ck_assert_str_eq(small, "10.0.0.3, 10.0.0.20");
}
END_TEST

START_TEST(addrs_watch_raises_once_and_clears)
{
    AddrWatch w = {.have_first = false};
    char why[200] = "";
    ck_assert_int_eq(AddrWatch_update(&w, "10.0.0.1, 10.0.0.2", why, sizeof why), ADDRS_SAME);
    ck_assert_int_eq(AddrWatch_update(&w, "10.0.0.1, 10.0.0.2", why, sizeof why), ADDRS_SAME);
    ck_assert_int_eq(AddrWatch_update(&w, "10.0.0.1, 10.0.0.9", why, sizeof why), ADDRS_RAISE);
    ck_assert_str_eq(why, "endpoint address changed from 10.0.0.1, 10.0.0.2 to 10.0.0.1, 10.0.0.9");
    ck_assert_int_eq(AddrWatch_update(&w, "10.0.0.9", why, sizeof why), ADDRS_SAME);
    ck_assert_int_eq(AddrWatch_update(&w, "10.0.0.1, 10.0.0.2", why, sizeof why), ADDRS_CLEAR);
}
END_TEST

START_TEST(heartbeat_table_names)
{
    char s[80], t[80];
    ck_assert_int_eq(Heartbeat_table_parts("cutover.heartbeat", s, sizeof s, t, sizeof t), 0);
    ck_assert_str_eq(s, "`cutover`");
    ck_assert_str_eq(t, "`heartbeat`");
    ck_assert_int_eq(Heartbeat_table_parts("heartbeat", s, sizeof s, t, sizeof t), -1);
    ck_assert_int_eq(Heartbeat_table_parts("a.b`; DROP x", s, sizeof s, t, sizeof t), -1);
    ck_assert_int_eq(Heartbeat_table_parts(".x", s, sizeof s, t, sizeof t), -1);
}
END_TEST

static Suite *probes_suite(void)
{
    Suite *s = suite_create("probes");
    TCase *tc = tcase_create("pure");
    tcase_add_test(tc, rate_needs_two_readings);
    tcase_add_test(tc, rate_counter_reset_restarts);
    tcase_add_test(tc, rate_window_spans_readings);
    tcase_add_test(tc, rate_ring_keeps_newest);
    tcase_add_test(tc, binlog_same_file);
    tcase_add_test(tc, binlog_across_rotation);
    tcase_add_test(tc, cdc_advance_over_rotation);
    tcase_add_test(tc, cdc_backlog_and_drain);
    tcase_add_test(tc, gtid_sum);
    tcase_add_test(tc, offset_sample_midpoint);
    tcase_add_test(tc, offset_filter_prefers_short_round_trips);
    tcase_add_test(tc, offset_lag_corrects_clocks);
    tcase_add_test(tc, loss_window);
    tcase_add_test(tc, addrs_sorted_unique);
    tcase_add_test(tc, addrs_watch_raises_once_and_clears);
    tcase_add_test(tc, heartbeat_table_names);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return Unit_run(probes_suite());
}
