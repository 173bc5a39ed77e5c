#include "probes/probe.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "lib/clock.h"
#include "session/metrics.h"

void Probe_init(Probe *p, const char *name, int interval_ms, ProbeRunFn run)
{
    p->name = name;
    p->interval_ms = interval_ms > 0 ? interval_ms : 1000;
    p->run = run;
    p->ctx = NULL;
    p->silent = false;
    p->started = false;
    p->stop = false;
    p->state = PROBE_CONNECTING;
    p->state_posted = false;
    p->state_text[0] = '\0';
    p->fresh_mono_ms = 0;
    pthread_mutex_init(&p->lock, NULL);
    /* The sleep waits on the monotonic clock so a wall-clock step cannot
     * stretch or cut it. */
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&p->wake, &attr);
    pthread_condattr_destroy(&attr);
}

static void *Probe_main(void *arg)
{
    Probe *p = arg;
    if (!p->silent)
        Probe_health(p, PROBE_CONNECTING, "starting");
    p->run(p);
    return NULL;
}

int Probe_start(Probe *p)
{
    if (pthread_create(&p->thread, NULL, Probe_main, p) != 0)
        return -1;
    p->started = true;
    return 0;
}

void Probe_request_stop(Probe *p)
{
    pthread_mutex_lock(&p->lock);
    p->stop = true;
    pthread_cond_broadcast(&p->wake);
    pthread_mutex_unlock(&p->lock);
}

void Probe_join(Probe *p)
{
    if (p->started)
        pthread_join(p->thread, NULL);
    p->started = false;
}

void Probe_destroy(Probe *p)
{
    pthread_mutex_destroy(&p->lock);
    pthread_cond_destroy(&p->wake);
}

bool Probe_stopping(Probe *p)
{
    pthread_mutex_lock(&p->lock);
    bool stop = p->stop;
    pthread_mutex_unlock(&p->lock);
    return stop;
}

bool Probe_sleep(Probe *p, int64_t ms)
{
    struct timespec deadline = Clock_mono_deadline(ms);
    pthread_mutex_lock(&p->lock);
    while (!p->stop && pthread_cond_timedwait(&p->wake, &p->lock, &deadline) == 0)
        ;
    bool go_on = !p->stop;
    pthread_mutex_unlock(&p->lock);
    return go_on;
}

/* Called with p->lock held. */
static void Probe_set_state(Probe *p, int state, const char *text)
{
    if (p->state_posted && p->state == state && strcmp(p->state_text, text) == 0)
        return;
    p->state = state;
    p->state_posted = true;
    Event_copy_field(p->state_text, sizeof p->state_text, text);
    Event ev;
    Event_health(&ev, p->name, state, text);
    /* Posting under the lock keeps the supervisor's STALE and the thread's
     * own states in the order they happened. */
    Bus_post(p->bus, &ev);
}

void Probe_health(Probe *p, ProbeState state, const char *fmt, ...)
{
    char text[EVENT_TEXT_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    pthread_mutex_lock(&p->lock);
    if (state == PROBE_OK)
        p->fresh_mono_ms = Clock_mono_ms();
    Probe_set_state(p, state, text);
    pthread_mutex_unlock(&p->lock);
}

void Probe_ok(Probe *p)
{
    Probe_health(p, PROBE_OK, "%s", "");
}

void Probe_fresh(Probe *p)
{
    pthread_mutex_lock(&p->lock);
    p->fresh_mono_ms = Clock_mono_ms();
    if (p->state == PROBE_STALE)
        Probe_set_state(p, PROBE_OK, "");
    pthread_mutex_unlock(&p->lock);
}

void Probe_check_stale(Probe *p, int64_t now_mono_ms)
{
    pthread_mutex_lock(&p->lock);
    int64_t quiet = now_mono_ms - p->fresh_mono_ms;
    if (p->state == PROBE_OK && quiet > 3 * (int64_t)p->interval_ms) {
        char text[EVENT_TEXT_MAX];
        snprintf(text, sizeof text, "no fresh figure for %.1f s", (double)quiet / 1000.0);
        Probe_set_state(p, PROBE_STALE, text);
    }
    pthread_mutex_unlock(&p->lock);
}

void Probe_sample(Probe *p, const char *key, double value, const char *origin)
{
    Event ev;
    Event_sample(&ev, key, value, origin);
    Bus_post(p->bus, &ev);
}

void Probe_text(Probe *p, const char *key, const char *text, const char *origin)
{
    Event ev;
    Event_sample_text(&ev, key, text, origin);
    Bus_post(p->bus, &ev);
}

void Probe_alarm(Probe *p, const char *key, bool raised, const char *text)
{
    Event ev;
    Event_alarm(&ev, key, raised, text);
    Bus_post(p->bus, &ev);
}

void Probe_log(Probe *p, LogLevel level, const char *fmt, ...)
{
    Event ev;
    Event_log(&ev, level, p->name, "%s", "");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ev.text, sizeof ev.text, fmt, ap);
    va_end(ap);
    Bus_post(p->bus, &ev);
}

DbTimeouts Probe_timeouts(const Plan *plan)
{
    DbTimeouts t = {
        .connect_ms =
            plan->timings.connect_timeout_ms > 0 ? plan->timings.connect_timeout_ms : 2000,
        .read_ms = plan->timings.read_timeout_ms > 0 ? plan->timings.read_timeout_ms : 2000,
    };
    t.write_ms = t.read_ms;
    return t;
}

Db *Probe_connect(Probe *p, const PlanServer *server)
{
    DbTimeouts t = Probe_timeouts(p->plan);
    int backoff = PROBE_BACKOFF_MIN_MS;
    while (!Probe_stopping(p)) {
        char err[256];
        Db *db = Db_connect(server, &t, err, sizeof err);
        if (db) {
            Probe_ok(p);
            return db;
        }
        Probe_health(p, PROBE_ERROR, "%s", err);
        if (!Probe_sleep(p, backoff))
            break;
        backoff = backoff * 2 > PROBE_BACKOFF_MAX_MS ? PROBE_BACKOFF_MAX_MS : backoff * 2;
    }
    return NULL;
}

bool Probe_db_lost(const Db *db)
{
    unsigned e = Db_errno(db);
    return e == 0 || (e >= 2000 && e < 3000);
}
