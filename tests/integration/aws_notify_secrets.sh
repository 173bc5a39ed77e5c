#!/usr/bin/env bash
# Webhook secrets from AWS Secrets Manager (notify.*.secrets) on the lab with
# the local AWS endpoint: the Slack-form webhook's whole URL is a plain-text
# secret, the JSON webhook's bearer token a field of a JSON secret; neither
# is in the environment. The target's password comes from Secrets Manager
# too (an RDS-style secret), which the online check resolves as a run does.
#   - check --offline passes without reading them; the online check reads
#     them (GetSecretValue) and sends nothing; a secret that is not there is
#     named;
#   - a headless cutover tells both webhooks every message, the token
#     accepted by the receiver;
#   - neither value reaches a log, recording or audit record.
. "$top_srcdir/tests/aws/aws_cutover_test.sh"
aws_lab_start --cdc-delay 0
export LAB_APP_PASSWORD

trap 'st=$?; kill $(cat "$LAB_DIR/receivers.pids" 2>/dev/null) 2>/dev/null || true; aws_lab_cleanup $st' EXIT
token=$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')
webhook_receiver team answer "$token"
webhook_receiver chat answer
chat_path="chat/T000/B000/$(od -An -tx1 -N8 /dev/urandom | tr -d ' \n')"
chat_url="http://127.0.0.1:$(cat "$LAB_DIR/chat.port")/$chat_path"
fake_py "s['secrets']['ops/chat-url'] = {'arn': 'arn:aws:secretsmanager:us-east-1:123456789012:secret:ops/chat-url-AbCdEf',
  'versions': [{'id': '00000000-0000-4000-8000-0000000000c1', 'stages': ['AWSCURRENT'], 'string': '$chat_url'}]}
s['secrets']['ops/hooks'] = {'arn': 'arn:aws:secretsmanager:us-east-1:123456789012:secret:ops/hooks-AbCdEf',
  'versions': [{'id': '00000000-0000-4000-8000-0000000000c2', 'stages': ['AWSCURRENT'],
                'string': json.dumps({'token': '$token', 'note': 'ops webhooks'})}]}
s['secrets']['ops/cutover-db'] = {'arn': 'arn:aws:secretsmanager:us-east-1:123456789012:secret:ops/cutover-db-AbCdEf',
  'versions': [{'id': '00000000-0000-4000-8000-0000000000c3', 'stages': ['AWSCURRENT'],
                'string': json.dumps({'engine': 'mariadb', 'host': '127.0.0.1', 'port': $LAB_TARGET_PORT,
                                      'username': 'cutover', 'password': '$LAB_CUTOVER_PASSWORD'})}]}"
unset HOOK_TOKEN CHAT_URL

plan="$LAB_DIR/notify-secrets.json"
aws_plan "$plan" "p['target']['password'] = {'aws_secret': 'ops/cutover-db'}
p['notify'] = {
  'team': {'url': 'http://127.0.0.1:$(cat "$LAB_DIR/team.port")/team',
           'headers': {'Authorization': 'Bearer \${HOOK_TOKEN}'},
           'secrets': {'HOOK_TOKEN': {'aws_secret': 'ops/hooks', 'field': 'token'}}},
  'chat': {'url': '\${CHAT_URL}', 'format': 'slack',
           'secrets': {'CHAT_URL': {'aws_secret': 'arn:aws:secretsmanager:us-east-1:123456789012:secret:ops/chat-url-AbCdEf'}}}}"

out=$("$CUTOVER" check --offline "$plan" 2>&1) || fail "check --offline: $out"
grep -q 'PASS  notify chat .*not read offline' <<<"$out" || fail "check --offline on webhook secrets: $out"
out=$("$CUTOVER" check "$plan" 2>&1) || fail "the online check with webhook secrets: $out"
grep -q 'PASS  target connection  connected as cutover' <<<"$out" || fail "the target's password from Secrets Manager: $out"
grep -q 'PASS  notify team .*secrets read (nothing sent)' <<<"$out" || fail "the online check did not read the team's secret: $out"
grep -q 'PASS  notify chat .*secrets read (nothing sent)' <<<"$out" || fail "the online check did not read the chat's secret: $out"
[ ! -s "$LAB_DIR/team.log" ] && [ ! -s "$LAB_DIR/chat.log" ] || fail "the check sent something to a webhook"
note "check --offline passes without reading the secrets; the online check reads them and sends nothing"

fake_py "s['secrets']['ops/hooks-moved'] = s['secrets'].pop('ops/hooks')"
status=0
out=$("$CUTOVER" check "$plan" 2>&1) || status=$?
[ "$status" = 1 ] && grep -q "FAIL  notify team .*HOOK_TOKEN.*secret ops/hooks" <<<"$out" ||
    fail "a webhook secret that is not there: exit $status: $out"
fake_py "s['secrets']['ops/hooks'] = s['secrets'].pop('ops/hooks-moved')"
note "a secret that is not there: $(grep -o 'FAIL  notify team.*' <<<"$out" | cut -c1-140)"

sleep 1
out="$LAB_DIR/run.out"
cutover_run "$out" "$plan" completed
cutover_assert_completed
n_team=$(grep -c '^/team {' "$LAB_DIR/team.log" || true)
n_chat=$(grep -c "^/$chat_path {" "$LAB_DIR/chat.log" || true)
! grep -q ' 401$' "$LAB_DIR/team.log" || fail "the team receiver refused the token: $(grep -c ' 401$' "$LAB_DIR/team.log") times"
[ "$n_team" -ge 10 ] && [ "$n_team" = "$n_chat" ] || fail "team told $n_team, chat $n_chat messages"
grep -q '"kind":"end","key":"[^"]*","state":"completed"' "$LAB_DIR/team.log" || fail "the team was not told the end"
note "a headless cutover told team and chat $n_team messages each, the token from the secret accepted"

for f in "$LAB_SESSION_DIR"/* "$out"; do
    ! grep -qF -e "$token" -e "$chat_path" "$f" || fail "a webhook secret reached $f"
done
note "neither secret reached a log, recording or audit record"
