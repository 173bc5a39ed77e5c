/* The MySQL connection layer over MariaDB Connector/C (libmysqlclient API).
 *
 * Timeouts: the C API takes whole seconds, so the plan's milliseconds are
 * rounded up (2000 ms -> 2 s, 1500 ms -> 2 s, never 0 which would mean "no
 * timeout"). Connector/C applies the connect timeout to the TCP connect and
 * the greeting, and the read/write timeouts to each socket read/write: a
 * blackholed server therefore fails a statement after read_ms, while a server
 * that trickles bytes could take longer (each read restarts the clock). The
 * probes live with that bound; tests/unit/test_db.c checks the blackhole case
 * against a socket that accepts and never answers. */
#include "db/db.h"

#include <errno.h>
#include <mysql.h>
#include <mysqld_error.h>
#include <errmsg.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan/secret.h"

#define DB_PASSWORD_MAX 512

struct Db {
    MYSQL *conn;
    MYSQL_RES *res; /* the last result, kept so its strings stay valid */
    const char **cols;
    size_t ncols;
    unsigned last_errno;
    char label[160];
    Dialect dialect; /* from the version the server sent at connect */
};

struct DbRow {
    size_t n;
    char **names;
    char **values;
};

static unsigned Db_seconds(int ms)
{
    if (ms <= 0)
        return 1;
    return (unsigned)((ms + 999) / 1000);
}

static void Db_make_label(const PlanServer *server, char *out, size_t size)
{
    const char *label = server->label ? server->label : "server";
    if (server->socket && !server->host)
        snprintf(out, size, "%s %s", label, server->socket);
    else
        snprintf(out, size, "%s %s:%d", label, server->host ? server->host : "localhost",
                 server->port > 0 ? server->port : 3306);
}

/* TLS per the plan. Connector/C 3.x uses TLS only when asked: setting
 * use_ssl without enforcement ("preferred") falls back to plaintext when the
 * server does not offer it; enforce makes that an error. A CA makes the
 * library check the chain; VERIFY_SERVER_CERT adds the host name check. */
static void Db_set_tls(MYSQL *conn, const PlanServer *server)
{
    my_bool yes = 1, no = 0;
    /* A client certificate, for an account that REQUIRE X509 (any mode that
     * speaks TLS). */
    if (server->tls != TLS_OFF && server->tls_cert) {
        mysql_optionsv(conn, MYSQL_OPT_SSL_CERT, server->tls_cert);
        mysql_optionsv(conn, MYSQL_OPT_SSL_KEY, server->tls_key);
    }
    switch (server->tls) {
    case TLS_OFF:
        mysql_optionsv(conn, MYSQL_OPT_SSL_ENFORCE, &no);
        mysql_optionsv(conn, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &no);
        return;
    case TLS_PREFERRED:
        mysql_ssl_set(conn, server->tls_key, server->tls_cert, NULL, NULL, NULL);
        return;
    case TLS_REQUIRED:
        /* Connector/C 3.3 falls back to plaintext even with ENFORCE unless the
         * certificate is verified, so Db_open checks the session afterwards. */
        mysql_optionsv(conn, MYSQL_OPT_SSL_ENFORCE, &yes);
        return;
    case TLS_VERIFY_CA:
    case TLS_VERIFY_IDENTITY:
        mysql_optionsv(conn, MYSQL_OPT_SSL_ENFORCE, &yes);
        if (server->tls_ca)
            mysql_optionsv(conn, MYSQL_OPT_SSL_CA, server->tls_ca);
        if (server->tls == TLS_VERIFY_IDENTITY)
            mysql_optionsv(conn, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &yes);
        return;
    }
}

static void Db_set_options(MYSQL *conn, const PlanServer *server, const DbTimeouts *t)
{
    unsigned connect_s = Db_seconds(t->connect_ms);
    unsigned read_s = Db_seconds(t->read_ms);
    unsigned write_s = Db_seconds(t->write_ms > 0 ? t->write_ms : t->read_ms);
    my_bool no = 0;
    unsigned zero = 0;
    mysql_optionsv(conn, MYSQL_OPT_CONNECT_TIMEOUT, &connect_s);
    mysql_optionsv(conn, MYSQL_OPT_READ_TIMEOUT, &read_s);
    mysql_optionsv(conn, MYSQL_OPT_WRITE_TIMEOUT, &write_s);
    mysql_optionsv(conn, MYSQL_SET_CHARSET_NAME, "utf8mb4");
    mysql_optionsv(conn, MYSQL_OPT_RECONNECT, &no); /* a silent reconnect would hide a failure */
    mysql_optionsv(conn, MYSQL_OPT_LOCAL_INFILE, &zero);
    if (server->socket && !server->host) {
        unsigned proto = MYSQL_PROTOCOL_SOCKET;
        mysql_optionsv(conn, MYSQL_OPT_PROTOCOL, &proto);
    } else {
        unsigned proto = MYSQL_PROTOCOL_TCP; /* "localhost" must not turn into the socket */
        mysql_optionsv(conn, MYSQL_OPT_PROTOCOL, &proto);
    }
    Db_set_tls(conn, server);
}

