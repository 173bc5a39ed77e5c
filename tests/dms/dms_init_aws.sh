#!/usr/bin/env bash
# `cutover init --dms-task-arn` on the field's topology, against the local
# AWS endpoint's DMS task bound to the lab's DMS stand-in: init reads the
# task (DescribeReplicationTasks) as the pre-flight will, says its status,
# verifies the tables its mappings carry and names the one they leave out;
# the plan validates and `cutover check` says GO. Mappings that leave out
# the fence: init says so in the plan and on stderr, and check says no-go.
# A task that does not exist: said, nothing written.
. "$top_srcdir/tests/aws/aws_cutover_test.sh"
export LAB_TOPOLOGY=dms
aws_lab_start --no-app
export LAB_APP_PASSWORD

lab_cdc_exclude shop unmapped
sql_source "CREATE TABLE shop.unmapped (id INT PRIMARY KEY, v INT); INSERT INTO shop.unmapped VALUES (1, 1)"
"$LAB_BIN/cdc" "$LAB_DIR" wait-applied 60 || fail "CDC did not catch up with shop.unmapped excluded"

plan="$LAB_DIR/init-dms.plan.jsonc"
init() {
    "$CUTOVER" init -o "$plan" --name "lab from init, DMS" --session-dir "$LAB_SESSION_DIR" \
        --source "127.0.0.1:$LAB_ENDPOINT_PORT" --target "127.0.0.1:$LAB_TARGET_PORT" \
        --option-file "$LAB_CUTOVER_CNF" --source-group source --target-group target \
        --dms-task-arn "$AWS_TASK" --aws-region us-east-1 --aws-endpoint-url "$FAKE_URL" "$@"
}
out=$(init 2>&1) || fail "cutover init with the DMS task failed: $out"
echo "$out"
cat "$plan"
grep -qE '// Task [^:]+: running; its mappings carry 4 of the 5 application tables' "$plan" ||
    fail "the task's status and what its mappings carry are not in the plan"
grep -qE '//   shop\.unmapped .*not carried by the DMS task: not verified' "$plan" ||
    fail "the table the task leaves out is not named"
! grep -q 'NOT carried' "$plan" || fail "the heartbeat and fence are carried, but the plan says not"
grep -q '"replication": "dms"' "$plan" || fail "the plan does not say DMS feeds the target"
grep -q 'DMS task .* running, carrying 4 of them' <<<"$out" || fail "init's summary does not give the task: $out"
plan_validate "$plan"
check=$("$CUTOVER" check "$plan" 2>&1) || fail "cutover check on init's DMS plan: $check"
grep -q '^GO$' <<<"$check" || fail "no GO: $check"
grep -q 'not carried by the DMS task: shop.unmapped' <<<"$check" || fail "check does not leave out shop.unmapped: $check"
note "init read the task: $(grep -o 'Task [^;]*; its mappings carry [0-9]* of the [0-9]*' "$plan"); check GO"

# The fence left out of the mappings: said at once, not on the night.
lab_cdc_exclude cutover fence
out=$(init --force 2>&1) || fail "init --force: $out"
grep -q 'NOT the heartbeat and fence tables' <<<"$out" || fail "init did not say the fence is not carried: $out"
grep -q '// NOT carried: cutover.fence' "$plan" || fail "the plan does not name the fence as not carried"
status=0
"$CUTOVER" check "$plan" >/dev/null 2>&1 || status=$?
[ "$status" = 1 ] || fail "check on mappings without the fence exited $status (1: no-go)"
note "mappings without the fence: init names it, check says no-go"

# A task that is not there: said, and nothing written.
rm -f "$plan"
status=0
out=$(init --dms-task-arn "${AWS_TASK%:*}:NOSUCHTASK" 2>&1) || status=$?
[ "$status" = 1 ] && grep -q "the DMS task .*NOSUCHTASK" <<<"$out" || fail "an unknown task: exit $status: $out"
[ ! -e "$plan" ] || fail "a plan was written for a task that does not exist"
note "an unknown task is said by its ARN; nothing written"
