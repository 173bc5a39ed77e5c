/* The lab's DMS stand-in: change data capture from the source's binlog to a
 * target that is a plain server, never a replica, as AWS DMS does it in the
 * field.
 *
 *   labcdc --client-cnf FILE --target-socket PATH --mappings FILE
 *          --state FILE --metrics FILE [--task NAME]
 *          [--start-file NAME --start-pos N]
 *
 * It runs `mariadb-binlog --read-from-remote-server --stop-never --verbose`
 * with the connection settings of --client-cnf (the source through the
 * endpoint proxy, so a blackholed endpoint stalls CDC as PrivateLink would),
 * reads its output and applies it on the target over its own connection:
 *   - row changes (BINLOG statements) of the tables the task's TableMappings
 *     carry; other tables never reach the target;
 *   - DDL on carried tables (CREATE/ALTER/DROP/TRUNCATE/RENAME TABLE, CREATE
 *     DATABASE of a carried schema); account statements and the rest are
 *     left out, as DMS leaves them;
 *   - in source order, the source transactions read so far in one target
 *     transaction (at most 200; as DMS's batch apply when it is behind),
 *     with the position after the last of them (binlog file and end
 *     position) written into awsdms_control.lab_cdc_checkpoint in the same
 *     transaction, so a stop, a crash or a lost connection resumes exactly
 *     where the target stands: nothing lost, nothing applied twice.
 * The target's own GTIDs are used (the source's gtid/server_id settings in
 * the stream are dropped), as for any client writing to it.
 *
 * SIGTERM stops it cleanly (an open transaction is rolled back; the
 * checkpoint says where to resume) with status "stopped" in --state. A lost
 * source connection is retried from the checkpoint every second, the error
 * kept in the state, as DMS retries recoverable errors.
 *
 * --state (JSON, replaced atomically about 5 times a second): status,
 * position, counters per table, last error. --metrics: a line a second,
 * "UNIX_MS ROWS_READ ROWS_APPLIED BACKLOG LATENCY_SOURCE_S LATENCY_TARGET_S"
 * (counters cumulative), from which the local AWS endpoint computes the DMS
 * CloudWatch metrics. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <mysql.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "aws/dms_mappings.h"
#include "lab/cdc_stream.h"
#include "lib/clock.h"

enum {
    STATE_EVERY_MS = 200,
    METRICS_EVERY_MS = 1000,
    RETRY_MS = 1000,
    MAX_TABLES = 256,
    BATCH_MAX = 200, /* source transactions per target commit at the most */
};

typedef struct TableStats {
    char name[130]; /* schema.table */
    uint64_t inserts, updates, deletes, ddls;
} TableStats;

typedef struct Cdc {
    const char *client_cnf, *target_socket, *mappings_path, *state_path, *metrics_path, *task;
    DmsMappings *map;
    MYSQL *db;
    CdcStream stream;
    pid_t child;
    int fd;
    char file[256];
    uint64_t pos;
    bool in_txn;      /* a source transaction is half read */
    bool loopback;    /* ... and it was applied by a replicator: skipped */
    bool target_open; /* a target transaction is open (it may span several source ones) */
    int batched;      /* source transactions in it, complete */
    /* counters */
    uint64_t rows_read, rows_applied, txn_rows, skipped_rows, skipped_statements, txns;
    uint64_t loopback_txns;
    TableStats tables[MAX_TABLES];
    size_t ntables;
    int txn_table_rows[MAX_TABLES][3]; /* this transaction's rows per table, by kind */
    double last_event_ts, oldest_unapplied_ts;
    char status[32];
    char last_error[512];
    int64_t started_ms, last_state_ms, last_metrics_ms;
} Cdc;

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
    (void)sig;
    stop_requested = 1;
}

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "labcdc: ");
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

static void set_error(Cdc *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void set_error(Cdc *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->last_error, sizeof c->last_error, fmt, ap);
    va_end(ap);
    say("%s", c->last_error);
}

/* ---- state and metrics files ------------------------------------------ */

static void write_atomic(const char *path, const char *text)
{
    char tmp[1024];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    if (!f)
        return;
    fputs(text, f);
    if (fclose(f) == 0)
        rename(tmp, path);
}

