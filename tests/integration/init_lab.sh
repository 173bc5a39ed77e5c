#!/usr/bin/env bash
# `cutover init` on the lab: a plan written from what the servers say
# (flavour, replica or not, binlog, the application's tables with sizes and
# keys), commented, that validates against the schema and that `cutover
# check` passes at once; passwords only as references; an existing file is
# kept without --force; a table without a key is named and left out of
# verification; a server that cannot be reached is said by name.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/cutover_lib.sh"
[ -x "$CUTOVER" ] || fail "$CUTOVER not built"
lab_start --no-app
export LAB_APP_PASSWORD

plan="$LAB_DIR/init.plan.jsonc"
init() {
    "$CUTOVER" init -o "$plan" --name "lab from init" --session-dir "$LAB_SESSION_DIR" \
        --source "127.0.0.1:$LAB_ENDPOINT_PORT" --target "127.0.0.1:$LAB_TARGET_PORT" \
        --endpoint "localhost:$LAB_ENDPOINT_PORT" \
        --option-file "$LAB_CUTOVER_CNF" --source-group source --target-group target \
        --maintenance-flag "$LAB_MAINTENANCE_FLAG" \
        --swap-file "$LAB_APP_CONFIG" --swap-key DATABASE_URL \
        --swap-value "mysql://app@127.0.0.1:$LAB_TARGET_PORT/shop" \
        --app-user app --app-password-env LAB_APP_PASSWORD "$@"
}
out=$(init 2>&1) || fail "cutover init failed: $out"
echo "$out"
cat "$plan"
grep -q "wrote $plan; next: cutover check $plan" <<<"$out" || fail "init did not say what it wrote"
grep -q '// MariaDB 10\.[0-9.]*; binlog on, format ROW' "$plan" || fail "the source's facts are not in the plan"
grep -qE '//   shop\.orders +~[0-9]+ rows, [0-9.]+ [kMG]B' "$plan" || fail "the tables are not listed with sizes"
if [ "${LAB_CDC:-native}" = dms ]; then
    grep -q '"replication": "external"' "$plan" || fail "a target fed by DMS taken for a replica"
    ! grep -q '"stop-replication"' "$plan" || fail "stop-replication on a target that is no replica"
else
    grep -q '// a replica of 127.0.0.1:' "$plan" || fail "the target was not seen as a replica"
    grep -q '"stop-replication"' "$plan" || fail "no stop-replication step for a replica"
fi
grep -q '"verify": { "mode": "chunks", "tables": "all" }' "$plan" || fail "every table has a key: verify all"
! grep -qF -e "$LAB_CUTOVER_PASSWORD" -e "$LAB_APP_PASSWORD" "$plan" || fail "a password was written into the plan"
plan_validate "$plan"
check=$("$CUTOVER" check "$plan" 2>&1) || fail "cutover check on the plan init wrote: $check"
grep -q '^GO$' <<<"$check" || fail "no GO: $check"
note "init wrote a plan that validates and passes check: $(grep -c '^PASS' <<<"$check") checks"

# An existing plan is kept unless --force.
status=0
out=$(init 2>&1) || status=$?
[ "$status" = 2 ] && grep -q "exists; --force replaces it" <<<"$out" || fail "overwrote without --force: $status $out"

# A table without a key: named, not verified; the plan still passes.
sql_source "CREATE TABLE shop.nokey (v INT); INSERT INTO shop.nokey VALUES (1), (2)"
# The DMS stand-in carries rows, not DDL (as a task without DDL handling).
[ "${LAB_CDC:-native}" != dms ] || sql_target "CREATE TABLE IF NOT EXISTS shop.nokey (v INT)"
nokey_on_target() {
    [ "$(sql_target "SELECT COUNT(*) FROM shop.nokey" 2>/dev/null)" = 2 ]
}
wait_until 30 nokey_on_target || fail "shop.nokey's rows did not reach the target"
out=$(init --force 2>&1) || fail "init --force: $out"
grep -q '1 without a key' <<<"$out" || fail "init did not count the keyless table: $out"
grep -qE '//   shop\.nokey .*NO primary or unique key' "$plan" || fail "the keyless table is not named"
grep -q '"tables": \[.*"shop.orders"' "$plan" || fail "verify does not list the keyed tables"
! grep -q '"tables": \[.*"shop.nokey"' "$plan" || fail "the keyless table is verified"
"$CUTOVER" check "$plan" >/dev/null 2>&1 || fail "check fails with a keyless table named"
note "a keyless table is named and left out of verification"

# Bad input, said by name.
status=0
out=$("$CUTOVER" init -o "$LAB_DIR/x.jsonc" --source "127.0.0.1:$LAB_ENDPOINT_PORT" --target "127.0.0.1:$LAB_TARGET_PORT" --password-env NO_SUCH_VAR_XYZ 2>&1) || status=$?
[ "$status" = 1 ] && grep -q "NO_SUCH_VAR_XYZ is not set" <<<"$out" || fail "an unset password variable: $status $out"
[ ! -e "$LAB_DIR/x.jsonc" ] || fail "a plan was written although the source could not be read"
status=0
out=$("$CUTOVER" init --source a 2>&1 </dev/null) || status=$?
[ "$status" = 2 ] && grep -q "say where the target is" <<<"$out" || fail "no target: $status $out"
