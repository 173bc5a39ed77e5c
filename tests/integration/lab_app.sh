#!/usr/bin/env bash
# The lab application: writes at about the requested rate, holds no
# connection and writes nothing while the maintenance flag exists, resumes
# after, re-reads its connection-string file on every reconnect (after an
# error, and after maintenance when the file was swapped to the target), and
# every write it logged as acknowledged is on the target.
. "$top_srcdir/tests/lib.sh"
rate=1000
lab_start --rate "$rate"

acks() { wc -l <"$LAB_APP_LOG"; }
acks_between() { awk -v a="$1" -v b="$2" '$1 == "ack" && $4 >= a && $4 < b { n++ } END { print n + 0 }' "$LAB_APP_LOG"; }
app_sessions() { sql_source "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE USER = 'app'"; }
no_app_session() { [ "$(app_sessions)" = 0 ]; }
acks_above() { [ "$(acks)" -gt "$1" ]; }

# Rate: acknowledged writes in a 3 s window, within 10% of the request.
sleep 0.5
t0=$(now_ms)
sleep 3.2
n=$(acks_between "$t0" $((t0 + 3000)))
achieved=$((n / 3))
note "app rate: $achieved rows/s acknowledged (requested $rate)"
[ "$achieved" -ge $((rate * 9 / 10)) ] && [ "$achieved" -le $((rate * 11 / 10)) ] || fail "app wrote $achieved rows/s, requested $rate"
grep -q "^ack [0-9]* 1 [0-9]*$" "$LAB_APP_LOG" || fail "no ack from server 1 in the expected format"

# Maintenance: no writes, no connection while the flag exists. Acks are
# judged by their timestamps (the log is flushed every 100 ms).
touch "$LAB_MAINTENANCE_FLAG"
flag_on=$(now_ms)
wait_until 3 no_app_session || fail "the app still holds a connection under maintenance"
sleep 1.5
flag_off=$(now_ms)
rm -f "$LAB_MAINTENANCE_FLAG"
sleep 0.3
during=$(acks_between $((flag_on + 20)) "$flag_off")
[ "$during" = 0 ] || fail "the app had $during writes acknowledged while the maintenance flag existed"
after=$(acks_between "$flag_off" $((flag_off + 10000)))
[ "$after" -gt 0 ] || fail "the app did not resume after the flag was removed"
gap=$(sed -n 's/.*longest_gap_ms=\([0-9]*\).*/\1/p' <<<"$("$LAB_BIN/check-app-log" "$LAB_DIR" 2>/dev/null || true)")
note "downtime the app saw across the maintenance window: $gap ms"
[ "$gap" -ge 1500 ] || fail "the longest gap between acks is $gap ms, shorter than the 1.5 s maintenance window"

# Re-read on reconnect after an error: point the file at the source as
# "localhost" (same server, different name), kill the app's session, and the
# app reconnects with the new settings.
swap_url() {
    sed "s|^DATABASE_URL=.*|DATABASE_URL=$1|" "$LAB_APP_CONFIG" >"$LAB_APP_CONFIG.tmp"
    chmod 600 "$LAB_APP_CONFIG.tmp"
    mv "$LAB_APP_CONFIG.tmp" "$LAB_APP_CONFIG"
}
swap_url "mysql://app@localhost:$LAB_SOURCE_PORT/shop"
sql_source "SELECT CONCAT('KILL ', ID, ';') FROM information_schema.PROCESSLIST WHERE USER = 'app'" | mariadb --no-defaults --socket="$LAB_SOURCE_SOCKET"
wait_until 5 grep -q "connected to app@localhost:$LAB_SOURCE_PORT/shop" "$LAB_DIR/app.err" || fail "the app did not re-read its file after losing its connection"
before=$(acks)
wait_until 3 acks_above "$before" || fail "the app did not resume writing after its connection was killed"

# The cutover path by hand: maintenance on, wait until the target has it
# all, stop replication (the target is now the application's database),
# swap the file to the target, maintenance off: acks come from server 2.
touch "$LAB_MAINTENANCE_FLAG"
wait_until 3 no_app_session || fail "the app still holds a connection under maintenance"
pos=$(sql_source "SELECT @@gtid_binlog_pos")
[ "$(sql_target "SELECT MASTER_GTID_WAIT('$pos', 30)")" = 0 ] || fail "the target did not catch up within 30 s"
sql_target "STOP SLAVE"
note "replication stopped; the target takes the app's writes from here"
swap_url "mysql://app@127.0.0.1:$LAB_TARGET_PORT/shop"
rm -f "$LAB_MAINTENANCE_FLAG"
wait_until 5 grep -q "^ack [0-9]* 2 " "$LAB_APP_LOG" || fail "no write acknowledged by the target (server 2) after the swap"
sleep 0.5
"$LAB_BIN/app" "$LAB_DIR" stop

# Everything acknowledged is on the target; both servers took writes.
check=$("$LAB_BIN/check-app-log" "$LAB_DIR") || fail "check-app-log: $check"
note "$check"
grep -q "missing=0 .* servers=1,2$" <<<"$(head -n 1 <<<"$check")" || fail "unexpected check result: $check"
grep -q "stopped after $(acks) acknowledged writes" "$LAB_DIR/app.err" || fail "the app's count of acks differs from its log (flush on SIGTERM)"
! grep -qF "$LAB_APP_PASSWORD" "$LAB_DIR/app.err" "$LAB_APP_LOG" || fail "the app printed its password"
"$LAB_BIN/app" "$LAB_DIR" status >/dev/null && fail "lab/app status says running after stop"
exit 0
