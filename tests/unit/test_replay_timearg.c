/* TIME arguments: UTC times, times of day on the recorded day (the next day
 * after midnight), offsets from the start, and errors that say what was
 * wrong. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "replay/timearg.h"
#include "tests/unit/unit.h"

/* 2026-11-21T00:20:00Z and an hour later. */
#define START 1795220400000LL
#define END   (START + 3600000LL)

static int64_t parse_ok(const char *text, int64_t start, int64_t end)
{
    char err[256] = "";
    int64_t t = -1;
    ck_assert_msg(TimeArg_parse(text, start, end, &t, err, sizeof err) == 0, "%s: %s", text, err);
    return t;
}

static void parse_bad(const char *text, const char *expect)
{
    char err[256] = "";
    int64_t t;
    ck_assert_msg(TimeArg_parse(text, START, END, &t, err, sizeof err) != 0, "%s accepted", text);
    ck_assert_msg(strstr(err, expect) != NULL, "%s: \"%s\" does not say \"%s\"", text, err, expect);
}

START_TEST(utc_times)
{
    ck_assert_int_eq(parse_ok("2026-11-21T00:30:08Z", START, END), START + 608000);
    ck_assert_int_eq(parse_ok("2026-11-21T00:30:08.123Z", START, END), START + 608123);
    ck_assert_int_eq(parse_ok("2026-11-21T00:30:08.5Z", START, END), START + 608500);
    ck_assert_int_eq(parse_ok("2024-02-29T00:00:00Z", START, END), 1709164800000LL);
    ck_assert_int_eq(parse_ok("1970-01-01T00:00:00Z", START, END), 0);
}
END_TEST

START_TEST(times_of_day)
{
    ck_assert_int_eq(parse_ok("00:30:08", START, END), START + 608000);
    ck_assert_int_eq(parse_ok("00:30", START, END), START + 600000);
    ck_assert_int_eq(parse_ok("00:30:08.250", START, END), START + 608250);
    /* A night from 23:50 to 00:50: 00:10 is after midnight. */
    int64_t late = START - 1800000; /* 2026-11-20T23:50:00Z */
    ck_assert_int_eq(parse_ok("00:10:00", late, late + 3600000), START - 600000);
    ck_assert_int_eq(parse_ok("23:55:00", late, late + 3600000), late + 300000);
    /* The same time of day on a night that does not cross midnight stays
     * on the day (and is before the start: TimeArg_check says so). */
    ck_assert_int_eq(parse_ok("00:10:00", START, END), START - 600000);
}
END_TEST

START_TEST(offsets)
{
    ck_assert_int_eq(parse_ok("+8s", START, END), START + 8000);
    ck_assert_int_eq(parse_ok("+1m30s", START, END), START + 90000);
    ck_assert_int_eq(parse_ok("+2h", START, END), START + 7200000);
    ck_assert_int_eq(parse_ok("+1500ms", START, END), START + 1500);
    ck_assert_int_eq(parse_ok("+1h2m3s4ms", START, END), START + 3723004);
    ck_assert_int_eq(parse_ok("+1.5s", START, END), START + 1500);
    ck_assert_int_eq(parse_ok("T+8s", START, END), START + 8000);
    ck_assert_int_eq(parse_ok("+0s", START, END), START);
}
END_TEST

START_TEST(errors_say_what_was_wrong)
{
    parse_bad("+8", "8 needs a unit (h, m, s or ms), e.g. +8s");
    parse_bad("+8x", "unknown unit \"x\"");
    parse_bad("+", "nothing after the +");
    parse_bad("+1s2m", "units go from hours down to milliseconds");
    parse_bad("-5s", "offsets count forward");
    parse_bad("25:00:00", "hour 25 is out of range (00-23)");
    parse_bad("00:61:00", "minute 61 is out of range");
    parse_bad("00:30:75", "second 75 is out of range");
    parse_bad("2026-11-21T00:30:08", "add Z: times are UTC");
    parse_bad("2026-13-21T00:30:08Z", "the month is not a date");
    parse_bad("2026-02-30T00:30:08Z", "the day is not a date");
    parse_bad("2026-11-21T00:30:08.1234Z", "milliseconds take 1 to 3 digits");
    parse_bad("tomorrow", "expected a UTC time");
    parse_bad("", "expected a UTC time");
    parse_bad("00:30:08Z", "expected a UTC time");
}
END_TEST

START_TEST(check_names_the_end_passed)
{
    char err[256];
    ck_assert_int_eq(TimeArg_check("+8s", START + 8000, START, END, err, sizeof err), 0);
    ck_assert_int_ne(TimeArg_check("00:10", START - 600000, START, END, err, sizeof err), 0);
    ck_assert_str_eq(err,
                     "time \"00:10\" is before the recording starts (2026-11-21T00:20:00.000Z)");
    ck_assert_int_ne(TimeArg_check("+2h", START + 7200000, START, END, err, sizeof err), 0);
    ck_assert_str_eq(err, "time \"+2h\" is after the recording ends (2026-11-21T01:20:00.000Z, "
                          "T+1h00m00s)");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("replay_timearg");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, utc_times);
    tcase_add_test(tc, times_of_day);
    tcase_add_test(tc, offsets);
    tcase_add_test(tc, errors_say_what_was_wrong);
    tcase_add_test(tc, check_names_the_end_passed);
    suite_add_tcase(s, tc);
    return Unit_run(s);
}
