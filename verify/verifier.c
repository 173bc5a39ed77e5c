/* The verifier's background loop: load the tables, start the binlog tail,
 * then compare chunk after chunk, the unplanned and the unsettled first,
 * at most half of the time busy, never while the lag is over the plan's
 * threshold. */
#include "verify/verifier.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "checklist/step.h"
#include "lib/clock.h"
#include "probes/binlog.h"
#include "session/metrics.h"
#include "verify/compare.h"
#include "verify/table.h"
#include "verify/table_list.h"
#include "verify/verifier_state.h"

enum {
    VERIFY_FIRST_ROWS = 1000,
    VERIFY_MIN_ROWS = 100,
    VERIFY_MAX_ROWS = 1000000,
    VERIFY_IDLE_MS = 500,
    VERIFY_LAG_WAIT_MS = 1000,
    VERIFY_RECHECK_MS = 1000,    /* an unsettled chunk is not compared again sooner */
    VERIFY_INTERLEAVE_MS = 5000, /* during the first pass, a changed chunk this old goes first */
    VERIFY_TAIL_ROWS = 2000,     /* the last chunk is cut once it holds this many rows */
    /* A settled chunk is compared again after this long: the binlog shows
     * the source's writes, not a stray write on the target, and the oldest
     * comparison's age is what the lead reads as "verified". */
    VERIFY_REPASS_MS = 300000,
};

Db *Verifier_db(Verifier *v, bool source, char *err, size_t errsize)
{
    Db **db = source ? &v->src : &v->tgt;
    if (*db)
        return *db;
    DbTimeouts t = Probe_timeouts(v->plan);
    t.read_ms = v->plan->verify.timeout_ms;
    *db = Db_connect(source ? &v->plan->source : &v->plan->target, &t, err, errsize);
    return *db;
}

void Verifier_drop(Verifier *v, bool source)
{
    Db **db = source ? &v->src : &v->tgt;
    Db_close(*db);
    *db = NULL;
}

uint64_t Verifier_source_coord(Verifier *v, char *file, size_t fsize, uint64_t *pos)
{
    char err[256], f[BINLOG_NAME_MAX];
    uint64_t p = 0;
    Db *db = Verifier_db(v, true, err, sizeof err);
    if (!db || Db_binlog_position(db, f, sizeof f, &p, err, sizeof err) != 1)
        return 0;
    if (file)
        snprintf(file, fsize, "%s", f);
    if (pos)
        *pos = p;
    return Binlog_coord(f, p);
}

void Verifier_settle(Verifier *v, size_t ti, size_t ci, bool equal, uint64_t coord, int64_t rows)
{
    pthread_mutex_lock(&v->lock);
    VerifyChunk *c = &v->tables[ti].chunks[ci];
    Chunk_compared(c, equal, coord);
    c->checked_mono_ms = Clock_mono_ms();
    c->rows = rows;
    pthread_mutex_unlock(&v->lock);
}

/* ---- the tail's callbacks (on the tail's thread) ------------------------ */

static VerifyTable *Verifier_table(Verifier *v, const char *name)
{
    for (size_t i = 0; i < v->ntables; i++)
        if (strcmp(v->tables[i].name, name) == 0)
            return &v->tables[i];
    return NULL;
}

static int Verifier_key_of(const char *table, void *ctx)
{
    Verifier *v = ctx;
    VerifyTable *t = Verifier_table(v, table); /* names and keys never change once loaded */
    return t ? t->key_ordinal : -1;
}

static void Verifier_on_change(const char *table, bool has_key, int64_t key, uint64_t coord,
                               void *ctx)
{
    Verifier *v = ctx;
    pthread_mutex_lock(&v->lock);
    VerifyTable *t = Verifier_table(v, table);
    if (t)
        Chunk_mark_changed(t, has_key, key, coord);
    pthread_mutex_unlock(&v->lock);
}

