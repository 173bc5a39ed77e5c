#include "config.h"

#include "aws/http.h"

#include <ctype.h>
#include <json-c/json.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "aws/fetch.h"
#include "aws/profile.h"
#include "aws/sigv4.h"
#include "aws/xml.h"
#include "lib/clock.h"
#include "lib/redact.h"

#define JSON_1_0 "application/x-amz-json-1.0"
#define JSON_1_1 "application/x-amz-json-1.1"
#define FORM     "application/x-www-form-urlencoded; charset=utf-8"

const Aws_service AWS_CLOUDWATCH = {"CloudWatch", "CloudWatch", "monitoring",
                                    "monitoring", JSON_1_0,     NULL};
const Aws_service AWS_DMS = {"DMS", "Database Migration Service", "dms", "dms", JSON_1_1, NULL};
const Aws_service AWS_SECRETS_MANAGER = {"Secrets Manager", "Secrets Manager", "secretsmanager",
                                         "secretsmanager",  JSON_1_1,          NULL};
const Aws_service AWS_SSM = {"SSM", "SSM", "ssm", "ssm", JSON_1_1, NULL};
const Aws_service AWS_RDS = {"RDS", "RDS", "rds", "rds", NULL, NULL};
const Aws_service AWS_STS = {"STS", "STS", "sts", "sts", NULL, NULL};
const Aws_service AWS_ELBV2 = {
    "ELBv2", "Elastic Load Balancing v2", "elasticloadbalancing", "elasticloadbalancing", NULL,
    NULL};
/* The IAM Identity Center portal: REST-JSON, called unsigned with the
 * bearer token in x-amz-sso_bearer_token. */
const Aws_service AWS_SSO = {"SSO", "SSO", "portal.sso", "awsssoportal", NULL, NULL};
const Aws_service AWS_ROUTE53 = {"Route 53", "Route 53", "route53", "route53", NULL, true};

struct Aws_client {
    Aws_options opt;
    char region[64];
    char *profile;
    char *endpoint_url;
    Credentials_provider *creds;
    bool creds_borrowed; /* the plan's shared provider (opt.provider): not ours to free */
    char principal[AWS_PRINCIPAL_MAX];
    char last_read[128]; /* the previous call when it was a read, for Aws_call_report.repeat */
};

static const char *env(const char *name)
{
    const char *v = getenv(name);
    return v && *v ? v : NULL;
}

int Aws_region(const char *plan_region, const char *profile, char *buf, size_t size)
{
    const char *r = plan_region && *plan_region ? plan_region : env("AWS_REGION");
    if (!r)
        r = env("AWS_DEFAULT_REGION");
    if (r) {
        snprintf(buf, size, "%s", r);
        return 0;
    }
    char *value = NULL, err[256];
    if (Profile_get(PROFILE_CONFIG_FILE, profile ? profile : Profile_name(), "region", &value, err,
                    sizeof err) > 0 &&
        *value) {
        snprintf(buf, size, "%s", value);
        free(value);
        return 0;
    }
    free(value);
    return -1;
}

Aws_partition Aws_partition_of(const char *region)
{
    /* botocore's endpoints.json: China and GovCloud are partitions of their
     * own, with their own DNS suffix and their own home for the global
     * services (Route 53 is signed for that home region). */
    if (region && !strncmp(region, "cn-", 3))
        return (Aws_partition){"amazonaws.com.cn", "route53.amazonaws.com.cn", "cn-northwest-1"};
    if (region && !strncmp(region, "us-gov-", 7))
        return (Aws_partition){"amazonaws.com", "route53.us-gov.amazonaws.com", "us-gov-west-1"};
    return (Aws_partition){"amazonaws.com", "route53.amazonaws.com", "us-east-1"};
}

const char *Aws_signing_region(const Aws_service *svc, const char *region)
{
    return svc->global ? Aws_partition_of(region).global_region : region;
}

