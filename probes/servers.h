/* The RDS panel's figures from the server's own status, for a server the
 * plan names no RDS instance for (else CloudWatch has them), posted under
 * "rds.source."/"rds.target." + the RDS name with origin "server status": DatabaseConnections =
 * Threads_connected, ReadIOPS/WriteIOPS = Innodb_data_reads/writes per second, ReplicaLag =
 * Seconds_Behind_Master. CPUUtilization and FreeableMemory have no
 * equivalent a MySQL server reports about itself, so nothing is posted for
 * them rather than a made-up figure. */
#ifndef CUTOVER_PROBES_SERVERS_H
#define CUTOVER_PROBES_SERVERS_H

#include <stdbool.h>
#include <stdint.h>

#include "probes/probe.h"
#include "probes/rate.h"
#include "probes/server.h"

#define SERVERS_ORIGIN "server status"

typedef struct Servers {
    char prefix[16]; /* "rds.source." */
    RateWindow reads, writes;
    bool silent; /* CloudWatch has this server: its figures are the ones shown */
} Servers;

/* cloudwatch: the plan names the server's RDS instance, so the AWS probe
 * posts these figures; posting the server's own too would make the panel's
 * origin flip between the two every refresh. */
void Servers_init(Servers *s, const char *prefix, bool cloudwatch);
void Servers_post(Probe *p, Servers *s, const ServerStatus *st, int64_t mono_ms);
void Servers_post_replica_lag(Probe *p, Servers *s, double lag_s);

#endif
