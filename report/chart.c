#include "report/chart.h"

#include <math.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "session/step_state.h"
#include "report/html.h"

#define PLOT_LEFT    66
#define PLOT_RIGHT   18
#define PLOT_TOP     44
#define PLOT_BOTTOM  28
#define LABEL_ROWS   3
#define LABEL_ROW_H  12
#define LABEL_CHAR_W 6.4
#define MARKER_MERGE 5.0   /* markers closer than this (px) share one label */
#define GAP_MIN_MS   10000 /* a pause in a metric longer than this breaks its line */
#define MAX_MARKERS  REPORT_MAX_STEPS

typedef struct Frame {
    int64_t from_ms, to_ms;
    double lo, hi, step; /* the value axis and its tick spacing */
    double left, top, width, height;
} Frame;

typedef struct Marker {
    double x;
    int first, last; /* step numbers */
    const ReportStep *step;
    int row;
    double label_x0, label_x1;
} Marker;

static const char *const line_colors[REPORT_CHART_LINES] = {"#1d4ed8", "#d97706", "#059669"};

const char *Chart_color(int line)
{
    return line_colors[line % REPORT_CHART_LINES];
}

static double Frame_x(const Frame *f, int64_t t)
{
    double share = (double)(t - f->from_ms) / (double)(f->to_ms - f->from_ms);
    return f->left + (share < 0 ? 0 : share > 1 ? 1 : share) * f->width;
}

static double Frame_y(const Frame *f, double v)
{
    return f->top + f->height - (v - f->lo) / (f->hi - f->lo) * f->height;
}

/* 1, 2 or 5 times a power of ten, at least raw. */
static double Chart_nice(double raw)
{
    double p = pow(10, floor(log10(raw)));
    double m = raw / p;
    return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
}

static void Chart_range(const ReportChart *ch, bool closeup, double *lo, double *hi, double *step)
{
    bool any = false;
    *lo = 0;
    *hi = 1;
    for (int j = 0; j < REPORT_CHART_LINES; j++) {
        const ColumnSeries *s = closeup ? &ch->closeup[j] : &ch->night[j];
        if (s->samples == 0)
            continue;
        if (!any || s->max > *hi)
            *hi = s->max;
        if (s->min < *lo)
            *lo = s->min;
        any = true;
    }
    if (*hi <= *lo)
        *hi = *lo + 1;
    *step = Chart_nice((*hi - *lo) / 4);
    *hi = ceil(*hi / *step) * *step;
    *lo = floor(*lo / *step) * *step;
}

static void Chart_y_axis(FILE *out, const Frame *f, const char *unit)
{
    double step = f->step;
    for (double v = f->lo; v <= f->hi + step / 1000; v += step) {
        double y = Frame_y(f, v);
        fprintf(out, "<line class=\"grid\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>",
                f->left, y, f->left + f->width, y);
        fprintf(out, "<text class=\"tick\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%g</text>\n",
                f->left - 6, y + 4, fabs(v) < step / 1000 ? 0.0 : v);
    }
    fprintf(out,
            "<text class=\"unit\" x=\"14\" y=\"%.1f\" transform=\"rotate(-90 14 %.1f)\" "
            "text-anchor=\"middle\">",
            f->top + f->height / 2, f->top + f->height / 2);
    Html_text(out, unit);
    fputs("</text>\n", out);
}

static void Chart_x_axis(FILE *out, const Frame *f)
{
    static const int64_t steps[] = {1000,    2000,    5000,     10000,    15000,    30000,
                                    60000,   120000,  300000,   600000,   900000,   1800000,
                                    3600000, 7200000, 10800000, 21600000, 43200000, 86400000};
    int64_t span = f->to_ms - f->from_ms, step = steps[0];
    for (size_t i = 0; i < sizeof steps / sizeof steps[0] && span / step > 9; i++)
        step = steps[i];
    for (int64_t t = (f->from_ms / step + 1) * step; t < f->to_ms; t += step) {
        double x = Frame_x(f, t);
        time_t secs = (time_t)(t / 1000);
        struct tm tm;
        gmtime_r(&secs, &tm);
        fprintf(out, "<line class=\"grid\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>", x,
                f->top, x, f->top + f->height);
        fprintf(out, "<text class=\"tick\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">", x,
                f->top + f->height + 17);
        if (step < 60000)
            fprintf(out, "%02d:%02d:%02d", tm.tm_hour, tm.tm_min, tm.tm_sec);
        else
            fprintf(out, "%02d:%02d", tm.tm_hour, tm.tm_min);
        fputs("</text>\n", out);
    }
}

