/* All probes of a plan: each on its own thread with its own connections,
 * timeouts and reconnect backoff, posting samples and health to the bus. */
#ifndef CUTOVER_PROBES_PROBES_H
#define CUTOVER_PROBES_PROBES_H

#include <stdbool.h>
#include <stddef.h>

#include "plan/plan.h"
#include "session/bus.h"

typedef struct Probes Probes;

typedef struct ProbesConfig {
    const Plan *plan;
    Bus *bus;
    bool write_heartbeat; /* false for observers (--readonly): read, never write */
} ProbesConfig;

/* Starts every probe thread; returns at once (connections happen on the
 * threads, never here). */
Probes *Probes_start(const ProbesConfig *config);

/* Pauses or resumes the heartbeat writes on the source. The cutover pauses
 * them once lag zero is proven, so nothing of the console's lands on the
 * frozen source afterwards; a rollback of read-only resumes them. */
void Probes_set_heartbeat_writes(Probes *probes, bool on);

/* Signals every thread and joins them; bounded by the plan's timeouts. */
void Probes_stop(Probes *probes);

#endif
