#!/usr/bin/env bash
# A headless run raises the plan's threshold alarms as the console does: on
# a lab whose target lags (MASTER_DELAY 6 s, the plan's lag threshold 2 s) the
# run is a no-go at pre-flight, and the lag alarm is printed, recorded in the
# session and counted by the report.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/cutover_lib.sh"
[ -x "$CUTOVER" ] || fail "$CUTOVER not built"
lab_start --cdc-delay 6
plan="$LAB_DIR/lagging.json"
cp "$LAB_PLAN" "$plan"
cutover_plan_py "$plan" 'p["thresholds"]["lag_seconds"] = 2'
sleep 7 # the heartbeat's rows reach the target 6 s late

out="$LAB_DIR/run.out"
status=0
"$CUTOVER" run --headless --yes "$plan" >"$out" 2>&1 || status=$?
cat "$out"
[ "$status" = 1 ] || fail "expected the no-go status 1, got $status"
grep -qE '  lag  alarm  ' "$out" || fail "the headless run printed no lag alarm"
session=$(ls "$LAB_SESSION_DIR"/*.session.jsonl | head -n 1)
grep -q '"k":"alarm","key":"lag"' "$session" || fail "the lag alarm is not in the recording"
"$CUTOVER" report "$session" -o "$LAB_DIR/report.html" 2>"$LAB_DIR/report.err" ||
    fail "report failed: $(cat "$LAB_DIR/report.err")"
grep -q 'Alarms raised</div><div class="v warn">[1-9]' "$LAB_DIR/report.html" ||
    fail "the report counts no alarm raised"
note "$(grep '  lag  alarm  ' "$out" | head -n 1)"
