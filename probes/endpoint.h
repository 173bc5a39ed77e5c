/* The PrivateLink endpoint (the proxy in the lab), every refresh: DNS
 * resolution time and the sorted address list (an alarm when it differs
 * from the first seen), TCP connect time, the TLS handshake time when the
 * source's TLS mode is not off (timed on our own MySQL SSLRequest, since
 * Connector/C does not report it), and a SELECT 1 round trip on a
 * persistent connection through the endpoint as the source's account. Every
 * raw sample is posted; the model computes p50/p95/max. Loss is the share
 * of failed rounds over the last 60 s.
 *
 * A raw TCP or TLS probe ends without logging in, which the server counts
 * against the endpoint's address (max_connect_errors, default 100, then
 * "Host is blocked" for every client behind that address, the whole
 * application when PrivateLink hides client addresses). Only a successful
 * login resets that count, so the probe logs in again at least every
 * ENDPOINT_RAW_PER_LOGIN raw probes and makes no raw probe while it cannot. */
#ifndef CUTOVER_PROBES_ENDPOINT_H
#define CUTOVER_PROBES_ENDPOINT_H

#include "probes/probe.h"

#define ENDPOINT_LOSS_WINDOW_MS 60000
#define ENDPOINT_RAW_PER_LOGIN  20

void Endpoint_run(Probe *p);

#endif
