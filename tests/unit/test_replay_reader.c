/* The session reader: headers of other formats and newer versions are
 * refused with a clear message; garbage is skipped and counted with its line
 * numbers; a truncated last line is reported and not replayed; follow mode
 * waits for a partial line's newline; the quick scanner agrees with the full
 * parser on what the recorder writes; a compressed recording reads as its
 * plain form, offsets, line numbers and problems alike, and is not
 * followed. */
#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "replay/quickscan.h"
#include "replay/reader.h"
#include "session/blockgz.h"
#include "session/event_json.h"
#include "tests/unit/unit.h"

#define HEADER "{\"cutover_session\":1,\"version\":\"0.1.0\",\"plan\":\"lab\",\"start\":1000}\n"
#define EV1    "{\"t\":1001,\"m\":1,\"k\":\"sample\",\"key\":\"a\",\"v\":1}\n"
#define EV2    "{\"t\":1002,\"m\":2,\"k\":\"note\",\"x\":\"hello\"}\n"
#define EV3    "{\"t\":1003,\"m\":3,\"k\":\"sample\",\"key\":\"b\",\"v\":2.5}\n"

static char path[64];

static void write_file(const char *text, size_t len)
{
    snprintf(path, sizeof path, "/tmp/test_replay_reader.XXXXXX");
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, text, len), (ssize_t)len);
    close(fd);
}

static SessionReader *open_text(const char *text, bool follow, char *err, size_t errsize)
{
    write_file(text, strlen(text));
    return SessionReader_open(path, follow, err, errsize);
}

static void assert_refused(const char *text, const char *expect)
{
    char err[512] = "";
    SessionReader *r = open_text(text, false, err, sizeof err);
    ck_assert_ptr_null(r);
    ck_assert_msg(strstr(err, expect) != NULL, "\"%s\" does not say \"%s\"", err, expect);
    ck_assert_msg(strstr(err, path) != NULL, "\"%s\" does not name the file", err);
    unlink(path);
}

static int read_all(SessionReader *r, Event *evs, int max)
{
    int n = 0;
    Event ev;
    while (SessionReader_next(r, &ev) == READER_LINE)
        if (n < max)
            evs[n++] = ev;
    return n;
}

START_TEST(other_formats_are_refused)
{
    assert_refused("hello world\n", "is not a cutover session (first line: \"hello world\")");
    assert_refused("{\"foo\":1}\n", "is not a cutover session");
    assert_refused("{\"cutover_session\":\"yes\",\"start\":1}\n", "is not a cutover session");
    assert_refused("[1,2]\n", "is not a cutover session");
    assert_refused("", "is not a cutover session (the file is empty)");
    assert_refused("{\"cutover_session\":1,\"plan\":\"x\"}\n", "has no start time");
    assert_refused("\x01\x02\xff garbage\n", "first line: \"??? garbage\"");
}
END_TEST

START_TEST(newer_versions_are_refused)
{
    assert_refused("{\"cutover_session\":2,\"version\":\"9.1\",\"start\":5}\n",
                   "was recorded by a newer cutover (format 2, cutover 9.1; this one reads "
                   "format 1)");
}
END_TEST

START_TEST(header_fields_are_read)
{
    char err[256];
    SessionReader *r = open_text("{\"cutover_session\":1,\"version\":\"0.1.0\",\"plan\":\"lab\","
                                 "\"host\":\"h1\",\"operator\":{\"user\":\"ann\"},\"start\":1234,"
                                 "\"cols\":132,\"rows\":43}\n",
                                 false, err, sizeof err);
    ck_assert_ptr_nonnull(r);
    const SessionHeader *h = SessionReader_header(r);
    ck_assert_int_eq(h->format, 1);
    ck_assert_str_eq(h->plan, "lab");
    ck_assert_str_eq(h->host, "h1");
    ck_assert_str_eq(h->operator_user, "ann");
    ck_assert_int_eq(h->start_wall_ms, 1234);
    ck_assert_int_eq(h->cols, 132);
    ck_assert_int_eq(h->rows, 43);
    SessionReader_close(r);
    unlink(path);
}
END_TEST

START_TEST(garbage_is_skipped_and_counted)
{
    char err[256], problems[512];
    SessionReader *r =
        open_text(HEADER EV1 "garbage\n" EV2 "{\"t\":\n" EV3 "\n", false, err, sizeof err);
    ck_assert_ptr_nonnull(r);
    Event evs[8];
    ck_assert_int_eq(read_all(r, evs, 8), 3);
    ck_assert_int_eq(evs[0].wall_ms, 1001);
    ck_assert_str_eq(evs[1].text, "hello");
    ck_assert(evs[2].value == 2.5);
    ck_assert_int_eq(SessionReader_garbage_count(r), 3);
    ck_assert(!SessionReader_truncated(r));
    SessionReader_problems(r, problems, sizeof problems);
    ck_assert_str_eq(problems, "3 garbage lines skipped (lines 3, 5, 7)");
    /* Reading again after a seek counts nothing twice. */
    ck_assert_int_eq(SessionReader_seek(r, (int64_t)strlen(HEADER), 2), 0);
    ck_assert_int_eq(read_all(r, evs, 8), 3);
    ck_assert_int_eq(SessionReader_garbage_count(r), 3);
    SessionReader_close(r);
    unlink(path);
}
END_TEST

