/* Replication lag: the heartbeat figure first (it is what lag zero means),
 * DMS's own CDC latency beside it when the plan has a DMS task (flagged when
 * the two disagree), then the replica's own view, then where each stream
 * stands (GTIDs). */
#include <math.h>
#include <stdio.h>

#include "panels/format.h"
#include "panels/panel.h"
#include "panels/widgets.h"
#include "session/metrics.h"

/* DMS's latency and the heartbeat disagree when they are further apart than
 * 2 s or half the larger one (CloudWatch's figure is a 1-minute average, so
 * small differences mean nothing). */
static bool LagPanel_disagree(double dms, double hb)
{
    double larger = dms > hb ? dms : hb;
    double limit = larger * 0.5 > 2.0 ? larger * 0.5 : 2.0;
    return fabs(dms - hb) > limit;
}

/* " DMS 2.10 s" (and a flag) after the heartbeat; returns the columns used. */
static int LagPanel_dms(const PanelView *v, Canvas *c, int x, int y, int maxw)
{
    const Model *m = v->model;
    const Series *dms = Model_series(m, M_LAG_DMS_S), *hb = Model_series(m, M_LAG_HEARTBEAT_S);
    if (!dms || !dms->has_value || maxw < 8)
        return 0;
    char value[32];
    Format_seconds(dms->last, value, sizeof value);
    bool differ = hb && hb->has_value && LagPanel_disagree(dms->last, hb->last);
    int used = Widget_pair(c, x + 2, y, maxw - 2, "DMS", value, differ ? ROLE_WARN : ROLE_VALUE);
    if (differ)
        used += Canvas_text(c, x + 2 + used, y, maxw - 2 - used, ROLE_WARN,
                            v->ascii ? " !=" : " \u2260");
    return used + 2;
}

static void LagPanel_headline(const PanelView *v, Canvas *c, Rect r)
{
    const Model *m = v->model;
    const Series *hb = Model_series(m, M_LAG_HEARTBEAT_S);
    char value[32] = "-", source[96];
    if (hb && hb->has_value)
        Format_seconds(hb->last, value, sizeof value);
    int x = r.x + Widget_pair(c, r.x, r.y, r.w, "Lag", value, Widget_role(m, M_LAG_HEARTBEAT_S));
    x += Canvas_printf(c, x, r.y, r.x + r.w - x, ROLE_VALUE, " %s",
                       Widget_trend(m, M_LAG_HEARTBEAT_S, v->ascii));
    x += LagPanel_dms(v, c, x, r.y, r.x + r.w - x);
    Widget_source(m, M_LAG_HEARTBEAT_S, source, sizeof source);
    Canvas_text_right(c, x + 1, r.y, r.x + r.w - x - 1, ROLE_MUTED, source);
}

/* The lag over the last two minutes, as tall as the panel allows: lag is
 * the figure the night turns on. */
static void LagPanel_graph(const PanelView *v, Canvas *c, Rect r)
{
    const Model *m = v->model;
    WindowStats st;
    Model_window_stats(m, Model_series(m, M_LAG_HEARTBEAT_S), MODEL_WINDOW_MS, &st);
    char label[32], max[24];
    Format_seconds(st.count ? st.max : NAN, max, sizeof max);
    int lw = snprintf(label, sizeof label, " max %s/2m", max);
    int w = r.w - lw;
    if (w < 8)
        w = r.w;
    Widget_graph(c, m, M_LAG_HEARTBEAT_S, (Rect){r.x, r.y, w, r.h}, 1.0, ROLE_GRAPH_1);
    if (w < r.w)
        Canvas_text(c, r.x + w, r.y, lw, ROLE_MUTED, label);
}

static void LagPanel_replica(const PanelView *v, Canvas *c, Rect r, int y)
{
    const Model *m = v->model;
    const Series *rl = Model_series(m, M_LAG_REPLICA_S);
    const Series *io = Model_series(m, M_REPLICA_IO), *sql = Model_series(m, M_REPLICA_SQL);
    bool running = io && sql && io->last > 0 && sql->last > 0;
    char value[32] = "-";
    /* A stopped replica reports no lag (NULL): never show the last one as current. */
    if (rl && rl->has_value && (running || !io))
        Format_seconds(rl->last, value, sizeof value);
    int x = r.x + Widget_pair(c, r.x, y, r.w, "Replica", value, Widget_role(m, M_LAG_REPLICA_S));
    const char *state = !io ? "" : running ? "  running" : "  STOPPED";
    x += Canvas_text(c, x, y, r.x + r.w - x, running ? ROLE_OK : ROLE_ALARM, state);
    if (rl && rl->origin[0])
        Canvas_text_right(c, x + 1, y, r.x + r.w - x - 1, ROLE_MUTED, rl->origin);
}

static void LagPanel_gtid(const PanelView *v, Canvas *c, Rect r, int y)
{
    const Series *src = Model_series(v->model, M_GTID_SOURCE);
    const Series *tgt = Model_series(v->model, M_GTID_TARGET);
    char line[200];
    snprintf(line, sizeof line, "%s", src && src->text[0] ? src->text : "-");
    int x = r.x + Widget_pair(c, r.x, y, r.w / 2, "GTID src", line, ROLE_NORMAL);
    snprintf(line, sizeof line, "%s", tgt && tgt->text[0] ? tgt->text : "-");
    Widget_pair(c, x + 1, y, r.x + r.w - x - 1, "tgt", line, ROLE_NORMAL);
}

static void LagPanel_draw(const PanelView *v, Canvas *c, Rect r)
{
    const Series *err = Model_series(v->model, M_REPLICA_ERROR);
    bool has_error = err && err->text[0];
    int fixed = 3 + has_error; /* headline, replica, GTIDs, error */
    LagPanel_headline(v, c, r);
    int graph_h = r.h - fixed > 1 ? r.h - fixed : 1;
    if (r.h > 1)
        LagPanel_graph(v, c, (Rect){r.x, r.y + 1, r.w, graph_h});
    int y = r.y + 1 + graph_h;
    if (y < r.y + r.h)
        LagPanel_replica(v, c, r, y++);
    if (y < r.y + r.h)
        LagPanel_gtid(v, c, r, y++);
    if (has_error && y < r.y + r.h)
        Canvas_text(c, r.x, y, r.w, ROLE_ALARM, err->text);
}

static int LagPanel_measure(const PanelView *v, int width)
{
    const Series *err = Model_series(v->model, M_REPLICA_ERROR);
    return err && err->text[0] ? 7 : 6; /* grows taller when there is room */
}

const PanelClass LagPanel_class = {
    .name = "lag",
    .title = "Replication lag",
    .min_height = 6,
    .measure = LagPanel_measure,
    .draw = LagPanel_draw,
};
