#!/usr/bin/env bash
# The downtime is decided once, by the checklist engine, and everything
# else folds its marks: for a plan without maintenance steps (read-only
# freezes, the swap lets the application write again) the headless summary,
# the audit log, the report and the replayed screen show the same figure to
# the millisecond.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/cutover_lib.sh"
[ -x "$CUTOVER" ] || fail "$CUTOVER not built"
lab_start --cdc-delay 0
plan="$LAB_DIR/no-maintenance.json"
cp "$LAB_PLAN" "$plan"
cutover_plan_py "$plan" 'p["steps"] = ["read-only", "lag-zero", "swap", "stop-replication"]'
sleep 1

out="$LAB_DIR/run.out"
status=0
"$CUTOVER" run --headless --yes "$plan" >"$out" 2>&1 || status=$?
cat "$out"
[ "$status" = 0 ] || fail "the cutover exited $status"
summary=$(grep -o '^  downtime [0-9]*\.[0-9]* s' "$out" | grep -o '[0-9]*\.[0-9]*')
[ -n "$summary" ] || fail "the summary has no downtime"
audit=$(grep -o '"action":"downtime".*can write again after [0-9]*\.[0-9]* s' "$(cutover_audit)" | grep -o '[0-9]*\.[0-9]* s$' | grep -o '[0-9.]*')
session=$(ls "$LAB_SESSION_DIR"/*.session.jsonl | head -n 1)
"$CUTOVER" report "$session" -o "$LAB_DIR/report.html" 2>"$LAB_DIR/report.err" || fail "report failed: $(cat "$LAB_DIR/report.err")"
report=$(grep -o '<div class="k">Downtime</div><div class="v">[0-9]*\.[0-9]*&nbsp;s' "$LAB_DIR/report.html" | grep -o '[0-9]*\.[0-9]*')
t=$(tail -n 1 "$session" | grep -o '"t":[0-9]*' | cut -d: -f2)
at="$(date -u -d "@$((t / 1000))" +%Y-%m-%dT%H:%M:%S).$(printf %03d $((t % 1000)))Z"
screen=$("$CUTOVER" replay --snapshot "$at" --size 120x40 "$session" | grep -o 'Downtime [0-9]*\.[0-9]*s  (ended)' | grep -o '[0-9]*\.[0-9]*')
note "downtime: summary $summary s, audit $audit s, report $report s, screen $screen s"
[ -n "$audit" ] && [ -n "$report" ] && [ -n "$screen" ] || fail "a downtime is missing (audit '$audit', report '$report', screen '$screen')"
[ "$summary" = "$audit" ] && [ "$audit" = "$report" ] && [ "$report" = "$screen" ] ||
    fail "the downtimes differ: summary $summary, audit $audit, report $report, screen $screen"
