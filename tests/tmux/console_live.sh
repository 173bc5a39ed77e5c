#!/usr/bin/env bash
# The live console on the lab, in tmux: every panel fills with live figures;
# lag appears when the target's replication stops and clears when it starts;
# the endpoint delay shows in the latency panel; a blackholed endpoint marks
# its probe down while keys still answer at once.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/tmux.sh"

lab_start
export LAB_APP_PASSWORD
tmux_start 120 40 "$CUTOVER" --session-dir "$LAB_DIR/sessions" "$LAB_PLAN"

tmux_wait_for 'Lag [0-9.]+ (ms|s)' 15 || fail "no lag figure"
tmux_wait_for 'Source +[1-9][0-9.k]* rows/s' 15 || fail "no source change rate"
tmux_wait_for 'Applied +[1-9][0-9.k]* rows/s' 15 || fail "no target apply rate"
tmux_wait_for 'SELECT 1 [0-9.]+ ' 15 || fail "no endpoint latency"
tmux_wait_for 'Connections +[1-9]' 15 || fail "no connection count"
tmux_wait_for 'src:ok tgt:ok hb:ok ep:ok|source:ok target:ok heartbeat:ok endpoint:ok' 15 ||
    fail "probes not all healthy"
first=$(tmux_capture | cut -c1-66)
sleep 2
second=$(tmux_capture | cut -c1-66)
[ "$first" != "$second" ] || fail "the panels did not change in 2 s"
note "panels live"

# Lag appears when the SQL thread stops, and clears when it starts.
sql_target "STOP SLAVE SQL_THREAD"
tmux_wait_for 'Lag ([3-9]\.[0-9]+ s|[0-9]+m)' 20 || fail "lag did not grow with replication stopped"
tmux_wait_for 'STOPPED' 5 || fail "replica not shown as stopped"
sql_target "START SLAVE SQL_THREAD"
tmux_wait_for 'Lag ([0-9]+ ms|1\.[0-9]+ s)' 20 || fail "lag did not clear"
note "lag appeared and cleared"

# The endpoint delay added at the proxy shows in the latency panel.
"$LAB_BIN/proxy" "$LAB_DIR" delay 100
tmux_wait_for 'SELECT 1 (1[89][0-9]|[2-9][0-9][0-9])' 15 || fail "added delay not shown"
"$LAB_BIN/proxy" "$LAB_DIR" delay 0
note "endpoint delay shown"

# Blackholed: the endpoint probe goes down; keys still answer at once.
"$LAB_BIN/proxy" "$LAB_DIR" blackhole
tmux_wait_for '(ep|endpoint):(down|stale)' 20 || fail "blackholed endpoint not marked unhealthy"
t0=$(now_ms)
tmux_send '?'
tmux_wait_for 'Keys \(any key closes\)' 2 || fail "help did not open while blackholed"
note "help opened $(($(now_ms) - t0)) ms after the key (includes tmux polling)"
tmux_send Escape
"$LAB_BIN/proxy" "$LAB_DIR" pass
tmux_wait_for '(ep|endpoint):ok' 30 || fail "endpoint did not recover"

# A note with a character outside the BMP (an emoji is four bytes of
# UTF-8) is recorded as typed, and the replay shows it as the live screen
# did (the canvas draws a double-width character as '?' to keep its grid).
emoji_note="endpoint back 🚀 ok"
tmux_send m
tmux_wait_for 'A remark for the recording' 3 || fail "no note input after m"
tmux_send -l "$emoji_note"
tmux_send Enter
tmux_wait_for 'note: endpoint back \? ok' 5 || fail "the note is not shown"

tmux_send q
tmux_wait_for 'EXITED 0' 10 || fail "console did not quit cleanly"
session=$(ls "$LAB_DIR"/sessions/*.session.jsonl | head -n 1)
grep -qF "\"x\":\"$emoji_note\"" "$session" || fail "the note was not recorded as typed (UTF-8): $(grep '"k":"note"' "$session")"
# At the recording's last event (the quit), the note is among the newest.
t=$(tail -n 1 "$session" | grep -o '"t":[0-9]*' | cut -d: -f2)
at="$(date -u -d "@$((t / 1000))" +%Y-%m-%dT%H:%M:%S).$(printf %03d $((t % 1000)))Z"
replayed=$("$CUTOVER" replay --snapshot "$at" --size 120x40 "$session")
grep -q 'note: endpoint back ? ok' <<<"$replayed" ||
    fail "the replayed screen does not show the note as the live one did:
$replayed"
note "an emoji note round-trips: typed, recorded, replayed"

# The terminal goes away (SIGHUP, a closed ssh session): the console leaves
# at once, and the recording's last word says why.
tmux_start 120 40 "$CUTOVER" --session-dir "$LAB_DIR/sessions2" "$LAB_PLAN"
tmux_wait_for 'Replication lag' 15 || fail "console did not start again"
pid=$(pgrep -f -- "^$CUTOVER --session-dir $LAB_DIR/sessions2" | head -n 1)
[ -n "$pid" ] || fail "no console process"
kill -HUP "$pid"
tmux_wait_for 'EXITED 0' 10 || fail "the console did not leave on SIGHUP"
session=$(ls "$LAB_DIR"/sessions2/*.session.jsonl | head -n 1)
tail -n 1 "$session" | grep -q '"k":"decision","key":"signal","x":"terminal went away (SIGHUP)"' ||
    fail "the recording does not end with the signal: $(tail -n 2 "$session")"
note "SIGHUP: left at once, recorded as the last event"
