#include "probes/netprobe.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "lib/clock.h"

static atomic_int dns_in_flight;

typedef struct DnsJob {
    pthread_mutex_t lock;
    pthread_cond_t done_cv;
    int refs; /* the helper and the waiter; the last one out frees */
    bool done;
    char host[256];
    char port[16];
    int rc;
    struct addrinfo *res;
} DnsJob;

static void DnsJob_unref(DnsJob *job)
{
    pthread_mutex_lock(&job->lock);
    bool last = --job->refs == 0;
    pthread_mutex_unlock(&job->lock);
    if (!last)
        return;
    if (job->res)
        freeaddrinfo(job->res);
    pthread_mutex_destroy(&job->lock);
    pthread_cond_destroy(&job->done_cv);
    free(job);
}

static void *DnsJob_main(void *arg)
{
    DnsJob *job = arg;
    struct addrinfo hints = {.ai_socktype = SOCK_STREAM, .ai_family = AF_UNSPEC};
    struct addrinfo *res = NULL;
    int rc = getaddrinfo(job->host, job->port, &hints, &res);
    pthread_mutex_lock(&job->lock);
    job->rc = rc;
    job->res = res;
    job->done = true;
    pthread_cond_signal(&job->done_cv);
    pthread_mutex_unlock(&job->lock);
    atomic_fetch_sub(&dns_in_flight, 1);
    DnsJob_unref(job);
    return NULL;
}

static DnsJob *DnsJob_new(const char *host, int port)
{
    DnsJob *job = calloc(1, sizeof *job);
    if (!job)
        return NULL;
    pthread_mutex_init(&job->lock, NULL);
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&job->done_cv, &attr);
    pthread_condattr_destroy(&attr);
    job->refs = 2;
    snprintf(job->host, sizeof job->host, "%s", host);
    snprintf(job->port, sizeof job->port, "%d", port);
    return job;
}

static bool DnsJob_spawn(DnsJob *job)
{
    pthread_attr_t attr;
    pthread_t tid;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    atomic_fetch_add(&dns_in_flight, 1);
    bool ok = pthread_create(&tid, &attr, DnsJob_main, job) == 0;
    pthread_attr_destroy(&attr);
    if (!ok)
        atomic_fetch_sub(&dns_in_flight, 1);
    return ok;
}

int Netprobe_resolve(const char *host, int port, int timeout_ms, struct addrinfo **res, char *err,
                     size_t errsize)
{
    *res = NULL;
    if (atomic_load(&dns_in_flight) >= NETPROBE_DNS_IN_FLIGHT) {
        snprintf(err, errsize, "DNS: earlier lookups of %s still running", host);
        return -1;
    }
    DnsJob *job = DnsJob_new(host, port);
    if (!job || !DnsJob_spawn(job)) {
        if (job) {
            job->refs = 1;
            DnsJob_unref(job);
        }
        snprintf(err, errsize, "DNS: cannot start a lookup");
        return -1;
    }
    struct timespec deadline = Clock_mono_deadline(timeout_ms);
    pthread_mutex_lock(&job->lock);
    while (!job->done && pthread_cond_timedwait(&job->done_cv, &job->lock, &deadline) == 0)
        ;
    int rc = job->done ? job->rc : EAI_AGAIN;
    bool done = job->done;
    if (done) {
        *res = job->res;
        job->res = NULL;
    }
    pthread_mutex_unlock(&job->lock);
    DnsJob_unref(job);
    if (!done)
        snprintf(err, errsize, "DNS: no answer for %s within %d ms", host, timeout_ms);
    else if (rc != 0)
        snprintf(err, errsize, "DNS: %s: %s", host, gai_strerror(rc));
    return done && rc == 0 ? 0 : -1;
}

void Netprobe_address_text(const struct addrinfo *ai, char *out, size_t size)
{
    const void *addr = ai->ai_family == AF_INET6
                           ? (const void *)&((const struct sockaddr_in6 *)ai->ai_addr)->sin6_addr
                           : (const void *)&((const struct sockaddr_in *)ai->ai_addr)->sin_addr;
    if (!inet_ntop(ai->ai_family, addr, out, (socklen_t)size))
        snprintf(out, size, "?");
}

/* Waits for events on fd until the monotonic deadline (ms); 1 ready, 0 timeout, -1 error. */
static int Netprobe_wait(int fd, short events, int64_t deadline_ms)
{
    for (;;) {
        int64_t left = deadline_ms - Clock_mono_ms();
        if (left <= 0)
            return 0;
        struct pollfd pfd = {.fd = fd, .events = events};
        int rc = poll(&pfd, 1, (int)left);
        if (rc > 0)
            return 1;
        if (rc == 0)
            return 0;
        if (errno != EINTR)
            return -1;
    }
}

