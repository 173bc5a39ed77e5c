/* The headless runner. Signals (SIGINT, SIGTERM, SIGHUP) are blocked in every
 * thread and taken here synchronously, so a signal becomes an abort request:
 * the in-flight step is cancelled, its outcome ("interrupted") is audited,
 * and only then does the process exit. The next run resumes from the audit
 * log. Any failure once something was changed rolls back (there is nobody
 * to ask), and so does a lag-zero timeout; a rollback found half done after a
 * restart is finished. Events are folded into a model as the console folds
 * them, so the plan's thresholds raise and clear the same alarms, recorded
 * and counted in the report like the console's. */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "checklist/executor.h"
#include "session/step_state.h"
#include "cli/commands.h"
#include "cli/headless.h"
#include "cli/runtime.h"
#include "lib/clock.h"
#include "model/alarms.h"
#include "model/model.h"
#include "session/metrics.h"

typedef struct Timing {
    int64_t start_ms[STEP_KIND_COUNT]; /* bus monotonic offsets; -1 none */
    int64_t end_ms[STEP_KIND_COUNT];
    StepState state[STEP_KIND_COUNT];
    char text[STEP_KIND_COUNT][EVENT_TEXT_MAX];
    bool seen[STEP_KIND_COUNT];
    int64_t down_start_ms, down_end_ms; /* the engine's downtime marks; -1 none */
} Timing;

typedef struct Headless {
    Runtime rt;
    sigset_t signals;
    int signal; /* the first signal taken, 0 none */
    Timing timing;
    bool watching; /* model and alarms set up (not in a dry run) */
    Model model;   /* what the console would show: the alarms' input */
    Alarms alarms;
} Headless;

static const char *Headless_health_name(int state)
{
    static const char *const names[] = {"connecting", "ok", "stale", "error"};
    return state >= 0 && state <= PROBE_ERROR ? names[state] : "?";
}

static const char *Headless_level_name(int level)
{
    return level == LOG_ERROR ? "error" : level == LOG_WARN ? "warn" : "info";
}

static void Headless_track(Timing *t, const Event *ev)
{
    if (strcmp(ev->key, STEP_DOWNTIME_ID) == 0) {
        if (ev->state == STEP_RUNNING) {
            t->down_start_ms = ev->mono_ms;
            t->down_end_ms = -1;
        } else if (ev->state == STEP_DONE && t->down_start_ms >= 0) {
            t->down_end_ms = ev->value2 > 0 ? t->down_start_ms + (int64_t)ev->value2 : ev->mono_ms;
        }
        return;
    }
    int k = (int)ev->value;
    if (k < 0 || k >= STEP_KIND_COUNT || strcmp(ev->key, STEP_POINT_ID) == 0)
        return;
    t->seen[k] = true;
    t->state[k] = (StepState)ev->state;
    if (ev->state == STEP_RUNNING) {
        t->start_ms[k] = ev->mono_ms;
        t->end_ms[k] = -1;
    } else if (ev->state == STEP_DONE || ev->state == STEP_FAILED) {
        t->end_ms[k] = ev->mono_ms;
        Event_copy_field(t->text[k], sizeof t->text[k], ev->text);
    }
}

static void Headless_print(Headless *h, const Event *ev)
{
    char when[32];
    Clock_format_utc(ev->wall_ms, when, sizeof when);
    switch (ev->kind) {
    case EVENT_SAMPLE: return;
    case EVENT_STEP:
        Headless_track(&h->timing, ev);
        printf("%s  %s  %s  %s\n", when, ev->key, StepState_name((StepState)ev->state), ev->text);
        break;
    case EVENT_LOG:
        printf("%s  %s  %s  %s\n", when, ev->key, Headless_level_name(ev->state), ev->text);
        break;
    case EVENT_HEALTH:
        printf("%s  %s  %s  %s\n", when, ev->key, Headless_health_name(ev->state), ev->text);
        break;
    case EVENT_ALARM:
        printf("%s  %s  %s  %s\n", when, ev->key, ev->state ? "alarm" : "cleared", ev->text);
        break;
    default: printf("%s  %s  %s  %s\n", when, Event_kind_name(ev->kind), ev->key, ev->text); break;
    }
    fflush(stdout);
}

/* The thresholds after each batch, as the console evaluates them; raised
 * and cleared alarms go on the bus (recorded) and come back to be printed. */
