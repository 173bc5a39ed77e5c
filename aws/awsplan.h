/* The plan's AWS settings turned into a client, and the Secrets Manager
 * password resolver plugged into plan/secret at start-up. */
#ifndef CUTOVER_AWS_AWSPLAN_H
#define CUTOVER_AWS_AWSPLAN_H

#include <stdbool.h>
#include <stddef.h>

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

/* Makes passwords given as { "aws_secret": ID } resolvable, with the plan's
 * AWS settings (copied: the plan may be freed before the process ends). */
void Awsplan_install_resolver(const PlanAws *aws);

/* Whether the plan uses AWS for anything the probes watch. */
int Awsplan_watches(const Plan *plan);

#endif
