#include "aws/credentials.h"

#include <ctype.h>
#include <errno.h>
#include <json-c/json.h>
#include <openssl/crypto.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "aws/assume.h"
#include "aws/fetch.h"
#include "aws/profile.h"
#include "aws/sts.h"
#include "lib/clock.h"
#include "lib/subprocess.h"
#include "lib/redact.h"

#define PROCESS_TIMEOUT_MS 30000
#define CONTAINER_HOST     "http://169.254.170.2"
#define IMDS_HOST          "http://169.254.169.254"

static char *dup_or_null(const char *s)
{
    return s && *s ? strdup(s) : NULL;
}

static void wipe_free(char *s)
{
    if (s) {
        OPENSSL_cleanse(s, strlen(s));
        free(s);
    }
}

void Credentials_clear(Credentials *c)
{
    wipe_free(c->access_key_id);
    wipe_free(c->secret_access_key);
    wipe_free(c->session_token);
    memset(c, 0, sizeof *c);
}

void Credentials_copy(Credentials *dst, const Credentials *src)
{
    *dst = *src;
    dst->access_key_id = dup_or_null(src->access_key_id);
    dst->secret_access_key = dup_or_null(src->secret_access_key);
    dst->session_token = dup_or_null(src->session_token);
}

/* Takes the three values, registers the secrets, and names the source. */
static void fill(Credentials *out, const char *akid, const char *secret, const char *token,
                 int64_t expires_ms, const char *source)
{
    memset(out, 0, sizeof *out);
    out->access_key_id = dup_or_null(akid);
    out->secret_access_key = dup_or_null(secret);
    out->session_token = dup_or_null(token);
    out->expires_ms = expires_ms;
    snprintf(out->source, sizeof out->source, "%s", source);
    Redact_register(secret);
    Redact_register(token);
}

int64_t Credentials_parse_time(const char *s)
{
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    const char *p = s ? strptime(s, "%Y-%m-%dT%H:%M:%S", &tm) : NULL;
    if (!p)
        return -1;
    int64_t ms = 0;
    if (*p == '.') {
        int64_t scale = 100;
        for (p++; isdigit((unsigned char)*p); p++, scale /= 10)
            ms += (*p - '0') * scale;
    }
    int64_t offset_s = 0;
    if (*p == '+' || *p == '-') {
        int hh = 0, mm = 0, n = 0;
        if (sscanf(p + 1, "%2d:%2d%n", &hh, &mm, &n) != 2 &&
            sscanf(p + 1, "%2d%2d%n", &hh, &mm, &n) != 2)
            return -1;
        offset_s = (*p == '+' ? 1 : -1) * (hh * 3600 + mm * 60);
        p += 1 + n;
    } else if (*p == 'Z' || *p == 'z') {
        p++;
    }
    if (*p)
        return -1;
    return ((int64_t)timegm(&tm) - offset_s) * 1000 + ms;
}

static const char *json_str(json_object *o, const char *key)
{
    json_object *v;
    if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
        return NULL;
    return json_object_get_string(v);
}

/* The JSON every remote source answers with; token_key differs between
 * credential_process ("SessionToken") and the metadata services ("Token"). */
static int parse_json_credentials(const char *text, const char *token_key, const char *source,
                                  Credentials *out, char *err, size_t errlen)
{
    json_object *o = json_tokener_parse(text);
    if (!o || !json_object_is_type(o, json_type_object)) {
        snprintf(err, errlen, "%s: the answer is not a JSON object", source);
        json_object_put(o);
        return -1;
    }
    const char *akid = json_str(o, "AccessKeyId");
    const char *secret = json_str(o, "SecretAccessKey");
    const char *expiration = json_str(o, "Expiration");
    int64_t expires = expiration ? Credentials_parse_time(expiration) : 0;
    int rc = -1;
    if (!akid || !*akid || !secret || !*secret)
        snprintf(err, errlen, "%s: the answer lacks AccessKeyId or SecretAccessKey", source);
    else if (expires < 0)
        snprintf(err, errlen, "%s: Expiration \"%.40s\" is not an ISO 8601 time", source,
                 expiration);
    else {
        fill(out, akid, secret, json_str(o, token_key), expires, source);
        rc = 0;
    }
    json_object_put(o);
    return rc;
}

