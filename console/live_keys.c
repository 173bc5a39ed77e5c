/* What each key does in the live console. Anything that changes a server
 * goes through a confirmation that names the plan, the step and the servers,
 * unless the operator confirmed in advance with --yes. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checklist/reverse.h"
#include "console/live_state.h"
#include "lib/clock.h"
#include "tui/term.h"

static void Live_server_name(const PlanServer *s, char *buf, size_t size)
{
    if (s->socket)
        snprintf(buf, size, "%s (%s)", s->label ? s->label : "server", s->socket);
    else
        snprintf(buf, size, "%s:%d", s->host ? s->host : "?", s->port);
}

static void Live_ask(Live *live, Action action, const char *title, const char *text)
{
    live->pending = action;
    live->shell.screen.overlay = OVERLAY_CONFIRM;
    snprintf(live->shell.screen.overlay_title, sizeof live->shell.screen.overlay_title, "%s",
             title);
    snprintf(live->shell.screen.overlay_text, sizeof live->shell.screen.overlay_text, "%s", text);
}

static void Live_start_count(Live *live);

static void Live_do(Live *live, Action action)
{
    Executor *ex = live->cfg->executor;
    const Plan *plan = live->cfg->plan;
    switch (action) {
    case ACTION_ARM:
        Live_decision(live, "arm", "armed: run every remaining step");
        Executor_arm(ex);
        break;
    case ACTION_STEP: {
        ExecutorStatus st = Executor_status(ex);
        char text[96];
        snprintf(text, sizeof text, "confirmed step %s",
                 st.next_step >= 0 ? Plan_step_id((StepKind)st.next_step) : "?");
        Live_decision(live, "step", text);
        Executor_step(ex);
        break;
    }
    case ACTION_ROLLBACK:
        if (Executor_status(ex).past_point) {
            Live_start_count(live);
            break;
        }
        Live_decision(live, "rollback", "roll back the completed steps");
        Executor_rollback(ex);
        break;
    case ACTION_RETRY:
        Live_decision(live, "retry", "run the failed step again");
        Executor_retry(ex);
        break;
    case ACTION_SKIP:
        Live_decision(live, "skip", "skip the failed step past the point of no return");
        Executor_skip(ex);
        break;
    case ACTION_BY_HAND:
        Live_decision(live, "by-hand", "the failed step was done by hand");
        Executor_by_hand(ex);
        break;
    case ACTION_QUIT:
        Live_decision(live, "quit", "quit while a step was running");
        Loop_quit(&live->loop);
        break;
    default: break;
    }
    (void)plan;
}

/* Which server a step acts on, for its confirmation. */
static void Live_step_target(const Plan *plan, StepKind kind, char *buf, size_t size)
{
    char src[160], tgt[160];
    Live_server_name(&plan->source, src, sizeof src);
    Live_server_name(&plan->target, tgt, sizeof tgt);
    switch (kind) {
    case STEP_READ_ONLY: snprintf(buf, size, "on the source %s", src); break;
    case STEP_LAG_ZERO:
        snprintf(buf, size, "fence on source %s, read on target %s", src, tgt);
        break;
    case STEP_SWAP: snprintf(buf, size, "pointing the application at the target %s", tgt); break;
    case STEP_STOP_REPLICATION: snprintf(buf, size, "on the target %s", tgt); break;
    case STEP_MAINTENANCE_ON:
    case STEP_MAINTENANCE_OFF: snprintf(buf, size, "for the application"); break;
    default: snprintf(buf, size, "source %s, target %s", src, tgt); break;
    }
}

static void Live_start_count(Live *live)
{
    Live_decision(live, "count",
                  "pause the application and count the target's writes since "
                  "the point of no return");
    Executor_count_writes(live->cfg->executor);
    live->awaiting_count = true;
    Live_banner(live, "pausing the application and counting the target's writes...");
}

/* Retry, skip, done by hand: what they do to the failed step, asked first. */
static void Live_request_resolution(Live *live, Action action, const ExecutorStatus *st)
{
    const Plan *plan = live->cfg->plan;
    if (st->busy || st->failed_step < 0) {
        Live_banner(live, st->busy ? "a step is running" : "no step has failed");
        return;
    }
    if (action != ACTION_RETRY && !st->past_point) {
        Live_banner(live, "only past the point of no return; before it, R rolls back");
        return;
    }
    const char *id = Plan_step_id((StepKind)st->failed_step);
    char text[640];
    if (action == ACTION_RETRY)
        snprintf(text, sizeof text, "Run step '%s' of plan '%s' again?", id, plan->name);
    else if (action == ACTION_SKIP)
        snprintf(text, sizeof text,
                 "Skip step '%s' of plan '%s'? It stays undone; the audit records the skip.", id,
                 plan->name);
    else
        snprintf(text, sizeof text,
                 "Mark step '%s' of plan '%s' done? Only when you have done it by hand: the "
                 "audit records it as your word.",
                 id, plan->name);
    if (live->cfg->yes)
        Live_do(live, action);
    else
        Live_ask(live, action,
                 action == ACTION_RETRY  ? "Retry"
                 : action == ACTION_SKIP ? "Skip"
                                         : "Done by hand",
                 text);
}

