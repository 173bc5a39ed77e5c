#include "report/collect.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "session/step_state.h"
#include "session/metrics.h"
#include "replay/index_file.h"
#include "replay/quickscan.h"
#include "session/audit.h"
#include "session/event_json.h"

const ChartSpec Report_chart_specs[REPORT_CHARTS] = {
    {.title = "Replication lag",
     .unit = "s",
     .lines = {{M_LAG_HEARTBEAT_S, "heartbeat (fence-grade)"},
               {M_LAG_REPLICA_S, "Seconds_Behind_Master"},
               {M_LAG_DMS_S, "DMS CDC latency"}}},
    {.title = "Change events per second",
     .unit = "rows/s",
     .lines = {{M_CDC_SOURCE_ROWS_PS, "source (written)"},
               {M_CDC_TARGET_ROWS_PS, "target (applied)"}}},
    {.title = "Endpoint latency",
     .unit = "ms",
     .lines = {{M_EP_QUERY_MS, "SELECT 1 round trip"}, {M_EP_CONNECT_MS, "TCP connect"}}},
};

/* A close-up of the cutover is drawn when its steps take less than this
 * share of the night (else the night's charts show them well enough). */
#define REPORT_CLOSEUP_SHARE     0.4
#define REPORT_CLOSEUP_MARGIN_MS 20000

static ReportStep *Report_step_get(Report *rep, const Event *ev)
{
    for (int i = 0; i < rep->nsteps; i++)
        if (strcmp(rep->steps[i].id, ev->key) == 0)
            return &rep->steps[i];
    if (rep->nsteps == REPORT_MAX_STEPS)
        return NULL;
    ReportStep *s = &rep->steps[rep->nsteps++];
    memset(s, 0, sizeof *s);
    Event_copy_field(s->id, sizeof s->id, ev->key);
    Event_copy_field(s->title, sizeof s->title, ev->key);
    s->index = (int)ev->value;
    return s;
}

const ReportStep *Report_step(const Report *rep, const char *id)
{
    for (int i = 0; i < rep->nsteps; i++)
        if (strcmp(rep->steps[i].id, id) == 0)
            return &rep->steps[i];
    return NULL;
}

static void Report_window_mark(ReportWindow *w, const Event *ev, bool start)
{
    if (start) {
        w->present = true;
        w->start_wall_ms = ev->wall_ms;
        w->start_mono_ms = ev->mono_ms;
        w->end_wall_ms = w->end_mono_ms = 0;
    } else {
        w->end_wall_ms = ev->wall_ms;
        w->end_mono_ms = ev->mono_ms;
    }
}

/* Recordings made before the engine posted its downtime marks: from
 * maintenance on to maintenance off, or to the undoing of maintenance on in
 * a rollback. */
static void Report_track_downtime(Report *rep, const ReportStep *s, const Event *ev)
{
    ReportWindow *w = &rep->downtime;
    if (rep->downtime_marked)
        return;
    bool on = strcmp(s->id, "maintenance-on") == 0;
    if (on && ev->state == STEP_RUNNING && !w->present)
        Report_window_mark(w, ev, true);
    else if (w->present && !w->end_wall_ms &&
             ((on && ev->state == STEP_ROLLED_BACK) ||
              (strcmp(s->id, "maintenance-off") == 0 && ev->state == STEP_DONE)))
        Report_window_mark(w, ev, false);
}

/* The engine's window (STEP_DOWNTIME_ID): the only rule. */
static void Report_downtime_mark(Report *rep, const Event *ev)
{
    ReportWindow *w = &rep->downtime;
    if (!rep->downtime_marked) {
        rep->downtime_marked = true;
        memset(w, 0, sizeof *w); /* what the steps' rule found first */
    }
    if (ev->state == STEP_RUNNING && (!w->present || w->end_wall_ms))
        Report_window_mark(w, ev, true);
    else if (ev->state == STEP_DONE && w->present && !w->end_wall_ms) {
        Report_window_mark(w, ev, false);
        if (ev->value2 > 0) { /* the engine's figure, as the screen shows it */
            w->end_mono_ms = w->start_mono_ms + (int64_t)ev->value2;
            w->end_wall_ms = w->start_wall_ms + (int64_t)ev->value2;
        }
    }
}

