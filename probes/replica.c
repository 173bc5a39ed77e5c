#include "probes/replica.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "session/metrics.h"

int Replica_detect(Replica *r, Db *db)
{
    char version[128], err[256];
    int rc = Db_query_string(db, "SELECT @@version", version, sizeof version, err, sizeof err);
    if (rc < 0)
        return Probe_db_lost(db) ? -1 : 0;
    r->mariadb = Db_dialect(db)->flavor == DIALECT_MARIADB;
    return 0;
}

double Replica_gtid_seq_total(const char *gtid_pos)
{
    double total = 0;
    const char *s = gtid_pos;
    while (*s) {
        unsigned long long part[3];
        for (int i = 0; i < 3; i++) {
            char *end;
            if (*s < '0' || *s > '9')
                return -1;
            part[i] = strtoull(s, &end, 10);
            s = end;
            if (i < 2 && *s++ != '-')
                return -1;
        }
        total += (double)part[2];
        if (*s && *s != ',')
            return -1;
        while (*s == ',' || *s == ' ' || *s == '\n')
            s++;
    }
    return total;
}

/* Posts the GTID position text; returns the sum of its sequence numbers (-1
 * when unknown). */
static double Replica_post_gtid(Probe *p, Db *db, const char *key, const char *sql,
                                const char *origin)
{
    char gtid[4096], err[256];
    if (Db_query_string(db, sql, gtid, sizeof gtid, err, sizeof err) != 1)
        return -1;
    Probe_text(p, key, gtid, origin);
    return Replica_gtid_seq_total(gtid);
}

int Replica_poll_source(Probe *p, Replica *r, Db *db, ReplicaSnapshot *snap)
{
    char err[256];
    memset(snap, 0, sizeof *snap);
    int rc = Db_binlog_position(db, snap->file, sizeof snap->file, &snap->pos, err, sizeof err);
    if (rc < 0 && Probe_db_lost(db))
        return -1;
    snap->have_pos = rc == 1;
    if (rc != 1 && !r->warned_no_binlog) {
        r->warned_no_binlog = true;
        Probe_log(p, LOG_WARN, "no binlog coordinates on the source (%s)",
                  rc < 0 ? err : "binary log off?");
    }
    Replica_post_gtid(p, db, M_GTID_SOURCE, Db_dialect(db)->gtid_position,
                      r->mariadb ? "@@gtid_binlog_pos" : "@@gtid_executed");
    return Probe_db_lost(db) && Db_errno(db) != 0 ? -1 : 0;
}

static bool Replica_yes(const char *v)
{
    return v && strcmp(v, "Yes") == 0;
}

static void Replica_post_threads(Probe *p, const DbRow *row, ReplicaSnapshot *snap)
{
    const char *io_col, *sql_col;
    const char *io = DbRow_either(row, "Slave_IO_Running", "Replica_IO_Running", &io_col);
    const char *sql = DbRow_either(row, "Slave_SQL_Running", "Replica_SQL_Running", &sql_col);
    if (io_col)
        Probe_sample(p, M_REPLICA_IO, Replica_yes(io) ? 1 : 0, io_col);
    if (sql_col)
        Probe_sample(p, M_REPLICA_SQL, Replica_yes(sql) ? 1 : 0, sql_col);
    snap->running = Replica_yes(io) && Replica_yes(sql);
    if (!snap->running)
        snprintf(snap->stopped_why, sizeof snap->stopped_why, "replication stopped: %s=%s, %s=%s",
                 io_col ? io_col : "IO", io ? io : "NULL", sql_col ? sql_col : "SQL",
                 sql ? sql : "NULL");
}

static void Replica_post_error(Probe *p, const DbRow *row)
{
    const char *sql_err = DbRow_get(row, "Last_SQL_Error");
    const char *io_err = DbRow_get(row, "Last_IO_Error");
    if (sql_err && *sql_err)
        Probe_text(p, M_REPLICA_ERROR, sql_err, "Last_SQL_Error");
    else if (io_err && *io_err)
        Probe_text(p, M_REPLICA_ERROR, io_err, "Last_IO_Error");
    else
        Probe_text(p, M_REPLICA_ERROR, "", "SHOW SLAVE STATUS");
}

