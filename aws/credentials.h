/* AWS credentials, looked for in the order and with the meaning the AWS CLI
 * documents:
 *   1. AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN, unless
 *      the plan names a profile (as --profile does: exported keys for
 *      another account must not change which account a named profile uses);
 *   2. the profile (the plan's, else AWS_PROFILE, else "default"): role_arn
 *      (STS AssumeRole with source_profile's or credential_source's
 *      credentials, external_id, role_session_name, duration_seconds; MFA
 *      refused: nobody types a code at 3 a.m. in a headless run), role_arn
 *      with web_identity_token_file (AssumeRoleWithWebIdentity), an SSO
 *      profile (the token `aws sso login` cached, traded with SSO
 *      GetRoleCredentials; aws/sso.h), static keys in the credentials
 *      file, credential_process, static keys in the config file. A profile
 *      with one of these settings that yields nothing is an error, never a
 *      fall-through to another principal;
 *   3. AWS_ROLE_ARN with AWS_WEB_IDENTITY_TOKEN_FILE;
 *   4. container credentials (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI or
 *      _FULL_URI, with AWS_CONTAINER_AUTHORIZATION_TOKEN(_FILE));
 *   5. IMDSv2 (unless AWS_EC2_METADATA_DISABLED=true; endpoint overridable
 *      with AWS_EC2_METADATA_SERVICE_ENDPOINT).
 * A role the plan names for a side is then assumed with what the chain
 * found. Every secret found is registered with Redact_register, so no
 * message, log or recording can carry it. */
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

/* Inside a hold, keys this close to expiry are still replaced: signing with
 * them would fail in flight. */
#define CREDENTIALS_LAST_MS (60 * 1000)

/* Where the chain starts and what it is for. */
typedef struct CredentialsConfig {
    const char *profile;      /* the plan's (explicit); NULL: AWS_PROFILE, else "default" */
    const char *role_arn;     /* the plan's role for a side, assumed last; NULL: none */
    const char *external_id;  /* for role_arn */
    const char *region;       /* where STS is asked (regional endpoint) */
    const char *endpoint_url; /* the plan's endpoint override, for STS too */
} CredentialsConfig;

/* Runs the chain once for cfg. Returns 0, or -1 with a message saying what
 * was tried and what was wrong. */
int Credentials_resolve_config(const CredentialsConfig *cfg, Credentials *out, char *err,
                               size_t errlen);

/* The profile's own credentials (a role, a web identity, static keys, a
 * process): 1 found, 0 none, -1 error. depth counts source_profile hops. */
int Credentials_from_profile(const CredentialsConfig *cfg, const char *profile, int depth,
                             Credentials *out, char *err, size_t errlen);

/* The profile's keys only: static keys in the credentials file,
 * credential_process, static keys in the config file (a role's
 * source_profile that names itself). 1, 0, -1 as above. */
int Credentials_from_profile_keys(const char *profile, Credentials *out, char *err, size_t errlen);

/* credential_source: "Environment", "EcsContainer" or "Ec2InstanceMetadata". */
int Credentials_from_source(const char *source, Credentials *out, char *err, size_t errlen);

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
Credentials_provider *Credentials_provider_new_config(const CredentialsConfig *cfg,
                                                      int64_t (*now_ms)(void));
/* Always these credentials (the base of an AssumeRole). */
Credentials_provider *Credentials_provider_fixed(const Credentials *c);

/* Drops the cached credentials, so the next get resolves again: for when
 * AWS says they expired before their announced time. */
void Credentials_provider_invalidate(Credentials_provider *p);

/* Fresh credentials copied into out (Credentials_clear them). If a refresh
 * fails while the cached ones are still valid, those are returned. */
int Credentials_provider_get(Credentials_provider *p, Credentials *out, char *err, size_t errlen);

/* At a step's start, never inside it: resolves now when the keys would not
 * last hold_ms (plus the refresh margin), then holds them: no get refreshes
 * for hold_ms unless the keys are a minute from expiry. A second prepare
 * during a hold changes nothing. *expires_ms gets the held keys' expiry (0:
 * they never expire). -1 with err when there are no valid keys at all; a
 * failed refresh while the old keys still work is 0 (they are held). */
int Credentials_provider_prepare(Credentials_provider *p, int64_t hold_ms, int64_t *expires_ms,
                                 char *err, size_t errlen);

/* How many times the chain ran (tests and the audit's figures). */
int Credentials_provider_refreshes(Credentials_provider *p);

void Credentials_provider_free(Credentials_provider *p);

#endif
