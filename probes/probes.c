/* Starts the probe threads and a supervisor that marks a probe STALE when it
 * has been OK but silent for three of its intervals (typically because it is
 * stuck inside a database call that its read timeout will end). */
#include "probes/probes.h"

#include <stdlib.h>
#include <string.h>

#include "aws/awsplan.h"
#include "lib/clock.h"
#include "probes/cloudwatch.h"
#include "probes/endpoint.h"
#include "probes/heartbeat.h"
#include "session/metrics.h"
#include "probes/probe.h"
#include "probes/sentinel.h"
#include "probes/server.h"

#define PROBES_COUNT        7 /* at most: the AWS ones only when the plan has AWS */
#define PROBES_SUPERVISE_MS 100

struct Probes {
    ProbeShared shared;
    Probe probes[PROBES_COUNT];
    size_t count;
    Probe supervisor;
};

static void Probes_supervise(Probe *self)
{
    Probes *all = self->ctx;
    while (Probe_sleep(self, PROBES_SUPERVISE_MS)) {
        int64_t now = Clock_mono_ms();
        for (size_t i = 0; i < all->count; i++)
            Probe_check_stale(&all->probes[i], now);
    }
}

static void Probes_define(Probes *all, const ProbesConfig *config)
{
    const PlanTimings *t = &config->plan->timings;
    int refresh = t->refresh_ms > 0 ? t->refresh_ms : 1000;
    int beat = t->heartbeat_ms > 0 ? t->heartbeat_ms : 250;
    Probe_init(&all->probes[0], PROBE_HEARTBEAT_WRITE, config->write_heartbeat ? beat : 1000,
               Heartbeat_write_run);
    Probe_init(&all->probes[1], PROBE_HEARTBEAT, beat, Heartbeat_read_run);
    Probe_init(&all->probes[2], PROBE_SOURCE, refresh, Server_source_run);
    Probe_init(&all->probes[3], PROBE_TARGET, refresh, Server_target_run);
    Probe_init(&all->probes[4], PROBE_ENDPOINT, refresh, Endpoint_run);
    all->count = 5;
    /* AWS's Describe calls are rate limited per account: not every second. */
    int aws = refresh > DMS_MIN_INTERVAL_MS ? refresh : DMS_MIN_INTERVAL_MS;
    if (Awsplan_watches(config->plan))
        Probe_init(&all->probes[all->count++], PROBE_AWS, aws, Cloudwatch_run);
    if (Sentinel_instance(config->plan))
        Probe_init(&all->probes[all->count++], PROBE_SENTINEL, aws, Sentinel_run);
    Probe_init(&all->supervisor, "supervisor", PROBES_SUPERVISE_MS, Probes_supervise);
    all->supervisor.silent = true;
    for (size_t i = 0; i <= all->count; i++) {
        Probe *p = i < all->count ? &all->probes[i] : &all->supervisor;
        p->plan = config->plan;
        p->bus = config->bus;
        p->shared = &all->shared;
        p->write_heartbeat = config->write_heartbeat;
        p->ctx = all;
    }
}

Probes *Probes_start(const ProbesConfig *config)
{
    Probes *all = calloc(1, sizeof *all);
    if (!all)
        return NULL;
    pthread_mutex_init(&all->shared.lock, NULL);
    atomic_init(&all->shared.heartbeat_writes, config->write_heartbeat);
    Probes_define(all, config);
    for (size_t i = 0; i < all->count; i++)
        Probe_start(&all->probes[i]);
    Probe_start(&all->supervisor);
    return all;
}

void Probes_set_heartbeat_writes(Probes *all, bool on)
{
    if (all && all->probes[0].write_heartbeat)
        atomic_store(&all->shared.heartbeat_writes, on);
}

void Probes_stop(Probes *all)
{
    if (!all)
        return;
    Probe_request_stop(&all->supervisor);
    for (size_t i = 0; i < all->count; i++)
        Probe_request_stop(&all->probes[i]);
    Probe_join(&all->supervisor);
    for (size_t i = 0; i < all->count; i++)
        Probe_join(&all->probes[i]);
    for (size_t i = 0; i < all->count; i++)
        Probe_destroy(&all->probes[i]);
    Probe_destroy(&all->supervisor);
    pthread_mutex_destroy(&all->shared.lock);
    free(all);
}
