/* The report's parts: the column downsampler keeps every spike, text from a
 * session cannot add markup to the page, JSON strings for asciicast are
 * valid, the audit log is found next to a recording, and a handmade session
 * gives the steps, the downtime and a page that says so. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "session/step_state.h"
#include "report/asciicast.h"
#include "report/collect.h"
#include "report/html.h"
#include "report/page.h"
#include "report/series.h"
#include "session/event_json.h"
#include "tests/unit/unit.h"

#define START 1795220400000LL /* 2026-11-21T00:20:00Z */

typedef void (*WriteFn)(FILE *out, const void *arg);

/* What fn writes, as a string the caller frees. */
static char *capture(WriteFn fn, const void *arg)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    ck_assert_ptr_nonnull(f);
    fn(f, arg);
    fclose(f);
    return buf;
}

static void write_html(FILE *out, const void *arg)
{
    Html_text(out, arg);
}

static void write_json(FILE *out, const void *arg)
{
    Asciicast_json_string(out, arg);
}

START_TEST(series_keeps_extremes)
{
    ColumnSeries s;
    ck_assert_int_eq(ColumnSeries_init(&s, START, START + 86400000LL, 540), 0);
    /* A day of samples every 100 ms, flat but for one spike and one dip. */
    for (int64_t t = START; t <= START + 86400000LL; t += 100) {
        double v = 1.0;
        if (t == START + 43210000LL)
            v = 99.0;
        if (t == START + 43210100LL)
            v = -5.0;
        ColumnSeries_add(&s, t, v);
    }
    ColumnSeries_add(&s, START - 1, 1000.0);          /* before the span */
    ColumnSeries_add(&s, START + 86400001LL, 1000.0); /* after it */
    ColumnSeries_add(&s, START + 1000, NAN);          /* not a number */
    ck_assert_int_eq(s.samples, 864001);
    ck_assert(s.max == 99.0 && s.min == -5.0);
    const ColumnBucket *b = &s.cols[ColumnSeries_column(&s, START + 43210000LL)];
    ck_assert(b->max == 99.0 && b->min == -5.0);
    ck_assert(b->max_ms < b->min_ms); /* the spike came first */
    ck_assert_int_eq(ColumnSeries_column(&s, START), 0);
    ck_assert_int_eq(ColumnSeries_column(&s, START + 86400000LL), 539);
    long total = 0;
    for (int i = 0; i < s.ncols; i++)
        total += s.cols[i].count;
    ck_assert_int_eq(total, s.samples);
    ColumnSeries_free(&s);
}
END_TEST

