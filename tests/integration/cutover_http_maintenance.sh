#!/usr/bin/env bash
# Maintenance through a webhook, for real on the lab: tests/ops/ops_api.py
# stands in for the operations API (POST /maintenance {"on": true|false}
# with a bearer token creates or removes the flag the application honours).
# The plan's Authorization header takes the token from the environment
# (${OPS_TOKEN}). The cutover completes with nothing lost; the API saw the
# token on both calls; the token reaches neither the output, the audit nor
# the recording.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/cutover_lib.sh"
[ -x "$CUTOVER" ] || fail "$CUTOVER not built"
lab_start --cdc-delay 0
export LAB_APP_PASSWORD
trap 'st=$?; kill "${OPS_PID:-}" 2>/dev/null || true; lab_cleanup $st' EXIT
ops_api_start
url=$OPS_URL
# http_plan NAME TOKEN_REF: the lab plan with webhook maintenance.
http_plan() {
    local out="$LAB_DIR/$1.json"
    /usr/bin/python3 - "$LAB_PLAN" "$out" "$url" "$2" <<'PY'
import json, sys
src, out, url, token = sys.argv[1:5]
text = "\n".join(l for l in open(src).read().splitlines() if not l.lstrip().startswith("//"))
p = json.loads(text)
p["steps"] = [s for s in p["steps"] if s not in ("preflight", "verify")]
req = lambda on: {"url": url, "method": "POST", "headers": {"Authorization": "Bearer " + token,
                  "Content-Type": "application/json"}, "body": json.dumps({"on": on})}
p["maintenance"] = {"method": "http", "on": req(True), "off": req(False)}
json.dump(p, open(out, "w"), indent=1)
PY
    echo "$out"
}
sleep 1

plan=$(http_plan http-maintenance '${OPS_TOKEN}')
out="$LAB_DIR/run.out"
cutover_run "$out" "$plan" completed
grep -q 'maintenance-on  done  webhook answered HTTP 204' "$out" || fail "maintenance-on did not report the API's answer"
[ "$(grep -c 'POST /maintenance 204' "$LAB_DIR/ops.log")" = 2 ] ||
    fail "the API did not take both calls with the token: $(cat "$LAB_DIR/ops.log")"
grep -q 'on=true' "$LAB_DIR/ops.log" && grep -q 'on=false' "$LAB_DIR/ops.log" || fail "not on, then off"
! grep -qF "$OPS_TOKEN" "$out" "$(cutover_audit)" "$LAB_SESSION_DIR"/*.session.jsonl ||
    fail "the token reached the output, the audit or the recording"
cutover_assert_settled
