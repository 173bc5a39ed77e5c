#!/usr/bin/env bash
# Fault: the endpoint proxy (the PrivateLink stand-in, which carries both the
# console's source connection and replication) is blackholed the moment
# lag-zero starts, and restored 3 s later. The fence insert or the freeze
# read may hang until the console's read timeout; replication stalls. The
# cutover must end completed or cleanly rolled back, with nothing lost, a
# verifying audit chain, and the outcome stated.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/cutover_lib.sh"
[ -x "$CUTOVER" ] || fail "$CUTOVER not built"
# A fence takes 3 s over the replication link: lag-zero is still waiting
# when the blackhole lands (asserted below, not hoped for).
lab_start --cdc-delay 0 --link-delay 3000
export LAB_APP_PASSWORD
plan=$(cutover_plan blackhole)
sleep 1

out="$LAB_DIR/run.out"
cutover_start_bg "$out" "$plan"
cutover_wait_audit 20 lag-zero start || { cat "$out"; fail "lag-zero never started"; }
"$LAB_BIN/proxy" "$LAB_DIR" blackhole
! cutover_audit_has lag-zero "done" || fail "lag-zero was over before the blackhole: not the moment under test"
note "endpoint blackholed at lag-zero start"
sleep 3
"$LAB_BIN/proxy" "$LAB_DIR" pass
note "endpoint restored"
status=0
wait "$CUTOVER_PID" || status=$?
cat "$out"
cutover_assert_run "$status" "$out"
cutover_assert_settled
