#!/usr/bin/env bash
# The AWS cutover of aws_cutover.sh with the local endpoint scripted to
# refuse StopReplicationTask, the last step, after the application was let
# through to the target: past the point of no return the run holds (exit
# 4) instead of rolling back. The secret still names the target, the source
# stays read-only, the DMS task still runs, the application writes to the
# target and none of its rows is stranded; the error says what AWS refused,
# in words. Run again, the same command retries the refused step (forward
# only: nothing before the point runs again) and the cutover completes.
. "$top_srcdir/tests/aws/aws_cutover_test.sh"
aws_lab_start --cdc-delay 0
plan="$LAB_DIR/plan-aws.json"
aws_fault_plan "$plan"
original=$(aws_secret_current)
aws_bridge_start
aws_refuse_dms_stop
sleep 1.5

out="$LAB_DIR/run.out"
cutover_run "$out" "$plan" held
grep -q 'stop-replication  failed  DMS StopReplicationTask: access denied (AccessDeniedException' "$out" ||
    fail "the DMS failure is not said in words"
! grep -q 'rolled-back\|rolling back' "$out" || fail "something was rolled back past the point"
[ "$(aws_secret_current)" != "$original" ] || fail "the secret was put back past the point"
[ "$(fake_query "s['rds']['parameter_groups']['shop-source-params']['read_only']['value']")" = 1 ] ||
    fail "the source's parameter group was made writable past the point"
[ "$(fake_query "s['dms']['tasks'][0]['Status']")" = running ] || fail "the DMS task is not running"
wait_until 10 app_last_server_is 2 || fail "the application is not writing to the target"
sleep 1
held=$(awk '$1 == "ack" && $3 == 2' "$LAB_APP_LOG" | wc -l)
note "the application wrote $held row(s) to the target while the run was held"

out2="$LAB_DIR/run2.out"
cutover_run "$out2" "$plan" completed
grep -q 'restart: held past the point of no return; retrying stop-replication' "$out2" ||
    fail "the restart did not retry the held step"
! grep -q 'swap  running\|read-only  running' "$out2" || fail "a step before the point ran again"
[ "$(fake_query "s['dms']['tasks'][0]['Status']")" = stopped ] || fail "the DMS task was not stopped"
! grep -qF "$LAB_APP_PASSWORD" "$out" "$out2" "$(cutover_audit)" "$LAB_SESSION_DIR"/*.session.jsonl ||
    fail "the secret's password reached the output, audit or session"
cutover_assert_settled
