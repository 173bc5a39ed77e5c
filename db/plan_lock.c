/* The plan's user-level lock (see plan_lock.h). The lock connections run
 * nothing but the lock's own statements and a keep-alive: a short
 * wait_timeout on the server, and a thread here that pings within it, so a
 * console whose host dies without closing its connections (no FIN: power,
 * a partition) loses the lock within LOCK_IDLE_S rather than after the
 * server's default of hours. */
#include "db/plan_lock.h"

#include <openssl/sha.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/operator.h"

enum {
    SIDES = 2,
    LOCK_IDLE_S = 60,     /* the lock connections' wait_timeout */
    LOCK_PING_MS = 15000, /* the keep-alive, well within it */
    LOCK_WAIT_S = 10,     /* how long GET_LOCK waits: a console killed a moment ago
                             may still hold it until the server sees its connection close */
};

struct PlanLock {
    const Plan *plan;
    DbTimeouts timeouts;
    char name[80];
    pthread_mutex_t mu; /* one user of the connections at a time */
    pthread_cond_t cv;
    pthread_t keeper;
    bool keeper_started, stopping;
    bool announced[SIDES]; /* who holds it was written there (once, before anything) */
    Db *db[SIDES];         /* source, target; NULL while not held there */
};

static const char *const SIDE_NAMES[SIDES] = {"source", "target"};

void PlanLock_name(const char *plan_name, char *out, size_t size)
{
    unsigned char digest[SHA256_DIGEST_LENGTH];
    SHA256((const unsigned char *)plan_name, strlen(plan_name), digest);
    char hex[33];
    for (int i = 0; i < 16; i++)
        snprintf(hex + 2 * i, 3, "%02x", digest[i]);
    snprintf(out, size, "cutover:%s", hex);
}

static const PlanServer *PlanLock_server(const PlanLock *l, int side)
{
    return side == 0 ? &l->plan->source : &l->plan->target;
}

/* The holder's person and machine: a row beside the fence table, keyed by
 * the lock and the server, trusted only while its connection id is the one
 * holding the lock. Written once per server when the lock is first taken,
 * before anything changes (never again on the frozen source). Best effort:
 * the lock is what protects, this only names who holds it. */
static void PlanLock_announce(PlanLock *l, Db *db, int side)
{
    char schema[80], sql[900], who[400], e[256], esc[820];
    if (l->announced[side] || Plan_fence_schema(l->plan, schema, sizeof schema) != 0)
        return;
    l->announced[side] = true;
    Operator op;
    Operator_describe(&op);
    snprintf(who, sizeof who, "%s@%s%s%s", op.user, op.host, op.ssh[0] ? " via ssh from " : "",
             op.ssh);
    Db_escape(db, who, esc, sizeof esc);
    snprintf(sql, sizeof sql,
             "CREATE TABLE IF NOT EXISTS `%s`.console_lock (lock_name VARCHAR(64) NOT NULL, "
             "server_id BIGINT NOT NULL, connection_id BIGINT NOT NULL, operator VARCHAR(400) "
             "NOT NULL, since DATETIME(3) NOT NULL, PRIMARY KEY (lock_name, server_id))",
             schema);
    if (Db_exec(db, sql, e, sizeof e) != 0)
        return;
    snprintf(sql, sizeof sql,
             "REPLACE INTO `%s`.console_lock VALUES ('%s', @@server_id, CONNECTION_ID(), '%s', "
             "UTC_TIMESTAMP(3))",
             schema, l->name, esc);
    Db_exec(db, sql, e, sizeof e);
}

/* "alice@bastion-2 since 2026-12-06 21:03:04 UTC", when the row is there and
 * names the connection that holds the lock; else "". */
static void PlanLock_holder_person(PlanLock *l, Db *db, int64_t id, char *out, size_t size)
{
    char schema[80], sql[400], e[256];
    const char **cols = NULL;
    size_t n = 0;
    out[0] = '\0';
    if (Plan_fence_schema(l->plan, schema, sizeof schema) != 0)
        return;
    snprintf(sql, sizeof sql,
             "SELECT operator, DATE_FORMAT(since, '%%Y-%%m-%%d %%H:%%i:%%s') FROM "
             "`%s`.console_lock WHERE lock_name = '%s' AND server_id = @@server_id AND "
             "connection_id = %lld",
             schema, l->name, (long long)id);
    if (Db_query_row(db, sql, &cols, &n, e, sizeof e) == 1 && n == 2 && cols[0] && cols[1])
        snprintf(out, size, "%s since %s UTC, ", cols[0], cols[1]);
}

