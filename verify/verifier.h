/* Verification before the freeze, so the window holds only the rest: a
 * thread that compares every table of the plan, chunk by chunk, source
 * against target, throttled (each chunk's time is matched by a pause, and
 * nothing runs while the heartbeat lag is over the plan's threshold), and
 * a binlog tail that marks a chunk changed when the source writes inside
 * it. A chunk that differs while the binlog still moves is rechecked, not
 * reported: the target may not have applied the change yet.
 *
 * In the window (the source frozen, lag zero proven) Verifier_recheck
 * compares again only the chunks not settled: never compared, differing,
 * or changed since they were found equal, once the tail has read up to the
 * freeze. Its cost follows the writes of the last moments, not the size of
 * the data. Without a tail (no reader, no REPLICATION SLAVE) every chunk
 * is rechecked, and the result says so. */
#ifndef CUTOVER_VERIFY_VERIFIER_H
#define CUTOVER_VERIFY_VERIFIER_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "plan/plan.h"
#include "session/bus.h"

typedef struct Verifier Verifier;

/* Starts the verifier's threads for the plan's verify section (mode
 * "chunks"); NULL when the plan has none or no thread could start. */
Verifier *Verifier_start(const Plan *plan, Bus *bus);

/* Pauses the background comparison (the window's recheck owns the servers)
 * or resumes it (a rollback). */
void Verifier_pause(Verifier *v, bool paused);

/* How far the comparisons got: chunks in all, settled (equal, unchanged
 * since), never compared (a table not yet cut counts one). */
typedef struct VerifyCoverage {
    size_t chunks, settled, never;
    int64_t rows;
    int64_t oldest_ms; /* monotonic time of the oldest comparison standing */
} VerifyCoverage;
VerifyCoverage Verifier_coverage(Verifier *v);

typedef struct VerifyOutcome {
    bool equal; /* every chunk of every table compared equal */
    size_t tables;
    size_t chunks;          /* in all */
    size_t rechecked;       /* chunks compared inside the window */
    size_t queries;         /* the comparisons that took (neighbours are joined) */
    int64_t rows_rechecked; /* source rows those held */
    int64_t rows;           /* source rows of all the chunks, as last compared */
    int64_t wait_ms;        /* waiting for the tail to reach the freeze */
    int64_t recheck_ms;     /* the comparisons */
    int64_t oldest_check_s; /* age of the oldest comparison standing for a settled chunk */
    bool tracked;           /* the tail read up to the freeze: only changed chunks rechecked */
    char whole[256];        /* tables compared whole, and why */
    char difference[400];   /* the first difference: table, range, both sides */
} VerifyOutcome;

/* Compares, inside the window, everything not settled at the binlog
 * position the source stands at (file, pos, read by the caller after the
 * freeze). 0 with out filled (out->equal tells), -1 with err when it could
 * not compare (a server unreachable, a query failed, cancelled). */
int Verifier_recheck(Verifier *v, const char *file, uint64_t pos, int timeout_ms,
                     atomic_bool *cancel, VerifyOutcome *out, char *err, size_t errsize);

/* Stops the threads and frees everything (NULL: nothing). */
void Verifier_stop(Verifier *v);

#endif
