#include "report/page.h"

#include <stdbool.h>
#include <string.h>

#include "model/model.h"
#include "session/step_state.h"
#include "report/chart.h"
#include "report/html.h"
#include "report/page_css.h"

static int64_t Page_since_start(const Report *rep, int64_t wall_ms)
{
    return wall_ms - rep->header.start_wall_ms;
}

static void Page_head(FILE *out, const Report *rep)
{
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
          "<title>Cutover report: ",
          out);
    Html_text(out, rep->header.plan);
    fputs(", ", out);
    Html_text(out, rep->header.start_utc);
    fputs("</title>\n<style>\n" PAGE_CSS "</style>\n</head>\n<body>\n<main>\n", out);
}

static void Page_meta_row(FILE *out, const char *key, const char *value)
{
    fprintf(out, "<dt>%s</dt><dd>", key);
    Html_text(out, value && value[0] ? value : "(not recorded)");
    fputs("</dd>\n", out);
}

static void Page_header(FILE *out, const Report *rep)
{
    const SessionHeader *h = &rep->header;
    fputs("<h1>Cutover report: ", out);
    Html_text(out, h->plan);
    fputs("</h1>\n<p class=\"sub\">Recorded by cutover ", out);
    Html_text(out, h->version);
    fputs(" from ", out);
    Html_utc(out, h->start_wall_ms);
    fputs(" to ", out);
    Html_utc(out, rep->index.last_ms);
    fputs(" UTC (", out);
    Html_duration(out, rep->last_mono_ms);
    fprintf(out, ", %lld events)</p>\n<dl class=\"meta\">\n", (long long)rep->index.events);
    Page_meta_row(out, "Plan", h->plan);
    Page_meta_row(out, "Plan SHA-256", h->plan_sha256);
    Page_meta_row(out, "Host", h->host);
    Page_meta_row(out, "Operator", h->operator_user);
    Page_meta_row(out, "Started (UTC)", h->start_utc);
    Page_meta_row(out, "Session file", rep->path);
    fputs("</dl>\n", out);
}

typedef struct Outcome {
    const char *text, *cls;
} Outcome;

static Outcome Page_outcome(const Report *rep)
{
    bool all_done = rep->nsteps > 0, any_started = false;
    bool rolled = false, failed = false;
    for (int i = 0; i < rep->nsteps; i++) {
        const ReportStep *s = &rep->steps[i];
        any_started |= s->start_wall_ms != 0;
        rolled |= s->state == STEP_ROLLED_BACK || s->state == STEP_ROLLING_BACK;
        failed |= s->outcome == STEP_FAILED;
        all_done &= s->state == STEP_DONE || s->state == STEP_SKIPPED;
    }
    if (all_done)
        return (Outcome){"completed", "ok"};
    if (rolled)
        return (Outcome){failed ? "failed, rolled back" : "rolled back", "bad"};
    if (failed)
        return (Outcome){"failed", "bad"};
    if (!any_started)
        return (Outcome){"not started", "muted"};
    return (Outcome){"incomplete", "warn"};
}

static long Page_count(const Report *rep, EventKind kind, int state)
{
    long n = 0;
    for (size_t i = 0; i < rep->index.nkept; i++)
        if (rep->index.kept[i].ev.kind == kind &&
            (state < 0 || rep->index.kept[i].ev.state == state))
            n++;
    return n;
}

/* Beside the actual downtime: what was predicted at the freeze. */
static void Page_predicted(FILE *out, const Report *rep)
{
    if (!rep->predicted.present)
        return;
    double lag = rep->predicted.lag_s, drain = rep->predicted.drain_s;
    fputs("<br>predicted ", out);
    Html_duration(out, Model_predict_downtime_ms(rep->predicted.steps_ms, lag, drain));
    fputs(" at the freeze: drain ", out);
    Html_duration(out, Model_predict_downtime_ms(0, lag, drain));
    fputs(" + rehearsed steps ", out);
    Html_duration(out, rep->predicted.steps_ms);
}