static json_object *tables_json(const Cdc *c)
{
    json_object *t = json_object_new_object();
    for (size_t i = 0; i < c->ntables; i++) {
        json_object *o = json_object_new_object();
        json_object_object_add(o, "inserts", json_object_new_int64((int64_t)c->tables[i].inserts));
        json_object_object_add(o, "updates", json_object_new_int64((int64_t)c->tables[i].updates));
        json_object_object_add(o, "deletes", json_object_new_int64((int64_t)c->tables[i].deletes));
        json_object_object_add(o, "ddls", json_object_new_int64((int64_t)c->tables[i].ddls));
        json_object_object_add(t, c->tables[i].name, o);
    }
    return t;
}

static void write_state(Cdc *c)
{
    json_object *o = json_object_new_object();
    json_object_object_add(o, "status", json_object_new_string(c->status));
    json_object_object_add(o, "pid", json_object_new_int((int)getpid()));
    json_object_object_add(o, "task", json_object_new_string(c->task));
    json_object_object_add(o, "file", json_object_new_string(c->file));
    json_object_object_add(o, "pos", json_object_new_int64((int64_t)c->pos));
    json_object_object_add(o, "rows_read", json_object_new_int64((int64_t)c->rows_read));
    json_object_object_add(o, "rows_applied", json_object_new_int64((int64_t)c->rows_applied));
    json_object_object_add(o, "skipped_rows", json_object_new_int64((int64_t)c->skipped_rows));
    json_object_object_add(o, "skipped_statements",
                           json_object_new_int64((int64_t)c->skipped_statements));
    json_object_object_add(o, "transactions", json_object_new_int64((int64_t)c->txns));
    json_object_object_add(o, "loopback_transactions",
                           json_object_new_int64((int64_t)c->loopback_txns));
    json_object_object_add(o, "started_ms", json_object_new_int64(c->started_ms));
    json_object_object_add(o, "updated_ms", json_object_new_int64(Clock_wall_ms()));
    json_object_object_add(o, "last_error", json_object_new_string(c->last_error));
    json_object_object_add(o, "tables", tables_json(c));
    write_atomic(c->state_path, json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
    json_object_put(o);
    c->last_state_ms = Clock_wall_ms();
}

static double latency_s(double now_s, double ts)
{
    return ts > 0 && now_s > ts ? now_s - ts : 0;
}

/* One line a second; latencies as DMS defines them: source = now minus the
 * timestamp of the last change read while changes are arriving, target =
 * now minus the timestamp of the oldest change read but not yet committed
 * on the target (0 when nothing waits). */
static void write_metrics(Cdc *c)
{
    int64_t now = Clock_wall_ms();
    double now_s = now / 1000.0;
    bool arriving = c->last_event_ts > 0 && now_s - c->last_event_ts < 5;
    uint64_t backlog = c->rows_read - c->rows_applied - c->skipped_rows;
    FILE *f = fopen(c->metrics_path, "a");
    if (f) {
        fprintf(f, "%" PRId64 " %" PRIu64 " %" PRIu64 " %" PRIu64 " %.3f %.3f\n", now, c->rows_read,
                c->rows_applied, backlog, arriving ? latency_s(now_s, c->last_event_ts) : 0.0,
                backlog ? latency_s(now_s, c->oldest_unapplied_ts) : 0.0);
        fclose(f);
    }
    c->last_metrics_ms = now;
}

static void tick(Cdc *c)
{
    int64_t now = Clock_wall_ms();
    if (now - c->last_state_ms >= STATE_EVERY_MS)
        write_state(c);
    if (now - c->last_metrics_ms >= METRICS_EVERY_MS)
        write_metrics(c);
}

/* ---- the target -------------------------------------------------------- */

static int target_exec(Cdc *c, const char *sql, size_t len)
{
    if (mysql_real_query(c->db, sql, (unsigned long)len) == 0) {
        MYSQL_RES *r = mysql_store_result(c->db);
        mysql_free_result(r);
        return 0;
    }
    set_error(c, "target: %s (error %u) applying: %.200s", mysql_error(c->db), mysql_errno(c->db),
              sql);
    return -1;
}

static int target_sql(Cdc *c, const char *sql)
{
    return target_exec(c, sql, strlen(sql));
}

static int target_connect(Cdc *c)
{
    unsigned timeout = 10;
    c->db = mysql_init(NULL);
    if (!c->db)
        return -1;
    mysql_options(c->db, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
    mysql_options(c->db, MYSQL_SET_CHARSET_NAME, "utf8mb4");
    if (!mysql_real_connect(c->db, NULL, NULL, NULL, NULL, 0, c->target_socket, 0)) {
        set_error(c, "target: cannot connect over %s: %s", c->target_socket, mysql_error(c->db));
        return -1;
    }
    if (target_sql(c, "CREATE DATABASE IF NOT EXISTS awsdms_control") != 0)
        return -1;
    if (target_sql(c, "CREATE TABLE IF NOT EXISTS awsdms_control.awsdms_loopback_prevention ("
                      "task VARCHAR(64) PRIMARY KEY, seq BIGINT NOT NULL, at DATETIME(6) NOT "
                      "NULL)") != 0)
        return -1;
    return target_sql(c, "CREATE TABLE IF NOT EXISTS awsdms_control.lab_cdc_checkpoint ("
                         "task VARCHAR(64) PRIMARY KEY, binlog_file VARCHAR(255) NOT NULL, "
                         "binlog_pos BIGINT UNSIGNED NOT NULL, updated_at DATETIME(6) NOT NULL)");
}

/* DMS's loopback prevention, for a replication running both ways (the
 * rollback that carries the target's writes back): every target
 * transaction begins with a row in awsdms_loopback_prevention, and a source
 * transaction that begins so was applied by a replicator, not written by the
 * application, and is not carried again. The row must change every time:
 * NOW(6) is pinned to the applied event's whole second (SET TIMESTAMP), and
 * an update to the same value writes no row event, so no mark. */
static int loopback_mark(Cdc *c)
{
    char sql[300];
    snprintf(sql, sizeof sql,
             "INSERT INTO awsdms_control.awsdms_loopback_prevention VALUES ('%s', 1, NOW(6)) "
             "ON DUPLICATE KEY UPDATE seq = seq + 1, at = VALUES(at)",
             c->task);
    return target_sql(c, sql);
}

static bool loopback_table(const char *qualified)
{
    return strcmp(qualified, "awsdms_control.awsdms_loopback_prevention") == 0;
}

/* The position to resume from: the checkpoint, else the start given. */
static int checkpoint_read(Cdc *c)
{
    char sql[300];
    snprintf(sql, sizeof sql,
             "SELECT binlog_file, binlog_pos FROM awsdms_control.lab_cdc_checkpoint "
             "WHERE task = '%s'",
             c->task);
    if (mysql_query(c->db, sql) != 0)
        return set_error(c, "target: reading the checkpoint: %s", mysql_error(c->db)), -1;
    MYSQL_RES *r = mysql_store_result(c->db);
    MYSQL_ROW row = r ? mysql_fetch_row(r) : NULL;
    if (row) {
        snprintf(c->file, sizeof c->file, "%s", row[0]);
        c->pos = strtoull(row[1], NULL, 10);
    }
    mysql_free_result(r);
    return 0;
}

static int checkpoint_write(Cdc *c)
{
    char sql[700], ef[520];
    mysql_real_escape_string(c->db, ef, c->file, (unsigned long)strlen(c->file));
    snprintf(sql, sizeof sql,
             "INSERT INTO awsdms_control.lab_cdc_checkpoint VALUES ('%s', '%s', %" PRIu64
             ", NOW(6)) ON DUPLICATE KEY UPDATE binlog_file = VALUES(binlog_file), "
             "binlog_pos = VALUES(binlog_pos), updated_at = VALUES(updated_at)",
             c->task, ef, c->pos);
    return target_sql(c, sql);
}

/* ---- counters ---------------------------------------------------------- */

static int table_index(Cdc *c, const char *name)
{
    for (size_t i = 0; i < c->ntables; i++)
        if (strcmp(c->tables[i].name, name) == 0)
            return (int)i;
    if (c->ntables == MAX_TABLES)
        return -1;
    snprintf(c->tables[c->ntables].name, sizeof c->tables[0].name, "%s", name);
    return (int)c->ntables++;
}

static void txn_commit_counts(Cdc *c)
{
    for (size_t i = 0; i < c->ntables; i++) {
        c->tables[i].inserts += (uint64_t)c->txn_table_rows[i][CDC_ROW_INSERT];
        c->tables[i].updates += (uint64_t)c->txn_table_rows[i][CDC_ROW_UPDATE];
        c->tables[i].deletes += (uint64_t)c->txn_table_rows[i][CDC_ROW_DELETE];
    }
    memset(c->txn_table_rows, 0, sizeof c->txn_table_rows);
    c->rows_applied += c->txn_rows;
    c->txn_rows = 0;
    c->txns++;
    c->oldest_unapplied_ts = 0;
}

static void txn_forget(Cdc *c)
{
    memset(c->txn_table_rows, 0, sizeof c->txn_table_rows);
    c->rows_read -= c->txn_rows;
    c->txn_rows = 0;
    c->oldest_unapplied_ts = 0;
}

/* ---- applying the stream ------------------------------------------------ */

static bool carried(const Cdc *c, const char *qualified)
{
    return DmsMappings_carries_table(c->map, qualified);
}

static int on_rows(Cdc *c, const CdcItem *it)
{
    if (c->loopback || !carried(c, it->table)) {
        c->skipped_rows++;
        c->rows_read++;
        return 0;
    }
    int t = table_index(c, it->table);
    if (t >= 0)
        c->txn_table_rows[t][it->row_kind]++;
    c->rows_read++;
    c->txn_rows++;
    c->last_event_ts = it->ts;
    if (c->oldest_unapplied_ts <= 0)
        c->oldest_unapplied_ts = it->ts;
    return 0;
}

/* A BINLOG statement: applied when every table it maps is carried. */
static int on_binlog(Cdc *c, const CdcItem *it)
{
    int carried_n = 0;
    for (int i = 0; i < it->ntables; i++) {
        if (c->in_txn && loopback_table(it->tables[i]))
            c->loopback = true;
        carried_n += carried(c, it->tables[i]);
    }
    if (c->loopback) {
        c->skipped_statements++;
        return 0;
    }
    if (it->ntables == 0 || carried_n == it->ntables)
        return target_exec(c, it->sql, it->len);
    if (carried_n == 0) {
        c->skipped_statements++;
        return 0;
    }
    set_error(c, "a row event maps carried and left-out tables together (%s, %s): cannot split it",
              it->tables[0], it->tables[1]);
    return -1;
}

/* Commits the open target transaction with the position after its last
 * complete source transaction: the checkpoint moves with the data. */
static int batch_flush(Cdc *c)
{
    if (!c->target_open)
        return 0;
    if (checkpoint_write(c) != 0 || target_sql(c, "COMMIT") != 0)
        return -1;
    c->target_open = false;
    c->batched = 0;
    txn_commit_counts(c);
    return 0;
}

static int on_ddl(Cdc *c, const CdcItem *it)
{
    bool keep = it->table[0] ? carried(c, it->table)
                             : it->schema[0] && DmsMappings_carries_schema(c->map, it->schema);
    /* DDL commits implicitly: what came before is committed first. */
    if (batch_flush(c) != 0)
        return -1;
    if (!keep) {
        c->skipped_statements++;
    } else {
        if (target_exec(c, it->sql, it->len) != 0)
            return -1;
        int t = it->table[0] ? table_index(c, it->table) : -1;
        if (t >= 0)
            c->tables[t].ddls++;
    }
    c->pos = it->end_pos;
    return checkpoint_write(c);
}

/* Source transactions already read are applied in one target transaction
 * (as DMS's batch apply does when it is behind): in source order, with the
 * checkpoint of the last one, so a stop still resumes exactly. */
static int on_begin(Cdc *c)
{
    c->in_txn = true;
    if (c->target_open)
        return 0;
    c->target_open = true;
    return target_sql(c, "BEGIN") != 0 ? -1 : loopback_mark(c);
}

static int on_commit(Cdc *c, const CdcItem *it)
{
    c->pos = it->end_pos;
    c->in_txn = false;
    if (c->loopback) {
        c->loopback = false;
        c->loopback_txns++;
    }
    return ++c->batched >= BATCH_MAX ? batch_flush(c) : 0;
}

static int on_item(Cdc *c, const CdcItem *it)
{
    switch (it->kind) {
    case CDC_ITEM_ROTATE:
        snprintf(c->file, sizeof c->file, "%s", it->file);
        c->pos = it->end_pos;
        return 0;
    case CDC_ITEM_BEGIN: return on_begin(c);
    case CDC_ITEM_COMMIT: return on_commit(c, it);
    case CDC_ITEM_ROWS: return on_rows(c, it);
    case CDC_ITEM_BINLOG: return on_binlog(c, it);
    case CDC_ITEM_DDL: return on_ddl(c, it);
    case CDC_ITEM_SESSION: return target_exec(c, it->sql, it->len);
    case CDC_ITEM_NOISE: return 0;
    case CDC_ITEM_OTHER: c->skipped_statements++; return 0;
    }
    return 0;
}

/* ---- the binlog reader -------------------------------------------------- */

static int reader_start(Cdc *c)
{
    int p[2];
    char pos[32], cnf[1100];
    if (pipe(p) != 0)
        return set_error(c, "pipe: %s", strerror(errno)), -1;
    snprintf(pos, sizeof pos, "--start-position=%" PRIu64, c->pos);
    snprintf(cnf, sizeof cnf, "--defaults-file=%s", c->client_cnf);
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0)
        return set_error(c, "fork: %s", strerror(errno)), -1;
    if (pid == 0) {
        /* A SIGKILLed labcdc must not leave its reader connected: a second
         * reader with the same server id would be refused by the source. */
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent)
            _exit(1);
        dup2(p[1], STDOUT_FILENO);
        /* Nothing but stdin, stdout and stderr goes along: an inherited
         * target connection would outlive labcdc in the reader and keep its
         * transaction's locks on the checkpoint row. */
        for (int fd = STDERR_FILENO + 1; fd < 1024; fd++)
            close(fd);
        execlp("mariadb-binlog", "mariadb-binlog", cnf, "--read-from-remote-server", "--stop-never",
               "--verbose", pos, c->file, (char *)NULL);
        fprintf(stderr, "labcdc: cannot run mariadb-binlog: %s\n", strerror(errno));
        _exit(127);
    }
    close(p[1]);
    c->child = pid;
    c->fd = p[0];
    CdcStream_reset(&c->stream);
    return 0;
}

