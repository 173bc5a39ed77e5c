#!/usr/bin/env bash
# Keypress to screen update, in tmux: '?' opens the help overlay and Escape
# closes it; the time from send-keys until capture-pane shows the change.
# Measured with the endpoint healthy and then blackholed, alternating in the
# same run, so the ratio shows whether a hung probe slows the screen. The
# figure includes tmux's own latency and the 2 ms polling of capture-pane.
# Usage: bench/console_keypress.sh [PRESSES]
set -euo pipefail
presses=${1:-30}
top_srcdir=$(cd "$(dirname "$0")/.." && pwd)
top_builddir=${top_builddir:-$("$top_srcdir/scripts/build")}
export top_srcdir top_builddir
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/tmux.sh"

lab_start
export LAB_APP_PASSWORD
tmux_start 120 40 "$CUTOVER" --session-dir "$LAB_DIR/sessions" "$LAB_PLAN"
tmux_wait_for 'src:ok tgt:ok hb:ok ep:ok|source:ok target:ok heartbeat:ok endpoint:ok' 20 ||
    fail "console not healthy"

# Microseconds from the key until the screen matches (or stops matching).
press_us() {
    local key=$1 pattern=$2 want=$3 t0 t1
    t0=$(date +%s%6N)
    tmux_send "$key"
    while :; do
        if tmux_capture | grep -Eq -- "$pattern"; then [ "$want" = shown ] && break
        else [ "$want" = gone ] && break; fi
        t1=$(date +%s%6N)
        [ $((t1 - t0)) -lt 5000000 ] || { echo 5000000; return; }
        sleep 0.002
    done
    echo $(($(date +%s%6N) - t0))
}

measure() {
    local i out=()
    for ((i = 0; i < presses; i++)); do
        out+=("$(press_us '?' 'Keys \(any key closes\)' shown)")
        out+=("$(press_us Escape 'Keys \(any key closes\)' gone)")
    done
    printf '%s\n' "${out[@]}" | sort -n | awk '{ v[NR] = $1 } END {
        printf "p50 %.1f ms  p95 %.1f ms  max %.1f ms  (n=%d)", v[int(NR * 0.5 + 0.5)] / 1000,
            v[int(NR * 0.95 + 0.5)] / 1000, v[NR] / 1000, NR }'
}

healthy=$(measure)
"$LAB_BIN/proxy" "$LAB_DIR" blackhole
tmux_wait_for '(ep|endpoint):(down|stale)' 20 || fail "blackhole not detected"
blackholed=$(measure)
"$LAB_BIN/proxy" "$LAB_DIR" pass
echo "keypress to screen, endpoint healthy:    $healthy"
echo "keypress to screen, endpoint blackholed: $blackholed"
h50=$(echo "$healthy" | awk '{ print $2 }')
b50=$(echo "$blackholed" | awk '{ print $2 }')
awk -v h="$h50" -v b="$b50" 'BEGIN { printf "ratio of medians (blackholed / healthy): %.2f\n", b / h }'
