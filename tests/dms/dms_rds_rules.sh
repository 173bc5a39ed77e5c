#!/usr/bin/env bash
# rds_rules.sh on the field's topology: the target a plain server fed by
# the lab's DMS stand-in, bound to the local AWS endpoint's DMS task.
export LAB_TOPOLOGY=dms
. "$top_srcdir/tests/integration/rds_rules.sh"
