#!/usr/bin/env bash
# Fault: a resize storm during an interactive cutover in tmux. The console
# is armed (a, then y) and the window is resized every 20 ms through sizes
# from 40x12 to 220x70 until the checklist has finished. The cutover must
# complete (or roll back cleanly) exactly as without the storm, the console
# must still be alive and drawing afterwards, and the audit chain verify.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/tmux.sh"
. "$top_srcdir/tests/cutover_lib.sh"
[ -x "$CUTOVER" ] || fail "$CUTOVER not built"
# 2 s on the replication link: the steps run long enough for the storm to
# overlap them, every time (MASTER_DELAY's "2 s" could be 1).
lab_start --cdc-delay 0 --link-delay 2000
export LAB_APP_PASSWORD
plan=$(cutover_plan resize-storm)
tmux_start 120 40 "$CUTOVER" --session-dir "$LAB_SESSION_DIR" "$plan"
tmux_wait_for 'src:ok|source:ok' 20 || fail "the console did not come up healthy"
finished() {
    cutover_audit_has stop-replication "done" || cutover_audit_has stop-replication failed ||
        cutover_audit_has maintenance-on rolled-back
}
# The storm runs from before the arm dialog until 2 s after the checklist
# has finished; the resizes while steps run are counted.
storm() {
    local sizes=(80x24 200x60 40x12 220x70 100x30 60x20 160x50 120x40) n=0 size
    while [ ! -e "$LAB_DIR/storm.stop" ]; do
        size=${sizes[$((n % ${#sizes[@]}))]}
        tmux_resize "${size%x*}" "${size#*x}" || { echo "resize-window failed" >"$LAB_DIR/storm.err"; return; }
        n=$((n + 1))
        cutover_audit_has maintenance-on start && ! finished && echo >>"$LAB_DIR/storm.during"
        sleep 0.02
    done
    echo "$n" >"$LAB_DIR/storm.count"
}
storm &
storm_pid=$!
# The arm dialog cannot be matched on screen (at 40x12 it may not fit): y is
# sent until the audit shows the first step started (a y before the dialog
# is open does nothing).
tmux_send a
armed=0
for _ in $(seq 20); do
    tmux_send y
    if wait_until 1 cutover_audit_has maintenance-on start; then armed=1; break; fi
done
[ "$armed" = 1 ] || { touch "$LAB_DIR/storm.stop"; tmux_capture; fail "the cutover was not armed"; }
wait_until 40 finished || { touch "$LAB_DIR/storm.stop"; tmux_capture; fail "the cutover did not finish within 40 s"; }
sleep 2
touch "$LAB_DIR/storm.stop"
wait "$storm_pid"
[ ! -e "$LAB_DIR/storm.err" ] || fail "tmux resize-window failed"
during=$(wc -l <"$LAB_DIR/storm.during" 2>/dev/null || echo 0)
note "$(cat "$LAB_DIR/storm.count") resizes in all, $during while steps ran"
[ "$during" -ge 5 ] || fail "the storm did not overlap the cutover ($during resizes while steps ran)"
tmux_resize 120 40
sleep 1
screen=$(tmux_capture)
echo "$screen"
! grep -q '^EXITED' <<<"$screen" || fail "the console exited during the storm"
grep -Eq 'src:|source:' <<<"$screen" || fail "the console is not drawing its status line after the storm"
grep -Eq 'stop-replication|Stop replication' <<<"$screen" || fail "the checklist is not on screen"
cutover_assert_settled
tmux_send q
