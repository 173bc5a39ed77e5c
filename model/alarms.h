/* Alarms: the plan's thresholds checked against the model after each fold.
 * Raising and clearing are events (recorded, replayed); this only decides
 * when to post them, and remembers what it raised so it posts each once. */
#ifndef CUTOVER_MODEL_ALARMS_H
#define CUTOVER_MODEL_ALARMS_H

#include <stdbool.h>

#include "model/model.h"
#include "plan/plan.h"

#define ALARMS_MAX 16

typedef struct Alarms {
    PlanThresholds thresholds;
    char raised[ALARMS_MAX][EVENT_KEY_MAX];
    int nraised;
} Alarms;

void Alarms_init(Alarms *a, const PlanThresholds *thresholds);

/* Fills out[] with EVENT_ALARM events for conditions that started or ended
 * since the last call; returns how many (at most max). */
int Alarms_evaluate(Alarms *a, const Model *m, Event *out, int max);

/* The text of a raised alarm that forbids arming (replication stopped, the
 * DMS task not running: no change would reach the target, so no lag zero
 * could be proven; the failover sentinel: the NLB no longer reaches the
 * source instance), or NULL. */
const char *Alarms_blocking_arm(const Model *m);

#endif
