#!/usr/bin/env bash
# Fault: the session directory fills up mid-cutover. It is a small tmpfs
# (root only; skipped otherwise); the moment lag-zero starts, a filler file
# takes every free block, so the next audit append that needs a new page
# fails with ENOSPC. The cutover must stop before its next destructive step
# and say why (the audit log cannot be written), leave no destructive action
# unaudited, and be recoverable: once space is freed, the console on the same
# plan reads the audit log and the state and the lead rolls it back (a
# headless restart would roll back or finish the rollback by itself: see
# fault_sigkill_rollback.sh), with nothing lost and a verifying audit chain.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/tmux.sh"
. "$top_srcdir/tests/cutover_lib.sh"
[ -x "$CUTOVER" ] || fail "$CUTOVER not built"
[ "$(id -u)" = 0 ] || skip "mounting a tmpfs needs root"
lab_start --cdc-delay 0 --link-delay 1000
export LAB_APP_PASSWORD
LAB_SESSION_DIR="$LAB_DIR/full"
mkdir -p "$LAB_SESSION_DIR"
mount -t tmpfs -o size=1m,mode=0700 cutover-test "$LAB_SESSION_DIR" 2>/dev/null ||
    skip "mount -t tmpfs is not permitted here"
unmount() { umount "$LAB_SESSION_DIR" 2>/dev/null || umount -l "$LAB_SESSION_DIR" || true; }
trap 'st=$?; unmount; lab_cleanup $st' EXIT
plan=$(cutover_plan disk-full)
sleep 1

out="$LAB_DIR/run.out"
cutover_start_bg "$out" "$plan" --session-dir "$LAB_SESSION_DIR"
cutover_wait_audit 20 lag-zero start || { cat "$out"; fail "lag-zero never started"; }
dd if=/dev/zero of="$LAB_SESSION_DIR/filler" bs=4k 2>/dev/null || true
note "session directory full: $(df -k --output=avail "$LAB_SESSION_DIR" | tail -n 1 | tr -d ' ') KB free"
status=0
wait "$CUTOVER_PID" || status=$?
cat "$out"
[ "$status" != 0 ] || fail "the cutover completed although its audit log could not be written"
grep -q 'audit log cannot be written' "$out" || fail "the output does not say that the audit log cannot be written"
grep -qi 'no space' "$out" || fail "the output does not say why (no space left)"
audit=$(cutover_audit)
# Nothing destructive without its start record: the state agrees with the audit.
if cutover_conn_names "$LAB_TARGET_PORT"; then
    grep -q '"step":"swap","action":"start"' "$audit" || fail "the swap happened without a start record"
fi
if [ ! -e "$LAB_MAINTENANCE_FLAG" ]; then
    grep -q '"step":"maintenance-off","action":"start"\|"step":"maintenance-on","action":"rollback-start"' "$audit" ||
        fail "maintenance went off without an audit record"
fi
last=$(grep -o '"step":"[a-z-]*","action":"[a-z-]*"' "$audit" | tail -n 1)
note "the last audit record before the disk filled: $last"

"$CUTOVER" verify "$audit" || fail "the audit chain does not verify after the disk filled"

# Recovery: space freed, the console on the same plan (in tmux) reads the
# audit log and the state; the lead rolls back (R, then y).
rm -f "$LAB_SESSION_DIR/filler"
tmux_start 120 40 "$CUTOVER" --session-dir "$LAB_SESSION_DIR" "$plan"
trap 'st=$?; tmux_stop; unmount; lab_cleanup $st' EXIT
tmux_wait_for 'src:ok|source:ok' 20 || fail "the console did not come up after the disk was freed"
tmux_send R
tmux_wait_for 'Roll back' 5 || fail "no rollback confirmation"
tmux_send y
wait_until 20 cutover_audit_has maintenance-on rolled-back || { tmux_capture; fail "the rollback did not finish"; }
sleep 0.5
tmux_capture | grep -E 'Maintenance on|Source read-only|Swap' || true
cutover_assert_settled
[ "$(cutover_outcome)" = rolled-back ] || fail "the recovery did not roll back"
tmux_send q
