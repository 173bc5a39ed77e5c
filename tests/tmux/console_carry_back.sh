#!/usr/bin/env bash
# A rollback past the point of no return that strands nothing, in tmux. The
# lab's plan carries the target's writes back (native lab: the source
# replicates from the target over a named connection; DMS lab: the reverse
# DMS stand-in). Maintenance goes through the ops API, whose "off" switches
# and then fails: the run holds past the point with the application writing
# to the target. R pauses the application again, counts the target's writes,
# carries them back from where the target stood at the point, proves it
# with a fence on the source, removes the reverse replication, and only then
# undoes the rest. Every write the application acknowledged, on either
# server, is on the source where it writes again: zero missing.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/cutover_lib.sh"
. "$top_srcdir/tests/tmux.sh"

lab_start --cdc-delay 0
export LAB_APP_PASSWORD
ops_api_start
# A broken way back fails within 15 s instead of the default two minutes.
plan=$(cutover_http_plan carry-back 'p["reverse_replication"]["timeout_ms"] = 15000')
grep -q '"reverse_replication"' "$plan" || fail "the lab's plan has no reverse_replication"
cutover_console_held "$plan"
sleep 2 # the application writes to the target for a while
rm -f "$LAB_MAINTENANCE_FLAG.fail-off" # the webhook mended: maintenance can go off at the end

if [ "${LAB_TOPOLOGY:-native}" = native ]; then
    # First the way back is broken (the target refuses the reverse
    # replication's account): nothing past the refreeze is undone, the
    # application stays paused, the reverse replication is removed again.
    sql_target "SET sql_log_bin = 0; RENAME USER 'repl'@'127.0.0.1' TO 'repl_away'@'127.0.0.1'"
    tmux_send R
    tmux_wait_for 'Roll back past the point of no return' 3 || fail "no confirmation after R"
    tmux_send y
    cutover_wait_audit 40 session carry-back-failed || { tmux_capture; fail "the broken carry-back was not audited as failed"; }
    grep -q '"action":"carry-back-failed".*cannot read the target' "$(cutover_audit)" || fail "the failure does not say why"
    ! cutover_audit_has swap rolled-back || fail "the swap was undone although nothing was carried back"
    [ -e "$LAB_MAINTENANCE_FLAG" ] || fail "the application is not paused after the failed carry-back"
    [ "$(cutover_source_frozen)" = 1 ] || fail "the source was made writable after the failed carry-back"
    [ "$(sql_source "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = 'SLAVES_RUNNING'")" = 0 ] ||
        fail "the failed reverse replication is still running on the source"
    sql_target "SET sql_log_bin = 0; RENAME USER 'repl_away'@'127.0.0.1' TO 'repl'@'127.0.0.1'"
fi
# Then the way back breaks after the application's writes reached the
# source (the fence table is missing there, so the fence cannot land): the
# try fails and pauses; the next one resumes where it stopped. Starting again
# from the point would apply those writes twice and fail on duplicate keys.
fence_ddl=$(sql_source "SHOW CREATE TABLE cutover.fence" | cut -f2-)
sql_source "SET sql_log_bin = 0; DROP TABLE cutover.fence"
failed_before=$(grep -c '"action":"carry-back-failed"' "$(cutover_audit)" || true)
tmux_send R
tmux_wait_for 'Roll back past the point of no return' 3 || fail "no confirmation after R (fence missing)"
tmux_send y
failed_more() { [ "$(grep -c '"action":"carry-back-failed"' "$(cutover_audit)")" -gt "$failed_before" ]; }
wait_until 60 failed_more || { tmux_capture; fail "the carry-back without a fence table did not fail"; }
! cutover_audit_has swap rolled-back || fail "the swap was undone although the fence never landed"
[ -e "$LAB_MAINTENANCE_FLAG" ] || fail "the application is not paused after the failed try"
sql_source "SET sql_log_bin = 0; USE cutover; $(echo "$fence_ddl" | sed 's/\\n/ /g')"
tmux_send R
tmux_wait_for 'Roll back past the point of no return' 3 || fail "no confirmation after R"
tmux_capture | grep -q 'carried back to the source' || fail "the confirmation does not say the writes are carried back"
tmux_send y
cutover_wait_audit 60 maintenance-on rolled-back || { tmux_capture; fail "the rollback past the point did not finish"; }
audit=$(cutover_audit)
grep -q '"action":"carried-back"' "$audit" || fail "the audit has no carried-back record"
fence_ms=$(grep -o 'fence cutover-back-[0-9-]* there after [0-9.]* ms' "$audit" | grep -o '[0-9.]* ms' | head -n 1)
# The carry-back comes before anything but the refreeze is undone.
carried_line=$(grep -n '"action":"carried-back"' "$audit" | cut -d: -f1)
swap_line=$(grep -n '"step":"swap","action":"rolled-back"' "$audit" | cut -d: -f1)
[ -n "$swap_line" ] && [ "$carried_line" -lt "$swap_line" ] || fail "the swap was undone before the writes were carried back"
note "the fence reached the source after $fence_ms"
cutover_assert_carried_back "$(cutover_carried_count)"
[ "$(cutover_source_frozen)" = 0 ] || fail "the source is still read-only"
cutover_conn_names "$LAB_SOURCE_PORT" || fail "the connection string does not name the source"
# The way forward is intact: it did not carry the carried-back writes again.
if [ "${LAB_TOPOLOGY:-native}" = native ]; then
    left=$(sql_source "SHOW ALL SLAVES STATUS") || fail "cannot ask the source for its replication"
    [ -z "$left" ] || fail "the reverse replication was left on the source: $left"
    [ "$(sql_target "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = 'SLAVE_RUNNING'")" = ON ] ||
        fail "the target's replication stopped"
else
    "$LAB_BIN/cdc" "$LAB_DIR" reverse is-stopped || fail "the reverse CDC was left running"
    "$LAB_BIN/cdc" "$LAB_DIR" status | grep -q '^running' || fail "the forward CDC stopped: $("$LAB_BIN/cdc" "$LAB_DIR" status)"
    grep -q '"loopback_transactions":[1-9]' "$LAB_DIR/cdc.state" || fail "the forward CDC skipped no carried-back transaction"
fi
cutover_assert_audit
tmux_send q
tmux_wait_for 'EXITED 0' 10 || fail "console did not quit cleanly"
