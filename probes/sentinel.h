/* The failover sentinel, aimed where the seed's risk is. The NLB behind
 * the PrivateLink endpoint service forwards to the source instance's
 * private IP; a Multi-AZ failover moves that IP and the NLB keeps sending
 * to the old one. On every refresh the sentinel reads the instance's own
 * endpoint (RDS DescribeDBInstances Endpoint.Address, not the PrivateLink
 * name the console connects to), resolves it, and compares the addresses
 * with the NLB target group's healthy targets (ELBv2 DescribeTargetHealth,
 * endpoint.target_group_arn); without a target group, with the addresses
 * seen first. A difference raises an alarm on rds.source.address until it
 * is gone; pre-flight and the gate before the freeze ask the same question
 * through Sentinel_check and stop on it.
 *
 * The look (AWS and DNS) is injectable so that unit tests can move an
 * instance without either. */
#ifndef CUTOVER_PROBES_SENTINEL_H
#define CUTOVER_PROBES_SENTINEL_H

#include <stdbool.h>
#include <stddef.h>

#include "aws/elbv2.h"
#include "aws/http.h"
#include "probes/addrs.h"
#include "probes/probe.h"

/* One look at where the instance is and where the NLB sends. */
typedef struct {
    char endpoint[256];         /* the instance's Endpoint.Address */
    char addrs[ADDRS_TEXT_MAX]; /* what it resolves to now, sorted, ", "-joined */
    bool have_group;            /* the plan names a target group */
    Elb_target targets[ELB_TARGETS_MAX];
    size_t ntargets;
} SentinelLook;

/* Fills a look for the plan; 0, or -1 with err. *client is the source
 * side's AWS client kept between looks: made on first use when NULL, freed
 * by the caller. */
typedef int (*SentinelLookFn)(const Plan *plan, Aws_client **client, SentinelLook *out, char *err,
                              size_t errlen);

/* NULL restores the real look (AWS with the source side's settings, then
 * getaddrinfo). */
void Sentinel_set_look(SentinelLookFn fn);

/* The RDS instance the sentinel watches (source.rds_instance), or NULL. */
const char *Sentinel_instance(const Plan *plan);

/* Judges a look: true when the NLB can reach the instance (every address
 * of the instance a healthy target; without a group, the addresses those
 * recorded first, or none recorded yet); why says what was seen. */
bool Sentinel_judge(const SentinelLook *l, const char *first, char *why, size_t size);

/* A fresh look, judged against what the running sentinel recorded first.
 * true = go. Pre-flight and the gate before the freeze. */
bool Sentinel_check(const Plan *plan, char *why, size_t size);

/* Forgets the recorded addresses and alarm (a new session, the tests). */
void Sentinel_reset(void);

void Sentinel_run(Probe *p);

#endif
