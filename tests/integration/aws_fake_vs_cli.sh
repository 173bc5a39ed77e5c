#!/usr/bin/env bash
# Holds the local AWS endpoint to a real client: Debian's `aws` CLI signs
# with botocore and parses the replies. If the fake accepted bad signatures
# or answered in a shape the CLI cannot read, this fails.
set -u
: "${top_srcdir:?}"
. "$top_srcdir/tests/aws/fake_lib.sh"
if [ ! -x /usr/bin/aws ]; then
    echo "SKIP: /usr/bin/aws (awscli) is not installed"
    exit 77
fi
fake_start
fake_env
aws() { /usr/bin/aws --endpoint-url "$FAKE_URL" --output text "$@"; }
TASK=arn:aws:dms:us-east-1:123456789012:task:ABCDEFGHIJKLMNOPQRSTUVWXYZ

# DMS (JSON 1.1)
check "dms describe-replication-tasks status" running \
    "$(aws dms describe-replication-tasks --filters Name=replication-task-arn,Values=$TASK \
        --query 'ReplicationTasks[0].Status')"
check "dms full load progress" 100 \
    "$(aws dms describe-replication-tasks --query 'ReplicationTasks[0].ReplicationTaskStats.FullLoadProgressPercent')"
check "dms describe-table-statistics, paged by 2 (the CLI follows Marker)" "orders	customers	payments" \
    "$(aws dms describe-table-statistics --replication-task-arn $TASK --page-size 2 \
        --query 'TableStatistics[].TableName' | tr '\n' '\t' | sed 's/\t$//')"
out=$(aws dms describe-replication-tasks --filters Name=replication-task-arn,Values=arn:nope 2>&1)
check_contains "dms unknown task" ResourceNotFoundFault "$out"

# Secrets Manager (JSON 1.1)
check_contains "secretsmanager get-secret-value" '"host":"shop-source.abc' \
    "$(aws secretsmanager get-secret-value --secret-id shop/app/db --query SecretString)"
aws secretsmanager put-secret-value --secret-id shop/app/db \
    --secret-string '{"host":"shop-target","port":3306}' >/dev/null
check "secretsmanager put then get" '{"host":"shop-target","port":3306}' \
    "$(aws secretsmanager get-secret-value --secret-id shop/app/db --query SecretString)"
check "the old version became AWSPREVIOUS" "['AWSPREVIOUS']" \
    "$(fake_query 's["secrets"]["shop/app/db"]["versions"][0]["stages"]')"
check_contains "secretsmanager unknown secret" ResourceNotFoundException \
    "$(aws secretsmanager get-secret-value --secret-id nope 2>&1)"

# SSM (JSON 1.1)
check "ssm get-parameter" shop-source.abc.us-east-1.rds.amazonaws.com \
    "$(aws ssm get-parameter --name /shop/db/host --query Parameter.Value)"
check "ssm put-parameter version" 4 \
    "$(aws ssm put-parameter --name /shop/db/host --value shop-target --type String --overwrite --query Version)"
check "ssm value stored" shop-target "$(fake_query 's["ssm"]["/shop/db/host"]["value"]')"
check_contains "ssm unknown parameter" ParameterNotFound "$(aws ssm get-parameter --name /nope 2>&1)"
aws ssm put-parameter --name /shop/secure --value s3cret --type SecureString \
    --key-id alias/shop-app --tier Advanced >/dev/null
check "ssm describe-parameters: a SecureString's key and tier" "SecureString	alias/shop-app	Advanced" \
    "$(aws ssm describe-parameters --parameter-filters Key=Name,Option=Equals,Values=/shop/secure \
        --query 'Parameters[0].[Type,KeyId,Tier]')"
aws ssm put-parameter --name /shop/secure --value changed --overwrite >/dev/null
check "ssm overwrite without --key-id: the default key, as on AWS" "alias/aws/ssm" \
    "$(aws ssm describe-parameters --parameter-filters Key=Name,Option=Equals,Values=/shop/secure --query 'Parameters[0].KeyId')"

