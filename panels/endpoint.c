/* The PrivateLink endpoint: is the path there, how fast, and has DNS moved?
 * Latency is shown as the latest round trip and p50/p95/max over the last
 * minute: one slow probe is noise, a slow p95 is a problem. */
#include <math.h>
#include <stdio.h>

#include "panels/format.h"
#include "panels/panel.h"
#include "panels/widgets.h"
#include "session/metrics.h"

static void EndpointPanel_latency(const PanelView *v, Canvas *c, Rect r, int y)
{
    const Model *m = v->model;
    WindowStats st;
    Model_window_stats(m, Model_series(m, M_EP_QUERY_MS), MODEL_ENDPOINT_WINDOW_MS, &st);
    const Series *q = Model_series(m, M_EP_QUERY_MS);
    char now[16] = "-", p50[16] = "-", p95[16] = "-", max[16] = "-";
    if (q && q->has_value)
        Format_ms(q->last, now, sizeof now);
    if (st.count) {
        Format_ms(st.p50, p50, sizeof p50);
        Format_ms(st.p95, p95, sizeof p95);
        Format_ms(st.max, max, sizeof max);
    }
    Role role = Widget_role(m, M_EP_QUERY_MS);
    int x = r.x + Widget_pair(c, r.x, y, r.w, "SELECT 1", now, role);
    x += Widget_pair(c, x + 1, y, r.x + r.w - x - 1, " p50", p50, role) + 1;
    x += Widget_pair(c, x + 1, y, r.x + r.w - x - 1, "p95", p95, role) + 1;
    Widget_pair(c, x + 1, y, r.x + r.w - x - 1, "max", max, role);
}

static void EndpointPanel_path(const PanelView *v, Canvas *c, Rect r, int y)
{
    const Model *m = v->model;
    char dns[16] = "-", conn[16] = "-", tls[16] = "-", loss[16] = "-";
    const Series *s;
    if ((s = Model_series(m, M_EP_DNS_MS)) && s->has_value)
        Format_ms(s->last, dns, sizeof dns);
    if ((s = Model_series(m, M_EP_CONNECT_MS)) && s->has_value)
        Format_ms(s->last, conn, sizeof conn);
    if ((s = Model_series(m, M_EP_TLS_MS)) && s->has_value)
        Format_ms(s->last, tls, sizeof tls);
    if ((s = Model_series(m, M_EP_LOSS_PCT)) && s->has_value)
        snprintf(loss, sizeof loss, "%.0f%%", s->last);
    int x = r.x + Widget_pair(c, r.x, y, r.w, "dns", dns, Widget_role(m, M_EP_DNS_MS));
    x += Widget_pair(c, x + 1, y, r.x + r.w - x - 1, "tcp", conn, Widget_role(m, M_EP_CONNECT_MS)) +
         1;
    x += Widget_pair(c, x + 1, y, r.x + r.w - x - 1, "tls", tls, ROLE_NORMAL) + 1;
    Widget_pair(c, x + 1, y, r.x + r.w - x - 1, "loss", loss, Widget_role(m, M_EP_LOSS_PCT));
}

static void EndpointPanel_addresses(const PanelView *v, Canvas *c, Rect r, int y)
{
    const Model *m = v->model;
    const Series *a = Model_series(m, M_EP_ADDRESSES);
    Role role = Model_alarm(m, M_EP_ADDRESSES) ? ROLE_ALARM : ROLE_NORMAL;
    Widget_pair(c, r.x, y, r.w, "resolves to", a && a->text[0] ? a->text : "-", role);
}

static void EndpointPanel_draw(const PanelView *v, Canvas *c, Rect r)
{
    EndpointPanel_latency(v, c, r, r.y);
    if (r.h > 1)
        EndpointPanel_path(v, c, r, r.y + 1);
    if (r.h > 2)
        EndpointPanel_addresses(v, c, r, r.y + 2);
    if (r.h > 3)
        Widget_spark(c, v->model, M_EP_QUERY_MS, r.x, r.y + 3, r.w, 5.0, ROLE_GRAPH_1);
}

static int EndpointPanel_measure(const PanelView *v, int width)
{
    return 6;
}

const PanelClass EndpointPanel_class = {
    .name = "endpoint",
    .title = "Endpoint latency (ms)",
    .min_height = 5,
    .measure = EndpointPanel_measure,
    .draw = EndpointPanel_draw,
};
