#!/usr/bin/env bash
# `cutover init` on a terminal without --source or --target (the real binary
# in tmux): it asks, one line at a time, where the servers are, the
# endpoint, the account and where the password is (never the password), asks
# again after a bad answer, says the equivalent command line, and writes a
# plan that passes `cutover check` on the lab. Ctrl-D stops it with nothing
# written. Off a terminal the flags stay required (init_lab.sh).
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/tmux.sh"
[ -x "$CUTOVER" ] || fail "$CUTOVER not built"
lab_start --no-app

plan="$LAB_DIR/asked.plan.jsonc"
answer() { # PROMPT-PATTERN TEXT
    tmux_wait_for "$1" 10 || fail "init did not ask /$1/"
    tmux_send -l "$2"
    tmux_send Enter
}
tmux_start 160 40 "$CUTOVER" init -o "$plan" --session-dir "$LAB_SESSION_DIR"
answer 'Source server \(HOST\[:PORT\] or socket path\): ?$' "127.0.0.1:99999"
tmux_wait_for 'expected HOST, HOST:PORT \(port 1-65535\)' 5 || fail "a bad port was not refused"
answer 'Source server .*: ?$' "127.0.0.1:$LAB_ENDPOINT_PORT"
answer 'Target server .*: ?$' "127.0.0.1:$LAB_TARGET_PORT"
answer 'PrivateLink endpoint .*: ?$' "localhost:$LAB_ENDPOINT_PORT"
answer "The console's database account \[cutover\]: ?$" ""
answer 'Environment variable holding the password .*: ?$' ""
answer 'Option file \[~/.my.cnf\]: ?$' "$LAB_CUTOVER_CNF"
answer 'its group for the source \[client\]: ?$' source
answer 'its group for the target \[client\]: ?$' target
tmux_wait_for 'EXITED [0-9]+' 30 || fail "init did not finish"
screen=$(tmux_capture -J -S -60)
grep -q 'EXITED 0' <<<"$screen" || fail "init exited non-zero: $screen"
grep -q -- "cutover init -o $plan --source 127.0.0.1:$LAB_ENDPOINT_PORT --target 127.0.0.1:$LAB_TARGET_PORT --endpoint localhost:$LAB_ENDPOINT_PORT --source-user cutover --target-user cutover --option-file $LAB_CUTOVER_CNF --source-group source --target-group target" <<<"$screen" ||
    fail "init did not say the equivalent command line: $screen"
! grep -qF "$LAB_CUTOVER_PASSWORD" "$plan" || fail "a password was written into the plan"
grep -q '"endpoint": { "host": "localhost"' "$plan" || fail "the endpoint answer is not in the plan"
plan_validate "$plan"
check=$("$CUTOVER" check "$plan" 2>&1) || fail "cutover check on the plan init asked for: $check"
grep -q '^GO$' <<<"$check" || fail "no GO: $check"
note "init took 9 answers (one refused and asked again), said its command line, and its plan passes check"

# Ctrl-D part-way: stopped, nothing written.
rm -f "$plan"
tmux_stop
tmux_start 160 40 "$CUTOVER" init -o "$plan"
answer 'Source server .*: ?$' "127.0.0.1:$LAB_ENDPOINT_PORT"
tmux_wait_for 'Target server .*: ?$' 10 || fail "init did not ask for the target"
tmux_send C-d
tmux_wait_for 'EXITED [0-9]+' 10 || fail "init did not stop at Ctrl-D"
screen=$(tmux_capture -J)
grep -q 'EXITED 2' <<<"$screen" && grep -q 'stopped; nothing written' <<<"$screen" ||
    fail "Ctrl-D did not stop init with exit 2: $screen"
[ ! -e "$plan" ] || fail "a plan was written after Ctrl-D"
note "Ctrl-D stops init with nothing written (exit 2)"
