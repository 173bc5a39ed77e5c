/* Rates from cumulative counters (status counters, binlog positions) over
 * the monotonic clock. A counter that goes backwards (server restart, FLUSH
 * STATUS) drops the history instead of producing a negative rate. */
#ifndef CUTOVER_PROBES_RATE_H
#define CUTOVER_PROBES_RATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RATE_WINDOW_MAX 64

typedef struct RateWindow {
    int64_t t_ms[RATE_WINDOW_MAX];
    double value[RATE_WINDOW_MAX];
    size_t head; /* oldest */
    size_t count;
} RateWindow;

void RateWindow_reset(RateWindow *w);

/* Adds a reading at mono_ms. Readings at the same or an earlier time as the
 * newest are ignored; a value below the newest restarts the window. */
void RateWindow_add(RateWindow *w, int64_t mono_ms, double value);

/* Per-second rate between the newest reading and the oldest one at most
 * window_ms older (window_ms 0: the previous reading). False when there are
 * fewer than two readings to use. */
bool RateWindow_rate(const RateWindow *w, int64_t window_ms, double *per_s);

#endif