/* A statement naming a verified table (its name after the schema, in any
 * case) changed it in ways no row image shows: TRUNCATE, ALTER, DML logged
 * as a statement. Every chunk of it is compared again. A name that merely
 * appears costs a needless recheck, never a missed one. */
static void Verifier_on_statement(const char *line, uint64_t coord, void *ctx)
{
    Verifier *v = ctx;
    pthread_mutex_lock(&v->lock);
    for (size_t i = 0; i < v->ntables; i++) {
        const char *dot = strchr(v->tables[i].name, '.');
        if (dot && strcasestr(line, dot + 1))
            Chunk_mark_changed(&v->tables[i], false, 0, coord);
    }
    pthread_mutex_unlock(&v->lock);
}

/* ---- start: the tables, then the tail ----------------------------------- */

static VerifyTable *Verifier_load_tables(Verifier *v, Db *db, const TableList *list)
{
    char err[400];
    VerifyTable *tables = calloc(list->n, sizeof *tables);
    if (!tables)
        return Probe_health(&v->probe, PROBE_ERROR, "out of memory"), NULL;
    for (size_t i = 0; i < list->n; i++) {
        VerifyTable *t = &tables[i];
        if (VerifyTable_load(db, list->names[i], t, err, sizeof err) != 0 ||
            (!t->key[0] && Chunk_append(t, INT64_MIN, INT64_MAX) != 0)) {
            Probe_health(&v->probe, PROBE_ERROR, "%s", err);
            for (size_t j = 0; j <= i; j++)
                Chunk_table_free(&tables[j]);
            free(tables);
            return NULL;
        }
        t->planned = !t->key[0];
    }
    return tables;
}

static int Verifier_load(Verifier *v)
{
    char err[600];
    TableList list;
    Db *db = Verifier_db(v, true, err, sizeof err);
    if (!db)
        return Probe_health(&v->probe, PROBE_ERROR, "%s", err), -1;
    if (TableList_resolve(v->plan, db, &list, err, sizeof err) != 0)
        return Probe_health(&v->probe, PROBE_ERROR, "%s", err), -1;
    if (v->plan->verify.all_tables)
        Probe_log(&v->probe, LOG_INFO, "verify: %s", list.summary);
    VerifyTable *tables = Verifier_load_tables(v, db, &list);
    size_t n = list.n;
    TableList_free(&list);
    if (!tables)
        return -1;
    pthread_mutex_lock(&v->lock);
    v->tables = tables;
    v->ntables = n;
    v->loaded = true;
    pthread_mutex_unlock(&v->lock);
    return 0;
}

static void Verifier_start_tail(Verifier *v)
{
    char file[128], err[300];
    uint64_t pos = 0;
    if (Verifier_source_coord(v, file, sizeof file, &pos) == 0) {
        Probe_log(&v->probe, LOG_WARN,
                  "verify: the source's binlog position is unreadable: every chunk will be "
                  "compared again in the window");
        return;
    }
    BinlogTailConfig cfg = {
        .server = &v->plan->source,
        .program = "mariadb-binlog",
        .server_id = 1000000000u + (unsigned)getpid() % 100000000u,
        .key_of = Verifier_key_of,
        .on_change = Verifier_on_change,
        .on_statement = Verifier_on_statement,
        .ctx = v,
    };
    v->tail = BinlogTail_start(&cfg, file, pos, err, sizeof err);
    if (!v->tail)
        Probe_log(&v->probe, LOG_WARN, "verify: %s", err);
}

static int Verifier_prepare(Verifier *v)
{
    pthread_mutex_lock(&v->run_lock);
    int rc = v->loaded ? 0 : Verifier_load(v);
    if (rc == 0 && !v->tail)
        Verifier_start_tail(v);
    pthread_mutex_unlock(&v->run_lock);
    return rc;
}

/* ---- one unit of work ---------------------------------------------------- */

