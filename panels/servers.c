/* RDS metrics for source and target. Each figure says where it came from:
 * CloudWatch, or the server's own status where an equivalent exists. A
 * figure with no honest equivalent says so instead of being made up. */
#include <stdio.h>
#include <string.h>

#include "panels/format.h"
#include "panels/panel.h"
#include "panels/widgets.h"
#include "session/metrics.h"

typedef struct ServerRow {
    const char *label;
    const char *metric;
    const char *unit;
} ServerRow;

/* In the order they are dropped from the bottom on short terminals. */
static const ServerRow server_rows[] = {
    {"Connections", M_RDS_CONNECTIONS, ""},
    {"Write IOPS", M_RDS_WRITE_IOPS, ""},
    {"Read IOPS", M_RDS_READ_IOPS, ""},
    {"CPU", M_RDS_CPU_PCT, "%"},
    {"Freeable memory", M_RDS_FREEABLE_MB, " MB"},
    {"Replica lag", M_RDS_REPLICA_LAG_S, " s"},
};

static void ServersPanel_cell(const Model *m, const char *server, const ServerRow *row, Canvas *c,
                              int x, int y, int w, char *origin, size_t osize)
{
    char key[EVENT_KEY_MAX], value[32];
    snprintf(key, sizeof key, "rds.%s.%s", server, row->metric);
    const Series *s = Model_series(m, key);
    if (!s || !s->has_value) {
        Canvas_text_right(c, x, y, w, ROLE_MUTED, "n/a");
        return;
    }
    Format_count(s->last, value, sizeof value);
    strncat(value, row->unit, sizeof value - strlen(value) - 1);
    Canvas_text_right(c, x, y, w, Widget_role(m, key), value);
    if (!origin[0])
        snprintf(origin, osize, "%s", s->origin);
}

static void ServersPanel_draw(const PanelView *v, Canvas *c, Rect r)
{
    int label_w = 16, col_w = (r.w - label_w - 18) / 2;
    if (col_w < 8)
        col_w = 8;
    if (col_w > 12)
        col_w = 12;
    int src_x = r.x + label_w, tgt_x = src_x + col_w, origin_x = tgt_x + col_w + 2;
    Canvas_text_right(c, src_x, r.y, col_w, ROLE_MUTED, "source");
    Canvas_text_right(c, tgt_x, r.y, col_w, ROLE_MUTED, "target");
    Canvas_text(c, origin_x, r.y, r.x + r.w - origin_x, ROLE_MUTED, "from");
    size_t nrows = sizeof server_rows / sizeof server_rows[0];
    for (size_t i = 0; i < nrows && (int)i + 1 < r.h; i++) {
        int y = r.y + 1 + (int)i;
        char origin[EVENT_ORIGIN_MAX] = "";
        Canvas_text(c, r.x, y, label_w, ROLE_NORMAL, server_rows[i].label);
        ServersPanel_cell(v->model, "source", &server_rows[i], c, src_x, y, col_w, origin,
                          sizeof origin);
        ServersPanel_cell(v->model, "target", &server_rows[i], c, tgt_x, y, col_w, origin,
                          sizeof origin);
        Canvas_text(c, origin_x, y, r.x + r.w - origin_x, ROLE_MUTED,
                    origin[0] ? origin : "needs CloudWatch");
    }
}

static int ServersPanel_measure(const PanelView *v, int width)
{
    return 2 + 1 + (int)(sizeof server_rows / sizeof server_rows[0]);
}

const PanelClass ServersPanel_class = {
    .name = "servers",
    .title = "RDS metrics",
    .min_height = 5,
    .measure = ServersPanel_measure,
    .draw = ServersPanel_draw,
};
