#!/usr/bin/env bash
# Verification at size: a table of ROWS rows (default 10,000,000, over 2 GB)
# added to the lab (filled on both servers, as a finished full load leaves
# them), the application writing 1,200 rows/s to shop.orders and, with
# UPDATES > 0, an updater changing that many random rows/s of the big table
# (default 0: the application's load alone). Side by side in one run:
#
#   chunks    the lab plan verifying all five tables by chunks, with a freeze
#             gate that waits for the first pass: the time to the first full
#             verification (from the console's start to the first sample
#             saying every chunk was compared), the lag while it ran, and the
#             verify step's cost inside the window (p50 and max over CUTOVERS
#             cutovers, default 3)
#   checksum  the same five tables by CHECKSUM TABLE inside the window (two
#             cutovers)
#   pt-table-checksum  (percona-toolkit) over the same schema, once: its
#             whole run, and the lag it added; it has no incremental mode, so
#             in a window it would cost all of that
#
# The lag is measured by pt-heartbeat (its own table, updated every 0.5 s on
# the source, read on the replica), the same way for everything: a baseline
# with nothing verifying, during the first pass, and during
# pt-table-checksum. Each cutover ends at the swap, which is made to fail: the
# run rolls back (before the point of no return), so the next one starts
# from the same data. Not a timed test: run it by hand (takes ~15 min at the
# default size on two cores).
#
# Usage: bench/verify.sh [ROWS] [CUTOVERS] [UPDATES]
set -euo pipefail
rows=${1:-10000000}
cutovers=${2:-3}
updates=${3:-0}
[[ "$updates" =~ ^[0-9]+$ ]] && [ "$updates" -le 1000 ] || { echo "bench/verify.sh: UPDATES must be 0..1000 a second (got '$updates')" >&2; exit 2; }
[[ "$rows" =~ ^[1-9][0-9]*$ ]] || { echo "bench/verify.sh: ROWS must be a whole number (got '$rows')" >&2; exit 2; }
[[ "$cutovers" =~ ^[1-9][0-9]*$ ]] || { echo "bench/verify.sh: CUTOVERS must be a whole number (got '$cutovers')" >&2; exit 2; }
top_srcdir=$(cd "$(dirname "$0")/.." && pwd)
top_builddir=${top_builddir:-$("$top_srcdir/scripts/build")}
export top_srcdir top_builddir
. "$top_srcdir/tests/lib.sh"
require_lab_tools
for tool in pt-table-checksum pt-heartbeat; do
    command -v "$tool" >/dev/null || fail "$tool is not installed (Debian: apt-get install percona-toolkit)"
done
[ -x "$CUTOVER" ] || fail "build first: $CUTOVER is needed"

work=$(mktemp -d "${TMPDIR:-/tmp}/cutover-verify.XXXXXX")
lab="$work/lab"
pids=()
cleanup() {
    local status=$?
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    if [ -d "$lab" ]; then
        "$LAB_BIN/down" "$lab" --purge >/dev/null 2>&1 || true
    fi
    [ "$status" = 0 ] && rm -rf "$work" || echo "kept for inspection: $work" >&2
    exit "$status"
}
trap cleanup EXIT

"$LAB_BIN/up" "$lab" --rate 1200 >"$work/up.out" 2>&1 || { cat "$work/up.out" >&2; fail "lab/up failed"; }
# shellcheck source=/dev/null
. "$lab/lab.env"
export LAB_APP_PASSWORD

# ---- the big table, equal on both sides ------------------------------------
fill() {
    local sql="SET SESSION sql_log_bin = 0; USE shop; CREATE TABLE IF NOT EXISTS shop.big (
        id BIGINT NOT NULL PRIMARY KEY, a CHAR(64) NOT NULL, b VARCHAR(128) NOT NULL,
        c INT NOT NULL, d DATETIME(6) NOT NULL) ENGINE=InnoDB;" lo hi step=1000000
    for ((lo = 1; lo <= rows; lo += step)); do
        hi=$((lo + step - 1 < rows ? lo + step - 1 : rows))
        sql+="INSERT INTO shop.big SELECT seq, SHA2(seq, 256), CONCAT(SHA2(seq + 1, 256), SHA2(seq + 2, 256)),
              seq % 100000, TIMESTAMP('2026-01-01') + INTERVAL seq SECOND FROM seq_${lo}_to_${hi};"
    done
    "$1" "$sql"
}
t0=$(now_ms)
fill sql_source &
fill_pid=$!
fill sql_target
wait "$fill_pid"
datadir=$(sql_source "SELECT @@datadir")
size_mb=$(du -m "$datadir/shop/big.ibd" | cut -f1)
echo "verify benchmark: shop.big $rows rows, ${size_mb} MB on each server (filled in $(( ($(now_ms) - t0) / 1000 )) s)"
echo "load: the application 1,200 rows/s into shop.orders; $updates updates/s to random rows of shop.big"

