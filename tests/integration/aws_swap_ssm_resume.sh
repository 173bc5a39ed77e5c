#!/usr/bin/env bash
# The SSM swap's undo after a restart: the plan says what the parameter names
# before the swap (swap.from). The console is SIGKILLed right after the swap,
# while target-health waits; the restart resumes, target-health fails (a
# session still held on the source), and the rollback's undo, with nothing in memory, puts swap.from back. Then
# a plan whose swap.from is wrong is refused before anything is changed.
. "$top_srcdir/tests/aws/aws_cutover_test.sh"
aws_lab_start --cdc-delay 0
KEY=arn:aws:kms:us-east-1:222222222222:key/1f2e3d4c-aaaa-bbbb-cccc-0123456789ab
fake_py "s['ssm']['/shop/db/host'].update(type='SecureString', key_id='$KEY')"
plan="$LAB_DIR/plan-ssm.json"
aws_ssm_lab "$plan" shop-source.lab.internal
sleep 1.5

out1="$LAB_DIR/run1.out"
aws_kill_after_swap "$out1" "$plan"
[ "$(fake_query "s['ssm']['/shop/db/host']['value']")" = shop-target.lab.internal ] ||
    fail "the parameter was not swapped before the kill"

cutover_hold_source_session
out2="$LAB_DIR/run2.out"
cutover_run "$out2" "$plan" rolled-back
cutover_release_source_session
! grep -q 'swap  running' "$out2" || fail "the swap ran again after the restart"
grep -q 'swap  rolled-back  /shop/db/host = shop-source.lab.internal (read back)' "$out2" ||
    fail "the undo did not put swap.from back"
[ "$(fake_query "s['ssm']['/shop/db/host']['value']")" = shop-source.lab.internal ] ||
    fail "the parameter does not name the source"
grep -q 'SSM PutParameter /shop/db/host Overwrite: shop-target.lab.internal -> shop-source.lab.internal' "$(cutover_audit)" ||
    fail "the undo's PutParameter is not in the audit"
[ "$(fake_query "s['ssm']['/shop/db/host']['key_id']")" = "$KEY" ] ||
    fail "the undo after a restart did not keep the SecureString's KMS key"
cutover_assert_settled

# A wrong swap.from: the pre-flight says no-go, and a run without the
# pre-flight stops at the swap before it writes, and rolls back.
"$LAB_BIN/app" "$LAB_DIR" start >/dev/null
wrong="$LAB_DIR/plan-ssm-wrong.json"
aws_fault_plan "$wrong" 'p["name"] = "lab cutover, wrong from"
p["swap"] = {"method": "ssm", "id": "/shop/db/host", "value": "shop-target.lab.internal", "from": "shop-old.lab.internal"}'
sleep 1
status=0
"$CUTOVER" check "$wrong" >"$LAB_DIR/check.out" 2>&1 || status=$?
cat "$LAB_DIR/check.out"
[ "$status" = 1 ] || fail "cutover check exited $status with a wrong swap.from, 1 (no-go) expected"
grep -q "FAIL *swap.from *swap: /shop/db/host names shop-source.lab.internal, not shop-old.lab.internal as the plan's swap.from says" "$LAB_DIR/check.out" ||
    fail "the pre-flight does not say the swap.from is wrong"
out3="$LAB_DIR/run3.out"
status=0
"$CUTOVER" run --headless --yes --session-dir "$LAB_DIR/sessions-wrong" "$wrong" >"$out3" 2>&1 || status=$?
cat "$out3"
[ "$status" = 3 ] || fail "exit status $status with a wrong swap.from, 3 (rolled back) expected"
grep -q "swap  failed  swap: /shop/db/host names shop-source.lab.internal, not shop-old.lab.internal as the plan's swap.from says; is it the right parameter?" "$out3" ||
    fail "the wrong swap.from is not said"
[ "$(fake_query "s['ssm']['/shop/db/host']['version']")" = 3 ] || fail "the parameter was written with a wrong swap.from"
grep -q '^summary: cutover failed and was rolled back' "$out3" || fail "no rollback after the refused swap"