static void reader_stop(Cdc *c)
{
    if (c->child > 0) {
        /* Its output is thrown away with it: nothing to wait for. */
        kill(c->child, SIGKILL);
        waitpid(c->child, NULL, 0);
    }
    if (c->fd >= 0)
        close(c->fd);
    c->child = -1;
    c->fd = -1;
}

/* Drops what the stream had half-read and the open transaction: the
 * checkpoint on the target is where the next reader starts. */
static void reader_abandon(Cdc *c)
{
    reader_stop(c);
    if (c->target_open)
        target_sql(c, "ROLLBACK");
    c->in_txn = c->target_open = c->loopback = false;
    c->batched = 0;
    txn_forget(c);
    checkpoint_read(c);
}

/* Reads what is there and applies every complete item; 0 go on, 1 the
 * reader ended, -1 an apply error. */
static int reader_pump(Cdc *c)
{
    char buf[65536];
    ssize_t n = read(c->fd, buf, sizeof buf);
    if (n == 0)
        return 1;
    if (n < 0)
        return errno == EINTR || errno == EAGAIN ? 0 : 1;
    CdcStream_feed(&c->stream, buf, (size_t)n);
    CdcItem it;
    while (CdcStream_next(&c->stream, &it) == 1)
        if (on_item(c, &it) != 0)
            return -1;
    /* Nothing more to read at once: commit what is complete. */
    return c->in_txn ? 0 : batch_flush(c);
}

