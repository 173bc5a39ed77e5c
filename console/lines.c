#include "console/lines.h"

#include <stdio.h>

#include "lib/clock.h"
#include "session/metrics.h"
#include "session/step_state.h"

static const char *Lines_health_name(int state)
{
    static const char *const names[] = {"connecting", "ok", "stale", "error"};
    return state >= 0 && state <= PROBE_ERROR ? names[state] : "?";
}

static const char *Lines_level_name(int level)
{
    return level == LOG_ERROR ? "error" : level == LOG_WARN ? "warn" : "info";
}

/* Each line: the UTC time, what, its state, the text. */
static void Lines_event(void *self, const Event *ev)
{
    (void)self;
    char when[32];
    Clock_format_utc(ev->wall_ms, when, sizeof when);
    switch (ev->kind) {
    case EVENT_SAMPLE: return;
    case EVENT_STEP:
        printf("%s  %s  %s  %s\n", when, ev->key, StepState_name((StepState)ev->state), ev->text);
        break;
    case EVENT_LOG:
        printf("%s  %s  %s  %s\n", when, ev->key, Lines_level_name(ev->state), ev->text);
        break;
    case EVENT_HEALTH:
        printf("%s  %s  %s  %s\n", when, ev->key, Lines_health_name(ev->state), ev->text);
        break;
    case EVENT_ALARM:
        printf("%s  %s  %s  %s\n", when, ev->key, ev->state ? "alarm" : "cleared", ev->text);
        break;
    default: printf("%s  %s  %s  %s\n", when, Event_kind_name(ev->kind), ev->key, ev->text); break;
    }
    fflush(stdout);
}

const LoopViewClass LINES_VIEW = {
    .name = "lines",
    .event = Lines_event,
};
