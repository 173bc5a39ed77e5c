/* gen-session: writes a realistic session file without a lab, for the replay
 * tests and the seek benchmark. A night of probe samples (heartbeat lag
 * every 250 ms, the other figures every second, GTID text every 5 s), probe
 * health, a lag spike with its alarm, an endpoint outage, a figure that stops
 * coming (TLS timing after the first minute), and the cutover itself in the
 * field report's 28 seconds: steps, decisions, notes and logs. Lines are
 * written by EventJson_format, the recorder's own formatter.
 *
 *   gen-session [--start UTC|now] [--duration 10m] [--cutover-at 6m]
 *               [--fast-keys] [--plan NAME] [--garbage N] [--truncate]
 *               [--seed N] [-o FILE]
 */
#include "config.h"

#include <getopt.h>
#include <json-c/json.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "session/step_state.h"
#include "lib/clock.h"
#include "session/metrics.h"
#include "replay/timearg.h"
#include "session/event_json.h"

typedef struct Gen {
    FILE *out;
    int64_t start, duration, cutover_at;
    bool fast_keys, truncate;
    long garbage;
    const char *plan;
    uint64_t rng;
    long lines;        /* event lines written */
    long garbage_left; /* garbage lines still to place */
    double lag, rows;
    long gtid;
    char last[4096]; /* the last line, held back for --truncate */
    bool has_last;
} Gen;

static double Gen_random(Gen *g)
{
    g->rng ^= g->rng << 13;
    g->rng ^= g->rng >> 7;
    g->rng ^= g->rng << 17;
    return (double)(g->rng >> 11) / 9007199254740992.0;
}

static void Gen_flush_last(Gen *g)
{
    if (g->has_last)
        fprintf(g->out, "%s\n", g->last);
    g->has_last = false;
}

/* A garbage line; flush: after the line held back (else before it). */
static void Gen_garbage(Gen *g, bool flush)
{
    static const char *const junk[] = {
        "garbage: the disk filled up here", "{\"t\":",          "{not json}",
        "{\"t\":1,\"k\":\"no-such-kind\"}", "\x01\x02\xff\xfe", "[1,2,3]"};
    if (flush)
        Gen_flush_last(g);
    fprintf(g->out, "%s\n", junk[(size_t)(Gen_random(g) * 6) % 6]);
}

static void Gen_emit(Gen *g, Event *ev, int64_t t)
{
    ev->wall_ms = t;
    ev->mono_ms = t - g->start;
    Gen_flush_last(g);
    if (EventJson_format(ev, g->last, sizeof g->last) < 0)
        return;
    g->has_last = true;
    g->lines++;
    /* Garbage goes in at random, about one per 2000 events. */
    if (g->garbage_left > 0 && Gen_random(g) < 0.0005) {
        Gen_garbage(g, true);
        g->garbage_left--;
    }
}

static void Gen_sample(Gen *g, int64_t t, const char *key, double value, const char *origin)
{
    Event ev;
    Event_sample(&ev, key, round(value * 1000) / 1000, origin);
    ev.has_value = true;
    Gen_emit(g, &ev, t);
}

static void Gen_text(Gen *g, int64_t t, const char *key, const char *text, const char *origin)
{
    Event ev;
    Event_sample_text(&ev, key, text, origin);
    Gen_emit(g, &ev, t);
}

static void Gen_health(Gen *g, int64_t t, const char *probe, int state, const char *text)
{
    Event ev;
    Event_health(&ev, probe, state, text);
    Gen_emit(g, &ev, t);
}

static void Gen_event(Gen *g, int64_t t, EventKind kind, const char *key, int state,
                      const char *text)
{
    Event ev;
    memset(&ev, 0, sizeof ev);
    ev.kind = kind;
    ev.state = state;
    Event_copy_field(ev.key, sizeof ev.key, key);
    Event_copy_field(ev.text, sizeof ev.text, text);
    Gen_emit(g, &ev, t);
}