/* 1. Environment. */
static int from_env(Credentials *out, char *err, size_t errlen)
{
    const char *akid = getenv("AWS_ACCESS_KEY_ID");
    const char *secret = getenv("AWS_SECRET_ACCESS_KEY");
    bool have_akid = akid && *akid, have_secret = secret && *secret;
    if (!have_akid && !have_secret)
        return 0;
    if (!have_akid || !have_secret) {
        snprintf(err, errlen, "the environment sets %s but not %s",
                 have_akid ? "AWS_ACCESS_KEY_ID" : "AWS_SECRET_ACCESS_KEY",
                 have_akid ? "AWS_SECRET_ACCESS_KEY" : "AWS_ACCESS_KEY_ID");
        return -1;
    }
    fill(out, akid, secret, getenv("AWS_SESSION_TOKEN"), 0, "environment variables");
    return 1;
}

/* 2a, 2c. Static keys in one file's profile section. */
static int from_profile_keys(Profile_file which, const char *profile, Credentials *out, char *err,
                             size_t errlen)
{
    char *akid = NULL, *secret = NULL, *token = NULL;
    char path[4096] = "";
    Profile_path(which, path, sizeof path);
    int a = Profile_get(which, profile, "aws_access_key_id", &akid, err, errlen);
    int s = a < 0 ? -1 : Profile_get(which, profile, "aws_secret_access_key", &secret, err, errlen);
    int t = s < 0 ? -1 : Profile_get(which, profile, "aws_session_token", &token, err, errlen);
    int rc = 0;
    if (a < 0 || s < 0 || t < 0) {
        rc = -1;
    } else if (a != s) {
        snprintf(err, errlen, "profile \"%s\" in %s has %s but not %s", profile, path,
                 a ? "aws_access_key_id" : "aws_secret_access_key",
                 a ? "aws_secret_access_key" : "aws_access_key_id");
        rc = -1;
    } else if (a) {
        char source[160];
        snprintf(source, sizeof source, "profile \"%s\" in %s", profile, path);
        fill(out, akid, secret, token, 0, source);
        rc = 1;
    }
    wipe_free(akid);
    wipe_free(secret);
    wipe_free(token);
    return rc;
}

/* Splits a command line the way a POSIX shell splits words, without any
 * expansion: quotes and backslashes only. */
static char **split_command(const char *cmd, char *err, size_t errlen)
{
    size_t cap = 8, n = 0;
    char **argv = calloc(cap, sizeof *argv);
    Awsbuf word;
    Awsbuf_init(&word);
    bool in_word = false;
    char quote = 0;
    for (const char *p = cmd;; p++) {
        char c = *p;
        if (!c && quote) {
            snprintf(err, errlen, "credential_process: unterminated %c quote", quote);
            for (size_t i = 0; i < n; i++)
                free(argv[i]);
            free(argv);
            Awsbuf_free(&word);
            return NULL;
        }
        if (quote == '\'' && c != '\'') {
            Awsbuf_putc(&word, c);
        } else if (quote == '"' && c == '\\' && p[1] && strchr("\"\\$`", p[1])) {
            Awsbuf_putc(&word, *++p);
        } else if (quote && c == quote) {
            quote = 0;
        } else if (quote) {
            Awsbuf_putc(&word, c);
        } else if (c == '\'' || c == '"') {
            quote = c;
            in_word = true;
        } else if (c == '\\' && p[1]) {
            Awsbuf_putc(&word, *++p);
            in_word = true;
        } else if (c && !isspace((unsigned char)c)) {
            Awsbuf_putc(&word, c);
            in_word = true;
        } else if (in_word) {
            if (n + 2 > cap)
                argv = realloc(argv, (cap *= 2) * sizeof *argv);
            Awsbuf_putc(&word, '\0');
            argv[n++] = Awsbuf_steal(&word);
            argv[n] = NULL;
            in_word = false;
        }
        if (!c)
            break;
    }
    Awsbuf_free(&word);
    if (!n) {
        snprintf(err, errlen, "credential_process is empty");
        free(argv);
        return NULL;
    }
    return argv;
}