static void Headless_post_alarms(Headless *h)
{
    Event alarms[ALARMS_MAX];
    Model_tick(&h->model, Clock_wall_ms(), Bus_now_mono_ms(h->rt.bus));
    int n = Alarms_evaluate(&h->alarms, &h->model, alarms, ALARMS_MAX);
    for (int i = 0; i < n; i++)
        Bus_post(h->rt.bus, &alarms[i]);
}

static void Headless_drain(Headless *h, int timeout_ms)
{
    Event evs[64];
    size_t n = BusQueue_wait(h->rt.events, evs, 64, timeout_ms);
    for (size_t i = 0; i < n; i++) {
        if (h->watching)
            Model_fold(&h->model, &evs[i]);
        Headless_print(h, &evs[i]);
    }
    if (h->watching)
        Headless_post_alarms(h);
}

/* A pending signal turns into an abort (once). */
static void Headless_poll_signal(Headless *h)
{
    struct timespec zero = {0, 0};
    int sig = sigtimedwait(&h->signals, NULL, &zero);
    if (sig <= 0 || h->signal)
        return;
    h->signal = sig;
    fprintf(stderr, "cutover: %s: aborting; the step in flight is recorded before exit\n",
            strsignal(sig));
    Executor_abort(h->rt.executor);
}

/* Prints events until the executor has nothing queued or running. */
static ExecutorStatus Headless_wait(Headless *h)
{
    for (;;) {
        Headless_drain(h, 50);
        Headless_poll_signal(h);
        ExecutorStatus s = Executor_status(h->rt.executor);
        if (!s.busy) {
            Headless_drain(h, 0);
            return s;
        }
    }
}

static void Headless_summary(const Headless *h, const ExecutorStatus *s)
{
    const Timing *t = &h->timing;
    const Plan *plan = h->rt.plan;
    printf("\nsummary: %s\n", s->finished ? "cutover completed"
                              : s->held   ? "HELD past the point of no return: a person must act"
                              : s->rolled_back ? "cutover failed and was rolled back"
                              : h->signal      ? "interrupted: run again to resume or roll back"
                                               : "cutover did not complete");
    for (int k = 0; k < STEP_KIND_COUNT; k++) {
        if (!plan->steps[k].enabled)
            continue;
        char dur[32] = "-";
        if (t->start_ms[k] >= 0 && t->end_ms[k] >= t->start_ms[k])
            snprintf(dur, sizeof dur, "%.3f s", (t->end_ms[k] - t->start_ms[k]) / 1000.0);
        printf("  %-17s %-12s %10s  %s\n", Plan_step_id((StepKind)k),
               t->seen[k] ? StepState_name(t->state[k]) : "pending", dur, t->text[k]);
    }
    if (t->down_start_ms >= 0 && t->down_end_ms >= t->down_start_ms)
        printf("  downtime %.3f s (the application frozen until it could write again)\n",
               (t->down_end_ms - t->down_start_ms) / 1000.0);
    else if (t->down_start_ms >= 0)
        printf("  downtime: still running (the application is frozen)\n");
    fflush(stdout);
}

/* --dry-run: describe every step; no lock, no audit, no recording, no
 * probes, no connection: nothing is touched, so it may run beside a live
 * executor. */
static int Headless_dry_run(const RunOptions *opt)
{
    char err[1024];
    Headless h;
    memset(&h, 0, sizeof h);
    h.rt.plan = Plan_load(opt->plan_path, err, sizeof err);
    if (!h.rt.plan) {
        fprintf(stderr, "cutover: %s\n", err);
        return EXIT_USAGE;
    }
    h.rt.bus = Bus_new();
    h.rt.events = h.rt.bus ? Bus_attach(h.rt.bus, 0) : NULL;
    ExecutorConfig ec = {.plan = h.rt.plan, .bus = h.rt.bus, .dry_run = true};
    h.rt.executor = h.rt.events ? Executor_start(&ec, err, sizeof err) : NULL;
    int rc = EXIT_OK;
    if (!h.rt.executor) {
        fprintf(stderr, "cutover: %s\n", h.rt.events ? err : "out of memory");
        rc = EXIT_NO;
    } else {
        sigemptyset(&h.signals);
        Executor_arm(h.rt.executor);
        Headless_wait(&h);
        Executor_stop(h.rt.executor);
    }
    Bus_free(h.rt.bus);
    Plan_free(h.rt.plan);
    return rc;
}

