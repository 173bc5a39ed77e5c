/* drainpoll: the independent fast poller of bench/downtime.sh. Every few ms
 * it reads the target's @@gtid_slave_pos over the server's Unix socket (as
 * root, like an operator on the host would) and writes a line each time the
 * value changes:
 *     UNIX_MS.mmm GTID_SLAVE_POS
 * so the first moment the target had applied a given GTID is in the file,
 * to within one poll. It knows nothing of the console or the runbook: the
 * drain is measured the same way for both.
 *   bench/drainpoll --socket PATH --out FILE [--interval-ms N]
 * Runs until SIGTERM or SIGINT. */
#include <errno.h>
#include <mysql.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
    (void)sig;
    stop_requested = 1;
}

static double wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR && !stop_requested)
        ;
}

static MYSQL *connect_socket(const char *socket)
{
    MYSQL *db = mysql_init(NULL);
    unsigned int timeout = 2;
    if (!db)
        return NULL;
    mysql_options(db, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
    mysql_options(db, MYSQL_OPT_READ_TIMEOUT, &timeout);
    if (!mysql_real_connect(db, NULL, "root", NULL, NULL, 0, socket, 0)) {
        fprintf(stderr, "drainpoll: cannot connect to %s: %s\n", socket, mysql_error(db));
        mysql_close(db);
        return NULL;
    }
    return db;
}

/* The current value into out; 0 on success. */
static int read_pos(MYSQL *db, char *out, size_t size)
{
    if (mysql_query(db, "SELECT @@global.gtid_slave_pos") != 0)
        return -1;
    MYSQL_RES *res = mysql_store_result(db);
    if (!res)
        return -1;
    MYSQL_ROW row = mysql_fetch_row(res);
    snprintf(out, size, "%s", row && row[0] ? row[0] : "");
    mysql_free_result(res);
    return 0;
}

static int poll_loop(const char *socket, FILE *out, int interval_ms)
{
    char last[1024] = "", now[1024];
    MYSQL *db = NULL;
    while (!stop_requested) {
        if (!db && !(db = connect_socket(socket))) {
            sleep_ms(100);
            continue;
        }
        double t = wall_ms();
        if (read_pos(db, now, sizeof now) != 0) {
            fprintf(stderr, "drainpoll: %s\n", mysql_error(db));
            mysql_close(db);
            db = NULL;
            continue;
        }
        if (strcmp(now, last) != 0) {
            fprintf(out, "%.3f %s\n", t, now);
            fflush(out);
            snprintf(last, sizeof last, "%s", now);
        }
        sleep_ms(interval_ms);
    }
    if (db)
        mysql_close(db);
    return 0;
}

int main(int argc, char **argv)
{
    const char *socket = NULL, *path = NULL;
    int interval_ms = 5;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--socket") == 0)
            socket = argv[i + 1];
        else if (strcmp(argv[i], "--out") == 0)
            path = argv[i + 1];
        else if (strcmp(argv[i], "--interval-ms") == 0)
            interval_ms = atoi(argv[i + 1]);
    }
    if (!socket || !path || interval_ms < 1 || interval_ms > 1000) {
        fprintf(stderr, "usage: drainpoll --socket PATH --out FILE [--interval-ms 1..1000]\n");
        return 2;
    }
    FILE *out = fopen(path, "w");
    if (!out) {
        fprintf(stderr, "drainpoll: cannot write %s: %s\n", path, strerror(errno));
        return 2;
    }
    struct sigaction sa = {0};
    sa.sa_handler = on_signal;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    int rc = poll_loop(socket, out, interval_ms);
    fclose(out);
    return rc;
}
