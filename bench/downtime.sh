#!/usr/bin/env bash
# Downtime: the console's headless cutover against the usual runbook
# (bench/runbook.sh), alternating, N runs of each (default 5), on the lab
# under 1,200 writes/s with a CDC delay.
#
# The CDC delay: by default a delay on the replication link alone (lab/up
# --link-delay), different for each pair of runs and spread evenly over
# 0.2-2.0 s (run i of N: 200 + 1800 * (i - 0.5) / N ms), the same for the
# console's run and the runbook's. A once-a-second poll pays, on average,
# half a second after the drain, but exactly how much depends on where the
# drain ends within a second: a single fixed delay would favour one side by
# luck, a spread samples that phase. --cdc-delay S instead uses MariaDB's
# MASTER_DELAY (whole seconds, counted against whole-second event
# timestamps, so every drain lasts ~S s: the runbook's poll lands just
# after it, its best case); --link-delays MS,MS,... gives the delays.
#
# Each run gets a fresh lab (lab/up takes ~3 s): after a cutover the
# application has written on the target, so the old source is no longer
# the target's equal and a "reset" lab would not be the starting state.
#
# For each run:
#   downtime  longest gap between acknowledged writes of the lab application
#             (lab/check-app-log; the lab lives for that run only, and the
#             gap is checked to fall inside the procedure's window)
#   drain     from the freeze (read_only on: the audit's read-only "done"
#             record for the console, the runbook's own log for the runbook)
#             until the target has applied the source's GTID at the freeze,
#             as seen by bench/drainpoll polling the target's
#             @@gtid_slave_pos every 5 ms: the physical floor
#   overhead  downtime - drain: what the procedure adds
#   missing   acknowledged writes not on the target (must be 0)
# The console runs the lab plan WITHOUT its verify step (a checksum of a
# 300,000-row table, 0.3-0.8 s inside the window; the runbook has none).
#
# --topologies compares the console with itself instead: on the native lab
# (the target a binlog replica) and on the field's (lab/up --cdc dms: a plain
# target fed by the DMS stand-in through the same endpoint and link delay),
# alternating, the same delays. There the drain is what the console proved:
# from the freeze to the fence seen on the target (the audit's read-only and
# lag-zero "done" records), since a DMS-fed target has no GTID of the source
# to poll.
#
# --gate compares the freeze gate with pressing the key at a random moment,
# under a bursty load (the application at 5x its rate for 3 s of every 30,
# lab/app --burst 5:3:30), both with verify by chunks on: "random" runs the
# lab plan after a random 0-29 s wait; "gate" runs it with a freeze section
# (max_lag_at_freeze_ms = the link delay + 300 ms, 3 samples) after its own
# random wait. The link delay is 300 ms for every run (--link-delays to
# change it), and the target commits durably (innodb_flush_log_at_trx_commit
# = 1, sync_binlog = 1, as RDS does): it then applies ~3,000 rows/s here, so
# a burst leaves a backlog of several seconds that the lab's relaxed target
# would not; the plans' lag alarm is 30 s so that pre-flight does not refuse
# a run for a burst's backlog. The drain floor is the smallest drain any run saw: the load
# allows no shorter; the goal is the gate's downtime within 50 ms of it. A
# gate that times out (the lag never came under its limit) freezes nothing:
# that run is counted apart, not as a failure of the benchmark.
# Usage: bench/downtime.sh [N] [--link-delays MS,MS,...] [--cdc-delay S] [--topologies | --gate]
set -euo pipefail
usage() {
    echo "usage: bench/downtime.sh [N] [--link-delays MS,MS,...] [--cdc-delay S] [--topologies | --gate]" >&2
    exit 2
}
runs=5
cdc_delay=0
link_delays=""
kinds=(console runbook)
while [ $# -gt 0 ]; do
    case "$1" in
    --topologies) kinds=(console console-dms); shift ;;
    --gate) kinds=(gate random); shift ;;
    --link-delays) [ $# -ge 2 ] || usage; link_delays=$2; shift 2 ;;
    --cdc-delay) [ $# -ge 2 ] || usage; cdc_delay=$2; shift 2 ;;
    -h | --help) usage ;;
    [0-9]*) runs=$1; shift ;;
    *) echo "bench/downtime.sh: unknown argument $1" >&2; usage ;;
    esac