int Netprobe_connect(const struct addrinfo *ai, int timeout_ms, char *err, size_t errsize)
{
    int fd = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        snprintf(err, errsize, "socket: %s", strerror(errno));
        return -1;
    }
    int rc = connect(fd, ai->ai_addr, ai->ai_addrlen);
    if (rc != 0 && errno == EINPROGRESS) {
        int ready = Netprobe_wait(fd, POLLOUT, Clock_mono_ms() + timeout_ms);
        int soerr = 0;
        socklen_t len = sizeof soerr;
        if (ready == 1 && getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) == 0 && soerr == 0)
            rc = 0;
        else
            errno = ready == 0 ? ETIMEDOUT : (soerr ? soerr : errno);
    }
    if (rc != 0) {
        snprintf(err, errsize, "TCP connect: %s", strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

/* Reads exactly n bytes before the deadline. */
static int Netprobe_read(int fd, unsigned char *buf, size_t n, int64_t deadline_ms)
{
    size_t got = 0;
    while (got < n) {
        if (Netprobe_wait(fd, POLLIN, deadline_ms) != 1)
            return -1;
        ssize_t r = read(fd, buf + got, n - got);
        if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR))
            return -1;
        if (r > 0)
            got += (size_t)r;
    }
    return 0;
}

#define MYSQL_CLIENT_LONG_PASSWORD 0x00000001u
#define MYSQL_CLIENT_PROTOCOL_41   0x00000200u
#define MYSQL_CLIENT_SSL           0x00000800u
#define MYSQL_CLIENT_SECURE_CONN   0x00008000u

/* The greeting's capability flags (lower 16 bits), or -1 with err. */
static long Netprobe_greeting(int fd, int64_t deadline, char *err, size_t errsize)
{
    unsigned char head[4], body[1024];
    if (Netprobe_read(fd, head, 4, deadline) != 0) {
        snprintf(err, errsize, "no server greeting");
        return -1;
    }
    size_t len = head[0] | (size_t)head[1] << 8 | (size_t)head[2] << 16;
    if (len == 0 || len > sizeof body || Netprobe_read(fd, body, len, deadline) != 0) {
        snprintf(err, errsize, "bad server greeting");
        return -1;
    }
    if (body[0] == 0xff) { /* an error packet: "Host ... is blocked" and friends */
        snprintf(err, errsize, "server refused: %.*s", (int)(len > 3 ? len - 3 : 0), body + 3);
        return -1;
    }
    const unsigned char *nul = memchr(body + 1, 0, len - 1);
    size_t at = nul ? (size_t)(nul - body) + 1 + 4 + 8 + 1 : len;
    if (at + 2 > len) {
        snprintf(err, errsize, "short server greeting");
        return -1;
    }
    return (long)(body[at] | (unsigned)body[at + 1] << 8);
}

static int Netprobe_ssl_request(int fd)
{
    unsigned char pkt[4 + 32] = {32, 0, 0, 1};
    uint32_t caps = MYSQL_CLIENT_LONG_PASSWORD | MYSQL_CLIENT_PROTOCOL_41 | MYSQL_CLIENT_SSL |
                    MYSQL_CLIENT_SECURE_CONN;
    for (int i = 0; i < 4; i++)
        pkt[4 + i] = (unsigned char)(caps >> (8 * i));
    pkt[4 + 4 + 3] = 0x01; /* max packet 16 MiB */
    pkt[4 + 8] = 45;       /* utf8mb4_general_ci */
    return write(fd, pkt, sizeof pkt) == (ssize_t)sizeof pkt ? 0 : -1;
}

static int Netprobe_handshake(SSL *ssl, int fd, int64_t deadline)
{
    for (;;) {
        int rc = SSL_connect(ssl);
        if (rc == 1)
            return 0;
        int why = SSL_get_error(ssl, rc);
        short ev = why == SSL_ERROR_WANT_READ ? POLLIN : why == SSL_ERROR_WANT_WRITE ? POLLOUT : 0;
        if (ev == 0 || Netprobe_wait(fd, ev, deadline) != 1)
            return -1;
    }
}

int Netprobe_mysql_tls(int fd, int timeout_ms, double *ms, char *err, size_t errsize)
{
    int64_t deadline = Clock_mono_ms() + timeout_ms;
    long caps = Netprobe_greeting(fd, deadline, err, errsize);
    if (caps < 0)
        return -1;
    if (!(caps & MYSQL_CLIENT_SSL))
        return 0;
    if (Netprobe_ssl_request(fd) != 0) {
        snprintf(err, errsize, "TLS request: %s", strerror(errno));
        return -1;
    }
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    SSL *ssl = ctx ? SSL_new(ctx) : NULL;
    int rc = -1;
    if (ssl && SSL_set_fd(ssl, fd) == 1) {
        int64_t t0 = Clock_mono_us();
        rc = Netprobe_handshake(ssl, fd, deadline);
        *ms = (double)(Clock_mono_us() - t0) / 1000.0;
    }
    if (rc != 0) {
        unsigned long e = ERR_get_error();
        const char *reason = e ? ERR_reason_error_string(e) : NULL;
        snprintf(err, errsize, "TLS handshake: %s", reason ? reason : "timed out or closed");
        ERR_clear_error();
    }
    SSL_free(ssl);
    SSL_CTX_free(ctx);
    return rc == 0 ? 1 : -1;
}
