#include "aws/sso.h"

#include <json-c/json.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/buf.h"
#include "aws/http.h"
#include "aws/profile.h"
#include "aws/sigv4.h"
#include "lib/clock.h"
#include "lib/read_file.h"
#include "lib/redact.h"

#define SSO_TOKEN_FILE_MAX (64 * 1024)

void Sso_cache_key(const char *name, char out[SSO_CACHE_KEY_LEN + 1])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    EVP_Digest(name, strlen(name), md, &n, EVP_sha1(), NULL);
    for (unsigned int i = 0; i < n && i * 2 < SSO_CACHE_KEY_LEN; i++)
        snprintf(out + i * 2, 3, "%02x", md[i]);
    out[SSO_CACHE_KEY_LEN] = '\0';
}

void Sso_token_clear(Sso_token *t)
{
    if (t->access_token) {
        OPENSSL_cleanse(t->access_token, strlen(t->access_token));
        free(t->access_token);
    }
    memset(t, 0, sizeof *t);
}

static const char *Sso_json_string(json_object *o, const char *key)
{
    json_object *v;
    if (!o || !json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
        return NULL;
    return json_object_get_string(v);
}

int Sso_parse_token(const char *json, Sso_token *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    json_object *o = json_tokener_parse(json);
    const char *token = Sso_json_string(o, "accessToken");
    const char *expires = Sso_json_string(o, "expiresAt");
    int rc = -1;
    if (!o || !json_object_is_type(o, json_type_object))
        snprintf(err, errlen, "is not a JSON object");
    else if (!token || !*token)
        snprintf(err, errlen, "has no accessToken");
    else if (expires && Credentials_parse_time(expires) < 0)
        snprintf(err, errlen, "has an expiresAt that is not a time (\"%.40s\")", expires);
    else {
        out->access_token = strdup(token);
        out->expires_ms = expires ? Credentials_parse_time(expires) : 0;
        Redact_register(out->access_token);
        rc = 0;
    }
    json_object_put(o);
    return rc;
}

int Sso_parse_role_credentials(const char *json, const char *source, Credentials *out, char *err,
                               size_t errlen)
{
    memset(out, 0, sizeof *out);
    json_object *o = json_tokener_parse(json), *rc_obj = NULL, *exp = NULL;
    if (o)
        json_object_object_get_ex(o, "roleCredentials", &rc_obj);
    const char *akid = Sso_json_string(rc_obj, "accessKeyId");
    const char *secret = Sso_json_string(rc_obj, "secretAccessKey");
    const char *token = Sso_json_string(rc_obj, "sessionToken");
    bool has_exp =
        rc_obj && json_object_object_get_ex(rc_obj, "expiration", &exp) &&
        (json_object_is_type(exp, json_type_int) || json_object_is_type(exp, json_type_double));
    if (!akid || !secret || !token || !has_exp) {
        snprintf(err, errlen, "%s: the reply has no roleCredentials with keys and an expiration",
                 source);
        json_object_put(o);
        return -1;
    }
    out->access_key_id = strdup(akid);
    out->secret_access_key = strdup(secret);
    out->session_token = strdup(token);
    out->expires_ms = json_object_get_int64(exp); /* epoch milliseconds */
    snprintf(out->source, sizeof out->source, "%s", source);
    Redact_register(out->secret_access_key);
    Redact_register(out->session_token);
    json_object_put(o);
    return 0;
}

/* The profile's SSO settings, an sso-session's filling what the profile
 * leaves out (the CLI refuses a value set differently in both). */
typedef struct {
    char *session, *start_url, *region, *account, *role;
} SsoSettings;

static void Sso_free_settings(SsoSettings *s)
{
    free(s->session);
    free(s->start_url);
    free(s->region);
    free(s->account);
    free(s->role);
    memset(s, 0, sizeof *s);
}

/* key from the profile, else from the session; both and different: -1. */
static int Sso_setting(const char *profile, const char *session, const char *key, char **out,
                       char *err, size_t errlen)
{
    if (Profile_get_any(profile, key, out, err, errlen) < 0)
        return -1;
    char *from_session = NULL;
    if (session && Profile_get_sso_session(session, key, &from_session, err, errlen) < 0)
        return -1;
    int rc = 0;
    if (*out && from_session && strcmp(*out, from_session) != 0) {
        snprintf(err, errlen,
                 "profile \"%s\" sets %s to \"%.100s\" and its sso-session \"%s\" to \"%.100s\": "
                 "the AWS CLI refuses that too; keep one",
                 profile, key, *out, session, from_session);
        rc = -1;
    } else if (!*out) {
        *out = from_session;
        from_session = NULL;
    }
    free(from_session);
    return rc;
}

static int Sso_read_settings(const char *profile, SsoSettings *s, char *err, size_t errlen)
{
    memset(s, 0, sizeof *s);
    if (Profile_get_any(profile, "sso_session", &s->session, err, errlen) < 0)
        return -1;
    if (s->session && !Profile_sso_session_exists(s->session)) {
        snprintf(err, errlen,
                 "profile \"%s\": its sso_session \"%s\" has no [sso-session %s] "
                 "section in the config file",
                 profile, s->session, s->session);
        return -1;
    }
    struct {
        const char *key;
        char **value;
    } keys[] = {{"sso_start_url", &s->start_url},
                {"sso_region", &s->region},
                {"sso_account_id", &s->account},
                {"sso_role_name", &s->role}};
    char missing[160] = "";
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        if (Sso_setting(profile, s->session, keys[i].key, keys[i].value, err, errlen) < 0)
            return -1;
        if (!*keys[i].value)
            snprintf(missing + strlen(missing), sizeof missing - strlen(missing), "%s%s",
                     missing[0] ? ", " : "", keys[i].key);
    }
    if (missing[0]) {
        snprintf(err, errlen, "profile \"%s\" is an SSO profile but is missing %s", profile,
                 missing);
        return -1;
    }
    return 0;
}