/* Past the point a rollback strands what the application wrote on the
 * target: the application is paused again and the executor counts; then
 * Live_count_ready asks for the count. */
static void Live_request_rollback_past(Live *live, const ExecutorStatus *st)
{
    if (st->busy) {
        Live_banner(live, "a step is running");
        return;
    }
    const char *pause = live->cfg->plan->steps[STEP_MAINTENANCE_ON].enabled
                            ? "maintenance goes on again"
                            : "the old connection string goes back (the source is still frozen)";
    char text[640], how[300];
    Reverse_describe(live->cfg->plan, how, sizeof how);
    if (live->cfg->plan->reverse.method != REVERSE_NONE)
        snprintf(text, sizeof text,
                 "Roll back plan '%s' past the point of no return? First %s and the target's "
                 "writes since the point are counted, then carried back to the source (%s) "
                 "and proven there by a fence; only then is the rest undone. If they cannot "
                 "be carried back, the application stays paused.",
                 live->cfg->plan->name, pause, how);
    else
        snprintf(text, sizeof text,
                 "Roll back plan '%s' past the point of no return? First %s and the target's "
                 "writes since the point are counted; you then type the count to go on. Until "
                 "you do, the application stays paused.",
                 live->cfg->plan->name, pause);
    if (live->cfg->yes)
        Live_do(live, ACTION_ROLLBACK);
    else
        Live_ask(live, ACTION_ROLLBACK, "Roll back past the point of no return", text);
}

void Live_count_ready(Live *live)
{
    ExecutorStatus st = Executor_status(live->cfg->executor);
    if (!live->awaiting_count || st.busy)
        return;
    live->awaiting_count = false;
    if (st.writes_counted < 0) {
        Live_banner(live, "the target's writes cannot be counted: no rollback past the point "
                          "(see the events)");
        return;
    }
    if (live->cfg->plan->reverse.method != REVERSE_NONE) {
        char text[160];
        snprintf(text, sizeof text,
                 "roll back past the point of no return, carrying %lld transaction(s) back "
                 "to the source",
                 st.writes_counted);
        Live_decision(live, "rollback-past-point", text);
        Executor_rollback_past(live->cfg->executor, st.writes_counted);
        return;
    }
    char text[sizeof live->shell.screen.overlay_text];
    snprintf(text, sizeof text,
             "The target has %lld transaction(s) of the application since the point of no "
             "return that the source lacks. Rolling back leaves them on the target, out of "
             "the application's reach. Type %lld to roll back anyway (Esc cancels):",
             st.writes_counted, st.writes_counted);
    live->input_for = ACTION_ROLLBACK;
    Shell_ask(&live->shell, "Roll back past the point of no return", text);
    Loop_changed(&live->loop, LOOP_URGENT);
}

static void Live_request(Live *live, Action action)
{
    const Plan *plan = live->cfg->plan;
    ExecutorStatus st = Executor_status(live->cfg->executor);
    char text[640], src[160], tgt[160], where[360];
    Live_server_name(&plan->source, src, sizeof src);
    Live_server_name(&plan->target, tgt, sizeof tgt);
    if (action == ACTION_ARM && plan->confirm == CONFIRM_PER_STEP) {
        Live_banner(live, "this plan confirms each step: press Enter for the next one");
        return;
    }
    if ((action == ACTION_ARM || action == ACTION_STEP) && (st.busy || st.next_step < 0)) {
        Live_banner(live, st.busy     ? "a step is running"
                          : st.held   ? "held past the point of no return: r retry, s skip, d "
                                        "done by hand, R roll back past the point"
                          : st.failed ? "a step failed: r retry it, or R roll back"
                                      : "no step left to run");
        return;
    }
    if (action == ACTION_RETRY || action == ACTION_SKIP || action == ACTION_BY_HAND) {
        Live_request_resolution(live, action, &st);
        return;
    }
    if (action == ACTION_ROLLBACK && st.past_point) {
        Live_request_rollback_past(live, &st);
        return;
    }
    const char *blocked = action == ACTION_ARM ? Alarms_blocking_arm(&live->loop.model) : NULL;
    if (blocked) {
        Live_banner(live, "not armed: %s", blocked);
        return;
    }
    if (live->cfg->yes) {
        Live_do(live, action);
        return;
    }
    if (action == ACTION_ARM) {
        snprintf(text, sizeof text,
                 "Run the cutover of plan '%s' now?\nsource %s  ->  target %s\n"
                 "Every remaining step runs back to back; x aborts at any moment.",
                 plan->name, src, tgt);
        Live_ask(live, action, "Arm the cutover", text);
    } else if (action == ACTION_STEP) {
        StepKind k = (StepKind)st.next_step;
        Live_step_target(plan, k, where, sizeof where);
        snprintf(text, sizeof text, "Run step '%s' of plan '%s' %s?",
                 plan->steps[k].title ? plan->steps[k].title : Plan_step_default_title(k),
                 plan->name, where);
        Live_ask(live, action, "Run the next step", text);
    } else if (action == ACTION_ROLLBACK) {
        snprintf(text, sizeof text,
                 "Roll back plan '%s'? Completed steps are undone in reverse order "
                 "(source %s writable again, old connection string, maintenance off).",
                 plan->name, src);
        Live_ask(live, action, "Roll back", text);
    }
}

