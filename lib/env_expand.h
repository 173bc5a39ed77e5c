/* ${NAME} references in plan text (webhook URLs, headers, bodies) replaced
 * by the environment's values when they are used. The values are secrets as
 * far as the console knows: each is registered with lib/redact, so it is
 * masked wherever text leaves the process. */
#ifndef CUTOVER_LIB_ENV_EXPAND_H
#define CUTOVER_LIB_ENV_EXPAND_H

#include <stddef.h>

/* Replaces every ${NAME} in in (NULL: "") with the variable's value into
 * out. 0, or -1 with err naming the variable that is not set, or saying the
 * result does not fit. */
int EnvExpand_text(const char *in, char *out, size_t size, char *err, size_t errsize);

/* A name whose value comes from elsewhere than the environment (a secret
 * read from Secrets Manager); value NULL: known but not read, left as
 * ${NAME}. */
typedef struct EnvVar {
    const char *name;
    const char *value;
} EnvVar;

/* EnvExpand_text with vars looked up before the environment. */
int EnvExpand_with(const char *in, const EnvVar *vars, size_t nvars, char *out, size_t size,
                   char *err, size_t errsize);

#endif
