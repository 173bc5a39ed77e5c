#!/usr/bin/env bash
# The console is SIGKILLed right after the AWS-backed swap (the secret now
# names the target), while target-health waits for an application session
# held open on the source. The restart resumes; when target-health fails
# (a session still held there, before the point of no return) it rolls back, and the swap's undo no
# longer has the old secret in memory: it takes the secret's AWSPREVIOUS
# version, having checked that AWSCURRENT is exactly that version with
# host:port changed. The secret ends as it began, byte for byte; the source
# is writable; nothing is lost; the audit verifies.
. "$top_srcdir/tests/aws/aws_cutover_test.sh"
aws_lab_start --cdc-delay 0
plan="$LAB_DIR/plan-aws.json"
aws_fault_plan "$plan"
original=$(aws_secret_current)
aws_bridge_start
sleep 1.5

out1="$LAB_DIR/run1.out"
aws_kill_after_swap "$out1" "$plan"
swapped=$(aws_secret_current)
[ "$swapped" != "$original" ] || fail "the secret was not swapped before the kill"

cutover_hold_source_session
out2="$LAB_DIR/run2.out"
cutover_run "$out2" "$plan" rolled-back
cutover_release_source_session
grep -q 'restart: the audit log shows a previous run' "$out2" || fail "the restart did not read the audit log"
! grep -q 'swap  running' "$out2" || fail "the swap ran again after the restart"
grep -q "swap undo: old value = AWSPREVIOUS [0-9a-f-]* (127.0.0.1:$LAB_SOURCE_PORT): AWSCURRENT is it with only host:port changed" "$out2" ||
    fail "the undo does not say where the old value came from"
grep -q "swap  rolled-back  shop/app/db = 127.0.0.1:$LAB_SOURCE_PORT (read back); old value from AWSPREVIOUS [0-9a-f-]*\$" "$out2" ||
    fail "the swap's undo did not read back the source"

current=$(aws_secret_current)
[ "$current" = "$original" ] || fail "the secret is not what it was before the cutover"
[ "$(fake_query "s['rds']['parameter_groups']['shop-source-params']['read_only']['value']")" = 0 ] ||
    fail "the parameter group still says read_only=1"
! grep -qF "$LAB_APP_PASSWORD" "$out1" "$out2" "$(cutover_audit)" "$LAB_SESSION_DIR"/*.session.jsonl ||
    fail "the secret's password reached the output, audit or session"
cutover_assert_settled