static void Live_confirm_key(Live *live, int key)
{
    Action action = live->pending;
    live->pending = ACTION_NONE;
    if (key == 'y' || key == 'Y')
        Live_do(live, action);
    else
        Live_banner(live, "cancelled");
}

/* The count typed to roll back past the point: it must be the count. */
static void Live_typed_count(Live *live, const char *typed)
{
    ExecutorStatus st = Executor_status(live->cfg->executor);
    char *end = NULL;
    long long n = strtoll(typed, &end, 10);
    if (!typed[0] || *end || n != st.writes_counted) {
        Live_banner(live, "typed \"%s\", the count is %lld: not rolled back", typed,
                    st.writes_counted);
        return;
    }
    char text[160];
    snprintf(text, sizeof text,
             "roll back past the point of no return, leaving %lld transaction(s) on the target", n);
    Live_decision(live, "rollback-past-point", text);
    Executor_rollback_past(live->cfg->executor, n);
}

/* Enter on the line of input: the count, or the note. */
static void Live_input_done(Live *live, const char *text)
{
    Action input_for = live->input_for;
    live->input_for = ACTION_NONE;
    if (input_for == ACTION_ROLLBACK) {
        Live_typed_count(live, text);
        return;
    }
    Event ev;
    memset(&ev, 0, sizeof ev);
    ev.kind = EVENT_NOTE;
    Event_copy_field(ev.text, sizeof ev.text, text);
    Bus_post(live->cfg->bus, &ev);
}

static void Live_quit(Live *live)
{
    if (live->cfg->executor && Executor_status(live->cfg->executor).busy && !live->cfg->yes)
        Live_ask(live, ACTION_QUIT, "Quit",
                 "A step is running. Quit anyway? The executor stops it and records where "
                 "the cutover stands; a restart on the same plan picks it up.");
    else {
        /* The recording ends with the operator leaving, not with the last sample. */
        Live_last_word(live, "quit", "the operator quit");
        Loop_quit(&live->loop);
    }
}

static void Live_action(Live *live, Action action)
{
    switch (action) {
    case ACTION_QUIT: Live_quit(live); break;
    case ACTION_NOTE:
        live->input_for = ACTION_NOTE;
        Shell_ask(&live->shell, "Note", "A remark for the recording (who, what, why):");
        break;
    case ACTION_PREFLIGHT:
        Live_decision(live, "preflight", "run the pre-flight checks");
        Executor_preflight(live->cfg->executor);
        break;
    case ACTION_ABORT:
        Live_decision(live, "abort", "abort");
        Executor_abort(live->cfg->executor);
        break;
    case ACTION_ARM:
    case ACTION_STEP:
    case ACTION_ROLLBACK:
    case ACTION_RETRY:
    case ACTION_SKIP:
    case ACTION_BY_HAND: Live_request(live, action); break;
    default: break;
    }
}

void Live_key(void *self, Loop *loop, const LoopKey *k)
{
    (void)loop;
    Live *live = self;
    switch (k->kind) {
    case SHELL_CONFIRM: Live_confirm_key(live, k->key); break;
    case SHELL_INPUT_DONE: Live_input_done(live, k->input); break;
    case SHELL_INPUT_CLOSED: live->input_for = ACTION_NONE; break;
    case SHELL_ACTION: Live_action(live, k->binding->action); break;
    default: break;
    }
}

void Live_signal(void *self, Loop *loop, int sig)
{
    Live *live = self;
    if (sig == SIGINT) {
        Live_quit(live); /* as q: asks first while a step runs */
        return;
    }
    Live_last_word(live, "signal",
                   sig == SIGHUP ? "terminal went away (SIGHUP)" : "terminated (SIGTERM)");
    Loop_quit(loop);
}
