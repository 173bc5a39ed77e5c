#include "aws/awsplan.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/secrets.h"
#include "plan/secret.h"

static pthread_mutex_t resolver_lock = PTHREAD_MUTEX_INITIALIZER;
static char *resolver_region, *resolver_profile, *resolver_endpoint;

Aws_client *Awsplan_client(const PlanAws *aws, long timeout_ms, char *err, size_t errlen)
{
    Aws_options opt = {.region = aws ? aws->region : NULL,
                       .profile = aws ? aws->profile : NULL,
                       .endpoint_url = aws ? aws->endpoint_url : NULL,
                       .timeout_ms = timeout_ms};
    return Aws_client_new(&opt, err, errlen);
}

static char *Awsplan_dup(const char *s)
{
    return s ? strdup(s) : NULL;
}

static int Awsplan_resolve(const char *secret_id, char *out, size_t outsize, char *err,
                           size_t errsize)
{
    pthread_mutex_lock(&resolver_lock);
    PlanAws aws = {
        .region = resolver_region, .profile = resolver_profile, .endpoint_url = resolver_endpoint};
    Aws_client *c = Awsplan_client(&aws, 0, err, errsize);
    pthread_mutex_unlock(&resolver_lock);
    if (!c)
        return -1;
    Secret_db db;
    int rc = Secrets_get(c, secret_id, &db, err, errsize);
    Aws_client_free(c);
    if (rc != 0)
        return -1;
    if (strlen(db.password) >= outsize) {
        snprintf(err, errsize, "secret %s: the password is too long", secret_id);
        rc = -1;
    } else {
        snprintf(out, outsize, "%s", db.password);
    }
    Secrets_db_clear(&db);
    return rc;
}

void Awsplan_install_resolver(const PlanAws *aws)
{
    pthread_mutex_lock(&resolver_lock);
    free(resolver_region);
    free(resolver_profile);
    free(resolver_endpoint);
    resolver_region = Awsplan_dup(aws ? aws->region : NULL);
    resolver_profile = Awsplan_dup(aws ? aws->profile : NULL);
    resolver_endpoint = Awsplan_dup(aws ? aws->endpoint_url : NULL);
    pthread_mutex_unlock(&resolver_lock);
    Secret_set_aws_resolver(Awsplan_resolve);
}

int Awsplan_watches(const Plan *plan)
{
    return plan->source.rds_instance || plan->target.rds_instance || plan->aws.dms_task_arn;
}
