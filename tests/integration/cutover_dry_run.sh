#!/usr/bin/env bash
# --dry-run prints every statement, request and command and executes none:
# read_only stays 0, the connection-string file and the maintenance flag are
# untouched, no audit log is written, no password is printed. And headless
# without --yes refuses.
. "$top_srcdir/tests/lib.sh"
[ -x "$CUTOVER" ] || fail "$CUTOVER not built"
lab_start --cdc-delay 0
before=$(sha256sum <"$LAB_APP_CONFIG")
out="$LAB_DIR/dry.out"
"$CUTOVER" run --headless --dry-run "$LAB_PLAN" >"$out" 2>&1 || { cat "$out"; fail "dry run failed"; }
cat "$out"
grep -q 'dry-run read-only: source: SET GLOBAL read_only = ON' "$out" || fail "read-only not described"
grep -q "dry-run lag-zero: source: INSERT INTO cutover.fence" "$out" || fail "the fence not described"
grep -q "dry-run swap: $LAB_APP_CONFIG: DATABASE_URL=" "$out" || fail "the swap not described"
grep -q 'dry-run stop-replication: target: STOP SLAVE' "$out" || fail "stop-replication not described"
sleep 0.5
[ "$(sql_source 'SELECT @@global.read_only')" = 0 ] || fail "read_only changed"
[ "$(sha256sum <"$LAB_APP_CONFIG")" = "$before" ] || fail "the connection-string file changed"
[ ! -e "$LAB_MAINTENANCE_FLAG" ] || fail "the maintenance flag appeared"
[ "$(sql_target "SELECT COUNT(*) FROM cutover.fence")" = 0 ] || fail "a fence row was written"
[ -z "$(ls "$LAB_SESSION_DIR"/*.audit.jsonl 2>/dev/null)" ] || fail "a dry run wrote an audit log"
for pw in "$LAB_APP_PASSWORD" "$LAB_CUTOVER_PASSWORD"; do
    ! grep -q "$pw" "$out" || fail "a password reached the output"
done

status=0
"$CUTOVER" run --headless "$LAB_PLAN" >"$LAB_DIR/noyes.out" 2>&1 || status=$?
[ "$status" = 2 ] || fail "headless without --yes exited $status, 2 expected"
grep -q -- '--yes' "$LAB_DIR/noyes.out" || fail "the refusal does not mention --yes"
[ "$(sql_source 'SELECT @@global.read_only')" = 0 ] || fail "read_only changed"
