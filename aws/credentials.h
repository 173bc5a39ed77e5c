/* AWS credentials, looked for in the order the SDKs use:
 *   1. AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN;
 *   2. the profile (the plan's, else AWS_PROFILE, else "default"): static
 *      keys in the
 *      credentials file, then credential_process, then static keys in the
 *      config file;
 *   3. container credentials (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI or
 *      _FULL_URI, with AWS_CONTAINER_AUTHORIZATION_TOKEN(_FILE));
 *   4. IMDSv2 (unless AWS_EC2_METADATA_DISABLED=true; endpoint overridable
 *      with AWS_EC2_METADATA_SERVICE_ENDPOINT).
 * Every secret found is registered with Redact_register, so no message,
 * log or recording can carry it. */
#ifndef CUTOVER_AWS_CREDENTIALS_H
#define CUTOVER_AWS_CREDENTIALS_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    char *access_key_id;
    char *secret_access_key;
    char *session_token; /* NULL when none */
    int64_t expires_ms;  /* UTC ms since the epoch; 0 when they never expire */
    char source[160];    /* where they came from, for messages; no secret in it */
} Credentials;

/* Refresh this long before expiry, so no request is signed with keys that
 * die in flight. */
#define CREDENTIALS_REFRESH_MS (10 * 60 * 1000)

/* Runs the chain once for profile (NULL: AWS_PROFILE, else "default"; a
 * profile named by the plan or AWS_PROFILE must exist). Returns 0, or -1
 * with a message saying what was tried and what was wrong. */
int Credentials_resolve(const char *profile, Credentials *out, char *err, size_t errlen);

/* Copies src into dst (dst is overwritten, not freed). */
void Credentials_copy(Credentials *dst, const Credentials *src);

/* Wipes and frees the strings. */
void Credentials_clear(Credentials *c);

/* "2025-01-01T00:00:00Z" (fractions and +hh:mm offsets accepted) to UTC ms;
 * -1 when malformed. */
int64_t Credentials_parse_time(const char *iso8601);

/* A thread-safe cache over the chain that refreshes expiring credentials. */
typedef struct Credentials_provider Credentials_provider;

/* profile as for Credentials_resolve (copied); now_ms: the wall clock in
 * UTC ms (NULL: Clock_wall_ms); tests pass their own. */
Credentials_provider *Credentials_provider_new(const char *profile, int64_t (*now_ms)(void));

/* Drops the cached credentials, so the next get resolves again: for when
 * AWS says they expired before their announced time. */
void Credentials_provider_invalidate(Credentials_provider *p);

/* Fresh credentials copied into out (Credentials_clear them). If a refresh
 * fails while the cached ones are still valid, those are returned. */
int Credentials_provider_get(Credentials_provider *p, Credentials *out, char *err, size_t errlen);

void Credentials_provider_free(Credentials_provider *p);

#endif
