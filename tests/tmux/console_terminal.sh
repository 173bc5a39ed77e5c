#!/usr/bin/env bash
# Terminal behaviour without databases (a plan whose servers are absent):
# resize to 80x24 and 200x60 and back renders cleanly, below 80x24 a clear
# message; two people attached with terminals of different sizes (tmux
# sizes the window to the smaller) both get a clean screen, and the larger
# one gets its full size back when the other detaches; NO_COLOR and the monochrome theme emit no colour; a malformed plan
# names its line and column.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/tmux.sh"

work=$(mktemp -d) # kept on failure, for inspection
port=$((20000 + RANDOM % 20000)) # nothing listens: the probes report errors
cat >"$work/plan.json" <<JSON
// servers that are not there: the screen must still draw
{
  "name": "absent servers",
  "source": { "host": "127.0.0.1", "port": $port, "user": "cutover",
              "password": { "env": "NO_SUCH_PASSWORD_VAR" }, "tls": "off" },
  "target": { "host": "127.0.0.1", "port": $((port + 1)), "user": "cutover",
              "password": { "env": "NO_SUCH_PASSWORD_VAR" }, "tls": "off" },
  "maintenance": { "method": "file", "path": "$work/maintenance.flag" },
  "swap": { "method": "file", "path": "$work/app.conf", "key": "DATABASE_URL",
            "value": "mysql://app@127.0.0.1:$((port + 1))/shop" },
  "steps": ["preflight", "maintenance-on", "read-only", "lag-zero", "swap", "maintenance-off"]
}
JSON

# A malformed plan: file, line and column, exit 2.
printf '{\n  "name": "x",\n  "source": { "host": 12 }\n}\n' >"$work/bad.json"
set +e
msg=$("$CUTOVER" --readonly "$work/bad.json" 2>&1)
rc=$?
set -e
[ $rc -eq 2 ] || fail "malformed plan: exit $rc, expected 2 ($msg)"
grep -q "bad.json:3:[0-9]*:" <<<"$msg" || fail "malformed plan: no line:col in: $msg"
note "malformed plan: $msg"

# With the screen frozen, checks a repaint (Ctrl-L) changes nothing: whatever
# a resize left behind would show up as a difference.
check_screen() {
    local cols=$1 rows=$2 before after
    tmux_wait_for 'Replication lag' 5 || fail "no panels at ${cols}x$rows"
    sleep 0.5
    before=$(tmux_capture)
    tmux_send C-l
    sleep 0.5
    after=$(tmux_capture)
    [ "$before" = "$after" ] || {
        diff <(echo "$before") <(echo "$after") | head -20
        fail "debris after resizing to ${cols}x$rows"
    }
    [ "$(echo "$after" | wc -l)" -eq "$rows" ] || fail "wrong number of rows at ${cols}x$rows"
    echo "$after" | awk -v c="$cols" 'length($0) > c { exit 1 }' || fail "a line wider than $cols"
    # Drawn for this size, not clipped from another: the key bar is the last
    # row, and the right-hand border reaches the last column.
    echo "$after" | tail -n 1 | grep -q 'Quit' || fail "the key bar is not on row $rows"
    echo "$after" | awk -v c="$cols" 'length($0) == c { n++ } END { exit !(n > 0) }' ||
        fail "nothing reaches column $cols"
}

check_clean() {
    tmux_resize "$1" "$2"
    check_screen "$1" "$2"
}

window_is() { [ "$(tmux_cmd display-message -p -t "$TMUX_SESSION" '#{window_width}x#{window_height}')" = "$1" ]; }

# Two clients: tmux sizes the window to the smaller terminal.
pair() {
    local a b
    # resize-window made this window's size manual: the window option decides.
    tmux_cmd set-option -w -t "$TMUX_SESSION" window-size smallest >/dev/null
    /usr/bin/python3 "$top_srcdir/tests/tmux/attach_client.py" "$TMUX_SOCKET" "$TMUX_SESSION" 110 35 &
    a=$!
    wait_until 10 window_is 110x35 || fail "the first client's size did not take"
    check_screen 110 35
    /usr/bin/python3 "$top_srcdir/tests/tmux/attach_client.py" "$TMUX_SOCKET" "$TMUX_SESSION" 82 26 &
    b=$!
    wait_until 10 window_is 82x26 || fail "the window did not shrink to the second client"
    check_screen 82 26
    kill "$b"
    wait "$b" 2>/dev/null || true
    wait_until 10 window_is 110x35 || fail "the window did not grow back when the second client left"
    check_screen 110 35
    kill "$a"
    wait "$a" 2>/dev/null || true
    tmux_cmd set-option -w -t "$TMUX_SESSION" window-size manual >/dev/null
}

tmux_start 100 30 "$CUTOVER" --readonly --session-dir "$work/s" "$work/plan.json"
tmux_wait_for 'Replication lag' 10 || fail "console did not start"
tmux_send f
tmux_wait_for 'FROZEN' 3 || fail "freeze not shown"
tmux_wait_for 'session: not recorded' 6 || fail "the freeze notice did not go away"
for size in "80 24" "200 60" "80 24" "120 40"; do
    check_clean $size
done
tmux_resize 70 20
tmux_wait_for 'terminal too small: 70x20' 5 || fail "no too-small message"
check_clean 80 24
note "resizes clean"
pair
note "two clients of different sizes: clean at 110x35, 82x26, and 110x35 again"
tmux_send q
tmux_wait_for 'EXITED 0' 5 || fail "console did not quit"
tmux_stop

# Colour: the dark theme uses colour; NO_COLOR and monochrome use none.
# SGR colour parameters: 30-38 and 40-48 (39/49 only reset to the default), 90-107.
sgr_colour='\[([0-9;]*;)?(3[0-8]|4[0-8]|9[0-7]|10[0-7])(;[0-9;]*)?m'
colour_count() {
    tmux_start 100 30 "$@"
    tmux_wait_for 'Replication lag' 10 || fail "console did not start ($*)"
    sleep 0.5
    tmux_capture -e | grep -cE "$sgr_colour" || true
    tmux_stop
}
dark=$(colour_count "$CUTOVER" --readonly --theme dark "$work/plan.json")
[ "$dark" -gt 0 ] || fail "the dark theme drew no colour (the check cannot see colour)"
none=$(colour_count env NO_COLOR=1 "$CUTOVER" --readonly --theme dark "$work/plan.json")
[ "$none" -eq 0 ] || fail "NO_COLOR still drew $none coloured lines"
mono=$(colour_count "$CUTOVER" --readonly --theme monochrome "$work/plan.json")
[ "$mono" -eq 0 ] || fail "the monochrome theme drew $mono coloured lines"
note "colour: dark $dark coloured lines, NO_COLOR $none, monochrome $mono"
rm -rf "$work"