static void free_argv(char **argv)
{
    for (size_t i = 0; argv && argv[i]; i++)
        free(argv[i]);
    free(argv);
}

/* Runs the command (lib/subprocess: a clean signal mask, its own process
 * group killed on timeout); its stdout lands in out. */
static int run_process(char **argv, char *out, size_t outsize, char *err, size_t errlen)
{
    char errs[512];
    int status = Subprocess_run(argv, PROCESS_TIMEOUT_MS, NULL, out, outsize, errs, sizeof errs);
    if (status == 0)
        return 0;
    if (status < 0)
        snprintf(err, errlen, "credential_process: %.400s", errs);
    else
        snprintf(err, errlen, "credential_process %s failed (exit status %d): %.200s", argv[0],
                 status, errs);
    return -1;
}

/* 2b. credential_process: a command (no shell) printing JSON with
 * Version 1. */
static int from_process(const char *command, const char *profile, Credentials *out, char *err,
                        size_t errlen)
{
    char **argv = split_command(command, err, errlen);
    if (!argv)
        return -1;
    enum { TEXT_MAX = 16384 }; /* credentials JSON: well under 4 KB */
    char *text = calloc(1, TEXT_MAX);
    if (!text) {
        free_argv(argv);
        return snprintf(err, errlen, "out of memory"), -1;
    }
    int rc = run_process(argv, text, TEXT_MAX, err, errlen);
    char source[160];
    snprintf(source, sizeof source, "credential_process of profile \"%s\" (%s)", profile, argv[0]);
    if (rc == 0) {
        json_object *o = json_tokener_parse(text);
        json_object *version = NULL;
        if (o && json_object_object_get_ex(o, "Version", &version) &&
            json_object_get_int(version) == 1)
            rc = parse_json_credentials(text, "SessionToken", source, out, err, errlen);
        else {
            snprintf(err, errlen, "%s: the output is not JSON with \"Version\": 1", source);
            rc = -1;
        }
        json_object_put(o);
    }
    OPENSSL_cleanse(text, TEXT_MAX); /* it held a secret key */
    free(text);
    free_argv(argv);
    return rc < 0 ? -1 : 1;
}

/* Whether the profile's settings say where its credentials come from; a
 * profile with none of them (only a region, say) lets the chain go on, as
 * the AWS CLI does. */
static bool profile_has_credential_settings(const char *profile)
{
    static const char *const KEYS[] = {"role_arn",           "web_identity_token_file",
                                       "sso_session",        "sso_start_url",
                                       "credential_process", "aws_access_key_id"};
    for (size_t i = 0; i < sizeof KEYS / sizeof KEYS[0]; i++) {
        char *v = NULL, e[256];
        int rc = Profile_get_any(profile, KEYS[i], &v, e, sizeof e);
        free(v);
        if (rc != 0)
            return true; /* an unreadable file counts as a setting: no fall-through */
    }
    return false;
}

/* The profile's own credentials, in the AWS CLI's order: a role (assumed
 * with a source profile's or a credential source's credentials), a web
 * identity token, an SSO session, static keys in the credentials file,
 * credential_process, static keys in the config file. A profile that has
 * such a setting and cannot give credentials is an error: never a silent
 * fall-through to another principal. */
int Credentials_from_profile(const CredentialsConfig *cfg, const char *profile, int depth,
                             Credentials *out, char *err, size_t errlen)
{
    int rc = Assume_profile(cfg, profile, depth, out, err, errlen);
    return rc ? rc : Credentials_from_profile_keys(profile, out, err, errlen);
}

int Credentials_from_profile_keys(const char *profile, Credentials *out, char *err, size_t errlen)
{
    int rc = from_profile_keys(PROFILE_CREDENTIALS_FILE, profile, out, err, errlen);
    if (rc)
        return rc;
    char *command = NULL;
    rc = Profile_get_any(profile, "credential_process", &command, err, errlen);
    if (rc > 0)
        rc = from_process(command, profile, out, err, errlen);
    free(command);
    if (rc)
        return rc;
    return from_profile_keys(PROFILE_CONFIG_FILE, profile, out, err, errlen);
}

