#include "probes/endpoint.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/clock.h"
#include "probes/addrs.h"
#include "session/metrics.h"
#include "probes/netprobe.h"
#include "probes/window.h"

#define ENDPOINT_MAX_ADDRS 16

typedef struct Endpoint {
    PlanServer server; /* the source's account, reached through the endpoint */
    DbTimeouts timeouts;
    Db *db;
    int backoff_ms;
    int64_t next_login_ms;
    int raw_since_login; /* aborted handshakes the server has counted */
    AddrWatch watch;
    LossWindow loss;
    char failure[EVENT_TEXT_MAX];   /* this round's first failure */
    char login_err[EVENT_TEXT_MAX]; /* why the last login failed */
} Endpoint;

static void Endpoint_fail(Endpoint *e, const char *what, const char *err)
{
    if (!e->failure[0])
        snprintf(e->failure, sizeof e->failure, "%s: %s", what, err);
}

static void Endpoint_addresses(Probe *p, Endpoint *e, const struct addrinfo *res)
{
    char texts[ENDPOINT_MAX_ADDRS][64];
    char *ptrs[ENDPOINT_MAX_ADDRS];
    size_t n = 0;
    for (const struct addrinfo *ai = res; ai && n < ENDPOINT_MAX_ADDRS; ai = ai->ai_next) {
        Netprobe_address_text(ai, texts[n], sizeof texts[n]);
        ptrs[n] = texts[n];
        n++;
    }
    char joined[ADDRS_TEXT_MAX], why[EVENT_TEXT_MAX];
    Addrs_join(ptrs, n, joined, sizeof joined);
    Probe_text(p, M_EP_ADDRESSES, joined, "getaddrinfo");
    AddrsChange change = AddrWatch_update(&e->watch, joined, why, sizeof why);
    if (change != ADDRS_SAME)
        Probe_alarm(p, M_EP_ADDRESSES, change == ADDRS_RAISE, why);
}

/* DNS; the result is the caller's to free, NULL on failure. */
static struct addrinfo *Endpoint_dns(Probe *p, Endpoint *e)
{
    struct addrinfo *res = NULL;
    char err[256];
    int64_t t0 = Clock_mono_us();
    if (Netprobe_resolve(e->server.host, e->server.port, e->timeouts.connect_ms, &res, err,
                         sizeof err) != 0) {
        Endpoint_fail(e, "DNS", err);
        return NULL;
    }
    Probe_sample(p, M_EP_DNS_MS, (double)(Clock_mono_us() - t0) / 1000.0, "getaddrinfo");
    Endpoint_addresses(p, e, res);
    return res;
}

/* TCP connect, then the TLS handshake when the plan uses TLS. */
static void Endpoint_raw(Probe *p, Endpoint *e, const struct addrinfo *ai)
{
    char err[256];
    int64_t t0 = Clock_mono_us();
    int fd = Netprobe_connect(ai, e->timeouts.connect_ms, err, sizeof err);
    if (fd < 0) {
        Endpoint_fail(e, "endpoint", err);
        return;
    }
    Probe_sample(p, M_EP_CONNECT_MS, (double)(Clock_mono_us() - t0) / 1000.0, "TCP connect");
    e->raw_since_login++;
    if (e->server.tls != TLS_OFF) {
        double ms;
        int rc = Netprobe_mysql_tls(fd, e->timeouts.read_ms, &ms, err, sizeof err);
        if (rc == 1)
            Probe_sample(p, M_EP_TLS_MS, ms, "TLS handshake");
        else if (rc == 0 && e->server.tls != TLS_PREFERRED)
            Endpoint_fail(e, "TLS", "the server does not offer TLS");
        else if (rc < 0)
            Endpoint_fail(e, "TLS", err);
    }
    close(fd);
}

static void Endpoint_drop(Endpoint *e)
{
    Db_close(e->db);
    e->db = NULL;
}

/* Logs in through the endpoint when due: on the backoff schedule after a
 * failure, and after ENDPOINT_RAW_PER_LOGIN raw probes to reset the
 * server's count of aborted connections. */
