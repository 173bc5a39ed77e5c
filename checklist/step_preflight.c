#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "aws/awsplan.h"
#include "aws/cloudwatch.h"
#include "aws/dms.h"
#include "aws/dms_mappings.h"
#include "aws/route53.h"
#include "aws/sts.h"
#include "checklist/checks.h"
#include "checklist/preflight.h"
#include "checklist/replication.h"
#include "lib/clock.h"
#include "notify/webhook.h"
#include "probes/sentinel.h"

void Check(Checks *k, const char *name, bool pass, const char *fmt, ...)
{
    char why[EVENT_TEXT_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    if (!pass)
        k->failed++;
    if (k->fn)
        k->fn(k->arg, name, pass, why);
    k->c->error[0] = '\0';
}

static const char *Pf_hb_table(const StepCtx *c)
{
    const char *t = c->plan->lag_zero.heartbeat_table;
    return t && t[0] ? t : "cutover.heartbeat";
}

static const char *Pf_fence_table(const StepCtx *c)
{
    const char *t = c->plan->lag_zero.fence_table;
    return t && t[0] ? t : "cutover.fence";
}

static double Pf_threshold_s(const StepCtx *c)
{
    return c->plan->thresholds.lag_seconds >= 0 ? c->plan->thresholds.lag_seconds : 5.0;
}

/* Route 53 clients keep the old name this long: AWS advises 5 s or less. */
#define PF_TTL_WARN_S 60

static void Pf_describe_aws(StepCtx *c)
{
    const Plan *p = c->plan;
    if (p->aws.dms_task_arn)
        Step_say(c,
                 "DMS DescribeReplicationTasks, DescribeTableStatistics %s (running, full load "
                 "100%%, no errored or mismatched table; its TableMappings carry the heartbeat, "
                 "fence and verified tables); CloudWatch CDCLatencyTarget under the threshold",
                 p->aws.dms_task_arn);
    if (p->swap.method == SWAP_ROUTE53)
        Step_say(c, "Route 53 ListResourceRecordSets %s (TTL over %d s: a warning)", p->swap.aws_id,
                 PF_TTL_WARN_S);
    if (p->swap.from && (p->swap.method == SWAP_SSM || p->swap.method == SWAP_ROUTE53))
        Step_say(c, "%s %s: holds %s (swap.from)",
                 p->swap.method == SWAP_SSM ? "SSM GetParameter"
                                            : "Route 53 ListResourceRecordSets",
                 p->swap.aws_id, p->swap.from);
    if (Sentinel_instance(p))
        Step_say(c, "RDS DescribeDBInstances %s, resolve its endpoint: %s", Sentinel_instance(p),
                 p->endpoint.target_group_arn
                     ? "every address a healthy target of the NLB (ELBv2 DescribeTargetHealth)"
                     : "the addresses recorded at start expected");
    static const AwsSide sides[] = {AWS_SIDE_SOURCE, AWS_SIDE_TARGET};
    for (size_t i = 0; i < 2; i++) {
        AwsSide side = sides[i];
        if (Awsplan_side_used(p, side)) {
            const char *expected = Plan_aws_side(&p->aws, side).account_id;
            Step_say(c, "STS GetCallerIdentity with the %s side's credentials%s%s%s",
                     side == AWS_SIDE_SOURCE ? "source" : "target", expected ? " (account " : "",
                     expected ? expected : "", expected ? ")" : "");
        }
    }
}

void Preflight_describe(StepCtx *c)
{
    Step_say(c, "connect to source and target (tls %s / %s)", Plan_tls_name(c->plan->source.tls),
             Plan_tls_name(c->plan->target.tls));
    Step_say(c, "source: SELECT @@global.binlog_format (ROW expected)");
    if (!c->plan->source.rds_instance)
        Step_say(c,
                 "source: SELECT @@global.binlog_expire_logs_seconds, @@global.expire_logs_days "
                 "(>= %d h)",
                 c->plan->binlog_retention_min_hours);
    Step_say(c, "how the target is fed: %s%s",
             c->plan->replication == REPLICATION_AUTO ? "detected (DMS task in the plan, else "
                                                        "SHOW SLAVE STATUS: a replica or not)"
                                                      : Plan_replication_name(c->plan->replication),
             c->plan->replication == REPLICATION_NATIVE
                 ? "; target: SHOW SLAVE STATUS (IO and SQL threads Yes)"
                 : "");
    Step_say(c,
             "source: CREATE DATABASE/TABLE IF NOT EXISTS %s, %s; both: SELECT COUNT(*) FROM "
             "information_schema.tables",
             Pf_hb_table(c), Pf_fence_table(c));
    Step_say(c,
             "source: INSERT INTO %s (id, created_at, note) a pre-flight fence row; target: poll "
             "until it arrives (the path the lag-zero proof will take, timed)",
             Pf_fence_table(c));
    Step_say(c,
             "source: INSERT INTO %s (id, ts) VALUES (1, NOW(6)) ON DUPLICATE KEY UPDATE ts = "
             "NOW(6); target: poll until it arrives; every 500 ms for %.0f s, each under %.1f s",
             Pf_hb_table(c), c->plan->preflight_lag_window_s, Pf_threshold_s(c));
    PreflightRds_describe(c);
    PreflightVerify_describe(c);
    Pf_describe_aws(c);
}

static void Pf_connect(Checks *k, const char *name, Db *(*connect)(StepCtx *), const PlanServer *s)
{
    Db *db = connect(k->c);
    if (!db) {
        Check(k, name, false, "%s", k->c->error);
        return;
    }
    char cipher[128];
    bool tls = Db_tls_cipher(db, cipher, sizeof cipher);
    Check(k, name, true, "connected as %s, tls %s: %s", s->user ? s->user : "?",
          Plan_tls_name(s->tls), tls ? cipher : "not encrypted");
}

static void Pf_binlog_format(Checks *k)
{
    char fmt[32] = "";
    int rc =
        Step_string(k->c, k->c->source, "source", "SELECT @@global.binlog_format", fmt, sizeof fmt);
    if (rc < 0)
        Check(k, "binlog format", false, "%s", k->c->error);
    else
        Check(k, "binlog format", strcmp(fmt, "ROW") == 0, "binlog_format=%s (ROW needed)", fmt);
}

static void Pf_retention(Checks *k)
{
    if (k->c->plan->source.rds_instance) {
        PreflightRds_retention(k);
        return;
    }
    int64_t secs = -1, days = -1;
    if (Step_int(k->c, k->c->source, "source", "SELECT @@global.binlog_expire_logs_seconds",
                 &secs) != 1) {
        k->c->error[0] = '\0';
        double d;
        char err[400];
        if (k->c->source && Db_query_double(k->c->source, "SELECT @@global.expire_logs_days", &d,
                                            err, sizeof err) == 1)
            days = (int64_t)(d * 86400);
        secs = days;
    }
    int need = k->c->plan->binlog_retention_min_hours;
    if (secs < 0)
        Check(k, "binlog retention", false, "cannot read the binlog expiry settings");
    else if (secs == 0)
        Check(k, "binlog retention", true, "binlogs never expire (>= %d h needed)", need);
    else
        Check(k, "binlog retention", secs >= (int64_t)need * 3600,
              "binlogs kept %.1f h (%d h needed)", secs / 3600.0, need);
}

static void Pf_native(Checks *k)
{
    DbRow *row = NULL;
    char err[400];
    int rc = Db_query_named(k->c->target, Db_dialect(k->c->target)->replica_status, &row, err,
                            sizeof err);
    if (rc != 1) {
        Check(k, "replication", false, "%s",
              rc == 0 ? "the plan says the target is a native replica, but SHOW SLAVE STATUS is "
                        "empty on it; if DMS or another replicator feeds it, set \"replication\": "
                        "\"dms\" or \"external\""
                      : err);
        DbRow_free(row);
        return;
    }
    const char *io = DbRow_either(row, "Slave_IO_Running", "Replica_IO_Running", NULL);
    const char *sql = DbRow_either(row, "Slave_SQL_Running", "Replica_SQL_Running", NULL);
    const char *last = DbRow_get(row, "Last_Error");
    bool ok = io && sql && strcmp(io, "Yes") == 0 && strcmp(sql, "Yes") == 0;
    Check(k, "replication", ok, "native replica: IO %s, SQL %s%s%s", io ? io : "?", sql ? sql : "?",
          last && last[0] ? ": " : "", last && last[0] ? last : "");
    DbRow_free(row);
}

/* A target that is not a replica is never by itself a no-go: DMS and other
 * replicators are proven by the heartbeat and the fence round trip. */
static void Pf_replication(Checks *k)
{
    if (!k->c->target) {
        Check(k, "replication", false, "no connection to the target");
        return;
    }
    ReplicationKind kind = Replication_kind(k->c);
    if (kind == REPLICATION_NATIVE)
        Pf_native(k);
    else if (kind == REPLICATION_DMS)
        Check(k, "replication", true,
              "DMS task %s: its status and mappings are checked below; proven by the heartbeat "
              "and the fence round trip",
              Dms_resource_id(k->c->plan->aws.dms_task_arn));
    else if (kind == REPLICATION_EXTERNAL)
        Check(k, "replication", true,
              "external replicator (%s): the console cannot see it; proven by the heartbeat and "
              "the fence round trip only",
              k->c->plan->replication == REPLICATION_EXTERNAL
                  ? "as the plan says"
                  : "the target is no replica and the plan names no DMS task");
    else
        Check(k, "replication", false, "%s", k->c->error);
}

static int Pf_split(const char *table, char *schema, size_t ssize, char *name, size_t nsize)
{
    const char *dot = strchr(table, '.');
    if (!dot)
        return -1;
    snprintf(schema, ssize, "%.*s", (int)(dot - table), table);
    snprintf(name, nsize, "%s", dot + 1);
    return 0;
}

static void Pf_create(StepCtx *c, const char *table, bool fence)
{
    char q[200], schema[80], name[80], sql[600];
    if (Step_quote_table(table, q, sizeof q) != 0 ||
        Pf_split(table, schema, sizeof schema, name, sizeof name) != 0)
        return;
    snprintf(sql, sizeof sql, "CREATE DATABASE IF NOT EXISTS `%s`", schema);
    Step_exec(c, c->source, "source", sql);
    if (fence)
        snprintf(sql, sizeof sql,
                 "CREATE TABLE IF NOT EXISTS %s (id VARCHAR(64) PRIMARY KEY, "
                 "created_at DATETIME(6) NOT NULL, note VARCHAR(255))",
                 q);
    else
        snprintf(sql, sizeof sql,
                 "CREATE TABLE IF NOT EXISTS %s (id INT PRIMARY KEY, ts "
                 "DATETIME(6) NOT NULL)",
                 q);
    Step_exec(c, c->source, "source", sql);
    c->error[0] = '\0'; /* no CREATE privilege: the presence check says what is missing */
}

/* 1 present, 0 absent, -1 error. */
static int Pf_present(StepCtx *c, Db *db, const char *who, const char *table)
{
    char schema[80], name[80], es[170], en[170], sql[500];
    int64_t n = 0;
    if (!db || Pf_split(table, schema, sizeof schema, name, sizeof name) != 0)
        return -1;
    Db_escape(db, schema, es, sizeof es);
    Db_escape(db, name, en, sizeof en);
    snprintf(sql, sizeof sql,
             "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = '%s' AND "
             "table_name = '%s'",
             es, en);
    return Step_int(c, db, who, sql, &n) == 1 ? n > 0 : -1;
}

static void Pf_table(Checks *k, const char *label, const char *table, bool fence)
{
    StepCtx *c = k->c;
    if (c->source)
        Pf_create(c, table, fence);
    int on_src = Pf_present(c, c->source, "source", table);
    int on_dst = 0;
    /* A table just created needs a moment to replicate. */
    for (int i = 0;
         i < 40 && on_src == 1 && (on_dst = Pf_present(c, c->target, "target", table)) == 0; i++)
        Clock_sleep_ms(50);
    Check(k, label, on_src == 1 && on_dst == 1, "%s: source %s, target %s", table,
          on_src == 1   ? "present"
          : on_src == 0 ? "missing"
                        : "unreadable",
          on_dst == 1   ? "present"
          : on_dst == 0 ? "missing"
                        : "unreadable");
}

/* Polls the target every 5 ms until sql counts a row: the ms since t0_us
 * (monotonic), or -1: past limit_ms with c->error empty, or an error or an
 * abort with c->error set. */
static double Pf_until_on_target(StepCtx *c, const char *sql, int64_t t0_us, double limit_ms)
{
    for (;;) {
        int64_t n = 0;
        if (Step_int(c, c->target, "target", sql, &n) < 0)
            return -1;
        double ms = (Clock_mono_us() - t0_us) / 1000.0;
        if (n > 0)
            return ms;
        if (ms > limit_ms)
            return -1;
        if (Step_pause(c, 5))
            return Step_fail(c, "cancelled");
    }
}

/* A fence row written on the source and seen on the target, timed: the
 * path the lag-zero proof takes inside the downtime window, proven before
 * the freeze (a fence a replicator does not carry would otherwise time out
 * in the middle of the downtime). */
static void Pf_fence_round_trip(Checks *k)
{
    StepCtx *c = k->c;
    char q[200], id[64], sql[600];
    if (!c->source || !c->target || Step_quote_table(Pf_fence_table(c), q, sizeof q) != 0) {
        Check(k, "fence round trip", false, "needs both connections and a plain fence table");
        return;
    }
    snprintf(id, sizeof id, "preflight-%" PRIx64 "-%d", (uint64_t)Clock_wall_ms(), (int)getpid());
    snprintf(sql, sizeof sql,
             "INSERT INTO %s (id, created_at, note) VALUES ('%s', NOW(6), 'cutover pre-flight "
             "fence round trip')",
             q, id);
    int64_t t0 = Clock_mono_us();
    if (Step_exec(c, c->source, "source", sql) != 0) {
        Check(k, "fence round trip", false, "%s", c->error);
        return;
    }
    snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM %s WHERE id = '%s'", q, id);
    double limit_ms = Pf_threshold_s(c) * 1000;
    double ms = Pf_until_on_target(c, sql, t0, limit_ms);
    if (ms >= 0)
        Check(k, "fence round trip", true, "fence %s on the target after %.1f ms (%s)", id, ms,
              Replication_describe(Replication_kind(c)));
    else if (!c->error[0])
        Check(k, "fence round trip", false,
              "fence %s not on the target after %.1f s: the replication does not carry %s, or "
              "lags over the threshold",
              id, limit_ms / 1000, Pf_fence_table(c));
    else
        Check(k, "fence round trip", false, "%s", c->error);
}

/* One heartbeat: written on the source, timed until it is on the target.
 * Returns the lag in ms, or -1 (error / over the limit / cancelled). */
static double Pf_heartbeat(StepCtx *c, double limit_ms)
{
    char q[200], sql[500], ts[64];
    if (Step_quote_table(Pf_hb_table(c), q, sizeof q) != 0)
        return Step_fail(c, "heartbeat table %s is not a plain name", Pf_hb_table(c));
    snprintf(sql, sizeof sql,
             "INSERT INTO %s (id, ts) VALUES (1, NOW(6)) ON DUPLICATE KEY UPDATE ts = NOW(6)", q);
    int64_t t0 = Clock_mono_us();
    if (Step_exec(c, c->source, "source", sql) != 0)
        return -1;
    snprintf(sql, sizeof sql, "SELECT ts FROM %s WHERE id = 1", q);
    if (Step_string(c, c->source, "source", sql, ts, sizeof ts) != 1)
        return -1;
    snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM %s WHERE id = 1 AND ts >= '%s'", q, ts);
    double ms = Pf_until_on_target(c, sql, t0, limit_ms);
    if (ms < 0 && !c->error[0])
        return Step_fail(c, "a heartbeat took over %.1f s to reach the target", limit_ms / 1000);
    return ms;
}

static void Pf_lag(Checks *k)
{
    StepCtx *c = k->c;
    if (!c->source || !c->target) {
        Check(k, "lag", false, "needs both connections");
        return;
    }
    double limit = Pf_threshold_s(c) * 1000, worst = 0;
    int64_t end = Clock_mono_ms() + (int64_t)(c->plan->preflight_lag_window_s * 1000);
    int samples = 0;
    do {
        double ms = Pf_heartbeat(c, limit);
        if (ms < 0) {
            Check(k, "lag", false, "%s", c->error);
            return;
        }
        worst = ms > worst ? ms : worst;
        samples++;
    } while (Clock_mono_ms() < end && !Step_pause(c, 500));
    Check(k, "lag", worst <= limit, "worst of %d heartbeats %.1f ms over %.0f s (limit %.1f s%s)",
          samples, worst, c->plan->preflight_lag_window_s, limit / 1000,
          c->plan->thresholds.lag_seconds >= 0 ? "" : ", the plan sets none: default");
}

/* Names the tables DMS reports as errored or mismatched; returns how many. */
static int Pf_dms_bad_tables(const Dms_table *t, size_t n, char *out, size_t size)
{
    int bad = 0;
    size_t len = 0;
    out[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        if (!Dms_table_bad(&t[i]))
            continue;
        if (len < size)
            len += (size_t)snprintf(out + len, size - len, "%s%s.%s (%s, %s)", bad ? ", " : "",
                                    t[i].schema, t[i].table, t[i].state, t[i].validation);
        bad++;
    }
    return bad;
}

static void Pf_dms_tables(Checks *k, Aws_client *a)
{
    Dms_table *tables = NULL;
    size_t n = 0;
    char err[1024], names[EVENT_TEXT_MAX];
    if (Dms_table_statistics(a, k->c->plan->aws.dms_task_arn, &tables, &n, err, sizeof err) != 0)
        Check(k, "DMS tables", false, "%s", err);
    else if (Pf_dms_bad_tables(tables, n, names, sizeof names) > 0)
        Check(k, "DMS tables", false, "errored or mismatched: %s", names);
    else
        Check(k, "DMS tables", true, "%zu table(s), none errored or mismatched", n);
    free(tables);
}

/* DMS's own latency (CDCLatencyTarget, end to end), its newest one-minute
 * figure against the plan's threshold. The heartbeat and the fence round trip
 * above are the live proof; this is DMS's view, and says how old it is. */
static void Pf_dms_latency(Checks *k, Aws_client *a, const char *instance_arn)
{
    char instance[128], err[1024];
    Cw_query q;
    Cw_result r;
    int attempts = 0;
    if (Dms_instance_identifier(a, instance_arn, instance, sizeof instance, err, sizeof err) != 0) {
        Check(k, "DMS latency", false, "%s", err);
        return;
    }
    Cw_dms_query(&q, "lat", "CDCLatencyTarget", instance,
                 Dms_resource_id(k->c->plan->aws.dms_task_arn));
    if (Cw_get_metric_data(a, &q, 1, 600, &r, &attempts, err, sizeof err) != 0) {
        Check(k, "DMS latency", false, "%s", err);
        return;
    }
    double limit = Pf_threshold_s(k->c);
    int64_t age_s = (Clock_wall_ms() / 1000) - (int64_t)r.timestamp;
    if (!r.has_value)
        Check(k, "DMS latency", true,
              "CloudWatch has no CDCLatencyTarget in the last 10 minutes (the heartbeat and the "
              "fence are the proof)");
    else
        Check(k, "DMS latency", r.value <= limit,
              "CDCLatencyTarget %.0f s (limit %.1f s), the one-minute figure from %lld s ago",
              r.value, limit, (long long)age_s);
}

static void Pf_dms(Checks *k, Aws_client *a)
{
    Dms_task t;
    char err[1024];
    if (Dms_describe_task(a, k->c->plan->aws.dms_task_arn, &t, err, sizeof err) != 0) {
        Check(k, "DMS task", false, "%s", err);
        return;
    }
    bool running = strcmp(t.status, "running") == 0;
    bool loaded =
        t.have_stats && t.full_load_pct >= 100 && t.tables_loading == 0 && t.tables_queued == 0;
    Check(k, "DMS task", running && loaded && t.tables_errored == 0,
          "%s %s, full load %.0f%%, tables loaded %d, loading %d, queued %d, errored %d%s%s",
          t.identifier, t.status, t.full_load_pct, t.tables_loaded, t.tables_loading,
          t.tables_queued, t.tables_errored, t.last_failure[0] ? ": " : "", t.last_failure);
    Pf_dms_tables(k, a);
    if (t.instance_arn[0])
        Pf_dms_latency(k, a, t.instance_arn);
}

/* Every table the night depends on, carried by the task: the heartbeat,
 * the fence and every table the plan verifies. */
static void Pf_dms_mappings(Checks *k, Aws_client *a)
{
    const Plan *p = k->c->plan;
    char err[1024], missing[EVENT_TEXT_MAX] = "";
    char *json = NULL;
    if (Dms_task_mappings(a, p->aws.dms_task_arn, &json, err, sizeof err) != 0) {
        Check(k, "DMS mappings", false, "%s", err);
        return;
    }
    DmsMappings *m = DmsMappings_parse(json, err, sizeof err);
    free(json);
    if (!m) {
        Check(k, "DMS mappings", false, "%s", err);
        return;
    }
    /* "all": the verified tables are the ones the task carries, by their choosing. */
    size_t len = 0, nt = p->verify.ntables + 2;
    int bad = 0;
    for (size_t i = 0; i < nt; i++) {
        const char *t = i == 0   ? Pf_hb_table(k->c)
                        : i == 1 ? Pf_fence_table(k->c)
                                 : p->verify.tables[i - 2];
        if (DmsMappings_carries_table(m, t))
            continue;
        if (len < sizeof missing)
            len +=
                (size_t)snprintf(missing + len, sizeof missing - len, "%s%s%s", bad ? ", " : "", t,
                                 i == 0   ? " (heartbeat)"
                                 : i == 1 ? " (fence)"
                                          : "");
        bad++;
    }
    DmsMappings_free(m);
    if (bad)
        Check(k, "DMS mappings", false,
              "the task's table mappings do not carry %s: on the target it would never arrive",
              missing);
    else
        Check(k, "DMS mappings", true,
              "the task carries the heartbeat, the fence and %zu verified "
              "table(s)",
              p->verify.ntables);
}

static void Pf_route53(Checks *k, Aws_client *a)
{
    const PlanSwap *s = &k->c->plan->swap;
    R53_record_id r;
    char err[1024], value[512];
    long ttl = 0;
    if (R53_parse_id(s->aws_id, &r, err, sizeof err) != 0) {
        Check(k, "Route 53 record", false, "%s", err);
        return;
    }
    int rc = R53_get_cname(a, &r, value, sizeof value, &ttl, err, sizeof err);
    if (rc <= 0)
        Check(k, "Route 53 record", false, "%s",
              rc < 0 ? err : "the zone has no such CNAME record");
    else if (ttl > PF_TTL_WARN_S)
        Check(k, "Route 53 record", true,
              "WARNING: TTL %ld s (over %d s): clients may use the old name for up to %ld s "
              "after the swap; AWS advises 5 s or less",
              ttl, PF_TTL_WARN_S, ttl);
    else
        Check(k, "Route 53 record", true, "%s CNAME %s, TTL %ld s", r.name, value, ttl);
}

/* Who the console is in each account (STS GetCallerIdentity), and a no-go
 * when the plan expects another account: a swap written into the wrong
 * account is worse than no cutover. */
static void Pf_identity(Checks *k, AwsSide side)
{
    const Plan *p = k->c->plan;
    const char *name = side == AWS_SIDE_SOURCE ? "AWS source side" : "AWS target side";
    if (!Awsplan_side_used(p, side))
        return;
    PlanAwsSide s = Plan_aws_side(&p->aws, side);
    Aws_client *a = Step_aws(k->c, side, name);
    Sts_identity id;
    char err[1024];
    if (!a) {
        Check(k, name, false, "%s", k->c->error);
        return;
    }
    int rc = Sts_get_caller_identity(a, &id, err, sizeof err);
    Aws_client_free(a);
    if (rc != 0)
        Check(k, name, false, "%s", err);
    else if (s.account_id && strcmp(s.account_id, id.account) != 0)
        Check(k, name, false, "account %s (%s), but the plan expects account %s", id.account,
              id.arn, s.account_id);
    else
        Check(k, name, true, "account %s as %s%s", id.account, id.arn,
              s.account_id ? " (as the plan expects)" : "");
}

static void Pf_aws(Checks *k)
{
    const Plan *p = k->c->plan;
    char why[EVENT_TEXT_MAX];
    if (Sentinel_instance(p)) {
        bool go = Sentinel_check(p, why, sizeof why);
        Check(k, "failover sentinel", go, "%s", why);
    }
    if (!p->aws.dms_task_arn && p->swap.method != SWAP_ROUTE53)
        return;
    Aws_client *a = Step_aws(k->c, AWS_SIDE_TARGET, "AWS");
    if (!a) {
        Check(k, "AWS", false, "%s", k->c->error);
        return;
    }
    if (p->aws.dms_task_arn)
        Pf_dms(k, a);
    if (p->aws.dms_task_arn && Replication_kind(k->c) == REPLICATION_DMS)
        Pf_dms_mappings(k, a);
    if (p->swap.method == SWAP_ROUTE53)
        Pf_route53(k, a);
    Aws_client_free(a);
}

/* The plan's swap.from against what the parameter or record holds now, by
 * the swap's own prepare (reads only): a wrong plan is caught before the
 * freeze rather than inside the downtime window. */
static void Pf_swap_from(Checks *k)
{
    const PlanSwap *s = &k->c->plan->swap;
    if (!s->from || (s->method != SWAP_SSM && s->method != SWAP_ROUTE53))
        return;
    if (StepSwap_ops.prepare(k->c) != 0)
        Check(k, "swap.from", false, "%s", k->c->error);
    else if (k->c->memo->swap_found_done)
        Check(k, "swap.from", true, "%s already names %s (swapped before)", s->aws_id, s->value);
    else
        Check(k, "swap.from", true, "%s names %s", s->aws_id, k->c->memo->swap_old);
}

/* Every webhook's ${NAME} is set: the night's notifications would be off
 * otherwise. Nothing is sent: a step never waits on a webhook. */
static void Pf_notify(Checks *k)
{
    const PlanNotify *n = &k->c->plan->notify;
    for (size_t i = 0; i < n->n; i++) {
        char name[96], err[600];
        snprintf(name, sizeof name, "notify %s", n->hooks[i].name);
        int rc = Webhook_check(&n->hooks[i], true, err, sizeof err);
        Check(k, name, rc == 0, "%s",
              rc != 0                ? err
              : n->hooks[i].nsecrets ? "URL and headers resolve, secrets read (nothing sent)"
                                     : "URL and headers resolve (nothing sent)");
    }
}

int Preflight_run(StepCtx *c, PreflightFn fn, void *arg)
{
    Checks k = {.c = c, .fn = fn, .arg = arg};
    Pf_connect(&k, "source connection", Step_source, &c->plan->source);
    Pf_connect(&k, "target connection", Step_target, &c->plan->target);
    Pf_binlog_format(&k);
    Pf_retention(&k);
    Pf_replication(&k);
    PreflightRds_row_image(&k);
    PreflightRds_fence_under_read_only(&k);
    PreflightVerify_run(&k);
    Pf_table(&k, "heartbeat table", Pf_hb_table(c), false);
    Pf_table(&k, "fence table", Pf_fence_table(c), true);
    Pf_fence_round_trip(&k);
    Pf_lag(&k);
    Pf_identity(&k, AWS_SIDE_SOURCE);
    Pf_identity(&k, AWS_SIDE_TARGET);
    Pf_aws(&k);
    PreflightRds_instances(&k);
    Pf_swap_from(&k);
    Pf_notify(&k);
    return k.failed;
}

static void Pf_post(void *arg, const char *check, bool pass, const char *why)
{
    StepCtx *c = arg;
    Step_log(c, pass ? LOG_INFO : LOG_ERROR, "%s %-17s %s", pass ? "PASS" : "FAIL", check, why);
}

static int Pf_run(StepCtx *c)
{
    int failed = Preflight_run(c, Pf_post, c);
    if (failed > 0)
        return Step_fail(c, "no-go: %d check(s) failed", failed);
    Step_result(c, "go: all checks pass");
    return 0;
}

const StepOps StepPreflight_ops = {
    .kind = STEP_PREFLIGHT,
    .describe = Preflight_describe,
    .run = Pf_run,
};
