#include "probes/sentinel.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "aws/awsplan.h"
#include "aws/rds.h"
#include "lib/clock.h"
#include "probes/netprobe.h"
#include "session/metrics.h"

#define SENTINEL_MAX_ADDRS 16

/* What the running sentinel knows, shared with pre-flight and the gate on
 * the executor's thread. */
static pthread_mutex_t sentinel_lock = PTHREAD_MUTEX_INITIALIZER;
static SentinelLookFn sentinel_look_fn;
static char sentinel_first[ADDRS_TEXT_MAX];

static int Sentinel_resolve(const char *host, int port, char *out, size_t size, char *err,
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

/* The real look: the instance's endpoint from RDS, resolved, and the target
 * group's targets, all with the source side's AWS settings (the NLB sits in
 * the source's account), on one client kept between looks. */
static int Sentinel_look_aws(const Plan *plan, Aws_client **client, SentinelLook *out, char *err,
                             size_t errlen)
{
    Rds_instance inst;
    if (!*client)
        *client = Awsplan_client(&plan->aws, AWS_SIDE_SOURCE, 5000, err, errlen);
    Aws_client *a = *client;
    if (!a)
        return -1;
    int rc = Rds_describe_instance(a, plan->source.rds_instance, &inst, err, errlen);
    if (rc == 0 && !inst.address[0]) {
        snprintf(err, errlen, "RDS instance %s has no endpoint address (status %s)", inst.id,
                 inst.status);
        rc = -1;
    }
    if (rc == 0) {
        snprintf(out->endpoint, sizeof out->endpoint, "%s", inst.address);
        rc = Sentinel_resolve(inst.address, inst.port, out->addrs, sizeof out->addrs, err, errlen);
    }
    if (rc == 0 && out->have_group) {
        int n = Elb_target_health(a, plan->endpoint.target_group_arn, out->targets, ELB_TARGETS_MAX,
                                  err, errlen);
        rc = n < 0 ? -1 : 0;
        out->ntargets = n < 0 ? 0 : (size_t)n;
    }
    return rc;
}

void Sentinel_set_look(SentinelLookFn fn)
{
    pthread_mutex_lock(&sentinel_lock);
    sentinel_look_fn = fn;
    pthread_mutex_unlock(&sentinel_lock);
}

void Sentinel_reset(void)
{
    pthread_mutex_lock(&sentinel_lock);
    sentinel_first[0] = '\0';
    pthread_mutex_unlock(&sentinel_lock);
}

static int Sentinel_look(const Plan *plan, Aws_client **client, SentinelLook *out, char *err,
                         size_t errlen)
{
    pthread_mutex_lock(&sentinel_lock);
    SentinelLookFn fn = sentinel_look_fn ? sentinel_look_fn : Sentinel_look_aws;
    pthread_mutex_unlock(&sentinel_lock);
    memset(out, 0, sizeof *out);
    out->have_group = plan->endpoint.target_group_arn && plan->endpoint.target_group_arn[0];
    return fn(plan, client, out, err, errlen);
}

const char *Sentinel_instance(const Plan *plan)
{
    const char *id = plan->source.rds_instance;
    return id && *id ? id : NULL;
}

static bool Sentinel_healthy_target(const SentinelLook *l, const char *addr, size_t len)
{
    for (size_t i = 0; i < l->ntargets; i++)
        if (strlen(l->targets[i].id) == len && !strncmp(l->targets[i].id, addr, len) &&
            !strcmp(l->targets[i].state, "healthy"))
            return true;
    return false;
}

/* "10.0.1.25:3306 healthy, 10.0.1.26:3306 draining" into buf. */
static void Sentinel_targets_text(const SentinelLook *l, char *buf, size_t size)
{
    size_t len = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < l->ntargets && len < size; i++)
        len += (size_t)snprintf(buf + len, size - len, "%s%s:%d %s", i ? ", " : "",
                                l->targets[i].id, l->targets[i].port, l->targets[i].state);
    if (!l->ntargets)
        snprintf(buf, size, "no target");
}

