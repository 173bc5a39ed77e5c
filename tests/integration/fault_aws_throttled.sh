#!/usr/bin/env bash
# Fault: AWS throttles and fails transiently during an AWS-backed lab cutover,
# at three different moments, each within the transport's retry budget (5
# attempts): RDS ModifyDBParameterGroup throttled twice (read-only, the first
# step inside the downtime window), Secrets Manager PutSecretValue throttled
# three times (the swap), DMS StopReplicationTask answering HTTP 500 once (the
# last step); and, from the moment the swap is done, the next 3 calls of any
# kind (the CloudWatch and DMS probes' too) throttled. No single call meets
# more than 4 refusals (3 + the 500), so the cutover completes;
# every retry is said on the output in words; nothing is lost; the audit
# verifies and the fake saw each refused call.
. "$top_srcdir/tests/aws/aws_cutover_test.sh"
aws_lab_start --cdc-delay 0
plan="$LAB_DIR/plan-aws.json"
aws_fault_plan "$plan"
aws_bridge_start
# dms_stopping_polls: the task is "stopping" at the step's first read-back,
# so the step waits its 2 s poll and the knob set at "swap done" lands
# inside the run however slow the machine.
fake_knobs '{"dms_stopping_polls": 3, "fail": [
  {"operation": "ModifyDBParameterGroup", "code": "Throttling", "status": 400, "message": "Rate exceeded", "count": 2},
  {"operation": "PutSecretValue", "code": "ThrottlingException", "status": 400, "message": "Rate exceeded", "count": 3},
  {"operation": "StopReplicationTask", "code": "InternalFailure", "status": 500, "message": "unknown error", "count": 1}]}'
sleep 1.5

out="$LAB_DIR/run.out"
cutover_start_bg "$out" "$plan"
cutover_wait_audit 30 swap done || { cat "$out"; fail "the swap never got done"; }
fake_knobs '{"throttle": 3}'
note "the next 3 AWS calls throttled from the swap's end"
status=0
wait "$CUTOVER_PID" || status=$?
cat "$out"
[ "$status" = 0 ] || fail "exit status $status: the transient AWS faults did not let the cutover complete"
cutover_assert_run "$status" "$out"

said() {
    grep -q "AWS retry: $1" "$out" || fail "no retry message for: $1"
}
said 'RDS ModifyDBParameterGroup: throttled (Throttling, HTTP 400); attempt 2 of 5'
said 'RDS ModifyDBParameterGroup: throttled (Throttling, HTTP 400); attempt 3 of 5'
said 'Secrets Manager PutSecretValue: throttled (ThrottlingException, HTTP 400); attempt 4 of 5'
said 'DMS StopReplicationTask: server error (InternalFailure, HTTP 500); attempt [2-5] of 5'
refused() {
    fake_query "sum(1 for c in s['calls'] if c['operation'] == '$1' and c['status'] >= 400)"
}
[ "$(refused ModifyDBParameterGroup)" -ge 2 ] || fail "the fake did not refuse ModifyDBParameterGroup twice"
[ "$(refused PutSecretValue)" -ge 3 ] || fail "the fake did not refuse PutSecretValue three times"
[ "$(refused StopReplicationTask)" -ge 1 ] || fail "the fake did not refuse StopReplicationTask"
[ "$(fake_query "s['knobs'].get('throttle', 0)")" = 0 ] || fail "the 3 throttled calls were never made"
[ "$(fake_query "s['dms']['tasks'][0]['Status']")" = stopped ] || fail "the DMS task is not stopped"
[ "$(fake_query "len(s['secrets']['shop/app/db']['versions'])")" = 2 ] ||
    fail "not exactly one new secret version (a retried PutSecretValue must not write twice)"
cutover_assert_settled
note "AWS retries said: $(grep -c 'AWS retry: ' "$out")"
