#!/usr/bin/env bash
# The field's plan on the field's topology: a target fed by the lab's DMS
# stand-in, bound to the local AWS endpoint's DMS task, with a plan shaped
# like examples/rds.plan.jsonc (DMS task, Secrets Manager swap, webhook
# maintenance with a token from the environment).
#   - cutover check says go: the task runs, its table mappings carry the
#     heartbeat, the fence and every verified table, a fence makes the round
#     trip before the freeze;
#   - the fence table left out of the mappings: no-go naming it;
#   - verify.tables "all" covers the tables the task's mappings carry: a
#     source table the mappings exclude is named as not carried, not
#     verified (and not a false difference);
#   - the DMS panel shows the CDC process's own throughput (CloudWatch
#     figures computed from it); a blackholed endpoint stalls CDC and the lag
#     panel shows it;
#   - the CDC process killed: the task reads failed, check says no-go, and
#     the live console raises the alarm within a refresh and refuses to arm;
#   - restarted, an armed run completes with the fence as proof, the task
#     and the process stopped, nothing lost.
. "$top_srcdir/tests/aws/aws_cutover_test.sh"
. "$top_srcdir/tests/tmux.sh"
export LAB_TOPOLOGY=dms
aws_lab_start --link-delay 200
export LAB_APP_PASSWORD
trap 'st=$?; kill "${OPS_PID:-}" 2>/dev/null || true; tmux_stop 2>/dev/null || true; aws_lab_cleanup $st' EXIT
ops_api_start
url=$OPS_URL
plan="$LAB_DIR/field.json"
aws_cutover_plan "$plan" 'p["read_only"] = {"method": "global"}
req = lambda on: {"url": "'"$url"'", "method": "POST", "headers": {"Authorization": "Bearer ${OPS_TOKEN}",
                  "Content-Type": "application/json"}, "body": json.dumps({"on": on})}
p["maintenance"] = {"method": "http", "on": req(True), "off": req(False)}'
grep -q '"replication": "dms"' "$plan" || fail "the plan does not say the target is fed by DMS"
aws_bridge_start

out="$LAB_DIR/check-go.out"
"$CUTOVER" check "$plan" >"$out" 2>&1 || { cat "$out"; fail "cutover check said no-go on a healthy DMS lab"; }
cat "$out"
grep -q 'PASS  replication *DMS task' "$out" || fail "the pre-flight did not take the target as fed by DMS"
grep -q 'PASS  DMS task .*running' "$out" || fail "the DMS task was not checked running"
grep -q 'PASS  DMS mappings .*carries the heartbeat, the fence' "$out" || fail "the mappings were not checked"
grep -q 'PASS  DMS latency .*CDCLatencyTarget [0-9]* s' "$out" || fail "DMS's own latency (CloudWatch, from the CDC process) was not checked"
rt=$(sed -n 's/.*fence round trip *fence [^ ]* on the target after \([0-9.]*\) ms.*/\1/p' "$out")
[ -n "$rt" ] || fail "no fence round trip before the freeze"
note "fence round trip before the freeze: $rt ms (link delay 200 ms)"

# The fence table left out of the task's mappings: a no-go that names it.
cp "$LAB_CDC_MAPPINGS" "$LAB_DIR/mappings.good"
lab_cdc_exclude cutover fence
out="$LAB_DIR/check-fence.out"
status=0
"$CUTOVER" check "$plan" >"$out" 2>&1 || status=$?
cat "$out"
[ "$status" = 1 ] || fail "cutover check exited $status with the fence outside the mappings (1 expected)"
grep -q 'FAIL  DMS mappings .*do not carry cutover.fence (fence)' "$out" || fail "the no-go does not name the fence table"
"$LAB_BIN/cdc" "$LAB_DIR" stop >/dev/null
cp "$LAB_DIR/mappings.good" "$LAB_CDC_MAPPINGS"
"$LAB_BIN/cdc" "$LAB_DIR" start >/dev/null
"$LAB_BIN/cdc" "$LAB_DIR" wait-applied 120 || fail "CDC did not catch up after the mappings were restored"

# verify.tables "all" on DMS: the tables the task carries. A source table
# its mappings exclude (so the target never has it) is named, not verified.
lab_cdc_exclude shop unmapped
sql_source "CREATE TABLE shop.unmapped (id INT PRIMARY KEY, v INT); INSERT INTO shop.unmapped VALUES (1, 1), (2, 2)"
all_plan="$LAB_DIR/field-all.json"
cp "$plan" "$all_plan"
cutover_plan_py "$all_plan" "p['verify']['tables'] = 'all'"
out="$LAB_DIR/check-all.out"
"$CUTOVER" check "$all_plan" >"$out" 2>&1 || { cat "$out"; fail "cutover check with verify.tables all said no-go"; }
grep -q 'verify tables .*all: [0-9]* table(s) on the source; not carried by the DMS task: shop.unmapped' "$out" ||
    { cat "$out"; fail "\"all\" does not name the table the DMS task does not carry"; }
[ "$(sql_target "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'shop' AND table_name = 'unmapped'")" = 0 ] ||
    fail "the excluded table reached the target: the test proves nothing"
note "all on DMS: $(grep -o 'all: .*' "$out" | head -n 1)"
# The exclusion stays: the table is the source's alone from here on, as a
# table a real task leaves out would be.
"$LAB_BIN/cdc" "$LAB_DIR" wait-applied 120 || fail "CDC did not catch up with the table excluded"