START_TEST(a_truncated_last_line_is_reported_not_replayed)
{
    char err[256], problems[512];
    SessionReader *r =
        open_text(HEADER EV1 EV2 "{\"t\":1003,\"m\":3,\"k\":\"sam", false, err, sizeof err);
    ck_assert_ptr_nonnull(r);
    Event evs[8];
    ck_assert_int_eq(read_all(r, evs, 8), 2);
    ck_assert(SessionReader_truncated(r));
    ck_assert_int_eq(SessionReader_garbage_count(r), 0);
    SessionReader_problems(r, problems, sizeof problems);
    ck_assert_str_eq(problems, "the last line is incomplete (the recorder stopped mid-write); "
                               "replaying everything before it");
    SessionReader_close(r);
    unlink(path);
}
END_TEST

START_TEST(a_whole_last_line_without_newline_is_an_event)
{
    char err[256];
    SessionReader *r = open_text(HEADER EV1 "{\"t\":1002,\"m\":2,\"k\":\"note\",\"x\":\"end\"}",
                                 false, err, sizeof err);
    ck_assert_ptr_nonnull(r);
    Event evs[8];
    ck_assert_int_eq(read_all(r, evs, 8), 2);
    ck_assert_str_eq(evs[1].text, "end");
    ck_assert(!SessionReader_truncated(r));
    SessionReader_close(r);
    unlink(path);
}
END_TEST

START_TEST(an_overlong_line_is_one_garbage_line)
{
    size_t big = READER_LINE_MAX * 2 + 17;
    size_t len = strlen(HEADER) + strlen(EV1) + big + 1 + strlen(EV2);
    char *text = malloc(len + 1);
    char *p = text;
    p += sprintf(p, "%s%s", HEADER, EV1);
    memset(p, 'x', big);
    p += big;
    *p++ = '\n';
    strcpy(p, EV2);
    write_file(text, strlen(text));
    free(text);
    char err[256];
    SessionReader *r = SessionReader_open(path, false, err, sizeof err);
    ck_assert_ptr_nonnull(r);
    Event evs[8];
    ck_assert_int_eq(read_all(r, evs, 8), 2);
    ck_assert_str_eq(evs[1].text, "hello");
    ck_assert_int_eq(SessionReader_garbage_count(r), 1);
    char problems[256];
    SessionReader_problems(r, problems, sizeof problems);
    ck_assert_str_eq(problems, "1 garbage line skipped (line 3)");
    SessionReader_close(r);
    unlink(path);
}
END_TEST

START_TEST(follow_waits_for_the_newline)
{
    char err[256];
    SessionReader *r =
        open_text(HEADER EV1 "{\"t\":1002,\"m\":2,\"k\":\"no", true, err, sizeof err);
    ck_assert_ptr_nonnull(r);
    Event ev;
    ck_assert_int_eq(SessionReader_next(r, &ev), READER_LINE);
    ck_assert_int_eq(SessionReader_next(r, &ev), READER_AGAIN);
    ck_assert_int_eq(SessionReader_next(r, &ev), READER_AGAIN);
    FILE *f = fopen(path, "a");
    fputs("te\",\"x\":\"late\"}\n", f);
    fclose(f);
    ck_assert_int_eq(SessionReader_next(r, &ev), READER_LINE);
    ck_assert_str_eq(ev.text, "late");
    ck_assert_int_eq(SessionReader_next(r, &ev), READER_AGAIN);
    ck_assert(!SessionReader_truncated(r));
    ck_assert_int_eq(SessionReader_garbage_count(r), 0);
    SessionReader_close(r);
    unlink(path);
}
END_TEST

/* Whatever the quick scanner is sure of, the full parser reads the same. */
static void assert_quick_agrees(const Event *ev, bool expect_sure)
{
    char line[4096], err[128];
    int n = EventJson_format(ev, line, sizeof line);
    ck_assert_int_gt(n, 0);
    QuickEvent q;
    int sure = QuickScan_line(line, (size_t)n, &q);
    ck_assert_msg(sure == expect_sure, "%s: quick scan sure=%d", line, sure);
    if (!sure)
        return;
    Event full;
    ck_assert_int_eq(EventJson_parse(line, &full, err, sizeof err), 0);
    ck_assert_int_eq(q.wall_ms, full.wall_ms);
    ck_assert_int_eq(q.mono_ms, full.mono_ms);
    ck_assert_int_eq(q.kind, full.kind);
    ck_assert_int_eq(q.has_value, full.has_value);
    ck_assert_uint_eq(q.key_len, strlen(full.key));
    ck_assert(memcmp(q.key, full.key, q.key_len) == 0);
}

