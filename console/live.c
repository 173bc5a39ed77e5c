/* The live console: the loop (console/loop.h) with the bus as its source
 * and the shell as its view. The loop never waits on a database or the
 * network: probes and the executor do that on their own threads. */
#include "console/live.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "console/live_state.h"

void Live_banner(Live *live, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char text[sizeof live->shell.banner];
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    Shell_banner(&live->shell, "%s", text);
    Loop_changed(&live->loop, LOOP_URGENT);
}

static void Live_decision_event(Event *ev, const char *action, const char *text)
{
    memset(ev, 0, sizeof *ev);
    ev->kind = EVENT_DECISION;
    Event_copy_field(ev->key, sizeof ev->key, action);
    Event_copy_field(ev->text, sizeof ev->text, text);
}

void Live_decision(Live *live, const char *action, const char *text)
{
    Event ev;
    Live_decision_event(&ev, action, text);
    Bus_post(live->cfg->bus, &ev);
}

void Live_last_word(Live *live, const char *action, const char *text)
{
    if (live->cfg->last_word)
        Live_decision_event(live->cfg->last_word, action, text);
    else
        Live_decision(live, action, text);
}

/* The bus's events, then the count a rollback past the point waits for. */
static unsigned Live_take(void *self, Loop *loop)
{
    Live *live = self;
    unsigned what = Loop_take_bus(self, loop);
    if (live->awaiting_count && live->cfg->executor)
        Live_count_ready(live);
    return what;
}

static const LoopModeClass LIVE_MODE = {
    .name = "live",
    .event_fd = Loop_bus_fd,
    .take = Live_take,
    .model = Loop_bus_model,
    .key = Live_key,
    .signal = Live_signal,
};

/* The plan's theme, or the one asked for; one that cannot be loaded is said
 * in the banner and the dark one used. */
static int Live_setup(Live *live, const LiveConfig *cfg)
{
    char err[256], theme_err[256] = "";
    memset(live, 0, sizeof *live);
    live->cfg = cfg;
    const char *theme = cfg->theme ? cfg->theme : cfg->plan->theme ? cfg->plan->theme : "dark";
    Theme probe;
    if (Theme_load(theme, &probe, theme_err, sizeof theme_err) != 0)
        theme = "dark";
    if (Loop_open(&live->loop, &LIVE_MODE, live, &SHELL_VIEW, &live->shell, err, sizeof err) != 0 ||
        Shell_open(&live->shell, KEYS_LIVE, theme, cfg->ascii, err, sizeof err) != 0) {
        Loop_close(&live->loop);
        fprintf(stderr, "cutover: %s\n", err);
        return -1;
    }
    if (theme_err[0])
        Live_banner(live, "%s", theme_err);
    live->shell.screen.readonly = cfg->executor == NULL;
    live->shell.screen.session_file = cfg->session_file;
    Loop_watch_bus(&live->loop, cfg->bus, cfg->queue, cfg->plan);
    live->loop.exit_after_frames = cfg->exit_after_frames;
    return 0;
}

int Live_run(const LiveConfig *cfg)
{
    static Live live; /* large (three models): not on the stack */
    if (Live_setup(&live, cfg) != 0)
        return 1;
    Loop_run(&live.loop);
    Shell_close(&live.shell);
    Loop_close(&live.loop);
    return 0;
}
