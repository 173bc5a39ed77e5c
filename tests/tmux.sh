# Helpers for terminal tests: the real binary inside a private tmux server
# at a fixed size, driven with send-keys and read with capture-pane.
# Source after tests/lib.sh.

TMUX_STARTS=0
TMUX_SOCKET="cutover-test-$$-0"
TMUX_SESSION="t"

tmux_cmd() { tmux -L "$TMUX_SOCKET" "$@"; }

# tmux_start COLS ROWS COMMAND...: runs COMMAND in a new detached session.
tmux_start() {
    local cols=$1 rows=$2
    shift 2
    command -v tmux >/dev/null || skip "tmux is not installed"
    # A new server each time: a killed one may still hold its socket a moment.
    TMUX_STARTS=$((TMUX_STARTS + 1))
    TMUX_SOCKET="cutover-test-$$-$TMUX_STARTS"
    tmux_cmd -f /dev/null new-session -d -s "$TMUX_SESSION" -x "$cols" -y "$rows" \
        "env TERM=xterm-256color LANG=C.UTF-8 LC_ALL=C.UTF-8 $*; echo EXITED \$?; sleep 600"
    tmux_cmd set-option -t "$TMUX_SESSION" -g status off >/dev/null
    tmux_cmd set-option -t "$TMUX_SESSION" -g window-size manual >/dev/null 2>&1 || true
    # Stop the tmux server first, then whatever cleanup was registered (the
    # lab's), keeping the test's exit status for it.
    if declare -F lab_cleanup >/dev/null; then
        trap 'tmux_status=$?; tmux_stop; lab_cleanup $tmux_status' EXIT
    else
        trap tmux_stop EXIT
    fi
}

tmux_stop() { tmux_cmd kill-server >/dev/null 2>&1 || true; }

# The screen as plain text (add -e for escape sequences).
tmux_capture() { tmux_cmd capture-pane -p -t "$TMUX_SESSION" "$@"; }

tmux_send() { tmux_cmd send-keys -t "$TMUX_SESSION" "$@"; }

tmux_resize() { tmux_cmd resize-window -t "$TMUX_SESSION" -x "$1" -y "$2"; }

# tmux_wait_for REGEX [SECONDS]: until the screen matches (extended regex).
tmux_wait_for() {
    local pattern=$1 limit=${2:-10}
    local deadline=$(($(date +%s%3N) + limit * 1000))
    # Against the clock, not a count of polls: a loaded machine polls slower.
    while [ "$(date +%s%3N)" -lt "$deadline" ]; do
        tmux_capture | grep -Eq -- "$pattern" && return 0
        sleep 0.1
    done
    echo "---- screen (waited ${limit}s for /$pattern/):"
    tmux_capture
    return 1
}
