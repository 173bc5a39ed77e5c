#!/usr/bin/env bash
# The freeze gate (plan section "freeze"), under the application's write
# load, with verification by chunks:
#   - the flow to the target stopped: arming waits, says what it waits for,
#     and at the gate's timeout nothing was frozen (no-go, the source takes
#     writes, the gate's record in the audit);
#   - the flow stopped, then started again a few seconds after arming: the
#     freeze waits until the lag is back under the limit (and the first
#     verify pass is done), then the cutover completes with no acknowledged
#     write lost; how long the gate waited is in the audit.
# The plan has no pre-flight: its lag window would refuse the stopped flow
# before the gate is reached.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/cutover_lib.sh"
[ -x "$CUTOVER" ] || fail "$CUTOVER not built"
lab_start
export LAB_APP_PASSWORD
sleep 2 # the application writes for a while first

# 2.5 s: the native lab's replica runs a second behind on purpose (MASTER_DELAY).
gate_plan() {
    local plan="$LAB_DIR/$1.json"
    cp "$LAB_PLAN" "$plan"
    cutover_plan_py "$plan" "p['steps'] = [s for s in p['steps'] if s != 'preflight']
p['freeze'] = {'max_lag_at_freeze_ms': 2500, 'samples': 3, 'timeout_ms': $2}"
    echo "$plan"
}

heartbeat_lag_over() {
    sql_target "SELECT UNIX_TIMESTAMP(NOW(6)) - UNIX_TIMESTAMP(MAX(ts)) > $1 FROM cutover.heartbeat" | grep -qx 1
}

heartbeat_on_target() {
    [ "$(sql_target "SELECT COUNT(*) FROM cutover.heartbeat WHERE id = 1")" = 1 ]
}

# 1. The gate times out: nothing frozen. A beat is written as the console
# would and reaches the target before the flow stops, so the lag is there
# to read (and grows).
plan=$(gate_plan gate-timeout 5000)
sql_source "INSERT INTO cutover.heartbeat (id, ts) VALUES (1, NOW(6)) ON DUPLICATE KEY UPDATE ts = NOW(6)"
wait_until 20 heartbeat_on_target || fail "the heartbeat row did not reach the target"
lab_cdc_stop
wait_until 20 heartbeat_lag_over 4 || fail "the lag did not grow with the flow stopped"
out="$LAB_DIR/run-timeout.out" status=0
"$CUTOVER" run --headless --yes "$plan" >"$out" 2>&1 || status=$?
cat "$out"
[ "$status" = 1 ] || fail "gate timeout: exit status $status, 1 (no-go, nothing changed) expected"
grep -q 'freeze gate, [0-9]* s left: lag [0-9.]* s > 2500 ms (0/3 below)' "$out" || fail "the wait does not say what it waits for"
grep -q 'not frozen: freeze gate timed out after 5\.[0-9] s: lag ' "$out" || fail "the timeout is not reported"
[ ! -e "$LAB_MAINTENANCE_FLAG" ] || fail "gate timeout: the maintenance flag was set"
[ "$(cutover_source_frozen)" = 0 ] || fail "gate timeout: the source was frozen"
cutover_conn_names "$LAB_SOURCE_PORT" || fail "gate timeout: the connection string moved"
cutover_audit_has session freeze-gate || fail "the gate's wait is not in the audit"
grep -q '"action":"freeze-gate".*"error":"timed out after' "$(cutover_audit)" || fail "the audit does not say the gate timed out"
! cutover_audit_has maintenance-on start || fail "maintenance-on started although the gate did not open"
cutover_assert_audit
note "gate timeout: nothing frozen, said and audited"

# 2. The flow comes back while the gate waits: the freeze follows it. The
# plan names the first run's audit as its rehearsal: no step completed
# there, so nothing is predicted, and the log says why.
cp "$(cutover_audit)" "$LAB_DIR/timeout.audit.jsonl"
rm -rf "$LAB_SESSION_DIR"
plan=$(gate_plan gate-open 120000)
cutover_plan_py "$plan" "p['rehearsal'] = '$LAB_DIR/timeout.audit.jsonl'"
t0=$(now_ms)
cutover_start_bg "$LAB_DIR/run-open.out" "$plan"
sleep 5
[ ! -e "$LAB_MAINTENANCE_FLAG" ] || fail "frozen while the lag was over the gate's limit"
[ "$(cutover_source_frozen)" = 0 ] || fail "the source was frozen while the lag was over the limit"
grep -q 'freeze gate, [0-9]* s left: lag [0-9.]* s > 2500 ms' "$LAB_DIR/run-open.out" || { cat "$LAB_DIR/run-open.out"; fail "no countdown while waiting"; }
lab_cdc_start
t_start=$(now_ms)
status=0
wait "$CUTOVER_PID" || status=$?
cat "$LAB_DIR/run-open.out"
[ "$status" = 0 ] || fail "exit status $status after the gate opened, 0 expected"
cutover_assert_run "$status" "$LAB_DIR/run-open.out"
rec=$(grep '"action":"freeze-gate"' "$(cutover_audit)")
[[ $rec =~ \"result\":\"open\ after\ ([0-9.]+)\ s ]] || fail "the audit does not say the gate opened: $rec"
waited=${BASH_REMATCH[1]}
awk -v w="$waited" 'BEGIN { exit !(w >= 5) }' || fail "the gate opened after $waited s, before the flow came back"
grep -q 'freeze gate open after .* freezing now' "$LAB_DIR/run-open.out" || fail "the opening is not said"
cutover_assert_settled
verify_line=$(grep -m1 '  verify  done  ' "$LAB_DIR/run-open.out") || fail "no verify result"
note "gate opened after $waited s ($(( $(now_ms) - t0 )) ms run), $(( $(now_ms) - t_start )) ms after the flow came back"
note "in the window: ${verify_line#*verify  done  }"
grep -q "no downtime prediction: rehearsal $LAB_DIR/timeout.audit.jsonl: no step completed in it" "$LAB_DIR/run-open.out" ||
    fail "an audit log without a completed step is not said to predict nothing"

# 3. That completed run is a rehearsal: opened again on it (the cutover is
# done, so nothing runs), the console announces the window's steps as
# rehearsed there, with their measured costs.
cp "$(cutover_audit)" "$LAB_DIR/rehearsal.audit.jsonl"
cutover_plan_py "$plan" "p['rehearsal'] = '$LAB_DIR/rehearsal.audit.jsonl'"
before=$(ls "$LAB_SESSION_DIR"/*.session.jsonl)
status=0
"$CUTOVER" run --headless --yes "$plan" >"$LAB_DIR/run-again.out" 2>&1 || status=$?
[ "$status" = 0 ] || { cat "$LAB_DIR/run-again.out"; fail "the completed cutover opened again: exit $status"; }
session=$(ls "$LAB_SESSION_DIR"/*.session.jsonl | grep -vxF "$before" | head -n 1)
[ -n "$session" ] || fail "no new recording"
rehearsed=$(grep -m1 '"key":"downtime.rehearsed_steps_ms"' "$session") || fail "the rehearsal's costs are not announced"
re='"x":"maintenance-on [0-9]+ ms, read-only [0-9]+ ms, verify [0-9]+ ms, swap [0-9]+ ms, target-health [0-9]+ ms, maintenance-off [0-9]+ ms"'
[[ $rehearsed =~ $re ]] || fail "the rehearsed window is not every step's cost: $rehearsed"
note "rehearsed window: $rehearsed"
