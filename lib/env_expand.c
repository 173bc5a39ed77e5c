/* ${NAME} from the environment, or from vars read elsewhere (env_expand.h). */
#include "lib/env_expand.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/redact.h"

/* The value of ${name}: vars first, then the environment; the text itself
 * ("${NAME}") for a var known but not read. NULL when neither has it. */
static const char *EnvExpand_lookup(const char *ref, size_t reflen, const char *name,
                                    const EnvVar *vars, size_t nvars, size_t *n)
{
    for (size_t i = 0; i < nvars; i++) {
        if (strcmp(vars[i].name, name) != 0)
            continue;
        *n = vars[i].value ? strlen(vars[i].value) : reflen;
        return vars[i].value ? vars[i].value : ref;
    }
    const char *value = getenv(name);
    if (value) {
        Redact_register(value);
        *n = strlen(value);
    }
    return value;
}

int EnvExpand_with(const char *in, const EnvVar *vars, size_t nvars, char *out, size_t size,
                   char *err, size_t errsize)
{
    size_t len = 0;
    out[0] = '\0';
    for (const char *p = in ? in : ""; *p;) {
        const char *close = (p[0] == '$' && p[1] == '{') ? strchr(p, '}') : NULL;
        const char *piece = p;
        size_t n = 1;
        if (close) {
            char name[128];
            snprintf(name, sizeof name, "%.*s", (int)(close - p - 2), p + 2);
            piece = EnvExpand_lookup(p, (size_t)(close - p + 1), name, vars, nvars, &n);
            if (!piece)
                return snprintf(err, errsize, "environment variable %s is not set", name), -1;
        }
        if (len + n + 1 > size)
            return snprintf(err, errsize, "expanded text too long (over %zu bytes)", size - 1), -1;
        memcpy(out + len, piece, n);
        len += n;
        out[len] = '\0';
        p = close ? close + 1 : p + 1;
    }
    return 0;
}

int EnvExpand_text(const char *in, char *out, size_t size, char *err, size_t errsize)
{
    return EnvExpand_with(in, NULL, 0, out, size, err, errsize);
}
