# shellcheck shell=bash
# Helpers for the cutover tests on the lab (fault injection); source after
# tests/lib.sh and lab_start:
#
#   cutover_plan NAME [SED-EXPR…]   a copy of the lab plan as $LAB_DIR/NAME.json
#                                   without pre-flight and verify (the fault
#                                   tests are about the destructive steps),
#                                   with each sed expression applied; prints its path
#   cutover_methods_plan NAME READBACK
#                                   a copy as cutover_plan makes, with exec
#                                   maintenance (touch/rm of the flag),
#                                   lock-accounts read-only (the app's accounts)
#                                   and an exec swap (sed on the connection-
#                                   string file, read back from READBACK);
#                                   prints its path
#   cutover_plan_py PLAN PY         edits PLAN (JSON with // comments) in place with
#                                   PY, Python over the dict p
#   cutover_audit                   the audit log of the lab's session directory
#   cutover_wait_audit SECS STEP ACTION
#                                   until the audit log has STEP's ACTION record
#   cutover_start_bg OUT PLAN [ARGS…]
#                                   a headless run in the background; sets CUTOVER_PID
#   cutover_outcome                 "completed" or "rolled-back" from the actual
#                                   state (read_only or the app's account locked,
#                                   the connection string, the flag); fails on
#                                   anything in between
#   cutover_assert_completed        the source is read-only, the connection string
#                                   names the target, the flag is gone, the app
#                                   writes to the target
#   cutover_assert_rolled_back      the source is writable, the connection string
#                                   names the source, the flag is gone, the app
#                                   writes to the source
#   cutover_assert_audit            `cutover verify` passes on the audit log
#   cutover_assert_no_loss          stops the app, then lab/check-app-log (with
#                                   --catch-up while the target still replicates):
#                                   missing=0; prints the line and the
#                                   application-observed downtime
#   cutover_assert_settled          the three above plus the one matching
#                                   cutover_outcome; prints the outcome
#   cutover_hold_source_session     an application session held open on the
#                                   source (SELECT SLEEP as the app's account), so
#                                   target-health waits and, past its timeout,
#                                   fails: the failure just before the point of
#                                   no return; sets HOLDER_PID
#   cutover_release_source_session  ends that session
#   ops_api_start                   tests/ops/ops_api.py (the stand-in operations API
#                                   switching the lab's maintenance flag) with a new
#                                   OPS_TOKEN (exported); sets OPS_PID and OPS_URL
#   cutover_http_plan NAME [PY]     a copy as cutover_plan makes, with maintenance
#                                   through the ops API (POST $OPS_URL with the token
#                                   as ${OPS_TOKEN}, from the environment); PY
#                                   (Python over the dict p) changes it further;
#                                   prints its path
#   cutover_console_held PLAN       (tests/tmux.sh sourced, the ops API started)
#                                   the console in tmux on PLAN, armed with
#                                   maintenance-off failing after it switched:
#                                   returns once the screen says HELD and the
#                                   application writes to the target
#   cutover_carried_count           the transactions the audit's carried-back
#                                   record says went back to the source
#   cutover_assert_carried_back COUNT
#                                   after a rollback past the point with
#                                   reverse replication: the application is back
#                                   on the source and stopped, COUNT equals the
#                                   writes it acknowledged from the target (and
#                                   is not 0), and every write it acknowledged
#                                   anywhere is on the source; prints the line
#   cutover_run OUT PLAN OUTCOME    a headless run in the foreground, its output
#                                   shown; it must end OUTCOME (completed: exit
#                                   0, rolled-back: exit 3, held: exit 4), as
#                                   cutover_assert_run
#   cutover_run_verified OUT PLAN   cutover_run to completed, verify by chunks
#                                   passed, and its binlog reader (a child
#                                   process logging in with the plan's
#                                   settings) tracked the changes: had it not
#                                   got in, verify says "changes not tracked"
#   webhook_receiver NAME MODE [TOKEN]
#                                   tests/ops/webhook_receiver.py on a free port
#                                   ($LAB_DIR/NAME.port, requests in NAME.log);
#                                   its pid is added to $LAB_DIR/receivers.pids
#   cutover_assert_run STATUS OUT   a headless run's exit status and summary
#                                   agree with the actual state: 0 and "cutover
#                                   completed", 3 and "rolled back", or 4 and
#                                   "HELD past the point of no return" with the
#                                   application on the target

CUTOVER_PID="" # set by cutover_start_bg, read by the tests
export CUTOVER_PID

