#!/usr/bin/env bash
# A full headless cutover on the lab under the lab application's write load:
# afterwards the source is read-only, the fence is on the target, every shop
# table is equal on both up to the freeze, the connection-string file names
# the target, the maintenance flag is gone, the audit chain verifies, no
# acknowledged write is missing and the application writes to the target by
# itself. Prints the application-observed downtime, the lag-zero detection
# latency and each step's duration.
. "$top_srcdir/tests/lib.sh"
[ -x "$CUTOVER" ] || fail "$CUTOVER not built"
lab_start --cdc-delay 0
sleep 2 # the application writes for a while before the cutover

out="$LAB_DIR/run.out"
status=0
"$CUTOVER" run --headless --yes "$LAB_PLAN" >"$out" 2>&1 || status=$?
cat "$out"
[ "$status" = 0 ] || fail "cutover run --headless exited $status"
grep -q '^summary: cutover completed' "$out" || fail "no 'cutover completed' summary"

[ "$(sql_source 'SELECT @@global.read_only')" = 1 ] || fail "the source is not read-only"

fence=$(grep -o 'proof: fence [^ ]*' "$out" | head -n 1 | awk '{print $3}')
[ -n "$fence" ] || fail "no fence proof in the output"
[ "$(sql_target "SELECT COUNT(*) FROM cutover.fence WHERE id = '$fence'")" = 1 ] ||
    fail "fence $fence is not on the target"

# Tables the application does not write: CHECKSUM TABLE must match now.
for t in customers products order_history; do
    a=$(sql_source "CHECKSUM TABLE shop.$t" | cut -f2)
    b=$(sql_target "CHECKSUM TABLE shop.$t" | cut -f2)
    [ -n "$a" ] && [ "$a" = "$b" ] || fail "shop.$t checksum differs: source $a, target $b"
done
# orders keeps growing on the target after the cutover: compare every row the
# source ever had (it is frozen), field by field through a digest.
max=$(sql_source "SELECT COALESCE(MAX(id), 0) FROM shop.orders")
digest="SELECT COUNT(*), COALESCE(BIT_XOR(CRC32(CONCAT_WS('#', id, customer_id, product_id,
    quantity, amount_cents, created_at))), 0) FROM shop.orders WHERE id <= $max"
a=$(sql_source "$digest")
b=$(sql_target "$digest")
[ "$a" = "$b" ] || fail "shop.orders up to id $max differs: source '$a', target '$b'"
note "shop.orders rows up to the freeze: $(echo "$a" | cut -f1), equal on both"

grep -q "^DATABASE_URL=mysql://app@127.0.0.1:$LAB_TARGET_PORT/shop\$" "$LAB_APP_CONFIG" ||
    fail "the connection-string file does not name the target"
[ ! -e "$LAB_MAINTENANCE_FLAG" ] || fail "the maintenance flag is still there"
[ "$(stat -c %a "$LAB_APP_CONFIG.cutover-old")" = 600 ] || fail "the old-value sidecar is not 0600"
! grep -q "$LAB_APP_PASSWORD" "$out" || fail "the app password reached the output"
! grep -q "$LAB_CUTOVER_PASSWORD" "$out" || fail "the console password reached the output"

audit=$(ls "$LAB_SESSION_DIR"/*.audit.jsonl)
"$CUTOVER" verify "$audit" || fail "cutover verify failed on $audit"
! grep -q "$LAB_APP_PASSWORD" "$audit" || fail "the app password reached the audit log"

# The application found the target by itself: its newest acks come from server 2.
sleep 1.5
wait_until 10 bash -c "tail -n 1 '$LAB_APP_LOG' | awk '{exit !(\$3 == 2)}'" ||
    fail "the application is not writing to the target (last ack: $(tail -n 1 "$LAB_APP_LOG"))"
check=$("$LAB_BIN/check-app-log" "$LAB_DIR") || fail "lab/check-app-log: $check"
echo "$check"
echo "$check" | grep -q ' missing=0 ' || fail "acknowledged writes are missing on the target"
gap=$(echo "$check" | sed -n 's/.*longest_gap_ms=\([0-9]*\).*/\1/p')
latency=$(grep -o 'on the target after [0-9.]* ms' "$out" | head -n 1 | awk '{print $5}')
note "app-observed downtime (longest gap between acknowledged writes): ${gap} ms"
note "lag-zero detection latency (fence written -> seen on the target): ${latency} ms"
note "$(grep 'downtime' "$out" | tail -n 1 | sed 's/^ *//') by the checklist's clock"
