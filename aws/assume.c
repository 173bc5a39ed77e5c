#include "aws/assume.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/http.h"
#include "aws/profile.h"
#include "aws/sso.h"
#include "lib/read_file.h"
#include "lib/redact.h"

#define ASSUME_TOKEN_MAX (16 * 1024)

/* An STS client: cfg's region and endpoint, base's keys (NULL: unsigned). */
static Aws_client *Assume_sts_client(const CredentialsConfig *cfg, const Credentials *base,
                                     char *err, size_t errlen)
{
    Aws_options opt = {.region = cfg->region,
                       .profile = cfg->profile,
                       .endpoint_url = cfg->endpoint_url,
                       .credentials = base,
                       .anonymous = base == NULL,
                       .max_attempts = 3};
    return Aws_client_new(&opt, err, errlen);
}

int Assume_role_with(const CredentialsConfig *cfg, const Credentials *base, const Sts_role *role,
                     Credentials *out, char *err, size_t errlen)
{
    Aws_client *c = Assume_sts_client(cfg, base, err, errlen);
    if (!c)
        return -1;
    int rc = Sts_assume_role(c, role, out, err, errlen);
    Aws_client_free(c);
    return rc;
}

/* The token file's contents, trimmed; NULL and a message when unreadable. */
static char *Assume_read_token(const char *path, char *err, size_t errlen)
{
    char why[512];
    size_t n = 0;
    char *token = ReadFile_all(path, ASSUME_TOKEN_MAX, &n, why, sizeof why);
    if (!token) {
        snprintf(err, errlen, "web identity token file %s", why);
        return NULL;
    }
    while (n > 0 && (token[n - 1] == '\n' || token[n - 1] == '\r' || token[n - 1] == ' '))
        token[--n] = '\0';
    if (n == 0) {
        snprintf(err, errlen, "web identity token file %s is empty", path);
        free(token);
        return NULL;
    }
    Redact_register(token);
    return token;
}

static int Assume_web_identity(const CredentialsConfig *cfg, const char *token_file,
                               const Sts_role *role, Credentials *out, char *err, size_t errlen)
{
    char *token = Assume_read_token(token_file, err, errlen);
    if (!token)
        return -1;
    Aws_client *c = Assume_sts_client(cfg, NULL, err, errlen);
    int rc = c ? Sts_assume_role_with_web_identity(c, role, token, out, err, errlen) : -1;
    Aws_client_free(c);
    free(token);
    return rc < 0 ? -1 : 1;
}

int Assume_env_web_identity(const CredentialsConfig *cfg, Credentials *out, char *err,
                            size_t errlen)
{
    const char *arn = getenv("AWS_ROLE_ARN"), *file = getenv("AWS_WEB_IDENTITY_TOKEN_FILE");
    if (!arn || !*arn || !file || !*file)
        return 0;
    Sts_role role = {.role_arn = arn, .session_name = getenv("AWS_ROLE_SESSION_NAME")};
    return Assume_web_identity(cfg, file, &role, out, err, errlen);
}

/* duration_seconds: STS takes 900 to 43200. */
static int Assume_duration(const char *profile, const char *text, int *out, char *err,
                           size_t errlen)
{
    char *end = NULL;
    long v = text ? strtol(text, &end, 10) : 0;
    *out = (int)v;
    if (!text)
        return 0;
    if (!*text || *end || v < 900 || v > 43200) {
        snprintf(err, errlen,
                 "profile \"%s\": duration_seconds \"%.20s\" is not a number of seconds from "
                 "900 to 43200",
                 profile, text);
        return -1;
    }
    return 0;
}

/* The credentials the role is assumed with: source_profile's (its own keys
 * when it names itself, as the CLI allows) or credential_source's. */
