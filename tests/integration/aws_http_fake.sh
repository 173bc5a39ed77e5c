#!/usr/bin/env bash
# Our transport (aws/http, aws/sigv4, aws/credentials) against the local
# endpoint: every protocol answers, bad keys and expiry give clear errors
# that never show the secret, throttling and 5xx back off and recover,
# other errors are not retried, and container/IMDS credentials work.
set -u
: "${top_srcdir:?}" "${top_builddir:?}"
. "$top_srcdir/tests/aws/fake_lib.sh"
call="$top_builddir/tests/aws/aws_call"
if [ ! -x "$call" ]; then
    echo "FAIL: $call was not built"
    exit 1
fi
fake_start
fake_env
export AWS_ENDPOINT_URL="$FAKE_URL"
TASK=arn:aws:dms:us-east-1:123456789012:task:ABCDEFGHIJKLMNOPQRSTUVWXYZ
json() { "$FAKE_PY" -c 'import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1]))' "$1"; }

check "DMS over JSON 1.1" running \
    "$("$call" dms DescribeReplicationTasks "{\"Filters\":[{\"Name\":\"replication-task-arn\",\"Values\":[\"$TASK\"]}],\"WithoutSettings\":true}" 2>/dev/null |
        json 'd["ReplicationTasks"][0]["Status"]')"
now=$(date +%s)
check "CloudWatch over JSON 1.0" "[41.5, 40.0, 38.25]" \
    "$("$call" cloudwatch GetMetricData "{\"StartTime\":$((now - 600)),\"EndTime\":$now,\"MetricDataQueries\":[{\"Id\":\"cpu\",\"ReturnData\":true,\"MetricStat\":{\"Metric\":{\"Namespace\":\"AWS/RDS\",\"MetricName\":\"CPUUtilization\",\"Dimensions\":[{\"Name\":\"DBInstanceIdentifier\",\"Value\":\"shop-source\"}]},\"Period\":60,\"Stat\":\"Average\"}}]}" 2>/dev/null |
        json 'd["MetricDataResults"][0]["Values"]')"
check_contains "RDS over Query/XML" "<ParameterName>read_only</ParameterName><ParameterValue>0</ParameterValue>" \
    "$("$call" rds DescribeDBParameters 'Action=DescribeDBParameters&Version=2014-10-31&DBParameterGroupName=shop-source-params' 2>/dev/null)"
check_contains "Route 53 over REST-XML, with a query string" "<Value>shop-source.abc.us-east-1.rds.amazonaws.com</Value>" \
    "$("$call" route53 GET '/2013-04-01/hostedzone/Z0123456789ABCDEFGHIJ/rrset?name=db.shop.internal.&type=CNAME&maxitems=1' 2>/dev/null)"
# A raw '+' means '+': sent as %2B, the bytes that were signed, so a server
# that form-decodes the query does not read a space (and the signature holds).
"$call" route53 GET '/2013-04-01/hostedzone/Z0123456789ABCDEFGHIJ/rrset?type=CNAME&name=a+b.shop.internal.&maxitems=1' >/dev/null 2>&1
check "a raw + goes on the wire as %2B, signed as sent" \
    "200 /2013-04-01/hostedzone/Z0123456789ABCDEFGHIJ/rrset?maxitems=1&name=a%2Bb.shop.internal.&type=CNAME" \
    "$(fake_query '"%s %s" % (s["calls"][-1]["status"], s["calls"][-1]["path"])')"
check_contains "Route 53 signed for us-east-1 whatever the region" "change not found (NoSuchChange" \
    "$(AWS_REGION=eu-west-1 "$call" route53 GET /2013-04-01/change/nope 2>&1)"

fake_knobs '{"fail": {"code": "InvalidParameterValueException", "status": 400, "message": "The parameter StartTime must be before EndTime", "operation": "GetMetricData", "count": 1}}'
check_contains "CloudWatch JSON: the Query code from x-amzn-query-error, as botocore reads it" \
    "CloudWatch GetMetricData: a parameter value is not valid (InvalidParameterValue: The parameter StartTime" \
    "$("$call" cloudwatch GetMetricData "{\"StartTime\":$now,\"EndTime\":$((now - 600)),\"MetricDataQueries\":[]}" 2>&1)"

