#!/usr/bin/env bash
# The endpoint proxy: adds its delay to each direction (a round trip grows by
# twice the delay), blackholes (a connection attempt times out), resets (a
# connection attempt fails at once), passes again, keeps replication working
# across all that, and shrugs off a bad control file.
. "$top_srcdir/tests/lib.sh"
lab_start --no-app
P="$LAB_BIN/proxy"

# Round trip of SELECT 1 on one connection through the proxy, per query as
# the client's -vvv timing reports it, in ms; prints the median of 9.
rtt_median() {
    local q out
    q=$(printf 'SELECT 1;%.0s' $(seq 9))
    out=$(mariadb --no-defaults -h127.0.0.1 -P"$LAB_ENDPOINT_PORT" -ucutover -p"$LAB_CUTOVER_PASSWORD" -vvv -e "$q")
    median $(sed -n 's/^1 row in set (\([0-9.]*\) sec)$/\1/p' <<<"$out" | awk '{ printf "%d\n", $1 * 1000 + 0.5 }')
}
"$P" "$LAB_DIR" delay 0 >/dev/null
base=$(rtt_median)
"$P" "$LAB_DIR" delay 100 >/dev/null
slow=$(rtt_median)
added=$((slow - base))
note "SELECT 1 round trip through the proxy: ${base} ms at delay 0, ${slow} ms at delay 100 (added ${added} ms, expected 200)"
[ "$added" -ge 190 ] && [ "$added" -le 240 ] || fail "delay 100 added $added ms to the round trip, expected about 200"
"$P" "$LAB_DIR" delay 0 >/dev/null

# A client connection attempt: prints "STATUS ELAPSED_MS".
attempt() {
    local t0 status=0
    t0=$(now_ms)
    mariadb --no-defaults --connect-timeout=2 -h127.0.0.1 -P"$LAB_ENDPOINT_PORT" -ucutover -p"$LAB_CUTOVER_PASSWORD" -e "SELECT 1" >/dev/null 2>&1 || status=$?
    echo "$status $(($(now_ms) - t0))"
}
read -r st ms < <(attempt)
[ "$st" = 0 ] || fail "connecting through the proxy in pass mode failed"

# Blackhole: the attempt hangs until the client's 2 s timeout, and a row
# written on the source does not reach the target.
"$P" "$LAB_DIR" blackhole >/dev/null
read -r st ms < <(attempt)
note "blackhole: attempt failed with status $st after $ms ms"
[ "$st" != 0 ] || fail "a connection attempt succeeded through a blackholed proxy"
[ "$ms" -ge 1800 ] || fail "a blackholed attempt failed after $ms ms; expected a timeout of about 2000"
id=$(( $(now_ms) * 1000 + 1 ))
sql_source "INSERT INTO shop.orders VALUES ($id, 1, 1, 1, 100, NOW(6))"
present() { [ "$(sql_target "SELECT COUNT(*) FROM shop.orders WHERE id = $1")" = 1 ]; }
sleep $((LAB_CDC_DELAY + 2))
! present "$id" || fail "row $id reached the target through a blackholed proxy"

# Reset: the attempt fails fast.
"$P" "$LAB_DIR" reset >/dev/null
read -r st ms < <(attempt)
note "reset: attempt failed with status $st after $ms ms"
[ "$st" != 0 ] || fail "a connection attempt succeeded through a resetting proxy"
[ "$ms" -lt 1000 ] || fail "a reset attempt took $ms ms to fail; expected it at once"
grep -q "reset on accept" "$LAB_PROXY_LOG" || fail "proxy.log does not show a reset connection"

# Pass again: clients connect and replication catches up by itself.
"$P" "$LAB_DIR" pass >/dev/null
read -r st ms < <(attempt)
[ "$st" = 0 ] || fail "connecting after pass failed"
wait_until 20 present "$id" || fail "row $id did not reach the target within 20 s after pass"

# A bad control file: bad lines are logged with their numbers and ignored,
# the good ones apply, and the proxy keeps running.
printf 'mode=sideways\ndelay_ms=abc\ngarbage line\ncolour=blue\ndelay_ms=25\n' >"$LAB_PROXY_CONTROL.tmp"
mv "$LAB_PROXY_CONTROL.tmp" "$LAB_PROXY_CONTROL"
wait_until 3 grep -qx "delay_ms=25" "$LAB_DIR/proxy.state" || fail "the proxy did not apply delay_ms=25 from a partly bad control file"
for n in 1 2 3 4; do
    grep -q "proxy.ctl:$n: ignored" "$LAB_PROXY_LOG" || fail "proxy.log does not name bad line $n"
done
grep -qx "mode=pass" "$LAB_DIR/proxy.state" || fail "the proxy left pass mode on a bad mode line"
status=$("$P" "$LAB_DIR" status)
grep -q "running pid=" <<<"$status" || fail "the proxy is not running after a bad control file"
"$P" "$LAB_DIR" delay 0 >/dev/null
read -r st ms < <(attempt)
[ "$st" = 0 ] || fail "connecting after a bad control file failed"
"$P" "$LAB_DIR" delay -5 2>/dev/null && fail "lab/proxy accepted a negative delay"
exit 0