/* 2. The profile. One named by the plan or AWS_PROFILE must exist. */
static int from_profile(const CredentialsConfig *cfg, Credentials *out, char *err, size_t errlen)
{
    const char *profile = cfg->profile;
    bool explicit = profile || (getenv("AWS_PROFILE") && *getenv("AWS_PROFILE"));
    if (!profile)
        profile = Profile_name();
    if (!Profile_exists(profile)) {
        if (!explicit)
            return 0;
        snprintf(err, errlen, "profile \"%s\" is in neither %s nor %s", profile,
                 "the credentials file", "the config file");
        return -1;
    }
    int rc = Credentials_from_profile(cfg, profile, 0, out, err, errlen);
    if (rc == 0 && profile_has_credential_settings(profile)) {
        snprintf(err, errlen, "profile \"%s\" gave no credentials", profile);
        return -1;
    }
    return rc;
}

static bool allowed_container_url(const char *url)
{
    static const char *const ALLOWED[] = {
        "http://127.",           "http://localhost:",     "http://localhost/",
        "http://[::1]",          "http://169.254.170.2:", "http://169.254.170.2/",
        "http://169.254.170.23", "http://[fd00:ec2::23]"};
    if (!strncasecmp(url, "https://", 8))
        return true;
    for (size_t i = 0; i < sizeof ALLOWED / sizeof ALLOWED[0]; i++)
        if (!strncasecmp(url, ALLOWED[i], strlen(ALLOWED[i])))
            return true;
    return false;
}

/* The container authorization token: the file wins over the variable. */
static int container_token(char **token, char *err, size_t errlen)
{
    *token = NULL;
    const char *file = getenv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
    if (file && *file) {
        FILE *f = fopen(file, "r");
        char line[8192] = "";
        if (!f || !fgets(line, sizeof line, f)) {
            snprintf(err, errlen, "cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE %s: %s", file,
                     f ? "empty" : strerror(errno));
            if (f)
                fclose(f);
            return -1;
        }
        fclose(f);
        line[strcspn(line, "\r\n")] = '\0';
        *token = strdup(line);
        OPENSSL_cleanse(line, sizeof line);
    } else {
        *token = dup_or_null(getenv("AWS_CONTAINER_AUTHORIZATION_TOKEN"));
    }
    if (*token && strpbrk(*token, "\r\n")) {
        snprintf(err, errlen, "the container authorization token contains a line break");
        wipe_free(*token);
        *token = NULL;
        return -1;
    }
    Redact_register(*token);
    return 0;
}

/* One GET with short timeouts, retried on transport errors and 5xx. */
static int get_metadata(const char *url, const char *const *headers, size_t n_headers,
                        Fetch_response *resp, char *err, size_t errlen)
{
    int rc = -1;
    for (int attempt = 0; attempt < 3; attempt++) {
        if (attempt)
            Fetch_response_free(resp);
        Fetch_request req = {"GET", url, headers, n_headers, NULL, 0, 1000, 2000, NULL};
        rc = Fetch_perform(&req, resp, err, errlen);
        if (rc == 0 && resp->status < 500)
            break;
        if (rc == 0)
            snprintf(err, errlen, "GET %s: HTTP %ld", url, resp->status);
        rc = -1;
    }
    return rc;
}

/* 3. Container credentials (ECS task role, EKS Pod Identity). */
static int from_container(Credentials *out, char *err, size_t errlen)
{
    const char *rel = getenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
    const char *full = getenv("AWS_CONTAINER_CREDENTIALS_FULL_URI");
    char url[2048];
    if (rel && *rel)
        snprintf(url, sizeof url, "%s%s", CONTAINER_HOST, rel);
    else if (full && *full)
        snprintf(url, sizeof url, "%s", full);
    else
        return 0;
    if (!(rel && *rel) && !allowed_container_url(url)) {
        snprintf(err, errlen,
                 "AWS_CONTAINER_CREDENTIALS_FULL_URI %s is neither https nor a loopback or "
                 "container-agent address",
                 url);
        return -1;
    }
    char *token = NULL;
    if (container_token(&token, err, errlen) < 0)
        return -1;
    Awsbuf auth;
    Awsbuf_init(&auth);
    if (token)
        Awsbuf_printf(&auth, "Authorization: %s", token);
    const char *headers[] = {auth.data};
    Fetch_response resp;
    int rc = get_metadata(url, headers, token ? 1 : 0, &resp, err, errlen);
    char source[160];
    snprintf(source, sizeof source, "container credentials %.130s", url);
    if (rc == 0 && resp.status != 200) {
        snprintf(err, errlen, "%s: HTTP %ld", source, resp.status);
        rc = -1;
    }
    if (rc == 0)
        rc = parse_json_credentials(resp.body.data, "Token", source, out, err, errlen);
    Awsbuf_wipe(&resp.body);
    Fetch_response_free(&resp);
    Awsbuf_wipe(&auth);
    wipe_free(token);
    return rc < 0 ? -1 : 1;
}

