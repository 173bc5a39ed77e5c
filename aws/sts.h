/* AWS STS (Query protocol, XML replies): who the credentials are
 * (GetCallerIdentity, for the pre-flight's account check), and the two ways
 * a profile becomes a role (AssumeRole with base credentials,
 * AssumeRoleWithWebIdentity with a token file and no signature). */
#ifndef CUTOVER_AWS_STS_H
#define CUTOVER_AWS_STS_H

#include <stddef.h>

#include "aws/credentials.h"
#include "aws/http.h"

#define STS_ACCOUNT_MAX 16
#define STS_ARN_MAX     320

typedef struct {
    char account[STS_ACCOUNT_MAX]; /* twelve digits */
    char arn[STS_ARN_MAX];         /* arn:aws:sts::ACCOUNT:assumed-role/NAME/SESSION */
    char user_id[200];
} Sts_identity;

typedef struct {
    const char *role_arn;
    const char *session_name; /* NULL: cutover-<unix seconds> */
    const char *external_id;  /* NULL: none */
    int duration_s;           /* 0: 3600 */
} Sts_role;

/* The caller's account, ARN and user id. */
int Sts_get_caller_identity(Aws_client *c, Sts_identity *out, char *err, size_t errlen);

/* Temporary credentials for role, asked with c's credentials. The assumed
 * role's ARN goes into out->source. */
int Sts_assume_role(Aws_client *c, const Sts_role *role, Credentials *out, char *err,
                    size_t errlen);

/* The same for a web identity token (c is anonymous: the token is the
 * proof). */
int Sts_assume_role_with_web_identity(Aws_client *c, const Sts_role *role, const char *token,
                                      Credentials *out, char *err, size_t errlen);

/* The form body of a call (exposed for the unit tests). */
char *Sts_body(const char *action, const Sts_role *role, const char *token);

/* Reads <Credentials> and <AssumedRoleUser><Arn> from an Assume* reply. */
int Sts_parse_credentials(const char *body, const char *what, Credentials *out, char *err,
                          size_t errlen);

#endif