static int Db_password(const SecretRef *ref, char *out, size_t size, bool *have, char *err,
                       size_t errsize)
{
    *have = false;
    out[0] = '\0';
    if (!ref || ref->kind == SECRET_NONE)
        return 0;
    if (Secret_resolve(ref, out, size, err, errsize) != 0)
        return -1;
    *have = true;
    return 0;
}

/* tls "required": whether the server offers TLS at all, learned from its
 * handshake on a connection that sends no password (its login fails, or an
 * anonymous account lets it in; either way the handshake came first).
 * Connector/C falls back to plaintext with ENFORCE alone unless it verifies
 * the certificate, and by then the password would have gone out. */
static int Db_require_tls(const PlanServer *server, const DbTimeouts *timeouts, const char *label,
                          char *err, size_t errsize)
{
    MYSQL *probe = mysql_init(NULL);
    if (!probe)
        return snprintf(err, errsize, "%s: out of memory", label), -1;
    PlanServer plain = *server;
    plain.tls = TLS_OFF;
    Db_set_options(probe, &plain, timeouts);
    bool socket = server->socket && !server->host;
    mysql_real_connect(probe, socket ? NULL : server->host, "cutover-tls-probe", NULL, NULL,
                       server->port > 0 ? (unsigned)server->port : 3306,
                       socket ? server->socket : NULL, 0);
    unsigned long caps = probe->server_capabilities;
    unsigned code = mysql_errno(probe);
    int rc = 0;
    if (caps == 0) {
        snprintf(err, errsize, "%s: %u: %s", label, code, mysql_error(probe));
        rc = -1;
    } else if (!(caps & CLIENT_SSL)) {
        snprintf(err, errsize,
                 "%s: the server offers no TLS (tls \"required\"): the password was not sent",
                 label);
        rc = -1;
    }
    mysql_close(probe);
    return rc;
}

static Db *Db_open(const PlanServer *server, const char *user, const SecretRef *password,
                   const DbTimeouts *timeouts, char *err, size_t errsize)
{
    Db *db = calloc(1, sizeof *db);
    if (!db) {
        snprintf(err, errsize, "out of memory");
        return NULL;
    }
    Db_make_label(server, db->label, sizeof db->label);
    if (server->tls == TLS_REQUIRED && Db_require_tls(server, timeouts, db->label, err, errsize)) {
        free(db);
        return NULL;
    }
    char secret[DB_PASSWORD_MAX];
    bool have = false;
    char why[256];
    if (Db_password(password, secret, sizeof secret, &have, why, sizeof why) != 0) {
        snprintf(err, errsize, "%s: password: %s", db->label, why);
        free(db);
        return NULL;
    }
    db->conn = mysql_init(NULL);
    if (!db->conn) {
        OPENSSL_cleanse(secret, sizeof secret);
        snprintf(err, errsize, "%s: out of memory", db->label);
        free(db);
        return NULL;
    }
    Db_set_options(db->conn, server, timeouts);
    bool socket = server->socket && !server->host;
    MYSQL *ok =
        mysql_real_connect(db->conn, socket ? NULL : server->host, user, have ? secret : NULL, NULL,
                           server->port > 0 ? (unsigned)server->port : 3306,
                           socket ? server->socket : NULL, CLIENT_REMEMBER_OPTIONS);
    OPENSSL_cleanse(secret, sizeof secret);
    if (!ok || mysql_autocommit(db->conn, 1) != 0)
        snprintf(err, errsize, "%s: %u: %s", db->label, mysql_errno(db->conn),
                 mysql_error(db->conn));
    else if (server->tls >= TLS_VERIFY_CA && !server->tls_ca)
        snprintf(err, errsize, "%s: tls \"%s\" needs tls_ca (the CA to check the server against)",
                 db->label, Plan_tls_name(server->tls));
    else if (server->tls >= TLS_REQUIRED && !mysql_get_ssl_cipher(db->conn))
        snprintf(err, errsize, "%s: TLS is required (tls \"%s\") but the server did not offer it",
                 db->label, Plan_tls_name(server->tls));
    else {
        Dialect_from_version(mysql_get_server_info(db->conn), &db->dialect);
        return db;
    }
    mysql_close(db->conn);
    free(db);
    return NULL;
}

