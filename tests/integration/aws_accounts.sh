#!/usr/bin/env bash
# Two accounts and the credential chain (issue 16). The local endpoint's STS
# has a base user in account 123456789012, a source role in 111111111111
# (external id required), a target role in 222222222222, a web-identity role,
# and keys of a third account (333333333333) standing in for stale exported
# keys. Our chain (aws_call whoami) and botocore's own chain
# (botocore_chain.py) read the same config files and must name the same
# account and ARN; the real `aws` CLI reads the STS and SSO replies. SSO
# profiles read the token cache `aws sso login` leaves. Refusals (MFA, an
# expired or refused SSO token, a loop, a distrusted caller, a wrong external
# id) are clear messages,
# and a profile with role settings never falls through to another principal.
# A call with one account's credentials on a resource of the other is
# AccessDenied in the service's own format.
set -u
: "${top_srcdir:?}" "${top_builddir:?}"
. "$top_srcdir/tests/aws/fake_lib.sh"
call="$top_builddir/tests/aws/aws_call"
[ -x "$call" ] || { echo "FAIL: $call was not built"; exit 1; }
fake_start
fake_env
export AWS_ENDPOINT_URL="$FAKE_URL"
SRC_ROLE=arn:aws:iam::111111111111:role/cutover-source
TGT_ROLE=arn:aws:iam::222222222222:role/cutover-target
WEB_ROLE=arn:aws:iam::222222222222:role/ci-web
"$FAKE_PY" - "$FAKE_STATE" <<PY
import json, sys
p = sys.argv[1]
s = json.load(open(p))
s["credentials"]["AKIAFAKE0000CUTOVER1"].update(account="123456789012", arn="arn:aws:iam::123456789012:user/lead")
s["credentials"]["AKIAFAKE0000OTHERAC1"] = {"secret": "fakeSecretKeyOfTheThirdAccount0000000004", "token": None,
                                           "account": "333333333333", "arn": "arn:aws:iam::333333333333:user/stale"}
s["sts"] = {"roles": {
    "$SRC_ROLE": {"trust": ["123456789012"], "external_id": "src-ext-7"},
    "$TGT_ROLE": {"trust": ["arn:aws:iam::123456789012:user/lead"], "max_duration": 7200},
    "$WEB_ROLE": {"web_identity_tokens": ["web-token-1"]},
    "arn:aws:iam::222222222222:role/only-111": {"trust": ["111111111111"]}}}
s["sso"] = {"tokens": {
    "sso-token-corp": {"accounts": {"222222222222": ["Admin"]}, "user": "lead"},
    "sso-token-legacy": {"accounts": {"111111111111": ["Reader"]}, "user": "lead"},
    "sso-token-old": {"accounts": {"222222222222": ["Admin"]}},
    "sso-token-revoked": {"accounts": {"222222222222": ["Admin"]}, "expired": True}}}
