/* The failover sentinel. The source's RDS endpoint name is resolved on every
 * refresh; the addresses seen first are recorded, and when the name moves
 * away from them (a Multi-AZ failover: the NLB behind the PrivateLink
 * endpoint still points at the old address) an alarm on
 * rds.source.address is raised until it is back. Pre-flight asks the same
 * question through Sentinel_check and says no-go while it is raised.
 *
 * The resolver is injectable so tests can move a name without touching
 * /etc/hosts (which other tests on the machine share) or DNS. */
#ifndef CUTOVER_PROBES_SENTINEL_H
#define CUTOVER_PROBES_SENTINEL_H

#include <stdbool.h>
#include <stddef.h>

#include "probes/probe.h"

/* Writes the sorted addresses of host ("10.0.0.1, 10.0.0.2") into out;
 * returns 0, or -1 with err. */
typedef int (*SentinelResolveFn)(const char *host, int port, char *out, size_t size, char *err,
                                 size_t errlen);

/* NULL restores getaddrinfo (with the plan's connect timeout). */
void Sentinel_set_resolver(SentinelResolveFn fn);

/* The host the sentinel watches: the source's host when the plan names an
 * RDS instance for it and the host is a name, not an address; else NULL. */
const char *Sentinel_host(const Plan *plan);

/* Pre-flight: resolves the host now and compares with what the running
 * sentinel recorded. true = go; why says what was seen. */
bool Sentinel_check(const Plan *plan, char *why, size_t size);

/* Forgets the recorded addresses (a new session, the tests). */
void Sentinel_reset(void);

void Sentinel_run(Probe *p);

#endif
