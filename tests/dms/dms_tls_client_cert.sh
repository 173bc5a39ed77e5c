#!/usr/bin/env bash
# tls_client_cert.sh on the field's topology: the target a plain server fed by the lab's
# DMS stand-in.
export LAB_TOPOLOGY=dms
. "$top_srcdir/tests/integration/tls_client_cert.sh"
