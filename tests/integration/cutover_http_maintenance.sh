#!/usr/bin/env bash
# Maintenance through a webhook, for real on the lab: tests/ops/ops_api.py
# stands in for the operations API (POST /maintenance {"on": true|false}
# with a bearer token creates or removes the flag the application honours).
# The plan's Authorization header takes the token from the environment
# (${OPS_TOKEN}). The cutover completes with nothing lost; the API saw the
# token on both calls; the token reaches neither the output, the audit nor
# the recording.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/cutover_lib.sh"
[ -x "$CUTOVER" ] || fail "$CUTOVER not built"
lab_start --cdc-delay 0
export LAB_APP_PASSWORD
trap 'st=$?; kill "${OPS_PID:-}" 2>/dev/null || true; lab_cleanup $st' EXIT
ops_api_start
sleep 1

plan=$(cutover_http_plan http-maintenance)
out="$LAB_DIR/run.out"
cutover_run "$out" "$plan" completed
grep -q 'maintenance-on  done  webhook answered HTTP 204' "$out" || fail "maintenance-on did not report the API's answer"
[ "$(grep -c 'POST /maintenance 204' "$LAB_DIR/ops.log")" = 2 ] ||
    fail "the API did not take both calls with the token: $(cat "$LAB_DIR/ops.log")"
grep -q 'on=true' "$LAB_DIR/ops.log" && grep -q 'on=false' "$LAB_DIR/ops.log" || fail "not on, then off"
! grep -qF "$OPS_TOKEN" "$out" "$(cutover_audit)" "$LAB_SESSION_DIR"/*.session.jsonl ||
    fail "the token reached the output, the audit or the recording"
cutover_assert_settled
