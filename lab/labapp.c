/* The lab application: behaves like the real application on cutover night.
 *
 *   labapp --config FILE --flag FILE --log FILE [--rate N] [--burst F:S:P]
 *
 * It reads its connection settings (DATABASE_URL=mysql://USER@HOST:PORT/DB
 * and DB_PASSWORD=...) from the connection-string file, again on every
 * reconnect, so a swapped file is followed. While the maintenance flag file
 * exists it writes nothing and holds no connection, as an application
 * draining its pool would. Otherwise it inserts rows into orders at `rate`
 * rows per second, paced on the monotonic clock. Every insert the database
 * acknowledged is logged as "ack ID SERVER_ID UNIX_MS", so a test can prove
 * that no acknowledged write was lost and measure the downtime the
 * application saw. With --burst F:S:P the rate is F times higher for S
 * seconds of every P (an application's busy moments: the lag they leave is
 * what the freeze gate waits out). Diagnostics go to stderr; the password
 * never does. */
#include <errno.h>
#include <inttypes.h>
#include <mysql.h>
#include <mysqld_error.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum {
    TIMEOUT_S = 2,
    BACKOFF_MS = 20,
    FLUSH_MS = 100,
    MAX_BEHIND_MS = 100, /* further behind than this: restart the schedule */
    ERROR_REPEAT_MS = 1000,
};

typedef struct ConnSettings {
    char user[128];
    char host[256];
    unsigned port;
    char database[128];
    char password[256];
} ConnSettings;

typedef struct App {
    const char *config_path;
    const char *flag_path;
    FILE *acks;
    double rate;
    double burst_factor; /* 1: no bursts */
    int burst_s, burst_period_s;
    MYSQL *db;
    unsigned long server_id;
    int64_t last_id;
    int64_t last_flush_ms;
    unsigned last_error;
    int64_t last_error_ms;
    unsigned long repeated_errors;
    char last_peer[400];
    int64_t last_peer_ms;
    unsigned long reconnects;
    uint64_t acked;
} App;

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
    (void)sig;
    stop_requested = 1;
}

static int64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int64_t mono_ms(void)
{
    return mono_ns() / 1000000;
}

static int64_t wall_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Sleeps until the monotonic deadline; a signal ends the sleep early. */
static void sleep_until_ns(int64_t deadline)
{
    struct timespec ts = {.tv_sec = deadline / 1000000000, .tv_nsec = deadline % 1000000000};
    clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
}

static void sleep_ms(int64_t ms)
{
    sleep_until_ns(mono_ns() + ms * 1000000);
}

__attribute__((format(printf, 1, 2))) static void say(const char *fmt, ...)
{
    char stamp[32];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(stamp, sizeof stamp, "%H:%M:%S", &tm);
    fprintf(stderr, "%s labapp: ", stamp);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

static bool copy_field(char *dst, size_t size, const char *src, size_t len)
{
    if (len == 0 || len >= size)
        return false;
    memcpy(dst, src, len);
    dst[len] = '\0';
    return true;
}

/* mysql://USER@HOST[:PORT]/DATABASE */
static bool parse_url(const char *url, ConnSettings *cs)
{
    static const char scheme[] = "mysql://";
    if (strncmp(url, scheme, sizeof scheme - 1) != 0)
        return false;
    const char *p = url + sizeof scheme - 1;
    const char *at = strchr(p, '@');
    const char *slash = strchr(p, '/');
    if (!at || !slash || at > slash || memchr(p, ':', (size_t)(at - p)))
        return false; /* a password in the URL is refused: it belongs in DB_PASSWORD */
    if (!copy_field(cs->user, sizeof cs->user, p, (size_t)(at - p)))
        return false;
    const char *host = at + 1;
    const char *colon = memchr(host, ':', (size_t)(slash - host));
    const char *host_end = colon ? colon : slash;
    if (!copy_field(cs->host, sizeof cs->host, host, (size_t)(host_end - host)))
        return false;
    cs->port = 3306;
    if (colon) {
        char *end;
        unsigned long port = strtoul(colon + 1, &end, 10);
        if (end != slash || port == 0 || port > 65535)
            return false;
        cs->port = (unsigned)port;
    }
    return copy_field(cs->database, sizeof cs->database, slash + 1, strlen(slash + 1));
}

static char *trim_line(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n > 0 && strchr(" \t\r\n", s[n - 1]))
        s[--n] = '\0';
    return s;
}

