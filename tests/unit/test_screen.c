/* The screen without a terminal: canvas drawing, themes, and whole screens
 * rendered from a model at several sizes. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "session/step_state.h"
#include "console/keys.h"
#include "console/screen.h"
#include "session/metrics.h"
#include "themes/theme.h"
#include "tui/canvas.h"
#include "tests/unit/unit.h"

START_TEST(canvas_text_clips_and_trims)
{
    Canvas *c = Canvas_new(10, 2, false);
    ck_assert_int_eq(Canvas_text(c, 7, 0, 100, ROLE_NORMAL, "abcdef"), 3);
    Canvas_text(c, 0, 1, 4, ROLE_NORMAL, "h\xc3\xa9llo"); /* é is one column */
    char *text = Canvas_to_text(c);
    ck_assert_str_eq(text, "       abc\nh\xc3\xa9ll\n");
    free(text);
    Canvas_free(c);
}
END_TEST

START_TEST(canvas_replaces_control_and_bad_utf8)
{
    Canvas *c = Canvas_new(8, 1, false);
    Canvas_text(c, 0, 0, 8, ROLE_NORMAL,
                "a\tb\xff"
                "c");
    char *text = Canvas_to_text(c);
    ck_assert_str_eq(text, "a?b\xef\xbf\xbd"
                           "c\n");
    free(text);
    Canvas_free(c);
}
END_TEST

START_TEST(sparkline_ascii_levels)
{
    Canvas *c = Canvas_new(5, 1, true);
    double v[5] = {0, 1, 2, NAN, 3};
    Canvas_sparkline(c, 0, 0, 5, v, 5, 0, 3, ROLE_GRAPH_1);
    char *text = Canvas_to_text(c);
    ck_assert_str_eq(text, "_.- ^\n");
    free(text);
    Canvas_free(c);
}
END_TEST

START_TEST(builtin_themes_load)
{
    char err[256];
    Theme t;
    ck_assert_uint_ge(Theme_builtin_count(), 4);
    for (size_t i = 0; i < Theme_builtin_count(); i++)
        ck_assert_msg(Theme_load(Theme_builtin_name(i), &t, err, sizeof err) == 0, "%s", err);
    ck_assert_int_eq(Theme_load("monochrome", &t, err, sizeof err), 0);
    for (int r = 0; r < ROLE_COUNT; r++)
        ck_assert_int_eq(t.styles[r].fg, THEME_COLOR_DEFAULT);
}
END_TEST

/* A bare name that is not built in is looked up in the user's theme
 * directory ($XDG_CONFIG_HOME/cutover/themes/NAME.theme). */
START_TEST(user_themes_load_by_name)
{
    char dir[] = "/tmp/test_theme_XXXXXX", sub[128], path[192], err[512];
    ck_assert_ptr_nonnull(mkdtemp(dir));
    setenv("XDG_CONFIG_HOME", dir, 1);
    Theme t;
    ck_assert_int_eq(Theme_load("mine", &t, err, sizeof err), -1);
    ck_assert_msg(strstr(err, "unknown theme 'mine'") && strstr(err, "/cutover/themes/NAME.theme"),
                  "%s", err);
    snprintf(sub, sizeof sub, "%s/cutover", dir);
    ck_assert_int_eq(mkdir(sub, 0700), 0);
    snprintf(sub, sizeof sub, "%s/cutover/themes", dir);
    ck_assert_int_eq(mkdir(sub, 0700), 0);
    snprintf(path, sizeof path, "%s/mine.theme", sub);
    size_t len;
    char *text = Unit_fixture("themes/light.theme", &len);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fwrite(text, 1, len, f);
    fclose(f);
    free(text);
    ck_assert_msg(Theme_load("mine", &t, err, sizeof err) == 0, "%s", err);
    unlink(path);
    rmdir(sub);
    snprintf(sub, sizeof sub, "%s/cutover", dir);
    rmdir(sub);
    rmdir(dir);
    unsetenv("XDG_CONFIG_HOME");
}
END_TEST

START_TEST(theme_errors_name_the_line)
{
    char err[256];
    Theme t;
    ck_assert_int_eq(
        Theme_parse("x.theme", "normal = default\nok = greenish\n", &t, err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "x.theme:2:"));
    ck_assert_ptr_nonnull(strstr(err, "greenish"));
    ck_assert_int_eq(Theme_parse("y.theme", "shiny = bold\n", &t, err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "y.theme:1: unknown role 'shiny'"));
    ck_assert_int_eq(Theme_parse("z.theme", "normal = bold\n", &t, err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "is not given a style"));
    ck_assert_int_eq(Theme_load("no-such-theme", &t, err, sizeof err), -1);
}
END_TEST