START_TEST(html_escapes_everything)
{
    char *out = capture(write_html, "<script>alert('x')</script> & \"q\"");
    ck_assert_str_eq(out, "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;");
    free(out);
    out = capture(write_html, "bell\a esc\x1b[31m del\x7f");
    ck_assert_str_eq(out, "bell esc[31m del");
    free(out);
    /* Valid UTF-8 stays; a lone continuation byte, an overlong form and a
     * surrogate become U+FFFD. */
    out = capture(write_html, "caf\xc3\xa9 \xe2\x86\x92 \x80 \xc0\xaf \xed\xa0\x80");
    ck_assert_str_eq(out, "caf\xc3\xa9 \xe2\x86\x92 \xef\xbf\xbd \xef\xbf\xbd\xef\xbf\xbd "
                          "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
    free(out);
}
END_TEST

START_TEST(json_strings)
{
    char *out = capture(write_json, "\x1b[H\"a\\b\"\r\n\xe2\x94\x80\xff");
    ck_assert_str_eq(out, "\"\\u001b[H\\\"a\\\\b\\\"\\r\\n\xe2\x94\x80\\ufffd\"");
    free(out);
}
END_TEST

START_TEST(audit_next_to_recording)
{
    char out[256];
    ck_assert_int_eq(
        Report_audit_path("/s/lab-cutover-20261121T122252Z.session.jsonl", out, sizeof out), 0);
    ck_assert_str_eq(out, "/s/lab-cutover.audit.jsonl");
    ck_assert_int_eq(Report_audit_path("night-2-20261121T002000Z-3.session.jsonl", out, sizeof out),
                     0);
    ck_assert_str_eq(out, "night-2.audit.jsonl");
    ck_assert_int_eq(Report_audit_path("/s/lab.session.jsonl", out, sizeof out), -1);
    ck_assert_int_eq(Report_audit_path("/s/-20261121T002000Z.session.jsonl", out, sizeof out), -1);
    ck_assert_int_eq(Report_audit_path("/s/x-20261121T002000Z-.session.jsonl", out, sizeof out),
                     -1);
    ck_assert_int_eq(Report_audit_path("/s/x-20261121T002000Z.jsonl", out, sizeof out), -1);
}
END_TEST

static void put(FILE *f, EventKind kind, int64_t ms, const char *key, int state, double v,
                const char *text)
{
    Event ev;
    memset(&ev, 0, sizeof ev);
    ev.kind = kind;
    ev.wall_ms = START + ms;
    ev.mono_ms = ms + 7; /* the monotonic clock, not the wall clock, gives durations */
    ev.state = state;
    ev.has_value = kind == EVENT_SAMPLE || kind == EVENT_STEP;
    ev.value = v;
    Event_copy_field(ev.key, sizeof ev.key, key);
    Event_copy_field(ev.text, sizeof ev.text, text);
    char line[1024];
    ck_assert_int_ge(EventJson_format(&ev, line, sizeof line), 0);
    fprintf(f, "%s\n", line);
}

/* A two-hour session whose cutover takes 30 s in the middle. */
static void write_session(const char *path)
{
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fprintf(f,
            "{\"cutover_session\":1,\"version\":\"0.1.0\",\"plan\":\"<b>night</b>\","
            "\"plan_sha256\":\"ab\",\"host\":\"db-host\",\"operator\":{\"user\":\"alice\"},"
            "\"start\":%lld,\"start_utc\":\"2026-11-21T00:20:00.000Z\",\"cols\":120,"
            "\"rows\":40}\n",
            (long long)START);
    put(f, EVENT_STEP, 0, "maintenance-on", STEP_PENDING, 1, "Maintenance on");
    put(f, EVENT_STEP, 0, "maintenance-off", STEP_PENDING, 2, "Maintenance off");
    put(f, EVENT_STEP, 0, "never", STEP_PENDING, 3, "Never run");
    put(f, EVENT_SAMPLE, 0, "downtime.rehearsed_steps_ms", 0, 80, "maintenance-on 12 ms");
    for (int64_t t = 0; t < 7200000; t += 1000) {
        put(f, EVENT_SAMPLE, t, "lag.heartbeat_s", 0, t == 3600000 ? 42.0 : 0.5, "");
        put(f, EVENT_SAMPLE, t, "cdc.source_rows_ps", 0, 1200, "");
        if (t == 3600000) {
            put(f, EVENT_STEP, t, "maintenance-on", STEP_RUNNING, 1, "");
            put(f, EVENT_STEP, t + 10, "maintenance-on", STEP_DONE, 1, "flag present");
            put(f, EVENT_NOTE, t + 20, "", 0, 0, "<script>alert(1)</script>");
            put(f, EVENT_ALARM, t + 30, "lag.heartbeat_s", 1, 0, "lag 42 s");
        }
        if (t == 3630000) {
            put(f, EVENT_STEP, t, "maintenance-off", STEP_RUNNING, 2, "");
            put(f, EVENT_STEP, t + 500, "maintenance-off", STEP_DONE, 2, "flag gone");
            put(f, EVENT_ALARM, t + 600, "lag.heartbeat_s", 0, 0, "lag 42 s");
        }
    }
    fclose(f);
}

static void write_page(FILE *out, const void *arg)
{
    ck_assert_int_eq(Page_write(out, arg), 0);
}

START_TEST(collect_and_page)
{
    char dir[] = "/tmp/test_report.XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char path[256], err[512] = "";
    snprintf(path, sizeof path, "%s/night-20261121T002000Z.session.jsonl", dir);
    write_session(path);
    Report *rep = malloc(sizeof *rep);
    ck_assert_int_eq(Report_collect(rep, path, NULL, err, sizeof err), 0);
    ck_assert_int_eq(rep->nsteps, 3);
    const ReportStep *on = Report_step(rep, "maintenance-on");
    ck_assert_str_eq(on->title, "Maintenance on");
    ck_assert_int_eq(on->end_mono_ms - on->start_mono_ms, 10);
    ck_assert(rep->downtime.present && !rep->downtime.open);
    ck_assert_int_eq(rep->downtime.end_mono_ms - rep->downtime.start_mono_ms, 30500);
    ck_assert(rep->has_closeup);
    /* The prediction as it stood at the freeze: the lag sample at the freeze's
     * own millisecond (42 s) came after it. */
    ck_assert(rep->predicted.present);
    ck_assert_int_eq(rep->predicted.steps_ms, 80);
    ck_assert(rep->predicted.lag_s == 0.5);
    ck_assert(rep->predicted.drain_s == -1);
    ck_assert_int_eq(rep->audit.verdict, AUDIT_ABSENT);
    ck_assert_int_eq(rep->charts[0].night[0].samples, 7200);
    ck_assert(rep->charts[0].night[0].max == 42.0);
    ck_assert(rep->charts[0].closeup[0].max == 42.0);
    char *page = capture(write_page, rep);
    ck_assert_ptr_null(strstr(page, "<script"));
    ck_assert_ptr_null(strstr(page, "<b>night"));
    ck_assert_ptr_nonnull(strstr(page, "&lt;script&gt;alert(1)&lt;/script&gt;"));
    ck_assert_ptr_nonnull(strstr(page, "Never run"));
    ck_assert_ptr_nonnull(strstr(page, "audit log absent"));
    ck_assert_ptr_nonnull(strstr(page, "<polyline"));
    ck_assert_ptr_nonnull(strstr(page, "class=\"downtime\""));
    ck_assert_ptr_nonnull(strstr(page, "30.500&nbsp;s")); /* the downtime, by the mono clock */
    ck_assert_ptr_nonnull(strstr(page, "predicted 0.580&nbsp;s at the freeze: drain 0.500&nbsp;s "
                                       "+ rehearsed steps 0.080&nbsp;s"));
    ck_assert_ptr_nonnull(strstr(page, "2026-11-21 01:20:00.000")); /* maintenance on */
    free(page);
    Report_free(rep);
    free(rep);
    unlink(path);
    rmdir(dir);
}
END_TEST

START_TEST(collect_rejects_other_files)
{
    char path[] = "/tmp/test_report_bad.XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, "{\"seq\":1}\n", 10), 10);
    close(fd);
    Report *rep = malloc(sizeof *rep);
    char err[512] = "";
    ck_assert_int_eq(Report_collect(rep, path, NULL, err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, path));
    ck_assert_int_eq(Report_collect(rep, "/nonexistent/x.session.jsonl", NULL, err, sizeof err),
                     -1);
    ck_assert_ptr_nonnull(strstr(err, "/nonexistent/x.session.jsonl"));
    free(rep);
    unlink(path);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("report");
    TCase *tc = tcase_create("report");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, series_keeps_extremes);
    tcase_add_test(tc, html_escapes_everything);
    tcase_add_test(tc, json_strings);
    tcase_add_test(tc, audit_next_to_recording);
    tcase_add_test(tc, collect_and_page);
    tcase_add_test(tc, collect_rejects_other_files);
    suite_add_tcase(s, tc);
    return Unit_run(s);
}
