#!/usr/bin/env bash
# notify_lab.sh on the field's topology: the target fed by the lab's DMS
# stand-in, its replication stopped by the plan's exec method; the webhooks
# get that night's transitions in order, and the dead one delays nothing.
export LAB_TOPOLOGY=dms
. "$top_srcdir/tests/integration/notify_lab.sh"
