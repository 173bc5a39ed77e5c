#!/usr/bin/env bash
# The lab's databases: the target replicates from the source through the
# endpoint proxy with the CDC delay, the accounts work with the generated
# passwords, the schema is identical on both, and the plan and env files say
# what lab/up built.
. "$top_srcdir/tests/lib.sh"
lab_start --no-app

# Replication runs through the proxy, by GTID, with MASTER_DELAY.
status=$(mariadb --no-defaults --socket="$LAB_TARGET_SOCKET" -e "SHOW SLAVE STATUS\G")
field() { sed -n "s/^ *$1: //p" <<<"$status"; }
[ "$(field Master_Port)" = "$LAB_ENDPOINT_PORT" ] || fail "target replicates from port $(field Master_Port), not the proxy's $LAB_ENDPOINT_PORT"
[ "$(field Using_Gtid)" = Slave_Pos ] || fail "Using_Gtid is $(field Using_Gtid), expected Slave_Pos"
[ "$(field SQL_Delay)" = "$LAB_CDC_DELAY" ] || fail "SQL_Delay is $(field SQL_Delay), expected $LAB_CDC_DELAY"
[ "$(field Slave_IO_Running)" = Yes ] && [ "$(field Slave_SQL_Running)" = Yes ] || fail "replication threads not both running"
[ "$(sql_source 'SELECT @@server_id, @@binlog_format, @@log_bin')" = "$(printf '1\tROW\t1')" ] || fail "source is not server 1 with a ROW binlog"
[ "$(sql_target 'SELECT @@server_id, @@log_bin')" = "$(printf '2\t1')" ] || fail "target is not server 2 with a binlog"

# A row written on the source is not on the target at once (CDC delay), but
# arrives within a few seconds.
id=$(( $(now_ms) * 1000 + 7 ))
t0=$(now_ms)
sql_source "INSERT INTO shop.orders VALUES ($id, 1, 1, 1, 100, NOW(6))"
present() { [ "$(sql_target "SELECT COUNT(*) FROM shop.orders WHERE id = $id")" = 1 ]; }
! present || fail "row $id is on the target immediately: no CDC delay"
wait_until 10 present || fail "row $id did not reach the target within 10 s"
lag=$(( $(now_ms) - t0 ))
note "row reached the target after $lag ms (cdc delay ${LAB_CDC_DELAY}s)"
[ "$lag" -ge $(( LAB_CDC_DELAY * 1000 - 100 )) ] || fail "row arrived after $lag ms, before the CDC delay of ${LAB_CDC_DELAY}s"

# Both servers hold the same data: the big table and every shop table.
[ "$(sql_target 'SELECT COUNT(*) FROM shop.order_history')" = 300000 ] || fail "order_history does not have 300000 rows on the target"
tables="shop.customers, shop.products, shop.orders, shop.order_history, cutover.heartbeat, cutover.fence"
src_sum=$(sql_source "CHECKSUM TABLE $tables")
tgt_sum=$(sql_target "CHECKSUM TABLE $tables")
[ "$src_sum" = "$tgt_sum" ] || fail "checksums differ: source [$src_sum] target [$tgt_sum]"
grep -q "order_history	[1-9]" <<<"$src_sum" || fail "no checksum for order_history: $src_sum"

# Accounts: cutover is privileged over TCP (also through the proxy), app can
# only do DML on shop, and both work with the generated passwords.
tcp() { local port=$1 user=$2 pw=$3; shift 3; mariadb --no-defaults -h127.0.0.1 -P"$port" -u"$user" -p"$pw" --batch --skip-column-names -e "$*"; }
for port in "$LAB_SOURCE_PORT" "$LAB_TARGET_PORT" "$LAB_ENDPOINT_PORT"; do
    grants=$(tcp "$port" cutover "$LAB_CUTOVER_PASSWORD" "SHOW GRANTS")
    grep -q "GRANT ALL PRIVILEGES ON \*\.\* TO .cutover.@.127.0.0.1. .*WITH GRANT OPTION" <<<"$grants" || fail "cutover lacks ALL PRIVILEGES on port $port: $grants"
    tcp "$port" app "$LAB_APP_PASSWORD" "SELECT COUNT(*) FROM shop.products" >/dev/null || fail "app cannot read shop on port $port"
done
tcp "$LAB_SOURCE_PORT" app "$LAB_APP_PASSWORD" "CREATE TABLE shop.nope (i INT)" 2>/dev/null && fail "app could create a table"
tcp "$LAB_SOURCE_PORT" app wrong-password "SELECT 1" 2>/dev/null && fail "app logged in with a wrong password"
[ "$(sql_source "SELECT COUNT(*) FROM mysql.global_priv WHERE User IN ('cutover','app') AND Host IN ('127.0.0.1','localhost')")" = 4 ] || fail "cutover/app accounts missing for 127.0.0.1 or localhost"

# The files lab/up wrote.
[ "$(stat -c %a "$LAB_DIR/cutover.cnf")" = 600 ] || fail "cutover.cnf is not mode 0600"
grep -qx "password=$LAB_CUTOVER_PASSWORD" "$LAB_DIR/cutover.cnf" || fail "cutover.cnf lacks the cutover password"
grep -qx "DATABASE_URL=mysql://app@127.0.0.1:$LAB_SOURCE_PORT/shop" "$LAB_APP_CONFIG" || fail "app.conf does not point at the source"
py=/usr/bin/python3; [ -x "$py" ] || py=python3
"$py" - "$LAB_PLAN" "$LAB_ENDPOINT_PORT" "$LAB_TARGET_PORT" "$LAB_DIR" <<'PY' || fail "plan.json does not describe the lab"
import json, re, sys
path, endpoint, target, d = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
text = re.sub(r"^\s*//.*$", "", open(path).read(), flags=re.M)
plan = json.loads(text)
assert plan["source"]["port"] == endpoint and plan["endpoint"]["port"] == endpoint
assert plan["target"]["port"] == target
assert plan["source"]["password"] == {"option_file": d + "/cutover.cnf", "group": "source"}
assert plan["swap"]["value"] == "mysql://app@127.0.0.1:%d/shop" % target
assert plan["maintenance"]["path"] == d + "/maintenance.flag"
assert plan["target_health"]["app_password"] == {"env": "LAB_APP_PASSWORD"}
assert len(plan["steps"]) == 9
PY
# The project's own plan parser accepts it (when built).
if [ -x "$top_builddir/plan/plan-check" ]; then
    "$top_builddir/plan/plan-check" "$LAB_PLAN" >/dev/null || fail "plan-check rejects $LAB_PLAN"
fi
for pw in "$LAB_CUTOVER_PASSWORD" "$LAB_APP_PASSWORD" "$LAB_REPL_PASSWORD"; do
    ! grep -qF "$pw" "$LAB_PLAN" || fail "a password is in plan.json"
done
exit 0
