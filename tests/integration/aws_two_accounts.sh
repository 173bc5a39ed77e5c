#!/usr/bin/env bash
# The seed's setting: the source in account A (111111111111), the target,
# DMS and the application's secret in account B (222222222222), each reached
# by AssumeRole from one base profile, with stale keys of a third account
# exported in the environment. The local endpoint refuses account A's
# credentials on B's resources and the other way round, so a call made with
# the wrong side's credentials fails the cutover. First a plan that expects
# another target account: pre-flight is a no-go and nothing is touched.
# Then the cutover completes, pre-flight shows both accounts, and each AWS
# write landed in its own account.
. "$top_srcdir/tests/aws/aws_cutover_test.sh"
aws_lab_start --cdc-delay 0
SRC_ROLE=arn:aws:iam::111111111111:role/cutover-source
TGT_ROLE=arn:aws:iam::222222222222:role/cutover-target
fake_py "s['credentials']['AKIAFAKE0000CUTOVER1'].update(account='123456789012', arn='arn:aws:iam::123456789012:user/lead')
s['credentials']['AKIAFAKE0000OTHERAC1'] = {'secret': 'fakeSecretKeyOfTheThirdAccount0000000004', 'token': None, 'account': '333333333333'}
s['sts'] = {'roles': {'$SRC_ROLE': {'trust': ['123456789012'], 'external_id': 'night-42'},
                      '$TGT_ROLE': {'trust': ['123456789012']}}}
s['owners'] = {'rds/shop-source-params': '111111111111', 'rds/shop-source': '111111111111',
               'rds/shop-target': '222222222222', 'secretsmanager/shop/app/db': '222222222222',
               'dms/$AWS_TASK': '222222222222'}"
cat >"$LAB_DIR/aws-credentials" <<INI
[base]
aws_access_key_id = AKIAFAKE0000CUTOVER1
aws_secret_access_key = fakeSecretKeyForTheLocalEndpoint000000001
INI
cat >"$LAB_DIR/aws-config" <<INI
[profile a]
role_arn = $SRC_ROLE
source_profile = base
external_id = night-42
role_session_name = cutover-source
[profile b]
role_arn = $TGT_ROLE
source_profile = base
role_session_name = cutover-target
INI
export AWS_CONFIG_FILE="$LAB_DIR/aws-config" AWS_SHARED_CREDENTIALS_FILE="$LAB_DIR/aws-credentials"
export AWS_ACCESS_KEY_ID=AKIAFAKE0000OTHERAC1 AWS_SECRET_ACCESS_KEY=fakeSecretKeyOfTheThirdAccount0000000004
sides='p["aws"]["source"] = {"profile": "a", "account_id": "111111111111"}
p["aws"]["target"] = {"profile": "b", "account_id": "TARGET"}
p["target_health"]["app_password"] = {"aws_secret": "shop/app/db"}'

plan="$LAB_DIR/plan-wrong-account.json"
aws_cutover_plan "$plan" "${sides/TARGET/999999999999}
p['name'] = 'wrong target account'"
out="$LAB_DIR/run-wrong.out"
status=0
"$CUTOVER" run --headless --yes "$plan" >"$out" 2>&1 || status=$?
cat "$out"
[ "$status" != 0 ] || fail "a plan expecting another target account ran"
grep -q 'FAIL AWS target side .*account 222222222222 (arn:aws:sts::222222222222:assumed-role/cutover-target/cutover-target), but the plan expects account 999999999999' "$out" ||
    fail "pre-flight does not say which account it is and which the plan expects"
grep -q '^no-go' "$out" || fail "no no-go"
[ "$(fake_query "s['rds']['parameter_groups']['shop-source-params']['read_only']['value']")" = 0 ] ||
    fail "the source was made read-only by a no-go"
note "a plan expecting account 999999999999 for the target: no-go, nothing touched"

