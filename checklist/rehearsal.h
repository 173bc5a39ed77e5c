/* The downtime predicted before the freeze: each step's cost measured in a
 * rehearsal (an earlier run's audit log: the time from a step's "start" to
 * its "done" record, the last completed run of each), summed over the steps
 * inside the window (the freezing step to the thawing one), plus the drain
 * estimate at the moment (Model_predict_downtime_ms). Lag zero's rehearsed cost is left out: it was
 * that night's drain, and the drain now replaces it. */
#ifndef CUTOVER_CHECKLIST_REHEARSAL_H
#define CUTOVER_CHECKLIST_REHEARSAL_H

#include <stddef.h>
#include <stdint.h>

#include "plan/plan.h"

typedef struct Rehearsal {
    int64_t cost_ms[STEP_KIND_COUNT]; /* -1: never completed in the log */
} Rehearsal;

/* Reads the audit log at path. 0, or -1 with err (unreadable, not an audit
 * log, no step completed in it). */
int Rehearsal_load(const char *path, Rehearsal *r, char *err, size_t errsize);

/* The window's steps of plan, lag zero aside, summed from r; text lists
 * them ("maintenance-on 12 ms, read-only 8 ms, ..."), naming the ones the
 * rehearsal lacks. Returns the sum, or -1 when the plan has no window. */
int64_t Rehearsal_window_ms(const Rehearsal *r, const Plan *plan, char *text, size_t size);

#endif