# The CDC process killed: the task fails; the console says so within a
# refresh and will not arm; check is a no-go.
tmux_start 120 40 "$CUTOVER" --session-dir "$LAB_SESSION_DIR" "$plan"
# tmux_start's trap knows only the lab: the ops API and the AWS endpoint too.
trap 'st=$?; kill "${OPS_PID:-}" 2>/dev/null || true; tmux_stop; aws_lab_cleanup $st' EXIT
tmux_wait_for 'running' 20 || fail "the console did not show the DMS task running"
# The DMS panel's CloudWatch figures are what the CDC process did (not the
# local endpoint's scripted 1180/1175), and they move: the current minute's
# average follows the application within a CloudWatch refresh (10 s) or two.
rows_shown() { tmux_capture | grep -o 'Rows/s src [0-9]* tgt [0-9]*' | head -n 1; }
tmux_wait_for 'Rows/s src [1-9][0-9]* tgt [1-9][0-9]*' 30 ||
    { tmux_capture; fail "the DMS panel does not show the CDC process's throughput"; }
first=$(rows_shown)
[ "$first" != "Rows/s src 1180 tgt 1175" ] || fail "the DMS panel shows the scripted figures, not the CDC process's"
moved() { [ "$(rows_shown)" != "$first" ]; }
# At the lab's steady rate the minute's average can read the same integer
# twice: pausing the application (its maintenance flag) makes it fall.
touch "$LAB_MAINTENANCE_FLAG"
wait_until 30 moved || fail "the DMS panel's figures did not change in 30 s ($first)"
rm -f "$LAB_MAINTENANCE_FLAG"
note "DMS panel: $first, then $(rows_shown) (rows/s over the current CloudWatch minute)"
# A blackholed endpoint stalls CDC (it reads the binlog through it): the lag
# panel shows the heartbeat lag growing.
"$LAB_BIN/proxy" "$LAB_DIR" blackhole >/dev/null
tmux_wait_for 'Lag [3-9]\.[0-9]{2} s' 15 || { tmux_capture; fail "a stalled CDC does not show on the lag panel"; }
note "blackholed endpoint: $(tmux_capture | grep -o 'Lag [0-9.]* s' | head -n 1) on the lag panel"
"$LAB_BIN/proxy" "$LAB_DIR" pass >/dev/null
"$LAB_BIN/cdc" "$LAB_DIR" wait-applied 60 || fail "CDC did not resume after the endpoint passed again"
t0=$(now_ms)
"$LAB_BIN/cdc" "$LAB_DIR" kill >/dev/null
tmux_wait_for 'DMS task failed' 10 || fail "no alarm on screen for the failed DMS task"
note "a killed CDC process was an alarm on screen $(($(now_ms) - t0)) ms later (the DMS task is read every 5 s)"
tmux_send a
tmux_wait_for 'not armed' 5 || fail "the console armed with the DMS task failed"
! cutover_audit_has maintenance-on start || fail "a step started with the DMS task failed"
tmux_send q
tmux_stop
out="$LAB_DIR/check-killed.out"
status=0
"$CUTOVER" check "$plan" >"$out" 2>&1 || status=$?
[ "$status" = 1 ] || { cat "$out"; fail "cutover check exited $status with the CDC process killed"; }
grep -q 'FAIL  DMS task .*failed' "$out" || { cat "$out"; fail "the no-go does not say the task failed"; }

# Restarted, the task resumes from its checkpoint and catches up (as DMS
# does, the backlog of the outage first). DMS's one-minute latency still
# holds the outage for up to a minute: the pre-flight may say no-go for
# that alone, as it should, and the lead waits for a go, as here.
"$LAB_BIN/cdc" "$LAB_DIR" start >/dev/null
"$LAB_BIN/cdc" "$LAB_DIR" wait-applied 120 || fail "CDC did not catch up after the restart"
t0=$(now_ms)
nogo=0
until "$CUTOVER" check "$plan" >"$LAB_DIR/check-recovered.out" 2>&1; do
    grep -q 'FAIL  DMS latency ' "$LAB_DIR/check-recovered.out" ||
        { cat "$LAB_DIR/check-recovered.out"; fail "a no-go after the recovery for another reason than DMS's latency"; }
    nogo=$((nogo + 1))
    [ $(($(now_ms) - t0)) -lt 150000 ] || fail "no go within 150 s of the recovery"
    sleep 5
done
note "after the recovery: $nogo no-go(s) on DMS's one-minute latency, go after $(($(now_ms) - t0)) ms"
out="$LAB_DIR/run.out"
cutover_run "$out" "$plan" completed
grep -q 'lag-zero  done  proof: fence' "$out" || fail "lag zero was not proven by the fence"
[ "$(fake_query "s['dms']['tasks'][0]['Status']")" = stopped ] || fail "the DMS task is not stopped"
"$LAB_BIN/cdc" "$LAB_DIR" status | grep -q '^stopped' || fail "the CDC process is not stopped: $("$LAB_BIN/cdc" "$LAB_DIR" status)"
! grep -qF "$OPS_TOKEN" "$out" "$LAB_SESSION_DIR"/*.jsonl || fail "the ops token reached the output, audit or recording"
cutover_assert_completed
cutover_assert_no_loss
note "$(grep 'lag-zero  done' "$out" | head -n 1 | sed 's/^ *//')"
