#!/usr/bin/env bash
# Client certificates against servers that require them: the lab with TLS
# (lab/up --tls: a lab CA, servers' certificates for 127.0.0.1, an account
# x509 that REQUIREs X509). The plan's tls_cert/tls_key, and the same from an
# option file's ssl-cert/ssl-key, let the console in with the server's
# certificate verified (verify-identity); without the certificate the
# server refuses, and the check says so. A headless cutover on the
# certificate completes, verify by chunks included: its binlog reader (a
# child process) presents the certificate too.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/cutover_lib.sh"
[ -x "$CUTOVER" ] || fail "$CUTOVER not built"
lab_start --tls --cdc-delay 0
[ -n "$LAB_TLS_DIR" ] && [ -f "$LAB_TLS_DIR/client-cert.pem" ] || fail "lab/up --tls made no certificates"

plan="$LAB_DIR/x509.json"
cp "$LAB_PLAN" "$plan"
cutover_plan_py "$plan" "
for side in ('source', 'target'):
    p[side].update({'user': 'x509', 'tls': 'verify-identity', 'tls_ca': '$LAB_TLS_DIR/ca.pem',
                    'tls_cert': '$LAB_TLS_DIR/client-cert.pem', 'tls_key': '$LAB_TLS_DIR/client-key.pem'})
"
plan_validate "$plan"
check=$("$CUTOVER" check "$plan" 2>&1) || fail "cutover check with a client certificate: $check"
grep -q '^GO$' <<<"$check" || fail "no GO: $check"
grep -q "connected as x509, tls verify-identity: TLS_" <<<"$check" || fail "not connected as x509 over TLS: $check"
note "check: GO as x509 (REQUIRE X509), server certificate verified: $(grep -m1 -o 'connected as x509, tls [^:]*' <<<"$check")"

# Without the certificate the server says no, and the check names it.
nocert="$LAB_DIR/nocert.json"
cp "$plan" "$nocert"
cutover_plan_py "$nocert" "
for side in ('source', 'target'):
    del p[side]['tls_cert'], p[side]['tls_key']
"
status=0
out=$("$CUTOVER" check "$nocert" 2>&1) || status=$?
[ "$status" = 1 ] && grep -q "Access denied for user 'x509'" <<<"$out" ||
    fail "without the client certificate: exit $status: $out"
note "without the certificate: NO-GO, the server's refusal said"

# The certificate and the CA from an option file (Connector/C's names).
cnf="$LAB_DIR/x509.cnf"
(umask 077 && cat >"$cnf" <<EOF
[x509]
user = x509
password = $LAB_CUTOVER_PASSWORD
ssl-ca = $LAB_TLS_DIR/ca.pem
ssl-cert = $LAB_TLS_DIR/client-cert.pem
ssl-key = $LAB_TLS_DIR/client-key.pem
ssl-verify-server-cert = 1
EOF
)
files="$LAB_DIR/x509-files.json"
cp "$LAB_PLAN" "$files"
cutover_plan_py "$files" "
for side in ('source', 'target'):
    p[side] = {'host': p[side]['host'], 'port': p[side]['port'], 'option_file': '$cnf', 'option_group': 'x509'}
"
out=$("$CUTOVER" check "$files" 2>&1) || fail "check with the certificate from an option file: $out"
grep -q "connected as x509, tls verify-identity: TLS_" <<<"$out" || fail "not connected as x509 over TLS: $out"
note "check: GO with ssl-ca, ssl-cert, ssl-key and ssl-verify-server-cert=1 from $cnf"

# The night on the certificate.
out="$LAB_DIR/run.out"
cutover_run_verified "$out" "$plan"
note "a headless cutover as x509 completed; the binlog reader read with the certificate"