static void Gen_step(Gen *g, int64_t t, int index, const char *id, int state, const char *text)
{
    Event ev;
    memset(&ev, 0, sizeof ev);
    ev.kind = EVENT_STEP;
    ev.state = state;
    ev.has_value = true;
    ev.value = index;
    Event_copy_field(ev.key, sizeof ev.key, id);
    Event_copy_field(ev.text, sizeof ev.text, text);
    Gen_emit(g, &ev, t);
}

static const struct {
    const char *id, *title;
    int64_t start, end; /* ms after the cutover begins (the field report) */
    const char *done;
} gen_steps[] = {
    {"maintenance-on", "Maintenance on", 0, 400, "maintenance page is up"},
    {"read-only", "Source read-only", 500, 900, "read_only=1 read back"},
    {"lag-zero", "Wait for lag zero", 1000, 8000, "fence row seen on the target"},
    {"swap", "Swap connection", 8200, 12000, "connection string now points at the target"},
    {"target-health", "Target health", 12100, 25000, "writes and reads fine on the target"},
    {"maintenance-off", "Maintenance off", 25100, 28000, "maintenance page is down"},
};
#define GEN_NSTEPS (int)(sizeof gen_steps / sizeof gen_steps[0])

/* The non-sample story of the night, emitted when its time comes. */
static void Gen_story(Gen *g, int64_t from, int64_t to)
{
    int64_t s = g->start, c = g->start + g->cutover_at;
#define AT(when) ((when) > from && (when) <= to)
    if (from < s) {
        Event ev;
        memset(&ev, 0, sizeof ev);
        ev.kind = EVENT_RESIZE;
        ev.value = 120;
        ev.value2 = 40;
        Gen_emit(g, &ev, s);
        for (int i = 0; i < GEN_NSTEPS; i++)
            Gen_step(g, s, i + 1, gen_steps[i].id, STEP_PENDING, gen_steps[i].title);
        const char *probes[] = {PROBE_SOURCE, PROBE_TARGET, PROBE_HEARTBEAT, PROBE_ENDPOINT};
        for (int i = 0; i < 4; i++)
            Gen_health(g, s + 20 + i, probes[i], PROBE_OK, "");
        Gen_event(g, s + 30, EVENT_LOG, "console", LOG_INFO, "recording the night");
    }
    int64_t spike = c - 300000, outage = s + (c - s) / 2;
    if (spike > s + 60000 && AT(spike + 4000))
        Gen_event(g, spike + 4000, EVENT_ALARM, M_LAG_HEARTBEAT_S, 1, "lag 6.2 s over 5 s");
    if (spike > s + 60000 && AT(spike + 40000))
        Gen_event(g, spike + 40000, EVENT_ALARM, M_LAG_HEARTBEAT_S, 0, "lag back under 5 s");
    if (outage > s + 90000 && AT(outage))
        Gen_health(g, outage, PROBE_ENDPOINT, PROBE_ERROR, "connect: Connection refused");
    if (outage > s + 90000 && AT(outage + 12000))
        Gen_health(g, outage + 12000, PROBE_ENDPOINT, PROBE_OK, "");
    if (AT(c - 1000))
        Gen_event(g, c - 1000, EVENT_DECISION, "arm", 0, "armed: run every remaining step");
    for (int i = 0; i < GEN_NSTEPS; i++) {
        if (AT(c + gen_steps[i].start))
            Gen_step(g, c + gen_steps[i].start, i + 1, gen_steps[i].id, STEP_RUNNING, "");
        if (AT(c + gen_steps[i].end))
            Gen_step(g, c + gen_steps[i].end, i + 1, gen_steps[i].id, STEP_DONE, gen_steps[i].done);
    }
    if (AT(c + 40000))
        Gen_event(g, c + 40000, EVENT_NOTE, "", 0, "all clear, app team confirms logins");
#undef AT
}

