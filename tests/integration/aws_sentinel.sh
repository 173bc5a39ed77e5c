#!/usr/bin/env bash
# The failover sentinel aimed where the seed's risk is: the NLB behind the
# PrivateLink endpoint service forwards to the source instance's private IP,
# which a Multi-AZ failover moves. The local AWS endpoint serves the source
# instance (DescribeDBInstances: its endpoint is the lab's source, a numeric
# address: the lab has no DNS) and the NLB's target group
# (DescribeTargetHealth, plan endpoint.target_group_arn). The test moves the
# instance's address while the console watches:
#   - the alarm appears on screen within one sentinel refresh (5 s) and the
#     console will not arm;
#   - `cutover check` is a no-go that names both addresses;
#   - an armed headless run stops before the freeze: nothing frozen, nothing
#     swapped; once the NLB's target is the instance's new address the same
#     run completes.
. "$top_srcdir/tests/aws/aws_cutover_test.sh"
. "$top_srcdir/tests/tmux.sh"
aws_lab_start --cdc-delay 0
TG=arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/shop-source-nlb/0123456789abcdef
fake_py "s['elbv2']['target_groups']['$TG'] = [{'id': '127.0.0.1', 'port': $LAB_SOURCE_PORT, 'state': 'healthy'}]"
aws_bridge_start
plan="$LAB_DIR/plan-sentinel.json"
aws_fault_plan "$plan" 'p["endpoint"] = {"host": "127.0.0.1", "port": '"$LAB_ENDPOINT_PORT"', "target_group_arn": "'"$TG"'"}'

"$CUTOVER" check "$plan" >"$LAB_DIR/check.out" 2>&1 || { cat "$LAB_DIR/check.out"; fail "check is a no-go before any failover"; }
grep -q 'PASS  failover sentinel .*the instance is at 127.0.0.1, a healthy target of the NLB' "$LAB_DIR/check.out" ||
    { cat "$LAB_DIR/check.out"; fail "check did not compare the instance with the NLB's targets"; }

tmux_start 120 40 "$CUTOVER" --session-dir "$LAB_SESSION_DIR" "$plan"
trap 'st=$?; tmux_stop; aws_lab_cleanup $st' EXIT
tmux_wait_for '127\.0\.0\.1' 15 || fail "the sentinel's address is not on screen"
sleep 1
# A Multi-AZ failover: the instance's endpoint now resolves to another
# address; the NLB still forwards to the old one.
t0=$(now_ms)
fake_py "s['rds']['instances']['shop-source']['address'] = '127.0.0.2'"
tmux_wait_for 'failover sentinel' 8 || fail "no sentinel alarm on screen within 8 s of the failover"
took=$(($(now_ms) - t0))
note "sentinel alarm on screen ${took} ms after the instance moved (sentinel refresh 5000 ms)"
[ "$took" -le 6500 ] || fail "the alarm took ${took} ms: more than one refresh (5 s) and a frame"
tmux_send a
tmux_wait_for 'not armed: failover sentinel' 5 || fail "the console armed with the sentinel's alarm raised"
tmux_stop

status=0
"$CUTOVER" check "$plan" >"$LAB_DIR/check.out" 2>&1 || status=$?
[ "$status" = 1 ] || { cat "$LAB_DIR/check.out"; fail "check exited $status with the NLB's target stale (1 expected)"; }
grep -q 'FAIL  failover sentinel .*the instance is at 127.0.0.2, the NLB forwards to 127.0.0.1:' "$LAB_DIR/check.out" ||
    { cat "$LAB_DIR/check.out"; fail "check did not name both addresses"; }

out="$LAB_DIR/run-stale.out"
cutover_run "$out" "$plan" rolled-back
grep -q 'stopped before the freeze: failover sentinel: the instance is at 127.0.0.2' "$out" ||
    fail "the armed run did not say why it stopped"
[ "$(sql_source 'SELECT @@global.read_only')" = 0 ] || fail "the source was frozen"
[ ! -e "$LAB_MAINTENANCE_FLAG" ] || fail "maintenance was left on"
[ "$(fake_query "len(s['secrets']['shop/app/db']['versions'])")" = 1 ] || fail "the secret was swapped"

# The NLB re-registered at the instance's new address (127.0.0.2 is the
# same loopback host): the run completes.
fake_py "s['elbv2']['target_groups']['$TG'] = [{'id': '127.0.0.2', 'port': $LAB_SOURCE_PORT, 'state': 'healthy'}]"
cutover_run "$LAB_DIR/run.out" "$plan" completed
cutover_assert_settled
