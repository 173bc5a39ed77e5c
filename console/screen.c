#include "console/screen.h"

#include <stdio.h>
#include <string.h>

#include "console/keys.h"
#include "lib/clock.h"
#include "panels/dms.h"
#include "panels/panel.h"
#include "session/metrics.h"

typedef struct Slot {
    const PanelClass *cls;
    int height;
} Slot;

/* Gives each panel its minimum, then hands out the remaining rows in order up
 * to each preferred height; whatever is left goes to the panel at `grow`. */
static void Screen_stack(Slot *slots, int n, int grow, const PanelView *view, int width, int rows)
{
    int used = 0;
    for (int i = 0; i < n; i++) {
        slots[i].height = slots[i].cls->min_height;
        used += slots[i].height;
    }
    for (int i = 0; i < n && used < rows; i++) {
        int want = slots[i].cls->measure(view, width) - slots[i].height;
        int give = want < rows - used ? want : rows - used;
        if (give > 0) {
            slots[i].height += give;
            used += give;
        }
    }
    if (used < rows)
        slots[grow].height += rows - used;
}

static void Screen_column(Canvas *c, const PanelView *view, Slot *slots, int n, int grow, Rect r)
{
    Screen_stack(slots, n, grow, view, r.w, r.h);
    int y = r.y;
    for (int i = 0; i < n && y < r.y + r.h; i++) {
        int h = slots[i].height;
        if (y + h > r.y + r.h)
            h = r.y + r.h - y;
        Panel_draw(slots[i].cls, view, c, (Rect){r.x, y, r.w, h});
        y += h;
    }
}

static void Screen_probe_dot(Canvas *c, const Model *m, const char *name, const char *shown, int *x,
                             int y, int end)
{
    const ProbeHealth *p = Model_probe(m, name);
    Role role = !p                        ? ROLE_STATUS
                : p->state == PROBE_OK    ? ROLE_OK
                : p->state == PROBE_ERROR ? ROLE_ALARM
                                          : ROLE_WARN;
    const char *word = !p                        ? "?"
                       : p->state == PROBE_OK    ? "ok"
                       : p->state == PROBE_ERROR ? "down"
                       : p->state == PROBE_STALE ? "stale"
                                                 : "...";
    /* Replication stopped by the plan's last step is done, not a failure
     * of the server. */
    if (p && p->state == PROBE_ERROR && strncmp(p->text, "replication stopped", 19) == 0 &&
        Model_step_done(m, "stop-replication")) {
        role = ROLE_OK;
        word = "stopped";
    }
    *x += Canvas_printf(c, *x, y, end - *x, ROLE_STATUS, " %s:", shown);
    *x += Canvas_text(c, *x, y, end - *x, role, word);
}

static void Screen_status(Canvas *c, const Model *m, const ScreenState *st)
{
    Canvas_fill(c, (Rect){0, 0, c->cols, 1}, ' ', ROLE_STATUS);
    char utc[32];
    Clock_format_utc(m->now_wall_ms, utc, sizeof utc);
    utc[19] = '\0'; /* to the second: the status line is not the audit */
    const char *mode = st->mode == KEYS_REPLAY   ? "REPLAY"
                       : st->mode == KEYS_FOLLOW ? "FOLLOW"
                       : st->readonly            ? "READ-ONLY"
                                                 : "LIVE";
    int x = Canvas_printf(c, 0, 0, c->cols, ROLE_STATUS, " cutover  %s  %s  %s UTC%s", mode,
                          m->plan_name, utc + 11, st->frozen ? "  FROZEN" : "");
    static const char *const probes[] = {PROBE_SOURCE, PROBE_TARGET, PROBE_HEARTBEAT,
                                         PROBE_ENDPOINT, PROBE_AWS};
    static const char *const short_names[] = {"src", "tgt", "hb", "ep", "aws"};
    size_t nprobes = Model_probe(m, PROBE_AWS) ? 5 : 4;
    bool narrow = c->cols < 110;
    int right = c->cols - 1, need = 0;
    for (size_t i = 0; i < nprobes; i++)
        need += (int)strlen(narrow ? short_names[i] : probes[i]) + 7;
    int px = right - need > x + 1 ? right - need : x + 1;
    for (size_t i = 0; i < nprobes && px < right; i++)
        Screen_probe_dot(c, m, probes[i], narrow ? short_names[i] : probes[i], &px, 0, right);
}

