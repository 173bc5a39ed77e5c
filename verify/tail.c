#include "verify/tail.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/clock.h"
#include "lib/subprocess.h"
#include "plan/secret.h"

enum { TAIL_RETRY_MS = 1000, TAIL_OPTIONS_MAX = 4096 };

struct BinlogTail {
    BinlogTailConfig cfg;
    pthread_t thread;
    int wake[2]; /* written on stop: the read loop's poll returns */
    atomic_bool stop;
    atomic_uint_least64_t coord;
    BinlogRows rows; /* the tail thread's alone */
    pthread_mutex_t lock;
    char error[400];
};

static void Tail_set_error(BinlogTail *t, const char *text)
{
    pthread_mutex_lock(&t->lock);
    snprintf(t->error, sizeof t->error, "%s", text);
    pthread_mutex_unlock(&t->lock);
}

/* A value for an option file: double-quoted, with \ and " escaped. */
static void Tail_option(char *out, size_t size, size_t *len, const char *name, const char *value)
{
    int n = snprintf(out + *len, size - *len, "%s=\"", name);
    if (n < 0 || (size_t)n >= size - *len)
        return;
    *len += (size_t)n;
    for (const char *p = value; *p && *len + 4 < size; p++) {
        if (*p == '\\' || *p == '"')
            out[(*len)++] = '\\';
        out[(*len)++] = *p;
    }
    if (*len + 3 < size) {
        out[(*len)++] = '"';
        out[(*len)++] = '\n';
    }
    out[*len] = '\0';
}

static void Tail_tls_options(const PlanServer *s, char *out, size_t size, size_t *len)
{
    const char *flags = s->tls == TLS_OFF ? "skip-ssl\n" : s->tls >= TLS_REQUIRED ? "ssl\n" : "";
    int n = snprintf(out + *len, size - *len, "%s", flags);
    if (n > 0 && (size_t)n < size - *len)
        *len += (size_t)n;
    if (s->tls >= TLS_VERIFY_CA && s->tls_ca)
        Tail_option(out, size, len, "ssl-ca", s->tls_ca);
    if (s->tls != TLS_OFF && s->tls_cert) {
        Tail_option(out, size, len, "ssl-cert", s->tls_cert);
        Tail_option(out, size, len, "ssl-key", s->tls_key);
    }
    if (s->tls == TLS_VERIFY_IDENTITY) {
        n = snprintf(out + *len, size - *len, "ssl-verify-server-cert\n");
        if (n > 0 && (size_t)n < size - *len)
            *len += (size_t)n;
    }
}

/* The [client] option file the reader reads from its stdin. */
static int Tail_options(const PlanServer *s, char *out, size_t size, char *err, size_t errsize)
{
    size_t len = 0;
    char port[16], password[512] = "";
    out[0] = '\0';
    len = (size_t)snprintf(out, size, "[client]\n");
    Tail_option(out, size, &len, "user", s->user ? s->user : "");
    if (s->socket) {
        Tail_option(out, size, &len, "socket", s->socket);
    } else {
        snprintf(port, sizeof port, "%d", s->port);
        Tail_option(out, size, &len, "host", s->host ? s->host : "127.0.0.1");
        Tail_option(out, size, &len, "port", port);
    }
    if (s->password.kind != SECRET_NONE) {
        if (Secret_resolve(&s->password, password, sizeof password, err, errsize) != 0)
            return -1;
        Tail_option(out, size, &len, "password", password);
        memset(password, 0, sizeof password);
    }
    Tail_tls_options(s, out, size, &len);
    return 0;
}

/* The reader's stderr, kept up to size; false once it is closed or full. */
static bool Tail_read_err(int fd, char *buf, size_t size, size_t *len)
{
    ssize_t n = *len + 1 < size ? read(fd, buf + *len, size - 1 - *len) : 0;
    if (n > 0)
        *len += (size_t)n;
    buf[*len] = '\0';
    return n > 0 || (n < 0 && errno == EINTR);
}

/* Feeds the reader's output to the parser until it ends or a stop. */
static void Tail_pump(BinlogTail *t, int out_fd, int err_fd, char *errbuf, size_t errsize)
{
    char buf[16384];
    size_t errlen = 0;
    bool err_open = true;
    while (!atomic_load(&t->stop)) {
        struct pollfd p[3] = {
            {out_fd, POLLIN, 0}, {err_open ? err_fd : -1, POLLIN, 0}, {t->wake[0], POLLIN, 0}};
        if (poll(p, 3, 1000) < 0 && errno != EINTR)
            return;
        if (p[1].revents)
            err_open = Tail_read_err(err_fd, errbuf, errsize, &errlen);
        if (!p[0].revents)
            continue;
        ssize_t n = read(out_fd, buf, sizeof buf);
        if (n <= 0 && !(n < 0 && errno == EINTR))
            return;
        if (n > 0) {
            BinlogRows_feed(&t->rows, buf, (size_t)n);
            if (t->rows.coord != atomic_load(&t->coord) && t->rows.coord)
                Tail_set_error(t, ""); /* it reads again */
            atomic_store(&t->coord, t->rows.coord);
        }
    }
}