aws_bridge_start
sleep 2
assumed_before=$(fake_query "sum(1 for c in s['calls'] if c['operation'] == 'AssumeRole')")
plan="$LAB_DIR/plan-two-accounts.json"
aws_cutover_plan "$plan" "${sides/TARGET/222222222222}"
out="$LAB_DIR/run.out"
status=0
"$CUTOVER" run --headless --yes "$plan" >"$out" 2>&1 || status=$?
cat "$out"
[ "$status" = 0 ] || fail "the two-account cutover exited $status"
grep -q '^summary: cutover completed' "$out" || fail "no 'cutover completed' summary"
grep -q 'PASS AWS source side  *account 111111111111 as arn:aws:sts::111111111111:assumed-role/cutover-source/cutover-source (as the plan expects)' "$out" ||
    fail "pre-flight does not show the source account"
grep -q 'PASS AWS target side  *account 222222222222 as arn:aws:sts::222222222222:assumed-role/cutover-target/cutover-target (as the plan expects)' "$out" ||
    fail "pre-flight does not show the target account"
grep -q 'target-health  done  app: write accepted on the target' "$out" ||
    fail "the application's password did not come from account B's secret"
[ "$(fake_query "s['rds']['parameter_groups']['shop-source-params']['read_only']['value']")" = 1 ] ||
    fail "the source's parameter group (account A) is not read-only"
denied=$(fake_query "sum(1 for c in s['calls'] if c['code'].startswith('AccessDenied'))")
[ "$denied" = 0 ] || fail "$denied call(s) were made with the wrong account's credentials"
roles=$(fake_query "sorted({c.get('arn','').split('/')[1] for c in s['credentials'].values() if 'assumed-role' in c.get('arn','')})")
[ "$roles" = "['cutover-source', 'cutover-target']" ] || fail "roles assumed: $roles"
third=$(fake_query "sum(1 for c in s['calls'] if c.get('caller') == 'AKIAFAKE0000OTHERAC1')")
[ "$third" = 0 ] || fail "$third call(s) were signed with the stale environment keys"
note "two accounts: source side in 111111111111, target side in 222222222222, no AccessDenied, stale keys of 333333333333 unused"

# One AssumeRole per account for the whole run: pre-flight's checks, the
# steps, the probes and the password resolver share each side's keys, which
# are resolved and held at a step's start, never inside it.
assumed=$(($(fake_query "sum(1 for c in s['calls'] if c['operation'] == 'AssumeRole')") - assumed_before))
[ "$assumed" = 2 ] || fail "$assumed AssumeRole calls for a two-account run (one per account expected)"
# Every AWS write is audited with the principal that made it and AWS's
# request id (the same call's key in CloudTrail).
audit=$(ls -t "$LAB_SESSION_DIR"/*.audit.jsonl | head -n 1)
grep -q '"step":"read-only","action":"aws","executed":"AWS RDS ModifyDBParameterGroup","result":"by arn:aws:sts::111111111111:assumed-role/cutover-source/cutover-source: HTTP 200, request id [0-9a-f-]\{36\}"' "$audit" ||
    fail "the read-only write is not audited with account A's role and a request id"
grep -q '"step":"swap","action":"aws","executed":"AWS Secrets Manager PutSecretValue","result":"by arn:aws:sts::222222222222:assumed-role/cutover-target/cutover-target: HTTP 200' "$audit" ||
    fail "the swap's write is not audited with account B's role"
ids=$(grep -o '"action":"aws".*request id [0-9a-f-]*' "$audit" | grep -o '[0-9a-f-]\{36\}$' | sort -u)
for id in $ids; do
    [ "$(fake_query "sum(1 for c in s['calls'] if c.get('request_id') == '$id')")" = 1 ] ||
        fail "audited request id $id is not a call the endpoint answered"
done
[ -n "$ids" ] || fail "no request id audited"
note "one AssumeRole per account ($assumed for the run); every AWS write audited with its role's ARN and request id ($(echo "$ids" | wc -l) writes)"
