/* AWS Signature Version 4 for the JSON, Query and REST-XML services the
 * console calls (not S3: paths are normalised and encoded twice).
 *
 * The caller gives the request as it will go on the wire: method, path and
 * query exactly as sent (already percent-encoded or raw UTF-8; both work),
 * every header including Host, and the body. The signer returns the three
 * headers to add: X-Amz-Date, X-Amz-Security-Token (with a session token)
 * and Authorization. */
#ifndef CUTOVER_AWS_SIGV4_H
#define CUTOVER_AWS_SIGV4_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "aws/buf.h"

typedef struct {
    const char *name;
    const char *value;
} Sigv4_header;

typedef struct {
    const char *method;          /* "GET", "POST", ... */
    const char *path;            /* wire path; NULL or "" means "/" */
    const char *query;           /* wire query without '?'; NULL when none */
    const Sigv4_header *headers; /* must include Host */
    size_t n_headers;
    const void *body;
    size_t body_len;
} Sigv4_request;

typedef struct {
    const char *access_key_id;
    const char *secret_access_key;
    const char *session_token; /* NULL or "" when none */
} Sigv4_credentials;

typedef struct {
    char amz_date[17];     /* "20150830T123600Z" */
    char signature[65];    /* lower-case hex */
    char payload_hash[65]; /* lower-case hex SHA-256 of the body */
    char *canonical_request;
    char *string_to_sign;
    char *authorization; /* the Authorization header's value */
} Sigv4_result;

/* Signs req for region/service at time `when`. Returns 0, or -1 with a
 * message in err (which never contains the secret). Free the result with
 * Sigv4_result_free either way. */
int Sigv4_sign(const Sigv4_request *req, const Sigv4_credentials *cred, const char *region,
               const char *service, time_t when, Sigv4_result *out, char *err, size_t errlen);

void Sigv4_result_free(Sigv4_result *r);

/* "20150830T123600Z" for a time; buf holds at least 17 bytes. */
void Sigv4_format_amz_date(time_t when, char *buf, size_t size);

/* Parses "20150830T123600Z"; -1 when malformed. */
time_t Sigv4_parse_amz_date(const char *s);

/* RFC 3986 percent-encoding of len bytes of s: unreserved characters
 * (A-Z a-z 0-9 - _ . ~) stay, '/' stays when keep_slash, the rest become
 * %XX with upper-case hex. */
void Sigv4_uri_encode(Awsbuf *out, const char *s, size_t len, bool keep_slash);

/* Appends "key=value" (value encoded as above, '&' before it unless out is
 * empty): the form body of the Query protocol (RDS, STS). */
void Sigv4_form_pair(Awsbuf *out, const char *key, const char *value);

/* Decodes %XX escapes (invalid ones are kept as they are; '+' stays '+'). */
void Sigv4_uri_decode(Awsbuf *out, const char *s, size_t len);

/* The canonical URI of a non-S3 request: dot segments and empty segments
 * removed, then every byte outside the unreserved set and '/' encoded. */
void Sigv4_canonical_uri(Awsbuf *out, const char *path);

/* The canonical query: each name and value decoded then re-encoded, pairs
 * sorted by encoded name then encoded value, joined with '&'. */
void Sigv4_canonical_query(Awsbuf *out, const char *query);

/* The Host header value for a URL: lower-case host, the port only when it
 * is not the scheme's default. Returns -1 when the URL has no host. */
int Sigv4_host_from_url(const char *url, char *buf, size_t size);

/* Lower-case hex SHA-256 of len bytes into hex (65 bytes). */
void Sigv4_sha256_hex(const void *data, size_t len, char hex[65]);

#endif
