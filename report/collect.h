/* What the report says about a session, gathered with replay's reader and
 * index: the header, each step's run (from the index's kept events, which
 * hold every non-sample event), the downtime window, the charted metrics in
 * columns (one pass over the samples; a second, short one through the index
 * for the close-up of the cutover), and the audit chain's verdict. */
#ifndef CUTOVER_REPORT_COLLECT_H
#define CUTOVER_REPORT_COLLECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "replay/index.h"
#include "replay/reader.h"
#include "report/series.h"

#define REPORT_MAX_STEPS   32
#define REPORT_CHARTS      3
#define REPORT_CHART_LINES 3
#define REPORT_COLUMNS     540 /* one per two pixels of the plot */

typedef struct ReportStep {
    char id[EVENT_KEY_MAX];
    char title[64];
    int index;
    int state;   /* the last state recorded */
    int outcome; /* how the run ended: done, failed or skipped (before any rollback) */
    char detail[EVENT_TEXT_MAX];
    int64_t start_wall_ms, start_mono_ms;       /* first started running; 0 never */
    int64_t end_wall_ms, end_mono_ms;           /* done, failed or skipped; 0 not */
    int64_t rb_start_wall_ms, rb_start_mono_ms; /* rolling back began */
    int64_t rb_end_wall_ms, rb_end_mono_ms;     /* rolled back */
} ReportStep;

typedef struct ReportWindow {
    bool present, open; /* open: no end before the recording stops */
    int64_t start_wall_ms, start_mono_ms;
    int64_t end_wall_ms, end_mono_ms;
} ReportWindow;

/* One line on a chart: a metric key and what to call it. */
typedef struct ChartLine {
    const char *key;
    const char *label;
} ChartLine;

typedef struct ChartSpec {
    const char *title;
    const char *unit;
    ChartLine lines[REPORT_CHART_LINES];
} ChartSpec;

typedef struct ReportChart {
    const ChartSpec *spec;
    ColumnSeries night[REPORT_CHART_LINES];
    ColumnSeries closeup[REPORT_CHART_LINES];
} ReportChart;

typedef enum {
    AUDIT_ABSENT = -1,
    AUDIT_INTACT = 0,
    AUDIT_BROKEN = 1,
    AUDIT_UNREADABLE = 2,
} AuditVerdict;

typedef struct ReportAudit {
    AuditVerdict verdict;
    char path[1024];
    long records;
    long bad_line;
    char message[512];
} ReportAudit;

typedef struct Report {
    char path[1024];
    SessionHeader header;
    SessionIndex index;
    ReportStep steps[REPORT_MAX_STEPS];
    int nsteps;
    ReportWindow downtime;
    /* The downtime predicted at the freeze (a plan with a rehearsal): the
     * rehearsed steps and the last lag and drain figures before it began. */
    struct {
        bool present;
        int64_t steps_ms;
        double lag_s, drain_s; /* -1: none recorded */
    } predicted;
    bool downtime_marked; /* the engine's downtime marks decide (older recordings: the steps) */
    ReportWindow point;   /* the point of no return: start = crossed (present when it was) */
    ReportWindow cutover; /* the steps' span, for the close-up */
    bool has_closeup;     /* the cutover is short against the night */
    int64_t closeup_from_ms, closeup_to_ms;
    ReportChart charts[REPORT_CHARTS];
    ReportAudit audit;
    int64_t last_mono_ms; /* the latest monotonic time recorded */
    char problems[512];   /* what the reader found wrong ("" when nothing) */
} Report;

/* The charts the report draws, in order. */
extern const ChartSpec Report_chart_specs[REPORT_CHARTS];

/* Reads the session at path; audit_path NULL: SLUG.audit.jsonl next to it.
 * 0, or -1 with a message naming the file and what is wrong in err. */
int Report_collect(Report *rep, const char *path, const char *audit_path, char *err,
                   size_t errsize);
void Report_free(Report *rep);

/* The audit log that belongs to a session file: the same directory,
 * SLUG.audit.jsonl for SLUG-YYYYMMDDTHHMMSSZ[-N].session.jsonl. 0, or -1
 * when the name is not a recording's. */
int Report_audit_path(const char *session_path, char *out, size_t size);

/* The step with this id, or NULL. */
const ReportStep *Report_step(const Report *rep, const char *id);

#endif
