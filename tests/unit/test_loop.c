/* console/loop: the one poll loop every front end runs on. Driven here with
 * a real bus and small modes and views: events reach the model, the mode's
 * and the view's hooks in order; the plan's thresholds raise an alarm that
 * goes back on the bus and is folded like any event (as in the console and
 * headless alike); a signal reaches the mode (or ends the loop); a mode
 * without a file descriptor is woken by its wake_ms; the signals are
 * blocked in every thread but the loop's. */
#include <check.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>

#include "console/loop.h"
#include "session/metrics.h"
#include "tests/unit/unit.h"

typedef struct Probe {
    int mode_events, view_events, alarms, takes, signals, last_signal;
    int quit_after_events; /* the take ends the loop once this many were seen */
    int quit_after_takes;
    char order[64]; /* 'm' mode hook, 'v' view hook */
    Event last_alarm;
} Probe;

static Probe probe;

static void Probe_mode_event(void *self, const Event *ev)
{
    (void)self;
    (void)ev;
    probe.mode_events++;
    strncat(probe.order, "m", sizeof probe.order - strlen(probe.order) - 1);
}

static void Probe_view_event(void *self, const Event *ev)
{
    (void)self;
    probe.view_events++;
    strncat(probe.order, "v", sizeof probe.order - strlen(probe.order) - 1);
    if (ev->kind == EVENT_ALARM) {
        probe.alarms++;
        probe.last_alarm = *ev;
    }
}

static unsigned Probe_take(void *self, Loop *loop)
{
    unsigned what = Loop_take_bus(self, loop);
    probe.takes++;
    if ((probe.quit_after_events && probe.view_events >= probe.quit_after_events) ||
        (probe.quit_after_takes && probe.takes >= probe.quit_after_takes))
        Loop_quit(loop);
    return what;
}

static void Probe_signal(void *self, Loop *loop, int sig)
{
    (void)self;
    probe.signals++;
    probe.last_signal = sig;
    Loop_quit(loop);
}

static int Probe_wake_ms(void *self, Loop *loop)
{
    (void)self;
    (void)loop;
    return 10;
}

static const LoopModeClass PROBE_MODE = {
    .name = "probe",
    .event_fd = Loop_bus_fd,
    .take = Probe_take,
    .model = Loop_bus_model,
    .event = Probe_mode_event,
    .signal = Probe_signal,
};

static const LoopViewClass PROBE_VIEW = {
    .name = "probe",
    .event = Probe_view_event,
};

static Loop loop; /* holds a model: not on the stack */

static Plan *test_plan(void)
{
    static Plan plan;
    memset(&plan, 0, sizeof plan);
    plan.name = "loop-test";
    plan.thresholds = (PlanThresholds){.lag_seconds = 5,
                                       .connections_max = -1,
                                       .freeable_memory_min_mb = -1,
                                       .cpu_max_percent = -1,
                                       .endpoint_p95_ms = -1,
                                       .endpoint_loss_percent = -1};
    return &plan;
}

static Bus *open_loop(const LoopModeClass *mode, BusQueue **queue)
{
    memset(&probe, 0, sizeof probe);
    memset(&loop, 0, sizeof loop);
    Bus *bus = Bus_new();
    ck_assert_ptr_nonnull(bus);
    *queue = Bus_attach(bus, 1);
    ck_assert_ptr_nonnull(*queue);
    char err[256];
    ck_assert_int_eq(Loop_open(&loop, mode, NULL, &PROBE_VIEW, NULL, err, sizeof err), 0);
    Loop_watch_bus(&loop, bus, *queue, test_plan());
    return bus;
}

static void close_loop(Bus *bus)
{
    Loop_close(&loop);
    Bus_free(bus);
}

START_TEST(events_reach_the_model_the_mode_and_the_view_in_order)
{
    BusQueue *q;
    Bus *bus = open_loop(&PROBE_MODE, &q);
    Event ev;
    Event_log(&ev, LOG_INFO, "test", "one");
    Bus_post(bus, &ev);
    Event_sample(&ev, M_LAG_HEARTBEAT_S, 1.5, "test");
    Bus_post(bus, &ev);
    probe.quit_after_events = 2;
    Loop_run(&loop);
    ck_assert_int_eq(probe.mode_events, 2);
    ck_assert_int_eq(probe.view_events, 2);
    ck_assert_str_eq(probe.order, "mvmv");
    const Series *s = Model_series(Loop_model(&loop), M_LAG_HEARTBEAT_S);
    ck_assert_ptr_nonnull(s);
    ck_assert(s->has_value);
    ck_assert_double_eq(s->last, 1.5);
    ck_assert_int_eq(probe.alarms, 0); /* 1.5 s is under the plan's 5 s */
    close_loop(bus);
}
END_TEST

/* The threshold is evaluated after the batch; the alarm goes on the bus (so
 * the recorder has it) and is folded back on the next turn. */