cutover_plan() {
    local plan="$LAB_DIR/$1.json" expr
    shift
    local args=(-e 's/"steps": \["preflight", /"steps": [/' -e 's/"verify", //')
    for expr in "$@"; do
        args+=(-e "$expr")
    done
    sed "${args[@]}" "$LAB_PLAN" >"$plan"
    ! grep -q '"steps": \["preflight"' "$plan" || fail "could not remove preflight from $plan"
    echo "$plan"
}

cutover_plan_py() {
    /usr/bin/python3 - "$1" "$2" <<'PY'
import json, sys
path, code = sys.argv[1:3]
text = "\n".join(l for l in open(path).read().splitlines() if not l.lstrip().startswith("//"))
p = json.loads(text)
exec(code)
json.dump(p, open(path, "w"), indent=1)
PY
}

cutover_audit() {
    local f
    f=$(ls "$LAB_SESSION_DIR"/*.audit.jsonl 2>/dev/null | head -n 1)
    [ -n "$f" ] || return 1
    echo "$f"
}

cutover_audit_has() {
    local audit
    audit=$(cutover_audit) || return 1
    grep -q "\"step\":\"$1\",\"action\":\"$2\"" "$audit"
}

cutover_wait_audit() {
    wait_until "$1" cutover_audit_has "$2" "$3"
}

cutover_start_bg() {
    local out=$1 plan=$2
    shift 2
    "$CUTOVER" run --headless --yes "$@" "$plan" >"$out" 2>&1 &
    CUTOVER_PID=$!
}

cutover_conn_names() {
    grep -q "^DATABASE_URL=mysql://app@127.0.0.1:$1/shop\$" "$LAB_APP_CONFIG"
}

# 1 when the source takes no application writes: read_only is on, or the
# application's account is locked (read_only method lock-accounts); else 0.
cutover_source_frozen() {
    local ro locked
    ro=$(sql_source 'SELECT @@global.read_only')
    locked=$(sql_source "SHOW CREATE USER 'app'@'127.0.0.1'" | grep -c 'ACCOUNT LOCK' || true)
    if [ "$ro" = 1 ] || [ "$locked" -gt 0 ]; then echo 1; else echo 0; fi
}

cutover_outcome() {
    local ro flag=0
    ro=$(cutover_source_frozen)
    [ ! -e "$LAB_MAINTENANCE_FLAG" ] || flag=1
    if [ "$ro" = 1 ] && [ "$flag" = 0 ] && cutover_conn_names "$LAB_TARGET_PORT"; then
        echo completed
    elif [ "$ro" = 0 ] && [ "$flag" = 0 ] && cutover_conn_names "$LAB_SOURCE_PORT"; then
        echo rolled-back
    else
        fail "half-way state: source frozen=$ro, maintenance flag present=$flag, $(grep '^DATABASE_URL' "$LAB_APP_CONFIG")"
    fi
}

app_last_server_is() {
    tail -n 1 "$LAB_APP_LOG" | awk -v s="$1" '{ exit !($3 == s) }'
}

cutover_assert_completed() {
    [ "$(cutover_source_frozen)" = 1 ] || fail "the source is not read-only (nor the app's account locked)"
    cutover_conn_names "$LAB_TARGET_PORT" || fail "the connection-string file does not name the target"
    [ ! -e "$LAB_MAINTENANCE_FLAG" ] || fail "the maintenance flag is still there"
    wait_until 10 app_last_server_is 2 ||
        fail "the application is not writing to the target (last ack: $(tail -n 1 "$LAB_APP_LOG"))"
}

cutover_assert_rolled_back() {
    [ "$(cutover_source_frozen)" = 0 ] || fail "the source is still read-only (or the app's account locked)"
    cutover_conn_names "$LAB_SOURCE_PORT" || fail "the connection-string file does not name the source"
    [ ! -e "$LAB_MAINTENANCE_FLAG" ] || fail "the maintenance flag is still there"
    wait_until 10 app_last_server_is 1 ||
        fail "the application is not writing to the source again (last ack: $(tail -n 1 "$LAB_APP_LOG"))"
}

cutover_assert_audit() {
    local audit
    audit=$(cutover_audit) || fail "no audit log in $LAB_SESSION_DIR"
    "$CUTOVER" verify "$audit" || fail "cutover verify failed on $audit"
}

# The application is stopped first, so that the check sees its final log
# (lab/check-app-log --catch-up then waits for the target to apply all of it).
cutover_assert_no_loss() {
    local check args=()
    "$LAB_BIN/app" "$LAB_DIR" stop >/dev/null || fail "lab/app stop failed"
    if [ "${LAB_CDC:-native}" = dms ]; then
        ! "$LAB_BIN/cdc" "$LAB_DIR" status | grep -q '^running' || args=(--catch-up)
    elif mariadb --no-defaults --socket="$LAB_TARGET_SOCKET" -e 'SHOW SLAVE STATUS\G' |
        grep -q '^ *Slave_SQL_Running: Yes'; then
        args=(--catch-up)
    fi
    check=$("$LAB_BIN/check-app-log" "$LAB_DIR" "${args[@]}") || fail "lab/check-app-log: $check"
    echo "$check"
    grep -q ' missing=0 ' <<<"$check" || fail "acknowledged writes are missing on the target"
    note "app-observed downtime (longest gap between acknowledged writes): $(echo "$check" | sed -n 's/.*longest_gap_ms=\([0-9]*\).*/\1/p') ms"
}

cutover_assert_settled() {
    local outcome
    outcome=$(cutover_outcome)
    cutover_assert_audit
    if [ "$outcome" = completed ]; then
        cutover_assert_completed
        cutover_assert_no_loss
    else
        cutover_assert_rolled_back
        cutover_assert_no_loss
    fi
    note "outcome: $outcome"
}

cutover_assert_run() {
    local status=$1 out=$2 outcome
    grep -q '^summary: ' "$out" || fail "no summary line: the run did not finish cleanly"
    outcome=$(cutover_outcome)
    case "$status/$outcome" in
    0/completed) grep -q '^summary: cutover completed' "$out" || fail "completed without saying so" ;;
    3/rolled-back) grep -q '^summary: cutover failed and was rolled back' "$out" ||
        fail "rolled back without saying so" ;;
    4/completed) grep -q '^summary: HELD past the point of no return' "$out" ||
        fail "held without saying so" ;;
    *) fail "exit status $status with the state $outcome" ;;
    esac
}

