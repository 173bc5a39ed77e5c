#!/usr/bin/env bash
# The exec and lock-accounts methods rolled back for real: the swap's
# read-back command reads a copy of the connection-string file that still
# holds the old value, so the swap fails after its command has written the
# real file. The rollback runs every undo through the same methods: the
# swap's command puts the old value back, the application's accounts are
# unlocked (again out of the binlog), the maintenance command removes the
# flag. The application writes to the source again, nothing is lost, the
# audit verifies, the target's account was never locked.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/cutover_lib.sh"
[ -x "$CUTOVER" ] || fail "$CUTOVER not built"
lab_start --cdc-delay 0
export LAB_APP_PASSWORD
decoy="$LAB_DIR/app.conf.decoy"
cp "$LAB_APP_CONFIG" "$decoy"
sleep 1

plan=$(cutover_methods_plan methods "$decoy")
out="$LAB_DIR/run.out"
cutover_run "$out" "$plan" rolled-back
grep -q "swap  failed  .*mysql://app@127.0.0.1:$LAB_SOURCE_PORT/shop" "$out" ||
    fail "the swap's failed read-back is not said with the value it read"
grep -q 'read-only  rolled-back  2 account(s) unlocked' "$out" || fail "the accounts were not unlocked"
grep -q 'maintenance-on  rolled-back  command exited 0' "$out" || fail "maintenance was not turned off by its command"
for host in 127.0.0.1 localhost; do
    ! sql_source "SHOW CREATE USER 'app'@'$host'" | grep -q 'ACCOUNT LOCK' || fail "'app'@'$host' is still locked"
done
! sql_target "SHOW CREATE USER 'app'@'127.0.0.1'" | grep -q 'ACCOUNT LOCK' ||
    fail "the lock reached the target through replication"
audit=$(cutover_audit)
grep -q 'ALTER USER .app.@.127.0.0.1. ACCOUNT UNLOCK' "$audit" || fail "the unlock is not in the audit"
cutover_assert_settled
