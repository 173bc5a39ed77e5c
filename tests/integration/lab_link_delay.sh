#!/usr/bin/env bash
# lab/up --link-delay MS: a CDC delay that is not a whole number of seconds,
# on the replication link alone. The target replicates through the link
# proxy (which sits in front of the endpoint proxy), a row reaches the target
# no sooner than the delay and not much later, the console's own path through
# the endpoint does not pay the delay, `lab/proxy DIR --link` changes it
# live, and the plan's thresholds allow for it.
. "$top_srcdir/tests/lib.sh"
lab_start --no-app --cdc-delay 0 --link-delay 350
[ "$LAB_LINK_DELAY_MS" = 350 ] || fail "lab.env says LAB_LINK_DELAY_MS=$LAB_LINK_DELAY_MS"
port=$(mariadb --no-defaults --socket="$LAB_TARGET_SOCKET" -e "SHOW SLAVE STATUS\G" | sed -n 's/^ *Master_Port: //p')
[ "$port" = "$LAB_REPL_PORT" ] && [ "$port" != "$LAB_ENDPOINT_PORT" ] ||
    fail "the target replicates from port $port, not the link proxy's $LAB_REPL_PORT"
"$LAB_BIN/proxy" "$LAB_DIR" --link status | grep -q '^delay_ms=350$' || fail "the link proxy does not report 350 ms"
"$LAB_BIN/proxy" "$LAB_DIR" status | grep -q '^delay_ms=0$' || fail "the endpoint proxy is delayed too"

# How long a row takes to reach the target (polled every 5 ms).
arrival_ms() {
    local id=$1 t0
    t0=$(now_ms)
    sql_source "INSERT INTO shop.orders VALUES ($id, 1, 1, 1, 100, NOW(6))"
    until [ "$(sql_target "SELECT COUNT(*) FROM shop.orders WHERE id = $id")" = 1 ]; do
        [ $(($(now_ms) - t0)) -lt 10000 ] || fail "row $id did not reach the target within 10 s"
        sleep 0.005
    done
    echo $(($(now_ms) - t0))
}
base=$(( $(now_ms) * 1000 ))
for i in 1 2 3; do
    t=$(arrival_ms $((base + i)))
    note "row $i reached the target after $t ms (link delay 350 ms)"
    [ "$t" -ge 340 ] || fail "row arrived after $t ms, before the 350 ms link delay"
done

# The console's path (through the endpoint proxy) is not delayed.
t0=$(now_ms)
mariadb --no-defaults -h127.0.0.1 -P"$LAB_ENDPOINT_PORT" -ucutover -p"$LAB_CUTOVER_PASSWORD" -e "SELECT 1" >/dev/null ||
    fail "cannot query the source through the endpoint"
rtt=$(($(now_ms) - t0))
note "SELECT 1 through the endpoint: $rtt ms (includes the client's start)"
[ "$rtt" -lt 340 ] || fail "a query through the endpoint took $rtt ms: it pays the link delay"

# Changed live.
"$LAB_BIN/proxy" "$LAB_DIR" --link delay 800 >/dev/null
t=$(arrival_ms $((base + 9)))
note "after lab/proxy --link delay 800: $t ms"
[ "$t" -ge 790 ] || fail "row arrived after $t ms with the link delayed 800 ms"

grep -q '"lag_seconds": 6,' "$LAB_PLAN" || fail "the plan's lag threshold does not allow for the link delay"