static void Replica_post_lag(Probe *p, const DbRow *row, ReplicaSnapshot *snap)
{
    const char *col;
    const char *lag = DbRow_either(row, "Seconds_Behind_Master", "Seconds_Behind_Source", &col);
    if (col && lag) {
        snap->have_lag = true;
        snap->lag_s = strtod(lag, NULL);
        Probe_sample(p, M_LAG_REPLICA_S, snap->lag_s, col);
    }
}

static void Replica_read_position(const DbRow *row, ReplicaSnapshot *snap)
{
    const char *file = DbRow_either(row, "Relay_Master_Log_File", "Relay_Source_Log_File", NULL);
    const char *pos = DbRow_either(row, "Exec_Master_Log_Pos", "Exec_Source_Log_Pos", NULL);
    if (file && *file && pos) {
        snap->have_pos = true;
        snprintf(snap->file, sizeof snap->file, "%s", file);
        snap->pos = strtoull(pos, NULL, 10);
    }
}

/* MySQL lists its GTIDs with line breaks; one line reads better. */
static void Replica_post_gtid_set(Probe *p, const DbRow *row)
{
    const char *set = DbRow_get(row, "Executed_Gtid_Set");
    if (!set)
        return;
    char flat[EVENT_TEXT_MAX];
    size_t n = 0;
    for (const char *s = set; *s && n + 1 < sizeof flat; s++)
        if (*s != '\n' && *s != '\r')
            flat[n++] = *s;
    flat[n] = '\0';
    Probe_text(p, M_GTID_TARGET, flat, "Executed_Gtid_Set");
}

int Replica_poll_target(Probe *p, Replica *r, Db *db, ReplicaSnapshot *snap)
{
    DbRow *row = NULL;
    char err[256];
    memset(snap, 0, sizeof *snap);
    snap->running = true;
    int rc = Db_query_named(db, Db_dialect(db)->replica_status, &row, err, sizeof err);
    if (rc < 0) {
        if (Probe_db_lost(db))
            return -1;
        Probe_log(p, LOG_WARN, "replica status: %s", err);
        return 0;
    }
    if (rc == 0) {
        if (!r->warned_not_replica)
            Probe_log(p, LOG_INFO, "the target is not a native replica: no replica status");
        r->warned_not_replica = true;
        return 0;
    }
    Replica_post_threads(p, row, snap);
    Replica_post_lag(p, row, snap);
    Replica_post_error(p, row);
    Replica_read_position(row, snap);
    if (r->mariadb) {
        snap->gtid_total = Replica_post_gtid(p, db, M_GTID_TARGET, "SELECT @@global.gtid_slave_pos",
                                             "@@gtid_slave_pos");
        snap->have_gtid_total = snap->gtid_total >= 0;
    } else
        Replica_post_gtid_set(p, row);
    DbRow_free(row);
    return 0;
}

typedef struct ReplicaFiles {
    BinlogFile *files;
    size_t max, n;
} ReplicaFiles;

static void Replica_file_row(const char *const *cols, size_t ncols, void *arg)
{
    ReplicaFiles *f = arg;
    if (ncols < 2 || !cols[0] || !cols[1])
        return;
    if (f->n == f->max) {
        /* Keep the newest: backlogs span the last few files, not the first. */
        memmove(f->files, f->files + 1, (f->max - 1) * sizeof *f->files);
        f->n--;
    }
    snprintf(f->files[f->n].name, sizeof f->files[f->n].name, "%s", cols[0]);
    f->files[f->n].size = strtoull(cols[1], NULL, 10);
    f->n++;
}

int Replica_binlog_files(Db *db, BinlogFile *files, size_t max)
{
    char err[256];
    ReplicaFiles f = {files, max, 0};
    if (Db_query_each(db, "SHOW BINARY LOGS", Replica_file_row, &f, err, sizeof err) != 0)
        return -1;
    return (int)f.n;
}