START_TEST(strip_colors_keeps_alarms_visible)
{
    char err[256];
    Theme t;
    ck_assert_int_eq(Theme_load("dark", &t, err, sizeof err), 0);
    Theme_strip_colors(&t);
    ck_assert_int_eq(t.styles[ROLE_ALARM].fg, THEME_COLOR_DEFAULT);
    ck_assert_int_eq(t.styles[ROLE_ALARM].bg, THEME_COLOR_DEFAULT);
    ck_assert_uint_ne(t.styles[ROLE_ALARM].attrs, 0);
}
END_TEST

static void sample(Model *m, const char *key, double v, int64_t mono)
{
    Event ev;
    Event_sample(&ev, key, v, "heartbeat");
    ev.mono_ms = mono;
    ev.wall_ms = m->start_wall_ms + mono;
    Model_fold(m, &ev);
}

static char *render(const Model *m, int cols, int rows)
{
    ScreenState st = {.mode = KEYS_LIVE, .selected_step = -1, .session_file = "s.jsonl"};
    Canvas *c = Canvas_new(cols, rows, false);
    Screen_render(c, m, &st);
    char *text = Canvas_to_text(c);
    Canvas_free(c);
    return text;
}

static Model model;

static void setup_model(void)
{
    Model_init(&model, "lab cutover", 1795221000000LL);
    Event ev;
    memset(&ev, 0, sizeof ev);
    ev.kind = EVENT_STEP;
    ev.state = STEP_PENDING;
    Event_copy_field(ev.key, sizeof ev.key, "read-only");
    Event_copy_field(ev.text, sizeof ev.text, "Source read-only");
    Model_fold(&model, &ev);
    for (int i = 0; i < 20; i++)
        sample(&model, M_LAG_HEARTBEAT_S, 0.25 + i * 0.01, 1000 + i * 250);
    sample(&model, M_CDC_SOURCE_ROWS_PS, 1203, 5000);
    Model_tick(&model, model.start_wall_ms + 6000, 6000);
}

START_TEST(screen_shows_panels_at_80x24_and_200x60)
{
    setup_model();
    int sizes[2][2] = {{80, 24}, {200, 60}};
    for (int i = 0; i < 2; i++) {
        char *text = render(&model, sizes[i][0], sizes[i][1]);
        ck_assert_ptr_nonnull(strstr(text, "Replication lag"));
        ck_assert_ptr_nonnull(strstr(text, "CDC events/s"));
        ck_assert_ptr_nonnull(strstr(text, "Endpoint latency"));
        ck_assert_ptr_nonnull(strstr(text, "RDS metrics"));
        ck_assert_ptr_nonnull(strstr(text, "Cutover checklist"));
        ck_assert_ptr_nonnull(strstr(text, "Source read-only"));
        ck_assert_ptr_nonnull(strstr(text, "Lag 440 ms"));
        ck_assert_ptr_nonnull(strstr(text, "1203"));
        ck_assert_ptr_nonnull(strstr(text, "lab cutover"));
        /* Every line fits the width. */
        int lines = 0;
        for (char *line = text; *line; lines++) {
            char *nl = strchr(line, '\n');
            ck_assert_ptr_nonnull(nl);
            line = nl + 1;
        }
        ck_assert_int_eq(lines, sizes[i][1]);
        free(text);
    }
}
END_TEST

/* With a rehearsal, the Downtime line predicts before the freeze: the
 * rehearsed steps plus the drain estimate (here the heartbeat lag). */
START_TEST(downtime_line_predicts_before_the_freeze)
{
    setup_model();
    char *text = render(&model, 120, 40);
    ck_assert_ptr_null(strstr(text, "predicted"));
    free(text);
    sample(&model, M_DOWNTIME_REHEARSED_MS, 80, 6000);
    text = render(&model, 120, 40);
    ck_assert_msg(strstr(text, "(not started), predicted ~0.520s") != NULL, "%s", text);
    free(text);
}
END_TEST

/* Webhooks that lost notifications are said on the second line, with the
 * count; nothing is said while none was lost. */
START_TEST(dropped_notifications_are_shown)
{
    setup_model();
    char *text = render(&model, 120, 40);
    ck_assert_ptr_null(strstr(text, "notify:"));
    free(text);
    sample(&model, M_NOTIFY_DROPPED, 12, 6000);
    text = render(&model, 120, 40);
    ck_assert_msg(strstr(text, "session: s.jsonl  notify: 12 dropped") != NULL, "%s", text);
    free(text);
}
END_TEST

