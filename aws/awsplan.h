/* The plan's AWS settings turned into a client, and the Secrets Manager
 * password resolver plugged into plan/secret at start-up. */
#ifndef CUTOVER_AWS_AWSPLAN_H
#define CUTOVER_AWS_AWSPLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "aws/http.h"
#include "plan/plan.h"

/* A client for one side's account: its region, profile and role (the
 * plan's top level filling what the side leaves out) and the endpoint
 * override; each attempt bounded by timeout_ms (0: the transport's
 * default). */
Aws_client *Awsplan_client(const PlanAws *aws, AwsSide side, long timeout_ms, char *err,
                           size_t errlen);

/* Whether both sides resolve to the same settings (one account, one
 * client is enough). */
bool Awsplan_one_account(const PlanAws *aws);

/* Starts the run's AWS session with the plan's AWS settings (copied: the
 * plan may be freed before the process ends): passwords given as
 * { "aws_secret": ID } become resolvable, and every client made for the
 * plan's settings shares one credentials provider per account. */
void Awsplan_begin(const PlanAws *aws);

/* Ends it: the providers and their keys are wiped and freed. */
void Awsplan_end(void);

/* At a step's start: each account the plan uses gets keys that last
 * hold_ms, resolved now if needed and held (no credential call inside the
 * step), and its principal (GetCallerIdentity, once per new keys) for the
 * audit. 0, with warn set when keys expire before the hold ends; -1 with
 * err when an account has no valid keys. */
int Awsplan_prepare(const Plan *plan, int64_t hold_ms, char *warn, size_t warnlen, char *err,
                    size_t errlen);

/* Whether a side's account is used at all by this plan (its own AWS calls,
 * its password from Secrets Manager, or an account the plan expects). */
bool Awsplan_side_used(const Plan *plan, AwsSide side);

/* Whether the plan uses AWS for anything the probes watch. */
int Awsplan_watches(const Plan *plan);

#endif
