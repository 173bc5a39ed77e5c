/* The AWS client a step uses: the plan's settings, a 10 s bound on each
 * attempt, the step's abort flag (an abort stops a transfer or a backoff at
 * once), and every retry (throttling, a server error, a lost connection)
 * posted as a warning, so that a step that succeeds on its third try says so
 * on the screen and in the recording instead of just taking longer. */
#include <stdio.h>
#include <string.h>

#include "aws/awsplan.h"
#include "aws/dms.h"
#include "checklist/step.h"

static void StepAws_retried(void *arg, const char *text)
{
    Step_log((StepCtx *)arg, LOG_WARN, "AWS retry: %s", text);
}

Aws_client *Step_aws(StepCtx *c, AwsSide side, const char *what)
{
    char err[512];
    Aws_client *a = Awsplan_client(&c->plan->aws, side, 10000, err, sizeof err);
    if (!a) {
        Step_fail(c, "%s: %s", what, err);
        return NULL;
    }
    Aws_client_on_retry(a, StepAws_retried, c);
    Aws_client_on_cancel(a, c->cancel);
    return a;
}

/* The task's own status decides, not the error: a connection lost after DMS
 * accepted a request is retried, and the retry is refused with
 * InvalidResourceStateFault because the task is already on its way. */
int Step_dms_taken(StepCtx *c, Aws_client *a, const char *arn, bool running, const char *err)
{
    const char *const *ways = running ? (const char *const[]){"running", "starting", NULL}
                                      : (const char *const[]){"stopped", "stopping", NULL};
    Dms_task t;
    char again[512];
    if (Dms_describe_task(a, arn, &t, again, sizeof again) == 0)
        for (size_t i = 0; ways[i]; i++)
            if (!strcmp(t.status, ways[i])) {
                Step_log(c, LOG_WARN, "the DMS task is %s: the request was taken (%s)", t.status,
                         err);
                return 0;
            }
    return Step_fail(c, "%s", err);
}
