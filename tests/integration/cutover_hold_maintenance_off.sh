#!/usr/bin/env bash
# Past the point of no return (issue 15's lab case): maintenance goes through
# the ops API, whose "off" removes the flag and then answers 500. The
# application resumes on the target and writes there; the headless run must
# not roll back (that strands those writes on the target): it holds and
# exits 4, the source stays read-only, the connection string names the
# target, and every row the application wrote is where it now reads. The
# audit has the point's own record before maintenance-off starts, the
# recording carries it, and `cutover verify` passes. The fault cleared, the
# same command resumes forward: maintenance-off runs again, then
# stop-replication, and the cutover completes with nothing lost.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/cutover_lib.sh"
[ -x "$CUTOVER" ] || fail "$CUTOVER not built"
lab_start --cdc-delay 0
export LAB_APP_PASSWORD
trap 'st=$?; kill "${OPS_PID:-}" 2>/dev/null || true; lab_cleanup $st' EXIT
ops_api_start
sleep 1

plan=$(cutover_http_plan hold-maintenance-off)
touch "$LAB_MAINTENANCE_FLAG.fail-off"
out="$LAB_DIR/run.out"
cutover_run "$out" "$plan" held
grep -q 'maintenance-off  failed  .*500' "$out" || fail "maintenance-off did not fail on the API's 500"
grep -q 'POST /maintenance 500 on=false switched, then failed' "$LAB_DIR/ops.log" ||
    fail "the API did not switch and fail: $(cat "$LAB_DIR/ops.log")"
! grep -q 'rolled-back\|rolling back' "$out" || fail "something was rolled back past the point"
grep -q '^HELD past the point of no return: maintenance-off failed' "$out" || fail "the hold is not said"
audit=$(cutover_audit)
point=$(grep -n '"step":"session","action":"point-of-no-return"' "$audit" | cut -d: -f1)
start=$(grep -n '"step":"maintenance-off","action":"start"' "$audit" | cut -d: -f1)
[ -n "$point" ] && [ "$point" -lt "$start" ] || fail "no point-of-no-return record before maintenance-off's start"
grep -q '"key":"point-of-no-return","v":[0-9]*,"s":3' "$LAB_SESSION_DIR"/*.session.jsonl ||
    fail "the recording does not carry the crossing"
cutover_assert_audit

# The application writes to the target while the run is held.
wait_until 10 app_last_server_is 2 || fail "the application did not resume on the target"
sleep 2
on_target=$(awk '$1 == "ack" && $3 == 2' "$LAB_APP_LOG" | wc -l)
[ "$on_target" -gt 0 ] || fail "no write reached the target"
note "the application wrote $on_target row(s) to the target while the run was held"
[ "$(cutover_source_frozen)" = 1 ] || fail "the source was made writable past the point"
cutover_conn_names "$LAB_TARGET_PORT" || fail "the connection string was put back past the point"

# Fixed, run again: forward only.
rm -f "$LAB_MAINTENANCE_FLAG.fail-off"
out2="$LAB_DIR/run2.out"
cutover_run "$out2" "$plan" completed
grep -q 'restart: the audit log shows a previous run: held past the point of no return' "$out2" ||
    fail "the restart did not find the hold"
grep -q 'maintenance-off  done' "$out2" || fail "maintenance-off did not run again"
! grep -q 'maintenance-on  running\|swap  running' "$out2" || fail "a step before the point ran again"
cutover_assert_settled
