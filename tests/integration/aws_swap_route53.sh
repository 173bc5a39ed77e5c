#!/usr/bin/env bash
# The connection-string swap through a Route 53 CNAME, end to end on the lab,
# rolled back: the application follows db.shop.internal (the bridge resolves
# the CNAME's value to the lab's ports, as DNS would). The swap UPSERTs the
# record and follows the change to INSYNC; then target-health fails (an
# application session stays on the source: before the point of no return),
# and the rollback UPSERTs the old name back (TTL
# kept), so the application returns to the source with nothing lost, and the
# audit verifies.
. "$top_srcdir/tests/aws/aws_cutover_test.sh"
aws_lab_start --cdc-delay 0
plan="$LAB_DIR/plan-r53.json"
aws_route53_lab "$plan"
sleep 1.5
cutover_hold_source_session

out="$LAB_DIR/run.out"
cutover_run "$out" "$plan" rolled-back
cutover_release_source_session
grep -q "Route 53 change C[0-9A-F]* INSYNC" "$out" || fail "the swap did not follow its change to INSYNC"
grep -q 'swap  rolled-back  .*shop-source.lab.internal' "$out" || fail "the undo did not read back the old name"
record=$(fake_query "[(r['values'][0], r['ttl']) for r in s['route53']['zones']['$AWS_ZONE'] if r['name'] == 'db.shop.internal.']")
[ "$record" = "[('shop-source.lab.internal', 60)]" ] || fail "the record is $record, not the old name with its TTL"
[ "$(fake_query "len(s['route53']['changes'])")" = 2 ] || fail "not exactly two changes (swap and undo)"
grep -q 'Route 53 ChangeResourceRecordSets .*UPSERT CNAME shop-target.lab.internal -> shop-source.lab.internal' "$(cutover_audit)" ||
    fail "the undo's UPSERT is not in the audit"
cutover_assert_settled