START_TEST(a_threshold_crossed_raises_an_alarm_on_the_bus)
{
    BusQueue *q;
    Bus *bus = open_loop(&PROBE_MODE, &q);
    BusQueue *recorder = Bus_attach(bus, 0);
    Event ev;
    Event_sample(&ev, M_LAG_HEARTBEAT_S, 12.0, "test");
    Bus_post(bus, &ev);
    probe.quit_after_events = 2; /* the sample, then the alarm */
    Loop_run(&loop);
    ck_assert_int_eq(probe.alarms, 1);
    ck_assert_str_eq(probe.last_alarm.key, M_LAG_HEARTBEAT_S);
    ck_assert_int_eq(probe.last_alarm.state, 1);
    ck_assert_ptr_nonnull(strstr(probe.last_alarm.text, "above 5.00"));
    Event seen[8];
    size_t n = BusQueue_take(recorder, seen, 8);
    ck_assert_uint_eq(n, 2);
    ck_assert_int_eq(seen[1].kind, EVENT_ALARM);
    /* Back under the limit: cleared. */
    Event_sample(&ev, M_LAG_HEARTBEAT_S, 0.5, "test");
    Bus_post(bus, &ev);
    probe.quit_after_events = 4;
    Loop_run(&loop);
    ck_assert_int_eq(probe.alarms, 2);
    ck_assert_int_eq(probe.last_alarm.state, 0);
    close_loop(bus);
}
END_TEST

START_TEST(a_signal_reaches_the_mode)
{
    BusQueue *q;
    Bus *bus = open_loop(&PROBE_MODE, &q);
    raise(SIGTERM); /* caught: a byte on the loop's pipe */
    Loop_run(&loop);
    ck_assert_int_eq(probe.signals, 1);
    ck_assert_int_eq(probe.last_signal, SIGTERM);
    close_loop(bus);
}
END_TEST

START_TEST(a_mode_without_a_signal_hook_ends_on_a_signal)
{
    LoopModeClass mode = PROBE_MODE;
    mode.signal = NULL;
    BusQueue *q;
    Bus *bus = open_loop(&mode, &q);
    raise(SIGHUP);
    Loop_run(&loop);
    ck_assert_int_eq(probe.signals, 0);
    ck_assert(loop.quit);
    close_loop(bus);
}
END_TEST

/* No fd and no frames: only wake_ms brings the loop round (a file read
 * again, a recording playing). Without it this test would hang. */
START_TEST(a_mode_without_a_descriptor_is_woken_by_its_wake_time)
{
    LoopModeClass mode = PROBE_MODE;
    mode.event_fd = NULL;
    mode.wake_ms = Probe_wake_ms;
    BusQueue *q;
    Bus *bus = open_loop(&mode, &q);
    probe.quit_after_takes = 5;
    Loop_run(&loop);
    ck_assert_int_eq(probe.takes, 5);
    close_loop(bus);
}
END_TEST

static void *blocked_in_thread(void *arg)
{
    sigset_t now;
    pthread_sigmask(SIG_BLOCK, NULL, &now);
    *(int *)arg =
        sigismember(&now, SIGTERM) && sigismember(&now, SIGINT) && sigismember(&now, SIGHUP);
    return NULL;
}

START_TEST(the_signals_are_blocked_in_every_thread_but_the_loops)
{
    sigset_t before, now;
    pthread_sigmask(SIG_BLOCK, NULL, &before);
    Loop_block_signals();
    int blocked = 0;
    pthread_t t;
    ck_assert_int_eq(pthread_create(&t, NULL, blocked_in_thread, &blocked), 0);
    pthread_join(t, NULL);
    ck_assert_int_eq(blocked, 1);
    BusQueue *q;
    Bus *bus = open_loop(&PROBE_MODE, &q);
    pthread_sigmask(SIG_BLOCK, NULL, &now);
    ck_assert(!sigismember(&now, SIGTERM));
    close_loop(bus);
    pthread_sigmask(SIG_BLOCK, NULL, &now);
    ck_assert(sigismember(&now, SIGTERM)); /* a shutdown is not cut short */
    pthread_sigmask(SIG_SETMASK, &before, NULL);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("loop");
    TCase *tc = tcase_create("loop");
    tcase_add_test(tc, events_reach_the_model_the_mode_and_the_view_in_order);
    tcase_add_test(tc, a_threshold_crossed_raises_an_alarm_on_the_bus);
    tcase_add_test(tc, a_signal_reaches_the_mode);
    tcase_add_test(tc, a_mode_without_a_signal_hook_ends_on_a_signal);
    tcase_add_test(tc, a_mode_without_a_descriptor_is_woken_by_its_wake_time);
    tcase_add_test(tc, the_signals_are_blocked_in_every_thread_but_the_loops);
    suite_add_tcase(s, tc);
    return Unit_run(s);
}
