/* The recorder: its own thread and bus queue, appending every event to the
 * session file. Step transitions, decisions and notes are fsynced at once,
 * samples at least once a second. Mode 0600. */
#ifndef CUTOVER_SESSION_RECORDER_H
#define CUTOVER_SESSION_RECORDER_H

#include <stddef.h>

#include "session/bus.h"

typedef struct Recorder Recorder;

typedef struct RecorderHeader {
    const char *plan_name;
    const unsigned char *plan_sha256; /* 32 bytes */
    int cols, rows;                   /* terminal size at start (0 headless) */
} RecorderHeader;

/* Creates path, writes the header line, and starts recording from bus. */
Recorder *Recorder_start(Bus *bus, const char *path, const RecorderHeader *header, char *err,
                         size_t errsize);

/* Writes what is queued, fsyncs, closes and frees rec. Call after the
 * producers stopped (or the bus was closed): events posted later stay in the
 * recorder's queue until Bus_free. */
void Recorder_stop(Recorder *rec);

/* The first write error seen ("" when none), for the status line, e.g.
 * "session file PATH: No space left on device". Recording goes on after an
 * error (the bus is never held up): events that could not be written are
 * lost, and a line cut by a failed write is ended before the next one. */
const char *Recorder_error(Recorder *rec);

#endif
