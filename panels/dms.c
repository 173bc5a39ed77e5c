/* AWS DMS: the replication task's status and full load (DMS API), its CDC
 * latency, backlog and throughput (CloudWatch, 1-minute averages), and the
 * tables' changes and validation. Shown only when the plan has a DMS task. */
#include <stdio.h>
#include <string.h>

#include "panels/dms.h"
#include "panels/format.h"
#include "panels/panel.h"
#include "panels/widgets.h"
#include "session/metrics.h"

static void DmsPanel_percent(double v, char *buf, size_t size)
{
    snprintf(buf, size, "%.0f%%", v);
}

static void DmsPanel_int(double v, char *buf, size_t size)
{
    snprintf(buf, size, "%.0f", v);
}

static void DmsPanel_status(const Model *m, Canvas *c, Rect r, int y)
{
    const Series *task = Model_series(m, M_DMS_TASK), *st = Model_series(m, M_DMS_STATUS);
    char src[96];
    int x = r.x + Widget_pair(c, r.x, y, r.w, "Task", task ? task->text : "-", ROLE_NORMAL);
    Role role = !st ? ROLE_WARN : st->last > 0 ? ROLE_OK : ROLE_ALARM;
    x += Canvas_text(c, x, y, r.x + r.w - x, ROLE_NORMAL, "  ");
    x += Canvas_text(c, x, y, r.x + r.w - x, role, st ? st->text : "waiting for DMS");
    Widget_source(m, M_DMS_STATUS, src, sizeof src);
    if (st)
        Canvas_text_right(c, x + 1, y, r.x + r.w - x - 1, ROLE_MUTED, src);
}

static void DmsPanel_load(const Model *m, Canvas *c, Rect r, int y)
{
    char pct[16], loaded[16], errored[16];
    const Series *loading = Model_series(m, M_DMS_TABLES_LOADING);
    Widget_figure(m, M_DMS_FULL_LOAD_PCT, pct, sizeof pct, DmsPanel_percent);
    Widget_figure(m, M_DMS_TABLES_LOADED, loaded, sizeof loaded, DmsPanel_int);
    Widget_figure(m, M_DMS_TABLES_ERRORED, errored, sizeof errored, DmsPanel_int);
    int x =
        r.x + Widget_pair(c, r.x, y, r.w, "Full load", pct, Widget_role(m, M_DMS_FULL_LOAD_PCT));
    x += Widget_pair(c, x + 2, y, r.x + r.w - x - 2, "tables", loaded, ROLE_VALUE) + 2;
    if (loading && loading->last > 0)
        x += Canvas_printf(c, x, y, r.x + r.w - x, ROLE_WARN, " (%s)", loading->text);
    Widget_pair(c, x + 2, y, r.x + r.w - x - 2, "errored", errored,
                Widget_role(m, M_DMS_TABLES_ERRORED));
}

static void DmsPanel_latency(const Model *m, Canvas *c, Rect r, int y)
{
    char src[24], tgt[24], inc[24];
    Widget_figure(m, M_DMS_LATENCY_SOURCE_S, src, sizeof src, Format_seconds);
    Widget_figure(m, M_DMS_LATENCY_TARGET_S, tgt, sizeof tgt, Format_seconds);
    Widget_figure(m, M_DMS_INCOMING_CHANGES, inc, sizeof inc, Format_count);
    int x = r.x + Widget_pair(c, r.x, y, r.w, "CDC latency src", src,
                              Widget_role(m, M_DMS_LATENCY_SOURCE_S));
    x += Widget_pair(c, x + 1, y, r.x + r.w - x - 1, "tgt", tgt,
                     Widget_role(m, M_DMS_LATENCY_TARGET_S)) +
         1;
    x += Widget_pair(c, x + 2, y, r.x + r.w - x - 2, "incoming", inc,
                     Widget_role(m, M_DMS_INCOMING_CHANGES)) +
         2;
    /* The backlog's drain time at the apply rate: an estimate from two
     * one-minute averages, and marked as one. */
    const Series *in = Model_series(m, M_DMS_INCOMING_CHANGES);
    const Series *rate = Model_series(m, M_DMS_THROUGHPUT_TARGET);
    if (in && in->has_value && in->last > 0 && rate && rate->has_value && rate->last > 0) {
        char eta[24];
        Format_seconds(in->last / rate->last, eta, sizeof eta);
        Canvas_printf(c, x + 1, y, r.x + r.w - x - 1, ROLE_MUTED, "drain ~%s (est.)", eta);
    }
}

