#!/usr/bin/env bash
# Fault: AWS keeps failing at the swap of an AWS-backed lab cutover: Secrets
# Manager PutSecretValue answers HTTP 500 seven times in a row. The swap gives
# up after its 5 attempts (inside the downtime window, with the source
# read-only), the cutover rolls back, and the rollback's own PutSecretValue
# (the swap's undo: a 500 may have been applied) meets the last two failures
# and gets through on its third attempt. The secret ends as it began, the
# parameter group and the source are writable again, nothing is lost, the
# audit verifies, and the output says what AWS did in words.
. "$top_srcdir/tests/aws/aws_cutover_test.sh"
aws_lab_start --cdc-delay 0
plan="$LAB_DIR/plan-aws.json"
aws_fault_plan "$plan"
original=$(aws_secret_current)
aws_bridge_start
fake_knobs '{"fail": {"operation": "PutSecretValue", "code": "InternalFailure", "status": 500, "message": "unknown error", "count": 7}}'
sleep 1.5

out="$LAB_DIR/run.out"
cutover_run "$out" "$plan" rolled-back
grep -q 'swap  failed  .*Secrets Manager PutSecretValue: AWS had a server error, and still after every retry (InternalFailure: unknown error) \[HTTP 500, 5 attempts' "$out" ||
    fail "the swap's failure is not said in words with its attempts"
grep -q 'AWS retry: Secrets Manager PutSecretValue: server error (InternalFailure, HTTP 500); attempt 3 of 5' "$out" ||
    fail "the undo's retries are not said"
[ "$(fake_query "s['knobs'].get('fail')")" = None ] || fail "not all 7 failures were met"

current=$(aws_secret_current)
[ "$current" = "$original" ] || fail "the secret is not what it was before the cutover"
[ "$(fake_query "s['rds']['parameter_groups']['shop-source-params']['read_only']['value']")" = 0 ] ||
    fail "the parameter group still says read_only=1"
[ "$(fake_query "s['dms']['tasks'][0]['Status']")" = running ] || fail "the DMS task is not running"
audit=$(cutover_audit)
for step in swap read-only maintenance-on; do
    grep -q "\"step\":\"$step\",\"action\":\"rolled-back\"" "$audit" || fail "no rolled-back of $step in the audit"
done
! grep -qF "$LAB_APP_PASSWORD" "$out" "$audit" "$LAB_SESSION_DIR"/*.session.jsonl ||
    fail "the secret's password reached the output, audit or session"
cutover_assert_settled