/* Who holds the lock: the person and machine it announced, and from the
 * processlist the holder's connection id, account, client address and how
 * long its connection has been idle. */
static void PlanLock_describe_holder(PlanLock *l, Db *db, int side, char *err, size_t errsize)
{
    char sql[256], e[256];
    int64_t id = 0;
    snprintf(sql, sizeof sql, "SELECT IS_USED_LOCK('%s')", l->name);
    if (Db_query_int(db, sql, &id, e, sizeof e) != 1 || id <= 0) {
        snprintf(err, errsize, "plan '%s' is locked on the %s by another console", l->plan->name,
                 SIDE_NAMES[side]);
        return;
    }
    const char **cols = NULL;
    size_t n = 0;
    /* The holder's connection: its account, client address, and when the
     * server last heard from it (the keep-alive pings every 15 s). */
    snprintf(sql, sizeof sql,
             "SELECT user, host, time FROM information_schema.processlist WHERE id = %lld",
             (long long)id);
    char person[500];
    bool found = Db_query_row(db, sql, &cols, &n, e, sizeof e) == 1 && n == 3;
    char account[200], from[200], idle[40];
    snprintf(account, sizeof account, "%s", found && cols[0] ? cols[0] : "?");
    snprintf(from, sizeof from, "%s", found && cols[1] ? cols[1] : "?");
    snprintf(idle, sizeof idle, "%s", found && cols[2] ? cols[2] : "?");
    PlanLock_holder_person(l, db, id, person, sizeof person);
    if (found)
        snprintf(err, errsize,
                 "plan '%s' is held by another console: %sconnection %lld of %s from %s on "
                 "the %s, last heard from %s s ago (waited %d s; a console that dies releases "
                 "it within %d s); open it with --readonly to watch",
                 l->plan->name, person, (long long)id, account, from, SIDE_NAMES[side], idle,
                 LOCK_WAIT_S, LOCK_IDLE_S);
    else
        snprintf(err, errsize, "plan '%s' is held by another console: connection %lld on the %s",
                 l->plan->name, (long long)id, SIDE_NAMES[side]);
}

/* GET_LOCK on one server over a new connection kept for the run. */
static PlanLockResult PlanLock_take(PlanLock *l, int side, bool *unreachable, char *err,
                                    size_t errsize)
{
    char e[512], sql[200];
    *unreachable = false;
    Db *db = Db_connect(PlanLock_server(l, side), &l->timeouts, e, sizeof e);
    if (!db) {
        *unreachable = true;
        snprintf(err, errsize, "%s: %s", SIDE_NAMES[side], e);
        return PLAN_LOCK_ERROR;
    }
    snprintf(sql, sizeof sql, "SET SESSION wait_timeout = %d", LOCK_IDLE_S);
    Db_exec(db, sql, e, sizeof e);
    int64_t got = -1;
    snprintf(sql, sizeof sql, "SELECT GET_LOCK('%s', %d)", l->name, LOCK_WAIT_S);
    if (Db_query_int(db, sql, &got, e, sizeof e) != 1 || got < 0) {
        snprintf(err, errsize, "%s: GET_LOCK: %s", SIDE_NAMES[side], e);
        Db_close(db);
        return PLAN_LOCK_ERROR;
    }
    if (got == 0) {
        PlanLock_describe_holder(l, db, side, err, errsize);
        Db_close(db);
        return PLAN_LOCK_HELD;
    }
    l->db[side] = db;
    PlanLock_announce(l, db, side);
    return PLAN_LOCK_TAKEN;
}

static void *PlanLock_keep(void *arg)
{
    PlanLock *l = arg;
    pthread_mutex_lock(&l->mu);
    while (!l->stopping) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += LOCK_PING_MS / 1000;
        pthread_cond_timedwait(&l->cv, &l->mu, &until);
        for (int side = 0; side < SIDES && !l->stopping; side++) {
            char e[256];
            if (l->db[side] && Db_exec(l->db[side], "DO 0", e, sizeof e) != 0) {
                Db_close(l->db[side]); /* PlanLock_ensure takes it again */
                l->db[side] = NULL;
            }
        }
    }
    pthread_mutex_unlock(&l->mu);
    return NULL;
}