void Aws_endpoint(const Aws_service *svc, const char *region, const char *plan_override,
                  const char *profile, char *buf, size_t size)
{
    const char *ignore = env("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS");
    bool configured = !(ignore && !strcasecmp(ignore, "true"));
    char var[128] = "AWS_ENDPOINT_URL_";
    size_t n = strlen(var);
    for (const char *p = svc->service_id; *p && n + 1 < sizeof var; p++)
        var[n++] = *p == ' ' ? '_' : (char)toupper((unsigned char)*p);
    var[n] = '\0';
    const char *url = configured ? env(var) : NULL;
    if (!url && configured)
        url = env("AWS_ENDPOINT_URL");
    if (!url && plan_override && *plan_override)
        url = plan_override;
    char *from_config = NULL, err[256];
    if (!url && configured &&
        Profile_get(PROFILE_CONFIG_FILE, profile ? profile : Profile_name(), "endpoint_url",
                    &from_config, err, sizeof err) > 0 &&
        *from_config)
        url = from_config;
    Aws_partition part = Aws_partition_of(region);
    if (url)
        snprintf(buf, size, "%s", url);
    else if (svc->global)
        snprintf(buf, size, "https://%s", part.global_host);
    else
        snprintf(buf, size, "https://%s.%s.%s", svc->prefix, region, part.dns_suffix);
    free(from_config);
    /* The path is appended later: no trailing slash here. */
    n = strlen(buf);
    while (n && buf[n - 1] == '/')
        buf[--n] = '\0';
}

Aws_client *Aws_client_new(const Aws_options *opt, char *err, size_t errlen)
{
    Aws_options none = {0};
    if (!opt)
        opt = &none;
    Aws_client *c = calloc(1, sizeof *c);
    if (!c) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    c->opt = *opt;
    c->opt.region = c->opt.profile = c->opt.endpoint_url = NULL;
    c->profile = opt->profile && *opt->profile ? strdup(opt->profile) : NULL;
    c->endpoint_url = opt->endpoint_url && *opt->endpoint_url ? strdup(opt->endpoint_url) : NULL;
    if (Aws_region(opt->region, c->profile, c->region, sizeof c->region) < 0) {
        snprintf(err, errlen,
                 "no AWS region: set aws.region in the plan, AWS_REGION, AWS_DEFAULT_REGION, or "
                 "region in profile \"%s\"",
                 c->profile ? c->profile : Profile_name());
        Aws_client_free(c);
        return NULL;
    }
    CredentialsConfig cc = {.profile = c->profile,
                            .role_arn = opt->role_arn,
                            .external_id = opt->external_id,
                            .region = c->region,
                            .endpoint_url = c->endpoint_url};
    c->creds_borrowed = opt->provider && !opt->credentials;
    c->creds = opt->credentials ? Credentials_provider_fixed(opt->credentials)
               : opt->provider  ? opt->provider
                                : Credentials_provider_new_config(&cc, NULL);
    c->opt.role_arn = c->opt.external_id = NULL;
    c->opt.credentials = NULL;
    c->opt.provider = NULL;
    return c;
}

void Aws_client_on_retry(Aws_client *c, Aws_retry_fn fn, void *arg)
{
    c->opt.on_retry = fn;
    c->opt.on_retry_arg = arg;
}

void Aws_client_on_cancel(Aws_client *c, atomic_bool *cancel)
{
    c->opt.cancel = cancel;
}

void Aws_client_on_call(Aws_client *c, Aws_call_fn fn, void *arg)
{
    c->opt.on_call = fn;
    c->opt.on_call_arg = arg;
}

void Aws_client_set_principal(Aws_client *c, const char *arn)
{
    snprintf(c->principal, sizeof c->principal, "%s", arn ? arn : "");
}

int Aws_client_prepare(Aws_client *c, int64_t hold_ms, int64_t *expires_ms, char *err,
                       size_t errlen)
{
    if (c->opt.anonymous) {
        *expires_ms = 0;
        return 0;
    }
    return Credentials_provider_prepare(c->creds, hold_ms, expires_ms, err, errlen);
}

