/* ${NAME} from the environment (env_expand.h). */
#include "lib/env_expand.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/redact.h"

int EnvExpand_text(const char *in, char *out, size_t size, char *err, size_t errsize)
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
            piece = getenv(name);
            if (!piece)
                return snprintf(err, errsize, "environment variable %s is not set", name), -1;
            Redact_register(piece);
            n = strlen(piece);
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
