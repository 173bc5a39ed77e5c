# shellcheck shell=bash
# The lab and the local AWS endpoint together (source after tests/lib.sh):
#   aws_lab_start [LAB ARGS]  lab_start, lab/rds (procedures only), fake_start,
#                             the fake's secret naming
#                             the lab's source, and one trap that stops both
#   aws_plan OUT [PY]         the lab's plan with rds_instance, the DMS task and
#                             aws.endpoint_url (on a --cdc dms lab: replication
#                             dms, stopped through the task); PY (Python over
#                             the dict `p`) changes it further
#   aws_dms_bind              the DMS task is the lab's DMS stand-in (done by
#                             aws_lab_start on a --cdc dms lab)
#   aws_bridge_start [ARGS]   tests/aws/lab_bridge.py: the app follows the
#                             secret (or with ARGS an SSM parameter or a
#                             CNAME), the source follows the parameter group
#   aws_fault_plan OUT [PY]   aws_cutover_plan without pre-flight and verify
#                             (the fault and rollback tests are about the
#                             destructive steps), target-health given 3 s
#                             (cutover_hold_source_session fails it: the
#                             failure just before the point of no return,
#                             after the swap, that a rollback undoes)
#   aws_route53_lab OUT       the record db.shop.internal names the source's
#                             host name, OUT is the fault plan swapping it to
#                             the target's, and the bridge follows the CNAME
#   aws_ssm_lab OUT [FROM]    the parameter /shop/db/host names the source's
#                             host name, OUT is the fault plan swapping it to
#                             the target's (with swap.from FROM when given),
#                             and the bridge follows the parameter
#   aws_secret_current        the secret's AWSCURRENT SecretString
#   aws_kill_after_swap OUT PLAN
#                             a headless run SIGKILLed once the swap is done,
#                             while target-health waits for an application
#                             session held open on the source (released after)
#   aws_refuse_dms_stop       the next StopReplicationTask is refused
#                             (AccessDenied): the last step fails, past the
#                             point of no return (the run holds)
#   fake_py PY                Python over the state `s`, saved atomically
. "$top_srcdir/tests/aws/fake_lib.sh"
AWS_TASK=arn:aws:dms:us-east-1:123456789012:task:ABCDEFGHIJKLMNOPQRSTUVWXYZ
AWS_SECRET_ID=shop/app/db
AWS_PARAM_GROUP=shop-source-params
AWS_ZONE=Z0123456789ABCDEFGHIJ

aws_lab_cleanup() {
    local status=${1:-$?}
    [ -z "${BRIDGE_PID:-}" ] || kill "$BRIDGE_PID" 2>/dev/null || true
    [ -z "${FAKE_PID:-}" ] || kill "$FAKE_PID" 2>/dev/null || true
    if [ "$status" != 0 ] && [ -n "${FAKE_DIR:-}" ]; then
        echo "local AWS endpoint state kept in $FAKE_DIR" >&2
    else
        rm -rf "${FAKE_DIR:-/nonexistent}"
    fi
    lab_cleanup "$status"
}

fake_py() {
    "$FAKE_PY" - "$FAKE_STATE" "$1" <<'PY'
import json, os, sys
path, code = sys.argv[1], sys.argv[2]
s = json.load(open(path))
exec(code)
tmp = path + ".edit"
json.dump(s, open(tmp, "w"), indent=1)
os.replace(tmp, path)
PY
}

aws_lab_start() {
    lab_start "$@"
    # The plan names RDS instances: the source answers RDS's procedures
    # (binlog retention from mysql.rds_show_configuration). The account keeps
    # its privileges here; tests/integration/rds_rules.sh takes them away.
    "$LAB_BIN/rds" "$LAB_DIR" --retention-hours 24 --keep-privileges >/dev/null ||
        fail "lab/rds failed"
    fake_start
    trap aws_lab_cleanup EXIT
    fake_env
    # The instances' endpoints are the lab's servers (numeric: the lab has
    # no DNS), so the failover sentinel resolves where the source really is.
    fake_py "s['rds']['instances']['shop-source'].update(address='127.0.0.1', port=$LAB_SOURCE_PORT)
s['rds']['instances']['shop-target'].update(address='127.0.0.1', port=$LAB_TARGET_PORT)"
    [ "$LAB_CDC" != dms ] || aws_dms_bind
    fake_py "v = s['secrets']['$AWS_SECRET_ID']['versions'][0]
d = json.loads(v['string']); d.update(host='127.0.0.1', port=$LAB_SOURCE_PORT, password='$LAB_APP_PASSWORD')
v['string'] = json.dumps(d)"
}

