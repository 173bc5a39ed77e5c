/* The verifier's state, shared by its background loop (verifier.c), the
 * binlog tail's callbacks and the window's recheck (recheck.c). Private to
 * verify/. */
#ifndef CUTOVER_VERIFY_VERIFIER_STATE_H
#define CUTOVER_VERIFY_VERIFIER_STATE_H

#include <pthread.h>
#include <stdatomic.h>

#include "db/db.h"
#include "probes/probe.h"
#include "verify/chunk.h"
#include "verify/tail.h"
#include "verify/verifier.h"

struct Verifier {
    const Plan *plan;
    Probe probe; /* the background loop's thread, health and samples */
    /* Guards tables[] and every chunk: the loop, the tail's callbacks and
     * the recheck all touch them. Never held across a query. */
    pthread_mutex_t lock;
    VerifyTable *tables;
    size_t ntables;
    bool loaded;
    /* Held across one comparison (the loop's or the recheck's), so the
     * recheck starts only once the loop's query is done, and owns src/tgt. */
    pthread_mutex_t run_lock;
    Db *src, *tgt;
    atomic_bool paused;
    BinlogTail *tail; /* NULL until started, or when it could not be */
    int64_t chunk_rows;
};

/* The verifier's own connection to one side (read timeout: the plan's
 * verify timeout), made on first use; NULL with err. Under run_lock. */
Db *Verifier_db(Verifier *v, bool source, char *err, size_t errsize);
/* Forgets a connection after a failure. Under run_lock. */
void Verifier_drop(Verifier *v, bool source);

/* The source's binlog coordinate now (Binlog_coord), with the file and
 * position when asked; 0 when it cannot be read. Under run_lock. */
uint64_t Verifier_source_coord(Verifier *v, char *file, size_t fsize, uint64_t *pos);

/* Records a comparison's outcome on table ti's chunk ci (under lock):
 * equal at coord, or unsettled. */
void Verifier_settle(Verifier *v, size_t ti, size_t ci, bool equal, uint64_t coord, int64_t rows);

#endif
