#!/usr/bin/env bash
# Idle CPU of the live console on a running lab at 1 s refresh: the CPU time
# the cutover process used over a window (default 60 s), as a percentage of
# one core. Beside it, in the same run, the CPU of the lab application
# writing 1,200 rows/s, for scale.
# Usage: bench/console_idle.sh [SECONDS]
set -euo pipefail
seconds=${1:-60}
top_srcdir=$(cd "$(dirname "$0")/.." && pwd)
top_builddir=${top_builddir:-$("$top_srcdir/scripts/build")}
export top_srcdir top_builddir
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/tmux.sh"

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

lab_start
export LAB_APP_PASSWORD
tmux_start 120 40 "$CUTOVER" --session-dir "$LAB_DIR/sessions" "$LAB_PLAN"
tmux_wait_for 'src:ok tgt:ok hb:ok ep:ok|source:ok target:ok heartbeat:ok endpoint:ok' 20 ||
    fail "console not healthy"
sleep 3 # past start-up
pid=$(pgrep -n -f "^$CUTOVER --session-dir $LAB_DIR/sessions") || fail "no console process"
app=$(pgrep -n -f "lab/labapp") || app=""
hz=$(getconf CLK_TCK)
c0=$(cpu_ticks "$pid")
a0=${app:+$(cpu_ticks "$app")}
t0=$(now_ms)
sleep "$seconds"
c1=$(cpu_ticks "$pid")
a1=${app:+$(cpu_ticks "$app")}
t1=$(now_ms)
wall=$((t1 - t0))
awk -v c=$((c1 - c0)) -v hz="$hz" -v ms="$wall" \
    'BEGIN { printf "console idle CPU: %.2f%% of one core over %.1f s (%d ticks)\n", 100 * c / hz / (ms / 1000), ms / 1000, c }'
if [ -n "$app" ]; then
    awk -v c=$((a1 - a0)) -v hz="$hz" -v ms="$wall" \
        'BEGIN { printf "lab application (1,200 writes/s) for scale: %.2f%% of one core\n", 100 * c / hz / (ms / 1000) }'
fi
