#!/usr/bin/env bash
# Stopping the target's SQL thread makes the heartbeat lag grow past 2 s and
# the target report replication stopped; starting it again clears the lag.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/integration/probes_lib.sh"
lab_start --cdc-delay 0
out="$LAB_DIR/dump.out"
dump_start "$out" 40
trap dump_cleanup EXIT

wait_until 5 has_samples "$out" lag.heartbeat_s || fail "no heartbeat lag within 5 s"
sleep 1
before=$(last_of "$out" lag.heartbeat_s)
note "heartbeat lag while replicating (cdc-delay $LAB_CDC_DELAY): $before s"
gt 1.5 "$before" || fail "lag $before s before stopping anything"

mark=$(lines "$out")
sql_target "STOP SLAVE SQL_THREAD"
t0=$(now_ms)
wait_until 10 max_above "$out" lag.heartbeat_s "$mark" 2 ||
    fail "heartbeat lag did not pass 2 s within 10 s of STOP SLAVE SQL_THREAD (max $(max_of "$out" lag.heartbeat_s "$mark"))"
note "lag passed 2 s $(($(now_ms) - t0)) ms after STOP SLAVE SQL_THREAD"
health_after "$out" target "$mark" error || fail "target health did not report the stopped replication"
tail -n +"$mark" "$out" | grep -P '\thealth\ttarget\terror\t' | grep -q 'replication stopped' ||
    fail "target health text does not say replication stopped"
[ "$(samples "$out" replica.sql_running "$mark" | tail -n 1)" = 0 ] || fail "replica.sql_running not 0"

mark=$(lines "$out")
sql_target "START SLAVE SQL_THREAD"
t0=$(now_ms)
wait_until 15 last_below "$out" lag.heartbeat_s 1 ||
    fail "heartbeat lag did not clear within 15 s of START SLAVE (last $(last_of "$out" lag.heartbeat_s))"
note "lag back under 1 s $(($(now_ms) - t0)) ms after START SLAVE: $(last_of "$out" lag.heartbeat_s) s"
wait_until 5 health_after "$out" target "$mark" ok || fail "target health did not return to ok"
