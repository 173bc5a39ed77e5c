#!/usr/bin/env bash
# Notifications against the steps: N headless cutovers on a fresh lab each
# (default 3 pairs), alternating: without a "notify" section, and with two
# webhooks, one that answers and one that accepts and never answers (2 s
# timeout, 3 retries). Prints each step's time and the downtime window per
# run, then the medians side by side with their ratio. A step that waited on
# a webhook would show the dead one's timeout. Not a timed test: run it by
# hand, alone on the machine.
#
#   bench/notify.sh [PAIRS]
set -euo pipefail
pairs=${1:-3}
top_srcdir=$(cd "$(dirname "$0")/.." && pwd)
top_builddir=${top_builddir:-$("$top_srcdir/scripts/build")}
export top_srcdir top_builddir
. "$top_srcdir/tests/lib.sh"
require_lab_tools
here=$top_srcdir
work=$(mktemp -d "${TMPDIR:-/tmp}/bench-notify.XXXXXX")
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true; rm -rf "$work"' EXIT

receiver() { # NAME MODE
    /usr/bin/python3 "$here/tests/ops/webhook_receiver.py" "$2" "$work/$1.port" "$work/$1.log" &
    pids+=($!)
    for _ in $(seq 100); do [ -s "$work/$1.port" ] && return; sleep 0.1; done
    echo "receiver $1 did not start" >&2
    exit 1
}
receiver good answer
receiver dead hang

# One cutover on a fresh lab; prints "STEP SECONDS" lines and "window S".
run_once() {
    local mode=$1 dir="$work/lab-$2" plan
    "$LAB_BIN/up" "$dir" --cdc-delay 0 >"$dir.up" 2>&1 || { cat "$dir.up" >&2; exit 1; }
    # shellcheck disable=SC1091
    . "$dir/lab.env"
    export LAB_APP_PASSWORD
    plan="$dir/plan.json"
    /usr/bin/python3 - "$LAB_PLAN" "$plan" "$mode" "$(cat "$work/good.port")" "$(cat "$work/dead.port")" <<'PY'
import json, sys
src, out, mode, good, dead = sys.argv[1:6]
p = json.loads("\n".join(l for l in open(src).read().splitlines() if not l.lstrip().startswith("//")))
if mode == "notify":
    p["notify"] = {"team": {"url": f"http://127.0.0.1:{good}/team"},
                   "dead": {"url": f"http://127.0.0.1:{dead}/dead", "timeout_ms": 2000, "retries": 3}}
json.dump(p, open(out, "w"))
PY
    sleep 2
    "$CUTOVER" run --headless --yes "$plan" >"$dir.out" 2>&1 || { tail -20 "$dir.out" >&2; exit 1; }
    sed -n '/^summary:/,$p' "$dir.out" | awk '/^  [a-z-]+ +done/ { print $1, $3 }'
    grep -o 'the application can write again after [0-9.]* s' "$dir.out" | tail -n 1 | awk '{print "window", $7}'
    "$LAB_BIN/down" "$dir" --purge >/dev/null
}

for i in $(seq "$pairs"); do
    run_once none "n$i" >"$work/none.$i"
    run_once notify "w$i" >"$work/notify.$i"
    echo "pair $i: window $(awk '$1=="window"{print $2}' "$work/none.$i") s without, $(awk '$1=="window"{print $2}' "$work/notify.$i") s with a dead webhook"
done

printf '%-18s %12s %12s %8s\n' "median of $pairs" "no notify" "dead hook" "ratio"
for key in $(awk '{print $1}' "$work/none.1"); do
    a=$(cat "$work"/none.* | awk -v k="$key" '$1==k{print $2}' | sort -n | awk '{v[NR]=$1} END{print v[int((NR+1)/2)]}')
    b=$(cat "$work"/notify.* | awk -v k="$key" '$1==k{print $2}' | sort -n | awk '{v[NR]=$1} END{print v[int((NR+1)/2)]}')
    printf '%-18s %10.3f s %10.3f s %8s\n' "$key" "$a" "$b" "$(awk -v a="$a" -v b="$b" 'BEGIN{ if (a > 0) printf "%.2f", b / a; else print "-" }')"
done
echo "dead webhook: $(grep -c ' held$' "$work/dead.log" || true) requests held unanswered; team: $(grep -c '^/team' "$work/good.log" || true) messages delivered"
