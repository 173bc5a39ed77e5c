#include "checklist/proc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *Proc_var(const ProcVars *v, const char *name, char *num, size_t numsize)
{
    const PlanServer *src = &v->plan->source, *dst = &v->plan->target;
    if (v->swap_servers)
        dst = src;
    if (strcmp(name, "source.host") == 0)
        return src->host ? src->host : "";
    if (strcmp(name, "target.host") == 0)
        return dst->host ? dst->host : "";
    if (strcmp(name, "source.port") == 0 || strcmp(name, "target.port") == 0) {
        snprintf(num, numsize, "%d", name[0] == 's' ? src->port : dst->port);
        return num;
    }
    if (strcmp(name, "value") == 0)
        return v->value ? v->value : "";
    if (strcmp(name, "plan.name") == 0)
        return v->plan->name ? v->plan->name : "";
    if (strcmp(name, "point.binlog") == 0)
        return v->point_binlog ? v->point_binlog : "";
    return NULL;
}

/* One argument with its {templates} filled; unknown names stay as written. */
static char *Proc_expand_word(const char *word, const ProcVars *vars)
{
    size_t cap = strlen(word) + 1024, len = 0;
    char *out = malloc(cap);
    if (!out)
        return NULL;
    for (const char *p = word; *p;) {
        const char *close = *p == '{' ? strchr(p, '}') : NULL;
        char name[64], num[16];
        const char *val = NULL;
        if (close && (size_t)(close - p - 1) < sizeof name) {
            snprintf(name, sizeof name, "%.*s", (int)(close - p - 1), p + 1);
            val = Proc_var(vars, name, num, sizeof num);
        }
        const char *piece = val ? val : p;
        size_t n = val ? strlen(val) : 1;
        if (len + n + 1 > cap) {
            cap = (len + n + 1) * 2;
            char *grown = realloc(out, cap);
            if (!grown) {
                free(out);
                return NULL;
            }
            out = grown;
        }
        memcpy(out + len, piece, n);
        len += n;
        p = val ? close + 1 : p + 1;
    }
    out[len] = '\0';
    return out;
}

char **Proc_expand(const PlanCommand *cmd, const ProcVars *vars)
{
    char **argv = calloc(cmd->argc + 1, sizeof *argv);
    if (!argv)
        return NULL;
    for (size_t i = 0; i < cmd->argc; i++) {
        argv[i] = Proc_expand_word(cmd->argv[i], vars);
        if (!argv[i]) {
            Proc_free(argv);
            return NULL;
        }
    }
    return argv;
}

void Proc_free(char **argv)
{
    if (!argv)
        return;
    for (char **a = argv; *a; a++)
        free(*a);
    free(argv);
}

void Proc_describe(char *const *argv, char *out, size_t size)
{
    size_t len = 0;
    out[0] = '\0';
    for (size_t i = 0; argv && argv[i] && len + 1 < size; i++) {
        bool quote = argv[i][0] == '\0' || strpbrk(argv[i], " \t'\"\\$") != NULL;
        int n = snprintf(out + len, size - len, quote ? "%s'%s'" : "%s%s", i ? " " : "", argv[i]);
        if (n < 0)
            break;
        len += (size_t)n;
        if (len >= size)
            len = size - 1;
    }
}