static bool imds_disabled(void)
{
    const char *v = getenv("AWS_EC2_METADATA_DISABLED");
    return v && !strcasecmp(v, "true");
}

/* IMDSv2's session token: PUT with a TTL, within a second. */
static char *imds_token(const char *base, char *err, size_t errlen)
{
    char url[2048];
    snprintf(url, sizeof url, "%s/latest/api/token", base);
    const char *headers[] = {"X-aws-ec2-metadata-token-ttl-seconds: 21600"};
    Fetch_request req = {"PUT", url, headers, 1, NULL, 0, 1000, 1000, NULL};
    Fetch_response resp;
    char *token = NULL;
    if (Fetch_perform(&req, &resp, err, errlen) == 0) {
        if (resp.status == 200 && resp.body.len)
            token = strdup(resp.body.data);
        else
            snprintf(err, errlen, "IMDS token PUT %.300s: HTTP %ld", url, resp.status);
    }
    Awsbuf_wipe(&resp.body);
    Fetch_response_free(&resp);
    if (token)
        Redact_register(token);
    return token;
}

/* The role name, then the role's credentials. */
static int imds_fetch(const char *base, const char *token, Credentials *out, char *err,
                      size_t errlen)
{
    Awsbuf header;
    Awsbuf_init(&header);
    Awsbuf_printf(&header, "X-aws-ec2-metadata-token: %s", token);
    const char *headers[] = {header.data};
    char url[2048], role[256] = "";
    snprintf(url, sizeof url, "%s/latest/meta-data/iam/security-credentials/", base);
    Fetch_response resp;
    int rc = get_metadata(url, headers, 1, &resp, err, errlen);
    if (rc == 0 && resp.status != 200) {
        snprintf(err, errlen, "IMDS: %s: HTTP %ld%s", url, resp.status,
                 resp.status == 404 ? " (the instance has no IAM role)" : "");
        rc = -1;
    }
    if (rc == 0) {
        snprintf(role, sizeof role, "%.*s", (int)strcspn(resp.body.data, "\r\n"), resp.body.data);
        Fetch_response_free(&resp);
        snprintf(url + strlen(url), sizeof url - strlen(url), "%s", role);
        rc = get_metadata(url, headers, 1, &resp, err, errlen);
        if (rc == 0 && resp.status != 200) {
            snprintf(err, errlen, "IMDS: %s: HTTP %ld", url, resp.status);
            rc = -1;
        }
    }
    char source[160];
    snprintf(source, sizeof source, "IMDSv2 role \"%s\" at %s", role, base);
    if (rc == 0)
        rc = parse_json_credentials(resp.body.data, "Token", source, out, err, errlen);
    Awsbuf_wipe(&resp.body);
    Fetch_response_free(&resp);
    Awsbuf_wipe(&header);
    return rc;
}

/* 4. The EC2 instance metadata service, version 2 only. */
static int from_imds(Credentials *out, char *err, size_t errlen)
{
    if (imds_disabled()) {
        snprintf(err, errlen, "IMDS disabled by AWS_EC2_METADATA_DISABLED");
        return 0;
    }
    const char *env = getenv("AWS_EC2_METADATA_SERVICE_ENDPOINT");
    char base[1024];
    snprintf(base, sizeof base, "%s", env && *env ? env : IMDS_HOST);
    size_t n = strlen(base);
    while (n && base[n - 1] == '/')
        base[--n] = '\0';
    char *token = imds_token(base, err, errlen);
    if (!token)
        return 0;
    int rc = imds_fetch(base, token, out, err, errlen);
    wipe_free(token);
    return rc < 0 ? 0 : 1;
}

