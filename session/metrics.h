/* The metric keys probes post as EVENT_SAMPLE and panels read from the model.
 * One list, so a figure's name is never spelled two ways. Units are in the
 * name. The event's origin says where a figure came from ("heartbeat",
 * "SHOW SLAVE STATUS", "server status", "CloudWatch"), and panels show it. */
#ifndef CUTOVER_SESSION_METRICS_H
#define CUTOVER_SESSION_METRICS_H

/* Replication lag */
#define M_LAG_HEARTBEAT_S     "lag.heartbeat_s"     /* pt-heartbeat style, clock-corrected */
#define M_LAG_REPLICA_S       "lag.replica_s"       /* Seconds_Behind_Master/Source */
#define M_LAG_CLOCK_OFFSET_MS "lag.clock_offset_ms" /* target clock minus source clock */
#define M_GTID_SOURCE         "gtid.source"         /* text: source @@gtid_binlog_pos */
#define M_GTID_TARGET         "gtid.target"         /* text: target @@gtid_slave_pos */
#define M_REPLICA_IO          "replica.io_running"  /* 1/0 */
#define M_REPLICA_SQL         "replica.sql_running" /* 1/0 */
#define M_REPLICA_ERROR       "replica.error"       /* text: Last_Error, "" when none */

/* CDC rate */
#define M_CDC_SOURCE_ROWS_PS    "cdc.source_rows_ps"    /* row changes/s on the source */
#define M_CDC_SOURCE_BINLOG_BPS "cdc.source_binlog_bps" /* binlog bytes written/s */
#define M_CDC_TARGET_ROWS_PS    "cdc.target_rows_ps"    /* rows applied/s on the target */
#define M_CDC_TARGET_APPLY_BPS  "cdc.target_apply_bps"  /* replica's executed binlog bytes/s */
#define M_CDC_BACKLOG_BYTES     "cdc.backlog_bytes"     /* source binlog pos - replica exec pos */
#define M_CDC_DRAIN_S                                                                              \
    "cdc.drain_s" /* estimated seconds to drain the backlog;                                       \
                    text "not draining" when nothing applies */

/* Verification before the freeze (verify mode "chunks") */
#define M_VERIFY_SUMMARY     "verify.summary"     /* text: "412/420 chunks" settled, and flags */
#define M_VERIFY_SETTLED_PCT "verify.settled_pct" /* chunks equal and unchanged since */
#define M_VERIFY_PENDING     "verify.pending"     /* chunks to compare (again) */
#define M_VERIFY_ROWS        "verify.rows"        /* source rows the comparisons covered */
#define M_VERIFY_OLDEST_S    "verify.oldest_s"    /* age of the oldest comparison standing */

/* The downtime predicted before the freeze (plan key "rehearsal"): the
 * window's steps as rehearsed, lag zero aside; text lists them. The
 * prediction is this plus the drain estimate (the larger of the heartbeat
 * lag and cdc.drain_s) at the moment. */
#define M_DOWNTIME_REHEARSED_MS "downtime.rehearsed_steps_ms"
/* Notifications the plan's webhooks did not get (queue full, or every
 * attempt failed), in all so far; shown on the console's second line. */
#define M_NOTIFY_DROPPED "notify.dropped"

/* Endpoint (PrivateLink) */
#define M_EP_DNS_MS     "endpoint.dns_ms"
#define M_EP_ADDRESSES  "endpoint.addresses"  /* text: resolved addresses, sorted */
#define M_EP_CONNECT_MS "endpoint.connect_ms" /* TCP connect */
#define M_EP_TLS_MS     "endpoint.tls_ms"     /* TLS handshake, when TLS is on */
#define M_EP_QUERY_MS   "endpoint.query_ms"   /* SELECT 1 round trip */
#define M_EP_LOSS_PCT   "endpoint.loss_pct"   /* failed probes over the window */

/* Server metrics (RDS names); prefix "rds.source." or "rds.target." */
#define M_RDS_SOURCE_PREFIX "rds.source."
#define M_RDS_TARGET_PREFIX "rds.target."
#define M_RDS_CONNECTIONS   "connections"
#define M_RDS_FREEABLE_MB   "freeable_memory_mb"
#define M_RDS_READ_IOPS     "read_iops"
#define M_RDS_WRITE_IOPS    "write_iops"
#define M_RDS_CPU_PCT       "cpu_pct"
#define M_RDS_REPLICA_LAG_S "replica_lag_s"

/* AWS DMS: the task (DescribeReplicationTasks / DescribeTableStatistics)
 * and its CloudWatch metrics (AWS/DMS, 1-minute averages). */
#define M_DMS_TASK              "dms.task"           /* text: the task's identifier */
#define M_DMS_STATUS            "dms.status"         /* text: running, stopped ...; 1 running */
#define M_DMS_FULL_LOAD_PCT     "dms.full_load_pct"  /* FullLoadProgressPercent */
#define M_DMS_TABLES_LOADED     "dms.tables_loaded"  /* ReplicationTaskStats */
#define M_DMS_TABLES_LOADING    "dms.tables_loading" /* text "loading/queued" */
#define M_DMS_TABLES_ERRORED    "dms.tables_errored" /* raised as an alarm when > 0 */
#define M_DMS_TABLES_BAD        "dms.tables_bad"     /* errored or mismatched; text names them */
#define M_DMS_VALIDATION        "dms.validation"     /* text: "2 validated, 1 pending ..." */
#define M_DMS_CHANGES           "dms.changes"        /* sum of I/U/D; text "I 1540 U 352 D 5" */
#define M_DMS_TOP_TABLES        "dms.top_tables"     /* text: busiest tables with I/U/D */
#define M_DMS_LATENCY_SOURCE_S  "dms.cdc_latency_source_s"
#define M_DMS_LATENCY_TARGET_S  "dms.cdc_latency_target_s"
#define M_DMS_INCOMING_CHANGES  "dms.cdc_incoming_changes" /* backlog waiting to apply */
#define M_DMS_THROUGHPUT_SOURCE "dms.cdc_throughput_source_rps"
#define M_DMS_THROUGHPUT_TARGET "dms.cdc_throughput_target_rps"
#define M_DMS_CW_AT             "dms.cloudwatch_at" /* epoch s of the newest DMS datapoint */
#define M_LAG_DMS_S             "lag.dms_s"         /* CDCLatencySource + CDCLatencyTarget */

/* The failover sentinel: the source's RDS endpoint name as resolved now;
 * an alarm on this key while it differs from the address at start. */
#define M_RDS_SOURCE_ADDRESS "rds.source.address"

/* CloudWatch figures are 1-minute averages: the origin says so. */
#define ORIGIN_CLOUDWATCH "CloudWatch 1m"
#define ORIGIN_DMS        "DMS API"

/* Probe names for EVENT_HEALTH */
#define PROBE_AWS             "aws"      /* CloudWatch and the DMS API */
#define PROBE_SENTINEL        "sentinel" /* the source's RDS endpoint DNS */
#define PROBE_SOURCE          "source"
#define PROBE_TARGET          "target"
#define PROBE_HEARTBEAT       "heartbeat"       /* the reader on the target */
#define PROBE_HEARTBEAT_WRITE "heartbeat.write" /* the writer on the source */
#define PROBE_ENDPOINT        "endpoint"
#define PROBE_VERIFY          "verify" /* the chunk verifier and its binlog reader */

/* Health states in EVENT_HEALTH.state */
typedef enum {
    PROBE_CONNECTING = 0,
    PROBE_OK,
    PROBE_STALE, /* connected but no fresh figure within 3 refreshes */
    PROBE_ERROR,
} ProbeState;

#endif