void Aws_client_free(Aws_client *c)
{
    if (!c)
        return;
    if (!c->creds_borrowed)
        Credentials_provider_free(c->creds);
    free(c->profile);
    free(c->endpoint_url);
    free(c);
}

const char *Aws_client_region(const Aws_client *c)
{
    return c->region;
}

bool Aws_is_throttle(const char *code)
{
    static const char *const THROTTLES[] = {"Throttling",
                                            "ThrottlingException",
                                            "ThrottledException",
                                            "RequestThrottledException",
                                            "TooManyRequestsException",
                                            "RequestLimitExceeded",
                                            "RequestThrottled",
                                            "BandwidthLimitExceeded",
                                            "ProvisionedThroughputExceededException",
                                            "SlowDown",
                                            "PriorRequestNotComplete",
                                            "EC2ThrottledException",
                                            "TransactionInProgressException",
                                            "LimitExceededException"};
    for (size_t i = 0; code && i < sizeof THROTTLES / sizeof THROTTLES[0]; i++)
        if (!strcmp(code, THROTTLES[i]))
            return true;
    return false;
}

/* "com.amazonaws.dms#ResourceNotFoundFault" and "Code:http://..." both
 * name the code in their middle. */
static void clean_code(const char *raw, char *buf, size_t size)
{
    const char *hash = strrchr(raw, '#');
    const char *start = hash ? hash + 1 : raw;
    snprintf(buf, size, "%.*s", (int)strcspn(start, ":"), start);
}

static void parse_json_error(const char *body, Aws_response *resp)
{
    json_object *o = json_tokener_parse(body);
    json_object *v;
    if (!o || !json_object_is_type(o, json_type_object)) {
        json_object_put(o);
        return;
    }
    if (json_object_object_get_ex(o, "__type", &v) && json_object_is_type(v, json_type_string))
        clean_code(json_object_get_string(v), resp->code, sizeof resp->code);
    if ((json_object_object_get_ex(o, "message", &v) ||
         json_object_object_get_ex(o, "Message", &v)) &&
        json_object_is_type(v, json_type_string))
        snprintf(resp->message, sizeof resp->message, "%s", json_object_get_string(v));
    json_object_put(o);
}

void Aws_parse_error(const char *body, const char *error_type_header, Aws_response *resp)
{
    resp->code[0] = resp->message[0] = '\0';
    const char *p = body ? body : "";
    while (isspace((unsigned char)*p))
        p++;
    if (*p == '{') {
        parse_json_error(p, resp);
    } else if (*p == '<') {
        Xml_span doc = Xml_doc(p), error;
        if (!Xml_find(doc, "Error", &error))
            error = doc;
        Xml_text(error, "Code", resp->code, sizeof resp->code);
        Xml_text(error, "Message", resp->message, sizeof resp->message);
        if (!resp->request_id[0])
            Xml_text(doc, "RequestId", resp->request_id, sizeof resp->request_id);
    }
    if (!resp->code[0] && error_type_header)
        clean_code(error_type_header, resp->code, sizeof resp->code);
}

void Aws_apply_query_error(const char *header, Aws_response *resp)
{
    const char *semi = header ? strchr(header, ';') : NULL;
    if (!semi || semi == header || strchr(semi + 1, ';'))
        return; /* botocore takes "Code;Fault" only, exactly two parts */
    snprintf(resp->code, sizeof resp->code, "%.*s", (int)(semi - header), header);
}