static void Page_cards(FILE *out, const Report *rep)
{
    Outcome o = Page_outcome(rep);
    const ReportWindow *d = &rep->downtime;
    fprintf(out,
            "<div class=\"cards\">\n<div class=\"card\"><div class=\"k\">Outcome</div>"
            "<div class=\"v %s\">%s</div><div class=\"d\">%d steps in the plan</div></div>\n",
            o.cls, o.text, rep->nsteps);
    fputs("<div class=\"card\"><div class=\"k\">Downtime</div><div class=\"v\">", out);
    if (d->present) {
        Html_duration(out, (d->open ? rep->last_mono_ms : d->end_mono_ms) - d->start_mono_ms);
        fputs("</div><div class=\"d\">from ", out);
        Html_utc(out, d->start_wall_ms);
        if (d->open) {
            fputs(", never ended", out);
        } else {
            fputs("<br>to ", out);
            Html_utc(out, d->end_wall_ms);
        }
        Page_predicted(out, rep);
    } else {
        fputs("none</div><div class=\"d\">maintenance was never turned on", out);
    }
    fputs("</div></div>\n", out);
    fputs("<div class=\"card\"><div class=\"k\">Point of no return</div><div class=\"v\">", out);
    if (rep->point.present) {
        fputs("crossed</div><div class=\"d\">at ", out);
        Html_utc(out, rep->point.start_wall_ms);
        fputs("<br>from there on the target may hold writes the source lacks", out);
    } else {
        fputs("not crossed</div><div class=\"d\">the application never reached the target", out);
    }
    fputs("</div></div>\n", out);
    fprintf(out,
            "<div class=\"card\"><div class=\"k\">Alarms raised</div><div class=\"v%s\">%ld</div>"
            "<div class=\"d\">%ld cleared</div></div>\n",
            Page_count(rep, EVENT_ALARM, 1) ? " warn" : "", Page_count(rep, EVENT_ALARM, 1),
            Page_count(rep, EVENT_ALARM, 0));
    fprintf(out,
            "<div class=\"card\"><div class=\"k\">Operator</div><div class=\"v\">%ld / %ld</div>"
            "<div class=\"d\">decisions / notes</div></div>\n</div>\n",
            Page_count(rep, EVENT_DECISION, -1), Page_count(rep, EVENT_NOTE, -1));
}

static void Page_audit(FILE *out, const Report *rep)
{
    const ReportAudit *a = &rep->audit;
    switch (a->verdict) {
    case AUDIT_INTACT:
        fprintf(out, "<div class=\"box ok\" id=\"audit\">&#10004; audit chain intact, %ld records",
                a->records);
        break;
    case AUDIT_BROKEN:
        fprintf(out,
                "<div class=\"box bad\" id=\"audit\">&#10008; audit chain broken at line %ld: ",
                a->bad_line);
        Html_text(out, a->message);
        break;
    case AUDIT_UNREADABLE:
        fputs("<div class=\"box bad\" id=\"audit\">&#10008; audit log unreadable: ", out);
        Html_text(out, a->message);
        break;
    default:
        fputs("<div class=\"box warn\" id=\"audit\">audit log absent: ", out);
        Html_text(out, a->message);
        break;
    }
    fputs("<div class=\"d\">", out);
    if (a->path[0]) {
        fputs("Audit log: ", out);
        Html_text(out, a->path);
        fputs(" (checked with the hash chain, as <code>cutover verify</code> does)", out);
    }
    fputs("</div></div>\n", out);
    if (rep->problems[0]) {
        fputs("<div class=\"box warn\">The session file is damaged: ", out);
        Html_text(out, rep->problems);
        fputs("<div class=\"d\">Everything readable is in this report.</div></div>\n", out);
    }
}

static void Page_state(FILE *out, int state)
{
    const char *name = StepState_name((StepState)state);
    fprintf(out, "<span class=\"state %s\">%s</span>", name ? name : "", name ? name : "?");
}

static void Page_time_cells(FILE *out, const Report *rep, int64_t wall_ms)
{
    fputs("<td class=\"t\">", out);
    if (wall_ms) {
        Html_utc(out, wall_ms);
        fputs("</td><td class=\"t\">", out);
        Html_offset(out, Page_since_start(rep, wall_ms));
    } else {
        fputs("&ndash;</td><td class=\"t\">", out);
    }
    fputs("</td>", out);
}

