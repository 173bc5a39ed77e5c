#!/usr/bin/env bash
# Fault: the console is SIGKILLed at each step boundary in turn (the moment
# the audit log shows that step's "start" record), on a fresh lab each time,
# then restarted on the same plan: the restart must read the audit log and
# the actual state, not run again a step the audit shows done, and complete
# the cutover with nothing lost and a verifying audit chain.
# FAULT_STEPS="swap lag-zero" limits the loop (default: every step).
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/cutover_lib.sh"
[ -x "$CUTOVER" ] || fail "$CUTOVER not built"
steps=${FAULT_STEPS:-maintenance-on read-only lag-zero swap target-health maintenance-off stop-replication}

# Until the audit log has STEP's start record, polled every 5 ms.
wait_for_start() {
    local step=$1 deadline=$(($(now_ms) + 20000))
    until cutover_audit_has "$step" start; do
        kill -0 "$CUTOVER_PID" 2>/dev/null || return 1
        [ "$(now_ms)" -lt "$deadline" ] || return 1
        sleep 0.005
    done
}

kill_at() {
    local step=$1 out0="$LAB_DIR/run-$1-0.out" out1="$LAB_DIR/run-$1-1.out" audit done_before s
    plan=$(cutover_plan "sigkill-$step")
    sleep 0.5
    cutover_start_bg "$out0" "$plan"
    wait_for_start "$step" || { cat "$out0"; fail "$step: never started"; }
    # A step of a few ms may be over (and the run too) before the kill lands.
    kill -KILL "$CUTOVER_PID" 2>/dev/null || note "$step: the run had ended before the SIGKILL"
    wait "$CUTOVER_PID" 2>/dev/null || true
    audit=$(cutover_audit)
    # Nothing done yet is a valid moment to be killed (grep then finds nothing).
    done_before=$( (grep -o '"step":"[a-z-]*","action":"done"' "$audit" || true) |
        cut -d'"' -f4 | paste -sd' ' -)
    note "$step: SIGKILLed after its start record; done before the kill: ${done_before:-none}"
    status=0
    "$CUTOVER" run --headless --yes "$plan" >"$out1" 2>&1 || status=$?
    if [ "$status" != 0 ]; then
        cat "$out0" "$out1"
        fail "$step: the restarted cutover exited $status"
    fi
    grep -q 'restart: the audit log shows a previous run' "$out1" ||
        { cat "$out1"; fail "$step: the restart did not read the audit log"; }
    for s in $done_before; do
        ! grep -q "  $s  running" "$out1" || { cat "$out1"; fail "$step: $s ran again after the restart"; }
    done
    grep -q '^summary: cutover completed' "$out1" || { cat "$out1"; fail "$step: no 'cutover completed'"; }
    cutover_assert_completed
    cutover_assert_audit
    cutover_assert_no_loss
}

for step in $steps; do
    lab_start --cdc-delay 0 --link-delay 500
    export LAB_APP_PASSWORD
    kill_at "$step"
    "$LAB_BIN/down" "$LAB_DIR" --purge >/dev/null
    LAB_DIR=""
done
note "killed and resumed at: $steps"