static bool Sentinel_judge_group(const SentinelLook *l, char *why, size_t size)
{
    char targets[ADDRS_TEXT_MAX];
    Sentinel_targets_text(l, targets, sizeof targets);
    for (const char *a = l->addrs; *a;) {
        size_t len = strcspn(a, ",");
        if (!Sentinel_healthy_target(l, a, len)) {
            snprintf(why, size,
                     "the instance is at %s, the NLB forwards to %s: failover? "
                     "register the new address",
                     l->addrs, targets);
            return false;
        }
        a += len;
        a += strspn(a, ", ");
    }
    snprintf(why, size, "the instance is at %s, a healthy target of the NLB (%s)", l->addrs,
             targets);
    return true;
}

bool Sentinel_judge(const SentinelLook *l, const char *first, char *why, size_t size)
{
    if (l->have_group)
        return Sentinel_judge_group(l, why, size);
    if (!first || !first[0]) {
        snprintf(why, size, "%s is at %s (no target group to compare with)", l->endpoint, l->addrs);
        return true;
    }
    if (strcmp(first, l->addrs) != 0) {
        snprintf(why, size, "%s moved from %s to %s (RDS failover? the endpoint's target is stale)",
                 l->endpoint, first, l->addrs);
        return false;
    }
    snprintf(why, size, "%s still resolves to %s, as at start", l->endpoint, l->addrs);
    return true;
}

bool Sentinel_check(const Plan *plan, char *why, size_t size)
{
    char first[ADDRS_TEXT_MAX], err[512];
    SentinelLook l;
    if (!Sentinel_instance(plan)) {
        snprintf(why, size, "not watched (the plan names no source.rds_instance)");
        return true;
    }
    Aws_client *client = NULL;
    int rc = Sentinel_look(plan, &client, &l, err, sizeof err);
    Aws_client_free(client);
    if (rc != 0) {
        snprintf(why, size, "cannot tell where %s is: %s", plan->source.rds_instance, err);
        return false;
    }
    pthread_mutex_lock(&sentinel_lock);
    snprintf(first, sizeof first, "%s", sentinel_first);
    pthread_mutex_unlock(&sentinel_lock);
    return Sentinel_judge(&l, first, why, size);
}

static void Sentinel_round(Probe *p, Aws_client **client, bool *alarmed)
{
    char err[512], why[EVENT_TEXT_MAX], first[ADDRS_TEXT_MAX];
    SentinelLook l;
    if (Sentinel_look(p->plan, client, &l, err, sizeof err) != 0) {
        Probe_health(p, PROBE_ERROR, "%s", err);
        return;
    }
    Probe_text(p, M_RDS_SOURCE_ADDRESS, l.addrs, l.have_group ? "NLB" : "DNS");
    pthread_mutex_lock(&sentinel_lock);
    if (!sentinel_first[0])
        snprintf(sentinel_first, sizeof sentinel_first, "%s", l.addrs);
    snprintf(first, sizeof first, "%s", sentinel_first);
    pthread_mutex_unlock(&sentinel_lock);
    bool go = Sentinel_judge(&l, first, why, sizeof why);
    if (go == *alarmed) {
        char text[EVENT_TEXT_MAX];
        snprintf(text, sizeof text, "%s: %s",
                 go ? "failover sentinel cleared" : "failover sentinel", why);
        Probe_alarm(p, M_RDS_SOURCE_ADDRESS, !go, text);
        *alarmed = !go;
    }
    Probe_ok(p);
    Probe_fresh(p);
}

/* One client for the whole run, as the CloudWatch probe keeps its own: a
 * role is assumed once and refreshed before it expires, not on every
 * refresh. */
void Sentinel_run(Probe *p)
{
    bool alarmed = false;
    Aws_client *client = NULL;
    Sentinel_reset();
    while (!Probe_stopping(p)) {
        int64_t start = Clock_mono_ms();
        Sentinel_round(p, &client, &alarmed);
        if (!Probe_sleep(p, p->interval_ms - (Clock_mono_ms() - start)))
            break;
    }
    Aws_client_free(client);
}
