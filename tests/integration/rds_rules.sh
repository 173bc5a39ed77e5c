#!/usr/bin/env bash
# RDS's own rules on a source that answers as RDS does to its master user
# (lab/rds: no SUPER, CONNECTION ADMIN, BINLOG ADMIN or READ_ONLY ADMIN;
# mysql.rds_kill, mysql.rds_show_configuration), with the local AWS
# endpoint's instances:
#   - binlog retention is read from mysql.rds_show_configuration (NULL is a
#     no-go that says the CALL to make), not from binlog_expire_logs_seconds;
#   - the read-only parameter group must be attached to the source and used
#     by no other instance (named), the target must keep automated backups;
#   - on a DMS-fed target: binlog_row_image must be FULL, and freezing by the
#     parameter group is a no-go (the fence could not be written through
#     read_only=1 and DMS gives no other proof), so the cutover locks the
#     application's accounts and ends its sessions with CALL mysql.rds_kill,
#     where a plain KILL is refused;
#   - on a native replica: the parameter group freezes, the fence is refused
#     and the GTID proves lag zero.
# Each time a cutover completes on the RDS-modelled source.
. "$top_srcdir/tests/aws/aws_cutover_test.sh"
aws_lab_start --cdc-delay 0
"$LAB_BIN/rds" "$LAB_DIR" >/dev/null || fail "lab/rds failed"
aws_bridge_start

# The model holds: the console's account cannot KILL the app's session.
app_id=$(sql_source "SELECT id FROM information_schema.processlist WHERE user = 'app' LIMIT 1")
[ -n "$app_id" ] || fail "the lab application has no session on the source"
as_cutover() {
    mariadb --no-defaults -h127.0.0.1 -P"$LAB_SOURCE_PORT" -ucutover -p"$LAB_CUTOVER_PASSWORD" \
        --batch --skip-column-names -e "$1" 2>&1
}
kill_out=$(as_cutover "KILL CONNECTION $app_id" || true)
grep -q "ERROR 1095" <<<"$kill_out" ||
    fail "the RDS model lets the console's account KILL another account's session: $kill_out"

plan="$LAB_DIR/plan-rds.json"
if [ "$LAB_CDC" = dms ]; then
    aws_cutover_plan "$plan" 'p["read_only"] = {"method": "lock-accounts", "accounts": ["'"'app'@'127.0.0.1'"'", "'"'app'@'localhost'"'"]}'
else
    # The target is a native replica here, and the plan says so: the GTID
    # is then a proof when the fence cannot be written.
    aws_cutover_plan "$plan" 'p["replication"] = "native"'
fi
check_out="$LAB_DIR/check.out"
expect_check() { # STATUS PATTERN WHAT
    local status=0
    "$CUTOVER" check "$plan" >"$check_out" 2>&1 || status=$?
    [ "$status" = "$1" ] || { cat "$check_out"; fail "check exited $status, $1 expected: $3"; }
    grep -q -- "$2" "$check_out" || { cat "$check_out"; fail "check did not say: $2 ($3)"; }
}

# Retention: RDS's setting, not the server's.
sql_source "SET GLOBAL binlog_expire_logs_seconds = 3600"
expect_check 1 "FAIL  binlog retention .*'binlog retention hours' is NULL.*CALL mysql.rds_set_configuration('binlog retention hours', 24)" \
    "retention NULL"
as_cutover "CALL mysql.rds_set_configuration('binlog retention hours', 48)" >/dev/null
expect_check 0 "PASS  binlog retention .*RDS keeps binlogs 48 h" "48 h kept while the server says 1 h"

# The parameter group and the target's backups (AWS DescribeDBInstances).
if [ "$LAB_CDC" = native ]; then
    fake_py "s['rds']['instances']['shop-source']['parameter_group'] = 'default.mysql8.0'"
    expect_check 1 "FAIL  RDS param group .*shop-source uses parameter group default.mysql8.0, not shop-source-params" \
        "a group not attached"
    fake_py "s['rds']['instances']['shop-source']['parameter_group'] = 'shop-source-params'
s['rds']['instances']['reporting-replica']['parameter_group'] = 'shop-source-params'"
    expect_check 1 "FAIL  RDS param group .*also the parameter group of reporting-replica" "a shared group"
    fake_py "s['rds']['instances']['reporting-replica']['parameter_group'] = 'default.mysql8.0'"
fi
fake_py "s['rds']['instances']['shop-target']['backup_retention'] = 0"
expect_check 1 "FAIL  target backups .*automated backups are off on shop-target" "no backups on the target"
fake_py "s['rds']['instances']['shop-target']['backup_retention'] = 7"

if [ "$LAB_CDC" = dms ]; then
    sql_source "SET GLOBAL binlog_row_image = 'MINIMAL'"
    expect_check 1 "FAIL  binlog row image .*binlog_row_image=MINIMAL" "MINIMAL row images"
    sql_source "SET GLOBAL binlog_row_image = 'FULL'"
    cutover_plan_py "$plan" 'p["read_only"] = {"method": "rds-parameter-group", "parameter_group": "shop-source-params"}'
    expect_check 1 "FAIL  read-only fence .*use read_only.method lock-accounts" "freeze by parameter group on DMS"
    cutover_plan_py "$plan" 'p["read_only"] = {"method": "lock-accounts", "accounts": ["'"'app'@'127.0.0.1'"'", "'"'app'@'localhost'"'"]}'
fi
expect_check 0 "go" "the plan as it will run"
note "pre-flight on the RDS-modelled source: every rule said"

out="$LAB_DIR/run.out"
cutover_run "$out" "$plan" completed
if [ "$LAB_CDC" = dms ]; then
    grep -q "CALL mysql.rds_kill(" "$(cutover_audit)" || fail "the sessions were not ended with mysql.rds_kill"
    [ "$(sql_source "SELECT COUNT(*) FROM information_schema.processlist WHERE user = 'app'")" = 0 ] ||
        fail "an application session is still open on the source"
    grep -q 'lag-zero  done  proof: fence' "$out" || fail "lag zero was not proven by the fence"
else
    grep -q 'fence not written' "$out" || fail "the fence went through read_only=1: the account is not RDS-like"
    grep -q 'lag-zero  done  proof: gtid' "$out" || fail "lag zero was not proven by the GTID"
fi
cutover_assert_settled