/* Words for the codes an operator can act on. */
static const char *explain(const char *code, long status)
{
    static const struct {
        const char *code;
        const char *words;
    } KNOWN[] = {
        {"InvalidClientTokenId", "the access key is not known to AWS"},
        {"UnrecognizedClientException", "the access key or session token is not valid"},
        {"InvalidSignatureException", "the signature does not match (wrong secret key?)"},
        {"SignatureDoesNotMatch", "the signature does not match (wrong secret key?)"},
        {"IncompleteSignature", "the request signature is incomplete"},
        {"MissingAuthenticationToken", "the request was not signed"},
        {"ExpiredToken", "the credentials have expired"},
        {"ExpiredTokenException", "the credentials have expired"},
        {"RequestExpired", "the request time is too far from AWS's clock"},
        {"AccessDenied", "access denied"},
        {"AccessDeniedException", "access denied"},
        {"UnauthorizedOperation", "access denied"},
        {"ResourceNotFoundException", "not found"},
        {"ResourceNotFoundFault", "not found"},
        {"ParameterNotFound", "parameter not found"},
        {"DBParameterGroupNotFound", "DB parameter group not found"},
        {"DBInstanceNotFound", "DB instance not found"},
        {"TargetGroupNotFound", "target group not found"},
        {"NoSuchHostedZone", "hosted zone not found"},
        {"NoSuchChange", "change not found"},
        {"InvalidResourceStateFault", "the resource is not in a state that allows this"},
        {"ValidationException", "the request is not valid"},
        {"InvalidParameterValue", "a parameter value is not valid"},
        {"InvalidInput", "the request is not valid"},
    };
    for (size_t i = 0; i < sizeof KNOWN / sizeof KNOWN[0]; i++)
        if (!strcmp(code, KNOWN[i].code))
            return KNOWN[i].words;
    if (Aws_is_throttle(code) || status == 429)
        return "throttled, and still throttled after every retry";
    if (status >= 500)
        return "AWS had a server error, and still after every retry";
    if (status == 403)
        return "access denied";
    if (status == 404)
        return "not found";
    return "the request failed";
}

bool Aws_is_retryable(long status, const char *code)
{
    static const char *const TRANSIENT[] = {"RequestTimeout", "RequestTimeoutException",
                                            "PriorRequestNotComplete"};
    for (size_t i = 0; code && i < sizeof TRANSIENT / sizeof TRANSIENT[0]; i++)
        if (!strcmp(code, TRANSIENT[i]))
            return true;
    return Aws_is_throttle(code) || status == 429 || status == 500 || status == 502 ||
           status == 503 || status == 504;
}

/* Full jitter: a random wait in [0, min(max, base * 2^attempt)). */
static long backoff_ms(const Aws_options *opt, int attempt)
{
    long base = opt->backoff_base_ms > 0 ? opt->backoff_base_ms : 200;
    long cap = opt->backoff_max_ms > 0 ? opt->backoff_max_ms : 5000;
    long ceiling = base << (attempt < 20 ? attempt : 20);
    if (ceiling > cap || ceiling <= 0)
        ceiling = cap;
    unsigned int r = 0;
    if (RAND_bytes((unsigned char *)&r, sizeof r) != 1)
        r = (unsigned int)Clock_mono_us();
    return (long)(r % (unsigned long)ceiling);
}

/* Why an attempt is retried, in words. */
static void retry_reason(const Aws_response *resp, const char *transport, char *buf, size_t size)
{
    if (transport)
        snprintf(buf, size, "no reply (%s)", transport);
    else
        snprintf(buf, size, "%s (%s, HTTP %ld)",
                 resp->status >= 500                                  ? "server error"
                 : Aws_is_throttle(resp->code) || resp->status == 429 ? "throttled"
                                                                      : "timed out at AWS",
                 resp->code[0] ? resp->code : "no error code", resp->status);
}

/* Waits before the next attempt, telling the observer why first. Returns
 * -1 when an abort ended the wait. transport: the failure when no reply
 * came, else NULL. */
static int backoff(const Aws_options *opt, const Aws_call *call, const Aws_response *resp,
                   const char *transport, int attempt, int max)
{
    long wait = backoff_ms(opt, attempt);
    if (opt->on_retry) {
        char why[400], text[600];
        retry_reason(resp, transport, why, sizeof why);
        snprintf(text, sizeof text, "%s %s: %s; attempt %d of %d in %ld ms", call->service->name,
                 call->operation ? call->operation : "call", why, attempt + 2, max, wait);
        opt->on_retry(opt->on_retry_arg, text);
    }
    return Clock_sleep_unless(opt->cancel, (int64_t)wait) ? -1 : 0;
}

