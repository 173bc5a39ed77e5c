/* One call through aws/http, for the tests against the local endpoint:
 *   aws_call SERVICE OPERATION [BODY]          JSON services: dms,
 *                                              secretsmanager, ssm, cloudwatch
 *   aws_call rds OPERATION FORM-BODY           Query protocol
 *   aws_call route53 METHOD PATH [BODY]        REST-XML
 *   aws_call sts OPERATION FORM-BODY           Query protocol
 *   aws_call secret-swap SECRET_ID HOST PORT   aws/secrets: read, rewrite
 *                                              host/port, read back
 *   aws_call endpoint SERVICE REGION           the default endpoint and the
 *                                              region it is signed for
 *   aws_call whoami [PROFILE [ROLE_ARN [EXTERNAL_ID]]]
 *                                              the whole credential chain
 *                                              (PROFILE "-": none named),
 *                                              then STS GetCallerIdentity:
 *                                              prints "ACCOUNT ARN"
 * Credentials, region and endpoint come from the environment as for the
 * console. Prints the reply body on stdout, "attempts=N" and each retry
 * ("retry: ...") on stderr, and the error on stderr with exit status 1. AWS_CALL_MAX_ATTEMPTS caps
 * retries. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/http.h"
#include "aws/secrets.h"
#include "aws/sts.h"

static const struct {
    const char *name;
    const Aws_service *svc;
    const char *target_prefix;
} SERVICES[] = {
    {"dms", &AWS_DMS, "AmazonDMSv20160101"},
    {"secretsmanager", &AWS_SECRETS_MANAGER, "secretsmanager"},
    {"ssm", &AWS_SSM, "AmazonSSM"},
    {"cloudwatch", &AWS_CLOUDWATCH, "GraniteServiceVersion20100801"},
    {"rds", &AWS_RDS, NULL},
    {"route53", &AWS_ROUTE53, NULL},
    {"sts", &AWS_STS, NULL},
    {"elbv2", &AWS_ELBV2, NULL},
    {"sso", &AWS_SSO, NULL},
};

static void said_retry(void *arg, const char *text)
{
    (void)arg;
    fprintf(stderr, "retry: %s\n", text);
}

/* The chain as the console runs it for a plan's side. */
static int whoami(int argc, char **argv)
{
    char err[2048];
    Aws_options opt = {.profile = argc > 2 && strcmp(argv[2], "-") ? argv[2] : NULL,
                       .role_arn = argc > 3 ? argv[3] : NULL,
                       .external_id = argc > 4 ? argv[4] : NULL,
                       .max_attempts = 1};
    Aws_client *c = Aws_client_new(&opt, err, sizeof err);
    Sts_identity id;
    int rc = c ? Sts_get_caller_identity(c, &id, err, sizeof err) : -1;
    if (rc == 0)
        printf("%s %s\n", id.account, id.arn);
    else
        fprintf(stderr, "%s\n", err);
    Aws_client_free(c);
    return rc == 0 ? 0 : 1;
}

/* Prints "old_host:old_port -> new_host:new_port" as read back. */
static int secret_swap(Aws_client *c, const char *id, const char *host, int port)
{
    char err[2048], version[80];
    Secret_db before, after;
    if (Secrets_get(c, id, &before, err, sizeof err) < 0) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    char *next = Secrets_with_endpoint(before.secret_string, host, port, err, sizeof err);
    int rc = next && Secrets_put(c, id, next, version, sizeof version, err, sizeof err) == 0 &&
                     Secrets_get(c, id, &after, err, sizeof err) == 0
                 ? 0
                 : 1;
    if (rc == 0) {
        printf("%s:%d -> %s:%d\n", before.host, before.port, after.host, after.port);
        Secrets_db_clear(&after);
    } else {
        fprintf(stderr, "%s\n", err);
    }
    free(next);
    Secrets_db_clear(&before);
    return rc;
}

/* "URL SIGNING-REGION" for a service in a region, with no override ("-"
 * for SSO, whose calls are unsigned). */
static int endpoint(const Aws_service *svc, const char *region)
{
    char url[512];
    Aws_endpoint(svc, region, NULL, NULL, url, sizeof url);
    printf("%s %s\n", url, svc == &AWS_SSO ? "-" : Aws_signing_region(svc, region));
    return 0;
}

static size_t find_service(const char *name)
{
    size_t i = 0;
    while (i < sizeof SERVICES / sizeof SERVICES[0] && strcmp(SERVICES[i].name, name))
        i++;
    return i;
}

int main(int argc, char **argv)
{
    if (argc >= 2 && argc <= 5 && !strcmp(argv[1], "whoami"))
        return whoami(argc, argv);
    if (argc == 5 && !strcmp(argv[1], "secret-swap")) {
        char err[512];
        Aws_client *c = Aws_client_new(NULL, err, sizeof err);
        int rc = c ? secret_swap(c, argv[2], argv[3], atoi(argv[4])) : 1;
        if (!c)
            fprintf(stderr, "%s\n", err);
        Aws_client_free(c);
        return rc;
    }
    if (argc < 3) {
        fprintf(stderr, "usage: aws_call SERVICE OPERATION|METHOD [BODY|PATH [BODY]]\n");
        return 2;
    }
    if (argc == 4 && !strcmp(argv[1], "endpoint") &&
        find_service(argv[2]) < sizeof SERVICES / sizeof SERVICES[0])
        return endpoint(SERVICES[find_service(argv[2])].svc, argv[3]);
    size_t i = find_service(argv[1]);
    if (i == sizeof SERVICES / sizeof SERVICES[0]) {
        fprintf(stderr, "aws_call: unknown service %s\n", argv[1]);
        return 2;
    }
    char err[2048], target[256];
    const char *attempts = getenv("AWS_CALL_MAX_ATTEMPTS");
    Aws_options opt = {.max_attempts = attempts ? atoi(attempts) : 0, .backoff_base_ms = 20};
    Aws_client *c = Aws_client_new(&opt, err, sizeof err);
    if (!c) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    Aws_client_on_retry(c, said_retry, NULL);
    Aws_call call = {.service = SERVICES[i].svc, .operation = argv[2]};
    const char *body = argc > 3 ? argv[3] : "";
    if (SERVICES[i].target_prefix) {
        snprintf(target, sizeof target, "%s.%s", SERVICES[i].target_prefix, argv[2]);
        call.target = target;
        body = argc > 3 ? argv[3] : "{}";
    } else if (SERVICES[i].svc == &AWS_ROUTE53) {
        call.method = argv[2];
        char *q = argc > 3 ? strchr(argv[3], '?') : NULL;
        if (q)
            *q = '\0';
        call.path = argc > 3 ? argv[3] : "/";
        call.query = q ? q + 1 : NULL;
        body = argc > 4 ? argv[4] : "";
        call.content_type = "text/xml";
    }
    call.body = body;
    call.body_len = strlen(body);
    Aws_response resp;
    int rc = Aws_perform(c, &call, &resp, err, sizeof err);
    fprintf(stderr, "attempts=%d\n", resp.attempts);
    if (rc == 0)
        printf("%s\n", resp.body);
    else
        fprintf(stderr, "%s\n", err);
    Aws_response_free(&resp);
    Aws_client_free(c);
    return rc == 0 ? 0 : 1;
}
