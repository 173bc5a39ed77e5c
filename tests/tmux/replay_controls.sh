#!/usr/bin/env bash
# `cutover replay` in tmux on a generated session: it starts paused where
# asked; space plays (the clock moves) and pauses (it stops); + and - change
# the speed shown, = resets it; Right/Left move the clock 10 s; ] jumps to the
# next step transition and [ back; g goes to a typed time; 0, 5 and 1 jump to
# 0%, 50% and 10%; a bad time gets a message, not a crash; q quits.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/tmux.sh"

work=$(mktemp -d)
session="$work/night.session"
"$top_builddir/replay/gen-session" --duration 10m --cutover-at 6m -o "$session" 2>/dev/null ||
    fail "gen-session failed"

# The status lines: "... REPLAY  lab  00:24:00 UTC ..." and "T+4m00.0s  1x  paused ...".
clock() { tmux_capture | sed -n '1s/.*lab  \([0-9:]*\) UTC.*/\1/p'; }
second_line() { tmux_capture | sed -n 2p; }
expect_clock() {
    tmux_wait_for "lab  $1 UTC" 5 >/dev/null || fail "$2: clock $(clock), expected $1"
}

tmux_start 120 40 "$CUTOVER" replay --paused --start +4m "$session"
trap 'tmux_stop; rm -rf "$work"' EXIT # after tmux_start, which sets its own
tmux_wait_for "REPLAY" 10 || fail "replay did not start"
expect_clock 00:24:00 "--start +4m"
second_line | grep -q "T+4m00.0s  1x  paused" || fail "status line: $(second_line)"

# Space plays: the clock moves on; space again pauses: it stays.
tmux_send Space
tmux_wait_for "playing" 5 >/dev/null || fail "space did not start playing: $(second_line)"
tmux_wait_for "lab  00:24:0[2-9] UTC" 8 >/dev/null || fail "playing: clock stuck at $(clock)"
tmux_send Space
tmux_wait_for "paused" 5 >/dev/null || fail "space did not pause: $(second_line)"
a=$(clock)
sleep 1.5
b=$(clock)
[ "$a" = "$b" ] || fail "paused, yet the clock moved from $a to $b"

# Speed: + + shows 4x, - shows 2x, = back to 1x.
tmux_send + +
tmux_wait_for "  4x  paused" 5 >/dev/null || fail "+ +: $(second_line)"
tmux_send -
tmux_wait_for "  2x  paused" 5 >/dev/null || fail "-: $(second_line)"
tmux_send =
tmux_wait_for "  1x  paused" 5 >/dev/null || fail "=: $(second_line)"

# Seeking moves the clock in the status line.
tmux_send 0
expect_clock 00:20:00 "0 (start)"
tmux_send Right
expect_clock 00:20:10 "Right"
tmux_send Right Right Left
expect_clock 00:20:20 "Right Right Left"
tmux_send S-Right
expect_clock 00:21:20 "Shift-Right"

# ] jumps to the next step transition: maintenance-on starts at T+6m.
tmux_send ']'
expect_clock 00:26:00 "]"
tmux_wait_for "step: Maintenance on" 5 >/dev/null || fail "]: $(second_line)"
tmux_send ']'
expect_clock 00:26:00 "] again (maintenance-on done at T+6m00.4s)"
tmux_wait_for "T\+6m00.4s" 5 >/dev/null || fail "] again: $(second_line)"
tmux_send ']'
tmux_wait_for "step: Source read-only" 5 >/dev/null || fail "] a third time: $(second_line)"
tmux_send '['
tmux_wait_for "T\+6m00.4s" 5 >/dev/null || fail "[: $(second_line)"

# g and a typed time; a bad one is explained.
tmux_send g
tmux_wait_for "Go to" 5 >/dev/null || fail "g: no input overlay"
tmux_send -l "+2m30s"
tmux_send Enter
expect_clock 00:22:30 "g +2m30s"
tmux_send g
tmux_wait_for "Go to" 5 >/dev/null || fail "g: no input overlay"
tmux_send -l "25:00"
tmux_send Enter
tmux_wait_for "hour 25 is out of range" 5 >/dev/null || fail "bad time: no message"
expect_clock 00:22:30 "after a bad time"

# 5 jumps to half-way (10 minutes and a few ms: 00:25:00).
tmux_send 5
expect_clock 00:25:00 "5 (50%)"
tmux_wait_for " 50%" 5 >/dev/null || fail "5: $(second_line)"
# 1 jumps to a tenth (1 minute in: 00:21:00).
tmux_send 1
expect_clock 00:21:00 "1 (10%)"

tmux_send q
tmux_wait_for "EXITED 0" 5 >/dev/null || fail "q did not quit cleanly"
