#!/usr/bin/env bash
# aws_notify_secrets.sh on the field's topology: the target a plain server fed by the lab's
# DMS stand-in.
export LAB_TOPOLOGY=dms
. "$top_srcdir/tests/integration/aws_notify_secrets.sh"