/* Messages name the file and line, never a value: the line may hold the
 * password. */
static bool read_settings(const char *path, ConnSettings *cs)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        say("cannot read %s: %s", path, strerror(errno));
        return false;
    }
    memset(cs, 0, sizeof *cs);
    bool have_url = false, ok = true;
    char line[1024];
    int lineno = 0;
    while (ok && fgets(line, sizeof line, f)) {
        lineno++;
        char *text = trim_line(line);
        if (*text == '\0' || *text == '#')
            continue;
        char *eq = strchr(text, '=');
        if (!eq) {
            say("%s:%d: expected KEY=value", path, lineno);
            ok = false;
        } else if (strncmp(text, "DATABASE_URL=", 13) == 0) {
            have_url = parse_url(eq + 1, cs);
            if (!have_url) {
                say("%s:%d: DATABASE_URL must look like mysql://USER@HOST:PORT/DATABASE", path,
                    lineno);
                ok = false;
            }
        } else if (strncmp(text, "DB_PASSWORD=", 12) == 0) {
            ok = copy_field(cs->password, sizeof cs->password, eq + 1, strlen(eq + 1));
            if (!ok)
                say("%s:%d: DB_PASSWORD is empty or too long", path, lineno);
        }
    }
    fclose(f);
    if (ok && !have_url)
        say("%s: no DATABASE_URL line", path);
    ok = ok && have_url;
    explicit_bzero(line, sizeof line);
    return ok;
}

static void disconnect(App *app)
{
    if (app->db) {
        mysql_close(app->db);
        app->db = NULL;
    }
}

/* Logs an error once, then repeats of the same error once a second with a
 * count, so a read-only source does not flood the log. */
static void report_error(App *app, const char *what, unsigned code, const char *msg)
{
    int64_t now = mono_ms();
    if (code == app->last_error && now - app->last_error_ms < ERROR_REPEAT_MS) {
        app->repeated_errors++;
        return;
    }
    if (app->repeated_errors > 0)
        say("(last error repeated %lu times)", app->repeated_errors);
    say("%s failed: %u %s", what, code, msg);
    app->last_error = code;
    app->last_error_ms = now;
    app->repeated_errors = 0;
}

static bool query_server_id(App *app)
{
    if (mysql_query(app->db, "SELECT @@server_id") != 0)
        return false;
    MYSQL_RES *res = mysql_store_result(app->db);
    if (!res)
        return false;
    MYSQL_ROW row = mysql_fetch_row(res);
    bool ok = row && row[0];
    if (ok)
        app->server_id = strtoul(row[0], NULL, 10);
    mysql_free_result(res);
    return ok;
}

/* A new peer is always logged; reconnects to the same one (every 20 ms while
 * the source is read-only) at most once a second, with a count. */
static void report_connect(App *app, const ConnSettings *cs)
{
    char peer[400];
    snprintf(peer, sizeof peer, "%s@%s:%u/%s, server_id %lu", cs->user, cs->host, cs->port,
             cs->database, app->server_id);
    int64_t now = mono_ms();
    bool same = strcmp(peer, app->last_peer) == 0;
    if (same && now - app->last_peer_ms < ERROR_REPEAT_MS) {
        app->reconnects++;
        return;
    }
    if (same)
        say("connected to %s (%lu reconnects since the last message)", peer, app->reconnects + 1);
    else
        say("connected to %s", peer);
    snprintf(app->last_peer, sizeof app->last_peer, "%s", peer);
    app->last_peer_ms = now;
    app->reconnects = 0;
}

