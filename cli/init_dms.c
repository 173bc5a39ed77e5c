/* `cutover init --dms-task-arn`: the task read as the pre-flight will read
 * it, so the plan verifies what the task moves, names what it leaves out,
 * and says at once when the heartbeat or the fence would never arrive. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/awsplan.h"
#include "aws/dms.h"
#include "aws/dms_mappings.h"
#include "cli/init.h"

enum { INIT_AWS_TIMEOUT_MS = 10000 };

static void Init_dms_mark(InitFacts *f, const DmsMappings *m)
{
    f->dms.ncarried = 0;
    for (size_t i = 0; i < f->ntables; i++) {
        f->tables[i].carried = DmsMappings_carries_table(m, f->tables[i].name);
        f->dms.ncarried += f->tables[i].carried;
    }
    f->dms.heartbeat = DmsMappings_carries_table(m, "cutover.heartbeat");
    f->dms.fence = DmsMappings_carries_table(m, "cutover.fence");
}

static int Init_dms_read(Aws_client *c, const char *arn, InitFacts *f, char *err, size_t errsize)
{
    Dms_task task;
    char *json = NULL, why[600];
    if (Dms_describe_task(c, arn, &task, why, sizeof why) != 0 ||
        Dms_task_mappings(c, arn, &json, why, sizeof why) != 0) {
        snprintf(err, errsize, "the DMS task %s: %s", arn, why);
        return -1;
    }
    DmsMappings *m = DmsMappings_parse(json, why, sizeof why);
    free(json);
    if (!m) {
        snprintf(err, errsize, "the DMS task %s: its table mappings: %s", arn, why);
        return -1;
    }
    Init_dms_mark(f, m);
    DmsMappings_free(m);
    snprintf(f->dms.identifier, sizeof f->dms.identifier, "%s", task.identifier);
    snprintf(f->dms.status, sizeof f->dms.status, "%s", task.status);
    f->dms.read = true;
    return 0;
}

int Init_dms(const InitArgs *a, InitFacts *f, char *err, size_t errsize)
{
    for (size_t i = 0; i < f->ntables; i++)
        f->tables[i].carried = true;
    if (!a->dms_task_arn)
        return 0;
    PlanAws aws = {.region = (char *)a->aws_region,
                   .endpoint_url = (char *)a->aws_endpoint_url,
                   .dms_task_arn = (char *)a->dms_task_arn};
    Aws_client *c = Awsplan_client(&aws, AWS_SIDE_TARGET, INIT_AWS_TIMEOUT_MS, err, errsize);
    if (!c)
        return -1;
    int rc = Init_dms_read(c, a->dms_task_arn, f, err, errsize);
    Aws_client_free(c);
    return rc;
}