done
[[ "$runs" =~ ^[1-9][0-9]*$ ]] || { echo "bench/downtime.sh: N must be a whole number >= 1 (got '$runs')" >&2; exit 2; }
[[ "$cdc_delay" =~ ^[0-9]+$ ]] || { echo "bench/downtime.sh: --cdc-delay must be whole seconds (got '$cdc_delay')" >&2; exit 2; }
[[ -z "$link_delays" || "$link_delays" =~ ^[0-9]+(,[0-9]+)*$ ]] ||
    { echo "bench/downtime.sh: --link-delays must be milliseconds separated by commas (got '$link_delays')" >&2; exit 2; }
# The link delay (ms) of pair $1: from the list (cycled), else the spread;
# none when --cdc-delay chose MASTER_DELAY.
link_delay_of() {
    local i=$1 list
    if [ -n "$link_delays" ]; then
        IFS=, read -ra list <<<"$link_delays"
        echo "${list[$(((i - 1) % ${#list[@]}))]}"
    elif [ "$cdc_delay" -gt 0 ]; then
        echo 0
    elif [ "${kinds[0]}" = gate ]; then
        echo 300
    else
        echo $((200 + (1800 * (2 * i - 1)) / (2 * runs)))
    fi
}
top_srcdir=$(cd "$(dirname "$0")/.." && pwd)
top_builddir=${top_builddir:-$("$top_srcdir/scripts/build")}
export top_srcdir top_builddir
. "$top_srcdir/tests/lib.sh"
require_lab_tools
poller="$top_builddir/bench/drainpoll"
[ -x "$poller" ] && [ -x "$CUTOVER" ] || fail "build first: $poller and $CUTOVER are needed"

work=$(mktemp -d "${TMPDIR:-/tmp}/cutover-downtime.XXXXXX")
lab=""
poll_pid=""
cleanup() {
    local status=$?
    [ -z "$poll_pid" ] || kill "$poll_pid" 2>/dev/null || true
    if [ -n "$lab" ] && [ -d "$lab" ]; then
        "$LAB_BIN/down" "$lab" >/dev/null 2>&1 || true
        [ "$status" = 0 ] || echo "lab kept for inspection in $lab" >&2
    fi
    exit "$status"
}
trap cleanup EXIT

# The sequence number of domain 0 in a GTID list ("0-1-123,1-5-9" -> 123).
gtid_seq() { tr ',' '\n' <<<"$1" | awk -F- '$1 == 0 { print $3 }'; }

# The first poller sample (ms) at which the target had applied seq $2.
applied_at() {
    awk -v want="$2" '{
        n = split($2, parts, ",")
        for (i = 1; i <= n; i++) {
            split(parts[i], g, "-")
            if (g[1] == 0 && g[3] + 0 >= want) { printf "%d\n", $1; exit }
        }
    }' "$1"
}

console-dms_run() {
    console_run "$@"
}

