/* Session-file lines: every kind round-trips exactly; bad lines are refused
 * with a reason. */
#include <check.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "session/event_json.h"
#include "tests/unit/unit.h"

static void assert_same(const Event *a, const Event *b)
{
    ck_assert_int_eq(a->kind, b->kind);
    ck_assert_int_eq(a->wall_ms, b->wall_ms);
    ck_assert_int_eq(a->mono_ms, b->mono_ms);
    ck_assert_int_eq(a->state, b->state);
    ck_assert_int_eq(a->has_value, b->has_value);
    ck_assert(a->value == b->value);
    ck_assert(a->value2 == b->value2);
    ck_assert_str_eq(a->key, b->key);
    ck_assert_str_eq(a->origin, b->origin);
    ck_assert_str_eq(a->text, b->text);
}

static void round_trip(const Event *ev)
{
    char line[4096], err[256] = "";
    int n = EventJson_format(ev, line, sizeof line);
    ck_assert_int_gt(n, 0);
    ck_assert_uint_eq(strlen(line), (size_t)n);
    ck_assert_ptr_null(strchr(line, '\n'));
    Event back;
    ck_assert_msg(EventJson_parse(line, &back, err, sizeof err) == 0, "%s: %s", line, err);
    assert_same(ev, &back);
}

static void stamp(Event *ev, int i)
{
    ev->wall_ms = 1795220408123LL + i;
    ev->mono_ms = 8123 + i;
}

START_TEST(every_kind_round_trips)
{
    Event ev;
    Event_sample(&ev, "lag.heartbeat_s", 0.123, "heartbeat");
    stamp(&ev, 0);
    round_trip(&ev);
    Event_sample_text(&ev, "source.gtid", "0-1-4521", "source");
    stamp(&ev, 1);
    round_trip(&ev);
    Event_health(&ev, "endpoint", 2, "connect: Connection refused");
    stamp(&ev, 2);
    round_trip(&ev);
    Event_alarm(&ev, "lag.heartbeat_s", true, "lag 12.5 s above 5 s");
    stamp(&ev, 3);
    round_trip(&ev);
    Event_alarm(&ev, "lag.heartbeat_s", false, "");
    stamp(&ev, 4);
    round_trip(&ev);
    memset(&ev, 0, sizeof ev);
    ev.kind = EVENT_STEP;
    Event_copy_field(ev.key, sizeof ev.key, "read-only");
    ev.state = 3;
    ev.value = 2;
    ev.has_value = true;
    Event_copy_field(ev.text, sizeof ev.text, "read_only=1 read back");
    stamp(&ev, 5);
    round_trip(&ev);
    memset(&ev, 0, sizeof ev);
    ev.kind = EVENT_DECISION;
    Event_copy_field(ev.key, sizeof ev.key, "confirm");
    Event_copy_field(ev.text, sizeof ev.text, "armed steps 2-9 on plan 'lab'");
    stamp(&ev, 6);
    round_trip(&ev);
    memset(&ev, 0, sizeof ev);
    ev.kind = EVENT_NOTE;
    Event_copy_field(ev.text, sizeof ev.text, "app team on the bridge");
    stamp(&ev, 7);
    round_trip(&ev);
    memset(&ev, 0, sizeof ev);
    ev.kind = EVENT_RESIZE;
    ev.has_value = true;
    ev.value = 200;
    ev.value2 = 50;
    stamp(&ev, 8);
    round_trip(&ev);
    Event_log(&ev, LOG_ERROR, "executor", "step %s failed: %d", "swap", 7);
    stamp(&ev, 9);
    round_trip(&ev);
}
END_TEST

START_TEST(awkward_text_round_trips)
{
    static const char *const texts[] = {
        "say \"hi\" \\ back\\slash",
        "two\nlines\r\nand\ttab",
        "control \x01\x02\x1f and DEL \x7f",
        "UTF-8: caf\xc3\xa9 \xe2\x80\x94 \xf0\x9f\x9a\x80 \xe6\x97\xa5\xe6\x9c\xac",
        "slash / and </script>",
        "",
    };
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        Event ev;
        Event_sample_text(&ev, "k\"ey", texts[i], "o\\rigin");
        stamp(&ev, (int)i);
        round_trip(&ev);
    }
}
END_TEST