static bool connect_db(App *app)
{
    ConnSettings cs;
    if (!read_settings(app->config_path, &cs))
        return false;
    app->db = mysql_init(NULL);
    if (!app->db) {
        explicit_bzero(&cs, sizeof cs);
        return false;
    }
    unsigned timeout = TIMEOUT_S;
    mysql_options(app->db, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
    mysql_options(app->db, MYSQL_OPT_READ_TIMEOUT, &timeout);
    mysql_options(app->db, MYSQL_OPT_WRITE_TIMEOUT, &timeout);
    unsigned proto = MYSQL_PROTOCOL_TCP;
    mysql_options(app->db, MYSQL_OPT_PROTOCOL, &proto);
    bool ok = mysql_real_connect(app->db, cs.host, cs.user, cs.password, cs.database, cs.port, NULL,
                                 0) != NULL &&
              query_server_id(app);
    if (!ok) {
        char what[400];
        snprintf(what, sizeof what, "connect to %s@%s:%u", cs.user, cs.host, cs.port);
        report_error(app, what, mysql_errno(app->db), mysql_error(app->db));
        disconnect(app);
    } else {
        report_connect(app, &cs);
    }
    explicit_bzero(&cs, sizeof cs);
    return ok;
}

/* Ids are the wall-clock microsecond of the write, forced to increase: unique
 * across restarts without any state on disk. */
static int64_t next_id(App *app)
{
    int64_t id = wall_us();
    if (id <= app->last_id)
        id = app->last_id + 1;
    app->last_id = id;
    return id;
}

static void flush_acks(App *app, bool force)
{
    int64_t now = mono_ms();
    if (force || now - app->last_flush_ms >= FLUSH_MS) {
        fflush(app->acks);
        app->last_flush_ms = now;
    }
}

static void log_ack(App *app, int64_t id)
{
    fprintf(app->acks, "ack %" PRId64 " %lu %" PRId64 "\n", id, app->server_id, wall_us() / 1000);
    app->acked++;
}

typedef enum { WRITE_ACKED, WRITE_RETRY, WRITE_NEW_ID } WriteResult;

static WriteResult insert_row(App *app, int64_t id, bool retried)
{
    char sql[256];
    snprintf(sql, sizeof sql,
             "INSERT INTO orders (id, customer_id, product_id, quantity, amount_cents, created_at) "
             "VALUES (%" PRId64 ", %d, %d, %d, %d, NOW(6))",
             id, (int)(id % 5000) + 1, (int)(id % 500) + 1, (int)(id % 7) + 1,
             (int)(id % 100000) + 100);
    if (mysql_query(app->db, sql) == 0)
        return WRITE_ACKED;
    unsigned code = mysql_errno(app->db);
    /* A retried row that is already there was committed before its ack got
     * lost: it is acknowledged now. A fresh id that collides gets a new id. */
    if (code == ER_DUP_ENTRY)
        return retried ? WRITE_ACKED : WRITE_NEW_ID;
    report_error(app, "insert", code, mysql_error(app->db));
    disconnect(app);
    return WRITE_RETRY;
}

static bool maintenance_on(const App *app)
{
    return access(app->flag_path, F_OK) == 0;
}

/* Waits while the flag exists, with no connection held. */
static void wait_out_maintenance(App *app)
{
    if (!maintenance_on(app))
        return;
    disconnect(app);
    say("maintenance flag %s present: paused", app->flag_path);
    while (!stop_requested && maintenance_on(app)) {
        flush_acks(app, false);
        sleep_ms(BACKOFF_MS);
    }
    if (!stop_requested)
        say("maintenance flag gone: resuming");
}

/* Writes one row, retrying the same id until it is acknowledged, the flag
 * appears, or a stop is requested. */
static void write_one(App *app)
{
    int64_t id = next_id(app);
    bool retried = false;
    while (!stop_requested) {
        if (maintenance_on(app))
            return; /* the row was never acknowledged; nothing to log */
        if (!app->db && !connect_db(app)) {
            flush_acks(app, false);
            sleep_ms(BACKOFF_MS);
            continue;
        }
        WriteResult r = insert_row(app, id, retried);
        if (r == WRITE_ACKED) {
            log_ack(app, id);
            return;
        }
        if (r == WRITE_NEW_ID) {
            app->last_id += 1000;
            id = next_id(app);
            continue;
        }
        retried = true;
        flush_acks(app, false);
        sleep_ms(BACKOFF_MS);
    }
}

/* The time between writes now: shorter inside a burst (the first burst_s
 * seconds of every period, counted from the start). */
static int64_t write_interval(const App *app, int64_t now, int64_t start)
{
    double rate = app->rate;
    if (app->burst_period_s > 0 && (now - start) / 1000000000 % app->burst_period_s < app->burst_s)
        rate *= app->burst_factor;
    return (int64_t)(1e9 / rate);
}

static void run(App *app)
{
    const int64_t start = mono_ns();
    int64_t due = start;
    while (!stop_requested) {
        if (maintenance_on(app)) {
            wait_out_maintenance(app);
            due = mono_ns();
            continue;
        }
        int64_t now = mono_ns();
        if (now < due)
            sleep_until_ns(due);
        else if (now - due > (int64_t)MAX_BEHIND_MS * 1000000)
            due = now; /* after a stall, resume at the rate: no catch-up burst */
        if (stop_requested)
            break;
        write_one(app);
        due += write_interval(app, due, start);
        flush_acks(app, false);
    }
}

static void usage(void)
{
    fprintf(stderr, "usage: labapp --config FILE --flag FILE --log FILE [--rate ROWS_PER_SECOND] "
                    "[--burst FACTOR:SECONDS:PERIOD]\n");
}

static bool parse_args(int argc, char **argv, App *app, const char **log_path)
{
    for (int i = 1; i < argc; i++) {
        if (i + 1 >= argc) {
            fprintf(stderr, "labapp: %s needs a value\n", argv[i]);
            return false;
        }
        const char *opt = argv[i], *val = argv[++i];
        if (strcmp(opt, "--config") == 0) {
            app->config_path = val;
        } else if (strcmp(opt, "--flag") == 0) {
            app->flag_path = val;
        } else if (strcmp(opt, "--log") == 0) {
            *log_path = val;
        } else if (strcmp(opt, "--rate") == 0) {
            char *end;
            app->rate = strtod(val, &end);
            if (end == val || *end || !(app->rate > 0 && app->rate <= 100000)) {
                fprintf(stderr, "labapp: --rate must be a number in (0, 100000], got %s\n", val);
                return false;
            }
        } else if (strcmp(opt, "--burst") == 0) {
            char tail;
            if (sscanf(val, "%lf:%d:%d%c", &app->burst_factor, &app->burst_s, &app->burst_period_s,
                       &tail) != 3 ||
                !(app->burst_factor >= 1 && app->burst_factor <= 100) || app->burst_s < 1 ||
                app->burst_period_s <= app->burst_s) {
                fprintf(
                    stderr,
                    "labapp: --burst must be FACTOR:SECONDS:PERIOD (factor 1-100, seconds >= 1, "
                    "period longer than seconds), got %s\n",
                    val);
                return false;
            }
        } else {
            fprintf(stderr, "labapp: unknown option %s\n", opt);
            return false;
        }
    }
    if (!app->config_path || !app->flag_path || !*log_path) {
        usage();
        return false;
    }
    return true;
}

int main(int argc, char **argv)
{
    App app = {.rate = 1200, .burst_factor = 1};
    const char *log_path = NULL;
    if (!parse_args(argc, argv, &app, &log_path))
        return 2;
    app.acks = fopen(log_path, "a");
    if (!app.acks) {
        fprintf(stderr, "labapp: cannot open %s: %s\n", log_path, strerror(errno));
        return 1;
    }
    setvbuf(app.acks, NULL, _IOFBF, 1 << 16);
    setvbuf(stderr, NULL, _IOLBF, 0);
    struct sigaction sa = {.sa_handler = on_signal}; /* no SA_RESTART: sleeps end */
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    if (mysql_library_init(0, NULL, NULL) != 0) {
        fprintf(stderr, "labapp: cannot initialise the MySQL client library\n");
        return 1;
    }
    say("started: rate %.0f rows/s, config %s, flag %s", app.rate, app.config_path, app.flag_path);
    run(&app);
    disconnect(&app);
    flush_acks(&app, true);
    fclose(app.acks);
    say("stopped after %" PRIu64 " acknowledged writes", app.acked);
    mysql_library_end();
    return 0;
}
