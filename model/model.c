#include "model/model.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "session/step_state.h"
#include "session/metrics.h"

void Model_init(Model *m, const char *plan_name, int64_t start_wall_ms)
{
    memset(m, 0, sizeof *m);
    Event_copy_field(m->plan_name, sizeof m->plan_name, plan_name);
    m->start_wall_ms = start_wall_ms;
    m->now_wall_ms = start_wall_ms;
}

static Series *Model_series_get(Model *m, const char *key, bool create)
{
    for (int i = 0; i < m->nseries; i++)
        if (strcmp(m->series[i].key, key) == 0)
            return &m->series[i];
    if (!create || m->nseries == MODEL_MAX_SERIES)
        return NULL;
    Series *s = &m->series[m->nseries++];
    memset(s, 0, sizeof *s);
    Event_copy_field(s->key, sizeof s->key, key);
    return s;
}

const Series *Model_series(const Model *m, const char *key)
{
    return Model_series_get((Model *)m, key, false);
}

static void Model_log(Model *m, const Event *ev, int level, const char *text)
{
    int slot = (m->log_head + m->log_count) % MODEL_LOG_LINES;
    if (m->log_count == MODEL_LOG_LINES)
        m->log_head = (m->log_head + 1) % MODEL_LOG_LINES;
    else
        m->log_count++;
    LogLine *line = &m->log[slot];
    line->wall_ms = ev->wall_ms;
    line->mono_ms = ev->mono_ms;
    line->kind = ev->kind;
    line->level = level;
    Event_copy_field(line->text, sizeof line->text, text);
}

const LogLine *Model_log_line(const Model *m, int i)
{
    if (i < 0 || i >= m->log_count)
        return NULL;
    return &m->log[(m->log_head + m->log_count - 1 - i) % MODEL_LOG_LINES];
}

static void Model_fold_sample(Model *m, const Event *ev)
{
    Series *s = Model_series_get(m, ev->key, true);
    if (!s)
        return;
    Event_copy_field(s->origin, sizeof s->origin, ev->origin);
    s->last_mono_ms = ev->mono_ms;
    s->last_wall_ms = ev->wall_ms;
    /* A sample may carry both: the DMS task's status is a text and 1 while
     * it runs. */
    if (!ev->has_value || ev->text[0])
        Event_copy_field(s->text, sizeof s->text, ev->text);
    if (!ev->has_value)
        return;
    s->has_value = true;
    s->last = ev->value;
    int slot = (s->head + s->count) % MODEL_HISTORY;
    if (s->count == MODEL_HISTORY)
        s->head = (s->head + 1) % MODEL_HISTORY;
    else
        s->count++;
    s->ring[slot] = (SeriesPoint){ev->mono_ms, ev->value};
}

static ProbeHealth *Model_probe_get(Model *m, const char *name)
{
    for (int i = 0; i < m->nprobes; i++)
        if (strcmp(m->probes[i].name, name) == 0)
            return &m->probes[i];
    if (m->nprobes == MODEL_MAX_PROBES)
        return NULL;
    ProbeHealth *p = &m->probes[m->nprobes++];
    memset(p, 0, sizeof *p);
    Event_copy_field(p->name, sizeof p->name, name);
    p->state = -1;
    return p;
}

const ProbeHealth *Model_probe(const Model *m, const char *name)
{
    for (int i = 0; i < m->nprobes; i++)
        if (strcmp(m->probes[i].name, name) == 0)
            return &m->probes[i];
    return NULL;
}

/* Health reaches the log when a probe fails, goes stale, or recovers from
 * either; connecting and the first "ok" are visible in the status line. */
static void Model_fold_health(Model *m, const Event *ev)
{
    ProbeHealth *p = Model_probe_get(m, ev->key);
    if (!p || p->state == ev->state) {
        if (p)
            Event_copy_field(p->text, sizeof p->text, ev->text);
        return;
    }
    bool was_bad = p->state == PROBE_ERROR || p->state == PROBE_STALE;
    bool is_bad = ev->state == PROBE_ERROR || ev->state == PROBE_STALE;
    p->state = ev->state;
    p->since_mono_ms = ev->mono_ms;
    Event_copy_field(p->text, sizeof p->text, ev->text);
    char line[EVENT_TEXT_MAX + EVENT_KEY_MAX];
    if (is_bad) {
        snprintf(line, sizeof line, "%s: %s", ev->key, ev->text[0] ? ev->text : "unhealthy");
        Model_log(m, ev, LOG_WARN, line);
    } else if (was_bad && ev->state == PROBE_OK) {
        snprintf(line, sizeof line, "%s: ok again", ev->key);
        Model_log(m, ev, LOG_INFO, line);
    }
}

