/* One thread and one connection per server (PROBE_SOURCE, PROBE_TARGET):
 * every refresh it reads SHOW GLOBAL STATUS once and the replication status,
 * and hands them to the figure modules: servers.c (RDS-equivalent figures),
 * replica.c (replication state, GTIDs) and cdc.c (rates, backlog). One
 * connection per server rather than one per figure keeps the console's
 * footprint on production small, and one status read feeds every figure. */
#ifndef CUTOVER_PROBES_SERVER_H
#define CUTOVER_PROBES_SERVER_H

#include <stdbool.h>

#include "probes/probe.h"

/* The counters the figures need from SHOW GLOBAL STATUS. */
typedef struct ServerStatus {
    bool have_connections, have_reads, have_writes, have_rows;
    double connections; /* Threads_connected */
    double data_reads;  /* Innodb_data_reads */
    double data_writes; /* Innodb_data_writes */
    double rows;        /* row changes: Innodb_rows_* where the server has them, else Handler_* */
    const char *rows_origin;
    double innodb_rows, handler_rows; /* Innodb_rows_inserted + _updated + _deleted, Handler_... */
    int innodb_parts, handler_parts;  /* how many of the three were seen */
} ServerStatus;

/* After the last line: picks the row counter (see cdc.h for why). */
void ServerStatus_finish(ServerStatus *st);

/* Folds one SHOW GLOBAL STATUS line into st (a DbStatusFn). */
void ServerStatus_add(const char *name, const char *value, void *st);

void Server_source_run(Probe *p);
void Server_target_run(Probe *p);

#endif