# console_cutover WHAT PLAN OUT: the console's headless cutover; sets audit,
# freeze_ms and fence_ms (the audit's read-only and lag-zero "done"
# records) and freeze_gtid.
console_cutover() {
    local what=$1 plan=$2 out=$3
    gate_timed_out=""
    if ! "$CUTOVER" run --headless --yes --session-dir "$lab/console-session" "$plan" >"$out" 2>&1; then
        # A gate that never opened froze nothing: an outcome, not a failure.
        gate_timed_out=$(grep -o 'freeze gate timed out after .*; nothing was changed' "$out" | head -n 1)
        [ -n "$gate_timed_out" ] && return 0
        cat "$out" >&2
        fail "$what: cutover did not complete"
    fi
    audit=$(ls "$lab"/console-session/*.audit.jsonl)
    "$CUTOVER" verify "$audit" >/dev/null || fail "$what: the audit chain does not verify"
    freeze_ms=$(grep '"step":"read-only","action":"done"' "$audit" | sed -n 's/.*"wall_ms":\([0-9]*\).*/\1/p')
    freeze_gtid=$(grep -o 'lag-zero  done .*gtid [0-9,-]*' "$out" | head -n 1 | sed 's/.*gtid //')
    fence_ms=$(grep '"step":"lag-zero","action":"done"' "$audit" | sed -n 's/.*"wall_ms":\([0-9]*\).*/\1/p')
}

console_run() {
    local plan="$lab/plan-noverify.json"
    sed 's/"verify", //' "$LAB_PLAN" >"$plan"
    ! grep -q '"verify", ' "$plan" || fail "could not remove verify from the steps"
    console_cutover "console run $1" "$plan" "$lab/console.out"
}

# The lab plan with verify by chunks, from a random moment of the burst
# cycle; with a freeze gate for kind gate.
gated_run() {
    local kind=$1 n=$2 plan="$lab/plan-$1.json" out="$lab/$1.out" wait_s
    /usr/bin/python3 - "$LAB_PLAN" "$plan" "$kind" "$((LAB_LINK_DELAY_MS + 300))" <<'PY'
import json, sys
src, out, kind, limit = sys.argv[1:5]
p = json.loads("\n".join(l for l in open(src).read().splitlines() if not l.lstrip().startswith("//")))
# A burst's backlog lasts seconds: the alarm threshold (and pre-flight's lag
# window) must not refuse the run for it.
p["thresholds"]["lag_seconds"] = 30
if kind == "gate":
    p["freeze"] = {"max_lag_at_freeze_ms": int(limit), "samples": 3, "timeout_ms": 120000}
json.dump(p, open(out, "w"), indent=1)
PY
    wait_s=$((RANDOM % 30))
    sleep "$wait_s"
    console_cutover "$kind run $n" "$plan" "$out"
    [ -z "$gate_timed_out" ] || return 0
    gate_words=$(grep -o '"action":"freeze-gate".*"result":"open after [0-9.]* s' "$audit" | grep -o 'open after [0-9.]* s' || echo "no gate")
    verify_words=$(grep -o '  verify  done .*' "$out" | head -n 1 | sed 's/^  verify  done  *//; s/  .*//')
}

gate_run() { gated_run gate "$@"; }
random_run() { gated_run random "$@"; }

runbook_run() {
    local log="$lab/runbook.log"
    "$top_srcdir/bench/runbook.sh" "$lab" "$log" || fail "runbook run $1 did not complete (see $log)"
    freeze_ms=$(awk '$1 == "freeze" { print $2 }' "$log")
    freeze_gtid=$(awk '$1 == "freeze" { print $5 }' "$log")
}

# One run of $1 (console|runbook); appends a result line to $work/results.
one_run() {
    local kind=$1 n=$2 link=$3 t0 t1 check gap from to seq drain_end drain
    lab="$work/lab-$n-$kind"
    local topology=native
    [ "$kind" != console-dms ] || topology=dms
    local app=()
    [ "${kinds[0]}" != gate ] || app=(--no-app)
    "$LAB_BIN/up" "$lab" --cdc "$topology" --rate 1200 --cdc-delay "$cdc_delay" --link-delay "$link" "${app[@]}" >"$work/up.out" 2>&1 ||
        { cat "$work/up.out" >&2; fail "lab/up failed"; }
    # shellcheck source=/dev/null
    . "$lab/lab.env"
    export LAB_APP_PASSWORD
    if [ "${kinds[0]}" = gate ]; then
        sql_target "SET GLOBAL innodb_flush_log_at_trx_commit = 1; SET GLOBAL sync_binlog = 1"
        "$LAB_BIN/app" "$lab" start --rate 1200 --burst 5:3:30 >/dev/null || fail "lab/app start --burst failed"
    fi
    "$poller" --socket "$LAB_TARGET_SOCKET" --out "$lab/drain.log" --interval-ms 5 &
    poll_pid=$!
    sleep 2 # the application writes for a while first
    t0=$(now_ms)
    "${kind}_run" "$n"
    t1=$(now_ms)
    if [ -n "${gate_timed_out:-}" ]; then
        printf '%-11s %3d  %s\n' "$kind" "$n" "$gate_timed_out"
        echo "$kind" >>"$work/timeouts"
        kill "$poll_pid"
        wait "$poll_pid" || true
        poll_pid=""
        "$LAB_BIN/down" "$lab" --purge >/dev/null
        lab=""
        return 0
    fi
    sleep 1.5 # the application writes to the target afterwards
    kill "$poll_pid"
    wait "$poll_pid" || true
    poll_pid=""
    check=$("$LAB_BIN/check-app-log" "$lab") || fail "$kind run $n: $check"
    gap=$(sed -n 's/.*longest_gap_ms=\([0-9]*\).*/\1/p' <<<"$check")
    from=$(sed -n 's/.*gap_from_ms=\([0-9]*\).*/\1/p' <<<"$check")
    to=$(sed -n 's/.*gap_to_ms=\([0-9]*\).*/\1/p' <<<"$check")
    grep -q ' missing=0 ' <<<"$check" || fail "$kind run $n: acknowledged writes missing: $check"
    grep -q 'servers=1,2' <<<"$check" || fail "$kind run $n: the application never wrote to the target"
    # The gap ends with the application's first write after the flag is gone,
    # which may land just after the cutover (or runbook) has returned.
    [ "$from" -ge "$t0" ] && [ "$to" -le $((t1 + 1000)) ] ||
        fail "$kind run $n: the longest gap ($from..$to) is outside the run ($t0..$t1 + 1 s)"
    if [ "${kinds[1]}" = console-dms ]; then
        [ -n "$fence_ms" ] && [ -n "$freeze_ms" ] || fail "$kind run $n: no freeze or fence moment in the audit"
        drain_end=$fence_ms
    else
        seq=$(gtid_seq "$freeze_gtid")
        [ -n "$seq" ] && [ -n "$freeze_ms" ] || fail "$kind run $n: no freeze moment or position"
        drain_end=$(applied_at "$lab/drain.log" "$seq")
        [ -n "$drain_end" ] || fail "$kind run $n: the poller never saw GTID seq $seq applied"
    fi
    drain=$((drain_end - freeze_ms))
    printf '%-11s %3d  cdc delay %5s  downtime %5d ms  drain %5d ms  overhead %5d ms  missing 0  (freeze gtid %s)\n' \
        "$kind" "$n" "$(delay_words "$link")" "$gap" "$drain" "$((gap - drain))" "$freeze_gtid"
    [ "${kinds[0]}" != gate ] || echo "            $gate_words; verify in the window: $verify_words"
    echo "$kind $gap $drain $((gap - drain))" >>"$work/results"
    "$LAB_BIN/down" "$lab" --purge >/dev/null
    lab=""
}

delay_words() {
    if [ "$1" -gt 0 ]; then echo "${1}ms"; else echo "${cdc_delay}s"; fi
}

if [ "$cdc_delay" -gt 0 ] && [ -z "$link_delays" ]; then
    what="CDC delay ${cdc_delay} s by MASTER_DELAY"
else
    what="CDC delay on the replication link:"
    for ((i = 1; i <= runs; i++)); do what+=" $(link_delay_of "$i")"; done
    what+=" ms"
    [ "$cdc_delay" = 0 ] || what+=" (+ MASTER_DELAY $cdc_delay s)"
fi
echo "downtime benchmark: $runs runs each, alternating; lab at 1,200 writes/s, $what"
if [ "${kinds[0]}" = gate ]; then
    echo "plans: the lab plan with verify by chunks; gate adds a freeze section; bursty load 5x for 3 s every 30 s"
else
    echo "console plan: the lab plan without its verify step"
fi
[ "${kinds[1]}" != console-dms ] || echo "topologies: native replica against the DMS stand-in (drain: freeze to fence seen)"
for ((i = 1; i <= runs; i++)); do
    link=$(link_delay_of "$i")
    one_run "${kinds[0]}" "$i" "$link"
    one_run "${kinds[1]}" "$i" "$link"
done

col() { awk -v k="$1" -v c="$2" '$1 == k { print $c }' "$work/results"; }
# shellcheck disable=SC2046 # one number per word
for kind in "${kinds[@]}"; do
    printf 'median %-11s downtime %5d ms  drain %5d ms  overhead %5d ms\n' "$kind" \
        "$(median $(col "$kind" 2))" "$(median $(col "$kind" 3))" "$(median $(col "$kind" 4))"
done
if [ "${kinds[0]}" = gate ]; then
    echo "gate timed out (nothing frozen, no downtime to measure): $(grep -c '^gate$' "$work/timeouts" 2>/dev/null || echo 0) of $runs runs"
    floor=$(col gate 3; col random 3)
    # shellcheck disable=SC2046
    floor=$(printf '%s\n' $floor | sort -n | head -n 1)
    # shellcheck disable=SC2046
    g=$(median $(col gate 2))
    # shellcheck disable=SC2046
    r=$(median $(col random 2))
    # shellcheck disable=SC2046
    gmax=$(printf '%s\n' $(col gate 2) | sort -n | tail -n 1)
    # shellcheck disable=SC2046
    rmax=$(printf '%s\n' $(col random 2) | sort -n | tail -n 1)
    echo "drain floor (smallest drain of any run): $floor ms"
    awk -v g="$g" -v r="$r" -v gm="$gmax" -v rm="$rmax" -v f="$floor" 'BEGIN {
        printf "downtime median: gate %d ms, random %d ms (ratio random / gate %.2f); max: gate %d ms, random %d ms\n", g, r, (g > 0) ? r / g : 0, gm, rm
        printf "goal: gate median downtime within 50 ms of the drain floor: %s (%+d ms)\n", (g - f <= 50) ? "met" : "NOT met", g - f }'
    echo "lost writes: 0 in every run (each run stops at the first missing write)"
    rm -rf "$work"
    exit 0
fi
if [ "${kinds[1]}" = console-dms ]; then
    # shellcheck disable=SC2046
    awk -v n="$(median $(col console 2))" -v d="$(median $(col console-dms 2))" 'BEGIN {
        printf "downtime ratio (DMS stand-in / native replica): %.2f\n", (n > 0) ? d / n : 0 }'
    echo "lost writes: 0 in every run (each run stops at the first missing write)"
    exit 0
fi
# shellcheck disable=SC2046
c=$(median $(col console 4))
# shellcheck disable=SC2046
r=$(median $(col runbook 4))
awk -v c="$c" -v r="$r" 'BEGIN {
    if (c > 0) printf "overhead ratio (runbook / console): %.1f\n", r / c
    else printf "overhead ratio: console median overhead is %d ms (not positive)\n", c
    printf "goal: console median overhead < 150 ms: %s; at most a fifth of the runbook: %s\n",
        (c < 150) ? "met" : "NOT met", (c * 5 <= r) ? "met" : "NOT met" }'
echo "lost writes: 0 in every run (each run stops at the first missing write)"
rm -rf "$work"
