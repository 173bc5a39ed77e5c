/* The AWS client a step uses: the plan's settings, a 10 s bound on each
 * attempt, the step's abort flag (an abort stops a transfer or a backoff at
 * once), and every retry (throttling, a server error, a lost connection)
 * posted as a warning, so that a step that succeeds on its third try says so
 * on the screen and in the recording instead of just taking longer. Every
 * call goes into the recording with the principal that made it and AWS's
 * request id (the key to the same call in CloudTrail); every write also
 * into the audit log. */
#include <stdio.h>
#include <string.h>

#include "aws/awsplan.h"
#include "aws/dms.h"
#include "checklist/step.h"

static void StepAws_retried(void *arg, const char *text)
{
    Step_log((StepCtx *)arg, LOG_WARN, "AWS retry: %s", text);
}

/* "SSM PutParameter by arn:...: HTTP 200, request id ...". A poll's
 * repeated reads are said once. */
static void StepAws_called(void *arg, const Aws_call_report *r)
{
    StepCtx *c = arg;
    char what[96], status[24] = "no reply", outcome[256];
    if (r->repeat)
        return;
    snprintf(what, sizeof what, "AWS %s %s", r->service, r->operation);
    if (r->status)
        snprintf(status, sizeof status, "HTTP %ld", r->status);
    snprintf(outcome, sizeof outcome, "by %.100s: %s%s%.40s, request id %.40s",
             r->principal[0] ? r->principal : "an unsigned call", status, r->code[0] ? " " : "",
             r->code, r->request_id[0] ? r->request_id : "none");
    Step_log(c, LOG_INFO, "%s %s", what, outcome);
    if (r->write && c->audit)
        c->audit(c->audit_arg, "aws", what, outcome);
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
    Aws_client_on_call(a, StepAws_called, c);
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
