#!/usr/bin/env bash
# Past the point of no return, the last step fails: stop-replication's
# command exits 3 after the swap and after maintenance was lifted. The run
# holds (exit 4) instead of rolling back: the application keeps writing to
# the target and not one of its rows is stranded (every acknowledged row is
# on the target it reads from), the source stays read-only. The checklist
# panel of `cutover replay --snapshot` draws the point, crossed.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/cutover_lib.sh"
[ -x "$CUTOVER" ] || fail "$CUTOVER not built"
lab_start --cdc-delay 0
plan=$(cutover_plan hold-stop-replication)
cutover_plan_py "$plan" 'sr = p.get("stop_replication") or {"method": "exec", "start": ["/bin/true"]}
sr["stop"] = ["/bin/sh", "-c", "echo refused >&2; exit 3"]
sr.pop("check", None)
p["stop_replication"] = sr'
sleep 1

out="$LAB_DIR/run.out"
cutover_run "$out" "$plan" held
grep -q 'stop-replication  failed' "$out" || fail "stop-replication did not fail"
grep -q 'point-of-no-return  done  crossed at maintenance-off' "$out" || fail "the crossing is not shown"
! grep -q 'rolled-back\|rolling back' "$out" || fail "something was rolled back past the point"
wait_until 10 app_last_server_is 2 || fail "the application is not writing to the target"
sleep 2
[ "$(cutover_source_frozen)" = 1 ] || fail "the source was made writable past the point"
cutover_conn_names "$LAB_TARGET_PORT" || fail "the connection string was put back past the point"
cutover_assert_audit
on_target=$(awk '$1 == "ack" && $3 == 2' "$LAB_APP_LOG" | wc -l)
cutover_assert_no_loss
note "stranded: 0 of $on_target row(s) the application wrote to the target"

session=$(ls "$LAB_SESSION_DIR"/*.session.jsonl | head -n 1)
# The screen at the recording's last event, after the crossing.
at=$(/usr/bin/python3 -c '
import json, sys, time
crossed, t = False, 0
for line in open(sys.argv[1]):
    e = json.loads(line)
    crossed = crossed or (e.get("key") == "point-of-no-return" and e.get("s") == 3)
    t = max(t, e.get("t", 0))
if crossed:
    print(time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t // 1000)) + ".%03dZ" % (t % 1000))' "$session")
[ -n "$at" ] || fail "the recording has no crossing"
"$CUTOVER" replay --snapshot "$at" --size 140x45 --ascii "$session" >"$LAB_DIR/snap.txt" 2>&1 ||
    fail "replay --snapshot failed: $(cat "$LAB_DIR/snap.txt")"
grep -q -- '-- point of no return -- crossed' "$LAB_DIR/snap.txt" ||
    { cat "$LAB_DIR/snap.txt"; fail "the replayed checklist does not show the point crossed"; }
