/* The plan's "notify" section: named webhooks told of each step transition,
 * alarm, decision, the point of no return and the end of the run. */
#ifndef CUTOVER_PLAN_NOTIFY_H
#define CUTOVER_PLAN_NOTIFY_H

#include <stdbool.h>

#include "plan/plan.h"
#include "plan/reader.h"

bool PlanNotify_read(const Reader *r, const ReaderObj *root, PlanNotify *out);
void PlanNotify_free(PlanNotify *n);

#endif
