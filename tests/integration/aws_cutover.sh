#!/usr/bin/env bash
# A headless lab cutover whose AWS parts go through the local AWS endpoint:
# read-only by the source's RDS parameter group (tests/aws/lab_bridge.py
# applies it to the lab's source, as RDS would), the connection-string swap
# through Secrets Manager (the bridge makes the lab application follow the
# secret), the DMS task stopped as the last step, and the pre-flight's DMS
# checks; the application's password for target-health comes from the
# secret (Secret_set_aws_resolver). Afterwards the fake's stored secret names the target's host and
# port with every other field kept, the parameter group and the source say
# read_only=1, the task is stopped, the application writes to the target, and
# the audit verifies and holds no password.
. "$top_srcdir/tests/aws/aws_cutover_test.sh"
aws_lab_start --cdc-delay 0
plan="$LAB_DIR/plan-aws.json"
aws_cutover_plan "$plan" 'p["target_health"]["app_password"] = {"aws_secret": "shop/app/db"}'
aws_bridge_start
sleep 2

out="$LAB_DIR/run.out"
status=0
"$CUTOVER" run --headless --yes "$plan" >"$out" 2>&1 || status=$?
cat "$out"
[ "$status" = 0 ] || fail "cutover run --headless exited $status"
grep -q '^summary: cutover completed' "$out" || fail "no 'cutover completed' summary"
grep -q 'PASS DMS task .*running, full load 100%' "$out" || fail "pre-flight did not check the DMS task"
grep -q 'target-health  done  app: write accepted on the target' "$out" ||
    fail "target-health did not log in with the password from Secrets Manager"

secret=$(fake_query "[v for v in s['secrets']['shop/app/db']['versions'] if 'AWSCURRENT' in v['stages']][0]['string']")
host_port=$("$FAKE_PY" -c 'import json,sys; d=json.loads(sys.argv[1]); print(":".join(str(d[k]) for k in ("host", "port", "username", "dbname", "engine")))' "$secret")
[ "$host_port" = "127.0.0.1:$LAB_TARGET_PORT:app:shop:mysql" ] ||
    fail "the stored secret names $host_port, not the target with the other fields kept"
[ "$(fake_query "len(s['secrets']['shop/app/db']['versions'])")" = 2 ] || fail "not exactly one new secret version"
[ "$(fake_query "s['rds']['parameter_groups']['shop-source-params']['read_only']['value']")" = 1 ] ||
    fail "the parameter group does not say read_only=1"
[ "$(sql_source 'SELECT @@global.read_only')" = 1 ] || fail "the source is not read-only"
[ "$(fake_query "s['dms']['tasks'][0]['Status']")" = stopped ] || fail "the DMS task is not stopped"
cw=$(fake_query "sum(1 for c in s['calls'] if c['operation'] == 'GetMetricData')")
dms=$(fake_query "sum(1 for c in s['calls'] if c['operation'] == 'DescribeReplicationTasks')")
[ "$cw" -ge 1 ] && [ "$dms" -ge 1 ] || fail "the console did not read CloudWatch ($cw) and DMS ($dms)"

audit=$(ls "$LAB_SESSION_DIR"/*.audit.jsonl)
"$CUTOVER" verify "$audit" || fail "cutover verify failed"
grep -q 'Secrets Manager PutSecretValue shop/app/db' "$audit" || fail "the secret swap is not in the audit"
grep -q 'DMS StopReplicationTask' "$audit" || fail "the DMS stop is not in the audit"
grep -q 'ModifyDBParameterGroup shop-source-params' "$audit" || fail "the parameter group change is not in the audit"
! grep -qF "$LAB_APP_PASSWORD" "$out" "$audit" "$LAB_SESSION_DIR"/*.session.jsonl ||
    fail "the secret's password reached the output, audit or session"
# The bridge made the application's file follow the secret: the shared checks apply.
cutover_assert_completed
cutover_assert_no_loss
note "calls to the local AWS endpoint: $(fake_query "len(s['calls'])") ($cw GetMetricData, $dms DescribeReplicationTasks)"
note "$(grep 'read-only  done' "$out" | head -n 1 | sed 's/^ *//')"
