#include "probes/heartbeat.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/clock.h"
#include "session/metrics.h"
#include "probes/offset.h"

#define HEARTBEAT_DEFAULT "cutover.heartbeat"
#define FENCE_DEFAULT     "cutover.fence"

static bool Heartbeat_ident(const char *s, size_t len)
{
    if (len == 0 || len > 64)
        return false;
    for (size_t i = 0; i < len; i++)
        if (!isalnum((unsigned char)s[i]) && s[i] != '_' && s[i] != '$')
            return false;
    return true;
}

int Heartbeat_table_parts(const char *name, char *schema, size_t schema_size, char *table,
                          size_t table_size)
{
    const char *dot = name ? strchr(name, '.') : NULL;
    if (!dot || !Heartbeat_ident(name, (size_t)(dot - name)) ||
        !Heartbeat_ident(dot + 1, strlen(dot + 1)))
        return -1;
    snprintf(schema, schema_size, "`%.*s`", (int)(dot - name), name);
    snprintf(table, table_size, "`%s`", dot + 1);
    return 0;
}

static const char *Heartbeat_table_name(const Plan *plan)
{
    return plan->lag_zero.heartbeat_table ? plan->lag_zero.heartbeat_table : HEARTBEAT_DEFAULT;
}

/* "`cutover`.`heartbeat`", or -1 with health posted when the plan's name is bad. */
static int Heartbeat_qualified(Probe *p, const char *name, char *out, size_t size)
{
    char schema[80], table[80];
    if (Heartbeat_table_parts(name, schema, sizeof schema, table, sizeof table) != 0) {
        Probe_health(p, PROBE_ERROR, "table \"%s\" is not schema.table", name);
        return -1;
    }
    snprintf(out, size, "%s.%s", schema, table);
    return 0;
}

/* CREATE ... IF NOT EXISTS for the cutover schema, heartbeat and fence tables.
 * A failure is only reported: the tables may exist while CREATE is denied. */
static void Heartbeat_create(Probe *p, Db *db, const char *hb)
{
    const char *fence_name =
        p->plan->lag_zero.fence_table ? p->plan->lag_zero.fence_table : FENCE_DEFAULT;
    char schema[80], table[80], fence[170], sql[400], err[256];
    if (Heartbeat_table_parts(Heartbeat_table_name(p->plan), schema, sizeof schema, table,
                              sizeof table) != 0)
        return;
    snprintf(sql, sizeof sql, "CREATE DATABASE IF NOT EXISTS %s", schema);
    int rc = Db_exec(db, sql, err, sizeof err);
    snprintf(sql, sizeof sql,
             "CREATE TABLE IF NOT EXISTS %s (id INT PRIMARY KEY, ts DATETIME(6) NOT NULL)", hb);
    if (rc == 0)
        rc = Db_exec(db, sql, err, sizeof err);
    if (rc == 0 && Heartbeat_qualified(p, fence_name, fence, sizeof fence) == 0) {
        snprintf(sql, sizeof sql,
                 "CREATE TABLE IF NOT EXISTS %s (id VARCHAR(64) PRIMARY KEY, created_at "
                 "DATETIME(6) NOT NULL, note VARCHAR(255))",
                 fence);
        rc = Db_exec(db, sql, err, sizeof err);
    }
    if (rc != 0)
        Probe_log(p, LOG_WARN, "could not create the heartbeat/fence tables: %s", err);
}

/* Timestamps in DATETIME(6) mean UTC on both servers whatever their zones. */
static Db *Heartbeat_connect(Probe *p, const PlanServer *server)
{
    Db *db = Probe_connect(p, server);
    char err[256];
    if (db && Db_exec(db, "SET time_zone = '+00:00'", err, sizeof err) != 0)
        Probe_health(p, PROBE_ERROR, "SET time_zone: %s", err);
    return db;
}

/* One NTP-style offset sample of db's clock. */
static bool Heartbeat_offset(Db *db, double *offset_s, double *rtt_s, char *err, size_t size)
{
    double sent = Clock_wall_s(), m0 = Clock_mono_s();
    double server_now;
    int rc = Db_query_double(db, "SELECT UNIX_TIMESTAMP(NOW(6))", &server_now, err, size);
    if (rc != 1)
        return false;
    *rtt_s = Clock_mono_s() - m0;
    *offset_s = Offset_sample(server_now, sent, *rtt_s);
    return true;
}

static void Heartbeat_share_offset(Probe *p, OffsetFilter *filter, double offset, double rtt)
{
    double best;
    OffsetFilter_add(filter, offset, rtt);
    if (!OffsetFilter_best(filter, &best))
        return;
    pthread_mutex_lock(&p->shared->lock);
    p->shared->source_offset_s = best;
    p->shared->source_offset_mono_ms = Clock_mono_ms();
    pthread_mutex_unlock(&p->shared->lock);
}

/* One round of the writer; false when the connection was lost. */
static bool Heartbeat_write_round(Probe *p, Db *db, const char *hb, bool measure,
                                  OffsetFilter *filter)
{
    char sql[300], err[256];
    bool ok = true;
    bool writing = p->write_heartbeat && atomic_load(&p->shared->heartbeat_writes);
    if (writing) {
        snprintf(sql, sizeof sql,
                 "INSERT INTO %s (id, ts) VALUES (1, NOW(6)) ON DUPLICATE KEY UPDATE ts = NOW(6)",
                 hb);
        ok = Db_exec(db, sql, err, sizeof err) == 0;
        if (!ok)
            Probe_health(p, PROBE_ERROR, "heartbeat write failed: %s", err);
        if (!ok && Probe_db_lost(db))
            return false;
    }
    if (measure) {
        double offset, rtt;
        if (!Heartbeat_offset(db, &offset, &rtt, err, sizeof err)) {
            Probe_health(p, PROBE_ERROR, "source clock: %s", err);
            return !Probe_db_lost(db);
        }
        Heartbeat_share_offset(p, filter, offset, rtt);
    }
    if (ok) {
        Probe_health(p, PROBE_OK, "%s",
                     writing              ? ""
                     : p->write_heartbeat ? "paused: lag zero proven, the source is frozen"
                                          : "observer: not writing");
        Probe_fresh(p);
    }
    return true;
}

