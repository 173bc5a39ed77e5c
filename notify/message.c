/* The events worth telling the webhooks, and their bodies. */
#include "notify/message.h"

#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

#include "lib/clock.h"
#include "session/step_state.h"

void NotifyFilter_init(NotifyFilter *f, const Plan *plan)
{
    memset(f, 0, sizeof *f);
    f->plan = plan;
}

/* The state last said of key, remembered as state; whether it changed. */
static bool NotifyFilter_changed(NotifyFilter *f, const char *key, int state)
{
    for (int i = 0; i < f->nkeys; i++) {
        if (strcmp(f->keys[i], key) != 0)
            continue;
        bool changed = f->states[i] != state;
        f->states[i] = state;
        return changed;
    }
    if (f->nkeys < NOTIFY_STEPS_MAX) {
        Event_copy_field(f->keys[f->nkeys], EVENT_KEY_MAX, key);
        f->states[f->nkeys++] = state;
    }
    return state != STEP_PENDING; /* a first "pending" is the plan being shown */
}

/* The last step the plan runs, and the one that freezes the application. */
static StepKind NotifyFilter_last_step(const Plan *plan)
{
    for (int k = STEP_KIND_COUNT - 1; k > 0; k--)
        if (plan->steps[k].enabled)
            return (StepKind)k;
    return STEP_PREFLIGHT;
}

static StepKind NotifyFilter_freeze_step(const Plan *plan)
{
    return plan->steps[STEP_MAINTENANCE_ON].enabled ? STEP_MAINTENANCE_ON : STEP_READ_ONLY;
}

static void NotifyFilter_item(NotifyItem *it, const char *kind, const char *key, const char *state,
                              const char *text, int64_t wall_ms)
{
    memset(it, 0, sizeof *it);
    Event_copy_field(it->kind, sizeof it->kind, kind);
    Event_copy_field(it->key, sizeof it->key, key);
    Event_copy_field(it->state, sizeof it->state, state);
    Event_copy_field(it->text, sizeof it->text, text);
    it->wall_ms = wall_ms;
}

/* A step reaching a state that ends the run: the last one done, or the
 * freeze undone (the rollback undoes it last). */
static int NotifyFilter_end(NotifyFilter *f, const Event *ev, NotifyItem *out)
{
    const char *text = NULL;
    if (ev->state == STEP_DONE &&
        strcmp(ev->key, Plan_step_id(NotifyFilter_last_step(f->plan))) == 0)
        text = "cutover completed: every step done";
    else if (ev->state == STEP_ROLLED_BACK &&
             strcmp(ev->key, Plan_step_id(NotifyFilter_freeze_step(f->plan))) == 0)
        text = "rolled back: the application is on the source";
    if (!text)
        return 0;
    NotifyFilter_item(out, "end", "run", ev->state == STEP_DONE ? "completed" : "rolled-back", text,
                      ev->wall_ms);
    return 1;
}

static int NotifyFilter_step(NotifyFilter *f, const Event *ev, NotifyItem out[2])
{
    if (!NotifyFilter_changed(f, ev->key, ev->state))
        return 0;
    const char *kind = strcmp(ev->key, STEP_POINT_ID) == 0      ? "point"
                       : strcmp(ev->key, STEP_DOWNTIME_ID) == 0 ? "downtime"
                                                                : "step";
    NotifyFilter_item(&out[0], kind, ev->key, StepState_name((StepState)ev->state), ev->text,
                      ev->wall_ms);
    return 1 + NotifyFilter_end(f, ev, &out[1]);
}

int NotifyFilter_take(NotifyFilter *f, const Event *ev, NotifyItem out[2])
{
    switch (ev->kind) {
    case EVENT_STEP: return NotifyFilter_step(f, ev, out);
    case EVENT_ALARM:
        NotifyFilter_item(&out[0], "alarm", ev->key, ev->state ? "raised" : "cleared", ev->text,
                          ev->wall_ms);
        return 1;
    case EVENT_DECISION: {
        bool leaving = strcmp(ev->key, "quit") == 0 || strcmp(ev->key, "signal") == 0;
        NotifyFilter_item(&out[0], leaving ? "end" : "decision", ev->key,
                          leaving ? "console-closed" : "", ev->text, ev->wall_ms);
        return 1;
    }
    default: return 0;
    }
}

/* "step maintenance-on: done: flag written" as one line for people. */
static void NotifyMessage_line(const char *plan_name, long dropped_before, const NotifyItem *it,
                               char *out, size_t size)
{
    char at[32], dropped[64] = "";
    Clock_format_utc(it->wall_ms, at, sizeof at);
    if (dropped_before > 0)
        snprintf(dropped, sizeof dropped, " (%ld earlier message%s dropped)", dropped_before,
                 dropped_before == 1 ? "" : "s");
    snprintf(out, size, "[%s] %s %s %s%s%s%s%s%s", plan_name, at, it->kind, it->key,
             it->state[0] ? ": " : "", it->state, it->text[0] ? ": " : "", it->text, dropped);
}

void NotifyMessage_body(NotifyFormat format, const char *plan_name, long seq, long dropped_before,
                        const NotifyItem *item, char *out, size_t size)
{
    json_object *o = json_object_new_object();
    if (format == NOTIFY_SLACK) {
        char line[NOTIFY_BODY_MAX];
        NotifyMessage_line(plan_name, dropped_before, item, line, sizeof line);
        json_object_object_add(o, "text", json_object_new_string(line));
    } else {
        char at[32];
        Clock_format_utc(item->wall_ms, at, sizeof at);
        json_object_object_add(o, "source", json_object_new_string("cutover"));
        json_object_object_add(o, "plan", json_object_new_string(plan_name));
        json_object_object_add(o, "seq", json_object_new_int64(seq));
        json_object_object_add(o, "at", json_object_new_string(at));
        json_object_object_add(o, "kind", json_object_new_string(item->kind));
        json_object_object_add(o, "key", json_object_new_string(item->key));
        json_object_object_add(o, "state", json_object_new_string(item->state));
        json_object_object_add(o, "text", json_object_new_string(item->text));
        json_object_object_add(o, "dropped_before", json_object_new_int64(dropped_before));
    }
    snprintf(
        out, size, "%s",
        json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(o);
}