START_TEST(doubles_round_trip_exactly)
{
    const double values[] = {0.1,    1.0 / 3.0,           -2.5e-300, 1e300, 123456789.123456789,
                             5e-324, 0.30000000000000004, -0.0};
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
        Event ev;
        Event_sample(&ev, "x", values[i], "");
        stamp(&ev, 0);
        ev.value2 = values[i] * 3;
        round_trip(&ev);
    }
}
END_TEST

START_TEST(decimal_comma_locale_still_writes_json)
{
    /* Only where such a locale is installed; elsewhere nothing to prove. */
    if (!setlocale(LC_NUMERIC, "de_DE.UTF-8") && !setlocale(LC_NUMERIC, "fr_FR.UTF-8"))
        return;
    Event ev;
    Event_sample(&ev, "lag", 1.5, "");
    stamp(&ev, 0);
    char line[512];
    ck_assert_int_gt(EventJson_format(&ev, line, sizeof line), 0);
    ck_assert_ptr_nonnull(strstr(line, "\"v\":1.5"));
    setlocale(LC_NUMERIC, "C");
}
END_TEST

START_TEST(short_lines_leave_out_empty_fields)
{
    Event ev;
    Event_sample(&ev, "lag.heartbeat_s", 0.25, "heartbeat");
    ev.wall_ms = 1000;
    ev.mono_ms = 5;
    char line[512];
    EventJson_format(&ev, line, sizeof line);
    ck_assert_str_eq(line,
                     "{\"t\":1000,\"m\":5,\"k\":\"sample\",\"key\":\"lag.heartbeat_s\",\"v\":0.25,"
                     "\"o\":\"heartbeat\"}");
    Event_sample_text(&ev, "gtid", "0-1-2", "");
    ev.wall_ms = 1000;
    EventJson_format(&ev, line, sizeof line);
    ck_assert_str_eq(line,
                     "{\"t\":1000,\"m\":0,\"k\":\"sample\",\"key\":\"gtid\",\"x\":\"0-1-2\"}");
}
END_TEST

START_TEST(invalid_utf8_becomes_replacement_character)
{
    Event ev, back;
    Event_sample_text(&ev, "k", "cut \xc3", "");
    char line[512], err[128];
    EventJson_format(&ev, line, sizeof line);
    ck_assert_ptr_nonnull(strstr(line, "cut \\ufffd"));
    ck_assert_int_eq(EventJson_parse(line, &back, err, sizeof err), 0);
    ck_assert_str_eq(back.text, "cut \xef\xbf\xbd");
}
END_TEST

START_TEST(non_finite_values_are_null)
{
    Event ev, back;
    Event_sample(&ev, "k", NAN, "");
    ev.wall_ms = 1;
    char line[512], err[128];
    EventJson_format(&ev, line, sizeof line);
    ck_assert_ptr_nonnull(strstr(line, "\"v\":null"));
    ck_assert_int_eq(EventJson_parse(line, &back, err, sizeof err), 0);
    ck_assert(back.has_value);
    ck_assert(isnan(back.value));
}
END_TEST

START_TEST(small_buffer_is_refused)
{
    Event ev;
    Event_sample_text(&ev, "key", "a fairly long text that will not fit", "origin");
    char line[32];
    ck_assert_int_eq(EventJson_format(&ev, line, sizeof line), -1);
    ev.kind = EVENT_KIND_COUNT;
    char big[512];
    ck_assert_int_eq(EventJson_format(&ev, big, sizeof big), -1);
}
END_TEST