static void Page_step_row(FILE *out, const Report *rep, const ReportStep *s, int number)
{
    bool down = rep->downtime.present && s->start_wall_ms >= rep->downtime.start_wall_ms &&
                s->start_wall_ms <= rep->downtime.end_wall_ms;
    fprintf(out, "<tr%s><td class=\"n\">%d</td><td>", down ? " class=\"down\"" : "", number);
    Html_text(out, s->title);
    fputs("<br><span class=\"muted id\">", out);
    Html_text(out, s->id);
    fputs("</span></td>", out);
    Page_time_cells(out, rep, s->start_wall_ms);
    fputs("<td class=\"t\">", out);
    if (s->end_wall_ms)
        Html_utc(out, s->end_wall_ms);
    fputs("</td><td class=\"n\">", out);
    if (s->end_wall_ms)
        Html_duration(out, s->end_mono_ms - s->start_mono_ms);
    fputs("</td><td>", out);
    Page_state(out, s->state);
    fputs("</td><td>", out);
    Html_text(out, s->detail);
    if (s->rb_start_wall_ms) {
        fputs("<br><span class=\"warn\">rolled back from ", out);
        Html_utc(out, s->rb_start_wall_ms);
        if (s->rb_end_wall_ms) {
            fputs(" in ", out);
            Html_duration(out, s->rb_end_mono_ms - s->rb_start_mono_ms);
        }
        fputs("</span>", out);
    }
    fputs("</td></tr>\n", out);
}

/* The line above the step where the point of no return was crossed. */
static void Page_point_row(FILE *out, const Report *rep)
{
    fputs("<tr class=\"point\"><td></td><td colspan=\"7\"><b>Point of no return</b>, crossed ",
          out);
    Html_utc(out, rep->point.start_wall_ms);
    fputs(": from here the application could write to the target; a failure after it held "
          "instead of rolling back</td></tr>\n",
          out);
}

static void Page_timeline(FILE *out, const Report *rep)
{
    fputs("<h2 id=\"timeline\">Timeline of the steps</h2>\n", out);
    int order[REPORT_MAX_STEPS];
    int n = Chart_step_order(rep, order, REPORT_MAX_STEPS);
    if (n == 0) {
        fputs("<p class=\"muted\">No step ran in this session.</p>\n", out);
        return;
    }
    fputs("<div class=\"legend\"><span><i style=\"background:#22c55e;height:10px\"></i>done</span>"
          "<span><i style=\"background:#ef4444;height:10px\"></i>failed</span>"
          "<span><i style=\"background:#fb923c;height:10px\"></i>rolling back</span>"
          "<span><i class=\"dt\"></i>downtime (maintenance on &rarr; off)</span></div>\n",
          out);
    Chart_timeline_svg(out, rep, rep->last_mono_ms);
    fputs("<table class=\"steps\">\n<tr><th>#</th><th>Step</th><th>Started (UTC)</th><th>Since "
          "start</th><th>Ended (UTC)</th><th>Duration</th><th>State</th><th>Detail</th></tr>\n",
          out);
    bool point_shown = !rep->point.present;
    for (int i = 0; i < n; i++) {
        const ReportStep *s = &rep->steps[order[i]];
        if (!point_shown && s->start_wall_ms >= rep->point.start_wall_ms) {
            Page_point_row(out, rep);
            point_shown = true;
        }
        Page_step_row(out, rep, s, i + 1);
    }
    if (!point_shown)
        Page_point_row(out, rep);
    for (int i = 0; i < rep->nsteps; i++)
        if (!rep->steps[i].start_wall_ms) {
            fputs("<tr><td></td><td>", out);
            Html_text(out, rep->steps[i].title);
            fputs("<br><span class=\"muted id\">", out);
            Html_text(out, rep->steps[i].id);
            fputs("</span></td><td colspan=\"4\" class=\"muted\">never ran</td><td>", out);
            Page_state(out, rep->steps[i].state);
            fputs("</td><td></td></tr>\n", out);
        }
    fputs("</table>\n", out);
}

static void Page_legend(FILE *out, const ReportChart *ch, bool closeup)
{
    fputs("<div class=\"legend\">", out);
    for (int j = 0; j < REPORT_CHART_LINES; j++) {
        const ColumnSeries *s = closeup ? &ch->closeup[j] : &ch->night[j];
        if (!ch->spec->lines[j].key || s->samples == 0)
            continue;
        fprintf(out, "<span><i style=\"background:%s\"></i>", Chart_color(j));
        Html_text(out, ch->spec->lines[j].label);
        fprintf(out, " <span class=\"muted\">(%s, peak %.4g %s)</span></span>",
                ch->spec->lines[j].key, s->max, ch->spec->unit);
    }
    fputs("<span><i class=\"dt\"></i>downtime</span>"
          "<span class=\"muted\">dashed lines: steps starting (numbers as in the timeline)</span>"
          "</div>\n",
          out);
}

