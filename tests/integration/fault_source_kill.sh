#!/usr/bin/env bash
# Fault: every connection of the console's account on the source is KILLed,
# again and again every 50 ms, from the moment read-only starts until
# lag-zero ends: the freeze read, the fence insert and the heartbeat writer
# lose their connections mid-statement. The cutover must end completed (a
# reconnect, or the fallback proof) or cleanly rolled back, with nothing
# lost, a verifying audit chain, and say which.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/cutover_lib.sh"
[ -x "$CUTOVER" ] || fail "$CUTOVER not built"
# The window under test (read-only start to the end of lag-zero) is held open
# by a CDC delay that is really there: 1.5 s on the replication link, to the
# millisecond (MASTER_DELAY's "1 s" can be anything from 0 to 1 s).
lab_start --cdc-delay 0 --link-delay 1500
export LAB_APP_PASSWORD
plan=$(cutover_plan source-kill)
sleep 1

lag_zero_over() {
    cutover_audit_has lag-zero "done" || cutover_audit_has lag-zero failed || ! kill -0 "$CUTOVER_PID" 2>/dev/null
}
kill_console_sessions() {
    local ids id n=0
    ids=$(sql_source "SELECT id FROM information_schema.processlist WHERE user = 'cutover'")
    for id in $ids; do
        sql_source "KILL $id" 2>/dev/null && n=$((n + 1))
    done
    echo "$n"
}

out="$LAB_DIR/run.out"
cutover_start_bg "$out" "$plan"
cutover_wait_audit 20 read-only start || { cat "$out"; fail "read-only never started"; }
killed=0
deadline=$(($(now_ms) + 20000))
until lag_zero_over; do
    killed=$((killed + $(kill_console_sessions)))
    [ "$(now_ms)" -lt "$deadline" ] || break
    sleep 0.05
done
note "killed $killed source connections of the console between read-only and the end of lag-zero"
[ "$killed" -gt 0 ] || fail "no console connection was found to kill"
status=0
wait "$CUTOVER_PID" || status=$?
cat "$out"
cutover_assert_run "$status" "$out"
cutover_assert_settled
