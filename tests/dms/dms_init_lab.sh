#!/usr/bin/env bash
# init_lab.sh on the field's topology: the target a plain server fed by the
# lab's DMS stand-in, which init must not take for a replica.
export LAB_TOPOLOGY=dms
. "$top_srcdir/tests/integration/init_lab.sh"