static void reader_ended(Cdc *c)
{
    int st = 0;
    if (c->child > 0 && waitpid(c->child, &st, WNOHANG) == c->child) {
        c->child = -1;
        set_error(c, "mariadb-binlog ended (%s %d); resuming from %s:%" PRIu64 " in %d ms",
                  WIFEXITED(st) ? "exit status" : "signal",
                  WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st), c->file, c->pos, RETRY_MS);
    } else {
        set_error(c, "the binlog stream closed; resuming from %s:%" PRIu64, c->file, c->pos);
    }
}

/* A connection-level error on the target (restarted, network): retried
 * from the checkpoint, as DMS retries; an SQL error fails the task. */
static bool target_lost(const Cdc *c)
{
    unsigned e = c->db ? mysql_errno(c->db) : 2006;
    return e == 2002 || e == 2003 || e == 2006 || e == 2013 || e == 1927 /* killed */;
}

static void target_forget(Cdc *c)
{
    reader_stop(c);
    txn_forget(c);
    c->in_txn = c->target_open = c->loopback = false;
    c->batched = 0;
    if (c->db)
        mysql_close(c->db);
    c->db = NULL;
}

/* Connects the target if needed and starts a reader at the checkpoint. */
static int resume(Cdc *c)
{
    if (!c->db && (target_connect(c) != 0 || checkpoint_read(c) != 0)) {
        if (c->db)
            mysql_close(c->db);
        c->db = NULL;
        return -1;
    }
    return reader_start(c);
}