int Credentials_from_source(const char *source, Credentials *out, char *err, size_t errlen)
{
    int rc;
    char inner[512] = "";
    if (!strcmp(source, "Environment"))
        rc = from_env(out, inner, sizeof inner);
    else if (!strcmp(source, "EcsContainer"))
        rc = from_container(out, inner, sizeof inner);
    else if (!strcmp(source, "Ec2InstanceMetadata"))
        rc = from_imds(out, inner, sizeof inner);
    else {
        snprintf(err, errlen,
                 "credential_source \"%.60s\" is not one of Environment, EcsContainer, "
                 "Ec2InstanceMetadata",
                 source);
        return -1;
    }
    if (rc > 0)
        return 0;
    snprintf(err, errlen, "credential_source %s gave no credentials%s%s", source,
             inner[0] ? ": " : "", inner);
    return -1;
}

/* The chain. An explicit profile (the plan's) takes the place of the
 * environment's keys, as the AWS CLI's --profile does: stale keys exported
 * for another account must not decide which account a named profile uses.
 * A role of the plan's is then assumed with whatever the chain found. */
static int Credentials_chain(const CredentialsConfig *cfg, Credentials *out, char *err,
                             size_t errlen)
{
    memset(out, 0, sizeof *out);
    int rc = cfg->profile ? 0 : from_env(out, err, errlen);
    if (rc == 0)
        rc = from_profile(cfg, out, err, errlen);
    if (rc == 0)
        rc = Assume_env_web_identity(cfg, out, err, errlen);
    if (rc == 0)
        rc = from_container(out, err, errlen);
    if (rc < 0)
        return -1;
    if (rc > 0)
        return 0;
    char imds_err[512] = "";
    if (from_imds(out, imds_err, sizeof imds_err) > 0)
        return 0;
    snprintf(err, errlen,
             "no AWS credentials: none in the environment, profile \"%s\", or container "
             "variables, and IMDS gave none (%s)",
             cfg->profile ? cfg->profile : Profile_name(), imds_err);
    return -1;
}

int Credentials_resolve_config(const CredentialsConfig *cfg, Credentials *out, char *err,
                               size_t errlen)
{
    if (Credentials_chain(cfg, out, err, errlen) != 0)
        return -1;
    if (!cfg->role_arn || !cfg->role_arn[0])
        return 0;
    Credentials base = *out;
    Sts_role role = {.role_arn = cfg->role_arn, .external_id = cfg->external_id};
    int rc = Assume_role_with(cfg, &base, &role, out, err, errlen);
    Credentials_clear(&base);
    return rc;
}

int Credentials_resolve(const char *profile, Credentials *out, char *err, size_t errlen)
{
    CredentialsConfig cfg = {.profile = profile};
    return Credentials_resolve_config(&cfg, out, err, errlen);
}

struct Credentials_provider {
    pthread_mutex_t lock;
    Credentials cached;
    bool have;
    bool fixed;            /* given, never resolved */
    int64_t hold_until_ms; /* Credentials_provider_prepare's hold: no refresh before it */
    int refreshes;         /* times the chain was run */
    char *profile, *role_arn, *external_id, *region, *endpoint_url;
    int64_t (*now_ms)(void);
};

Credentials_provider *Credentials_provider_new_config(const CredentialsConfig *cfg,
                                                      int64_t (*now_ms)(void))
{
    Credentials_provider *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->profile = dup_or_null(cfg->profile);
    p->role_arn = dup_or_null(cfg->role_arn);
    p->external_id = dup_or_null(cfg->external_id);
    p->region = dup_or_null(cfg->region);
    p->endpoint_url = dup_or_null(cfg->endpoint_url);
    pthread_mutex_init(&p->lock, NULL);
    p->now_ms = now_ms ? now_ms : Clock_wall_ms;
    return p;
}

Credentials_provider *Credentials_provider_new(const char *profile, int64_t (*now_ms)(void))
{
    CredentialsConfig cfg = {.profile = profile};
    return Credentials_provider_new_config(&cfg, now_ms);
}

