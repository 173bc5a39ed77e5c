/* TIME as people write it for replay: a UTC time ("2026-11-21T00:30:08Z",
 * with or without ".123" milliseconds), a time of day on the recorded day
 * ("00:30:08", "00:30"), or an offset from the session start ("+8s",
 * "+1m30s", "+2h", "+1500ms", also "T+8s"). */
#ifndef CUTOVER_REPLAY_TIMEARG_H
#define CUTOVER_REPLAY_TIMEARG_H

#include <stddef.h>
#include <stdint.h>

/* Parses text for a session that started at start_ms and whose last event is
 * at end_ms. A time of day is on the start's UTC day; when that is before
 * the start and the session runs past midnight, on the next day. 0 with the
 * UTC ms in *out, or -1 with a message naming what was wrong in err. The
 * result is not checked against the session's span: see TimeArg_check. */
int TimeArg_parse(const char *text, int64_t start_ms, int64_t end_ms, int64_t *out, char *err,
                  size_t errsize);

/* 0 when t lies within [start_ms, end_ms], else -1 with a message saying
 * which end it is past and where the recording starts or ends. */
int TimeArg_check(const char *text, int64_t t, int64_t start_ms, int64_t end_ms, char *err,
                  size_t errsize);

#endif
