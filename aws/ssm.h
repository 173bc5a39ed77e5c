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

/* The parameter of a GetParameter reply, whole: a value longer than AWS
 * allows is an error, never cut (the swap keeps it to put back). */
int Ssm_parse_get(const char *body, Ssm_parameter *out, char *err, size_t errlen);

/* GetParameter with WithDecryption. */
int Ssm_get(Aws_client *c, const char *name, Ssm_parameter *out, char *err, size_t errlen);

/* PutParameter with Overwrite; type NULL keeps the parameter's own. The new
 * version into *version when not NULL. */
int Ssm_put(Aws_client *c, const char *name, const char *value, const char *type, long *version,
            char *err, size_t errlen);

#endif