# The local endpoint's DMS task becomes the lab's DMS stand-in (a lab made
# with --cdc dms): its status, statistics and metrics are what the CDC process
# does, and stopping the task stops it (tests/aws/dms_lab.py).
aws_dms_bind() {
    fake_py "s['dms'].setdefault('bindings', {})['$AWS_TASK'] = {'lab_dir': '$LAB_DIR', 'cdc': '$LAB_BIN/cdc', 'mappings': '$LAB_CDC_MAPPINGS'}
s['dms']['table_statistics'].pop('$AWS_TASK', None)"
}

aws_plan() {
    local out=$1 extra=${2:-}
    "$FAKE_PY" - "$LAB_PLAN" "$out" "$FAKE_URL" "$AWS_TASK" "$LAB_CDC" "$extra" <<'PY'
import json, sys
src, out, url, task, cdc, extra = sys.argv[1:7]
text = "\n".join(l for l in open(src).read().splitlines() if not l.lstrip().startswith("//"))
p = json.loads(text)
p["source"]["rds_instance"] = "shop-source"
p["target"]["rds_instance"] = "shop-target"
p["aws"] = {"region": "us-east-1", "endpoint_url": url, "dms_task_arn": task}
if cdc == "dms":
    # The field's plan: the DMS task feeds the target and is stopped by the last step.
    p["replication"] = "dms"
    p.pop("stop_replication", None)
exec(extra)
json.dump(p, open(out, "w"), indent=1)
PY
    plan_validate "$out"
}

# aws_cutover_plan OUT [PYTHON]: the plan whose AWS-backed steps the cutover
# tests share: read-only by parameter group, the swap through Secrets
# Manager, the DMS task stopped last; PYTHON edits p further.
aws_cutover_plan() {
    aws_plan "$1" 'p["swap"] = {"method": "aws-secret", "id": "shop/app/db"}
p["read_only"] = {"method": "rds-parameter-group", "parameter_group": "shop-source-params"}
p["stop_replication"] = {"method": "dms"}
'"${2:-}"
}

aws_fault_plan() {
    aws_cutover_plan "$1" 'p["steps"] = [s for s in p["steps"] if s not in ("preflight", "verify")]
p["target_health"]["timeout_ms"] = 3000
'"${2:-}"
}

# The lab has no DNS: the bridge maps the two names to the servers' ports.
aws_bridge_follow() {
    aws_bridge_start "$@" --host "shop-source.lab.internal=127.0.0.1:$LAB_SOURCE_PORT" \
        --host "shop-target.lab.internal=127.0.0.1:$LAB_TARGET_PORT"
}

aws_route53_lab() {
    fake_py "s['route53']['zones']['$AWS_ZONE'][0]['values'] = ['shop-source.lab.internal']"
    aws_fault_plan "$1" 'p["swap"] = {"method": "route53", "id": "'"$AWS_ZONE"'/db.shop.internal", "value": "shop-target.lab.internal"}'
    aws_bridge_follow --route53 "$AWS_ZONE/db.shop.internal"
}

aws_ssm_lab() {
    fake_py "s['ssm']['/shop/db/host'].update(value='shop-source.lab.internal', version=1)"
    aws_fault_plan "$1" 'p["swap"] = {"method": "ssm", "id": "/shop/db/host", "value": "shop-target.lab.internal"}
if "'"${2:-}"'": p["swap"]["from"] = "'"${2:-}"'"'
    aws_bridge_follow --ssm /shop/db/host
}

aws_secret_current() {
    fake_query "[v for v in s['secrets']['$AWS_SECRET_ID']['versions'] if 'AWSCURRENT' in v['stages']][0]['string']"
}

aws_kill_after_swap() {
    local out=$1 plan=$2
    cutover_hold_source_session
    cutover_start_bg "$out" "$plan"
    cutover_wait_audit 30 swap done || { cat "$out"; fail "the swap never got done"; }
    kill -KILL "$CUTOVER_PID"
    wait "$CUTOVER_PID" 2>/dev/null || true
    cat "$out"
    ! cutover_audit_has target-health done ||
        fail "target-health finished before the kill: not the moment under test"
    cutover_release_source_session
}

aws_refuse_dms_stop() {
    fake_knobs '{"fail": {"operation": "StopReplicationTask", "code": "AccessDeniedException", "status": 400, "message": "User: cutover is not authorized to perform: dms:StopReplicationTask", "count": 1}}'
}

aws_bridge_start() {
    "$FAKE_PY" "$top_srcdir/tests/aws/lab_bridge.py" "$FAKE_STATE" "$LAB_APP_CONFIG" \
        "$AWS_SECRET_ID" "$AWS_PARAM_GROUP" "$LAB_SOURCE_SOCKET" "$@" >"$FAKE_DIR/bridge.log" 2>&1 &
    BRIDGE_PID=$!
}
