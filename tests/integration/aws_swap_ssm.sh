#!/usr/bin/env bash
# The connection-string swap through SSM Parameter Store, end to end on the
# lab: the application follows the parameter /shop/db/host (a host name the
# bridge resolves to the lab's ports, as DNS would in the field). The cutover
# completes: the parameter names the target (a new version, read back), the
# application writes to the target with nothing lost, the audit verifies and
# holds the PutParameter.
. "$top_srcdir/tests/aws/aws_cutover_test.sh"
aws_lab_start --cdc-delay 0
# A SecureString under a customer-managed key, as a cross-account
# application needs it: AWS re-encrypts a put without KeyId with the
# default key, which the application's account cannot use.
KEY=arn:aws:kms:us-east-1:222222222222:key/1f2e3d4c-aaaa-bbbb-cccc-0123456789ab
fake_py "s['ssm']['/shop/db/host'].update(type='SecureString', key_id='$KEY', tier='Advanced')"
plan="$LAB_DIR/plan-ssm.json"
aws_ssm_lab "$plan"
sleep 1.5

out="$LAB_DIR/run.out"
cutover_run "$out" "$plan" completed
grep -q 'swap  done  /shop/db/host = shop-target.lab.internal (read back)' "$out" ||
    fail "the swap did not read back the parameter"
[ "$(fake_query "s['ssm']['/shop/db/host']['value']")" = shop-target.lab.internal ] ||
    fail "the parameter does not name the target"
[ "$(fake_query "s['ssm']['/shop/db/host']['version']")" = 2 ] || fail "not exactly one new parameter version"
grep -q 'SSM PutParameter /shop/db/host Overwrite: shop-source.lab.internal -> shop-target.lab.internal' "$(cutover_audit)" ||
    fail "the PutParameter is not in the audit"
[ "$(fake_query "s['ssm']['/shop/db/host']['key_id'], s['ssm']['/shop/db/host']['tier'], s['ssm']['/shop/db/host']['type']")" = "('$KEY', 'Advanced', 'SecureString')" ] ||
    fail "the swap did not keep the parameter's KMS key, tier and type: $(fake_query "s['ssm']['/shop/db/host']")"
cutover_assert_settled
