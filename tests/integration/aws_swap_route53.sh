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

# A record the swap cannot handle: a weighted pair (blue/green) or an
# alias; an UPSERT of a simple CNAME there would be refused by Route 53.
# First without pre-flight (this plan has none): the swap refuses in its
# prepare, before acting, and the rollback completes: the swap has nothing
# to undo (its undo would fail on the same refusal and leave the
# application frozen). Then with pre-flight: a no-go, nothing touched.
changes=$(fake_query "len(s['route53']['changes'])")
fake_py "z = s['route53']['zones']['$AWS_ZONE']
z[:] = [r for r in z if r['name'] != 'db.shop.internal.']
z.append({'name': 'db.shop.internal.', 'type': 'CNAME', 'ttl': 60, 'values': ['shop-source.lab.internal'], 'set_identifier': 'blue', 'weight': 100})
z.append({'name': 'db.shop.internal.', 'type': 'CNAME', 'ttl': 60, 'values': ['shop-target.lab.internal'], 'set_identifier': 'green', 'weight': 0})"
out="$LAB_DIR/run-weighted.out"
"$CUTOVER" run --headless --yes "$plan" >"$out" 2>&1 && fail "a weighted record was swapped"
grep -q 'swap  failed  swap: Route 53 record db.shop.internal. is a weighted CNAME record (SetIdentifier blue)' "$out" ||
    { cat "$out"; fail "the swap does not name the weighted record"; }
grep -q 'swap  rolled-back  nothing to undo: it failed before it acted' "$out" ||
    { cat "$out"; fail "the swap that never acted was undone"; }
grep -q '^summary: cutover failed and was rolled back' "$out" ||
    { cat "$out"; fail "the rollback did not complete"; }
[ "$(fake_query "s['rds']['parameter_groups']['shop-source-params']['read_only']['value']")" = 0 ] ||
    fail "the source was left read-only"
[ ! -e "$LAB_DIR/maintenance.flag" ] || fail "maintenance was left on"

pfplan="$LAB_DIR/plan-r53-preflight.json"
aws_cutover_plan "$pfplan" 'p["swap"] = {"method": "route53", "id": "'"$AWS_ZONE"'/db.shop.internal", "value": "shop-target.lab.internal"}'
fake_py "z = s['route53']['zones']['$AWS_ZONE']
z[:] = [r for r in z if r['name'] != 'db.shop.internal.']
z.append({'name': 'db.shop.internal.', 'type': 'A', 'alias': {'zone': 'Z26RNL4JYFTOTI', 'dns_name': 'shop-nlb-123.elb.us-east-1.amazonaws.com.'}})"
out="$LAB_DIR/run-alias.out"
"$CUTOVER" run --headless --yes "$pfplan" >"$out" 2>&1 && fail "an alias record was swapped"
grep -q 'Route 53 record db.shop.internal. is an alias A record (to shop-nlb-123.elb.us-east-1.amazonaws.com.)' "$out" ||
    { cat "$out"; fail "pre-flight does not name the alias"; }
grep -q '^no-go' "$out" || { cat "$out"; fail "an alias record is not a no-go"; }
[ "$(fake_query "len(s['route53']['changes'])")" = "$changes" ] || fail "a refused record was written"
note "weighted record: the swap refused before acting, rollback completed; alias: a pre-flight no-go; nothing written"
