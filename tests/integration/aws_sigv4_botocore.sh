#!/usr/bin/env bash
# Our SigV4 signer against botocore's SigV4Auth on generated requests
# (methods, unicode and reserved paths, repeated and empty query keys, odd
# header white space, bodies, session tokens, regions, services).
# CUTOVER_SIGV4_COUNT and CUTOVER_SIGV4_SEED change the run.
set -u
: "${top_builddir:?}" "${top_srcdir:?}"
py=/usr/bin/python3
if [ ! -x "$py" ] || ! "$py" -c 'import botocore.auth' 2>/dev/null; then
    echo "SKIP: /usr/bin/python3 with python3-botocore is not available"
    exit 77
fi
prog="$top_builddir/tests/aws/sigv4_agree"
if [ ! -x "$prog" ]; then
    echo "FAIL: $prog was not built"
    exit 1
fi
exec "$py" "$top_srcdir/tests/aws/botocore_agree.py" "$prog" \
    "${CUTOVER_SIGV4_COUNT:-5000}" "${CUTOVER_SIGV4_SEED:-20150830}"
