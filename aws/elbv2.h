/* Elastic Load Balancing v2 over the Query protocol: the health of a target
 * group's registered targets (DescribeTargetHealth). The failover sentinel
 * compares them with where the source instance is now: the seed's NLB
 * forwards to the instance's private IP, which a Multi-AZ failover moves. */
#ifndef CUTOVER_AWS_ELBV2_H
#define CUTOVER_AWS_ELBV2_H

#include <stddef.h>

#include "aws/http.h"

#define ELB_TARGETS_MAX 16

typedef struct {
    char id[128]; /* an IP address (target type ip) or an instance id */
    int port;
    char state[32]; /* "healthy", "unhealthy", "initial", "draining", ... */
    char reason[64];
} Elb_target;

/* Reads up to max targets of a DescribeTargetHealth reply; returns how
 * many (the list is one page: AWS does not page this call). */
size_t Elb_parse_targets(const char *body, Elb_target *out, size_t max);

/* The target group's targets into out; their count, or -1 with err. */
int Elb_target_health(Aws_client *c, const char *target_group_arn, Elb_target *out, size_t max,
                      char *err, size_t errlen);

#endif
