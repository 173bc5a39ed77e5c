#include "probes/cloudwatch.h"

#include <stdio.h>
#include <string.h>

#include "aws/awsplan.h"
#include "aws/dms.h"
#include "lib/clock.h"
#include "probes/dms.h"
#include "session/metrics.h"

typedef struct CwMetric {
    const char *name;
    const char *suffix;
    double scale;
} CwMetric;

static const CwMetric RDS_METRICS[] = {
    {"DatabaseConnections", M_RDS_CONNECTIONS, 1},
    {"FreeableMemory", M_RDS_FREEABLE_MB, 1.0 / (1024 * 1024)},
    {"ReadIOPS", M_RDS_READ_IOPS, 1},
    {"WriteIOPS", M_RDS_WRITE_IOPS, 1},
    {"CPUUtilization", M_RDS_CPU_PCT, 1},
    {"ReplicaLag", M_RDS_REPLICA_LAG_S, 1},
};

static const CwMetric DMS_METRICS[] = {
    {"CDCLatencySource", M_DMS_LATENCY_SOURCE_S, 1},
    {"CDCLatencyTarget", M_DMS_LATENCY_TARGET_S, 1},
    {"CDCIncomingChanges", M_DMS_INCOMING_CHANGES, 1},
    {"CDCThroughputRowsSource", M_DMS_THROUGHPUT_SOURCE, 1},
    {"CDCThroughputRowsTarget", M_DMS_THROUGHPUT_TARGET, 1},
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static size_t Cloudwatch_rds(const char *instance, const char *prefix, const char *idp, Cw_query *q,
                             CloudwatchFigure *f, size_t n, size_t max)
{
    for (size_t i = 0; instance && i < COUNT(RDS_METRICS) && n < max; i++, n++) {
        char id[16];
        snprintf(id, sizeof id, "%s%zu", idp, i);
        Cw_rds_query(&q[n], id, RDS_METRICS[i].name, instance);
        snprintf(f[n].key, sizeof f[n].key, "%s%s", prefix, RDS_METRICS[i].suffix);
        f[n].scale = RDS_METRICS[i].scale;
    }
    return n;
}

size_t Cloudwatch_queries(const Plan *plan, const char *dms_instance_id, Cw_query *q,
                          CloudwatchFigure *f, size_t max)
{
    size_t n = Cloudwatch_rds(plan->source.rds_instance, M_RDS_SOURCE_PREFIX, "src", q, f, 0, max);
    n = Cloudwatch_rds(plan->target.rds_instance, M_RDS_TARGET_PREFIX, "tgt", q, f, n, max);
    if (!plan->aws.dms_task_arn || !dms_instance_id || !dms_instance_id[0])
        return n;
    const char *task = Dms_resource_id(plan->aws.dms_task_arn);
    for (size_t i = 0; i < COUNT(DMS_METRICS) && n < max; i++, n++) {
        char id[16];
        snprintf(id, sizeof id, "dms%zu", i);
        Cw_dms_query(&q[n], id, DMS_METRICS[i].name, dms_instance_id, task);
        snprintf(f[n].key, sizeof f[n].key, "%s", DMS_METRICS[i].suffix);
        f[n].scale = DMS_METRICS[i].scale;
    }
    return n;
}

static const Cw_result *Cloudwatch_find(const CloudwatchFigure *f, const Cw_result *res, size_t n,
                                        const char *key)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(f[i].key, key) && res[i].has_value)
            return &res[i];
    return NULL;
}

int Cloudwatch_post(Probe *p, const CloudwatchFigure *f, const Cw_result *res, size_t n)
{
    int posted = 0;
    for (size_t i = 0; i < n; i++) {
        if (!res[i].has_value)
            continue; /* no datapoint: say nothing rather than a stale or made-up figure */
        Probe_sample(p, f[i].key, res[i].value * f[i].scale, ORIGIN_CLOUDWATCH);
        posted++;
    }
    /* DMS's own view of the lag end to end is CDCLatencyTarget: it counts
     * from the source's commit, so adding CDCLatencySource would count the
     * source's half twice and give a figure that means neither. */
    const Cw_result *tgt = Cloudwatch_find(f, res, n, M_DMS_LATENCY_TARGET_S);
    if (tgt)
        Probe_sample(p, M_LAG_DMS_S, tgt->value, ORIGIN_CLOUDWATCH);
    /* A CloudWatch minute is old news at 00:30:05: the panel shows its age. */
    double newest = 0;
    for (size_t i = 0; i < n; i++)
        if (res[i].has_value && strncmp(f[i].key, "dms.", 4) == 0 && res[i].timestamp > newest)
            newest = res[i].timestamp;
    if (newest > 0)
        Probe_sample(p, M_DMS_CW_AT, newest, ORIGIN_CLOUDWATCH);
    return posted;
}

