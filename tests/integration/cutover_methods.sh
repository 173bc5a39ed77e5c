#!/usr/bin/env bash
# The other step methods, run for real on the lab (not only in unit tests):
# maintenance by commands (exec: touch and rm of the flag the application
# honours), read-only by locking the application's accounts and ending their
# sessions (lock-accounts), the swap by a command with a read-back command
# (exec: sed on the connection-string file). The cutover completes: the
# accounts locked on the source but NOT on the target (the lock is kept out
# of the binlog the target replicates), read_only untouched, the file names
# the target, nothing lost, the audit verifies.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/cutover_lib.sh"
[ -x "$CUTOVER" ] || fail "$CUTOVER not built"
lab_start --cdc-delay 0
export LAB_APP_PASSWORD
sleep 1

plan=$(cutover_methods_plan methods "$LAB_APP_CONFIG")
cutover_run "$LAB_DIR/run.out" "$plan" completed
grep -q 'read-only  done  .*locked' "$LAB_DIR/run.out" || fail "read-only did not say the accounts are locked"
[ "$(sql_source 'SELECT @@global.read_only')" = 0 ] || fail "lock-accounts set read_only, which it must not"
for host in 127.0.0.1 localhost; do
    sql_source "SHOW CREATE USER 'app'@'$host'" | grep -q 'ACCOUNT LOCK' || fail "'app'@'$host' is not locked"
done
! sql_target "SHOW CREATE USER 'app'@'127.0.0.1'" | grep -q 'ACCOUNT LOCK' ||
    fail "the lock reached the target through replication"
[ "$(sql_source "SELECT COUNT(*) FROM information_schema.processlist WHERE user = 'app'")" = 0 ] ||
    fail "an application session is still open on the source"
audit=$(cutover_audit)
grep -q 'ALTER USER .app.@.127.0.0.1. ACCOUNT LOCK' "$audit" || fail "the lock is not in the audit"
grep -q "$(command -v sed) -i" "$audit" || fail "the swap command is not in the audit"
cutover_assert_settled
