#!/usr/bin/env bash
# Fault: the target server is shut down (mariadb-admin shutdown over its
# socket) the moment lag-zero starts, and started again with the same
# options. The console's target connection breaks mid-wait; replication
# resumes by itself once the target is back. The cutover must end
# completed or cleanly rolled back, with nothing lost and a verifying audit
# chain, and say which.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/cutover_lib.sh"
[ -x "$CUTOVER" ] || fail "$CUTOVER not built"
# A fence takes 1.5 s over the replication link: the target goes down while
# lag-zero waits (asserted below, not hoped for).
lab_start --cdc-delay 0 --link-delay 1500
export LAB_APP_PASSWORD
# shellcheck source=lab/common.sh
. "$LAB_BIN/common.sh"
plan=$(cutover_plan target-restart)
sleep 1

start_target() {
    lab_spawn "$LAB_DIR/target/mariadbd.pid" "$LAB_DIR/target/mariadbd.out" \
        mariadbd --defaults-file="$LAB_DIR/target/my.cnf"
    wait_until 60 sql_target "SELECT 1" || fail "the target did not come back; see $LAB_DIR/target/error.log"
}

out="$LAB_DIR/run.out"
cutover_start_bg "$out" "$plan"
cutover_wait_audit 20 lag-zero start || { cat "$out"; fail "lag-zero never started"; }
t0=$(now_ms)
mariadb-admin --no-defaults --socket="$LAB_TARGET_SOCKET" shutdown || fail "mariadb-admin shutdown failed"
! cutover_audit_has lag-zero "done" || fail "lag-zero was over before the target went down: not the moment under test"
note "target shut down in $(($(now_ms) - t0)) ms, during lag-zero"
start_target
note "target back after $(($(now_ms) - t0)) ms"
status=0
wait "$CUTOVER_PID" || status=$?
cat "$out"
cutover_assert_run "$status" "$out"
# Replication restarts with the server (no skip-slave-start) when the
# cutover rolled back; after a completed one the console stopped it.
if [ "$(cutover_outcome)" = rolled-back ] && [ "$LAB_CDC" = native ]; then
    [ "$(lab_slave_field "$LAB_TARGET_SOCKET" Slave_IO_Running)" = Yes ] ||
        sql_target "START SLAVE"
fi
cutover_assert_settled