static void Screen_second_line(Canvas *c, const Model *m, const ScreenState *st, int y)
{
    if (st->banner) {
        Canvas_text(c, 1, y, c->cols - 2, ROLE_WARN, st->banner);
        return;
    }
    if (st->mode == KEYS_REPLAY) {
        char tplus[24];
        Clock_format_duration(m->now_wall_ms - m->start_wall_ms, tplus, sizeof tplus);
        const StepView *cur = Model_current_step(m);
        Canvas_printf(c, 1, y, c->cols - 2, ROLE_MUTED, "T+%s  %.2gx  %s  %3.0f%%  step: %s", tplus,
                      st->speed, st->playing ? "playing" : "paused", st->position_percent,
                      cur ? cur->title : "-");
        return;
    }
    const StepView *held = Model_held_step(m);
    if (held) {
        Canvas_printf(c, 1, y, c->cols - 2, ROLE_ALARM,
                      "HELD past the point of no return: %s failed.%s", held->id,
                      st->readonly ? " The lead's console decides."
                                   : " r retry  s skip  d done by hand  R roll back past the "
                                     "point (counts the target's writes)");
        return;
    }
    int x = 1 + Canvas_printf(c, 1, y, c->cols - 2, ROLE_MUTED, "session: %s",
                              st->session_file ? st->session_file : "not recorded (read-only)");
    /* Who outside the terminal is not hearing: the webhooks' losses. */
    const Series *dropped = Model_series(m, M_NOTIFY_DROPPED);
    if (dropped && dropped->last > 0 && x < c->cols - 2)
        Canvas_printf(c, x, y, c->cols - 1 - x, ROLE_WARN, "  notify: %.0f dropped", dropped->last);
}

static void Screen_keybar(Canvas *c, const ScreenState *st)
{
    int y = c->rows - 1;
    Canvas_fill(c, (Rect){0, y, c->cols, 1}, ' ', ROLE_KEY_LABEL);
    size_t n;
    const KeyBinding *all = Keys_all(&n);
    int x = 0;
    for (size_t i = 0; i < n; i++) {
        if (!all[i].bar_label || !Keys_applies(&all[i], st->mode, st->readonly))
            continue;
        int need = (int)(strlen(all[i].key_name) + strlen(all[i].bar_label)) + 2;
        if (x + need > c->cols)
            break; /* the rest is in the help (?), which is always first */
        x += Canvas_text(c, x, y, c->cols - x, ROLE_KEY, all[i].key_name);
        x += Canvas_printf(c, x, y, c->cols - x, ROLE_KEY_LABEL, " %s ", all[i].bar_label);
    }
}

static Rect Screen_dialog_rect(const Canvas *c, int w, int h)
{
    if (w > c->cols - 4)
        w = c->cols - 4;
    if (h > c->rows - 2)
        h = c->rows - 2;
    return (Rect){(c->cols - w) / 2, (c->rows - h) / 2, w, h};
}

/* The help, in two columns when one does not fit the terminal's height. */
static void Screen_help(Canvas *c, const ScreenState *st)
{
    size_t n;
    const KeyBinding *all = Keys_all(&n);
    int lines = 0;
    for (size_t i = 0; i < n; i++)
        lines += Keys_applies(&all[i], st->mode, st->readonly);
    int columns = lines + 4 > c->rows - 2 ? 2 : 1;
    int per_column = (lines + columns - 1) / columns;
    Rect r = Screen_dialog_rect(c, columns == 1 ? 78 : c->cols - 4, per_column + 4);
    Canvas_fill(c, r, ' ', ROLE_DIALOG);
    Canvas_box(c, r, ROLE_DIALOG, "Keys (any key closes)", ROLE_DIALOG);
    int col_w = (r.w - 4) / columns, shown = 0;
    for (size_t i = 0; i < n; i++) {
        if (!Keys_applies(&all[i], st->mode, st->readonly))
            continue;
        int x = r.x + 2 + (shown / per_column) * col_w, y = r.y + 1 + shown % per_column;
        if (y < r.y + r.h - 1)
            Canvas_printf(c, x, y, col_w - 1, ROLE_DIALOG, "%-12s %s", all[i].key_name,
                          all[i].help);
        shown++;
    }
}