/* The figures at time t, each on its schedule. */
static void Gen_samples(Gen *g, int64_t t)
{
    int64_t rel = t - g->start, cut = t - (g->start + g->cutover_at);
    bool frozen = cut >= 500 && cut < 12000; /* read-only until the swap */
    int64_t spike = g->cutover_at - 300000;
    bool spiking = rel >= spike && rel < spike + 40000 && spike > 60000;
    g->lag += (Gen_random(g) - 0.5) * 0.1;
    g->lag = spiking                      ? 6.2
             : cut >= 1000 && cut < 12000 ? g->lag * 0.5
                                          : fmax(0.05, fmin(g->lag, 1.5));
    Gen_sample(g, t, M_LAG_HEARTBEAT_S, g->lag, "heartbeat");
    if (rel % 1000 != 0 && !g->fast_keys)
        return;
    int64_t u = t + 3;
    g->rows = frozen ? 0 : 1200 + (Gen_random(g) - 0.5) * 200;
    Gen_sample(g, u, M_LAG_REPLICA_S, floor(g->lag), "SHOW SLAVE STATUS");
    Gen_sample(g, u, M_CDC_SOURCE_ROWS_PS, g->rows, "server status");
    Gen_sample(g, u, M_CDC_TARGET_ROWS_PS, g->rows * 0.98, "server status");
    Gen_sample(g, u, M_CDC_SOURCE_BINLOG_BPS, g->rows * 310, "server status");
    Gen_sample(g, u, M_CDC_TARGET_APPLY_BPS, g->rows * 305, "server status");
    Gen_sample(g, u, M_CDC_BACKLOG_BYTES, g->lag * 40000, "binlog positions");
    Gen_sample(g, u + 1, M_EP_QUERY_MS, 1.8 + Gen_random(g), "endpoint");
    Gen_sample(g, u + 1, M_EP_CONNECT_MS, 0.9 + Gen_random(g) * 0.5, "endpoint");
    Gen_sample(g, u + 1, M_EP_DNS_MS, 0.3 + Gen_random(g) * 0.2, "endpoint");
    if (rel < 60000)
        Gen_sample(g, u + 1, M_EP_TLS_MS, 4.0 + Gen_random(g), "endpoint");
    Gen_sample(g, u + 2, "rds.source.cpu_pct", 35 + Gen_random(g) * 10, "CloudWatch");
    Gen_sample(g, u + 2, "rds.target.cpu_pct", 22 + Gen_random(g) * 8, "CloudWatch");
    if (rel % 5000 == 0) {
        char gtid[48];
        g->gtid += frozen ? 0 : 6000;
        snprintf(gtid, sizeof gtid, "0-1-%ld", g->gtid);
        Gen_text(g, u + 3, M_GTID_SOURCE, gtid, "source");
        Gen_text(g, u + 3, M_GTID_TARGET, gtid, "target");
    }
}

static void Gen_header(Gen *g)
{
    char utc[32];
    Clock_format_utc(g->start, utc, sizeof utc);
    struct json_object *obj = json_object_new_object(), *op = json_object_new_object();
    json_object_object_add(obj, "cutover_session", json_object_new_int(1));
    json_object_object_add(obj, "version", json_object_new_string(PACKAGE_VERSION));
    json_object_object_add(obj, "plan", json_object_new_string(g->plan));
    json_object_object_add(obj, "plan_sha256", json_object_new_string("00"));
    json_object_object_add(obj, "host", json_object_new_string("gen-session"));
    json_object_object_add(op, "user", json_object_new_string("generator"));
    json_object_object_add(obj, "operator", op);
    json_object_object_add(obj, "start", json_object_new_int64(g->start));
    json_object_object_add(obj, "start_utc", json_object_new_string(utc));
    json_object_object_add(obj, "cols", json_object_new_int(120));
    json_object_object_add(obj, "rows", json_object_new_int(40));
    fprintf(g->out, "%s\n", json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PLAIN));
    json_object_put(obj);
}

