/* The plan's AWS settings turned into a client, and the Secrets Manager
 * password resolver plugged into plan/secret at start-up. */
#ifndef CUTOVER_AWS_AWSPLAN_H
#define CUTOVER_AWS_AWSPLAN_H

#include <stddef.h>

#include "aws/http.h"
#include "plan/plan.h"

/* A client with the plan's region, profile and endpoint override; each
 * attempt bounded by timeout_ms (0: the transport's default). */
Aws_client *Awsplan_client(const PlanAws *aws, long timeout_ms, char *err, size_t errlen);

/* Makes passwords given as { "aws_secret": ID } resolvable, with the plan's
 * AWS settings (copied: the plan may be freed before the process ends). */
void Awsplan_install_resolver(const PlanAws *aws);

/* Whether the plan uses AWS for anything the probes watch. */
int Awsplan_watches(const Plan *plan);

#endif