Db *Db_connect(const PlanServer *server, const DbTimeouts *timeouts, char *err, size_t errsize)
{
    return Db_open(server, server->user, &server->password, timeouts, err, errsize);
}

Db *Db_connect_as(const PlanServer *server, const char *user, const SecretRef *password,
                  const DbTimeouts *timeouts, char *err, size_t errsize)
{
    return Db_open(server, user, password, timeouts, err, errsize);
}

static void Db_release(Db *db)
{
    if (db->res) {
        mysql_free_result(db->res);
        db->res = NULL;
    }
    free(db->cols);
    db->cols = NULL;
    db->ncols = 0;
}

void Db_close(Db *db)
{
    if (!db)
        return;
    Db_release(db);
    mysql_close(db->conn);
    free(db);
}

const Dialect *Db_dialect(const Db *db)
{
    return &db->dialect;
}

const char *Db_label(const Db *db)
{
    return db->label;
}

unsigned Db_errno(const Db *db)
{
    return db->last_errno;
}

static int Db_fail(Db *db, char *err, size_t errsize)
{
    db->last_errno = mysql_errno(db->conn);
    snprintf(err, errsize, "%u: %s", db->last_errno, mysql_error(db->conn));
    return -1;
}

/* Sends a statement and stores its whole result (NULL for none). */
static int Db_run(Db *db, const char *sql, char *err, size_t errsize)
{
    Db_release(db);
    db->last_errno = 0;
    if (mysql_real_query(db->conn, sql, strlen(sql)) != 0)
        return Db_fail(db, err, errsize);
    db->res = mysql_store_result(db->conn);
    if (!db->res && mysql_field_count(db->conn) != 0)
        return Db_fail(db, err, errsize);
    /* Drain further result sets (a CALL), so the connection stays usable. */
    while (mysql_more_results(db->conn)) {
        if (mysql_next_result(db->conn) > 0)
            return Db_fail(db, err, errsize);
        MYSQL_RES *extra = mysql_store_result(db->conn);
        if (extra)
            mysql_free_result(extra);
    }
    return 0;
}

int Db_exec(Db *db, const char *sql, char *err, size_t errsize)
{
    int rc = Db_run(db, sql, err, errsize);
    Db_release(db);
    return rc;
}

int Db_query_row(Db *db, const char *sql, const char ***cols, size_t *ncols, char *err,
                 size_t errsize)
{
    if (Db_run(db, sql, err, errsize) != 0)
        return -1;
    if (!db->res)
        return 0;
    MYSQL_ROW row = mysql_fetch_row(db->res);
    if (!row)
        return 0;
    db->ncols = mysql_num_fields(db->res);
    db->cols = calloc(db->ncols ? db->ncols : 1, sizeof *db->cols);
    if (!db->cols) {
        snprintf(err, errsize, "out of memory");
        return -1;
    }
    for (size_t i = 0; i < db->ncols; i++)
        db->cols[i] = row[i];
    *cols = db->cols;
    *ncols = db->ncols;
    return 1;
}

static DbRow *DbRow_build(MYSQL_RES *res, MYSQL_ROW values)
{
    DbRow *row = calloc(1, sizeof *row);
    if (!row)
        return NULL;
    row->n = mysql_num_fields(res);
    row->names = calloc(row->n + 1, sizeof *row->names);
    row->values = calloc(row->n + 1, sizeof *row->values);
    if (!row->names || !row->values) {
        DbRow_free(row);
        return NULL;
    }
    MYSQL_FIELD *fields = mysql_fetch_fields(res);
    for (size_t i = 0; i < row->n; i++) {
        row->names[i] = strdup(fields[i].name);
        row->values[i] = values[i] ? strdup(values[i]) : NULL;
        if (!row->names[i] || (values[i] && !row->values[i])) {
            DbRow_free(row);
            return NULL;
        }
    }
    return row;
}

int Db_binlog_position(Db *db, char *file, size_t fsize, uint64_t *pos, char *err, size_t errsize)
{
    DbRow *row = NULL;
    int rc = Db_query_named(db, Db_dialect(db)->binlog_status, &row, err, errsize);
    const char *f = rc == 1 ? DbRow_get(row, "File") : NULL;
    const char *p = rc == 1 ? DbRow_get(row, "Position") : NULL;
    if (rc == 1 && (!f || !p || !f[0]))
        rc = 0;
    if (rc == 1) {
        snprintf(file, fsize, "%s", f);
        *pos = strtoull(p, NULL, 10);
    }
    DbRow_free(row);
    return rc;
}

