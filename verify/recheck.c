/* The window's part of verification: wait for the binlog tail to reach the
 * freeze, then compare (source and target at once) every chunk that is not
 * settled there. The source is frozen and lag zero proven, so a difference
 * now is a difference, not lag. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/clock.h"
#include "probes/binlog.h"
#include "verify/compare.h"
#include "verify/verifier_state.h"

enum { RECHECK_POLL_MS = 2 };

/* Waits for the tail to read up to coord: true when it did. */
static bool Recheck_wait_tail(Verifier *v, uint64_t coord, int timeout_ms, atomic_bool *cancel)
{
    if (!v->tail || coord == 0)
        return false;
    int64_t deadline = Clock_mono_ms() + timeout_ms;
    while (BinlogTail_coord(v->tail) < coord) {
        if (Clock_mono_ms() >= deadline || (cancel && atomic_load(cancel)))
            return false;
        Clock_sleep_ms(RECHECK_POLL_MS);
    }
    return true;
}

/* Cuts the rest of every table not yet cut into one last chunk, so the
 * recheck covers it. */
static int Recheck_close_tables(Verifier *v)
{
    int rc = 0;
    pthread_mutex_lock(&v->lock);
    for (size_t ti = 0; ti < v->ntables; ti++) {
        VerifyTable *t = &v->tables[ti];
        if (t->planned)
            continue;
        int64_t lo = t->nchunks ? t->chunks[t->nchunks - 1].hi + 1 : INT64_MIN;
        rc |= Chunk_append(t, lo, INT64_MAX);
        t->planned = true;
    }
    pthread_mutex_unlock(&v->lock);
    return rc;
}

static bool Recheck_needed(const VerifyChunk *c, bool tracked)
{
    return !tracked || !Chunk_settled(c);
}

static void Recheck_whole(const Verifier *v, char *out, size_t size)
{
    size_t len = 0;
    out[0] = '\0';
    for (size_t ti = 0; ti < v->ntables; ti++) {
        const VerifyTable *t = &v->tables[ti];
        if (t->key[0])
            continue;
        int n =
            snprintf(out + len, size - len, "%s%s (%s)", len ? ", " : "", t->name, t->why_whole);
        if (n < 0 || (size_t)n >= size - len)
            break;
        len += (size_t)n;
    }
}

/* What one comparison in the window covers: chunks first..last of a table,
 * whole, or (first == last) only the keys changed since it was found equal. */
typedef struct RecheckRun {
    size_t ti, first, last;
    bool narrowed;
    VerifyChunk span;
} RecheckRun;

static void Recheck_settle(Verifier *v, const RecheckRun *run, bool equal, uint64_t coord,
                           int64_t rows)
{
    for (size_t ci = run->first; ci <= run->last; ci++) {
        pthread_mutex_lock(&v->lock);
        int64_t before = v->tables[run->ti].chunks[ci].rows;
        pthread_mutex_unlock(&v->lock);
        /* A narrowed or joined comparison does not count each chunk's rows:
         * they keep the figure of their last own comparison. */
        bool own = run->first == run->last && !run->narrowed;
        Verifier_settle(v, run->ti, ci, equal, coord, own ? rows : before);
    }
}

/* Compares one run; 1 equal, 0 differs (out->difference), -1 error. */
static int Recheck_run(Verifier *v, const RecheckRun *run, uint64_t coord, VerifyOutcome *out,
                       char *err, size_t errsize)
{
    const VerifyTable *table = &v->tables[run->ti];
    Db *s = Verifier_db(v, true, err, errsize);
    Db *t = s ? Verifier_db(v, false, err, errsize) : NULL;
    if (!s || !t)
        return -1;
    CompareResult r;
    if (Compare_chunk(s, t, table, &run->span, true, &r) != 0) {
        snprintf(err, errsize, "%s: %s", table->name, r.error);
        Verifier_drop(v, true);
        Verifier_drop(v, false);
        return -1;
    }
    out->rechecked += run->last - run->first + 1;
    out->queries++;
    out->rows_rechecked += r.source.rows;
    bool equal = Compare_equal(&r);
    Recheck_settle(v, run, equal, coord, r.source.rows);
    if (!equal) {
        char range[120], sums[240];
        Chunk_describe(table, &run->span, range, sizeof range);
        Compare_describe(&r, sums, sizeof sums);
        snprintf(out->difference, sizeof out->difference, "%s %s differs: %s", table->name, range,
                 sums);
    }
    return equal ? 1 : 0;
}