# CloudWatch (the CLI's Query form; our client's JSON 1.0 form is in aws_http_fake.sh)
now=$(date -u +%FT%TZ)
start=$(date -u -d '-10 min' +%FT%TZ)
check "cloudwatch get-metric-data values" "41.5	40.0	38.25" \
    "$(aws cloudwatch get-metric-data --start-time "$start" --end-time "$now" --metric-data-queries \
        '[{"Id":"cpu","MetricStat":{"Metric":{"Namespace":"AWS/RDS","MetricName":"CPUUtilization","Dimensions":[{"Name":"DBInstanceIdentifier","Value":"shop-source"}]},"Period":60,"Stat":"Average"}}]' \
        --query 'MetricDataResults[0].Values')"
check "cloudwatch two dimensions" "2.0	3.0	2.0" \
    "$(aws cloudwatch get-metric-data --start-time "$start" --end-time "$now" --metric-data-queries \
        '[{"Id":"lat","MetricStat":{"Metric":{"Namespace":"AWS/DMS","MetricName":"CDCLatencySource","Dimensions":[{"Name":"ReplicationInstanceIdentifier","Value":"repinstance01"},{"Name":"ReplicationTaskIdentifier","Value":"ABCDEFGHIJKLMNOPQRSTUVWXYZ"}]},"Period":60,"Stat":"Average"}}]' \
        --query 'MetricDataResults[0].Values')"

# RDS (Query/XML) and Route 53 (REST-XML)
aws rds modify-db-parameter-group --db-parameter-group-name shop-source-params \
    --parameters ParameterName=read_only,ParameterValue=1,ApplyMethod=immediate >/dev/null
check "rds read_only set" 1 \
    "$(aws rds describe-db-parameters --db-parameter-group-name shop-source-params \
        --query "Parameters[?ParameterName=='read_only'].ParameterValue")"
check "rds describe-db-instances (one)" "shop-source-params in-sync 7 shop-source.abc.us-east-1.rds.amazonaws.com 3306" \
    "$(aws rds describe-db-instances --db-instance-identifier shop-source --output text \
        --query 'DBInstances[0].[DBParameterGroups[0].DBParameterGroupName,DBParameterGroups[0].ParameterApplyStatus,BackupRetentionPeriod,Endpoint.Address,Endpoint.Port]' | tr '\t' ' ')"
fake_knobs '{"rds_page_size": 1}'
check "rds describe-db-instances (all, paged by the CLI)" "reporting-replica shop-source shop-target" \
    "$(aws rds describe-db-instances --output text --query 'DBInstances[].DBInstanceIdentifier' | tr '\t\n' '  ' | sed 's/ *$//')"
fake_knobs '{"rds_page_size": 0}'
check_contains "rds unknown instance" DBInstanceNotFound \
    "$(aws rds describe-db-instances --db-instance-identifier nope 2>&1)"
check_contains "rds unknown group" DBParameterGroupNotFound \
    "$(aws rds describe-db-parameters --db-parameter-group-name nope 2>&1)"
change=$(aws route53 change-resource-record-sets --hosted-zone-id Z0123456789ABCDEFGHIJ --query ChangeInfo.Id \
    --change-batch '{"Changes":[{"Action":"UPSERT","ResourceRecordSet":{"Name":"db.shop.internal","Type":"CNAME","TTL":5,"ResourceRecords":[{"Value":"shop-target.example"}]}}]}')
check "route53 first poll" PENDING "$(aws route53 get-change --id "$change" --query ChangeInfo.Status)"
check "route53 then INSYNC" INSYNC "$(aws route53 get-change --id "$change" --query ChangeInfo.Status)"
"$FAKE_PY" - "$FAKE_STATE" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
z = s["route53"]["zones"]["Z0123456789ABCDEFGHIJ"]
z.append({"name": "w.shop.internal.", "type": "CNAME", "ttl": 5, "values": ["blue.example"], "set_identifier": "blue", "weight": 90})
z.append({"name": "x.shop.internal.", "type": "A", "alias": {"zone": "Z26RNL4JYFTOTI", "dns_name": "nlb.example."}})
json.dump(s, open(sys.argv[1], "w"))
PY
check "route53 a weighted record set, as the CLI reads it" "blue	90	5" \
    "$(aws route53 list-resource-record-sets --hosted-zone-id Z0123456789ABCDEFGHIJ \
        --query 'ResourceRecordSets[?Name==`w.shop.internal.`].[SetIdentifier,Weight,TTL]')"
