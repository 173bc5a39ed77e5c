#!/usr/bin/env bash
# `cutover check --offline`: the plan alone. On the lab's plan every password
# reference resolves and every file is there: READY, exit 0, and the servers
# saw no connection from it (their Connections counter moves only by the
# test's own queries), even with the servers' ports pointing nowhere. An
# unset variable, a missing file and a missing program each FAIL by name
# (exit 1); a plan that does not parse exits 2 with FILE:LINE:COL.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/cutover_lib.sh"
[ -x "$CUTOVER" ] || fail "$CUTOVER not built"
lab_start --no-app
export LAB_APP_PASSWORD

connections() { sql_source "SHOW GLOBAL STATUS LIKE 'Connections'" | awk '{print $2}'; }
before=$(connections)
out=$("$CUTOVER" check --offline "$LAB_PLAN") || fail "the lab's plan is not ready offline:
$out"
after=$(connections)
echo "$out"
grep -q '^READY (offline)$' <<<"$out" || fail "no READY line"
! grep -q '^FAIL' <<<"$out" || fail "a check failed on the lab's plan"
[ "$after" = $((before + 1)) ] || fail "the source counted $((after - before - 1)) connection(s) from the offline check"

nowhere="$LAB_DIR/nowhere.json"
cp "$LAB_PLAN" "$nowhere"
cutover_plan_py "$nowhere" 'p["source"]["port"] = 1; p["target"]["port"] = 1; p["endpoint"]["port"] = 1'
"$CUTOVER" check --offline "$nowhere" >/dev/null || fail "an unreachable server made the offline check fail"

broken="$LAB_DIR/broken.json"
cp "$LAB_PLAN" "$broken"
cutover_plan_py "$broken" 'p["swap"]["path"] = "/nonexistent/app.conf"; p["reverse_replication"] = {"method": "exec", "start": ["no-such-program-xyz"], "stop": ["true"]}'
status=0
out=$(env -u LAB_APP_PASSWORD "$CUTOVER" check --offline "$broken") || status=$?
echo "$out"
[ "$status" = 1 ] || fail "expected exit 1 for a plan that is not ready, got $status"
grep -q '^FAIL  target_health password.*LAB_APP_PASSWORD is not set' <<<"$out" || fail "the unset variable is not named"
grep -q '^FAIL  swap file .*/nonexistent/app.conf: not there' <<<"$out" || fail "the missing file is not named"
grep -q '^FAIL  reverse.start .*no-such-program-xyz: not found' <<<"$out" || fail "the missing program is not named"

# --json: the same verdicts as one document, for scripts.
status=0
json=$(env -u LAB_APP_PASSWORD "$CUTOVER" check --offline --json "$broken") || status=$?
[ "$status" = 1 ] || fail "--json: exit $status, 1 expected"
/usr/bin/python3 - "$json" <<'PY' || fail "check --offline --json: $json"
import json, sys
d = json.loads(sys.argv[1])
assert d["mode"] == "offline" and d["go"] is False and d["failed"] == 3, d
fails = {c["check"]: c["why"] for c in d["checks"] if c["verdict"] == "FAIL"}
assert "LAB_APP_PASSWORD is not set" in fails["target_health password"], fails
assert fails["swap file"].endswith("/nonexistent/app.conf: not there"), fails
assert all(set(c) == {"check", "verdict", "why"} for c in d["checks"])
PY
note "check --offline --json: the failures as a document"

printf '{ "name": "x",\n  "source": 3 }\n' >"$LAB_DIR/bad.json"
status=0
"$CUTOVER" check --offline "$LAB_DIR/bad.json" 2>"$LAB_DIR/bad.err" || status=$?
[ "$status" = 2 ] || fail "expected exit 2 for a plan that does not parse, got $status"
grep -q "bad.json:2:[0-9]*: source" "$LAB_DIR/bad.err" || fail "no FILE:LINE:COL: $(cat "$LAB_DIR/bad.err")"
note "offline check: ready on the lab, no connection made; unset variable, missing file and program named"
