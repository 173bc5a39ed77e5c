#!/usr/bin/env bash
# option_files_lab.sh on the field's topology: the target a plain server fed
# by the lab's DMS stand-in.
export LAB_TOPOLOGY=dms
. "$top_srcdir/tests/integration/option_files_lab.sh"
