#!/usr/bin/env bash
# The AWS cutover of aws_cutover.sh failing at target-health, after the swap
# and before the point of no return (an application session stays on the
# source): headless mode rolls everything back in reverse order. Afterwards the fake's current secret is the original
# SecretString again, byte for byte (a third version), the parameter group and
# the source say read_only=0, the maintenance flag is gone, the application
# writes to the source again without losing an acknowledged write, the DMS
# task still runs, and every undo is in the audit, which verifies.
. "$top_srcdir/tests/aws/aws_cutover_test.sh"
aws_lab_start --cdc-delay 0
plan="$LAB_DIR/plan-aws.json"
aws_fault_plan "$plan"
original=$(aws_secret_current)
aws_bridge_start
sleep 1.5
cutover_hold_source_session

out="$LAB_DIR/run.out"
cutover_run "$out" "$plan" rolled-back
cutover_release_source_session
grep -q 'target-health  failed' "$out" || fail "target-health did not fail"
! grep -q 'point-of-no-return  done' "$out" || fail "the point of no return was crossed"

current=$(aws_secret_current)
[ "$current" = "$original" ] || fail "the secret was not restored: $(echo "$current" | sed 's/"password":"[^"]*"/"password":"…"/')"
[ "$(fake_query "len(s['secrets']['shop/app/db']['versions'])")" = 3 ] || fail "not original + swap + restore versions"
[ "$(fake_query "s['rds']['parameter_groups']['shop-source-params']['read_only']['value']")" = 0 ] ||
    fail "the parameter group still says read_only=1"
[ "$(fake_query "s['dms']['tasks'][0]['Status']")" = running ] || fail "the DMS task is not running"
cutover_assert_rolled_back
audit=$(cutover_audit)
for step in swap read-only maintenance-on; do
    grep -q "\"step\":\"$step\",\"action\":\"rolled-back\"" "$audit" || fail "no rolled-back of $step in the audit"
done
grep -q 'Secrets Manager PutSecretValue shop/app/db: host:port 127.0.0.1:'"$LAB_TARGET_PORT"' -> 127.0.0.1:'"$LAB_SOURCE_PORT" "$audit" ||
    fail "the secret's undo is not described in the audit"
cutover_assert_audit
! grep -qF "$LAB_APP_PASSWORD" "$out" "$audit" "$LAB_SESSION_DIR"/*.session.jsonl ||
    fail "the secret's password reached the output, audit or session"
cutover_assert_no_loss