void Heartbeat_write_run(Probe *p)
{
    char hb[170];
    if (Heartbeat_qualified(p, Heartbeat_table_name(p->plan), hb, sizeof hb) != 0)
        return;
    int every = p->write_heartbeat ? p->plan->timings.heartbeat_ms : p->plan->timings.refresh_ms;
    if (every <= 0)
        every = 250;
    OffsetFilter filter;
    OffsetFilter_reset(&filter);
    int64_t last_measure = 0;
    Db *db = NULL;
    while (!Probe_stopping(p)) {
        if (!db) {
            if (!(db = Heartbeat_connect(p, &p->plan->source)))
                break;
            if (p->write_heartbeat)
                Heartbeat_create(p, db, hb);
        }
        int64_t start = Clock_mono_ms();
        bool measure = start - last_measure >= 1000;
        if (measure)
            last_measure = start;
        if (!Heartbeat_write_round(p, db, hb, measure, &filter)) {
            Db_close(db);
            db = NULL;
            continue;
        }
        if (!Probe_sleep(p, every - (Clock_mono_ms() - start)))
            break;
    }
    Db_close(db);
}

typedef struct HeartbeatReader {
    OffsetFilter filter;
    int64_t last_offset_post;
    char select[300];
} HeartbeatReader;

/* The source's offset as the writer last measured it; false when unknown. */
static bool Heartbeat_source_offset(Probe *p, double *offset)
{
    pthread_mutex_lock(&p->shared->lock);
    bool known = p->shared->source_offset_mono_ms != 0;
    *offset = p->shared->source_offset_s;
    pthread_mutex_unlock(&p->shared->lock);
    return known;
}

static void Heartbeat_post_lag(Probe *p, HeartbeatReader *r, double ts, double target_now)
{
    double target_offset = 0, source_offset = 0;
    OffsetFilter_best(&r->filter, &target_offset);
    bool corrected = Heartbeat_source_offset(p, &source_offset);
    double lag =
        corrected ? Offset_lag(target_now, ts, target_offset, source_offset) : target_now - ts;
    if (lag < 0) /* within the offset's error bound: the target is caught up */
        lag = 0;
    Probe_sample(p, M_LAG_HEARTBEAT_S, lag, corrected ? "heartbeat" : "heartbeat (uncorrected)");
    int64_t now = Clock_mono_ms();
    if (corrected && now - r->last_offset_post >= p->plan->timings.refresh_ms) {
        r->last_offset_post = now;
        Probe_sample(p, M_LAG_CLOCK_OFFSET_MS, (target_offset - source_offset) * 1000.0,
                     "heartbeat");
    }
}

/* One read of the heartbeat row; false when the connection was lost. */
static bool Heartbeat_read_round(Probe *p, Db *db, HeartbeatReader *r)
{
    const char **cols;
    size_t n;
    char err[256];
    double sent = Clock_wall_s(), m0 = Clock_mono_s();
    int rc = Db_query_row(db, r->select, &cols, &n, err, sizeof err);
    double rtt = Clock_mono_s() - m0;
    if (rc < 0) {
        Probe_health(p, PROBE_ERROR, "heartbeat read failed: %s", err);
        return !Probe_db_lost(db);
    }
    if (rc == 0 || n < 2 || !cols[0] || !cols[1]) {
        Probe_health(p, PROBE_ERROR, "no heartbeat row on the target yet (%s)",
                     Heartbeat_table_name(p->plan));
        return true;
    }
    double ts = strtod(cols[0], NULL), target_now = strtod(cols[1], NULL);
    OffsetFilter_add(&r->filter, Offset_sample(target_now, sent, rtt), rtt);
    Heartbeat_post_lag(p, r, ts, target_now);
    Probe_ok(p);
    Probe_fresh(p);
    return true;
}

void Heartbeat_read_run(Probe *p)
{
    char hb[170];
    if (Heartbeat_qualified(p, Heartbeat_table_name(p->plan), hb, sizeof hb) != 0)
        return;
    HeartbeatReader r = {.last_offset_post = 0};
    OffsetFilter_reset(&r.filter);
    snprintf(r.select, sizeof r.select,
             "SELECT UNIX_TIMESTAMP(ts), UNIX_TIMESTAMP(NOW(6)) FROM %s WHERE id = 1", hb);
    int every = p->plan->timings.heartbeat_ms > 0 ? p->plan->timings.heartbeat_ms : 250;
    /* The row still holds the last beat of an earlier session: give our
     * writer two beats to replace it, so the first figure is not a stale
     * start-up artefact (an observer reads at once: someone else writes). */
    if (p->write_heartbeat && !Probe_sleep(p, 2 * every))
        return;
    Db *db = NULL;
    while (!Probe_stopping(p)) {
        if (!db && !(db = Heartbeat_connect(p, &p->plan->target)))
            break;
        int64_t start = Clock_mono_ms();
        if (!Heartbeat_read_round(p, db, &r)) {
            Db_close(db);
            db = NULL;
            continue;
        }
        if (!Probe_sleep(p, every - (Clock_mono_ms() - start)))
            break;
    }
    Db_close(db);
}