typedef struct AwsLoop {
    Aws_client *client;
    DmsProbe dms;
    int64_t next_cw_ms, next_dms_ms;
    char cw_error[512], dms_error[512];
} AwsLoop;

static void Cloudwatch_round(Probe *p, AwsLoop *l)
{
    Cw_query q[CLOUDWATCH_MAX_QUERIES];
    CloudwatchFigure f[CLOUDWATCH_MAX_QUERIES];
    Cw_result res[CLOUDWATCH_MAX_QUERIES];
    size_t n = Cloudwatch_queries(p->plan, l->dms.instance_id, q, f, CLOUDWATCH_MAX_QUERIES);
    l->cw_error[0] = '\0';
    if (n == 0)
        return;
    int attempts = 0;
    if (Cw_get_metric_data(l->client, q, n, 600, res, &attempts, l->cw_error, sizeof l->cw_error) !=
        0)
        return;
    int posted = Cloudwatch_post(p, f, res, n);
    if (attempts > 1)
        Probe_log(p, LOG_WARN, "CloudWatch GetMetricData answered after %d attempts (throttled)",
                  attempts);
    if (posted == 0)
        snprintf(l->cw_error, sizeof l->cw_error,
                 "CloudWatch: no datapoints in the last 10 minutes for %zu metrics", n);
}

static void Cloudwatch_health(Probe *p, AwsLoop *l)
{
    if (l->dms_error[0])
        Probe_health(p, PROBE_ERROR, "%s", l->dms_error);
    else if (l->cw_error[0])
        Probe_health(p, PROBE_ERROR, "%s", l->cw_error);
    else {
        Probe_ok(p);
        Probe_fresh(p);
    }
}

static void Cloudwatch_loop(Probe *p, AwsLoop *l)
{
    const Plan *plan = p->plan;
    int refresh = plan->timings.refresh_ms > 0 ? plan->timings.refresh_ms : 1000;
    int cw_every = refresh > CLOUDWATCH_MIN_INTERVAL_MS ? refresh : CLOUDWATCH_MIN_INTERVAL_MS;
    int dms_every = refresh > DMS_MIN_INTERVAL_MS ? refresh : DMS_MIN_INTERVAL_MS;
    if (plan->aws.dms_task_arn)
        Probe_text(p, M_DMS_TASK, Dms_resource_id(plan->aws.dms_task_arn), "plan");
    while (!Probe_stopping(p)) {
        int64_t now = Clock_mono_ms();
        if (plan->aws.dms_task_arn && now >= l->next_dms_ms) {
            l->dms_error[0] = '\0';
            DmsProbe_round(p, &l->dms, l->client, l->dms_error, sizeof l->dms_error);
            l->next_dms_ms = now + dms_every;
        }
        if (now >= l->next_cw_ms) {
            Cloudwatch_round(p, l);
            l->next_cw_ms = now + cw_every;
        }
        Cloudwatch_health(p, l);
        int64_t next = l->next_cw_ms;
        if (plan->aws.dms_task_arn && l->next_dms_ms < next)
            next = l->next_dms_ms;
        if (!Probe_sleep(p, next - Clock_mono_ms()))
            break;
    }
}

void Cloudwatch_run(Probe *p)
{
    AwsLoop l;
    memset(&l, 0, sizeof l);
    char err[512];
    /* Short attempts: a slow AWS must not hold up the console's stop. */
    l.client = Awsplan_client(&p->plan->aws, 5000, err, sizeof err);
    if (!l.client) {
        Probe_health(p, PROBE_ERROR, "%s", err);
        return;
    }
    Cloudwatch_loop(p, &l);
    Aws_client_free(l.client);
}