/* Wraps text into the dialog at word boundaries; returns the lines used. */
static int Screen_wrap(Canvas *c, Rect r, const char *text)
{
    int y = r.y, len = (int)strlen(text), pos = 0;
    while (pos < len && y < r.y + r.h) {
        int take = len - pos;
        const char *nl = memchr(text + pos, '\n', (size_t)take);
        if (nl)
            take = (int)(nl - (text + pos));
        if (take > r.w) {
            take = r.w;
            while (take > 0 && text[pos + take] != ' ')
                take--;
            if (take == 0)
                take = r.w;
        }
        Canvas_printf(c, r.x, y++, r.w, ROLE_DIALOG, "%.*s", take, text + pos);
        pos += take;
        while (pos < len && (text[pos] == ' ' || text[pos] == '\n'))
            pos++;
    }
    return y - r.y;
}

static void Screen_dialog(Canvas *c, const ScreenState *st)
{
    Rect r = Screen_dialog_rect(c, 70, 10);
    Canvas_fill(c, r, ' ', ROLE_DIALOG);
    Canvas_box(c, r, ROLE_DIALOG, st->overlay_title, ROLE_DIALOG);
    Rect body = {r.x + 2, r.y + 1, r.w - 4, r.h - 3};
    int used = Screen_wrap(c, body, st->overlay_text);
    if (st->overlay == OVERLAY_INPUT)
        Canvas_printf(c, body.x, body.y + used + (used < body.h), body.w, ROLE_DIALOG, "> %s_",
                      st->input);
    const char *hint =
        st->overlay == OVERLAY_CONFIRM ? "y: yes   any other key: no" : "Enter: done   Esc: cancel";
    Canvas_text(c, body.x, r.y + r.h - 2, body.w, ROLE_DIALOG, hint);
}

static void Screen_too_small(Canvas *c)
{
    char msg[120];
    snprintf(msg, sizeof msg, "terminal too small: %dx%d, cutover needs at least %dx%d", c->cols,
             c->rows, SCREEN_MIN_COLS, SCREEN_MIN_ROWS);
    int y = c->rows / 2;
    Canvas_text(c, 0, y, c->cols, ROLE_ALARM, msg);
    Canvas_text(c, 0, y + 1, c->cols, ROLE_MUTED, "the probes and the recording go on");
}

void Screen_render(Canvas *c, const Model *m, const ScreenState *st)
{
    Canvas_clear(c);
    if (c->cols < SCREEN_MIN_COLS || c->rows < SCREEN_MIN_ROWS) {
        Screen_too_small(c);
        return;
    }
    PanelView view = {.model = m, .selected_step = st->selected_step, .ascii = c->ascii};
    Screen_status(c, m, st);
    /* Below 30 rows the panels need the line more than the session path,
     * less than a hold that waits for the lead. */
    bool second = c->rows >= 30 || st->banner || st->mode == KEYS_REPLAY || Model_held_step(m);
    if (second)
        Screen_second_line(c, m, st, 1);
    int top = second ? 2 : 1, height = c->rows - top - 1;
    int left_w = c->cols * 56 / 100;
    Slot left[] = {{&LagPanel_class, 0},
                   {&CdcPanel_class, 0},
                   {&EndpointPanel_class, 0},
                   {&ServersPanel_class, 0}};
    /* The DMS panel only when the plan has a DMS task (its probe names the
     * task at start, so replay shows it too); the right column has the room
     * at 80x24, where the left one has none to spare. */
    Slot right[] = {{&ChecklistPanel_class, 0}, {&DmsPanel_class, 0}, {&EventsPanel_class, 0}};
    int nright = 3;
    if (!DmsPanel_wanted(m)) {
        right[1] = right[2];
        nright = 2;
    }
    Screen_column(c, &view, left, 4, 0, (Rect){0, top, left_w, height});
    Screen_column(c, &view, right, nright, nright - 1,
                  (Rect){left_w, top, c->cols - left_w, height});
    Screen_keybar(c, st);
    if (st->overlay == OVERLAY_HELP)
        Screen_help(c, st);
    else if (st->overlay != OVERLAY_NONE)
        Screen_dialog(c, st);
}