static int run(Cdc *c)
{
    int64_t retry_at = 0;
    snprintf(c->status, sizeof c->status, "running");
    while (!stop_requested) {
        if (c->fd < 0 && Clock_wall_ms() >= retry_at && resume(c) != 0)
            retry_at = Clock_wall_ms() + RETRY_MS;
        struct pollfd pfd = {.fd = c->fd, .events = POLLIN};
        int rc = c->fd >= 0 ? poll(&pfd, 1, 100) : (usleep(100000), 0);
        int r = rc > 0 ? reader_pump(c) : 0;
        if (r < 0 && !target_lost(c))
            return -1;
        if (r < 0) {
            target_forget(c);
            retry_at = Clock_wall_ms() + RETRY_MS;
        } else if (r > 0) {
            reader_ended(c);
            reader_abandon(c);
            retry_at = Clock_wall_ms() + RETRY_MS;
        }
        tick(c);
    }
    return 0;
}

/* ---- set-up ------------------------------------------------------------ */

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    char *text = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&text, &len);
    int ch;
    while (mem && (ch = fgetc(f)) != EOF)
        fputc(ch, mem);
    if (mem)
        fclose(mem);
    fclose(f);
    return text;
}

static int load_mappings(Cdc *c)
{
    char err[300];
    char *text = read_file(c->mappings_path);
    if (!text)
        return set_error(c, "cannot read the table mappings %s: %s", c->mappings_path,
                         strerror(errno)),
               -1;
    c->map = DmsMappings_parse(text, err, sizeof err);
    free(text);
    if (!c->map)
        return set_error(c, "%s: %s", c->mappings_path, err), -1;
    return 0;
}

