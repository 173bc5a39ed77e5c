/* CDC: how fast changes are made on the source against how fast the target
 * applies them, the backlog between, and when it will have drained. */
#include <math.h>
#include <stdio.h>

#include "panels/format.h"
#include "panels/panel.h"
#include "panels/widgets.h"
#include "session/metrics.h"

static void CdcPanel_row(Canvas *c, const Model *m, Rect r, int y, const char *label,
                         const char *rows_key, const char *extra_label, const char *extra_key)
{
    char rows[32], extra[32];
    Widget_figure(m, rows_key, rows, sizeof rows, Format_count);
    int x = r.x + Widget_pair(c, r.x, y, r.w, label, rows, Widget_role(m, rows_key));
    x += Canvas_text(c, x, y, r.x + r.w - x, ROLE_MUTED, " rows/s");
    if (!extra_key)
        return;
    Widget_figure(m, extra_key, extra, sizeof extra, Format_bytes);
    x += 2;
    x += Widget_pair(c, x, y, r.x + r.w - x, extra_label, extra, Widget_role(m, extra_key));
    Canvas_text(c, x, y, r.x + r.w - x, ROLE_MUTED, "/s");
}

static void CdcPanel_backlog(Canvas *c, const Model *m, Rect r, int y)
{
    char backlog[32], drain[32];
    Widget_figure(m, M_CDC_BACKLOG_BYTES, backlog, sizeof backlog, Format_bytes);
    Widget_figure(m, M_CDC_DRAIN_S, drain, sizeof drain, Format_seconds);
    int x =
        r.x + Widget_pair(c, r.x, y, r.w, "Backlog", backlog, Widget_role(m, M_CDC_BACKLOG_BYTES));
    Widget_pair(c, x + 2, y, r.x + r.w - x - 2, "drains in ~", drain,
                Widget_role(m, M_CDC_DRAIN_S));
}

static void CdcPanel_draw(const PanelView *v, Canvas *c, Rect r)
{
    const Model *m = v->model;
    CdcPanel_row(c, m, r, r.y, "Source ", M_CDC_SOURCE_ROWS_PS, "binlog", M_CDC_SOURCE_BINLOG_BPS);
    if (r.h > 1)
        CdcPanel_row(c, m, r, r.y + 1, "Applied", M_CDC_TARGET_ROWS_PS, NULL, NULL);
    if (r.h > 2)
        CdcPanel_backlog(c, m, r, r.y + 2);
    if (r.h > 3) {
        /* Source and target rates side by side: a gap between them is lag building. */
        int half = (r.w - 1) / 2;
        Widget_spark(c, m, M_CDC_SOURCE_ROWS_PS, r.x, r.y + 3, half, 10.0, ROLE_GRAPH_1);
        Widget_spark(c, m, M_CDC_TARGET_ROWS_PS, r.x + half + 1, r.y + 3, r.w - half - 1, 10.0,
                     ROLE_GRAPH_2);
    }
}

static int CdcPanel_measure(const PanelView *v, int width)
{
    return 6;
}

const PanelClass CdcPanel_class = {
    .name = "cdc",
    .title = "CDC events/s",
    .min_height = 5,
    .measure = CdcPanel_measure,
    .draw = CdcPanel_draw,
};