/* The target's replication stopped: down while the plan needs it, done
 * once the plan's own last step stopped it. */
START_TEST(replication_stopped_by_the_plan_is_not_down)
{
    setup_model();
    Event ev;
    Event_health(&ev, PROBE_TARGET, PROBE_ERROR,
                 "replication stopped: Slave_IO_Running=No, Slave_SQL_Running=No");
    Model_fold(&model, &ev);
    char *text = render(&model, 120, 40);
    ck_assert_ptr_nonnull(strstr(text, "target:down"));
    free(text);
    memset(&ev, 0, sizeof ev);
    ev.kind = EVENT_STEP;
    ev.state = STEP_DONE;
    Event_copy_field(ev.key, sizeof ev.key, "stop-replication");
    Event_copy_field(ev.text, sizeof ev.text, "replication stopped");
    Model_fold(&model, &ev);
    text = render(&model, 120, 40);
    ck_assert_ptr_null(strstr(text, "target:down"));
    ck_assert_ptr_nonnull(strstr(text, "target:stopped"));
    free(text);
}
END_TEST

START_TEST(screen_too_small)
{
    setup_model();
    char *text = render(&model, 79, 30);
    ck_assert_ptr_nonnull(strstr(text, "terminal too small: 79x30"));
    ck_assert_ptr_null(strstr(text, "Replication lag"));
    free(text);
}
END_TEST

START_TEST(help_lists_every_live_key)
{
    setup_model();
    ScreenState st = {.mode = KEYS_LIVE, .selected_step = -1, .overlay = OVERLAY_HELP};
    Canvas *c = Canvas_new(120, 40, false);
    Screen_render(c, &model, &st);
    char *text = Canvas_to_text(c);
    size_t n;
    const KeyBinding *all = Keys_all(&n);
    for (size_t i = 0; i < n; i++)
        if (Keys_applies(&all[i], KEYS_LIVE, false))
            ck_assert_msg(strstr(text, all[i].help) != NULL, "help lacks: %s", all[i].help);
    free(text);
    Canvas_free(c);
}
END_TEST

/* At 80x24 the replay help (over 20 keys) goes into two columns, each key
 * still there, if cut to the column's width. */
START_TEST(help_fits_80x24_in_replay)
{
    setup_model();
    ScreenState st = {.mode = KEYS_REPLAY, .selected_step = -1, .overlay = OVERLAY_HELP};
    Canvas *c = Canvas_new(80, 24, false);
    Screen_render(c, &model, &st);
    char *text = Canvas_to_text(c);
    size_t n;
    const KeyBinding *all = Keys_all(&n);
    for (size_t i = 0; i < n; i++) {
        if (!Keys_applies(&all[i], KEYS_REPLAY, false))
            continue;
        char start[24];
        snprintf(start, sizeof start, "%-12s %.8s", all[i].key_name, all[i].help);
        ck_assert_msg(strstr(text, start) != NULL, "help at 80x24 lacks: %s", start);
    }
    free(text);
    Canvas_free(c);
}
END_TEST

START_TEST(readonly_hides_executing_keys)
{
    ck_assert_ptr_nonnull(Keys_find('a', KEYS_LIVE, false));
    ck_assert_ptr_null(Keys_find('a', KEYS_LIVE, true));
    ck_assert_ptr_nonnull(Keys_find('?', KEYS_LIVE, true));
    ck_assert_ptr_null(Keys_find('a', KEYS_REPLAY, false));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("screen");
    TCase *tc = tcase_create("screen");
    tcase_add_test(tc, canvas_text_clips_and_trims);
    tcase_add_test(tc, canvas_replaces_control_and_bad_utf8);
    tcase_add_test(tc, sparkline_ascii_levels);
    tcase_add_test(tc, builtin_themes_load);
    tcase_add_test(tc, theme_errors_name_the_line);
    tcase_add_test(tc, strip_colors_keeps_alarms_visible);
    tcase_add_test(tc, screen_shows_panels_at_80x24_and_200x60);
    tcase_add_test(tc, downtime_line_predicts_before_the_freeze);
    tcase_add_test(tc, screen_too_small);
    tcase_add_test(tc, replication_stopped_by_the_plan_is_not_down);
    tcase_add_test(tc, help_lists_every_live_key);
    tcase_add_test(tc, help_fits_80x24_in_replay);
    tcase_add_test(tc, readonly_hides_executing_keys);
    tcase_add_test(tc, dropped_notifications_are_shown);
    tcase_add_test(tc, user_themes_load_by_name);
    suite_add_tcase(s, tc);
    return Unit_run(s);
}
