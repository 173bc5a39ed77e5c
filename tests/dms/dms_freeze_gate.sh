#!/usr/bin/env bash
# freeze_gate.sh on the DMS-fed topology (the target a plain server).
export LAB_TOPOLOGY=dms
. "$top_srcdir/tests/integration/freeze_gate.sh"