HOLDER_PID=""
cutover_hold_source_session() {
    mariadb --no-defaults -h127.0.0.1 -P"$LAB_SOURCE_PORT" -uapp -p"$LAB_APP_PASSWORD" \
        -e "SELECT SLEEP(120)" >/dev/null 2>&1 &
    HOLDER_PID=$!
    wait_until 10 cutover_source_session_held || fail "the held application session did not start"
}

cutover_source_session_held() {
    [ "$(sql_source "SELECT COUNT(*) FROM information_schema.processlist WHERE user = 'app' AND info LIKE 'SELECT SLEEP%'")" -gt 0 ]
}

cutover_release_source_session() {
    sql_source "SELECT CONCAT('KILL ', id) FROM information_schema.processlist WHERE user = 'app' AND info LIKE 'SELECT SLEEP%'" |
        while read -r stmt; do sql_source "$stmt"; done
    wait "$HOLDER_PID" 2>/dev/null || true
    HOLDER_PID=""
}

ops_api_start() {
    OPS_TOKEN=$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')
    export OPS_TOKEN
    /usr/bin/python3 "$top_srcdir/tests/ops/ops_api.py" "$LAB_MAINTENANCE_FLAG" "$OPS_TOKEN" \
        "$LAB_DIR/ops.port" "$LAB_DIR/ops.log" 2>"$LAB_DIR/ops.err" &
    OPS_PID=$!
    wait_until 10 test -s "$LAB_DIR/ops.port" || fail "the ops API did not start: $(cat "$LAB_DIR/ops.err")"
    OPS_URL="http://127.0.0.1:$(cat "$LAB_DIR/ops.port")/maintenance"
}

cutover_http_plan() {
    local out="$LAB_DIR/$1.json"
    /usr/bin/python3 - "$LAB_PLAN" "$out" "$OPS_URL" "${2:-}" <<'PY'
import json, sys
src, out, url, extra = sys.argv[1:5]
text = "\n".join(l for l in open(src).read().splitlines() if not l.lstrip().startswith("//"))
p = json.loads(text)
p["steps"] = [s for s in p["steps"] if s not in ("preflight", "verify")]
req = lambda on: {"url": url, "method": "POST", "headers": {"Authorization": "Bearer ${OPS_TOKEN}",
                  "Content-Type": "application/json"}, "body": json.dumps({"on": on})}
p["maintenance"] = {"method": "http", "on": req(True), "off": req(False)}
exec(extra)
json.dump(p, open(out, "w"), indent=1)
PY
    plan_validate "$out"
    echo "$out"
}

