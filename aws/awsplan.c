#include "aws/awsplan.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/secrets.h"
#include "plan/secret.h"

/* The resolver's own copy of the plan's AWS settings (the plan may be freed
 * before the process ends). */
static pthread_mutex_t resolver_lock = PTHREAD_MUTEX_INITIALIZER;
static PlanAws resolver_aws;

Aws_client *Awsplan_client(const PlanAws *aws, AwsSide side, long timeout_ms, char *err,
                           size_t errlen)
{
    PlanAws none = {0};
    PlanAwsSide s = Plan_aws_side(aws ? aws : &none, side);
    Aws_options opt = {.region = s.region,
                       .profile = s.profile,
                       .role_arn = s.role_arn,
                       .external_id = s.external_id,
                       .endpoint_url = aws ? aws->endpoint_url : NULL,
                       .timeout_ms = timeout_ms};
    return Aws_client_new(&opt, err, errlen);
}

static char *Awsplan_dup(const char *s)
{
    return s ? strdup(s) : NULL;
}

static void Awsplan_copy_side(PlanAwsSide *dst, const PlanAwsSide *src)
{
    dst->region = Awsplan_dup(src->region);
    dst->profile = Awsplan_dup(src->profile);
    dst->role_arn = Awsplan_dup(src->role_arn);
    dst->external_id = Awsplan_dup(src->external_id);
    dst->account_id = Awsplan_dup(src->account_id);
}

static void Awsplan_free_side(PlanAwsSide *s)
{
    free(s->region);
    free(s->profile);
    free(s->role_arn);
    free(s->external_id);
    free(s->account_id);
    memset(s, 0, sizeof *s);
}

static int Awsplan_resolve(const char *secret_id, int side, char *out, size_t outsize, char *err,
                           size_t errsize)
{
    pthread_mutex_lock(&resolver_lock);
    Aws_client *c =
        Awsplan_client(&resolver_aws, side == AWS_SIDE_SOURCE ? AWS_SIDE_SOURCE : AWS_SIDE_TARGET,
                       0, err, errsize);
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
    PlanAws none = {0};
    if (!aws)
        aws = &none;
    pthread_mutex_lock(&resolver_lock);
    PlanAwsSide top = {resolver_aws.region, resolver_aws.profile, resolver_aws.role_arn,
                       resolver_aws.external_id, resolver_aws.account_id};
    Awsplan_free_side(&top);
    free(resolver_aws.endpoint_url);
    for (int i = 0; i < 2; i++)
        Awsplan_free_side(&resolver_aws.side[i]);
    PlanAwsSide given = {aws->region, aws->profile, aws->role_arn, aws->external_id,
                         aws->account_id};
    Awsplan_copy_side(&top, &given);
    resolver_aws = (PlanAws){.region = top.region,
                             .profile = top.profile,
                             .role_arn = top.role_arn,
                             .external_id = top.external_id,
                             .account_id = top.account_id,
                             .endpoint_url = Awsplan_dup(aws->endpoint_url)};
    for (int i = 0; i < 2; i++)
        Awsplan_copy_side(&resolver_aws.side[i], &aws->side[i]);
    pthread_mutex_unlock(&resolver_lock);
    Secret_set_aws_resolver(Awsplan_resolve);
}

static bool Awsplan_same(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

bool Awsplan_one_account(const PlanAws *aws)
{
    PlanAwsSide s = Plan_aws_side(aws, AWS_SIDE_SOURCE), t = Plan_aws_side(aws, AWS_SIDE_TARGET);
    return Awsplan_same(s.region, t.region) && Awsplan_same(s.profile, t.profile) &&
           Awsplan_same(s.role_arn, t.role_arn) && Awsplan_same(s.external_id, t.external_id);
}

int Awsplan_watches(const Plan *plan)
{
    return plan->source.rds_instance || plan->target.rds_instance || plan->aws.dms_task_arn;
}