static void Chart_downtime(FILE *out, const Report *rep, const Frame *f, bool label)
{
    const ReportWindow *d = &rep->downtime;
    if (!d->present || d->end_wall_ms < f->from_ms || d->start_wall_ms > f->to_ms)
        return;
    double x0 = Frame_x(f, d->start_wall_ms), x1 = Frame_x(f, d->end_wall_ms);
    if (x1 - x0 < 2)
        x1 = x0 + 2;
    fprintf(out,
            "<rect class=\"downtime\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\">"
            "<title>downtime (the application frozen)</title></rect>\n",
            x0, f->top, x1 - x0, f->height);
    if (label && x1 - x0 > 60)
        fprintf(out,
                "<text class=\"downtime-label\" x=\"%.1f\" y=\"%.1f\" "
                "text-anchor=\"middle\">downtime</text>\n",
                (x0 + x1) / 2, f->top + f->height - 6);
}

/* One series: the columns' extremes in the order they happened, the line
 * broken where the metric paused. */
static void Chart_polyline(FILE *out, const Frame *f, const ColumnSeries *s, int line)
{
    int64_t gap = GAP_MIN_MS;
    int64_t colw = (s->to_ms - s->from_ms) / s->ncols;
    if (3 * colw > gap)
        gap = 3 * colw;
    bool open = false;
    int64_t prev_ms = 0;
    for (int i = 0; i < s->ncols; i++) {
        const ColumnBucket *b = &s->cols[i];
        if (b->count == 0)
            continue;
        if (open && b->first_ms - prev_ms > gap) {
            fputs("\"/>\n", out);
            open = false;
        }
        if (!open)
            fprintf(out, "<polyline class=\"series\" stroke=\"%s\" points=\"", Chart_color(line));
        open = true;
        double x = f->left + ((double)i + 0.5) * f->width / s->ncols;
        double first = b->min_ms <= b->max_ms ? b->min : b->max;
        double second = b->min_ms <= b->max_ms ? b->max : b->min;
        fprintf(out, "%.1f,%.1f ", x, Frame_y(f, first));
        if (second != first)
            fprintf(out, "%.1f,%.1f ", x, Frame_y(f, second));
        prev_ms = b->last_ms;
    }
    if (open)
        fputs("\"/>\n", out);
}

int Chart_step_order(const Report *rep, int *order, int max)
{
    int n = 0;
    for (int i = 0; i < rep->nsteps && n < max; i++)
        if (rep->steps[i].start_wall_ms)
            order[n++] = i;
    /* Insertion sort: a dozen steps. */
    for (int i = 1; i < n; i++)
        for (int j = i;
             j > 0 && rep->steps[order[j]].start_wall_ms < rep->steps[order[j - 1]].start_wall_ms;
             j--) {
            int t = order[j];
            order[j] = order[j - 1];
            order[j - 1] = t;
        }
    return n;
}

static int Chart_markers(const Report *rep, const Frame *f, Marker *m)
{
    int order[MAX_MARKERS];
    int n = Chart_step_order(rep, order, MAX_MARKERS), nm = 0;
    for (int i = 0; i < n; i++) {
        const ReportStep *s = &rep->steps[order[i]];
        if (s->start_wall_ms < f->from_ms || s->start_wall_ms > f->to_ms)
            continue;
        double x = Frame_x(f, s->start_wall_ms);
        if (nm > 0 && x - m[nm - 1].x < MARKER_MERGE) {
            m[nm - 1].last = i + 1;
            m[nm - 1].step = NULL;
            continue;
        }
        m[nm++] = (Marker){.x = x, .first = i + 1, .last = i + 1, .step = s};
    }
    return nm;
}

