#!/usr/bin/env bash
# cutover_hold_maintenance_off.sh on the field's topology (lab/up --cdc dms).
export LAB_TOPOLOGY=dms
. "$top_srcdir/tests/integration/cutover_hold_maintenance_off.sh"
