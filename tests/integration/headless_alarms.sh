#!/usr/bin/env bash
# A headless run raises the plan's threshold alarms as the console does: on
# a lab whose target lags (MASTER_DELAY 7 s, the plan's lag threshold 5 s) the
# run is a no-go at pre-flight, and the lag alarm is printed, recorded in the
# session and counted by the report. (The pre-flight waits the threshold for
# the fence and again for a heartbeat, about 10 s; the heartbeat probe's
# first row reaches the target after 7 s, and shows 7 s of lag.)
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/cutover_lib.sh"
[ -x "$CUTOVER" ] || fail "$CUTOVER not built"
lab_start --cdc-delay 7
plan="$LAB_DIR/lagging.json"
cp "$LAB_PLAN" "$plan"
cutover_plan_py "$plan" 'p["thresholds"]["lag_seconds"] = 5'

out="$LAB_DIR/run.out"
status=0
"$CUTOVER" run --headless --yes "$plan" >"$out" 2>&1 || status=$?
cat "$out"
[ "$status" = 1 ] || fail "expected the no-go status 1, got $status"
grep -qE '  lag.heartbeat_s  alarm  lag [0-9.]+ s above 5.00 s' "$out" || fail "the headless run printed no lag alarm"
session=$(ls "$LAB_SESSION_DIR"/*.session.jsonl | head -n 1)
grep -q '"k":"alarm","key":"lag.heartbeat_s"' "$session" || fail "the lag alarm is not in the recording"
"$CUTOVER" report "$session" -o "$LAB_DIR/report.html" 2>"$LAB_DIR/report.err" ||
    fail "report failed: $(cat "$LAB_DIR/report.err")"
grep -q 'Alarms raised</div><div class="v warn">[1-9]' "$LAB_DIR/report.html" ||
    fail "the report counts no alarm raised"
note "$(grep '  lag.heartbeat_s  alarm  ' "$out" | head -n 1)"