typedef struct VerifyPick {
    size_t ti, ci;
    bool plan; /* plan table ti's next chunk (from lo) before comparing it */
    int64_t lo;
} VerifyPick;

/* The oldest-compared chunk that is not settled (never compared first,
 * unless only_compared), and not compared in the last min_age_ms: a chunk
 * the target has not caught up with is given time. */
static bool Verifier_pick_unsettled(Verifier *v, VerifyPick *p, int64_t now, int64_t min_age_ms,
                                    bool only_compared)
{
    bool found = false;
    int64_t best = INT64_MAX;
    for (size_t ti = 0; ti < v->ntables; ti++) {
        VerifyTable *t = &v->tables[ti];
        for (size_t ci = 0; ci < t->nchunks; ci++) {
            VerifyChunk *c = &t->chunks[ci];
            bool fresh = c->state == CHUNK_NEW;
            int64_t when = fresh ? INT64_MIN : c->checked_mono_ms;
            if (Chunk_settled(c) || (fresh && only_compared) ||
                (!fresh && now - when < min_age_ms) || when >= best)
                continue;
            best = when;
            *p = (VerifyPick){.ti = ti, .ci = ci};
            found = true;
        }
    }
    return found;
}

/* With everything settled: the chunk compared longest ago, once that is
 * longer ago than VERIFY_REPASS_MS. */
static bool Verifier_pick_oldest(Verifier *v, VerifyPick *p, int64_t now)
{
    bool found = false;
    int64_t best = now - VERIFY_REPASS_MS;
    for (size_t ti = 0; ti < v->ntables; ti++) {
        for (size_t ci = 0; ci < v->tables[ti].nchunks; ci++) {
            if (v->tables[ti].chunks[ci].checked_mono_ms >= best)
                continue;
            best = v->tables[ti].chunks[ci].checked_mono_ms;
            *p = (VerifyPick){.ti = ti, .ci = ci};
            found = true;
        }
    }
    return found;
}

static bool Verifier_pick(Verifier *v, VerifyPick *p)
{
    pthread_mutex_lock(&v->lock);
    int64_t now = Clock_mono_ms();
    /* A chunk changing while the first pass plans the rest (the insert
     * tail of a busy table) is compared again every few seconds, or it would
     * wait the whole pass and reach the window large. */
    bool found = Verifier_pick_unsettled(v, p, now, VERIFY_INTERLEAVE_MS, true);
    for (size_t ti = 0; ti < v->ntables && !found; ti++) {
        VerifyTable *t = &v->tables[ti];
        if (t->planned)
            continue;
        int64_t lo = t->nchunks ? t->chunks[t->nchunks - 1].hi + 1 : INT64_MIN;
        *p = (VerifyPick){.ti = ti, .ci = t->nchunks, .plan = true, .lo = lo};
        found = true;
    }
    if (!found)
        found = Verifier_pick_unsettled(v, p, now, VERIFY_RECHECK_MS, false);
    if (!found)
        found = Verifier_pick_oldest(v, p, now);
    pthread_mutex_unlock(&v->lock);
    return found;
}

/* The key chunk_rows rows past lo on the source: 1 found, 0 none (the rest
 * of the table is smaller), -1 error. */
static int Verifier_boundary(Verifier *v, const VerifyTable *t, int64_t lo, int64_t *at, char *err,
                             size_t errsize)
{
    Db *db = Verifier_db(v, true, err, errsize);
    if (!db)
        return -1;
    char sql[600];
    Chunk_boundary_sql(t, lo, v->chunk_rows, sql, sizeof sql);
    int rc = Db_query_int(db, sql, at, err, errsize);
    if (rc < 0)
        Verifier_drop(v, true);
    return rc;
}