static void Chart_marker_label(const Marker *m, bool closeup, char *buf, size_t size)
{
    if (m->first != m->last)
        snprintf(buf, size, "%d\xE2\x80\x93%d", m->first, m->last);
    else if (closeup && m->step)
        snprintf(buf, size, "%d %s", m->first, m->step->title);
    else
        snprintf(buf, size, "%d", m->first);
}

/* Each label on the first row where it does not overlap the one before. */
static void Chart_place(Marker *m, int n, bool closeup, const Frame *f)
{
    double row_end[LABEL_ROWS];
    for (int r = 0; r < LABEL_ROWS; r++)
        row_end[r] = -1e9;
    for (int i = 0; i < n; i++) {
        char label[96];
        Chart_marker_label(&m[i], closeup, label, sizeof label);
        double w = LABEL_CHAR_W * (double)strlen(label) + 6;
        m[i].label_x0 = m[i].x + w > f->left + f->width ? m[i].x - w : m[i].x;
        m[i].label_x1 = m[i].label_x0 + w;
        int best = 0;
        for (int r = LABEL_ROWS - 1; r >= 0; r--)
            if (row_end[r] < m[i].label_x0)
                best = r;
        if (row_end[best] >= m[i].label_x0) /* no row free: the emptiest one */
            for (int r = 0; r < LABEL_ROWS; r++)
                if (row_end[r] < row_end[best])
                    best = r;
        m[i].row = best;
        row_end[best] = m[i].label_x1;
    }
}

static const char *Chart_step_class(const ReportStep *s)
{
    if (!s)
        return "step";
    switch (s->state) {
    case STEP_FAILED: return "step failed";
    case STEP_ROLLING_BACK:
    case STEP_ROLLED_BACK: return "step rolled";
    default: return "step";
    }
}

static void Chart_steps(FILE *out, const Report *rep, const Frame *f, bool closeup)
{
    Marker m[MAX_MARKERS];
    int n = Chart_markers(rep, f, m);
    Chart_place(m, n, closeup, f);
    for (int i = 0; i < n; i++) {
        char label[96];
        Chart_marker_label(&m[i], closeup, label, sizeof label);
        double ly = 12 + m[i].row * LABEL_ROW_H;
        bool right = m[i].label_x0 < m[i].x;
        fprintf(out,
                "<g class=\"%s\"><line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>"
                "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\">",
                Chart_step_class(m[i].step), m[i].x, ly + 2, m[i].x, f->top + f->height,
                right ? m[i].x - 3 : m[i].x + 3, ly, right ? "end" : "start");
        Html_text(out, label);
        fputs("</text><title>", out);
        Html_text(out, m[i].step ? m[i].step->title : label);
        fputs(" started</title></g>\n", out);
    }
}

void Chart_svg(FILE *out, const Report *rep, const ReportChart *ch, bool closeup)
{
    const ColumnSeries *series = closeup ? ch->closeup : ch->night;
    Frame f = {.from_ms = series[0].from_ms,
               .to_ms = series[0].to_ms,
               .left = PLOT_LEFT,
               .top = PLOT_TOP,
               .width = CHART_WIDTH - PLOT_LEFT - PLOT_RIGHT,
               .height = CHART_HEIGHT - PLOT_TOP - PLOT_BOTTOM};
    Chart_range(ch, closeup, &f.lo, &f.hi, &f.step);
    fprintf(out,
            "<svg class=\"chart\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" "
            "role=\"img\"><title>",
            CHART_WIDTH, CHART_HEIGHT, CHART_WIDTH, CHART_HEIGHT);
    Html_text(out, ch->spec->title);
    fputs(closeup ? " during the cutover" : " across the session", out);
    fputs("</title>\n", out);
    fprintf(out, "<rect class=\"plot\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"/>\n",
            f.left, f.top, f.width, f.height);
    Chart_downtime(out, rep, &f, true);
    Chart_y_axis(out, &f, ch->spec->unit);
    Chart_x_axis(out, &f);
    for (int j = 0; j < REPORT_CHART_LINES; j++)
        if (series[j].samples)
            Chart_polyline(out, &f, &series[j], j);
    Chart_steps(out, rep, &f, closeup);
    fputs("</svg>\n", out);
}

#define TIMELINE_LABEL_W 250
#define TIMELINE_ROW_H   24
#define TIMELINE_RIGHT   190