const ActiveAlarm *Model_alarm(const Model *m, const char *key)
{
    for (int i = 0; i < m->nalarms; i++)
        if (strcmp(m->alarms[i].key, key) == 0)
            return &m->alarms[i];
    return NULL;
}

static void Model_fold_alarm(Model *m, const Event *ev)
{
    int found = -1;
    for (int i = 0; i < m->nalarms; i++)
        if (strcmp(m->alarms[i].key, ev->key) == 0)
            found = i;
    char line[EVENT_TEXT_MAX + EVENT_KEY_MAX];
    if (ev->state) {
        if (found < 0 && m->nalarms < MODEL_MAX_ALARMS)
            found = m->nalarms++;
        if (found >= 0) {
            ActiveAlarm *a = &m->alarms[found];
            Event_copy_field(a->key, sizeof a->key, ev->key);
            Event_copy_field(a->text, sizeof a->text, ev->text);
            a->since_wall_ms = ev->wall_ms;
        }
        snprintf(line, sizeof line, "ALARM %s", ev->text);
        Model_log(m, ev, LOG_ERROR, line);
    } else {
        if (found >= 0)
            m->alarms[found] = m->alarms[--m->nalarms];
        snprintf(line, sizeof line, "cleared: %s", ev->text[0] ? ev->text : ev->key);
        Model_log(m, ev, LOG_INFO, line);
    }
}

static StepView *Model_step_get(Model *m, const Event *ev)
{
    for (int i = 0; i < m->nsteps; i++)
        if (strcmp(m->steps[i].id, ev->key) == 0)
            return &m->steps[i];
    if (m->nsteps == MODEL_MAX_STEPS)
        return NULL;
    StepView *s = &m->steps[m->nsteps++];
    memset(s, 0, sizeof *s);
    Event_copy_field(s->id, sizeof s->id, ev->key);
    Event_copy_field(s->title, sizeof s->title, ev->key);
    s->state = STEP_PENDING;
    return s;
}

/* Recordings made before the engine posted its downtime marks: the window
 * from maintenance on to off, as the console then drew it. */
static void Model_track_downtime(Model *m, const StepView *s, const Event *ev)
{
    if (m->downtime_marked)
        return;
    if (strcmp(s->id, "maintenance-on") == 0 && ev->state == STEP_RUNNING &&
        m->downtime_start_mono_ms == 0) {
        m->downtime_start_mono_ms = ev->mono_ms ? ev->mono_ms : 1;
        m->downtime_end_mono_ms = 0;
    }
    if (strcmp(s->id, "maintenance-off") == 0 && ev->state == STEP_DONE)
        m->downtime_end_mono_ms = ev->mono_ms;
    /* Rolling maintenance-on back ends the downtime as well. */
    if (strcmp(s->id, "maintenance-on") == 0 && ev->state == STEP_ROLLED_BACK &&
        m->downtime_start_mono_ms && !m->downtime_end_mono_ms)
        m->downtime_end_mono_ms = ev->mono_ms;
}

/* Announced before the step it precedes (so `at` is where that step lands);
 * crossed without an announcement (a recording that begins later), it
 * precedes the first step not yet run. */
static void Model_fold_point(Model *m, const Event *ev)
{
    PointView *p = &m->point;
    if (!p->known) {
        p->known = true;
        p->at = m->nsteps;
        if (ev->state != STEP_PENDING)
            for (int i = m->nsteps - 1; i >= 0; i--)
                if (m->steps[i].state == STEP_PENDING || m->steps[i].state == STEP_RUNNING)
                    p->at = i;
    }
    if (ev->state == STEP_PENDING)
        return;
    if (p->state != STEP_DONE)
        p->crossed_wall_ms = ev->wall_ms;
    p->state = STEP_DONE;
    char line[EVENT_TEXT_MAX + EVENT_KEY_MAX];
    snprintf(line, sizeof line, "POINT OF NO RETURN %s", ev->text);
    Model_log(m, ev, LOG_WARN, line);
}

