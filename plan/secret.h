/* Resolving the plan's password references into the password itself, at
 * the moment a connection needs it. Every resolved password is registered
 * with lib/redact, so it is masked wherever text leaves the process. Error
 * messages name where the password was looked for, never what it is. */
#ifndef CUTOVER_PLAN_SECRET_H
#define CUTOVER_PLAN_SECRET_H

#include <stdbool.h>
#include <stddef.h>

#include "plan/plan.h"

/* Fetches a value of an AWS Secrets Manager secret: field NULL, an
 * RDS-style JSON secret's "password"; "", the whole SecretString; else that
 * field of a JSON secret. Same contract as Secret_resolve. */
typedef int (*SecretAwsResolver)(const char *secret_id, const char *field, int aws_side, char *out,
                                 size_t outsize, char *err, size_t errsize);

/* The aws module plugs its resolver in at start-up; plan/ does not depend
 * on aws/. NULL unplugs it. */
void Secret_set_aws_resolver(SecretAwsResolver resolver);

/* Writes the password into out (NUL-terminated; "" for SECRET_NONE) and
 * returns 0, or returns -1 with a message in err. An option file that is
 * writable by others is refused, as the MySQL client does. */
int Secret_resolve(const SecretRef *ref, char *out, size_t outsize, char *err, size_t errsize);

/* For pre-flight: true, with a warning in msg, when an option file holding
 * the password can be read by other users (group or world). */
bool Secret_file_warning(const SecretRef *ref, char *msg, size_t size);

/* "env CUTOVER_SOURCE_PASSWORD", "option file /x/my.cnf [source]",
 * "AWS secret ARN": where the password comes from, safe to show. */
void Secret_describe(const SecretRef *ref, char *out, size_t size);

#endif
