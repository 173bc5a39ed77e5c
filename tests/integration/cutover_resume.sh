#!/usr/bin/env bash
# SIGTERM, then SIGKILL, during the lag-zero wait (made long by stopping the
# target's SQL thread), then a restart on the same plan: it reads the audit
# log and the actual state, never repeats a step blindly, and completes the
# cutover with nothing lost. SIGTERM records the in-flight step as
# "interrupted" before the process exits. While a run holds the lock, a
# second refuses and suggests --readonly.
. "$top_srcdir/tests/lib.sh"
[ -x "$CUTOVER" ] || fail "$CUTOVER not built"
lab_start --cdc-delay 0
plan="$LAB_DIR/plan-resume.json"
# No pre-flight (it would refuse with the SQL thread stopped); a long wait.
sed -e 's/"timeout_ms": [0-9]*, "fence": true/"timeout_ms": 120000, "fence": true/' \
    -e 's/"steps": \["preflight", /"steps": [/' "$LAB_PLAN" >"$plan"
sleep 1
sql_target "STOP SLAVE SQL_THREAD"

out0="$LAB_DIR/run0.out"
"$CUTOVER" run --headless --yes "$plan" >"$out0" 2>&1 &
pid=$!
wait_until 20 grep -q 'lag-zero  running' "$out0" || { cat "$out0"; fail "lag-zero never started"; }
sleep 0.3
kill -TERM "$pid"
status=0
wait "$pid" || status=$?
cat "$out0"
[ "$status" = 6 ] || fail "SIGTERM: exit status $status, 6 (stopped with changes in place) expected"
audit=$(ls "$LAB_SESSION_DIR"/*.audit.jsonl)
tail -n 2 "$audit" | grep -q '"step":"lag-zero","action":"interrupted"' ||
    fail "SIGTERM did not record the in-flight lag-zero as interrupted"

out1="$LAB_DIR/run1.out"
"$CUTOVER" run --headless --yes "$plan" >"$out1" 2>&1 &
pid=$!
wait_until 20 grep -q 'lag-zero  running' "$out1" || { cat "$out1"; fail "lag-zero never started again"; }
sleep 0.5

second=0
"$CUTOVER" run --headless --yes "$plan" >"$LAB_DIR/run2.out" 2>&1 || second=$?
[ "$second" != 0 ] || fail "a second executor on the same plan was allowed"
grep -q -- '--readonly' "$LAB_DIR/run2.out" || { cat "$LAB_DIR/run2.out"; fail "the refusal does not suggest --readonly"; }

kill -KILL "$pid"
wait "$pid" 2>/dev/null || true
cat "$out1"
[ "$(sql_source 'SELECT @@global.read_only')" = 1 ] || fail "the source should still be read-only after the kill"
[ -e "$LAB_MAINTENANCE_FLAG" ] || fail "maintenance should still be on after the kill"
grep -q "mysql://app@127.0.0.1:$LAB_SOURCE_PORT/shop" "$LAB_APP_CONFIG" || fail "the swap must not have happened"

sql_target "START SLAVE SQL_THREAD"
out2="$LAB_DIR/run3.out"
status=0
"$CUTOVER" run --headless --yes "$plan" >"$out2" 2>&1 || status=$?
cat "$out2"
[ "$status" = 0 ] || fail "the restarted cutover exited $status"
grep -q 'restart: the audit log shows a previous run' "$out2" || fail "the restart did not read the audit log"
grep -q 'in flight at the stop: lag-zero' "$out2" || fail "the restart did not find lag-zero in flight"
# Steps done before the kill are not run again.
! grep -q 'read-only  running' "$out2" || fail "read-only ran again after the restart"
! grep -q 'maintenance-on  running' "$out2" || fail "maintenance-on ran again after the restart"
grep -q '^summary: cutover completed' "$out2" || fail "the cutover did not complete"

[ "$(sql_source 'SELECT @@global.read_only')" = 1 ] || fail "the source is not read-only"
grep -q "^DATABASE_URL=mysql://app@127.0.0.1:$LAB_TARGET_PORT/shop\$" "$LAB_APP_CONFIG" ||
    fail "the connection-string file does not name the target"
[ ! -e "$LAB_MAINTENANCE_FLAG" ] || fail "the maintenance flag is still there"
"$CUTOVER" verify "$(ls "$LAB_SESSION_DIR"/*.audit.jsonl)" || fail "cutover verify failed"

sleep 1.5
wait_until 10 bash -c "tail -n 1 '$LAB_APP_LOG' | awk '{exit !(\$3 == 2)}'" ||
    fail "the application is not writing to the target"
check=$("$LAB_BIN/check-app-log" "$LAB_DIR") || fail "lab/check-app-log: $check"
echo "$check"
grep -q ' missing=0 ' <<<"$check" || fail "acknowledged writes are missing"