# Clear errors, never the secret.
out=$(AWS_SECRET_ACCESS_KEY=wrong-secret-for-test-0001 "$call" ssm GetParameter '{"Name":"/shop/db/host"}' 2>&1)
check_contains "wrong secret: words" "the signature does not match" "$out"
check_contains "wrong secret: code" "InvalidSignatureException" "$out"
check "wrong secret: not retried" 1 "$(echo "$out" | sed -n 's/^attempts=//p')"
check "wrong secret: never printed" 0 "$(echo "$out" | grep -c wrong-secret-for-test-0001)"
out=$(AWS_ACCESS_KEY_ID=AKIAFAKE0000EXPIRED1 AWS_SECRET_ACCESS_KEY=fakeSecretKeyThatHasExpired0000000000003 \
    "$call" ssm GetParameter '{"Name":"/shop/db/host"}' 2>&1)
check_contains "expired credentials" "the credentials have expired (ExpiredTokenException" "$out"
check "expired: resolved once more, then given up" 2 "$(echo "$out" | sed -n 's/^attempts=//p')"
check "expired: secret never printed" 0 "$(echo "$out" | grep -c fakeSecretKeyThatHasExpired)"
check_contains "unknown key" "UnrecognizedClientException" \
    "$(AWS_ACCESS_KEY_ID=AKIANOTKNOWN00000000 "$call" ssm GetParameter '{"Name":"x"}' 2>&1)"
check_contains "unknown secret: not found" "Secrets Manager GetSecretValue: not found (ResourceNotFoundException" \
    "$("$call" secretsmanager GetSecretValue '{"SecretId":"nope"}' 2>&1)"
check_contains "XML error parsed" "DB parameter group not found (DBParameterGroupNotFound" \
    "$("$call" rds DescribeDBParameters 'Action=DescribeDBParameters&Version=2014-10-31&DBParameterGroupName=nope' 2>&1)"

# Throttling and 5xx: retried with backoff, then answered.
fake_knobs '{"throttle": 3}'
out=$("$call" ssm GetParameter '{"Name":"/shop/db/host"}' 2>&1)
check "throttled 3 times: answered on attempt 4" 4 "$(echo "$out" | sed -n 's/^attempts=//p')"
check_contains "throttled: right answer" shop-source "$out"
fake_knobs '{"throttle": 2, "throttle_status": 429}'
check "HTTP 429: retried" 3 "$("$call" ssm GetParameter '{"Name":"/shop/db/host"}' 2>&1 | sed -n 's/^attempts=//p')"
fake_knobs '{"throttle": 2, "throttle_status": 400}'
check "Query-protocol Throttling: retried" 3 \
    "$("$call" rds DescribeDBParameters 'Action=DescribeDBParameters&Version=2014-10-31&DBParameterGroupName=shop-source-params' 2>&1 | sed -n 's/^attempts=//p')"
fake_knobs '{"server_errors": 2}'
check "5xx twice: answered on attempt 3" 3 "$("$call" dms DescribeReplicationTasks '{}' 2>&1 | sed -n 's/^attempts=//p')"
fake_knobs '{"throttle": 10}'
out=$(AWS_CALL_MAX_ATTEMPTS=4 "$call" ssm GetParameter '{"Name":"/shop/db/host"}' 2>&1)
check_contains "throttled throughout: gives up with words" "throttled, and still throttled after every retry" "$out"
check "gave up after the cap" 4 "$(echo "$out" | sed -n 's/^attempts=//p')"
fake_knobs '{"throttle": 0, "fail": {"code": "AccessDeniedException", "status": 400, "message": "User is not authorized", "count": 1}}'
out=$("$call" dms DescribeReplicationTasks '{}' 2>&1)
check_contains "access denied: words" "DMS DescribeReplicationTasks: access denied (AccessDeniedException: User is not authorized)" "$out"
check "access denied: not retried" 1 "$(echo "$out" | sed -n 's/^attempts=//p')"

# A lost connection (TCP reset, no reply) is retried as botocore's standard
# mode retries it, and said; lost throughout, the call gives up with words.
fake_knobs '{"fail": [], "drop": {"operation": "GetParameter", "when": "before", "count": 2}}'
out=$("$call" ssm GetParameter '{"Name":"/shop/db/host"}' 2>&1)
check "reset twice before the call: answered on attempt 3" 3 "$(sed -n 's/^attempts=//p' <<<"$out")"
check_contains "reset: right answer" shop-source "$out"
check_contains "reset: said with its reason" "retry: SSM GetParameter: no reply (" "$out"
check_contains "reset: the attempt counted" "; attempt 3 of 5 in " "$out"
fake_knobs '{"drop": {"operation": "PutParameter", "when": "after", "count": 1}}'
out=$("$call" ssm PutParameter '{"Name":"/shop/db/host","Value":"after-reset","Type":"String","Overwrite":true}' 2>&1)
check "reset after the call: retried once" 2 "$(sed -n 's/^attempts=//p' <<<"$out")"
check "reset after the call: the value is written" after-reset "$(fake_query 's["ssm"]["/shop/db/host"]["value"]')"
check "reset after the call: the fake saw both" 2 \
    "$(fake_query "sum(1 for c in s['calls'] if c['operation'] == 'PutParameter')")"