# The updater: one connection fed by a pipe, so the rate is the loop's. As
# the application's account, which read_only stops (root would write on
# through the freeze, and verify rightly finds the target behind); --force
# goes on past the refusals while the source is frozen.
if [ "$updates" -gt 0 ]; then
    pause=$(awk -v u="$updates" 'BEGIN { printf "%.4f", 1 / u }')
    (while :; do
        echo "UPDATE shop.big SET c = c + 1 WHERE id = $(( (RANDOM * 32768 + RANDOM) % rows + 1 ));"
        sleep "$pause"
    done) | MYSQL_PWD=$LAB_APP_PASSWORD mariadb --no-defaults --force -h 127.0.0.1 -P "$LAB_SOURCE_PORT" \
        -u app shop >/dev/null 2>&1 &
    pids+=($!)
fi

# ---- lag, measured by a peer -------------------------------------------------
sql_source "CREATE DATABASE IF NOT EXISTS percona"
pt-heartbeat --update -D percona --create-table --interval 0.5 \
    --socket "$LAB_SOURCE_SOCKET" --user root --daemonize --pid "$work/pthb.pid" >/dev/null 2>&1 ||
    fail "pt-heartbeat --update did not start"
pids+=("$(cat "$work/pthb.pid")")
lag_sample() {
    pt-heartbeat --check -D percona --socket "$LAB_TARGET_SOCKET" --user root --master-server-id 1 2>/dev/null || echo ""
}
# lag_watch FILE: one sample every 0.5 s, until killed
lag_watch() {
    while :; do
        echo "$(now_ms) $(lag_sample)" >>"$1"
        sleep 0.5
    done
}
# lag_figures FILE [FROM_MS TO_MS]: "p50 X s, max Y s (N samples)"
lag_figures() {
    awk -v from="${2:-0}" -v to="${3:-9999999999999}" '$1 >= from && $1 <= to && $2 != "" { print $2 }' "$1" |
        sort -n | awk '{ v[NR] = $1 } END {
            if (NR == 0) { print "no samples"; exit }
            printf "p50 %.2f s, max %.2f s (%d samples)", v[int((NR + 1) / 2)], v[NR], NR }'
}
sleep 3
lag_watch "$work/lag-baseline" &
watch_pid=$!
sleep 20
kill "$watch_pid"
echo "lag with nothing verifying:       $(lag_figures "$work/lag-baseline")"

# ---- plans -----------------------------------------------------------------
plan_for() {
    /usr/bin/python3 - "$LAB_PLAN" "$work/plan-$1.json" "$1" <<'PY'
import json, sys
src, out, mode = sys.argv[1:4]
p = json.loads("\n".join(l for l in open(src).read().splitlines() if not l.lstrip().startswith("//")))
p["verify"]["tables"].append("shop.big")
p["verify"]["mode"] = mode
p["verify"]["timeout_ms"] = 3600000
if mode == "chunks":
    # Wait for the first pass; the lag limit is above the lab's MASTER_DELAY.
    p["freeze"] = {"max_lag_at_freeze_ms": 3000, "samples": 3, "timeout_ms": 3600000}
# The swap fails (its read-back never shows the new value) and its undo
# succeeds (the read-back shows the old one): the run rolls back before the
# point of no return.
p["swap"] = {"method": "exec", "value": p["swap"]["value"], "command": ["/bin/true"],
             "readback": ["/bin/echo", "old"]}
json.dump(p, open(out, "w"), indent=1)
PY
    echo "$work/plan-$1.json"
}