/* ~/.aws/sso/cache/<sha1>.json: the session's name is the key, or the
 * start URL for a legacy profile. */
static int Sso_cache_path(const SsoSettings *s, char *path, size_t size, char *err, size_t errlen)
{
    const char *home = getenv("HOME");
    if (!home || !*home) {
        snprintf(err, errlen, "HOME is not set: the SSO token cache (~/.aws/sso/cache) is there");
        return -1;
    }
    char key[SSO_CACHE_KEY_LEN + 1];
    Sso_cache_key(s->session ? s->session : s->start_url, key);
    snprintf(path, size, "%s/.aws/sso/cache/%s.json", home, key);
    return 0;
}

/* How to get a new token: the CLI's own words for it. */
static void Sso_login_hint(const char *profile, char *buf, size_t size)
{
    snprintf(buf, size, "run aws sso login --profile %s, then start again", profile);
}

static int Sso_load_token(const char *profile, const SsoSettings *s, Sso_token *t, char *err,
                          size_t errlen)
{
    char path[4096], why[512], hint[200];
    Sso_login_hint(profile, hint, sizeof hint);
    if (Sso_cache_path(s, path, sizeof path, err, errlen) < 0)
        return -1;
    char *text = ReadFile_all(path, SSO_TOKEN_FILE_MAX, NULL, why, sizeof why);
    int rc = text ? Sso_parse_token(text, t, why, sizeof why) : -1;
    if (text) {
        OPENSSL_cleanse(text, strlen(text));
        free(text);
    }
    if (rc < 0) {
        snprintf(err, errlen, "profile \"%s\": no usable SSO token (%s%s%s): %s", profile,
                 text ? path : "", text ? " " : "", why, hint);
        return -1;
    }
    if (t->expires_ms && t->expires_ms <= Clock_wall_ms()) {
        char when[40];
        Clock_format_utc(t->expires_ms, when, sizeof when);
        snprintf(err, errlen, "profile \"%s\": the SSO token of %s%s expired at %s: %s", profile,
                 s->session ? "session " : "", s->session ? s->session : s->start_url, when, hint);
        Sso_token_clear(t);
        return -1;
    }
    return 0;
}

/* GET /federation/credentials, unsigned, the token as a bearer header. */
static int Sso_get_role_credentials(const CredentialsConfig *cfg, const char *profile,
                                    const SsoSettings *s, const Sso_token *t, Credentials *out,
                                    char *err, size_t errlen)
{
    Aws_options opt = {.region = s->region,
                       .profile = profile,
                       .endpoint_url = cfg->endpoint_url,
                       .anonymous = true,
                       .max_attempts = 3};
    Aws_client *c = Aws_client_new(&opt, err, errlen);
    if (!c)
        return -1;
    Awsbuf query, bearer;
    Awsbuf_init(&query);
    Awsbuf_init(&bearer);
    Awsbuf_printf(&query, "account_id=");
    Sigv4_uri_encode(&query, s->account, strlen(s->account), false);
    Awsbuf_printf(&query, "&role_name=");
    Sigv4_uri_encode(&query, s->role, strlen(s->role), false);
    Awsbuf_printf(&bearer, "x-amz-sso_bearer_token: %s", t->access_token);
    const char *headers[] = {bearer.data};
    Aws_call call = {.service = &AWS_SSO,
                     .operation = "GetRoleCredentials",
                     .method = "GET",
                     .path = "/federation/credentials",
                     .query = query.data,
                     .headers = headers,
                     .n_headers = 1};
    Aws_response resp;
    int rc = Aws_perform(c, &call, &resp, err, errlen);
    char source[160];
    snprintf(source, sizeof source, "SSO role %s in account %s (profile \"%s\")", s->role,
             s->account, profile);
    if (rc == 0)
        rc = Sso_parse_role_credentials(resp.body, source, out, err, errlen);
    else if (!strcmp(resp.code, "UnauthorizedException")) {
        char hint[200], inner[512];
        Sso_login_hint(profile, hint, sizeof hint);
        snprintf(inner, sizeof inner, "%s", err);
        snprintf(err, errlen, "profile \"%s\": the SSO token was refused (%s): %s", profile, inner,
                 hint);
    }
    Aws_response_free(&resp);
    Awsbuf_wipe(&bearer);
    Awsbuf_free(&query);
    Aws_client_free(c);
    return rc < 0 ? -1 : 1;
}

int Sso_profile(const CredentialsConfig *cfg, const char *profile, Credentials *out, char *err,
                size_t errlen)
{
    SsoSettings s;
    Sso_token t = {0};
    int rc = Sso_read_settings(profile, &s, err, errlen);
    if (rc == 0)
        rc = Sso_load_token(profile, &s, &t, err, errlen);
    if (rc == 0)
        rc = Sso_get_role_credentials(cfg, profile, &s, &t, out, err, errlen);
    Sso_token_clear(&t);
    Sso_free_settings(&s);
    return rc;
}