Credentials_provider *Credentials_provider_fixed(const Credentials *c)
{
    CredentialsConfig none = {0};
    Credentials_provider *p = Credentials_provider_new_config(&none, NULL);
    if (p) {
        Credentials_copy(&p->cached, c);
        p->have = p->fixed = true;
    }
    return p;
}

static bool fresh(const Credentials *c, int64_t now)
{
    return c->expires_ms == 0 || c->expires_ms - now > CREDENTIALS_REFRESH_MS;
}

/* Whether a get must resolve again: while a hold lasts, only keys about to
 * die are replaced (a step that outlived its hold); otherwise keys within
 * the refresh margin. */
static bool due(const Credentials_provider *p, int64_t now)
{
    if (!p->have)
        return true;
    if (now < p->hold_until_ms)
        return p->cached.expires_ms != 0 && p->cached.expires_ms - now <= CREDENTIALS_LAST_MS;
    return !fresh(&p->cached, now);
}

/* Resolves into the cache (lock held). A failure keeps keys that still
 * work: 0 then, -1 only when there is nothing valid to sign with. */
static int refresh_locked(Credentials_provider *p, int64_t now, char *err, size_t errlen)
{
    CredentialsConfig cfg = {.profile = p->profile,
                             .role_arn = p->role_arn,
                             .external_id = p->external_id,
                             .region = p->region,
                             .endpoint_url = p->endpoint_url};
    Credentials next;
    if (Credentials_resolve_config(&cfg, &next, err, errlen) == 0) {
        Credentials_clear(&p->cached);
        p->cached = next;
        p->have = true;
        p->refreshes++;
        return 0;
    }
    return p->have && (p->cached.expires_ms == 0 || p->cached.expires_ms > now) ? 1 : -1;
}

int Credentials_provider_get(Credentials_provider *p, Credentials *out, char *err, size_t errlen)
{
    pthread_mutex_lock(&p->lock);
    int64_t now = p->now_ms();
    int rc = 0;
    if (!p->fixed && due(p, now))
        rc = refresh_locked(p, now, err, errlen) < 0 ? -1 : 0;
    if (rc == 0)
        Credentials_copy(out, &p->cached);
    else
        memset(out, 0, sizeof *out);
    pthread_mutex_unlock(&p->lock);
    return rc;
}

int Credentials_provider_prepare(Credentials_provider *p, int64_t hold_ms, int64_t *expires_ms,
                                 char *err, size_t errlen)
{
    pthread_mutex_lock(&p->lock);
    int64_t now = p->now_ms();
    int rc = 0;
    bool short_lived = p->have && p->cached.expires_ms != 0 &&
                       p->cached.expires_ms - now <= hold_ms + CREDENTIALS_REFRESH_MS;
    if (!p->fixed && now >= p->hold_until_ms && (!p->have || short_lived)) {
        rc = refresh_locked(p, now, err, errlen);
        if (rc > 0)
            rc = 0; /* the old keys still work; the next prepare tries again */
    }
    if (rc == 0 && now >= p->hold_until_ms)
        p->hold_until_ms = now + hold_ms;
    *expires_ms = rc == 0 ? p->cached.expires_ms : 0;
    pthread_mutex_unlock(&p->lock);
    return rc;
}

int Credentials_provider_refreshes(Credentials_provider *p)
{
    pthread_mutex_lock(&p->lock);
    int n = p->refreshes;
    pthread_mutex_unlock(&p->lock);
    return n;
}

void Credentials_provider_invalidate(Credentials_provider *p)
{
    if (p->fixed)
        return;
    pthread_mutex_lock(&p->lock);
    Credentials_clear(&p->cached);
    p->have = false;
    p->hold_until_ms = 0; /* AWS refused them: the hold is over */
    pthread_mutex_unlock(&p->lock);
}

void Credentials_provider_free(Credentials_provider *p)
{
    if (!p)
        return;
    Credentials_clear(&p->cached);
    free(p->profile);
    free(p->role_arn);
    free(p->external_id);
    free(p->region);
    free(p->endpoint_url);
    pthread_mutex_destroy(&p->lock);
    free(p);
}
