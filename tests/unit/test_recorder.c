/* The recorder: header then one line per event, mode 0600, lines on disk
 * while it runs, secrets redacted, and a full disk reported without ever
 * holding up the bus. */
#include <check.h>
#include <json-c/json.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/unit/small_disk.h"
#include "config.h"
#include "lib/clock.h"
#include "lib/redact.h"
#include "session/bus.h"
#include "session/event_json.h"
#include "session/recorder.h"

static char dir[256];
static char path[300];
static const unsigned char sha[32] = {0xde, 0xad, 0xbe, 0xef, 1, 2, 3};
static const RecorderHeader header = {
    .plan_name = "lab cutover", .plan_sha256 = sha, .cols = 120, .rows = 40};

static void setup(void)
{
    snprintf(dir, sizeof dir, "/tmp/test_recorder.XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/lab-20261121T002900Z.session.jsonl", dir);
}

static void teardown(void)
{
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    ck_assert_int_eq(system(cmd), 0);
}

/* The file's lines (at most max), each malloc'd; returns the count. */
static size_t read_lines(const char *file, char **lines, size_t max)
{
    FILE *f = fopen(file, "r");
    if (!f)
        return 0;
    size_t n = 0, cap = 0;
    char *buf = NULL;
    ssize_t len;
    while (n < max && (len = getline(&buf, &cap, f)) > 0) {
        lines[n++] = strdup(buf);
    }
    free(buf);
    fclose(f);
    return n;
}

static void free_lines(char **lines, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(lines[i]);
}

static void post_kinds(Bus *bus)
{
    Event ev;
    Event_sample(&ev, "lag.heartbeat_s", 0.25, "heartbeat");
    Bus_post(bus, &ev);
    Event_alarm(&ev, "lag.heartbeat_s", true, "lag \"high\"\nsecond line");
    Bus_post(bus, &ev);
    memset(&ev, 0, sizeof ev);
    ev.kind = EVENT_STEP;
    Event_copy_field(ev.key, sizeof ev.key, "read-only");
    ev.state = 2;
    Bus_post(bus, &ev);
    memset(&ev, 0, sizeof ev);
    ev.kind = EVENT_NOTE;
    Event_copy_field(ev.text, sizeof ev.text, "caf\xc3\xa9 is open");
    Bus_post(bus, &ev);
}

START_TEST(header_and_events_are_written)
{
    Bus *bus = Bus_new();
    char err[512] = "";
    mode_t old = umask(0);
    Recorder *rec = Recorder_start(bus, path, &header, err, sizeof err);
    umask(old);
    ck_assert_msg(rec != NULL, "%s", err);
    ck_assert_str_eq(Recorder_error(rec), "");
    post_kinds(bus);
    Recorder_stop(rec);

    struct stat st;
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_int_eq(st.st_mode & 0777, 0600);
    char *lines[16];
    size_t n = read_lines(path, lines, 16);
    ck_assert_uint_eq(n, 5);

    struct json_object *h = json_tokener_parse(lines[0]), *v;
    ck_assert_ptr_nonnull(h);
    ck_assert(json_object_object_get_ex(h, "cutover_session", &v));
    ck_assert_int_eq(json_object_get_int(v), 1);
    ck_assert(json_object_object_get_ex(h, "version", &v));
    ck_assert_str_eq(json_object_get_string(v), PACKAGE_VERSION);
    ck_assert(json_object_object_get_ex(h, "plan", &v));
    ck_assert_str_eq(json_object_get_string(v), "lab cutover");
    ck_assert(json_object_object_get_ex(h, "plan_sha256", &v));
    ck_assert_str_eq(json_object_get_string(v),
                     "deadbeef01020300000000000000000000000000000000000000000000000000");
    ck_assert(json_object_object_get_ex(h, "start", &v));
    ck_assert_int_eq(json_object_get_int64(v), Bus_start_wall_ms(bus));
    ck_assert(json_object_object_get_ex(h, "start_utc", &v));
    ck_assert_uint_eq(strlen(json_object_get_string(v)), 24);
    ck_assert(json_object_object_get_ex(h, "cols", &v));
    ck_assert_int_eq(json_object_get_int(v), 120);
    ck_assert(json_object_object_get_ex(h, "rows", &v));
    ck_assert_int_eq(json_object_get_int(v), 40);
    ck_assert(json_object_object_get_ex(h, "host", &v));
    ck_assert(json_object_object_get_ex(h, "operator", &v));
    ck_assert(json_object_is_type(v, json_type_object));
    json_object_put(h);

    const EventKind kinds[] = {EVENT_SAMPLE, EVENT_ALARM, EVENT_STEP, EVENT_NOTE};
    for (size_t i = 1; i < n; i++) {
        Event ev;
        ck_assert_int_eq(lines[i][strlen(lines[i]) - 1], '\n');
        ck_assert_msg(EventJson_parse(lines[i], &ev, err, sizeof err) == 0, "%s", err);
        ck_assert_int_eq(ev.kind, kinds[i - 1]);
        ck_assert_int_ge(ev.wall_ms, Bus_start_wall_ms(bus));
    }
    Event ev;
    EventJson_parse(lines[2], &ev, err, sizeof err);
    ck_assert_str_eq(ev.text, "lag \"high\"\nsecond line");
    EventJson_parse(lines[4], &ev, err, sizeof err);
    ck_assert_str_eq(ev.text, "caf\xc3\xa9 is open");
    free_lines(lines, n);
    Bus_free(bus);
}
END_TEST

