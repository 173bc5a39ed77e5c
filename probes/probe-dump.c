/* probe-dump PLAN [SECONDS] [--readonly]: loads a plan, starts the probes and
 * prints every event they post, one tab-separated line each:
 *   SECONDS  KIND  KEY  VALUE-or-STATE  ORIGIN  TEXT
 * ("-" for an empty field), then stops the probes and reports on stderr how
 * long stopping took. For tests and for looking at what the probes see. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/clock.h"
#include "plan/plan.h"
#include "session/metrics.h"
#include "probes/probes.h"
#include "session/bus.h"

static const char *Dump_state(int state)
{
    static const char *const names[] = {"connecting", "ok", "stale", "error"};
    return state >= 0 && state <= PROBE_ERROR ? names[state] : "?";
}

static const char *Dump_field(const char *s)
{
    return s && *s ? s : "-";
}

static void Dump_event(const Event *ev)
{
    char value[64];
    if (ev->kind == EVENT_HEALTH)
        snprintf(value, sizeof value, "%s", Dump_state(ev->state));
    else if (ev->kind == EVENT_ALARM)
        snprintf(value, sizeof value, "%s", ev->state ? "raised" : "cleared");
    else if (ev->has_value)
        snprintf(value, sizeof value, "%.6g", ev->value);
    else
        snprintf(value, sizeof value, "-");
    printf("%.3f\t%s\t%s\t%s\t%s\t%s\n", (double)ev->mono_ms / 1000.0, Event_kind_name(ev->kind),
           Dump_field(ev->key), value, Dump_field(ev->origin), Dump_field(ev->text));
}

static void Dump_usage(void)
{
    fprintf(stderr, "usage: probe-dump PLAN [SECONDS] [--readonly]\n");
    exit(2);
}

int main(int argc, char **argv)
{
    const char *path = NULL;
    double seconds = 10;
    bool readonly = false;
    for (int i = 1; i < argc; i++) {
        char *end;
        if (strcmp(argv[i], "--readonly") == 0)
            readonly = true;
        else if (!path)
            path = argv[i];
        else if ((seconds = strtod(argv[i], &end)) <= 0 || *end)
            Dump_usage();
    }
    if (!path)
        Dump_usage();
    char err[512];
    Plan *plan = Plan_load(path, err, sizeof err);
    if (!plan) {
        fprintf(stderr, "probe-dump: %s\n", err);
        return 2;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    Bus *bus = Bus_new();
    BusQueue *q = Bus_attach(bus, 0);
    ProbesConfig config = {.plan = plan, .bus = bus, .write_heartbeat = !readonly};
    Probes *probes = Probes_start(&config);
    int64_t end_ms = Clock_mono_ms() + (int64_t)(seconds * 1000);
    Event evs[64];
    for (int64_t now; (now = Clock_mono_ms()) < end_ms;) {
        size_t n = BusQueue_wait(q, evs, 64, (int)(end_ms - now));
        for (size_t i = 0; i < n; i++)
            Dump_event(&evs[i]);
    }
    int64_t t0 = Clock_mono_ms();
    Probes_stop(probes);
    fprintf(stderr, "probe-dump: probes stopped in %lld ms\n", (long long)(Clock_mono_ms() - t0));
    size_t n;
    while ((n = BusQueue_take(q, evs, 64)) > 0)
        for (size_t i = 0; i < n; i++)
            Dump_event(&evs[i]);
    Bus_close(bus);
    Bus_free(bus);
    Plan_free(plan);
    return 0;
}
