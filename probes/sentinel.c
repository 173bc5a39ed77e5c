#include "probes/sentinel.h"

#include <arpa/inet.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "lib/clock.h"
#include "probes/addrs.h"
#include "session/metrics.h"
#include "probes/netprobe.h"

#define SENTINEL_MAX_ADDRS 16

/* What the running sentinel knows, for pre-flight on the executor thread. */
static pthread_mutex_t sentinel_lock = PTHREAD_MUTEX_INITIALIZER;
static SentinelResolveFn sentinel_resolver;
static AddrWatch sentinel_watch;

static int Sentinel_getaddrinfo(const char *host, int port, char *out, size_t size, char *err,
                                size_t errlen)
{
    struct addrinfo *res = NULL;
    if (Netprobe_resolve(host, port, 2000, &res, err, errlen) != 0)
        return -1;
    char texts[SENTINEL_MAX_ADDRS][64];
    char *ptrs[SENTINEL_MAX_ADDRS];
    size_t n = 0;
    for (const struct addrinfo *ai = res; ai && n < SENTINEL_MAX_ADDRS; ai = ai->ai_next, n++) {
        Netprobe_address_text(ai, texts[n], sizeof texts[n]);
        ptrs[n] = texts[n];
    }
    freeaddrinfo(res);
    Addrs_join(ptrs, n, out, size);
    return 0;
}

void Sentinel_set_resolver(SentinelResolveFn fn)
{
    pthread_mutex_lock(&sentinel_lock);
    sentinel_resolver = fn;
    pthread_mutex_unlock(&sentinel_lock);
}

void Sentinel_reset(void)
{
    pthread_mutex_lock(&sentinel_lock);
    memset(&sentinel_watch, 0, sizeof sentinel_watch);
    pthread_mutex_unlock(&sentinel_lock);
}

static int Sentinel_resolve(const char *host, int port, char *out, size_t size, char *err,
                            size_t errlen)
{
    pthread_mutex_lock(&sentinel_lock);
    SentinelResolveFn fn = sentinel_resolver ? sentinel_resolver : Sentinel_getaddrinfo;
    pthread_mutex_unlock(&sentinel_lock);
    return fn(host, port, out, size, err, errlen);
}

static bool Sentinel_numeric(const char *host)
{
    unsigned char buf[16];
    return inet_pton(AF_INET, host, buf) == 1 || inet_pton(AF_INET6, host, buf) == 1;
}

const char *Sentinel_host(const Plan *plan)
{
    const char *h = plan->source.host;
    if (!plan->source.rds_instance || !h || !*h || Sentinel_numeric(h))
        return NULL;
    return h;
}

/* Folds one resolution into the shared watch; ADDRS_RAISE/CLEAR on change. */
static AddrsChange Sentinel_update(const char *now, char *why, size_t size)
{
    pthread_mutex_lock(&sentinel_lock);
    AddrsChange change = AddrWatch_update(&sentinel_watch, now, why, size);
    pthread_mutex_unlock(&sentinel_lock);
    return change;
}

bool Sentinel_check(const Plan *plan, char *why, size_t size)
{
    const char *host = Sentinel_host(plan);
    if (!host) {
        snprintf(why, size, "not watched (the source has no rds_instance or is an address)");
        return true;
    }
    char now[ADDRS_TEXT_MAX], err[256];
    if (Sentinel_resolve(host, plan->source.port, now, sizeof now, err, sizeof err) != 0) {
        snprintf(why, size, "%s does not resolve: %s", host, err);
        return false;
    }
    pthread_mutex_lock(&sentinel_lock);
    AddrWatch w = sentinel_watch;
    pthread_mutex_unlock(&sentinel_lock);
    if (!w.have_first) {
        snprintf(why, size, "%s resolves to %s (no address recorded at start to compare)", host,
                 now);
        return true;
    }
    bool same = strcmp(w.first, now) == 0;
    if (w.alarmed || !same) {
        snprintf(why, size, "%s moved from %s to %s (RDS failover? the endpoint's target is stale)",
                 host, w.first, now);
        return false;
    }
    snprintf(why, size, "%s still resolves to %s, as at start", host, now);
    return true;
}

static void Sentinel_round(Probe *p, const char *host)
{
    char now[ADDRS_TEXT_MAX], err[256], why[EVENT_TEXT_MAX];
    if (Sentinel_resolve(host, p->plan->source.port, now, sizeof now, err, sizeof err) != 0) {
        Probe_health(p, PROBE_ERROR, "%s: %s", host, err);
        return;
    }
    Probe_text(p, M_RDS_SOURCE_ADDRESS, now, "DNS");
    AddrsChange change = Sentinel_update(now, why, sizeof why);
    if (change != ADDRS_SAME) {
        char text[EVENT_TEXT_MAX];
        snprintf(text, sizeof text, "%s: RDS %s",
                 change == ADDRS_RAISE ? "failover sentinel" : "failover sentinel cleared", why);
        Probe_alarm(p, M_RDS_SOURCE_ADDRESS, change == ADDRS_RAISE, text);
    }
    Probe_ok(p);
    Probe_fresh(p);
}

void Sentinel_run(Probe *p)
{
    const char *host = Sentinel_host(p->plan);
    if (!host) {
        Probe_health(p, PROBE_ERROR, "no RDS endpoint name to watch");
        return;
    }
    Sentinel_reset();
    while (!Probe_stopping(p)) {
        int64_t start = Clock_mono_ms();
        Sentinel_round(p, host);
        if (!Probe_sleep(p, p->interval_ms - (Clock_mono_ms() - start)))
            break;
    }
}
