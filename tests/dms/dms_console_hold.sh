#!/usr/bin/env bash
# console_hold.sh on the field's topology (lab/up --cdc dms): the count of the
# target's writes past the point, with the DMS stand-in feeding the target.
export LAB_TOPOLOGY=dms
. "$top_srcdir/tests/tmux/console_hold.sh"
