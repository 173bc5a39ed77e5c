#!/usr/bin/env bash
# Verification by chunks (the lab plan's verify mode "chunks"), under the
# application's write load. Pre-flight is a no-go without the binlog reader.
# Four differences planted on the target only,
# one per run, each found by the window's recheck with its table and key
# range named, and each run rolled back before the swap:
#   - a row changed (customers.name),
#   - a row deleted (order_history),
#   - a row added (products, past the last key),
#   - a value COUNT(*) cannot see (orders.created_at moved by 1 µs).
# A plan verifying "all" tables finds a difference in a table it does not
# name. Then a run with nothing planted completes: the writes that land while
# chunks are compared are no false alarm, and the window's recheck cost is
# printed.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/cutover_lib.sh"
[ -x "$CUTOVER" ] || fail "$CUTOVER not built"
lab_start
export LAB_APP_PASSWORD
grep -q '"mode": "chunks"' "$LAB_PLAN" || fail "the lab plan does not verify by chunks"
sleep 2 # the application writes for a while first

# Without the binlog reader on PATH, pre-flight is a no-go that says why
# (every chunk would otherwise be compared again inside the window).
status=0
env PATH=/nonexistent "$CUTOVER" check "$LAB_PLAN" >"$LAB_DIR/check-noreader.out" 2>&1 || status=$?
[ "$status" = 1 ] || { cat "$LAB_DIR/check-noreader.out"; fail "check without mariadb-binlog: exit $status, 1 expected"; }
grep -q 'FAIL  binlog reader .*mariadb-client' "$LAB_DIR/check-noreader.out" ||
    { cat "$LAB_DIR/check-noreader.out"; fail "the no-go does not name the missing reader"; }

# plant NAME TABLE KEY SQL-TO-PLANT SQL-TO-UNDO: one run that must fail at
# verify naming TABLE and a range holding KEY, then roll back.
plant() {
    local name=$1 table=$2 key=$3 out="$LAB_DIR/run-$1.out" status=0
    sql_target "SET SESSION sql_log_bin = 0; USE shop; $4"
    "$CUTOVER" run --headless --yes "$LAB_PLAN" >"$out" 2>&1 || status=$?
    [ "$status" = 3 ] || { cat "$out"; fail "$name: exit status $status, 3 (rolled back) expected"; }
    local line re lo hi
    line=$(grep -m1 '  verify  failed  ' "$out") || { cat "$out"; fail "$name: verify did not fail"; }
    re="verify: $table \`id\` (start|-?[0-9]+)\.\.(end|-?[0-9]+) differs: source [0-9]+ rows, sum [0-9]+; target [0-9]+ rows, sum [0-9]+"
    [[ $line =~ $re ]] || fail "$name: the failure does not name $table, a range and both sides: $line"
    lo=${BASH_REMATCH[1]} hi=${BASH_REMATCH[2]}
    { [ "$lo" = start ] || [ "$key" -ge "$lo" ]; } && { [ "$hi" = end ] || [ "$key" -le "$hi" ]; } ||
        fail "$name: the range $lo..$hi does not hold key $key"
    note "$name: ${line#*verify  failed  }"
    grep -q '^summary: cutover failed and was rolled back' "$out" || fail "$name: no rollback"
    ! grep -q '  swap  done' "$out" || fail "$name: the swap ran"
    cutover_assert_rolled_back
    sql_target "SET SESSION sql_log_bin = 0; USE shop; $5"
}

plant changed shop.customers 2500 \
    "UPDATE shop.customers SET name = 'Customer changed' WHERE id = 2500" \
    "UPDATE shop.customers SET name = 'Customer 2500' WHERE id = 2500"
plant deleted shop.order_history 150000 \
    "DELETE FROM shop.order_history WHERE id = 150000" \
    "INSERT INTO shop.order_history SELECT seq, 1 + seq % 5000, 1 + seq % 500, 1 + seq % 7,
       100 + (seq * 7919) % 100000, ELT(1 + seq % 4, 'placed', 'paid', 'shipped', 'delivered'),
       '2020-01-01 00:00:00' + INTERVAL seq * 300 SECOND, MD5(seq) FROM seq_150000_to_150000"
plant added shop.products 501 \
    "INSERT INTO shop.products VALUES (501, 'SKU-00501', 'Product 501', 100)" \
    "DELETE FROM shop.products WHERE id = 501"
order=$(sql_source "SELECT MIN(id) FROM shop.orders")
[ -n "$order" ] && [ "$order" != NULL ] || fail "no order written yet"
plant hidden shop.orders "$order" \
    "UPDATE shop.orders SET created_at = created_at + INTERVAL 1 MICROSECOND WHERE id = $order" \
    "UPDATE shop.orders SET created_at = created_at - INTERVAL 1 MICROSECOND WHERE id = $order"

# "tables": "all": a table the plan never names (created on both sides as a
# full load leaves it) is verified too, and its difference found. Pre-flight
# says how many tables "all" found.
sql_source "SET SESSION sql_log_bin = 0; USE shop; CREATE TABLE shop.extra (id INT PRIMARY KEY, v VARCHAR(20));
    INSERT INTO shop.extra SELECT seq, CONCAT('v', seq) FROM seq_1_to_3000"
sql_target "SET SESSION sql_log_bin = 0; USE shop; CREATE TABLE shop.extra (id INT PRIMARY KEY, v VARCHAR(20));
    INSERT INTO shop.extra SELECT seq, CONCAT('v', seq) FROM seq_1_to_3000"
all_plan="$LAB_DIR/plan-all.json"
cp "$LAB_PLAN" "$all_plan"
cutover_plan_py "$all_plan" "p['verify']['tables'] = 'all'"
"$CUTOVER" check "$all_plan" >"$LAB_DIR/check-all.out" 2>&1 || { cat "$LAB_DIR/check-all.out"; fail "check with tables all"; }
grep -q 'verify tables .*all: 5 table(s) on the source; 5 table(s) in chunks' "$LAB_DIR/check-all.out" ||
    { cat "$LAB_DIR/check-all.out"; fail "pre-flight does not say what \"all\" covers"; }
LAB_PLAN_SAVED=$LAB_PLAN
LAB_PLAN=$all_plan
plant all shop.extra 1234 \
    "UPDATE shop.extra SET v = 'changed' WHERE id = 1234" \
    "UPDATE shop.extra SET v = 'v1234' WHERE id = 1234"
LAB_PLAN=$LAB_PLAN_SAVED
sql_source "SET SESSION sql_log_bin = 0; DROP TABLE shop.extra"
sql_target "SET SESSION sql_log_bin = 0; DROP TABLE shop.extra"

# Nothing planted: the cutover completes, verified.
out="$LAB_DIR/run-clean.out"
cutover_run "$out" "$LAB_PLAN" completed
line=$(grep -m1 '  verify  done  ' "$out") || fail "verify did not pass"
[[ $line =~ 4\ table\(s\)\ equal:\ ([0-9]+)\ chunks,\ ([0-9]+)\ compared\ in\ the\ window\ \(([0-9]+)\ rows,\ ([0-9]+)\ ms\) ]] ||
    fail "the verify result does not give the window's figures: $line"
note "clean run: ${BASH_REMATCH[1]} chunks, ${BASH_REMATCH[2]} compared in the window (${BASH_REMATCH[3]} rows, ${BASH_REMATCH[4]} ms)"
cutover_assert_audit
cutover_assert_no_loss