static void assert_refused(const char *line, const char *reason)
{
    Event ev;
    char err[256] = "";
    ck_assert_msg(EventJson_parse(line, &ev, err, sizeof err) == -1, "accepted: %s", line);
    ck_assert_msg(strstr(err, reason) != NULL, "%s: reason \"%s\", wanted \"%s\"", line, err,
                  reason);
}

START_TEST(bad_lines_are_refused_with_a_reason)
{
    assert_refused("", "not valid JSON");
    assert_refused("{\"t\":1,\"k\":\"sample\"", "not valid JSON");
    assert_refused("garbage", "not valid JSON");
    assert_refused("[1,2]", "not a JSON object");
    assert_refused("{\"k\":\"sample\"}", "missing \"t\"");
    assert_refused("{\"t\":1}", "missing \"k\"");
    assert_refused("{\"t\":1,\"k\":\"teleport\"}", "unknown event kind \"teleport\"");
    assert_refused("{\"t\":\"1\",\"k\":\"sample\"}", "\"t\" is not an integer");
    assert_refused("{\"t\":1.5,\"k\":\"sample\"}", "\"t\" is not an integer");
    assert_refused("{\"t\":1,\"k\":7}", "\"k\" is not a string");
    assert_refused("{\"t\":1,\"k\":\"sample\",\"v\":\"fast\"}", "\"v\" is not a number");
    assert_refused("{\"t\":1,\"k\":\"sample\",\"v2\":[]}", "\"v2\" is not a number");
    assert_refused("{\"t\":1,\"k\":\"sample\",\"s\":1.5}", "\"s\" is not an integer");
    assert_refused("{\"t\":1,\"k\":\"sample\",\"s\":99999999999}", "\"s\" is out of range");
    assert_refused("{\"t\":1,\"k\":\"sample\",\"key\":3}", "\"key\" is not a string");
    assert_refused("{\"t\":1,\"k\":\"sample\",\"x\":{}}", "\"x\" is not a string");
    assert_refused("{\"t\":1,\"k\":\"sample\",\"o\":null}", "\"o\" is not a string");
    assert_refused("{\"t\":1,\"k\":\"sample\"} {\"t\":2}", "text after the JSON object");
}
END_TEST

START_TEST(tolerant_where_it_costs_nothing)
{
    Event ev;
    char err[128];
    /* A line read with its newline, a future field, an over-long text. */
    ck_assert_int_eq(
        EventJson_parse("{\"t\":1,\"k\":\"note\",\"x\":\"hi\"}\n", &ev, err, sizeof err), 0);
    ck_assert_str_eq(ev.text, "hi");
    ck_assert_int_eq(
        EventJson_parse("{\"t\":1,\"k\":\"note\",\"future\":[1,2]}", &ev, err, sizeof err), 0);
    char line[1024];
    snprintf(line, sizeof line, "{\"t\":1,\"k\":\"note\",\"x\":\"%0500d\"}", 7);
    ck_assert_int_eq(EventJson_parse(line, &ev, err, sizeof err), 0);
    ck_assert_uint_eq(strlen(ev.text), EVENT_TEXT_MAX - 1);
    /* An integer value ("v":5) is a number too. */
    ck_assert_int_eq(EventJson_parse("{\"t\":1,\"k\":\"sample\",\"v\":5}", &ev, err, sizeof err),
                     0);
    ck_assert(ev.has_value && ev.value == 5.0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("event_json");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, every_kind_round_trips);
    tcase_add_test(tc, awkward_text_round_trips);
    tcase_add_test(tc, doubles_round_trip_exactly);
    tcase_add_test(tc, decimal_comma_locale_still_writes_json);
    tcase_add_test(tc, short_lines_leave_out_empty_fields);
    tcase_add_test(tc, invalid_utf8_becomes_replacement_character);
    tcase_add_test(tc, non_finite_values_are_null);
    tcase_add_test(tc, small_buffer_is_refused);
    tcase_add_test(tc, bad_lines_are_refused_with_a_reason);
    tcase_add_test(tc, tolerant_where_it_costs_nothing);
    suite_add_tcase(s, tc);
    return Unit_run(s);
}