fake_knobs '{"drop": {"when": "before", "count": 10}}'
out=$(AWS_CALL_MAX_ATTEMPTS=3 "$call" dms DescribeReplicationTasks '{}' 2>&1)
check "reset throughout: gave up after the cap" 3 "$(sed -n 's/^attempts=//p' <<<"$out")"
check_contains "reset throughout: words and attempts" "DMS DescribeReplicationTasks: POST $FAKE_URL/: " "$out"
check_contains "reset throughout: attempts counted" " [3 attempts]" "$out"
fake_knobs '{"drop": []}'
out=$(AWS_ENDPOINT_URL=http://127.0.0.1:9 AWS_CALL_MAX_ATTEMPTS=2 "$call" ssm GetParameter '{"Name":"x"}' 2>&1)
check "connection refused: retried" 2 "$(sed -n 's/^attempts=//p' <<<"$out")"
check_contains "connection refused: said" "retry: SSM GetParameter: no reply (" "$out"
"$call" ssm PutParameter '{"Name":"/shop/db/host","Value":"shop-source.abc.us-east-1.rds.amazonaws.com","Type":"String","Overwrite":true}' >/dev/null 2>&1

# Writes change the stored values.
check "aws/secrets swap read back" "shop-source.abc.us-east-1.rds.amazonaws.com:3306 -> shop-new.example:3307" \
    "$("$call" secret-swap shop/app/db shop-new.example 3307 2>&1 | grep -- '->')"
check "the other fields survive the swap" "app-password-in-secret" \
    "$(fake_query '[__import__("json").loads(v["string"]).get("password","") for v in s["secrets"]["shop/app/db"]["versions"] if "AWSCURRENT" in v["stages"]][0]')"

"$call" secretsmanager PutSecretValue '{"SecretId":"shop/app/db","ClientRequestToken":"11111111-2222-4333-8444-555555555555","SecretString":"{\"host\":\"shop-target\"}"}' >/dev/null 2>&1
check "PutSecretValue stored" '{"host":"shop-target"}' \
    "$(fake_query '[v["string"] for v in s["secrets"]["shop/app/db"]["versions"] if "AWSCURRENT" in v["stages"]][0]')"

# Session token, then container and IMDS credentials from the same server.
check "session token signed" 0 \
    "$(AWS_ACCESS_KEY_ID=ASIAFAKE0000SESSION1 AWS_SECRET_ACCESS_KEY=fakeSecretKeyWithSessionToken00000000002 \
        AWS_SESSION_TOKEN='FakeSessionToken//+=abc' "$call" ssm GetParameter '{"Name":"/shop/db/host"}' >/dev/null 2>&1; echo $?)"
unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY
check "container credentials (FULL_URI + token)" 0 \
    "$(AWS_CONTAINER_CREDENTIALS_FULL_URI="$FAKE_URL/container-credentials" \
        AWS_CONTAINER_AUTHORIZATION_TOKEN='Bearer container-auth-token-xyz' \
        "$call" ssm GetParameter '{"Name":"/shop/db/host"}' >/dev/null 2>&1; echo $?)"
check_contains "container credentials, wrong token" "HTTP 401" \
    "$(AWS_CONTAINER_CREDENTIALS_FULL_URI="$FAKE_URL/container-credentials" \
        AWS_CONTAINER_AUTHORIZATION_TOKEN='Bearer wrong' "$call" ssm GetParameter '{}' 2>&1)"
check "IMDSv2 credentials" 0 \
    "$(AWS_EC2_METADATA_DISABLED=false AWS_EC2_METADATA_SERVICE_ENDPOINT="$FAKE_URL" \
        "$call" ssm GetParameter '{"Name":"/shop/db/host"}' >/dev/null 2>&1; echo $?)"
check_contains "IMDS disabled: no credentials" "AWS_EC2_METADATA_DISABLED" \
    "$(AWS_EC2_METADATA_SERVICE_ENDPOINT="$FAKE_URL" "$call" ssm GetParameter '{}' 2>&1)"

echo "$failures failure(s)"
[ "$failures" -eq 0 ]
