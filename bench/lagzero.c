/* lagzero: runs the executor's own lag-zero step (StepLagZero_ops from
 * libcutover.a, the same code the console runs) N times in a row against a
 * lab plan, and prints one line per fence:
 *     FENCE_ID DETECTED_UNIX_US STEP_US
 * DETECTED_UNIX_US is the wall clock the moment the step returned "done"
 * (the console knows lag zero); STEP_US is the step's own figure (fence
 * written on the source -> seen on the target). bench/lagzero.sh compares
 * DETECTED_UNIX_US with the time the target itself recorded for the fence
 * row (a trigger there), which is the detection latency.
 *   bench/lagzero PLAN N
 * The source stays writable: the step does not need the freeze to prove
 * that the target has the fence, and the lab application keeps writing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "checklist/step.h"
#include "db/db.h"
#include "plan/plan.h"

static long long wall_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (long long)ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

static int run_fences(StepCtx *c, int n)
{
    for (int i = 0; i < n; i++) {
        memset(c->memo, 0, sizeof *c->memo);
        Step_reset(c);
        if (StepLagZero_ops.prepare(c) != 0 || StepLagZero_ops.run(c) != 0) {
            fprintf(stderr, "lagzero: fence %d: %s\n", i + 1, c->error);
            return 1;
        }
        long long detected = wall_us();
        printf("%s %lld %lld\n", c->memo->fence_id, detected, (long long)c->memo->lag_zero_us);
        fflush(stdout);
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 3 || atoi(argv[2]) < 1) {
        fprintf(stderr, "usage: lagzero PLAN N\n");
        return 2;
    }
    char err[1024];
    Plan *plan = Plan_load(argv[1], err, sizeof err);
    if (!plan) {
        fprintf(stderr, "lagzero: %s\n", err);
        return 2;
    }
    StepMemo memo;
    StepCtx c = {
        .plan = plan,
        .timeouts = Step_timeouts(plan),
        .memo = &memo,
    };
    int rc = run_fences(&c, atoi(argv[2]));
    Db_close(c.source);
    Db_close(c.target);
    Plan_free(plan);
    return rc;
}