static bool Page_chart_has_data(const ReportChart *ch, bool closeup)
{
    for (int j = 0; j < REPORT_CHART_LINES; j++)
        if ((closeup ? ch->closeup[j] : ch->night[j]).samples)
            return true;
    return false;
}

static void Page_charts(FILE *out, const Report *rep, bool closeup)
{
    if (closeup) {
        fputs("<h2 id=\"closeup\">The cutover up close</h2>\n<p class=\"sub\">", out);
        Html_utc(out, rep->closeup_from_ms);
        fputs(" to ", out);
        Html_utc(out, rep->closeup_to_ms);
        fputs(" UTC: the steps with 20 s either side.</p>\n", out);
    } else {
        fputs("<h2 id=\"charts\">The whole session</h2>\n", out);
    }
    for (int i = 0; i < REPORT_CHARTS; i++) {
        const ReportChart *ch = &rep->charts[i];
        fputs("<h3>", out);
        Html_text(out, ch->spec->title);
        fputs("</h3>\n", out);
        if (!Page_chart_has_data(ch, closeup)) {
            fputs("<p class=\"muted\">No samples of this figure were recorded here.</p>\n", out);
            continue;
        }
        Page_legend(out, ch, closeup);
        Chart_svg(out, rep, ch, closeup);
    }
}

static bool Page_more(FILE *out, long shown, long total)
{
    if (shown < PAGE_MAX_ROWS)
        return false;
    fprintf(out, "</table><p class=\"more\">and %ld more (cutover replay shows them all)</p>",
            total - shown);
    return true;
}

typedef bool (*KeptFilter)(const Event *ev);

static long Page_total(const Report *rep, KeptFilter keep)
{
    long n = 0;
    for (size_t i = 0; i < rep->index.nkept; i++)
        n += keep(&rep->index.kept[i].ev);
    return n;
}

static bool Page_is_alarm(const Event *ev)
{
    return ev->kind == EVENT_ALARM;
}

static bool Page_is_operator(const Event *ev)
{
    return ev->kind == EVENT_DECISION || ev->kind == EVENT_NOTE;
}

static bool Page_is_transition(const Event *ev)
{
    return ev->kind == EVENT_STEP && ev->state != STEP_PENDING;
}

static bool Page_is_trouble(const Event *ev)
{
    return (ev->kind == EVENT_LOG && ev->state >= LOG_WARN) ||
           (ev->kind == EVENT_HEALTH && ev->state >= 2 /* stale or error */);
}

/* When the alarm on key raised before index i was raised (0: not found). */
static int64_t Page_raised_at(const Report *rep, size_t i, const char *key, int64_t *mono)
{
    while (i-- > 0) {
        const Event *ev = &rep->index.kept[i].ev;
        if (ev->kind == EVENT_ALARM && strcmp(ev->key, key) == 0) {
            *mono = ev->mono_ms;
            return ev->state ? ev->wall_ms : 0;
        }
    }
    return 0;
}

static void Page_alarm_row(FILE *out, const Report *rep, size_t i)
{
    const Event *ev = &rep->index.kept[i].ev;
    fputs("<tr>", out);
    Page_time_cells(out, rep, ev->wall_ms);
    fputs("<td class=\"t\">", out);
    Html_text(out, ev->key);
    fprintf(out, "</td><td class=\"%s\">%s</td><td>", ev->state ? "bad" : "ok",
            ev->state ? "raised" : "cleared");
    Html_text(out, ev->text);
    fputs("</td><td class=\"n\">", out);
    int64_t mono = 0;
    if (!ev->state && Page_raised_at(rep, i, ev->key, &mono))
        Html_duration(out, ev->mono_ms - mono);
    fputs("</td></tr>\n", out);
}

/* One table of the kept events that pass keep, a row each, at most
 * PAGE_MAX_ROWS of them; a muted paragraph when none does. */
typedef struct PageTable {
    KeptFilter keep;
    const char *empty;  /* the paragraph's text */
    const char *header; /* the <th> cells */
    void (*row)(FILE *out, const Report *rep, size_t i);
} PageTable;

static void Page_table(FILE *out, const Report *rep, const PageTable *t)
{
    long total = Page_total(rep, t->keep), shown = 0;
    if (total == 0) {
        fprintf(out, "<p class=\"muted\">%s</p>\n", t->empty);
        return;
    }
    fprintf(out, "<table>\n<tr>%s</tr>\n", t->header);
    for (size_t i = 0; i < rep->index.nkept; i++) {
        if (!t->keep(&rep->index.kept[i].ev))
            continue;
        if (Page_more(out, shown++, total))
            return;
        t->row(out, rep, i);
    }
    fputs("</table>\n", out);
}

