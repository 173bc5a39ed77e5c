#!/usr/bin/env bash
# aws_swap_route53.sh on the field's topology: the Route 53 swap rolled back,
# and a swap refused before acting (a weighted record) whose rollback must
# still release the source and maintenance while the DMS stand-in feeds the
# target.
export LAB_TOPOLOGY=dms
. "$top_srcdir/tests/integration/aws_swap_route53.sh"
