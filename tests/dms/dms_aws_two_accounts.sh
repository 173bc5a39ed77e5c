#!/usr/bin/env bash
# aws_two_accounts.sh on the field's topology: the target a plain server fed
# by the lab's DMS stand-in, whose task lives in the target's account and is
# stopped with the target side's credentials.
export LAB_TOPOLOGY=dms
. "$top_srcdir/tests/integration/aws_two_accounts.sh"
