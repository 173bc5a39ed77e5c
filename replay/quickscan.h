/* A fast look at a session line, for the index's one pass over a long night:
 * json-c takes about 4 us a line, four seconds for a million events, while
 * the recorder writes every line in one fixed shape. This recognises exactly
 * that shape, strictly: whatever it accepts, EventJson_parse accepts with the
 * same time, kind and key (the fuzz harness checks it); anything unusual is
 * "not sure" and goes to the full parser. */
#ifndef CUTOVER_REPLAY_QUICKSCAN_H
#define CUTOVER_REPLAY_QUICKSCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "session/event.h"

typedef struct QuickEvent {
    int64_t wall_ms, mono_ms;
    EventKind kind;
    const char *key; /* into the line, not terminated: key_len bytes */
    size_t key_len;
    bool has_value; /* "v" present */
} QuickEvent;

/* 1 when line is certainly a valid event (q filled), 0 when not sure. */
int QuickScan_line(const char *line, size_t len, QuickEvent *q);

#endif
