#include "aws/awsplan.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/secrets.h"
#include "aws/sts.h"
#include "lib/clock.h"
#include "plan/secret.h"

/* The run's AWS session, between Awsplan_begin and Awsplan_end: its own
 * copy of the plan's AWS settings (the plan may be freed first) and one
 * credentials provider per account, shared by every client made for that
 * account. A role is then assumed once per account, not once per call
 * site, and the executor can resolve and hold the keys at a step's start
 * (Awsplan_prepare) so that no credential call runs inside a step. */
static pthread_mutex_t session_lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
    bool on;
    PlanAws aws;
    Credentials_provider *provider[2]; /* by slot (Awsplan_slot) */
    char principal[2][AWS_PRINCIPAL_MAX];
    int principal_refreshes[2]; /* the provider's refresh count when it was read */
} session;

static bool Awsplan_same(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

static bool Awsplan_same_side(PlanAwsSide a, PlanAwsSide b)
{
    return Awsplan_same(a.region, b.region) && Awsplan_same(a.profile, b.profile) &&
           Awsplan_same(a.role_arn, b.role_arn) && Awsplan_same(a.external_id, b.external_id);
}

/* One slot when both sides are one account, else one per side. */
static int Awsplan_slot(AwsSide side)
{
    return Awsplan_one_account(&session.aws) ? 0 : (int)side;
}

/* The session's provider for these settings (lock held), created on first
 * use; NULL when they are not the session's (a test's own client). */
static Credentials_provider *Awsplan_shared(const PlanAws *aws, AwsSide side, int *slot)
{
    PlanAwsSide s = Plan_aws_side(aws, side);
    if (!session.on || !Awsplan_same_side(s, Plan_aws_side(&session.aws, side)) ||
        !Awsplan_same(aws->endpoint_url, session.aws.endpoint_url))
        return NULL;
    *slot = Awsplan_slot(side);
    if (!session.provider[*slot]) {
        char region[64];
        CredentialsConfig cc = {
            .profile = s.profile,
            .role_arn = s.role_arn,
            .external_id = s.external_id,
            .region = Aws_region(s.region, s.profile, region, sizeof region) == 0 ? region : NULL,
            .endpoint_url = session.aws.endpoint_url};
        session.provider[*slot] = Credentials_provider_new_config(&cc, NULL);
    }
    return session.provider[*slot];
}

/* Awsplan_client with the session's lock held. */
static Aws_client *Awsplan_client_locked(const PlanAws *aws, AwsSide side, long timeout_ms,
                                         char *err, size_t errlen)
{
    PlanAwsSide s = Plan_aws_side(aws, side);
    int slot = -1;
    Aws_options opt = {.region = s.region,
                       .profile = s.profile,
                       .role_arn = s.role_arn,
                       .external_id = s.external_id,
                       .endpoint_url = aws->endpoint_url,
                       .provider = Awsplan_shared(aws, side, &slot),
                       .timeout_ms = timeout_ms};
    Aws_client *c = Aws_client_new(&opt, err, errlen);
    if (c && slot >= 0)
        Aws_client_set_principal(c, session.principal[slot]);
    return c;
}

Aws_client *Awsplan_client(const PlanAws *aws, AwsSide side, long timeout_ms, char *err,
                           size_t errlen)
{
    PlanAws none = {0};
    pthread_mutex_lock(&session_lock);
    Aws_client *c = Awsplan_client_locked(aws ? aws : &none, side, timeout_ms, err, errlen);
    pthread_mutex_unlock(&session_lock);
    return c;
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

static int Awsplan_db_password(Aws_client *c, const char *secret_id, char *out, size_t outsize,
                               char *err, size_t errsize)
{
    Secret_db db;
    if (Secrets_get(c, secret_id, &db, err, errsize) != 0)
        return -1;
    int rc = 0;
    if (strlen(db.password) >= outsize) {
        snprintf(err, errsize, "secret %s: the password is too long", secret_id);
        rc = -1;
    } else {
        snprintf(out, outsize, "%s", db.password);
    }
    Secrets_db_clear(&db);
    return rc;
}

static int Awsplan_resolve(const char *secret_id, const char *field, int side, char *out,
                           size_t outsize, char *err, size_t errsize)
{
    pthread_mutex_lock(&session_lock);
    Aws_client *c = Awsplan_client_locked(
        &session.aws, side == AWS_SIDE_SOURCE ? AWS_SIDE_SOURCE : AWS_SIDE_TARGET, 0, err, errsize);
    pthread_mutex_unlock(&session_lock);
    if (!c)
        return -1;
    int rc = field ? Secrets_get_field(c, secret_id, field, out, outsize, err, errsize)
                   : Awsplan_db_password(c, secret_id, out, outsize, err, errsize);
    Aws_client_free(c);
    return rc;
}

static void Awsplan_free_settings(PlanAws *a)
{
    PlanAwsSide top = {a->region, a->profile, a->role_arn, a->external_id, a->account_id};
    Awsplan_free_side(&top);
    free(a->endpoint_url);
    for (int i = 0; i < 2; i++)
        Awsplan_free_side(&a->side[i]);
    memset(a, 0, sizeof *a);
}

static void Awsplan_copy_settings(PlanAws *dst, const PlanAws *src)
{
    PlanAwsSide top,
        given = {src->region, src->profile, src->role_arn, src->external_id, src->account_id};
    Awsplan_copy_side(&top, &given);
    *dst = (PlanAws){.region = top.region,
                     .profile = top.profile,
                     .role_arn = top.role_arn,
                     .external_id = top.external_id,
                     .account_id = top.account_id,
                     .endpoint_url = Awsplan_dup(src->endpoint_url)};
    for (int i = 0; i < 2; i++)
        Awsplan_copy_side(&dst->side[i], &src->side[i]);
}

/* Drops the providers and principals (lock held). */
static void Awsplan_drop_providers(void)
{
    for (int i = 0; i < 2; i++) {
        Credentials_provider_free(session.provider[i]);
        session.provider[i] = NULL;
        session.principal[i][0] = '\0';
        session.principal_refreshes[i] = 0;
    }
}

void Awsplan_begin(const PlanAws *aws)
{
    PlanAws none = {0};
    pthread_mutex_lock(&session_lock);
    Awsplan_drop_providers();
    Awsplan_free_settings(&session.aws);
    Awsplan_copy_settings(&session.aws, aws ? aws : &none);
    session.on = true;
    pthread_mutex_unlock(&session_lock);
    Secret_set_aws_resolver(Awsplan_resolve);
}

void Awsplan_end(void)
{
    Secret_set_aws_resolver(NULL);
    pthread_mutex_lock(&session_lock);
    Awsplan_drop_providers();
    Awsplan_free_settings(&session.aws);
    session.on = false;
    pthread_mutex_unlock(&session_lock);
}

/* Who the side's keys are (GetCallerIdentity), read again after each
 * refresh: the ARN every audited AWS action names. */
static void Awsplan_learn_principal(Aws_client *c, AwsSide side)
{
    pthread_mutex_lock(&session_lock);
    int slot = Awsplan_slot(side);
    int now = session.provider[slot] ? Credentials_provider_refreshes(session.provider[slot]) : 0;
    bool known = session.principal[slot][0] && session.principal_refreshes[slot] == now;
    pthread_mutex_unlock(&session_lock);
    Sts_identity id;
    char err[512];
    if (known || Sts_get_caller_identity(c, &id, err, sizeof err) != 0)
        return;
    pthread_mutex_lock(&session_lock);
    snprintf(session.principal[slot], sizeof session.principal[slot], "%s", id.arn);
    session.principal_refreshes[slot] = now;
    pthread_mutex_unlock(&session_lock);
}

/* One side: resolve and hold, learn who, and warn when the keys die first. */
static int Awsplan_prepare_side(const Plan *plan, AwsSide side, int64_t hold_ms, char *warn,
                                size_t warnlen, char *err, size_t errlen)
{
    Aws_client *c = Awsplan_client(&plan->aws, side, 10000, err, errlen);
    int64_t expires = 0;
    int rc = c ? Aws_client_prepare(c, hold_ms, &expires, err, errlen) : -1;
    const char *name = side == AWS_SIDE_SOURCE ? "source" : "target";
    if (rc == 0) {
        Awsplan_learn_principal(c, side);
        int64_t left = expires ? expires - Clock_wall_ms() : 0;
        if (expires && left < hold_ms && !warn[0])
            snprintf(warn, warnlen,
                     "the %s side's AWS keys expire in %lld s, before the %lld s they are held "
                     "for: a refresh may fall inside a step",
                     name, (long long)(left / 1000), (long long)(hold_ms / 1000));
    } else {
        char inner[512];
        snprintf(inner, sizeof inner, "%s", err);
        snprintf(err, errlen, "the %s side's AWS credentials: %s", name, inner);
    }
    Aws_client_free(c);
    return rc;
}

int Awsplan_prepare(const Plan *plan, int64_t hold_ms, char *warn, size_t warnlen, char *err,
                    size_t errlen)
{
    warn[0] = '\0';
    pthread_mutex_lock(&session_lock);
    bool on = session.on;
    pthread_mutex_unlock(&session_lock);
    if (!on)
        return 0; /* no shared keys to hold: each client resolves its own */
    bool one = Awsplan_one_account(&plan->aws);
    for (AwsSide side = AWS_SIDE_TARGET; side <= AWS_SIDE_SOURCE; side++) {
        if (!Awsplan_side_used(plan, side))
            continue;
        if (one && side == AWS_SIDE_SOURCE && Awsplan_side_used(plan, AWS_SIDE_TARGET))
            continue; /* one account: its keys were prepared as the target's */
        if (Awsplan_prepare_side(plan, side, hold_ms, warn, warnlen, err, errlen) != 0)
            return -1;
    }
    return 0;
}

bool Awsplan_side_used(const Plan *p, AwsSide side)
{
    PlanAwsSide s = Plan_aws_side(&p->aws, side);
    if (s.account_id)
        return true;
    if (side == AWS_SIDE_SOURCE)
        return p->source.rds_instance || p->readonly.method == READONLY_RDS_PARAMETER_GROUP ||
               p->source.password.kind == SECRET_AWS_SECRET;
    return p->target.rds_instance || p->aws.dms_task_arn || p->swap.method == SWAP_SSM ||
           p->swap.method == SWAP_ROUTE53 || p->swap.method == SWAP_AWS_SECRET ||
           p->reverse.method == REVERSE_DMS || p->target.password.kind == SECRET_AWS_SECRET;
}

bool Awsplan_one_account(const PlanAws *aws)
{
    return Awsplan_same_side(Plan_aws_side(aws, AWS_SIDE_SOURCE),
                             Plan_aws_side(aws, AWS_SIDE_TARGET));
}

int Awsplan_watches(const Plan *plan)
{
    return plan->source.rds_instance || plan->target.rds_instance || plan->aws.dms_task_arn;
}