check "route53 an alias record, as the CLI reads it" "nlb.example.	False" \
    "$(aws route53 list-resource-record-sets --hosted-zone-id Z0123456789ABCDEFGHIJ \
        --query 'ResourceRecordSets[?Name==`x.shop.internal.`].AliasTarget.[DNSName,EvaluateTargetHealth]')"
check "route53 record swapped" "shop-target.example	5" \
    "$(aws route53 list-resource-record-sets --hosted-zone-id Z0123456789ABCDEFGHIJ \
        --query "ResourceRecordSets[?Name=='db.shop.internal.'].[ResourceRecords[0].Value,TTL]")"

# DMS stop, last: the task is stopped afterwards.
check "dms stop-replication-task" stopped \
    "$(aws dms stop-replication-task --replication-task-arn $TASK --query ReplicationTask.Status)"
check_contains "dms stop twice" InvalidResourceStateFault \
    "$(aws dms stop-replication-task --replication-task-arn $TASK 2>&1)"
# The reverse task's start: afresh at a binlog position (the CLI sends
# CdcStartPosition as the console does); a malformed one is refused.
check_contains "dms start at a malformed CdcStartPosition" InvalidParameterValueException \
    "$(aws dms start-replication-task --replication-task-arn $TASK --start-replication-task-type start-replication --cdc-start-position nonsense 2>&1)"
check "dms start-replication-task at a CdcStartPosition" running \
    "$(aws dms start-replication-task --replication-task-arn $TASK --start-replication-task-type start-replication \
        --cdc-start-position mysql-bin-changelog.000024:373 --query ReplicationTask.Status)"

# Signatures are really checked.
check_contains "wrong secret key" InvalidSignatureException \
    "$(AWS_SECRET_ACCESS_KEY=wrong-secret-key-000 aws ssm get-parameter --name /shop/db/host 2>&1)"
check_contains "wrong secret key, Query protocol" SignatureDoesNotMatch \
    "$(AWS_SECRET_ACCESS_KEY=wrong-secret-key-000 aws rds describe-db-parameters --db-parameter-group-name shop-source-params 2>&1)"
check_contains "unknown access key" UnrecognizedClientException \
    "$(AWS_ACCESS_KEY_ID=AKIANOTKNOWN00000000 aws ssm get-parameter --name /shop/db/host 2>&1)"
check_contains "expired credentials" ExpiredTokenException \
    "$(AWS_ACCESS_KEY_ID=AKIAFAKE0000EXPIRED1 AWS_SECRET_ACCESS_KEY=fakeSecretKeyThatHasExpired0000000000003 \
        aws ssm get-parameter --name /shop/db/host 2>&1)"
check "session token accepted" shop-target \
    "$(AWS_ACCESS_KEY_ID=ASIAFAKE0000SESSION1 AWS_SECRET_ACCESS_KEY=fakeSecretKeyWithSessionToken00000000002 \
        AWS_SESSION_TOKEN='FakeSessionToken//+=abc' aws ssm get-parameter --name /shop/db/host --query Parameter.Value)"
check_contains "session token missing" UnrecognizedClientException \
    "$(AWS_ACCESS_KEY_ID=ASIAFAKE0000SESSION1 AWS_SECRET_ACCESS_KEY=fakeSecretKeyWithSessionToken00000000002 \
        aws ssm get-parameter --name /shop/db/host 2>&1)"

# Throttling on demand: the CLI retries through two throttled replies.
fake_knobs '{"throttle": 2}'
check "throttled twice, then answered" shop-target \
    "$(aws ssm get-parameter --name /shop/db/host --query Parameter.Value)"
check "the fake logged the throttles" "['ThrottlingException', 'ThrottlingException', '']" \
    "$(fake_query '[c["code"] for c in s["calls"][-3:]]')"
fake_knobs '{"fail": {"code": "AccessDeniedException", "status": 400, "message": "not allowed", "count": 1}}'
check_contains "scripted failure" AccessDeniedException \
    "$(aws dms describe-replication-tasks 2>&1)"

echo "$failures failure(s)"
[ "$failures" -eq 0 ]
