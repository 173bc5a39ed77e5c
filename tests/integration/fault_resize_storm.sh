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
# The overlap is held open by the test, not hoped for from a delay: the
# replication link is blackholed once the console is up (replication, or the
# DMS stand-in, still counts as running: no alarm forbids arming), so
# lag-zero waits, and the storm lets the link pass again once 8 of its
# resizes have landed while steps ran.
lab_start --cdc-delay 0 --link-delay 50
export LAB_APP_PASSWORD
plan=$(cutover_plan resize-storm)
tmux_start 120 40 "$CUTOVER" --session-dir "$LAB_SESSION_DIR" "$plan"
tmux_wait_for 'src:ok|source:ok' 20 || fail "the console did not come up healthy"
"$LAB_BIN/proxy" "$LAB_DIR" --link blackhole >/dev/null
finished() {
    cutover_audit_has stop-replication "done" || cutover_audit_has stop-replication failed ||
        cutover_audit_has maintenance-on rolled-back
}
during_count() {
    if [ -f "$LAB_DIR/storm.during" ]; then wc -l <"$LAB_DIR/storm.during"; else echo 0; fi
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
        if [ ! -e "$LAB_DIR/storm.released" ] && [ "$(during_count)" -ge 8 ]; then
            "$LAB_BIN/proxy" "$LAB_DIR" --link pass >/dev/null
            touch "$LAB_DIR/storm.released"
        fi
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
wait_until 60 finished || { touch "$LAB_DIR/storm.stop"; tmux_capture; fail "the cutover did not finish within 60 s"; }
sleep 2
touch "$LAB_DIR/storm.stop"
wait "$storm_pid"
[ ! -e "$LAB_DIR/storm.err" ] || fail "tmux resize-window failed"
during=$(during_count)
note "$(cat "$LAB_DIR/storm.count") resizes in all, $during while steps ran"
[ "$during" -ge 8 ] || fail "the storm did not overlap the cutover ($during resizes while steps ran)"
tmux_resize 120 40
sleep 1
screen=$(tmux_capture)
echo "$screen"
! grep -q '^EXITED' <<<"$screen" || fail "the console exited during the storm"
grep -Eq 'src:|source:' <<<"$screen" || fail "the console is not drawing its status line after the storm"
grep -Eq 'stop-replication|Stop replication' <<<"$screen" || fail "the checklist is not on screen"
cutover_assert_settled
tmux_send q