static int Assume_base(const CredentialsConfig *cfg, const char *profile,
                       const char *source_profile, const char *credential_source, int depth,
                       Credentials *base, char *err, size_t errlen)
{
    if (source_profile && credential_source) {
        snprintf(err, errlen,
                 "profile \"%s\" sets both source_profile and credential_source: the AWS CLI "
                 "refuses that too; keep one",
                 profile);
        return -1;
    }
    if (credential_source)
        return Credentials_from_source(credential_source, base, err, errlen);
    if (!source_profile) {
        snprintf(err, errlen,
                 "profile \"%s\" has role_arn but neither source_profile nor credential_source "
                 "to assume it with",
                 profile);
        return -1;
    }
    if (!Profile_exists(source_profile)) {
        snprintf(err, errlen, "profile \"%s\": its source_profile \"%s\" does not exist", profile,
                 source_profile);
        return -1;
    }
    int rc = !strcmp(source_profile, profile)
                 ? Credentials_from_profile_keys(profile, base, err, errlen)
                 : Credentials_from_profile(cfg, source_profile, depth + 1, base, err, errlen);
    if (rc == 0)
        snprintf(err, errlen, "profile \"%s\": its source_profile \"%s\" gave no credentials",
                 profile, source_profile);
    return rc > 0 ? 0 : -1;
}

typedef struct {
    char *role_arn, *token_file, *mfa, *sso_session, *sso_url, *source_profile, *credential_source,
        *session_name, *external_id, *duration;
} AssumeSettings;

static int Assume_read_settings(const char *profile, AssumeSettings *s, char *err, size_t errlen)
{
    struct {
        const char *key;
        char **value;
    } keys[] = {{"role_arn", &s->role_arn},
                {"web_identity_token_file", &s->token_file},
                {"mfa_serial", &s->mfa},
                {"sso_session", &s->sso_session},
                {"sso_start_url", &s->sso_url},
                {"source_profile", &s->source_profile},
                {"credential_source", &s->credential_source},
                {"role_session_name", &s->session_name},
                {"external_id", &s->external_id},
                {"duration_seconds", &s->duration}};
    memset(s, 0, sizeof *s);
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (Profile_get_any(profile, keys[i].key, keys[i].value, err, errlen) < 0)
            return -1;
    return 0;
}

static void Assume_free_settings(AssumeSettings *s)
{
    char **all[] = {
        &s->role_arn,       &s->token_file,        &s->mfa,          &s->sso_session, &s->sso_url,
        &s->source_profile, &s->credential_source, &s->session_name, &s->external_id, &s->duration};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        free(*all[i]);
}

/* The settings decide: SSO (the CLI's token cache), a web identity, or a
 * role assumed with base credentials. */
static int Assume_from_settings(const CredentialsConfig *cfg, const char *profile,
                                const AssumeSettings *s, int depth, Credentials *out, char *err,
                                size_t errlen)
{
    if (s->sso_session || s->sso_url)
        return Sso_profile(cfg, profile, out, err, errlen);
    if (!s->role_arn)
        return 0;
    Sts_role role = {
        .role_arn = s->role_arn, .session_name = s->session_name, .external_id = s->external_id};
    if (Assume_duration(profile, s->duration, &role.duration_s, err, errlen) < 0)
        return -1;
    if (s->token_file)
        return Assume_web_identity(cfg, s->token_file, &role, out, err, errlen);
    if (s->mfa) {
        snprintf(err, errlen,
                 "profile \"%s\" asks for an MFA code (mfa_serial), which nobody can type into "
                 "a running cutover: assume the role beforehand, or use a role without MFA",
                 profile);
        return -1;
    }
    if (depth >= ASSUME_MAX_DEPTH) {
        snprintf(err, errlen, "profile \"%s\": source_profile goes round in a loop (%d hops)",
                 profile, depth);
        return -1;
    }
    Credentials base;
    if (Assume_base(cfg, profile, s->source_profile, s->credential_source, depth, &base, err,
                    errlen) != 0)
        return -1;
    int rc = Assume_role_with(cfg, &base, &role, out, err, errlen);
    Credentials_clear(&base);
    return rc < 0 ? -1 : 1;
}

int Assume_profile(const CredentialsConfig *cfg, const char *profile, int depth, Credentials *out,
                   char *err, size_t errlen)
{
    AssumeSettings s;
    int rc = Assume_read_settings(profile, &s, err, errlen);
    if (rc == 0)
        rc = Assume_from_settings(cfg, profile, &s, depth, out, err, errlen);
    Assume_free_settings(&s);
    return rc;
}