static void Endpoint_login(Endpoint *e)
{
    int64_t now = Clock_mono_ms();
    if (e->db && e->raw_since_login >= ENDPOINT_RAW_PER_LOGIN)
        Endpoint_drop(e);
    if (e->db || now < e->next_login_ms)
        return;
    char err[256];
    e->db = Db_connect(&e->server, &e->timeouts, err, sizeof err);
    if (e->db) {
        e->raw_since_login = 0;
        e->backoff_ms = PROBE_BACKOFF_MIN_MS;
        return;
    }
    snprintf(e->login_err, sizeof e->login_err, "%s", err);
    Endpoint_fail(e, "login", err);
    e->next_login_ms = Clock_mono_ms() + e->backoff_ms;
    e->backoff_ms =
        e->backoff_ms * 2 > PROBE_BACKOFF_MAX_MS ? PROBE_BACKOFF_MAX_MS : e->backoff_ms * 2;
}

static void Endpoint_query(Probe *p, Endpoint *e)
{
    if (!e->db) {
        /* The same words as the failed login, so health does not flicker
         * between rounds that try to log in and rounds that wait. */
        Endpoint_fail(e, "login", e->login_err[0] ? e->login_err : "not connected");
        return;
    }
    char err[256];
    int64_t v = 0, t0 = Clock_mono_us();
    if (Db_query_int(e->db, "SELECT 1", &v, err, sizeof err) != 1) {
        Endpoint_fail(e, "SELECT 1", err);
        if (Probe_db_lost(e->db))
            Endpoint_drop(e);
        return;
    }
    Probe_sample(p, M_EP_QUERY_MS, (double)(Clock_mono_us() - t0) / 1000.0, "SELECT 1");
}

static void Endpoint_round(Probe *p, Endpoint *e)
{
    e->failure[0] = '\0';
    struct addrinfo *res = Endpoint_dns(p, e);
    Endpoint_login(e);
    /* Raw probes only while logins work, so they never add up to a block. */
    if (res && e->db && e->raw_since_login < ENDPOINT_RAW_PER_LOGIN)
        Endpoint_raw(p, e, res);
    if (res)
        freeaddrinfo(res);
    Endpoint_query(p, e);
    int64_t now = Clock_mono_ms();
    double pct;
    LossWindow_add(&e->loss, now, e->failure[0] == '\0');
    if (LossWindow_percent(&e->loss, now, &pct))
        Probe_sample(p, M_EP_LOSS_PCT, pct, "last 60 s");
    if (e->failure[0])
        Probe_health(p, PROBE_ERROR, "%s", e->failure);
    else {
        Probe_ok(p);
        Probe_fresh(p);
    }
}

static bool Endpoint_setup(Probe *p, Endpoint *e)
{
    const Plan *plan = p->plan;
    memset(e, 0, sizeof *e);
    e->server = plan->source;
    e->server.label = "endpoint";
    e->server.socket = NULL;
    e->server.host = plan->endpoint.host ? plan->endpoint.host : plan->source.host;
    e->server.port = plan->endpoint.host ? plan->endpoint.port : plan->source.port;
    if (e->server.port <= 0)
        e->server.port = 3306;
    e->timeouts = Probe_timeouts(plan);
    e->backoff_ms = PROBE_BACKOFF_MIN_MS;
    LossWindow_init(&e->loss, ENDPOINT_LOSS_WINDOW_MS);
    return e->server.host != NULL;
}

void Endpoint_run(Probe *p)
{
    Endpoint *e = malloc(sizeof *e);
    if (!e) {
        Probe_health(p, PROBE_ERROR, "out of memory");
        return;
    }
    if (!Endpoint_setup(p, e)) {
        Probe_health(p, PROBE_ERROR, "no endpoint host in the plan (and the source uses a socket)");
        free(e);
        return;
    }
    while (!Probe_stopping(p)) {
        int64_t start = Clock_mono_ms();
        Endpoint_round(p, e);
        if (!Probe_sleep(p, p->interval_ms - (Clock_mono_ms() - start)))
            break;
    }
    Endpoint_drop(e);
    free(e);
}