/* Appends table ti's next chunk from lo (the last one: to the end). */
static int Verifier_plan(Verifier *v, size_t ti, int64_t lo, char *err, size_t errsize)
{
    int64_t at = 0;
    int rc = Verifier_boundary(v, &v->tables[ti], lo, &at, err, errsize);
    if (rc < 0)
        return -1;
    pthread_mutex_lock(&v->lock);
    VerifyTable *t = &v->tables[ti];
    int added = Chunk_append(t, lo, rc == 1 && at > lo ? at - 1 : INT64_MAX);
    t->planned = rc == 0 || at <= lo;
    pthread_mutex_unlock(&v->lock);
    if (added != 0)
        snprintf(err, errsize, "out of memory");
    return added;
}

/* A chunk that grew past three times the chunk size (the last one, as rows
 * are added at the end) is cut in two; both halves keep its state. */
static void Verifier_maybe_split(Verifier *v, size_t ti, size_t ci, int64_t rows)
{
    if (rows <= 3 * v->chunk_rows || !v->tables[ti].key[0])
        return;
    char err[300];
    int64_t at = 0;
    int64_t lo = v->tables[ti].chunks[ci].lo;
    if (Verifier_boundary(v, &v->tables[ti], lo, &at, err, sizeof err) != 1)
        return;
    pthread_mutex_lock(&v->lock);
    if (Chunk_split(&v->tables[ti], ci, at) == 0) { /* the cut is chunk_rows rows in */
        v->tables[ti].chunks[ci].rows = v->chunk_rows;
        v->tables[ti].chunks[ci + 1].rows = rows - v->chunk_rows;
    }
    pthread_mutex_unlock(&v->lock);
}

/* A chunk that differed while the binlog showed changes in its upper part
 * only (rows being added or changed at its end) is cut where those changes
 * begin: the rows below get no more changes, so their next comparison,
 * once the target has caught up, settles them; only the changing part is
 * left to compare again (and, at the freeze, in the window). */
static void Verifier_split_changed(Verifier *v, size_t ti, size_t ci)
{
    pthread_mutex_lock(&v->lock);
    VerifyTable *t = &v->tables[ti];
    VerifyChunk *c = &t->chunks[ci];
    if (t->key[0] && c->state == CHUNK_UNSETTLED && c->dirty_lo <= c->dirty_hi &&
        c->dirty_lo > c->lo && c->dirty_lo <= c->hi) {
        int64_t rows = c->rows;
        if (Chunk_split(t, ci, c->dirty_lo) == 0) {
            t->chunks[ci].rows = rows;
            t->chunks[ci + 1].rows = 0; /* counted at its own next comparison */
        }
    }
    pthread_mutex_unlock(&v->lock);
}

/* The last chunk (to the end of the key range) is where an application
 * adds rows, so it is rarely equal while the target is behind. Once it
 * holds VERIFY_TAIL_ROWS it is cut at the source's largest key: the rows up
 * to there settle once the target has them, and the new last chunk holds
 * only what was added since, which is all the window compares of it. */
static void Verifier_cut_tail(Verifier *v, size_t ti, size_t ci)
{
    const VerifyTable *t = &v->tables[ti];
    if (!t->key[0] || ci + 1 != t->nchunks || t->chunks[ci].hi != INT64_MAX ||
        t->chunks[ci].rows < VERIFY_TAIL_ROWS)
        return;
    char sql[400], err[300];
    int64_t max = 0;
    snprintf(sql, sizeof sql, "SELECT MAX(%s) FROM %s", t->key, t->quoted);
    Db *db = Verifier_db(v, true, err, sizeof err);
    if (!db || Db_query_int(db, sql, &max, err, sizeof err) != 1 || max == INT64_MAX)
        return;
    pthread_mutex_lock(&v->lock);
    if (max >= v->tables[ti].chunks[ci].lo && Chunk_split(&v->tables[ti], ci, max + 1) == 0)
        v->tables[ti].chunks[ci + 1].rows = 0; /* only what is added from now */
    pthread_mutex_unlock(&v->lock);
}

