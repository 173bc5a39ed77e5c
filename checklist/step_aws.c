/* The AWS client a step uses: the plan's settings, a 10 s bound on each
 * attempt, and every retry (throttling, a server error) posted as a warning,
 * so that a step that succeeds on its third try says so on the screen and in
 * the recording instead of just taking longer. */
#include <stdio.h>

#include "aws/awsplan.h"
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
    return a;
}
