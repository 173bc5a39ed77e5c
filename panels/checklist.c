/* The checklist: every step with its state, when it started (UTC, ms) and
 * how long it took, and the downtime clock (the engine's window: frozen to writable). */
#include <stdio.h>
#include <string.h>

#include "session/step_state.h"
#include "lib/clock.h"
#include "panels/format.h"
#include "panels/panel.h"
#include "session/metrics.h"

static const char *ChecklistPanel_glyph(int state, bool ascii)
{
    switch (state) {
    case STEP_WAITING: return "?";
    case STEP_RUNNING: return ascii ? ">" : "\u25b6";
    case STEP_DONE: return ascii ? "+" : "\u2713";
    case STEP_FAILED: return ascii ? "x" : "\u2717";
    case STEP_SKIPPED: return "-";
    case STEP_ROLLING_BACK: return "<";
    case STEP_ROLLED_BACK: return ascii ? "~" : "\u21b6";
    default: return " ";
    }
}

static Role ChecklistPanel_role(int state)
{
    switch (state) {
    case STEP_DONE: return ROLE_OK;
    case STEP_RUNNING:
    case STEP_WAITING:
    case STEP_ROLLING_BACK: return ROLE_WARN;
    case STEP_FAILED: return ROLE_ALARM;
    case STEP_SKIPPED:
    case STEP_ROLLED_BACK: return ROLE_MUTED;
    default: return ROLE_NORMAL;
    }
}

static void ChecklistPanel_step(const PanelView *v, Canvas *c, Rect r, int i, int y)
{
    const Model *m = v->model;
    const StepView *s = &m->steps[i];
    Role role = ChecklistPanel_role(s->state);
    Canvas_printf(c, r.x, y, 2, ROLE_MUTED, "%d", i + 1);
    Canvas_text(c, r.x + 2, y, 1, role, ChecklistPanel_glyph(s->state, v->ascii));
    int time_w = r.w >= 44 ? 22 : 0;
    Canvas_text(c, r.x + 4, y, r.w - 4 - time_w, role, s->title);
    if (time_w && s->started_wall_ms) {
        char when[32], hms[16], dur[24];
        Clock_format_utc(s->started_wall_ms, when, sizeof when);
        snprintf(hms, sizeof hms, "%.12s", when + 11);
        int64_t end = s->ended_mono_ms ? s->ended_mono_ms : m->now_mono_ms;
        Clock_format_duration(end - s->started_mono_ms, dur, sizeof dur);
        Canvas_printf(c, r.x + r.w - time_w, y, time_w, ROLE_MUTED, "%s %9s", hms, dur);
    }
    if (i == v->selected_step)
        Canvas_paint(c, (Rect){r.x, y, r.w, 1}, ROLE_SELECTION);
}

/* The line above the step where the point of no return lies. */
static void ChecklistPanel_point(const PanelView *v, Canvas *c, Rect r, int y)
{
    const PointView *p = &v->model->point;
    bool crossed = p->state == STEP_DONE;
    const char *rule = v->ascii ? "--" : "\u2500\u2500";
    int x = r.x + 2;
    x += Canvas_printf(c, x, y, r.w - 2, crossed ? ROLE_WARN : ROLE_MUTED,
                       "%s point of no return %s", rule, rule);
    if (crossed) {
        char when[32];
        Clock_format_utc(p->crossed_wall_ms, when, sizeof when);
        Canvas_printf(c, x, y, r.x + r.w - x, ROLE_WARN, " crossed %.12s", when + 11);
    }
}

static double ChecklistPanel_last(const Model *m, const char *key)
{
    const Series *s = Model_series(m, key);
    return s && s->has_value ? s->last : -1;
}

/* Before the freeze, with a rehearsal: the downtime it would be now (the
 * rehearsed steps plus the drain estimate). */
static void ChecklistPanel_predicted(const Model *m, Canvas *c, Rect r)
{
    double steps = ChecklistPanel_last(m, M_DOWNTIME_REHEARSED_MS);
    if (steps < 0)
        return;
    char dur[24];
    int64_t ms =
        Model_predict_downtime_ms((int64_t)steps, ChecklistPanel_last(m, M_LAG_HEARTBEAT_S),
                                  ChecklistPanel_last(m, M_CDC_DRAIN_S));
    Clock_format_duration(ms, dur, sizeof dur);
    Canvas_printf(c, r.x, r.y, r.w, ROLE_MUTED, ", predicted ~%s", dur);
}

static void ChecklistPanel_downtime(const PanelView *v, Canvas *c, Rect r, int y)
{
    const Model *m = v->model;
    int64_t ms = Model_downtime_ms(m);
    char dur[24];
    Clock_format_duration(ms, dur, sizeof dur);
    bool running = m->downtime_start_mono_ms && !m->downtime_end_mono_ms;
    const char *state = !m->downtime_start_mono_ms ? "not started" : running ? "running" : "ended";
    int x = r.x + Canvas_text(c, r.x, y, r.w, ROLE_MUTED, "Downtime ");
    x += Canvas_text(c, x, y, r.x + r.w - x, running ? ROLE_WARN : ROLE_VALUE, dur);
    x += Canvas_printf(c, x, y, r.x + r.w - x, ROLE_MUTED, "  (%s)", state);
    if (!m->downtime_start_mono_ms)
        ChecklistPanel_predicted(m, c, (Rect){x, y, r.x + r.w - x, 1});
}