cutover_run() {
    local out=$1 plan=$2 want=$3 status=0 expect=0
    "$CUTOVER" run --headless --yes "$plan" >"$out" 2>&1 || status=$?
    cat "$out"
    case $want in
    rolled-back) expect=3 ;;
    held) expect=4 ;;
    esac
    [ "$status" = "$expect" ] || fail "exit status $status, $expect expected for a $want cutover"
    cutover_assert_run "$status" "$out"
}

cutover_run_verified() {
    local out=$1 plan=$2 rec
    cutover_run "$out" "$plan" completed
    grep -q '  verify  done  ' "$out" || fail "verify by chunks did not pass: $(grep verify "$out")"
    cutover_assert_completed
    rec=$(ls "$LAB_SESSION_DIR"/*.session.jsonl | head -n 1)
    grep -q '[0-9]/[0-9]* chunks' "$rec" || fail "no verify coverage in $rec"
    ! grep -q 'changes not tracked' "$rec" || fail "the binlog reader did not get in with the plan's settings"
}

webhook_receiver() {
    /usr/bin/python3 "$top_srcdir/tests/ops/webhook_receiver.py" "$2" "$LAB_DIR/$1.port" \
        "$LAB_DIR/$1.log" ${3:+"$3"} 2>"$LAB_DIR/$1.err" &
    echo $! >>"$LAB_DIR/receivers.pids"
    wait_until 10 test -s "$LAB_DIR/$1.port" || fail "receiver $1 did not start: $(cat "$LAB_DIR/$1.err")"
}

cutover_methods_plan() {
    local out="$LAB_DIR/$1.json"
    /usr/bin/python3 - "$LAB_PLAN" "$out" "$LAB_MAINTENANCE_FLAG" "$LAB_APP_CONFIG" "$2" "$(command -v sed)" <<'PY'
import json, sys
src, out, flag, conf, readback, sed = sys.argv[1:7]
text = "\n".join(l for l in open(src).read().splitlines() if not l.lstrip().startswith("//"))
p = json.loads(text)
p["steps"] = [s for s in p["steps"] if s not in ("preflight", "verify")]
p["maintenance"] = {"method": "exec", "on": ["/usr/bin/touch", flag], "off": ["/bin/rm", "-f", flag]}
p["read_only"] = {"method": "lock-accounts", "accounts": ["'app'@'127.0.0.1'", "'app'@'localhost'"]}
value = p["swap"]["value"]
p["swap"] = {"method": "exec", "value": value,
             "command": [sed, "-i", "s|^DATABASE_URL=.*|DATABASE_URL={value}|", conf],
             "readback": [sed, "-n", "s/^DATABASE_URL=//p", readback]}
json.dump(p, open(out, "w"), indent=1)
PY
    echo "$out"
}

cutover_carried_count() {
    grep -o '"action":"carried-back".*"result":"[0-9]* transaction' "$(cutover_audit)" |
        grep -o '[0-9]* transaction' | grep -o '[0-9]*'
}

cutover_assert_carried_back() {
    local count=$1 acked result
    [ -n "$count" ] || fail "the audit has no carried-back record"
    wait_until 15 app_last_server_is 1 || fail "the application did not return to the source"
    sleep 1
    "$LAB_BIN/app" "$LAB_DIR" stop >/dev/null
    acked=$(awk '$1 == "ack" && $3 == 2' "$LAB_APP_LOG" | wc -l)
    result=$("$LAB_BIN/check-app-log" "$LAB_DIR" --on source) ||
        { echo "$result"; fail "acknowledged writes are missing on the source"; }
    note "carried back $count transaction(s) (the application acknowledged $acked from the target); on the source: $(echo "$result" | head -n 1)"
    [ "$count" = "$acked" ] || fail "carried $count, the application acknowledged $acked writes from the target"
    [ "$count" -gt 0 ] || fail "nothing was written to the target: not the moment under test"
}

cutover_console_held() {
    touch "$LAB_MAINTENANCE_FLAG.fail-off"
    sleep 1
    tmux_start 130 42 "$CUTOVER" --session-dir "$LAB_SESSION_DIR" "$1"
    trap 'st=$?; tmux_stop; kill "${OPS_PID:-}" 2>/dev/null || true; lab_cleanup $st' EXIT
    tmux_wait_for 'source:ok target:ok heartbeat:ok endpoint:ok' 15 || fail "probes not healthy"
    tmux_send a
    tmux_wait_for 'Arm the cutover' 3 || fail "no confirmation after a"
    tmux_send y
    tmux_wait_for 'HELD past the point of no return: maintenance-off failed' 30 ||
        { tmux_capture; fail "the console did not say HELD"; }
    wait_until 10 app_last_server_is 2 || fail "the application did not resume on the target"
}