static void usage(void)
{
    fprintf(stderr, "usage: labcdc --client-cnf FILE --target-socket PATH --mappings FILE "
                    "--state FILE --metrics FILE [--task NAME] [--start-file NAME --start-pos "
                    "N]\n");
    exit(2);
}

static void parse_args(Cdc *c, int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!v)
            usage();
        if (strcmp(a, "--client-cnf") == 0)
            c->client_cnf = v;
        else if (strcmp(a, "--target-socket") == 0)
            c->target_socket = v;
        else if (strcmp(a, "--mappings") == 0)
            c->mappings_path = v;
        else if (strcmp(a, "--state") == 0)
            c->state_path = v;
        else if (strcmp(a, "--metrics") == 0)
            c->metrics_path = v;
        else if (strcmp(a, "--task") == 0)
            c->task = v;
        else if (strcmp(a, "--start-file") == 0)
            snprintf(c->file, sizeof c->file, "%s", v);
        else if (strcmp(a, "--start-pos") == 0)
            c->pos = strtoull(v, NULL, 10);
        else
            usage();
        i++;
    }
    if (!c->client_cnf || !c->target_socket || !c->mappings_path || !c->state_path ||
        !c->metrics_path)
        usage();
}

static int prepare(Cdc *c)
{
    if (load_mappings(c) != 0 || target_connect(c) != 0 || checkpoint_read(c) != 0)
        return -1;
    if (!c->file[0])
        return set_error(c,
                         "no checkpoint for task %s and no --start-file: where to start is "
                         "not known",
                         c->task),
               -1;
    say("task %s: reading from %s:%" PRIu64, c->task, c->file, c->pos);
    /* The first start records its position at once: every later start
     * resumes from the checkpoint. */
    return target_sql(c, "SET autocommit = 1") != 0 ? -1 : checkpoint_write(c);
}

int main(int argc, char **argv)
{
    static Cdc c = {.task = "lab-cdc", .fd = -1, .child = -1};
    parse_args(&c, argc, argv);
    signal(SIGTERM, on_signal);
    signal(SIGINT, on_signal);
    signal(SIGPIPE, SIG_IGN);
    c.started_ms = Clock_wall_ms();
    snprintf(c.status, sizeof c.status, "starting");
    write_state(&c);
    int rc = prepare(&c) == 0 ? run(&c) : -1;
    reader_stop(&c);
    /* What is complete is kept (a clean stop loses no work); a half-read
     * source transaction is rolled back with it only when it is open. */
    if (c.db && c.target_open && !c.in_txn)
        batch_flush(&c);
    else if (c.db && c.target_open)
        target_sql(&c, "ROLLBACK");
    snprintf(c.status, sizeof c.status, "%s", rc == 0 ? "stopped" : "failed");
    write_state(&c);
    write_metrics(&c);
    if (c.db)
        mysql_close(c.db);
    DmsMappings_free(c.map);
    CdcStream_free(&c.stream);
    return rc == 0 ? 0 : 1;
}
