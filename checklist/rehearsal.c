#include "checklist/rehearsal.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "plan/steps.h"
#include "session/audit.h"

typedef struct RehearsalRead {
    Rehearsal *r;
    int64_t started_ms[STEP_KIND_COUNT]; /* -1: no start open */
    size_t done;
} RehearsalRead;

static int Rehearsal_visit(const AuditRecord *rec, void *arg)
{
    RehearsalRead *rd = arg;
    int k = rec->step && rec->action ? Plan_step_parse(rec->step) : -1;
    if (k < 0)
        return 0;
    if (strcmp(rec->action, "start") == 0) {
        rd->started_ms[k] = rec->mono_ms;
    } else if (strcmp(rec->action, "done") == 0 && rd->started_ms[k] >= 0 &&
               rec->mono_ms >= rd->started_ms[k]) { /* a restart between: another clock */
        rd->r->cost_ms[k] = rec->mono_ms - rd->started_ms[k];
        rd->started_ms[k] = -1;
        rd->done++;
    } else {
        rd->started_ms[k] = -1; /* failed, interrupted, undone: not a cost */
    }
    return 0;
}

int Rehearsal_load(const char *path, Rehearsal *r, char *err, size_t errsize)
{
    RehearsalRead rd = {.r = r};
    for (int k = 0; k < STEP_KIND_COUNT; k++)
        r->cost_ms[k] = rd.started_ms[k] = -1;
    char why[512];
    FILE *f = fopen(path, "re");
    if (!f) {
        snprintf(err, errsize, "rehearsal %s: %s", path, strerror(errno));
        return -1;
    }
    fclose(f);
    if (Audit_read(path, Rehearsal_visit, &rd, why, sizeof why) != 0) {
        snprintf(err, errsize, "rehearsal %s: %s", path, why);
        return -1;
    }
    if (rd.done == 0) {
        snprintf(err, errsize, "rehearsal %s: no step completed in it", path);
        return -1;
    }
    return 0;
}

static void Rehearsal_append(char *text, size_t size, const char *id, long long ms, bool known)
{
    size_t at = strlen(text);
    if (at >= size)
        return;
    if (known)
        snprintf(text + at, size - at, "%s%s %lld ms", at ? ", " : "", id, ms);
    else
        snprintf(text + at, size - at, "%s%s not rehearsed", at ? ", " : "", id);
}

int64_t Rehearsal_window_ms(const Rehearsal *r, const Plan *plan, char *text, size_t size)
{
    bool enabled[STEP_KIND_COUNT];
    for (int k = 0; k < STEP_KIND_COUNT; k++)
        enabled[k] = plan->steps[k].enabled;
    int from = Steps_with_role(enabled, STEP_ROLE_FREEZE);
    int to = Steps_with_role(enabled, STEP_ROLE_THAW);
    text[0] = '\0';
    if (from < 0 || to < from)
        return -1;
    int64_t sum = 0;
    for (int k = from; k <= to; k++) {
        if (!enabled[k] || k == STEP_LAG_ZERO)
            continue;
        bool known = r->cost_ms[k] >= 0;
        sum += known ? r->cost_ms[k] : 0;
        Rehearsal_append(text, size, Plan_step_id((StepKind)k), (long long)r->cost_ms[k], known);
    }
    return sum;
}
