#!/usr/bin/env bash
# tls "required" against a server that offers no TLS (the lab's MariaDB has
# none configured): the console refuses before the password leaves, and
# says so. Proof on the server: the only login it refused is the password-
# less probe's; the plan's (wrong) password never reached it. A plan whose
# host is not loopback and that says nothing of TLS is refused at load,
# asking for the CA.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/cutover_lib.sh"
[ -x "$CUTOVER" ] || fail "$CUTOVER not built"
lab_start --cdc-delay 0
[ "$(sql_target "SELECT @@have_ssl")" != YES ] || skip "the lab's target offers TLS here"
plan=$(cutover_plan tls-required)
cutover_plan_py "$plan" 'p["target"]["tls"] = "required"
p["target"]["password"] = {"env": "WRONG_PASSWORD"}'
export WRONG_PASSWORD=not-the-password
denied() { sql_target "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = 'ACCESS_DENIED_ERRORS'"; }
before=$(denied)
status=0
"$CUTOVER" check "$plan" >"$LAB_DIR/check.out" 2>&1 || status=$?
cat "$LAB_DIR/check.out"
[ "$status" = 1 ] || fail "cutover check exited $status, 1 expected"
grep -q 'the server offers no TLS (tls "required"): the password was not sent' "$LAB_DIR/check.out" ||
    fail "the refusal does not say why"
after=$(denied)
probes=$(grep -c 'offers no TLS' "$LAB_DIR/check.out")
note "access denied on the target: $before before, $after after, $probes refused connection(s) reported"
[ $((after - before)) -le "$probes" ] || fail "more logins were refused than probes were made: a password was sent"

bad="$LAB_DIR/not-loopback.json"
cp "$plan" "$bad"
cutover_plan_py "$bad" 'p["target"].pop("tls", None)
p["target"]["host"] = "db.internal.example"'
status=0
"$CUTOVER" check "$bad" >"$LAB_DIR/check2.out" 2>&1 || status=$?
[ "$status" = 2 ] || fail "a non-loopback host without TLS settings: exit $status, 2 expected"
grep -q 'db.internal.example is not loopback, so the server.s certificate is verified' "$LAB_DIR/check2.out" ||
    fail "the plan error does not ask for the CA: $(cat "$LAB_DIR/check2.out")"
