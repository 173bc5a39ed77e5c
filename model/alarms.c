#include "model/alarms.h"

#include <stdio.h>
#include <string.h>

#include "session/step_state.h"
#include "session/metrics.h"

/* Endpoint latency is judged over a minute, like the panel shows it. */

typedef struct Check {
    char key[EVENT_KEY_MAX];
    bool active;
    char text[EVENT_TEXT_MAX];
} Check;

void Alarms_init(Alarms *a, const PlanThresholds *thresholds)
{
    memset(a, 0, sizeof *a);
    a->thresholds = *thresholds;
}

static int Alarms_find(const Alarms *a, const char *key)
{
    for (int i = 0; i < a->nraised; i++)
        if (strcmp(a->raised[i], key) == 0)
            return i;
    return -1;
}

/* Turns one condition into a raise or clear event when its state changed. */
static int Alarms_transition(Alarms *a, const Check *c, Event *out)
{
    int i = Alarms_find(a, c->key);
    if (c->active && i < 0 && a->nraised < ALARMS_MAX) {
        snprintf(a->raised[a->nraised++], EVENT_KEY_MAX, "%s", c->key);
        Event_alarm(out, c->key, true, c->text);
        return 1;
    }
    if (!c->active && i >= 0) {
        memmove(a->raised[i], a->raised[i + 1], (size_t)(a->nraised - i - 1) * EVENT_KEY_MAX);
        a->nraised--;
        Event_alarm(out, c->key, false, c->text);
        return 1;
    }
    return 0;
}

static void Alarms_above(const Model *m, const char *key, double limit, const char *what,
                         const char *unit, Check *c)
{
    const Series *s = Model_series(m, key);
    snprintf(c->key, sizeof c->key, "%s", key);
    c->active = limit >= 0 && s && s->has_value && s->last > limit;
    snprintf(c->text, sizeof c->text, "%s %.2f%s above %.2f%s", what, s ? s->last : 0.0, unit,
             limit, unit);
}

static void Alarms_below(const Model *m, const char *key, double limit, const char *what,
                         const char *unit, Check *c)
{
    const Series *s = Model_series(m, key);
    snprintf(c->key, sizeof c->key, "%s", key);
    c->active = limit >= 0 && s && s->has_value && s->last < limit;
    snprintf(c->text, sizeof c->text, "%s %.0f%s below %.0f%s", what, s ? s->last : 0.0, unit,
             limit, unit);
}

static void Alarms_endpoint_p95(const Model *m, double limit, Check *c)
{
    WindowStats st;
    Model_window_stats(m, Model_series(m, M_EP_QUERY_MS), MODEL_ENDPOINT_WINDOW_MS, &st);
    snprintf(c->key, sizeof c->key, "%s", M_EP_QUERY_MS);
    c->active = limit >= 0 && st.count >= 5 && st.p95 > limit;
    snprintf(c->text, sizeof c->text, "endpoint SELECT 1 p95 %.1f ms above %.1f ms", st.p95, limit);
}

static void Alarms_replication(const Model *m, Check *c)
{
    const Series *io = Model_series(m, M_REPLICA_IO), *sql = Model_series(m, M_REPLICA_SQL);
    snprintf(c->key, sizeof c->key, "replica.running");
    c->active = io && sql && (io->last < 1 || sql->last < 1);
    snprintf(c->text, sizeof c->text, "replication on the target: IO thread %s, SQL thread %s",
             io && io->last >= 1 ? "running" : "stopped",
             sql && sql->last >= 1 ? "running" : "stopped");
}

/* The DMS task left "running" (stopped, failed, being stopped): changes no
 * longer reach the target. */
static void Alarms_dms_task(const Model *m, Check *c)
{
    const Series *st = Model_series(m, M_DMS_STATUS);
    snprintf(c->key, sizeof c->key, "%s", M_DMS_STATUS);
    c->active = st && st->has_value && st->last < 1;
    snprintf(c->text, sizeof c->text, "DMS task %s: changes no longer reach the target",
             st && st->text[0] ? st->text : "not running");
}

/* Once the plan has stopped replication, the old source is no longer the
 * system of record: lag and a stopped replica are expected, not alarms. */
static bool Alarms_replication_retired(const Model *m)
{
    return Model_step_done(m, "stop-replication");
}

static void Alarms_retire(Check *c)
{
    c->active = false;
    snprintf(c->text, sizeof c->text, "%s: replication was stopped by the plan", c->key);
}

const char *Alarms_blocking_arm(const Model *m)
{
    static const char *const keys[] = {"replica.running", M_DMS_STATUS, M_RDS_SOURCE_ADDRESS};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        const ActiveAlarm *a = Model_alarm(m, keys[i]);
        if (a)
            return a->text;
    }
    return NULL;
}

int Alarms_evaluate(Alarms *a, const Model *m, Event *out, int max)
{
    const PlanThresholds *t = &a->thresholds;
    Check checks[13];
    int n = 0;
    bool retired = Alarms_replication_retired(m);
    Alarms_above(m, M_LAG_HEARTBEAT_S, t->lag_seconds, "lag", " s", &checks[n++]);
    if (retired)
        Alarms_retire(&checks[n - 1]);
    Alarms_endpoint_p95(m, t->endpoint_p95_ms, &checks[n++]);
    Alarms_above(m, M_EP_LOSS_PCT, t->endpoint_loss_percent, "endpoint loss", "%", &checks[n++]);
    Alarms_replication(m, &checks[n++]);
    if (retired)
        Alarms_retire(&checks[n - 1]);
    Alarms_dms_task(m, &checks[n++]);
    if (retired)
        Alarms_retire(&checks[n - 1]);
    static const char *const servers[] = {"source", "target"};
    for (int i = 0; i < 2; i++) {
        char key[EVENT_KEY_MAX], what[48];
        snprintf(key, sizeof key, "rds.%s.%s", servers[i], M_RDS_CONNECTIONS);
        snprintf(what, sizeof what, "%s connections", servers[i]);
        Alarms_above(m, key, t->connections_max, what, "", &checks[n++]);
        snprintf(key, sizeof key, "rds.%s.%s", servers[i], M_RDS_CPU_PCT);
        snprintf(what, sizeof what, "%s CPU", servers[i]);
        Alarms_above(m, key, t->cpu_max_percent, what, "%", &checks[n++]);
        snprintf(key, sizeof key, "rds.%s.%s", servers[i], M_RDS_FREEABLE_MB);
        snprintf(what, sizeof what, "%s freeable memory", servers[i]);
        Alarms_below(m, key, t->freeable_memory_min_mb, what, " MB", &checks[n++]);
    }
    int posted = 0;
    for (int i = 0; i < n && posted < max; i++)
        posted += Alarms_transition(a, &checks[i], &out[posted]);
    return posted;
}
