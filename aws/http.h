/* The signed AWS transport: endpoint and region resolution, SigV4 on every
 * attempt, retries as botocore's standard mode decides them (throttling
 * codes, transient codes, HTTP 500/502/503/504, and transport faults: a
 * reset or timed-out connection) with exponential backoff and full jitter
 * that an abort interrupts, and errors parsed from JSON ("__type") and XML
 * (<Error><Code>) replies into messages that say what is wrong. */
#ifndef CUTOVER_AWS_HTTP_H
#define CUTOVER_AWS_HTTP_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "aws/credentials.h"

/* One AWS service as the console knows it. */
typedef struct {
    const char *name;       /* for messages: "DMS" */
    const char *service_id; /* for AWS_ENDPOINT_URL_<ID>: "Database Migration Service" */
    const char *prefix;     /* endpoint host prefix: "dms" */
    const char *signing;    /* SigV4 service name: "dms" */
    const char *json_type;  /* "application/x-amz-json-1.1", NULL for XML protocols */
    bool global;            /* one endpoint per partition (Route 53), signed for its home */
} Aws_service;

extern const Aws_service AWS_CLOUDWATCH, AWS_DMS, AWS_SECRETS_MANAGER, AWS_SSM, AWS_RDS,
    AWS_ROUTE53, AWS_STS, AWS_ELBV2, AWS_SSO;

/* Told of each retry before its wait, in words ("RDS ModifyDBParameterGroup:
 * throttled (Throttling, HTTP 400); attempt 2 of 5 in 183 ms"): a step
 * that succeeds after retries says so on the screen and in the recording. */
typedef void (*Aws_retry_fn)(void *arg, const char *text);

#define AWS_PRINCIPAL_MAX 200

/* One call's outcome, for the audit: who made it (the principal the
 * plan's session found with GetCallerIdentity, else where the keys came
 * from) and the request id AWS gave it, which CloudTrail carries too. */
typedef struct {
    const char *service;   /* "SSM" */
    const char *operation; /* "PutParameter" */
    const char *principal; /* an ARN, or the keys' source; "" when anonymous */
    long status;           /* 0: no reply */
    const char *code;      /* the AWS error code, "" on success */
    const char *request_id;
    bool write;  /* not a Describe/Get/List */
    bool repeat; /* a read, the same as this client's previous call (a poll) */
} Aws_call_report;

typedef void (*Aws_call_fn)(void *arg, const Aws_call_report *r);

typedef struct {
    const char *region;             /* the plan's; NULL: AWS_REGION, AWS_DEFAULT_REGION, profile */
    const char *profile;            /* the plan's; NULL: AWS_PROFILE, "default" */
    const char *endpoint_url;       /* the plan's override for every service; NULL: none */
    const char *role_arn;           /* the plan's role for this side, assumed last; NULL: none */
    const char *external_id;        /* for role_arn */
    const Credentials *credentials; /* these keys (copied), not the chain: NULL */
    Credentials_provider *provider; /* a shared cache over the chain (borrowed), else NULL */
    bool anonymous;                 /* unsigned (AssumeRoleWithWebIdentity) */
    int max_attempts;               /* 0: 5 */
    int backoff_base_ms;            /* 0: 200; attempt n waits rand(0, base * 2^n) */
    int backoff_max_ms;             /* 0: 5000 */
    long connect_timeout_ms;        /* 0: 3000 */
    long timeout_ms;                /* 0: 15000 per attempt */
    Aws_retry_fn on_retry;          /* NULL: retries are silent */
    void *on_retry_arg;
    atomic_bool *cancel; /* set by an abort: a transfer or backoff stops at once */
    Aws_call_fn on_call; /* told of each call's outcome; NULL: none */
    void *on_call_arg;
} Aws_options;

typedef struct Aws_client Aws_client;

/* Resolves the region (an error when there is none) and prepares the
 * credentials provider; nothing touches the network yet. */
Aws_client *Aws_client_new(const Aws_options *opt, char *err, size_t errlen);
void Aws_client_free(Aws_client *c);

/* Sets (or with NULL clears) the observer told of each retry. */
void Aws_client_on_retry(Aws_client *c, Aws_retry_fn fn, void *arg);

/* Sets (or with NULL clears) the abort flag of the calls that follow. */
void Aws_client_on_cancel(Aws_client *c, atomic_bool *cancel);

