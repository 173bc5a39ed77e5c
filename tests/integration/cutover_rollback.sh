#!/usr/bin/env bash
# The flow to the target is stopped (the replica's threads, or the DMS
# stand-in on the field's topology), so lag zero times out (a plan with a
# 2 s timeout) and headless mode rolls back: the source is writable again,
# the connection-string file is untouched, the maintenance flag is gone, and
# the audit log records every undo and verifies. The plan leaves out the
# pre-flight step (which would refuse to start with replication stopped).
. "$top_srcdir/tests/lib.sh"
[ -x "$CUTOVER" ] || fail "$CUTOVER not built"
lab_start --cdc-delay 0
plan="$LAB_DIR/plan-rollback.json"
sed -e 's/"timeout_ms": [0-9]*, "fence": true/"timeout_ms": 2000, "fence": true/' \
    -e 's/"steps": \["preflight", /"steps": [/' "$LAB_PLAN" >"$plan"
grep -q '"timeout_ms": 2000, "fence"' "$plan" || fail "could not shorten the lag-zero timeout"
before=$(sha256sum <"$LAB_APP_CONFIG")
lab_cdc_stop

out="$LAB_DIR/run.out"
status=0
"$CUTOVER" run --headless --yes "$plan" >"$out" 2>&1 || status=$?
cat "$out"
[ "$status" = 3 ] || fail "exit status $status, 3 expected for a rolled-back cutover"
grep -q 'lag-zero  failed  lag-zero timed out' "$out" || fail "lag-zero did not time out"
grep -q '^summary: cutover failed and was rolled back' "$out" || fail "no rollback summary"

[ "$(sql_source 'SELECT @@global.read_only')" = 0 ] || fail "the source is still read-only"
[ "$(sha256sum <"$LAB_APP_CONFIG")" = "$before" ] || fail "the connection-string file changed"
[ ! -e "$LAB_MAINTENANCE_FLAG" ] || fail "the maintenance flag is still there"

audit=$(ls "$LAB_SESSION_DIR"/*.audit.jsonl)
"$CUTOVER" verify "$audit" || fail "cutover verify failed"
for step in read-only maintenance-on; do
    grep -q "\"step\":\"$step\",\"action\":\"rollback-start\"" "$audit" ||
        fail "no rollback-start of $step in the audit log"
    grep -q "\"step\":\"$step\",\"action\":\"rolled-back\"" "$audit" ||
        fail "no rolled-back of $step in the audit log"
done
grep -q '"step":"lag-zero","action":"failed"' "$audit" || fail "the lag-zero failure is not audited"

# The application carries on against the source; nothing it saw acked is lost.
lab_cdc_start
sleep 1.5
tail -n 1 "$LAB_APP_LOG" | awk '{exit !($3 == 1)}' || fail "the application is not writing to the source again"
check=$("$LAB_BIN/check-app-log" "$LAB_DIR" --catch-up) || fail "lab/check-app-log: $check"
echo "$check"
note "app-observed downtime during the failed attempt: $(echo "$check" | sed -n 's/.*longest_gap_ms=\([0-9]*\).*/\1/p') ms"
