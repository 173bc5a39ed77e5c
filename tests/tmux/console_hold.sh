#!/usr/bin/env bash
# Past the point of no return in the console, in tmux. Maintenance goes
# through the ops API, whose "off" switches and then fails: the checklist
# draws the point crossed, the screen says HELD with what the lead can do,
# nothing is rolled back. The API mended, r and y retry maintenance-off and
# the cutover completes. Then the lead rolls back past the point
# deliberately: R pauses the application again (maintenance back on) and
# counts the target's writes since the point; a wrong count typed is
# refused; the right one rolls back. The count equals the writes the
# application acknowledged from the target (its own log), and the audit
# records the confirmed count.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/cutover_lib.sh"
. "$top_srcdir/tests/tmux.sh"

lab_start --cdc-delay 0
export LAB_APP_PASSWORD
ops_api_start
# The typed count: a plan that cannot carry the target's writes back.
plan=$(cutover_http_plan console-hold 'p.pop("reverse_replication", None)')
cutover_console_held "$plan"
tmux_capture >"$LAB_DIR/held.txt"
grep -q '── point of no return ── crossed' "$LAB_DIR/held.txt" || { cat "$LAB_DIR/held.txt"; fail "the checklist does not draw the point crossed"; }
grep -q 'r retry  s skip  d done by hand  R roll back past the point' "$LAB_DIR/held.txt" ||
    fail "the held line does not say what the lead can do"
! cutover_audit_has maintenance-on rolled-back || fail "something was rolled back past the point"

rm -f "$LAB_MAINTENANCE_FLAG.fail-off"
tmux_send r
tmux_wait_for 'Retry' 3 || fail "no confirmation after r"
tmux_send y
cutover_wait_audit 30 stop-replication done || { tmux_capture; fail "the retried cutover did not complete"; }
cutover_audit_has maintenance-off retry || fail "the retry is not audited"
tmux_wait_for 'Downtime [0-9.ms]+ +\(ended\)' 5 || fail "the downtime clock did not stop"
sleep 1 # the application writes to the target for a while

tmux_send R
tmux_wait_for 'Roll back past the point of no return' 3 || fail "no confirmation after R"
tmux_send y
tmux_wait_for 'Type [0-9]+ to roll' 40 || { tmux_capture; fail "no count to type"; }
count=$(tmux_capture | grep -o 'Type [0-9]* to roll' | grep -o '[0-9]*')
[ -e "$LAB_MAINTENANCE_FLAG" ] || fail "maintenance is not on again while the count is typed"
tmux_send 1 2 3 4 5 6 7 8 9 Enter
tmux_wait_for 'typed "123456789", the count is' 3 || fail "a wrong count was not refused"
! cutover_audit_has swap rolled-back || fail "a wrong count rolled back"

tmux_send R
tmux_wait_for 'Roll back past the point of no return' 3 || fail "no confirmation after R (again)"
tmux_send y
tmux_wait_for 'Type [0-9]+ to roll' 40 || fail "no count to type (again)"
# shellcheck disable=SC2046
tmux_send $(echo "$count" | sed 's/./& /g') Enter
cutover_wait_audit 30 maintenance-on rolled-back || { tmux_capture; fail "the rollback past the point did not finish"; }
grep -q "\"action\":\"rollback-past-point\".*\"result\":\"$count transaction(s)" "$(cutover_audit)" ||
    fail "the audit does not record the confirmed count $count"
"$LAB_BIN/app" "$LAB_DIR" stop >/dev/null
acked=$(awk '$1 == "ack" && $3 == 2' "$LAB_APP_LOG" | wc -l)
note "counted $count transaction(s) on the target; the application acknowledged $acked from it"
[ "$count" = "$acked" ] || fail "counted $count, the application acknowledged $acked writes from the target"
[ "$count" -gt 0 ] || fail "nothing was written to the target: not the moment under test"
[ "$(cutover_source_frozen)" = 0 ] || fail "the source is still read-only"
cutover_conn_names "$LAB_SOURCE_PORT" || fail "the connection string does not name the source"
cutover_assert_audit
tmux_send q
tmux_wait_for 'EXITED 0' 10 || fail "console did not quit cleanly"