/* Settled neighbours that fit in one chunk are joined. */
static void Verifier_merge(Verifier *v, size_t ti)
{
    pthread_mutex_lock(&v->lock);
    VerifyTable *t = &v->tables[ti];
    for (size_t i = 0; i + 1 < t->nchunks;)
        if (!Chunk_merge_settled(t, i, v->chunk_rows))
            i++;
    pthread_mutex_unlock(&v->lock);
}

/* The next chunk's rows, so that it takes about the plan's chunk time. */
static void Verifier_adapt(Verifier *v, int64_t rows, int64_t ms)
{
    int64_t want = v->plan->verify.chunk_ms;
    if (rows < VERIFY_MIN_ROWS || ms <= 0)
        return;
    int64_t next = rows * want / ms;
    if (next > 2 * v->chunk_rows)
        next = 2 * v->chunk_rows;
    if (next < v->chunk_rows / 2)
        next = v->chunk_rows / 2;
    v->chunk_rows = next < VERIFY_MIN_ROWS   ? VERIFY_MIN_ROWS
                    : next > VERIFY_MAX_ROWS ? VERIFY_MAX_ROWS
                                             : next;
}

/* Where the tail has read, when it reads without an error (0: do not
 * narrow). Taken before a chunk is copied: every change up to it is in
 * the copy's changed keys. One less than the tail's event, whose rows may
 * be in the middle of being read. */
static uint64_t Verifier_tail_seen(Verifier *v)
{
    char why[200];
    if (!v->tail)
        return 0;
    uint64_t at = BinlogTail_coord(v->tail);
    BinlogTail_error(v->tail, why, sizeof why);
    return why[0] || at == 0 ? 0 : at - 1;
}

/* A chunk found equal before and changed since at a few keys (or a span):
 * only those rows are compared. Equal: the rest was equal and unchanged up
 * to where the tail had read, so the chunk is settled there. Differs: the
 * target has not applied those rows yet; the chunk stays as it was, tried
 * again after a second. */
static int Verifier_compare_narrowed(Verifier *v, size_t ti, size_t ci, const VerifyChunk *span,
                                     uint64_t seen, char *err, size_t errsize)
{
    Db *s = Verifier_db(v, true, err, errsize);
    Db *t = s ? Verifier_db(v, false, err, errsize) : NULL;
    if (!s || !t)
        return -1;
    CompareResult r;
    if (Compare_chunk(s, t, &v->tables[ti], span, false, &r) != 0) {
        snprintf(err, errsize, "%s", r.error);
        Verifier_drop(v, strncmp(r.error, "source", 6) == 0);
        return -1;
    }
    if (Compare_equal(&r)) {
        Verifier_settle(v, ti, ci, true, seen, span->rows);
        return 0;
    }
    pthread_mutex_lock(&v->lock);
    v->tables[ti].chunks[ci].checked_mono_ms = Clock_mono_ms();
    pthread_mutex_unlock(&v->lock);
    return 0;
}

static int Verifier_compare(Verifier *v, size_t ti, size_t ci, char *err, size_t errsize)
{
    uint64_t seen = Verifier_tail_seen(v);
    pthread_mutex_lock(&v->lock);
    VerifyChunk chunk = v->tables[ti].chunks[ci], span;
    pthread_mutex_unlock(&v->lock);
    if (seen && Chunk_recheck_span(&chunk, &span))
        return Verifier_compare_narrowed(v, ti, ci, &span, seen, err, errsize);
    uint64_t coord = Verifier_source_coord(v, NULL, 0, NULL);
    Db *s = Verifier_db(v, true, err, errsize);
    Db *t = s ? Verifier_db(v, false, err, errsize) : NULL;
    if (!s || !t)
        return -1;
    CompareResult r;
    if (Compare_chunk(s, t, &v->tables[ti], &chunk, false, &r) != 0) {
        snprintf(err, errsize, "%s", r.error);
        Verifier_drop(v, strncmp(r.error, "source", 6) == 0);
        return -1;
    }
    Verifier_settle(v, ti, ci, Compare_equal(&r) && coord != 0, coord, r.source.rows);
    Verifier_adapt(v, r.source.rows, r.source_ms);
    Verifier_maybe_split(v, ti, ci, r.source.rows);
    Verifier_split_changed(v, ti, ci);
    Verifier_cut_tail(v, ti, ci);
    Verifier_merge(v, ti);
    return 0;
}

