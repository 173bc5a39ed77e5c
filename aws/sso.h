/* IAM Identity Center (SSO) profiles, read as the AWS CLI reads them: the
 * access token `aws sso login` left in ~/.aws/sso/cache/<sha1>.json (the
 * sha1 of the sso-session's name, or of the start URL for a legacy profile
 * that names sso_start_url itself), traded for the role's credentials with
 * the portal's GetRoleCredentials. The token is never refreshed here: an
 * expired or refused one says to run `aws sso login` again, before the
 * night rather than during it. */
#ifndef CUTOVER_AWS_SSO_H
#define CUTOVER_AWS_SSO_H

#include <stddef.h>
#include <stdint.h>

#include "aws/credentials.h"

#define SSO_CACHE_KEY_LEN 40

typedef struct {
    char *access_token; /* NULL when the file holds none; registered for redaction */
    int64_t expires_ms; /* UTC ms; 0 when the file says nothing */
} Sso_token;

/* The cache file's name for a session name or start URL: sha1 in hex. */
void Sso_cache_key(const char *name, char out[SSO_CACHE_KEY_LEN + 1]);

/* Reads a cache file's JSON ("accessToken", "expiresAt"). 0, or -1 with a
 * message naming what is missing. */
int Sso_parse_token(const char *json, Sso_token *out, char *err, size_t errlen);
void Sso_token_clear(Sso_token *t);

/* Reads GetRoleCredentials' reply ({"roleCredentials": {...}, expiration
 * in epoch ms}). source names where they came from. */
int Sso_parse_role_credentials(const char *json, const char *source, Credentials *out, char *err,
                               size_t errlen);

/* The SSO credentials of a profile that names sso_session or
 * sso_start_url (the caller has read which): 1 with out filled, -1 with a
 * message that says what to do. */
int Sso_profile(const CredentialsConfig *cfg, const char *profile, Credentials *out, char *err,
                size_t errlen);

#endif
