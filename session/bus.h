/* The event bus: many producers (probe threads, the executor, the UI), a few
 * consumers (the UI's fold, the recorder), each with its own queue so a slow
 * disk never holds up the screen and a busy screen never loses a record.
 * Posting never blocks on a consumer; queues grow instead of dropping. */
#ifndef CUTOVER_SESSION_BUS_H
#define CUTOVER_SESSION_BUS_H

#include <stddef.h>
#include <stdint.h>

#include "session/event.h"

typedef struct Bus Bus;
typedef struct BusQueue BusQueue;

/* A bus whose monotonic offsets count from now. */
Bus *Bus_new(void);
void Bus_free(Bus *bus);

/* The wall-clock time and monotonic reading the bus counts from. */
int64_t Bus_start_wall_ms(const Bus *bus);

/* Milliseconds on the bus's monotonic clock (what events' mono_ms count). */
int64_t Bus_now_mono_ms(const Bus *bus);

/* A new consumer queue. With a wake pipe, its read end becomes readable
 * whenever events are waiting (for poll() in the UI loop). */
BusQueue *Bus_attach(Bus *bus, int with_wake_fd);

/* Removes a queue attached for a while (a wait that reads the figures) and
 * frees it; nothing is posted to it any more. The caller must not be blocked
 * in it. */
void Bus_detach(Bus *bus, BusQueue *q);

/* Stamps the event's times when they are 0, then appends a copy to every
 * queue. Safe from any thread. */
void Bus_post(Bus *bus, const Event *ev);

/* Formats a log line, masks every registered secret in it (lib/redact),
 * and posts it as an EVENT_LOG from who. */
void Bus_post_log(Bus *bus, LogLevel level, const char *who, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Stop: consumers blocked in BusQueue_wait return 0 once their queue is empty. */
void Bus_close(Bus *bus);

/* The pipe to poll, or -1 for a queue without one. */
int BusQueue_fd(const BusQueue *q);

/* Takes up to max events without waiting; returns how many. */
size_t BusQueue_take(BusQueue *q, Event *out, size_t max);

/* Waits up to timeout_ms (-1 forever) for events; returns how many were taken,
 * 0 on timeout or when the bus is closed and the queue empty. */
size_t BusQueue_wait(BusQueue *q, Event *out, size_t max, int timeout_ms);

#endif
