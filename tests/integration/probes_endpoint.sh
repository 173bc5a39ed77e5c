#!/usr/bin/env bash
# The endpoint probe sees the proxy's delay in the SELECT 1 round trip, and a
# blackholed proxy makes it unhealthy within the timeouts while the probes of
# the target keep posting (no thread waits for another).
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/integration/probes_lib.sh"
lab_start
out="$LAB_DIR/dump.out"
dump_start "$out" 60
trap dump_cleanup EXIT

wait_until 5 has_samples "$out" endpoint.query_ms || fail "no endpoint.query_ms within 5 s"
sleep 2
base=$(samples "$out" endpoint.query_ms | sort -g | head -n 1)
note "endpoint.query_ms without delay: min $base ms, max $(max_of "$out" endpoint.query_ms)"

mark=$(lines "$out")
"$LAB_BIN/proxy" "$LAB_DIR" delay 100 >/dev/null
wait_until 5 max_above "$out" endpoint.query_ms "$mark" 150 ||
    fail "endpoint.query_ms did not pass 150 ms with a 100 ms proxy delay (max $(max_of "$out" endpoint.query_ms "$mark"))"
note "endpoint.query_ms with delay 100: $(max_of "$out" endpoint.query_ms "$mark") ms"
"$LAB_BIN/proxy" "$LAB_DIR" delay 0 >/dev/null
sleep 2

mark=$(lines "$out")
"$LAB_BIN/proxy" "$LAB_DIR" blackhole >/dev/null
t0=$(now_ms)
# connect 2 s + read 2 s are the plan's timeouts; a little slack for the round.
wait_until 6 health_after "$out" endpoint "$mark" "error|stale" ||
    fail "endpoint health not error/stale within 6 s of the blackhole"
note "endpoint unhealthy $(($(now_ms) - t0)) ms after the blackhole: $(tail -n +"$mark" "$out" | grep -P '\thealth\tendpoint\t(error|stale)' | head -n 1 | cut -f4,6)"
sleep 3
beats=$(samples "$out" lag.heartbeat_s "$mark" | wc -l)
target=$(samples "$out" rds.target.connections "$mark" | wc -l)
[ "$beats" -ge 12 ] || fail "only $beats heartbeat reads from the target during the blackhole"
[ "$target" -ge 3 ] || fail "only $target target status rounds during the blackhole"
note "during the blackhole: $beats heartbeat reads, $target target rounds, lag grew to $(max_of "$out" lag.heartbeat_s "$mark") s"

mark=$(lines "$out")
"$LAB_BIN/proxy" "$LAB_DIR" pass >/dev/null
wait_until 12 health_after "$out" endpoint "$mark" ok || fail "endpoint health not ok again within 12 s"
