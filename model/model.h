/* The screen model: the fold of the event stream into what the panels show.
 * It holds no pointers, so it can be copied whole (freeze, replay keyframes),
 * and contains no curses, so it is unit-tested directly. Live and replay run
 * the same fold: what a reviewer sees is what the lead saw. */
#ifndef CUTOVER_MODEL_MODEL_H
#define CUTOVER_MODEL_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "session/event.h"

#define MODEL_MAX_SERIES 64
#define MODEL_HISTORY    512 /* samples kept per series (heartbeat: 2 minutes) */
#define MODEL_MAX_PROBES 10
#define MODEL_MAX_STEPS  12
#define MODEL_MAX_ALARMS 16
#define MODEL_LOG_LINES  64
/* How far back the screen looks: the sparklines, the lag panel's figures,
 * and so how much history the replay index must rebuild after a seek. */
#define MODEL_WINDOW_MS 120000
/* The endpoint's latency figures (p50, p95, loss): the panel shows them and
 * the alarm judges them over the same minute. */
#define MODEL_ENDPOINT_WINDOW_MS 60000

typedef struct SeriesPoint {
    int64_t mono_ms;
    double value;
} SeriesPoint;

typedef struct Series {
    char key[EVENT_KEY_MAX];
    char origin[EVENT_ORIGIN_MAX];
    char text[EVENT_TEXT_MAX]; /* the latest text value, if any */
    bool has_value;
    double last;
    int64_t last_mono_ms;
    int64_t last_wall_ms;
    SeriesPoint ring[MODEL_HISTORY];
    int head, count; /* ring[head] is the oldest */
} Series;

typedef struct ProbeHealth {
    char name[EVENT_KEY_MAX];
    int state; /* ProbeState */
    char text[EVENT_TEXT_MAX];
    int64_t since_mono_ms;
} ProbeHealth;

typedef struct StepView {
    char id[EVENT_KEY_MAX];
    char title[64];
    int state; /* StepState */
    char detail[EVENT_TEXT_MAX];
    int64_t started_wall_ms, started_mono_ms;
    int64_t ended_mono_ms; /* 0 while running */
} StepView;

/* The point of no return (see checklist/engine.h): drawn on the checklist
 * above the step at index `at`. */
typedef struct PointView {
    bool known;
    int at;    /* index into Model.steps of the step it precedes */
    int state; /* STEP_PENDING, or STEP_DONE once crossed */
    int64_t crossed_wall_ms;
} PointView;

typedef struct ActiveAlarm {
    char key[EVENT_KEY_MAX];
    char text[EVENT_TEXT_MAX];
    int64_t since_wall_ms;
} ActiveAlarm;

typedef struct LogLine {
    int64_t wall_ms;
    int64_t mono_ms;
    EventKind kind;
    int level; /* LogLevel; alarms raised count as errors */
    char text[EVENT_TEXT_MAX + EVENT_KEY_MAX];
} LogLine;

typedef struct Model {
    char plan_name[64];
    int64_t start_wall_ms; /* when the session began */
    int64_t now_wall_ms;   /* the model's "now": latest event or tick */
    int64_t now_mono_ms;
    Series series[MODEL_MAX_SERIES];
    int nseries;
    ProbeHealth probes[MODEL_MAX_PROBES];
    int nprobes;
    StepView steps[MODEL_MAX_STEPS];
    int nsteps;
    PointView point;
    ActiveAlarm alarms[MODEL_MAX_ALARMS];
    int nalarms;
    LogLine log[MODEL_LOG_LINES];
    int log_head, log_count;
    int64_t downtime_start_mono_ms; /* the application frozen; 0 = not yet */
    int64_t downtime_end_mono_ms;   /* it can write again; 0 = still down */
    bool downtime_marked; /* the engine's marks decide (recordings before them: the steps) */
    int64_t events_folded;
    int cols, rows; /* the latest recorded terminal size */
} Model;

void Model_init(Model *m, const char *plan_name, int64_t start_wall_ms);

/* Folds one event into the model. */
void Model_fold(Model *m, const Event *ev);

/* Moves the model's clock without an event (the UI's tick, replay's cursor). */
void Model_tick(Model *m, int64_t wall_ms, int64_t mono_ms);

/* The series for key, or NULL when no sample has arrived. */
const Series *Model_series(const Model *m, const char *key);

/* The downtime predicted before the freeze: the window's steps as
 * rehearsed (downtime.rehearsed_steps_ms) plus the drain estimate, the
 * larger of the heartbeat lag and the backlog's drain time (< 0: unknown,
 * left out). */
int64_t Model_predict_downtime_ms(int64_t steps_ms, double lag_s, double drain_s);

/* Age of a series' latest figure in ms (INT64_MAX when none). */
int64_t Model_age_ms(const Model *m, const Series *s);

/* p50/p95/max and count over samples newer than window_ms. Returns count. */
typedef struct WindowStats {
    int count;
    double p50, p95, max, mean;
} WindowStats;
int Model_window_stats(const Model *m, const Series *s, int64_t window_ms, WindowStats *out);

/* Buckets the series into n columns covering window_ms up to now (the max of
 * each bucket; NaN where no sample fell). Returns the largest value seen. */
double Model_buckets(const Model *m, const Series *s, int64_t window_ms, double *out, int n);

const ProbeHealth *Model_probe(const Model *m, const char *name);
const ActiveAlarm *Model_alarm(const Model *m, const char *key);

/* The i-th newest log line (0 = newest), or NULL. */
const LogLine *Model_log_line(const Model *m, int i);

/* The running downtime in ms (0 before maintenance on). */
int64_t Model_downtime_ms(const Model *m);

/* The step running or waiting now, or NULL. */
const StepView *Model_current_step(const Model *m);

/* The failed step while the point of no return is crossed and nothing is
 * being rolled back: the run holds and a person must act. NULL otherwise. */
const StepView *Model_held_step(const Model *m);

/* True when the plan's step id ("stop-replication") has run to done. */
bool Model_step_done(const Model *m, const char *id);

#endif