/* CloudWatch publishes DMS figures by the minute: "1-min avg, 45s old" says
 * how old the newest one is, so a calm figure during a stall is not taken
 * for the present. */
static void DmsPanel_age(const Model *m, char *out, size_t size)
{
    const Series *at = Model_series(m, M_DMS_CW_AT);
    char age[24];
    if (!at || !at->has_value) {
        snprintf(out, size, "cloudwatch");
        return;
    }
    int64_t ms = m->now_wall_ms - (int64_t)(at->last * 1000);
    Format_age(ms > 0 ? ms : 0, age, sizeof age);
    snprintf(out, size, "1-min avg, from %s", age);
}

static void DmsPanel_throughput(const Model *m, Canvas *c, Rect r, int y)
{
    char src[24], tgt[24], age[48];
    Widget_figure(m, M_DMS_THROUGHPUT_SOURCE, src, sizeof src, Format_count);
    Widget_figure(m, M_DMS_THROUGHPUT_TARGET, tgt, sizeof tgt, Format_count);
    int x = r.x +
            Widget_pair(c, r.x, y, r.w, "Rows/s src", src, Widget_role(m, M_DMS_THROUGHPUT_SOURCE));
    x += Widget_pair(c, x + 1, y, r.x + r.w - x - 1, "tgt", tgt,
                     Widget_role(m, M_DMS_THROUGHPUT_TARGET)) +
         1;
    DmsPanel_age(m, age, sizeof age);
    Canvas_text_right(c, x + 1, y, r.x + r.w - x - 1, ROLE_MUTED, age);
}

static void DmsPanel_tables(const Model *m, Canvas *c, Rect r, int y, const char *label,
                            const char *key, Role role)
{
    const Series *s = Model_series(m, key);
    Widget_pair(c, r.x, y, r.w, label, s && s->text[0] ? s->text : "-", role);
}

static void DmsPanel_draw(const PanelView *v, Canvas *c, Rect r)
{
    const Model *m = v->model;
    const Series *bad = Model_series(m, M_DMS_TABLES_BAD);
    int y = r.y, end = r.y + r.h;
    DmsPanel_status(m, c, r, y++);
    if (y < end)
        DmsPanel_load(m, c, r, y++);
    if (y < end)
        DmsPanel_latency(m, c, r, y++);
    if (y < end && bad && bad->last > 0)
        DmsPanel_tables(m, c, r, y++, "Problem tables", M_DMS_TABLES_BAD, ROLE_ALARM);
    if (y < end)
        DmsPanel_throughput(m, c, r, y++);
    if (y < end)
        DmsPanel_tables(m, c, r, y++, "Changes", M_DMS_CHANGES, ROLE_VALUE);
    if (y < end)
        DmsPanel_tables(m, c, r, y++, "Validation", M_DMS_VALIDATION, ROLE_VALUE);
    if (y < end)
        DmsPanel_tables(m, c, r, y++, "Tables", M_DMS_TOP_TABLES, ROLE_NORMAL);
}

static int DmsPanel_measure(const PanelView *v, int width)
{
    const Series *bad = Model_series(v->model, M_DMS_TABLES_BAD);
    return 2 + 7 + (bad && bad->last > 0);
}

const PanelClass DmsPanel_class = {
    .name = "dms",
    .title = "AWS DMS",
    .min_height = 4,
    .measure = DmsPanel_measure,
    .draw = DmsPanel_draw,
};

bool DmsPanel_wanted(const Model *m)
{
    return Model_series(m, M_DMS_TASK) != NULL;
}