/* What "verified" means at this moment (verify mode "chunks"): chunks
 * settled, rows covered, the age of the oldest comparison standing. */
static void ChecklistPanel_verified(const PanelView *v, Canvas *c, Rect r, int y)
{
    const Model *m = v->model;
    const Series *s = Model_series(m, M_VERIFY_SUMMARY);
    const Series *pct = Model_series(m, M_VERIFY_SETTLED_PCT);
    const Series *oldest = Model_series(m, M_VERIFY_OLDEST_S);
    const Series *rows = Model_series(m, M_VERIFY_ROWS);
    if (!s)
        return;
    bool all = pct && pct->has_value && pct->last >= 100.0;
    char age[24] = "", count[24] = "";
    if (oldest && oldest->has_value)
        Clock_format_duration((int64_t)oldest->last * 1000, age, sizeof age);
    if (rows && rows->has_value)
        Format_count(rows->last, count, sizeof count);
    int x = r.x + Canvas_text(c, r.x, y, r.w, ROLE_MUTED, "Verified ");
    x += Canvas_text(c, x, y, r.x + r.w - x, all ? ROLE_OK : ROLE_WARN, s->text);
    if (count[0])
        x += Canvas_printf(c, x, y, r.x + r.w - x, ROLE_MUTED, ", %s rows", count);
    if (age[0])
        Canvas_printf(c, x, y, r.x + r.w - x, ROLE_MUTED, ", oldest %s", age);
}

/* The current (or selected) step's detail, wrapped at spaces over the rows
 * left (at most CHECKLIST_DETAIL_ROWS): a waiting gate's countdown is at
 * the end of its line. Bytes are counted, so a line with wide characters
 * only wraps early. */
enum { CHECKLIST_DETAIL_ROWS = 3 };

static void ChecklistPanel_detail(const PanelView *v, Canvas *c, Rect r, int y)
{
    const Model *m = v->model;
    const StepView *s = NULL;
    char text[EVENT_TEXT_MAX + EVENT_KEY_MAX + 4];
    if (v->selected_step >= 0 && v->selected_step < m->nsteps)
        s = &m->steps[v->selected_step];
    if (!s)
        s = Model_current_step(m);
    if (!s || !s->detail[0] || r.w <= 0)
        return;
    snprintf(text, sizeof text, "%s: %s", s->id, s->detail);
    const char *p = text;
    for (int row = 0; *p && row < CHECKLIST_DETAIL_ROWS && y + row < r.y + r.h; row++) {
        size_t len = strlen(p), cut = len;
        if (len > (size_t)r.w && row + 1 < CHECKLIST_DETAIL_ROWS && y + row + 1 < r.y + r.h) {
            cut = (size_t)r.w;
            while (cut > 0 && p[cut] != ' ')
                cut--;
            if (cut == 0)
                cut = (size_t)r.w;
        }
        char line[sizeof text];
        snprintf(line, sizeof line, "%.*s", (int)cut, p);
        Canvas_text(c, r.x, y + row, r.w, ROLE_NORMAL, line);
        p += cut;
        while (*p == ' ')
            p++;
    }
}

static void ChecklistPanel_draw(const PanelView *v, Canvas *c, Rect r)
{
    const Model *m = v->model;
    if (m->nsteps == 0) {
        Canvas_text(c, r.x, r.y, r.w, ROLE_MUTED, "no steps in this plan");
        return;
    }
    int y = r.y;
    for (int i = 0; i < m->nsteps && y < r.y + r.h; i++, y++) {
        if (m->point.known && m->point.at == i && y + 1 < r.y + r.h)
            ChecklistPanel_point(v, c, r, y++);
        ChecklistPanel_step(v, c, r, i, y);
    }
    if (y + 1 < r.y + r.h)
        ChecklistPanel_downtime(v, c, r, ++y);
    if (Model_series(m, M_VERIFY_SUMMARY) && y + 1 < r.y + r.h)
        ChecklistPanel_verified(v, c, r, ++y);
    if (y + 1 < r.y + r.h)
        ChecklistPanel_detail(v, c, r, ++y);
}

static int ChecklistPanel_measure(const PanelView *v, int width)
{
    int verified = Model_series(v->model, M_VERIFY_SUMMARY) ? 1 : 0;
    return v->model->nsteps + (v->model->point.known ? 7 : 6) + verified;
}

const PanelClass ChecklistPanel_class = {
    .name = "checklist",
    .title = "Cutover checklist",
    .min_height = 6,
    .measure = ChecklistPanel_measure,
    .draw = ChecklistPanel_draw,
};
