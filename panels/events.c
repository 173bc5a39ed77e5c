/* The event log: the newest steps, alarms, decisions, notes and messages,
 * newest at the top, each with its UTC time. */
#include <stdio.h>

#include "lib/clock.h"
#include "panels/panel.h"

static Role EventsPanel_role(const LogLine *line)
{
    if (line->level == LOG_ERROR)
        return ROLE_ALARM;
    if (line->level == LOG_WARN)
        return ROLE_WARN;
    return line->kind == EVENT_NOTE || line->kind == EVENT_DECISION ? ROLE_VALUE : ROLE_NORMAL;
}

static void EventsPanel_draw(const PanelView *v, Canvas *c, Rect r)
{
    for (int i = 0; i < r.h; i++) {
        const LogLine *line = Model_log_line(v->model, i);
        if (!line)
            break;
        char hms[16];
        Clock_format_hms(line->wall_ms, hms, sizeof hms);
        Canvas_text(c, r.x, r.y + i, 9, ROLE_MUTED, hms);
        Canvas_text(c, r.x + 9, r.y + i, r.w - 9, EventsPanel_role(line), line->text);
    }
}

static int EventsPanel_measure(const PanelView *v, int width)
{
    return 8;
}

const PanelClass EventsPanel_class = {
    .name = "events",
    .title = "Events",
    .min_height = 3,
    .measure = EventsPanel_measure,
    .draw = EventsPanel_draw,
};
