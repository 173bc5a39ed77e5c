/* SSM Parameter Store over JSON 1.1: read a parameter (decrypted) and
 * overwrite it, for the connection-string swap and its rollback. */
#ifndef CUTOVER_AWS_SSM_H
#define CUTOVER_AWS_SSM_H

#include <stddef.h>

#include "aws/http.h"

/* AWS's limit: 4 KB for a standard parameter, 8 KB for an advanced one. */
#define SSM_VALUE_MAX 8192

typedef struct {
    char value[SSM_VALUE_MAX + 1];
    char type[32]; /* String, StringList, SecureString */
    long version;
} Ssm_parameter;

/* What a PutParameter with Overwrite must repeat to leave the parameter as
 * it was but for its value: AWS re-encrypts a SecureString put without a
 * KeyId with the account's default key (alias/aws/ssm, which no other
 * account can use), so the key the parameter had is passed back. */
typedef struct {
    char type[32];    /* String, StringList, SecureString */
    char key_id[256]; /* a SecureString's KMS key ("" for the others) */
    char tier[32];    /* Standard, Advanced, Intelligent-Tiering */
} Ssm_meta;

/* The parameter's metadata from a DescribeParameters reply (exposed for
 * the unit tests). */
int Ssm_parse_describe(const char *body, const char *name, Ssm_meta *out, char *err, size_t errlen);

/* DescribeParameters filtered on the name (Equals). */
int Ssm_describe(Aws_client *c, const char *name, Ssm_meta *out, char *err, size_t errlen);

/* The parameter of a GetParameter reply, whole: a value longer than AWS
 * allows is an error, never cut (the swap keeps it to put back). */
int Ssm_parse_get(const char *body, Ssm_parameter *out, char *err, size_t errlen);

/* GetParameter with WithDecryption. */
int Ssm_get(Aws_client *c, const char *name, Ssm_parameter *out, char *err, size_t errlen);

/* PutParameter with Overwrite; meta (NULL: none) gives the type, KMS key
 * and tier to keep. The new version into *version when not NULL. */
int Ssm_put(Aws_client *c, const char *name, const char *value, const Ssm_meta *meta, long *version,
            char *err, size_t errlen);

#endif
