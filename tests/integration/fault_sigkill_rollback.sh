#!/usr/bin/env bash
# Fault: the console is SIGKILLed in the middle of a rollback, and the
# restart finishes it. AWS refuses the Route 53 swap's UPSERT (a non-retryable
# InvalidChangeBatch, inside the downtime window), so the cutover rolls back;
# the swap's undo UPSERTs the old name and then waits for the change to be
# INSYNC, which the local endpoint is told never to say: the console is
# killed in that wait, with the undo's effect in place, lag-zero, read-only
# and maintenance-on still to undo, and no step "failed" any more. The
# restart (headless, same plan) reads the audit and the actual state, finds
# the rollback half done, and finishes it: the source writable, maintenance
# off, the record naming the source, nothing lost, the audit verifies.
. "$top_srcdir/tests/aws/aws_cutover_test.sh"
aws_lab_start --cdc-delay 0
plan="$LAB_DIR/plan-r53.json"
aws_route53_lab "$plan"
fake_knobs '{"insync_after": 1000000, "fail": {"operation": "ChangeResourceRecordSets", "code": "InvalidChangeBatch", "status": 400, "message": "RRSet with DNS name db.shop.internal. is not permitted", "count": 1}}'
sleep 1.5

out1="$LAB_DIR/run1.out"
cutover_start_bg "$out1" "$plan"
cutover_wait_audit 30 swap rollback-start || { cat "$out1"; fail "the swap's undo never started"; }
sleep 1.5 # the undo's UPSERT is made; it waits for an INSYNC that does not come
kill -KILL "$CUTOVER_PID"
wait "$CUTOVER_PID" 2>/dev/null || true
cat "$out1"
! cutover_audit_has swap rolled-back || fail "the swap's undo finished before the kill: not the moment under test"
cutover_audit_has read-only done || fail "read-only was not done before the kill"
[ "$(sql_source 'SELECT @@global.read_only')" = 1 ] || fail "the source should still be read-only after the kill"
[ -e "$LAB_MAINTENANCE_FLAG" ] || fail "maintenance should still be on after the kill"

fake_knobs '{"insync_after": 1}'
out2="$LAB_DIR/run2.out"
cutover_run "$out2" "$plan" rolled-back
grep -q 'restart: the audit log shows a previous run' "$out2" || fail "the restart did not read the audit log"
grep -q '^rolling back: a rollback was under way before the restart; finishing it' "$out2" ||
    fail "the restart did not say it finishes the rollback"
! grep -q 'swap  rolling-back' "$out2" || fail "the swap was undone twice"
for step in lag-zero read-only maintenance-on; do
    cutover_audit_has "$step" rolled-back || fail "no rolled-back of $step in the audit"
done
record=$(fake_query "[r['values'][0] for r in s['route53']['zones']['$AWS_ZONE'] if r['name'] == 'db.shop.internal.']")
[ "$record" = "['shop-source.lab.internal']" ] || fail "the record is $record, not the source's name"
cutover_assert_settled
