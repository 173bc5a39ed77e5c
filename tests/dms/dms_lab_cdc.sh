#!/usr/bin/env bash
# The lab's DMS stand-in (lab/up --cdc dms): the target is a plain server
# (SHOW SLAVE STATUS empty), and the source's changes reach it through the
# endpoint and the replication link's delay; a stop and a SIGKILL at any
# moment resume from the checkpoint with nothing lost and nothing applied
# twice (the application's ids are primary keys: a second apply would fail
# the process); a table the mappings leave out never reaches the target; a
# blackholed endpoint stalls it.
. "$top_srcdir/tests/lib.sh"
export LAB_TOPOLOGY=dms
lab_start --link-delay 300
C="$LAB_BIN/cdc"

[ -z "$(sql_target 'SHOW SLAVE STATUS')" ] || fail "the target is a replica: SHOW SLAVE STATUS is not empty"
"$C" "$LAB_DIR" status | grep -q '^running' || fail "the CDC process is not running: $("$C" "$LAB_DIR" status)"

# A row written on the source arrives after the link's delay, not before.
arrival_ms() {
    local id="arrival-$(now_ms)-$RANDOM" t0
    t0=$(now_ms)
    sql_source "INSERT INTO cutover.fence (id, created_at, note) VALUES ('$id', NOW(6), 'dms_lab_cdc')"
    wait_until 10 test_row_on_target "$id" || return 1
    echo $(($(now_ms) - t0))
}
test_row_on_target() { [ "$(sql_target "SELECT COUNT(*) FROM cutover.fence WHERE id = '$1'")" = 1 ]; }
ms=$(arrival_ms) || fail "a row did not reach the target within 10 s"
note "a row reached the target after $ms ms (link delay 300 ms)"
[ "$ms" -ge 300 ] || fail "a row arrived after $ms ms, before the link's 300 ms delay"

# Stopped: nothing arrives; started: it resumes where it stood.
"$C" "$LAB_DIR" stop >/dev/null
"$C" "$LAB_DIR" status | grep -q '^stopped at ' || fail "after stop: $("$C" "$LAB_DIR" status)"
before=$(sql_target "SELECT COUNT(*) FROM shop.orders")
sleep 1
[ "$(sql_target "SELECT COUNT(*) FROM shop.orders")" = "$before" ] || fail "rows reached the target while the CDC process was stopped"
"$C" "$LAB_DIR" start >/dev/null
"$C" "$LAB_DIR" wait-applied 30 || fail "CDC did not catch up after a start"

# SIGKILL at three moments under 1,200 writes/s: the task reads failed, a
# start resumes, and no row is applied twice (a duplicate key would stop it).
for i in 1 2 3; do
    sleep 0.$((RANDOM % 9 + 1))
    "$C" "$LAB_DIR" kill >/dev/null
    "$C" "$LAB_DIR" status >/dev/null && fail "a killed CDC process does not read as failed"
    "$C" "$LAB_DIR" start >/dev/null
    "$C" "$LAB_DIR" wait-applied 30 || fail "CDC did not catch up after kill $i: $(tail -n 3 "$LAB_DIR/cdc.log")"
done
"$C" "$LAB_DIR" status | grep -q '^running' || fail "after three kills: $("$C" "$LAB_DIR" status)"

# A table the mappings leave out never reaches the target.
lab_cdc_exclude shop 'secret%'
sql_source "CREATE TABLE shop.secret_notes (id INT PRIMARY KEY, note VARCHAR(64)) ENGINE=InnoDB;
    INSERT INTO shop.secret_notes VALUES (1, 'left out by the mappings')"
"$C" "$LAB_DIR" wait-applied 30 || fail "CDC did not catch up after the mappings changed"
[ "$(sql_target "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'shop' AND table_name = 'secret_notes'")" = 0 ] ||
    fail "shop.secret_notes reached the target although the mappings exclude it"
# The state file is rewritten every 200 ms: wait for it, do not assume it.
wait_until 5 grep -q '"skipped_rows":[1-9]' "$LAB_CDC_STATE" ||
    fail "the left-out row is not counted as skipped: $(cat "$LAB_CDC_STATE")"

# A blackholed endpoint stalls CDC; passing again, it catches up.
"$LAB_BIN/proxy" "$LAB_DIR" blackhole >/dev/null
id="blackhole-$(now_ms)"
sql_source "INSERT INTO cutover.fence (id, created_at, note) VALUES ('$id', NOW(6), 'dms_lab_cdc blackhole')"
sleep 2
! test_row_on_target "$id" || fail "a row reached the target through a blackholed endpoint"
"$LAB_BIN/proxy" "$LAB_DIR" pass >/dev/null
wait_until 60 test_row_on_target "$id" || fail "CDC did not resume after the endpoint passed again"

"$LAB_BIN/app" "$LAB_DIR" stop >/dev/null
check=$("$LAB_BIN/check-app-log" "$LAB_DIR" --catch-up) || fail "lab/check-app-log: $check"
echo "$check"
grep -q ' missing=0 ' <<<"$check" || fail "acknowledged writes are missing on the target"
src=$(sql_source "SELECT COUNT(*), COALESCE(SUM(id % 1000003), 0) FROM shop.orders")
dst=$(sql_target "SELECT COUNT(*), COALESCE(SUM(id % 1000003), 0) FROM shop.orders")
[ "$src" = "$dst" ] || fail "shop.orders differs: source $src, target $dst"
note "shop.orders equal on both after a stop, three kills, a mapping change and a blackhole: $src"
