#!/usr/bin/env bash
# Every probe figure arrives within a few seconds on a running lab, with
# real (non-zero) values where the lab produces them, every probe reports
# healthy, nothing is invented for CPU / freeable memory, no password is
# printed, and stopping all probes is quick.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/integration/probes_lib.sh"
lab_start
out="$LAB_DIR/dump.out"
"$PROBE_DUMP" "$LAB_PLAN" 6 >"$out" 2>"$out.err" || fail "probe-dump failed: $(cat "$out.err")"

nonzero="lag.heartbeat_s cdc.source_rows_ps cdc.source_binlog_bps cdc.target_rows_ps
 cdc.target_apply_bps endpoint.dns_ms endpoint.connect_ms endpoint.query_ms
 rds.source.connections rds.target.connections rds.target.write_iops replica.io_running
 replica.sql_running"
present="lag.clock_offset_ms lag.replica_s cdc.backlog_bytes endpoint.loss_pct
 rds.source.read_iops rds.source.write_iops rds.target.read_iops rds.target.replica_lag_s"
for key in $nonzero; do
    v=$(max_of "$out" "$key")
    [ -n "$v" ] || fail "no $key sample in 6 s"
    gt "$v" 0 || fail "$key stayed at $v"
    note "$key max $v (origin $(awk -F'\t' -v k="$key" '$3 == k { print $5; exit }' "$out"))"
done
for key in $present; do
    [ -n "$(max_of "$out" "$key")" ] || fail "no $key sample in 6 s"
done
for key in gtid.source gtid.target; do
    texts "$out" "$key" | grep -qE '^[0-9]+-[0-9]+-[0-9]+' || fail "$key has no GTID position"
done
texts "$out" endpoint.addresses | grep -q '127.0.0.1' || fail "endpoint.addresses lacks 127.0.0.1"
grep -qE $'\tcdc.drain_s\t' "$out" || fail "no cdc.drain_s sample"
grep -qE $'\treplica.error\t' "$out" || fail "no replica.error sample"

# Rates agree: the app writes LAB_RATE rows/s, the target applies as many.
# Averaged over the last 3 samples: with MASTER_DELAY the target applies in
# bursts on whole seconds, so one 1 s sample can catch half a burst.
mean() { awk '{ s += $1; n++ } END { if (n) printf "%.0f\n", s / n }'; }
src=$(samples "$out" cdc.source_rows_ps | tail -n 3 | mean)
tgt=$(samples "$out" cdc.target_rows_ps | tail -n 3 | mean)
gt "$src" $((LAB_RATE / 2)) || fail "source rows/s $src, expected about $LAB_RATE"
gt "$tgt" $((LAB_RATE / 2)) || fail "target rows/s $tgt, expected about $LAB_RATE"
gt $((LAB_RATE * 2)) "$tgt" || fail "target rows/s $tgt is far above the app's $LAB_RATE"

for probe in source target heartbeat heartbeat.write endpoint; do
    awk -F'\t' -v p="$probe" '$2 == "health" && $3 == p { s = $4 } END { exit s != "ok" }' "$out" ||
        fail "probe $probe did not end healthy: $(grep -P "\thealth\t$probe\t" "$out" | tail -n 1)"
done
! grep -qE $'\trds\\.(source|target)\\.(cpu_pct|freeable_memory_mb)\t' "$out" ||
    fail "a CPU / freeable memory figure was posted from server status"
! grep -qF "$LAB_CUTOVER_PASSWORD" "$out" "$out.err" || fail "the password was printed"
ms=$(sed -n 's/.*probes stopped in \([0-9]*\) ms.*/\1/p' "$out.err")
[ -n "$ms" ] && [ "$ms" -lt 3000 ] || fail "stopping the probes took ${ms:-?} ms"
note "probes stopped in $ms ms; $(lines "$out") events in 6 s"