static int Verifier_work(Verifier *v, const VerifyPick *p)
{
    char err[400] = "";
    pthread_mutex_lock(&v->run_lock);
    int rc = p->plan ? Verifier_plan(v, p->ti, p->lo, err, sizeof err) : 0;
    if (rc == 0)
        rc = Verifier_compare(v, p->ti, p->ci, err, sizeof err);
    pthread_mutex_unlock(&v->run_lock);
    if (rc != 0)
        Probe_health(&v->probe, PROBE_ERROR, "%s: %s", v->tables[p->ti].name, err);
    return rc;
}

/* ---- throttle and figures ------------------------------------------------- */

/* The heartbeat lag as the verifier sees it (seconds), or -1 when unknown:
 * the target's newest heartbeat against the source's clock. */
static double Verifier_lag_s(Verifier *v)
{
    const char *name =
        v->plan->lag_zero.heartbeat_table ? v->plan->lag_zero.heartbeat_table : "cutover.heartbeat";
    char q[200], sql[300], err[256];
    double now = 0, beat = 0;
    if (Step_quote_table(name, q, sizeof q) != 0)
        return -1;
    snprintf(sql, sizeof sql, "SELECT UNIX_TIMESTAMP(MAX(ts)) FROM %s", q);
    pthread_mutex_lock(&v->run_lock);
    Db *s = Verifier_db(v, true, err, sizeof err);
    Db *t = s ? Verifier_db(v, false, err, sizeof err) : NULL;
    bool ok = t &&
              Db_query_double(s, "SELECT UNIX_TIMESTAMP(NOW(6))", &now, err, sizeof err) == 1 &&
              Db_query_double(t, sql, &beat, err, sizeof err) == 1;
    pthread_mutex_unlock(&v->run_lock);
    return ok ? now - beat : -1;
}

VerifyCoverage Verifier_coverage(Verifier *v)
{
    VerifyCoverage cov = {.oldest_ms = INT64_MAX};
    pthread_mutex_lock(&v->lock);
    for (size_t ti = 0; ti < v->ntables; ti++) {
        const VerifyTable *t = &v->tables[ti];
        for (size_t ci = 0; ci < t->nchunks; ci++) {
            const VerifyChunk *c = &t->chunks[ci];
            cov.chunks++;
            cov.rows += c->rows;
            cov.settled += Chunk_settled(c);
            cov.never += c->state == CHUNK_NEW;
            if (c->state != CHUNK_NEW && c->checked_mono_ms < cov.oldest_ms)
                cov.oldest_ms = c->checked_mono_ms;
        }
        cov.never += !t->planned; /* the rest of a table not yet cut */
    }
    pthread_mutex_unlock(&v->lock);
    return cov;
}