static void Gen_run(Gen *g)
{
    Gen_header(g);
    int64_t prev = g->start - 1;
    for (int64_t t = g->start; t <= g->start + g->duration; t += 250) {
        Gen_story(g, prev, t);
        Gen_samples(g, t);
        prev = t;
    }
    /* Garbage the random placement left over goes before the last line. */
    for (; g->garbage_left > 0; g->garbage_left--)
        Gen_garbage(g, false);
    if (g->truncate && g->has_last) {
        g->last[strlen(g->last) / 2] = '\0';
        fputs(g->last, g->out);
        g->has_last = false;
    }
    Gen_flush_last(g);
}

/* A duration as an offset: "90s", "24h", "+1m30s". */
static int Gen_duration(const char *text, int64_t *out)
{
    char err[256], plus[64];
    snprintf(plus, sizeof plus, "%s%s", text[0] == '+' ? "" : "+", text);
    if (TimeArg_parse(plus, 0, 0, out, err, sizeof err) != 0) {
        fprintf(stderr, "gen-session: %s\n", err);
        return -1;
    }
    return 0;
}

static int Gen_options(Gen *g, int argc, char **argv, const char **path)
{
    static const struct option opts[] = {{"start", required_argument, NULL, 'S'},
                                         {"duration", required_argument, NULL, 'd'},
                                         {"cutover-at", required_argument, NULL, 'c'},
                                         {"fast-keys", no_argument, NULL, 'f'},
                                         {"plan", required_argument, NULL, 'p'},
                                         {"garbage", required_argument, NULL, 'g'},
                                         {"truncate", no_argument, NULL, 't'},
                                         {"seed", required_argument, NULL, 's'},
                                         {NULL, 0, NULL, 0}};
    char err[256];
    int c;
    bool cutover_given = false;
    while ((c = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
        int rc = 0;
        switch (c) {
        case 'S':
            if (strcmp(optarg, "now") == 0)
                g->start = Clock_wall_ms();
            else if ((rc = TimeArg_parse(optarg, 0, 0, &g->start, err, sizeof err)) != 0)
                fprintf(stderr, "gen-session: %s\n", err);
            break;
        case 'd': rc = Gen_duration(optarg, &g->duration); break;
        case 'c':
            rc = Gen_duration(optarg, &g->cutover_at);
            cutover_given = true;
            break;
        case 'f': g->fast_keys = true; break;
        case 'p': g->plan = optarg; break;
        case 'g': g->garbage = g->garbage_left = atol(optarg); break;
        case 't': g->truncate = true; break;
        case 's': g->rng = strtoull(optarg, NULL, 10) | 1; break;
        case 'o': *path = optarg; break;
        default: rc = -1; break;
        }
        if (rc != 0)
            return -1;
    }
    if (!cutover_given)
        g->cutover_at = g->duration * 6 / 10 / 1000 * 1000;
    return optind == argc ? 0 : -1;
}

int main(int argc, char **argv)
{
    Gen g = {.duration = 600000,
             .plan = "lab",
             .rng = 88172645463325252ULL,
             .lag = 0.3,
             .gtid = 1000000};
    const char *path = NULL;
    char err[256];
    TimeArg_parse("2026-11-21T00:20:00Z", 0, 0, &g.start, err, sizeof err);
    if (Gen_options(&g, argc, argv, &path) != 0) {
        fprintf(stderr, "usage: gen-session [--start UTC|now] [--duration 10m] [--cutover-at 6m] "
                        "[--fast-keys] [--plan NAME] [--garbage N] [--truncate] [--seed N] "
                        "[-o FILE]\n");
        return 2;
    }
    g.out = path ? fopen(path, "w") : stdout;
    if (!g.out) {
        perror(path);
        return 1;
    }
    Gen_run(&g);
    if (fclose(g.out) != 0) {
        perror(path ? path : "stdout");
        return 1;
    }
    fprintf(stderr, "gen-session: %ld events, %ld garbage lines%s\n", g.lines, g.garbage,
            g.truncate ? ", last line cut" : "");
    return 0;
}
