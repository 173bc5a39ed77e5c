/* The "aws" probe: one thread for the plan's AWS figures. Each CloudWatch
 * refresh is ONE batched GetMetricData for the RDS metrics of source and
 * target (DBInstanceIdentifier = the plan's rds_instance) and the DMS task's
 * CDC metrics; the DMS API is asked in between (probes/dms.c). RDS figures
 * go under the keys the RDS panel reads, with origin "CloudWatch 1m" (they
 * are 1-minute averages); DMS latency also goes under lag.dms_s for the lag
 * panel. */
#ifndef CUTOVER_PROBES_CLOUDWATCH_H
#define CUTOVER_PROBES_CLOUDWATCH_H

#include <stddef.h>

#include "aws/cloudwatch.h"
#include "plan/plan.h"
#include "probes/probe.h"

/* CloudWatch publishes RDS and DMS metrics once a minute: asking more often
 * than this only costs money. The DMS API is asked more often. */
#define CLOUDWATCH_MIN_INTERVAL_MS 10000
#define DMS_MIN_INTERVAL_MS        5000

#define CLOUDWATCH_MAX_QUERIES 24

/* What a query's datapoint becomes: key, and a scale (bytes to MB). */
typedef struct CloudwatchFigure {
    char key[EVENT_KEY_MAX];
    double scale;
} CloudwatchFigure;

/* Which account's figures: the source instance's, or the target's with
 * DMS's. */
enum { CLOUDWATCH_SOURCE = 1, CLOUDWATCH_TARGET = 2 };

/* The queries for a plan's sides (dms_instance_id NULL or "": no DMS
 * queries yet); returns how many were written to q and figures. */
size_t Cloudwatch_queries(const Plan *plan, unsigned sides, const char *dms_instance_id,
                          Cw_query *q, CloudwatchFigure *figures, size_t max);

/* Posts the figures of a reply; returns how many had a datapoint. */
int Cloudwatch_post(Probe *p, const CloudwatchFigure *figures, const Cw_result *res, size_t n);

void Cloudwatch_run(Probe *p);

#endif