PlanLock *PlanLock_acquire(const Plan *plan, const DbTimeouts *timeouts, PlanLockResult *result,
                           char *warning, size_t warnsize, char *err, size_t errsize)
{
    PlanLock *l = calloc(1, sizeof *l);
    if (!l) {
        *result = PLAN_LOCK_ERROR;
        snprintf(err, errsize, "out of memory");
        return NULL;
    }
    l->plan = plan;
    l->timeouts = *timeouts;
    /* GET_LOCK waits LOCK_WAIT_S: the connection must wait that long too. */
    if (l->timeouts.read_ms < (LOCK_WAIT_S + 5) * 1000)
        l->timeouts.read_ms = (LOCK_WAIT_S + 5) * 1000;
    pthread_mutex_init(&l->mu, NULL);
    pthread_cond_init(&l->cv, NULL);
    PlanLock_name(plan->name, l->name, sizeof l->name);
    warning[0] = '\0';
    for (int side = 0; side < SIDES; side++) {
        bool unreachable;
        char e[600];
        PlanLockResult r = PlanLock_take(l, side, &unreachable, e, sizeof e);
        if (r == PLAN_LOCK_TAKEN)
            continue;
        if (unreachable) {
            snprintf(warning, warnsize,
                     "the plan's lock is not taken on the %s (unreachable: %s): it is taken "
                     "before the first step that changes anything",
                     SIDE_NAMES[side], e);
            continue;
        }
        snprintf(err, errsize, "%s", e);
        *result = r;
        PlanLock_release(l);
        return NULL;
    }
    *result = PLAN_LOCK_TAKEN;
    l->keeper_started = pthread_create(&l->keeper, NULL, PlanLock_keep, l) == 0;
    return l;
}

/* 1 when this connection still holds the lock, 0 when it does not, -1 when
 * the connection is gone. */
static int PlanLock_holds(PlanLock *l, int side)
{
    char sql[200], e[256];
    int64_t mine = 0;
    snprintf(sql, sizeof sql, "SELECT IS_USED_LOCK('%s') = CONNECTION_ID()", l->name);
    int rc = Db_query_int(l->db[side], sql, &mine, e, sizeof e);
    return rc < 0 ? -1 : rc == 1 && mine == 1;
}

static int PlanLock_ensure_locked(PlanLock *l, char *err, size_t errsize);

int PlanLock_ensure(PlanLock *l, char *err, size_t errsize)
{
    pthread_mutex_lock(&l->mu);
    int rc = PlanLock_ensure_locked(l, err, errsize);
    pthread_mutex_unlock(&l->mu);
    return rc;
}

static int PlanLock_ensure_locked(PlanLock *l, char *err, size_t errsize)
{
    for (int side = 0; side < SIDES; side++) {
        if (l->db[side] && PlanLock_holds(l, side) == 1)
            continue;
        if (l->db[side]) {
            Db_close(l->db[side]); /* lost with a restarted server, or taken away */
            l->db[side] = NULL;
        }
        bool unreachable;
        if (PlanLock_take(l, side, &unreachable, err, errsize) != PLAN_LOCK_TAKEN)
            return -1;
    }
    return 0;
}

void PlanLock_release(PlanLock *l)
{
    if (!l)
        return;
    pthread_mutex_lock(&l->mu);
    l->stopping = true;
    pthread_cond_broadcast(&l->cv);
    pthread_mutex_unlock(&l->mu);
    if (l->keeper_started)
        pthread_join(l->keeper, NULL);
    for (int side = 0; side < SIDES; side++) {
        if (!l->db[side])
            continue;
        char sql[200], e[256];
        snprintf(sql, sizeof sql, "DO RELEASE_LOCK('%s')", l->name);
        Db_exec(l->db[side], sql, e, sizeof e);
        Db_close(l->db[side]);
    }
    pthread_mutex_destroy(&l->mu);
    pthread_cond_destroy(&l->cv);
    free(l);
}
