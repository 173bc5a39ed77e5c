/* Replication state, in the server's own dialect (db/dialect.h). On the
 * target: the replica status, with both spellings of each column, and the
 * GTID position; on the source: the binlog coordinates and the GTID
 * position. */
#ifndef CUTOVER_PROBES_REPLICA_H
#define CUTOVER_PROBES_REPLICA_H

#include <stdbool.h>
#include <stdint.h>

#include "probes/binlog.h"
#include "probes/probe.h"

typedef struct Replica {
    bool mariadb; /* GTIDs from @@gtid_*_pos instead of gtid_executed */
    bool warned_not_replica;
    bool warned_no_binlog;
} Replica;

typedef struct ReplicaSnapshot {
    bool have_pos;              /* source: binlog on; target: a replica */
    char file[BINLOG_NAME_MAX]; /* source: current file; target: Relay_Master_Log_File */
    uint64_t pos;               /* source: Position; target: Exec_Master_Log_Pos */
    bool have_lag;              /* target: Seconds_Behind_* was not NULL */
    double lag_s;
    bool have_gtid_total; /* MariaDB target: transactions applied, summed */
    double gtid_total;    /* over the domains of @@gtid_slave_pos */
    bool running;         /* target: IO and SQL threads both running */
    char stopped_why[EVENT_TEXT_MAX];
} ReplicaSnapshot;

/* Reads @@version once per connection. -1 when the connection was lost. */
int Replica_detect(Replica *r, Db *db);

/* Each returns 0, or -1 when the connection was lost. */
int Replica_poll_source(Probe *p, Replica *r, Db *db, ReplicaSnapshot *snap);
int Replica_poll_target(Probe *p, Replica *r, Db *db, ReplicaSnapshot *snap);

/* The sum of the sequence numbers of a MariaDB GTID position
 * ("0-1-100,1-2-7" -> 107): it grows by one per transaction applied. -1 when
 * the text is not a GTID position. */
double Replica_gtid_seq_total(const char *gtid_pos);

/* SHOW BINARY LOGS into files; returns how many, -1 on error. */
int Replica_binlog_files(Db *db, BinlogFile *files, size_t max);

#endif