START_TEST(existing_file_is_not_overwritten)
{
    FILE *f = fopen(path, "w");
    fputs("precious\n", f);
    fclose(f);
    Bus *bus = Bus_new();
    char err[512] = "";
    ck_assert_ptr_null(Recorder_start(bus, path, &header, err, sizeof err));
    char want[400];
    snprintf(want, sizeof want, "session file %s: File exists", path);
    ck_assert_str_eq(err, want);
    char *lines[4];
    size_t n = read_lines(path, lines, 4);
    ck_assert_uint_eq(n, 1);
    ck_assert_str_eq(lines[0], "precious\n");
    free_lines(lines, n);
    Bus_free(bus);
}
END_TEST

START_TEST(lines_reach_the_file_while_running)
{
    Bus *bus = Bus_new();
    char err[512];
    Recorder *rec = Recorder_start(bus, path, &header, err, sizeof err);
    ck_assert_ptr_nonnull(rec);
    Event ev;
    for (int i = 0; i < 50; i++) {
        Event_sample(&ev, "events_per_s", i, "cdc");
        Bus_post(bus, &ev);
    }
    int64_t start = Clock_mono_ms();
    size_t n = 0;
    char *lines[64];
    while (Clock_mono_ms() - start < 1500) {
        n = read_lines(path, lines, 64);
        free_lines(lines, n);
        if (n == 51)
            break;
        Clock_sleep_ms(20);
    }
    ck_assert_uint_eq(n, 51);
    Recorder_stop(rec);
    Bus_free(bus);
}
END_TEST

START_TEST(secrets_are_redacted)
{
    Redact_register("hunter2-token");
    Bus *bus = Bus_new();
    char err[512];
    Recorder *rec = Recorder_start(bus, path, &header, err, sizeof err);
    ck_assert_ptr_nonnull(rec);
    Event ev;
    Event_log(&ev, LOG_ERROR, "maintenance", "POST failed: Bearer %s", "hunter2-token");
    Bus_post(bus, &ev);
    Event_sample_text(&ev, "swap.value", "mysql://app:pw@target:3306/shop", "swap");
    Bus_post(bus, &ev);
    Recorder_stop(rec);
    Bus_free(bus);
    char *lines[8];
    size_t n = read_lines(path, lines, 8);
    ck_assert_uint_eq(n, 3);
    ck_assert_ptr_null(strstr(lines[1], "hunter2"));
    ck_assert_ptr_nonnull(strstr(lines[1], "Bearer ***"));
    ck_assert_ptr_nonnull(strstr(lines[2], "app:***@target"));
    free_lines(lines, n);
    Redact_clear();
}
END_TEST

START_TEST(stop_writes_everything_queued)
{
    Bus *bus = Bus_new();
    char err[512];
    Recorder *rec = Recorder_start(bus, path, &header, err, sizeof err);
    ck_assert_ptr_nonnull(rec);
    Event ev;
    for (int i = 0; i < 20000; i++) {
        Event_sample(&ev, "events_per_s", i, "cdc");
        Bus_post(bus, &ev);
    }
    Bus_close(bus);
    Recorder_stop(rec);
    static char *lines[20002];
    size_t n = read_lines(path, lines, 20002);
    ck_assert_uint_eq(n, 20001);
    EventJson_parse(lines[20000], &ev, err, sizeof err);
    ck_assert(ev.value == 19999);
    free_lines(lines, n);
    Bus_free(bus);
}
END_TEST

/* ---- a full disk ---- */

static char small_dir[256];

START_TEST(full_disk_is_reported_and_never_blocks)
{
    snprintf(path, sizeof path, "%s/full.session.jsonl", small_dir);
    Bus *bus = Bus_new();
    char err[512];
    Recorder *rec = Recorder_start(bus, path, &header, err, sizeof err);
    ck_assert_msg(rec != NULL, "%s", err);
    Event ev;
    char text[EVENT_TEXT_MAX];
    memset(text, 'z', sizeof text - 1);
    text[sizeof text - 1] = '\0';
    /* Far more than 64 KiB of events; posting must stay fast regardless. */
    int64_t start = Clock_mono_ms();
    for (int i = 0; i < 5000; i++) {
        Event_sample_text(&ev, "filler", text, "test");
        Bus_post(bus, &ev);
    }
    ck_assert_int_lt(Clock_mono_ms() - start, 1000);
    while (Clock_mono_ms() - start < 3000 && Recorder_error(rec)[0] == '\0')
        Clock_sleep_ms(10);
    char want[400];
    snprintf(want, sizeof want, "session file %s: No space left on device", path);
    ck_assert_str_eq(Recorder_error(rec), want);
    /* Still consuming: an urgent event after the failure does not hang. */
    memset(&ev, 0, sizeof ev);
    ev.kind = EVENT_STEP;
    Bus_post(bus, &ev);
    Recorder_stop(rec);
    Bus_free(bus);
    /* Every whole line is still a valid line; only the last may be cut. */
    static char *lines[2000];
    size_t n = read_lines(path, lines, 2000);
    ck_assert_uint_gt(n, 100);
    for (size_t i = 1; i < n; i++) {
        bool last = i == n - 1;
        if (last && lines[i][strlen(lines[i]) - 1] != '\n')
            break;
        ck_assert_msg(EventJson_parse(lines[i], &ev, err, sizeof err) == 0, "line %zu: %s", i + 1,
                      err);
    }
    free_lines(lines, n);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("recorder");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, header_and_events_are_written);
    tcase_add_test(tc, existing_file_is_not_overwritten);
    tcase_add_test(tc, lines_reach_the_file_while_running);
    tcase_add_test(tc, secrets_are_redacted);
    tcase_add_test(tc, stop_writes_everything_queued);
    suite_add_tcase(s, tc);
    return SmallDisk_run(s, "test_recorder_full", small_dir, sizeof small_dir,
                         full_disk_is_reported_and_never_blocks, setup, teardown);
}