/* The engine's window (STEP_DOWNTIME_ID): the only rule. */
static void Model_fold_downtime(Model *m, const Event *ev)
{
    m->downtime_marked = true;
    if (ev->state == STEP_RUNNING) {
        m->downtime_start_mono_ms = ev->mono_ms ? ev->mono_ms : 1;
        m->downtime_end_mono_ms = 0;
    } else if (ev->state == STEP_DONE && m->downtime_start_mono_ms) {
        m->downtime_end_mono_ms =
            ev->value2 > 0 ? m->downtime_start_mono_ms + (int64_t)ev->value2 : ev->mono_ms;
    }
}

static void Model_fold_step(Model *m, const Event *ev)
{
    if (strcmp(ev->key, STEP_POINT_ID) == 0) {
        Model_fold_point(m, ev);
        return;
    }
    if (strcmp(ev->key, STEP_DOWNTIME_ID) == 0) {
        Model_fold_downtime(m, ev);
        return;
    }
    StepView *s = Model_step_get(m, ev);
    if (!s)
        return;
    /* A pending announcement carries the step's title. */
    if (ev->state == STEP_PENDING && ev->text[0]) {
        Event_copy_field(s->title, sizeof s->title, ev->text);
        s->state = STEP_PENDING;
        return;
    }
    if ((ev->state == STEP_RUNNING || ev->state == STEP_ROLLING_BACK) && s->state != ev->state) {
        s->started_wall_ms = ev->wall_ms;
        s->started_mono_ms = ev->mono_ms;
        s->ended_mono_ms = 0;
    }
    if (ev->state == STEP_DONE || ev->state == STEP_FAILED || ev->state == STEP_ROLLED_BACK ||
        ev->state == STEP_SKIPPED)
        s->ended_mono_ms = ev->mono_ms;
    s->state = ev->state;
    Event_copy_field(s->detail, sizeof s->detail, ev->text);
    Model_track_downtime(m, s, ev);
    char line[EVENT_TEXT_MAX + EVENT_KEY_MAX];
    snprintf(line, sizeof line, "%s %s%s%s", s->id, StepState_name((StepState)ev->state),
             ev->text[0] ? ": " : "", ev->text);
    Model_log(m, ev, ev->state == STEP_FAILED ? LOG_ERROR : LOG_INFO, line);
}

static void Model_fold_text(Model *m, const Event *ev, const char *prefix, int level)
{
    char line[EVENT_TEXT_MAX + EVENT_KEY_MAX];
    snprintf(line, sizeof line, "%s%s", prefix, ev->text);
    Model_log(m, ev, level, line);
}

/* A terminal size; a damaged recording's out-of-range or NaN size (the
 * fuzzer's find: a float-to-int overflow) is ignored. */
static void Model_fold_resize(Model *m, const Event *ev)
{
    if (ev->value >= 1 && ev->value <= 10000 && ev->value2 >= 1 && ev->value2 <= 10000) {
        m->cols = (int)ev->value;
        m->rows = (int)ev->value2;
    }
}

void Model_fold(Model *m, const Event *ev)
{
    m->events_folded++;
    if (ev->wall_ms > m->now_wall_ms)
        m->now_wall_ms = ev->wall_ms;
    if (ev->mono_ms > m->now_mono_ms)
        m->now_mono_ms = ev->mono_ms;
    switch (ev->kind) {
    case EVENT_SAMPLE: Model_fold_sample(m, ev); break;
    case EVENT_HEALTH: Model_fold_health(m, ev); break;
    case EVENT_ALARM: Model_fold_alarm(m, ev); break;
    case EVENT_STEP: Model_fold_step(m, ev); break;
    case EVENT_DECISION: Model_fold_text(m, ev, "operator: ", LOG_INFO); break;
    case EVENT_NOTE: Model_fold_text(m, ev, "note: ", LOG_INFO); break;
    case EVENT_LOG: Model_fold_text(m, ev, "", ev->state); break;
    case EVENT_RESIZE: Model_fold_resize(m, ev); break;
    default: break;
    }
}

