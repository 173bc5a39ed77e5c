# Checks shared by every test that runs a cutover on the lab (headless,
# interactive, fault injection). Source after tests/lib.sh and lab_start.

# cutover_assert_completed OUTPUT_FILE: the state after a completed cutover.
# OUTPUT_FILE is what the run printed (headless output or a screen capture);
# the fence id is taken from the audit log, which every run writes.
cutover_assert_completed() {
    local out=$1 audit fence
    audit=$(ls "$LAB_SESSION_DIR"/*.audit.jsonl)
    [ "$(sql_source 'SELECT @@global.read_only')" = 1 ] || fail "the source is not read-only"
    fence=$(grep -o 'proof: fence [^ "]*' "$audit" | tail -n 1 | awk '{print $3}')
    [ -n "$fence" ] || fail "no fence proof in the audit log"
    [ "$(sql_target "SELECT COUNT(*) FROM cutover.fence WHERE id = '$fence'")" = 1 ] ||
        fail "fence $fence is not on the target"
    cutover_assert_tables_equal
    grep -q "^DATABASE_URL=mysql://app@127.0.0.1:$LAB_TARGET_PORT/shop\$" "$LAB_APP_CONFIG" ||
        fail "the connection-string file does not name the target"
    [ ! -e "$LAB_MAINTENANCE_FLAG" ] || fail "the maintenance flag is still there"
    [ "$(stat -c %a "$LAB_APP_CONFIG.cutover-old")" = 600 ] || fail "the old-value sidecar is not 0600"
    "$CUTOVER" verify "$audit" || fail "cutover verify failed on $audit"
    cutover_assert_no_secrets "$out" "$audit" "$LAB_SESSION_DIR"/*.session.jsonl
    cutover_assert_app_on_target
}

# Tables the application does not write must checksum equal; orders (still
# written on the target afterwards) is compared up to the frozen source's
# newest row, field by field through a digest.
cutover_assert_tables_equal() {
    local t a b max digest
    for t in customers products order_history; do
        a=$(sql_source "CHECKSUM TABLE shop.$t" | cut -f2)
        b=$(sql_target "CHECKSUM TABLE shop.$t" | cut -f2)
        [ -n "$a" ] && [ "$a" = "$b" ] || fail "shop.$t checksum differs: source $a, target $b"
    done
    max=$(sql_source "SELECT COALESCE(MAX(id), 0) FROM shop.orders")
    digest="SELECT COUNT(*), COALESCE(BIT_XOR(CRC32(CONCAT_WS('#', id, customer_id, product_id,
        quantity, amount_cents, created_at))), 0) FROM shop.orders WHERE id <= $max"
    a=$(sql_source "$digest")
    b=$(sql_target "$digest")
    [ "$a" = "$b" ] || fail "shop.orders up to id $max differs: source '$a', target '$b'"
    note "shop.orders rows up to the freeze: $(echo "$a" | cut -f1), equal on both"
}

# No password of the lab in any of the files given.
cutover_assert_no_secrets() {
    local f
    for f in "$@"; do
        [ -f "$f" ] || continue
        ! grep -qF "$LAB_APP_PASSWORD" "$f" || fail "the app password reached $f"
        ! grep -qF "$LAB_CUTOVER_PASSWORD" "$f" || fail "the console password reached $f"
    done
}

# The application moved to the target by itself, and lost nothing; prints
# the application-observed downtime.
cutover_assert_app_on_target() {
    local check gap
    sleep 1.5
    wait_until 10 bash -c "tail -n 1 '$LAB_APP_LOG' | awk '{exit !(\$3 == 2)}'" ||
        fail "the application is not writing to the target (last ack: $(tail -n 1 "$LAB_APP_LOG"))"
    check=$("$LAB_BIN/check-app-log" "$LAB_DIR") || fail "lab/check-app-log: $check"
    echo "$check"
    echo "$check" | grep -q ' missing=0 ' || fail "acknowledged writes are missing on the target"
    gap=$(echo "$check" | sed -n 's/.*longest_gap_ms=\([0-9]*\).*/\1/p')
    note "app-observed downtime (longest gap between acknowledged writes): ${gap} ms"
}
