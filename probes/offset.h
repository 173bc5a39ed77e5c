/* A server's clock against the local clock, NTP style: a query reads the
 * server's NOW(6); assuming the answer was produced half way through the
 * round trip, offset = server_now - (local_send + rtt / 2). The sample with
 * the shortest round trip among the last few has the smallest error bound
 * (+- rtt/2), so that one is used. */
#ifndef CUTOVER_PROBES_OFFSET_H
#define CUTOVER_PROBES_OFFSET_H

#include <stdbool.h>
#include <stddef.h>

#define OFFSET_SAMPLES 8

typedef struct OffsetFilter {
    double offset_s[OFFSET_SAMPLES];
    double rtt_s[OFFSET_SAMPLES];
    size_t count;
    size_t next;
} OffsetFilter;

/* Seconds the server's clock is ahead of the local one. local_send_s is the
 * local wall clock when the query left; rtt_s its monotonic round trip. */
double Offset_sample(double server_now_s, double local_send_s, double rtt_s);

void OffsetFilter_reset(OffsetFilter *f);
void OffsetFilter_add(OffsetFilter *f, double offset_s, double rtt_s);
/* The offset of the shortest round trip kept; false when empty. */
bool OffsetFilter_best(const OffsetFilter *f, double *offset_s);

/* Heartbeat lag: the target's NOW() minus the heartbeat written with the
 * source's NOW(), with both clocks brought back to the local one. */
double Offset_lag(double target_now_s, double heartbeat_s, double target_offset_s,
                  double source_offset_s);

#endif
