/* Notifications on the night: a consumer of the bus, on its own thread,
 * that tells the plan's webhooks (notify/webhook.c) what happens. Nothing
 * here ever waits on a webhook: a step is never delayed by one. What could
 * not be delivered is counted, logged when it starts and when it stops, and
 * recorded as the sample "notify.dropped". */
#ifndef CUTOVER_NOTIFY_NOTIFIER_H
#define CUTOVER_NOTIFY_NOTIFIER_H

#include <stddef.h>

#include "plan/plan.h"
#include "session/bus.h"

typedef struct Notifier Notifier;

/* Starts one webhook per plan entry and attaches to the bus. NULL when the
 * plan has none (and err empty), or NULL with err. */
Notifier *Notifier_start(const Plan *plan, Bus *bus, char *err, size_t errsize);

/* After the bus was closed: delivers what is queued for up to drain_ms
 * (the run's last word included), then stops. NULL is ignored. */
void Notifier_stop(Notifier *n, int drain_ms);

#endif
