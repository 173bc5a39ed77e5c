/* The metric keys probes post as EVENT_SAMPLE and panels read from the model.
 * One list, so a figure's name is never spelled two ways. Units are in the
 * name. The event's origin says where a figure came from ("heartbeat",
 * "SHOW SLAVE STATUS", "server status", "CloudWatch"), and panels show it. */
#ifndef CUTOVER_PROBES_METRICS_H
#define CUTOVER_PROBES_METRICS_H

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

/* Probe names for EVENT_HEALTH */
#define PROBE_SOURCE          "source"
#define PROBE_TARGET          "target"
#define PROBE_HEARTBEAT       "heartbeat"       /* the reader on the target */
#define PROBE_HEARTBEAT_WRITE "heartbeat.write" /* the writer on the source */
#define PROBE_ENDPOINT        "endpoint"

/* Health states in EVENT_HEALTH.state */
typedef enum {
    PROBE_CONNECTING = 0,
    PROBE_OK,
    PROBE_STALE, /* connected but no fresh figure within 3 refreshes */
    PROBE_ERROR,
} ProbeState;

#endif
