#include "session/event.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const char *const kind_names[EVENT_KIND_COUNT] = {
    [EVENT_SAMPLE] = "sample", [EVENT_HEALTH] = "health",     [EVENT_ALARM] = "alarm",
    [EVENT_STEP] = "step",     [EVENT_DECISION] = "decision", [EVENT_NOTE] = "note",
    [EVENT_RESIZE] = "resize", [EVENT_LOG] = "log",
};

const char *Event_kind_name(EventKind kind)
{
    if ((int)kind < 0 || kind >= EVENT_KIND_COUNT)
        return NULL;
    return kind_names[kind];
}

int Event_kind_parse(const char *name)
{
    for (int i = 0; i < EVENT_KIND_COUNT; i++)
        if (strcmp(kind_names[i], name) == 0)
            return i;
    return -1;
}

void Event_copy_field(char *dst, size_t n, const char *src)
{
    if (!src)
        src = "";
    size_t len = strlen(src);
    if (len >= n)
        len = n - 1;
    memcpy(dst, src, len);
    dst[len] = '\0';
}

static void Event_reset(Event *ev, EventKind kind, const char *key)
{
    memset(ev, 0, sizeof *ev);
    ev->kind = kind;
    Event_copy_field(ev->key, sizeof ev->key, key);
}

void Event_sample(Event *ev, const char *key, double value, const char *origin)
{
    Event_reset(ev, EVENT_SAMPLE, key);
    ev->has_value = true;
    ev->value = value;
    Event_copy_field(ev->origin, sizeof ev->origin, origin);
}

void Event_sample_text(Event *ev, const char *key, const char *text, const char *origin)
{
    Event_reset(ev, EVENT_SAMPLE, key);
    Event_copy_field(ev->text, sizeof ev->text, text);
    Event_copy_field(ev->origin, sizeof ev->origin, origin);
}

void Event_health(Event *ev, const char *probe, int state, const char *text)
{
    Event_reset(ev, EVENT_HEALTH, probe);
    ev->state = state;
    Event_copy_field(ev->text, sizeof ev->text, text);
}

void Event_alarm(Event *ev, const char *key, bool raised, const char *text)
{
    Event_reset(ev, EVENT_ALARM, key);
    ev->state = raised ? 1 : 0;
    Event_copy_field(ev->text, sizeof ev->text, text);
}

void Event_step(Event *ev, const char *key, int state, int index, const char *text)
{
    Event_reset(ev, EVENT_STEP, key);
    ev->state = state;
    ev->has_value = true;
    ev->value = index;
    Event_copy_field(ev->text, sizeof ev->text, text);
}

void Event_log(Event *ev, LogLevel level, const char *who, const char *fmt, ...)
{
    Event_reset(ev, EVENT_LOG, who);
    ev->state = (int)level;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ev->text, sizeof ev->text, fmt, ap);
    va_end(ap);
}
