/* Connections to the source and target with the timeouts, TLS mode and
 * credentials the plan asks for. Every call has a bounded wait: nothing here
 * may hang a thread for longer than the plan's connect/read timeouts. */
#ifndef CUTOVER_DB_DB_H
#define CUTOVER_DB_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db/dialect.h"
#include "plan/plan.h"

typedef struct Db Db;

typedef struct DbTimeouts {
    int connect_ms;
    int read_ms;
    int write_ms;
} DbTimeouts;

/* Connects as the plan's account for that server. On failure returns NULL
 * and a message (never containing the password) in err. */
Db *Db_connect(const PlanServer *server, const DbTimeouts *timeouts, char *err, size_t errsize);

/* Connects as another account (the target-health check uses the app's). */
Db *Db_connect_as(const PlanServer *server, const char *user, const SecretRef *password,
                  const DbTimeouts *timeouts, char *err, size_t errsize);

void Db_close(Db *db);

/* Runs a statement that returns no rows. 0 on success, else -1 with err set
 * to "ERRNO: message". */
int Db_exec(Db *db, const char *sql, char *err, size_t errsize);

/* Runs a query and hands back the first row's columns as strings (NULL for
 * SQL NULL). Returns 1 when a row came back, 0 for none, -1 on error. The
 * strings stay valid until the next call on this Db. */
int Db_query_row(Db *db, const char *sql, const char ***cols, size_t *ncols, char *err,
                 size_t errsize);

/* Like Db_query_row but by column name: SHOW SLAVE STATUS and friends. */
typedef struct DbRow DbRow;
int Db_query_named(Db *db, const char *sql, DbRow **row, char *err, size_t errsize);
/* The column's value; NULL both for SQL NULL and for a column the row does
 * not have (DbRow_has tells them apart). */
const char *DbRow_get(const DbRow *row, const char *column);
bool DbRow_has(const DbRow *row, const char *column);
/* For statements whose column names changed between versions
 * (Seconds_Behind_Master / Seconds_Behind_Source): the value of whichever of
 * the two names the row has, and in *column that name (NULL when neither). */
const char *DbRow_either(const DbRow *row, const char *name1, const char *name2,
                         const char **column);
void DbRow_free(DbRow *row);

/* The server's binlog coordinates now (SHOW MASTER STATUS, or SHOW BINARY
 * LOG STATUS where that is its name): 1 with file and pos, 0 when it has
 * no binary log, -1 with err. */
int Db_binlog_position(Db *db, char *file, size_t fsize, uint64_t *pos, char *err, size_t errsize);

/* One scalar as a string / integer / double. Returns 1, 0 (no row / NULL) or -1. */
int Db_query_string(Db *db, const char *sql, char *out, size_t outsize, char *err, size_t errsize);
int Db_query_int(Db *db, const char *sql, int64_t *out, char *err, size_t errsize);
int Db_query_double(Db *db, const char *sql, double *out, char *err, size_t errsize);

/* Every row of a query into a callback (SHOW BINARY LOGS and other lists);
 * 0 on success, -1 with err set. */
typedef void (*DbRowFn)(const char *const *cols, size_t ncols, void *ctx);
int Db_query_each(Db *db, const char *sql, DbRowFn fn, void *ctx, char *err, size_t errsize);

/* SHOW GLOBAL STATUS into a callback, one call per variable. */
typedef void (*DbStatusFn)(const char *name, const char *value, void *ctx);
int Db_global_status(Db *db, DbStatusFn fn, void *ctx, char *err, size_t errsize);

/* "source 127.0.0.1:40001" or "target /run/mysqld.sock": how messages name
 * the connection. */
const char *Db_label(const Db *db);

/* The server's statements (db/dialect.h), chosen at connect from its
 * version. */
const Dialect *Db_dialect(const Db *db);

/* The MySQL error number of the last failure (0 when none). */
unsigned Db_errno(const Db *db);

/* Whether the session runs over TLS, and which cipher ("" when not). */
bool Db_tls_cipher(Db *db, char *out, size_t outsize);

/* Escapes a string for use inside single quotes. */
void Db_escape(Db *db, const char *in, char *out, size_t outsize);

#endif
