#!/usr/bin/env bash
# aws_hold.sh on the field's topology: the refused StopReplicationTask is the
# DMS task bound to the lab's DMS stand-in.
export LAB_TOPOLOGY=dms
. "$top_srcdir/tests/integration/aws_hold.sh"