static void Verifier_post(Verifier *v)
{
    VerifyCoverage cov = Verifier_coverage(v);
    char text[EVENT_TEXT_MAX], tail[300] = "";
    int64_t oldest_s =
        cov.oldest_ms == INT64_MAX ? 0 : (Clock_mono_ms() - cov.oldest_ms + 999) / 1000;
    if (v->tail)
        BinlogTail_error(v->tail, tail, sizeof tail);
    snprintf(text, sizeof text, "%zu/%zu chunks%s%s", cov.settled,
             cov.chunks + (cov.never > 0 && cov.chunks == 0),
             cov.never ? ", first pass running" : "",
             !v->tail || tail[0] ? ", changes not tracked" : "");
    double pct = cov.chunks ? 100.0 * (double)cov.settled / (double)cov.chunks : 0;
    Probe_text(&v->probe, M_VERIFY_SUMMARY, text, "verifier");
    Probe_sample(&v->probe, M_VERIFY_SETTLED_PCT, pct, "verifier");
    Probe_sample(&v->probe, M_VERIFY_PENDING, (double)(cov.chunks - cov.settled), "verifier");
    Probe_sample(&v->probe, M_VERIFY_ROWS, (double)cov.rows, "verifier");
    Probe_sample(&v->probe, M_VERIFY_OLDEST_S, (double)oldest_s, "verifier");
    if (tail[0])
        Probe_health(&v->probe, PROBE_ERROR, "binlog reader: %s", tail);
    else
        Probe_fresh(&v->probe);
}

/* ---- the loop -------------------------------------------------------------- */

static void Verifier_run(Probe *p)
{
    Verifier *v = p->ctx;
    while (Verifier_prepare(v) != 0)
        if (!Probe_sleep(p, 2000))
            return;
    Probe_ok(p);
    int64_t posted = 0;
    bool waiting = false; /* on the lag: said once, not every second */
    double limit = v->plan->thresholds.lag_seconds;
    while (!Probe_stopping(p)) {
        int64_t now = Clock_mono_ms();
        if (now - posted >= 1000) {
            Verifier_post(v);
            posted = now;
        }
        VerifyPick pick;
        double lag = -1;
        /* Paused (the window) or nothing to compare: no query at all. */
        if (atomic_load(&v->paused) || !Verifier_pick(v, &pick)) {
            Probe_sleep(p, VERIFY_IDLE_MS);
        } else if (limit > 0 && (lag = Verifier_lag_s(v)) > limit) {
            if (!waiting)
                Probe_log(p, LOG_INFO, "verify: waiting while the lag (%.1f s) is over %.1f s", lag,
                          limit);
            waiting = true;
            Probe_sleep(p, VERIFY_LAG_WAIT_MS);
        } else {
            waiting = false;
            int64_t t0 = Clock_mono_ms();
            int rc = Verifier_work(v, &pick);
            int64_t spent = Clock_mono_ms() - t0;
            Probe_sleep(p, rc == 0 ? spent : 2000); /* busy at most half of the time */
        }
    }
}

Verifier *Verifier_start(const Plan *plan, Bus *bus)
{
    if (plan->verify.mode != VERIFY_CHUNKS ||
        (plan->verify.ntables == 0 && !plan->verify.all_tables) ||
        !plan->steps[STEP_VERIFY].enabled)
        return NULL;
    Verifier *v = calloc(1, sizeof *v);
    if (!v)
        return NULL;
    v->plan = plan;
    v->chunk_rows = VERIFY_FIRST_ROWS;
    pthread_mutex_init(&v->lock, NULL);
    pthread_mutex_init(&v->run_lock, NULL);
    Probe_init(&v->probe, PROBE_VERIFY, 1000, Verifier_run);
    v->probe.plan = plan;
    v->probe.bus = bus;
    v->probe.ctx = v;
    if (Probe_start(&v->probe) != 0) {
        Verifier_stop(v);
        return NULL;
    }
    return v;
}

void Verifier_pause(Verifier *v, bool paused)
{
    if (v)
        atomic_store(&v->paused, paused);
}

void Verifier_stop(Verifier *v)
{
    if (!v)
        return;
    Probe_request_stop(&v->probe);
    Probe_join(&v->probe);
    BinlogTail_stop(v->tail);
    Probe_destroy(&v->probe);
    Db_close(v->src);
    Db_close(v->tgt);
    for (size_t i = 0; i < v->ntables; i++)
        Chunk_table_free(&v->tables[i]);
    free(v->tables);
    pthread_mutex_destroy(&v->lock);
    pthread_mutex_destroy(&v->run_lock);
    free(v);
}
