/* The endpoint's resolved addresses as one sorted, de-duplicated text, and
 * the watch that raises an alarm when it differs from the first list seen
 * (a PrivateLink endpoint's ENIs should not move during the night). */
#ifndef CUTOVER_PROBES_ADDRS_H
#define CUTOVER_PROBES_ADDRS_H

#include <stdbool.h>
#include <stddef.h>

#define ADDRS_TEXT_MAX 200

/* Sorts numeric addresses (IPv4 before IPv6, each by value), drops
 * duplicates and joins them with ", " into out. Sorts addrs in place.
 * Entries that are not numeric addresses sort last, by text. */
void Addrs_join(char **addrs, size_t n, char *out, size_t size);

typedef struct AddrWatch {
    char first[ADDRS_TEXT_MAX];
    bool have_first;
    bool alarmed;
} AddrWatch;

typedef enum { ADDRS_SAME = 0, ADDRS_RAISE, ADDRS_CLEAR } AddrsChange;

/* Compares the current list with the first one seen. ADDRS_RAISE once when
 * it starts to differ (why says "endpoint address changed from X to Y"),
 * ADDRS_CLEAR when it is back to the first list. */
AddrsChange AddrWatch_update(AddrWatch *w, const char *current, char *why, size_t size);

#endif
