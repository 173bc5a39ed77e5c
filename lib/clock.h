/* Time for cutover: wall clock (UTC ms) for the audit and recordings, a
 * monotonic clock for every duration. Never subtract two wall-clock times. */
#ifndef CUTOVER_LIB_CLOCK_H
#define CUTOVER_LIB_CLOCK_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* Milliseconds since the Unix epoch, UTC. */
int64_t Clock_wall_ms(void);

/* Milliseconds on CLOCK_MONOTONIC: only differences mean anything. */
int64_t Clock_mono_ms(void);

/* Microseconds on CLOCK_MONOTONIC, for latencies below a millisecond. */
int64_t Clock_mono_us(void);
/* Seconds with the nanoseconds as a fraction: heartbeat timestamps and
 * round trips, compared with the servers' fractional seconds. */
double Clock_wall_s(void);
double Clock_mono_s(void);

/* "2026-11-21T00:30:08.123Z" into buf (at least 25 bytes). */
void Clock_format_utc(int64_t wall_ms, char *buf, size_t size);

/* "00:30:08" (UTC time of day) into buf (at least 9 bytes). */
void Clock_format_hms(int64_t wall_ms, char *buf, size_t size);

/* "1m30.5s" style for a duration in ms, into buf. */
void Clock_format_duration(int64_t ms, char *buf, size_t size);

/* The CLOCK_MONOTONIC moment ms from now, as pthread_cond_timedwait takes
 * it (for a condition variable set to that clock). */
struct timespec Clock_mono_deadline(int64_t ms);

/* Sleep for ms milliseconds, resuming after signals. */
void Clock_sleep_ms(int64_t ms);

/* Sleeps up to ms, looking at *cancel every 5 ms: returns true (early) when
 * it was set, false after the whole wait. A NULL cancel never interrupts. */
bool Clock_sleep_unless(const atomic_bool *cancel, int64_t ms);

#endif
