#!/usr/bin/env bash
# `cutover follow` in tmux: started on a session file that is still being
# written, it shows what is there, then events appended to the file appear
# (a step done, a note) without a key pressed; half a line waits for its
# newline; it is read-only (m opens nothing, the file is never written).
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/tmux.sh"

work=$(mktemp -d)
full="$work/full.session"
live="$work/live.session"
"$top_builddir/replay/gen-session" --start now --duration 90s --cutover-at 20s -o "$full" 2>/dev/null ||
    fail "gen-session failed"

# The recording so far: everything before maintenance-on starts.
cut=$(grep -n '"key":"maintenance-on","v":1,"s":2' "$full" | cut -d: -f1)
[ -n "$cut" ] || fail "no maintenance-on in the generated session"
head -n $((cut - 1)) "$full" >"$live"

tmux_start 120 40 "$CUTOVER" follow "$live"
trap 'tmux_stop; rm -rf "$work"' EXIT # after tmux_start, which sets its own
tmux_wait_for "FOLLOW" 10 || fail "follow did not start"
tmux_wait_for "Maintenance on" 5 || fail "the checklist is not shown"
tmux_capture | grep -E "│1 ✓ Maintenance on" && fail "maintenance-on done before it was written"

# Half of the maintenance-on line: nothing changes until its newline.
line=$(sed -n "${cut}p" "$full")
printf '%s' "${line:0:30}" >>"$live"
sleep 0.5
tmux_capture | grep -qE "│1 ▶ Maintenance on" && fail "a half-written line was replayed"
printf '%s\n' "${line:30}" >>"$live"
tmux_wait_for "│1 ▶ Maintenance on" 5 || fail "maintenance-on running did not appear"

# The rest of the night, in two chunks, as a recorder would write it.
total=$(wc -l <"$full")
mid=$(((cut + total) / 2))
sed -n "$((cut + 1)),${mid}p" "$full" >>"$live"
sed -n "$((mid + 1)),\$p" "$full" >>"$live"
tmux_wait_for "│1 ✓ Maintenance on" 5 || fail "maintenance-on done did not appear"
tmux_wait_for "│6 ✓ Maintenance off" 5 || fail "maintenance-off done did not appear"
tmux_wait_for "note: all clear" 5 || fail "the note did not appear"

# Read-only: m opens no note, and the file is left as it was.
sum=$(sha256sum "$live")
tmux_send m
sleep 0.5
tmux_capture | grep -q "A remark for the recording" && fail "m opened a note in follow mode"
tmux_send q
tmux_wait_for "EXITED 0" 5 || fail "q did not quit cleanly"
[ "$(sha256sum "$live")" = "$sum" ] || fail "follow changed the session file"
exit 0