/* Sets (or with NULL clears) the observer told of each call's outcome. */
void Aws_client_on_call(Aws_client *c, Aws_call_fn fn, void *arg);

/* The principal (ARN) reported for this client's calls. */
void Aws_client_set_principal(Aws_client *c, const char *arn);

/* Credentials_provider_prepare on the client's credentials: resolved now,
 * at a step's start, and held for hold_ms (aws/credentials.h). */
int Aws_client_prepare(Aws_client *c, int64_t hold_ms, int64_t *expires_ms, char *err,
                       size_t errlen);

const char *Aws_client_region(const Aws_client *c);

#define AWS_CALL_HEADERS_MAX 2

typedef struct {
    const Aws_service *service;
    const char *operation;    /* for messages and X-Amz-Target: "DescribeReplicationTasks" */
    const char *target;       /* X-Amz-Target ("AmazonDMSv20160101.Describe..."), or NULL */
    const char *method;       /* NULL: "POST" */
    const char *path;         /* NULL: "/" */
    const char *query;        /* wire query without '?', or NULL */
    const char *content_type; /* NULL: the service's JSON type, or form encoding */
    const char *body;
    size_t body_len;
    const char *const *headers; /* extra "Name: value" lines, unsigned (a bearer token) */
    size_t n_headers;           /* at most AWS_CALL_HEADERS_MAX */
} Aws_call;

typedef struct {
    long status;     /* the last HTTP status, 0 when none arrived */
    char *body;      /* the last reply's body (NUL-terminated), never NULL */
    size_t body_len; /* after Aws_perform */
    char code[128];  /* AWS error code of a failed call ("ThrottlingException") */
    char message[512];
    char request_id[128];
    int attempts;
} Aws_response;

/* Performs the call. Returns 0 on a 2xx reply; -1 otherwise, with err saying
 * what failed in words ("DMS DescribeReplicationTasks: access denied: ...").
 * Free the response with Aws_response_free either way. */
int Aws_perform(Aws_client *c, const Aws_call *call, Aws_response *resp, char *err, size_t errlen);

void Aws_response_free(Aws_response *resp);

/* Where a region lives (aws, aws-cn, aws-us-gov): its DNS suffix, and the host and
 * signing region of its global services. */
typedef struct {
    const char *dns_suffix;    /* "amazonaws.com", "amazonaws.com.cn" */
    const char *global_host;   /* Route 53's: "route53.amazonaws.com" */
    const char *global_region; /* the region it is signed for: "us-east-1" */
} Aws_partition;

Aws_partition Aws_partition_of(const char *region);

/* The region a call is signed for: the client's, or for a global service
 * its partition's home ("us-east-1", "cn-northwest-1", "us-gov-west-1"). */
const char *Aws_signing_region(const Aws_service *svc, const char *region);

/* The endpoint for a service into buf: AWS_ENDPOINT_URL_<SERVICE_ID>, then
 * AWS_ENDPOINT_URL, then the plan's override, then endpoint_url in the
 * profile's config, else https://PREFIX.REGION.SUFFIX (amazonaws.com, or
 * amazonaws.com.cn in China), or the partition's global host.
 * AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true skips the environment and config. */
void Aws_endpoint(const Aws_service *svc, const char *region, const char *plan_override,
                  const char *profile, char *buf, size_t size);

/* The region: the plan's, AWS_REGION, AWS_DEFAULT_REGION, the profile's
 * region. Returns -1 when none is set. */
int Aws_region(const char *plan_region, const char *profile, char *buf, size_t size);

/* Whether an AWS error code means "slow down" (botocore's throttling codes). */
bool Aws_is_throttle(const char *code);

/* Whether a reply is worth another attempt: a throttle, a transient code
 * (RequestTimeout, PriorRequestNotComplete), HTTP 429, 500, 502, 503, 504. */
bool Aws_is_retryable(long status, const char *code);

/* Reads the code, message and request id of an error reply (JSON or XML). */
void Aws_parse_error(const char *body, const char *error_type_header, Aws_response *resp);

/* A JSON reply of a service that used to speak Query (CloudWatch) names
 * the Query code in x-amzn-query-error ("InvalidParameterValue;Sender"),
 * the code its documentation lists: it wins over "__type", as in botocore.
 * A NULL or malformed header changes nothing. */
void Aws_apply_query_error(const char *header, Aws_response *resp);

#endif
