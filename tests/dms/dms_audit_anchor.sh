#!/usr/bin/env bash
# audit_anchor.sh on the field's topology: the audit head written on a target
# that the DMS stand-in feeds (its schema beside the carried fence table).
export LAB_TOPOLOGY=dms
. "$top_srcdir/tests/integration/audit_anchor.sh"
