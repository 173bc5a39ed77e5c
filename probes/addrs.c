#include "probes/addrs.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct AddrKey {
    int family_rank; /* 0 IPv4, 1 IPv6, 2 not numeric */
    unsigned char bytes[16];
} AddrKey;

static AddrKey Addrs_key(const char *text)
{
    AddrKey k = {.family_rank = 2};
    if (inet_pton(AF_INET, text, k.bytes) == 1)
        k.family_rank = 0;
    else if (inet_pton(AF_INET6, text, k.bytes) == 1)
        k.family_rank = 1;
    else
        memset(k.bytes, 0, sizeof k.bytes);
    return k;
}

static int Addrs_compare(const void *a, const void *b)
{
    const char *x = *(const char *const *)a, *y = *(const char *const *)b;
    AddrKey kx = Addrs_key(x), ky = Addrs_key(y);
    if (kx.family_rank != ky.family_rank)
        return kx.family_rank - ky.family_rank;
    int c = kx.family_rank < 2 ? memcmp(kx.bytes, ky.bytes, sizeof kx.bytes) : 0;
    return c != 0 ? c : strcmp(x, y);
}

void Addrs_join(char **addrs, size_t n, char *out, size_t size)
{
    size_t len = 0;
    out[0] = '\0';
    qsort(addrs, n, sizeof *addrs, Addrs_compare);
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && strcmp(addrs[i], addrs[i - 1]) == 0)
            continue;
        int w = snprintf(out + len, size - len, "%s%s", len ? ", " : "", addrs[i]);
        if (w < 0 || (size_t)w >= size - len) {
            out[len] = '\0'; /* whole addresses only */
            break;
        }
        len += (size_t)w;
    }
}

AddrsChange AddrWatch_update(AddrWatch *w, const char *current, char *why, size_t size)
{
    if (!w->have_first) {
        snprintf(w->first, sizeof w->first, "%s", current);
        w->have_first = true;
        return ADDRS_SAME;
    }
    bool differs = strcmp(w->first, current) != 0;
    if (differs && !w->alarmed) {
        w->alarmed = true;
        snprintf(why, size, "endpoint address changed from %s to %s", w->first, current);
        return ADDRS_RAISE;
    }
    if (!differs && w->alarmed) {
        w->alarmed = false;
        snprintf(why, size, "endpoint address back to %s", w->first);
        return ADDRS_CLEAR;
    }
    return ADDRS_SAME;
}
