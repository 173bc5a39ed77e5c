/* plan-check: validates plan files without connecting to anything, for
 * tests and for scripts that write plans (lab/up). Prints one line per
 * plan; exit 0 when every plan is valid, 2 when any is not (the status
 * `cutover check` gives a plan error). */
#include <stdio.h>

#include "plan/plan.h"

static int Plan_check_one(const char *path)
{
    char err[1024];
    Plan *plan = Plan_load(path, err, sizeof err);
    if (!plan) {
        fprintf(stderr, "%s\n", err);
        return 2;
    }
    int on = 0;
    for (int i = 0; i < STEP_KIND_COUNT; i++)
        on += plan->steps[i].enabled;
    printf("%s: ok: \"%s\", %d of %d steps on, sha256 ", path, plan->name, on, STEP_KIND_COUNT);
    for (size_t i = 0; i < sizeof plan->sha256; i++)
        printf("%02x", plan->sha256[i]);
    printf("\n");
    Plan_free(plan);
    return 0;
}

int main(int argc, char **argv)
{
    int status = 0;
    if (argc < 2) {
        fprintf(stderr, "usage: plan-check PLAN...\n");
        return 2;
    }
    for (int i = 1; i < argc; i++) {
        if (Plan_check_one(argv[i]) != 0)
            status = 2;
    }
    return status;
}