/* Rolls back: a failed cutover (there is nobody to ask), or the rest of a
 * rollback a restart found half done (it was decided before the stop). */
static ExecutorStatus Headless_roll_back(Headless *h, ExecutorStatus s)
{
    if (s.held) {
        printf("HELD past the point of no return: %s failed after the application could "
               "reach the target; nothing is rolled back (that would strand its writes). "
               "Resolve it in the console (retry, skip, done by hand) or run again to retry.\n",
               s.failed_step >= 0 ? Plan_step_id((StepKind)s.failed_step) : "a step");
        return s;
    }
    if (h->signal || s.rolled_back || !(s.failed || s.rollback_unfinished))
        return s;
    printf("rolling back: %s\n", s.failed ? "headless mode undoes a failed cutover"
                                          : "a rollback was under way before the restart; "
                                            "finishing it");
    Executor_rollback(h->rt.executor);
    return Headless_wait(h);
}

/* Preflight (unless a previous run already passed it), then the rest. */
static ExecutorStatus Headless_drive(Headless *h)
{
    Executor *ex = h->rt.executor;
    ExecutorStatus s = Headless_wait(h); /* the restart's read-back first */
    if (s.distrusted)
        return s;
    if (s.rollback_unfinished)
        return Headless_roll_back(h, s);
    if (s.held && !h->signal) {
        printf("restart: held past the point of no return; retrying %s (forward only)\n",
               Plan_step_id((StepKind)s.failed_step));
        Executor_retry(ex);
        s = Headless_wait(h);
        return Headless_roll_back(h, s);
    }
    if (!s.finished && !s.failed && s.next_step == STEP_PREFLIGHT && !h->signal) {
        Executor_preflight(ex);
        s = Headless_wait(h);
        if (s.failed) {
            printf("no-go: the pre-flight checks failed; nothing was changed\n");
            return s;
        }
    }
    if (!s.finished && !s.failed && !h->signal) {
        Executor_arm(ex);
        s = Headless_wait(h);
    }
    return Headless_roll_back(h, s);
}

/* The exit status a script acts on (cli/commands.h). */
static int Headless_status(const ExecutorStatus *s)
{
    if (s->distrusted)
        return EXIT_NO;
    if (s->finished)
        return EXIT_OK;
    if (s->held || (s->past_point && !s->rolled_back))
        return EXIT_HELD;
    if (s->rolled_back)
        return EXIT_ROLLED_BACK;
    return s->touched ? EXIT_STOPPED : EXIT_NO;
}

int Headless_run(const RunOptions *opt)
{
    if (opt->readonly) {
        fprintf(stderr, "cutover: --headless runs the checklist; an observer (--readonly) needs "
                        "the console\n");
        return EXIT_USAGE;
    }
    if (opt->dry_run)
        return Headless_dry_run(opt);
    if (!opt->yes) {
        fprintf(stderr, "cutover: --headless has no terminal to confirm steps in: add --yes to "
                        "confirm them in advance, or --dry-run to see what would run\n");
        return EXIT_USAGE;
    }
    static Headless h;
    memset(&h, 0, sizeof h);
    for (int k = 0; k < STEP_KIND_COUNT; k++)
        h.timing.start_ms[k] = h.timing.end_ms[k] = -1;
    h.timing.down_start_ms = h.timing.down_end_ms = -1;
    /* Blocked before any thread starts, so every thread inherits the mask
     * and the signals wait for sigtimedwait here. */
    sigemptyset(&h.signals);
    sigaddset(&h.signals, SIGINT);
    sigaddset(&h.signals, SIGTERM);
    sigaddset(&h.signals, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &h.signals, NULL);
    int rc = Runtime_open(&h.rt, opt, 0, 0);
    if (rc != 0)
        return rc;
    Model_init(&h.model, h.rt.plan->name, Bus_start_wall_ms(h.rt.bus));
    Alarms_init(&h.alarms, &h.rt.plan->thresholds);
    h.watching = true;
    ExecutorStatus s = Headless_drive(&h);
    Headless_summary(&h, &s);
    Runtime_close(&h.rt);
    return Headless_status(&s);
}