typedef struct {
    char url[2048];
    char host[512];
    char path[1024]; /* as on the wire, with any base path of the endpoint */
} Target;

static void build_target(Aws_client *c, const Aws_call *call, Target *t)
{
    char endpoint[1024];
    Aws_endpoint(call->service, c->region, c->endpoint_url, c->profile, endpoint, sizeof endpoint);
    /* The query goes on the wire in its canonical form, the bytes that are
     * signed: a raw '+' would be read as a space by a server that
     * form-decodes, and signed as '+' (%2B) here. */
    Awsbuf query;
    Awsbuf_init(&query);
    if (call->query)
        Sigv4_canonical_query(&query, call->query);
    snprintf(t->url, sizeof t->url, "%s%s%s%s", endpoint,
             call->path && *call->path ? call->path : "/", query.len ? "?" : "",
             query.len ? query.data : "");
    Awsbuf_free(&query);
    const char *scheme = strstr(t->url, "://");
    const char *slash = scheme ? strchr(scheme + 3, '/') : NULL;
    if (!slash)
        slash = "/";
    snprintf(t->path, sizeof t->path, "%.*s", (int)strcspn(slash, "?"), slash);
    if (Sigv4_host_from_url(t->url, t->host, sizeof t->host) < 0)
        t->host[0] = '\0';
}

/* sig NULL: an unsigned call. */
static size_t header_lines(Awsbuf *lines, const Aws_call *call, const char *host, const char *ctype,
                           const Sigv4_result *sig, const char *token)
{
    size_t n = 0;
    const char *target = call->target;
    Awsbuf_printf(&lines[n++], "Host: %s", host);
    if (ctype)
        Awsbuf_printf(&lines[n++], "Content-Type: %s", ctype);
    if (target)
        Awsbuf_printf(&lines[n++], "X-Amz-Target: %s", target);
    if (sig)
        Awsbuf_printf(&lines[n++], "X-Amz-Date: %s", sig->amz_date);
    if (sig && token)
        Awsbuf_printf(&lines[n++], "X-Amz-Security-Token: %s", token);
    if (sig)
        Awsbuf_printf(&lines[n++], "Authorization: %s", sig->authorization);
    Awsbuf_printf(&lines[n++], "User-Agent: cutover/%s", PACKAGE_VERSION);
    for (size_t i = 0; i < call->n_headers && i < AWS_CALL_HEADERS_MAX; i++)
        Awsbuf_printf(&lines[n++], "%s", call->headers[i]);
    return n;
}

#define MAX_LINES (7 + AWS_CALL_HEADERS_MAX)

/* Signs and sends one attempt. Returns 0 when a reply arrived. */
static int attempt_once(Aws_client *c, const Aws_call *call, const Target *t,
                        const Credentials *cred, Fetch_response *fr, char *err, size_t errlen)
{
    const char *method = call->method ? call->method : "POST";
    const char *region = Aws_signing_region(call->service, c->region);
    const char *ctype = call->content_type         ? call->content_type
                        : call->service->json_type ? call->service->json_type
                                                   : FORM;
    if (!call->body_len && strcmp(method, "POST") != 0)
        ctype = NULL; /* a GET without a body has no content type */
    Sigv4_header h[3];
    size_t nh = 0;
    h[nh++] = (Sigv4_header){"Host", t->host};
    if (ctype)
        h[nh++] = (Sigv4_header){"Content-Type", ctype};
    if (call->target)
        h[nh++] = (Sigv4_header){"X-Amz-Target", call->target};
    Sigv4_request req = {method, t->path, call->query, h, nh, call->body, call->body_len};
    Sigv4_credentials sc = {cred->access_key_id, cred->secret_access_key, cred->session_token};
    Sigv4_result sig;
    memset(&sig, 0, sizeof sig);
    int rc = c->opt.anonymous ? 0
                              : Sigv4_sign(&req, &sc, region, call->service->signing, time(NULL),
                                           &sig, err, errlen);
    if (rc == 0) {
        Awsbuf lines[MAX_LINES];
        const char *hl[MAX_LINES];
        for (int i = 0; i < MAX_LINES; i++)
            Awsbuf_init(&lines[i]);
        size_t n = header_lines(lines, call, t->host, ctype, c->opt.anonymous ? NULL : &sig,
                                sc.session_token);
        for (size_t i = 0; i < n; i++)
            hl[i] = lines[i].data;
        Fetch_request fq = {method,
                            t->url,
                            hl,
                            n,
                            call->body,
                            call->body_len,
                            c->opt.connect_timeout_ms,
                            c->opt.timeout_ms ? c->opt.timeout_ms : 15000,
                            c->opt.cancel};
        rc = Fetch_perform(&fq, fr, err, errlen);
        for (int i = 0; i < MAX_LINES; i++)
            Awsbuf_wipe(&lines[i]);
    } else {
        memset(fr, 0, sizeof *fr);
    }
    Sigv4_result_free(&sig);
    return rc;
}