static void Report_step_event(Report *rep, const Event *ev)
{
    if (strcmp(ev->key, STEP_DOWNTIME_ID) == 0) {
        Report_downtime_mark(rep, ev);
        return;
    }
    if (strcmp(ev->key, STEP_POINT_ID) == 0) {
        if (ev->state == STEP_DONE && !rep->point.present)
            Report_window_mark(&rep->point, ev, true);
        return; /* a mark between steps, not a step */
    }
    ReportStep *s = Report_step_get(rep, ev);
    if (!s)
        return;
    if (ev->state == STEP_PENDING) {
        if (ev->text[0])
            Event_copy_field(s->title, sizeof s->title, ev->text);
        return;
    }
    if (ev->state == STEP_RUNNING && !s->start_wall_ms) {
        s->start_wall_ms = ev->wall_ms;
        s->start_mono_ms = ev->mono_ms;
    } else if (ev->state == STEP_ROLLING_BACK && !s->rb_start_wall_ms) {
        s->rb_start_wall_ms = ev->wall_ms;
        s->rb_start_mono_ms = ev->mono_ms;
    } else if (ev->state == STEP_ROLLED_BACK) {
        s->rb_end_wall_ms = ev->wall_ms;
        s->rb_end_mono_ms = ev->mono_ms;
    } else if (ev->state == STEP_DONE || ev->state == STEP_FAILED || ev->state == STEP_SKIPPED) {
        s->end_wall_ms = ev->wall_ms;
        s->end_mono_ms = ev->mono_ms;
        s->outcome = ev->state;
    }
    s->state = ev->state;
    Event_copy_field(s->detail, sizeof s->detail, ev->text);
    Report_track_downtime(rep, s, ev);
    ReportWindow *c = &rep->cutover;
    if (!c->present || ev->wall_ms < c->start_wall_ms)
        Report_window_mark(c, ev, true);
    if (ev->wall_ms > c->end_wall_ms)
        Report_window_mark(c, ev, false);
}

static void Report_steps(Report *rep)
{
    memset(&rep->cutover, 0, sizeof rep->cutover);
    memset(&rep->point, 0, sizeof rep->point);
    for (size_t i = 0; i < rep->index.nkept; i++)
        if (rep->index.kept[i].ev.kind == EVENT_STEP)
            Report_step_event(rep, &rep->index.kept[i].ev);
    if (rep->downtime.present && !rep->downtime.end_wall_ms) {
        rep->downtime.open = true;
        rep->downtime.end_wall_ms = rep->index.last_ms;
    }
}

static int Report_charts_init(Report *rep)
{
    int64_t from = rep->index.first_ms, to = rep->index.last_ms;
    const ReportWindow *c = &rep->cutover;
    int64_t span = c->end_wall_ms - c->start_wall_ms, night = to - from;
    rep->has_closeup = c->present && span + 2 * REPORT_CLOSEUP_MARGIN_MS <
                                         (int64_t)(REPORT_CLOSEUP_SHARE * (double)night);
    rep->closeup_from_ms = c->start_wall_ms - REPORT_CLOSEUP_MARGIN_MS;
    rep->closeup_to_ms = c->end_wall_ms + REPORT_CLOSEUP_MARGIN_MS;
    for (int i = 0; i < REPORT_CHARTS; i++) {
        ReportChart *ch = &rep->charts[i];
        ch->spec = &Report_chart_specs[i];
        for (int j = 0; j < REPORT_CHART_LINES; j++)
            if (ColumnSeries_init(&ch->night[j], from, to, REPORT_COLUMNS) != 0 ||
                ColumnSeries_init(&ch->closeup[j], rep->closeup_from_ms, rep->closeup_to_ms,
                                  REPORT_COLUMNS) != 0)
                return -1;
    }
    return 0;
}

/* The chart line a sample key belongs to, as chart * lines + line, or -1. */
static int Report_chart_line(const char *key, size_t len)
{
    for (int i = 0; i < REPORT_CHARTS; i++)
        for (int j = 0; j < REPORT_CHART_LINES; j++) {
            const char *k = Report_chart_specs[i].lines[j].key;
            if (k && strlen(k) == len && memcmp(k, key, len) == 0)
                return i * REPORT_CHART_LINES + j;
        }
    return -1;
}

/* A charted sample: its chart line (chart * lines + line), time and value. */
typedef struct ChartSample {
    int which;
    int64_t wall_ms;
    double value;
} ChartSample;