START_TEST(quick_scan_agrees_with_the_parser)
{
    Event ev;
    Event_sample(&ev, "lag.heartbeat_s", 0.25, "heartbeat");
    ev.has_value = true;
    ev.wall_ms = 1795220400123;
    ev.mono_ms = 42;
    assert_quick_agrees(&ev, true);
    ev.value = -1.5e-7;
    assert_quick_agrees(&ev, true);
    ev.value = 1e20;
    assert_quick_agrees(&ev, true);
    ev.value = 1e300;
    assert_quick_agrees(&ev, false); /* three exponent digits: left to json-c */
    Event_sample_text(&ev, "gtid.source", "0-1-\"quoted\"\\", "source");
    assert_quick_agrees(&ev, true);
    Event_sample_text(&ev, "gtid.source", "caf\xc3\xa9", "source");
    assert_quick_agrees(&ev, false); /* non-ASCII: the full parser decides */
    Event_sample(&ev, "a.key.longer.than.forty.seven.bytes.is.cut.to.fit.x", 1, "o");
    assert_quick_agrees(&ev, true);
    QuickEvent q;
    const char *bad[] = {"{\"t\":1,\"m\":1,\"k\":\"sample\",\"v\":01}",
                         "{\"t\":1,\"m\":1,\"k\":\"sample\",\"v\":1",
                         "{\"t\":1.5,\"m\":1,\"k\":\"sample\"}",
                         "{\"t\":1,\"m\":1,\"k\":\"nope\"}",
                         "{\"t\":1,\"m\":1,\"k\":\"sample\"} x",
                         "{\"t\":1,\"m\":1,\"k\":\"sample\",\"s\":12345678901}"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        ck_assert_msg(!QuickScan_line(bad[i], strlen(bad[i]), &q), "sure of %s", bad[i]);
}
END_TEST

/* The compressed form of the file at path, beside it; its path in out. */
static void compress_file(char *out, size_t size)
{
    char err[256];
    snprintf(out, size, "%s.gz", path);
    int in = open(path, O_RDONLY), fd = open(out, O_RDWR | O_CREAT | O_TRUNC, 0644);
    ck_assert(in >= 0 && fd >= 0);
    ck_assert_msg(BlockGz_compress(in, fd, err, sizeof err) == 0, "%s", err);
    close(in);
    close(fd);
}

START_TEST(a_compressed_recording_reads_as_the_plain_one)
{
    char err[512], gz[96], p1[512], p2[512];
    SessionReader *plain = open_text(
        HEADER EV1 "garbage\n" EV2 EV3 "{\"t\":1004,\"m\":4,\"k\":\"sa", false, err, sizeof err);
    ck_assert_ptr_nonnull(plain);
    compress_file(gz, sizeof gz);
    SessionReader *packed = SessionReader_open(gz, false, err, sizeof err);
    ck_assert_msg(packed != NULL, "%s", err);
    ck_assert(SessionReader_compressed(packed) && !SessionReader_compressed(plain));
    ck_assert_int_eq(SessionReader_size(packed), SessionReader_size(plain));
    Event a, b;
    for (;;) {
        ReaderStatus sa = SessionReader_next(plain, &a), sb = SessionReader_next(packed, &b);
        ck_assert_int_eq(sa, sb);
        if (sa != READER_LINE)
            break;
        ck_assert_int_eq(a.wall_ms, b.wall_ms);
        ck_assert_int_eq(SessionReader_offset(plain), SessionReader_offset(packed));
        ck_assert_int_eq(SessionReader_line_number(plain), SessionReader_line_number(packed));
    }
    SessionReader_problems(plain, p1, sizeof p1);
    SessionReader_problems(packed, p2, sizeof p2);
    ck_assert_str_eq(p1, p2);
    /* Random access, as the index's summaries use it. */
    int64_t ev2_at = (int64_t)strlen(HEADER EV1 "garbage\n");
    ck_assert_int_eq(SessionReader_event_at(packed, ev2_at, &b), 0);
    ck_assert_str_eq(b.text, "hello");
    SessionReader_close(plain);
    SessionReader_close(packed);
    /* A finished file: following it would wait forever. */
    ck_assert_ptr_null(SessionReader_open(gz, true, err, sizeof err));
    ck_assert_msg(strstr(err, "is a compressed recording") && strstr(err, gz), "%s", err);
    unlink(gz);
    unlink(path);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("replay_reader");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, other_formats_are_refused);
    tcase_add_test(tc, newer_versions_are_refused);
    tcase_add_test(tc, header_fields_are_read);
    tcase_add_test(tc, garbage_is_skipped_and_counted);
    tcase_add_test(tc, a_truncated_last_line_is_reported_not_replayed);
    tcase_add_test(tc, a_whole_last_line_without_newline_is_an_event);
    tcase_add_test(tc, an_overlong_line_is_one_garbage_line);
    tcase_add_test(tc, follow_waits_for_the_newline);
    tcase_add_test(tc, quick_scan_agrees_with_the_parser);
    tcase_add_test(tc, a_compressed_recording_reads_as_the_plain_one);
    suite_add_tcase(s, tc);
    return Unit_run(s);
}
