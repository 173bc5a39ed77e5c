#include "probes/servers.h"

#include <stdio.h>

#include "session/metrics.h"

void Servers_init(Servers *s, const char *prefix, bool cloudwatch)
{
    snprintf(s->prefix, sizeof s->prefix, "%s", prefix);
    s->silent = cloudwatch;
    RateWindow_reset(&s->reads);
    RateWindow_reset(&s->writes);
}

static void Servers_sample(Probe *p, Servers *s, const char *name, double value)
{
    if (s->silent)
        return;
    char key[EVENT_KEY_MAX];
    snprintf(key, sizeof key, "%s%s", s->prefix, name);
    Probe_sample(p, key, value, SERVERS_ORIGIN);
}

static void Servers_rate(Probe *p, Servers *s, RateWindow *w, const char *name, double counter,
                         int64_t mono_ms)
{
    double per_s;
    RateWindow_add(w, mono_ms, counter);
    if (RateWindow_rate(w, 0, &per_s))
        Servers_sample(p, s, name, per_s);
}

void Servers_post(Probe *p, Servers *s, const ServerStatus *st, int64_t mono_ms)
{
    if (st->have_connections)
        Servers_sample(p, s, M_RDS_CONNECTIONS, st->connections);
    if (st->have_reads)
        Servers_rate(p, s, &s->reads, M_RDS_READ_IOPS, st->data_reads, mono_ms);
    if (st->have_writes)
        Servers_rate(p, s, &s->writes, M_RDS_WRITE_IOPS, st->data_writes, mono_ms);
}

void Servers_post_replica_lag(Probe *p, Servers *s, double lag_s)
{
    Servers_sample(p, s, M_RDS_REPLICA_LAG_S, lag_s);
}
