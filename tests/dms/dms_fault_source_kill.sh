#!/usr/bin/env bash
# fault_source_kill.sh on the field's topology: the target a plain server fed by
# the lab's DMS stand-in (lab/up --cdc dms), not a native replica.
export LAB_TOPOLOGY=dms
. "$top_srcdir/tests/integration/fault_source_kill.sh"