static void Tail_reap(BinlogTail *t, pid_t pid, const char *errbuf)
{
    kill(-pid, SIGTERM);
    int status = 0;
    for (int i = 0; i < 100 && waitpid(pid, &status, WNOHANG) == 0; i++)
        Clock_sleep_ms(10);
    if (waitpid(pid, &status, WNOHANG) == 0) {
        kill(-pid, SIGKILL);
        waitpid(pid, &status, 0);
    }
    if (atomic_load(&t->stop))
        return;
    char line[300], msg[400];
    snprintf(line, sizeof line, "%.*s", (int)strcspn(errbuf, "\n"), errbuf);
    snprintf(msg, sizeof msg, "%s ended (%s %d)%s%s; reading again from %s:%" PRIu64,
             t->cfg.program, WIFSIGNALED(status) ? "signal" : "exit status",
             WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status), line[0] ? ": " : "",
             line, t->rows.trx_file, t->rows.trx_pos);
    Tail_set_error(t, msg);
}

static int Tail_spawn(BinlogTail *t, int in_fd, int out_fd, int err_fd, pid_t *pid, char *err,
                      size_t errsize)
{
    char id[48], pos[48];
    snprintf(id, sizeof id, "--stop-never-slave-server-id=%u", t->cfg.server_id);
    snprintf(pos, sizeof pos, "--start-position=%" PRIu64, t->rows.trx_pos);
    char *argv[] = {(char *)t->cfg.program,
                    "--defaults-file=/dev/stdin",
                    "--read-from-remote-server",
                    "--stop-never",
                    id,
                    "--verbose",
                    "--base64-output=decode-rows",
                    pos,
                    t->rows.trx_file,
                    NULL};
    return Subprocess_start(argv, in_fd, out_fd, err_fd, pid, err, errsize);
}

/* One run of the reader from where the last one left off. */
static void Tail_run_once(BinlogTail *t)
{
    char opts[TAIL_OPTIONS_MAX], err[400] = "", errbuf[1024] = "";
    int in[2], out[2], errp[2];
    if (Tail_options(t->cfg.server, opts, sizeof opts, err, sizeof err) != 0) {
        Tail_set_error(t, err);
        return;
    }
    if (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0 || pipe2(errp, O_CLOEXEC) != 0) {
        Tail_set_error(t, "pipe: cannot make one");
        return; /* a leaked pipe here is the least of a process out of descriptors */
    }
    /* the options are far below a pipe's capacity: written whole before the reader starts */
    ssize_t w = write(in[1], opts, strlen(opts));
    memset(opts, 0, sizeof opts);
    close(in[1]);
    pid_t pid = -1;
    int rc = w < 0 ? -1 : Tail_spawn(t, in[0], out[1], errp[1], &pid, err, sizeof err);
    close(in[0]);
    close(out[1]);
    close(errp[1]);
    if (rc == 0) {
        Tail_pump(t, out[0], errp[0], errbuf, sizeof errbuf);
        Tail_reap(t, pid, errbuf);
    } else {
        Tail_set_error(t, err[0] ? err : "cannot write the reader's options");
    }
    close(out[0]);
    close(errp[0]);
}

static void *Tail_main(void *arg)
{
    BinlogTail *t = arg;
    while (!atomic_load(&t->stop)) {
        Tail_run_once(t);
        struct pollfd p = {t->wake[0], POLLIN, 0};
        if (!atomic_load(&t->stop))
            poll(&p, 1, TAIL_RETRY_MS);
    }
    return NULL;
}

BinlogTail *BinlogTail_start(const BinlogTailConfig *cfg, const char *file, uint64_t pos, char *err,
                             size_t errsize)
{
    BinlogTail *t = calloc(1, sizeof *t);
    if (!t || pipe2(t->wake, O_CLOEXEC) != 0) {
        free(t);
        snprintf(err, errsize, "binlog reader: out of resources");
        return NULL;
    }
    t->cfg = *cfg;
    pthread_mutex_init(&t->lock, NULL);
    BinlogRows_init(&t->rows, file, cfg->key_of, cfg->on_change, cfg->ctx);
    t->rows.on_statement = cfg->on_statement;
    t->rows.trx_pos = pos;
    if (pthread_create(&t->thread, NULL, Tail_main, t) != 0) {
        snprintf(err, errsize, "binlog reader: cannot start its thread");
        close(t->wake[0]);
        close(t->wake[1]);
        pthread_mutex_destroy(&t->lock);
        free(t);
        return NULL;
    }
    return t;
}

uint64_t BinlogTail_coord(BinlogTail *t)
{
    return atomic_load(&t->coord);
}

void BinlogTail_error(BinlogTail *t, char *out, size_t size)
{
    pthread_mutex_lock(&t->lock);
    snprintf(out, size, "%s", t->error);
    pthread_mutex_unlock(&t->lock);
}

void BinlogTail_stop(BinlogTail *t)
{
    if (!t)
        return;
    atomic_store(&t->stop, true);
    ssize_t w = write(t->wake[1], "x", 1);
    (void)w;
    pthread_join(t->thread, NULL);
    close(t->wake[0]);
    close(t->wake[1]);
    pthread_mutex_destroy(&t->lock);
    free(t);
}
