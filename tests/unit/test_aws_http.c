/* The AWS transport's pure parts: endpoint and region precedence, error
 * parsing from JSON and XML replies, the throttling and transient codes, an
 * abort ending a retry's backoff. Other calls over the wire (retries, backoff, signatures) are
 * tested against the local endpoint in tests/integration/aws_http_fake.sh. */
#include <check.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "aws/http.h"
#include "aws/xml.h"
#include "tests/unit/unit.h"

static char dir[256];

static void setup(void)
{
    static const char *const VARS[] = {"AWS_REGION",
                                       "AWS_DEFAULT_REGION",
                                       "AWS_PROFILE",
                                       "AWS_ENDPOINT_URL",
                                       "AWS_ENDPOINT_URL_DATABASE_MIGRATION_SERVICE",
                                       "AWS_ENDPOINT_URL_SECRETS_MANAGER",
                                       "AWS_ENDPOINT_URL_ROUTE_53",
                                       "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
                                       "AWS_SHARED_CREDENTIALS_FILE"};
    for (size_t i = 0; i < sizeof VARS / sizeof VARS[0]; i++)
        unsetenv(VARS[i]);
    snprintf(dir, sizeof dir, "/tmp/cutover-http-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char path[512];
    snprintf(path, sizeof path, "%s/config", dir);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs("[default]\nregion = eu-west-3\n[profile lab]\nregion = ap-south-1\n"
          "endpoint_url = http://127.0.0.1:4566/\n",
          f);
    fclose(f);
    setenv("AWS_CONFIG_FILE", path, 1);
    setenv("HOME", dir, 1);
}

static void teardown(void)
{
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    ck_assert_int_eq(system(cmd), 0);
}

START_TEST(region_precedence)
{
    char r[64];
    ck_assert_int_eq(Aws_region(NULL, NULL, r, sizeof r), 0);
    ck_assert_str_eq(r, "eu-west-3");
    ck_assert_int_eq(Aws_region(NULL, "lab", r, sizeof r), 0);
    ck_assert_str_eq(r, "ap-south-1");
    setenv("AWS_DEFAULT_REGION", "us-west-1", 1);
    ck_assert_int_eq(Aws_region(NULL, NULL, r, sizeof r), 0);
    ck_assert_str_eq(r, "us-west-1");
    setenv("AWS_REGION", "us-west-2", 1);
    ck_assert_int_eq(Aws_region(NULL, NULL, r, sizeof r), 0);
    ck_assert_str_eq(r, "us-west-2");
    ck_assert_int_eq(Aws_region("sa-east-1", NULL, r, sizeof r), 0);
    ck_assert_str_eq(r, "sa-east-1");
    unsetenv("AWS_REGION");
    unsetenv("AWS_DEFAULT_REGION");
    setenv("AWS_CONFIG_FILE", "/nonexistent", 1);
    ck_assert_int_eq(Aws_region(NULL, NULL, r, sizeof r), -1);

    char err[256];
    ck_assert_ptr_null(Aws_client_new(NULL, err, sizeof err));
    ck_assert_ptr_nonnull(strstr(err, "no AWS region"));
}
END_TEST

START_TEST(endpoint_precedence)
{
    char url[256];
    Aws_endpoint(&AWS_DMS, "eu-west-1", NULL, NULL, url, sizeof url);
    ck_assert_str_eq(url, "https://dms.eu-west-1.amazonaws.com");
    Aws_endpoint(&AWS_ROUTE53, "eu-west-1", NULL, NULL, url, sizeof url);
    ck_assert_str_eq(url, "https://route53.amazonaws.com");
    Aws_endpoint(&AWS_CLOUDWATCH, "eu-west-1", NULL, "lab", url, sizeof url);
    ck_assert_str_eq(url, "http://127.0.0.1:4566");
    Aws_endpoint(&AWS_DMS, "eu-west-1", "http://plan:1/", "lab", url, sizeof url);
    ck_assert_str_eq(url, "http://plan:1");
    setenv("AWS_ENDPOINT_URL", "http://all:2", 1);
    Aws_endpoint(&AWS_DMS, "eu-west-1", "http://plan:1/", NULL, url, sizeof url);
    ck_assert_str_eq(url, "http://all:2");
    setenv("AWS_ENDPOINT_URL_DATABASE_MIGRATION_SERVICE", "http://dms:3", 1);
    setenv("AWS_ENDPOINT_URL_SECRETS_MANAGER", "http://sm:4", 1);
    setenv("AWS_ENDPOINT_URL_ROUTE_53", "http://r53:5", 1);
    Aws_endpoint(&AWS_DMS, "eu-west-1", "http://plan:1/", NULL, url, sizeof url);
    ck_assert_str_eq(url, "http://dms:3");
    Aws_endpoint(&AWS_SECRETS_MANAGER, "eu-west-1", NULL, NULL, url, sizeof url);
    ck_assert_str_eq(url, "http://sm:4");
    Aws_endpoint(&AWS_ROUTE53, "eu-west-1", NULL, NULL, url, sizeof url);
    ck_assert_str_eq(url, "http://r53:5");
    Aws_endpoint(&AWS_SSM, "eu-west-1", NULL, NULL, url, sizeof url);
    ck_assert_str_eq(url, "http://all:2");
    /* The SDK switch that ignores environment and config, not the plan. */
    setenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true", 1);
    Aws_endpoint(&AWS_DMS, "eu-west-1", "http://plan:1", "lab", url, sizeof url);
    ck_assert_str_eq(url, "http://plan:1");
    Aws_endpoint(&AWS_DMS, "eu-west-1", NULL, "lab", url, sizeof url);
    ck_assert_str_eq(url, "https://dms.eu-west-1.amazonaws.com");
}
END_TEST

START_TEST(json_errors)
{
    Aws_response r;
    memset(&r, 0, sizeof r);
    Aws_parse_error("{\"__type\":\"com.amazonaws.dms#ResourceNotFoundFault\",\"message\":"
                    "\"Task not found\"}",
                    NULL, &r);
    ck_assert_str_eq(r.code, "ResourceNotFoundFault");
    ck_assert_str_eq(r.message, "Task not found");
    Aws_parse_error("{\"__type\":\"ThrottlingException\",\"Message\":\"Rate exceeded\"}", NULL, &r);
    ck_assert_str_eq(r.code, "ThrottlingException");
    ck_assert_str_eq(r.message, "Rate exceeded");
    Aws_parse_error("{}", "AccessDeniedException:http://internal.amazon.com/coral/", &r);
    ck_assert_str_eq(r.code, "AccessDeniedException");
    Aws_parse_error("{\"__type\":\"com.amazonaws.cloudwatch#InvalidParameterValueException\"}",
                    NULL, &r);
    Aws_apply_query_error("InvalidParameterValue;Sender", &r);
    ck_assert_str_eq(r.code, "InvalidParameterValue");
    Aws_apply_query_error("Throttling;Sender;extra", &r); /* not "Code;Fault": ignored */
    Aws_apply_query_error(";Sender", &r);
    Aws_apply_query_error(NULL, &r);
    ck_assert_str_eq(r.code, "InvalidParameterValue");
    Aws_parse_error("not json at all", NULL, &r);
    ck_assert_str_eq(r.code, "");
}
END_TEST

START_TEST(xml_errors)
{
    Aws_response r;
    memset(&r, 0, sizeof r);
    Aws_parse_error("<?xml version=\"1.0\"?>\n<ErrorResponse xmlns=\"http://rds.amazonaws.com/"
                    "doc/2014-10-31/\">\n  <Error>\n    <Type>Sender</Type>\n    "
                    "<Code>DBParameterGroupNotFound</Code>\n    <Message>DBParameterGroup "
                    "&quot;pg&quot; &amp; co not found</Message>\n  </Error>\n  "
                    "<RequestId>abc-123</RequestId>\n</ErrorResponse>",
                    NULL, &r);
    ck_assert_str_eq(r.code, "DBParameterGroupNotFound");
    ck_assert_str_eq(r.message, "DBParameterGroup \"pg\" & co not found");
    ck_assert_str_eq(r.request_id, "abc-123");
    memset(&r, 0, sizeof r);
    Aws_parse_error("<ErrorResponse><Error><Code>Throttling</Code><Message>Rate exceeded"
                    "</Message></Error></ErrorResponse>",
                    NULL, &r);
    ck_assert_str_eq(r.code, "Throttling");
}
END_TEST

START_TEST(throttle_codes)
{
    ck_assert(Aws_is_throttle("ThrottlingException"));
    ck_assert(Aws_is_throttle("Throttling"));
    ck_assert(Aws_is_throttle("RequestLimitExceeded"));
    ck_assert(Aws_is_throttle("TooManyRequestsException"));
    ck_assert(Aws_is_throttle("PriorRequestNotComplete"));
    ck_assert(!Aws_is_throttle("AccessDeniedException"));
    ck_assert(!Aws_is_throttle(""));
    ck_assert(!Aws_is_throttle(NULL));
}
END_TEST

START_TEST(retryable_replies)
{
    /* botocore's standard mode: throttles, transient codes, 500/502/503/504. */
    ck_assert(Aws_is_throttle("LimitExceededException"));
    ck_assert(Aws_is_retryable(400, "ThrottlingException"));
    ck_assert(Aws_is_retryable(400, "RequestTimeout"));
    ck_assert(Aws_is_retryable(408, "RequestTimeoutException"));
    ck_assert(Aws_is_retryable(429, ""));
    ck_assert(Aws_is_retryable(500, "InternalFailure"));
    ck_assert(Aws_is_retryable(502, ""));
    ck_assert(Aws_is_retryable(503, "ServiceUnavailable"));
    ck_assert(Aws_is_retryable(504, ""));
    ck_assert(!Aws_is_retryable(501, "NotImplemented"));
    ck_assert(!Aws_is_retryable(400, "InvalidResourceStateFault"));
    ck_assert(!Aws_is_retryable(403, "AccessDeniedException"));
}
END_TEST

static void abort_on_retry(void *arg, const char *text)
{
    ck_assert_ptr_nonnull(strstr(text, "no reply ("));
    atomic_store((atomic_bool *)arg, true);
}

/* A refused connection is retried; an abort during the backoff ends the
 * call at once, saying so, without the remaining attempts. */
START_TEST(abort_stops_the_backoff)
{
    atomic_bool cancel;
    atomic_init(&cancel, false);
    Aws_options opt = {.region = "us-east-1",
                       .endpoint_url = "http://127.0.0.1:1",
                       .credentials = &(Credentials){.access_key_id = (char *)"AKIDEXAMPLE",
                                                     .secret_access_key = (char *)"secret"},
                       .backoff_base_ms = 60000,
                       .backoff_max_ms = 60000,
                       .on_retry = abort_on_retry,
                       .on_retry_arg = &cancel,
                       .cancel = &cancel};
    char err[1024];
    Aws_client *c = Aws_client_new(&opt, err, sizeof err);
    ck_assert_ptr_nonnull(c);
    Aws_call call = {.service = &AWS_SSM, .operation = "GetParameter", .body = "{}", .body_len = 2};
    Aws_response resp;
    ck_assert_int_eq(Aws_perform(c, &call, &resp, err, sizeof err), -1);
    ck_assert_int_eq(resp.attempts, 1);
    ck_assert_ptr_nonnull(strstr(err, "SSM GetParameter: "));
    ck_assert_ptr_nonnull(strstr(err, "cancelled (abort) before the next attempt"));
    Aws_response_free(&resp);
    /* Set before the call: the transfer itself stops, and is not retried. */
    ck_assert_int_eq(Aws_perform(c, &call, &resp, err, sizeof err), -1);
    ck_assert_int_eq(resp.attempts, 1);
    Aws_response_free(&resp);
    Aws_client_free(c);
}
END_TEST

START_TEST(xml_walk)
{
    const char *doc = "<R><Parameters><Parameter><ParameterName>read_only</ParameterName>"
                      "<ParameterValue>1</ParameterValue></Parameter><Parameter>"
                      "<ParameterName>max_connections</ParameterName><ParameterValue/>"
                      "</Parameter></Parameters><ParameterNameX>no</ParameterNameX></R>";
    Xml_span params, one;
    ck_assert(Xml_find(Xml_doc(doc), "Parameters", &params));
    const char *cursor = params.start;
    char name[64], value[64];
    int n = 0;
    while (Xml_next(params, "Parameter", &cursor, &one)) {
        Xml_text(one, "ParameterName", name, sizeof name);
        Xml_text(one, "ParameterValue", value, sizeof value);
        ck_assert_str_eq(name, n == 0 ? "read_only" : "max_connections");
        ck_assert_str_eq(value, n == 0 ? "1" : "");
        n++;
    }
    ck_assert_int_eq(n, 2);
    ck_assert(!Xml_text(Xml_doc(doc), "Missing", name, sizeof name));
    Awsbuf b;
    Awsbuf_init(&b);
    Xml_escape(&b, "a<b & \"c\"");
    ck_assert_str_eq(b.data, "a&lt;b &amp; &quot;c&quot;");
    Awsbuf_free(&b);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("aws_http");
    TCase *tc = tcase_create("resolution");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, region_precedence);
    tcase_add_test(tc, endpoint_precedence);
    tcase_add_test(tc, json_errors);
    tcase_add_test(tc, xml_errors);
    tcase_add_test(tc, throttle_codes);
    tcase_add_test(tc, xml_walk);
    tcase_add_test(tc, retryable_replies);
    tcase_add_test(tc, abort_stops_the_backoff);
    suite_add_tcase(s, tc);
    return Unit_run(s);
}
