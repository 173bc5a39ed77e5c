/* The headless runner: the loop (console/loop.h) over the bus, as the
 * console runs it, with lines on stdout for a view and this file in the
 * operator's place. The loop folds the events and evaluates the plan's
 * thresholds exactly as in the console, so the same alarms are raised,
 * recorded and counted in the report. A signal (SIGINT, SIGTERM, SIGHUP)
 * becomes an abort request: the in-flight step is cancelled, its outcome
 * ("interrupted") is audited, and only then does the process exit. The next
 * run resumes from the audit log. Any failure once something was changed
 * rolls back (there is nobody to ask), and so does a lag-zero timeout; a
 * rollback found half done after a restart is finished. */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "checklist/executor.h"
#include "cli/commands.h"
#include "cli/headless.h"
#include "cli/runtime.h"
#include "console/lines.h"
#include "console/loop.h"
#include "session/step_state.h"

typedef struct Timing {
    int64_t start_ms[STEP_KIND_COUNT]; /* bus monotonic offsets; -1 none */
    int64_t end_ms[STEP_KIND_COUNT];
    StepState state[STEP_KIND_COUNT];
    char text[STEP_KIND_COUNT][EVENT_TEXT_MAX];
    bool seen[STEP_KIND_COUNT];
    int64_t down_start_ms, down_end_ms; /* the engine's downtime marks; -1 none */
} Timing;

#define HEADLESS_STATUS_MS 50 /* how often the executor's status is looked at */

typedef struct Headless {
    Runtime rt;
    Loop loop; /* the model, the alarms */
    ExecutorStatus status;
    int signal; /* the first signal taken, 0 none */
    Timing timing;
} Headless;

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

static void Headless_event(void *self, const Event *ev)
{
    Headless *h = self;
    if (ev->kind == EVENT_STEP)
        Headless_track(&h->timing, ev);
}

/* The bus's events; the loop ends when the executor has nothing queued or
 * running (after one more look, for what it posted last). */
static unsigned Headless_take(void *self, Loop *loop)
{
    Headless *h = self;
    unsigned what = Loop_take_bus(self, loop);
    h->status = Executor_status(h->rt.executor);
    if (!h->status.busy) {
        what |= Loop_take_bus(self, loop);
        Loop_quit(loop);
    }
    return what;
}

static int Headless_wake_ms(void *self, Loop *loop)
{
    (void)self;
    (void)loop;
    return HEADLESS_STATUS_MS;
}

/* The first signal turns into an abort; the loop goes on until the step in
 * flight has recorded how it ended. */
static void Headless_signal(void *self, Loop *loop, int sig)
{
    (void)loop;
    Headless *h = self;
    if (h->signal)
        return;
    h->signal = sig;
    fprintf(stderr, "cutover: %s: aborting; the step in flight is recorded before exit\n",
            strsignal(sig));
    Executor_abort(h->rt.executor);
}

static const LoopModeClass HEADLESS_MODE = {
    .name = "headless",
    .event_fd = Loop_bus_fd,
    .take = Headless_take,
    .model = Loop_bus_model,
    .wake_ms = Headless_wake_ms,
    .event = Headless_event,
    .signal = Headless_signal,
};

/* Runs the loop until the executor is idle. */
static ExecutorStatus Headless_wait(Headless *h)
{
    Loop_run(&h->loop);
    return h->status;
}

/* The loop over the runtime's bus, lines for a view. */
static int Headless_open_loop(Headless *h)
{
    char err[256];
    if (Loop_open(&h->loop, &HEADLESS_MODE, h, &LINES_VIEW, NULL, err, sizeof err) != 0) {
        fprintf(stderr, "cutover: %s\n", err);
        return -1;
    }
    Loop_watch_bus(&h->loop, h->rt.bus, h->rt.events, h->rt.plan);
    return 0;
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
    static Headless h; /* holds a model: not on the stack */
    memset(&h, 0, sizeof h);
    h.rt.plan = Plan_load(opt->plan_path, err, sizeof err);
    if (!h.rt.plan) {
        fprintf(stderr, "cutover: %s\n", err);
        return EXIT_USAGE;
    }
    h.rt.bus = Bus_new();
    h.rt.events = h.rt.bus ? Bus_attach(h.rt.bus, 1) : NULL;
    ExecutorConfig ec = {.plan = h.rt.plan, .bus = h.rt.bus, .dry_run = true};
    h.rt.executor = h.rt.events ? Executor_start(&ec, err, sizeof err) : NULL;
    int rc = EXIT_OK;
    if (!h.rt.executor) {
        fprintf(stderr, "cutover: %s\n", h.rt.events ? err : "out of memory");
        rc = EXIT_NO;
    } else if (Headless_open_loop(&h) != 0) {
        Executor_stop(h.rt.executor);
        rc = EXIT_NO;
    } else {
        Executor_arm(h.rt.executor);
        Headless_wait(&h);
        Loop_close(&h.loop);
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
    Loop_block_signals(); /* before any thread starts: only the loop takes them */
    if (opt->dry_run)
        return Headless_dry_run(opt);
    if (!opt->yes) {
        fprintf(stderr, "cutover: --headless has no terminal to confirm steps in: add --yes to "
                        "confirm them in advance, or --dry-run to see what would run\n");
        return EXIT_USAGE;
    }
    static Headless h; /* holds a model: not on the stack */
    memset(&h, 0, sizeof h);
    for (int k = 0; k < STEP_KIND_COUNT; k++)
        h.timing.start_ms[k] = h.timing.end_ms[k] = -1;
    h.timing.down_start_ms = h.timing.down_end_ms = -1;
    int rc = Runtime_open(&h.rt, opt, 0, 0);
    if (rc != 0)
        return rc;
    if (Headless_open_loop(&h) != 0) {
        Runtime_close(&h.rt);
        return EXIT_NO;
    }
    ExecutorStatus s = Headless_drive(&h);
    Headless_summary(&h, &s);
    Loop_close(&h.loop);
    Runtime_close(&h.rt);
    return Headless_status(&s);
}