/* The recorder writes "v" right after the key, and QuickScan checked it is a
 * number there: read it without json-c (most of a long night's lines are
 * samples). False when the line has another shape. */
static bool Report_quick_value(const QuickEvent *q, const char *line, size_t len, double *v)
{
    const char *p = q->key + q->key_len + 1; /* past the key's closing quote */
    if (p + 5 >= line + len || memcmp(p, ",\"v\":", 5) != 0)
        return false;
    char *end;
    *v = strtod(p + 5, &end);
    return end != p + 5;
}

static bool Report_key_is(const char *key, size_t key_len, const char *want)
{
    return key_len == strlen(want) && memcmp(key, want, key_len) == 0;
}

/* The figures the prediction was made of, as they stood when the downtime
 * began (every one before it; none after). */
static void Report_track_prediction(Report *rep, const char *key, size_t key_len, int64_t wall_ms,
                                    double v)
{
    if (!rep->downtime.present || wall_ms >= rep->downtime.start_wall_ms)
        return;
    if (Report_key_is(key, key_len, M_DOWNTIME_REHEARSED_MS)) {
        rep->predicted.present = true;
        rep->predicted.steps_ms = (int64_t)v;
    } else if (Report_key_is(key, key_len, M_LAG_HEARTBEAT_S)) {
        rep->predicted.lag_s = v;
    } else if (Report_key_is(key, key_len, M_CDC_DRAIN_S)) {
        rep->predicted.drain_s = v;
    }
}

/* Whether the line is a sample of a charted key (out filled). Only the quick
 * look at every line; a full parse for lines of another shape. */
static bool Report_sample(Report *rep, const char *line, size_t len, ChartSample *out)
{
    QuickEvent q;
    Event ev;
    if (QuickScan_line(line, len, &q)) {
        if (q.mono_ms > rep->last_mono_ms)
            rep->last_mono_ms = q.mono_ms;
        if (q.kind != EVENT_SAMPLE || !q.has_value)
            return false;
        bool quick = Report_quick_value(&q, line, len, &out->value);
        if (quick)
            Report_track_prediction(rep, q.key, q.key_len, q.wall_ms, out->value);
        if ((out->which = Report_chart_line(q.key, q.key_len)) < 0)
            return false;
        out->wall_ms = q.wall_ms;
        if (quick)
            return SessionReader_times_ok(q.wall_ms, q.mono_ms);
    }
    if (EventJson_parse(line, &ev, NULL, 0) != 0 || !SessionReader_times_ok(ev.wall_ms, ev.mono_ms))
        return false;
    if (ev.mono_ms > rep->last_mono_ms)
        rep->last_mono_ms = ev.mono_ms;
    if (ev.kind != EVENT_SAMPLE || !ev.has_value)
        return false;
    Report_track_prediction(rep, ev.key, strlen(ev.key), ev.wall_ms, ev.value);
    if ((out->which = Report_chart_line(ev.key, strlen(ev.key))) < 0)
        return false;
    out->wall_ms = ev.wall_ms;
    out->value = ev.value;
    return true;
}

/* Folds the lines from the reader's position on into the charts until a
 * sample lies past until_ms. closeup: into the close-up columns. */
static int Report_read_samples(Report *rep, SessionReader *r, bool closeup, int64_t until_ms)
{
    const char *line;
    size_t len;
    ReaderStatus st;
    while ((st = SessionReader_line(r, &line, &len)) == READER_LINE) {
        ChartSample cs;
        if (!Report_sample(rep, line, len, &cs))
            continue;
        if (cs.wall_ms > until_ms)
            break;
        ReportChart *ch = &rep->charts[cs.which / REPORT_CHART_LINES];
        ColumnSeries *s = closeup ? ch->closeup : ch->night;
        ColumnSeries_add(&s[cs.which % REPORT_CHART_LINES], cs.wall_ms, cs.value);
    }
    return st == READER_ERROR ? -1 : 0;
}

static int Report_charts(Report *rep, SessionReader *r, int64_t first_offset, char *err,
                         size_t errsize)
{
    if (Report_charts_init(rep) != 0) {
        snprintf(err, errsize, "%s: out of memory", rep->path);
        return -1;
    }
    int rc = SessionReader_seek(r, first_offset, 2);
    if (rc == 0)
        rc = Report_read_samples(rep, r, false, INT64_MAX);
    if (rc == 0 && rep->has_closeup) {
        /* The index's keyframe a little before the close-up: no second
         * reading of the night. */
        const Keyframe *kf = SessionIndex_keyframe_for(&rep->index, rep->closeup_from_ms);
        rc = kf ? SessionReader_seek(r, kf->offset, kf->line)
                : SessionReader_seek(r, first_offset, 2);
        if (rc == 0)
            rc = Report_read_samples(rep, r, true, rep->closeup_to_ms);
    }
    if (rc != 0)
        snprintf(err, errsize, "%s", SessionReader_error(r));
    return rc;
}