/* The run starting at chunk ci of table ti, if ci needs comparing: a
 * narrowed chunk alone, else every neighbour that needs a whole comparison
 * too, in one query (a round trip per chunk would cost more than the rows). */
static bool Recheck_next_run(Verifier *v, size_t ti, size_t ci, bool tracked, RecheckRun *run)
{
    VerifyTable *t = &v->tables[ti];
    pthread_mutex_lock(&v->lock);
    bool needed = Recheck_needed(&t->chunks[ci], tracked);
    if (needed) {
        *run = (RecheckRun){.ti = ti, .first = ci, .last = ci};
        run->narrowed = tracked && Chunk_recheck_span(&t->chunks[ci], &run->span);
        while (!run->narrowed && run->last + 1 < t->nchunks &&
               Recheck_needed(&t->chunks[run->last + 1], tracked)) {
            VerifyChunk next;
            if (tracked && Chunk_recheck_span(&t->chunks[run->last + 1], &next))
                break;
            run->last++;
        }
        if (!run->narrowed)
            run->span.hi = t->chunks[run->last].hi;
    }
    pthread_mutex_unlock(&v->lock);
    return needed;
}

static int Recheck_all(Verifier *v, uint64_t coord, atomic_bool *cancel, VerifyOutcome *out,
                       char *err, size_t errsize)
{
    for (size_t ti = 0; ti < v->ntables; ti++) {
        for (size_t ci = 0; ci < v->tables[ti].nchunks; ci++) {
            RecheckRun run;
            if (!Recheck_next_run(v, ti, ci, out->tracked, &run))
                continue;
            if (cancel && atomic_load(cancel))
                return snprintf(err, errsize, "cancelled"), -1;
            int rc = Recheck_run(v, &run, coord, out, err, errsize);
            if (rc <= 0)
                return rc;
            ci = run.last;
        }
    }
    return 1;
}

static void Recheck_totals(Verifier *v, VerifyOutcome *out)
{
    int64_t oldest = INT64_MAX;
    pthread_mutex_lock(&v->lock);
    out->tables = v->ntables;
    for (size_t ti = 0; ti < v->ntables; ti++) {
        for (size_t ci = 0; ci < v->tables[ti].nchunks; ci++) {
            const VerifyChunk *c = &v->tables[ti].chunks[ci];
            out->chunks++;
            out->rows += c->rows;
            if (c->checked_mono_ms < oldest)
                oldest = c->checked_mono_ms;
        }
    }
    Recheck_whole(v, out->whole, sizeof out->whole);
    pthread_mutex_unlock(&v->lock);
    out->oldest_check_s = oldest == INT64_MAX ? 0 : (Clock_mono_ms() - oldest) / 1000;
}

int Verifier_recheck(Verifier *v, const char *file, uint64_t pos, int timeout_ms,
                     atomic_bool *cancel, VerifyOutcome *out, char *err, size_t errsize)
{
    memset(out, 0, sizeof *out);
    Verifier_pause(v, true);
    pthread_mutex_lock(&v->run_lock);
    int rc = -1;
    if (!v->loaded) {
        snprintf(err, errsize,
                 "the verifier has not read the tables yet (is the source reachable?)");
    } else if (Recheck_close_tables(v) != 0) {
        snprintf(err, errsize, "out of memory");
    } else {
        uint64_t coord = Binlog_coord(file, pos);
        int64_t t0 = Clock_mono_ms();
        out->tracked = Recheck_wait_tail(v, coord, timeout_ms, cancel);
        int64_t t1 = Clock_mono_ms();
        out->wait_ms = t1 - t0;
        rc = Recheck_all(v, coord, cancel, out, err, errsize);
        out->recheck_ms = Clock_mono_ms() - t1;
        out->equal = rc == 1;
        rc = rc < 0 ? -1 : 0;
        Recheck_totals(v, out);
    }
    pthread_mutex_unlock(&v->run_lock);
    return rc;
}