static bool expired_code(const char *code)
{
    return !strcmp(code, "ExpiredToken") || !strcmp(code, "ExpiredTokenException");
}

/* Keeps the last reply in resp. */
static void take_reply(Aws_response *resp, Fetch_response *fr)
{
    char value[256];
    resp->status = fr->status;
    free(resp->body);
    resp->body_len = fr->body.len;
    resp->body = Awsbuf_steal(&fr->body);
    resp->code[0] = resp->message[0] = resp->request_id[0] = '\0';
    if (Fetch_response_header(fr, "x-amzn-RequestId", value, sizeof value) ||
        Fetch_response_header(fr, "x-amz-request-id", value, sizeof value))
        snprintf(resp->request_id, sizeof resp->request_id, "%.120s", value);
    if (resp->status < 200 || resp->status > 299) {
        Aws_parse_error(resp->body,
                        Fetch_response_header(fr, "x-amzn-ErrorType", value, sizeof value), resp);
        Aws_apply_query_error(Fetch_response_header(fr, "x-amzn-query-error", value, sizeof value),
                              resp);
    }
}

static void describe_failure(const Aws_call *call, const Aws_response *resp, char *err,
                             size_t errlen)
{
    snprintf(err, errlen, "%s %s: %s (%s%s%.300s) [HTTP %ld, %d attempt%s%s%s]",
             call->service->name, call->operation ? call->operation : "call",
             explain(resp->code, resp->status), resp->code[0] ? resp->code : "no error code",
             resp->message[0] ? ": " : "", resp->message, resp->status, resp->attempts,
             resp->attempts == 1 ? "" : "s", resp->request_id[0] ? ", request id " : "",
             resp->request_id);
}

static void prefix_error(const Aws_call *call, char *err, size_t errlen)
{
    char inner[1024];
    snprintf(inner, sizeof inner, "%s", err);
    snprintf(err, errlen, "%s %s: %s", call->service->name,
             call->operation ? call->operation : "call", inner);
}

/* The transport failure's words, without the "METHOD URL: " that
 * Fetch_perform puts first (the call's name says which). */
static const char *transport_words(const char *err)
{
    const char *p = strstr(err, ": ");
    return p ? p + 2 : err;
}

static void append(char *err, size_t errlen, const char *text)
{
    size_t n = strlen(err);
    if (n < errlen)
        snprintf(err + n, errlen - n, "%s", text);
}

/* "DMS StartReplicationTask: <what happened> [3 attempts]". */
static int transport_failure(const Aws_call *call, int attempts, char *err, size_t errlen)
{
    char count[32];
    prefix_error(call, err, errlen);
    snprintf(count, sizeof count, " [%d attempts]", attempts);
    if (attempts > 1)
        append(err, errlen, count);
    return -1;
}

