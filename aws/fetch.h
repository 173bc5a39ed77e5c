/* One HTTP exchange over libcurl, the console's only libcurl wrapper: under
 * the signed AWS transport, the credential endpoints and the plan's
 * webhooks (checklist/http.c, notify/webhook.c). TLS verification always on, timeouts always
 * set, no redirects, no "Expect: 100-continue", an optional cancel flag that
 * stops a transfer at once. Safe to call from any thread. */
#ifndef CUTOVER_AWS_FETCH_H
#define CUTOVER_AWS_FETCH_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include "aws/buf.h"

typedef struct {
    const char *method; /* "GET", "PUT", "POST" */
    const char *url;
    const char *const *headers; /* "Name: value" lines */
    size_t n_headers;
    const void *body;
    size_t body_len;
    long connect_timeout_ms; /* 0: 3 s */
    long timeout_ms;         /* 0: 10 s, for the whole exchange */
    atomic_bool *cancel;     /* set by an abort: the transfer stops (NULL: none) */
} Fetch_request;

typedef struct {
    long status;    /* the HTTP status, 0 when nothing came back */
    Awsbuf body;    /* NUL-terminated */
    Awsbuf headers; /* the raw header block, lines "Name: value\r\n" */
    bool transient; /* a failed exchange worth another attempt (reset, timeout) */
} Fetch_response;

/* Performs the exchange. Returns 0 when a response arrived (any status),
 * -1 on a transport failure (refused, timed out, TLS) with the reason in
 * err and resp->transient set when another attempt may succeed. Free the
 * response with Fetch_response_free either way. */
int Fetch_perform(const Fetch_request *req, Fetch_response *resp, char *err, size_t errlen);

/* The value of a response header (case-insensitive name) copied into buf;
 * NULL when absent. */
const char *Fetch_response_header(const Fetch_response *resp, const char *name, char *buf,
                                  size_t size);

void Fetch_response_free(Fetch_response *resp);

#endif