static bool Report_stamp_at(const char *s)
{
    static const char shape[] = "ddddddddTddddddZ";
    for (size_t i = 0; shape[i]; i++) {
        if (!s[i])
            return false;
        if (shape[i] == 'd' ? !isdigit((unsigned char)s[i]) : s[i] != shape[i])
            return false;
    }
    return true;
}

int Report_audit_path(const char *session_path, char *out, size_t size)
{
    static const char suffix[] = ".session.jsonl";
    size_t n = strlen(session_path), sl = sizeof suffix - 1;
    if (n <= sl || strcmp(session_path + n - sl, suffix) != 0)
        return -1;
    /* SLUG-YYYYMMDDTHHMMSSZ then nothing or -N: find the stamp from the end. */
    for (size_t i = n - sl; i-- > 0;) {
        if (session_path[i] != '-' || !Report_stamp_at(session_path + i + 1))
            continue;
        const char *rest = session_path + i + 17;
        size_t restlen = (size_t)(session_path + n - sl - rest);
        bool ok = restlen == 0 ||
                  (rest[0] == '-' && restlen > 1 && strspn(rest + 1, "0123456789") == restlen - 1);
        if (!ok || i == 0 || session_path[i - 1] == '/')
            return -1;
        int w = snprintf(out, size, "%.*s.audit.jsonl", (int)i, session_path);
        return w > 0 && (size_t)w < size ? 0 : -1;
    }
    return -1;
}

static int Report_count_record(const AuditRecord *record, void *ctx)
{
    (void)record;
    (*(long *)ctx)++;
    return 0;
}

static void Report_audit(ReportAudit *a, const char *session_path, const char *audit_path)
{
    memset(a, 0, sizeof *a);
    a->verdict = AUDIT_ABSENT;
    if (audit_path)
        snprintf(a->path, sizeof a->path, "%s", audit_path);
    else if (Report_audit_path(session_path, a->path, sizeof a->path) != 0) {
        snprintf(a->message, sizeof a->message,
                 "the session file's name is not a recording's (SLUG-TIME.session.jsonl), so "
                 "its audit log cannot be found: give it with --audit FILE");
        return;
    }
    FILE *f = fopen(a->path, "r");
    if (!f) {
        snprintf(a->message, sizeof a->message, "no audit log at %s", a->path);
        return;
    }
    fclose(f);
    a->verdict = (AuditVerdict)Audit_verify(a->path, &a->bad_line, a->message, sizeof a->message);
    char err[256];
    if (a->verdict != AUDIT_UNREADABLE)
        Audit_read(a->path, Report_count_record, &a->records, err, sizeof err);
}

int Report_collect(Report *rep, const char *path, const char *audit_path, char *err, size_t errsize)
{
    memset(rep, 0, sizeof *rep);
    rep->predicted.lag_s = rep->predicted.drain_s = -1;
    snprintf(rep->path, sizeof rep->path, "%s", path);
    SessionReader *r = SessionReader_open(path, false, err, errsize);
    if (!r)
        return -1;
    rep->header = *SessionReader_header(r);
    int64_t first_offset = SessionReader_next_offset(r);
    int rc = SessionIndex_open(&rep->index, r, false, err, errsize);
    if (rc == 0) {
        SessionReader_problems(r, rep->problems, sizeof rep->problems);
        Report_steps(rep);
        rc = Report_charts(rep, r, first_offset, err, errsize);
    }
    SessionReader_close(r);
    if (rc == 0)
        Report_audit(&rep->audit, path, audit_path);
    return rc;
}

void Report_free(Report *rep)
{
    SessionIndex_free(&rep->index);
    for (int i = 0; i < REPORT_CHARTS; i++)
        for (int j = 0; j < REPORT_CHART_LINES; j++) {
            ColumnSeries_free(&rep->charts[i].night[j]);
            ColumnSeries_free(&rep->charts[i].closeup[j]);
        }
}
