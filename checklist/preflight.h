/* The go/no-go checks, shared by the preflight step and `cutover check`:
 * connections to both servers with the plan's TLS mode, binlog_format=ROW,
 * binlog retention, replication running, lag under the threshold for the
 * plan's window (measured with the console's own heartbeat writes), and the
 * heartbeat and fence tables present on both servers. */
#ifndef CUTOVER_CHECKLIST_PREFLIGHT_H
#define CUTOVER_CHECKLIST_PREFLIGHT_H

#include <stdbool.h>

#include "checklist/step.h"

/* Called once per check, in order. */
typedef void (*PreflightFn)(void *arg, const char *check, bool pass, const char *why);

/* Runs every check (a failed connection fails the checks that need it);
 * returns how many failed (0 = go). */
int Preflight_run(StepCtx *c, PreflightFn fn, void *arg);

/* What the checks run, for --dry-run. */
void Preflight_describe(StepCtx *c);

#endif