s["owners"] = {"ssm//shop/db/host": "222222222222", "route53/Z0123456789ABCDEFGHIJ": "222222222222"}
json.dump(s, open(p, "w"))
PY
dir=$FAKE_DIR
# As a Kubernetes projected token: no newline at the end (botocore sends the
# file as it is; ours trims whitespace, which a JWT never holds).
printf 'web-token-1' >"$dir/token"
cat >"$dir/credentials" <<INI
[base]
aws_access_key_id = AKIAFAKE0000CUTOVER1
aws_secret_access_key = fakeSecretKeyForTheLocalEndpoint000000001
INI
cat >"$dir/config" <<INI
[profile base]
region = us-east-1
[profile source]
role_arn = $SRC_ROLE
source_profile = base
external_id = src-ext-7
role_session_name = cutover-night
[profile target]
role_arn = $TGT_ROLE
source_profile = base
duration_seconds = 7200
[profile chained]
role_arn = $SRC_ROLE
source_profile = target-keys-missing
[profile envsrc]
role_arn = $TGT_ROLE
credential_source = Environment
role_session_name = from-env
[profile web]
role_arn = $WEB_ROLE
web_identity_token_file = $dir/token
role_session_name = ci
[profile mfa]
role_arn = $TGT_ROLE
source_profile = base
mfa_serial = arn:aws:iam::123456789012:mfa/lead
[profile sso]
sso_session = corp
sso_account_id = 222222222222
sso_role_name = Admin
[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
sso_region = us-east-1
sso_registration_scopes = sso:account:access
[profile sso-legacy]
sso_start_url = https://legacy.awsapps.com/start
sso_region = us-east-1
sso_account_id = 111111111111
sso_role_name = Reader
[profile sso-expired]
sso_session = old
sso_account_id = 222222222222
sso_role_name = Admin
[sso-session old]
sso_start_url = https://old.awsapps.com/start
sso_region = us-east-1
[profile sso-revoked]
sso_session = revoked
sso_account_id = 222222222222
sso_role_name = Admin
[sso-session revoked]
sso_start_url = https://revoked.awsapps.com/start
sso_region = us-east-1
[profile sso-never]
sso_session = never
sso_account_id = 222222222222
sso_role_name = Admin
[sso-session never]
sso_start_url = https://never.awsapps.com/start
sso_region = us-east-1
[profile sso-forbidden]
sso_session = corp
sso_account_id = 111111111111
sso_role_name = Admin
[profile sso-nosession]
sso_session = nowhere
sso_account_id = 222222222222
sso_role_name = Admin
[profile sso-partial]
sso_session = corp
sso_account_id = 222222222222
[profile loop1]
role_arn = $TGT_ROLE
source_profile = loop2
[profile loop2]
role_arn = $SRC_ROLE
source_profile = loop1
[profile noext]
role_arn = $SRC_ROLE
source_profile = base
role_session_name = noext
[profile distrusted]
role_arn = arn:aws:iam::222222222222:role/only-111
source_profile = base
[profile regiononly]
region = us-east-1
INI
export AWS_CONFIG_FILE="$dir/config" AWS_SHARED_CREDENTIALS_FILE="$dir/credentials"
# The SSO token cache, as `aws sso login` leaves it: ~/.aws/sso/cache, one
# file per sso-session (sha1 of its name) or legacy start URL (sha1 of it).
export HOME="$dir"
mkdir -p "$dir/.aws/sso/cache"
sso_cache() { # NAME TOKEN EXPIRES_AT START_URL
    local f
    f="$dir/.aws/sso/cache/$(printf '%s' "$1" | sha1sum | cut -d' ' -f1).json"
    printf '{"startUrl": "%s", "region": "us-east-1", "accessToken": "%s", "expiresAt": "%s"}\n' \
        "$4" "$2" "$3" >"$f"
}
later=$(date -u -d '+8 hours' +%Y-%m-%dT%H:%M:%SZ)
sso_cache corp sso-token-corp "$later" https://corp.awsapps.com/start
sso_cache https://legacy.awsapps.com/start sso-token-legacy "$later" https://legacy.awsapps.com/start
sso_cache old sso-token-old "$(date -u -d '-1 hour' +%Y-%m-%dT%H:%M:%SZ)" https://old.awsapps.com/start
sso_cache revoked sso-token-revoked "$later" https://revoked.awsapps.com/start
ours() { "$call" whoami "$@" 2>&1; }
theirs() { "$FAKE_PY" "$top_srcdir/tests/aws/botocore_chain.py" "$FAKE_URL" "$@" 2>&1; }
agree() { # NAME EXPECTED PROFILE
    local o t
    o=$(ours "$3")
    t=$(theirs "$3")
    check "$1 (ours)" "$2" "$o"
    check "$1 (botocore's chain)" "$2" "$t"
}

agree "AssumeRole with source_profile, external_id, session name" \
    "111111111111 arn:aws:sts::111111111111:assumed-role/cutover-source/cutover-night" source
out=$(ours target)
check_contains "AssumeRole for the target account" "222222222222 arn:aws:sts::222222222222:assumed-role/cutover-target/" "$out"
check_contains "botocore agrees on the target account" "222222222222 arn:aws:sts::222222222222:assumed-role/cutover-target/" "$(theirs target)"
check "duration_seconds asked for" "7200" \
    "$(fake_query 'round(max(c["expires"] for c in s["credentials"].values() if c.get("arn","").find("cutover-target")>0) - __import__("time").time(), -2)' | cut -d. -f1)"

# Stale keys for another account in the environment: a named profile is
# what the lead asked for, and the environment does not change it.
export AWS_ACCESS_KEY_ID=AKIAFAKE0000OTHERAC1 AWS_SECRET_ACCESS_KEY=fakeSecretKeyOfTheThirdAccount0000000004
agree "stale environment keys do not change a named profile's account" \
    "111111111111 arn:aws:sts::111111111111:assumed-role/cutover-source/cutover-night" source
agree "with no profile named, the environment's keys are used" \
    "333333333333 arn:aws:iam::333333333333:user/stale" -
check "AWS_PROFILE (not named by the plan) still loses to the environment's keys, as in botocore" \
    "$(AWS_PROFILE=source theirs -)" "$(AWS_PROFILE=source ours -)"
export AWS_ACCESS_KEY_ID=AKIAFAKE0000CUTOVER1 AWS_SECRET_ACCESS_KEY=fakeSecretKeyForTheLocalEndpoint000000001
agree "credential_source = Environment" \
    "222222222222 arn:aws:sts::222222222222:assumed-role/cutover-target/from-env" envsrc
agree "web_identity_token_file (AssumeRoleWithWebIdentity, unsigned)" \
    "222222222222 arn:aws:sts::222222222222:assumed-role/ci-web/ci" web
check "the plan's own role for a side, assumed with the chain's keys" \
    "111111111111 arn:aws:sts::111111111111:assumed-role/cutover-source/" \
    "$(ours - "$SRC_ROLE" src-ext-7 | sed 's/cutover-[0-9]*$//')"
(
    failures=0
    unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY
    export AWS_ROLE_ARN=$WEB_ROLE AWS_WEB_IDENTITY_TOKEN_FILE="$dir/token" AWS_ROLE_SESSION_NAME=pod
    check "AWS_ROLE_ARN with AWS_WEB_IDENTITY_TOKEN_FILE" \
        "222222222222 arn:aws:sts::222222222222:assumed-role/ci-web/pod" "$(ours -)"
    exit $failures
) || failures=$((failures + 1))

# Refusals: clear, and never another principal.
check_contains "MFA refused" "asks for an MFA code (mfa_serial)" "$(ours mfa)"
# SSO: the token `aws sso login` cached, traded for the role's keys.
agree "SSO profile through an sso-session (GetRoleCredentials with the cached token)" \
    "222222222222 arn:aws:sts::222222222222:assumed-role/AWSReservedSSO_Admin_0123456789abcdef/lead" sso
agree "legacy SSO profile (sso_start_url in the profile)" \
    "111111111111 arn:aws:sts::111111111111:assumed-role/AWSReservedSSO_Reader_0123456789abcdef/lead" sso-legacy
out=$(ours sso-expired)
check_contains "an expired SSO token: said, with the way out" "the SSO token of session old expired at" "$out"
check_contains "an expired SSO token: aws sso login named" "run aws sso login --profile sso-expired" "$out"
check_contains "botocore refuses the expired token too" "error:" "$(theirs sso-expired)"
check "an expired token is not even sent" 0 \
    "$(fake_query 'sum(1 for c in s["calls"] if c["operation"] == "GetRoleCredentials" and c["code"])')"
out=$(ours sso-revoked)
check_contains "a token the portal refuses: said" "the SSO token was refused" "$out"
check_contains "a token the portal refuses: the portal's code" "UnauthorizedException" "$out"
check_contains "a token the portal refuses: aws sso login named" "aws sso login --profile sso-revoked" "$out"
check_contains "botocore reads the refusal as an unauthorized SSO token" "UnauthorizedSSOToken" "$(theirs sso-revoked)"
check_contains "never logged in: the cache file is named" "no usable SSO token ($dir/.aws/sso/cache/" "$(ours sso-never)"
check_contains "a role the user has no access to" "ForbiddenException" "$(ours sso-forbidden)"
check_contains "an sso_session without its section" 'has no [sso-session nowhere] section' "$(ours sso-nosession)"
check_contains "an SSO profile missing a setting" 'is an SSO profile but is missing sso_role_name' "$(ours sso-partial)"
check "no SSO token in any message" 0 \
    "$(for p in sso-expired sso-revoked sso-never sso-forbidden; do ours $p; done | grep -c 'sso-token-')"
check_contains "source_profile loop" "goes round in a loop" "$(ours loop1)"
check_contains "missing source_profile" 'its source_profile "target-keys-missing" does not exist' "$(ours chained)"
out=$(ours noext)
check_contains "no external id: STS refuses" "AccessDenied" "$out"
check_contains "no external id: the role is named" "$SRC_ROLE" "$out"
check_contains "a role that does not trust the caller" "is not authorized to perform: sts:AssumeRole" "$(ours distrusted)"
check_contains "botocore refuses the distrusted role too" "AccessDenied" "$(theirs distrusted)"
check_contains "a profile with only a region and no keys: no credentials, not the environment's" \
    "no AWS credentials" "$(ours regiononly)"
check "no secret in any message" 0 \
    "$(for p in mfa loop1 chained noext distrusted regiononly; do ours $p; done | grep -c 'fakeSecretKey')"

# Resources belong to accounts.
check_contains "the target account's parameter, read as the source account: AccessDenied" \
    "AccessDeniedException" "$(AWS_PROFILE=source AWS_ACCESS_KEY_ID= AWS_SECRET_ACCESS_KEY= "$call" ssm GetParameter '{"Name":"/shop/db/host"}' 2>&1)"
check_contains "read as the target account: answered" "shop-source" \
    "$(AWS_PROFILE=target AWS_ACCESS_KEY_ID= AWS_SECRET_ACCESS_KEY= "$call" ssm GetParameter '{"Name":"/shop/db/host"}' 2>&1)"

check_contains "the target account's hosted zone, listed as the source account: AccessDenied in Route 53's format" \
    "Route 53 GET: access denied (AccessDenied: User: arn:aws:sts::111111111111:assumed-role/cutover-source/cutover-night is not authorized to perform: route53:ListResourceRecordSets on resource: arn:aws:route53:::hostedzone/Z0123456789ABCDEFGHIJ" \
    "$(AWS_PROFILE=source AWS_ACCESS_KEY_ID= AWS_SECRET_ACCESS_KEY= "$call" route53 GET '/2013-04-01/hostedzone/Z0123456789ABCDEFGHIJ/rrset?maxitems=1' 2>&1)"
check_contains "listed as the target account: answered" "<ResourceRecordSet>" \
    "$(AWS_PROFILE=target AWS_ACCESS_KEY_ID= AWS_SECRET_ACCESS_KEY= "$call" route53 GET '/2013-04-01/hostedzone/Z0123456789ABCDEFGHIJ/rrset?maxitems=1' 2>&1)"

# The real CLI reads the STS replies (it cannot point its own assume-role
# provider at a local endpoint, so the calls are made directly).
if [ -x /usr/bin/aws ]; then
    cli() { /usr/bin/aws --endpoint-url "$FAKE_URL" --output text "$@"; }
    check "aws sts get-caller-identity" "123456789012	arn:aws:iam::123456789012:user/lead" \
        "$(AWS_CONFIG_FILE=/dev/null cli sts get-caller-identity --query '[Account,Arn]')"
    keys=$(AWS_CONFIG_FILE=/dev/null cli sts assume-role --role-arn "$SRC_ROLE" --role-session-name cli \
        --external-id src-ext-7 --query 'Credentials.[AccessKeyId,SecretAccessKey,SessionToken]')
    read -r akid secret token <<<"$keys"
    check "aws sts assume-role, then the assumed keys" "111111111111	arn:aws:sts::111111111111:assumed-role/cutover-source/cli" \
        "$(AWS_CONFIG_FILE=/dev/null AWS_ACCESS_KEY_ID=$akid AWS_SECRET_ACCESS_KEY=$secret AWS_SESSION_TOKEN=$token \
            cli sts get-caller-identity --query '[Account,Arn]')"
    check "aws sts assume-role-with-web-identity" "arn:aws:sts::222222222222:assumed-role/ci-web/cli" \
        "$(AWS_CONFIG_FILE=/dev/null cli sts assume-role-with-web-identity --role-arn "$WEB_ROLE" \
            --role-session-name cli --web-identity-token web-token-1 --query 'AssumedRoleUser.Arn')"
    check_contains "aws sts assume-role refused in STS's format" "(AccessDenied) when calling the AssumeRole operation" \
        "$(AWS_CONFIG_FILE=/dev/null cli sts assume-role --role-arn "$SRC_ROLE" --role-session-name cli 2>&1)"
    ssokeys=$(AWS_CONFIG_FILE=/dev/null cli sso get-role-credentials --role-name Admin --account-id 222222222222 \
        --access-token sso-token-corp --query 'roleCredentials.[accessKeyId,secretAccessKey,sessionToken]')
    read -r akid secret token <<<"$ssokeys"
    check "aws sso get-role-credentials, then the role's keys" \
        "222222222222	arn:aws:sts::222222222222:assumed-role/AWSReservedSSO_Admin_0123456789abcdef/lead" \
        "$(AWS_CONFIG_FILE=/dev/null AWS_ACCESS_KEY_ID=$akid AWS_SECRET_ACCESS_KEY=$secret AWS_SESSION_TOKEN=$token \
            cli sts get-caller-identity --query '[Account,Arn]')"
    check_contains "aws sso get-role-credentials refused in the portal's format" \
        "(UnauthorizedException) when calling the GetRoleCredentials operation: Session token not found or invalid" \
        "$(AWS_CONFIG_FILE=/dev/null cli sso get-role-credentials --role-name Admin --account-id 222222222222 \
            --access-token sso-token-revoked 2>&1)"
    check_contains "AccessDenied on Route 53 in the CLI's reading" "(AccessDenied) when calling the ListResourceRecordSets operation" \
        "$(AWS_CONFIG_FILE=/dev/null AWS_ACCESS_KEY_ID=AKIAFAKE0000OTHERAC1 AWS_SECRET_ACCESS_KEY=fakeSecretKeyOfTheThirdAccount0000000004 \
            cli route53 list-resource-record-sets --hosted-zone-id Z0123456789ABCDEFGHIJ 2>&1)"
    check_contains "AccessDenied on SSM in the CLI's reading" "(AccessDeniedException) when calling the GetParameter operation" \
        "$(AWS_CONFIG_FILE=/dev/null AWS_ACCESS_KEY_ID=AKIAFAKE0000OTHERAC1 AWS_SECRET_ACCESS_KEY=fakeSecretKeyOfTheThirdAccount0000000004 \
            cli ssm get-parameter --name /shop/db/host 2>&1)"
else
    echo "FAIL: /usr/bin/aws (awscli) is not installed"
    failures=$((failures + 1))
fi
[ "$failures" -eq 0 ] || { echo "$failures check(s) failed"; exit 1; }
echo "PASS"
