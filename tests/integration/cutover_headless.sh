#!/usr/bin/env bash
# A full headless cutover on the lab under the lab application's write load:
# afterwards the source is read-only, the fence is on the target, every shop
# table is equal on both up to the freeze, the connection-string file names
# the target, the maintenance flag is gone, the audit chain verifies, no
# acknowledged write is missing and the application writes to the target by
# itself. Prints the application-observed downtime, the lag-zero detection
# latency and each step's duration.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/cutover_lib.sh"
[ -x "$CUTOVER" ] || fail "$CUTOVER not built"
lab_start --cdc-delay 0
sleep 2 # the application writes for a while before the cutover

out="$LAB_DIR/run.out"
status=0
"$CUTOVER" run --headless --yes "$LAB_PLAN" >"$out" 2>&1 || status=$?
cat "$out"
[ "$status" = 0 ] || fail "cutover run --headless exited $status"
grep -q '^summary: cutover completed' "$out" || fail "no 'cutover completed' summary"

cutover_assert_completed "$out"
latency=$(grep -o 'on the target after [0-9.]* ms' "$out" | head -n 1 | awk '{print $5}')
note "lag-zero detection latency (fence written -> seen on the target): ${latency} ms"
note "$(grep 'downtime' "$out" | tail -n 1 | sed 's/^ *//') by the checklist's clock"
