#!/usr/bin/env bash
# Fault: connections to AWS killed mid-call during an AWS-backed lab cutover
# (a TCP reset and no reply, as a dying NAT or load balancer gives), at three
# moments and both ways a call can be cut: RDS ModifyDBParameterGroup reset
# twice before AWS carried it out (read-only, the first step inside the
# downtime window); Secrets Manager PutSecretValue reset after AWS stored the
# new version (the swap: its retry carries the same ClientRequestToken, so
# there is still one new version); DMS StopReplicationTask reset after the
# task began to stop (its retry is refused with InvalidResourceStateFault,
# and the step reads the task's status instead of failing). The cutover
# completes; every retry is said in words; the audit verifies.
. "$top_srcdir/tests/aws/aws_cutover_test.sh"
aws_lab_start --cdc-delay 0
plan="$LAB_DIR/plan-aws.json"
aws_fault_plan "$plan"
aws_bridge_start
fake_knobs '{"dms_stopping_polls": 3, "drop": [
  {"operation": "ModifyDBParameterGroup", "when": "before", "count": 2},
  {"operation": "PutSecretValue", "when": "after", "count": 1},
  {"operation": "StopReplicationTask", "when": "after", "count": 1}]}'
sleep 1.5

out="$LAB_DIR/run.out"
cutover_run "$out" "$plan" completed

said() {
    grep -q "$1" "$out" || fail "not said: $1"
}
said 'AWS retry: RDS ModifyDBParameterGroup: no reply (.*); attempt 2 of 5'
said 'AWS retry: RDS ModifyDBParameterGroup: no reply (.*); attempt 3 of 5'
said 'AWS retry: Secrets Manager PutSecretValue: no reply (.*); attempt 2 of 5'
said 'AWS retry: DMS StopReplicationTask: no reply (.*); attempt 2 of 5'
said 'the DMS task is stopp[a-z]*: the request was taken (DMS StopReplicationTask: .*InvalidResourceStateFault'
calls() {
    fake_query "sum(1 for c in s['calls'] if c['operation'] == '$1' and c['code'] == '$2')"
}
[ "$(calls ModifyDBParameterGroup 'reset before the call')" = 2 ] || fail "the fake did not reset ModifyDBParameterGroup twice"
[ "$(calls PutSecretValue 'reset after the call')" = 1 ] || fail "the fake did not reset PutSecretValue"
[ "$(calls StopReplicationTask 'reset after the call')" = 1 ] || fail "the fake did not reset StopReplicationTask"
[ "$(fake_query "len(s['knobs'].get('drop', []))")" = 0 ] || fail "not every scripted reset was met"
[ "$(fake_query "s['dms']['tasks'][0]['Status']")" = stopped ] || fail "the DMS task is not stopped"
[ "$(fake_query "len(s['secrets']['shop/app/db']['versions'])")" = 2 ] ||
    fail "not exactly one new secret version (the retried PutSecretValue must not write twice)"
cutover_assert_settled
note "AWS retries said: $(grep -c 'AWS retry: ' "$out")"
