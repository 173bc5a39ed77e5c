#!/usr/bin/env bash
# verify_chunks.sh on the field's topology: the target a plain server fed by
# the lab's DMS stand-in, so the chunks are compared against what DMS applied.
export LAB_TOPOLOGY=dms
. "$top_srcdir/tests/integration/verify_chunks.sh"