static bool cancelled(const Aws_client *c)
{
    return c->opt.cancel && atomic_load(c->opt.cancel);
}

static int perform(Aws_client *c, const Aws_call *call, Aws_response *resp, char *source,
                   size_t source_size, char *err, size_t errlen)
{
    memset(resp, 0, sizeof *resp);
    resp->body = strdup("");
    Target t;
    build_target(c, call, &t);
    if (!t.host[0]) {
        snprintf(err, errlen, "%s: the endpoint URL %.200s has no host", call->service->name,
                 t.url);
        return -1;
    }
    int max = c->opt.max_attempts > 0 ? c->opt.max_attempts : 5;
    bool refreshed = false;
    for (int attempt = 0; attempt < max; attempt++) {
        Credentials cred = {0};
        if (!c->opt.anonymous && Credentials_provider_get(c->creds, &cred, err, errlen) < 0) {
            prefix_error(call, err, errlen);
            return -1;
        }
        snprintf(source, source_size, "%s", cred.source);
        Fetch_response fr;
        int rc = attempt_once(c, call, &t, &cred, &fr, err, errlen);
        Credentials_clear(&cred);
        resp->attempts = attempt + 1;
        if (rc < 0) {
            bool again = fr.transient && attempt + 1 < max && !cancelled(c);
            Fetch_response_free(&fr);
            Redact_apply(err, errlen);
            if (again && backoff(&c->opt, call, resp, transport_words(err), attempt, max) == 0)
                continue;
            if (again)
                append(err, errlen, "; cancelled (abort) before the next attempt");
            return transport_failure(call, resp->attempts, err, errlen);
        }
        take_reply(resp, &fr);
        Fetch_response_free(&fr);
        if (resp->status >= 200 && resp->status <= 299)
            return 0;
        /* Keys that AWS calls expired before their time: resolve once more. */
        if (expired_code(resp->code) && !refreshed) {
            Credentials_provider_invalidate(c->creds);
            refreshed = true;
            continue;
        }
        if (!Aws_is_retryable(resp->status, resp->code) || attempt + 1 == max)
            break;
        if (backoff(&c->opt, call, resp, NULL, attempt, max) < 0) {
            retry_reason(resp, NULL, err, errlen);
            append(err, errlen, "; cancelled (abort) before the next attempt");
            return transport_failure(call, resp->attempts, err, errlen);
        }
    }
    describe_failure(call, resp, err, errlen);
    Redact_apply(err, errlen);
    return -1;
}

/* Describe*, Get*, List*: reads; anything else changes something. */
static bool is_read(const char *operation)
{
    static const char *const READS[] = {"Describe", "Get", "List"};
    for (size_t i = 0; i < sizeof READS / sizeof READS[0]; i++)
        if (!strncmp(operation, READS[i], strlen(READS[i])))
            return true;
    return false;
}

static void report(Aws_client *c, const Aws_call *call, const Aws_response *resp,
                   const char *source)
{
    const char *op = call->operation ? call->operation : "call";
    bool read = is_read(op);
    char name[128];
    snprintf(name, sizeof name, "%s %s", call->service->name, op);
    Aws_call_report r = {.service = call->service->name,
                         .operation = op,
                         .principal = c->principal[0] ? c->principal : source,
                         .status = resp->status,
                         .code = resp->code,
                         .request_id = resp->request_id,
                         .write = !read,
                         .repeat = read && !strcmp(c->last_read, name)};
    snprintf(c->last_read, sizeof c->last_read, "%s", read ? name : "");
    if (c->opt.on_call)
        c->opt.on_call(c->opt.on_call_arg, &r);
}

int Aws_perform(Aws_client *c, const Aws_call *call, Aws_response *resp, char *err, size_t errlen)
{
    char source[160] = "";
    int rc = perform(c, call, resp, source, sizeof source, err, errlen);
    report(c, call, resp, source);
    return rc;
}

void Aws_response_free(Aws_response *resp)
{
    free(resp->body);
    memset(resp, 0, sizeof *resp);
}