static void Page_alarms(FILE *out, const Report *rep)
{
    static const PageTable t = {
        .keep = Page_is_alarm,
        .empty = "No alarm was raised.",
        .header = "<th>Time (UTC)</th><th>Since start</th><th>Metric</th><th></th><th>Why</th>"
                  "<th>Lasted</th>",
        .row = Page_alarm_row};
    fputs("<h2 id=\"alarms\">Alarms</h2>\n", out);
    Page_table(out, rep, &t);
}

static void Page_operator_row(FILE *out, const Report *rep, size_t i)
{
    const Event *ev = &rep->index.kept[i].ev;
    fputs("<tr>", out);
    Page_time_cells(out, rep, ev->wall_ms);
    fputs("<td>", out);
    Html_text(out, rep->header.operator_user);
    fputs("</td><td>", out);
    if (ev->kind == EVENT_NOTE)
        fputs("note", out);
    else
        Html_textf(out, "decision: %s", ev->key);
    fputs("</td><td class=\"note\">", out);
    Html_text(out, ev->text);
    fputs("</td></tr>\n", out);
}

static void Page_operator(FILE *out, const Report *rep)
{
    static const PageTable t = {
        .keep = Page_is_operator,
        .empty = "No decision or note was recorded (a headless run is confirmed in advance on "
                 "its command line).",
        .header = "<th>Time (UTC)</th><th>Since start</th><th>Who</th><th>What</th><th>Text</th>",
        .row = Page_operator_row};
    fputs("<h2 id=\"operator\">Operator decisions and notes</h2>\n", out);
    Page_table(out, rep, &t);
}

/* A step transition, or a warning, error or probe trouble. */
static void Page_event_row(FILE *out, const Report *rep, size_t i)
{
    const Event *ev = &rep->index.kept[i].ev;
    fputs("<tr>", out);
    Page_time_cells(out, rep, ev->wall_ms);
    fputs("<td>", out);
    Html_text(out, ev->key);
    fputs("</td><td>", out);
    if (ev->kind == EVENT_STEP)
        Page_state(out, ev->state);
    else if (ev->kind == EVENT_HEALTH)
        fputs(ev->state == 2 ? "<span class=\"warn\">stale</span>"
                             : "<span class=\"bad\">error</span>",
              out);
    else
        fputs(ev->state >= LOG_ERROR ? "<span class=\"bad\">error</span>"
                                     : "<span class=\"warn\">warning</span>",
              out);
    fputs("</td><td>", out);
    Html_text(out, ev->text);
    fputs("</td></tr>\n", out);
}

static void Page_event_list(FILE *out, const Report *rep, KeptFilter keep, const char *empty)
{
    const PageTable t = {
        .keep = keep,
        .empty = empty,
        .header =
            "<th>Time (UTC)</th><th>Since start</th><th>Source</th><th>State</th><th>Text</th>",
        .row = Page_event_row};
    Page_table(out, rep, &t);
}

static void Page_footer(FILE *out, const Report *rep)
{
    fputs("<footer>Times are UTC with milliseconds as recorded; durations come from the "
          "monotonic clock. Charts keep each column's minimum and maximum, so no spike is lost "
          "to downsampling. To see what the operator saw at any moment: <code>cutover replay "
          "--snapshot TIME ",
          out);
    Html_text(out, rep->path);
    fputs("</code>.</footer>\n</main>\n</body>\n</html>\n", out);
}

int Page_write(FILE *out, const Report *rep)
{
    Page_head(out, rep);
    Page_header(out, rep);
    Page_cards(out, rep);
    Page_audit(out, rep);
    Page_timeline(out, rep);
    if (rep->has_closeup)
        Page_charts(out, rep, true);
    Page_charts(out, rep, false);
    Page_alarms(out, rep);
    Page_operator(out, rep);
    fputs("<h2 id=\"transitions\">Every step transition</h2>\n", out);
    Page_event_list(out, rep, Page_is_transition, "No step transition was recorded.");
    fputs("<h2 id=\"trouble\">Warnings, errors and probe trouble</h2>\n", out);
    Page_event_list(out, rep, Page_is_trouble, "No warning, error or probe trouble was recorded.");
    Page_footer(out, rep);
    return ferror(out) ? -1 : 0;
}
