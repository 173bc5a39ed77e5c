/* What every probe thread shares: a stop flag with an interruptible sleep,
 * health events posted on every change of state, reconnects with
 * exponential backoff (250 ms doubling to 5 s), and the freshness stamp the
 * supervisor in probes.c uses to mark a probe stale. Probe threads talk to
 * the rest of the console only through Bus_post. */
#ifndef CUTOVER_PROBES_PROBE_H
#define CUTOVER_PROBES_PROBE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "db/db.h"
#include "plan/plan.h"
#include "probes/binlog.h"
#include "session/metrics.h"
#include "session/bus.h"
#include "session/event.h"

#define PROBE_BACKOFF_MIN_MS 250
#define PROBE_BACKOFF_MAX_MS 5000

/* Figures one thread hands to another, under its own lock: the source's
 * clock offset (heartbeat writer -> reader) and binlog coordinates (source ->
 * target, for the backlog). Each is stamped with the monotonic time it was
 * measured; zero means never. */
typedef struct ProbeShared {
    pthread_mutex_t lock;
    /* Cleared once lag zero is proven: after that the console writes nothing
     * more to the frozen source. Set again if read-only is rolled back. */
    atomic_bool heartbeat_writes;
    double source_offset_s;
    int64_t source_offset_mono_ms;
    char source_file[BINLOG_NAME_MAX];
    uint64_t source_pos;
    int64_t source_pos_mono_ms;
    BinlogFile files[BINLOG_FILES_MAX];
    size_t nfiles;
} ProbeShared;

typedef struct Probe Probe;
typedef void (*ProbeRunFn)(Probe *probe);

struct Probe {
    const char *name; /* health key: PROBE_SOURCE ... */
    const Plan *plan;
    Bus *bus;
    ProbeShared *shared;
    bool write_heartbeat;
    int interval_ms; /* a figure is expected this often */
    ProbeRunFn run;
    void *ctx;   /* the run function's own data */
    bool silent; /* posts no health (the supervisor) */
    pthread_t thread;
    bool started;
    pthread_mutex_t lock; /* guards the fields below */
    pthread_cond_t wake;
    bool stop;
    int state;
    bool state_posted;
    char state_text[EVENT_TEXT_MAX];
    int64_t fresh_mono_ms;
};

void Probe_init(Probe *p, const char *name, int interval_ms, ProbeRunFn run);
int Probe_start(Probe *p);
void Probe_request_stop(Probe *p);
void Probe_join(Probe *p);
void Probe_destroy(Probe *p);

bool Probe_stopping(Probe *p);
/* Sleeps up to ms; returns false as soon as a stop is requested. */
bool Probe_sleep(Probe *p, int64_t ms);

/* Posts EVENT_HEALTH when the state or its text differ from the last post. */
void Probe_health(Probe *p, ProbeState state, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Probe_health(p, PROBE_OK) with no text. */
void Probe_ok(Probe *p);
/* A fresh figure arrived: stamps it and turns STALE back into OK. */
void Probe_fresh(Probe *p);
/* Called by the supervisor: OK without a fresh figure for 3 intervals
 * becomes STALE. */
void Probe_check_stale(Probe *p, int64_t now_mono_ms);

void Probe_sample(Probe *p, const char *key, double value, const char *origin);
void Probe_text(Probe *p, const char *key, const char *text, const char *origin);
void Probe_alarm(Probe *p, const char *key, bool raised, const char *text);
void Probe_log(Probe *p, LogLevel level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

DbTimeouts Probe_timeouts(const Plan *plan);

/* Connects, retrying with exponential backoff and posting health; NULL only
 * when a stop was requested. On success the state is OK. */
Db *Probe_connect(Probe *p, const PlanServer *server);

/* Whether the last failure on db lost the connection (a client-side error,
 * 2000-2999: gone away, lost during query, timeouts) rather than being a
 * server error the connection survives. */
bool Probe_db_lost(const Db *db);

#endif
