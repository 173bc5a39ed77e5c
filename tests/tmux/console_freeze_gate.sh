#!/usr/bin/env bash
# The freeze gate in the console, in tmux: armed while the replication link
# runs 4 s late (lab/proxy --link; a stopped replica would refuse the arm
# itself), the freezing step waits (its line marked waiting, the detail
# line counting down what it waits for) and nothing is frozen; x aborts the
# wait at once, still with nothing frozen, and the abort is audited.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/cutover_lib.sh"
. "$top_srcdir/tests/tmux.sh"

lab_start --link-delay 100
export LAB_APP_PASSWORD
plan="$LAB_DIR/gate.json"
cp "$LAB_PLAN" "$plan"
cutover_plan_py "$plan" "p['freeze'] = {'max_lag_at_freeze_ms': 2500, 'samples': 3, 'timeout_ms': 120000}"
sleep 2 # the application writes for a while first
tmux_start 120 40 "$CUTOVER" --session-dir "$LAB_SESSION_DIR" "$plan"
tmux_wait_for 'source:ok target:ok heartbeat:ok endpoint:ok' 15 || fail "probes not healthy"
tmux_send p
tmux_wait_for 'preflight done' 30 || fail "pre-flight did not pass"

"$LAB_BIN/proxy" "$LAB_DIR" --link delay 4000
tmux_wait_for 'Lag ([3-9]\.[0-9]+ s)' 20 || fail "the lag did not grow with the link delayed"
tmux_send a
tmux_wait_for 'Arm the cutover' 3 || fail "no confirmation after a"
tmux_send y
# The detail wraps in the column: the count first, then the figures.
tmux_wait_for 'maintenance-on: freeze gate, [0-9]+ s left: lag [0-9.]+ s' 10 ||
    fail "the detail line does not count down and say what the gate waits for"
tmux_wait_for '> 2500 ms \(0/3 below\)' 3 || fail "the detail line does not give the gate's limit"
tmux_wait_for '2 \? Maintenance on' 2 || fail "the freezing step is not shown waiting"
sleep 2
[ ! -e "$LAB_MAINTENANCE_FLAG" ] || fail "frozen while the gate waits"
[ "$(sql_source 'SELECT @@global.read_only')" = 0 ] || fail "the source was frozen while the gate waits"
t0=$(now_ms)
tmux_send x
tmux_wait_for 'aborted' 3 || fail "x did not abort the wait"
note "x ended the gate's wait $(($(now_ms) - t0)) ms after the key (includes tmux polling)"
[ ! -e "$LAB_MAINTENANCE_FLAG" ] || fail "the aborted gate froze the application"
[ "$(sql_source 'SELECT @@global.read_only')" = 0 ] || fail "the aborted gate froze the source"
cutover_audit_has session freeze-gate || fail "the gate's wait is not in the audit"
grep -q '"action":"freeze-gate".*"error":"cancelled after' "$(cutover_audit)" || fail "the audit does not say the wait was cancelled"
! cutover_audit_has maintenance-on start || fail "maintenance-on started"
"$LAB_BIN/proxy" "$LAB_DIR" --link delay 100
tmux_send q
tmux_wait_for 'EXITED 0' 10 || fail "console did not quit cleanly"
cutover_assert_audit