void Model_tick(Model *m, int64_t wall_ms, int64_t mono_ms)
{
    m->now_wall_ms = wall_ms;
    m->now_mono_ms = mono_ms;
}

int64_t Model_age_ms(const Model *m, const Series *s)
{
    if (!s || (s->last_mono_ms == 0 && s->last_wall_ms == 0))
        return INT64_MAX;
    int64_t age = m->now_mono_ms - s->last_mono_ms;
    return age < 0 ? 0 : age;
}

static int Model_cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int Model_window_stats(const Model *m, const Series *s, int64_t window_ms, WindowStats *out)
{
    memset(out, 0, sizeof *out);
    if (!s)
        return 0;
    double vals[MODEL_HISTORY];
    double sum = 0;
    int n = 0;
    for (int i = 0; i < s->count; i++) {
        const SeriesPoint *p = &s->ring[(s->head + i) % MODEL_HISTORY];
        if (p->mono_ms > m->now_mono_ms - window_ms && p->mono_ms <= m->now_mono_ms) {
            vals[n++] = p->value;
            sum += p->value;
        }
    }
    if (n == 0)
        return 0;
    qsort(vals, (size_t)n, sizeof vals[0], Model_cmp_double);
    out->count = n;
    out->p50 = vals[(n - 1) / 2];
    out->p95 = vals[(int)ceil(0.95 * n) - 1];
    out->max = vals[n - 1];
    out->mean = sum / n;
    return n;
}

double Model_buckets(const Model *m, const Series *s, int64_t window_ms, double *out, int n)
{
    double top = 0;
    for (int i = 0; i < n; i++)
        out[i] = NAN;
    if (!s || n <= 0)
        return 0;
    int64_t start = m->now_mono_ms - window_ms;
    for (int i = 0; i < s->count; i++) {
        const SeriesPoint *p = &s->ring[(s->head + i) % MODEL_HISTORY];
        if (p->mono_ms <= start || p->mono_ms > m->now_mono_ms)
            continue;
        int b = (int)((p->mono_ms - start) * n / (window_ms + 1));
        if (b >= n)
            b = n - 1;
        if (isnan(out[b]) || p->value > out[b])
            out[b] = p->value;
        if (p->value > top)
            top = p->value;
    }
    return top;
}

int64_t Model_downtime_ms(const Model *m)
{
    if (!m->downtime_start_mono_ms)
        return 0;
    int64_t end = m->downtime_end_mono_ms ? m->downtime_end_mono_ms : m->now_mono_ms;
    return end > m->downtime_start_mono_ms ? end - m->downtime_start_mono_ms : 0;
}

bool Model_step_done(const Model *m, const char *id)
{
    for (int i = 0; i < m->nsteps; i++)
        if (strcmp(m->steps[i].id, id) == 0)
            return m->steps[i].state == STEP_DONE;
    return false;
}

const StepView *Model_current_step(const Model *m)
{
    for (int i = 0; i < m->nsteps; i++)
        if (m->steps[i].state == STEP_RUNNING || m->steps[i].state == STEP_WAITING ||
            m->steps[i].state == STEP_ROLLING_BACK)
            return &m->steps[i];
    return NULL;
}

const StepView *Model_held_step(const Model *m)
{
    if (m->point.state != STEP_DONE)
        return NULL;
    const StepView *failed = NULL;
    for (int i = 0; i < m->nsteps; i++) {
        int s = m->steps[i].state;
        if (s == STEP_ROLLING_BACK || s == STEP_ROLLED_BACK)
            return NULL;
        if (s == STEP_FAILED && !failed)
            failed = &m->steps[i];
    }
    return failed;
}

int64_t Model_predict_downtime_ms(int64_t steps_ms, double lag_s, double drain_s)
{
    double drain = lag_s > drain_s ? lag_s : drain_s;
    return steps_ms + (drain > 0 ? (int64_t)(drain * 1000.0 + 0.5) : 0);
}
