#!/usr/bin/env bash
# Default endpoints and signing regions against botocore's, for every
# service the console calls, in the commercial, China and GovCloud
# partitions: China's hosts end in amazonaws.com.cn, and Route 53, a global
# service, has its own host and signing region in each partition.
set -u
: "${top_srcdir:?}" "${top_builddir:?}"
call="$top_builddir/tests/aws/aws_call"
[ -x "$call" ] || { echo "FAIL: $call was not built"; exit 1; }
if ! /usr/bin/python3 -c 'import botocore' 2>/dev/null; then
    echo "FAIL: /usr/bin/python3 with python3-botocore is not installed"
    exit 1
fi
unset AWS_ENDPOINT_URL
export AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
pairs=$(for svc in route53 dms rds sts ssm secretsmanager cloudwatch elbv2 sso; do
    for region in us-east-1 eu-west-1 cn-north-1 cn-northwest-1 us-gov-west-1 us-gov-east-1; do
        echo "$svc $region"
    done
done)
theirs=$(/usr/bin/python3 "$top_srcdir/tests/aws/botocore_endpoints.py" <<<"$pairs") || {
    echo "FAIL: botocore_endpoints.py failed"
    exit 1
}
ours=$(while read -r svc region; do "$call" endpoint "$svc" "$region"; done <<<"$pairs")
failures=0
paste -d'|' <(echo "$pairs") <(echo "$ours") <(echo "$theirs") | while IFS='|' read -r pair o t; do
    if [ "$o" = "$t" ]; then echo "ok: $pair: $o"; else echo "FAIL: $pair: ours [$o], botocore's [$t]"; fi
done | tee /dev/stderr | grep -q '^FAIL' && failures=1
n=$(echo "$pairs" | wc -l)
[ "$failures" -eq 0 ] || { echo "endpoints differ from botocore's"; exit 1; }
echo "PASS: $n service/region pairs agree with botocore"
