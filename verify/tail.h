/* The source's binlog as it is written, read by `mariadb-binlog
 * --read-from-remote-server --stop-never` (a replica connection: the
 * console's account needs REPLICATION SLAVE) and handed row by row to
 * BinlogRows' callbacks on the tail's own thread. The connection settings,
 * the password among them, reach the reader through its stdin as an option
 * file: never on its command line or in a file. When the reader ends it is
 * restarted from the start of the last transaction read, so no row is
 * missed (some may be seen twice, which only marks a chunk changed twice). */
#ifndef CUTOVER_VERIFY_TAIL_H
#define CUTOVER_VERIFY_TAIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "plan/plan.h"
#include "verify/binlog_rows.h"

typedef struct BinlogTail BinlogTail;

typedef struct BinlogTailConfig {
    const PlanServer *server; /* the source */
    const char *program;      /* "mariadb-binlog" */
    unsigned server_id;       /* the replica id it connects with: unique on the source */
    BinlogRowsKeyFn key_of;
    BinlogRowsChangeFn on_change;
    BinlogRowsStatementFn on_statement;
    void *ctx;
} BinlogTailConfig;

/* Starts reading at file:pos. NULL with err only when the thread cannot
 * start; a reader that cannot run is an error the tail keeps retrying. */
BinlogTail *BinlogTail_start(const BinlogTailConfig *cfg, const char *file, uint64_t pos, char *err,
                             size_t errsize);

/* How far it has read (Binlog_coord; 0 before the first event). */
uint64_t BinlogTail_coord(BinlogTail *t);

/* The last failure ("" when it reads), for health. */
void BinlogTail_error(BinlogTail *t, char *out, size_t size);

void BinlogTail_stop(BinlogTail *t);

#endif
