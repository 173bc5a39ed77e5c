#!/usr/bin/env bash
# Notifications on the night (plan section "notify"), a lab cutover under the
# application's load with three webhooks: "team" (generic JSON, a bearer
# token from the environment), "chat" (Slack form, its whole URL from the
# environment) and "dead" (accepts and never answers).
#   - check --offline says each webhook resolves; with a variable unset it
#     names it;
#   - the cutover completes, and no step waits for the dead webhook: each
#     step and the downtime window stay far under its 2 s timeout;
#   - team and chat get every step transition, the point of no return, the
#     downtime window and the end, in order, numbered without a gap, exactly
#     the transitions the recording holds;
#   - the dead webhook's losses are counted, logged and recorded
#     (notify.dropped, the tally), and the console still leaves promptly;
#   - the token and the secret URL reach no log, recording or audit record.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/cutover_lib.sh"
[ -x "$CUTOVER" ] || fail "$CUTOVER not built"
lab_start --cdc-delay 0

trap 'st=$?; kill $(cat "$LAB_DIR/receivers.pids" 2>/dev/null) 2>/dev/null || true; lab_cleanup $st' EXIT
HOOK_TOKEN=$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')
export HOOK_TOKEN
webhook_receiver good answer "$HOOK_TOKEN"
webhook_receiver chat answer
webhook_receiver dead hang
CHAT_HOOK_URL="http://127.0.0.1:$(cat "$LAB_DIR/chat.port")/chat/T000/B000/$(od -An -tx1 -N8 /dev/urandom | tr -d ' \n')"
export CHAT_HOOK_URL
secret_path=${CHAT_HOOK_URL##*/}

plan="$LAB_DIR/notify.json"
cp "$LAB_PLAN" "$plan"
cutover_plan_py "$plan" "p['notify'] = {
  'team': {'url': 'http://127.0.0.1:$(cat "$LAB_DIR/good.port")/team', 'headers': {'Authorization': 'Bearer \${HOOK_TOKEN}'}},
  'chat': {'url': '\${CHAT_HOOK_URL}', 'format': 'slack'},
  'dead': {'url': 'http://127.0.0.1:$(cat "$LAB_DIR/dead.port")/dead', 'timeout_ms': 2000, 'retries': 3, 'queue': 4}}"
plan_validate "$plan"

out=$("$CUTOVER" check --offline "$plan" 2>&1) || fail "check --offline failed: $out"
grep -q 'PASS  notify chat .*resolve' <<<"$out" || fail "check --offline does not check the webhooks: $out"
status=0
out=$(env -u CHAT_HOOK_URL "$CUTOVER" check --offline "$plan" 2>&1) || status=$?
[ "$status" = 1 ] && grep -q 'FAIL  notify chat .*CHAT_HOOK_URL is not set' <<<"$out" ||
    fail "an unset webhook variable: exit $status: $out"

sleep 2 # the application writes for a while before the cutover
out="$LAB_DIR/run.out"
t0=$(now_ms)
cutover_run "$out" "$plan" completed
t1=$(now_ms)
cutover_assert_completed

# No step waited for the dead webhook (2 s timeout, 3 retries per message).
note "step timings with a dead webhook:"
sed -n '/^summary:/,$p' "$out" | grep -E '^  [a-z-]+ +done' | while read -r step _ secs _ rest; do
    note "  $step $secs s"
done
sed -n '/^summary:/,$p' "$out" | grep -E '^  [a-z-]+ +done' | grep -vE '^  (preflight|verify) ' |
    awk '$3 > 1.0 { bad = 1; print "slow: " $0 } END { exit bad }' ||
    fail "a step took over 1 s with a webhook that never answers"
window=$(grep -o 'the application can write again after [0-9.]* s' "$out" | tail -n 1 | awk '{print $7}')
note "downtime window $window s"
awk -v w="$window" 'BEGIN { exit !(w < 2.0) }' || fail "the downtime window $window s reaches the dead webhook's timeout"
run_s=$(((t1 - t0) / 1000))
note "the run, close included, took $run_s s (3 s of it at most the queue's drain)"

session=$(ls "$LAB_SESSION_DIR"/*.session.jsonl | head -n 1)
/usr/bin/python3 - "$session" "$LAB_DIR/good.log" "$LAB_DIR/chat.log" <<'PY' || fail "the webhooks were not told what the recording holds"
import json, sys
session, log, chat_log = sys.argv[1:4]
names = ["pending", "waiting", "running", "done", "failed", "skipped", "rolling-back", "rolled-back"]
# The transitions the recording holds, as the notifier says them: a step's
# state once, not its progress; a first "pending" is the plan being shown.
want, last = [], {}
for line in open(session):
    e = json.loads(line)
    if e.get("k") != "step":
        continue
    key, state = e["key"], e.get("s", 0)
    said = last[key] != state if key in last else state != 0
    last[key] = state
    if said:
        want.append((key, names[state]))
def bodies(path, prefix):
    out = []
    for line in open(path):
        where, _, body = line.rstrip("\n").partition(" ")
        if not where.startswith(prefix) or not body.startswith("{"):
            sys.exit(f"unexpected request {line!r}")
        out.append(json.loads(body))
    return out
team, chat = bodies(log, "/team"), bodies(chat_log, "/chat")
seqs = [m["seq"] for m in team]
if seqs != list(range(1, len(team) + 1)):
    sys.exit(f"team: seq not 1..{len(team)} in order: {seqs}")
if any(m["dropped_before"] for m in team):
    sys.exit("team: messages dropped")
got = [(m["key"], m["state"]) for m in team if m["kind"] in ("step", "point", "downtime")]
if got != want:
    sys.exit(f"team got {got}\nrecording {want}")
ends = [m for m in team if m["kind"] == "end"]
last_step = max(i for i, m in enumerate(team) if m["kind"] == "step")
if not ends or ends[0]["state"] != "completed" or team.index(ends[0]) < last_step:
    sys.exit(f"team: no 'completed' end after the last step: {ends}")
if len(chat) != len(team) or not all(list(m) == ["text"] and m["text"].startswith("[lab cutover] ") for m in chat):
    sys.exit(f"chat: {len(chat)} Slack messages for {len(team)}: {chat[:3]}")
print(f"# team and chat told {len(team)} messages each, in order: {len(got)} transitions "
      f"({sum(1 for k, s in got if k == 'point-of-no-return')} point of no return), "
      f"{len(ends)} end, {len(team) - len(got) - len(ends)} decisions/alarms")
PY
held=$(grep -c ' held$' "$LAB_DIR/dead.log" || true)
[ "$held" -ge 1 ] || fail "the dead webhook was never tried"
grep -q '"k":"sample","key":"notify.dropped","v":[1-9]' "$session" || fail "no notify.dropped sample recorded"
tally=$(grep -o 'notifications: team [0-9]* delivered, 0 dropped; chat [0-9]* delivered, 0 dropped; dead 0 delivered, [0-9]* dropped' "$session" | tail -n 1)
[ -n "$tally" ] || fail "no tally recorded: $(grep -o '"x":"notifications:[^"]*"' "$session")"
grep -q 'webhook dead failing' "$session" || fail "the dead webhook's failure was not said"
note "$tally ($held attempts held by the dead webhook)"

# Secrets: neither the token nor the secret part of the chat URL anywhere.
for f in "$LAB_SESSION_DIR"/* "$out"; do
    ! grep -qF -e "$HOOK_TOKEN" -e "$secret_path" "$f" || fail "a webhook secret reached $f"
done
