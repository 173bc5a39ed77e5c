/* The one currency of cutover: everything the console knows is an Event with
 * a timestamp. Probes and the checklist post them to the bus; the recorder
 * writes them to the session file; the model folds them into screen state;
 * replay feeds the same fold from the file. Events are plain fixed-size values
 * so they can be copied across threads without ownership questions. */
#ifndef CUTOVER_SESSION_EVENT_H
#define CUTOVER_SESSION_EVENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum {
    EVENT_SAMPLE = 0, /* key = metric, value (and/or text), origin = where it came from */
    EVENT_HEALTH,     /* key = probe name, state = ProbeState, text = error */
    EVENT_ALARM,      /* key = metric, state = 1 raised / 0 cleared, text = why */
    EVENT_STEP,       /* key = step id, state = StepState, value = step index, text */
    EVENT_DECISION,   /* key = action ("confirm", "abort", ...), text = what was decided */
    EVENT_NOTE,       /* text = the operator's remark */
    EVENT_RESIZE,     /* value = columns, value2 = rows */
    EVENT_LOG,        /* state = LogLevel, key = who, text = message */
    EVENT_KIND_COUNT
} EventKind;

typedef enum { LOG_INFO = 0, LOG_WARN = 1, LOG_ERROR = 2 } LogLevel;

#define EVENT_KEY_MAX    48
#define EVENT_ORIGIN_MAX 32
#define EVENT_TEXT_MAX   200

typedef struct Event {
    EventKind kind;
    int64_t wall_ms; /* UTC milliseconds since the epoch */
    int64_t mono_ms; /* monotonic milliseconds, relative to the session start */
    int state;
    bool has_value; /* false for text-only samples (a GTID, an address list) */
    double value;
    double value2;
    char key[EVENT_KEY_MAX];
    char origin[EVENT_ORIGIN_MAX];
    char text[EVENT_TEXT_MAX];
} Event;

/* Names used in the session file ("sample", "health", ...); NULL if out of range. */
const char *Event_kind_name(EventKind kind);

/* Parse a kind name back; returns -1 when unknown. */
int Event_kind_parse(const char *name);

/* Helpers that fill an event (times left 0: the bus stamps them). Strings are
 * truncated to their fields, never overflow. */
void Event_sample(Event *ev, const char *key, double value, const char *origin);
void Event_sample_text(Event *ev, const char *key, const char *text, const char *origin);
void Event_health(Event *ev, const char *probe, int state, const char *text);
void Event_alarm(Event *ev, const char *key, bool raised, const char *text);
/* A step's state: key = the step id (or the point-of-no-return mark), value
 * = its index in the plan, state = StepState. */
void Event_step(Event *ev, const char *key, int state, int index, const char *text);
void Event_log(Event *ev, LogLevel level, const char *who, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Copy src into a fixed field of size n, always terminated. */
void Event_copy_field(char *dst, size_t n, const char *src);

#endif
