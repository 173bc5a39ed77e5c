#!/usr/bin/env bash
# The cutover driven interactively in tmux: pre-flight, arm, the confirmation
# names the plan and both servers, y runs every step; afterwards the same
# checks as the headless cutover, and the screen shows every step done with
# the downtime clock stopped.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/cutover_lib.sh"
. "$top_srcdir/tests/tmux.sh"

lab_start
export LAB_APP_PASSWORD
sleep 2 # the application writes for a while first
tmux_start 120 40 "$CUTOVER" --session-dir "$LAB_SESSION_DIR" "$LAB_PLAN"
tmux_wait_for 'source:ok target:ok heartbeat:ok endpoint:ok' 15 || fail "probes not healthy"

tmux_send p
tmux_wait_for 'preflight done' 20 || fail "pre-flight did not pass"

tmux_send a
tmux_wait_for 'Arm the cutover' 3 || fail "no confirmation after a"
screen=$(tmux_capture)
grep -q "plan 'lab cutover'" <<<"$screen" || fail "the confirmation does not name the plan"
grep -q "127.0.0.1:$LAB_ENDPOINT_PORT  ->  target 127.0.0.1:$LAB_TARGET_PORT" <<<"$screen" ||
    fail "the confirmation does not name both servers"
tmux_send n
tmux_wait_for 'cancelled' 3 || fail "n did not cancel"
[ "$(sql_source 'SELECT @@global.read_only')" = 0 ] || fail "a cancelled arm changed the source"

tmux_send a
tmux_wait_for 'Arm the cutover' 3 || fail "no confirmation after a"
tmux_send y
tmux_wait_for '9 . Stop replication .*s' 60 || fail "the cutover did not complete on screen"
tmux_wait_for 'Downtime [0-9.ms]+ +\(ended\)' 5 || fail "the downtime clock did not stop"
tmux_capture >"$LAB_DIR/screen.txt"
cat "$LAB_DIR/screen.txt"
for n in 1 2 3 4 5 6 7 8 9; do
    grep -qE "^.*│$n [✓] " "$LAB_DIR/screen.txt" || fail "step $n not shown done"
done
note "$(grep -o 'Downtime [^(]*(ended)' "$LAB_DIR/screen.txt")"

tmux_send q
tmux_wait_for 'EXITED 0' 10 || fail "console did not quit cleanly"
cutover_assert_completed "$LAB_DIR/screen.txt"
grep -q '"action":"confirm"\|"armed' "$LAB_SESSION_DIR"/*.session.jsonl ||
    fail "the operator's confirmation is not in the recording"