int Db_query_named(Db *db, const char *sql, DbRow **row, char *err, size_t errsize)
{
    *row = NULL;
    if (Db_run(db, sql, err, errsize) != 0)
        return -1;
    MYSQL_ROW values = db->res ? mysql_fetch_row(db->res) : NULL;
    if (!values) {
        Db_release(db);
        return 0;
    }
    *row = DbRow_build(db->res, values);
    Db_release(db);
    if (!*row) {
        snprintf(err, errsize, "out of memory");
        return -1;
    }
    return 1;
}

static long DbRow_index(const DbRow *row, const char *column)
{
    for (size_t i = 0; i < row->n; i++)
        if (strcasecmp(row->names[i], column) == 0)
            return (long)i;
    return -1;
}

const char *DbRow_get(const DbRow *row, const char *column)
{
    long i = row ? DbRow_index(row, column) : -1;
    return i < 0 ? NULL : row->values[i];
}

bool DbRow_has(const DbRow *row, const char *column)
{
    return row && DbRow_index(row, column) >= 0;
}

const char *DbRow_either(const DbRow *row, const char *name1, const char *name2,
                         const char **column)
{
    const char *names[2] = {name1, name2};
    for (size_t k = 0; k < 2; k++) {
        if (DbRow_has(row, names[k])) {
            if (column)
                *column = names[k];
            return DbRow_get(row, names[k]);
        }
    }
    if (column)
        *column = NULL;
    return NULL;
}

void DbRow_free(DbRow *row)
{
    if (!row)
        return;
    for (size_t i = 0; i < row->n; i++) {
        if (row->names)
            free(row->names[i]);
        if (row->values)
            free(row->values[i]);
    }
    free(row->names);
    free(row->values);
    free(row);
}

int Db_query_string(Db *db, const char *sql, char *out, size_t outsize, char *err, size_t errsize)
{
    const char **cols;
    size_t n;
    int rc = Db_query_row(db, sql, &cols, &n, err, errsize);
    if (rc <= 0)
        return rc;
    if (n == 0 || !cols[0])
        return 0;
    snprintf(out, outsize, "%s", cols[0]);
    return 1;
}

int Db_query_int(Db *db, const char *sql, int64_t *out, char *err, size_t errsize)
{
    char buf[64];
    int rc = Db_query_string(db, sql, buf, sizeof buf, err, errsize);
    if (rc <= 0)
        return rc;
    char *end;
    errno = 0;
    long long v = strtoll(buf, &end, 10);
    if (errno != 0 || end == buf) {
        snprintf(err, errsize, "not an integer: \"%s\"", buf);
        return -1;
    }
    *out = (int64_t)v;
    return 1;
}

int Db_query_double(Db *db, const char *sql, double *out, char *err, size_t errsize)
{
    char buf[64];
    int rc = Db_query_string(db, sql, buf, sizeof buf, err, errsize);
    if (rc <= 0)
        return rc;
    char *end;
    errno = 0;
    double v = strtod(buf, &end);
    if (errno != 0 || end == buf) {
        snprintf(err, errsize, "not a number: \"%s\"", buf);
        return -1;
    }
    *out = v;
    return 1;
}

int Db_query_each(Db *db, const char *sql, DbRowFn fn, void *ctx, char *err, size_t errsize)
{
    if (Db_run(db, sql, err, errsize) != 0)
        return -1;
    MYSQL_ROW row;
    size_t n = db->res ? mysql_num_fields(db->res) : 0;
    while (db->res && (row = mysql_fetch_row(db->res)) != NULL)
        fn((const char *const *)row, n, ctx);
    Db_release(db);
    return 0;
}

typedef struct DbStatusCtx {
    DbStatusFn fn;
    void *ctx;
} DbStatusCtx;

static void Db_status_row(const char *const *cols, size_t n, void *arg)
{
    DbStatusCtx *c = arg;
    if (n >= 2 && cols[0] && cols[1])
        c->fn(cols[0], cols[1], c->ctx);
}

int Db_global_status(Db *db, DbStatusFn fn, void *ctx, char *err, size_t errsize)
{
    DbStatusCtx c = {fn, ctx};
    return Db_query_each(db, "SHOW GLOBAL STATUS", Db_status_row, &c, err, errsize);
}

bool Db_tls_cipher(Db *db, char *out, size_t outsize)
{
    const char *cipher = mysql_get_ssl_cipher(db->conn);
    snprintf(out, outsize, "%s", cipher ? cipher : "");
    return cipher != NULL;
}

void Db_escape(Db *db, const char *in, char *out, size_t outsize)
{
    size_t len = strlen(in);
    if (outsize == 0)
        return;
    /* The worst case doubles every byte; cut the input so it always fits. */
    if (len > (outsize - 1) / 2)
        len = (outsize - 1) / 2;
    mysql_real_escape_string(db->conn, out, in, (unsigned long)len);
}
