/* Network timings for the endpoint probe, each bounded by a timeout:
 * name resolution, TCP connect, and the TLS handshake of a MySQL session. */
#ifndef CUTOVER_PROBES_NETPROBE_H
#define CUTOVER_PROBES_NETPROBE_H

#include <netdb.h>
#include <stdbool.h>
#include <stddef.h>

/* getaddrinfo on a detached helper thread, waited for at most timeout_ms.
 * getaddrinfo cannot be cancelled (and getaddrinfo_a's gai_cancel cannot
 * stop a lookup already running), so a hung resolver is left to finish on
 * its helper, which frees the result itself; at most NETPROBE_DNS_IN_FLIGHT
 * such lookups are left behind before new ones are refused. Returns 0 with
 * *res to freeaddrinfo, or -1 with err. */
#define NETPROBE_DNS_IN_FLIGHT 2
int Netprobe_resolve(const char *host, int port, int timeout_ms, struct addrinfo **res, char *err,
                     size_t errsize);

/* Numeric text of an address ("10.0.0.1", "fd00::1"). */
void Netprobe_address_text(const struct addrinfo *ai, char *out, size_t size);

/* Non-blocking connect with poll: returns the connected socket, or -1. */
int Netprobe_connect(const struct addrinfo *ai, int timeout_ms, char *err, size_t errsize);

/* On a freshly connected MySQL socket: reads the server greeting, asks for
 * TLS (the SSLRequest packet) and times the TLS handshake alone, in ms.
 * Returns 1 with *ms, 0 when the server does not offer TLS, -1 with err.
 * No certificate is checked: this only measures; Db_connect verifies. */
int Netprobe_mysql_tls(int fd, int timeout_ms, double *ms, char *err, size_t errsize);

#endif
