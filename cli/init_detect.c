/* What `cutover init` learns from the servers: flavour and version, RDS or
 * not, the binary log (format, retention, GTIDs), whether the target is a
 * replica, and the application's tables with their sizes and keys. Read
 * only: nothing is created or written. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/init.h"
#include "db/db.h"
#include "db/dialect.h"
#include "verify/table_list.h"

enum { INIT_TIMEOUT_MS = 5000 };

static void Init_server_text(Db *db, const char *sql, char *out, size_t size)
{
    char err[256];
    if (Db_query_string(db, sql, out, size, err, sizeof err) != 1)
        out[0] = '\0';
}

/* Binlog retention in hours as the server keeps it (RDS keeps its own:
 * the pre-flight reads mysql.rds_show_configuration there). */
static double Init_retention_h(Db *db)
{
    char err[256];
    int64_t secs = 0;
    double days = 0;
    if (Db_query_int(db, "SELECT @@global.binlog_expire_logs_seconds", &secs, err, sizeof err) ==
            1 &&
        secs > 0)
        return (double)secs / 3600.0;
    if (Db_query_double(db, "SELECT @@global.expire_logs_days", &days, err, sizeof err) == 1 &&
        days > 0)
        return days * 24.0;
    return -1;
}

static void Init_gtid(Db *db, const Dialect *d, char *out, size_t size)
{
    char v[64] = "";
    if (d->flavor == DIALECT_MYSQL) {
        Init_server_text(db, "SELECT @@global.gtid_mode", v, sizeof v);
        snprintf(out, size, "gtid_mode %s", v[0] ? v : "unknown");
    } else {
        Init_server_text(db, "SELECT @@global.gtid_binlog_pos", v, sizeof v);
        snprintf(out, size, "MariaDB GTID, binlog position %s", v[0] ? v : "empty");
    }
}

static void Init_replica(Db *db, const Dialect *d, InitServer *s)
{
    DbRow *row = NULL;
    char err[256];
    if (Db_query_named(db, d->replica_status, &row, err, sizeof err) != 1 || !row)
        return;
    s->replica = true;
    const char *host = DbRow_either(row, "Master_Host", "Source_Host", NULL);
    const char *port = DbRow_either(row, "Master_Port", "Source_Port", NULL);
    snprintf(s->replica_of, sizeof s->replica_of, "%s:%s", host ? host : "?", port ? port : "?");
    DbRow_free(row);
}

static int Init_server(InitServer *s, char *err, size_t errsize)
{
    DbTimeouts t = {.connect_ms = INIT_TIMEOUT_MS, .read_ms = INIT_TIMEOUT_MS};
    Db *db = Db_connect(&s->plan, &t, err, errsize);
    if (!db)
        return -1;
    const Dialect *d = Db_dialect(db);
    char basedir[256] = "", cipher[96];
    Dialect_describe(d, s->version, sizeof s->version);
    Init_server_text(db, "SELECT @@global.binlog_format", s->binlog_format,
                     sizeof s->binlog_format);
    Init_server_text(db, "SELECT @@global.basedir", basedir, sizeof basedir);
    char log_bin[8] = "";
    Init_server_text(db, "SELECT @@global.log_bin", log_bin, sizeof log_bin);
    s->log_bin = strcmp(log_bin, "1") == 0 || strcasecmp(log_bin, "ON") == 0;
    s->rds = strncmp(basedir, "/rdsdbbin", 9) == 0 ||
             (s->plan.host && strstr(s->plan.host, ".rds.amazonaws.com"));
    s->retention_h = Init_retention_h(db);
    s->tls = Db_tls_cipher(db, cipher, sizeof cipher);
    Init_gtid(db, d, s->gtid, sizeof s->gtid);
    Init_replica(db, d, s);
    Db_close(db);
    return 0;
}

typedef struct InitCollect {
    InitFacts *f;
    size_t cap;
    bool oom;
} InitCollect;

static void Init_table_row(const char *const *cols, size_t ncols, void *ctx)
{
    InitCollect *c = ctx;
    if (ncols < 5 || !cols[0] || !cols[1] || c->oom)
        return;
    if (c->f->ntables == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 32;
        InitTable *t = realloc(c->f->tables, cap * sizeof *t);
        if (!t) {
            c->oom = true;
            return;
        }
        c->f->tables = t;
        c->cap = cap;
    }
    InitTable *t = &c->f->tables[c->f->ntables++];
    snprintf(t->name, sizeof t->name, "%s.%s", cols[0], cols[1]);
    t->rows = cols[2] ? strtoll(cols[2], NULL, 10) : 0;
    t->bytes = cols[3] ? strtoll(cols[3], NULL, 10) : 0;
    t->keyed = cols[4] && strcmp(cols[4], "1") == 0;
    c->f->bytes += t->bytes;
    c->f->nkeyless += !t->keyed;
}

/* The application's tables on the source: outside the server's schemas and
 * the console's own (cutover.*). */
static int Init_tables(InitFacts *f, char *err, size_t errsize)
{
    DbTimeouts t = {.connect_ms = INIT_TIMEOUT_MS, .read_ms = 30000};
    Db *db = Db_connect(&f->source.plan, &t, err, errsize);
    if (!db)
        return -1;
    static const char sql[] =
        "SELECT t.TABLE_SCHEMA, t.TABLE_NAME, COALESCE(t.TABLE_ROWS, 0), "
        "COALESCE(t.DATA_LENGTH, 0) + COALESCE(t.INDEX_LENGTH, 0), "
        "EXISTS (SELECT 1 FROM information_schema.STATISTICS s WHERE s.TABLE_SCHEMA = "
        "t.TABLE_SCHEMA AND s.TABLE_NAME = t.TABLE_NAME AND s.NON_UNIQUE = 0) "
        "FROM information_schema.TABLES t WHERE t.TABLE_TYPE = 'BASE TABLE' AND t.TABLE_SCHEMA "
        "NOT IN (" TABLE_LIST_SYSTEM_SCHEMAS ", 'cutover') ORDER BY t.TABLE_SCHEMA, t.TABLE_NAME";
    InitCollect c = {.f = f};
    int rc = Db_query_each(db, sql, Init_table_row, &c, err, errsize);
    Db_close(db);
    if (rc == 0 && c.oom) {
        snprintf(err, errsize, "out of memory listing the source's tables");
        rc = -1;
    }
    return rc;
}

int Init_detect(InitFacts *f, char *err, size_t errsize)
{
    if (Init_server(&f->source, err, errsize) != 0 || Init_server(&f->target, err, errsize) != 0)
        return -1;
    return Init_tables(f, err, errsize);
}

void Init_facts_free(InitFacts *f)
{
    free(f->tables);
    f->tables = NULL;
    f->ntables = 0;
}
