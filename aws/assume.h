/* Credentials that are a role: a profile's role_arn (STS AssumeRole with the
 * credentials of its source_profile or credential_source), a web identity
 * token (AssumeRoleWithWebIdentity, from the profile or from AWS_ROLE_ARN
 * and AWS_WEB_IDENTITY_TOKEN_FILE), and the plan's own role for a side. */
#ifndef CUTOVER_AWS_ASSUME_H
#define CUTOVER_AWS_ASSUME_H

#include <stddef.h>

#include "aws/credentials.h"
#include "aws/sts.h"

/* source_profile hops before the chain is called a loop. */
#define ASSUME_MAX_DEPTH 5

/* The profile's role, web identity or SSO settings: 1 credentials, 0 the
 * profile has none of them, -1 error (the message says which setting). */
int Assume_profile(const CredentialsConfig *cfg, const char *profile, int depth, Credentials *out,
                   char *err, size_t errlen);

/* AWS_ROLE_ARN with AWS_WEB_IDENTITY_TOKEN_FILE: 1, 0 when unset, -1. */
int Assume_env_web_identity(const CredentialsConfig *cfg, Credentials *out, char *err,
                            size_t errlen);

/* role, asked of STS with base (cfg's region and endpoint). 0 or -1. */
int Assume_role_with(const CredentialsConfig *cfg, const Credentials *base, const Sts_role *role,
                     Credentials *out, char *err, size_t errlen);

#endif