# one_cutover MODE N: a headless run to the failed swap and back; prints the
# verify step's seconds inside the window; for chunks also the first pass.
one_cutover() {
    local mode=$1 n=$2 plan out session status=0 start first
    plan=$(plan_for "$mode")
    out="$work/run-$mode-$n.out"
    rm -rf "$work/sessions-$mode-$n"
    lag_watch "$work/lag-$mode-$n" &
    watch_pid=$!
    "$CUTOVER" run --headless --yes --session-dir "$work/sessions-$mode-$n" "$plan" >"$out" 2>&1 || status=$?
    kill "$watch_pid"
    [ "$status" = 3 ] || { cat "$out" >&2; fail "$mode cutover $n: exit $status, 3 (rolled back at the swap) expected"; }
    grep -q '  verify  done  ' "$out" || { cat "$out" >&2; fail "$mode cutover $n: verify did not pass"; }
    step_s=$(awk '$1 == "verify" { print $3 }' "$out" | head -n 1) # the summary's duration
    result=$(grep -m1 '  verify  done  ' "$out" | sed 's/.*verify  done  *//')
    # The step's log line: what the window's part cost, and the wait for the
    # binlog reader to reach the freeze.
    breakdown=$(grep -m1 'checklist  info  verify: [0-9]* chunks' "$out" | sed 's/.*info  verify: //' || true)
    echo "$mode $step_s" >>"$work/results"
    if [ "$mode" = chunks ]; then
        session=$(ls "$work/sessions-$mode-$n"/*.session.jsonl)
        start=$(sed -n '1s/.*"start":\([0-9]*\).*/\1/p' "$session")
        first=$(grep '"key":"verify.summary"' "$session" | grep -v 'first pass running' | grep -v '"x":"0/0' |
            head -n 1 | sed 's/^{"t":\([0-9]*\).*/\1/')
        [ -n "$first" ] || fail "chunks cutover $n: the first pass never completed"
        echo "first $(( (first - start) ))" >>"$work/results"
        printf 'chunks   %d: first full verification %6.1f s; lag meanwhile %s; in the window %s s: %s\n' \
            "$n" "$(awk -v d=$((first - start)) 'BEGIN { print d / 1000 }')" \
            "$(lag_figures "$work/lag-$mode-$n" "$start" "$first")" "$step_s" "$result"
        echo "           $breakdown"
    else
        printf 'checksum %d: in the window %s s: %s\n' "$n" "$step_s" "$result"
    fi
    # Rolled back: the source takes writes again.
    [ "$(sql_source 'SELECT @@global.read_only')" = 0 ] || fail "$mode cutover $n: the source stayed read-only"
}

for ((i = 1; i <= cutovers; i++)); do one_cutover chunks "$i"; done
for ((i = 1; i <= 2; i++)); do one_cutover checksum "$i"; done

# ---- pt-table-checksum ------------------------------------------------------
sql_source "CREATE TABLE IF NOT EXISTS percona.dsns (id INT AUTO_INCREMENT PRIMARY KEY, parent_id INT, dsn VARCHAR(255) NOT NULL);
    DELETE FROM percona.dsns; INSERT INTO percona.dsns (dsn) VALUES ('S=$LAB_TARGET_SOCKET,u=root')"
lag_watch "$work/lag-pt" &
watch_pid=$!
t0=$(now_ms)
status=0
pt-table-checksum --socket "$LAB_SOURCE_SOCKET" --user root --databases shop \
    --recursion-method "dsn=D=percona,t=dsns" --max-lag 10 --no-check-binlog-format \
    --no-check-replication-filters >"$work/pt.out" 2>&1 || status=$?
t1=$(now_ms)
kill "$watch_pid"
# Exit bits 1/2/4 are warnings and skipped chunks; 16 means a table differed
# (the replica lags the source's live writes while it runs).
[ $((status & 32)) = 0 ] && [ $((status & 64)) = 0 ] && [ $((status & 255)) != 255 ] ||
    { cat "$work/pt.out" >&2; fail "pt-table-checksum failed (exit $status)"; }
pt_s=$(awk -v d=$((t1 - t0)) 'BEGIN { printf "%.1f", d / 1000 }')
echo "pt-table-checksum: $pt_s s for the schema (exit $status); lag meanwhile $(lag_figures "$work/lag-pt" "$t0" "$t1")"
sed -n '/TS ERRORS/,$p' "$work/pt.out" | head -n 8

# ---- summary -----------------------------------------------------------------
fig() { awk -v k="$1" '$1 == k { print $2 }' "$work/results"; }
# shellcheck disable=SC2046
cp50=$(printf '%s\n' $(fig chunks) | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
# shellcheck disable=SC2046
cmax=$(printf '%s\n' $(fig chunks) | sort -n | tail -n 1)
# shellcheck disable=SC2046
kp50=$(printf '%s\n' $(fig checksum) | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
# shellcheck disable=SC2046
first=$(median $(fig first))
echo
echo "in-window verification, $rows-row table + the lab's four:"
awk -v c="$cp50" -v m="$cmax" -v k="$kp50" -v p="$pt_s" -v f="$first" 'BEGIN {
    printf "  chunks (this tool)  p50 %.3f s, max %.3f s; first full pass before the freeze %.1f s (median)\n", c, m, f / 1000
    printf "  CHECKSUM TABLE      p50 %.3f s (ratio to chunks %.0fx)\n", k, (c > 0) ? k / c : 0
    printf "  pt-table-checksum   %.1f s whole (ratio to chunks %.0fx)\n", p, (c > 0) ? p / c : 0
    printf "goal: chunks in-window cost under 50 ms: %s\n", (m < 0.050) ? "met (max)" : (c < 0.050) ? "met at p50, NOT at max" : "NOT met" }'
