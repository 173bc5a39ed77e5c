#include "probes/server.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/clock.h"
#include "probes/cdc.h"
#include "session/metrics.h"
#include "probes/replica.h"
#include "probes/servers.h"

typedef struct ServerLoop {
    bool source;
    Replica replica;
    Servers servers;
    Cdc cdc;
} ServerLoop;

void ServerStatus_add(const char *name, const char *value, void *arg)
{
    ServerStatus *st = arg;
    double v = strtod(value, NULL);
    if (strcasecmp(name, "Threads_connected") == 0) {
        st->connections = v;
        st->have_connections = true;
    } else if (strcasecmp(name, "Innodb_data_reads") == 0) {
        st->data_reads = v;
        st->have_reads = true;
    } else if (strcasecmp(name, "Innodb_data_writes") == 0) {
        st->data_writes = v;
        st->have_writes = true;
    } else if (strcasecmp(name, "Innodb_rows_inserted") == 0 ||
               strcasecmp(name, "Innodb_rows_updated") == 0 ||
               strcasecmp(name, "Innodb_rows_deleted") == 0) {
        st->innodb_rows += v;
        st->innodb_parts++;
    } else if (strcasecmp(name, "Handler_write") == 0 || strcasecmp(name, "Handler_update") == 0 ||
               strcasecmp(name, "Handler_delete") == 0) {
        st->handler_rows += v;
        st->handler_parts++;
    }
}

void ServerStatus_finish(ServerStatus *st)
{
    if (st->innodb_parts == 3) {
        st->rows = st->innodb_rows;
        st->rows_origin = "Innodb_rows_*";
        st->have_rows = true;
    } else if (st->handler_parts == 3) {
        st->rows = st->handler_rows;
        st->rows_origin = "Handler_write/update/delete";
        st->have_rows = true;
    }
}

/* Publishes the source's coordinates, re-reading the file list when the
 * binlog rotated, and copies what Cdc needs into out. */
static void Server_share_source(Probe *p, Db *db, const ReplicaSnapshot *snap, CdcBinlog *out)
{
    ProbeShared *sh = p->shared;
    memset(out, 0, sizeof *out);
    pthread_mutex_lock(&sh->lock);
    bool rotated = sh->nfiles == 0 || strcmp(sh->source_file, snap->file) != 0;
    pthread_mutex_unlock(&sh->lock);
    int n = rotated ? Replica_binlog_files(db, out->files, BINLOG_FILES_MAX) : -1;
    pthread_mutex_lock(&sh->lock);
    if (n >= 0) {
        memcpy(sh->files, out->files, (size_t)n * sizeof *out->files);
        sh->nfiles = (size_t)n;
    }
    snprintf(sh->source_file, sizeof sh->source_file, "%s", snap->file);
    sh->source_pos = snap->pos;
    sh->source_pos_mono_ms = Clock_mono_ms();
    memcpy(out->files, sh->files, sh->nfiles * sizeof *out->files);
    out->nfiles = sh->nfiles;
    pthread_mutex_unlock(&sh->lock);
}

/* The source's latest coordinates for the target thread, when recent. */
static void Server_read_source(Probe *p, CdcBinlog *out)
{
    ProbeShared *sh = p->shared;
    int64_t max_age = 5 * (int64_t)p->interval_ms;
    memset(out, 0, sizeof *out);
    pthread_mutex_lock(&sh->lock);
    out->have_pos =
        sh->source_pos_mono_ms != 0 && Clock_mono_ms() - sh->source_pos_mono_ms <= max_age;
    snprintf(out->file, sizeof out->file, "%s", sh->source_file);
    out->pos = sh->source_pos;
    memcpy(out->files, sh->files, sh->nfiles * sizeof *out->files);
    out->nfiles = sh->nfiles;
    pthread_mutex_unlock(&sh->lock);
}

static int Server_round_source(Probe *p, ServerLoop *l, Db *db, const ServerStatus *st, int64_t now)
{
    ReplicaSnapshot snap;
    if (Replica_poll_source(p, &l->replica, db, &snap) < 0)
        return -1;
    CdcBinlog bl = {.have_pos = false};
    if (snap.have_pos)
        Server_share_source(p, db, &snap, &bl);
    Cdc_source(p, &l->cdc, st, &snap, &bl, now);
    Probe_ok(p);
    return 0;
}

static int Server_round_target(Probe *p, ServerLoop *l, Db *db, const ServerStatus *st, int64_t now)
{
    ReplicaSnapshot snap;
    if (Replica_poll_target(p, &l->replica, db, &snap) < 0)
        return -1;
    if (snap.have_lag)
        Servers_post_replica_lag(p, &l->servers, snap.lag_s);
    CdcBinlog bl;
    Server_read_source(p, &bl);
    Cdc_target(p, &l->cdc, st, &snap, &bl, now);
    if (snap.running)
        Probe_ok(p);
    else
        Probe_health(p, PROBE_ERROR, "%s", snap.stopped_why);
    return 0;
}

/* One refresh; -1 when the connection was lost. */
static int Server_round(Probe *p, ServerLoop *l, Db *db)
{
    ServerStatus st;
    char err[256];
    memset(&st, 0, sizeof st);
    if (Db_global_status(db, ServerStatus_add, &st, err, sizeof err) != 0) {
        Probe_health(p, PROBE_ERROR, "SHOW GLOBAL STATUS: %s", err);
        return Probe_db_lost(db) ? -1 : 0;
    }
    ServerStatus_finish(&st);
    int64_t now = Clock_mono_ms();
    Servers_post(p, &l->servers, &st, now);
    int rc = l->source ? Server_round_source(p, l, db, &st, now)
                       : Server_round_target(p, l, db, &st, now);
    if (rc == 0)
        Probe_fresh(p);
    return rc;
}

static void Server_run(Probe *p, bool source)
{
    ServerLoop l = {.source = source};
    const PlanServer *server = source ? &p->plan->source : &p->plan->target;
    Servers_init(&l.servers, source ? M_RDS_SOURCE_PREFIX : M_RDS_TARGET_PREFIX,
                 server->rds_instance != NULL);
    Cdc_init(&l.cdc);
    Db *db = NULL;
    while (!Probe_stopping(p)) {
        if (!db) {
            if (!(db = Probe_connect(p, server)))
                break;
            memset(&l.replica, 0, sizeof l.replica);
            if (Replica_detect(&l.replica, db) < 0) {
                Db_close(db);
                db = NULL;
                continue;
            }
        }
        int64_t start = Clock_mono_ms();
        if (Server_round(p, &l, db) < 0) {
            Db_close(db);
            db = NULL;
            continue;
        }
        if (!Probe_sleep(p, p->interval_ms - (Clock_mono_ms() - start)))
            break;
    }
    Db_close(db);
}

void Server_source_run(Probe *p)
{
    Server_run(p, true);
}

void Server_target_run(Probe *p)
{
    Server_run(p, false);
}
