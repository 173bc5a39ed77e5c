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

size_t Cloudwatch_queries(const Plan *plan, unsigned sides, const char *dms_instance_id,
                          Cw_query *q, CloudwatchFigure *f, size_t max)
{
    size_t n = 0;
    if (sides & CLOUDWATCH_SOURCE)
        n = Cloudwatch_rds(plan->source.rds_instance, M_RDS_SOURCE_PREFIX, "src", q, f, n, max);
    if (!(sides & CLOUDWATCH_TARGET))
        return n;
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

/* One client per account; when both sides are the same settings, the
 * source's figures ride along in the target's call (client[0] NULL). */
typedef struct AwsLoop {
    Aws_client *client[2]; /* by AwsSide */
    DmsProbe dms;
    int64_t next_cw_ms, next_dms_ms;
    char cw_error[512], dms_error[512];
} AwsLoop;

/* One GetMetricData in one account; 0 nothing asked, -1 failed (cw_error). */
static int Cloudwatch_ask(Probe *p, AwsLoop *l, Aws_client *client, unsigned sides)
{
    Cw_query q[CLOUDWATCH_MAX_QUERIES];
    CloudwatchFigure f[CLOUDWATCH_MAX_QUERIES];
    Cw_result res[CLOUDWATCH_MAX_QUERIES];
    size_t n = Cloudwatch_queries(p->plan, sides, l->dms.instance_id, q, f, CLOUDWATCH_MAX_QUERIES);
    if (n == 0)
        return 0;
    int attempts = 0;
    if (Cw_get_metric_data(client, q, n, 600, res, &attempts, l->cw_error, sizeof l->cw_error) != 0)
        return -1;
    int posted = Cloudwatch_post(p, f, res, n);
    if (attempts > 1)
        Probe_log(p, LOG_WARN, "CloudWatch GetMetricData answered after %d attempts (throttled)",
                  attempts);
    if (posted == 0)
        snprintf(l->cw_error, sizeof l->cw_error,
                 "CloudWatch: no datapoints in the last 10 minutes for %zu metrics", n);
    return posted == 0 ? -1 : (int)posted;
}

static void Cloudwatch_round(Probe *p, AwsLoop *l)
{
    l->cw_error[0] = '\0';
    if (l->client[AWS_SIDE_SOURCE]) {
        /* Each account asked, whatever the other answered; the first
         * failure is the one shown. */
        char source_error[sizeof l->cw_error] = "";
        if (Cloudwatch_ask(p, l, l->client[AWS_SIDE_SOURCE], CLOUDWATCH_SOURCE) < 0)
            snprintf(source_error, sizeof source_error, "source account: %s", l->cw_error);
        l->cw_error[0] = '\0';
        Cloudwatch_ask(p, l, l->client[AWS_SIDE_TARGET], CLOUDWATCH_TARGET);
        if (source_error[0])
            snprintf(l->cw_error, sizeof l->cw_error, "%s", source_error);
    } else {
        Cloudwatch_ask(p, l, l->client[AWS_SIDE_TARGET], CLOUDWATCH_SOURCE | CLOUDWATCH_TARGET);
    }
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
            DmsProbe_round(p, &l->dms, l->client[AWS_SIDE_TARGET], l->dms_error,
                           sizeof l->dms_error);
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
    const PlanAws *aws = &p->plan->aws;
    l.client[AWS_SIDE_TARGET] = Awsplan_client(aws, AWS_SIDE_TARGET, 5000, err, sizeof err);
    if (l.client[AWS_SIDE_TARGET] && p->plan->source.rds_instance && !Awsplan_one_account(aws))
        l.client[AWS_SIDE_SOURCE] = Awsplan_client(aws, AWS_SIDE_SOURCE, 5000, err, sizeof err);
    if (!l.client[AWS_SIDE_TARGET] ||
        (p->plan->source.rds_instance && !Awsplan_one_account(aws) && !l.client[AWS_SIDE_SOURCE])) {
        Probe_health(p, PROBE_ERROR, "%s", err);
    } else {
        Cloudwatch_loop(p, &l);
    }
    Aws_client_free(l.client[AWS_SIDE_SOURCE]);
    Aws_client_free(l.client[AWS_SIDE_TARGET]);
}
