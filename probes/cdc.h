/* The CDC panel's figures. Row changes per second are the deltas of
 * Innodb_rows_inserted + _updated + _deleted where the server has them
 * (MySQL): those count rows InnoDB really changed, whereas MySQL's
 * Handler_write also counts internal temporary tables, which SHOW STATUS
 * itself creates. MariaDB 10.11 no longer has Innodb_rows_*; there
 * Handler_write + _update + _delete is used, which in MariaDB excludes
 * temporary tables (those are Handler_tmp_*) but includes the replica's own
 * mysql.gtid_slave_pos bookkeeping: per applied transaction one row
 * inserted there and, by its purge, one deleted (measured on the lab: target
 * Handler_* deltas = user rows + 2 x transactions), so on a MariaDB replica
 * 2 x the transactions applied (from @@gtid_slave_pos) are subtracted.
 * The sample's origin names the counters used. On the target the same
 * counters are the apply rate. Binlog bytes per second come from the
 * source's binlog position, the backlog from the source's position minus
 * the replica's Exec_Master_Log_Pos, across rotations with the SHOW BINARY
 * LOGS sizes, and the drain estimate from the backlog over the replica's
 * recent apply rate in bytes (its Exec_Master_Log_Pos deltas over the last
 * 10 s). */
#ifndef CUTOVER_PROBES_CDC_H
#define CUTOVER_PROBES_CDC_H

#include <stdbool.h>
#include <stdint.h>

#include "probes/probe.h"
#include "probes/rate.h"
#include "probes/replica.h"
#include "probes/server.h"

#define CDC_APPLY_WINDOW_MS   10000
#define CDC_GTID_ROWS_PER_TRX 2

typedef struct Cdc {
    RateWindow rows;
    RateWindow bytes; /* binlog bytes written (source) or executed (target), summed */
    bool have_last;
    char last_file[BINLOG_NAME_MAX];
    uint64_t last_pos;
    double total_bytes;
} Cdc;

void Cdc_init(Cdc *c);

/* Binlog coordinates with the SHOW BINARY LOGS sizes to measure across
 * rotations (copied out of ProbeShared). */
typedef struct CdcBinlog {
    bool have_pos;
    char file[BINLOG_NAME_MAX];
    uint64_t pos;
    BinlogFile files[BINLOG_FILES_MAX];
    size_t nfiles;
} CdcBinlog;

/* Source: rows/s and binlog bytes/s (snap: its binlog coordinates). */
void Cdc_source(Probe *p, Cdc *c, const ServerStatus *st, const ReplicaSnapshot *snap,
                const CdcBinlog *source, int64_t mono_ms);

/* Target: applied rows/s, apply bytes/s, backlog against the source's
 * latest coordinates (source->have_pos false: unknown) and drain estimate. */
void Cdc_target(Probe *p, Cdc *c, const ServerStatus *st, const ReplicaSnapshot *snap,
                const CdcBinlog *source, int64_t mono_ms);

/* The backlog in bytes from the replica's executed coordinates to the
 * source's; 0 when the source's reading is older than the replica's; -1
 * when unknown. */
double Cdc_backlog(const CdcBinlog *source, const char *exec_file, uint64_t exec_pos);

/* Moves c's summed byte counter from its last coordinates to (file, pos);
 * unknown distances (a file no longer listed) restart the rate. */
void Cdc_advance(Cdc *c, const BinlogFile *files, size_t nfiles, const char *file, uint64_t pos,
                 int64_t mono_ms);

/* A MariaDB replica's applied user rows: its Handler_* row counter less
 * the gtid_slave_pos rows written and purged for each transaction. */
double Cdc_applied_rows(double handler_rows, double gtid_total);

/* The drain estimate in seconds: 0 without backlog, -1 when nothing drains. */
double Cdc_drain_seconds(double backlog_bytes, double apply_bytes_per_s);

#endif
