#!/usr/bin/env bash
# console_carry_back.sh on the field's topology (lab/up --cdc dms): the
# target's writes carried back by the reverse DMS stand-in.
export LAB_TOPOLOGY=dms
. "$top_srcdir/tests/tmux/console_carry_back.sh"
