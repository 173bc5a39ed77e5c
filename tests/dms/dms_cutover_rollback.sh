#!/usr/bin/env bash
# cutover_rollback.sh on the field's topology: the target a plain server fed by
# the lab's DMS stand-in (lab/up --cdc dms), not a native replica.
export LAB_TOPOLOGY=dms
. "$top_srcdir/tests/integration/cutover_rollback.sh"