static const char *Chart_bar_class(int state)
{
    switch (state) {
    case STEP_DONE: return "bar done";
    case STEP_FAILED: return "bar failed";
    case STEP_RUNNING:
    case STEP_WAITING: return "bar running";
    default: return "bar other";
    }
}

/* A bar from from to to; returns where it ends (px). */
static double Chart_bar(FILE *out, const Frame *f, double y, int64_t from, int64_t to,
                        const char *cls)
{
    double x0 = Frame_x(f, from), x1 = Frame_x(f, to);
    if (x1 - x0 < 3)
        x1 = x0 + 3;
    fprintf(out, "<rect class=\"%s\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%d\" rx=\"2\"/>",
            cls, x0, y + 5, x1 - x0, TIMELINE_ROW_H - 10);
    return x1;
}

/* One step's row: its name, the run, and the undoing if there was one, with
 * one label after the last bar (two labels would collide when the undoing
 * follows at once). The run's colour is how it ended before any rollback. */
static void Chart_timeline_row(FILE *out, const Report *rep, const Frame *f, const ReportStep *s,
                               int number, double y, int64_t last_mono)
{
    fprintf(out, "<text x=\"10\" y=\"%.1f\"><tspan font-weight=\"600\">%d</tspan> ",
            y + TIMELINE_ROW_H / 2.0 + 4, number);
    Html_text(out, s->title);
    fputs("</text>\n", out);
    int64_t run_end = s->end_wall_ms ? s->end_wall_ms : s->rb_start_wall_ms;
    int64_t run_end_mono = s->end_wall_ms ? s->end_mono_ms : s->rb_start_mono_ms;
    int state = s->end_wall_ms ? s->outcome : STEP_RUNNING;
    if (!run_end) {
        run_end = rep->index.last_ms;
        run_end_mono = last_mono;
    }
    double x = Chart_bar(out, f, y, s->start_wall_ms, run_end, Chart_bar_class(state));
    int64_t rb_end = 0, rb_end_mono = 0;
    if (s->rb_start_wall_ms) {
        rb_end = s->rb_end_wall_ms ? s->rb_end_wall_ms : rep->index.last_ms;
        rb_end_mono = s->rb_end_wall_ms ? s->rb_end_mono_ms : last_mono;
        x = Chart_bar(out, f, y, s->rb_start_wall_ms, rb_end, "bar rollback");
    }
    fprintf(out, "<text x=\"%.1f\" y=\"%.1f\">", x + 5, y + TIMELINE_ROW_H / 2.0 + 4);
    Html_duration(out, run_end_mono - s->start_mono_ms);
    if (s->rb_start_wall_ms) {
        fputs(", undone in ", out);
        Html_duration(out, rb_end_mono - s->rb_start_mono_ms);
    }
    fputs("</text>\n", out);
}

void Chart_timeline_svg(FILE *out, const Report *rep, int64_t last_mono)
{
    int order[MAX_MARKERS];
    int n = Chart_step_order(rep, order, MAX_MARKERS);
    if (n == 0)
        return;
    const ReportWindow *c = &rep->cutover;
    int64_t pad = (c->end_wall_ms - c->start_wall_ms) / 25;
    if (pad < 500)
        pad = 500;
    Frame f = {.from_ms = c->start_wall_ms - pad,
               .to_ms = c->end_wall_ms + pad,
               .lo = 0,
               .hi = 1,
               .left = TIMELINE_LABEL_W,
               .top = 8,
               .width = CHART_WIDTH - TIMELINE_LABEL_W - TIMELINE_RIGHT,
               .height = n * TIMELINE_ROW_H};
    int height = (int)f.height + 8 + PLOT_BOTTOM;
    fprintf(out,
            "<svg class=\"timeline\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" "
            "role=\"img\"><title>The steps on a time line</title>\n",
            CHART_WIDTH, height, CHART_WIDTH, height);
    Chart_downtime(out, rep, &f, false);
    Chart_x_axis(out, &f);
    for (int i = 0; i < n; i++)
        Chart_timeline_row(out, rep, &f, &rep->steps[order[i]], i + 1, f.top + i * TIMELINE_ROW_H,
                           last_mono);
    fputs("</svg>\n", out);
}
